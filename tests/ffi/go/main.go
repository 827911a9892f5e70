// Go (cgo) consumer of liblinuxns, and interop with github.com/vishvananda/netns.
//
// Build (the library found through pkg-config; Debian's netns in GOPATH mode):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o linuxns-go .
//
// Every check compares what the library says with what the kernel shows in
// /proc; the program prints one line per check and exits 0 only if all
// passed (77 if some needed root and were skipped, 1 on any failure).
package main

/*
#cgo pkg-config: linuxns
#include <stdint.h>
#include <stdlib.h>
#include <linuxns.h>

// Go functions cannot be C function pointers: ns_run_in gets this C
// trampoline, which calls the exported Go function with the cgo.Handle
// that travels through the void * argument.
extern int goRunInCallback(uintptr_t handle);

static int run_in_trampoline(void *arg) {
	return goRunInCallback((uintptr_t)arg);
}

static int run_in(int fd, int types, uintptr_t handle, int *result) {
	return ns_run_in(fd, types, run_in_trampoline, (void *)handle, result);
}
*/
import "C"

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/cgo"
	"strings"
	"syscall"
	"unsafe"

	"github.com/vishvananda/netns"
)

// ---- a thin Go binding: negative returns become errors ----

// Error is a failed linuxns call: the errno from its negative return and
// the library's ns_last_error text.
type Error struct {
	Op     string
	Errno  syscall.Errno
	Detail string
}

func (e *Error) Error() string {
	if e.Detail == "" {
		return e.Op + ": " + e.Errno.Error()
	}
	// ns_last_error starts with the function's name already.
	return e.Detail
}
func (e *Error) Unwrap() error { return e.Errno } // errors.Is(err, syscall.EINVAL)

// call runs one C call and converts "negative errno" into an *Error.
// ns_last_error is per OS thread, so the thread is locked across the call
// and the read of the text (LockOSThread nests, so callers on an
// already-locked thread stay locked).
func call(op string, f func() C.int) (int, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	rc := f()
	if rc < 0 {
		return int(rc), &Error{Op: op, Errno: syscall.Errno(-rc), Detail: C.GoString(C.ns_last_error())}
	}
	return int(rc), nil
}

func OpenPid(pid, typ int) (int, error) {
	return call("ns_open_pid", func() C.int { return C.ns_open_pid(C.pid_t(pid), C.int(typ)) })
}

func ID(fd int) (uint64, error) {
	var id C.uint64_t
	_, err := call("ns_id", func() C.int { return C.ns_id(C.int(fd), &id) })
	return uint64(id), err
}

func Setns(fd, typ int) error {
	_, err := call("ns_setns", func() C.int { return C.ns_setns(C.int(fd), C.int(typ)) })
	return err
}

func NetnsAdd(name string) (int, error) {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	return call("ns_netns_add", func() C.int { return C.ns_netns_add(cname) })
}

func NetnsDel(name string) error {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	_, err := call("ns_netns_del", func() C.int { return C.ns_netns_del(cname) })
	return err
}

func OpenName(name string) (int, error) {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	return call("ns_open_name", func() C.int { return C.ns_open_name(cname) })
}

//export goRunInCallback
func goRunInCallback(handle C.uintptr_t) C.int {
	fn := cgo.Handle(handle).Value().(func() int)
	return C.int(fn())
}

// RunIn runs fn on a fresh OS thread that has joined namespace fd; the
// calling goroutine's thread never moves. fn's result comes back.
func RunIn(fd, typ int, fn func() int) (int, error) {
	h := cgo.NewHandle(fn)
	defer h.Delete()
	var result C.int
	_, err := call("ns_run_in", func() C.int {
		return C.run_in(C.int(fd), C.int(typ), C.uintptr_t(h), &result)
	})
	return int(result), err
}

