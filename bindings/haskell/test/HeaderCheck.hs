{-# LANGUAGE ScopedTypeVariables #-}
-- | The package against @linuxns.h@, as the other packages' header tests
-- do it:
--
-- * constants and struct layouts: hsc2hs's values ('headerConstants')
--   against the documented ones below and against a C program's; every
--   @NS_*@ define, and every field of every struct of the header, is among
--   them;
--
-- * functions: every prototype of the header has a @foreign import@ in
--   @src/LinuxNS.hsc@ of the same name, with the same number of
--   parameters and each parameter and the result of the same kind
--   (integer of the same size and signedness, pointer, function pointer,
--   void), used by a wrapper (not only declared); and nothing else is
--   imported from the library.
--
-- The header comes from @LINUXNS_HEADER@ or pkg-config (linuxns), the
-- source from @LINUXNS_HS_SOURCE@ (the package directory, as ctest.cmake
-- sets it) or the working directory (cabal test).
module HeaderCheck (headerChecks) where

import Control.Monad
import Data.Char (isAlphaNum, isDigit, isSpace)
import Data.List (isInfixOf, isPrefixOf, nub, sort, (\\))
import Data.Maybe (fromMaybe, mapMaybe)
import Foreign.C.Types
import Foreign.Storable (Storable, sizeOf)
import Data.Int (Int32, Int64)
import Data.Word (Word32, Word64)
import LinuxNS (headerConstants)
import System.Directory (doesFileExist, findExecutable, getTemporaryDirectory, removeFile)
import System.Environment (lookupEnv)
import System.Exit
import System.Posix.Process (getProcessID)
import System.Posix.Types (CGid, CMode, CPid, CUid)
import System.Process (readProcessWithExitCode)

-- | The number of functions of the header: update it with the header, as
-- the other packages' tests do (53 in 0.1, 72 with LINUXNS_0.2, 75 with
-- ns_spawn_attr_set_no_new_privs, _set_autoreap and _set_autokill, 79 with
-- ns_pool_new, ns_pool_free, ns_pool_take and ns_spawn_attr_use_pool).
headerFunctionCount :: Int
headerFunctionCount = 79

