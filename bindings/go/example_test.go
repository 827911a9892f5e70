package linuxns_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"syscall"
	"time"

	"linuxns.dev/go/linuxns"
)

func ExampleOpenPath() {
	_, err := linuxns.OpenPath("/nonexistent", 0)
	fmt.Println(err)
	fmt.Println(errors.Is(err, syscall.ENOENT), errors.Is(err, fs.ErrNotExist))
	var e *linuxns.Error
	if errors.As(err, &e) {
		fmt.Println(e.Op, int(e.Errno))
	}
	// Output:
	// ns_open_path: open /nonexistent: No such file or directory
	// true true
	// ns_open_path 2
}

func ExampleType_String() {
	fmt.Println(linuxns.Net)
	fmt.Println(linuxns.User | linuxns.Net | linuxns.Mnt)
	t, _ := linuxns.ParseType("pid")
	fmt.Printf("%v %#x\n", t, int(t))
	// Output:
	// net
	// mnt|user|net
	// pid 0x20000000
}

func ExampleNamespace_ID() {
	ns, err := linuxns.OpenPid(os.Getpid(), linuxns.Net)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer ns.Close()
	id, _ := ns.ID()
	link, _ := os.Readlink("/proc/self/ns/net")
	fmt.Println(fmt.Sprintf("net:[%d]", id) == link, ns.String() == link)
	// Output: true true
}

func ExampleCmd_Output() {
	// Without namespaces a Cmd is a plain spawn, as os/exec's.
	out, err := linuxns.Command("echo", "hello").Output()
	fmt.Printf("%q %v\n", out, err)
	// Output: "hello\n" <nil>
}

func ExampleCmd() {
	// A shell as root of new user, UTS, PID and mount namespaces.
	cmd := linuxns.Command("/bin/sh", "-c", "id -u; hostname; echo $$")
	cmd.Namespaces = linuxns.User | linuxns.UTS | linuxns.PID | linuxns.Mnt
	cmd.MapRoot = true
	cmd.Hostname = "sandbox"
	cmd.MountProc = true
	out, err := cmd.Output()
	fmt.Printf("%s%v\n", out, err) // 0, sandbox, 1
}

