import LinuxNS
import System.Posix.Process (getProcessStatus)

main :: IO ()
main = do
  withNamespace (openPid 0 Net) nsId >>= print
  pid <- spawn defaultSpawnOptions {namespaces = [User, Pid], mapRoot = True}
    "sh" ["-c", "echo pid $$ uid $(id -u)"]
  getProcessStatus True False pid >>= print
