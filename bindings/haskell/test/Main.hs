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
import Data.Char (isDigit)
import Data.IORef
import Data.List (isInfixOf, isPrefixOf, sort)
import Foreign.C
import Foreign.Ptr
import GHC.IO.Exception (IOErrorType (..), IOException (..))
import LinuxNS
import qualified System.Linux.Namespaces as C
import System.Directory (doesFileExist, findExecutable, getTemporaryDirectory, removeFile)
import System.Exit
import System.IO
import System.Posix.Files (readSymbolicLink)
import System.Posix.IO (FdOption (CloseOnExec), closeFd, createPipe, fdToHandle, setFdOption)
import System.Posix.Process (ProcessStatus (..), forkProcess, getProcessID, getProcessStatus)
import System.Posix.Types (Fd (..))
import System.Posix.User (getEffectiveGroupID, getEffectiveUserID, getRealUserID)
import System.Process (readProcessWithExitCode)

foreign import ccall "&getpid" p_getpid :: FunPtr (Ptr () -> IO CInt)

data Counts = Counts {passed, failed, skipped :: !Int}

type Check = Bool -> String -> IO ()

-- | The N of readlink /proc/WHO/ns/TYPE = "TYPE:[N]".
procId :: String -> String -> IO Integer
procId who t = do
  link <- readSymbolicLink ("/proc/" ++ who ++ "/ns/" ++ t)
  return (read (takeWhile isDigit (dropWhile (not . isDigit) link)))

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

hasErrno :: Errno -> IOException -> Bool
hasErrno (Errno want) e = ioe_errno e == Just want

-- | The documented values (linuxns.h), and what the C compiler computes
-- for each name hsc2hs read.
documented :: [(String, Integer)]
documented =
  [ ("NS_MNT", 0x00020000), ("NS_CGROUP", 0x02000000), ("NS_UTS", 0x04000000)
  , ("NS_IPC", 0x08000000), ("NS_USER", 0x10000000), ("NS_PID", 0x20000000)
  , ("NS_NET", 0x40000000), ("NS_TIME", 0x00000080), ("NS_ALL", 0x7e020080)
  , ("NS_FOR_CHILDREN", 1), ("NS_MAP_DENY_SETGROUPS", 1), ("NS_MAP_USE_HELPER", 2)
  , ("NS_MAP_MAX_RANGES", 340), ("NS_PROPAGATION_PRIVATE", 0), ("NS_PROPAGATION_SLAVE", 1)
  , ("NS_PROPAGATION_SHARED", 2), ("NS_PROPAGATION_UNCHANGED", 3), ("NS_KCMP_FILE", 0)
  , ("NS_KCMP_VM", 1), ("NS_KCMP_FILES", 2), ("NS_KCMP_FS", 3), ("NS_KCMP_SIGHAND", 4)
  , ("NS_KCMP_IO", 5), ("NS_KCMP_SYSVSEM", 6), ("CLOCK_MONOTONIC", 1), ("CLOCK_BOOTTIME", 7)
  , ("sizeof(struct ns_idmap)", 12), ("alignof(struct ns_idmap)", 4)
  , ("offsetof(struct ns_idmap, inside)", 0), ("offsetof(struct ns_idmap, outside)", 4)
  , ("offsetof(struct ns_idmap, count)", 8), ("sizeof(struct ns_info)", 40)
  , ("alignof(struct ns_info)", 8), ("offsetof(struct ns_info, id)", 0)
  , ("offsetof(struct ns_info, userns_id)", 8), ("offsetof(struct ns_info, parent_id)", 16)
  , ("offsetof(struct ns_info, type)", 24), ("offsetof(struct ns_info, nprocs)", 28)
  , ("offsetof(struct ns_info, pid)", 32), ("offsetof(struct ns_info, owner_uid)", 36)
  ]

-- | Compiles and runs a C program printing every name of headerConstants;
-- Nothing when no C compiler or pkg-config is at hand.
cValues :: IO (Maybe (Either String [(String, Integer)]))
cValues = do
  cc <- findExecutable "cc"
  pc <- findExecutable "pkg-config"
  case (cc, pc) of
    (Just ccPath, Just pcPath) -> do
      (pcrc, cflags, _) <- readProcessWithExitCode pcPath ["--cflags", "linuxns"] ""
      if pcrc /= ExitSuccess then return Nothing else Just <$> compileConsts ccPath cflags
    _ -> return Nothing

compileConsts :: FilePath -> String -> IO (Either String [(String, Integer)])
compileConsts ccPath cflags = do
      tmp <- getTemporaryDirectory
      pid <- getProcessID
      let base = tmp ++ "/linuxns-hs-consts-" ++ show pid
          src = unlines $
            ["#include <linuxns.h>", "#include <stddef.h>", "#include <stdio.h>", "#include <time.h>",
             "#define alignof _Alignof", "int main(void) {"]
              ++ [ "  printf(\"%s\\t%lld\\n\", \"" ++ n ++ "\", (long long)(" ++ n ++ "));"
                 | (n, _) <- headerConstants, not ("LINUXNS_" `isPrefixOf` n) ]
              ++ ["  return 0;", "}"]
      writeFile (base ++ ".c") src
      (rc, _, err) <- readProcessWithExitCode ccPath (words cflags ++ ["-o", base, base ++ ".c"]) ""
      res <- case rc of
        ExitSuccess -> do
          (_, out, _) <- readProcessWithExitCode base [] ""
          return (Right [(n, read v) | l <- lines out, let (n, v) = break (== '\t') l])
        _ -> return (Left err)
      mapM_ (\f -> doesFileExist f >>= \e -> when e (removeFile f)) [base, base ++ ".c"]
      return res

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
  forM_ documented $ \(n, v) ->
    ok (lookup n headerConstants == Just v) (n ++ " = " ++ show v ++ " (hsc2hs: " ++ show (lookup n headerConstants) ++ ")")
  cv <- cValues
  case cv of
    Nothing -> skip "constants against a C program (no cc, or pkg-config does not find linuxns)"
    Just (Left err) -> ok False ("compiling the C constants program: " ++ err)
    Just (Right vals) -> do
      let want = [c | c@(n, _) <- headerConstants, not ("LINUXNS_" `isPrefixOf` n)]
      ok (sort vals == sort want) ("all " ++ show (length want) ++ " constants and layouts equal the C compiler's")
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
    -- pdeathsig from a forkIO thread: the child outlives that thread's call
    pv <- newEmptyMVar
    _ <- forkIO (try (spawn defaultSpawnOptions {pdeathsig = Just 9} "sh" ["-c", "sleep 0.2; exit 5"]) >>= putMVar pv)
    takeMVar pv >>= \res -> case res of
      Left (e :: IOException) -> ok False ("spawn with pdeathsig from forkIO: " ++ show e)
      Right p -> do
        ps <- getProcessStatus True False p
        ok (ps == Just (Exited (ExitFailure 5))) ("spawn {pdeathsig} from a forkIO thread: the child ran to its end: " ++ show ps)

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