func ExampleRunIn() {
	ns, err := linuxns.NetnsAdd("example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer linuxns.NetnsDel("example")
	defer ns.Close()
	// The function runs on a thread of its own inside ns; this goroutine
	// and its thread stay where they are.
	err = linuxns.RunIn(ns, linuxns.Net, func() error {
		link, err := os.Readlink("/proc/thread-self/ns/net")
		fmt.Println("in", link)
		return err
	})
	fmt.Println(err)
}

func ExampleList() {
	infos, err := linuxns.List(linuxns.Net)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, i := range infos {
		fmt.Printf("%s:[%d] %d processes, first %d\n", i.Type, i.ID, i.NProcs, i.Pid)
	}
}

func ExampleSetns() {
	ns, err := linuxns.New(linuxns.Net)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer ns.Close()
	orig, _ := linuxns.OpenPid(0, linuxns.Net)
	defer orig.Close()
	// This goroutine's thread moves; Setns locks it to the goroutine.
	if err := linuxns.Setns(ns, linuxns.Net); err != nil {
		fmt.Println(err)
		return
	}
	// ... work in ns ...
	if err := linuxns.Setns(orig, linuxns.Net); err != nil {
		return // the thread stays locked and is retired with the goroutine
	}
	// Back home: release the locks the two calls kept.
	runtime.UnlockOSThread()
	runtime.UnlockOSThread()
}

func ExampleParseHandle() {
	// The text form of a namespace file handle: type, inode, 64-bit id.
	h, err := linuxns.ParseHandle("uts:4026532315:4121")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(h.Type(), h.Inode(), h.UniqueID(), h)
	// Output: uts 4026532315 4121 uts:4026532315:4121
}

func ExampleNamespace_Handle() {
	// A token for this network namespace, to store in a file or send to
	// another process, which reopens the namespace while it lives
	// (kernel 6.18).
	ns, err := linuxns.OpenPid(os.Getpid(), linuxns.Net)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer ns.Close()
	h, err := ns.Handle()
	if err != nil {
		fmt.Println(err) // EOPNOTSUPP before 6.18
		return
	}
	text := h.String() // "net:4026531840:4"
	// ... later, elsewhere:
	parsed, err := linuxns.ParseHandle(text)
	if err != nil {
		fmt.Println(err)
		return
	}
	again, err := linuxns.OpenHandle(parsed)
	if err != nil {
		fmt.Println(err) // ESTALE once the namespace is gone
		return
	}
	defer again.Close()
	same, _ := again.Equal(ns)
	fmt.Println(text, same)
}

func ExampleNamespace_Mounts() {
	// The mounts of our own mount namespace, as /proc/self/mountinfo;
	// any mount namespace descriptor works, without entering it.
	ns, err := linuxns.OpenPid(os.Getpid(), linuxns.Mnt)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer ns.Close()
	mounts, err := ns.Mounts()
	if err != nil {
		fmt.Println(err)
		return
	}
	root := false
	for _, m := range mounts {
		root = root || m.MountPoint == "/"
	}
	fmt.Println(root)
	// Output: true
}

func ExamplePidfdStatus() {
	cmd := linuxns.Command("sh", "-c", "exit 3")
	if err := cmd.Start(); err != nil {
		fmt.Println(err)
		return
	}
	defer cmd.Wait() // PidfdStatus does not reap: Wait still does
	for {
		ws, err := linuxns.PidfdStatus(cmd.Pidfd())
		if errors.Is(err, syscall.EAGAIN) { // still running
			time.Sleep(time.Millisecond)
			continue
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println("exited", ws.ExitStatus())
		return
	}
	// Output: exited 3
}

func ExampleFeatures() {
	f := linuxns.Features()
	fmt.Println(f) // e.g. clone3|clone_into_cgroup|setns_pidfd|...
	if f&linuxns.FeatureNsfsHandles == 0 {
		fmt.Println("no namespace file handles: keep namespaces with Bind")
	}
}

func ExampleCmd_credentials() {
	// A program as uid and gid 65534 without supplementary groups,
	// umask 027, at most 64 open files, in a new session, keeping
	// CAP_NET_BIND_SERVICE (bit 10) across the change of uid.
	cmd := linuxns.Command("id")
	cmd.Credential = &syscall.Credential{Uid: 65534, Gid: 65534}
	mask := os.FileMode(0o027)
	cmd.Umask = &mask
	cmd.Rlimits = map[int]syscall.Rlimit{syscall.RLIMIT_NOFILE: {Cur: 64, Max: 64}}
	cmd.Setsid = true
	cmd.Caps = map[linuxns.CapSet]uint64{
		linuxns.CapsPermitted | linuxns.CapsEffective | linuxns.CapsInheritable | linuxns.CapsAmbient: 1 << 10,
	}
	out, err := cmd.Output() // needs root
	fmt.Printf("%s%v\n", out, err)
}

func ExampleCmd_noNewPrivs() {
	// A program that neither set-user-ID bits nor file capabilities can
	// raise, nor anything it runs.
	cmd := linuxns.Command("grep", "NoNewPrivs", "/proc/self/status")
	cmd.NoNewPrivs = true
	out, err := cmd.Output()
	fmt.Printf("%q %v\n", out, err)
	// Output: "NoNewPrivs:\t1\n" <nil>
}

func ExampleCmd_autokill() {
	// A program that lives as long as this process, however it ends: the
	// kernel kills it when its pidfd closes, and reaps it (Linux 7.1).
	cmd := linuxns.Command("sleep", "infinity")
	cmd.Autokill = true
	err := cmd.Start()
	if errors.Is(err, syscall.EOPNOTSUPP) {
		fmt.Println("before Linux 7.1: end the program yourself (or see Pdeathsig)")
		return
	}
	if err != nil {
		fmt.Println(err)
	}
}

func ExampleListEx() {
	// Every network namespace, also those no process is in (held by a
	// descriptor or a bind mount: NProcs 0).
	infos, err := linuxns.ListEx(linuxns.ListAll, linuxns.Net)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, i := range infos {
		fmt.Printf("%s:[%d] %d processes\n", i.Type, i.ID, i.NProcs)
	}
}
