package linuxns

/*
#include <stdint.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <linux/filter.h>
#include <linuxns.h>
*/
import "C"

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unsafe"
)

// Descriptor is anything with a file descriptor: an *os.File, or FD.
type Descriptor interface {
	Fd() uintptr
}

// FD is a raw descriptor number used as a Descriptor (e.g. Cmd.Cgroup).
type FD int

// Fd gives the number.
func (f FD) Fd() uintptr { return uintptr(f) }

// Cmd is a program to start in new or existing namespaces, in the manner
// of os/exec.Cmd: fill in the fields, then Start and Wait, or Run, or
// Output. The spawn is ns_spawn: the calling goroutine and its thread
// never move, so a Cmd may be started from any goroutine.
type Cmd struct {
	// Path is the program; without a '/' it is looked up in PATH.
	Path string
	// Args are the arguments, with the program name in Args[0]; empty
	// means {Path}.
	Args []string
	// Env is the environment; nil means the caller's.
	Env []string
	// Dir is the working directory (inside Root when Root is set).
	Dir string

	// Stdin, Stdout and Stderr as in os/exec: nil is the null device, an
	// *os.File is passed to the child as it is, anything else goes
	// through a pipe and a goroutine that copies, which Wait waits for.
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// ExtraFiles become descriptors 3, 4, ... of the child.
	ExtraFiles []*os.File

	// Namespaces are the new namespaces the child gets (a mask).
	Namespaces Type
	// Join are existing namespaces the child enters before new ones are
	// created.
	Join []*Namespace
	// MapRoot maps the caller's uid and gid to root in a new user
	// namespace, as unshare -r (needs User in Namespaces).
	MapRoot bool
	// UIDMap and GIDMap are the maps of a new user namespace, written
	// with MapFlags (MapUseHelper); the gid map gets setgroups denied
	// unless MapUseHelper is set.
	UIDMap, GIDMap []IDMap
	MapFlags       MapFlags
	// Pool, when set, lets the child take its namespaces from a pool of
	// sets made ahead of time (ns_spawn_attr_use_pool): with a set ready
	// it joins the set's namespaces and creates the other Namespaces
	// (owned by the pooled user namespace, when the pool has one); with
	// the pool empty or closed it creates every namespace itself, as
	// without a pool; it never waits for the refill thread. The pool's
	// types must all be in Namespaces (Start fails with EINVAL
	// otherwise); with User in the pool, the maps must be none or
	// MapRoot's (the pooled user namespace has them already).
	Pool *Pool
	// Hostname is set in a new or joined UTS namespace.
	Hostname string
	// Root becomes the root directory of a new mount namespace.
	Root string
	// MountProc mounts a fresh /proc (needs new PID and mount namespaces).
	MountProc bool
	// Propagation of the new mount namespace (default private).
	Propagation Propagation
	// Cgroup, a cgroup v2 directory (*os.File, or FD), is the cgroup
	// the child starts in.
	Cgroup Descriptor
	// TimeOffsets are the clock offsets of a new time namespace.
	TimeOffsets map[Clock]time.Duration
	// Pdeathsig is sent to the child when the thread that started it
	// ends (as SysProcAttr.Pdeathsig of os/exec: Go keeps its threads
	// unless a locked goroutine exits).
	Pdeathsig syscall.Signal

	// RootIdmap, a user namespace (e.g. from NewUserns), makes Root an
	// idmapped mount through it instead of a bind mount (see
	// MountIdmapped): with it mapping ids as the child's own maps do
	// (e.g. {0, 65534, 1} for both), the sandbox's root owns the files
	// host root owns on disk. Needs Root, a privileged caller and a
	// filesystem that supports idmapped mounts (kernel 5.12).
	RootIdmap *Namespace

	// Credential, when set, gives the uid, gid and supplementary groups
	// the program runs with, as SysProcAttr.Credential of os/exec
	// (setgroups, setresgid, setresuid in the child's final namespaces,
	// so in a new user namespace ids of its maps): Groups are the
	// supplementary groups (none when empty) unless NoSetGroups leaves
	// the caller's; a Uid or Gid of ^uint32(0) leaves that id as it is.
	// Leaving uid 0 clears the program's capabilities unless Caps keeps
	// some. Inside a user namespace with setgroups denied (MapRoot, or
	// a gid map written without MapUseHelper) set NoSetGroups.
	Credential *syscall.Credential
	// Setsid starts the program in a new session and process group of
	// its own, without a controlling terminal (so it cannot inject
	// input into the caller's terminal). Not with Setpgid.
	Setsid bool
	// Setpgid puts the program into the process group Pgid, an existing
	// group of the caller's session, or a new group with its pid when
	// Pgid is 0 (in a new PID namespace only 0 works).
	Setpgid bool
	Pgid    int
	// Caps sets capability sets of the program: each key is a CapSet (one
	// set, or an OR of several) whose sets become the value, a mask with
	// bit n for capability n (1 << 10 is CAP_NET_BIND_SERVICE); sets
	// not named are left as the kernel leaves them. Keys are applied in
	// ascending order, so where two keys name the same set the larger
	// one's value wins. A program that does not run as root keeps
	// capabilities C with CapsPermitted|CapsEffective|CapsInheritable|
	// CapsAmbient: C; a root program is limited to C with CapsBounding: C.
	Caps map[CapSet]uint64
	// Rlimits are resource limits of the program, by resource
	// (syscall.RLIMIT_NOFILE, ...; 0 to 15), set in the child with
	// prlimit before its ids change (so a privileged caller may raise
	// hard limits), in ascending order of resource.
	Rlimits map[int]syscall.Rlimit
	// Seccomp is a seccomp filter (classic BPF over struct seccomp_data,
	// 1 to 4096 instructions), checked by the library as the kernel will
	// check it and installed last in the child, right before execve,
	// with no_new_privs set. It must let execve, write and exit_group
	// through for failures to be reported.
	Seccomp []syscall.SockFilter
	// Umask, when set, is the program's umask (0 to 0777).
	Umask *os.FileMode
	// NoNewPrivs starts the program with no_new_privs set: execve never
	// grants it privileges (set-user-ID and set-group-ID bits and file
	// capabilities are ignored), for it and everything it runs, and the
	// flag cannot be cleared. Seccomp sets it as well. Any kernel: clone3's
	// CLONE_NNP (7.1) where the program is cloned directly, and
	// PR_SET_NO_NEW_PRIVS in the child right before the seccomp filter
	// and exec.
	NoNewPrivs bool
	// Autoreap lets the kernel reap the program when it exits (clone3's
	// CLONE_AUTOREAP, Linux 7.1): it never becomes a zombie and sends no
	// SIGCHLD, and waitpid cannot wait for it, so neither can
	// Process.Wait. Wait then blocks until its pidfd polls readable and
	// reads its status there (PidfdStatus): ProcessState stays nil, and a
	// non-zero exit or a signal gives an *ExitError. Not with Join or
	// TimeOffsets (the kernel reaps only a child cloned by the caller
	// itself: Start fails with EOPNOTSUPP). Signal it through Pidfd
	// (pidfd_send_signal): its pid may be reused as soon as it has
	// exited, with no Wait to keep it. On a kernel without it
	// (Features has no FeatureCloneAutoreap) Start fails with an *Error
	// of ns_spawn_attr_set_autoreap, EOPNOTSUPP: wait for the program as
	// usual instead.
	Autoreap bool
	// Autokill kills the program (SIGKILL) when the last descriptor of
	// its pidfd (Pidfd) closes: when the calling process exits or
	// crashes, or execs (the pidfd is close-on-exec), or when the pidfd
	// is closed by hand, after which Wait must not be called (clone3's
	// CLONE_PIDFD_AUTOKILL, Linux 7.1). It implies Autoreap (Wait reads
	// the status from the pidfd, which it closes only after the program
	// has exited) and NoNewPrivs. Not with Join or TimeOffsets. On a
	// kernel without it (Features has no FeatureClonePidfdAutokill)
	// Start fails with an *Error of ns_spawn_attr_set_autokill,
	// EOPNOTSUPP: end the program yourself (Pdeathsig ties it to the
	// thread that started it).
	Autokill bool

	// Process is the started process, from Start on.
	Process *os.Process
	// ProcessState is the exited process, after Wait (nil with Autoreap
	// and Autokill: the kernel reaped it).
	ProcessState *os.ProcessState

	pidfd       int
	closeAfter  []io.Closer // child's ends of pipes, closed after Start
	closeWait   []io.Closer // parent's ends, closed after Wait
	copiers     []func() error
	copyErrs    chan error
	waitDone    bool
	stderrSaved *bytes.Buffer
}