-- | The documented values (linuxns.h, and the system headers for CLOCK_*,
-- RLIMIT_*, MS_* and the two system structs, x86_64 and the other 64-bit
-- Linux ABIs).
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
  , ("LINUXNS_VERSION_MAJOR", 0), ("LINUXNS_VERSION_MINOR", 1), ("LINUXNS_VERSION_PATCH", 0)
  , ("sizeof(struct ns_idmap)", 12), ("alignof(struct ns_idmap)", 4)
  , ("offsetof(struct ns_idmap, inside)", 0), ("offsetof(struct ns_idmap, outside)", 4)
  , ("offsetof(struct ns_idmap, count)", 8), ("sizeof(struct ns_info)", 40)
  , ("alignof(struct ns_info)", 8), ("offsetof(struct ns_info, id)", 0)
  , ("offsetof(struct ns_info, userns_id)", 8), ("offsetof(struct ns_info, parent_id)", 16)
  , ("offsetof(struct ns_info, type)", 24), ("offsetof(struct ns_info, nprocs)", 28)
  , ("offsetof(struct ns_info, pid)", 32), ("offsetof(struct ns_info, owner_uid)", 36)
    -- LINUXNS_0.2
  , ("NS_LIST_ALL", 1), ("NS_CAPS_BOUNDING", 1), ("NS_CAPS_PERMITTED", 2)
  , ("NS_CAPS_EFFECTIVE", 4), ("NS_CAPS_INHERITABLE", 8), ("NS_CAPS_AMBIENT", 0x10)
  , ("NS_FEATURE_CLONE3", 0x1), ("NS_FEATURE_CLONE_INTO_CGROUP", 0x2), ("NS_FEATURE_SETNS_PIDFD", 0x4)
  , ("NS_FEATURE_PIDFD_GET_NAMESPACE", 0x8), ("NS_FEATURE_NS_GET_ID", 0x10)
  , ("NS_FEATURE_NSFS_HANDLES", 0x20), ("NS_FEATURE_LISTNS", 0x40), ("NS_FEATURE_MNTNS_IOCTLS", 0x80)
  , ("NS_FEATURE_LISTMOUNT", 0x100), ("NS_FEATURE_LISTMOUNT_NS_FD", 0x200)
  , ("NS_FEATURE_PIDFD_INFO_EXIT", 0x400), ("NS_FEATURE_IDMAPPED_MOUNTS", 0x800)
  , ("NS_FEATURE_PID_TRANSLATE", 0x1000), ("NS_FEATURE_CLONE_NNP", 0x2000)
  , ("NS_FEATURE_CLONE_PIDFD_AUTOKILL", 0x4000), ("NS_FEATURE_CLONE_AUTOREAP", 0x8000)
  , ("NS_FEATURE_CLONE_EMPTY_MNTNS", 0x10000), ("NS_HANDLE_TEXT_MAX", 40)
  , ("NS_POOL_LO_UP", 1)
  , ("MS_UNBINDABLE", 0x20000), ("MS_PRIVATE", 0x40000), ("MS_SLAVE", 0x80000), ("MS_SHARED", 0x100000)
  , ("RLIMIT_CPU", 0), ("RLIMIT_FSIZE", 1), ("RLIMIT_DATA", 2), ("RLIMIT_STACK", 3)
  , ("RLIMIT_CORE", 4), ("RLIMIT_RSS", 5), ("RLIMIT_NPROC", 6), ("RLIMIT_NOFILE", 7)
  , ("RLIMIT_MEMLOCK", 8), ("RLIMIT_AS", 9), ("RLIMIT_LOCKS", 10), ("RLIMIT_SIGPENDING", 11)
  , ("RLIMIT_MSGQUEUE", 12), ("RLIMIT_NICE", 13), ("RLIMIT_RTPRIO", 14), ("RLIMIT_RTTIME", 15)
  , ("RLIM_INFINITY", 2 ^ (64 :: Int) - 1)
  , ("sizeof(struct ns_handle)", 64), ("alignof(struct ns_handle)", 8)
  , ("offsetof(struct ns_handle, size)", 0), ("offsetof(struct ns_handle, type)", 4)
  , ("offsetof(struct ns_handle, unique_id)", 8), ("offsetof(struct ns_handle, inode)", 16)
  , ("offsetof(struct ns_handle, reserved)", 20)
  , ("sizeof(struct ns_mount_info)", 104), ("alignof(struct ns_mount_info)", 8)
  , ("offsetof(struct ns_mount_info, size)", 0), ("offsetof(struct ns_mount_info, propagation)", 4)
  , ("offsetof(struct ns_mount_info, id)", 8), ("offsetof(struct ns_mount_info, parent_id)", 16)
  , ("offsetof(struct ns_mount_info, proc_id)", 24), ("offsetof(struct ns_mount_info, proc_parent_id)", 28)
  , ("offsetof(struct ns_mount_info, dev_major)", 32), ("offsetof(struct ns_mount_info, dev_minor)", 36)
  , ("offsetof(struct ns_mount_info, peer_group)", 40), ("offsetof(struct ns_mount_info, master)", 48)
  , ("offsetof(struct ns_mount_info, attr)", 56), ("offsetof(struct ns_mount_info, mount_point)", 64)
  , ("offsetof(struct ns_mount_info, root)", 72), ("offsetof(struct ns_mount_info, fs_type)", 80)
  , ("offsetof(struct ns_mount_info, source)", 88), ("offsetof(struct ns_mount_info, idmapped)", 96)
  , ("sizeof(struct rlimit)", 16), ("alignof(struct rlimit)", 8)
  , ("offsetof(struct rlimit, rlim_cur)", 0), ("offsetof(struct rlimit, rlim_max)", 8)
  , ("sizeof(struct sock_filter)", 8), ("alignof(struct sock_filter)", 4)
  , ("offsetof(struct sock_filter, code)", 0), ("offsetof(struct sock_filter, jt)", 2)
  , ("offsetof(struct sock_filter, jf)", 3), ("offsetof(struct sock_filter, k)", 4)
  ]

