package linuxns

/*
#include <stdlib.h>
#include <linuxns.h>
*/
import "C"

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"syscall"
)

// PoolFlags are the flags of NewPool.
type PoolFlags uint

// PoolLoUp (NS_POOL_LO_UP) brings the loopback device (lo) up in each
// pooled network namespace before the set is handed out, as
// `ip link set lo up` would (needs Net among the pool's types).
const PoolLoUp PoolFlags = 0x1

// Pool is a pool of namespace sets made ahead of time (ns_pool): a
// background thread of the library keeps Size sets of never-used
// namespaces ready, so that a Cmd with Pool set, or Take, gets one
// without the cost of creating it. A pooled user namespace maps the
// caller's effective uid and gid to root and owns the set's other
// namespaces.
//
// Close it when done; one no longer referenced is closed by the garbage
// collector. While a Pool exists the process has one more thread, so
// calls that need a single-threaded process (Unshare(User), Setns into a
// user namespace from the caller itself) fail with EINVAL; the Go runtime
// is multi-threaded anyway, and the package's own calls do not need that.
//
// A Pool may be used from any number of goroutines at once (Take, Start
// of Cmds using it); Close waits for those in progress.
type Pool struct {
	mu    sync.RWMutex // Close takes it for writing: ns_pool_free must not run with ns_pool_take
	p     *C.struct_ns_pool
	types Type
}

// NewPool makes a pool (ns_pool_new) that keeps size (1 to 1024) sets of
// the namespaces types ready: an OR of User, Net, UTS, IPC, Cgroup, PID
// (Mnt and Time cannot be pooled). flags is 0 or PoolLoUp (with Net).
//
// Errors: EINVAL for types 0 or with other bits, size 0 or above 1024,
// unknown flags or PoolLoUp without Net; EAGAIN when the refill thread
// cannot start. The errors of making the sets (EPERM, ENOSPC at a
// max_*_namespaces limit) come from the next Take.
func NewPool(types Type, size int, flags PoolFlags) (*Pool, error) {
	if size < 0 {
		size = 0 // EINVAL from the library
	} else if size > 1<<20 {
		size = 1 << 20 // out of range for the library too
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	p, errno := C.ns_pool_new(C.int(types), C.uint(size), C.uint(flags))
	if p == nil {
		e, _ := errno.(syscall.Errno)
		if e == 0 {
			e = syscall.ENOMEM
		}
		detail := C.GoString(C.ns_last_error())
		if detail == "" {
			detail = "ns_pool_new: " + e.Error()
		}
		return nil, &Error{Op: "ns_pool_new", Errno: e, Detail: detail}
	}
	pool := &Pool{p: p, types: types}
	runtime.SetFinalizer(pool, (*Pool).Close)
	return pool, nil
}

// Types are the namespace types of each set of the pool.
func (p *Pool) Types() Type { return p.types }

// Take takes a ready set from the pool for the caller's own use
// (ns_pool_take), without waiting: one Namespace per type of the pool, in
// ascending order of the type bits (Cgroup, UTS, IPC, User, PID, Net),
// each to be closed by the caller (Setns, Cmd.Join, Bind take them).
//
// Errors: EAGAIN (errors.Is(err, syscall.EAGAIN)) when no set is ready,
// the pool refilling; the error of the refill thread's last failed
// attempt (EPERM, ENOSPC, ...: "refill the pool: ..."), once, after which
// it tries again; os.ErrClosed after Close.
func (p *Pool) Take() ([]*Namespace, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.p == nil {
		return nil, os.ErrClosed
	}
	var fds [8]C.int
	n, err := call("ns_pool_take", func() C.int { return C.ns_pool_take(p.p, &fds[0]) })
	if err != nil {
		return nil, err
	}
	set := make([]*Namespace, n)
	for i := range set {
		set[i] = newNamespace(int(fds[i]))
	}
	return set, nil
}

// Close frees the pool (ns_pool_free): it stops the refill thread, closes
// every ready set and leaves no thread, descriptor or process behind
// (os.ErrClosed if it was closed). Cmds with the Pool set still start:
// their children then create every namespace themselves, as with an
// empty pool.
func (p *Pool) Close() error {
	if p == nil {
		return os.ErrClosed
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.p == nil {
		return os.ErrClosed
	}
	C.ns_pool_free(p.p)
	p.p = nil
	runtime.SetFinalizer(p, nil)
	return nil
}

// String describes the pool, as "ns_pool(user|net)".
func (p *Pool) String() string {
	state := ""
	p.mu.RLock()
	if p.p == nil {
		state = ", closed"
	}
	p.mu.RUnlock()
	return fmt.Sprintf("ns_pool(%v%s)", p.types, state)
}

// usePool lets the spawn attribute a take its namespaces from pool
// (ns_spawn_attr_use_pool); a closed pool is not used at all (its
// spawns create everything, as the library's attrs do for a freed pool).
func usePool(a spawnAttr, pool *Pool) error {
	pool.mu.RLock()
	defer pool.mu.RUnlock()
	if pool.p == nil {
		return nil
	}
	return a.set("ns_spawn_attr_use_pool", func(p *C.struct_ns_spawn_attr) C.int {
		return C.ns_spawn_attr_use_pool(p, pool.p)
	})
}
