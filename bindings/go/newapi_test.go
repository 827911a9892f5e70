package linuxns_test

// Tests of the functions of LINUXNS_0.2: namespace file handles, ListEx,
// mount listings, pid translation, pidfd status, features, idmapped
// mounts and the Cmd fields of the new spawn attributes, each against
// what the kernel shows (readlink, /proc/PID/mountinfo, /proc/PID/status,
// /proc/PID/limits, /proc/PID/stat, stat(2)).

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"linuxns.dev/go/linuxns"
)

// handleOrSkip is ns.Handle(), skipping the test where the kernel has no
// namespace file handles (before 6.18, or LINUXNS_FORCE_FALLBACK=1).
func handleOrSkip(t *testing.T, ns *linuxns.Namespace) linuxns.Handle {
	t.Helper()
	h, err := ns.Handle()
	if errors.Is(err, syscall.EOPNOTSUPP) {
		if linuxns.Features()&linuxns.FeatureNsfsHandles != 0 {
			t.Fatalf("Handle: %v, but Features has nsfs_handles", err)
		}
		t.Skipf("no namespace file handles here: %v", err)
	}
	if err != nil {
		t.Fatalf("Handle of %s: %v", ns, err)
	}
	return h
}

// Encode, format, parse, open: the namespace opened again is the one
// readlink shows, for each type (our own namespaces: no privilege needed).
func TestHandleRoundTrip(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for typ, name := range procNames {
		ns, err := linuxns.OpenPid(0, typ)
		if err != nil {
			t.Fatal(err)
		}
		want := link(t, "thread-self", name)
		h := handleOrSkip(t, ns)
		id, _ := ns.ID()
		uid, err := ns.UniqueID()
		if err != nil {
			t.Fatalf("UniqueID: %v", err)
		}
		if h.Type() != typ || h.Inode() != id || h.UniqueID() != uid {
			t.Errorf("%s: handle type %v inode %d id %d; namespace %d, %d", want, h.Type(), h.Inode(), h.UniqueID(), id, uid)
		}
		if again, _ := ns.Handle(); again != h {
			t.Errorf("%s: two handles differ: %v, %v", want, h, again)
		}
		text, err := h.MarshalText()
		if err != nil {
			t.Fatalf("MarshalText: %v", err)
		}
		if string(text) != fmt.Sprintf("%s:%d:%d", name, id, uid) || h.String() != string(text) || len(text) >= linuxns.HandleTextMax {
			t.Errorf("text %q (String %q), namespace %s:%d:%d", text, h.String(), name, id, uid)
		}
		parsed, err := linuxns.ParseHandle(string(text))
		if err != nil || parsed != h {
			t.Fatalf("ParseHandle(%q) = %v, %v; want %v", text, parsed, err, h)
		}
		opened, err := linuxns.OpenHandle(parsed)
		if err != nil {
			t.Fatalf("OpenHandle(%s): %v", text, err)
		}
		oid, err := opened.ID()
		if err != nil || fmt.Sprintf("%s:[%d]", name, oid) != want {
			t.Errorf("OpenHandle(%s): id %d (%v), readlink %s", text, oid, err, want)
		}
		if eq, err := opened.Equal(ns); !eq || err != nil {
			t.Errorf("OpenHandle(%s) = %s, not %s (%v)", text, opened, ns, err)
		}
		// The bytes, as C programs store them, come back the same.
		b, _ := h.MarshalBinary()
		var fromBytes linuxns.Handle
		if err := fromBytes.UnmarshalBinary(b); err != nil || fromBytes != h || len(b) != linuxns.HandleSize {
			t.Errorf("binary round trip: %d bytes, %v, %v", len(b), fromBytes, err)
		}
		opened.Close()
		ns.Close()
	}
	// A Handle is an encoding.TextMarshaler: JSON carries its text.
	ns, _ := linuxns.OpenPid(0, linuxns.Net)
	defer ns.Close()
	h, _ := ns.Handle()
	data, err := json.Marshal(map[string]linuxns.Handle{"net": h})
	var back map[string]linuxns.Handle
	if err == nil {
		err = json.Unmarshal(data, &back)
	}
	if err != nil || back["net"] != h || !strings.Contains(string(data), `"net:`) {
		t.Errorf("JSON %s: %v, %v", data, back, err)
	}
}

func TestHandleErrors(t *testing.T) {
	for _, text := range []string{"", "net", "net:1", "net:0:1", "net:1:0", "net:01:1", "net:1:1\n", " net:1:1",
		"net:+1:1", "nope:1:1", "net:4294967296:1", "net:1:18446744073709551616"} {
		if _, err := linuxns.ParseHandle(text); !errors.Is(err, syscall.EINVAL) {
			t.Errorf("ParseHandle(%q): %v, want EINVAL", text, err)
		}
	}
	if h, err := linuxns.ParseHandle("cgroup:4294967295:18446744073709551615"); err != nil ||
		h.Type() != linuxns.Cgroup || h.Inode() != 4294967295 || h.UniqueID() != 18446744073709551615 {
		t.Errorf("ParseHandle of the longest text: %v, %v", h, err)
	}
	var zero linuxns.Handle
	if _, err := zero.MarshalText(); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("MarshalText of the zero Handle: %v", err)
	}
	if s := zero.String(); !strings.Contains(s, "invalid") {
		t.Errorf("String of the zero Handle: %q", s)
	}
	if _, err := linuxns.OpenHandle(zero); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("OpenHandle of the zero Handle: %v", err)
	}
	if err := zero.UnmarshalBinary(make([]byte, 63)); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("UnmarshalBinary of 63 bytes: %v", err)
	}
	if _, err := (&linuxns.Namespace{}).Handle(); !errors.Is(err, syscall.EBADF) {
		t.Errorf("Handle of no descriptor: %v", err)
	}
}

