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
  'openPidfd', 'openHandle', or create one with 'newNamespace',
  'newUserns', 'netnsAdd'; close it with 'closeNamespace', or use
  'withNamespace' (a 'bracket'). An 'NsHandle' (Linux 6.18) names a
  namespace as plain data or text, to store or send to another process,
  which reopens it with 'openHandle' while it lives.

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
  , ListFlag (..)
  , listNamespacesWith
    -- * Namespace file handles
  , NsHandle (..)
  , encodeHandle
  , openHandle
  , formatHandle
  , parseHandle
    -- * Mounts of a mount namespace
  , MountInfo (..)
  , listMounts
  , countMounts
  , mountIdmapped
    -- * Pids across PID namespaces, exit status by pidfd
  , translatePid
  , pidfdStatus
    -- * Kernel features
  , Feature (..)
  , featureBit
  , features
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
  , CapSet (..)
  , Rlimit (..)
  , SockFilter (..)
  , bpfStmt
  , bpfJump
  , spawn
  , spawnPidfd
  , spawnFn
  , clone
    -- * Pools of namespaces made ahead of time
  , NsPool
  , PoolFlag (..)
  , newNsPool
  , freeNsPool
  , withNsPool
  , takeNsPool
  , nsPoolTypes
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
#include <sys/mount.h>
#include <sys/resource.h>
#include <linux/filter.h>

