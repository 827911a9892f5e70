package linuxns

/*
#include <stdint.h>
#include <linuxns.h>

int linuxns_go_run_in(int fd, int types, uintptr_t handle);
int linuxns_go_list(int types, uintptr_t handle);
int linuxns_go_list_ex(int types, unsigned int flags, uintptr_t handle);
*/
import "C"

import (
	"fmt"
	"runtime"
	"runtime/cgo"
	"syscall"
)

// runInState carries fn and its outcome through the cgo.Handle.
type runInState struct {
	fn       func() error
	err      error
	panicked bool
	panicVal any
}

//export linuxnsGoRunIn
func linuxnsGoRunIn(h C.uintptr_t) C.int {
	st := cgo.Handle(h).Value().(*runInState)
	defer func() {
		if r := recover(); r != nil {
			st.panicked, st.panicVal = true, r
		}
	}()
	st.err = st.fn()
	if st.err != nil {
		return 1
	}
	return 0
}

// RunIn runs fn on a new OS thread that has joined ns, and waits for it;
// the calling thread never moves, so any goroutine may call it.
// types is 0 or the namespace's type. fn's error is returned; a panic in
// fn is raised again in the caller. Mount namespaces work (the thread
// has a filesystem context of its own); user namespaces cannot be joined
// this way (use Cmd). Goroutines fn starts run on other threads, outside
// ns: fn's own code is what runs inside.
func RunIn(ns *Namespace, types Type, fn func() error) error {
	err := RunInFd(ns.Fd(), types, fn)
	runtime.KeepAlive(ns)
	return err
}

// RunInFd is RunIn for a raw descriptor: a namespace file, or a pidfd with
// a non-empty mask of types to join together.
func RunInFd(fd int, types Type, fn func() error) error {
	if fn == nil {
		return &Error{Op: "ns_run_in", Errno: syscall.EINVAL, Detail: "ns_run_in: fn is nil"}
	}
	st := &runInState{fn: fn}
	h := cgo.NewHandle(st)
	defer h.Delete()
	_, err := call("ns_run_in", func() C.int {
		return C.linuxns_go_run_in(C.int(fd), C.int(types), C.uintptr_t(h))
	})
	if st.panicked {
		panic(fmt.Sprintf("linuxns.RunIn: fn panicked: %v", st.panicVal))
	}
	if err != nil {
		return err
	}
	return st.err
}

// Info describes one namespace found by List or ListEx (struct ns_info).
type Info struct {
	ID       uint64 // inode number, as "net:[4026531840]"
	UsernsID uint64 // id of the owning user namespace
	ParentID uint64 // PID and user namespaces: the parent's id; else 0
	Type     Type   // one type
	NProcs   int    // processes found in it (whose /proc/PID/ns link shows it)
	Pid      int    // lowest pid in it; 0 if no process is (bind-mounted, held by a descriptor)
	OwnerUID int    // uid that created the owning user namespace
}

type listState struct {
	infos []Info
}

//export linuxnsGoList
func linuxnsGoList(info *C.struct_ns_info, h C.uintptr_t) C.int {
	st := cgo.Handle(h).Value().(*listState)
	st.infos = append(st.infos, Info{
		ID:       uint64(info.id),
		UsernsID: uint64(info.userns_id),
		ParentID: uint64(info.parent_id),
		Type:     Type(info._type),
		NProcs:   int(info.nprocs),
		Pid:      int(info.pid),
		OwnerUID: int(info.owner_uid),
	})
	return 0
}

// List gives every namespace on the system, as lsns(8), in ascending
// order of (type, id); with types, only those (an OR, or several
// arguments).
func List(types ...Type) ([]Info, error) {
	st := &listState{}
	h := cgo.NewHandle(st)
	defer h.Delete()
	_, err := call("ns_list", func() C.int {
		return C.linuxns_go_list(C.int(typeMask(types)), C.uintptr_t(h))
	})
	if err != nil {
		return nil, err
	}
	return st.infos, nil
}

func typeMask(types []Type) Type {
	var mask Type
	for _, t := range types {
		mask |= t
	}
	return mask
}

// ListFlags are the flags of ListEx.
type ListFlags uint

// ListAll (NS_LIST_ALL) makes ListEx report every namespace, also those
// no process is in: held by a descriptor, a bind mount in any mount
// namespace, a thread, a pid_for_children or time_for_children link, or
// alive only as another's parent or owning user namespace.
const ListAll ListFlags = 0x1

// ListEx is List with flags (ns_list_ex): with 0 it is List; with
// ListAll it also reports the namespaces no process is in, with NProcs
// and Pid 0. Each is reported once, in ascending order of (type, id). An
// unprivileged caller gets what it may inspect: its own processes'
// namespaces and descriptors, and the bind mounts it can reach.
func ListEx(flags ListFlags, types ...Type) ([]Info, error) {
	st := &listState{}
	h := cgo.NewHandle(st)
	defer h.Delete()
	_, err := call("ns_list_ex", func() C.int {
		return C.linuxns_go_list_ex(C.int(typeMask(types)), C.uint(flags), C.uintptr_t(h))
	})
	if err != nil {
		return nil, err
	}
	return st.infos, nil
}
