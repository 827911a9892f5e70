package linuxns_test

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"linuxns.dev/go/linuxns"
)

func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
}

var procNames = map[linuxns.Type]string{
	linuxns.Mnt: "mnt", linuxns.Cgroup: "cgroup", linuxns.UTS: "uts", linuxns.IPC: "ipc",
	linuxns.User: "user", linuxns.PID: "pid", linuxns.Net: "net", linuxns.Time: "time",
}

// link is readlink /proc/PID/ns/NAME ("self" and "thread-self" too).
func link(t *testing.T, pid, name string) string {
	t.Helper()
	l, err := os.Readlink("/proc/" + pid + "/ns/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func netnsName(t *testing.T) string {
	return fmt.Sprintf("linuxns-go-%s-%d", strings.ReplaceAll(t.Name(), "/", "-"), os.Getpid())
}

func TestOpenPidIDs(t *testing.T) {
	child := linuxns.Command("sleep", "10")
	if os.Geteuid() == 0 {
		child.Namespaces = linuxns.UTS | linuxns.Net | linuxns.IPC
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer child.Wait()
	defer child.Process.Kill()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for typ, name := range procNames {
		ns, err := linuxns.OpenPid(0, typ)
		if err != nil {
			t.Errorf("OpenPid(0, %v): %v", typ, err)
			continue
		}
		id, err := ns.ID()
		want := link(t, "thread-self", name)
		if err != nil || fmt.Sprintf("%s:[%d]", name, id) != want {
			t.Errorf("%s: ID %d (%v), readlink %s", name, id, err, want)
		}
		if s := ns.String(); s != want {
			t.Errorf("String() = %q, want %q", s, want)
		}
		if got, err := ns.Type(); err != nil || got != typ {
			t.Errorf("Type() = %v, %v; want %v", got, err, typ)
		}
		if uid, err := ns.UniqueID(); err == nil && uid == 0 {
			t.Errorf("%s: UniqueID 0", name)
		} else if err != nil && !errors.Is(err, syscall.EOPNOTSUPP) {
			t.Errorf("%s: UniqueID: %v", name, err)
		}
		// Another process's: a child's.
		pid := strconv.Itoa(child.Process.Pid)
		cns, err := linuxns.OpenPid(child.Process.Pid, typ)
		if err != nil {
			t.Errorf("OpenPid(%s, %v): %v", pid, typ, err)
		} else if s := cns.String(); s != link(t, pid, name) {
			t.Errorf("child %s: %s, readlink %s", name, s, link(t, pid, name))
		}
		cns.Close()
		if err := ns.Close(); err != nil {
			t.Error(err)
		}
		if err := ns.Close(); !errors.Is(err, os.ErrClosed) {
			t.Errorf("second Close: %v", err)
		}
	}
}

func TestErrors(t *testing.T) {
	_, err := linuxns.OpenPath("/nonexistent/linuxns", 0)
	var e *linuxns.Error
	if !errors.Is(err, syscall.ENOENT) || !errors.Is(err, fs.ErrNotExist) || !errors.As(err, &e) {
		t.Fatalf("OpenPath of a missing path: %v (%T)", err, err)
	}
	if e.Op != "ns_open_path" || e.Errno != syscall.ENOENT || !strings.HasPrefix(e.Error(), "ns_open_path") {
		t.Errorf("Error %+v, text %q", *e, e.Error())
	}
	if _, err := linuxns.OpenPid(-1, linuxns.Net); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("OpenPid(-1): %v", err)
	}
	if _, err := linuxns.OpenPid(0, linuxns.Net|linuxns.UTS); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("OpenPid with a mask: %v", err)
	}
	if _, err := linuxns.OpenPath("/etc/passwd", 0); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("OpenPath of a plain file: %v", err)
	}
	if _, err := linuxns.OpenName("no-such-netns-linuxns-go"); !errors.Is(err, syscall.ENOENT) {
		t.Errorf("OpenName of a missing name: %v", err)
	}
	if err := linuxns.RunIn(&linuxns.Namespace{}, 0, func() error { return nil }); !errors.Is(err, syscall.EBADF) {
		t.Errorf("RunIn on no descriptor: %v", err)
	}
}

