import System.Linux.Namespaces
import System.Posix.Process (executeFile, forkProcess, getProcessStatus, exitImmediately)
import System.Posix.User (getEffectiveUserID, getEffectiveGroupID)
import System.Exit (ExitCode (..))
import System.IO (hFlush, stdout)

main :: IO ()
main = do
  getNamespaceID Nothing Network >>= print >> hFlush stdout
  uid <- getEffectiveUserID
  gid <- getEffectiveGroupID
  pid <- forkProcess $ do
    unshare [User, PID]
    writeUserMappings Nothing [UserMapping 0 uid 1]
    writeGroupMappings Nothing [GroupMapping 0 gid 1] True
    child <- forkProcess $ executeFile "sh" True ["-c", "echo pid $$ uid $(id -u)"] Nothing
    status <- getProcessStatus True False child
    exitImmediately (maybe (ExitFailure 1) (const ExitSuccess) status)
  getProcessStatus True False pid >>= print
