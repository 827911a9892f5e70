{-# LANGUAGE GeneralizedNewtypeDeriving #-}
{- |
Module      : System.Linux.Namespaces
Description : The API of the linux-namespaces package, on liblinuxns
Stability   : provisional
Portability : Linux, GHC

The API of the @linux-namespaces@ package (version 0.2.0.1), so that a
program written for it builds unchanged against this package: change the
@build-depends@ line from @linux-namespaces@ to @linuxns@. The work is done
by liblinuxns (see "LinuxNS" for the rest of it).

Differences in behaviour:

* Errors are 'IOError's with the errno, the function's name as location,
  and the library's explanation as description.

* 'unshare', 'setNamespace' and 'enterNamespace' move the calling OS
  thread. Under the threaded RTS they need a bound thread (main,
  'Control.Concurrent.forkOS') and refuse a /user/ namespace outright: the
  kernel refuses it to a process with several OS threads, and the threaded
  RTS always runs several. Use 'LinuxNS.spawn', 'LinuxNS.newUserns' or
  'LinuxNS.runIn' instead, or build without @-threaded@ (then the
  process has a single OS thread and all of this works as before).

* 'NamespaceID' holds the whole inode number (the original's 'CInt'
  wraps ids above 2^31).

* The maps are checked before they are written and written in a single
  write, as the kernel requires.
-}
module System.Linux.Namespaces
  ( -- * Main types and functions
    Namespace (..)
  , unshare
  , setNamespace
    -- * Utility functions
  , enterNamespace
  , NamespaceID
  , getNamespaceID
    -- * User/Group mappings
  , UserMapping (..)
  , GroupMapping (..)
  , writeUserMappings
  , writeGroupMappings
    -- * Time namespaces
  , Clock (..)
  , setClockOffset
  ) where

import Control.Concurrent (isCurrentThreadBound, rtsSupportsBoundThreads)
import Data.Word (Word64)
import Foreign.C.Types (CLong)
import LinuxNS (Clock (..), IdMap (..), MapFlag (..), NsType)
import qualified LinuxNS as L
import System.IO.Error (ioeSetLocation, modifyIOError)
import System.Posix.Process (getProcessID)
import System.Posix.Types (EpochTime, Fd, GroupID, ProcessID, UserID)

-- | Types of namespaces.
data Namespace
  = IPC
  | Network
  | Mount
  | PID
  | User
  | UTS
  | CGroup
  | Time
  deriving (Show, Read, Eq, Bounded, Enum)

toType :: Namespace -> NsType
toType ns = case ns of
  IPC -> L.Ipc
  Network -> L.Net
  Mount -> L.Mnt
  PID -> L.Pid
  User -> L.User
  UTS -> L.Uts
  CGroup -> L.Cgroup
  Time -> L.Time

at :: String -> IO a -> IO a
at loc = modifyIOError (`ioeSetLocation` loc)

-- | Detach the calling thread from one or more namespaces and move it to
-- new ones (@unshare(2)@). See the module notes on threads.
unshare :: [Namespace] -> IO ()
unshare nss = at "unshare" (L.unshare (map toType nss))

-- | Move the calling thread to an existing namespace (@setns(2)@); with
-- @Just t@ the descriptor must refer to a namespace of type @t@.
setNamespace :: Fd -> Maybe Namespace -> IO ()
setNamespace fd mns = at "setNamespace" (L.setns (L.fromFd fd) (fmap toType mns))

-- | Move the calling thread to the namespace of type @ns@ of process @pid@.
enterNamespace :: ProcessID -> Namespace -> IO ()
enterNamespace pid ns =
  at "enterNamespace" $
    L.withNamespace (L.openPid pid (toType ns)) $ \h -> L.setns h (Just (toType ns))

-- | A namespace id: the inode number @readlink \/proc\/PID\/ns\/TYPE@ shows.
newtype NamespaceID = NamespaceID Word64
  deriving (Eq, Ord, Enum, Integral, Num, Real)

instance Show NamespaceID where
  showsPrec p (NamespaceID x) = showsPrec p x

instance Read NamespaceID where
  readsPrec p s = [(NamespaceID x, r) | (x, r) <- readsPrec p s]

-- | The id of a namespace of a process; 'Nothing' is the calling thread
-- (when bound, or under the non-threaded RTS; else the process's main
-- thread, as @\/proc\/self@).
getNamespaceID :: Maybe ProcessID -> Namespace -> IO NamespaceID
getNamespaceID mpid ns = at "getNamespaceID" $ do
  pid <- case mpid of
    Just p -> return p
    Nothing -> do
      here <- if rtsSupportsBoundThreads then isCurrentThreadBound else return True
      if here then return 0 else getProcessID
  NamespaceID <$> L.withNamespace (L.openPid pid (toType ns)) L.nsId

-- | A user mapping: id inside the namespace, id outside, count.
data UserMapping = UserMapping UserID UserID Int
  deriving (Show, Read, Eq)

-- | A group mapping: id inside the namespace, id outside, count.
data GroupMapping = GroupMapping GroupID GroupID Int
  deriving (Show, Read, Eq)

-- | Write the uid map of a process's user namespace ('Nothing': the
-- calling process).
writeUserMappings :: Maybe ProcessID -> [UserMapping] -> IO ()
writeUserMappings mpid ms =
  at "writeUserMappings" $
    L.writeUidMap (maybe 0 id mpid) [IdMap (fromIntegral i) (fromIntegral o) (fromIntegral n) | UserMapping i o n <- ms] []

-- | Write the gid map of a process's user namespace; 'True' first denies
-- @setgroups@, as a process without @CAP_SETGID@ in the parent must.
writeGroupMappings :: Maybe ProcessID -> [GroupMapping] -> Bool -> IO ()
writeGroupMappings mpid ms deny =
  at "writeGroupMappings" $
    L.writeGidMap
      (maybe 0 id mpid)
      [IdMap (fromIntegral i) (fromIntegral o) (fromIntegral n) | GroupMapping i o n <- ms]
      [DenySetgroups | deny]

-- | Set a clock offset of the time namespace the calling process's children
-- get (after @unshare [Time]@): seconds (may be negative), nanoseconds.
setClockOffset :: Clock -> EpochTime -> CLong -> IO ()
setClockOffset clock secs nsecs =
  at "setClockOffset" $ L.setTimeOffset 0 clock (floor (toRational secs)) (fromIntegral nsecs)