-- | Runs every check with the test program's @ok@ and @skip@.
headerChecks :: (Bool -> String -> IO ()) -> (String -> IO ()) -> IO ()
headerChecks ok skip = do
  -- hsc2hs's values against the documented ones, both lists in step
  forM_ documented $ \(n, v) ->
    ok (lookup n headerConstants == Just v) (n ++ " = " ++ show v ++ " (hsc2hs: " ++ show (lookup n headerConstants) ++ ")")
  let extra = map fst headerConstants \\ map fst documented
  ok (null extra && length documented == length headerConstants)
    ("every one of the " ++ show (length headerConstants) ++ " constants and layouts of LinuxNS has a documented value" ++ missing extra)
  -- and against the C compiler's
  cv <- cValues
  case cv of
    Nothing -> skip "constants against a C program (no cc, or pkg-config does not find linuxns)"
    Just (Left err) -> ok False ("compiling the C constants program: " ++ err)
    Just (Right vals) -> do
      let want = [c | c@(n, _) <- headerConstants, not ("LINUXNS_" `isPrefixOf` n)]
      ok (sort vals == sort want) ("all " ++ show (length want) ++ " constants and layouts equal the C compiler's"
        ++ concat [" " ++ n ++ "=" ++ show v | (n, v) <- vals, lookup n want /= Just v])
  -- the header itself
  mh <- headerPath
  case mh of
    Nothing -> skip "the header's defines, structs and prototypes (LINUXNS_HEADER unset, pkg-config does not find linuxns)"
    Just hp -> do
      text <- stripComments <$> readFile hp
      let defines = [n | l <- lines text, ("#define" : n : _ : _) <- [words l], "NS_" `isPrefixOf` n]
          undefinedHere = [n | n <- defines, lookup n headerConstants == Nothing]
      ok (length defines >= 40 && null undefinedHere)
        ("every one of the header's " ++ show (length defines) ++ " NS_* defines is in headerConstants" ++ missing undefinedHere)
      let structs = headerStructs text
          layoutNames = ["sizeof(struct " ++ s ++ ")" | (s, _) <- structs]
            ++ ["offsetof(struct " ++ s ++ ", " ++ f ++ ")" | (s, fs) <- structs, f <- fs]
          noLayout = [n | n <- layoutNames, lookup n headerConstants == Nothing]
      ok (length structs >= 4 && null noLayout)
        ("the layout of every struct of the header (" ++ unwords (map fst structs) ++ "), every field, is in headerConstants" ++ missing noLayout)
      functionChecks ok skip text
  where
    missing [] = ""
    missing xs = "; missing: " ++ unwords xs

functionChecks :: (Bool -> String -> IO ()) -> (String -> IO ()) -> String -> IO ()
functionChecks ok skip header = do
  msrc <- sourcePath
  case msrc of
    Left why -> skip ("every header function bound: " ++ why)
    Right sp -> do
      src <- readFile sp
      let protos = prototypes header
          fnTypes = fnTypedefs header
          imports = foreignImports src
          hsNames = [(c, h) | (c, h, _) <- imports]
          uses = tokenCounts src
      ok (length protos == headerFunctionCount)
        (show (length protos) ++ " functions in the header (expected " ++ show headerFunctionCount ++ ")")
      let cNames = [n | (n, _, _) <- protos]
          unbound = cNames \\ map fst hsNames
          foreignOnly = map fst hsNames \\ cNames
          twice = map fst hsNames \\ nub (map fst hsNames)
      ok (null unbound && null foreignOnly && null twice)
        ("the foreign imports of " ++ sp ++ " are the header's " ++ show (length cNames) ++ " functions, once each"
          ++ concat [" unbound: " ++ unwords unbound | not (null unbound)]
          ++ concat [" not in the header: " ++ unwords foreignOnly | not (null foreignOnly)]
          ++ concat [" imported twice: " ++ unwords twice | not (null twice)])
      forM_ protos $ \(name, cret, cparams) ->
        case [(h, t) | (c, h, t) <- imports, c == name] of
          [] -> return () -- reported above
          ((h, hsType) : _) -> do
            let want = mapM (cKind fnTypes) (cparams ++ [cret])
                got = mapM hsKind (splitArrows hsType)
                used = fromMaybe 0 (lookup h uses) >= 2
                sig = name ++ "(" ++ commaList cparams ++ ") -> " ++ cret ++ " as " ++ h ++ " :: " ++ hsType
            case (want, got) of
              (Left e, _) -> ok False (name ++ ": " ++ e)
              (_, Left e) -> ok False (name ++ ": " ++ e)
              (Right w, Right g) ->
                ok (w == g && used)
                  (sig ++ (if w == g then "" else ": kinds differ, C " ++ show w ++ ", Haskell " ++ show g)
                    ++ (if used then "" else ": " ++ h ++ " is declared but no function uses it"))
  where
    commaList = foldr1' (\a b -> a ++ ", " ++ b)
    foldr1' _ [] = ""
    foldr1' f xs = foldr1 f xs