// A namespace held only by our descriptor: its handle opens it while it
// lives, and gives ESTALE once it is gone.
func TestHandleOfNamespaceHeldByFd(t *testing.T) {
	needRoot(t)
	ns, err := linuxns.New(linuxns.UTS)
	if err != nil {
		t.Fatal(err)
	}
	h := handleOrSkip(t, ns)
	parsed, err := linuxns.ParseHandle(h.String())
	if err != nil {
		t.Fatal(err)
	}
	opened, err := linuxns.OpenHandle(parsed)
	if err != nil {
		t.Fatalf("OpenHandle(%s): %v", h, err)
	}
	if eq, _ := opened.Equal(ns); !eq {
		t.Errorf("OpenHandle(%s) = %s, not %s", h, opened, ns)
	}
	opened.Close()
	ns.Close()
	// The kernel frees it when the last reference goes (the id tree may
	// lag behind by an RCU grace period).
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err = linuxns.OpenHandle(h)
		if errors.Is(err, syscall.ESTALE) || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	var e *linuxns.Error
	if !errors.Is(err, syscall.ESTALE) || !errors.As(err, &e) || !strings.Contains(e.Error(), "gone") {
		t.Errorf("OpenHandle of a namespace gone: %v", err)
	}
}

func TestListEx(t *testing.T) {
	// Flags 0 is List: our own namespaces are there, with processes.
	infos, err := linuxns.ListEx(0)
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]linuxns.Info{}
	for _, i := range infos {
		have[fmt.Sprintf("%s:[%d]", i.Type, i.ID)] = i
	}
	for _, name := range procNames {
		if i, ok := have[link(t, "self", name)]; !ok || i.NProcs < 1 {
			t.Errorf("ListEx(0) lacks our %s: %+v", link(t, "self", name), i)
		}
	}
	if _, err := linuxns.ListEx(linuxns.ListFlags(2)); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("ListEx with an unknown flag: %v", err)
	}

	// A network namespace no process is in, held only by our descriptor:
	// ListAll finds it, List does not.
	needRoot(t)
	ns, err := linuxns.New(linuxns.Net)
	if err != nil {
		t.Fatal(err)
	}
	defer ns.Close()
	id, _ := ns.ID()
	find := func(infos []linuxns.Info) (linuxns.Info, bool) {
		for _, i := range infos {
			if i.Type == linuxns.Net && i.ID == id {
				return i, true
			}
		}
		return linuxns.Info{}, false
	}
	plain, err := linuxns.List(linuxns.Net)
	if err != nil {
		t.Fatal(err)
	}
	if i, ok := find(plain); ok {
		t.Errorf("List found %s, held only by a descriptor: %+v", ns, i)
	}
	all, err := linuxns.ListEx(linuxns.ListAll, linuxns.Net)
	if err != nil {
		t.Fatal(err)
	}
	i, ok := find(all)
	if !ok {
		t.Fatalf("ListEx(ListAll, Net) lacks %s, held by our descriptor (%d namespaces)", ns, len(all))
	}
	if i.NProcs != 0 || i.Pid != 0 {
		t.Errorf("%s: NProcs %d, Pid %d; no process is in it", ns, i.NProcs, i.Pid)
	}
	if len(all) < len(plain) {
		t.Errorf("ListAll gave %d namespaces, List %d", len(all), len(plain))
	}
	for _, i := range all {
		if i.Type != linuxns.Net {
			t.Errorf("ListEx(ListAll, Net) gave %v", i.Type)
		}
	}
}

// mountinfoEntry is one line of /proc/PID/mountinfo.
type mountinfoEntry struct {
	parent                   uint32
	dev, root, point, fstype string
}

