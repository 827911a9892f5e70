{-# LANGUAGE ForeignFunctionInterface #-}
import Control.Concurrent (isCurrentThreadBound)
import Control.Exception (bracket)
import Foreign
import Foreign.C
import GHC.IO.Exception (IOException (..))
import System.Posix.IO (closeFd)
import System.Posix.Process (getProcessStatus)
import System.Posix.Types (CPid (..), Fd (..))

nsUser, nsPid, nsNet :: CInt
nsUser = 0x10000000
nsPid = 0x20000000
nsNet = 0x40000000

data SpawnAttr

foreign import ccall unsafe "ns_open_pid" c_ns_open_pid :: CPid -> CInt -> IO CInt
foreign import ccall unsafe "ns_id" c_ns_id :: CInt -> Ptr Word64 -> IO CInt
foreign import ccall unsafe "ns_last_error" c_ns_last_error :: IO CString
foreign import ccall unsafe "ns_spawn_attr_new" c_attr_new :: IO (Ptr SpawnAttr)
foreign import ccall unsafe "ns_spawn_attr_free" c_attr_free :: Ptr SpawnAttr -> IO ()
foreign import ccall unsafe "ns_spawn_attr_set_namespaces" c_attr_set_namespaces :: Ptr SpawnAttr -> CInt -> IO CInt
foreign import ccall unsafe "ns_spawn_attr_map_root" c_attr_map_root :: Ptr SpawnAttr -> IO CInt
foreign import ccall safe "ns_spawn" c_ns_spawn :: CString -> Ptr CString -> Ptr CString -> Ptr SpawnAttr -> Ptr CInt -> IO CPid

throwErrnoIfNeg :: Integral a => String -> IO a -> IO a
throwErrnoIfNeg loc act = do
  rc <- act
  if rc >= 0 then return rc else do
    let e = errnoToIOError loc (Errno (fromIntegral (negate rc))) Nothing Nothing
    bound <- isCurrentThreadBound
    detail <- if bound then peekCString =<< c_ns_last_error else return ""
    ioError (if null detail then e else e {ioe_description = detail})

main :: IO ()
main = do
  fd <- throwErrnoIfNeg "ns_open_pid" (c_ns_open_pid 0 nsNet)
  i <- alloca $ \p -> throwErrnoIfNeg "ns_id" (c_ns_id fd p) >> peek p
  closeFd (Fd fd)
  print i
  pid <- bracket (throwErrnoIfNull "ns_spawn_attr_new" c_attr_new) c_attr_free $ \attr -> do
    _ <- throwErrnoIfNeg "ns_spawn_attr_set_namespaces" (c_attr_set_namespaces attr (nsUser .|. nsPid))
    _ <- throwErrnoIfNeg "ns_spawn_attr_map_root" (c_attr_map_root attr)
    withCString "sh" $ \cpath ->
      withMany withCString ["sh", "-c", "echo pid $$ uid $(id -u)"] $ \cargs ->
        withArray0 nullPtr cargs $ \argv ->
          throwErrnoIfNeg "ns_spawn" (c_ns_spawn cpath argv nullPtr attr nullPtr)
  getProcessStatus True False pid >>= print