// Spawn starts argv[0] (path) with argv in new namespaces `types`, the
// caller's uid/gid mapped to root when mapRoot, stdout going to stdout.
func Spawn(path string, argv []string, types int, mapRoot bool, stdout *os.File) (int, error) {
	attr := C.ns_spawn_attr_new()
	if attr == nil {
		return -1, errors.New("ns_spawn_attr_new: out of memory")
	}
	defer C.ns_spawn_attr_free(attr)
	if _, err := call("ns_spawn_attr_set_namespaces", func() C.int {
		return C.ns_spawn_attr_set_namespaces(attr, C.int(types))
	}); err != nil {
		return -1, err
	}
	if mapRoot {
		if _, err := call("ns_spawn_attr_map_root", func() C.int { return C.ns_spawn_attr_map_root(attr) }); err != nil {
			return -1, err
		}
	}
	if stdout != nil {
		if _, err := call("ns_spawn_attr_set_fd", func() C.int {
			return C.ns_spawn_attr_set_fd(attr, 1, C.int(stdout.Fd()))
		}); err != nil {
			return -1, err
		}
	}
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	// A NULL-terminated char *argv[]: a Go slice of C strings is fine to
	// pass, since it holds no Go pointers.
	cargv := make([]*C.char, len(argv)+1)
	for i, a := range argv {
		cargv[i] = C.CString(a)
		defer C.free(unsafe.Pointer(cargv[i]))
	}
	return call("ns_spawn", func() C.int {
		return C.int(C.ns_spawn(cpath, &cargv[0], nil, attr, nil))
	})
}

// ---- the checks ----

var passed, failed, skipped int

func check(ok bool, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if ok {
		passed++
		fmt.Println("ok   ", msg)
	} else {
		failed++
		fmt.Println("FAIL ", msg)
	}
}

func fail(format string, args ...any) { check(false, format, args...) }

func skip(format string, args ...any) {
	skipped++
	fmt.Println("skip ", fmt.Sprintf(format, args...))
}

// procID parses "net:[4026531840]" from readlink /proc/thread-self/ns/TYPE.
func procID(typ string) uint64 {
	link, err := os.Readlink("/proc/thread-self/ns/" + typ)
	if err != nil {
		fail("readlink /proc/thread-self/ns/%s: %v", typ, err)
		return 0
	}
	var id uint64
	if _, err := fmt.Sscanf(link, typ+":[%d]", &id); err != nil {
		fail("parse %q: %v", link, err)
	}
	return id
}

func testOpenID() {
	// Ids are per thread in principle: lock so both readings are of one thread.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for _, t := range []struct {
		name string
		typ  int
	}{{"net", C.NS_NET}, {"uts", C.NS_UTS}, {"ipc", C.NS_IPC}, {"mnt", C.NS_MNT},
		{"user", C.NS_USER}, {"pid", C.NS_PID}, {"cgroup", C.NS_CGROUP}} {
		fd, err := OpenPid(0, t.typ)
		if err != nil {
			fail("ns_open_pid(0, NS_%s): %v", strings.ToUpper(t.name), err)
			continue
		}
		id, err := ID(fd)
		want := procID(t.name)
		check(err == nil && id == want && id != 0,
			"ns_id(ns_open_pid(0, %s)) = %d, readlink /proc/thread-self/ns/%s = %d", t.name, id, t.name, want)
		syscall.Close(fd)
	}
}

func testErrors() {
	fd, err := OpenPid(-1, C.NS_NET)
	var nerr *Error
	check(fd == -int(syscall.EINVAL) && errors.Is(err, syscall.EINVAL) && errors.As(err, &nerr) && nerr.Detail != "",
		"ns_open_pid(-1, NS_NET) = %d (-EINVAL), error %v", fd, err)
	// cgo's two-result form reads errno, which the library sets as well.
	rc, errno := C.ns_open_pid(-1, C.NS_NET)
	check(rc == -C.int(syscall.EINVAL) && errno == syscall.EINVAL,
		"cgo errno after ns_open_pid(-1, NS_NET): rc %d, errno %v", rc, errno)
	_, err = ID(0) // stdin is not a namespace
	check(errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.EBADF),
		"ns_id(0) on a non-namespace fd fails: %v", err)
}

