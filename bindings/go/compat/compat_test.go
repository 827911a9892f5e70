// Package compat runs the same scenarios against Debian's
// github.com/vishvananda/netns and linuxns.dev/go/linuxns/netns and
// compares what they give: results, error values and types, formats.
package compat

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"

	orig "github.com/vishvananda/netns"
	ours "linuxns.dev/go/linuxns/netns"
)

// api is one implementation, handles as ints.
type api struct {
	name          string
	New           func() (int, error)
	NewNamed      func(string) (int, error)
	DeleteNamed   func(string) error
	Get           func() (int, error)
	GetFromPath   func(string) (int, error)
	GetFromName   func(string) (int, error)
	GetFromPid    func(int) (int, error)
	GetFromThread func(int, int) (int, error)
	GetFromDocker func(string) (int, error)
	Set           func(int) error
	Setns         func(int, int) error
	Equal         func(a, b int) bool
	String        func(int) string
	UniqueId      func(int) string
	IsOpen        func(int) bool
	Close         func(*int) error
	None          func() int
}

func wrapO(f func() (orig.NsHandle, error)) func() (int, error) {
	return func() (int, error) { h, err := f(); return int(h), err }
}
func wrapU(f func() (ours.NsHandle, error)) func() (int, error) {
	return func() (int, error) { h, err := f(); return int(h), err }
}

var impls = []api{
	{
		name:        "vishvananda/netns",
		New:         wrapO(orig.New),
		NewNamed:    func(n string) (int, error) { return wrapO(func() (orig.NsHandle, error) { return orig.NewNamed(n) })() },
		DeleteNamed: orig.DeleteNamed,
		Get:         wrapO(orig.Get),
		GetFromPath: func(p string) (int, error) {
			return wrapO(func() (orig.NsHandle, error) { return orig.GetFromPath(p) })()
		},
		GetFromName: func(n string) (int, error) {
			return wrapO(func() (orig.NsHandle, error) { return orig.GetFromName(n) })()
		},
		GetFromPid: func(p int) (int, error) { return wrapO(func() (orig.NsHandle, error) { return orig.GetFromPid(p) })() },
		GetFromThread: func(p, t int) (int, error) {
			return wrapO(func() (orig.NsHandle, error) { return orig.GetFromThread(p, t) })()
		},
		GetFromDocker: func(id string) (int, error) {
			return wrapO(func() (orig.NsHandle, error) { return orig.GetFromDocker(id) })()
		},
		Set:      func(h int) error { return orig.Set(orig.NsHandle(h)) },
		Setns:    func(h, t int) error { return orig.Setns(orig.NsHandle(h), t) },
		Equal:    func(a, b int) bool { return orig.NsHandle(a).Equal(orig.NsHandle(b)) },
		String:   func(h int) string { return orig.NsHandle(h).String() },
		UniqueId: func(h int) string { return orig.NsHandle(h).UniqueId() },
		IsOpen:   func(h int) bool { return orig.NsHandle(h).IsOpen() },
		Close: func(h *int) error {
			x := orig.NsHandle(*h)
			err := x.Close()
			*h = int(x)
			return err
		},
		None: func() int { return int(orig.None()) },
	},
	{
		name:        "linuxns/netns",
		New:         wrapU(ours.New),
		NewNamed:    func(n string) (int, error) { return wrapU(func() (ours.NsHandle, error) { return ours.NewNamed(n) })() },
		DeleteNamed: ours.DeleteNamed,
		Get:         wrapU(ours.Get),
		GetFromPath: func(p string) (int, error) {
			return wrapU(func() (ours.NsHandle, error) { return ours.GetFromPath(p) })()
		},
		GetFromName: func(n string) (int, error) {
			return wrapU(func() (ours.NsHandle, error) { return ours.GetFromName(n) })()
		},
		GetFromPid: func(p int) (int, error) { return wrapU(func() (ours.NsHandle, error) { return ours.GetFromPid(p) })() },
		GetFromThread: func(p, t int) (int, error) {
			return wrapU(func() (ours.NsHandle, error) { return ours.GetFromThread(p, t) })()
		},
		GetFromDocker: func(id string) (int, error) {
			return wrapU(func() (ours.NsHandle, error) { return ours.GetFromDocker(id) })()
		},
		Set:      func(h int) error { return ours.Set(ours.NsHandle(h)) },
		Setns:    func(h, t int) error { return ours.Setns(ours.NsHandle(h), t) },
		Equal:    func(a, b int) bool { return ours.NsHandle(a).Equal(ours.NsHandle(b)) },
		String:   func(h int) string { return ours.NsHandle(h).String() },
		UniqueId: func(h int) string { return ours.NsHandle(h).UniqueId() },
		IsOpen:   func(h int) bool { return ours.NsHandle(h).IsOpen() },
		Close: func(h *int) error {
			x := ours.NsHandle(*h)
			err := x.Close()
			*h = int(x)
			return err
		},
		None: func() int { return int(ours.None()) },
	},
}

