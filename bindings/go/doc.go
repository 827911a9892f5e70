// Package linuxns is the Go package of liblinuxns, Linux namespaces as a
// library: namespace handles and ids, setns and unshare, uid and gid
// maps, functions run inside namespaces and programs spawned into new or
// existing ones.
//
// It is a cgo package (#cgo pkg-config: linuxns): build it with the
// library's pkg-config file on PKG_CONFIG_PATH.
//
// # Namespaces and threads
//
// A *Namespace is an open namespace file, the descriptor /proc/PID/ns/TYPE
// gives: OpenPid, OpenPidfd, OpenPath, OpenName open one; New, NewUserns
// and NetnsAdd create one without moving the caller. Its ID is the inode
// number /proc and lsns show; Equal compares two. The descriptor is the
// same as other tools' (ip netns, nsenter, github.com/vishvananda/netns):
// Fd and FromFd pass it both ways.
//
// Namespaces belong to OS threads, and Go moves goroutines between
// threads. Three ways to use one, the first two for any goroutine:
//
//   - Cmd starts a program in new or joined namespaces (ns_spawn); the
//     caller never moves.
//   - RunIn runs a Go function on a fresh OS thread that has joined a
//     namespace (ns_run_in) and gives its error back.
//   - Setns, Unshare and EnterPid move the calling OS thread, only it.
//     They lock the goroutine to its thread (runtime.LockOSThread) and
//     leave it locked on success: keep it locked until the thread is back
//     where it was, or let the goroutine end, which retires the thread.
//
// # Handles, listings and kernel features
//
// A Handle (Namespace.Handle, kernel 6.18) names a namespace by type,
// inode and 64-bit id as a comparable value, as text ("uts:4026532315:4121",
// ParseHandle) or as bytes, and reopens it with OpenHandle while it lives,
// in this or another process. List and ListEx report the namespaces of
// the system (ListAll: also those no process is in), Namespace.Mounts and
// MountCount the mounts of any mount namespace without entering it.
// TranslatePid maps pids between PID namespaces, PidfdStatus reads a
// process's exit status through a pidfd without reaping it, and Features
// tells which of the newer kernel paths the library found.
//
// # Pools
//
// A Pool (NewPool) keeps sets of never-used namespaces ready, made by a
// background thread of the library: Cmd.Pool lets a spawn take one
// instead of creating its namespaces (the creation moves off the spawn's
// latency), Pool.Take gives one to the caller; PoolLoUp brings lo up in
// each pooled network namespace. Close it when done.
//
// # Errors
//
// A failed call gives an *Error: the C function (Op), the errno
// (errors.Is(err, syscall.EPERM) works through Unwrap, so does
// errors.Is(err, fs.ErrNotExist)) and the library's description, read on
// the OS thread of the call, which Error returns:
//
//	ns_open_path: open /nonexistent: No such file or directory
//
// The subpackage netns is the API of github.com/vishvananda/netns over
// this package.
//
// # C functions in children: CloneC and SpawnFnC
//
// ns_clone and ns_spawn_fn run a function in a fork-like copy of the
// caller. A copy of a Go process cannot run Go code (the runtime's other
// threads are not copied), so CloneC and SpawnFnC take a C function
// (CFunc); Cmd runs programs in new or joined namespaces, and RunIn runs
// Go code inside namespaces without a copy.
package linuxns
