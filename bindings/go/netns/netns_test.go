package netns_test

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"runtime"
	"syscall"
	"testing"

	"linuxns.dev/go/linuxns/netns"
)

func TestFormats(t *testing.T) {
	n := netns.None()
	if n.IsOpen() || n.String() != "NS(None)" || n.UniqueId() != "NS(none)" {
		t.Errorf("None: %v %s %s", n.IsOpen(), n, n.UniqueId())
	}
	if s := netns.NsHandle(12345).String(); s != "NS(12345: unknown)" {
		t.Errorf("closed fd: %s", s)
	}
	if s := netns.NsHandle(12345).UniqueId(); s != "NS(unknown)" {
		t.Errorf("closed fd: %s", s)
	}
	h, err := netns.GetFromPid(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	var st syscall.Stat_t
	syscall.Stat("/proc/self/ns/net", &st)
	if h.String() != fmt.Sprintf("NS(%d: %d, %d)", int(h), st.Dev, st.Ino) ||
		h.UniqueId() != fmt.Sprintf("NS(%d:%d)", st.Dev, st.Ino) {
		t.Errorf("%s %s, stat %d %d", h, h.UniqueId(), st.Dev, st.Ino)
	}
	if !regexp.MustCompile(`^NS\(\d+: \d+, \d+\)$`).MatchString(h.String()) {
		t.Errorf("format %s", h)
	}
}

func TestErrors(t *testing.T) {
	_, err := netns.GetFromName("linuxns-go-missing")
	if err != syscall.ENOENT || !os.IsNotExist(err) {
		t.Errorf("GetFromName of a missing name: %#v", err)
	}
	if _, err := netns.GetFromPid(-5); err != syscall.ENOENT {
		t.Errorf("GetFromPid(-5): %#v", err)
	}
	h := netns.None()
	if err := h.Close(); err != syscall.EBADF {
		t.Errorf("Close of None: %#v", err)
	}
	if err := netns.DeleteNamed("linuxns-go-missing"); err == nil {
		t.Error("DeleteNamed of a missing name succeeded")
	}
	if _, err := os.Stat("/var/run/docker.pid"); os.IsNotExist(err) {
		_, err := netns.GetFromDocker("abc")
		var pe *os.PathError
		if !errors.As(err, &pe) || pe.Path != "/var/run/docker.pid" {
			t.Errorf("GetFromDocker without docker: %v", err)
		}
	}
}

func TestNamedAndSet(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	orig, err := netns.Get()
	if err != nil {
		t.Fatal(err)
	}
	defer orig.Close()
	name := fmt.Sprintf("linuxns-go-netns-%d", os.Getpid())
	h, err := netns.NewNamed(name)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	defer netns.DeleteNamed(name)
	cur, _ := netns.Get()
	if !cur.Equal(h) || cur.Equal(orig) {
		t.Errorf("NewNamed did not move the thread: now %s, new %s, orig %s", cur, h, orig)
	}
	cur.Close()
	byName, err := netns.GetFromName(name)
	if err != nil || !byName.Equal(h) {
		t.Errorf("GetFromName: %v %v", byName, err)
	}
	byName.Close()
	var pe *os.PathError
	if _, err := netns.NewNamed(name); !errors.As(err, &pe) || pe.Err != syscall.EEXIST || !os.IsExist(err) {
		t.Errorf("NewNamed of a taken name: %#v", err)
	}
	if err := netns.Set(orig); err != nil {
		t.Fatal(err)
	}
	cur, _ = netns.Get()
	if !cur.Equal(orig) {
		t.Error("Set did not move back")
	}
	cur.Close()
	if err := netns.DeleteNamed(name); err != nil {
		t.Fatal(err)
	}
	if _, err := netns.GetFromName(name); err != syscall.ENOENT {
		t.Errorf("after DeleteNamed: %v", err)
	}
	if err := netns.Setns(orig, syscall.CLONE_NEWUTS); err != syscall.EINVAL {
		t.Errorf("Setns with the wrong type: %#v", err)
	}
	n, err := netns.New()
	if err != nil {
		t.Fatal(err)
	}
	if n.Equal(orig) {
		t.Error("New gave our namespace")
	}
	netns.Set(orig)
	n.Close()
	if n.IsOpen() {
		t.Error("open after Close")
	}
}
