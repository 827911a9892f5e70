package linuxns_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"syscall"

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
