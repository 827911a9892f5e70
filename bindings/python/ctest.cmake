# The Python package (bindings/python), included by tests/CMakeLists.txt.
#
# ctest python_package (labels bindings, python): pip installs the package
# into a --target directory of this build tree, offline and without build
# isolation, with the python3 on PATH, then runs its pytest suite
# (bindings/python/tests) against the library pkg-config found (the build
# tree's under `make test`), through LD_LIBRARY_PATH as the dynamic loader
# searches it. Needs pytest (and lxns for the comparison tests):
# bindings/python/deps.sh installs them. A missing python3 or pytest skips
# (77), or fails under CI (CI=true) as the FFI tests do.

set(PY_PKG_SRC ${CMAKE_CURRENT_LIST_DIR})
set(PY_PKG_WORK ${CMAKE_CURRENT_BINARY_DIR}/bindings/python)
find_program(PY_PKG_PYTHON python3)
find_program(PY_PKG_SH sh REQUIRED)

if("$ENV{CI}" OR LINUXNS_FFI_REQUIRED)
  set(PY_PKG_SKIP 1)
else()
  set(PY_PKG_SKIP 77)
endif()

set(PY_PKG_ENV
  "LD_LIBRARY_PATH=${LINUXNS_LIBDIR}"
  "LINUXNS_HEADER=${PY_PKG_SRC}/../../include/linuxns.h")

if(NOT PY_PKG_PYTHON)
  add_test(NAME python_package
           COMMAND ${PY_PKG_SH} -c "echo 'python_package: python3 not found' >&2\nexit ${PY_PKG_SKIP}")
else()
  add_test(NAME python_package
           COMMAND ${PY_PKG_SH} ${PY_PKG_SRC}/ctest.sh ${PY_PKG_PYTHON} ${PY_PKG_SRC}
                   ${PY_PKG_WORK} ${PY_PKG_SKIP})
endif()
set_tests_properties(python_package PROPERTIES
  LABELS "bindings;python" SKIP_RETURN_CODE 77 TIMEOUT 300
  ENVIRONMENT "${PY_PKG_ENV}")