func testSpawn() {
	r, w, err := os.Pipe()
	if err != nil {
		fail("pipe: %v", err)
		return
	}
	defer r.Close()
	hostUser, hostPid := procID("user"), procID("pid")
	pid, err := Spawn("/bin/sh",
		[]string{"sh", "-c", `echo "$$ $(id -u) $(readlink /proc/self/ns/user) $(readlink /proc/self/ns/pid)"`},
		C.NS_USER|C.NS_PID, true, w)
	w.Close()
	if err != nil {
		fail("ns_spawn in new user+pid namespaces: %v", err)
		return
	}
	out, _ := io.ReadAll(r)
	var ws syscall.WaitStatus
	_, werr := syscall.Wait4(pid, &ws, 0, nil)
	check(werr == nil && ws.Exited() && ws.ExitStatus() == 0, "spawned child %d exited 0 (%v)", pid, ws)
	var childPid, uid int
	var userLink, pidLink string
	n, _ := fmt.Sscanf(string(out), "%d %d %s %s", &childPid, &uid, &userLink, &pidLink)
	check(n == 4 && childPid == 1 && uid == 0,
		"child in new user+pid ns with map_root prints pid 1 and uid 0: %q", strings.TrimSpace(string(out)))
	check(n == 4 && userLink != fmt.Sprintf("user:[%d]", hostUser) && pidLink != fmt.Sprintf("pid:[%d]", hostPid),
		"child's user and pid namespaces (%s %s) are new (ours user:[%d] pid:[%d])", userLink, pidLink, hostUser, hostPid)
}

// netnsName is unique to this run, so parallel runs do not collide.
func netnsName(what string) string { return fmt.Sprintf("linuxns-ffi-go-%s-%d", what, os.Getpid()) }

func testSetns() {
	runtime.LockOSThread()
	// Until the thread is back in its namespace it must not run other
	// goroutines: if returning fails, we leave it locked and Go retires it.
	before := procID("net")
	orig, err := OpenPid(0, C.NS_NET)
	if err != nil {
		fail("ns_open_pid(0, NS_NET): %v", err)
		runtime.UnlockOSThread()
		return
	}
	defer syscall.Close(orig)
	name := netnsName("setns")
	fd, err := NetnsAdd(name)
	if err != nil {
		fail("ns_netns_add(%q): %v", name, err)
		runtime.UnlockOSThread()
		return
	}
	defer syscall.Close(fd)
	newID, _ := ID(fd)
	check(newID != before && newID != 0, "ns_netns_add(%q) made a new namespace %d (ours %d)", name, newID, before)

	err = Setns(fd, C.NS_NET)
	inside := procID("net")
	check(err == nil && inside == newID, "ns_setns into it: thread now in net:[%d], want %d (%v)", inside, newID, err)
	err = Setns(orig, C.NS_NET)
	back := procID("net")
	check(err == nil && back == before, "ns_setns back: thread in net:[%d], want %d (%v)", back, before, err)
	if back == before {
		runtime.UnlockOSThread()
	}

	err = NetnsDel(name)
	_, statErr := os.Stat("/run/netns/" + name)
	check(err == nil && os.IsNotExist(statErr), "ns_netns_del(%q) removed /run/netns/%s (%v)", name, name, err)
}

