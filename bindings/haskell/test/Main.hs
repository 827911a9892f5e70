{-# LANGUAGE ForeignFunctionInterface #-}
{-# LANGUAGE ScopedTypeVariables #-}
-- | Tests of the linuxns package, run twice: under the non-threaded RTS
-- (test-nonthreaded) and the threaded one (test-threaded). Every check
-- compares what the package says with what the kernel shows in /proc or
-- what a C compiler reads from linuxns.h. Exit 0: all passed; 77: none
-- failed but some need root; 1: a failure.
module Main (main) where

import Control.Concurrent
import Control.Exception
import Control.Monad
import Data.Bits ((.&.))
import Data.Char (isDigit)
import Data.IORef
import Data.List (isInfixOf, isPrefixOf, sort)
import Data.Maybe (isJust)
import Foreign.C
import Foreign.Marshal.Utils (with)
import Foreign.Ptr
import Foreign.Storable (peek, sizeOf)
import GHC.IO.Exception (IOErrorType (..), IOException (..))
import HeaderCheck (headerChecks)
import LinuxNS
import qualified System.Linux.Namespaces as C
import System.Directory (canonicalizePath, createDirectoryIfMissing, doesFileExist, findExecutable, getTemporaryDirectory, removeDirectoryRecursive)
import System.Exit
import System.IO
import System.Posix.Files (fileOwner, getFileStatus, readSymbolicLink)
import System.Posix.IO (FdOption (CloseOnExec), closeFd, createPipe, fdToHandle, setFdOption)
import System.Posix.Process (ProcessStatus (..), forkProcess, getProcessID, getProcessStatus)
import System.Posix.Resource (ResourceLimit (..), ResourceLimits (..))
import System.Posix.Signals (nullSignal, sigKILL, signalProcess)
import System.Posix.Types (Fd (..))
import System.Posix.User (getEffectiveGroupID, getEffectiveUserID, getRealUserID)
import System.Process (readProcessWithExitCode)
import System.Timeout (timeout)

foreign import ccall "&getpid" p_getpid :: FunPtr (Ptr () -> IO CInt)
foreign import ccall unsafe "umount2" c_umount2 :: CString -> CInt -> IO CInt

data Counts = Counts {passed, failed, skipped :: !Int}

type Check = Bool -> String -> IO ()

-- | The N of readlink /proc/WHO/ns/TYPE = "TYPE:[N]".
procId :: String -> String -> IO Integer
procId who t = do
  link <- readSymbolicLink ("/proc/" ++ who ++ "/ns/" ++ t)
  return (read (takeWhile isDigit (dropWhile (not . isDigit) link)))

-- | The fields of /proc/PID/stat: the pid, then those after the command
-- (state, ppid, pgrp, session...).
statFields :: String -> [String]
statFields s = takeWhile (/= ' ') s : words (reverse (takeWhile (/= ')') (reverse s)))

-- | Runs a program through spawn with its stdout into a pipe; returns its
-- exit status and output.
spawnRead :: SpawnOptions -> FilePath -> [String] -> IO (ProcessStatus, String)
spawnRead opts prog args = do
  (r, w) <- createPipe
  mapM_ (\fd -> setFdOption fd CloseOnExec True) [r, w]
  pid <- spawn opts {fds = (Fd 1, Just w) : fds opts} prog args `onException` (closeFd r >> closeFd w)
  closeFd w
  h <- fdToHandle r
  out <- hGetContents h
  _ <- evaluate (length out)
  hClose h
  Just st <- getProcessStatus True False pid
  return (st, out)

expectIOError :: Check -> String -> (IOException -> Bool) -> IO a -> IO ()
expectIOError ok what good act = do
  r <- try act
  case r of
    Left e -> ok (good e) (what ++ ": " ++ show e)
    Right _ -> ok False (what ++ ": no IOError")

-- | ip(8), in PATH or the sbin directories.
findIp :: IO (Maybe FilePath)
findIp = do
  inPath <- findExecutable "ip"
  case inPath of
    Just p -> return (Just p)
    Nothing -> do
      found <- filterM doesFileExist ["/usr/sbin/ip", "/sbin/ip"]
      return (case found of
        (p : _) -> Just p
        [] -> Nothing)

hasErrno :: Errno -> IOException -> Bool
hasErrno (Errno want) e = ioe_errno e == Just want

main :: IO ()
main = do
  hSetBuffering stdout LineBuffering
  counts <- newIORef (Counts 0 0 0)
  let ok :: Check
      ok good msg = do
        modifyIORef' counts (\c -> if good then c {passed = passed c + 1} else c {failed = failed c + 1})
        putStrLn ((if good then "ok    " else "FAIL  ") ++ msg)
      skip msg = do
        modifyIORef' counts (\c -> c {skipped = skipped c + 1})
        putStrLn ("skip  " ++ msg)
      threaded = rtsSupportsBoundThreads
  euid <- getEffectiveUserID
  egid <- getEffectiveGroupID
  let isRoot = euid == 0
      asRoot what act = if isRoot then act else skip (what ++ " (needs root)")
  putStrLn ("linuxns " ++ version ++ ", threaded RTS: " ++ show threaded ++ ", euid " ++ show euid)

  -- constants and layouts: hsc2hs's values, the documented ones, the C compiler's
  ok (version == headerVersion) ("library version " ++ version ++ " = header version " ++ headerVersion)
  -- constants, layouts, every function of linuxns.h bound with its signature
  headerChecks ok skip
  ok ([minBound .. maxBound :: NsType] == [Mnt, Cgroup, Uts, Ipc, User, Pid, Net, Time]) "NsType Enum/Bounded"
  ok (all (\t -> read (show t) == t) [minBound .. maxBound :: NsType]) "NsType Show/Read round trip"
  names <- mapM (typeFromName . typeName) [minBound .. maxBound]
  ok (names == [minBound .. maxBound]) ("typeName/typeFromName: " ++ unwords (map typeName names))
  ok (maskTypes (typesMask [User, Net]) == [User, Net]) "typesMask/maskTypes"

  -- errors: IOError with errno and ns_last_error's sentence
  let einvalFromLib e = hasErrno eINVAL e && "ns_open_pid" `isPrefixOf` ioe_description e
  expectIOError ok "openPid (-1) Net: EINVAL, described by ns_last_error" einvalFromLib (openPid (-1) Net)
  expectIOError ok "typeFromName \"nope\": EINVAL" (hasErrno eINVAL) (typeFromName "nope")
  expectIOError ok "openName of a missing netns: ENOENT" (hasErrno eNOENT) (openName "linuxns-hs-missing")
  when threaded $ do
    v <- newEmptyMVar
    _ <- forkIO (try (openPid (-1) Net) >>= putMVar v)
    r <- takeMVar v
    case r of
      Left e -> ok (einvalFromLib e) ("from a forkIO thread, the same description: " ++ show e)
      Right _ -> ok False "openPid (-1) Net from forkIO: no IOError"

  -- ids against /proc
  let types = [(Net, "net"), (Uts, "uts"), (Ipc, "ipc"), (Mnt, "mnt"), (User, "user"), (Pid, "pid"), (Cgroup, "cgroup")]
  hasTime <- doesFileExist "/proc/self/ns/time"
  mypid <- getProcessID
  forM_ (types ++ [(Time, "time") | hasTime]) $ \(t, name) -> do
    i <- withNamespace (openPid 0 t) nsId
    want <- procId "thread-self" name
    ok (toInteger i == want) ("nsId (openPid 0 " ++ show t ++ ") = " ++ show i ++ " = readlink /proc/thread-self/ns/" ++ name)
    j <- withNamespace (openPid mypid t) $ \h -> do
      ty <- nsType h
      s <- withNamespace (openPath ("/proc/self/ns/" ++ name) (Just t)) (same h)
      ok (ty == t && s) ("nsType and same for " ++ name)
      nsId h
    want' <- procId (show mypid) name
    ok (toInteger j == want') ("nsId (openPid " ++ show mypid ++ " " ++ show t ++ ") = readlink /proc/PID/ns/" ++ name)
    cid <- C.getNamespaceID Nothing (compatOf t)
    cid' <- C.getNamespaceID (Just mypid) (compatOf t)
    ok (toInteger cid == want && toInteger cid' == want')
      ("compat getNamespaceID Nothing/Just pid " ++ show (compatOf t) ++ " = " ++ show cid)
  userOwner <- withNamespace (openPid 0 User) ownerUid
  ok (userOwner == 0) ("ownerUid of the initial user namespace = " ++ show userOwner)

  -- listNamespaces
  nets <- listNamespaces [Net]
  myNet <- procId "self" "net"
  ok (not (null nets) && all ((== Net) . infoType) nets && any (\i -> toInteger (infoId i) == myNet && infoNprocs i >= 1) nets)
    ("listNamespaces [Net]: " ++ show (length nets) ++ " network namespaces, ours among them")
  alls <- listNamespaces []
  let key i = (nsTypeBit (infoType i), infoId i)
  ok (length alls >= length types && map key alls == sort (map key alls))
    ("listNamespaces []: " ++ show (length alls) ++ " namespaces, in (type, id) order")

  -- spawn: new user, pid and uts namespaces, hostname, pid 1, uid 0
  myUserNs <- procId "self" "user"
  (st, out) <-
    spawnRead defaultSpawnOptions {namespaces = [User, Pid, Uts], mapRoot = True, hostname = Just "hs-box"}
      "sh" ["-c", "hostname; echo $$; id -u; readlink /proc/self/ns/user"]
  ok (st == Exited ExitSuccess && take 3 (lines out) == ["hs-box", "1", "0"] && not (show myUserNs `isInfixOf` out))
    ("spawn + getProcessStatus: hostname, pid 1, uid 0 in a new user namespace: " ++ show (lines out) ++ " " ++ show st)
  expectIOError ok "spawn of a missing program: ENOENT" (hasErrno eNOENT) (spawn defaultSpawnOptions "/nonexistent/prog" [])
  expectIOError ok "spawn with a hostname but no UTS namespace: EINVAL" (hasErrno eINVAL)
    (spawn defaultSpawnOptions {hostname = Just "x"} "true" [])

  -- newUserns: maps seen in /proc/PID/uid_map of a child that joins it
  let umap = if isRoot then [IdMap 0 0 1, IdMap 1 100000 100] else [IdMap 0 (fromIntegral euid) 1]
      gmap = [IdMap 0 (fromIntegral egid) 1]
  r <- try $ withNamespace (newUserns umap gmap [DenySetgroups]) $ \uns -> do
    uid <- nsId uns
    (st', out') <- spawnRead defaultSpawnOptions {joins = [uns]} "sh" ["-c", "cat /proc/$$/uid_map; readlink /proc/$$/ns/user"]
    let rows = map (map read . words) (init (lines out')) :: [[Integer]]
        want = [[toInteger i, toInteger o, toInteger n] | IdMap i o n <- umap]
    ok (st' == Exited ExitSuccess && rows == want && ("user:[" ++ show uid ++ "]") `isInfixOf` out')
      ("newUserns " ++ show umap ++ ": /proc/PID/uid_map of a spawned child that joined it: " ++ show rows)
  either (\(e :: IOException) -> ok False ("newUserns: " ++ show e)) return r

  -- clone and spawnFn with a C function (getpid: 1 in a new PID namespace)
  cpid <- clone [User, Pid] p_getpid nullPtr
  cst <- getProcessStatus True False cpid
  ok (cst == Just (Exited (ExitFailure 1))) ("clone [User, Pid] getpid: the child is pid 1: " ++ show cst)
  fpid <- spawnFn defaultSpawnOptions {namespaces = [User, Pid], mapRoot = True} p_getpid nullPtr
  fst' <- getProcessStatus True False fpid
  ok (fst' == Just (Exited (ExitFailure 1))) ("spawnFn {User, Pid, mapRoot} getpid: " ++ show fst')

  -- a user namespace in the process itself
  if threaded
    then do
      expectIOError ok "threaded RTS: compat unshare [User] fails, naming the cause"
        (\e -> hasErrno eINVAL e && "threaded" `isInfixOf` ioe_description e && "spawn" `isInfixOf` ioe_description e)
        (C.unshare [C.User])
      expectIOError ok "threaded RTS: LinuxNS.unshare [User] fails the same way"
        (\e -> hasErrno eINVAL e && "threaded" `isInfixOf` ioe_description e) (unshare [User])
      v <- newEmptyMVar
      _ <- forkIO (try (unshare [Uts]) >>= putMVar v)
      takeMVar v >>= \res -> case res of
        Left e -> ok (hasErrno eINVAL e && "unbound" `isInfixOf` ioe_description e) ("unshare from a forkIO thread is refused: " ++ show e)
        Right () -> ok False "unshare from a forkIO thread was not refused"
      expectIOError ok "runIn needs no user namespace: a user namespace handle is refused" (hasErrno eINVAL)
        (withNamespace (openPid 0 User) (\h -> runIn h (return ())))
    else do
      expectIOError ok "non-threaded RTS: runIn is unsupported"
        (\e -> ioe_type e == UnsupportedOperation) (withNamespace (openPid 0 Net) (\h -> runIn h (return ())))
      -- compat API in a forked child: unshare a user namespace, write maps
      before <- C.getNamespaceID Nothing C.User
      child <- forkProcess $ do
        res <- try $ do
          C.unshare [C.User]
          C.writeGroupMappings Nothing [C.GroupMapping 0 egid 1] True
          C.writeUserMappings Nothing [C.UserMapping 0 euid 1]
          after <- C.getNamespaceID Nothing C.User
          uid <- getRealUserID
          m <- readFile "/proc/self/uid_map"
          return (after /= before && uid == 0 && map read (words m) == [0, toInteger euid, 1 :: Integer])
        case res of
          Right True -> exitSuccess
          Right False -> exitWith (ExitFailure 2)
          Left (e :: IOException) -> hPutStrLn stderr (show e) >> exitWith (ExitFailure 3)
      cs <- getProcessStatus True False child
      ok (cs == Just (Exited ExitSuccess))
        ("forkProcess child: compat unshare [User], writeGroupMappings, writeUserMappings, getNamespaceID: " ++ show cs)
      -- compat time namespace: unshare [Time], setClockOffset, seen by a spawned child
      when (isRoot && hasTime) $ do
        tchild <- forkProcess $ do
          res <- try $ do
            C.unshare [C.Time]
            C.setClockOffset C.Monotonic 1000 0
            (_, o) <- spawnRead defaultSpawnOptions "cat" ["/proc/self/timens_offsets"]
            return (words o)
          case res of
            Right ws | take 3 ws == ["monotonic", "1000", "0"] -> exitSuccess
            Right ws -> hPutStrLn stderr (unwords ws) >> exitWith (ExitFailure 2)
            Left (e :: IOException) -> hPutStrLn stderr (show e) >> exitWith (ExitFailure 3)
        ts <- getProcessStatus True False tchild
        ok (ts == Just (Exited ExitSuccess))
          ("forkProcess child: compat unshare [Time], setClockOffset Monotonic 1000 0, seen by a spawned child: " ++ show ts)

  -- several threads spawning at once (forkIO), and from a forkOS thread
  when threaded $ do
    pidNs <- procId "self" "pid"
    let one = spawnRead defaultSpawnOptions {namespaces = [User, Pid], mapRoot = True} "sh" ["-c", "echo $$ $(id -u) $(readlink /proc/self/ns/pid)"]
        good (s, o) = s == Exited ExitSuccess && take 2 (words o) == ["1", "0"] && not (show pidNs `isInfixOf` o)
    vs <- forM [1 .. 4 :: Int] $ \_ -> do
      v <- newEmptyMVar
      _ <- forkIO (try one >>= putMVar v)
      return v
    rs <- mapM takeMVar vs
    ok (all (either (\(_ :: IOException) -> False) good) rs) ("spawn from 4 forkIO threads at once: " ++ show (length rs) ++ " children, pid 1, uid 0")
    v <- newEmptyMVar
    _ <- forkOS (try one >>= putMVar v)
    takeMVar v >>= \res -> ok (either (\(_ :: IOException) -> False) good res) "spawn from a forkOS thread"
    -- a listing with a Haskell callback, from a forkIO thread
    mv <- newEmptyMVar
    _ <- forkIO (try (withNamespace (openPid 0 Mnt) listMounts) >>= putMVar mv)
    takeMVar mv >>= \res -> case res of
      Left (e :: IOException) -> ok False ("listMounts from a forkIO thread: " ++ show e)
      Right ms -> ok (any ((== "/") . mountPoint) ms) ("listMounts from a forkIO thread: " ++ show (length ms) ++ " mounts")
    -- pdeathsig from a forkIO thread: the child outlives that thread's call
    pv <- newEmptyMVar
    _ <- forkIO (try (spawn defaultSpawnOptions {pdeathsig = Just 9} "sh" ["-c", "sleep 0.2; exit 5"]) >>= putMVar pv)
    takeMVar pv >>= \res -> case res of
      Left (e :: IOException) -> ok False ("spawn with pdeathsig from forkIO: " ++ show e)
      Right p -> do
        ps <- getProcessStatus True False p
        ok (ps == Just (Exited (ExitFailure 5))) ("spawn {pdeathsig} from a forkIO thread: the child ran to its end: " ++ show ps)

  -- LINUXNS_0.2 ------------------------------------------------------------
  -- features: what the library found and uses
  fs <- features
  ok (Clone3 `elem` fs) ("features has Clone3: " ++ unwords (map show fs))
  ok (map featureBit [minBound .. maxBound] == [2 ^ i | i <- [0 .. 16 :: Int]])
    "featureBit: each Feature its NS_FEATURE_* bit, in the header's order"

  -- namespace file handles: encode -> format -> parse -> open, every type
  if NsfsHandles `notElem` fs
    then do
      skip "namespace file handles (no NsfsHandles in features: a kernel before 6.18)"
      expectIOError ok "encodeHandle without NsfsHandles: EOPNOTSUPP" (hasErrno eOPNOTSUPP)
        (withNamespace (openPid 0 Net) encodeHandle)
    else do
      forM_ (types ++ [(Time, "time") | hasTime]) $ \(t, name) -> do
        rt <- try $ withNamespace (openPid 0 t) $ \h -> do
          hd <- encodeHandle h
          txt <- formatHandle hd
          hd' <- parseHandle txt
          i <- nsId h
          u <- uniqueId h
          (i', s) <- withNamespace (openHandle hd') $ \h' -> (,) <$> nsId h' <*> same h h'
          return (hd, txt, hd', i, u, i', s)
        want <- procId "thread-self" name
        case rt of
          Left (e :: IOException) -> ok False ("handle round trip of " ++ name ++ ": " ++ show e)
          Right (hd, txt, hd', i, u, i', s) ->
            ok (hd' == hd && handleType hd == t && toInteger (handleId hd) == toInteger i
                  && handleUniqueId hd == u && txt == name ++ ":" ++ show i ++ ":" ++ show u
                  && toInteger i' == want && s)
              ("handle of " ++ name ++ ": encodeHandle, formatHandle " ++ show txt
                ++ ", parseHandle, openHandle: " ++ name ++ ":[" ++ show i' ++ "] = readlink /proc/thread-self/ns/" ++ name)
      hd <- withNamespace (openPid 0 Uts) encodeHandle
      hd2 <- with hd peek
      ok (hd2 == hd && sizeOf hd == 64) "NsHandle Storable: 64 bytes, poke then peek gives it back"
      expectIOError ok "parseHandle \"uts:0:1\": EINVAL" (hasErrno eINVAL) (parseHandle "uts:0:1")
      expectIOError ok "parseHandle of a text with a newline: EINVAL" (hasErrno eINVAL) (formatHandle hd >>= parseHandle . (++ "\n"))
      expectIOError ok "formatHandle of a handle with inode 0: EINVAL" (hasErrno eINVAL) (formatHandle hd {handleId = 0})
      -- a namespace that is gone: ESTALE (the kernel frees a user namespace a little later)
      gone <- withNamespace (newUserns [IdMap 0 (fromIntegral euid) 1] [IdMap 0 (fromIntegral egid) 1] [DenySetgroups]) encodeHandle
      let openGone :: Int -> IO (Either IOException ())
          openGone n = do
            ro <- try (openHandle gone >>= closeNamespace)
            case ro of
              Right () | n > 0 -> threadDelay 20000 >> openGone (n - 1)
              _ -> return ro
      openGone 100 >>= \ro -> case ro of
        Left e -> ok (hasErrno eSTALE e) ("openHandle of a user namespace no longer held: ESTALE: " ++ show e)
        Right () -> ok False "openHandle of a user namespace no longer held: still opens after 2 s"

  -- listNamespacesWith [ListAll]: a user namespace held only by our descriptor
  userNsHere <- procId "self" "user"
  withNamespace (newUserns [IdMap 0 (fromIntegral euid) 1] [IdMap 0 (fromIntegral egid) 1] [DenySetgroups]) $ \u -> do
    i <- nsId u
    everyUser <- listNamespacesWith [ListAll] [User]
    plain <- listNamespaces [User]
    let mine = filter ((== i) . infoId) everyUser
        byTypeId x = (nsTypeBit (infoType x), infoId x)
    ok (case mine of
          [x] -> infoNprocs x == 0 && infoPid x == 0 && infoOwnerUid x == euid && toInteger (infoParentId x) == userNsHere
          _ -> False
        && all ((/= i) . infoId) plain && map byTypeId everyUser == sort (map byTypeId everyUser))
      ("listNamespacesWith [ListAll] [User] has user:[" ++ show i ++ "], held only by a descriptor (nprocs 0, pid 0, our user namespace its parent), listNamespaces not: " ++ show mine)
  netsAll <- listNamespacesWith [] [Net]
  ok (any (\x -> toInteger (infoId x) == myNet) netsAll) "listNamespacesWith [] [Net] (ns_list_ex without flags) has our network namespace"

  -- mounts: of our mount namespace, and of a child's new one (mounts made
  -- meanwhile by others change the counts: read again then)
  let mountinfoIds path = do
        s <- readFile path
        _ <- evaluate (length s)
        return (sort [read (head (words l)) | l <- lines s, not (null (words l))])
      stableMounts ns path = go (10 :: Int)
        where
          go n = do
            c1 <- countMounts ns
            ms <- listMounts ns
            ids <- mountinfoIds path
            c2 <- countMounts ns
            if (c1 == length ms && c2 == c1 && ids == sort (map mountProcId ms)) || n <= 1
              then return (c1, ms, ids, c2)
              else threadDelay 100000 >> go (n - 1)
  withNamespace (openPid 0 Mnt) $ \mns -> do
    (c1, ms, ids, c2) <- stableMounts mns "/proc/self/mountinfo"
    let rootMounts = [m | m <- ms, mountPoint m == "/"]
    ok (not (null rootMounts) && c1 == length ms && c2 == c1 && ids == sort (map mountProcId ms))
      ("listMounts of our mount namespace: " ++ show (length ms) ++ " mounts, \"/\" among them ("
        ++ unwords [mountFsType m ++ " " ++ mountSource m | m <- take 1 rootMounts] ++ "), countMounts "
        ++ show c1 ++ ", the ids of /proc/self/mountinfo")
    ok (all (not . null . mountFsType) ms && all (\m -> take 1 (mountPoint m) == "/") ms
        && all (\m -> isJust (mountId m) == isJust (mountParentId m)) ms)
      "listMounts: every mount has a type, an absolute mount point, a unique id and its parent's or neither"
  (kid, kidfd) <- spawnPidfd defaultSpawnOptions {namespaces = [User, Pid, Mnt], mapRoot = True} "sleep" ["30"]
  childChecks <- try $ do
    r1 <- withNamespace (openPidfd kidfd Mnt) $ \cm -> stableMounts cm ("/proc/" ++ show kid ++ "/mountinfo")
    -- pids between our PID namespace and the child's
    r2 <- withNamespace (openPid 0 Pid) $ \here -> withNamespace (openPidfd kidfd Pid) $ \there -> do
      self <- translatePid mypid here here
      seenHere <- translatePid 1 there here
      seenThere <- translatePid kid here there
      notThere <- try (translatePid mypid here there)
      return (self, seenHere, seenThere, notThere)
    return (r1, r2)
  signalProcess sigKILL kid
  _ <- getProcessStatus True False kid
  closeFd kidfd
  case childChecks of
    Left (e :: IOException) -> ok False ("mounts and pids of a child in new user, PID, mount namespaces: " ++ show e)
    Right ((c1, ms, ids, c2), (self, seenHere, seenThere, notThere)) -> do
      ok (any ((== "/") . mountPoint) ms && c1 == length ms && c2 == c1 && ids == sort (map mountProcId ms)
            && all (\m -> mountPeerGroup m == Nothing && mountMaster m == Nothing) ms)
        ("listMounts of a child's new mount namespace (by pidfd): " ++ show (length ms)
          ++ " mounts, \"/\" among them, countMounts " ++ show c1 ++ ", the ids of /proc/" ++ show kid ++ "/mountinfo, all private")
      ok (self == mypid) ("translatePid " ++ show mypid ++ " from our PID namespace to itself: " ++ show self)
      ok (seenHere == kid && seenThere == 1)
        ("translatePid: the child's pid 1 is our " ++ show seenHere ++ ", our " ++ show kid ++ " is its " ++ show seenThere)
      ok (either (hasErrno eSRCH) (const False) notThere) ("translatePid of our pid into the child's PID namespace: ESRCH: " ++ either show show notThere)

  -- pidfdStatus: running, killed, exited; never reaps
  let pollStatus fd n = do
        s <- pidfdStatus fd
        case s of
          Nothing | n > (0 :: Int) -> threadDelay 10000 >> pollStatus fd (n - 1)
          _ -> return s
  (p1, fd1) <- spawnPidfd defaultSpawnOptions "sleep" ["30"]
  running <- pidfdStatus fd1
  signalProcess sigKILL p1
  killed <- pollStatus fd1 500
  waited1 <- getProcessStatus True False p1
  closeFd fd1
  ok (running == Nothing && killed == Just (Terminated sigKILL False) && waited1 == killed)
    ("pidfdStatus: Nothing while it runs, then " ++ show killed ++ " after SIGKILL, still there for getProcessStatus: " ++ show waited1)
  (p2, fd2) <- spawnPidfd defaultSpawnOptions "sh" ["-c", "exit 3"]
  exited <- pollStatus fd2 500
  waited2 <- getProcessStatus True False p2
  reaped <- try (pidfdStatus fd2)
  closeFd fd2
  ok (exited == Just (Exited (ExitFailure 3)) && waited2 == exited)
    ("pidfdStatus of an exited child: " ++ show exited ++ ", not reaped by it: getProcessStatus " ++ show waited2)
  if PidfdInfoExit `elem` fs
    then ok (either (const False) (== exited) reaped) ("pidfdStatus after the child was reaped (PidfdInfoExit): " ++ either (show :: IOException -> String) show reaped)
    else ok (either (hasErrno eOPNOTSUPP) (const False) reaped) "pidfdStatus after the child was reaped, without PidfdInfoExit: EOPNOTSUPP"

  -- process attributes of spawn, read back inside the child
  mySession <- (!! 4) . statFields <$> readFile "/proc/self/stat"
  (sa, oa) <- spawnRead defaultSpawnOptions
    { umask = Just 0o027
    , rlimits = [(RlimitNofile, ResourceLimits (ResourceLimit 64) (ResourceLimit 128))]
    , newSession = True
    } "sh" ["-c", "umask; ulimit -Sn; ulimit -Hn; cat /proc/$$/stat"]
  case lines oa of
    [m, soft, hard, stat] | pid : (_ : _ : pgrp : sid : _) <- statFields stat ->
      ok (sa == Exited ExitSuccess && m == "0027" && soft == "64" && hard == "128" && pgrp == pid && sid == pid && sid /= mySession)
        ("spawn {umask 0o027, RLIMIT_NOFILE 64/128, newSession}: the child's umask " ++ m ++ ", ulimit -Sn " ++ soft
          ++ " -Hn " ++ hard ++ ", pid = pgrp = session = " ++ pid)
    _ -> ok False ("spawn {umask, rlimits, newSession}: " ++ show (sa, oa))
  (sg, og) <- spawnRead defaultSpawnOptions {processGroup = Just 0} "sh" ["-c", "cat /proc/$$/stat"]
  case statFields og of
    pid : (_ : _ : pgrp : sid : _) ->
      ok (sg == Exited ExitSuccess && pgrp == pid && sid == mySession)
        ("spawn {processGroup = Just 0}: a new group " ++ pgrp ++ " led by the child, in our session " ++ sid)
    _ -> ok False ("spawn {processGroup}: " ++ show (sg, og))
  expectIOError ok "spawn {newSession, processGroup}: EINVAL" (hasErrno eINVAL)
    (spawn defaultSpawnOptions {newSession = True, processGroup = Just 0} "true" [])
  (sc, oc) <- spawnRead defaultSpawnOptions {namespaces = [User], mapRoot = True, capabilities = [(Bounding, [10])]}
    "sh" ["-c", "grep CapBnd /proc/self/status"]
  ok (sc == Exited ExitSuccess && words oc == ["CapBnd:", "0000000000000400"])
    ("spawn {capabilities = [(Bounding, [10])]} (root of a new user namespace): " ++ show (words oc))
  expectIOError ok "capabilities with capability 64: EINVAL" (hasErrno eINVAL)
    (spawn defaultSpawnOptions {capabilities = [(Bounding, [64])]} "true" [])
  expectIOError ok "capabilities with capability 63 (above cap_last_cap): EINVAL" (hasErrno eINVAL)
    (spawn defaultSpawnOptions {capabilities = [(Effective, [63])]} "true" [])
  (ss, os) <- spawnRead defaultSpawnOptions {seccompFilter = Just [bpfStmt 0x06 0x7fff0000]} -- BPF_RET|BPF_K, SECCOMP_RET_ALLOW
    "sh" ["-c", "grep -E '^(NoNewPrivs|Seccomp):' /proc/self/status"]
  ok (ss == Exited ExitSuccess && words os == ["NoNewPrivs:", "1", "Seccomp:", "2"])
    ("spawn {seccompFilter = an allow-all filter}: " ++ show (words os))
  expectIOError ok "seccompFilter = Just []: EINVAL" (hasErrno eINVAL) (spawn defaultSpawnOptions {seccompFilter = Just []} "true" [])
  expectIOError ok "umask 0o1000: EINVAL" (hasErrno eINVAL) (spawn defaultSpawnOptions {umask = Just 0o1000} "true" [])

  -- noNewPrivs, autoreap, autokill (CLONE_NNP, CLONE_AUTOREAP,
  -- CLONE_PIDFD_AUTOKILL: Linux 7.1; noNewPrivs works everywhere)
  let nnpOf o = [v | l <- lines o, ["NoNewPrivs:", v] <- [words l]]
      statusOf opts = spawnRead opts "cat" ["/proc/self/status"]
      -- the pidfd readable (the process ended) within 10 s
      waitPidfd fd = isJust <$> timeout 10000000 (threadWaitRead fd)
      fromLib fn flag e =
        hasErrno eOPNOTSUPP e && (fn ++ ": ") `isPrefixOf` ioe_description e
          && flag `isInfixOf` ioe_description e && "7.1" `isInfixOf` ioe_description e
  ourNnp <- nnpOf <$> readFile "/proc/self/status"
  (sn1, on1) <- statusOf defaultSpawnOptions {noNewPrivs = True}
  (sn0, on0) <- statusOf defaultSpawnOptions
  ourNnp' <- nnpOf <$> readFile "/proc/self/status"
  ok (ourNnp == ["0"] && sn1 == Exited ExitSuccess && nnpOf on1 == ["1"] && sn0 == Exited ExitSuccess
      && nnpOf on0 == ["0"] && ourNnp' == ["0"])
    ("spawn {noNewPrivs = True}: the program's /proc/self/status has NoNewPrivs " ++ unwords (nnpOf on1)
      ++ "; without it " ++ unwords (nnpOf on0) ++ "; ours " ++ unwords ourNnp ++ " before and " ++ unwords ourNnp' ++ " after")
  (sn2, on2) <- spawnRead defaultSpawnOptions {noNewPrivs = True, namespaces = [User, Pid], mapRoot = True}
    "sh" ["-c", "cat /proc/self/status"]
  ok (sn2 == Exited ExitSuccess && nnpOf on2 == ["1"])
    ("spawn {noNewPrivs, User, Pid, mapRoot}: a process the program starts has NoNewPrivs " ++ unwords (nnpOf on2))
  if CloneAutoreap `elem` fs
    then do
      (p, pfd) <- spawnPidfd defaultSpawnOptions {autoreap = True} "sh" ["-c", "exit 7"]
      readable <- waitPidfd pfd
      st' <- pidfdStatus pfd
      w <- try (getProcessStatus True False p)
      closeFd pfd
      ok (readable && st' == Just (Exited (ExitFailure 7)) && either (hasErrno eCHILD) (const False) w)
        ("spawnPidfd {autoreap = True} (CloneAutoreap): the pidfd polls readable, pidfdStatus " ++ show st'
          ++ ", getProcessStatus: " ++ either (show :: IOException -> String) show w)
      withNamespace (openPid 0 Uts) $ \uts ->
        expectIOError ok "spawn {autoreap, joins}: EOPNOTSUPP (the kernel reaps only a child cloned by the caller)"
          (hasErrno eOPNOTSUPP) (spawn defaultSpawnOptions {autoreap = True, joins = [uts]} "true" [])
    else
      expectIOError ok "spawn {autoreap = True} without CloneAutoreap: EOPNOTSUPP from ns_spawn_attr_set_autoreap naming CLONE_AUTOREAP and 7.1"
        (fromLib "ns_spawn_attr_set_autoreap" "CLONE_AUTOREAP") (spawn defaultSpawnOptions {autoreap = True} "true" [])
  (sr, orr) <- spawnRead defaultSpawnOptions {autoreap = False} "sh" ["-c", "echo ran; exit 4"]
  ok (sr == Exited (ExitFailure 4) && orr == "ran\n")
    ("spawn {autoreap = False}: an ordinary child, getProcessStatus " ++ show sr)
  if ClonePidfdAutokill `elem` fs
    then do
      -- the program holds the write end of a pipe: EOF once it is gone
      (rk, wk) <- createPipe
      mapM_ (\fd -> setFdOption fd CloseOnExec True) [rk, wk]
      (p, pfd) <- spawnPidfd defaultSpawnOptions {autokill = True, fds = [(Fd 1, Just wk)]} "sleep" ["60"]
      closeFd wk
      alive <- try (signalProcess nullSignal p)
      closeFd pfd
      eof <- isJust <$> timeout 10000000 (threadWaitRead rk)
      closeFd rk
      let gone n = do
            e <- try (signalProcess nullSignal p)
            case e of
              Left (x :: IOException) -> return (hasErrno eSRCH x)
              Right () | n > (0 :: Int) -> threadDelay 10000 >> gone (n - 1)
              Right () -> return False
      isGone <- gone 500
      ok (either (\(_ :: IOException) -> False) (const True) alive && eof && isGone)
        "spawnPidfd {autokill = True} (ClonePidfdAutokill): the program runs while we hold the pidfd; closing it kills it (its stdout closes) and the kernel reaps it (ESRCH)"
      (r2, w2) <- createPipe
      mapM_ (\fd -> setFdOption fd CloseOnExec True) [r2, w2]
      (_, pfd2) <- spawnPidfd defaultSpawnOptions {autokill = True, fds = [(Fd 1, Just w2)]} "cat" ["/proc/self/status"]
      closeFd w2
      h <- fdToHandle r2
      o <- hGetContents h
      _ <- evaluate (length o)
      hClose h
      readable <- waitPidfd pfd2
      st' <- pidfdStatus pfd2
      closeFd pfd2
      ok (readable && st' == Just (Exited ExitSuccess) && nnpOf o == ["1"])
        ("spawnPidfd {autokill = True}, pidfd held: runs to its end, pidfdStatus " ++ show st' ++ ", NoNewPrivs " ++ unwords (nnpOf o) ++ " (implied)")
    else do
      expectIOError ok "spawn {autokill = True} without ClonePidfdAutokill: EOPNOTSUPP from ns_spawn_attr_set_autokill naming CLONE_PIDFD_AUTOKILL and 7.1"
        (fromLib "ns_spawn_attr_set_autokill" "CLONE_PIDFD_AUTOKILL") (spawn defaultSpawnOptions {autokill = True} "true" [])
      expectIOError ok "spawnPidfd {autokill = True, noNewPrivs = True}: EOPNOTSUPP as well"
        (fromLib "ns_spawn_attr_set_autokill" "CLONE_PIDFD_AUTOKILL") (spawnPidfd defaultSpawnOptions {autokill = True, noNewPrivs = True} "true" [])
  (sk, outK) <- spawnRead defaultSpawnOptions {autokill = False, autoreap = False, noNewPrivs = True} "sh" ["-c", "cat /proc/self/status; exit 5"]
  ok (sk == Exited (ExitFailure 5) && nnpOf outK == ["1"])
    ("spawn {autokill = False, autoreap = False, noNewPrivs = True}: an ordinary child (" ++ show sk ++ "), NoNewPrivs " ++ unwords (nnpOf outK))

  -- root only
  asRoot "runIn, unshare on a forkOS thread, netns" $ do
    when threaded $ do
      withNamespace (newNamespace Uts) $ \uts -> do
        want <- nsId uts
        here <- procId "thread-self" "uts"
        seen <- runIn uts (readSymbolicLink "/proc/thread-self/ns/uts")
        here' <- procId "thread-self" "uts"
        ok (seen == "uts:[" ++ show want ++ "]" && here == here')
          ("runIn (newNamespace Uts): the action saw " ++ seen ++ ", the caller stayed in uts:[" ++ show here' ++ "]")
        r' <- try (runIn uts (ioError (userError "inside")))
        ok (either (\(e :: IOException) -> "inside" `isInfixOf` show e) (const False) r') "runIn rethrows the action's exception"
      v <- newEmptyMVar
      mainUts <- procId "thread-self" "uts"
      _ <- forkOS $ (try $ do
        before <- procId "thread-self" "uts"
        unshare [Uts]
        after <- procId "thread-self" "uts"
        return (before, after)) >>= putMVar v
      takeMVar v >>= \res -> case res of
        Left (e :: IOException) -> ok False ("unshare [Uts] on a forkOS thread: " ++ show e)
        Right (b, a) -> do
          mainUts' <- procId "thread-self" "uts"
          ok (b == mainUts && a /= b && mainUts' == mainUts) ("unshare [Uts] on a forkOS thread moved it alone: " ++ show (b, a))
    let name = "linuxns-hs-" ++ show mypid
    withNamespace (netnsAdd name) $ \h -> do
      s <- withNamespace (openName name) (same h)
      e <- doesFileExist ("/run/netns/" ++ name)
      ok (s && e) ("netnsAdd " ++ name ++ ": /run/netns/" ++ name ++ " is the same namespace")
      netnsDel name
      e' <- doesFileExist ("/run/netns/" ++ name)
      ok (not e') "netnsDel removed it"
    expectIOError ok "openName after netnsDel: ENOENT" (hasErrno eNOENT) (openName name)
    lim <- getLimit Net
    ok (lim > 0) ("getLimit Net = " ++ show lim)

  asRoot "spawn with childUid, childGid, childGroups" $ do
    (st', o) <- spawnRead defaultSpawnOptions
      { childUid = Just 65534, childGid = Just 65534, childGroups = Just [65534, 100]
      , umask = Just 0o077, rlimits = [(RlimitNofile, ResourceLimits (ResourceLimit 100) (ResourceLimit 200))]
      } "sh" ["-c", "id -u; id -g; id -G; umask; ulimit -Sn; ulimit -Hn; grep ^Uid: /proc/self/status"]
    ok (st' == Exited ExitSuccess && lines o == ["65534", "65534", "65534 100", "0077", "100", "200", "Uid:\t65534\t65534\t65534\t65534"])
      ("spawn as root {childUid 65534, childGid 65534, childGroups [65534, 100], umask 0o077, RLIMIT_NOFILE 100/200}: " ++ show (lines o))

  asRoot "idmapped mounts" $ do
    tmp <- getTemporaryDirectory >>= canonicalizePath
    let dir = tmp ++ "/linuxns-hs-idmap-" ++ show mypid
        srcD = dir ++ "/src"
        tgtD = dir ++ "/tgt"
        rootD = dir ++ "/root"
    mapM_ (createDirectoryIfMissing True) [srcD, tgtD, rootD]
    writeFile (srcD ++ "/file") "x"
    writeFile (rootD ++ "/file") "x"
    clean <- withNamespace (newUserns [IdMap 0 65534 1] [IdMap 0 65534 1] []) $ \u -> do
      rm <- try (mountIdmapped srcD tgtD u)
      clean <- case rm of
        Left (e :: IOException) -> ok False ("mountIdmapped: " ++ show e) >> return True
        Right () -> do
          through <- fileOwner <$> getFileStatus (tgtD ++ "/file")
          atSource <- fileOwner <$> getFileStatus (srcD ++ "/file")
          ms <- withNamespace (openPid 0 Mnt) listMounts
          let mine = [m | m <- ms, mountPoint m == tgtD]
          rc <- withCString tgtD (\c -> c_umount2 c 0)
          ok (through == 65534 && atSource == 0
                && any (\m -> mountIsIdmapped m && mountAttr m .&. 0x100000 /= 0) mine && rc == 0)
            ("mountIdmapped " ++ srcD ++ " on " ++ tgtD ++ " through the map 0 65534 1: root's file shows as uid "
              ++ show through ++ " there, " ++ show atSource ++ " at the source; listMounts: idmapped; umounted")
          return (rc == 0)
      -- a sandbox on an idmapped root: a static C program reads /file's owner
      cc <- findExecutable "cc"
      (cr, _, cerr) <- case cc of
        Nothing -> return (ExitFailure 1, "", "no cc")
        Just ccp -> do
          writeFile (dir ++ "/owner.c") $ unlines
            [ "#include <stdio.h>", "#include <sys/stat.h>", "#include <unistd.h>"
            , "int main(void) { struct stat st; if (stat(\"/file\", &st)) return 2;"
            , "  printf(\"%u %u\\n\", (unsigned)st.st_uid, (unsigned)getuid()); return 0; }" ]
          readProcessWithExitCode ccp ["-static", "-o", rootD ++ "/owner", dir ++ "/owner.c"] ""
      if cr /= ExitSuccess
        then skip ("spawn {rootIdmap}: no static C program for the sandbox's root (cc -static): " ++ take 200 cerr)
        else do
          -- childUid/childGid 0: the sandbox's root (host 65534), not the caller's unmapped host root
          let sandbox = defaultSpawnOptions
                { namespaces = [User, Mnt], uidMap = [IdMap 0 65534 1], gidMap = [IdMap 0 65534 1]
                , root = Just rootD, childUid = Just 0, childGid = Just 0 }
          r1 <- try (spawnRead sandbox {rootIdmap = Just u} "/owner" [])
          r2 <- try (spawnRead sandbox "/owner" [])
          case (r1, r2) of
            (Right (s1, o1), Right (s2, o2)) ->
              ok (s1 == Exited ExitSuccess && s2 == Exited ExitSuccess && words o1 == ["0", "0"] && words o2 == ["65534", "0"])
                ("spawn {User, Mnt, maps 0 65534 1, root, rootIdmap}: the sandbox's root owns host root's /file ("
                  ++ unwords (words o1) ++ "); without rootIdmap it is the overflow uid (" ++ unwords (words o2) ++ ")")
            _ -> ok False ("spawn {rootIdmap}: " ++ show (r1 :: Either IOException (ProcessStatus, String), r2 :: Either IOException (ProcessStatus, String)))
      expectIOError ok "spawn {rootIdmap} without a root: EINVAL" (hasErrno eINVAL)
        (spawn defaultSpawnOptions {namespaces = [Mnt], rootIdmap = Just u} "true" [])
      return clean
    if clean then removeDirectoryRecursive dir else putStrLn ("note: " ++ tgtD ++ " is still mounted; left in place")

  -- pools (ns_pool_*): bad input as any user, sets and spawns as root;
  -- last, as a pool's thread keeps unshare [User] from working meanwhile
  forM_ [([], 1, [], "no types"), ([Mnt], 1, [], "Mnt"), ([Time], 1, [], "Time"), ([User, Mnt], 1, [], "User and Mnt")
        , ([Net], 0, [], "size 0"), ([Net], 1025, [], "size 1025"), ([Uts], 1, [PoolLoUp], "PoolLoUp without Net")] $
    \(ts, n, fl, what) ->
      expectIOError ok ("newNsPool " ++ what ++ ": EINVAL from ns_pool_new")
        (\e -> hasErrno eINVAL e && "ns_pool_new" `isPrefixOf` ioe_description e) (newNsPool ts n fl >>= freeNsPool)
  ok (lookup "NS_POOL_LO_UP" headerConstants == Just 1) "NS_POOL_LO_UP = 1 (PoolLoUp)"
  let takeWithin :: NsPool -> Int -> IO (Maybe [Namespace])
      takeWithin pl n = do
        got <- takeNsPool pl
        case got of
          Nothing | n > 0 -> threadDelay 10000 >> takeWithin pl (n - 1)
          _ -> return got
  asRoot "pools: takeNsPool, spawn {pool}" $ do
    withNsPool [Net, User, Uts] 2 [] $ \pl -> do
      ok (nsPoolTypes pl == [Uts, User, Net]) ("nsPoolTypes: " ++ show (nsPoolTypes pl))
      got <- takeWithin pl 500
      case got of
        Nothing -> ok False "takeNsPool [User, Net, Uts]: no set ready within 5 s"
        Just nss -> do
          tys <- mapM nsType nss
          ok (tys == [Uts, User, Net]) ("takeNsPool [User, Net, Uts]: one handle per type in ascending NS_* order (nsType): " ++ show tys)
          case nss of
            [uts, user, net] -> do
              uid <- nsId user
              owner <- withNamespace (getUserns net) nsId
              utsOwner <- withNamespace (getUserns uts) nsId
              ids <- mapM nsId nss
              here <- mapM (procId "self") ["uts", "user", "net"]
              creator <- ownerUid user
              ok (owner == uid && utsOwner == uid && and (zipWith (\i h -> toInteger i /= h) ids here) && creator == euid)
                ("the pooled user namespace user:[" ++ show uid ++ "] owns the net namespace (getUserns: " ++ show owner
                  ++ ") and the UTS one (" ++ show utsOwner ++ "); all new; created by uid " ++ show creator)
            _ -> ok False "takeNsPool: not three handles"
          mapM_ closeNamespace nss
      r2 <- takeWithin pl 500
      ok (maybe False ((== 3) . length) r2) "takeNsPool again: another set of three"
      mapM_ (mapM_ closeNamespace) r2
    ip <- findIp
    withNsPool [User, Net] 2 [PoolLoUp] $ \pl -> do
      let opts = defaultSpawnOptions {namespaces = [User, Net, Uts, Pid], mapRoot = True, pool = Just pl}
          script = "echo \"$$ $(id -u) $( [ -n \"$1\" ] && \"$1\" -o link show lo 2>&1 | head -n 1)\""
          run = spawnRead opts "sh" ["-c", script, "sh", maybe "" id ip]
          loUp o = ",UP" `isInfixOf` o
          -- the first spawn that finds a set ready sees lo up
          untilUp n = do
            res@(_, o) <- run
            if isJust ip && not (loUp o) && n > (0 :: Int) then threadDelay 50000 >> untilUp (n - 1) else return res
      threadDelay 200000
      (st1, o1) <- untilUp 100
      ok (st1 == Exited ExitSuccess && take 2 (words o1) == ["1", "0"])
        ("spawn {User, Net, Uts, Pid, mapRoot, pool [User, Net] PoolLoUp}: pid 1, uid 0: " ++ show (take 2 (words o1)))
      if isJust ip
        then ok (loUp o1) ("... lo is up in the pooled network namespace: " ++ show o1)
        else skip "spawn {pool}: lo up (ip not found)"
      freeNsPool pl
      freeNsPool pl
      (st2, o2) <- run
      ok (st2 == Exited ExitSuccess && take 2 (words o2) == ["1", "0"])
        ("the same options after freeNsPool: the spawn creates everything, pid 1, uid 0: " ++ show (take 2 (words o2)))
      if isJust ip
        then ok (not (loUp o2) && "lo" `isInfixOf` o2) ("... lo is down in the network namespace it made: " ++ show o2)
        else skip "spawn after freeNsPool: lo down (ip not found)"
      expectIOError ok "takeNsPool after freeNsPool: EINVAL" (hasErrno eINVAL) (takeNsPool pl)
    withNsPool [User, Net] 1 [] $ \pl ->
      expectIOError ok "spawn {namespaces [User, Uts], pool [User, Net]}: EINVAL (a pool type the spawn does not create)"
        (hasErrno eINVAL) (spawn defaultSpawnOptions {namespaces = [User, Uts], pool = Just pl} "true" [])

  Counts p f s <- readIORef counts
  putStrLn (show p ++ " passed, " ++ show f ++ " failed, " ++ show s ++ " skipped")
  when (f > 0) exitFailure
  when (s > 0) (exitWith (ExitFailure 77))
  where
    compatOf t = case t of
      Net -> C.Network
      Uts -> C.UTS
      Ipc -> C.IPC
      Mnt -> C.Mount
      User -> C.User
      Pid -> C.PID
      Cgroup -> C.CGroup
      Time -> C.Time