func TestTypes(t *testing.T) {
	for typ, name := range procNames {
		if typ.String() != name {
			t.Errorf("%#x.String() = %q, want %q", int(typ), typ.String(), name)
		}
		if got, err := linuxns.ParseType(name); err != nil || got != typ {
			t.Errorf("ParseType(%q) = %v, %v", name, got, err)
		}
	}
	if s := (linuxns.Net | linuxns.UTS).String(); s != "uts|net" {
		t.Errorf("mask: %q", s)
	}
	if _, err := linuxns.ParseType("nope"); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("ParseType(nope): %v", err)
	}
	if linuxns.Version() == "" {
		t.Error("no version")
	}
}

func TestUserns(t *testing.T) {
	user, err := linuxns.OpenPid(0, linuxns.User)
	if err != nil {
		t.Fatal(err)
	}
	defer user.Close()
	net, err := linuxns.OpenPid(0, linuxns.Net)
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	// Parent/Userns of what the initial user namespace owns is EPERM from
	// inside it; a namespace made here has us as its parent.
	needRoot(t)
	owner, err := user.Owner()
	if err != nil || owner != 0 {
		t.Errorf("Owner() = %d, %v", owner, err)
	}
	child, err := linuxns.NewUserns([]linuxns.IDMap{{0, 1000, 1}}, []linuxns.IDMap{{0, 1000, 1}}, linuxns.MapDenySetgroups)
	if err != nil {
		t.Fatal(err)
	}
	defer child.Close()
	parent, err := child.Parent()
	if err != nil {
		t.Fatal(err)
	}
	defer parent.Close()
	if eq, err := parent.Equal(user); err != nil || !eq {
		t.Errorf("Parent of a new user namespace is ours: %v, %v", eq, err)
	}
	if eq, _ := child.Equal(user); eq {
		t.Error("new user namespace equals ours")
	}
	if o, err := child.Owner(); err != nil || o != 0 {
		t.Errorf("owner of new userns %d, %v", o, err)
	}
	if _, err := net.Userns(); err != nil && !errors.Is(err, syscall.EPERM) {
		t.Errorf("Userns: %v", err)
	}
}

func TestNew(t *testing.T) {
	needRoot(t)
	for _, typ := range []linuxns.Type{linuxns.Net, linuxns.UTS, linuxns.IPC, linuxns.Mnt} {
		ns, err := linuxns.New(typ)
		if err != nil {
			t.Errorf("New(%v): %v", typ, err)
			continue
		}
		if s := ns.String(); s == link(t, "self", typ.String()) || !strings.HasPrefix(s, typ.String()+":[") {
			t.Errorf("New(%v) = %s, ours %s", typ, s, link(t, "self", typ.String()))
		}
		ns.Close()
	}
}

var errMarker = errors.New("from fn")

func TestRunIn(t *testing.T) {
	needRoot(t)
	name := netnsName(t)
	ns, err := linuxns.NetnsAdd(name)
	if err != nil {
		t.Fatal(err)
	}
	defer linuxns.NetnsDel(name)
	defer ns.Close()
	want := ns.String()
	runtime.LockOSThread()
	before := link(t, "thread-self", "net")
	var inside string
	var tid int
	err = linuxns.RunIn(ns, linuxns.Net, func() error {
		l, err := os.Readlink("/proc/thread-self/ns/net")
		inside, tid = l, syscall.Gettid()
		return err
	})
	after := link(t, "thread-self", "net")
	myTid := syscall.Gettid()
	runtime.UnlockOSThread()
	if err != nil || inside != want {
		t.Errorf("RunIn: fn saw %s (%v), want %s", inside, err, want)
	}
	if before != after || tid == myTid {
		t.Errorf("caller moved: %s -> %s, tids %d %d", before, after, tid, myTid)
	}
	if err := linuxns.RunIn(ns, 0, func() error { return errMarker }); !errors.Is(err, errMarker) {
		t.Errorf("fn's error not returned: %v", err)
	}
	if err := linuxns.RunIn(ns, linuxns.UTS, func() error { return nil }); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("RunIn with the wrong type: %v", err)
	}
	func() {
		defer func() {
			if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "boom") {
				t.Errorf("panic not raised again: %v", r)
			}
		}()
		linuxns.RunIn(ns, 0, func() error { panic("boom") })
	}()
}