// Command gives the Cmd that runs name with args, as exec.Command; fill
// in the namespace fields before Start.
func Command(name string, arg ...string) *Cmd {
	return &Cmd{Path: name, Args: append([]string{name}, arg...)}
}

// String is the command line, for messages.
func (c *Cmd) String() string {
	if len(c.Args) == 0 {
		return c.Path
	}
	return strings.Join(c.Args, " ")
}

type spawnAttr struct{ p *C.struct_ns_spawn_attr }

func (a spawnAttr) set(op string, f func(p *C.struct_ns_spawn_attr) C.int) error {
	_, err := call(op, func() C.int { return f(a.p) })
	return err
}

// attr builds the spawn attribute of c; fds maps child fd -> parent fd.
func (c *Cmd) attr(fds map[int]int) (spawnAttr, error) {
	p, errno := C.ns_spawn_attr_new()
	if p == nil {
		return spawnAttr{}, &Error{Op: "ns_spawn_attr_new", Errno: errno.(syscall.Errno), Detail: "ns_spawn_attr_new: " + errno.Error()}
	}
	a := spawnAttr{p}
	fail := func(err error) (spawnAttr, error) {
		C.ns_spawn_attr_free(p)
		return spawnAttr{}, err
	}
	for _, ns := range c.Join {
		fd := ns.Fd()
		err := a.set("ns_spawn_attr_join", func(p *C.struct_ns_spawn_attr) C.int { return C.ns_spawn_attr_join(p, C.int(fd), 0) })
		runtime.KeepAlive(ns)
		if err != nil {
			return fail(err)
		}
	}
	if c.Namespaces != 0 {
		if err := a.set("ns_spawn_attr_set_namespaces", func(p *C.struct_ns_spawn_attr) C.int {
			return C.ns_spawn_attr_set_namespaces(p, C.int(c.Namespaces))
		}); err != nil {
			return fail(err)
		}
	}
	if c.MapRoot {
		if err := a.set("ns_spawn_attr_map_root", func(p *C.struct_ns_spawn_attr) C.int { return C.ns_spawn_attr_map_root(p) }); err != nil {
			return fail(err)
		}
	}
	if len(c.UIDMap) > 0 {
		m, n := idmapPtr(c.UIDMap)
		if err := a.set("ns_spawn_attr_set_uid_map", func(p *C.struct_ns_spawn_attr) C.int {
			return C.ns_spawn_attr_set_uid_map(p, m, n, C.uint(c.MapFlags))
		}); err != nil {
			return fail(err)
		}
	}
	if len(c.GIDMap) > 0 {
		m, n := idmapPtr(c.GIDMap)
		if err := a.set("ns_spawn_attr_set_gid_map", func(p *C.struct_ns_spawn_attr) C.int {
			return C.ns_spawn_attr_set_gid_map(p, m, n, C.uint(c.MapFlags))
		}); err != nil {
			return fail(err)
		}
	}
	if c.Pool != nil {
		if err := usePool(a, c.Pool); err != nil {
			return fail(err)
		}
	}
	strSetters := []struct {
		op  string
		val string
		f   func(*C.struct_ns_spawn_attr, *C.char) C.int
	}{
		{"ns_spawn_attr_set_hostname", c.Hostname, func(p *C.struct_ns_spawn_attr, s *C.char) C.int { return C.ns_spawn_attr_set_hostname(p, s) }},
		{"ns_spawn_attr_set_root", c.Root, func(p *C.struct_ns_spawn_attr, s *C.char) C.int { return C.ns_spawn_attr_set_root(p, s) }},
		{"ns_spawn_attr_set_cwd", c.Dir, func(p *C.struct_ns_spawn_attr, s *C.char) C.int { return C.ns_spawn_attr_set_cwd(p, s) }},
	}
	for _, s := range strSetters {
		if s.val == "" {
			continue
		}
		cs, free := cstring(s.val)
		f := s.f
		err := a.set(s.op, func(p *C.struct_ns_spawn_attr) C.int { return f(p, cs) })
		free()
		if err != nil {
			return fail(err)
		}
	}
	if c.MountProc {
		if err := a.set("ns_spawn_attr_set_mount_proc", func(p *C.struct_ns_spawn_attr) C.int { return C.ns_spawn_attr_set_mount_proc(p, 1) }); err != nil {
			return fail(err)
		}
	}
	if c.Propagation != PropagationPrivate {
		if err := a.set("ns_spawn_attr_set_propagation", func(p *C.struct_ns_spawn_attr) C.int {
			return C.ns_spawn_attr_set_propagation(p, C.int(c.Propagation))
		}); err != nil {
			return fail(err)
		}
	}
	if c.Cgroup != nil {
		fd := c.Cgroup.Fd()
		err := a.set("ns_spawn_attr_set_cgroup", func(p *C.struct_ns_spawn_attr) C.int { return C.ns_spawn_attr_set_cgroup(p, C.int(fd)) })
		runtime.KeepAlive(c.Cgroup)
		if err != nil {
			return fail(err)
		}
	}
	clocks := make([]int, 0, len(c.TimeOffsets))
	for clk := range c.TimeOffsets {
		clocks = append(clocks, int(clk))
	}
	sort.Ints(clocks)
	for _, clk := range clocks {
		sec, nsec := splitDuration(c.TimeOffsets[Clock(clk)])
		if err := a.set("ns_spawn_attr_set_time_offset", func(p *C.struct_ns_spawn_attr) C.int {
			return C.ns_spawn_attr_set_time_offset(p, C.int(clk), C.int64_t(sec), C.int64_t(nsec))
		}); err != nil {
			return fail(err)
		}
	}
	if c.Pdeathsig != 0 {
		if err := a.set("ns_spawn_attr_set_pdeathsig", func(p *C.struct_ns_spawn_attr) C.int {
			return C.ns_spawn_attr_set_pdeathsig(p, C.int(c.Pdeathsig))
		}); err != nil {
			return fail(err)
		}
	}
	if c.RootIdmap != nil {
		fd := c.RootIdmap.Fd()
		err := a.set("ns_spawn_attr_set_root_idmap", func(p *C.struct_ns_spawn_attr) C.int {
			return C.ns_spawn_attr_set_root_idmap(p, C.int(fd))
		})
		runtime.KeepAlive(c.RootIdmap)
		if err != nil {
			return fail(err)
		}
	}
	if err := c.setCredentials(a); err != nil {
		return fail(err)
	}
	if err := c.setLimits(a); err != nil {
		return fail(err)
	}
	if err := c.setLifecycle(a); err != nil {
		return fail(err)
	}
	for child, parent := range fds {
		child, parent := child, parent
		if err := a.set("ns_spawn_attr_set_fd", func(p *C.struct_ns_spawn_attr) C.int {
			return C.ns_spawn_attr_set_fd(p, C.int(child), C.int(parent))
		}); err != nil {
			return fail(err)
		}
	}
	// As os/exec: the child gets 0-2 and ExtraFiles, nothing else.
	if err := a.set("ns_spawn_attr_set_close_fds", func(p *C.struct_ns_spawn_attr) C.int {
		return C.ns_spawn_attr_set_close_fds(p, 1)
	}); err != nil {
		return fail(err)
	}
	return a, nil
}

