package linuxns_test

// Tests of namespace pools (NewPool, Pool.Take, Pool.Close, Cmd.Pool):
// the sets taken, their types and owners as the kernel reports them, and
// the loopback device of a pooled network namespace as ip shows it in a
// spawned program.

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"linuxns.dev/go/linuxns"
)

// takeSet takes a set from pool, retrying while none is ready (EAGAIN)
// for up to five seconds.
func takeSet(t *testing.T, pool *linuxns.Pool) []*linuxns.Namespace {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		set, err := pool.Take()
		if err == nil {
			return set
		}
		if !errors.Is(err, syscall.EAGAIN) || time.Now().After(deadline) {
			t.Fatalf("Take from %v: %v", pool, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestPoolTake(t *testing.T) {
	needRoot(t)
	pool, err := linuxns.NewPool(linuxns.User|linuxns.Net|linuxns.UTS, 2, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if pool.Types() != linuxns.User|linuxns.Net|linuxns.UTS {
		t.Errorf("Types %v", pool.Types())
	}
	set := takeSet(t, pool)
	defer func() {
		for _, ns := range set {
			ns.Close()
		}
	}()
	// One per type, in ascending order of the bits: uts, user, net.
	want := []linuxns.Type{linuxns.UTS, linuxns.User, linuxns.Net}
	if len(set) != len(want) {
		t.Fatalf("Take gave %d namespaces, want %d", len(set), len(want))
	}
	for i, ns := range set {
		typ, err := ns.Type()
		if err != nil || typ != want[i] {
			t.Errorf("set[%d]: type %v, %v; want %v", i, typ, err, want[i])
		}
	}
	uts, user, net := set[0], set[1], set[2]
	userID, err := user.UniqueID()
	if err != nil {
		t.Fatal(err)
	}
	// The pooled user namespace owns the set's other namespaces.
	for _, ns := range []*linuxns.Namespace{net, uts} {
		owner, err := ns.Userns()
		if err != nil {
			t.Fatalf("Userns of %v: %v", ns, err)
		}
		ownerID, err := owner.UniqueID()
		owner.Close()
		if err != nil || ownerID != userID {
			t.Errorf("%v is owned by user namespace %d (%v), not the pooled %d", ns, ownerID, err, userID)
		}
	}
	// New namespaces, not ours; the user namespace a child of ours.
	mine, err := linuxns.OpenPid(0, linuxns.Net)
	if err != nil {
		t.Fatal(err)
	}
	defer mine.Close()
	if same, _ := net.Equal(mine); same {
		t.Error("the pooled network namespace is ours")
	}
	parent, err := user.Parent()
	if err != nil {
		t.Fatal(err)
	}
	defer parent.Close()
	if got, want := parent.String(), link(t, "self", "user"); got != want {
		t.Errorf("parent of the pooled user namespace %s, ours %s", got, want)
	}
	if owner, err := user.Owner(); err != nil || owner != os.Geteuid() {
		t.Errorf("pooled user namespace created by uid %d (%v), we are %d", owner, err, os.Geteuid())
	}
	// Each set goes to one taker: a second one is another set.
	other := takeSet(t, pool)
	if same, _ := other[2].Equal(net); same {
		t.Error("two takes gave the same network namespace")
	}
	for _, ns := range other {
		ns.Close()
	}

	if err := pool.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := pool.Close(); !errors.Is(err, os.ErrClosed) {
		t.Errorf("second Close: %v", err)
	}
	if _, err := pool.Take(); !errors.Is(err, os.ErrClosed) {
		t.Errorf("Take after Close: %v", err)
	}
	// The sets taken outlive the pool.
	if typ, err := net.Type(); err != nil || typ != linuxns.Net {
		t.Errorf("taken net namespace after Close: %v, %v", typ, err)
	}
}

// pooledCmd is the program that reports its uid, hostname and lo.
func pooledCmd(pool *linuxns.Pool, ip string) *linuxns.Cmd {
	script := "id -u; hostname"
	if ip != "" {
		script += "; " + ip + " -o link show lo"
	}
	cmd := linuxns.Command("/bin/sh", "-c", script)
	cmd.Namespaces = linuxns.User | linuxns.Net | linuxns.UTS | linuxns.PID
	cmd.MapRoot = true
	cmd.Hostname = "pooled"
	cmd.Pool = pool
	return cmd
}

func TestCmdPool(t *testing.T) {
	needRoot(t)
	ip, _ := exec.LookPath("ip")
	if ip == "" {
		t.Log("no ip command: lo is not checked")
	}
	pool, err := linuxns.NewPool(linuxns.User|linuxns.Net, 1, linuxns.PoolLoUp)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()

	// A spawn that finds the pool filled takes the set: lo is up there.
	// One that finds it still empty creates its namespaces itself (lo
	// down), so retry until the refill thread has made the set.
	var out []byte
	deadline := time.Now().Add(5 * time.Second)
	for {
		out, err = pooledCmd(pool, ip).Output()
		if err != nil {
			t.Fatalf("Output with the pool: %q, %v", out, err)
		}
		if !strings.HasPrefix(string(out), "0\npooled\n") {
			t.Fatalf("Output with the pool: %q", out)
		}
		if ip == "" || strings.Contains(string(out), ",UP") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("lo never up in a pooled network namespace: %q", out)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if ip != "" && !strings.Contains(string(out), "lo:") {
		t.Errorf("ip -o link show lo: %q", out)
	}

	// The pool's types must be among the Cmd's namespaces.
	bad := linuxns.Command("/bin/true")
	bad.Namespaces = linuxns.User | linuxns.UTS
	bad.MapRoot = true
	bad.Pool = pool
	if err := bad.Run(); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("Run with a pool of net but no Net: %v", err)
	}

	// Closed, the pool gives nothing: the child creates everything.
	if err := pool.Close(); err != nil {
		t.Fatal(err)
	}
	out, err = pooledCmd(pool, ip).Output()
	if err != nil || !strings.HasPrefix(string(out), "0\npooled\n") {
		t.Fatalf("Output after Close: %q, %v", out, err)
	}
	if ip != "" && strings.Contains(string(out), ",UP") {
		t.Errorf("lo up without the pool: %q", out)
	}
}

func TestPoolErrors(t *testing.T) {
	for _, c := range []struct {
		types linuxns.Type
		size  int
		flags linuxns.PoolFlags
	}{
		{0, 1, 0},
		{linuxns.Mnt, 1, 0},
		{linuxns.Time, 1, 0},
		{linuxns.Net, 0, 0},
		{linuxns.Net, 1025, 0},
		{linuxns.Net, -1, 0},
		{linuxns.UTS, 1, linuxns.PoolLoUp},
		{linuxns.Net, 1, 0x2},
	} {
		pool, err := linuxns.NewPool(c.types, c.size, c.flags)
		var e *linuxns.Error
		if pool != nil || !errors.As(err, &e) || e.Op != "ns_pool_new" || e.Errno != syscall.EINVAL {
			t.Errorf("NewPool(%v, %d, %#x) = %v, %v; want EINVAL", c.types, c.size, c.flags, pool, err)
			if pool != nil {
				pool.Close()
			}
		} else if !strings.HasPrefix(err.Error(), "ns_pool_new") {
			t.Errorf("NewPool(%v, %d, %#x): error text %q", c.types, c.size, c.flags, err)
		}
	}
	var nilPool *linuxns.Pool
	if err := nilPool.Close(); !errors.Is(err, os.ErrClosed) {
		t.Errorf("Close of a nil Pool: %v", err)
	}
}