func TestSetns(t *testing.T) {
	needRoot(t)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	orig, err := linuxns.OpenPid(0, linuxns.Net)
	if err != nil {
		t.Fatal(err)
	}
	defer orig.Close()
	ns, err := linuxns.New(linuxns.Net)
	if err != nil {
		t.Fatal(err)
	}
	defer ns.Close()
	if err := linuxns.Setns(ns, linuxns.Net); err != nil {
		t.Fatal(err)
	}
	if l := link(t, "thread-self", "net"); l != ns.String() {
		t.Errorf("after Setns in %s, want %s", l, ns.String())
	}
	if err := linuxns.Setns(orig, 0); err != nil {
		t.Fatal(err) // the thread stays locked, and is retired
	}
	runtime.UnlockOSThread() // the lock Setns kept
	runtime.UnlockOSThread() // the lock the second Setns kept
	if l := link(t, "thread-self", "net"); l != orig.String() {
		t.Errorf("back in %s, want %s", l, orig.String())
	}
	if err := linuxns.Setns(ns, linuxns.UTS); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("Setns with the wrong type: %v", err)
	}
}

func TestList(t *testing.T) {
	infos, err := linuxns.List()
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]linuxns.Info{}
	for _, i := range infos {
		have[fmt.Sprintf("%s:[%d]", i.Type, i.ID)] = i
	}
	for _, name := range procNames {
		l := link(t, "self", name)
		i, ok := have[l]
		if !ok {
			t.Errorf("List lacks our %s", l)
		} else if i.NProcs < 1 || i.Pid < 1 {
			t.Errorf("%s: %+v", l, i)
		}
	}
	nets, err := linuxns.List(linuxns.Net)
	if err != nil || len(nets) == 0 {
		t.Fatalf("List(Net): %d, %v", len(nets), err)
	}
	for _, i := range nets {
		if i.Type != linuxns.Net {
			t.Errorf("List(Net) gave %v", i.Type)
		}
	}
}

func TestNetnsAddDel(t *testing.T) {
	needRoot(t)
	name := netnsName(t)
	ns, err := linuxns.NetnsAdd(name)
	if err != nil {
		t.Fatal(err)
	}
	defer ns.Close()
	if _, err := linuxns.NetnsAdd(name); !errors.Is(err, syscall.EEXIST) {
		t.Errorf("second NetnsAdd: %v", err)
	}
	byName, err := linuxns.OpenName(name)
	if err != nil {
		t.Fatal(err)
	}
	if eq, err := byName.Equal(ns); !eq || err != nil {
		t.Errorf("OpenName %s != NetnsAdd %s", byName, ns)
	}
	byName.Close()
	if err := linuxns.NetnsDel(name); err != nil {
		t.Fatal(err)
	}
	if _, err := linuxns.OpenName(name); !errors.Is(err, syscall.ENOENT) {
		t.Errorf("OpenName after NetnsDel: %v", err)
	}
}