// CapSet names capability sets of the program, for Cmd.Caps: an OR of
// the constants below (NS_CAPS_* in linuxns.h).
type CapSet uint

const (
	// CapsBounding (NS_CAPS_BOUNDING) is the bounding set: every
	// capability outside the value is dropped (PR_CAPBSET_DROP), before
	// the ids change; none is ever added.
	CapsBounding CapSet = 0x1
	// CapsPermitted (NS_CAPS_PERMITTED) is the permitted set (capset,
	// after the ids change).
	CapsPermitted CapSet = 0x2
	// CapsEffective (NS_CAPS_EFFECTIVE) is the effective set.
	CapsEffective CapSet = 0x4
	// CapsInheritable (NS_CAPS_INHERITABLE) is the inheritable set.
	CapsInheritable CapSet = 0x8
	// CapsAmbient (NS_CAPS_AMBIENT) is the ambient set, which a program
	// that does not run as root keeps across exec.
	CapsAmbient CapSet = 0x10
)

// setCredentials gives a the ids, session, process group and
// capability sets of c.
func (c *Cmd) setCredentials(a spawnAttr) error {
	if cr := c.Credential; cr != nil {
		var groups *C.gid_t
		var n C.size_t
		var none C.gid_t
		if !cr.NoSetGroups {
			groups, n = &none, 0 // non-NULL: exactly these groups, maybe none
			if len(cr.Groups) > 0 {
				groups, n = (*C.gid_t)(unsafe.Pointer(&cr.Groups[0])), C.size_t(len(cr.Groups))
			}
		}
		err := a.set("ns_spawn_attr_set_ids", func(p *C.struct_ns_spawn_attr) C.int {
			return C.ns_spawn_attr_set_ids(p, C.uid_t(cr.Uid), C.gid_t(cr.Gid), groups, n)
		})
		runtime.KeepAlive(cr)
		if err != nil {
			return err
		}
	}
	if c.Setsid {
		if err := a.set("ns_spawn_attr_set_setsid", func(p *C.struct_ns_spawn_attr) C.int {
			return C.ns_spawn_attr_set_setsid(p, 1)
		}); err != nil {
			return err
		}
	}
	if c.Setpgid {
		if err := a.set("ns_spawn_attr_set_pgid", func(p *C.struct_ns_spawn_attr) C.int {
			return C.ns_spawn_attr_set_pgid(p, C.pid_t(c.Pgid))
		}); err != nil {
			return err
		}
	}
	sets := make([]int, 0, len(c.Caps))
	for which := range c.Caps {
		sets = append(sets, int(which))
	}
	sort.Ints(sets)
	for _, which := range sets {
		caps := c.Caps[CapSet(which)]
		if err := a.set("ns_spawn_attr_set_caps", func(p *C.struct_ns_spawn_attr) C.int {
			return C.ns_spawn_attr_set_caps(p, C.uint(which), C.uint64_t(caps))
		}); err != nil {
			return err
		}
	}
	return nil
}