// describe gives an error's type and value, so that both must match.
func describe(err error) string {
	if err == nil {
		return "ok"
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Sprintf("%T{Op:%s Path:%s Err:%#v} %q", err, pe.Op, pe.Path, pe.Err, err.Error())
	}
	return fmt.Sprintf("%T %#v %q", err, err, err.Error())
}

var (
	numbers = regexp.MustCompile(`\d+`)
	fmtRe   = regexp.MustCompile(`^NS\(\d+: \d+, \d+\)$`)
	uidRe   = regexp.MustCompile(`^NS\(\d+:\d+\)$`)
)

// scenario runs everything on one locked thread and records a transcript
// in which the two implementations must agree line by line.
func scenario(t *testing.T, a api, name string) []string {
	var log []string
	rec := func(format string, args ...any) { log = append(log, fmt.Sprintf(format, args...)) }

	runtime.LockOSThread()
	defer runtime.UnlockOSThread()

	home, err := a.Get()
	rec("Get: %s", describe(err))
	var st syscall.Stat_t
	syscall.Stat("/proc/thread-self/ns/net", &st)
	rec("String format: %v, is fd+stat: %v", fmtRe.MatchString(a.String(home)),
		a.String(home) == fmt.Sprintf("NS(%d: %d, %d)", home, st.Dev, st.Ino))
	rec("UniqueId: %v", a.UniqueId(home) == fmt.Sprintf("NS(%d:%d)", st.Dev, st.Ino) && uidRe.MatchString(a.UniqueId(home)))
	rec("None: %d %s %s open=%v", a.None(), a.String(a.None()), a.UniqueId(a.None()), a.IsOpen(a.None()))
	rec("closed fd: %s / %s", numbers.ReplaceAllString(a.String(99999), "N"), a.UniqueId(99999))

	pidH, err := a.GetFromPid(os.Getpid())
	rec("GetFromPid(self): %s, Equal(Get) %v", describe(err), a.Equal(pidH, home))
	thrH, err := a.GetFromThread(os.Getpid(), syscall.Gettid())
	rec("GetFromThread: %s, Equal(Get) %v", describe(err), a.Equal(thrH, home))
	a.Close(&thrH)
	_, err = a.GetFromPid(999999999)
	rec("GetFromPid(missing): %s", describe(err))
	_, err = a.GetFromPath("/nonexistent/netns")
	rec("GetFromPath(missing): %s", describe(err))
	_, err = a.GetFromName(name + "-missing")
	rec("GetFromName(missing): %s, IsNotExist %v", describe(err), os.IsNotExist(err))
	rec("DeleteNamed(missing): %s", describe(a.DeleteNamed(name+"-missing")))
	_, err = a.GetFromDocker("0123456789ab")
	rec("GetFromDocker: %s", describe(err))

	created, err := a.NewNamed(name)
	rec("NewNamed: %s", describe(err))
	now, _ := a.Get()
	rec("thread moved into it: %v, still home: %v", a.Equal(now, created), a.Equal(now, home))
	a.Close(&now)
	byName, err := a.GetFromName(name)
	rec("GetFromName: %s, Equal(created) %v, Equal(home) %v", describe(err), a.Equal(byName, created), a.Equal(byName, home))
	rec("UniqueIds: same as created %v, differ from home %v",
		a.UniqueId(byName) == a.UniqueId(created), a.UniqueId(byName) != a.UniqueId(home))
	a.Close(&byName)
	_, err = a.NewNamed(name)
	rec("NewNamed(taken): %s, IsExist %v", describe(err), os.IsExist(err))
	a.Set(home) // the original has moved the thread before failing

	rec("Set(home): %s", describe(a.Set(home)))
	now, _ = a.Get()
	rec("back home: %v", a.Equal(now, home))
	a.Close(&now)
	rec("Setns(created, CLONE_NEWNET): %s", describe(a.Setns(created, syscall.CLONE_NEWNET)))
	rec("Setns(home, 0): %s", describe(a.Setns(home, 0)))
	rec("Setns(home, CLONE_NEWUTS): %s", describe(a.Setns(home, syscall.CLONE_NEWUTS)))
	rec("Set(closed fd): %s", describe(a.Set(99999)))

	fresh, err := a.New()
	rec("New: %s, differs from home %v and created %v", describe(err), !a.Equal(fresh, home), !a.Equal(fresh, created))
	a.Set(home)
	a.Close(&fresh)
	rec("DeleteNamed: %s", describe(a.DeleteNamed(name)))
	_, err = a.GetFromName(name)
	rec("GetFromName after DeleteNamed: %s", describe(err))
	rec("DeleteNamed again: %s", describe(a.DeleteNamed(name)))

	rec("Close: %s, IsOpen %v, handle %d", describe(a.Close(&created)), a.IsOpen(created), created)
	rec("Close again: %s", describe(a.Close(&created)))
	a.Close(&pidH)
	a.Close(&home)
	return log
}