func TestBind(t *testing.T) {
	needRoot(t)
	ns, err := linuxns.New(linuxns.UTS)
	if err != nil {
		t.Fatal(err)
	}
	defer ns.Close()
	path := filepath.Join(t.TempDir(), "uts")
	if err := linuxns.Bind(ns, path); err != nil {
		t.Fatal(err)
	}
	again, err := linuxns.OpenPath(path, linuxns.UTS)
	if err != nil {
		t.Fatal(err)
	}
	if again.String() != ns.String() {
		t.Errorf("bound %s, opened %s", ns, again)
	}
	again.Close()
	if err := linuxns.Unbind(path); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("after Unbind: %v", err)
	}
}

func TestLimit(t *testing.T) {
	n, err := linuxns.Limit(linuxns.Net)
	if err != nil || n <= 0 {
		t.Errorf("Limit(Net) = %d, %v", n, err)
	}
	data, _ := os.ReadFile("/proc/sys/user/max_net_namespaces")
	if strings.TrimSpace(string(data)) != fmt.Sprint(n) {
		t.Errorf("Limit %d, file %q", n, data)
	}
	if _, err := linuxns.Limit(0); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("Limit(0): %v", err)
	}
	if os.Geteuid() == 0 {
		err := linuxns.SetLimit(linuxns.Net, n)
		if errors.Is(err, syscall.EACCES) || errors.Is(err, syscall.EROFS) {
			t.Skipf("SetLimit: %v (read-only /proc/sys here)", err)
		}
		if err != nil {
			t.Errorf("SetLimit to the same value: %v", err)
		}
	}
}

func TestCmdMapRoot(t *testing.T) {
	needRoot(t)
	cmd := linuxns.Command("/bin/sh", "-c", "id -u; hostname")
	cmd.Namespaces = linuxns.User | linuxns.UTS | linuxns.PID | linuxns.Mnt | linuxns.Net
	cmd.MapRoot = true
	cmd.Hostname = "sandbox"
	out, err := cmd.Output()
	if err != nil || string(out) != "0\nsandbox\n" {
		t.Fatalf("Output = %q, %v", out, err)
	}
	if !cmd.ProcessState.Success() || cmd.ProcessState.Pid() != cmd.Process.Pid {
		t.Errorf("ProcessState %v", cmd.ProcessState)
	}
}

func TestCmdHostnameUname(t *testing.T) {
	needRoot(t)
	cmd := linuxns.Command("uname", "-n")
	cmd.Namespaces = linuxns.UTS
	cmd.Hostname = "linuxns-go-test"
	out, err := cmd.Output()
	if err != nil || string(out) != "linuxns-go-test\n" {
		t.Fatalf("uname -n in a new UTS namespace: %q, %v", out, err)
	}
	mine, _ := os.Hostname()
	if mine == "linuxns-go-test" {
		t.Error("our hostname changed")
	}
}

func TestCmdPidProc(t *testing.T) {
	needRoot(t)
	cmd := linuxns.Command("/bin/sh", "-c", `echo $$; readlink /proc/self/ns/pid; ls /proc | grep -c '^[0-9]'`)
	cmd.Namespaces = linuxns.PID | linuxns.Mnt
	cmd.MountProc = true
	out, err := cmd.Output()
	lines := strings.Fields(string(out))
	if err != nil || len(lines) != 3 || lines[0] != "1" || lines[1] == link(t, "self", "pid") {
		t.Fatalf("new PID namespace with /proc: %q, %v", out, err)
	}
}

func TestCmdJoin(t *testing.T) {
	needRoot(t)
	ns, err := linuxns.New(linuxns.Net)
	if err != nil {
		t.Fatal(err)
	}
	defer ns.Close()
	cmd := linuxns.Command("readlink", "/proc/self/ns/net")
	cmd.Join = []*linuxns.Namespace{ns}
	out, err := cmd.Output()
	if err != nil || strings.TrimSpace(string(out)) != ns.String() {
		t.Fatalf("joined %s, child in %q (%v)", ns, out, err)
	}
}