// setLimits gives a the resource limits, seccomp filter and umask of c.
func (c *Cmd) setLimits(a spawnAttr) error {
	resources := make([]int, 0, len(c.Rlimits))
	for r := range c.Rlimits {
		resources = append(resources, r)
	}
	sort.Ints(resources)
	for _, r := range resources {
		lim := c.Rlimits[r]
		var rl C.struct_rlimit
		rl.rlim_cur, rl.rlim_max = C.rlim_t(lim.Cur), C.rlim_t(lim.Max)
		if err := a.set("ns_spawn_attr_set_rlimit", func(p *C.struct_ns_spawn_attr) C.int {
			return C.ns_spawn_attr_set_rlimit(p, C.int(r), &rl)
		}); err != nil {
			return err
		}
	}
	if f := c.Seccomp; len(f) > 0 {
		if len(f) > math.MaxUint16 {
			return &Error{Op: "ns_spawn_attr_set_seccomp", Errno: syscall.EINVAL,
				Detail: fmt.Sprintf("ns_spawn_attr_set_seccomp: %d instructions: more than the 4096 of BPF_MAXINSNS", len(f))}
		}
		err := a.set("ns_spawn_attr_set_seccomp", func(p *C.struct_ns_spawn_attr) C.int {
			return C.ns_spawn_attr_set_seccomp(p, (*C.struct_sock_filter)(unsafe.Pointer(&f[0])), C.ushort(len(f)))
		})
		runtime.KeepAlive(f)
		if err != nil {
			return err
		}
	}
	if c.Umask != nil {
		mask := *c.Umask
		if err := a.set("ns_spawn_attr_set_umask", func(p *C.struct_ns_spawn_attr) C.int {
			return C.ns_spawn_attr_set_umask(p, C.mode_t(mask))
		}); err != nil {
			return err
		}
	}
	return nil
}

