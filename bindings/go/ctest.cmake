# The Go package (bindings/go), included by tests/CMakeLists.txt:
#   go_vet          go vet of the package, its netns subpackage and compat/
#   go_test         go test ./... (namespace tests need root: 77 without it)
#   go_compat_netns compat/: the same scenarios against Debian's
#                   github.com/vishvananda/netns and our netns, compared
# Labels bindings and go (ctest -L go). Go runs at test time with the
# library found through pkg-config: the directory of the linuxns.pc this
# project was configured with (make test: target/release) comes first in
# PKG_CONFIG_PATH. No module is downloaded (GOPROXY=off): the package needs
# only the standard library, compat/ Debian's golang-github-vishvananda-netns-dev.

set(GO_PKG_SRC ${CMAKE_CURRENT_LIST_DIR})
set(GO_PKG_WORK ${CMAKE_CURRENT_BINARY_DIR}/bindings-go)
set(GO_PKG_NETNS /usr/share/gocode/src/github.com/vishvananda/netns)
find_program(GO_PKG_GO go)
find_program(GO_PKG_SH sh REQUIRED)

set(go_pc_path "$ENV{PKG_CONFIG_PATH}")
if(PKG_CONFIG_EXECUTABLE)
  execute_process(COMMAND ${PKG_CONFIG_EXECUTABLE} --variable=pcfiledir linuxns
                  OUTPUT_VARIABLE go_pc_dir OUTPUT_STRIP_TRAILING_WHITESPACE
                  RESULT_VARIABLE go_pc_rc ERROR_QUIET)
  if(go_pc_rc EQUAL 0 AND NOT go_pc_dir STREQUAL "")
    if(go_pc_path STREQUAL "" OR go_pc_path STREQUAL go_pc_dir)
      set(go_pc_path "${go_pc_dir}")
    else()
      set(go_pc_path "${go_pc_dir}:${go_pc_path}")
    endif()
  endif()
endif()

set(GO_PKG_ENV
  "PKG_CONFIG_PATH=${go_pc_path}"
  GO111MODULE=on GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local GOWORK=off
  CGO_ENABLED=1 GOCACHE=${GO_PKG_WORK}/cache GOPATH=${GO_PKG_WORK}/gopath
  HOME=${GO_PKG_WORK}/home)

# go_pkg_test(<name> <dir> <script>): sh -c <script> in <dir>, with
# $1 the go command (cmake -E chdir would split the quoted script).
function(go_pkg_test name dir script)
  add_test(NAME ${name} COMMAND ${GO_PKG_SH} -c "${script}" sh ${GO_PKG_GO}
           WORKING_DIRECTORY ${dir})
  set_tests_properties(${name} PROPERTIES
    LABELS "bindings;go" SKIP_RETURN_CODE 77 TIMEOUT 300
    ENVIRONMENT "${GO_PKG_ENV}")
endfunction()

# Exit 77 after passing tests when some were skipped for want of root.
set(go_root_or_skip [[
[ "$(id -u)" = 0 ] || { echo "namespace tests need root: skipped" >&2; exit 77; }]])

if(NOT GO_PKG_GO)
  foreach(name go_vet go_test go_compat_netns)
    add_test(NAME ${name} COMMAND ${GO_PKG_SH} -c "echo '${name}: go not found (Debian: golang-go)' >&2\nexit 77")
    set_tests_properties(${name} PROPERTIES LABELS "bindings;go" SKIP_RETURN_CODE 77)
  endforeach()
else()
  file(MAKE_DIRECTORY ${GO_PKG_WORK}/home)
  if(EXISTS ${GO_PKG_NETNS}/netns.go)
    set(go_vet_compat "cd compat && \"$1\" vet ./...")
  else()
    set(go_vet_compat "echo 'compat/ not vetted: no ${GO_PKG_NETNS}' >&2")
  endif()
  go_pkg_test(go_vet ${GO_PKG_SRC}
    "\"$1\" vet ./... && ${go_vet_compat}")
  go_pkg_test(go_test ${GO_PKG_SRC}
    "\"$1\" test -count=1 ./... || exit 1\n${go_root_or_skip}")
  if(EXISTS ${GO_PKG_NETNS}/netns.go)
    go_pkg_test(go_compat_netns ${GO_PKG_SRC}/compat
      "\"$1\" test -count=1 -v ./... || exit 1\n${go_root_or_skip}")
  else()
    add_test(NAME go_compat_netns COMMAND ${GO_PKG_SH} -c
      "echo 'go_compat_netns: ${GO_PKG_NETNS} missing (Debian: golang-github-vishvananda-netns-dev)' >&2\nexit 77")
    set_tests_properties(go_compat_netns PROPERTIES LABELS "bindings;go" SKIP_RETURN_CODE 77)
  endif()
endif()
