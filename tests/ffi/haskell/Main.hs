{-# LANGUAGE ForeignFunctionInterface #-}
-- | Haskell consumer of liblinuxns: plain @foreign import ccall@, run on the
-- threaded RTS.
--
-- > ghc -threaded -with-rtsopts=-N Main.hs -llinuxns \
-- >     -L$(pkg-config --variable=libdir linuxns) \
-- >     -optl-Wl,-rpath,$(pkg-config --variable=libdir linuxns)
--
-- Every check compares what the library says with what the kernel shows in
-- /proc; the program exits 0 only if all passed (77 if the parts that need
-- root were skipped, 1 on any failure).
module Main (main) where

import Control.Concurrent
import Control.Exception (bracket, evaluate, onException, try)
import Control.Monad
import Data.IORef
import Foreign
import Foreign.C
import GHC.IO.Exception (IOException (..))
import System.Exit
import System.IO
import System.Posix.Files (readSymbolicLink)
import System.Posix.IO (FdOption (CloseOnExec), closeFd, createPipe, fdToHandle, setFdOption)
import System.Posix.Process (ProcessStatus (..), getProcessStatus)
import System.Posix.Types (CPid (..), Fd (..))
import System.Posix.User (getEffectiveUserID)

-- * The binding

-- Namespace types: the kernel's CLONE_NEW* bits, as in linuxns.h.
nsMnt, nsCgroup, nsUts, nsIpc, nsUser, nsPid, nsNet :: CInt
nsMnt = 0x00020000
nsCgroup = 0x02000000
nsUts = 0x04000000
nsIpc = 0x08000000
nsUser = 0x10000000
nsPid = 0x20000000
nsNet = 0x40000000

data SpawnAttr -- ^ the opaque ns_spawn_attr

-- Quick calls are "unsafe" (no RTS round trip); anything that may block
-- (ns_spawn waits for its child to exec, ns_run_in for its thread) is "safe",
-- so other Haskell threads keep running meanwhile.
foreign import ccall unsafe "ns_version" c_ns_version :: IO CString
foreign import ccall unsafe "ns_last_error" c_ns_last_error :: IO CString
foreign import ccall unsafe "ns_open_pid" c_ns_open_pid :: CPid -> CInt -> IO CInt
foreign import ccall unsafe "ns_id" c_ns_id :: CInt -> Ptr Word64 -> IO CInt
foreign import ccall unsafe "ns_new" c_ns_new :: CInt -> IO CInt
foreign import ccall unsafe "ns_spawn_attr_new" c_attr_new :: IO (Ptr SpawnAttr)
foreign import ccall unsafe "ns_spawn_attr_free" c_attr_free :: Ptr SpawnAttr -> IO ()
foreign import ccall unsafe "ns_spawn_attr_set_namespaces" c_attr_set_namespaces :: Ptr SpawnAttr -> CInt -> IO CInt
foreign import ccall unsafe "ns_spawn_attr_map_root" c_attr_map_root :: Ptr SpawnAttr -> IO CInt
foreign import ccall unsafe "ns_spawn_attr_set_fd" c_attr_set_fd :: Ptr SpawnAttr -> CInt -> CInt -> IO CInt
foreign import ccall safe "ns_spawn" c_ns_spawn :: CString -> Ptr CString -> Ptr CString -> Ptr SpawnAttr -> Ptr CInt -> IO CPid
foreign import ccall safe "ns_run_in" c_ns_run_in :: CInt -> CInt -> FunPtr (Ptr () -> IO CInt) -> Ptr () -> Ptr CInt -> IO CInt
foreign import ccall "wrapper" mkCallback :: (Ptr () -> IO CInt) -> IO (FunPtr (Ptr () -> IO CInt))

-- | Like 'throwErrnoIfMinus1', for the library's convention: a negative
-- return @-e@ is errno @e@, thrown as an 'IOError'. ns_last_error is per OS
-- thread, so its text is added only on a bound thread (main, forkOS), where
-- it is surely the text of this call.
throwErrnoIfNeg :: (Integral a) => String -> IO a -> IO a
throwErrnoIfNeg loc act = do
  rc <- act
  if rc >= 0
    then return rc
    else do
      let e = errnoToIOError loc (Errno (fromIntegral (negate rc))) Nothing Nothing
      bound <- isCurrentThreadBound
      detail <- if bound then peekCString =<< c_ns_last_error else return ""
      ioError (if null detail then e else e {ioe_description = detail})

nsOpenPid :: CPid -> CInt -> IO CInt
nsOpenPid pid t = throwErrnoIfNeg "ns_open_pid" (c_ns_open_pid pid t)

nsId :: CInt -> IO Word64
nsId fd = alloca $ \p -> throwErrnoIfNeg "ns_id" (c_ns_id fd p) >> peek p

-- | Run a program with argv in new namespaces, its uid/gid mapped to root,
-- its stdout into @out@; returns its pid.
nsSpawn :: FilePath -> [String] -> CInt -> Fd -> IO CPid
nsSpawn path argv types (Fd out) =
  bracket (throwErrnoIfNull "ns_spawn_attr_new" c_attr_new) c_attr_free $ \attr -> do
    _ <- throwErrnoIfNeg "ns_spawn_attr_set_namespaces" (c_attr_set_namespaces attr types)
    _ <- throwErrnoIfNeg "ns_spawn_attr_map_root" (c_attr_map_root attr)
    _ <- throwErrnoIfNeg "ns_spawn_attr_set_fd" (c_attr_set_fd attr 1 out)
    withCString path $ \cpath ->
      withMany withCString argv $ \cargs ->
        withArray0 nullPtr cargs $ \cargv ->
          throwErrnoIfNeg "ns_spawn" (c_ns_spawn cpath cargv nullPtr attr nullPtr)

-- | Run an IO action on a fresh thread that joined namespace @fd@ (ns_run_in).
nsRunIn :: CInt -> CInt -> IO CInt -> IO CInt
nsRunIn fd t act =
  bracket (mkCallback (const act)) freeHaskellFunPtr $ \cb ->
    alloca $ \res -> do
      _ <- throwErrnoIfNeg "ns_run_in" (c_ns_run_in fd t cb nullPtr res)
      peek res

-- * The checks

data Counts = Counts {passed, failed, skipped :: !Int}

check :: IORef Counts -> Bool -> String -> IO ()
check ref ok msg = do
  modifyIORef' ref (\c -> if ok then c {passed = passed c + 1} else c {failed = failed c + 1})
  putStrLn ((if ok then "ok    " else "FAIL  ") ++ msg)

-- | N of readlink /proc/thread-self/ns/TYPE = "TYPE:[N]".
procId :: String -> IO Word64
procId t = do
  link <- readSymbolicLink ("/proc/thread-self/ns/" ++ t)
  return (read (takeWhile (/= ']') (drop (length t + 2) link)))

-- | Spawn sh in new user+pid namespaces; return its exit status and output.
spawnShell :: IO (ProcessStatus, String)
spawnShell = do
  (r, w) <- createPipe
  -- Other threads spawn too: keep this pipe out of their children, or a
  -- reader waits for EOF until every child holding the write end exits.
  -- (ns_spawn's set_fd hands w to this child as its fd 1 all the same.)
  mapM_ (\fd -> setFdOption fd CloseOnExec True) [r, w]
  pid <-
    nsSpawn "/bin/sh" ["sh", "-c", "echo \"$$ $(id -u) $(readlink /proc/self/ns/pid)\""] (nsUser .|. nsPid) w
      `onException` (closeFd r >> closeFd w)
  closeFd w
  h <- fdToHandle r
  out <- hGetContents h
  _ <- evaluate (length out)
  hClose h
  Just st <- getProcessStatus True False pid
  return (st, out)

main :: IO ()
main = do
  hSetBuffering stdout LineBuffering
  counts <- newIORef (Counts 0 0 0)
  let ok = check counts
  version <- peekCString =<< c_ns_version
  bound <- isCurrentThreadBound
  caps <- getNumCapabilities
  putStrLn ("linuxns " ++ version ++ " from Haskell, threaded RTS: " ++ show rtsSupportsBoundThreads
            ++ ", capabilities: " ++ show caps)
  ok (rtsSupportsBoundThreads && bound) "running on the threaded RTS, main thread bound"

  -- open and id
  forM_ [("net", nsNet), ("uts", nsUts), ("ipc", nsIpc), ("mnt", nsMnt), ("user", nsUser), ("pid", nsPid), ("cgroup", nsCgroup)] $ \(name, t) -> do
    i <- bracket (nsOpenPid 0 t) (closeFd . Fd) nsId
    want <- procId name
    ok (i == want) ("ns_id (ns_open_pid 0 " ++ name ++ ") = " ++ show i ++ ", /proc/thread-self/ns/" ++ name ++ " = " ++ show want)

  -- errors: the negative return becomes an IOError with its errno
  r <- try (nsOpenPid (-1) nsNet)
  case r of
    Left e ->
      ok (fmap Errno (ioe_errno e) == Just eINVAL && not (null (ioe_description e)))
        ("nsOpenPid (-1) nsNet throws an IOError with errno EINVAL: " ++ show e)
    Right fd -> ok False ("nsOpenPid (-1) nsNet returned " ++ show fd)
  rc <- c_ns_open_pid (-1) nsNet
  errno <- getErrno
  let Errno einval = eINVAL
  ok (rc == negate einval && errno == eINVAL) ("c_ns_open_pid (-1) nsNet = " ++ show rc ++ " (-EINVAL), getErrno = EINVAL")
  msg <- peekCString =<< c_ns_last_error
  ok (not (null msg)) ("ns_last_error on the bound main thread: " ++ msg)

  -- ns_spawn from the main (bound) thread
  userNs <- procId "user"
  pidNs <- procId "pid"
  let expectShell what (st, out) = case words out of
        [p, u, ns] ->
          ok (st == Exited ExitSuccess && p == "1" && u == "0" && ns /= "pid:[" ++ show pidNs ++ "]")
            (what ++ ": child prints pid 1, uid 0, new " ++ ns ++ " (" ++ show st ++ ")")
        _ -> ok False (what ++ ": unexpected output " ++ show out ++ " (" ++ show st ++ ")")
  spawnShell >>= expectShell "ns_spawn from the main thread"

  -- ... from forkIO threads (unbound: any OS thread), several at once
  dones <- forM [1 .. 4 :: Int] $ \i -> do
    v <- newEmptyMVar
    _ <- forkIO (try spawnShell >>= putMVar v)
    return (i, v)
  forM_ dones $ \(i, v) -> do
    res <- takeMVar v
    case res of
      Left e -> ok False ("ns_spawn from forkIO thread " ++ show i ++ ": " ++ show (e :: IOError))
      Right x -> expectShell ("ns_spawn from forkIO thread " ++ show i) x

  -- ... and from a forkOS thread
  v <- newEmptyMVar
  _ <- forkOS (try spawnShell >>= putMVar v)
  takeMVar v >>= either (\e -> ok False ("ns_spawn from forkOS: " ++ show (e :: IOError))) (expectShell "ns_spawn from a forkOS thread")
  userNs' <- procId "user"
  ok (userNs == userNs') ("our own user namespace is unchanged (user:[" ++ show userNs' ++ "])")

  -- ns_run_in with a Haskell callback, on a thread the library makes
  euid <- getEffectiveUserID
  if euid /= 0
    then do
      putStrLn "skip  ns_run_in into a new UTS namespace needs root (ns_new NS_UTS)"
      modifyIORef' counts (\c -> c {skipped = skipped c + 1})
    else do
      fd <- nsNewUts
      want <- nsId fd
      seen <- newIORef 0
      here <- procId "uts"
      res <- nsRunIn fd nsUts (procId "uts" >>= writeIORef seen >> return 7)
      got <- readIORef seen
      here' <- procId "uts"
      ok (res == 7 && got == want && here == here')
        ("ns_run_in: Haskell callback ran in uts:[" ++ show got ++ "] (want " ++ show want ++ "), returned " ++ show res
           ++ "; caller stayed in uts:[" ++ show here' ++ "]")
      closeFd (Fd fd)

  Counts p f s <- readIORef counts
  putStrLn (show p ++ " passed, " ++ show f ++ " failed, " ++ show s ++ " skipped")
  when (f > 0) exitFailure
  when (s > 0) (exitWith (ExitFailure 77))
  where
    nsNewUts = throwErrnoIfNeg "ns_new" (c_ns_new nsUts)