func readMountinfo(t *testing.T, file string) map[uint32]mountinfoEntry {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := map[uint32]mountinfoEntry{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for sc.Scan() {
		// ID PARENT MAJ:MIN ROOT POINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER
		fields := strings.Fields(sc.Text())
		sep := 0
		for i, f := range fields {
			if f == "-" {
				sep = i
				break
			}
		}
		if len(fields) < 7 || sep < 6 {
			t.Fatalf("%s: %q", file, sc.Text())
		}
		id, _ := strconv.ParseUint(fields[0], 10, 32)
		parent, _ := strconv.ParseUint(fields[1], 10, 32)
		m[uint32(id)] = mountinfoEntry{uint32(parent), fields[2], fields[3], fields[4], fields[sep+1]}
	}
	return m
}

// checkMounts lists ns's mounts and compares them with its count and
// with mountinfo, until a listing is not disturbed by a mount made or
// removed meanwhile (other programs may mount while the test runs).
func checkMounts(t *testing.T, ns *linuxns.Namespace, mountinfo string) []linuxns.MountInfo {
	t.Helper()
	var problem string
	for attempt := 0; attempt < 20; attempt++ {
		if attempt > 0 {
			time.Sleep(50 * time.Millisecond)
		}
		before, err := ns.MountCount()
		if err != nil {
			t.Fatalf("MountCount: %v", err)
		}
		mounts, err := ns.Mounts()
		if err != nil {
			t.Fatalf("Mounts: %v", err)
		}
		want := readMountinfo(t, mountinfo)
		after, err := ns.MountCount()
		if err != nil {
			t.Fatalf("MountCount: %v", err)
		}
		if before != after || len(mounts) != before || len(want) != before {
			problem = fmt.Sprintf("MountCount %d then %d, Mounts %d, %s %d lines", before, after, len(mounts), mountinfo, len(want))
			continue
		}
		problem = ""
		for _, m := range mounts {
			w, ok := want[m.ProcID]
			got := mountinfoEntry{m.ProcParentID, fmt.Sprintf("%d:%d", m.DevMajor, m.DevMinor), m.Root, m.MountPoint, m.FSType}
			if strings.Contains(w.point+w.root, `\`) { // octal escapes in mountinfo
				w.point, w.root = m.MountPoint, m.Root
			}
			if !ok || got != w {
				problem = fmt.Sprintf("mount %d: %+v, %s has %+v", m.ProcID, got, mountinfo, w)
				break
			}
		}
		if problem == "" {
			return mounts
		}
	}
	t.Fatalf("no undisturbed listing in 20 attempts: %s", problem)
	return nil
}

// The caller's own mount namespace, which any user may list: the same
// mounts as /proc/self/mountinfo, "/" among them, as many as MountCount.
func TestMountsOwnNamespace(t *testing.T) {
	ns, err := linuxns.OpenPid(os.Getpid(), linuxns.Mnt)
	if err != nil {
		t.Fatal(err)
	}
	defer ns.Close()
	mounts := checkMounts(t, ns, "/proc/self/mountinfo")
	root := false
	for _, m := range mounts {
		if m.MountPoint == "/" {
			root = true
			if m.FSType == "" || m.Source == "" {
				t.Errorf("root mount: %+v", m)
			}
		}
		if linuxns.Features()&linuxns.FeatureListmountNsFd != 0 && (m.ID == 0 || m.ParentID == 0) {
			t.Errorf("statmount path without unique ids: %+v", m)
		}
	}
	if !root {
		t.Errorf("no \"/\" among %d mounts", len(mounts))
	}

	net, err := linuxns.OpenPid(os.Getpid(), linuxns.Net)
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	if _, err := net.Mounts(); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("Mounts of a network namespace: %v", err)
	}
	if _, err := net.MountCount(); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("MountCount of a network namespace: %v", err)
	}
	if _, err := (&linuxns.Namespace{}).Mounts(); !errors.Is(err, syscall.EBADF) {
		t.Errorf("Mounts of no descriptor: %v", err)
	}
}

// A mount namespace no process is in, listed by its descriptor: a tmpfs
// mounted in it (by a RunIn thread) shows, and not in ours.
func TestMountsOtherNamespace(t *testing.T) {
	needRoot(t)
	ns, err := linuxns.New(linuxns.Mnt)
	if err != nil {
		t.Fatal(err)
	}
	defer ns.Close()
	dir := t.TempDir()
	var mountinfo string
	err = linuxns.RunIn(ns, linuxns.Mnt, func() error {
		if err := syscall.Mount("", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
			return err
		}
		if err := syscall.Mount("linuxns-go", dir, "tmpfs", syscall.MS_NOSUID, "size=1m"); err != nil {
			return err
		}
		data, err := os.ReadFile("/proc/thread-self/mountinfo")
		mountinfo = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "mountinfo")
	if err := os.WriteFile(file, []byte(mountinfo), 0o600); err != nil {
		t.Fatal(err)
	}
	mounts := checkMounts(t, ns, file)
	found := false
	for _, m := range mounts {
		if m.MountPoint == dir {
			found = true
			if m.FSType != "tmpfs" || m.Source != "linuxns-go" || m.Attr&0x2 == 0 || m.Idmapped {
				t.Errorf("the tmpfs: %+v", m)
			}
		}
	}
	if !found {
		t.Errorf("no mount on %s among %d", dir, len(mounts))
	}
	own, _ := linuxns.OpenPid(os.Getpid(), linuxns.Mnt)
	defer own.Close()
	ours, _ := own.Mounts()
	for _, m := range ours {
		if m.MountPoint == dir {
			t.Errorf("the tmpfs of another namespace is in ours: %+v", m)
		}
	}
}

func TestTranslatePid(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	ours, err := linuxns.OpenPid(0, linuxns.PID)
	if err != nil {
		t.Fatal(err)
	}
	defer ours.Close()
	for _, pid := range []int{os.Getpid(), syscall.Gettid()} {
		if got, err := linuxns.TranslatePid(pid, ours, ours); err != nil || got != pid {
			t.Errorf("TranslatePid(%d, ours, ours) = %d, %v", pid, got, err)
		}
	}
	if _, err := linuxns.TranslatePid(0, ours, ours); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("TranslatePid(0): %v", err)
	}
	net, _ := linuxns.OpenPid(0, linuxns.Net)
	defer net.Close()
	if _, err := linuxns.TranslatePid(os.Getpid(), net, ours); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("TranslatePid from a network namespace: %v", err)
	}

	// A child in a new PID namespace is pid 1 there.
	needRoot(t)
	child := linuxns.Command("sleep", "10")
	child.Namespaces = linuxns.PID
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer child.Wait()
	defer child.Process.Kill()
	theirs, err := linuxns.OpenPidfd(child.Pidfd(), linuxns.PID)
	if err != nil {
		t.Fatal(err)
	}
	defer theirs.Close()
	pid := child.Process.Pid
	if got, err := linuxns.TranslatePid(pid, ours, theirs); err != nil || got != 1 {
		t.Errorf("TranslatePid(%d, ours, child's) = %d, %v; want 1", pid, got, err)
	}
	if got, err := linuxns.TranslatePid(1, theirs, ours); err != nil || got != pid {
		t.Errorf("TranslatePid(1, child's, ours) = %d, %v; want %d", got, err, pid)
	}
	if _, err := linuxns.TranslatePid(os.Getpid(), ours, theirs); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("TranslatePid of ourselves into the child's namespace: %v, want ESRCH", err)
	}
}

// pidfdOpen is pidfd_open(2) (434 on every architecture Go supports but
// alpha's), for a pidfd of our own besides Cmd's.
func pidfdOpen(t *testing.T, pid int) int {
	t.Helper()
	fd, _, e := syscall.Syscall(434, uintptr(pid), 0, 0)
	if e != 0 {
		t.Skipf("pidfd_open: %v", e)
	}
	return int(fd)
}

// waitStatus polls PidfdStatus until the process has exited.
func waitStatus(t *testing.T, pidfd int) syscall.WaitStatus {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ws, err := linuxns.PidfdStatus(pidfd)
		if err == nil {
			return ws
		}
		if !errors.Is(err, syscall.EAGAIN) || time.Now().After(deadline) {
			t.Fatalf("PidfdStatus: %v", err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestPidfdStatus(t *testing.T) {
	cmd := linuxns.Command("sh", "-c", "read x; exit 7")
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdin = pr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pr.Close()
	own := pidfdOpen(t, cmd.Process.Pid)
	defer syscall.Close(own)
	if _, err := linuxns.PidfdStatus(cmd.Pidfd()); !errors.Is(err, syscall.EAGAIN) {
		t.Errorf("PidfdStatus of a running child: %v, want EAGAIN", err)
	}
	pw.Close() // read gets EOF: the child exits 7
	ws := waitStatus(t, cmd.Pidfd())
	if !ws.Exited() || ws.ExitStatus() != 7 {
		t.Errorf("exited child: status %#x, want exit 7", uint32(ws))
	}
	// Not reaped: Wait still gets it.
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 7 {
		t.Errorf("Wait after PidfdStatus: %v", err)
	}
	// Reaped now: the kernel keeps the status from 6.15.
	ws, err = linuxns.PidfdStatus(own)
	if linuxns.Features()&linuxns.FeaturePidfdInfoExit != 0 {
		if err != nil || !ws.Exited() || ws.ExitStatus() != 7 {
			t.Errorf("PidfdStatus of a reaped child: %#x, %v", uint32(ws), err)
		}
	} else if !errors.Is(err, syscall.EOPNOTSUPP) {
		t.Errorf("PidfdStatus of a reaped child without PIDFD_INFO_EXIT: %v", err)
	}

	// A signal.
	cmd = linuxns.Command("sleep", "10")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	cmd.Process.Kill()
	ws = waitStatus(t, cmd.Pidfd())
	if !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Errorf("killed child: status %#x", uint32(ws))
	}
	cmd.Wait()

	if _, err := linuxns.PidfdStatus(-1); !errors.Is(err, syscall.EBADF) {
		t.Errorf("PidfdStatus(-1): %v", err)
	}
}

func TestFeatures(t *testing.T) {
	f := linuxns.Features()
	if os.Getenv("LINUXNS_FORCE_FALLBACK") == "1" {
		if f != 0 {
			t.Errorf("Features() under LINUXNS_FORCE_FALLBACK=1: %v", f)
		}
		return
	}
	if f&linuxns.FeatureClone3 == 0 {
		t.Errorf("Features() = %v: no clone3", f)
	}
	if !strings.Contains(f.String(), "clone3") || f != linuxns.Features() {
		t.Errorf("Features() = %v (%#x)", f, uint64(f))
	}
	// The bits agree with what the calls do.
	ns, err := linuxns.OpenPid(os.Getpid(), linuxns.Net)
	if err != nil {
		t.Fatal(err)
	}
	defer ns.Close()
	_, err = ns.UniqueID()
	if (f&linuxns.FeatureNsGetID != 0) != (err == nil) {
		t.Errorf("ns_get_id %v, UniqueID: %v", f&linuxns.FeatureNsGetID != 0, err)
	}
	_, err = ns.Handle()
	if (f&linuxns.FeatureNsfsHandles != 0) != (err == nil) {
		t.Errorf("nsfs_handles %v, Handle: %v", f&linuxns.FeatureNsfsHandles != 0, err)
	}
	if s := (linuxns.FeatureClone3 | linuxns.FeatureListns | 1<<40).String(); s != "clone3|listns|0x10000000000" {
		t.Errorf("String: %q", s)
	}
}

// statusLines runs cat on the child's /proc/self files and gives their
// lines by key ("Uid", "Max open files", ...).
func statusLines(t *testing.T, cmd *linuxns.Cmd) map[string]string {
	t.Helper()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v (%q)", cmd, err, out)
	}
	return parseStatus(string(out))
}

// parseStatus gives the lines of /proc/PID/status and /proc/PID/limits
// by key, their values' fields joined by one space.
func parseStatus(text string) map[string]string {
	lines := map[string]string{}
	for _, l := range strings.Split(text, "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok {
			lines[k] = strings.Join(strings.Fields(v), " ")
		} else if strings.HasPrefix(l, "Max ") && len(l) > 26 { // /proc/PID/limits
			lines[strings.TrimSpace(l[:26])] = strings.Join(strings.Fields(l[26:]), " ")
		}
	}
	return lines
}

func catStatus(files ...string) *linuxns.Cmd {
	return linuxns.Command("cat", append([]string{"/proc/self/status"}, files...)...)
}

// Ids, groups, umask and limits, read back in the child.
func TestCmdIdsUmaskRlimit(t *testing.T) {
	needRoot(t)
	cmd := catStatus("/proc/self/limits")
	cmd.Credential = &syscall.Credential{Uid: 65534, Gid: 65533, Groups: []uint32{1234, 5678}}
	mask := os.FileMode(0o027)
	cmd.Umask = &mask
	cmd.Rlimits = map[int]syscall.Rlimit{
		syscall.RLIMIT_NOFILE: {Cur: 123, Max: 456},
		syscall.RLIMIT_CORE:   {Cur: 0, Max: 0},
	}
	s := statusLines(t, cmd)
	for k, want := range map[string]string{
		"Uid": "65534 65534 65534 65534", "Gid": "65533 65533 65533 65533", "Groups": "1234 5678",
		"Umask": "0027", "Max open files": "123 456 files", "Max core file size": "0 0 bytes",
		"CapEff": "0000000000000000",
	} {
		if s[k] != want {
			t.Errorf("%s: %q, want %q", k, s[k], want)
		}
	}

	// ^uint32(0) leaves the uid; empty Groups means none; NoSetGroups
	// keeps ours.
	cmd = catStatus()
	cmd.Credential = &syscall.Credential{Uid: ^uint32(0), Gid: 4321, Groups: []uint32{}}
	s = statusLines(t, cmd)
	if s["Uid"] != "0 0 0 0" || s["Gid"] != "4321 4321 4321 4321" || s["Groups"] != "" {
		t.Errorf("uid left, gid 4321, no groups: Uid %q Gid %q Groups %q", s["Uid"], s["Gid"], s["Groups"])
	}
	mine, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	cmd = catStatus()
	cmd.Credential = &syscall.Credential{Uid: 65534, Gid: 65534, Groups: []uint32{1}, NoSetGroups: true}
	s = statusLines(t, cmd)
	if ours := parseStatus(string(mine))["Groups"]; s["Groups"] != ours || s["Uid"] != "65534 65534 65534 65534" {
		t.Errorf("NoSetGroups: child's groups %q, uid %q; ours %q", s["Groups"], s["Uid"], ours)
	}

	// Refused up front, nothing started.
	for name, c := range map[string]*linuxns.Cmd{
		"ns_spawn_attr_set_umask":  {Umask: func() *os.FileMode { m := os.FileMode(0o1777); return &m }()},
		"ns_spawn_attr_set_rlimit": {Rlimits: map[int]syscall.Rlimit{syscall.RLIMIT_NOFILE: {Cur: 2, Max: 1}}},
		"ns_spawn_attr_set_ids":    {Credential: &syscall.Credential{Uid: 1, Gid: 1, Groups: []uint32{^uint32(0)}}},
	} {
		c.Path = "true"
		err := c.Run()
		var e *linuxns.Error
		if !errors.As(err, &e) || e.Op != name || e.Errno != syscall.EINVAL || c.Process != nil {
			t.Errorf("%s with bad input: %v", name, err)
		}
	}
}

// procStat gives pid, process group and session from the child's
// /proc/self/stat.
func procStat(t *testing.T, cmd *linuxns.Cmd) (pid, pgrp, sid int) {
	t.Helper()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v", cmd, err)
	}
	s := string(out)
	rest := strings.Fields(s[strings.LastIndex(s, ")")+1:]) // state ppid pgrp session
	if len(rest) < 4 {
		t.Fatalf("/proc/self/stat: %q", s)
	}
	pid, _ = strconv.Atoi(strings.Fields(s)[0])
	pgrp, _ = strconv.Atoi(rest[2])
	sid, _ = strconv.Atoi(rest[3])
	return
}

func TestCmdSessionAndGroup(t *testing.T) {
	ourSid, _, _ := syscall.RawSyscall(syscall.SYS_GETSID, 0, 0, 0)
	cmd := linuxns.Command("cat", "/proc/self/stat")
	cmd.Setsid = true
	if pid, pgrp, sid := procStat(t, cmd); pid != cmd.Process.Pid || pgrp != pid || sid != pid {
		t.Errorf("Setsid: pid %d, group %d, session %d", pid, pgrp, sid)
	}
	cmd = linuxns.Command("cat", "/proc/self/stat")
	cmd.Setpgid = true
	if pid, pgrp, sid := procStat(t, cmd); pgrp != pid || sid != int(ourSid) {
		t.Errorf("Setpgid 0: pid %d, group %d, session %d (ours %d)", pid, pgrp, sid, ourSid)
	}
	cmd = linuxns.Command("true")
	cmd.Setsid, cmd.Setpgid = true, true
	if err := cmd.Run(); !errors.Is(err, syscall.EINVAL) || cmd.Process != nil {
		t.Errorf("Setsid with Setpgid: %v", err)
	}
	cmd = linuxns.Command("true")
	cmd.Setpgid, cmd.Pgid = true, -1
	if err := cmd.Run(); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("Pgid -1: %v", err)
	}
}

func TestCmdCaps(t *testing.T) {
	needRoot(t)
	const netBindService = 1 << 10
	// A root program is limited by the bounding set.
	cmd := catStatus()
	cmd.Caps = map[linuxns.CapSet]uint64{linuxns.CapsBounding: netBindService}
	s := statusLines(t, cmd)
	if s["CapBnd"] != "0000000000000400" || s["CapEff"] != "0000000000000400" {
		t.Errorf("bounding set: CapBnd %q CapEff %q", s["CapBnd"], s["CapEff"])
	}
	// A program of another uid keeps what is ambient.
	cmd = catStatus()
	cmd.Credential = &syscall.Credential{Uid: 65534, Gid: 65534}
	cmd.Caps = map[linuxns.CapSet]uint64{
		linuxns.CapsPermitted | linuxns.CapsEffective | linuxns.CapsInheritable | linuxns.CapsAmbient: netBindService,
	}
	s = statusLines(t, cmd)
	for _, k := range []string{"CapAmb", "CapEff", "CapPrm", "CapInh"} {
		if s[k] != "0000000000000400" {
			t.Errorf("ambient CAP_NET_BIND_SERVICE as uid 65534: %s %q", k, s[k])
		}
	}
	if s["Uid"] != "65534 65534 65534 65534" {
		t.Errorf("Uid %q", s["Uid"])
	}
	for _, caps := range []map[linuxns.CapSet]uint64{{0: 1}, {0x20: 1}, {linuxns.CapsAmbient: 1 << 63}} {
		cmd := linuxns.Command("true")
		cmd.Caps = caps
		if err := cmd.Run(); !errors.Is(err, syscall.EINVAL) || cmd.Process != nil {
			t.Errorf("Caps %v: %v", caps, err)
		}
	}
}

// seccomp return values (linux/seccomp.h) and the offset of nr in struct
// seccomp_data.
const (
	seccompRetAllow = 0x7fff0000
	seccompRetErrno = 0x00050000
)

func TestCmdSeccomp(t *testing.T) {
	allow := []syscall.SockFilter{{Code: syscall.BPF_RET | syscall.BPF_K, K: seccompRetAllow}}
	cmd := catStatus()
	cmd.Seccomp = allow
	s := statusLines(t, cmd)
	if s["Seccomp"] != "2" || s["NoNewPrivs"] != "1" {
		t.Errorf("a filter: Seccomp %q, NoNewPrivs %q", s["Seccomp"], s["NoNewPrivs"])
	}
	// uname(2) refused with EPERM, everything else allowed.
	cmd = linuxns.Command("uname", "-n")
	cmd.Seccomp = []syscall.SockFilter{
		{Code: syscall.BPF_LD | syscall.BPF_W | syscall.BPF_ABS, K: 0}, // nr
		{Code: syscall.BPF_JMP | syscall.BPF_JEQ | syscall.BPF_K, Jt: 0, Jf: 1, K: syscall.SYS_UNAME},
		{Code: syscall.BPF_RET | syscall.BPF_K, K: seccompRetErrno | uint32(syscall.EPERM)},
		{Code: syscall.BPF_RET | syscall.BPF_K, K: seccompRetAllow},
	}
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(strings.ToLower(string(out)), syscall.EPERM.Error()) {
		t.Errorf("uname under a filter refusing it: %q, %v", out, err)
	}
	// A program that does not end in a return is refused up front.
	cmd = linuxns.Command("true")
	cmd.Seccomp = []syscall.SockFilter{{Code: syscall.BPF_LD | syscall.BPF_W | syscall.BPF_ABS}}
	err = cmd.Run()
	var e *linuxns.Error
	if !errors.As(err, &e) || e.Op != "ns_spawn_attr_set_seccomp" || e.Errno != syscall.EINVAL || cmd.Process != nil {
		t.Errorf("a filter without a return: %v", err)
	}
}

// nobodyUserns creates the user namespace mapping 0 to 65534, or skips
// where the kernel has no idmapped mounts.
func nobodyUserns(t *testing.T) *linuxns.Namespace {
	t.Helper()
	if linuxns.Features()&linuxns.FeatureIdmappedMounts == 0 {
		t.Skip("no idmapped mounts here")
	}
	m := []linuxns.IDMap{{Inside: 0, Outside: 65534, Count: 1}}
	userns, err := linuxns.NewUserns(m, m, 0)
	if err != nil {
		t.Fatal(err)
	}
	return userns
}

// In a mount namespace of its own (a RunIn thread), root's file shows as
// 65534's through the idmapped mount and as root's at its source; the
// mount listing marks it idmapped.
func TestMountIdmapped(t *testing.T) {
	needRoot(t)
	userns := nobodyUserns(t)
	defer userns.Close()
	mnt, err := linuxns.New(linuxns.Mnt)
	if err != nil {
		t.Fatal(err)
	}
	defer mnt.Close()
	base := t.TempDir()
	src, dst := filepath.Join(base, "src"), filepath.Join(base, "dst")
	for _, d := range []string{src, dst} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(src, "owned"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	owner := func(path string) string {
		var st syscall.Stat_t
		if err := syscall.Stat(path, &st); err != nil {
			return err.Error()
		}
		return fmt.Sprintf("%d:%d", st.Uid, st.Gid)
	}
	var through, at string
	err = linuxns.RunIn(mnt, linuxns.Mnt, func() error {
		if err := syscall.Mount("", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
			return err
		}
		if err := linuxns.MountIdmapped(src, dst, userns); err != nil {
			return err
		}
		through, at = owner(filepath.Join(dst, "owned")), owner(filepath.Join(src, "owned"))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if through != "65534:65534" || at != "0:0" {
		t.Errorf("root's file: %s through the idmapped mount (want 65534:65534), %s at its source", through, at)
	}
	if got := owner(filepath.Join(dst, "owned")); !strings.Contains(got, "no such file") {
		t.Errorf("the mount is in our namespace: %s", got)
	}
	mounts, err := mnt.Mounts()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, m := range mounts {
		if m.MountPoint == dst {
			found = true
			if !m.Idmapped || m.Attr&0x100000 == 0 {
				t.Errorf("the idmapped mount: %+v", m)
			}
		}
	}
	if !found {
		t.Errorf("no mount on %s in its namespace", dst)
	}

	// Refusals: a namespace that is not a user namespace, no source.
	net, _ := linuxns.OpenPid(os.Getpid(), linuxns.Net)
	defer net.Close()
	if err := linuxns.MountIdmapped(src, dst, net); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("MountIdmapped through a network namespace: %v", err)
	}
	if err := linuxns.MountIdmapped(filepath.Join(base, "none"), dst, userns); !errors.Is(err, syscall.ENOENT) {
		t.Errorf("MountIdmapped of a missing source: %v", err)
	}
}

// A sandbox in a new user namespace mapping 0 to 65534, on a root of host
// root's files (with /usr bound in, for a shell): without RootIdmap its
// root owns nothing there, with it the files are its root's.
func TestCmdRootIdmap(t *testing.T) {
	needRoot(t)
	userns := nobodyUserns(t)
	defer userns.Close()
	mnt, err := linuxns.New(linuxns.Mnt)
	if err != nil {
		t.Fatal(err)
	}
	defer mnt.Close()
	root := filepath.Join(t.TempDir(), "root")
	for _, d := range []string{root, root + "/usr", root + "/proc"} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, l := range []string{"bin", "lib", "lib64"} {
		if err := os.Symlink("usr/"+l, filepath.Join(root, l)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(root, "owned"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	sandbox := func(idmap *linuxns.Namespace) (string, error) {
		m := []linuxns.IDMap{{Inside: 0, Outside: 65534, Count: 1}}
		cmd := linuxns.Command("/bin/sh", "-c", "stat -c %u:%g /owned; id -u")
		cmd.Namespaces = linuxns.User | linuxns.Mnt
		cmd.UIDMap, cmd.GIDMap = m, m
		cmd.Root = root
		cmd.RootIdmap = idmap
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	var plain, idmapped string
	var plainErr, idmappedErr error
	// The /usr bind mount and the spawns are made in a mount namespace of
	// their own, by a RunIn thread; it goes away with mnt.
	err = linuxns.RunIn(mnt, linuxns.Mnt, func() error {
		if err := syscall.Mount("", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
			return err
		}
		if err := syscall.Mount("/usr", root+"/usr", "", syscall.MS_BIND|syscall.MS_REC, ""); err != nil {
			return err
		}
		plain, plainErr = sandbox(nil)
		idmapped, idmappedErr = sandbox(userns)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The program itself is host uid 0, which has no id inside (the
	// overflow id 65534): without the idmap, root's files are not its
	// root's either.
	if plainErr != nil || plain != "65534:65534\n65534\n" {
		t.Errorf("sandbox without RootIdmap: %q, %v", plain, plainErr)
	}
	// With it, they are the sandbox's root's.
	if idmappedErr != nil || idmapped != "0:0\n65534\n" {
		t.Errorf("sandbox with RootIdmap: %q, %v", idmapped, idmappedErr)
	}
	// Root is required.
	cmd := linuxns.Command("true")
	cmd.Namespaces = linuxns.User | linuxns.Mnt
	cmd.MapRoot = true
	cmd.RootIdmap = userns
	if err := cmd.Run(); !errors.Is(err, syscall.EINVAL) || cmd.Process != nil {
		t.Errorf("RootIdmap without Root: %v", err)
	}
	cmd = linuxns.Command("true")
	cmd.RootIdmap = &linuxns.Namespace{}
	if err := cmd.Run(); !errors.Is(err, syscall.EBADF) {
		t.Errorf("RootIdmap of no descriptor: %v", err)
	}
}

// NoNewPrivs, read back by the program from /proc/self/status: off by
// default, on when asked, directly and through new and joined namespaces
// (the library's intermediate process); the caller never gets it.
func TestCmdNoNewPrivs(t *testing.T) {
	mine, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	if v := parseStatus(string(mine))["NoNewPrivs"]; v != "0" {
		t.Fatalf("the test itself runs with NoNewPrivs %q", v)
	}
	if s := statusLines(t, catStatus()); s["NoNewPrivs"] != "0" {
		t.Errorf("without NoNewPrivs: NoNewPrivs %q, want 0", s["NoNewPrivs"])
	}
	cmd := catStatus()
	cmd.NoNewPrivs = true
	if s := statusLines(t, cmd); s["NoNewPrivs"] != "1" {
		t.Errorf("NoNewPrivs: NoNewPrivs %q, want 1", s["NoNewPrivs"])
	}
	mine, err = os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	if v := parseStatus(string(mine))["NoNewPrivs"]; v != "0" {
		t.Errorf("the caller got NoNewPrivs %q", v)
	}
	if os.Geteuid() != 0 {
		return
	}
	cmd = catStatus()
	cmd.NoNewPrivs = true
	cmd.Namespaces = linuxns.User | linuxns.PID | linuxns.Mnt | linuxns.UTS
	cmd.MapRoot = true
	if s := statusLines(t, cmd); s["NoNewPrivs"] != "1" || s["Uid"] != "0 0 0 0" {
		t.Errorf("NoNewPrivs in new namespaces: NoNewPrivs %q, Uid %q", s["NoNewPrivs"], s["Uid"])
	}
	uts, err := linuxns.OpenPid(0, linuxns.UTS)
	if err != nil {
		t.Fatal(err)
	}
	defer uts.Close()
	cmd = catStatus()
	cmd.NoNewPrivs = true
	cmd.Join = []*linuxns.Namespace{uts}
	if s := statusLines(t, cmd); s["NoNewPrivs"] != "1" {
		t.Errorf("NoNewPrivs with a join: NoNewPrivs %q, want 1", s["NoNewPrivs"])
	}
}

// pollReadable waits up to timeout for fd to poll readable (a pidfd:
// its process has exited).
func pollReadable(t *testing.T, fd int, timeout time.Duration) bool {
	t.Helper()
	p := struct {
		fd             int32
		events, revent int16
	}{fd: int32(fd), events: 0x1} // POLLIN
	ts := syscall.NsecToTimespec(int64(timeout))
	for {
		n, _, e := syscall.Syscall6(syscall.SYS_PPOLL, uintptr(unsafe.Pointer(&p)), 1,
			uintptr(unsafe.Pointer(&ts)), 0, 0, 0)
		if e == syscall.EINTR {
			continue
		}
		if e != 0 {
			t.Fatalf("ppoll: %v", e)
		}
		return n == 1
	}
}

// refusedWithout checks Start's error where the kernel lacks the flag
// (before 7.1, or LINUXNS_FORCE_FALLBACK=1): EOPNOTSUPP from the setter,
// whose ns_last_error names it, the clone3 flag and 7.1, and nothing
// started.
func refusedWithout(t *testing.T, cmd *linuxns.Cmd, err error, op, flag string) {
	t.Helper()
	var e *linuxns.Error
	if !errors.As(err, &e) || e.Op != op || e.Errno != syscall.EOPNOTSUPP || !errors.Is(err, syscall.EOPNOTSUPP) {
		t.Fatalf("%s without %s: %v, want EOPNOTSUPP from %s", cmd, flag, err, op)
	}
	t.Logf("refused: %v", err)
	for _, want := range []string{op, flag, "7.1"} {
		if !strings.Contains(e.Error(), want) {
			t.Errorf("error %q does not name %s", e.Error(), want)
		}
	}
	if cmd.Process != nil || cmd.Pidfd() != -1 {
		t.Errorf("%s: a process after the refusal", cmd)
	}
}

// Autoreap: where the kernel has CLONE_AUTOREAP, no zombie and no waitpid,
// the status from the pidfd once it polls readable, and Wait's
// *ExitError; elsewhere Start's EOPNOTSUPP naming 7.1, and the same Cmd
// without Autoreap runs and is waited for as ever.
func TestCmdAutoreap(t *testing.T) {
	cmd := linuxns.Command("sh", "-c", "exit 7")
	cmd.Autoreap = true
	err := cmd.Start()
	if linuxns.Features()&linuxns.FeatureCloneAutoreap == 0 {
		refusedWithout(t, cmd, err, "ns_spawn_attr_set_autoreap", "CLONE_AUTOREAP")
		cmd = linuxns.Command("sh", "-c", "exit 7")
		cmd.Autoreap = false
		err = cmd.Run()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 7 || cmd.ProcessState == nil {
			t.Errorf("Autoreap off: %v, want exit status 7", err)
		}
		return
	}
	if err != nil {
		t.Fatalf("Autoreap with FeatureCloneAutoreap: %v", err)
	}
	pid := cmd.Process.Pid
	if !pollReadable(t, cmd.Pidfd(), 10*time.Second) {
		t.Fatal("the pidfd of a program that exits 7 never polled readable")
	}
	ws := waitStatus(t, cmd.Pidfd())
	if !ws.Exited() || ws.ExitStatus() != 7 {
		t.Errorf("PidfdStatus: %#x, want exit 7", uint32(ws))
	}
	// Neither a zombie nor waitable.
	if _, err := syscall.Wait4(pid, nil, syscall.WNOHANG|syscall.WALL, nil); err != syscall.ECHILD {
		t.Errorf("wait4 of an autoreaped child: %v, want ECHILD", err)
	}
	err = cmd.Wait()
	var ee *linuxns.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 7 || err.Error() != "exit status 7" || cmd.ProcessState != nil {
		t.Errorf("Wait: %v (ProcessState %v), want *ExitError exit status 7", err, cmd.ProcessState)
	}
	// Output, a success and a signal.
	cmd = linuxns.Command("echo", "reaped")
	cmd.Autoreap = true
	if out, err := cmd.Output(); err != nil || string(out) != "reaped\n" {
		t.Errorf("Output with Autoreap: %q, %v", out, err)
	}
	cmd = linuxns.Command("sleep", "60")
	cmd.Autoreap = true
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if _, _, e := syscall.Syscall6(424, uintptr(cmd.Pidfd()), uintptr(syscall.SIGKILL), 0, 0, 0, 0); e != 0 {
		t.Fatalf("pidfd_send_signal: %v", e)
	}
	if err := cmd.Wait(); !errors.As(err, &ee) || ee.Status.Signal() != syscall.SIGKILL || ee.ExitCode() != -1 {
		t.Errorf("Wait of a killed autoreaped child: %v", err)
	}
	// A join needs the intermediate process: ns_spawn refuses.
	uts, err := linuxns.OpenPid(0, linuxns.UTS)
	if err != nil {
		t.Fatal(err)
	}
	defer uts.Close()
	cmd = linuxns.Command("true")
	cmd.Autoreap = true
	cmd.Join = []*linuxns.Namespace{uts}
	if err := cmd.Run(); !errors.Is(err, syscall.EOPNOTSUPP) || cmd.Process != nil {
		t.Errorf("Autoreap with Join: %v, want EOPNOTSUPP", err)
	}
}

// Autokill: where the kernel has CLONE_PIDFD_AUTOKILL, closing the pidfd
// kills the program (and the kernel reaps it), and it runs with
// no_new_privs; elsewhere Start's EOPNOTSUPP naming 7.1, and without
// Autokill the program runs.
func TestCmdAutokill(t *testing.T) {
	cmd := linuxns.Command("sleep", "60")
	cmd.Autokill = true
	err := cmd.Start()
	if linuxns.Features()&linuxns.FeatureClonePidfdAutokill == 0 {
		refusedWithout(t, cmd, err, "ns_spawn_attr_set_autokill", "CLONE_PIDFD_AUTOKILL")
		cmd = linuxns.Command("echo", "ok")
		cmd.Autokill = false
		if out, err := cmd.Output(); err != nil || string(out) != "ok\n" || cmd.ProcessState == nil {
			t.Errorf("Autokill off: %q, %v", out, err)
		}
		return
	}
	if err != nil {
		t.Fatalf("Autokill with FeatureClonePidfdAutokill: %v", err)
	}
	pid := cmd.Process.Pid
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	if v := parseStatus(string(status))["NoNewPrivs"]; v != "1" {
		t.Errorf("Autokill implies NoNewPrivs: %q", v)
	}
	syscall.Close(cmd.Pidfd()) // the last descriptor of the pidfd: SIGKILL
	deadline := time.Now().Add(10 * time.Second)
	for syscall.Kill(pid, 0) == nil && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if err := syscall.Kill(pid, 0); err != syscall.ESRCH {
		t.Errorf("closing the pidfd of an Autokill program: kill(%d, 0) = %v, want ESRCH", pid, err)
	}
	// Wait while the pidfd stays open: the status of a normal exit.
	cmd = linuxns.Command("sh", "-c", "exit 3")
	cmd.Autokill = true
	var ee *linuxns.ExitError
	if err := cmd.Run(); !errors.As(err, &ee) || ee.ExitCode() != 3 {
		t.Errorf("Run with Autokill: %v, want exit status 3", err)
	}
}

// Wait's path for a program the kernel reaps (poll the pidfd, then
// PidfdStatus) works on a child of any kernel, which it leaves for Wait;
// and ExitError words a status as os.ProcessState does.
func TestWaitReapedAndExitError(t *testing.T) {
	cmd := linuxns.Command("sh", "-c", "exit 5")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ws, err := linuxns.WaitReaped(cmd.Pidfd())
	if err != nil || !ws.Exited() || ws.ExitStatus() != 5 {
		t.Errorf("WaitReaped: %#x, %v, want exit 5", uint32(ws), err)
	}
	var xe *exec.ExitError
	if err := cmd.Wait(); !errors.As(err, &xe) || xe.ExitCode() != 5 {
		t.Errorf("Wait after WaitReaped: %v", err)
	}
	for _, c := range []struct {
		status syscall.WaitStatus
		text   string
		code   int
	}{
		{3 << 8, "exit status 3", 3},
		{syscall.WaitStatus(syscall.SIGKILL), "signal: killed", -1},
		{syscall.WaitStatus(syscall.SIGSEGV) | 0x80, "signal: segmentation fault (core dumped)", -1},
	} {
		e := &linuxns.ExitError{Status: c.status}
		if e.Error() != c.text || e.ExitCode() != c.code {
			t.Errorf("ExitError{%#x}: %q %d, want %q %d", uint32(c.status), e.Error(), e.ExitCode(), c.text, c.code)
		}
	}
}
