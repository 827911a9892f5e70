{-# LANGUAGE ForeignFunctionInterface #-}
{-# LANGUAGE ScopedTypeVariables #-}
{- |
Module      : LinuxNS
Description : Linux namespaces through liblinuxns
Stability   : provisional
Portability : Linux, GHC

The whole of liblinuxns (@man linuxns@) in Haskell style.

* __Handles.__ A namespace is a 'Namespace': a file descriptor of a
  namespace file, the same as @\/proc\/PID\/ns\/TYPE@ gives, @ip netns@ and
  @nsenter@ use. Open one with 'openPid', 'openPath', 'openName',
  'openPidfd', or create one with 'newNamespace', 'newUserns', 'netnsAdd';
  close it with 'closeNamespace', or use 'withNamespace' (a 'bracket').

* __Errors.__ Every function throws an 'IOError' on failure, carrying the
  errno ('ioeGetErrorType', 'GHC.IO.Exception.ioe_errno') and, as its
  description, the library's sentence (@ns_last_error@), which begins with
  the C function's name: e.g. @ns_open_pid: pid -1: ...@.
  @ns_last_error@ is per OS thread, so each call and the reading of that
  sentence run together on one bound thread ('runInBoundThread'): on the
  calling thread when it is bound (main, 'forkOS'), else on a short-lived
  bound thread. Under the non-threaded RTS there is only one OS thread.

* __Threads.__ Namespace membership is per OS thread.

    - 'unshare', 'setns' and 'enterPid' move the calling OS thread only.
      Call them from a bound thread ('forkOS', main) or under the
      non-threaded RTS; from an unbound ('forkIO') thread they throw, as
      the change would land on an arbitrary OS thread of the RTS.

    - A /user/ namespace cannot be unshared or joined by a process with
      several OS threads (the kernel refuses it), and the threaded RTS
      always runs several. With @-threaded@, 'unshare' and 'setns' of a
      user namespace throw an 'IOError' saying so. Use 'spawn' (a child
      in new or joined namespaces), 'newUserns' (a user namespace with
      maps, as a handle) or 'runIn' (an IO action on a thread inside other
      namespaces) instead: they never move the caller and work from any
      Haskell thread under either RTS ('runIn' needs @-threaded@).
      Under the non-threaded RTS the process has one OS thread, and
      'unshare' of a user namespace works in it (or in a child of
      'System.Posix.Process.forkProcess').

    - 'runIn' runs a Haskell action on a fresh OS thread that the library
      starts inside the namespace and ends after the action; see 'runIn'
      for what the action may do there.
-}
module LinuxNS
  ( -- * Namespace types
    NsType (..)
  , nsTypeBit
  , nsTypeFromBit
  , typesMask
  , maskTypes
  , typeName
  , typeFromName
    -- * Handles
  , Namespace (..)
  , fromFd
  , closeNamespace
  , withNamespace
  , openPid
  , openPidForChildren
  , openPidfd
  , openPidfdForChildren
  , openPath
  , openName
  , newNamespace
  , newUserns
    -- * Inspecting namespaces
  , nsId
  , uniqueId
  , nsType
  , getUserns
  , getParent
  , ownerUid
  , same
  , NsInfo (..)
  , listNamespaces
    -- * Moving the calling thread
  , unshare
  , setns
  , setnsPidfd
  , enterPid
    -- * Running code inside namespaces
  , runIn
  , runInPidfd
    -- * Spawning
  , SpawnOptions (..)
  , defaultSpawnOptions
  , Propagation (..)
  , spawn
  , spawnPidfd
  , spawnFn
  , clone
    -- * User and group id maps
  , IdMap (..)
  , MapFlag (..)
  , writeUidMap
  , writeGidMap
    -- * Keeping namespaces, named network namespaces
  , bind
  , unbind
  , netnsAdd
  , netnsDel
    -- * Limits, time offsets, pivot_root, kcmp
  , getLimit
  , setLimit
  , Clock (..)
  , setTimeOffset
  , pivotRoot
  , KcmpType (..)
  , KcmpResult (..)
  , kcmp
    -- * Version and errors
  , version
  , headerVersion
  , lastError
  , headerConstants
  ) where

#include <linuxns.h>
#include <time.h>

import Control.Concurrent (isCurrentThreadBound, rtsSupportsBoundThreads, runInBoundThread)
import Control.Exception (SomeException, bracket, throwIO, try)
import Control.Monad (forM_, unless, void, when)
import Data.IORef
import Data.List (foldl')
import Foreign hiding (void)
import Foreign.C
import GHC.IO.Exception (IOErrorType (..), IOException (..))
import System.IO.Unsafe (unsafePerformIO)
import System.Posix.Signals (Signal)
import System.Posix.Types (CPid (..), CUid (..), Fd (..), ProcessID, UserID)

-- ---------------------------------------------------------------------------
-- Types

-- | A namespace type: one of the kernel's @CLONE_NEW*@ bits (@NS_*@).
data NsType = Mnt | Cgroup | Uts | Ipc | User | Pid | Net | Time
  deriving (Eq, Ord, Show, Read, Enum, Bounded)

-- | The @NS_*@ bit of a type, as read from @linuxns.h@.
nsTypeBit :: NsType -> CInt
nsTypeBit t = case t of
  Mnt -> #{const NS_MNT}
  Cgroup -> #{const NS_CGROUP}
  Uts -> #{const NS_UTS}
  Ipc -> #{const NS_IPC}
  User -> #{const NS_USER}
  Pid -> #{const NS_PID}
  Net -> #{const NS_NET}
  Time -> #{const NS_TIME}

-- | The type of one @NS_*@ bit.
nsTypeFromBit :: CInt -> Maybe NsType
nsTypeFromBit b = lookup b [(nsTypeBit t, t) | t <- [minBound .. maxBound]]

-- | The OR of the types' bits; @[]@ is 0.
typesMask :: [NsType] -> CInt
typesMask = foldl' (\m t -> m .|. nsTypeBit t) 0

-- | The types in a mask.
maskTypes :: CInt -> [NsType]
maskTypes m = [t | t <- [minBound .. maxBound], m .&. nsTypeBit t /= 0]

-- | A namespace handle: a file descriptor of a namespace file, the caller's
-- to close ('closeNamespace'). It is an ordinary descriptor: 'namespaceFd'
-- can be given to other libraries, and 'fromFd' wraps theirs.
newtype Namespace = Namespace {namespaceFd :: Fd}
  deriving (Eq, Ord, Show)

-- | Wraps a descriptor of a namespace file (no check is made).
fromFd :: Fd -> Namespace
fromFd = Namespace

-- | One range of a uid or gid map: 'count' ids from 'inside' in the
-- namespace are the ids from 'outside' in the parent namespace.
data IdMap = IdMap {inside :: !Word32, outside :: !Word32, count :: !Word32}
  deriving (Eq, Show, Read)

instance Storable IdMap where
  sizeOf _ = #{size struct ns_idmap}
  alignment _ = #{alignment struct ns_idmap}
  peek p =
    IdMap <$> (#peek struct ns_idmap, inside) p
      <*> (#peek struct ns_idmap, outside) p
      <*> (#peek struct ns_idmap, count) p
  poke p (IdMap i o c) = do
    (#poke struct ns_idmap, inside) p i
    (#poke struct ns_idmap, outside) p o
    (#poke struct ns_idmap, count) p c

-- | Flags of the map writers.
data MapFlag
  = -- | write @deny@ to @\/proc\/PID\/setgroups@ first (gid maps only), as an
    -- unprivileged writer must
    DenySetgroups
  | -- | write through @newuidmap@ \/ @newgidmap@ (\/etc\/subuid ranges)
    UseHelper
  deriving (Eq, Show, Read, Enum, Bounded)

mapFlags :: [MapFlag] -> CUInt
mapFlags = foldl' (\m f -> m .|. bit' f) 0
  where
    bit' DenySetgroups = #{const NS_MAP_DENY_SETGROUPS}
    bit' UseHelper = #{const NS_MAP_USE_HELPER}

-- | One namespace, as 'listNamespaces' reports it (@struct ns_info@).
data NsInfo = NsInfo
  { infoId :: !Word64 -- ^ inode number, as in @net:[4026531840]@
  , infoUsernsId :: !Word64 -- ^ id of the owning user namespace
  , infoParentId :: !Word64 -- ^ pid and user namespaces: the parent's id; else 0
  , infoType :: !NsType
  , infoNprocs :: !Word32 -- ^ processes found in it
  , infoPid :: !ProcessID -- ^ lowest pid in it; 0 when only bind-mounted
  , infoOwnerUid :: !UserID -- ^ uid that created the owning user namespace
  }
  deriving (Eq, Show)

peekInfo :: Ptr NsInfo -> IO NsInfo
peekInfo p = do
  t :: Int32 <- (#peek struct ns_info, type) p
  NsInfo
    <$> (#peek struct ns_info, id) p
    <*> (#peek struct ns_info, userns_id) p
    <*> (#peek struct ns_info, parent_id) p
    <*> pure (maybe Mnt id (nsTypeFromBit (fromIntegral t)))
    <*> (#peek struct ns_info, nprocs) p
    <*> (fromIntegral <$> ((#peek struct ns_info, pid) p :: IO Int32))
    <*> (fromIntegral <$> ((#peek struct ns_info, owner_uid) p :: IO Word32))

-- | The clocks of a time namespace.
data Clock = Monotonic | Boottime
  deriving (Eq, Show, Read, Enum, Bounded)

clockId :: Clock -> CInt
clockId Monotonic = #{const CLOCK_MONOTONIC}
clockId Boottime = #{const CLOCK_BOOTTIME}

-- | Mount propagation of a spawned child's new mount namespace.
data Propagation = Private | Slave | Shared | Unchanged
  deriving (Eq, Show, Read, Enum, Bounded)

propagationMode :: Propagation -> CInt
propagationMode p = case p of
  Private -> #{const NS_PROPAGATION_PRIVATE}
  Slave -> #{const NS_PROPAGATION_SLAVE}
  Shared -> #{const NS_PROPAGATION_SHARED}
  Unchanged -> #{const NS_PROPAGATION_UNCHANGED}

-- | What 'kcmp' compares.
data KcmpType
  = KcmpFile Fd Fd -- ^ a descriptor of each process
  | KcmpVm
  | KcmpFiles
  | KcmpFs
  | KcmpSighand
  | KcmpIo
  | KcmpSysvsem
  deriving (Eq, Show)

-- | The answer of 'kcmp'.
data KcmpResult = KcmpEqual | KcmpLess | KcmpGreater | KcmpUnordered
  deriving (Eq, Show, Read, Enum, Bounded)

-- ---------------------------------------------------------------------------
-- The C functions (all 53). Quick calls are unsafe; calls that block or
-- call back into Haskell are safe.

data SpawnAttr

type Callback = Ptr () -> IO CInt

type ListCallback = Ptr NsInfo -> Ptr () -> IO CInt

foreign import ccall unsafe "ns_version" c_ns_version :: IO CString
foreign import ccall unsafe "ns_last_error" c_ns_last_error :: IO CString
foreign import ccall unsafe "ns_type_name" c_ns_type_name :: CInt -> IO CString
foreign import ccall unsafe "ns_type_from_name" c_ns_type_from_name :: CString -> IO CInt
foreign import ccall unsafe "ns_unshare" c_ns_unshare :: CInt -> IO CInt
foreign import ccall unsafe "ns_setns" c_ns_setns :: CInt -> CInt -> IO CInt
foreign import ccall unsafe "ns_open_pid" c_ns_open_pid :: CPid -> CInt -> IO CInt
foreign import ccall unsafe "ns_id" c_ns_id :: CInt -> Ptr Word64 -> IO CInt
foreign import ccall safe "ns_write_uid_map" c_ns_write_uid_map :: CPid -> Ptr IdMap -> CSize -> CUInt -> IO CInt
foreign import ccall safe "ns_write_gid_map" c_ns_write_gid_map :: CPid -> Ptr IdMap -> CSize -> CUInt -> IO CInt
foreign import ccall safe "ns_clone" c_ns_clone :: CInt -> FunPtr (Ptr a -> IO CInt) -> Ptr a -> Ptr CInt -> IO CPid
foreign import ccall safe "ns_enter_pid" c_ns_enter_pid :: CPid -> CInt -> IO CInt
foreign import ccall safe "ns_run_in" c_ns_run_in :: CInt -> CInt -> FunPtr Callback -> Ptr () -> Ptr CInt -> IO CInt
foreign import ccall safe "ns_new" c_ns_new :: CInt -> IO CInt
foreign import ccall safe "ns_new_userns" c_ns_new_userns :: Ptr IdMap -> CSize -> Ptr IdMap -> CSize -> CUInt -> IO CInt
foreign import ccall unsafe "ns_open_pidfd" c_ns_open_pidfd :: CInt -> CInt -> IO CInt
foreign import ccall unsafe "ns_open_path" c_ns_open_path :: CString -> CInt -> IO CInt
foreign import ccall unsafe "ns_open_name" c_ns_open_name :: CString -> IO CInt
foreign import ccall unsafe "ns_type" c_ns_type :: CInt -> IO CInt
foreign import ccall unsafe "ns_get_userns" c_ns_get_userns :: CInt -> IO CInt
foreign import ccall unsafe "ns_get_parent" c_ns_get_parent :: CInt -> IO CInt
foreign import ccall unsafe "ns_owner_uid" c_ns_owner_uid :: CInt -> Ptr CUid -> IO CInt
foreign import ccall unsafe "ns_same" c_ns_same :: CInt -> CInt -> IO CInt
foreign import ccall unsafe "ns_unique_id" c_ns_unique_id :: CInt -> Ptr Word64 -> IO CInt
foreign import ccall safe "ns_bind" c_ns_bind :: CInt -> CString -> IO CInt
foreign import ccall safe "ns_unbind" c_ns_unbind :: CString -> IO CInt
foreign import ccall safe "ns_netns_add" c_ns_netns_add :: CString -> IO CInt
foreign import ccall safe "ns_netns_del" c_ns_netns_del :: CString -> IO CInt
foreign import ccall safe "ns_spawn" c_ns_spawn :: CString -> Ptr CString -> Ptr CString -> Ptr SpawnAttr -> Ptr CInt -> IO CPid
foreign import ccall safe "ns_spawn_fn" c_ns_spawn_fn :: Ptr SpawnAttr -> FunPtr (Ptr a -> IO CInt) -> Ptr a -> Ptr CInt -> IO CPid
foreign import ccall unsafe "ns_spawn_attr_new" c_attr_new :: IO (Ptr SpawnAttr)
foreign import ccall unsafe "ns_spawn_attr_free" c_attr_free :: Ptr SpawnAttr -> IO ()
foreign import ccall unsafe "ns_spawn_attr_set_namespaces" c_attr_set_namespaces :: Ptr SpawnAttr -> CInt -> IO CInt
foreign import ccall unsafe "ns_spawn_attr_join" c_attr_join :: Ptr SpawnAttr -> CInt -> CInt -> IO CInt
foreign import ccall unsafe "ns_spawn_attr_map_root" c_attr_map_root :: Ptr SpawnAttr -> IO CInt
foreign import ccall unsafe "ns_spawn_attr_set_uid_map" c_attr_set_uid_map :: Ptr SpawnAttr -> Ptr IdMap -> CSize -> CUInt -> IO CInt
foreign import ccall unsafe "ns_spawn_attr_set_gid_map" c_attr_set_gid_map :: Ptr SpawnAttr -> Ptr IdMap -> CSize -> CUInt -> IO CInt
foreign import ccall unsafe "ns_spawn_attr_set_hostname" c_attr_set_hostname :: Ptr SpawnAttr -> CString -> IO CInt
foreign import ccall unsafe "ns_spawn_attr_set_root" c_attr_set_root :: Ptr SpawnAttr -> CString -> IO CInt
foreign import ccall unsafe "ns_spawn_attr_set_mount_proc" c_attr_set_mount_proc :: Ptr SpawnAttr -> CInt -> IO CInt
foreign import ccall unsafe "ns_spawn_attr_set_propagation" c_attr_set_propagation :: Ptr SpawnAttr -> CInt -> IO CInt
foreign import ccall unsafe "ns_spawn_attr_set_cwd" c_attr_set_cwd :: Ptr SpawnAttr -> CString -> IO CInt
foreign import ccall unsafe "ns_spawn_attr_set_fd" c_attr_set_fd :: Ptr SpawnAttr -> CInt -> CInt -> IO CInt
foreign import ccall unsafe "ns_spawn_attr_set_close_fds" c_attr_set_close_fds :: Ptr SpawnAttr -> CInt -> IO CInt
foreign import ccall unsafe "ns_spawn_attr_set_pdeathsig" c_attr_set_pdeathsig :: Ptr SpawnAttr -> CInt -> IO CInt
foreign import ccall unsafe "ns_spawn_attr_set_cgroup" c_attr_set_cgroup :: Ptr SpawnAttr -> CInt -> IO CInt
foreign import ccall unsafe "ns_spawn_attr_set_time_offset" c_attr_set_time_offset :: Ptr SpawnAttr -> CInt -> Int64 -> Int64 -> IO CInt
foreign import ccall safe "ns_list" c_ns_list :: CInt -> FunPtr ListCallback -> Ptr () -> IO CInt
foreign import ccall unsafe "ns_get_limit" c_ns_get_limit :: CInt -> IO Int64
foreign import ccall unsafe "ns_set_limit" c_ns_set_limit :: CInt -> Int64 -> IO CInt
foreign import ccall unsafe "ns_set_time_offset" c_ns_set_time_offset :: CPid -> CInt -> Int64 -> Int64 -> IO CInt
foreign import ccall unsafe "ns_pivot_root" c_ns_pivot_root :: CString -> CString -> IO CInt
foreign import ccall unsafe "ns_kcmp" c_ns_kcmp :: CPid -> CPid -> CInt -> CULong -> CULong -> IO CInt

foreign import ccall "wrapper" mkCallback :: Callback -> IO (FunPtr Callback)
foreign import ccall "wrapper" mkListCallback :: ListCallback -> IO (FunPtr ListCallback)

-- ---------------------------------------------------------------------------
-- Errors

-- | Runs an action on a bound thread (the calling one when it is bound), so
-- a library call and the reading of its per-OS-thread ns_last_error happen
-- on the same OS thread. Under the non-threaded RTS there is one OS thread.
bound :: IO a -> IO a
bound act
  | rtsSupportsBoundThreads = runInBoundThread act
  | otherwise = act

-- | On the OS thread that just made the call: a negative return @-e@ becomes
-- an IOError with errno @e@ and ns_last_error's sentence.
check :: Integral a => String -> a -> IO a
check loc rc
  | rc >= 0 = return rc
  | otherwise = do
      detail <- peekCString =<< c_ns_last_error
      throwErrno' loc (fromIntegral (negate rc)) detail

throwErrno' :: String -> CInt -> String -> IO a
throwErrno' loc e detail =
  let err = errnoToIOError loc (Errno e) Nothing Nothing
   in ioError (if null detail then err else err {ioe_description = detail})

errnoVal :: Errno -> CInt
errnoVal (Errno e) = e

-- | A library call with its error check, on a bound thread.
call :: Integral a => String -> IO a -> IO a
call loc act = bound (act >>= check loc)

call_ :: Integral a => String -> IO a -> IO ()
call_ loc act = void (call loc act)

-- | For the calls that move the calling OS thread: they must run on the
-- thread that asked, which must therefore be bound (or the RTS
-- non-threaded).
callHere :: String -> IO CInt -> IO ()
callHere loc act = do
  ok <- if rtsSupportsBoundThreads then isCurrentThreadBound else return True
  unless ok $
    ioError
      (errnoToIOError loc eINVAL Nothing Nothing)
        { ioe_description =
            loc ++ ": called from an unbound Haskell thread (forkIO), whose OS thread the RTS"
              ++ " may change at any time: call it from main or a forkOS thread, or use runIn or spawn"
        }
  rc <- act
  void (check loc rc)

-- | The threaded RTS always has several OS threads: the kernel refuses
-- them a user namespace (unshare, setns). Say so before trying.
refuseUserns :: String -> [NsType] -> IO ()
refuseUserns loc ts =
  when (rtsSupportsBoundThreads && User `elem` ts) $
    ioError
      (errnoToIOError loc eINVAL Nothing Nothing)
        { ioe_description =
            loc ++ ": a user namespace cannot be entered by a process with several OS threads,"
              ++ " and the threaded GHC RTS always runs several: use LinuxNS.spawn,"
              ++ " LinuxNS.newUserns or LinuxNS.runIn, or build without -threaded"
        }

-- | The calling OS thread's last failure (@ns_last_error@): @""@ before
-- any. Only meaningful on a bound thread; the functions of this module
-- put it into their IOErrors already.
lastError :: IO String
lastError = peekCString =<< c_ns_last_error

-- | The library's version, @MAJOR.MINOR.PATCH@.
version :: String
version = unsafePerformIO (peekCString =<< c_ns_version)
{-# NOINLINE version #-}

-- | The version of the header this package was built against.
headerVersion :: String
headerVersion = #{const_str LINUXNS_VERSION_STRING}

-- | Every constant and struct layout this package took from @linuxns.h@
-- at build time (through hsc2hs), by its C name: for checks against the
-- header (@sizeof(struct ns_idmap)@, @offsetof(struct ns_info, pid)@...).
headerConstants :: [(String, Integer)]
headerConstants =
  [ ("NS_MNT", #{const NS_MNT})
  , ("NS_CGROUP", #{const NS_CGROUP})
  , ("NS_UTS", #{const NS_UTS})
  , ("NS_IPC", #{const NS_IPC})
  , ("NS_USER", #{const NS_USER})
  , ("NS_PID", #{const NS_PID})
  , ("NS_NET", #{const NS_NET})
  , ("NS_TIME", #{const NS_TIME})
  , ("NS_ALL", #{const NS_ALL})
  , ("NS_FOR_CHILDREN", #{const NS_FOR_CHILDREN})
  , ("NS_MAP_DENY_SETGROUPS", #{const NS_MAP_DENY_SETGROUPS})
  , ("NS_MAP_USE_HELPER", #{const NS_MAP_USE_HELPER})
  , ("NS_MAP_MAX_RANGES", #{const NS_MAP_MAX_RANGES})
  , ("NS_PROPAGATION_PRIVATE", #{const NS_PROPAGATION_PRIVATE})
  , ("NS_PROPAGATION_SLAVE", #{const NS_PROPAGATION_SLAVE})
  , ("NS_PROPAGATION_SHARED", #{const NS_PROPAGATION_SHARED})
  , ("NS_PROPAGATION_UNCHANGED", #{const NS_PROPAGATION_UNCHANGED})
  , ("NS_KCMP_FILE", #{const NS_KCMP_FILE})
  , ("NS_KCMP_VM", #{const NS_KCMP_VM})
  , ("NS_KCMP_FILES", #{const NS_KCMP_FILES})
  , ("NS_KCMP_FS", #{const NS_KCMP_FS})
  , ("NS_KCMP_SIGHAND", #{const NS_KCMP_SIGHAND})
  , ("NS_KCMP_IO", #{const NS_KCMP_IO})
  , ("NS_KCMP_SYSVSEM", #{const NS_KCMP_SYSVSEM})
  , ("LINUXNS_VERSION_MAJOR", #{const LINUXNS_VERSION_MAJOR})
  , ("LINUXNS_VERSION_MINOR", #{const LINUXNS_VERSION_MINOR})
  , ("LINUXNS_VERSION_PATCH", #{const LINUXNS_VERSION_PATCH})
  , ("CLOCK_MONOTONIC", #{const CLOCK_MONOTONIC})
  , ("CLOCK_BOOTTIME", #{const CLOCK_BOOTTIME})
  , ("sizeof(struct ns_idmap)", #{size struct ns_idmap})
  , ("alignof(struct ns_idmap)", #{alignment struct ns_idmap})
  , ("offsetof(struct ns_idmap, inside)", #{offset struct ns_idmap, inside})
  , ("offsetof(struct ns_idmap, outside)", #{offset struct ns_idmap, outside})
  , ("offsetof(struct ns_idmap, count)", #{offset struct ns_idmap, count})
  , ("sizeof(struct ns_info)", #{size struct ns_info})
  , ("alignof(struct ns_info)", #{alignment struct ns_info})
  , ("offsetof(struct ns_info, id)", #{offset struct ns_info, id})
  , ("offsetof(struct ns_info, userns_id)", #{offset struct ns_info, userns_id})
  , ("offsetof(struct ns_info, parent_id)", #{offset struct ns_info, parent_id})
  , ("offsetof(struct ns_info, type)", #{offset struct ns_info, type})
  , ("offsetof(struct ns_info, nprocs)", #{offset struct ns_info, nprocs})
  , ("offsetof(struct ns_info, pid)", #{offset struct ns_info, pid})
  , ("offsetof(struct ns_info, owner_uid)", #{offset struct ns_info, owner_uid})
  ]

-- ---------------------------------------------------------------------------
-- Type names

-- | The name of a type as in @\/proc\/PID\/ns@: @"mnt"@, @"net"@...
typeName :: NsType -> String
typeName t = unsafePerformIO $ do
  p <- c_ns_type_name (nsTypeBit t)
  if p == nullPtr then return (show t) else peekCString p

-- | The type of a name as in @\/proc\/PID\/ns@ (@ns_type_from_name@).
typeFromName :: String -> IO NsType
typeFromName s = do
  b <- withCString s $ \cs -> call "ns_type_from_name" (c_ns_type_from_name cs)
  maybe (throwErrno' "ns_type_from_name" (errnoVal eINVAL) "") return (nsTypeFromBit b)

-- ---------------------------------------------------------------------------
-- Handles

fdOf :: Namespace -> CInt
fdOf (Namespace (Fd fd)) = fd

handle :: CInt -> Namespace
handle = Namespace . Fd

foreign import ccall unsafe "close" c_close :: CInt -> IO CInt

-- | Closes a handle.
closeNamespace :: Namespace -> IO ()
closeNamespace ns = throwErrnoIfMinus1_ "closeNamespace" (c_close (fdOf ns))

-- | 'bracket' for handles: @withNamespace (openPid 0 Net) nsId@.
withNamespace :: IO Namespace -> (Namespace -> IO a) -> IO a
withNamespace open = bracket open closeNamespace

-- | A namespace of a process or thread (@ns_open_pid@); pid 0 is the
-- calling OS thread.
openPid :: ProcessID -> NsType -> IO Namespace
openPid pid t = handle <$> call "ns_open_pid" (c_ns_open_pid pid (nsTypeBit t))

-- | The namespace a process's next children get (@pid_for_children@,
-- @time_for_children@): 'Pid' or 'Time' only.
openPidForChildren :: ProcessID -> NsType -> IO Namespace
openPidForChildren pid t =
  handle <$> call "ns_open_pid" (c_ns_open_pid pid (nsTypeBit t .|. #{const NS_FOR_CHILDREN}))

-- | A namespace of the process behind a pidfd (@ns_open_pidfd@).
openPidfd :: Fd -> NsType -> IO Namespace
openPidfd (Fd pfd) t = handle <$> call "ns_open_pidfd" (c_ns_open_pidfd pfd (nsTypeBit t))

-- | As 'openPidForChildren', through a pidfd.
openPidfdForChildren :: Fd -> NsType -> IO Namespace
openPidfdForChildren (Fd pfd) t =
  handle <$> call "ns_open_pidfd" (c_ns_open_pidfd pfd (nsTypeBit t .|. #{const NS_FOR_CHILDREN}))

-- | A namespace file by path (@\/proc\/PID\/ns\/net@, a bind mount,
-- @\/run\/netns\/NAME@); 'Nothing' accepts any type.
openPath :: FilePath -> Maybe NsType -> IO Namespace
openPath path t =
  withCString path $ \cp ->
    handle <$> call "ns_open_path" (c_ns_open_path cp (maybe 0 nsTypeBit t))

-- | A network namespace by its @ip netns@ name.
openName :: String -> IO Namespace
openName name = withCString name $ \cn -> handle <$> call "ns_open_name" (c_ns_open_name cn)

-- | A new namespace of one type, without moving the caller (@ns_new@); a
-- 'User' one has no maps (see 'newUserns'). Safe from any thread.
newNamespace :: NsType -> IO Namespace
newNamespace t = handle <$> call "ns_new" (c_ns_new (nsTypeBit t))

-- | A new user namespace with uid and gid maps (@ns_new_userns@), e.g. to
-- join in 'spawn'. Safe from any thread, under either RTS.
--
-- > newUserns [IdMap 0 uid 1] [IdMap 0 gid 1] [DenySetgroups]
newUserns :: [IdMap] -> [IdMap] -> [MapFlag] -> IO Namespace
newUserns umap gmap flags =
  withMaps umap $ \up un ->
    withMaps gmap $ \gp gn ->
      handle <$> call "ns_new_userns" (c_ns_new_userns up un gp gn (mapFlags flags))

withMaps :: [IdMap] -> (Ptr IdMap -> CSize -> IO a) -> IO a
withMaps [] f = f nullPtr 0
withMaps ms f = withArrayLen ms $ \n p -> f p (fromIntegral n)

-- ---------------------------------------------------------------------------
-- Inspecting

-- | The inode number: the N of @readlink \/proc\/PID\/ns\/TYPE@ =
-- @TYPE:[N]@.
nsId :: Namespace -> IO Word64
nsId ns = alloca $ \p -> bound (c_ns_id (fdOf ns) p >>= check "ns_id" >> peek p)

-- | The kernel's 64-bit id, never reused (Linux 6.18).
uniqueId :: Namespace -> IO Word64
uniqueId ns = alloca $ \p -> bound (c_ns_unique_id (fdOf ns) p >>= check "ns_unique_id" >> peek p)

-- | The type of a handle.
nsType :: Namespace -> IO NsType
nsType ns = do
  b <- call "ns_type" (c_ns_type (fdOf ns))
  maybe (throwErrno' "ns_type" (errnoVal eOPNOTSUPP) "") return (nsTypeFromBit b)

-- | The user namespace that owns a namespace (a new handle).
getUserns :: Namespace -> IO Namespace
getUserns ns = handle <$> call "ns_get_userns" (c_ns_get_userns (fdOf ns))

-- | The parent of a PID or user namespace (a new handle).
getParent :: Namespace -> IO Namespace
getParent ns = handle <$> call "ns_get_parent" (c_ns_get_parent (fdOf ns))

-- | The uid that created a user namespace.
ownerUid :: Namespace -> IO UserID
ownerUid ns = alloca $ \p -> bound (c_ns_owner_uid (fdOf ns) p >>= check "ns_owner_uid" >> peek p)

-- | Whether two handles name the same namespace.
same :: Namespace -> Namespace -> IO Bool
same a b = (== 1) <$> call "ns_same" (c_ns_same (fdOf a) (fdOf b))

-- | Every namespace of the system, as @lsns@ shows them (@ns_list@), in
-- order of (type, id); @[]@ lists every type.
listNamespaces :: [NsType] -> IO [NsInfo]
listNamespaces ts = do
  acc <- newIORef []
  let cb p _ = do
        i <- peekInfo p
        modifyIORef' acc (i :)
        return 0
  bracket (mkListCallback cb) freeHaskellFunPtr $ \f ->
    call_ "ns_list" (c_ns_list (typesMask ts) f nullPtr)
  reverse <$> readIORef acc

-- ---------------------------------------------------------------------------
-- Moving the calling thread

-- | Moves the calling OS thread into new namespaces (@unshare(2)@). Needs a
-- bound thread under the threaded RTS, where 'User' is refused (see the
-- module's notes: use 'spawn', 'newUserns' or 'runIn').
unshare :: [NsType] -> IO ()
unshare ts = do
  refuseUserns "ns_unshare" ts
  callHere "ns_unshare" (c_ns_unshare (typesMask ts))

-- | Moves the calling OS thread into a namespace (@setns(2)@); with
-- @Just t@ the handle must be of type @t@. As 'unshare': a bound thread, no
-- user namespace under the threaded RTS.
setns :: Namespace -> Maybe NsType -> IO ()
setns ns mt = do
  when rtsSupportsBoundThreads $ do
    t <- maybe (nsType ns) return mt
    refuseUserns "ns_setns" [t]
  callHere "ns_setns" (c_ns_setns (fdOf ns) (maybe 0 nsTypeBit mt))

-- | Moves the calling OS thread into several namespaces of the process
-- behind a pidfd at once.
setnsPidfd :: Fd -> [NsType] -> IO ()
setnsPidfd (Fd pfd) ts = do
  refuseUserns "ns_setns" ts
  callHere "ns_setns" (c_ns_setns pfd (typesMask ts))

-- | Moves the calling OS thread into a process's namespaces, like
-- @nsenter -t PID@; @[]@ means every one that differs.
enterPid :: ProcessID -> [NsType] -> IO ()
enterPid pid ts = do
  refuseUserns "ns_enter_pid" ts
  callHere "ns_enter_pid" (c_ns_enter_pid pid (typesMask ts))

-- ---------------------------------------------------------------------------
-- runIn

-- | Runs an IO action on a fresh OS thread that the library starts inside
-- the namespace, waits for it and returns its result (or rethrows its
-- exception) (@ns_run_in@). The caller never moves. Needs the threaded RTS
-- (the action is called in from a thread GHC did not start); throws an
-- 'IOError' under the non-threaded RTS. Not for user namespaces (the
-- kernel refuses them to a thread).
--
-- The action runs as a bound Haskell thread on that OS thread, so
-- everything it does itself happens inside the namespace: system calls
-- (open a file in a mount namespace, create a socket in a network
-- namespace, @gethostname@ in a UTS one, readlink @\/proc\/thread-self\/ns@).
-- It may not hand work to other Haskell threads and expect it done inside
-- ('forkIO', 'forkOS', the RTS's I/O manager threads are elsewhere; a
-- socket created inside stays in the namespace wherever it is used later),
-- keep anything running after it returns (the thread and its namespaces
-- are gone then), or block for long (the caller waits).
runIn :: Namespace -> IO a -> IO a
runIn ns = runInWith (fdOf ns) 0

-- | 'runIn' in several namespaces of the process behind a pidfd at once.
runInPidfd :: Fd -> [NsType] -> IO a -> IO a
runInPidfd (Fd pfd) ts = runInWith pfd (typesMask ts)

runInWith :: forall a. CInt -> CInt -> IO a -> IO a
runInWith fd types act = do
  unless rtsSupportsBoundThreads $
    ioError
      (IOError Nothing UnsupportedOperation "ns_run_in"
        "runIn needs the threaded RTS (ghc -threaded): the action is called from a thread of the library's own"
        Nothing Nothing)
  box <- newIORef Nothing
  let cb _ = do
        r <- try act
        writeIORef box (Just (r :: Either SomeException a))
        return 0
  bracket (mkCallback cb) freeHaskellFunPtr $ \f ->
    call_ "ns_run_in" (c_ns_run_in fd types f nullPtr nullPtr)
  r <- readIORef box
  case r of
    Just (Right x) -> return x
    Just (Left e) -> throwIO e
    Nothing -> ioError (userError "ns_run_in: the action did not run")

-- ---------------------------------------------------------------------------
-- Spawning

-- | How 'spawn' sets up the child (@ns_spawn_attr@). Start from
-- 'defaultSpawnOptions', which asks for nothing.
data SpawnOptions = SpawnOptions
  { namespaces :: [NsType] -- ^ new namespaces of the child
  , joins :: [Namespace] -- ^ existing namespaces the child joins first (named so, not @join@, to leave "Control.Monad"'s alone)
  , joinPidfds :: [(Fd, [NsType])] -- ^ namespaces of processes (pidfds) to join
  , mapRoot :: Bool -- ^ the caller's uid and gid become root inside (@unshare -r@); needs 'User'
  , uidMap :: [IdMap] -- ^ uid map of the new user namespace
  , gidMap :: [IdMap] -- ^ gid map of the new user namespace
  , mapFlagsOf :: [MapFlag] -- ^ 'UseHelper' for both maps, 'DenySetgroups' for the gid map
  , hostname :: Maybe String -- ^ needs a new or joined 'Uts'
  , root :: Maybe FilePath -- ^ new root (pivot_root); needs 'Mnt'
  , mountProc :: Bool -- ^ a fresh @\/proc@; needs 'Pid' and 'Mnt'
  , propagation :: Maybe Propagation -- ^ of the new mount namespace (default 'Private')
  , cwd :: Maybe FilePath -- ^ working directory, after the root change
  , fds :: [(Fd, Maybe Fd)] -- ^ child descriptor := a copy of the caller's, or closed
  , closeFds :: Bool -- ^ close every other descriptor >= 3
  , pdeathsig :: Maybe Signal -- ^ signal the child gets when its spawner ends (@PR_SET_PDEATHSIG@)
  , cgroup :: Maybe Fd -- ^ cgroup v2 directory to start in
  , timeOffsets :: [(Clock, Int64, Int64)] -- ^ (clock, seconds, nanoseconds); needs 'Time'
  , environment :: Maybe [(String, String)] -- ^ 'Nothing': the caller's
  }

-- | Nothing new: a plain spawn.
defaultSpawnOptions :: SpawnOptions
defaultSpawnOptions =
  SpawnOptions
    { namespaces = []
    , joins = []
    , joinPidfds = []
    , mapRoot = False
    , uidMap = []
    , gidMap = []
    , mapFlagsOf = []
    , hostname = Nothing
    , root = Nothing
    , mountProc = False
    , propagation = Nothing
    , cwd = Nothing
    , fds = []
    , closeFds = False
    , pdeathsig = Nothing
    , cgroup = Nothing
    , timeOffsets = []
    , environment = Nothing
    }

-- Must run on one bound thread with its use (check reads ns_last_error).
withAttr :: SpawnOptions -> (Ptr SpawnAttr -> IO a) -> IO a
withAttr o act = bracket newAttr c_attr_free $ \a -> do
  let set loc f = void (f >>= check loc)
  set "ns_spawn_attr_set_namespaces" (c_attr_set_namespaces a (typesMask (namespaces o)))
  forM_ (joins o) $ \ns -> set "ns_spawn_attr_join" (c_attr_join a (fdOf ns) 0)
  forM_ (joinPidfds o) $ \(Fd p, ts) -> set "ns_spawn_attr_join" (c_attr_join a p (typesMask ts))
  when (mapRoot o) $ set "ns_spawn_attr_map_root" (c_attr_map_root a)
  let uflags = mapFlags (filter (== UseHelper) (mapFlagsOf o))
  unless (null (uidMap o)) $
    withMaps (uidMap o) $ \p n -> set "ns_spawn_attr_set_uid_map" (c_attr_set_uid_map a p n uflags)
  unless (null (gidMap o)) $
    withMaps (gidMap o) $ \p n ->
      set "ns_spawn_attr_set_gid_map" (c_attr_set_gid_map a p n (mapFlags (mapFlagsOf o)))
  forM_ (hostname o) $ \h -> withCString h $ \c -> set "ns_spawn_attr_set_hostname" (c_attr_set_hostname a c)
  forM_ (root o) $ \d -> withCString d $ \c -> set "ns_spawn_attr_set_root" (c_attr_set_root a c)
  when (mountProc o) $ set "ns_spawn_attr_set_mount_proc" (c_attr_set_mount_proc a 1)
  forM_ (propagation o) $ \m -> set "ns_spawn_attr_set_propagation" (c_attr_set_propagation a (propagationMode m))
  forM_ (cwd o) $ \d -> withCString d $ \c -> set "ns_spawn_attr_set_cwd" (c_attr_set_cwd a c)
  forM_ (fds o) $ \(Fd child, parent) ->
    set "ns_spawn_attr_set_fd" (c_attr_set_fd a child (maybe (-1) (\(Fd p) -> p) parent))
  when (closeFds o) $ set "ns_spawn_attr_set_close_fds" (c_attr_set_close_fds a 1)
  forM_ (pdeathsig o) $ \s -> set "ns_spawn_attr_set_pdeathsig" (c_attr_set_pdeathsig a s)
  forM_ (cgroup o) $ \(Fd c) -> set "ns_spawn_attr_set_cgroup" (c_attr_set_cgroup a c)
  forM_ (timeOffsets o) $ \(c, s, ns) ->
    set "ns_spawn_attr_set_time_offset" (c_attr_set_time_offset a (clockId c) s ns)
  act a
  where
    newAttr = do
      p <- c_attr_new
      when (p == nullPtr) $ throwErrno "ns_spawn_attr_new"
      return p

withEnv :: Maybe [(String, String)] -> (Ptr CString -> IO a) -> IO a
withEnv Nothing f = f nullPtr
withEnv (Just kvs) f =
  withMany withCString [k ++ "=" ++ v | (k, v) <- kvs] $ \cs -> withArray0 nullPtr cs f

spawnWith :: Ptr CInt -> SpawnOptions -> FilePath -> [String] -> IO ProcessID
spawnWith pidfd o prog args =
  bound $
    withAttr o $ \a ->
      withCString prog $ \cprog ->
        withMany withCString (prog : args) $ \cargs ->
          withArray0 nullPtr cargs $ \argv ->
            withEnv (environment o) $ \envp ->
              c_ns_spawn cprog argv envp a pidfd >>= check "ns_spawn"

-- | Starts a program (looked up in PATH without a @\/@), with argv
-- @prog : args@, in the namespaces the options ask for (@ns_spawn@). The
-- child is a direct child: wait for it with
-- 'System.Posix.Process.getProcessStatus'. Safe from any Haskell thread
-- under either RTS; the caller never moves.
--
-- > pid <- spawn defaultSpawnOptions {namespaces = [User, Pid, Uts], mapRoot = True,
-- >                                   hostname = Just "box"} "hostname" []
-- > getProcessStatus True False pid   -- prints box
spawn :: SpawnOptions -> FilePath -> [String] -> IO ProcessID
spawn = spawnWith nullPtr

-- | 'spawn', also returning a pidfd of the child (the caller's to close).
spawnPidfd :: SpawnOptions -> FilePath -> [String] -> IO (ProcessID, Fd)
spawnPidfd o prog args = alloca $ \p -> do
  pid <- spawnWith p o prog args
  fd <- peek p
  return (pid, Fd fd)

-- | Runs a C function in a child set up as 'spawn' would (@ns_spawn_fn@);
-- its return value is the child's exit status. The child is a fork-like
-- copy of the process that cannot run Haskell code safely (the RTS's
-- other threads are not in it): give a C function, e.g. from
-- @foreign import ccall "&name"@, not a Haskell @wrapper@.
spawnFn :: SpawnOptions -> FunPtr (Ptr a -> IO CInt) -> Ptr a -> IO ProcessID
spawnFn o fn arg = bound $ withAttr o $ \a -> c_ns_spawn_fn a fn arg nullPtr >>= check "ns_spawn_fn"

-- | Runs a C function in a child with new namespaces (@ns_clone@): as
-- 'spawnFn' with only 'namespaces' set; the same rule on @fn@ applies.
clone :: [NsType] -> FunPtr (Ptr a -> IO CInt) -> Ptr a -> IO ProcessID
clone ts fn arg = call "ns_clone" (c_ns_clone (typesMask ts) fn arg nullPtr)

-- ---------------------------------------------------------------------------
-- Maps

-- | Writes @\/proc\/PID\/uid_map@ in one write, checked first; pid 0 is the
-- calling process. Flags: 'UseHelper'.
writeUidMap :: ProcessID -> [IdMap] -> [MapFlag] -> IO ()
writeUidMap pid ms flags =
  withMaps ms $ \p n -> call_ "ns_write_uid_map" (c_ns_write_uid_map pid p n (mapFlags flags))

-- | Writes @\/proc\/PID\/gid_map@; 'DenySetgroups' writes @deny@ to
-- @\/proc\/PID\/setgroups@ first.
writeGidMap :: ProcessID -> [IdMap] -> [MapFlag] -> IO ()
writeGidMap pid ms flags =
  withMaps ms $ \p n -> call_ "ns_write_gid_map" (c_ns_write_gid_map pid p n (mapFlags flags))

-- ---------------------------------------------------------------------------
-- Bind mounts, named network namespaces

-- | Keeps a namespace alive by bind-mounting it on a file.
bind :: Namespace -> FilePath -> IO ()
bind ns path = withCString path $ \c -> call_ "ns_bind" (c_ns_bind (fdOf ns) c)

-- | Undoes 'bind'.
unbind :: FilePath -> IO ()
unbind path = withCString path $ \c -> call_ "ns_unbind" (c_ns_unbind c)

-- | A new named network namespace, as @ip netns add NAME@ (a handle).
netnsAdd :: String -> IO Namespace
netnsAdd name = withCString name $ \c -> handle <$> call "ns_netns_add" (c_ns_netns_add c)

-- | Deletes a named network namespace, as @ip netns delete NAME@.
netnsDel :: String -> IO ()
netnsDel name = withCString name $ \c -> call_ "ns_netns_del" (c_ns_netns_del c)

-- ---------------------------------------------------------------------------
-- The rest

-- | @\/proc\/sys\/user\/max_TYPE_namespaces@.
getLimit :: NsType -> IO Int64
getLimit t = call "ns_get_limit" (c_ns_get_limit (nsTypeBit t))

-- | Sets @\/proc\/sys\/user\/max_TYPE_namespaces@.
setLimit :: NsType -> Int64 -> IO ()
setLimit t v = call_ "ns_set_limit" (c_ns_set_limit (nsTypeBit t) v)

-- | Sets a clock offset of the time namespace process @pid@'s children get
-- (0: the caller's, after @unshare [Time]@): seconds, nanoseconds.
setTimeOffset :: ProcessID -> Clock -> Int64 -> Int64 -> IO ()
setTimeOffset pid c s ns = call_ "ns_set_time_offset" (c_ns_set_time_offset pid (clockId c) s ns)

-- | @pivot_root(2)@: new root, where the old one goes.
pivotRoot :: FilePath -> FilePath -> IO ()
pivotRoot newRoot old =
  withCString newRoot $ \a -> withCString old $ \b -> call_ "ns_pivot_root" (c_ns_pivot_root a b)

-- | Compares a kernel resource of two processes (@kcmp(2)@).
kcmp :: ProcessID -> ProcessID -> KcmpType -> IO KcmpResult
kcmp p1 p2 k = do
  let (t, i1, i2) = case k of
        KcmpFile (Fd a) (Fd b) -> (#{const NS_KCMP_FILE}, fromIntegral a, fromIntegral b)
        KcmpVm -> (#{const NS_KCMP_VM}, 0, 0)
        KcmpFiles -> (#{const NS_KCMP_FILES}, 0, 0)
        KcmpFs -> (#{const NS_KCMP_FS}, 0, 0)
        KcmpSighand -> (#{const NS_KCMP_SIGHAND}, 0, 0)
        KcmpIo -> (#{const NS_KCMP_IO}, 0, 0)
        KcmpSysvsem -> (#{const NS_KCMP_SYSVSEM}, 0, 0)
  r <- call "ns_kcmp" (c_ns_kcmp p1 p2 t i1 i2)
  return $ case r of
    0 -> KcmpEqual
    1 -> KcmpLess
    2 -> KcmpGreater
    _ -> KcmpUnordered