// setLifecycle gives a the no_new_privs, autoreap and autokill flags of
// c; each setter is called only for a flag that is set, so a Cmd without
// them runs on every kernel.
func (c *Cmd) setLifecycle(a spawnAttr) error {
	if c.NoNewPrivs {
		if err := a.set("ns_spawn_attr_set_no_new_privs", func(p *C.struct_ns_spawn_attr) C.int {
			return C.ns_spawn_attr_set_no_new_privs(p, 1)
		}); err != nil {
			return err
		}
	}
	if c.Autoreap {
		if err := a.set("ns_spawn_attr_set_autoreap", func(p *C.struct_ns_spawn_attr) C.int {
			return C.ns_spawn_attr_set_autoreap(p, 1)
		}); err != nil {
			return err
		}
	}
	if c.Autokill {
		if err := a.set("ns_spawn_attr_set_autokill", func(p *C.struct_ns_spawn_attr) C.int {
			return C.ns_spawn_attr_set_autokill(p, 1)
		}); err != nil {
			return err
		}
	}
	return nil
}

// reapedByKernel: the kernel reaps the program itself (Autoreap, or
// Autokill, which implies it).
func (c *Cmd) reapedByKernel() bool { return c.Autoreap || c.Autokill }

func (c *Cmd) closeAll(cs []io.Closer) {
	for _, f := range cs {
		f.Close()
	}
}