import Control.Concurrent (isCurrentThreadBound, rtsSupportsBoundThreads, runInBoundThread)
import Control.Concurrent.MVar (MVar, modifyMVar_, newMVar, withMVar)
import Control.Exception (SomeException, bracket, throwIO, try)
import Control.Monad (forM_, unless, void, when)
import Data.IORef
import Data.List (foldl')
import Data.Maybe (isJust)
import Foreign hiding (void)
import Foreign.C
import GHC.IO.Exception (IOErrorType (..), IOException (..))
import System.Exit (ExitCode (..))
import System.IO.Unsafe (unsafePerformIO)
import System.Posix.Internals (peekFilePath)
import System.Posix.Process (ProcessStatus (..))
import System.Posix.Resource (ResourceLimit (..), ResourceLimits (..))
import System.Posix.Signals (Signal)
import System.Posix.Types (CGid (..), CMode (..), CPid (..), CUid (..), Fd (..), FileMode, GroupID, ProcessGroupID, ProcessID, UserID)

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

-- | Flags of 'listNamespacesWith'.
data ListFlag
  = -- | also the namespaces no process is in: held by a descriptor, a bind
    -- mount (in any mount namespace), a thread, a @*_for_children@ link,
    -- or alive only as another's parent or owner (@NS_LIST_ALL@)
    ListAll
  deriving (Eq, Show, Read, Enum, Bounded)

listFlags :: [ListFlag] -> CUInt
listFlags = foldl' (\m ListAll -> m .|. #{const NS_LIST_ALL}) 0

-- | A namespace file handle (@struct ns_handle@, Linux 6.18): names one
-- namespace by its type, inode number and the kernel's 64-bit id, which
-- is never reused, so a handle cannot name another namespace later. It is
-- plain data: compare it, 'show' it, store or send its text
-- ('formatHandle', 'parseHandle') or its 64 bytes (the 'Storable'
-- instance), and reopen the namespace with 'openHandle' in this or
-- another process while it lives. A handle keeps nothing alive.
data NsHandle = NsHandle
  { handleType :: !NsType -- ^ the namespace's type
  , handleId :: !Word32 -- ^ inode number, as 'nsId' gives it
  , handleUniqueId :: !Word64 -- ^ the kernel's 64-bit id, as 'uniqueId' gives it
  }
  deriving (Eq, Ord, Show)

-- | The C layout, as @ns_handle_encode@ writes it: @size@ set, the
-- reserved words zero.
instance Storable NsHandle where
  sizeOf _ = #{size struct ns_handle}
  alignment _ = #{alignment struct ns_handle}
  peek p = do
    t :: Int32 <- (#peek struct ns_handle, type) p
    ty <- maybe (throwErrno' "ns_handle" (errnoVal eINVAL) ("ns_handle: type " ++ show t ++ " is not one NS_* value"))
      return (nsTypeFromBit (fromIntegral t))
    NsHandle ty <$> (#peek struct ns_handle, inode) p <*> (#peek struct ns_handle, unique_id) p
  poke p (NsHandle t i u) = do
    fillBytes p 0 #{size struct ns_handle}
    (#poke struct ns_handle, size) p (#{size struct ns_handle} :: Word32)
    (#poke struct ns_handle, type) p (fromIntegral (nsTypeBit t) :: Int32)
    (#poke struct ns_handle, unique_id) p u
    (#poke struct ns_handle, inode) p i

-- | One mount of a mount namespace, as 'listMounts' reports it
-- (@struct ns_mount_info@), as @\/proc\/PID\/mountinfo@ and @findmnt@ show
-- it.
data MountInfo = MountInfo
  { mountId :: !(Maybe Word64) -- ^ unique 64-bit id (statmount(2)); 'Nothing' on the fallback path
  , mountParentId :: !(Maybe Word64) -- ^ unique id of the parent mount; 'Nothing' on the fallback path
  , mountProcId :: !Word32 -- ^ id in mountinfo, findmnt's ID (reused after an unmount)
  , mountProcParentId :: !Word32 -- ^ the parent's id in mountinfo, findmnt's PARENT
  , mountDevice :: !(Word32, Word32) -- ^ major and minor number of the filesystem's device
  , mountPoint :: !FilePath -- ^ where it is mounted, seen from the namespace's root (findmnt's TARGET)
  , mountRoot :: !FilePath -- ^ the directory of the filesystem that is mounted (findmnt's FSROOT)
  , mountFsType :: !String -- ^ filesystem type, @type.subtype@ for fuse
  , mountSource :: !String -- ^ the source (a device, @tmpfs@...); @none@ when it has none
  , mountPeerGroup :: !(Maybe Word64) -- ^ a shared mount's peer group (@shared:N@)
  , mountMaster :: !(Maybe Word64) -- ^ a slave's master peer group (@master:N@)
  , mountUnbindable :: !Bool -- ^ unbindable (@MS_UNBINDABLE@)
  , mountAttr :: !Word64 -- ^ @MOUNT_ATTR_*@ bits (RDONLY 0x1, NOSUID 0x2, NODEV 0x4, NOEXEC 0x8, NOATIME 0x10, STRICTATIME 0x20, NODIRATIME 0x80, IDMAP 0x100000, NOSYMFOLLOW 0x200000)
  , mountIsIdmapped :: !Bool -- ^ an idmapped mount ('mountIdmapped')
  }
  deriving (Eq, Show)

-- A field is read only when it lies within the size the library filled
-- (the structure may grow at its end); strings are copied.
peekMount :: Ptr MountInfo -> IO MountInfo
peekMount p = do
  size :: Word32 <- (#peek struct ns_mount_info, size) p
  let within :: Int -> Int -> Bool
      within off n = off + n <= fromIntegral size
      word32 off = if within off 4 then peekByteOff p off else return (0 :: Word32)
      word64 off = if within off 8 then peekByteOff p off else return (0 :: Word64)
      str off
        | within off (sizeOf nullPtr) = do
            s <- peekByteOff p off
            if s == nullPtr then return "" else peekFilePath s
        | otherwise = return ""
      nonZero v = if v == 0 then Nothing else Just v
  prop <- word32 #{offset struct ns_mount_info, propagation}
  MountInfo
    <$> (nonZero <$> word64 #{offset struct ns_mount_info, id})
    <*> (nonZero <$> word64 #{offset struct ns_mount_info, parent_id})
    <*> word32 #{offset struct ns_mount_info, proc_id}
    <*> word32 #{offset struct ns_mount_info, proc_parent_id}
    <*> ((,) <$> word32 #{offset struct ns_mount_info, dev_major} <*> word32 #{offset struct ns_mount_info, dev_minor})
    <*> str #{offset struct ns_mount_info, mount_point}
    <*> str #{offset struct ns_mount_info, root}
    <*> str #{offset struct ns_mount_info, fs_type}
    <*> str #{offset struct ns_mount_info, source}
    <*> (nonZero <$> word64 #{offset struct ns_mount_info, peer_group})
    <*> (nonZero <$> word64 #{offset struct ns_mount_info, master})
    <*> pure (prop .&. #{const MS_UNBINDABLE} /= 0)
    <*> word64 #{offset struct ns_mount_info, attr}
    <*> ((/= 0) <$> word32 #{offset struct ns_mount_info, idmapped})

-- | A kernel feature the library found and uses ('features'; the
-- @NS_FEATURE_*@ bits). A seccomp filter that refuses a call counts as the
-- feature missing.
data Feature
  = Clone3 -- ^ clone3(2) (5.3)
  | CloneIntoCgroup -- ^ clone3's @CLONE_INTO_CGROUP@ (5.7)
  | SetnsPidfd -- ^ setns(2) of a pidfd with a mask of types (5.8)
  | PidfdGetNamespace -- ^ the @PIDFD_GET_*_NAMESPACE@ ioctls (6.11)
  | NsGetId -- ^ @NS_GET_ID@, the 64-bit id of 'uniqueId' (6.18)
  | NsfsHandles -- ^ namespace file handles, 'encodeHandle' and 'openHandle' (6.18)
  | Listns -- ^ listns(2) (6.19)
  | MntnsIoctls -- ^ @NS_MNT_GET_INFO@, @NS_MNT_GET_NEXT@, @NS_MNT_GET_PREV@ (6.12)
  | Listmount -- ^ listmount(2) and statmount(2) (6.8)
  | ListmountNsFd -- ^ listmount and statmount of a mount namespace named by descriptor (6.18)
  | PidfdInfoExit -- ^ @PIDFD_INFO_EXIT@: the status of a reaped process (6.15)
  | IdmappedMounts -- ^ idmapped mounts, 'mountIdmapped' (5.12)
  | PidTranslate -- ^ @NS_GET_PID_FROM_PIDNS@ \/ @NS_GET_PID_IN_PIDNS@, 'translatePid' (6.11)
  | CloneNnp -- ^ clone3's @CLONE_NNP@ (7.1)
  | ClonePidfdAutokill -- ^ clone3's @CLONE_PIDFD_AUTOKILL@ (7.1)
  | CloneAutoreap -- ^ clone3's @CLONE_AUTOREAP@ (7.1)
  | CloneEmptyMntns -- ^ clone3's @CLONE_EMPTY_MNTNS@ (7.1)
  deriving (Eq, Ord, Show, Read, Enum, Bounded)

-- | The @NS_FEATURE_*@ bit of a feature, as read from @linuxns.h@.
featureBit :: Feature -> Word64
featureBit f = case f of
  Clone3 -> #{const NS_FEATURE_CLONE3}
  CloneIntoCgroup -> #{const NS_FEATURE_CLONE_INTO_CGROUP}
  SetnsPidfd -> #{const NS_FEATURE_SETNS_PIDFD}
  PidfdGetNamespace -> #{const NS_FEATURE_PIDFD_GET_NAMESPACE}
  NsGetId -> #{const NS_FEATURE_NS_GET_ID}
  NsfsHandles -> #{const NS_FEATURE_NSFS_HANDLES}
  Listns -> #{const NS_FEATURE_LISTNS}
  MntnsIoctls -> #{const NS_FEATURE_MNTNS_IOCTLS}
  Listmount -> #{const NS_FEATURE_LISTMOUNT}
  ListmountNsFd -> #{const NS_FEATURE_LISTMOUNT_NS_FD}
  PidfdInfoExit -> #{const NS_FEATURE_PIDFD_INFO_EXIT}
  IdmappedMounts -> #{const NS_FEATURE_IDMAPPED_MOUNTS}
  PidTranslate -> #{const NS_FEATURE_PID_TRANSLATE}
  CloneNnp -> #{const NS_FEATURE_CLONE_NNP}
  ClonePidfdAutokill -> #{const NS_FEATURE_CLONE_PIDFD_AUTOKILL}
  CloneAutoreap -> #{const NS_FEATURE_CLONE_AUTOREAP}
  CloneEmptyMntns -> #{const NS_FEATURE_CLONE_EMPTY_MNTNS}

-- | A capability set of a spawned program ('capabilities'; the
-- @NS_CAPS_*@ bits).
data CapSet
  = Bounding -- ^ the bounding set: every capability not given is dropped (never added)
  | Permitted -- ^ the permitted set
  | Effective -- ^ the effective set
  | Inheritable -- ^ the inheritable set
  | Ambient -- ^ the ambient set, which a program not running as root keeps across exec
  deriving (Eq, Show, Read, Enum, Bounded)

capSetBit :: CapSet -> CUInt
capSetBit c = case c of
  Bounding -> #{const NS_CAPS_BOUNDING}
  Permitted -> #{const NS_CAPS_PERMITTED}
  Effective -> #{const NS_CAPS_EFFECTIVE}
  Inheritable -> #{const NS_CAPS_INHERITABLE}
  Ambient -> #{const NS_CAPS_AMBIENT}

-- | A resource of a spawned program's limits ('rlimits'): the @RLIMIT_*@
-- of @sys\/resource.h@ (getrlimit(2)).
data Rlimit
  = RlimitCpu -- ^ CPU time, seconds
  | RlimitFsize -- ^ largest file written, bytes
  | RlimitData -- ^ data segment, bytes
  | RlimitStack -- ^ stack, bytes
  | RlimitCore -- ^ core file, bytes
  | RlimitRss -- ^ resident set (not enforced)
  | RlimitNproc -- ^ processes of the real uid
  | RlimitNofile -- ^ open descriptors (one more than the highest)
  | RlimitMemlock -- ^ locked memory, bytes
  | RlimitAs -- ^ address space, bytes
  | RlimitLocks -- ^ file locks
  | RlimitSigpending -- ^ queued signals
  | RlimitMsgqueue -- ^ POSIX message queue bytes
  | RlimitNice -- ^ nice ceiling (20 - limit)
  | RlimitRtprio -- ^ real-time priority ceiling
  | RlimitRttime -- ^ real-time CPU time without a blocking call, microseconds
  deriving (Eq, Show, Read, Enum, Bounded)

rlimitResource :: Rlimit -> CInt
rlimitResource r = case r of
  RlimitCpu -> #{const RLIMIT_CPU}
  RlimitFsize -> #{const RLIMIT_FSIZE}
  RlimitData -> #{const RLIMIT_DATA}
  RlimitStack -> #{const RLIMIT_STACK}
  RlimitCore -> #{const RLIMIT_CORE}
  RlimitRss -> #{const RLIMIT_RSS}
  RlimitNproc -> #{const RLIMIT_NPROC}
  RlimitNofile -> #{const RLIMIT_NOFILE}
  RlimitMemlock -> #{const RLIMIT_MEMLOCK}
  RlimitAs -> #{const RLIMIT_AS}
  RlimitLocks -> #{const RLIMIT_LOCKS}
  RlimitSigpending -> #{const RLIMIT_SIGPENDING}
  RlimitMsgqueue -> #{const RLIMIT_MSGQUEUE}
  RlimitNice -> #{const RLIMIT_NICE}
  RlimitRtprio -> #{const RLIMIT_RTPRIO}
  RlimitRttime -> #{const RLIMIT_RTTIME}

-- | One instruction of a classic BPF program (@struct sock_filter@ of
-- @linux\/filter.h@), for a seccomp filter ('seccompFilter'): build them
-- with 'bpfStmt' and 'bpfJump' as with C's @BPF_STMT@ and @BPF_JUMP@.
data SockFilter = SockFilter
  { filterCode :: !Word16 -- ^ the operation (@BPF_LD | BPF_W | BPF_ABS@...)
  , filterJt :: !Word8 -- ^ jump offset when true
  , filterJf :: !Word8 -- ^ jump offset when false
  , filterK :: !Word32 -- ^ the operand
  }
  deriving (Eq, Show, Read)

-- | The C layout, @struct sock_filter@.
instance Storable SockFilter where
  sizeOf _ = #{size struct sock_filter}
  alignment _ = #{alignment struct sock_filter}
  peek p =
    SockFilter <$> (#peek struct sock_filter, code) p
      <*> (#peek struct sock_filter, jt) p
      <*> (#peek struct sock_filter, jf) p
      <*> (#peek struct sock_filter, k) p
  poke p (SockFilter c t f k) = do
    (#poke struct sock_filter, code) p c
    (#poke struct sock_filter, jt) p t
    (#poke struct sock_filter, jf) p f
    (#poke struct sock_filter, k) p k

-- | An instruction without jumps, as C's @BPF_STMT(code, k)@: e.g.
-- @bpfStmt 0x06 0x7fff0000@ (@BPF_RET | BPF_K@, @SECCOMP_RET_ALLOW@).
bpfStmt :: Word16 -> Word32 -> SockFilter
bpfStmt c k = SockFilter c 0 0 k

-- | A conditional jump, as C's @BPF_JUMP(code, k, jt, jf)@.
bpfJump :: Word16 -> Word32 -> Word8 -> Word8 -> SockFilter
bpfJump c k t f = SockFilter c t f k

-- ---------------------------------------------------------------------------
-- The C functions (all 79; the test checks them against linuxns.h). Quick
-- calls are unsafe; calls that block, scan /proc or call back into Haskell
-- are safe.

data SpawnAttr

data CPool -- struct ns_pool

data CRlimit -- struct rlimit

type Callback = Ptr () -> IO CInt

type ListCallback = Ptr NsInfo -> Ptr () -> IO CInt

type MountCallback = Ptr MountInfo -> Ptr () -> IO CInt

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
-- LINUXNS_0.2
foreign import ccall unsafe "ns_handle_encode" c_ns_handle_encode :: CInt -> Ptr NsHandle -> IO CInt
foreign import ccall safe "ns_open_handle" c_ns_open_handle :: Ptr NsHandle -> CInt -> IO CInt
foreign import ccall unsafe "ns_handle_format" c_ns_handle_format :: Ptr NsHandle -> CString -> CSize -> IO CInt
foreign import ccall unsafe "ns_handle_parse" c_ns_handle_parse :: CString -> Ptr NsHandle -> IO CInt
foreign import ccall safe "ns_list_ex" c_ns_list_ex :: CInt -> CUInt -> FunPtr ListCallback -> Ptr () -> IO CInt
foreign import ccall safe "ns_mount_list" c_ns_mount_list :: CInt -> FunPtr MountCallback -> Ptr () -> IO CInt
foreign import ccall safe "ns_mount_count" c_ns_mount_count :: CInt -> IO CInt
foreign import ccall safe "ns_pid_translate" c_ns_pid_translate :: CPid -> CInt -> CInt -> IO CPid
foreign import ccall safe "ns_pidfd_status" c_ns_pidfd_status :: CInt -> Ptr CInt -> IO CInt
foreign import ccall safe "ns_features" c_ns_features :: IO Word64
foreign import ccall safe "ns_mount_idmapped" c_ns_mount_idmapped :: CString -> CString -> CInt -> CUInt -> IO CInt
foreign import ccall unsafe "ns_spawn_attr_set_root_idmap" c_attr_set_root_idmap :: Ptr SpawnAttr -> CInt -> IO CInt
foreign import ccall unsafe "ns_spawn_attr_set_ids" c_attr_set_ids :: Ptr SpawnAttr -> CUid -> CGid -> Ptr CGid -> CSize -> IO CInt
foreign import ccall unsafe "ns_spawn_attr_set_setsid" c_attr_set_setsid :: Ptr SpawnAttr -> CInt -> IO CInt
foreign import ccall unsafe "ns_spawn_attr_set_pgid" c_attr_set_pgid :: Ptr SpawnAttr -> CPid -> IO CInt
foreign import ccall unsafe "ns_spawn_attr_set_caps" c_attr_set_caps :: Ptr SpawnAttr -> CUInt -> Word64 -> IO CInt
foreign import ccall unsafe "ns_spawn_attr_set_rlimit" c_attr_set_rlimit :: Ptr SpawnAttr -> CInt -> Ptr CRlimit -> IO CInt
foreign import ccall unsafe "ns_spawn_attr_set_seccomp" c_attr_set_seccomp :: Ptr SpawnAttr -> Ptr SockFilter -> CUShort -> IO CInt
foreign import ccall unsafe "ns_spawn_attr_set_umask" c_attr_set_umask :: Ptr SpawnAttr -> CMode -> IO CInt
foreign import ccall unsafe "ns_spawn_attr_set_no_new_privs" c_attr_set_no_new_privs :: Ptr SpawnAttr -> CInt -> IO CInt
foreign import ccall unsafe "ns_spawn_attr_set_autoreap" c_attr_set_autoreap :: Ptr SpawnAttr -> CInt -> IO CInt
foreign import ccall unsafe "ns_spawn_attr_set_autokill" c_attr_set_autokill :: Ptr SpawnAttr -> CInt -> IO CInt
foreign import ccall safe "ns_pool_new" c_ns_pool_new :: CInt -> CUInt -> CUInt -> IO (Ptr CPool)
foreign import ccall safe "ns_pool_free" c_ns_pool_free :: Ptr CPool -> IO ()
foreign import ccall unsafe "ns_pool_take" c_ns_pool_take :: Ptr CPool -> Ptr CInt -> IO CInt
foreign import ccall unsafe "ns_spawn_attr_use_pool" c_attr_use_pool :: Ptr SpawnAttr -> Ptr CPool -> IO CInt

foreign import ccall "wrapper" mkCallback :: Callback -> IO (FunPtr Callback)
foreign import ccall "wrapper" mkListCallback :: ListCallback -> IO (FunPtr ListCallback)
foreign import ccall "wrapper" mkMountCallback :: MountCallback -> IO (FunPtr MountCallback)

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
-- (and the system headers it uses: @CLOCK_*@, @RLIMIT_*@, @MS_*@, @struct
-- rlimit@, @struct sock_filter@) at build time (through hsc2hs), by its C
-- name: for checks against the header (@sizeof(struct ns_idmap)@,
-- @offsetof(struct ns_info, pid)@...).
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
  , ("NS_LIST_ALL", #{const NS_LIST_ALL})
  , ("NS_CAPS_BOUNDING", #{const NS_CAPS_BOUNDING})
  , ("NS_CAPS_PERMITTED", #{const NS_CAPS_PERMITTED})
  , ("NS_CAPS_EFFECTIVE", #{const NS_CAPS_EFFECTIVE})
  , ("NS_CAPS_INHERITABLE", #{const NS_CAPS_INHERITABLE})
  , ("NS_CAPS_AMBIENT", #{const NS_CAPS_AMBIENT})
  , ("NS_FEATURE_CLONE3", #{const NS_FEATURE_CLONE3})
  , ("NS_FEATURE_CLONE_INTO_CGROUP", #{const NS_FEATURE_CLONE_INTO_CGROUP})
  , ("NS_FEATURE_SETNS_PIDFD", #{const NS_FEATURE_SETNS_PIDFD})
  , ("NS_FEATURE_PIDFD_GET_NAMESPACE", #{const NS_FEATURE_PIDFD_GET_NAMESPACE})
  , ("NS_FEATURE_NS_GET_ID", #{const NS_FEATURE_NS_GET_ID})
  , ("NS_FEATURE_NSFS_HANDLES", #{const NS_FEATURE_NSFS_HANDLES})
  , ("NS_FEATURE_LISTNS", #{const NS_FEATURE_LISTNS})
  , ("NS_FEATURE_MNTNS_IOCTLS", #{const NS_FEATURE_MNTNS_IOCTLS})
  , ("NS_FEATURE_LISTMOUNT", #{const NS_FEATURE_LISTMOUNT})
  , ("NS_FEATURE_LISTMOUNT_NS_FD", #{const NS_FEATURE_LISTMOUNT_NS_FD})
  , ("NS_FEATURE_PIDFD_INFO_EXIT", #{const NS_FEATURE_PIDFD_INFO_EXIT})
  , ("NS_FEATURE_IDMAPPED_MOUNTS", #{const NS_FEATURE_IDMAPPED_MOUNTS})
  , ("NS_FEATURE_PID_TRANSLATE", #{const NS_FEATURE_PID_TRANSLATE})
  , ("NS_FEATURE_CLONE_NNP", #{const NS_FEATURE_CLONE_NNP})
  , ("NS_FEATURE_CLONE_PIDFD_AUTOKILL", #{const NS_FEATURE_CLONE_PIDFD_AUTOKILL})
  , ("NS_FEATURE_CLONE_AUTOREAP", #{const NS_FEATURE_CLONE_AUTOREAP})
  , ("NS_FEATURE_CLONE_EMPTY_MNTNS", #{const NS_FEATURE_CLONE_EMPTY_MNTNS})
  , ("NS_HANDLE_TEXT_MAX", #{const NS_HANDLE_TEXT_MAX})
  , ("NS_POOL_LO_UP", #{const NS_POOL_LO_UP})
  , ("MS_UNBINDABLE", #{const MS_UNBINDABLE})
  , ("MS_PRIVATE", #{const MS_PRIVATE})
  , ("MS_SLAVE", #{const MS_SLAVE})
  , ("MS_SHARED", #{const MS_SHARED})
  , ("RLIMIT_CPU", #{const RLIMIT_CPU})
  , ("RLIMIT_FSIZE", #{const RLIMIT_FSIZE})
  , ("RLIMIT_DATA", #{const RLIMIT_DATA})
  , ("RLIMIT_STACK", #{const RLIMIT_STACK})
  , ("RLIMIT_CORE", #{const RLIMIT_CORE})
  , ("RLIMIT_RSS", #{const RLIMIT_RSS})
  , ("RLIMIT_NPROC", #{const RLIMIT_NPROC})
  , ("RLIMIT_NOFILE", #{const RLIMIT_NOFILE})
  , ("RLIMIT_MEMLOCK", #{const RLIMIT_MEMLOCK})
  , ("RLIMIT_AS", #{const RLIMIT_AS})
  , ("RLIMIT_LOCKS", #{const RLIMIT_LOCKS})
  , ("RLIMIT_SIGPENDING", #{const RLIMIT_SIGPENDING})
  , ("RLIMIT_MSGQUEUE", #{const RLIMIT_MSGQUEUE})
  , ("RLIMIT_NICE", #{const RLIMIT_NICE})
  , ("RLIMIT_RTPRIO", #{const RLIMIT_RTPRIO})
  , ("RLIMIT_RTTIME", #{const RLIMIT_RTTIME})
  , ("RLIM_INFINITY", #{const RLIM_INFINITY})
  , ("sizeof(struct ns_handle)", #{size struct ns_handle})
  , ("alignof(struct ns_handle)", #{alignment struct ns_handle})
  , ("offsetof(struct ns_handle, size)", #{offset struct ns_handle, size})
  , ("offsetof(struct ns_handle, type)", #{offset struct ns_handle, type})
  , ("offsetof(struct ns_handle, unique_id)", #{offset struct ns_handle, unique_id})
  , ("offsetof(struct ns_handle, inode)", #{offset struct ns_handle, inode})
  , ("offsetof(struct ns_handle, reserved)", #{offset struct ns_handle, reserved})
  , ("sizeof(struct ns_mount_info)", #{size struct ns_mount_info})
  , ("alignof(struct ns_mount_info)", #{alignment struct ns_mount_info})
  , ("offsetof(struct ns_mount_info, size)", #{offset struct ns_mount_info, size})
  , ("offsetof(struct ns_mount_info, propagation)", #{offset struct ns_mount_info, propagation})
  , ("offsetof(struct ns_mount_info, id)", #{offset struct ns_mount_info, id})
  , ("offsetof(struct ns_mount_info, parent_id)", #{offset struct ns_mount_info, parent_id})
  , ("offsetof(struct ns_mount_info, proc_id)", #{offset struct ns_mount_info, proc_id})
  , ("offsetof(struct ns_mount_info, proc_parent_id)", #{offset struct ns_mount_info, proc_parent_id})
  , ("offsetof(struct ns_mount_info, dev_major)", #{offset struct ns_mount_info, dev_major})
  , ("offsetof(struct ns_mount_info, dev_minor)", #{offset struct ns_mount_info, dev_minor})
  , ("offsetof(struct ns_mount_info, peer_group)", #{offset struct ns_mount_info, peer_group})
  , ("offsetof(struct ns_mount_info, master)", #{offset struct ns_mount_info, master})
  , ("offsetof(struct ns_mount_info, attr)", #{offset struct ns_mount_info, attr})
  , ("offsetof(struct ns_mount_info, mount_point)", #{offset struct ns_mount_info, mount_point})
  , ("offsetof(struct ns_mount_info, root)", #{offset struct ns_mount_info, root})
  , ("offsetof(struct ns_mount_info, fs_type)", #{offset struct ns_mount_info, fs_type})
  , ("offsetof(struct ns_mount_info, source)", #{offset struct ns_mount_info, source})
  , ("offsetof(struct ns_mount_info, idmapped)", #{offset struct ns_mount_info, idmapped})
  , ("sizeof(struct rlimit)", #{size struct rlimit})
  , ("alignof(struct rlimit)", #{alignment struct rlimit})
  , ("offsetof(struct rlimit, rlim_cur)", #{offset struct rlimit, rlim_cur})
  , ("offsetof(struct rlimit, rlim_max)", #{offset struct rlimit, rlim_max})
  , ("sizeof(struct sock_filter)", #{size struct sock_filter})
  , ("alignof(struct sock_filter)", #{alignment struct sock_filter})
  , ("offsetof(struct sock_filter, code)", #{offset struct sock_filter, code})
  , ("offsetof(struct sock_filter, jt)", #{offset struct sock_filter, jt})
  , ("offsetof(struct sock_filter, jf)", #{offset struct sock_filter, jf})
  , ("offsetof(struct sock_filter, k)", #{offset struct sock_filter, k})
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
listNamespaces ts = collect mkListCallback peekInfo $ \f ->
  call_ "ns_list" (c_ns_list (typesMask ts) f nullPtr)

-- | 'listNamespaces' with flags (@ns_list_ex@): with 'ListAll', also the
-- namespaces no process is in (held by a descriptor of any process the
-- caller may inspect, a bind mount in any mount namespace, a thread, a
-- @*_for_children@ link, or alive only as another's parent or owner),
-- each once, in order of (type, id); these have 'infoNprocs' 0 and
-- 'infoPid' 0. An unprivileged caller gets what it may inspect.
--
-- > listNamespacesWith [ListAll] [Net]   -- also the netns an fd keeps
listNamespacesWith :: [ListFlag] -> [NsType] -> IO [NsInfo]
listNamespacesWith flags ts = collect mkListCallback peekInfo $ \f ->
  call_ "ns_list_ex" (c_ns_list_ex (typesMask ts) (listFlags flags) f nullPtr)

-- Runs a listing whose callback is called on the calling thread, after
-- the walk, with a pointer valid during the call: reads each into a list.
collect :: ((Ptr s -> Ptr () -> IO CInt) -> IO (FunPtr (Ptr s -> Ptr () -> IO CInt)))
  -> (Ptr s -> IO r) -> (FunPtr (Ptr s -> Ptr () -> IO CInt) -> IO ()) -> IO [r]
collect mk rd run = do
  acc <- newIORef []
  let cb p _ = do
        i <- rd p
        modifyIORef' acc (i :)
        return 0
  bracket (mk cb) freeHaskellFunPtr run
  reverse <$> readIORef acc

-- ---------------------------------------------------------------------------
-- Namespace file handles

-- | The file handle of a namespace (@ns_handle_encode@, Linux 6.18): the
-- same namespace always gives the same handle. Throws 'IOError' with
-- EOPNOTSUPP on older kernels (keep the namespace with 'bind' instead).
encodeHandle :: Namespace -> IO NsHandle
encodeHandle ns = alloca $ \p -> bound (c_ns_handle_encode (fdOf ns) p >>= check "ns_handle_encode" >> peek p)

-- | Opens the namespace a handle names (@ns_open_handle@), as a new
-- close-on-exec handle. The kernel opens it for a caller in the
-- namespace, or with @CAP_SYS_ADMIN@ over its owning user namespace. An
-- 'IOError' with ESTALE: the namespace is gone (or, as the kernel does
-- not tell the two apart, the caller may not open it; the description
-- says which where the library can tell); EPERM: it lives but the kernel
-- refuses it to the caller.
openHandle :: NsHandle -> IO Namespace
openHandle h = with h $ \p -> handle <$> call "ns_open_handle" (c_ns_open_handle p 0)

-- | The text form of a handle (@ns_handle_format@):
-- @TYPE:INODE:ID@, e.g. @"uts:4026532315:4121"@, which 'parseHandle'
-- turns back into the same handle. Throws EINVAL for a handle with a 0
-- inode or id.
formatHandle :: NsHandle -> IO String
formatHandle h =
  with h $ \p ->
    allocaBytes #{const NS_HANDLE_TEXT_MAX} $ \buf ->
      bound $ do
        _ <- c_ns_handle_format p buf #{const NS_HANDLE_TEXT_MAX} >>= check "ns_handle_format"
        peekCString buf

-- | A handle from its text (@ns_handle_parse@): exactly what
-- 'formatHandle' writes (no spaces, newline, sign or leading zeros), else
-- an 'IOError' with EINVAL.
parseHandle :: String -> IO NsHandle
parseHandle s =
  withCString s $ \cs -> alloca $ \p ->
    bound (c_ns_handle_parse cs p >>= check "ns_handle_parse" >> peek p)

-- ---------------------------------------------------------------------------
-- Mounts

-- | The mounts of a mount namespace, without entering it (@ns_mount_list@),
-- as @\/proc\/PID\/mountinfo@ of a process in it and @findmnt -N PID@ show
-- them, in the kernel's order; mount points are seen from the namespace's
-- root (for the caller's own namespace, from the caller's root). A
-- namespace other than the caller's may need privilege over it (EPERM).
--
-- > withNamespace (openPid 0 Mnt) listMounts
listMounts :: Namespace -> IO [MountInfo]
listMounts ns = collect mkMountCallback peekMount $ \f ->
  call_ "ns_mount_list" (c_ns_mount_list (fdOf ns) f nullPtr)

-- | The kernel's count of the mounts of a mount namespace
-- (@ns_mount_count@): the length of 'listMounts', barring mounts made or
-- removed in between (and, for a caller under chroot(2) asking about its
-- own namespace, the mounts outside its root, which 'listMounts' leaves
-- out).
countMounts :: Namespace -> IO Int
countMounts ns = fromIntegral <$> call "ns_mount_count" (c_ns_mount_count (fdOf ns))

-- | Bind-mounts @source@ (with every mount below it) on @target@ in the
-- calling thread's mount namespace, idmapped through a user namespace
-- (@ns_mount_idmapped@, mount_setattr(2) @MOUNT_ATTR_IDMAP@): an owner N
-- as the filesystem stores it shows through @target@ as the id the user
-- namespace maps N to (with the map @0 65534 1@, root's files show as
-- 65534's). Needs root for a host filesystem, and a filesystem that
-- supports it (ext4, xfs, btrfs, tmpfs from 6.3). Remove it with
-- umount(2) on @target@.
mountIdmapped :: FilePath -> FilePath -> Namespace -> IO ()
mountIdmapped source target userns =
  withCString source $ \s -> withCString target $ \t ->
    call_ "ns_mount_idmapped" (c_ns_mount_idmapped s t (fdOf userns) 0)

-- ---------------------------------------------------------------------------
-- Pids and pidfds

-- | The pid that PID namespace @to@ shows for the process (or thread) that
-- PID namespace @from@ numbers @pid@ (@ns_pid_translate@): for a child in
-- a new PID namespace, its pid 1 there is its pid N here, and back. A
-- process is visible in its own PID namespace and its ancestors: ESRCH
-- elsewhere.
--
-- > withNamespace (openPidfd pidfd Pid) $ \child ->
-- >   withNamespace (openPid 0 Pid) $ \here -> translatePid 1 child here
translatePid :: ProcessID -> Namespace -> Namespace -> IO ProcessID
translatePid pid from to = call "ns_pid_translate" (c_ns_pid_translate pid (fdOf from) (fdOf to))

-- | The wait status of the process behind a pidfd, without waiting or
-- reaping (@ns_pidfd_status@): 'Nothing' while it runs, else how it
-- ended. An exited child stays a zombie for
-- 'System.Posix.Process.getProcessStatus'. Any pidfd works ('spawnPidfd',
-- pidfd_open(2)); for a process reaped already, the kernel keeps the
-- status from 6.15 (EOPNOTSUPP before); an exited process that is not
-- the caller's child, not reaped yet and not the caller's to ptrace gives
-- EACCES. For a child spawned with 'autoreap' (the kernel reaps it), this
-- is how its status is read, once the pidfd is readable.
pidfdStatus :: Fd -> IO (Maybe ProcessStatus)
pidfdStatus (Fd pfd) = alloca $ \p -> bound $ do
  rc <- c_ns_pidfd_status pfd p
  if rc == negate (errnoVal eAGAIN)
    then return Nothing
    else check "ns_pidfd_status" rc >> Just . decodeStatus <$> peek p

-- waitpid(2)'s status word, as Linux encodes it.
decodeStatus :: CInt -> ProcessStatus
decodeStatus s
  | low == 0 = Exited (if code == 0 then ExitSuccess else ExitFailure (fromIntegral code))
  | low == 0x7f = Stopped code
  | otherwise = Terminated low (s .&. 0x80 /= 0)
  where
    low = s .&. 0x7f
    code = (s `shiftR` 8) .&. 0xff

-- ---------------------------------------------------------------------------
-- Features

-- | The kernel features the library found on this system and uses
-- (@ns_features@), in 'Enum' order. Each probe runs once per process and
-- changes nothing. With @LINUXNS_FORCE_FALLBACK=1@ the library avoids
-- them all, and the list is empty.
features :: IO [Feature]
features = do
  m <- c_ns_features
  return [f | f <- [minBound .. maxBound], m .&. featureBit f /= 0]

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
  , rootIdmap :: Maybe Namespace -- ^ a user namespace: 'root' is mounted idmapped through it ('mountIdmapped'), made by the caller, which needs root
  , childUid :: Maybe UserID -- ^ the uid it runs as (real, effective, saved), in its final user namespace
  , childGid :: Maybe GroupID -- ^ the gid it runs as
  , childGroups :: Maybe [GroupID] -- ^ supplementary groups; @Just []@: none (refused where setgroups is denied, as with 'mapRoot')
  , newSession :: Bool -- ^ a new session (setsid), without a controlling terminal; not with 'processGroup'
  , processGroup :: Maybe ProcessGroupID -- ^ setpgid: a group of the caller's session, or 0 for a new one
  , capabilities :: [(CapSet, [Int])] -- ^ each set becomes exactly these capabilities (numbered as @linux\/capability.h@: @CAP_NET_BIND_SERVICE@ is 10), in order
  , rlimits :: [(Rlimit, ResourceLimits)] -- ^ resource limits ('ResourceLimitUnknown' is infinity, as Linux's @RLIM_SAVED_*@)
  , seccompFilter :: Maybe [SockFilter] -- ^ a seccomp filter, installed last, before exec, with no_new_privs
  , umask :: Maybe FileMode -- ^ the umask, 0 to 0o777
  , noNewPrivs :: Bool
    -- ^ start the program with no_new_privs set (@NoNewPrivs: 1@ in its
    -- @\/proc\/self\/status@): execve never grants it or what it runs
    -- privileges (set-user-ID bits and file capabilities are ignored), and
    -- it cannot be cleared. Every kernel (@CLONE_NNP@ from 7.1, else
    -- @prctl(PR_SET_NO_NEW_PRIVS)@ right before exec); 'seccompFilter'
    -- sets it too
  , autoreap :: Bool
    -- ^ the kernel reaps the program when it exits (@CLONE_AUTOREAP@, Linux
    -- 7.1, 'CloneAutoreap' in 'features'): no zombie, no @SIGCHLD@, and
    -- 'System.Posix.Process.getProcessStatus' cannot wait for it (ECHILD).
    -- Use 'spawnPidfd': the pidfd becomes readable
    -- ('Control.Concurrent.threadWaitRead') when it exits, and
    -- 'pidfdStatus' then gives its status. 'False' also turns 'autokill'
    -- off. Not with 'timeOffsets', nor with 'joins' or 'joinPidfds' that
    -- need an intermediate process (ns_spawn(3): PID joins without
    -- CAP_SYS_ADMIN, joins before a new PID or time namespace, a joined
    -- time namespace): EOPNOTSUPP from 'spawn'
  , autokill :: Bool
    -- ^ the program is killed (SIGKILL) when the last descriptor of its
    -- pidfd closes (@CLONE_PIDFD_AUTOKILL@, Linux 7.1, 'ClonePidfdAutokill'
    -- in 'features'): with 'spawnPidfd', when the caller closes that 'Fd'
    -- (and every copy of it), exits or execs. Implies 'autoreap' and
    -- 'noNewPrivs'. Before 7.1, 'True' for this or 'autoreap' makes 'spawn'
    -- throw an 'IOError' with EOPNOTSUPP whose description names the
    -- setter, the @CLONE_@ flag and 7.1 (no fallback: wait for the program
    -- as usual, or end it yourself, 'pdeathsig'); 'False' always works
  , pool :: Maybe NsPool
    -- ^ take the namespaces from this pool (@ns_spawn_attr_use_pool@): the
    -- child joins a ready set in place of creating those types, and
    -- creates its other 'namespaces' (owned by the pooled user namespace,
    -- when the pool has one); with the pool empty or freed it creates
    -- every type itself, never waiting. 'spawn' throws EINVAL unless the
    -- pool's types are all among 'namespaces' and none is joined, and
    -- (with 'User' in the pool) the maps are none or 'mapRoot'
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
    , rootIdmap = Nothing
    , childUid = Nothing
    , childGid = Nothing
    , childGroups = Nothing
    , newSession = False
    , processGroup = Nothing
    , capabilities = []
    , rlimits = []
    , seccompFilter = Nothing
    , umask = Nothing
    , noNewPrivs = False
    , autoreap = False
    , autokill = False
    , pool = Nothing
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
  forM_ (rootIdmap o) $ \u -> set "ns_spawn_attr_set_root_idmap" (c_attr_set_root_idmap a (fdOf u))
  when (isJust (childUid o) || isJust (childGid o) || isJust (childGroups o)) $ do
    let withGroups Nothing f = f nullPtr 0
        withGroups (Just gs) f = withArrayLen gs $ \n p -> f p (fromIntegral n)
    withGroups (childGroups o) $ \gp gn ->
      set "ns_spawn_attr_set_ids" (c_attr_set_ids a (maybe (-1) id (childUid o)) (maybe (-1) id (childGid o)) gp gn)
  when (newSession o) $ set "ns_spawn_attr_set_setsid" (c_attr_set_setsid a 1)
  forM_ (processGroup o) $ \g -> set "ns_spawn_attr_set_pgid" (c_attr_set_pgid a g)
  forM_ (capabilities o) $ \(cs, caps) -> do
    m <- capMask caps
    set "ns_spawn_attr_set_caps" (c_attr_set_caps a (capSetBit cs) m)
  forM_ (rlimits o) $ \(r, ResourceLimits soft hard) ->
    allocaBytes #{size struct rlimit} $ \p -> do
      cur <- rlimValue soft
      mx <- rlimValue hard
      (#poke struct rlimit, rlim_cur) p cur
      (#poke struct rlimit, rlim_max) p mx
      set "ns_spawn_attr_set_rlimit" (c_attr_set_rlimit a (rlimitResource r) p)
  forM_ (seccompFilter o) $ \prog -> do
    let n = length prog
    when (n > fromIntegral (maxBound :: CUShort)) $
      throwErrno' "ns_spawn_attr_set_seccomp" (errnoVal eINVAL)
        ("ns_spawn_attr_set_seccomp: " ++ show n ++ " instructions (at most 4096)")
    withArray prog $ \p -> set "ns_spawn_attr_set_seccomp" (c_attr_set_seccomp a p (fromIntegral n))
  forM_ (umask o) $ \m -> set "ns_spawn_attr_set_umask" (c_attr_set_umask a m)
  -- always set, in this order: autoreap False also clears autokill, and
  -- autokill True turns the other two on
  set "ns_spawn_attr_set_no_new_privs" (c_attr_set_no_new_privs a (fromBool (noNewPrivs o)))
  set "ns_spawn_attr_set_autoreap" (c_attr_set_autoreap a (fromBool (autoreap o)))
  set "ns_spawn_attr_set_autokill" (c_attr_set_autokill a (fromBool (autokill o)))
  -- a freed pool is as none: the spawn creates everything
  forM_ (pool o) $ \pl -> withMVar (poolPtr pl) $ \pp ->
    set "ns_spawn_attr_use_pool" (c_attr_use_pool a pp)
  act a
  where
    capMask = foldr (\c r -> r >>= \m -> capBit c >>= \b -> return (m .|. b)) (return 0)
    capBit c
      | c >= 0 && c < 64 = return (bit c :: Word64)
      | otherwise =
          throwErrno' "ns_spawn_attr_set_caps" (errnoVal eINVAL)
            ("ns_spawn_attr_set_caps: capability " ++ show c ++ " is not 0 to 63")
    rlimValue :: ResourceLimit -> IO #{type rlim_t}
    rlimValue l = case l of
      ResourceLimit v
        | v >= 0 && v < toInteger (#{const RLIM_INFINITY} :: #{type rlim_t}) -> return (fromInteger v)
        | otherwise ->
            throwErrno' "ns_spawn_attr_set_rlimit" (errnoVal eINVAL)
              ("ns_spawn_attr_set_rlimit: limit " ++ show v ++ " is out of range")
      _ -> return #{const RLIM_INFINITY}
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
-- 'System.Posix.Process.getProcessStatus' (unless 'autoreap' or 'autokill':
-- then the kernel reaps it, use 'spawnPidfd' and 'pidfdStatus'). Safe from
-- any Haskell thread under either RTS; the caller never moves.
--
-- > pid <- spawn defaultSpawnOptions {namespaces = [User, Pid, Uts], mapRoot = True,
-- >                                   hostname = Just "box"} "hostname" []
-- > getProcessStatus True False pid   -- prints box
spawn :: SpawnOptions -> FilePath -> [String] -> IO ProcessID
spawn = spawnWith nullPtr

-- | 'spawn', also returning a pidfd of the child (the caller's to close;
-- with 'autokill', closing it kills the child).
--
-- > (pid, pfd) <- spawnPidfd defaultSpawnOptions {autoreap = True} "sh" ["-c", "exit 3"]
-- > threadWaitRead pfd                -- readable once it exits
-- > pidfdStatus pfd                   -- Just (Exited (ExitFailure 3)); never a zombie
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
-- Pools

-- | A pool of namespace sets made ahead of time (@ns_pool@): a thread of
-- the library keeps a number of never-used sets of new namespaces ready,
-- for spawns whose options name it ('pool') and for 'takeNsPool'. A pooled
-- user namespace maps the caller's euid and egid to 0 and owns the other
-- namespaces of its set. Create one with 'newNsPool' and free it with
-- 'freeNsPool', or use 'withNsPool' (a 'bracket'). Safe from any Haskell
-- thread; 'freeNsPool' waits for 'takeNsPool's on the same pool, and after
-- it the pool is empty for good ('takeNsPool' throws EINVAL, spawns create
-- every namespace themselves).
--
-- While a pool exists the process has one more OS thread: under the
-- non-threaded RTS 'unshare' and 'setns' of a user namespace then fail
-- with EINVAL, as they always do under the threaded RTS.
data NsPool = NsPool
  { poolPtr :: MVar (Ptr CPool)
  , poolMask :: CInt
  }

instance Eq NsPool where
  a == b = poolPtr a == poolPtr b

-- | Flags of 'newNsPool'.
data PoolFlag
  = -- | the loopback device of each pooled network namespace is up before
    -- the set is handed out (@NS_POOL_LO_UP@; needs 'Net')
    PoolLoUp
  deriving (Eq, Show, Read, Enum, Bounded)

poolFlags :: [PoolFlag] -> CUInt
poolFlags = foldl' (\m PoolLoUp -> m .|. #{const NS_POOL_LO_UP}) 0

-- | A new pool of @size@ sets of the given types (@ns_pool_new@): 'User',
-- 'Net', 'Uts', 'Ipc', 'Cgroup', 'Pid' (at least one); @size@ 1 to 1024.
-- Its thread starts filling it at once. Throws an 'IOError' with EINVAL
-- for no types, 'Mnt' or 'Time' (they cannot be pooled: a pooled mount
-- namespace would copy the mounts of its making, a time namespace takes
-- its offsets before its first process), a bad size, or 'PoolLoUp'
-- without 'Net'; the errors of making a set (EPERM, ENOSPC at a
-- @max_*_namespaces@ limit) come from the next 'takeNsPool'.
--
-- > p <- newNsPool [User, Net] 8 [PoolLoUp]
newNsPool :: [NsType] -> Int -> [PoolFlag] -> IO NsPool
newNsPool ts size flags = do
  let mask = typesMask ts
      csize
        | size < 0 || toInteger size > toInteger (maxBound :: CUInt) = 0
        | otherwise = fromIntegral size
  p <- bound $ do
    p <- c_ns_pool_new mask csize (poolFlags flags)
    when (p == nullPtr) $ do
      Errno e <- getErrno
      detail <- lastError
      throwErrno' "ns_pool_new" (if e == 0 then errnoVal eNOMEM else e) detail
    return p
  ref <- newMVar p
  return (NsPool ref mask)

-- | Frees a pool (@ns_pool_free@): stops its thread (waiting at most for
-- the set it is making) and closes every ready set. Spawn options that
-- name it stay valid and then create every namespace themselves. A
-- second call does nothing.
freeNsPool :: NsPool -> IO ()
freeNsPool pl = modifyMVar_ (poolPtr pl) $ \p -> do
  unless (p == nullPtr) (c_ns_pool_free p)
  return nullPtr

-- | 'bracket' for pools: @withNsPool [User, Net] 4 [PoolLoUp] $ \p -> ...@.
withNsPool :: [NsType] -> Int -> [PoolFlag] -> (NsPool -> IO a) -> IO a
withNsPool ts size flags = bracket (newNsPool ts size flags) freeNsPool

-- | Takes a ready set for the caller's own use (@ns_pool_take@), never
-- waiting: 'Nothing' when none is ready (the pool is refilling), else one
-- new handle per type of the pool, in the order of 'nsPoolTypes' (ascending
-- @NS_*@ bits: 'Cgroup', 'Uts', 'Ipc', 'User', 'Pid', 'Net'), the
-- caller's to close; 'setns', 'joins' or 'bind' take them. Throws the
-- error of a failed refill once (its description names the step), after
-- which the pool refills again; EINVAL after 'freeNsPool'.
takeNsPool :: NsPool -> IO (Maybe [Namespace])
takeNsPool pl = withMVar (poolPtr pl) $ \p ->
  allocaArray 8 $ \out -> bound $ do
    n <- c_ns_pool_take p out
    if n == negate (errnoVal eAGAIN)
      then return Nothing
      else do
        k <- check "ns_pool_take" n
        Just . map handle <$> peekArray (fromIntegral k) out

-- | The types of a pool's sets, in the order 'takeNsPool' returns them.
nsPoolTypes :: NsPool -> [NsType]
nsPoolTypes = maskTypes . poolMask

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
