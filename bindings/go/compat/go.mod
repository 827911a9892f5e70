module linuxns.dev/go/linuxns/compat

go 1.19

require (
	github.com/vishvananda/netns v0.0.0
	golang.org/x/sys v0.0.0
	linuxns.dev/go/linuxns v0.0.0
)

replace (
	// Debian's golang-github-vishvananda-netns-dev and golang-golang-x-sys-dev
	github.com/vishvananda/netns => /usr/share/gocode/src/github.com/vishvananda/netns
	golang.org/x/sys => /usr/share/gocode/src/golang.org/x/sys
	linuxns.dev/go/linuxns => ../
)