func TestCmdStreams(t *testing.T) {
	// Plain spawns: no privilege needed.
	cmd := linuxns.Command("sh", "-c", "cat; echo err >&2")
	cmd.Stdin = strings.NewReader("in\n")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.Env = []string{"PATH=/usr/bin:/bin"}
	cmd.Dir = "/"
	if err := cmd.Run(); err != nil || out.String() != "in\n" || errb.String() != "err\n" {
		t.Fatalf("Run: %v, out %q, err %q", err, out.String(), errb.String())
	}

	cmd = linuxns.Command("sh", "-c", "echo E >&2; exit 3")
	_, err := cmd.Output()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 3 || string(ee.Stderr) != "E\n" {
		t.Fatalf("exit 3: %v", err)
	}

	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	cmd = linuxns.Command("sh", "-c", "pwd; echo $LINUXNS_GO")
	cmd.Stdout = f
	cmd.Dir = "/tmp"
	cmd.Env = []string{"LINUXNS_GO=yes"}
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if data, _ := os.ReadFile(f.Name()); string(data) != "/tmp\nyes\n" {
		t.Errorf("*os.File stdout: %q", data)
	}

	both, err := linuxns.Command("sh", "-c", "echo a; echo b >&2").CombinedOutput()
	if err != nil || string(both) != "a\nb\n" {
		t.Errorf("CombinedOutput %q, %v", both, err)
	}

	_, err = linuxns.Command("/nonexistent/prog").Output()
	if !errors.Is(err, syscall.ENOENT) {
		t.Errorf("missing program: %v", err)
	}
	c := linuxns.Command("true")
	c.Hostname = "x" // without a UTS namespace: refused before anything starts
	if err := c.Run(); !errors.Is(err, syscall.EINVAL) || c.Process != nil {
		t.Errorf("hostname without UTS: %v", err)
	}
}

func TestCmdPidfd(t *testing.T) {
	cmd := linuxns.Command("sleep", "10")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if cmd.Pidfd() < 0 {
		t.Error("no pidfd")
	}
	if runtime.GOOS == "linux" && os.Geteuid() == 0 {
		ns, err := linuxns.OpenPidfd(cmd.Pidfd(), linuxns.Net)
		if err != nil || ns.String() != link(t, "self", "net") {
			t.Errorf("OpenPidfd: %v %v", ns, err)
		}
		ns.Close()
	}
	cmd.Process.Kill()
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || cmd.ProcessState.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Errorf("killed child: %v", err)
	}
	if cmd.Pidfd() != -1 {
		t.Error("pidfd kept after Wait")
	}
}

func TestCmdTimeOffset(t *testing.T) {
	needRoot(t)
	cmd := linuxns.Command("cat", "/proc/uptime")
	cmd.Namespaces = linuxns.Time
	cmd.TimeOffsets = map[linuxns.Clock]time.Duration{linuxns.ClockBoottime: 1000 * time.Hour}
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	var up float64
	fmt.Sscanf(string(out), "%f", &up)
	if up < 1000*3600 {
		t.Errorf("uptime with a 1000 h boot-time offset: %q", out)
	}
}

func TestCmdCgroup(t *testing.T) {
	needRoot(t)
	// A cgroup of our own, in the cgroup2 hierarchy (mounted for the test
	// when /sys/fs/cgroup is not cgroup2).
	root := "/sys/fs/cgroup"
	if _, err := os.Stat(root + "/cgroup.controllers"); err != nil {
		root = t.TempDir()
		if err := syscall.Mount("none", root, "cgroup2", 0, ""); err != nil {
			t.Skipf("mount cgroup2: %v", err)
		}
		t.Cleanup(func() { syscall.Unmount(root, syscall.MNT_DETACH) })
	}
	name := fmt.Sprintf("linuxns-go-test-%d", os.Getpid())
	if err := os.Mkdir(filepath.Join(root, name), 0755); err != nil {
		t.Skip(err)
	}
	defer os.Remove(filepath.Join(root, name))
	dir, err := os.Open(filepath.Join(root, name))
	if err != nil {
		t.Fatal(err)
	}
	defer dir.Close()
	for _, cg := range []linuxns.Descriptor{dir, linuxns.FD(int(dir.Fd()))} {
		cmd := linuxns.Command("cat", "/proc/self/cgroup")
		cmd.Cgroup = cg
		out, err := cmd.Output()
		if err != nil || !strings.Contains(string(out), "0::/"+name+"\n") {
			t.Errorf("Cgroup %T: child in %q (%v), want 0::/%s", cg, out, err, name)
		}
	}
}

