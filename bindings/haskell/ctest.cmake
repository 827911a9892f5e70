# The Haskell package (bindings/haskell), included by tests/CMakeLists.txt:
#   haskell_build             cabal, offline, into this build tree
#   haskell_test_nonthreaded  the test program on the non-threaded RTS
#   haskell_test_threaded     the same on the threaded RTS (+ forkOS, runIn)
#   haskell_example           the README's example (examples/Task.hs)
#   haskell_haddock           Haddock covers every exported item (100%)
# Labels bindings and haskell (ctest -L haskell). Nothing is written into
# the source tree. A test exits 77 for checks that need root; without ghc
# the tests say so and skip (77), or fail under CI (CI=true), so CI cannot
# pass with the package left out. Debian packages: bindings/haskell/deps.sh.

set(HS_SRC ${CMAKE_CURRENT_LIST_DIR})
set(HS_WORK ${CMAKE_CURRENT_BINARY_DIR}/bindings-haskell)
find_program(HS_GHC ghc)
find_program(HS_SH sh REQUIRED)

# The tests read the package's source and the header for their coverage
# checks (every function of linuxns.h bound, with its signature).
set(HS_ENV "LD_LIBRARY_PATH=${LINUXNS_LIBRARY_DIRS}" "LINUXNS_HS_SOURCE=${HS_SRC}")
if(LINUXNS_INCLUDEDIR)
  list(APPEND HS_ENV "LINUXNS_HEADER=${LINUXNS_INCLUDEDIR}/linuxns.h")
endif()
if(NOT "$ENV{PKG_CONFIG_PATH}" STREQUAL "")
  list(APPEND HS_ENV "PKG_CONFIG_PATH=$ENV{PKG_CONFIG_PATH}")
endif()

if(NOT HS_GHC)
  message(STATUS "haskell: ghc not found (Debian: ghc cabal-install)")
  if("$ENV{CI}")
    set(hs_code 1)
  else()
    set(hs_code 77)
  endif()
  foreach(t haskell_test_nonthreaded haskell_test_threaded)
    add_test(NAME ${t} COMMAND ${HS_SH} -c "echo 'haskell: ghc not found (Debian: ghc cabal-install)' >&2\nexit ${hs_code}")
    set_tests_properties(${t} PROPERTIES LABELS "bindings;haskell" SKIP_RETURN_CODE 77)
  endforeach()
else()
  file(MAKE_DIRECTORY ${HS_WORK})
  add_test(NAME haskell_build
    COMMAND ${HS_SH} ${HS_SRC}/ctest-build.sh ${HS_SRC} ${HS_WORK})
  set_tests_properties(haskell_build PROPERTIES
    LABELS "bindings;haskell" TIMEOUT 600
    ENVIRONMENT "${HS_ENV}"
    FIXTURES_SETUP haskell_package)
  foreach(rts nonthreaded threaded)
    add_test(NAME haskell_test_${rts} COMMAND ${HS_WORK}/bin/test-${rts})
    set_tests_properties(haskell_test_${rts} PROPERTIES
      LABELS "bindings;haskell" SKIP_RETURN_CODE 77 TIMEOUT 120
      ENVIRONMENT "${HS_ENV}"
      FIXTURES_REQUIRED haskell_package)
  endforeach()
  add_test(NAME haskell_haddock
    COMMAND ${HS_SH} ${HS_SRC}/ctest-haddock.sh ${HS_SRC} ${HS_WORK})
  set_tests_properties(haskell_haddock PROPERTIES
    LABELS "bindings;haskell" TIMEOUT 300
    ENVIRONMENT "${HS_ENV}"
    FIXTURES_REQUIRED haskell_package)
  # prints the network namespace id, then the child's "pid 1 uid 0"
  add_test(NAME haskell_example COMMAND ${HS_WORK}/bin/example-task)
  set_tests_properties(haskell_example PROPERTIES
    LABELS "bindings;haskell" TIMEOUT 60
    ENVIRONMENT "${HS_ENV}"
    PASS_REGULAR_EXPRESSION "pid 1 uid 0"
    FAIL_REGULAR_EXPRESSION "rror"
    FIXTURES_REQUIRED haskell_package)
endif()