func TestSameBehaviour(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	var logs [][]string
	for _, a := range impls {
		name := fmt.Sprintf("linuxns-go-compat-%d", os.Getpid())
		logs = append(logs, scenario(t, a, name))
	}
	for i := range logs[0] {
		o, u := logs[0][i], "(missing)"
		if i < len(logs[1]) {
			u = logs[1][i]
		}
		if o != u {
			t.Errorf("differ:\n  %s: %s\n  %s: %s", impls[0].name, o, impls[1].name, u)
		} else {
			t.Logf("same: %s", o)
		}
	}
	if len(logs[0]) != len(logs[1]) {
		t.Errorf("transcripts of %d and %d lines", len(logs[0]), len(logs[1]))
	}
}

// Handles are interchangeable: one library's namespace is found by the
// other, by name and by Equal.
func TestInterop(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	home, _ := orig.Get()
	defer home.Close()
	name := fmt.Sprintf("linuxns-go-interop-%d", os.Getpid())
	h, err := ours.NewNamed(name)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	oh, err := orig.GetFromName(name)
	if err != nil {
		t.Fatal(err)
	}
	if !oh.Equal(orig.NsHandle(h)) || !h.Equal(ours.NsHandle(oh)) || oh.UniqueId() != h.UniqueId() {
		t.Errorf("handles differ: %s %s", oh.UniqueId(), h.UniqueId())
	}
	oh.Close()
	if err := orig.Set(home); err != nil {
		t.Fatal(err)
	}
	if err := orig.DeleteNamed(name); err != nil {
		t.Errorf("DeleteNamed by the original of our namespace: %v", err)
	}
	if _, err := ours.GetFromName(name); err != syscall.ENOENT {
		t.Errorf("after delete: %v", err)
	}
	// The exported API: same names, and the same method sets.
	for _, pair := range [][2]any{{orig.None(), ours.None()}} {
		to, tu := reflect.TypeOf(pair[0]), reflect.TypeOf(pair[1])
		for _, typ := range []reflect.Type{to, reflect.PtrTo(to)} {
			for i := 0; i < typ.NumMethod(); i++ {
				m := typ.Method(i)
				ut := tu
				if typ.Kind() == reflect.Ptr {
					ut = reflect.PtrTo(tu)
				}
				if um, ok := ut.MethodByName(m.Name); !ok ||
					strings.ReplaceAll(um.Type.String(), "netns", "X") != strings.ReplaceAll(m.Type.String(), "netns", "X") {
					t.Errorf("method %s: %v vs ours %v", m.Name, m.Type, um.Type)
				}
			}
		}
	}
	if orig.CLONE_NEWNET != ours.CLONE_NEWNET || orig.CLONE_IO != ours.CLONE_IO || orig.CLONE_NEWUSER != ours.CLONE_NEWUSER {
		t.Error("constants differ")
	}
}
