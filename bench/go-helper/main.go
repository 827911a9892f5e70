// Helper of bench/spawn_bench.c: spawns through Go's os/exec with
// SysProcAttr{Cloneflags, UidMappings, GidMappings}.
//
// Reads one command per line on fd 3 and answers one line on fd 4:
//
//	"prog PATH" -> "ok"             program to spawn from now on
//	"mem MIB"   -> "ok"             allocate and touch MIB MiB, keep it
//	"run SET"   -> "<ns> <status> <cpu>"
//	                                one spawn + Wait, timed here; cpu is
//	                                getcpu(2) right after the Wait
//	failure     -> "err <text>"
//
// SET is none, six (user+pid+mnt+uts+ipc+cgroup) or net (six + net).
// The maps send the caller's euid/egid to 0, setgroups denied (Go's
// default when GidMappings are given), as `unshare -r`.
package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const six = syscall.CLONE_NEWUSER | syscall.CLONE_NEWPID | syscall.CLONE_NEWNS |
	syscall.CLONE_NEWUTS | syscall.CLONE_NEWIPC | cloneNewCgroup

// The syscall package lacks CLONE_NEWCGROUP (it is in x/sys/unix).
const cloneNewCgroup = 0x02000000

var ballast []byte

func run(prog, set string) string {
	var flags uintptr
	switch set {
	case "none":
	case "six":
		flags = six
	case "net":
		flags = six | syscall.CLONE_NEWNET
	default:
		return "err unknown set " + set
	}
	t0 := time.Now()
	cmd := exec.Command(prog)
	// The C contenders let the program inherit stdio; so do we (nil would
	// open /dev/null on every spawn).
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if flags != 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{
			Cloneflags:  flags,
			UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Geteuid(), Size: 1}},
			GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getegid(), Size: 1}},
		}
	}
	err := cmd.Run()
	dt := time.Since(t0)
	cpu := getcpu()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			ws := ee.Sys().(syscall.WaitStatus)
			code := ws.ExitStatus()
			if ws.Signaled() {
				code = -int(ws.Signal())
			}
			return fmt.Sprintf("%d %d %d", dt.Nanoseconds(), code, cpu)
		}
		return "err spawn: " + err.Error()
	}
	return fmt.Sprintf("%d 0 %d", dt.Nanoseconds(), cpu)
}

func main() {
	// Our protocol descriptors must not reach the spawned programs.
	syscall.CloseOnExec(3)
	syscall.CloseOnExec(4)
	in := bufio.NewReader(os.NewFile(3, "commands"))
	out := os.NewFile(4, "answers")
	prog := ""
	for {
		line, err := in.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimSuffix(line, "\n")
		verb, arg, _ := strings.Cut(line, " ")
		var answer string
		switch verb {
		case "prog":
			prog = arg
			answer = "ok"
		case "mem":
			mib, err := strconv.Atoi(arg)
			if err != nil {
				answer = "err mem: " + err.Error()
				break
			}
			// allocate + memset
			ballast = make([]byte, mib<<20)
			for i := range ballast {
				ballast[i] = 1
			}
			answer = "ok"
		case "run":
			answer = run(prog, arg)
		default:
			answer = "err unknown command '" + line + "'"
		}
		if _, err := fmt.Fprintln(out, answer); err != nil {
			return
		}
	}
}