-- | The kind of a C or Haskell type in a signature.
data Kind = IntK Int Bool | PtrK | FnK | VoidK
  deriving (Eq, Show)

intKind :: forall a. (Integral a, Bounded a, Storable a) => a -> Kind
intKind x = IntK (sizeOf x) (toInteger (minBound :: a) < 0)

-- | The integer types: C's name, the Haskell type standing for it (by
-- definition the same size and signedness), and that type's name.
integers :: [(String, String, Kind)]
integers =
  [ ("int", "CInt", intKind (0 :: CInt)), ("unsigned int", "CUInt", intKind (0 :: CUInt))
  , ("pid_t", "CPid", intKind (0 :: CPid)), ("uid_t", "CUid", intKind (0 :: CUid))
  , ("gid_t", "CGid", intKind (0 :: CGid)), ("mode_t", "CMode", intKind (0 :: CMode))
  , ("size_t", "CSize", intKind (0 :: CSize)), ("unsigned long", "CULong", intKind (0 :: CULong))
  , ("unsigned short", "CUShort", intKind (0 :: CUShort))
  , ("int32_t", "Int32", intKind (0 :: Int32)), ("int64_t", "Int64", intKind (0 :: Int64))
  , ("uint32_t", "Word32", intKind (0 :: Word32)), ("uint64_t", "Word64", intKind (0 :: Word64))
  ]

-- | A C parameter or result type (with or without a parameter name).
cKind :: [String] -> String -> Either String Kind
cKind fnTypes t0
  | "(*" `isInfixOf` t0 = Right FnK
  | '*' `elem` t0 = Right PtrK
  | otherwise =
      let ws = filter (`notElem` ["const", "struct"]) (words t0)
          known w = w `elem` fnTypes || w == "void" || any (\(c, _, _) -> c == w) integers
          -- drop the parameter name unless it is part of the type
          ty = if length ws > 1 && not (known (unwords ws)) then unwords (init ws) else unwords ws
       in if ty `elem` fnTypes
            then Right FnK
            else
              if ty == "void"
                then Right VoidK
                else maybe (Left ("unknown C type " ++ show ty ++ ": add it to HeaderCheck.integers")) Right
                  (lookup ty [(c, k) | (c, _, k) <- integers])

