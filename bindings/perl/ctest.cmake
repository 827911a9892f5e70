# The Perl package (bindings/perl), included by tests/CMakeLists.txt:
#   perl_package     perl Makefile.PL && make && make test, in a copy under
#                    this build tree (the source tree stays clean); the
#                    library found through LD_LIBRARY_PATH (loader search)
#   perl_unprivileged prove -l t/ as uid 65534 (setpriv), the library given
#                    by LINUXNS_LIBRARY: root-only tests must skip cleanly
#   perl_podchecker  podchecker on every .pm
# Labels bindings and perl (ctest -L perl). The library is the one of the
# linuxns.pc this project was configured with (make test: target/release).
# Debian: perl, libffi-platypus-perl, libffi-checklib-perl, util-linux.

set(PERL_PKG_SRC ${CMAKE_CURRENT_LIST_DIR})
set(PERL_PKG_WORK ${CMAKE_CURRENT_BINARY_DIR}/bindings-perl)
set(PERL_PKG_HEADER ${CMAKE_CURRENT_LIST_DIR}/../../include/linuxns.h)
find_program(PERL_PKG_PERL perl)
find_program(PERL_PKG_MAKE NAMES make gmake)
find_program(PERL_PKG_PODCHECKER podchecker)
find_program(PERL_PKG_SETPRIV setpriv)
find_program(PERL_PKG_SH sh REQUIRED)

set(PERL_PKG_ENV
  "LD_LIBRARY_PATH=${LINUXNS_LIBDIR}"
  "LINUXNS_HEADER=${PERL_PKG_HEADER}"
  "PERL_MM_USE_DEFAULT=1")

# perl_pkg_unavailable(<name> <why>): the test says why it cannot run (77).
function(perl_pkg_unavailable name why)
  add_test(NAME ${name} COMMAND ${PERL_PKG_SH} -c "echo \"${name}: $1\" >&2\nexit 77" sh "${why}")
  set_tests_properties(${name} PROPERTIES LABELS "bindings;perl" SKIP_RETURN_CODE 77)
endfunction()

set(perl_pkg_why "")
if(NOT PERL_PKG_PERL OR NOT PERL_PKG_MAKE)
  set(perl_pkg_why "perl or make not found (Debian: perl, make)")
else()
  execute_process(COMMAND ${PERL_PKG_PERL} -MFFI::Platypus\ 2.00 -MFFI::CheckLib -MExtUtils::MakeMaker -e 1
                  RESULT_VARIABLE perl_pkg_modules OUTPUT_QUIET ERROR_QUIET)
  if(NOT perl_pkg_modules EQUAL 0)
    set(perl_pkg_why "FFI::Platypus 2 or FFI::CheckLib missing (Debian: libffi-platypus-perl libffi-checklib-perl)")
  endif()
endif()

if(NOT perl_pkg_why STREQUAL "")
  message(STATUS "perl package: ${perl_pkg_why}")
  foreach(name perl_package perl_unprivileged)
    perl_pkg_unavailable(${name} "${perl_pkg_why}")
  endforeach()
else()
  # A fresh copy of the distribution, then the CPAN steps.
  add_test(NAME perl_package
    COMMAND ${PERL_PKG_SH} -c [[
      set -e
      rm -rf "$2" && mkdir -p "$2" && cp -R "$1"/. "$2"/ && cd "$2"
      "$3" Makefile.PL && "$4" && "$4" test
    ]] sh ${PERL_PKG_SRC} ${PERL_PKG_WORK}/package ${PERL_PKG_PERL} ${PERL_PKG_MAKE})
  set_tests_properties(perl_package PROPERTIES
    LABELS "bindings;perl" TIMEOUT 600 ENVIRONMENT "${PERL_PKG_ENV}")

  # As uid 65534, with the library by its path.
  if(NOT PERL_PKG_SETPRIV)
    perl_pkg_unavailable(perl_unprivileged "setpriv not found (Debian: util-linux)")
  else()
    add_test(NAME perl_unprivileged
      COMMAND ${PERL_PKG_SH} -c [[
        [ "$(id -u)" = 0 ] || { echo "perl_unprivileged: needs root to become uid 65534: skipped" >&2; exit 77; }
        set -e
        rm -rf "$2" && mkdir -p "$2" && cp -R "$1"/. "$2"/ && chmod -R a+rX "$2"
        cd "$2"
        exec "$3" --reuid 65534 --regid 65534 --clear-groups -- env HOME="$2" prove -l t/
      ]] sh ${PERL_PKG_SRC} ${PERL_PKG_WORK}/unprivileged ${PERL_PKG_SETPRIV})
    set_tests_properties(perl_unprivileged PROPERTIES
      LABELS "bindings;perl" SKIP_RETURN_CODE 77 TIMEOUT 300
      ENVIRONMENT "LINUXNS_LIBRARY=${LINUXNS_LIBDIR}/liblinuxns.so.0;LINUXNS_HEADER=${PERL_PKG_HEADER}")
  endif()
endif()

if(NOT PERL_PKG_PODCHECKER)
  perl_pkg_unavailable(perl_podchecker "podchecker not found (Debian: perl)")
else()
  add_test(NAME perl_podchecker
    COMMAND ${PERL_PKG_SH} -c [[
      cd "$1" || exit 1
      out=$(find lib -name '*.pm' | sort | xargs "$2" -warnings -warnings 2>&1) || { echo "$out"; exit 1; }
      echo "$out"
      ! echo "$out" | grep -q WARNING
    ]] sh ${PERL_PKG_SRC} ${PERL_PKG_PODCHECKER})
  set_tests_properties(perl_podchecker PROPERTIES LABELS "bindings;perl" TIMEOUT 60)
endif()
