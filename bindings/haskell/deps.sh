# Sourced by .ci/deps: what building and testing the Haskell package needs
# (Debian packages; GHC's bundled libraries only, nothing from Hackage).
need_cmd ghc ghc
need_cmd hsc2hs ghc
need_cmd cabal cabal-install
