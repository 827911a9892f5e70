# What the Go package's tests need (sourced by .ci/deps; POSIX sh).
need_cmd go golang-go
need_cmd pkg-config pkg-config
need_file /usr/share/gocode/src/github.com/vishvananda/netns golang-github-vishvananda-netns-dev
need_file /usr/share/gocode/src/golang.org/x/sys golang-golang-x-sys-dev