func TestUnshareEnterPid(t *testing.T) {
	needRoot(t)
	child := linuxns.Command("sleep", "10")
	child.Namespaces = linuxns.UTS | linuxns.IPC
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer child.Wait()
	defer child.Process.Kill()
	pid := strconv.Itoa(child.Process.Pid)

	done := make(chan struct{})
	go func() {
		// This goroutine's thread moves and never comes back: it stays
		// locked, so Go retires it when the goroutine ends.
		defer close(done)
		runtime.LockOSThread()
		before := link(t, "thread-self", "uts")
		if err := linuxns.Unshare(linuxns.UTS); err != nil {
			t.Error(err)
			return
		}
		if l := link(t, "thread-self", "uts"); l == before {
			t.Errorf("Unshare(UTS): thread still in %s", l)
		}
		if err := linuxns.EnterPid(child.Process.Pid, linuxns.UTS|linuxns.IPC); err != nil {
			t.Error(err)
			return
		}
		for _, n := range []string{"uts", "ipc"} {
			if got, want := link(t, "thread-self", n), link(t, pid, n); got != want {
				t.Errorf("EnterPid: thread in %s, child in %s", got, want)
			}
		}
		if err := linuxns.Unshare(linuxns.Time); err != nil {
			t.Error(err)
			return
		}
		tid := syscall.Gettid()
		if err := linuxns.SetTimeOffset(tid, linuxns.ClockBoottime, -1500*time.Millisecond); err != nil {
			t.Error(err)
			return
		}
		data, _ := os.ReadFile(fmt.Sprintf("/proc/%d/timens_offsets", tid))
		if !strings.Contains(string(data), "boottime") || !strings.Contains(string(data), "-2 500000000") {
			t.Errorf("timens_offsets: %q", data)
		}
	}()
	<-done
}

// CloneC and SpawnFnC run a C function in a fork-like child: getpid there
// answers 1 in a new PID namespace, which the exit status carries back.
func TestCFunctionsInChildren(t *testing.T) {
	needRoot(t)
	pid, err := linuxns.CloneC(linuxns.PID, linuxns.CGetpid, nil)
	if err != nil {
		t.Fatalf("CloneC: %v", err)
	}
	var ws syscall.WaitStatus
	if _, err := syscall.Wait4(pid, &ws, 0, nil); err != nil || ws.ExitStatus() != 1 {
		t.Fatalf("CloneC child: wait %v, status %d (want 1: pid 1 of its namespace)", err, ws.ExitStatus())
	}
	c := &linuxns.Cmd{Namespaces: linuxns.User | linuxns.PID, MapRoot: true}
	pid, err = linuxns.SpawnFnC(c, linuxns.CGetpid, nil)
	if err != nil {
		t.Fatalf("SpawnFnC: %v", err)
	}
	if _, err := syscall.Wait4(pid, &ws, 0, nil); err != nil || ws.ExitStatus() != 1 {
		t.Fatalf("SpawnFnC child: wait %v, status %d (want 1)", err, ws.ExitStatus())
	}
	if _, err := linuxns.CloneC(linuxns.PID, nil, nil); !errors.Is(err, syscall.EINVAL) {
		t.Fatalf("linuxns.CloneC(nil): %v, want EINVAL", err)
	}
}