func testRunIn() {
	name := netnsName("runin")
	fd, err := NetnsAdd(name)
	if err != nil {
		fail("ns_netns_add(%q): %v", name, err)
		return
	}
	defer syscall.Close(fd)
	defer NetnsDel(name)
	want, _ := ID(fd)

	runtime.LockOSThread()
	callerBefore := procID("net")
	var seen uint64
	var seenTid int
	result, err := RunIn(fd, C.NS_NET, func() int {
		// Runs on the library's thread, which has joined fd.
		seen = procID("net")
		seenTid = syscall.Gettid()
		return 42
	})
	callerAfter := procID("net")
	myTid := syscall.Gettid()
	runtime.UnlockOSThread()

	check(err == nil && result == 42, "ns_run_in returned %v, callback result %d (want 42)", err, result)
	check(seen == want, "Go callback ran in net:[%d], want the joined %d", seen, want)
	check(seenTid != myTid && seenTid != 0, "callback ran on another thread (tid %d, ours %d)", seenTid, myTid)
	check(callerBefore == callerAfter && callerAfter != want,
		"calling thread stayed in net:[%d] (before %d)", callerAfter, callerBefore)
}

func testVishvanandaNetns() {
	// ns_netns_add -> netns.GetFromName
	name := netnsName("interop")
	fd, err := NetnsAdd(name)
	if err != nil {
		fail("ns_netns_add(%q): %v", name, err)
		return
	}
	h, err := netns.GetFromName(name)
	check(err == nil && h.Equal(netns.NsHandle(fd)),
		"netns.GetFromName(%q) = %v, Equal to ns_netns_add's fd %v (%v)", name, h, netns.NsHandle(fd), err)
	if err == nil {
		h.Close()
	}
	syscall.Close(fd)
	check(NetnsDel(name) == nil, "ns_netns_del(%q)", name)
	_, err = netns.GetFromName(name)
	check(errors.Is(err, syscall.ENOENT), "netns.GetFromName after ns_netns_del: %v (want ENOENT)", err)

	// netns.Get() on a locked thread = ns_open_pid(0, NS_NET)
	runtime.LockOSThread()
	cur, err1 := netns.Get()
	ours, err2 := OpenPid(0, C.NS_NET)
	check(err1 == nil && err2 == nil && cur.Equal(netns.NsHandle(ours)),
		"netns.Get() %v Equal ns_open_pid(0, NS_NET) %v", cur, netns.NsHandle(ours))

	// netns.NewNamed (moves this thread, mounts /run/netns/NAME) -> ns_open_name,
	// then back with ns_setns, and ns_netns_del deletes what netns created.
	name2 := netnsName("fromgo")
	created, err := netns.NewNamed(name2)
	if err != nil {
		fail("netns.NewNamed(%q): %v", name2, err)
	} else {
		byName, err := OpenName(name2)
		check(err == nil && created.Equal(netns.NsHandle(byName)),
			"ns_open_name(%q) finds the namespace netns.NewNamed made (%v)", name2, err)
		cid, _ := ID(byName)
		check(procID("net") == cid, "netns.NewNamed moved the thread into net:[%d]", cid)
		syscall.Close(byName)
		err = Setns(ours, C.NS_NET)
		check(err == nil && netnsEqualsCurrent(cur), "ns_setns back into netns.Get()'s namespace (%v)", err)
		created.Close()
		err = NetnsDel(name2)
		_, gerr := netns.GetFromName(name2)
		check(err == nil && errors.Is(gerr, syscall.ENOENT), "ns_netns_del(%q) of netns's namespace (%v)", name2, err)
	}
	if netnsEqualsCurrent(cur) {
		runtime.UnlockOSThread()
	}
	cur.Close()
	syscall.Close(ours)
}

func netnsEqualsCurrent(h netns.NsHandle) bool {
	now, err := netns.Get()
	if err != nil {
		return false
	}
	defer now.Close()
	return now.Equal(h)
}

func main() {
	fmt.Println("linuxns", C.GoString(C.ns_version()), "from Go", runtime.Version())
	testOpenID()
	testErrors()
	testSpawn()
	if os.Geteuid() == 0 {
		testSetns()
		testRunIn()
		testVishvanandaNetns()
	} else {
		skip("ns_setns / ns_run_in / ns_netns_add and vishvananda/netns interop need root")
	}
	fmt.Printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped)
	switch {
	case failed > 0:
		os.Exit(1)
	case skipped > 0:
		os.Exit(77)
	}
}