// stdin gives the child's descriptor 0.
func (c *Cmd) stdin() (*os.File, error) {
	if c.Stdin == nil {
		f, err := os.Open(os.DevNull)
		if err != nil {
			return nil, err
		}
		c.closeAfter = append(c.closeAfter, f)
		return f, nil
	}
	if f, ok := c.Stdin.(*os.File); ok {
		return f, nil
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	c.closeAfter = append(c.closeAfter, pr)
	c.closeWait = append(c.closeWait, pw)
	r := c.Stdin
	c.copiers = append(c.copiers, func() error {
		_, err := io.Copy(pw, r)
		if skipStdinCopyError(err) {
			err = nil
		}
		if cerr := pw.Close(); err == nil && !errors.Is(cerr, os.ErrClosed) {
			err = cerr
		}
		return err
	})
	return pr, nil
}

// skipStdinCopyError: a child that exits without reading all its input
// is not an error (as os/exec).
func skipStdinCopyError(err error) bool {
	var pe *os.PathError
	return err != nil && errors.As(err, &pe) && pe.Err == syscall.EPIPE
}

// output gives the child's descriptor for w (stdout or stderr).
func (c *Cmd) output(w io.Writer) (*os.File, error) {
	if w == nil {
		f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		if err != nil {
			return nil, err
		}
		c.closeAfter = append(c.closeAfter, f)
		return f, nil
	}
	if f, ok := w.(*os.File); ok {
		return f, nil
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	c.closeAfter = append(c.closeAfter, pw)
	c.closeWait = append(c.closeWait, pr)
	c.copiers = append(c.copiers, func() error {
		_, err := io.Copy(w, pr)
		pr.Close()
		return err
	})
	return pw, nil
}

// Start starts the program; Wait must then be called to reap it and to
// release what Start took.
func (c *Cmd) Start() error {
	if c.Process != nil {
		return errors.New("linuxns: Cmd already started")
	}
	if c.Path == "" {
		return &Error{Op: "ns_spawn", Errno: syscall.ENOENT, Detail: "ns_spawn: no Path"}
	}
	fail := func(err error) error {
		c.closeAll(c.closeAfter)
		c.closeAll(c.closeWait)
		c.closeAfter, c.closeWait, c.copiers = nil, nil, nil
		return err
	}
	in, err := c.stdin()
	if err != nil {
		return fail(err)
	}
	out, err := c.output(c.Stdout)
	if err != nil {
		return fail(err)
	}
	errf := out
	if c.Stderr != nil && interfaceEqual(c.Stderr, c.Stdout) {
		errf = out
	} else if errf, err = c.output(c.Stderr); err != nil {
		return fail(err)
	}
	fds := map[int]int{0: int(in.Fd()), 1: int(out.Fd()), 2: int(errf.Fd())}
	for i, f := range c.ExtraFiles {
		if f == nil {
			fds[3+i] = -1
		} else {
			fds[3+i] = int(f.Fd())
		}
	}
	attr, err := c.attr(fds)
	if err != nil {
		return fail(err)
	}
	defer C.ns_spawn_attr_free(attr.p)

	args := c.Args
	if len(args) == 0 {
		args = []string{c.Path}
	}
	cargv := cStrings(args)
	defer freeCStrings(cargv)
	var cenv []*C.char
	var envp **C.char
	if c.Env != nil {
		cenv = cStrings(c.Env)
		defer freeCStrings(cenv)
		envp = &cenv[0]
	}
	cpath, free := cstring(c.Path)
	defer free()
	var pidfd C.int = -1
	pid, err := call("ns_spawn", func() C.int {
		return C.int(C.ns_spawn(cpath, &cargv[0], envp, attr.p, &pidfd))
	})
	runtime.KeepAlive(c.Stdin)
	runtime.KeepAlive(c.Stdout)
	runtime.KeepAlive(c.Stderr)
	runtime.KeepAlive(c.ExtraFiles)
	runtime.KeepAlive(in)
	runtime.KeepAlive(out)
	runtime.KeepAlive(errf)
	if err != nil {
		return fail(err)
	}
	c.closeAll(c.closeAfter)
	c.closeAfter = nil
	c.pidfd = int(pidfd)
	c.Process, _ = os.FindProcess(pid) // never fails on Linux
	c.copyErrs = make(chan error, len(c.copiers))
	for _, f := range c.copiers {
		go func(f func() error) { c.copyErrs <- f() }(f)
	}
	return nil
}

func interfaceEqual(a, b any) (eq bool) {
	defer func() { recover() }() // uncomparable dynamic types
	return a == b
}

// cStrings is a NULL-terminated char *[] of C copies of ss.
func cStrings(ss []string) []*C.char {
	cs := make([]*C.char, len(ss)+1)
	for i, s := range ss {
		cs[i] = C.CString(s)
	}
	return cs
}

func freeCStrings(cs []*C.char) {
	for _, p := range cs {
		if p != nil {
			C.free(unsafe.Pointer(p))
		}
	}
}

// Pidfd is the child's pidfd from ns_spawn, valid from Start until Wait
// returns (-1 otherwise): for pidfd_send_signal(2) or OpenPidfd. With
// Autokill, closing it kills the program (and Wait must not follow).
func (c *Cmd) Pidfd() int {
	if c.Process == nil || c.waitDone {
		return -1
	}
	return c.pidfd
}

// waitPidfd blocks until the child has exited, leaving it waitable
// (WNOWAIT): its pid cannot be reused until Process.Wait reaps it.
func waitPidfd(pidfd int) error {
	const pPidfd = 3 // P_PIDFD
	const wNowait = 0x01000000
	var info [128]byte // siginfo_t
	for {
		_, _, e := syscall.Syscall6(syscall.SYS_WAITID, pPidfd, uintptr(pidfd),
			uintptr(unsafe.Pointer(&info[0])), syscall.WEXITED|wNowait, 0, 0)
		if e == syscall.EINTR {
			continue
		}
		if e != 0 {
			return e
		}
		return nil
	}
}

// pollfd is struct pollfd of poll.h.
type pollfd struct {
	fd      int32
	events  int16
	revents int16
}

// waitReaped blocks until the process behind pidfd has exited (the pidfd
// polls readable) and gives its wait status (ns_pidfd_status), for a
// program the kernel reaps itself: waitid cannot wait for it.
func waitReaped(pidfd int) (syscall.WaitStatus, error) {
	const pollIn = 0x1 // POLLIN
	p := pollfd{fd: int32(pidfd), events: pollIn}
	for {
		// ppoll with no timeout and no signal mask: poll(2) is not on
		// every architecture.
		_, _, e := syscall.Syscall6(syscall.SYS_PPOLL, uintptr(unsafe.Pointer(&p)), 1, 0, 0, 0, 0)
		if e == syscall.EINTR {
			continue
		}
		if e != 0 {
			return 0, os.NewSyscallError("ppoll", e)
		}
		break
	}
	// Readable from the exit on; the kernel may record the status a
	// moment later, when it has reaped the process.
	deadline := time.Now().Add(10 * time.Second)
	for {
		ws, err := PidfdStatus(pidfd)
		if !errors.Is(err, syscall.EAGAIN) || time.Now().After(deadline) {
			return ws, err
		}
		time.Sleep(time.Millisecond)
	}
}

// ExitError is Wait's error for a program the kernel reaped itself
// (Cmd.Autoreap, Cmd.Autokill) that exited with a non-zero status or was
// killed by a signal. Only the caller's own reaping gives the
// os.ProcessState an *exec.ExitError holds, so such a program has this
// instead, with its wait status read from the pidfd.
type ExitError struct {
	// Status is the wait status, as waitpid gives it.
	Status syscall.WaitStatus
	// Stderr is the standard error Output kept when Cmd.Stderr was nil,
	// as exec.ExitError's.
	Stderr []byte
}

// Error gives the status as os.ProcessState words it: "exit status 3",
// "signal: killed".
func (e *ExitError) Error() string {
	switch ws := e.Status; {
	case ws.Exited():
		return "exit status " + strconv.Itoa(ws.ExitStatus())
	case ws.Signaled():
		s := "signal: " + ws.Signal().String()
		if ws.CoreDump() {
			s += " (core dumped)"
		}
		return s
	default:
		return fmt.Sprintf("wait status %#x", uint32(ws))
	}
}

// ExitCode is the exit status, or -1 when a signal ended the program (as
// os.ProcessState's).
func (e *ExitError) ExitCode() int {
	if !e.Status.Exited() {
		return -1
	}
	return e.Status.ExitStatus()
}

// Wait waits for the program to exit and for the copying of its
// standard streams to finish, then releases what Start took. As with
// os/exec, a non-zero exit or a signal gives an *exec.ExitError; for a
// program the kernel reaps itself (Autoreap, Autokill) an *ExitError,
// and ProcessState stays nil.
func (c *Cmd) Wait() error {
	if c.Process == nil {
		return errors.New("linuxns: Cmd not started")
	}
	if c.waitDone {
		return errors.New("linuxns: Wait was already called")
	}
	c.waitDone = true
	var state *os.ProcessState
	var reaped syscall.WaitStatus
	var err error
	if c.reapedByKernel() {
		reaped, err = waitReaped(c.pidfd)
	} else {
		// Blocks on the pidfd, not the pid; a kernel without P_PIDFD
		// (before 5.4) gives EINVAL and Process.Wait alone does the
		// waiting.
		_ = waitPidfd(c.pidfd)
		state, err = c.Process.Wait()
	}
	syscall.Close(c.pidfd)
	c.pidfd = -1
	c.ProcessState = state
	var copyErr error
	for range c.copiers {
		if e := <-c.copyErrs; e != nil && copyErr == nil {
			copyErr = e
		}
	}
	c.closeAll(c.closeWait)
	c.closeWait = nil
	if err != nil {
		return err
	}
	if state == nil { // reaped by the kernel
		if reaped != 0 {
			ee := &ExitError{Status: reaped}
			if c.stderrSaved != nil {
				ee.Stderr = c.stderrSaved.Bytes()
			}
			return ee
		}
		return copyErr
	}
	if !state.Success() {
		ee := &exec.ExitError{ProcessState: state}
		if c.stderrSaved != nil {
			ee.Stderr = c.stderrSaved.Bytes()
		}
		return ee
	}
	return copyErr
}

// Run starts the program and waits for it.
func (c *Cmd) Run() error {
	if err := c.Start(); err != nil {
		return err
	}
	return c.Wait()
}

// Output runs the program and gives its standard output. When Stderr is
// nil, the standard error is kept in the *exec.ExitError (or *ExitError)
// of a failure.
func (c *Cmd) Output() ([]byte, error) {
	if c.Stdout != nil {
		return nil, errors.New("linuxns: Stdout already set")
	}
	var stdout bytes.Buffer
	c.Stdout = &stdout
	if c.Stderr == nil {
		c.stderrSaved = &bytes.Buffer{}
		c.Stderr = c.stderrSaved
	}
	err := c.Run()
	return stdout.Bytes(), err
}

// CombinedOutput runs the program and gives its standard output and
// standard error together.
func (c *Cmd) CombinedOutput() ([]byte, error) {
	if c.Stdout != nil || c.Stderr != nil {
		return nil, fmt.Errorf("linuxns: Stdout or Stderr already set")
	}
	var b bytes.Buffer
	c.Stdout, c.Stderr = &b, &b
	err := c.Run()
	return b.Bytes(), err
}