-- | A Haskell parameter or result type of a foreign import.
hsKind :: String -> Either String Kind
hsKind t0 =
  let t = unparen (trim t0)
      t' = maybe t (unparen . trim) (stripPrefixS "IO " t)
   in case words t' of
        ("FunPtr" : _) -> Right FnK
        ("Ptr" : _) -> Right PtrK
        ["CString"] -> Right PtrK
        ["()"] -> Right VoidK
        [w] | Just k <- lookup w [(h, k) | (_, h, k) <- integers] -> Right k
        _ -> Left ("unknown Haskell type " ++ show t' ++ ": add it to HeaderCheck.integers")
  where
    stripPrefixS p s = if p `isPrefixOf` s then Just (drop (length p) s) else Nothing

-- | (name, result, parameters) of every prototype: cbindgen writes each on
-- one line, @RESULT NAME(PARAMS);@.
prototypes :: String -> [(String, String, [String])]
prototypes text = mapMaybe proto (lines text)
  where
    proto l0 =
      let l = trim l0
       in if null l || head l == '#' || "typedef" `isPrefixOf` l || not (");" `isSuffixOfS` l)
            then Nothing
            else
              let (before, rest) = break (== '(') l
                  ws = words before
               in case ws of
                    [] -> Nothing
                    _ ->
                      let lastW = last ws
                          stars = takeWhile (== '*') lastW
                          name = dropWhile (== '*') lastW
                          ret = trim (unwords (init ws) ++ stars)
                          params = trim (take (length rest - 3) (drop 1 rest)) -- between "(" and ");"
                          ps = if params `elem` ["", "void"] then [] else map trim (splitTop ',' params)
                       in if "ns_" `isPrefixOf` name && not (null ret) then Just (name, ret, ps) else Nothing
    isSuffixOfS s x = reverse s `isPrefixOf` reverse x

-- | Names of the header's function pointer typedefs (ns_list_cb...).
fnTypedefs :: String -> [String]
fnTypedefs text =
  [ takeWhile isIdent (drop 2 r)
  | l <- lines text, "typedef" `isPrefixOf` trim l
  , let r = snd (breakOn "(*" l), not (null r)
  ]

-- | Every struct with a body (typedef struct NAME { TYPE FIELD; ... }),
-- with its field names.
headerStructs :: String -> [(String, [String])]
headerStructs text = go (lines text)
  where
    go [] = []
    go (l : ls)
      | ["typedef", "struct", name, "{"] <- words l =
          let (body, rest) = break (\x -> "}" `isPrefixOf` trim x) ls
           in (name, mapMaybe field body) : go rest
      | otherwise = go ls
    field l = case reverse (words (filter (/= ';') l)) of
      (f : _ : _) -> Just (takeWhile isIdent (dropWhile (== '*') f))
      _ -> Nothing

-- | (C name, Haskell name, Haskell type) of every @foreign import ccall@
-- of a library function.
foreignImports :: String -> [(String, String, String)]
foreignImports src = mapMaybe imp (joinContinued (lines src))
  where
    imp l = case words l of
      ("foreign" : "import" : "ccall" : rest0) ->
        let rest = case rest0 of
              (s : r) | s `elem` ["safe", "unsafe"] -> r
              r -> r
         in case rest of
              (q : h : "::" : _)
                | "\"ns_" `isPrefixOf` q ->
                    Just (filter (/= '"') q, h, trim (drop 2 (snd (breakOn "::" l))))
              _ -> Nothing
      _ -> Nothing
    -- a signature may go on on indented lines
    joinContinued (a : b : r) | not (null b) && isSpace (head b) && "foreign import" `isPrefixOf` a = joinContinued ((a ++ " " ++ trim b) : r)
    joinContinued (a : r) = a : joinContinued r
    joinContinued [] = []

-- | How often each identifier occurs in the source (outside comments).
tokenCounts :: String -> [(String, Int)]
tokenCounts src =
  let code = unlines [l | l <- lines src, not ("--" `isPrefixOf` trim l)]
      toks = words (map (\c -> if isIdent c then c else ' ') code)
   in [(head g, length g) | g <- groupSorted (sort toks)]
  where
    groupSorted [] = []
    groupSorted (x : xs) = let (a, b) = span (== x) xs in (x : a) : groupSorted b

-- | Splits a Haskell type at its top-level arrows.
splitArrows :: String -> [String]
splitArrows = go 0 ""
  where
    go :: Int -> String -> String -> [String]
    go _ acc [] = [trim (reverse acc)]
    go 0 acc ('-' : '>' : r) = trim (reverse acc) : go 0 "" r
    go d acc (c : r)
      | c == '(' = go (d + 1) (c : acc) r
      | c == ')' = go (d - 1) (c : acc) r
      | otherwise = go d (c : acc) r

-- | Splits at a separator outside parentheses.
splitTop :: Char -> String -> [String]
splitTop sep = go (0 :: Int) ""
  where
    go _ acc [] = [reverse acc]
    go d acc (c : r)
      | c == sep && d == 0 = reverse acc : go d "" r
      | c == '(' = go (d + 1) (c : acc) r
      | c == ')' = go (d - 1) (c : acc) r
      | otherwise = go d (c : acc) r

unparen :: String -> String
unparen s
  | length s > 2 && head s == '(' && last s == ')' && balanced (init (tail s)) = unparen (trim (init (tail s)))
  | otherwise = s
  where
    balanced = (>= 0) . minimum . scanl (\d c -> if c == '(' then d + 1 else if c == ')' then d - 1 else d) (0 :: Int)

breakOn :: String -> String -> (String, String)
breakOn pat = go ""
  where
    go acc s@(c : r)
      | pat `isPrefixOf` s = (reverse acc, s)
      | otherwise = go (c : acc) r
    go acc [] = (reverse acc, [])

trim :: String -> String
trim = dropWhile isSpace . reverse . dropWhile isSpace . reverse

isIdent :: Char -> Bool
isIdent c = isAlphaNum c || c == '_' || c == '\''

-- | The header without its comments.
stripComments :: String -> String
stripComments ('/' : '*' : r) = stripComments (skip r)
  where
    skip ('*' : '/' : r') = r'
    skip (c : r') = (if c == '\n' then ('\n' :) else id) (skip r')
    skip [] = []
stripComments ('/' : '/' : r) = stripComments (dropWhile (/= '\n') r)
stripComments (c : r) = c : stripComments r
stripComments [] = []

headerPath :: IO (Maybe FilePath)
headerPath = do
  env <- lookupEnv "LINUXNS_HEADER"
  case env of
    Just p | not (null p) -> return (Just p)
    _ -> do
      pc <- findExecutable "pkg-config"
      case pc of
        Nothing -> return Nothing
        Just pcPath -> do
          (rc, out, _) <- readProcessWithExitCode pcPath ["--variable=includedir", "linuxns"] ""
          let p = trim out ++ "/linuxns.h"
          e <- doesFileExist p
          return (if rc == ExitSuccess && e then Just p else Nothing)

sourcePath :: IO (Either String FilePath)
sourcePath = do
  env <- lookupEnv "LINUXNS_HS_SOURCE"
  case env of
    Just d | not (null d) -> do
      let p = d ++ "/src/LinuxNS.hsc"
      e <- doesFileExist p
      return (if e then Right p else Left ("LINUXNS_HS_SOURCE=" ++ d ++ " has no src/LinuxNS.hsc"))
    _ -> do
      e <- doesFileExist "src/LinuxNS.hsc"
      return (if e then Right "src/LinuxNS.hsc" else Left "src/LinuxNS.hsc not found (set LINUXNS_HS_SOURCE to the package directory)")

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
        [ "#include <linuxns.h>", "#include <stddef.h>", "#include <stdio.h>", "#include <time.h>"
        , "#include <sys/mount.h>", "#include <sys/resource.h>", "#include <linux/filter.h>"
        , "#define alignof _Alignof"
        , "#define P(n, x) do { if ((x) < 0) printf(\"%s\\t%lld\\n\", n, (long long)(x)); \\"
        , "                     else printf(\"%s\\t%llu\\n\", n, (unsigned long long)(x)); } while (0)"
        , "int main(void) {" ]
          ++ [ "  P(\"" ++ n ++ "\", " ++ n ++ ");" | (n, _) <- headerConstants, not ("LINUXNS_" `isPrefixOf` n) ]
          ++ ["  return 0;", "}"]
  writeFile (base ++ ".c") src
  (rc, _, err) <- readProcessWithExitCode ccPath (words cflags ++ ["-o", base, base ++ ".c"]) ""
  res <- case rc of
    ExitSuccess -> do
      (_, out, _) <- readProcessWithExitCode base [] ""
      return (Right [(n, read (filter isDigitOrMinus v)) | l <- lines out, let (n, v) = break (== '\t') l])
    _ -> return (Left err)
  mapM_ (\f -> doesFileExist f >>= \e -> when e (removeFile f)) [base, base ++ ".c"]
  return res
  where
    isDigitOrMinus c = isDigit c || c == '-'
