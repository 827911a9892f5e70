/*
 * linuxns.h - Linux namespaces as a C library.
 *
 * Generated from the Rust sources by cbindgen (see build.rs); do not edit.
 * The manual pages (man ns_spawn, man linuxns) are generated from this
 * header.
 *
 * liblinuxns gives C programs, and through their FFIs Go, Haskell, Perl and
 * Python, the namespace toolbox in one place: namespace handles and ids,
 * unshare and setns (namespace descriptors and pidfds, several namespaces in
 * one atomic step), uid and gid maps written the way the kernel requires,
 * and spawning programs or functions in new or existing namespaces, safely
 * from any thread of any runtime. Link with the flags of
 * `pkg-config --cflags --libs linuxns`.
 *
 * NAMESPACE HANDLES
 *
 * A namespace is handled as a file descriptor of a namespace file, as
 * /proc/PID/ns/TYPE gives it: opened with ns_open_pid, ns_open_pidfd,
 * ns_open_path or ns_open_name, or created with ns_new, ns_new_userns or
 * ns_netns_add. Such a descriptor is the same as other tools' (ip netns,
 * nsenter, Go's netns, Python's lxns): it can be passed to setns(2),
 * ns_setns or ns_spawn_attr_join, and kept alive with ns_bind. A namespace
 * lives as long as a process, a descriptor or a bind mount holds it.
 *
 * ns_id gives the inode number that /proc and lsns show, which the kernel
 * may reuse once the namespace is gone; ns_unique_id gives the kernel's
 * 64-bit id that is never reused. A pidfd names a process without the race
 * against pid reuse: ns_open_pidfd opens its namespaces, and ns_setns,
 * ns_run_in and ns_spawn_attr_join take one with a mask of types, to enter
 * several namespaces of that process at once.
 *
 * A struct ns_handle (Linux 6.18, ns_handle_encode) names a namespace by
 * its type, inode number and 64-bit id as plain bytes, or as text
 * (ns_handle_format, ns_handle_parse): a token to store in a file or send
 * to another process, which reopens the namespace with ns_open_handle
 * while it lives, without a bind mount. It keeps nothing alive.
 *
 * ns_mount_list and ns_mount_count show the mounts of any mount namespace
 * named by a descriptor (its ids, mount points, types, sources,
 * propagation, idmapping), as findmnt -N does for a process in it, without
 * the caller entering it.
 *
 * TYPES AND MASKS
 *
 * Each namespace type is one NS_* constant, the kernel's CLONE_NEW* bit:
 * NS_MNT, NS_CGROUP, NS_UTS, NS_IPC, NS_USER, NS_PID, NS_NET, NS_TIME. A
 * parameter named `type` takes exactly one of them (some functions accept 0
 * for any type); a parameter named `types` takes a mask, an OR of several
 * (0 means none, or all, as each function says). Any other bit is refused
 * with -EINVAL before anything changes. NS_ALL is every type;
 * NS_FOR_CHILDREN, with NS_PID or NS_TIME, names the namespace a process's
 * next children get.
 *
 * ERRORS
 *
 * A function returning int, pid_t or int64_t returns a value >= 0 on
 * success (0, a new descriptor, a pid, a count) and a negative errno on
 * failure (-EINVAL, -EPERM, ...), and sets errno to the positive value as
 * well, so perror(3) and the FFI helpers that read errno work. A function
 * returning a pointer returns NULL with errno set on failure. Each
 * function's Errors list names the errno values it returns; any function
 * may also return -EIO for a failure the library cannot classify (a short
 * write to a /proc file, an internal error), and says which in
 * ns_last_error.
 *
 * ns_last_error() describes the calling thread's most recent failure as a
 * sentence naming the function, the step, the object and the reason, for
 * example "ns_write_gid_map: write /proc/4242/gid_map: Operation not
 * permitted (setgroups was not denied)". Bad input (NULL pointers, unknown flag bits, descriptors of the
 * wrong kind) is refused with a documented errno before anything changes,
 * and no Rust panic ever crosses the boundary. Out parameters are written
 * only on success.
 *
 * DESCRIPTORS
 *
 * Every descriptor the library creates is O_CLOEXEC; descriptors it opens
 * for itself are closed before it returns, on success and failure alike.
 * Descriptors it returns are the caller's to close.
 *
 * THREADS AND RUNTIMES
 *
 * - Namespace membership is per thread. ns_unshare, ns_setns and
 *   ns_enter_pid move only the calling thread. The kernel refuses to move a
 *   multithreaded process into a user namespace, and a thread that shares
 *   its filesystem context into a mount namespace: -EINVAL, explained in
 *   ns_last_error. In Go, lock the OS thread first (runtime.LockOSThread);
 *   in a runtime that cannot, use ns_run_in or ns_spawn.
 * - ns_run_in, ns_new, ns_new_userns, ns_clone, ns_spawn and ns_spawn_fn
 *   never move the caller and are safe from any thread of any runtime.
 *   Helper threads of the library are gone from the kernel before the call
 *   that started them returns.
 * - Every thread the library starts (helper threads, a pool's refill
 *   thread, the stderr reader of the Rust API's wait_with_output) blocks
 *   every signal from its start (all but the two the C library keeps for
 *   itself), whatever the starting thread's mask: the caller's process-directed signals are delivered to
 *   the caller's own threads only, so a program that blocks a signal in
 *   its threads to read it with sigwait or a signalfd gets every one, and
 *   no handler of the caller's runs in a thread that entered other
 *   namespaces.
 * - Cancellation: no function of the library is a cancellation point. A
 *   thread cancelled (pthread_cancel) during a call finishes the call,
 *   which holds cancellation off while it runs (the C library's read,
 *   close, waitid and pthread_join it uses would otherwise act on it:
 *   unwinding through the library aborts the process, and would leave a
 *   child unreaped or a thread in other namespaces), and is cancelled at
 *   its next cancellation point after it. ns_list's callback runs with
 *   cancellation held off too.
 * - fork(3): the child of a fork of the caller's may call the library,
 *   whatever the caller's other threads (or a pool's refill thread) were
 *   doing in it at the fork: the library registers fork handlers
 *   (pthread_atfork) that hold its descriptor lock across the fork, so
 *   none is left held in the child; a fork made while another thread's
 *   spawn is between its clone and the program's exec waits for that
 *   exec (as other spawns do). A pool stays the parent's: in the
 *   child ns_pool_take fails with -EINVAL and spawns create their
 *   namespaces. The library's own descriptors that calls in flight held
 *   at the fork stay open in the child, close-on-exec.
 * - ns_last_error is per OS thread: read it on the thread that made the
 *   failing call. The negative return value is reliable on any thread.
 * - SIGCHLD: a spawned program and an ns_clone child are direct children of
 *   the caller that send SIGCHLD and must be waited for. The library tracks
 *   every child by a pidfd taken when the child is created, never by a pid
 *   looked up later, so a runtime that ignores SIGCHLD, reaps in a SIGCHLD
 *   handler or runs waitpid(-1) in a thread does not change the outcome of
 *   a call. Helper processes of the library's own (ns_new(NS_USER),
 *   ns_new_userns, newuidmap) have exit signal 0 and are invisible to the
 *   caller's handlers; the intermediate process of a spawn with joins or
 *   time offsets is the caller's child, and a SIGCHLD handler may see it.
 * - SIGPIPE: no call makes the caller receive it. What the library
 *   writes to its children goes through sockets with MSG_NOSIGNAL, so a
 *   child that is gone (killed by anyone while a spawn runs) costs the
 *   call an error, or leaves a pid whose status shows the signal; it never
 *   ends the caller's process.
 * - Seccomp: a filter that refuses clone3 makes spawns use clone(2) from
 *   then on (only clone3 can start a child in a cgroup); one that refuses
 *   pidfd_open makes ns_enter_pid go through /proc and pdeathsig compare
 *   getppid().
 * - Descriptor inheritance: as with posix_spawn, a spawned program inherits
 *   the caller's descriptors that are not close-on-exec, unless
 *   ns_spawn_attr_set_close_fds says otherwise; ns_spawn_attr_set_fd places
 *   descriptors. A program never gets a descriptor of another concurrent
 *   call: the library's own are close-on-exec and tracked, and a child
 *   that does more than enter namespaces before its exec closes them
 *   first thing. Give your own descriptors close-on-exec when several
 *   threads spawn, or the other children inherit them.
 * - The shared attribute rule: an ns_spawn_attr may be used by any number
 *   of threads at once for spawning (ns_spawn, ns_spawn_fn); its setters
 *   and ns_spawn_attr_free must not run concurrently with any use of the
 *   same attr.
 *
 * KERNEL VERSIONS
 *
 * Linux only, kernel 5.3 or later. Newer kernels unlock faster or race-free
 * paths, and the library falls back to the older way by itself: setns of a
 * pidfd with several namespaces in one step (5.8; before, one at a time),
 * PIDFD_GET_*_NAMESPACE (6.11; before, /proc and a check that the pidfd's
 * process is alive), NS_GET_ID (6.18; before, ns_unique_id fails with
 * -EOPNOTSUPP), namespace file handles (6.18; before, ns_handle_encode and
 * ns_open_handle fail with -EOPNOTSUPP), idmapped mounts (5.12; before,
 * ns_mount_idmapped and ns_spawn_attr_set_root_idmap fail with
 * -EOPNOTSUPP), listmount(2) and statmount(2) of a mount namespace named
 * by descriptor (6.18; before, ns_mount_list has a helper thread join the
 * namespace and read its mountinfo), NS_MNT_GET_INFO (6.12; before,
 * ns_mount_count counts the listing), clone3 (5.3; clone(2) where a filter
 * refuses it),
 * CLONE_INTO_CGROUP (5.7), waitid(P_PIDFD) (5.4), time namespaces (5.6),
 * close_range (5.9, with CLOSE_RANGE_CLOEXEC 5.11; before, one fcntl per
 * descriptor) and PIDFD_INFO_EXIT (6.15; before, a supervising process of
 * the library's own, and ns_pidfd_status fails with -EOPNOTSUPP for a
 * reaped process), pid translation (6.11; before, ns_pid_translate reads
 * /proc). ns_features reports which of these the running kernel offers.
 * The constants it needs are its own, never taken from the build
 * machine's kernel headers.
 *
 * ENVIRONMENT
 *
 * LINUXNS_FORCE_FALLBACK=1 (read once) makes the library take the older
 * paths even on a new kernel, as if every probe had found the feature
 * missing; it exists for testing. PATH is searched for a program named
 * without '/' (ns_spawn) and for newuidmap and newgidmap.
 */

#ifndef LINUXNS_H
#define LINUXNS_H

/**
 * Mount namespace (CLONE_NEWNS).
 */
#define NS_MNT 0x00020000

/**
 * Cgroup namespace (CLONE_NEWCGROUP).
 */
#define NS_CGROUP 0x02000000

/**
 * UTS namespace: hostname and domain name (CLONE_NEWUTS).
 */
#define NS_UTS 0x04000000

/**
 * IPC namespace: System V IPC and POSIX message queues (CLONE_NEWIPC).
 */
#define NS_IPC 0x08000000

/**
 * User namespace: ids and capabilities (CLONE_NEWUSER).
 */
#define NS_USER 0x10000000

/**
 * PID namespace (CLONE_NEWPID).
 */
#define NS_PID 0x20000000

/**
 * Network namespace (CLONE_NEWNET).
 */
#define NS_NET 0x40000000

/**
 * Time namespace: CLOCK_MONOTONIC and CLOCK_BOOTTIME offsets (CLONE_NEWTIME).
 */
#define NS_TIME 0x00000080

/**
 * With ns_open_pid / ns_open_pidfd and NS_PID or NS_TIME: open the namespace
 * the process's future children get (pid_for_children, time_for_children).
 */
#define NS_FOR_CHILDREN 0x00000001

/**
 * Map writers, gid maps only: write "deny" to /proc/PID/setgroups first, as
 * an unprivileged process must before it may write its gid_map.
 */
#define NS_MAP_DENY_SETGROUPS 0x1

/**
 * Map writers: write through newuidmap(1) / newgidmap(1), which allow the
 * subordinate ranges of /etc/subuid and /etc/subgid.
 */
#define NS_MAP_USE_HELPER 0x2

/**
 * ns_list_ex: report every namespace, also those no process is in (held
 * by a descriptor, a bind mount, a thread, a *_for_children link, or
 * alive only as another's parent or owner).
 */
#define NS_LIST_ALL 0x1

/**
 * ns_pool_new: bring the loopback device (lo) up in each pooled network
 * namespace before it is handed out, as `ip link set lo up` would.
 */
#define NS_POOL_LO_UP 0x1

/**
 * ns_spawn_attr_set_caps: the bounding set (PR_CAPBSET_DROP of every
 * capability not given).
 */
#define NS_CAPS_BOUNDING 0x1

/**
 * ns_spawn_attr_set_caps: the permitted set (capset).
 */
#define NS_CAPS_PERMITTED 0x2

/**
 * ns_spawn_attr_set_caps: the effective set (capset).
 */
#define NS_CAPS_EFFECTIVE 0x4

/**
 * ns_spawn_attr_set_caps: the inheritable set (capset).
 */
#define NS_CAPS_INHERITABLE 0x8

/**
 * ns_spawn_attr_set_caps: the ambient set (PR_CAP_AMBIENT), which a
 * program that does not run as root keeps across exec.
 */
#define NS_CAPS_AMBIENT 0x10

/**
 * ns_features: clone3(2) (5.3), not refused by a seccomp filter.
 */
#define NS_FEATURE_CLONE3 0x1

/**
 * ns_features: clone3's CLONE_INTO_CGROUP: start a child in a cgroup
 * (5.7).
 */
#define NS_FEATURE_CLONE_INTO_CGROUP 0x2

/**
 * ns_features: setns(2) with a pidfd and a mask of types, entered at
 * once (5.8).
 */
#define NS_FEATURE_SETNS_PIDFD 0x4

/**
 * ns_features: The PIDFD_GET_*_NAMESPACE ioctls: a pidfd's namespaces
 * (6.11).
 */
#define NS_FEATURE_PIDFD_GET_NAMESPACE 0x8

/**
 * ns_features: NS_GET_ID: the 64-bit namespace id of ns_unique_id
 * (6.18).
 */
#define NS_FEATURE_NS_GET_ID 0x10

/**
 * ns_features: File handles of namespaces (nsfs, 6.18).
 */
#define NS_FEATURE_NSFS_HANDLES 0x20

/**
 * ns_features: listns(2): the kernel lists namespaces (6.19).
 */
#define NS_FEATURE_LISTNS 0x40

/**
 * ns_features: NS_MNT_GET_INFO, NS_MNT_GET_NEXT and NS_MNT_GET_PREV
 * (6.12).
 */
#define NS_FEATURE_MNTNS_IOCTLS 0x80

/**
 * ns_features: listmount(2) and statmount(2) (6.8).
 */
#define NS_FEATURE_LISTMOUNT 0x100

/**
 * ns_features: listmount and statmount of a mount namespace named by
 * descriptor (6.18).
 */
#define NS_FEATURE_LISTMOUNT_NS_FD 0x200

/**
 * ns_features: PIDFD_GET_INFO with PIDFD_INFO_EXIT: the status of a
 * reaped process (6.15).
 */
#define NS_FEATURE_PIDFD_INFO_EXIT 0x400

/**
 * ns_features: Idmapped mounts: mount_setattr(2) with MOUNT_ATTR_IDMAP
 * (5.12).
 */
#define NS_FEATURE_IDMAPPED_MOUNTS 0x800

/**
 * ns_features: NS_GET_PID_FROM_PIDNS / NS_GET_PID_IN_PIDNS: pids across
 * PID namespaces (6.11).
 */
#define NS_FEATURE_PID_TRANSLATE 0x1000

/**
 * ns_features: clone3's CLONE_NNP: the child starts with no_new_privs
 * (7.1).
 */
#define NS_FEATURE_CLONE_NNP 0x2000

/**
 * ns_features: clone3's CLONE_PIDFD_AUTOKILL: the child dies with its
 * clone pidfd (7.1).
 */
#define NS_FEATURE_CLONE_PIDFD_AUTOKILL 0x4000

/**
 * ns_features: clone3's CLONE_AUTOREAP: the child is reaped by the
 * kernel (7.1).
 */
#define NS_FEATURE_CLONE_AUTOREAP 0x8000

/**
 * ns_features: clone3's CLONE_EMPTY_MNTNS: the child gets an empty mount
 * namespace (7.1).
 */
#define NS_FEATURE_CLONE_EMPTY_MNTNS 0x10000

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/resource.h>
#include <linux/filter.h>

#define LINUXNS_VERSION_MAJOR 0
#define LINUXNS_VERSION_MINOR 1
#define LINUXNS_VERSION_PATCH 0
#define LINUXNS_VERSION_STRING "0.1.0"

/**
 * Every namespace type.
 */
#define NS_ALL (((((((NS_MNT | NS_CGROUP) | NS_UTS) | NS_IPC) | NS_USER) | NS_PID) | NS_NET) | NS_TIME)

/**
 * The most ranges a uid or gid map may have (the kernel's limit).
 */
#define NS_MAP_MAX_RANGES 340

/**
 * Room for the text form of any namespace handle (ns_handle_format), with
 * its NUL: "cgroup:4294967295:18446744073709551615" is 38 characters.
 */
#define NS_HANDLE_TEXT_MAX 40

/**
 * New mount namespace: make every mount private (the default, as unshare(1)).
 */
#define NS_PROPAGATION_PRIVATE 0

/**
 * New mount namespace: receive mount events from the parent, send none.
 */
#define NS_PROPAGATION_SLAVE 1

/**
 * New mount namespace: make every mount shared.
 */
#define NS_PROPAGATION_SHARED 2

/**
 * New mount namespace: keep the propagation copied from the parent.
 */
#define NS_PROPAGATION_UNCHANGED 3

/**
 * kcmp(2) type: compare file descriptors (idx1, idx2 are the fds).
 */
#define NS_KCMP_FILE 0

/**
 * kcmp(2) type: do the processes share their address space?
 */
#define NS_KCMP_VM 1

/**
 * kcmp(2) type: do they share their file descriptor table?
 */
#define NS_KCMP_FILES 2

/**
 * kcmp(2) type: do they share filesystem information (root, cwd, umask)?
 */
#define NS_KCMP_FS 3

/**
 * kcmp(2) type: do they share signal handlers?
 */
#define NS_KCMP_SIGHAND 4

/**
 * kcmp(2) type: do they share I/O context?
 */
#define NS_KCMP_IO 5

/**
 * kcmp(2) type: do they share System V semaphore undo lists?
 */
#define NS_KCMP_SYSVSEM 6

/**
 * A pool of namespace sets made ahead of time (opaque).
 *
 * Created by ns_pool_new, used by ns_spawn_attr_use_pool and
 * ns_pool_take, freed by ns_pool_free. A pool keeps `size` sets of
 * never-used namespaces ready, made by a background thread of its own;
 * any number of threads may take from it (and spawn with attrs that use
 * it) at once.
 */
typedef struct ns_pool ns_pool;

/**
 * A spawn attribute object: what a spawned child gets (namespaces to
 * create or join, maps, hostname, root, descriptors).
 *
 * Created by ns_spawn_attr_new, set up with the ns_spawn_attr_* setters,
 * used by ns_spawn and ns_spawn_fn, freed by ns_spawn_attr_free. Every
 * setter takes an object from ns_spawn_attr_new that has not been freed
 * (NULL is refused with -EINVAL), checks its own input at once and keeps
 * a copy of what it is given; ns_spawn checks the combination. An
 * ns_spawn_attr may be used by any number of threads at once for spawning
 * (ns_spawn, ns_spawn_fn); its setters and ns_spawn_attr_free must not run
 * concurrently with any use of the same attr.
 */
typedef struct ns_spawn_attr ns_spawn_attr;

/**
 * One range of a uid or gid map: `count` ids starting at `inside` in the
 * namespace are ids starting at `outside` in the parent namespace.
 */
typedef struct ns_idmap {
  /**
   * First id inside the namespace.
   */
  uint32_t inside;
  /**
   * First id in the parent namespace.
   */
  uint32_t outside;
  /**
   * How many ids.
   */
  uint32_t count;
} ns_idmap;

/**
 * One mount of a mount namespace, as ns_mount_list reports it.
 *
 * The structure may grow at its end in later versions: `size` is the
 * size the library filled (sizeof(struct ns_mount_info) of the library's
 * version); read a field only if it lies within `size`. The strings are
 * NUL-terminated and valid only during the callback; copy what you keep.
 */
typedef struct ns_mount_info {
  /**
   * The size of this structure as the library filled it.
   */
  uint32_t size;
  /**
   * MS_SHARED, MS_SLAVE and MS_UNBINDABLE bits (sys/mount.h; a
   * mount can be shared and a slave at once), or MS_PRIVATE alone.
   */
  uint32_t propagation;
  /**
   * The mount's unique 64-bit id, never reused while the system runs
   * (statmount(2), STATX_MNT_ID_UNIQUE); 0 on the fallback path, which
   * has only `proc_id`.
   */
  uint64_t id;
  /**
   * The unique id of the parent mount (of the namespace's root mount:
   * the mount it sits on, which is not listed); 0 on the fallback path.
   */
  uint64_t parent_id;
  /**
   * The mount's id in /proc/PID/mountinfo and findmnt's ID column
   * (reused after an unmount).
   */
  uint32_t proc_id;
  /**
   * The parent's id in /proc/PID/mountinfo (findmnt's PARENT).
   */
  uint32_t proc_parent_id;
  /**
   * The major number of the filesystem's device (st_dev).
   */
  uint32_t dev_major;
  /**
   * The minor number of the filesystem's device.
   */
  uint32_t dev_minor;
  /**
   * The peer group id of a shared mount ("shared:N" in mountinfo);
   * 0 if it is not shared.
   */
  uint64_t peer_group;
  /**
   * The peer group it receives propagation from when it is a slave
   * ("master:N"); 0 if it is not a slave.
   */
  uint64_t master;
  /**
   * The mount's attributes as MOUNT_ATTR_* bits of linux/mount.h
   * (RDONLY 0x1, NOSUID 0x2, NODEV 0x4, NOEXEC 0x8, NOATIME 0x10,
   * STRICTATIME 0x20, NODIRATIME 0x80, IDMAP 0x100000, NOSYMFOLLOW
   * 0x200000; relatime is 0), as mount_setattr(2) takes them.
   */
  uint64_t attr;
  /**
   * Where it is mounted, as seen from the namespace's root (or the
   * caller's root, for the caller's own namespace), like findmnt's
   * TARGET.
   */
  const char *mount_point;
  /**
   * The directory of its filesystem that is mounted ("/" unless a bind
   * mount of a subdirectory; findmnt's FSROOT).
   */
  const char *root;
  /**
   * The filesystem type, with its subtype as "type.subtype" (fuse).
   */
  const char *fs_type;
  /**
   * The mount source (a device, "tmpfs", a server path); "none" when
   * the mount has none.
   */
  const char *source;
  /**
   * 1 if the mount is idmapped (mount_setattr(2) MOUNT_ATTR_IDMAP),
   * else 0.
   */
  uint32_t idmapped;
} ns_mount_info;

/**
 * The callback of ns_mount_list: called once per mount; a non-zero
 * return stops the walk.
 */
typedef int (*ns_mount_cb)(const struct ns_mount_info *info, void *arg);

/**
 * A namespace file handle, as plain bytes: a token that names one
 * namespace and reopens it (ns_open_handle) while it lives.
 *
 * 64 bytes with no padding: ns_handle_encode always writes the same bytes
 * for the same namespace, so two handles can be compared with memcmp and
 * copied, stored in a file or sent to another process as they are. The
 * fields are in the host's byte order. A handle built by hand needs
 * `size`, `type`, `unique_id` and `inode` (the kernel checks all three
 * namespace fields) and zero `reserved` words.
 */
typedef struct ns_handle {
  /**
   * sizeof(struct ns_handle), 64: a later layout has another size, or
   * gives meaning to reserved words.
   */
  uint32_t size;
  /**
   * One NS_* value: the namespace's type.
   */
  int32_t type;
  /**
   * The kernel's 64-bit namespace id, never reused, as ns_unique_id
   * gives it.
   */
  uint64_t unique_id;
  /**
   * The inode number, as ns_id gives it and "net:[4026531840]" shows it.
   */
  uint32_t inode;
  /**
   * Zero.
   */
  uint32_t reserved[11];
} ns_handle;

/**
 * One namespace, as ns_list reports it.
 */
typedef struct ns_info {
  /**
   * Inode number, as in "net:[4026531840]".
   */
  uint64_t id;
  /**
   * Id of the owning user namespace.
   */
  uint64_t userns_id;
  /**
   * Pid and user namespaces: the parent's id; otherwise 0.
   */
  uint64_t parent_id;
  /**
   * One NS_* value.
   */
  int32_t type;
  /**
   * Processes found in it.
   */
  uint32_t nprocs;
  /**
   * Lowest pid found in it; 0 if none (bind-mounted only).
   */
  int32_t pid;
  /**
   * Uid that created the owning user namespace.
   */
  uint32_t owner_uid;
} ns_info;

/**
 * ns_list's callback: a non-zero return stops the walk.
 */
typedef int (*ns_list_cb)(const struct ns_info *info, void *arg);

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/**
 * The library version as a string, "MAJOR.MINOR.PATCH".
 *
 * It equals the LINUXNS_VERSION_* macros this header was generated with,
 * so a program can compare the two to detect a header and a library that
 * do not match.
 *
 * Returns: a static NUL-terminated string owned by the library; never
 * NULL.
 *
 * Errors: none.
 *
 * Thread safety: moves nothing; safe from any thread at any time.
 *
 * Kernel: any.
 */
const char *ns_version(void);

/**
 * The calling thread's most recent failure, as a sentence.
 *
 * A human-readable account naming the function, the step, the object and
 * the reason, with a hint in parentheses where the library has one, e.g.
 * "ns_write_gid_map: write /proc/4242/gid_map: Operation not permitted
 * (setgroups was not denied)". A successful call does not clear it.
 *
 * Returns: a NUL-terminated string that belongs to the library: "" before
 * any failure on this thread; it stays valid until the next ns_* call on
 * the same thread. Never NULL.
 *
 * Errors: none.
 *
 * Thread safety: the text is per thread: each thread sees only its own
 * failures, so read it on the thread that made the failing call (in Go on
 * a locked OS thread, in Haskell on a bound thread). The negative return
 * value and errno of the failed call are reliable on any thread.
 *
 * Kernel: any.
 */
const char *ns_last_error(void);

/**
 * The name of a namespace type, as in /proc/PID/ns.
 *
 * `type`: exactly one NS_* value.
 *
 * Returns: a static string owned by the library: "mnt", "cgroup", "uts",
 * "ipc", "user", "pid", "net" or "time"; NULL with errno set on failure.
 *
 * Errors:
 * EINVAL: when `type` is not exactly one NS_* value (0, a mask of several,
 *   unknown bits).
 *
 * Thread safety: moves nothing; safe from any thread at any time.
 * ns_last_error is per thread.
 *
 * Kernel: any.
 */
const char *ns_type_name(int type);

/**
 * The NS_* value of a namespace type name, the inverse of ns_type_name.
 *
 * `name`: a NUL-terminated string such as "net" or "mnt" (or NULL, which
 * is refused).
 *
 * Returns: the NS_* value, or a negative errno.
 *
 * Errors:
 * -EINVAL: when `name` is NULL or any other string (names are lower case;
 *   the *_for_children names are not types).
 *
 * Thread safety: moves nothing; safe from any thread at any time.
 * ns_last_error is per thread.
 *
 * Kernel: any.
 */
int ns_type_from_name(const char *name);

/**
 * Moves the calling thread into new namespaces: unshare(2).
 *
 * For NS_PID and NS_TIME the thread itself stays where it is: its future
 * children are created in the new namespace.
 *
 * `flags`: any OR of NS_* values plus CLONE_FILES, CLONE_FS and
 * CLONE_SYSVSEM; 0 does nothing.
 *
 * Returns: 0, or a negative errno.
 *
 * Errors:
 * -EINVAL: when `flags` has any other bit (nothing is changed); when the
 *   kernel refuses NS_USER because the process has several threads (the
 *   text of ns_last_error says so); when the kernel lacks a requested
 *   namespace type.
 * -EPERM: without the privilege the kernel asks for (CAP_SYS_ADMIN, or a
 *   new user namespace in the same call).
 * -ENOSPC: when a max_*_namespaces limit, or the nesting limit of user
 *   or PID namespaces, is reached.
 * -ENOMEM: when the kernel runs out of memory.
 *
 * Thread safety: moves only the calling thread; the process's other
 * threads keep their namespaces. NS_USER needs a single-threaded process.
 * A runtime that moves work between OS threads must pin the caller to
 * its thread first (Go: runtime.LockOSThread); ns_spawn and ns_run_in
 * never move the caller. ns_last_error is per thread.
 *
 * Kernel: any; NS_TIME needs 5.6 (-EINVAL before).
 */
int ns_unshare(int flags);

/**
 * Moves the calling thread into existing namespaces: setns(2).
 *
 * Joining the user namespace the caller is already in succeeds and does
 * nothing (the kernel itself would refuse it).
 *
 * `fd`: a namespace file (from ns_open_pid, ns_open_path, ...) or a
 * pidfd.
 *
 * `types`: for a namespace file, 0 (any) or exactly the namespace's NS_*
 * type; for a pidfd, a non-empty OR of NS_* values, entered together (see
 * Kernel).
 *
 * Returns: 0, or a negative errno.
 *
 * Errors:
 * -EBADF: when `fd` is not open.
 * -EINVAL: when `fd` is neither a namespace nor a pidfd, when `types` does
 *   not fit it or has bits that are not NS_*; when the kernel refuses a
 *   user namespace to a multithreaded process, or a mount namespace to a
 *   thread that shares its filesystem context (ns_last_error says why).
 * -ESRCH: when the pidfd's process has exited.
 * -EPERM: without the needed capabilities.
 * -EOPNOTSUPP: when a pidfd's `types` names a type this kernel lacks and
 *   the namespaces are opened through /proc (kernels before 5.8).
 * -EMFILE: when telling a pidfd from other files, or listing the threads
 *   for a mount namespace, needs a descriptor and none is free.
 * -ENOENT: when that needs /proc and it is not mounted ("/proc is not
 *   mounted").
 *
 * Thread safety: moves only the calling thread. The kernel refuses a
 * user namespace to a multithreaded process, and a mount namespace to a
 * thread that shares its filesystem context (root, cwd) with other
 * threads, which every thread of a multithreaded process does unless it
 * called ns_unshare(CLONE_FS). (Through a pidfd with more types in the
 * mask, the kernel would instead move the root of every thread sharing
 * the context; the library refuses that too, before anything changes.)
 * Use ns_run_in from multithreaded programs. ns_last_error is per thread.
 *
 * Kernel: any. A pidfd's namespaces are entered in one step from 5.8;
 * before, one at a time, user namespace first, and if one fails the ones
 * already joined are left again where the kernel allows it, which it does
 * not for a user namespace.
 */
int ns_setns(int fd, int types);

/**
 * Opens a namespace of a process or thread, by pid.
 *
 * `pid`: a process (or thread) id; 0 is the calling thread
 * (/proc/thread-self).
 *
 * `type`: one NS_* value; for NS_PID and NS_TIME, `type | NS_FOR_CHILDREN`
 * opens pid_for_children / time_for_children, the namespace the process's
 * next children get.
 *
 * Returns: a new O_CLOEXEC descriptor, the caller's to close, or a
 * negative errno.
 *
 * Errors:
 * -EINVAL: when `pid` is negative, `type` is not exactly one NS_* value, or
 *   NS_FOR_CHILDREN comes with another type than NS_PID or NS_TIME.
 * -ESRCH: when there is no such process, or it has exited.
 * -EOPNOTSUPP: when this kernel lacks the namespace type.
 * -EACCES: when the caller may not inspect the process.
 * -EPERM: when the caller may not inspect the process.
 * -ENOENT: with "/proc is not mounted" when there is no /proc; with
 *   NS_FOR_CHILDREN, when no process is in that namespace yet (the kernel
 *   shows it only then).
 * -EMFILE: when no descriptor is free.
 *
 * Thread safety: moves nothing; safe from any thread of any runtime.
 * `pid` 0 names the calling thread, whose namespaces may differ from the
 * other threads'. ns_last_error is per thread.
 *
 * Kernel: any; NS_TIME needs 5.6 (-EOPNOTSUPP before).
 */
int ns_open_pid(pid_t pid, int type);

/**
 * The inode number of a namespace, as /proc and lsns show it.
 *
 * The id is the N of `readlink /proc/PID/ns/TYPE` = `type:[N]`, and
 * lsns's NS column. Two namespaces alive at the same time never share it,
 * but the kernel may reuse it after one is gone (see ns_unique_id for an
 * id that is never reused).
 *
 * `fd`: a namespace descriptor.
 *
 * `id`: points at a uint64_t that receives the id (NULL is refused).
 *
 * Returns: 0 with `*id` set, or a negative errno.
 *
 * Errors:
 * -EINVAL: when `id` is NULL or `fd` is not a namespace.
 * -EBADF: when `fd` is not open.
 *
 * Thread safety: moves nothing; safe from any thread at any time.
 * ns_last_error is per thread.
 *
 * Kernel: any.
 */
int ns_id(int fd, uint64_t *id);

/**
 * Writes the uid map of a process's user namespace, /proc/PID/uid_map.
 *
 * The whole map goes in the single write the kernel allows. It is checked
 * before anything is written: 1 <= count <= 340, every range's count >= 1,
 * no range reaching id 4294967295 ((uid_t)-1 is never mapped), inside
 * ranges pairwise disjoint, outside ranges pairwise disjoint; ns_last_error
 * names the bad entry. The text must also fit in less than one page, as
 * the kernel requires, also through NS_MAP_USE_HELPER (newuidmap writes it
 * the same way); about 120 ranges of 10-digit numbers fit in 4 KiB.
 *
 * `pid`: the process; 0 is the calling process.
 *
 * `map`: points at `count` struct ns_idmap entries.
 *
 * `count`: the number of entries, 1 to NS_MAP_MAX_RANGES (340).
 *
 * `flags`: 0, or NS_MAP_USE_HELPER to write through newuidmap(1), which
 * allows the ranges /etc/subuid grants the caller. NS_MAP_DENY_SETGROUPS
 * is for gid maps only: -EINVAL here.
 *
 * Returns: 0, or a negative errno.
 *
 * Errors:
 * -EINVAL: when `pid` is negative, `map` is NULL, `count` is 0, `flags`
 *   has unknown bits or NS_MAP_DENY_SETGROUPS, or a range is empty, runs
 *   past 4294967294 or overlaps another.
 * -E2BIG: when `count` is above 340 or the text is a page or longer.
 * -ESRCH: when there is no such process.
 * -EPERM: from the kernel (a map already written, or one the caller may
 *   not write, also when the caller may not even open another user's
 *   /proc/PID files); with NS_MAP_USE_HELPER when newuidmap refuses (its
 *   stderr in ns_last_error).
 * -ENOENT: when /proc is not mounted; with NS_MAP_USE_HELPER when
 *   newuidmap is not in PATH.
 * -EOPNOTSUPP: for a `pid` other than 0 (or with NS_MAP_USE_HELPER) when
 *   /proc belongs to another PID namespace, where that pid would name
 *   another process.
 * -EMFILE: when no descriptor is free.
 * -EAGAIN: with NS_MAP_USE_HELPER when no process can be started
 *   (RLIMIT_NPROC).
 *
 * Thread safety: moves nothing; safe from any thread of any runtime.
 * newuidmap runs as the library's own child (exit signal 0), so a
 * runtime that reaps children itself cannot take its exit status.
 * ns_last_error is per thread.
 *
 * Kernel: any. newuidmap's exit status is read through its pidfd
 * (PIDFD_INFO_EXIT, 6.15); before, through a supervising process of the
 * library's own.
 */
int ns_write_uid_map(pid_t pid, const struct ns_idmap *map, size_t count, unsigned int flags);

/**
 * Writes the gid map of a process's user namespace, /proc/PID/gid_map.
 *
 * Everything as ns_write_uid_map: the same checks before anything is
 * written, the single write, newgidmap(1) for NS_MAP_USE_HELPER.
 *
 * `pid`: the process; 0 is the calling process.
 *
 * `map`: points at `count` struct ns_idmap entries.
 *
 * `count`: the number of entries, 1 to NS_MAP_MAX_RANGES (340).
 *
 * `flags`: an OR of NS_MAP_USE_HELPER (write through newgidmap, which
 * allows the ranges /etc/subgid grants the caller) and
 * NS_MAP_DENY_SETGROUPS, which first writes "deny" to
 * /proc/PID/setgroups: an unprivileged process must, before the kernel
 * lets it write a gid map.
 *
 * Returns: 0, or a negative errno.
 *
 * Errors:
 * -EINVAL: when `pid` is negative, `map` is NULL, `count` is 0, `flags`
 *   has unknown bits, or a range is empty, runs past 4294967294 or
 *   overlaps another.
 * -E2BIG: when `count` is above 340 or the text is a page or longer.
 * -ESRCH: when there is no such process.
 * -EPERM: from the kernel (a map already written, or one the caller may
 *   not write, also when the caller may not even open another user's
 *   /proc/PID files); without NS_MAP_DENY_SETGROUPS where the kernel
 *   requires it (ns_last_error says "setgroups was not denied"); with
 *   NS_MAP_USE_HELPER when newgidmap refuses (its stderr in ns_last_error).
 * -ENOENT: when /proc is not mounted; with NS_MAP_USE_HELPER when
 *   newgidmap is not in PATH.
 * -EOPNOTSUPP: for a `pid` other than 0 (or with NS_MAP_USE_HELPER) when
 *   /proc belongs to another PID namespace, where that pid would name
 *   another process.
 * -EMFILE: when no descriptor is free.
 * -EAGAIN: with NS_MAP_USE_HELPER when no process can be started
 *   (RLIMIT_NPROC).
 *
 * Thread safety: moves nothing; safe from any thread of any runtime.
 * newgidmap runs as the library's own child (exit signal 0), so a
 * runtime that reaps children itself cannot take its exit status.
 * ns_last_error is per thread.
 *
 * Kernel: any. newgidmap's exit status is read through its pidfd
 * (PIDFD_INFO_EXIT, 6.15); before, through a supervising process of the
 * library's own.
 */
int ns_write_gid_map(pid_t pid, const struct ns_idmap *map, size_t count, unsigned int flags);

/**
 * Starts a child running a function in new namespaces.
 *
 * The child has its own copy of the caller's memory, as after fork().
 * fork()'s library hooks (pthread_atfork) do not run, and when `fn`
 * returns the child leaves with _exit(2): stdio buffers are not flushed,
 * so fflush or write(2) what must be seen. With NS_PID the child is pid 1
 * of the new PID namespace. This is ns_spawn_fn with an attribute that
 * sets only `types`.
 *
 * `types`: the namespaces the child gets new, an OR of NS_* values; 0 for
 * none.
 *
 * `fn`: the function the child runs with `arg`; its return value is the
 * child's exit status.
 *
 * `pidfd`: NULL, or where an O_CLOEXEC pidfd of the child is stored (the
 * caller's to close).
 *
 * Returns: the child's pid, a direct child of the caller that sends
 * SIGCHLD when it ends and must be waited for; or a negative errno.
 *
 * Errors:
 * -EINVAL: when `fn` is NULL or `types` has bits that are not NS_*; when
 *   the kernel lacks a requested namespace type.
 * -EPERM: as clone(2) returns it (no privilege for these namespaces).
 * -ENOSPC: as clone(2) returns it (a namespace limit is reached).
 * -EUSERS: as clone(2) returns it.
 * -EAGAIN: when no process can be started (RLIMIT_NPROC).
 * -ENOMEM: when the kernel runs out of memory.
 * -EMFILE: when no descriptor is free for the pidfd or the report pipe.
 *
 * Thread safety: the caller never moves; safe from any thread of any
 * runtime. If the caller is multithreaded, `fn` may call only
 * async-signal-safe functions, as after fork(). The outcome does not
 * depend on who else reaps children in the process: the library tracks
 * the child by a pidfd taken when it is created. ns_last_error is per
 * thread.
 *
 * Kernel: clone3 (5.3), or clone(2) when a seccomp filter refuses clone3;
 * NS_TIME needs 5.6 and is created through a short-lived intermediate
 * process where clone3 is refused.
 */
pid_t ns_clone(int types, int (*fn)(void *arg), void *arg, int *pidfd);

/**
 * Moves the calling thread into a process's namespaces, like `nsenter -t PID`.
 *
 * Namespaces the caller is already in are skipped.
 *
 * `pid`: the process, > 0.
 *
 * `types`: an OR of NS_* values; 0 means every namespace in which `pid`
 * differs from the caller.
 *
 * Returns: 0, or a negative errno.
 *
 * Errors:
 * -EINVAL: when `pid` <= 0 or `types` has bits that are not NS_*; when a
 *   user namespace is to be joined by a multithreaded caller, or a mount
 *   namespace by a thread that shares its filesystem context (explained
 *   in ns_last_error; nothing is changed).
 * -ESRCH: when there is no such process.
 * -EPERM: without the needed privileges, also when the caller may not
 *   inspect the target.
 * -EOPNOTSUPP: when `types` names a type this kernel lacks, or (without
 *   pidfd_open) when /proc belongs to another PID namespace.
 * -ENOENT: when /proc is not mounted and it is needed.
 * -EMFILE: when no descriptor is free.
 *
 * Thread safety: moves only the calling thread, so the rules of ns_setns
 * apply: a user namespace needs a single-threaded caller, and a mount
 * namespace a thread that does not share its filesystem context. Use
 * ns_run_in or ns_spawn from multithreaded programs. ns_last_error is per
 * thread.
 *
 * Kernel: pidfd_open (5.3) and one atomic setns of the pidfd where the
 * kernel allows it (5.8); before 5.8, one at a time, the user namespace
 * first when the caller is not root and last when it is, as nsenter does.
 * With pidfd_open refused (a seccomp filter) or missing, the namespaces
 * are opened through /proc/PID and the process is checked to be the same
 * (its start time) before any is joined.
 */
int ns_enter_pid(pid_t pid, int types);

/**
 * Runs a function on a new thread inside namespaces, and waits for it.
 *
 * Mount namespaces work: the thread first unshares its filesystem context
 * (CLONE_FS). User namespaces cannot be joined by a thread of a
 * multithreaded process. The thread ends after `fn` returns, taking its
 * namespaces with it; `fn` must not leave threads or state behind that
 * expect them.
 *
 * `fd`: a namespace descriptor or a pidfd, as ns_setns takes them.
 *
 * `types`: for a namespace, 0 or its NS_* type; for a pidfd, a non-empty
 * NS_* mask.
 *
 * `fn`: called with `arg` on the new thread, which blocks every signal (no
 * handler of the caller's runs in other namespaces; a signal sent to that
 * thread stays pending and ends with it).
 *
 * `result`: NULL, or where fn's return value is stored.
 *
 * Returns: 0 once `fn` has run, or a negative errno.
 *
 * Errors:
 * -EINVAL: when `fn` is NULL, a user namespace would be joined, `types`
 *   has bits that are not NS_* or does not fit `fd`, or `fd` is neither a
 *   namespace nor a pidfd.
 * -EBADF: when `fd` is not open.
 * -EMFILE: when telling a pidfd from other files needs a descriptor and
 *   none is free.
 * -EAGAIN: when no thread can be started (RLIMIT_NPROC).
 * -ESRCH: when the pidfd's process has exited.
 * -EPERM: without the privileges the join needs.
 * -ENOENT: when telling a pidfd from other files needs /proc and it is
 *   not mounted.
 *
 * Thread safety: the calling thread never changes namespaces, so this is
 * safe from any thread of any runtime (Go, GHC, Perl); `fn` runs on a
 * thread of the library's own, gone from the kernel before the call
 * returns. ns_last_error is per thread.
 *
 * Kernel: as ns_setns (a pidfd's namespaces in one step from 5.8).
 */
int ns_run_in(int fd, int types, int (*fn)(void *arg), void *arg, int *result);

/**
 * Creates a namespace of one type, as a descriptor, without moving the caller.
 *
 * A helper thread unshares it; for NS_USER a helper process. For NS_PID
 * and NS_TIME it is the namespace children would get: nobody is in it
 * yet, and the first process to enter it (e.g. a child spawned after
 * joining it) becomes its pid 1 / sees its offsets. NS_USER gives a user
 * namespace without maps (see ns_new_userns).
 *
 * `type`: exactly one NS_* value.
 *
 * Returns: a new O_CLOEXEC descriptor, the caller's to close, or a
 * negative errno.
 *
 * Errors:
 * -EINVAL: unless `type` is exactly one NS_* value; when the kernel lacks
 *   the namespace type.
 * -EPERM: without CAP_SYS_ADMIN (except NS_USER).
 * -ENOSPC: at a max_*_namespaces limit.
 * -EOPNOTSUPP: for NS_PID on kernels before 6.11, which cannot show an
 *   empty PID namespace.
 * -EAGAIN: when no thread (or, for NS_USER, no process) can be started
 *   (RLIMIT_NPROC).
 * -EMFILE: when no descriptor is free.
 *
 * Thread safety: the caller never moves; safe from any thread of any
 * runtime. The helper thread is gone from the kernel before the call
 * returns; the helper process is the library's own child with exit
 * signal 0, unseen by the caller's SIGCHLD handler or waitpid(-1).
 * ns_last_error is per thread.
 *
 * Kernel: NS_PID needs PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE (6.11); with
 * pidfd_open filtered, NS_PID is opened through a helper process's pidfd
 * instead. NS_TIME needs 5.6. The other types: any.
 */
int ns_new(int type);

/**
 * Creates a new user namespace with uid and gid maps, as a descriptor.
 *
 * For idmapped mounts and ns_spawn_attr_join. A helper process creates it
 * and waits while the caller writes the maps (so several ranges and
 * newuidmap work) and opens it. The helper is addressed through the
 * /proc/self it opened itself, so a /proc of another PID namespace does no
 * harm (except with NS_MAP_USE_HELPER: newuidmap looks the pid up in
 * /proc).
 *
 * `uid_map`: points at `uid_count` entries, or is NULL when `uid_count` is
 * 0 (no uid map).
 *
 * `gid_map`: points at `gid_count` entries, or is NULL when `gid_count` is
 * 0 (no gid map).
 *
 * `flags`: as the map writers take them: NS_MAP_DENY_SETGROUPS applies to
 * the gid map, NS_MAP_USE_HELPER to both.
 *
 * Returns: a new O_CLOEXEC descriptor, the caller's to close, or a
 * negative errno.
 *
 * Errors:
 * -EINVAL: for unknown flags, a NULL map with a non-zero count, and the
 *   map checks of ns_write_uid_map (an empty or overlapping range, one
 *   running past 4294967294).
 * -E2BIG: when a map has more than 340 ranges or its text is a page or
 *   longer.
 * -EPERM: the kernel's, for maps the caller may not write (ns_last_error
 *   names the file); when newuidmap or newgidmap refuses.
 * -ENOENT: when /proc is not mounted; with NS_MAP_USE_HELPER when
 *   newuidmap or newgidmap is not in PATH.
 * -EOPNOTSUPP: with NS_MAP_USE_HELPER when /proc belongs to another PID
 *   namespace.
 * -ENOSPC: at the max_user_namespaces limit.
 * -EAGAIN: when no process can be started (RLIMIT_NPROC).
 * -EMFILE: when no descriptor is free.
 *
 * Thread safety: the caller never moves; safe from any thread of any
 * runtime. The helper is the library's own child with exit signal 0: no
 * SIGCHLD handler or waitpid(-1) of the caller's runtime sees it.
 * ns_last_error is per thread.
 *
 * Kernel: any (the helper is started with clone3, 5.3, or clone(2) when a
 * seccomp filter refuses clone3).
 */
int ns_new_userns(const struct ns_idmap *uid_map, size_t uid_count, const struct ns_idmap *gid_map, size_t gid_count, unsigned int flags);

/**
 * Opens a namespace of the process behind a pidfd, safe from pid reuse.
 *
 * Like ns_open_pid, but the process is named by a pidfd, so a pid reused
 * in between cannot be opened by mistake.
 *
 * `pidfd`: a pidfd (pidfd_open(2), CLONE_PIDFD, the `pidfd` of ns_spawn).
 *
 * `type`: one NS_* value; NS_FOR_CHILDREN works as with ns_open_pid.
 *
 * Returns: a new O_CLOEXEC descriptor, the caller's to close, or a
 * negative errno.
 *
 * Errors:
 * -EBADF: when `pidfd` is not open or not a pidfd.
 * -ESRCH: when its process has exited.
 * -EINVAL: for a bad `type`.
 * -EOPNOTSUPP: when the kernel lacks the namespace type.
 * -EACCES: when the caller may not inspect the process.
 * -EPERM: when the caller may not inspect the process.
 * -ENOENT: when the /proc fallback is needed and /proc is not mounted.
 * -EMFILE: when no descriptor is free.
 *
 * Thread safety: moves nothing; safe from any thread at any time.
 * ns_last_error is per thread.
 *
 * Kernel: the kernel's PIDFD_GET_*_NAMESPACE (6.11) where present; else
 * /proc/PID/ns, then a check that the pidfd's process is still alive (so
 * the pid was not reused in between).
 */
int ns_open_pidfd(int pidfd, int type);

/**
 * Opens a namespace file by path.
 *
 * `path`: a NUL-terminated path of a namespace file: /proc/PID/ns/X, a
 * bind mount of one (see ns_bind), /run/netns/NAME.
 *
 * `type`: 0 accepts any namespace, else the one NS_* type required.
 *
 * Returns: a new O_CLOEXEC descriptor, the caller's to close, or a
 * negative errno.
 *
 * Errors:
 * -EINVAL: when `path` is NULL, the file is not a namespace or not of
 *   `type`, or `type` is not 0 or one NS_* value.
 * -ENOENT: open(2)'s: when the file does not exist.
 * -EACCES: open(2)'s: when the caller may not open it.
 * -ENOTDIR: open(2)'s: when a directory in the path is not one.
 * -ELOOP: open(2)'s: when the path has too many symbolic links.
 * -ENAMETOOLONG: open(2)'s: when the path is too long.
 * -EMFILE: when no descriptor is free.
 *
 * Thread safety: moves nothing; safe from any thread at any time.
 * ns_last_error is per thread.
 *
 * Kernel: any.
 */
int ns_open_path(const char *path, int type);

/**
 * Opens a network namespace by the name `ip netns` gives it.
 *
 * Looks in /run/netns/NAME, else /var/run/netns/NAME. The name is never a
 * symlink to follow (O_NOFOLLOW).
 *
 * `name`: a NUL-terminated name, as `ip netns add` takes it.
 *
 * Returns: a new O_CLOEXEC descriptor, the caller's to close, or a
 * negative errno.
 *
 * Errors:
 * -EINVAL: for NULL, "", ".", "..", names with '/' or longer than 255
 *   bytes, and files that are not network namespaces.
 * -ENOENT: when no such name exists.
 * -ELOOP: when the name is a symbolic link.
 * -EACCES: when the caller may not open the file.
 * -EMFILE: when no descriptor is free.
 *
 * Thread safety: moves nothing; safe from any thread at any time.
 * ns_last_error is per thread.
 *
 * Kernel: any.
 */
int ns_open_name(const char *name);

/**
 * The NS_* type of a namespace descriptor.
 *
 * `fd`: a namespace descriptor.
 *
 * Returns: one NS_* value, or a negative errno.
 *
 * Errors:
 * -EBADF: when `fd` is not open.
 * -EINVAL: when it is not a namespace.
 * -EOPNOTSUPP: when it is a namespace of a type this library does not
 *   know (a newer kernel's).
 *
 * Thread safety: moves nothing; safe from any thread at any time.
 * ns_last_error is per thread.
 *
 * Kernel: any.
 */
int ns_type(int fd);

/**
 * Opens the user namespace that owns a namespace.
 *
 * `fd`: a namespace descriptor; for a user namespace the owner is its
 * parent.
 *
 * Returns: a new O_CLOEXEC descriptor, the caller's to close, or a
 * negative errno.
 *
 * Errors:
 * -EBADF: when `fd` is not open.
 * -EINVAL: when `fd` is not a namespace.
 * -EPERM: when the owner lies outside the caller's user namespace (e.g.
 *   for anything owned by the initial user namespace, seen from inside a
 *   child one, or from the initial one itself when asking about the
 *   initial user namespace).
 * -EMFILE: when no descriptor is free.
 *
 * Thread safety: moves nothing; safe from any thread at any time.
 * ns_last_error is per thread.
 *
 * Kernel: any.
 */
int ns_get_userns(int fd);

/**
 * Opens the parent of a PID or user namespace.
 *
 * `fd`: a PID or user namespace descriptor.
 *
 * Returns: a new O_CLOEXEC descriptor, the caller's to close, or a
 * negative errno.
 *
 * Errors:
 * -EBADF: when `fd` is not open.
 * -EINVAL: when `fd` is not a namespace, or one of the other types.
 * -EPERM: at the top of what the caller may see (the initial namespace,
 *   or the caller's own when it is the root of its view).
 * -EMFILE: when no descriptor is free.
 *
 * Thread safety: moves nothing; safe from any thread at any time.
 * ns_last_error is per thread.
 *
 * Kernel: any.
 */
int ns_get_parent(int fd);

/**
 * The uid that created a user namespace.
 *
 * The uid is as seen in the caller's user namespace (65534, the overflow
 * uid, when it has no mapping there).
 *
 * `fd`: a user namespace descriptor.
 *
 * `uid`: points at a uid_t that receives the uid (NULL is refused).
 *
 * Returns: 0 with `*uid` set, or a negative errno.
 *
 * Errors:
 * -EINVAL: when `uid` is NULL or `fd` is not a user namespace.
 * -EBADF: when `fd` is not open.
 *
 * Thread safety: moves nothing; safe from any thread at any time.
 * ns_last_error is per thread.
 *
 * Kernel: any.
 */
int ns_owner_uid(int fd, uid_t *uid);

/**
 * Tells whether two descriptors name the same namespace.
 *
 * They do when device and inode are the same.
 *
 * `fd_a`: a namespace descriptor.
 *
 * `fd_b`: another namespace descriptor.
 *
 * Returns: 1 if both name the same namespace, 0 if not, or a negative
 * errno.
 *
 * Errors:
 * -EBADF: when either is not open.
 * -EINVAL: when either is not a namespace.
 *
 * Thread safety: moves nothing; safe from any thread at any time.
 * ns_last_error is per thread.
 *
 * Kernel: any.
 */
int ns_same(int fd_a, int fd_b);

/**
 * The kernel's 64-bit namespace id, never reused.
 *
 * Unique for the life of the system, never reused (unlike the inode
 * number of ns_id), and increasing with creation order.
 *
 * `fd`: a namespace descriptor.
 *
 * `id`: points at a uint64_t that receives the id (NULL is refused).
 *
 * Returns: 0 with `*id` set, or a negative errno.
 *
 * Errors:
 * -EOPNOTSUPP: on kernels before 6.18.
 * -EINVAL: when `id` is NULL or `fd` is not a namespace.
 * -EBADF: when `fd` is not open.
 *
 * Thread safety: moves nothing; safe from any thread at any time.
 * ns_last_error is per thread.
 *
 * Kernel: NS_GET_ID, 6.18; no fallback (-EOPNOTSUPP before).
 */
int ns_unique_id(int fd, uint64_t *id);

/**
 * Bind-mounts a directory tree with its file owners mapped through a user namespace.
 *
 * An idmapped mount (mount_setattr(2), MOUNT_ATTR_IDMAP): `source`, with
 * every mount below it, is bind-mounted on `target` in the calling
 * thread's mount namespace, and each file's owner and group show through
 * the new mount as the user namespace maps them: an id N as the
 * filesystem stores it (the host's numbering, for a host filesystem) is
 * taken as the id N inside `userns_fd` and shown as the id it maps to
 * outside. With a map of "0 65534 1", a file of root's shows as uid
 * 65534 through `target` (and still as 0 at `source`), and a process
 * in a user namespace with that map sees it as its own root's. Writes
 * through `target` are mapped back: a file created by host uid 65534 is
 * stored as uid 0. Ids the map leaves out show as the overflow id
 * (65534) and cannot be written.
 *
 * Needs CAP_SYS_ADMIN in the caller's mount namespace and over the
 * filesystem's user namespace (root, for a host filesystem), and
 * filesystems that support idmapped mounts: ext4, xfs, btrfs, tmpfs from
 * 6.3 and others do; proc, sysfs and devtmpfs do not. Remove the mount
 * with umount(2) on `target`.
 *
 * `source`: a NUL-terminated path of a directory (or file) to mount.
 *
 * `target`: a NUL-terminated path of an existing directory (or file, for
 * a file `source`) to mount on.
 *
 * `userns_fd`: a user namespace descriptor (e.g. from ns_new_userns); the
 * mount keeps the mapping, the descriptor stays the caller's.
 *
 * `flags`: 0; no flag is defined yet.
 *
 * Returns: 0, or a negative errno.
 *
 * Errors:
 * -EINVAL: when `flags` is not 0, `source` or `target` is NULL, or
 *   `userns_fd` is not a user namespace; the kernel's, when a filesystem
 *   of the tree does not support idmapped mounts, or the user namespace
 *   has no uid/gid map written (as from ns_new(NS_USER)) or is the
 *   filesystem's own (that of a tmpfs mounted inside it, say).
 * -EBADF: when `userns_fd` is not open.
 * -EPERM: when the caller lacks those privileges: any caller but root,
 *   for a host filesystem ("an idmapped mount needs CAP_SYS_ADMIN ..." in
 *   ns_last_error); the kernel's, for the initial user namespace, whose
 *   identity map it takes for no mapping at all.
 * -ENOENT: when `source` or `target` does not exist.
 * -EOPNOTSUPP: on kernels before 5.12, or when a seccomp filter refuses
 *   mount_setattr.
 *
 * Thread safety: mounts in the calling thread's mount namespace (the
 * process's, unless the thread has unshared it); safe from any thread.
 * ns_last_error is per thread.
 *
 * Kernel: open_tree and move_mount (5.2) and mount_setattr with
 * MOUNT_ATTR_IDMAP (5.12), probed once; -EOPNOTSUPP before 5.12 (no
 * fallback; also with LINUXNS_FORCE_FALLBACK=1). tmpfs supports idmapped
 * mounts from 6.3.
 */
int ns_mount_idmapped(const char *source, const char *target, int userns_fd, unsigned int flags);

/**
 * Mounts the child's root idmapped through a user namespace.
 *
 * The directory given to ns_spawn_attr_set_root is mounted idmapped
 * (see ns_mount_idmapped) instead of bind-mounted, then pivoted into as
 * usual. Meant for a privileged caller that starts a sandbox in a new
 * user namespace (NS_USER with maps) on a root filesystem owned by host
 * ids: with `userns_fd` mapping ids as the sandbox's own maps do (e.g.
 * "0 65534 1" for both), the sandbox's root owns the files that host
 * root owns on disk, and what it creates is stored as host root's. The
 * idmapped tree is made by ns_spawn in the caller, which has the
 * privileges, before the child starts; the child, in its new
 * namespaces, only attaches it. The attribute keeps its own copy of the
 * descriptor; a later call replaces it.
 *
 * `userns_fd`: a user namespace descriptor (e.g. from ns_new_userns).
 *
 * Returns: 0, or a negative errno. ns_spawn then fails with -EINVAL
 * ("root_idmap: ... needs a root") when no root is set, and with
 * ns_mount_idmapped's errors (-EPERM for a caller that is not root,
 * -EINVAL for a filesystem that cannot be idmapped) naming "root".
 *
 * Errors:
 * -EBADF: when `userns_fd` is not open.
 * -EINVAL: when `userns_fd` is not a user namespace, or `attr` is NULL.
 * -EMFILE: when no descriptor is free for the attribute's copy.
 * -EOPNOTSUPP: on kernels before 5.12 (or when a seccomp filter refuses
 *   mount_setattr).
 *
 * Thread safety: changes only the attribute object. An ns_spawn_attr may
 * be used by any number of threads at once for spawning (ns_spawn,
 * ns_spawn_fn), but this setter must not run concurrently with any use of
 * the same attr (another setter, a spawn, ns_spawn_attr_free).
 * ns_last_error is per thread.
 *
 * Kernel: idmapped mounts, 5.12 (mount_setattr, probed once); no
 * fallback: -EOPNOTSUPP before, and with LINUXNS_FORCE_FALLBACK=1.
 */
int ns_spawn_attr_set_root_idmap(struct ns_spawn_attr *attr, int userns_fd);

/**
 * Lists the mounts of a mount namespace without entering it.
 *
 * Reports every mount of the namespace that is reachable from its root,
 * as /proc/PID/mountinfo of a process in it shows them (and findmnt -N
 * PID): one call of `cb` per mount, in the kernel's order (listmount's
 * order of the unique ids, or mountinfo's). Mount points are as seen
 * from the namespace's root; for the caller's own mount namespace, from
 * the caller's root (as /proc/self/mountinfo). The listing is a snapshot
 * as good as mountinfo's: a mount made or removed during the call may or
 * may not be in it.
 *
 * Both paths (statmount(2), and the mountinfo fallback) give the same
 * mounts with the same fields, except `id` and `parent_id`, which only
 * statmount(2) gives (0 on the fallback). `source` is "none" for a mount
 * without a source, or with an empty one.
 *
 * `mntns_fd`: a mount namespace descriptor (ns_open_pid(pid, NS_MNT),
 * ns_open_pidfd, ns_open_path, ns_new(NS_MNT)).
 *
 * `cb`: called as cb(info, arg) on the calling thread, after the listing
 * is complete (so it may call any ns_* function); `info` and its strings
 * are valid only during the call. A non-zero return stops the walk.
 *
 * `arg`: passed to `cb` unchanged.
 *
 * Returns: the number of mounts reported to `cb` (the one whose callback
 * stopped the walk included), or a negative errno.
 *
 * Errors:
 * -EINVAL: for a NULL `cb`, or when `mntns_fd` is not a mount namespace
 *   (another namespace type, or not a namespace at all).
 * -EBADF: when `mntns_fd` is not an open descriptor.
 * -EPERM: for a namespace other than the caller's own, when the kernel
 *   refuses: on the fallback path (joining the namespace) without
 *   CAP_SYS_ADMIN over the namespace's owning user namespace and
 *   CAP_SYS_CHROOT; on the statmount(2) path, on kernels that check
 *   CAP_SYS_ADMIN over the owner (6.18 does not: a descriptor is enough).
 *   The caller's own namespace is readable by any user on both paths.
 * -ENOENT: when the fallback path needs /proc and it is not mounted
 *   ("/proc is not mounted").
 * -EMFILE: when no descriptor is free.
 * -ENOMEM: when the kernel runs out of memory.
 * -EIO: when mountinfo holds a line the library cannot parse.
 *
 * Thread safety: moves nothing; safe from any thread. The fallback path
 * runs a helper thread of the library's own (gone before the call
 * returns) for a namespace other than the caller's; `cb` always runs on
 * the calling thread. ns_last_error is per thread.
 *
 * Kernel: listmount(2) and statmount(2) of the namespace named by its
 * descriptor (mnt_id_req.mnt_ns_fd, 6.18) with statmount's supported mask
 * (6.15), where present; else a helper thread that unshares CLONE_FS,
 * joins the namespace and reads /proc/thread-self/mountinfo (any kernel),
 * or, for the caller's own namespace, the caller's mountinfo.
 */
int ns_mount_list(int mntns_fd, ns_mount_cb cb, void *arg);

/**
 * Counts the mounts of a mount namespace without entering it.
 *
 * The kernel's count of the mounts in the namespace: the number of
 * mounts ns_mount_list reports for it, barring mounts made or removed in
 * between, and except for a caller under a chroot(2) asking about its own
 * namespace: the count then includes the mounts outside its root, which
 * the listing leaves out (on the fallback path, which counts the listing,
 * it does not).
 *
 * `mntns_fd`: a mount namespace descriptor.
 *
 * Returns: the number of mounts (>= 0; a namespace holds at most
 * fs.mount-max, 100000 by default, so an int suffices), or a negative
 * errno.
 *
 * Errors:
 * -EINVAL: when `mntns_fd` is not a mount namespace.
 * -EBADF: when `mntns_fd` is not an open descriptor.
 * -EPERM: on the fallback path, as ns_mount_list's (NS_MNT_GET_INFO needs
 *   only the descriptor).
 * -ENOENT: when the fallback path needs /proc and it is not mounted.
 * -EMFILE: when no descriptor is free.
 * -ENOMEM: when the kernel runs out of memory.
 * -EIO: when mountinfo holds a line the library cannot parse.
 *
 * Thread safety: moves nothing; safe from any thread. The fallback path
 * may run a helper thread, as ns_mount_list's. ns_last_error is per
 * thread.
 *
 * Kernel: the NS_MNT_GET_INFO ioctl (6.12) where present; else the
 * mounts are counted as ns_mount_list finds them.
 */
int ns_mount_count(int mntns_fd);

/**
 * Makes a file handle of a namespace: a token that reopens it later.
 *
 * The handle names the namespace by its type, inode number and the
 * kernel's 64-bit id (never reused), so it cannot name another namespace
 * later. It is plain bytes: it can be copied, compared with memcmp (the
 * same namespace always gives the same bytes, different namespaces
 * different ones), written to a file (or as text, ns_handle_format) and
 * sent to another process, which opens the namespace with ns_open_handle
 * while it lives. A handle keeps nothing alive: the namespace lives as
 * long as a process, a descriptor or a bind mount holds it.
 *
 * `fd`: a namespace descriptor (for a path such as /proc/PID/ns/net,
 * open it first, e.g. with ns_open_path).
 *
 * `out`: receives the handle (NULL is refused).
 *
 * Returns: 0 with `*out` set, or a negative errno.
 *
 * Errors:
 * -EBADF: when `fd` is not open.
 * -EINVAL: when `out` is NULL or `fd` is not a namespace.
 * -EOPNOTSUPP: on kernels before 6.18 (or with LINUXNS_FORCE_FALLBACK
 *   set); keep the namespace with ns_bind and reopen the path instead.
 *
 * Thread safety: moves nothing; safe from any thread at any time.
 * ns_last_error is per thread.
 *
 * Kernel: name_to_handle_at(2) on nsfs, 6.18; no fallback (-EOPNOTSUPP
 * before, found once and remembered).
 */
int ns_handle_encode(int fd, struct ns_handle *out);

/**
 * Opens the namespace a file handle names.
 *
 * The kernel opens it for a caller that is in the namespace, or that has
 * CAP_SYS_ADMIN over the user namespace owning it; newer stable kernels
 * open namespaces the caller is not in only for CAP_SYS_ADMIN in the
 * initial user namespace from the initial pid namespace, so do not rely
 * on opening other users' namespaces. No CAP_DAC_READ_SEARCH is needed
 * (nsfs makes its own checks): an unprivileged caller opens the handles
 * of its own namespaces and, on 6.18, of namespaces owned by user
 * namespaces it created.
 *
 * The kernel answers ESTALE both when the namespace is gone and when the
 * caller may not open it. This function tells the two apart where it
 * can: for a caller with CAP_SYS_ADMIN in the initial user and pid
 * namespaces (which the kernel refuses nothing that lives) it returns
 * -ESTALE with ns_last_error ending in "(the namespace is gone: no live
 * namespace has this type, inode and id)"; when a process the caller may
 * inspect is still in the namespace it returns -EPERM; otherwise -ESTALE
 * with "(the namespace is gone, or the caller may not open it: ...)".
 *
 * `h`: a handle from ns_handle_encode or ns_handle_parse, in this or
 * another process, or one built by hand with `size`, `type`,
 * `unique_id` and `inode` all set and zero `reserved` words.
 *
 * `flags`: 0 or O_CLOEXEC, which mean the same: the descriptor is always
 * close-on-exec. Other bits are reserved.
 *
 * Returns: a new O_CLOEXEC descriptor of the namespace, the caller's to
 * close, or a negative errno.
 *
 * Errors:
 * -EINVAL: when `h` is NULL, its size is not sizeof(struct ns_handle),
 *   a reserved word is not zero, `type` is not one NS_* value, `inode`
 *   or `unique_id` is 0, or `flags` has other bits than O_CLOEXEC.
 * -ESTALE: when no live namespace has this type, inode and id, or
 *   (the kernel does not say which) the caller may not open it; see
 *   above for the text that tells them apart.
 * -EPERM: when the namespace lives (a process the caller may inspect is
 *   in it) but the kernel refuses it to the caller.
 * -EOPNOTSUPP: on kernels before 6.18 (or with LINUXNS_FORCE_FALLBACK
 *   set); keep the namespace with ns_bind and reopen the path instead.
 * -EMFILE: when no descriptor is free.
 *
 * Thread safety: moves nothing; safe from any thread at any time.
 * ns_last_error is per thread.
 *
 * Kernel: open_by_handle_at(2) with FD_NSFS_ROOT, 6.18; no fallback
 * (-EOPNOTSUPP before, found once and remembered).
 */
int ns_open_handle(const struct ns_handle *h, int flags);

/**
 * Writes the text form of a namespace file handle.
 *
 * The text is "TYPE:INODE:ID": the type's /proc name, the inode number
 * and the kernel's 64-bit id, in decimal, e.g. "uts:4026532315:4121".
 * Each handle has exactly one text, which ns_handle_parse turns back into
 * the same bytes; it can be stored in a file or passed on a command line.
 * At most NS_HANDLE_TEXT_MAX bytes with the NUL.
 *
 * `h`: the handle.
 *
 * `buf`: receives the NUL-terminated text; NULL only with `len` 0.
 *
 * `len`: the size of `buf`; NS_HANDLE_TEXT_MAX is always enough.
 *
 * Returns: the length of the text without its NUL, or a negative errno;
 * nothing is written on failure.
 *
 * Errors:
 * -EINVAL: when `h` is NULL or not a valid handle (as for
 *   ns_open_handle), or `buf` is NULL with a non-zero `len`.
 * -ERANGE: when `len` is too short for the text and its NUL.
 *
 * Thread safety: safe from any thread at any time. ns_last_error is per
 * thread.
 *
 * Kernel: any (no system call).
 */
int ns_handle_format(const struct ns_handle *h, char *buf, size_t len);

/**
 * Turns the text form of a namespace file handle back into the handle.
 *
 * Accepts exactly what ns_handle_format writes, "TYPE:INODE:ID": no
 * spaces, no newline (strip the one a file line ends with), no signs and
 * no leading zeros, so a text and a handle correspond one to one.
 * Parsing needs no kernel support; opening the handle does.
 *
 * `text`: a NUL-terminated string.
 *
 * `out`: receives the handle (NULL is refused).
 *
 * Returns: 0 with `*out` set, or a negative errno.
 *
 * Errors:
 * -EINVAL: when `text` or `out` is NULL, or `text` is not a handle's
 *   text: another shape, an unknown type name, a number that is 0, not
 *   decimal or too large (the inode has 32 bits, the id 64).
 *
 * Thread safety: safe from any thread at any time. ns_last_error is per
 * thread.
 *
 * Kernel: any (no system call).
 */
int ns_handle_parse(const char *text, struct ns_handle *out);

/**
 * Keeps a namespace alive by bind-mounting it on a file.
 *
 * As `ip netns` and `unshare --net=FILE` do. The namespace lives until
 * ns_unbind, even with no process in it; ns_open_path opens it again. A
 * failed call leaves no file or mount behind.
 *
 * `fd`: a namespace descriptor.
 *
 * `path`: a NUL-terminated path; the file is created empty if missing.
 *
 * Returns: 0, or a negative errno.
 *
 * Errors:
 * -EBADF: when `fd` is not open.
 * -EINVAL: when `fd` is not a namespace or `path` is NULL; mount(2)'s, for
 *   a mount namespace bound inside itself.
 * -EEXIST: when a namespace is already bound at `path`.
 * -EPERM: mount(2)'s, without CAP_SYS_ADMIN.
 * -EACCES: when the file cannot be created there.
 * -ENOENT: when the directory of `path` does not exist, or /proc is not
 *   mounted ("/proc is not mounted").
 *
 * Thread safety: moves nothing; safe from any thread. The bind mount is
 * made in the calling thread's mount namespace. ns_last_error is per
 * thread.
 *
 * Kernel: any.
 */
int ns_bind(int fd, const char *path);

/**
 * Undoes ns_bind: detaches a namespace bind mount and removes the file.
 *
 * The mount is detached lazily, as umount -l does.
 *
 * `path`: a NUL-terminated path where a namespace is bound.
 *
 * Returns: 0, or a negative errno.
 *
 * Errors:
 * -EINVAL: for NULL or when no namespace is bound at `path`.
 * -ENOENT: when `path` does not exist.
 * -EPERM: umount2(2)'s, without CAP_SYS_ADMIN.
 * -EACCES: when the file cannot be removed.
 *
 * Thread safety: moves nothing; safe from any thread. The mount is
 * detached in the calling thread's mount namespace. ns_last_error is per
 * thread.
 *
 * Kernel: any.
 */
int ns_unbind(const char *path);

/**
 * Creates a named network namespace, as `ip netns add NAME`.
 *
 * A new network namespace is bind-mounted at /run/netns/NAME, with
 * /run/netns made a shared mount point the way iproute2 does it, so `ip
 * netns list/exec/delete`, Go's netns and pyroute2 see it and the other
 * way round. A failed call leaves no file, directory or mount behind.
 *
 * `name`: a NUL-terminated name: not empty, ".", "..", no '/', at most
 * 255 bytes.
 *
 * Returns: an O_CLOEXEC descriptor of the new namespace, the caller's to
 * close, or a negative errno.
 *
 * Errors:
 * -EINVAL: for NULL, "", ".", "..", names with '/' or longer than 255
 *   bytes.
 * -EEXIST: when the name is taken.
 * -EPERM: without CAP_SYS_ADMIN or without write access to /run/netns.
 * -ENOSPC: at the max_net_namespaces limit.
 * -EAGAIN: when no thread can be started (RLIMIT_NPROC).
 * -ENOENT: when /proc is not mounted ("/proc is not mounted").
 * -EMFILE: when no descriptor is free.
 *
 * Thread safety: the caller never moves (a helper thread creates the
 * namespace); safe from any thread. The mounts are made in the calling
 * thread's mount namespace. ns_last_error is per thread.
 *
 * Kernel: any.
 */
int ns_netns_add(const char *name);

/**
 * Deletes a named network namespace, as `ip netns delete NAME`.
 *
 * Detaches /run/netns/NAME and removes it. The namespace itself lives on
 * while processes or descriptors use it.
 *
 * `name`: a NUL-terminated name, as ns_netns_add takes it.
 *
 * Returns: 0, or a negative errno.
 *
 * Errors:
 * -EINVAL: for NULL and bad names (as ns_netns_add).
 * -ENOENT: when no such name exists.
 * -EPERM: without privilege.
 * -EACCES: when the file cannot be removed.
 *
 * Thread safety: moves nothing; safe from any thread. The mount is
 * detached in the calling thread's mount namespace. ns_last_error is per
 * thread.
 *
 * Kernel: any.
 */
int ns_netns_del(const char *name);

/**
 * Translates a pid from one PID namespace to another.
 *
 * Gives the pid that PID namespace `to_pidns_fd` shows for the process
 * (or thread) that PID namespace `from_pidns_fd` numbers `pid`: for a
 * child started in a new PID namespace, its pid 1 there is its pid N in
 * the caller's, and the other way round. A process is visible in its own
 * PID namespace and in every ancestor of it, nowhere else.
 *
 * `pid`: a pid (or thread id) as `from_pidns_fd` numbers it.
 *
 * `from_pidns_fd`: a PID namespace descriptor (ns_open_pid with NS_PID,
 * ns_open_pidfd, /proc/PID/ns/pid).
 *
 * `to_pidns_fd`: a PID namespace descriptor; the same as
 * `from_pidns_fd` checks that the pid exists there.
 *
 * Returns: the pid in `to_pidns_fd` (> 0), or a negative errno.
 *
 * Errors:
 * -EINVAL: when `pid` is not positive, or a descriptor is a namespace
 *   but not a PID namespace.
 * -EBADF: when a descriptor is not open.
 * -ESRCH: when `from_pidns_fd` has no process `pid`, when `to_pidns_fd`
 *   cannot see it (it lives outside the subtree of that namespace), or
 *   when the caller's own PID namespace cannot see it (the kernel
 *   translates through the caller's namespace).
 * -EOPNOTSUPP: on the /proc path only, when a namespace is neither the
 *   caller's PID namespace, one below it, nor the top one of /proc, or
 *   when /proc does not show the calling thread.
 * -EACCES: on the /proc path only, when a process below the caller's
 *   namespace that could be the one has a /proc/PID/ns/pid the caller
 *   may not open (another user's, without CAP_SYS_PTRACE).
 *
 * Thread safety: moves nothing; safe from any thread at any time.
 * ns_last_error is per thread.
 *
 * Kernel: NS_GET_PID_FROM_PIDNS and NS_GET_PID_IN_PIDNS (6.11), through
 * the caller's PID namespace. Before 6.11 (and with
 * LINUXNS_FORCE_FALLBACK=1): the NSpid lines of /proc/PID/status (4.1),
 * each namespace placed by NS_GET_PARENT (4.9) below the caller's own;
 * within the limits above, and thread ids only from the top namespace of
 * /proc.
 */
pid_t ns_pid_translate(pid_t pid, int from_pidns_fd, int to_pidns_fd);

/**
 * Reads the wait status of the process behind a pidfd, without waiting.
 *
 * Never blocks and never reaps: an exited child stays a zombie, still
 * there for waitpid(2) or waitid(2). Works for any pidfd: a child of the
 * caller or not, reaped already or not.
 *
 * `pidfd`: a pidfd (pidfd_open(2), CLONE_PIDFD, the `pidfd` of ns_spawn).
 *
 * `status`: receives the status as waitpid(2) gives it (WIFEXITED,
 * WEXITSTATUS, WIFSIGNALED, WTERMSIG and WCOREDUMP apply).
 *
 * Returns: 0 with `*status` set once the process has exited, or a
 * negative errno.
 *
 * Errors:
 * -EAGAIN: while the process runs (`*status` untouched).
 * -EINVAL: when `status` is NULL.
 * -EBADF: when `pidfd` is not open or not a pidfd.
 * -EOPNOTSUPP: when the process has been reaped and the kernel keeps no
 *   status for it (before 6.15, and with LINUXNS_FORCE_FALLBACK=1).
 * -EACCES: when the process exited, is not the caller's child, is not
 *   reaped yet, and the caller may not ptrace it (its status is in
 *   /proc/PID/stat, which hides it from others).
 * -ESRCH: when the process is outside the PID namespace of /proc.
 *
 * Thread safety: moves nothing; safe from any thread at any time.
 * ns_last_error is per thread.
 *
 * Kernel: waitid(P_PIDFD, WEXITED | WNOHANG | WNOWAIT) (5.4) for an
 * exited child not yet reaped; PIDFD_GET_INFO with PIDFD_INFO_EXIT
 * (6.15) for a reaped process; for an exited process that is not the
 * caller's child and not yet reaped (waitid says ECHILD), field 52 of
 * /proc/PID/stat. Whether it runs: the pidfd polls readable once it has
 * exited (5.3).
 */
int ns_pidfd_status(int pidfd, int *status);

/**
 * Reports the kernel features the library found on this system.
 *
 * One NS_FEATURE_* bit per feature: clone3, CLONE_INTO_CGROUP, setns of a
 * pidfd, the PIDFD_GET_*_NAMESPACE ioctls, NS_GET_ID, nsfs file handles,
 * listns, the mount namespace ioctls, listmount and statmount (and with a
 * namespace descriptor), PIDFD_INFO_EXIT, idmapped mounts, pid
 * translation, and the clone3 flags of 7.1 (CLONE_NNP,
 * CLONE_PIDFD_AUTOKILL, CLONE_AUTOREAP, CLONE_EMPTY_MNTNS, probed with
 * the values of the 7.1 headers). A bit is set when the library found the
 * feature and will use it; a seccomp filter that refuses a call counts
 * as the feature missing.
 *
 * Returns: the mask of NS_FEATURE_* bits.
 *
 * Errors: none.
 *
 * Thread safety: safe from any thread at any time. Each probe runs once
 * per process (on the first call, or earlier when a call needed it) and
 * is remembered; a call that meets a newly installed filter forgets the
 * feature.
 *
 * Kernel: any. The probes are cheap and change nothing: calls the kernel
 * refuses once it has recognised the feature (clone3 asking for a cgroup
 * descriptor that can never be open, so no process is made), and
 * read-only ioctls on the caller's own namespaces and pidfd; setns of a
 * pidfd is known from the kernel version (5.8), PIDFD_INFO_EXIT from
 * PIDFD_GET_INFO and the version (6.15). With LINUXNS_FORCE_FALLBACK=1
 * the library avoids every feature, and the mask is 0.
 */
uint64_t ns_features(void);

/**
 * Creates a pool of namespace sets, refilled in the background.
 *
 * The pool keeps `size` sets of never-used namespaces of `types` ready.
 * One background thread of the pool makes them (the pool starts empty and
 * fills within a few milliseconds per set) and makes another each time
 * one is taken, once the pool has gone 2 ms without a take and without a
 * spawn running on a pooled set (making a set beside a spawn slows it).
 * A take wakes no thread: it arms the pool's timer descriptor, and the
 * kernel wakes the refill thread when it expires. Each set is handed out at most once: no process has ever
 * run in a pooled namespace, so it is exactly as fresh as a new one. A
 * pooled user namespace maps the caller's euid and egid (as when the pool
 * was made) to 0, setgroups denied, as ns_spawn_attr_map_root does; with
 * NS_USER, the pool's other namespaces are owned by it, so a program
 * spawned into the set has every capability over them (CAP_NET_ADMIN in
 * its network namespace: `ip link set lo up` works there). A PID
 * namespace is kept empty: the first process spawned into it is its
 * pid 1.
 *
 * Cost model: the CPU of creating each set moves to the refill thread
 * (about the cost of a spawn with those namespaces), off the latency of
 * the spawns that take one; the teardown of a used set still happens
 * when its last process exits. Each ready set holds one descriptor per
 * type and the kernel memory of its namespaces (a network namespace:
 * some hundreds of KiB). While the pool exists the process has one more
 * thread (which blocks every signal: the caller's are never delivered to
 * it) and one more descriptor (a close-on-exec timerfd; without one,
 * e.g. timerfd_create refused by a seccomp filter, a take wakes the
 * thread at once instead), so calls that need a single-threaded process
 * (unshare(CLONE_NEWUSER), setns into a user namespace from the caller
 * itself) fail in it with EINVAL; the library's own calls do not need
 * that.
 *
 * `types`: an OR of NS_USER, NS_NET, NS_UTS, NS_IPC, NS_CGROUP, NS_PID
 * (at least one). NS_MNT and NS_TIME cannot be pooled: a pooled mount
 * namespace would be a copy of the mounts as they were when it was made,
 * a time namespace takes its offsets before its first process.
 *
 * `size`: how many sets to keep ready, 1 to 1024.
 *
 * `flags`: 0, or NS_POOL_LO_UP (with NS_NET): the loopback device of each
 * pooled network namespace is up before the set is handed out.
 *
 * Returns: a new pool, or NULL with errno set (and ns_last_error).
 *
 * Errors:
 * EINVAL: when `types` is 0 or has other bits, `size` is 0 or above 1024,
 *   `flags` has bits other than NS_POOL_LO_UP, or NS_POOL_LO_UP without
 *   NS_NET.
 * EAGAIN: when the refill thread cannot be started.
 * ENOMEM: only if memory runs out; the errors of making the sets
 *   (EPERM for namespaces the caller may not create, ENOSPC at a
 *   max_*_namespaces limit) come from the next ns_pool_take, and while
 *   one is pending the pool stops refilling.
 *
 * Thread safety: a pool may be used from any number of threads at once
 * (ns_pool_take, spawns with attrs that use it); ns_pool_free must not
 * run concurrently with ns_pool_take on the same pool.
 *
 * Kernel: any; NS_PID needs 6.11: an empty PID namespace (the holding
 * process's namespace for children, which no process is in yet) can be
 * opened only through its pidfd (PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE).
 * Before 6.11 every refill of a pool with NS_PID fails with EOPNOTSUPP,
 * which ns_pool_take reports, and spawns create their namespaces.
 */
struct ns_pool *ns_pool_new(int types, unsigned int size, unsigned int flags);

/**
 * Frees a pool.
 *
 * Stops the refill thread and waits for it (at most the time it takes to
 * finish the set it is making), closes every ready set, and leaves no
 * thread, descriptor or child process behind. Attrs that use the pool
 * stay valid: their spawns then create every namespace themselves, as
 * with an empty pool. One exception, so that it never waits forever: if
 * the thread that frees cannot arm the pool's timer (a seccomp filter
 * installed since ns_pool_new refuses timerfd_settime), the refill
 * thread, waiting on that timer, cannot be woken; it is left waiting with
 * its timer descriptor, and the rest is freed.
 *
 * `pool`: from ns_pool_new, not yet freed, or NULL (then nothing
 * happens).
 *
 * Returns: nothing.
 *
 * Errors: none.
 *
 * Thread safety: must not run concurrently with ns_pool_take on the same
 * pool; spawns with attrs that use it may run meanwhile. In a child of
 * fork() of the process that made the pool, it frees the object without
 * touching the refill thread (which is the parent's); the child's copies
 * of the ready sets' descriptors close when it execs or exits.
 *
 * Kernel: any.
 */
void ns_pool_free(struct ns_pool *pool);

/**
 * Takes a set of namespaces from a pool, for the caller's own use.
 *
 * Never waits: a set is either ready or not. The descriptors are the
 * caller's (O_CLOEXEC), one per type of the pool, in ascending order of
 * the NS_* bits (NS_CGROUP, NS_UTS, NS_IPC, NS_USER, NS_PID, NS_NET);
 * ns_setns, ns_spawn_attr_join or ns_bind take them.
 *
 * `pool`: from ns_pool_new.
 *
 * `fds_out`: room for as many ints as the pool has types.
 *
 * Returns: the number of descriptors written (the number of the pool's
 * types), or a negative errno.
 *
 * Errors:
 * -EAGAIN: when no set is ready (the pool is refilling).
 * -EINVAL: when `pool` or `fds_out` is NULL, or in a child of fork() of
 *   the process that made the pool (its sets are the parent's).
 * -EPERM: when the refill thread's last attempt failed with it (and so
 *   for -ENOSPC and any other error of making a set), once, before any
 *   set; the message names the step ("refill the pool: ..."); the
 *   thread starts again after this report.
 * -EOPNOTSUPP: the same, for a pool with NS_PID before Linux 6.11.
 *
 * Thread safety: any number of threads may take from one pool at once;
 * each set goes to one of them.
 *
 * Kernel: any.
 */
int ns_pool_take(struct ns_pool *pool, int *fds_out);

/**
 * Lets spawns with this attribute take their namespaces from a pool.
 *
 * A spawn then takes a ready set and joins its namespaces (as
 * ns_spawn_attr_join would: with CAP_SYS_ADMIN the calling thread enters
 * a pooled PID namespace for the clone and the program's process joins
 * the others; without it, a pooled PID namespace is joined through a
 * short-lived intermediate process, a vfork child of the caller's: such
 * a spawn took 647-763 us here against 661-688 us with CAP_SYS_ADMIN)
 * in place of creating those types, and creates the attr's other types
 * (owned by the pooled user namespace, when the pool has one); with the
 * pool empty (or freed)
 * it creates every type itself, as without a pool; it never waits for
 * the refill thread.
 *
 * Checked by ns_spawn: the pool's types must all be among the attr's
 * ns_spawn_attr_set_namespaces types and none of them joined; with
 * NS_USER in the pool, the attr's maps must be none or those of
 * ns_spawn_attr_map_root (the pooled user namespace has them already).
 *
 * `attr`: from ns_spawn_attr_new.
 *
 * `pool`: from ns_pool_new, or NULL to stop using one. The attr keeps a
 * reference to the pool's sets, not to the ns_pool object: freeing the
 * pool first is safe (its spawns then create everything), and so is a
 * spawn in a child of fork() of the process that made the pool (it
 * creates everything).
 *
 * Returns: 0, or a negative errno.
 *
 * Errors:
 * -EINVAL: when `attr` is NULL; from ns_spawn, when the checks above
 *   fail.
 *
 * Thread safety: changes only the attribute object. An ns_spawn_attr may
 * be used by any number of threads at once for spawning (ns_spawn,
 * ns_spawn_fn), but this setter must not run concurrently with any use of
 * the same attr (another setter, a spawn, ns_spawn_attr_free).
 * ns_last_error is per thread.
 *
 * Kernel: any.
 */
int ns_spawn_attr_use_pool(struct ns_spawn_attr *attr, const struct ns_pool *pool);

/**
 * Starts a program in new or existing namespaces, as a direct child.
 *
 * Before anything starts, the attribute is checked so a spawn can never
 * change the caller's own host: a hostname needs a new or joined UTS
 * namespace, a root or propagation change a new mount namespace, a fresh
 * /proc new PID and mount namespaces, time offsets a new time namespace,
 * uid/gid maps a new user namespace.
 *
 * In the child, in this order: pdeathsig; join (ns_spawn_attr_join);
 * create (ns_spawn_attr_set_namespaces); the process group and session
 * (ns_spawn_attr_set_pgid, ns_spawn_attr_set_setsid) and the uid/gid maps
 * (a single id of the caller's own, as ns_spawn_attr_map_root makes,
 * written by the process that creates the user namespace itself: the
 * child, after the group, or the intermediate process, before it;
 * others by the caller while the child waits, before the group when
 * there is an intermediate process); hostname; mount propagation; root and /proc; cwd;
 * descriptors; resource limits (ns_spawn_attr_set_rlimit); the bounding
 * set; supplementary groups, gid and uid (ns_spawn_attr_set_ids), then the permitted,
 * effective, inheritable and ambient capability sets
 * (ns_spawn_attr_set_caps); the umask (ns_spawn_attr_set_umask); then
 * every signal disposition is reset to the default and the signal mask
 * emptied; no_new_privs and the seccomp filter
 * (ns_spawn_attr_set_seccomp); and the program is executed. No signal
 * handler of the calling runtime ever runs in the child.
 *
 * Descriptors: as with posix_spawn, those open without close-on-exec and
 * not named by ns_spawn_attr_set_fd are inherited unchanged; set_fd reads
 * every source descriptor as the caller had it, even when another set_fd
 * writes that number, and works up to RLIMIT_NOFILE.
 *
 * The child shares the caller's memory on a stack of its own until it
 * executes the program (CLONE_VM, and CLONE_VFORK when no join, time
 * offset or caller-written map needs a round trip, as posix_spawn), so
 * the cost does not grow with the caller's memory: nothing in the child
 * allocates, takes a lock or touches errno. Joins of user, net, uts,
 * ipc, cgroup and mnt namespaces are made by that child itself, which
 * then creates the new namespaces with unshare(2), unless a new PID or
 * time namespace is asked for (they apply to children only) or a type is
 * both joined and new. A caller with CAP_SYS_ADMIN enters a joined PID
 * namespace (and, with a new PID or time namespace, joined net, uts and
 * cgroup ones) in the calling thread for the clone alone, then goes back
 * (see ns_spawn_attr_join). The other cases (a PID join without
 * CAP_SYS_ADMIN, other joins before a new PID or time namespace, a type
 * both joined and new, a joined time namespace, time offsets) use a
 * short-lived intermediate process, which creates the final child with
 * CLONE_PARENT. Unless the caller must write the maps (custom maps, or a
 * joined user namespace with maps) or a time namespace is joined (its
 * setns refuses a process that shares memory), the intermediate shares
 * the caller's memory and descriptor table and is started with vfork, as
 * the final child is by it: the call returns once the program runs (or
 * failed), with no message between the processes.
 *
 * A failure of any step before the program runs is returned as that
 * step's negative errno, with ns_last_error reading "ns_spawn: child:
 * <step>: <reason>"; the child has then been reaped and no descriptor is
 * left open.
 *
 * `path`: the program. A path without '/' is looked up in the caller's
 * PATH before the child exists, and the file found is the file executed:
 * a relative PATH entry ("", ".") is taken in the caller's cwd, whatever
 * ns_spawn_attr_set_cwd says. With ns_spawn_attr_set_root, a path with '/'
 * is taken inside the new root, and a relative one after the chdir.
 *
 * `argv`: the program's arguments, a NULL-terminated array of strings.
 *
 * `envp`: its environment, a NULL-terminated array of strings, or NULL
 * for the caller's environment.
 *
 * `attr`: the namespaces and the rest of the child's setup
 * (ns_spawn_attr_new), or NULL for a plain spawn.
 *
 * `pidfd`: NULL, or where an O_CLOEXEC pidfd of the child is stored (the
 * caller's to close), taken by clone itself (CLONE_PIDFD) when the child
 * was created. With NULL, a spawn that asks for nothing but namespaces
 * (new or joined, and maps of the caller's own ids) makes no pidfd of the
 * program's process, unless the calling thread enters a joined namespace
 * for the clone: that process shares the caller's descriptor table until
 * its exec, which copies it (so the program inherits the caller's
 * descriptors as they are then, a few system calls after the clone;
 * should the kernel have no memory for that copy, past exec's point of
 * no return, the program is killed instead of the call failing with
 * -ENOMEM), and if it fails it opens a pidfd of itself there, by which it
 * is reaped.
 *
 * Returns: the pid of the process that runs the program: a direct child
 * of the caller that sends SIGCHLD when it ends and must be waited for,
 * also when a PID namespace is joined or created (then it is pid 1 of the
 * new one); or a negative errno, and then no program runs.
 *
 * Errors:
 * -EINVAL: for a NULL `path` or `argv`, and an attribute that fails the
 *   checks above or combines process attributes the kernel refuses
 *   together (a new session with a process group, capability sets that
 *   contradict each other); from a step in the child (e.g. pivot_root, a
 *   mount, a join that does not fit, "child: setresuid (uid N)" for an
 *   unmapped id).
 * -ENOENT: when PATH has no such program, or `path` is ""; "/proc is not
 *   mounted" when the caller must write maps and there is no /proc; from
 *   execve or a step in the child ("child: execve: No such file or
 *   directory").
 * -EACCES: from execve or chdir in the child (no permission).
 * -ENOEXEC: from execve (not an executable format).
 * -ENOTDIR: from a step in the child (a path component is not a
 *   directory).
 * -EPERM: clone's (no privilege for these namespaces); from a step in the
 *   child (e.g. "child: sethostname: Operation not permitted", a join or
 *   mount without privilege, "child: setrlimit (resource N)" raising a
 *   hard limit, "child: drop from the bounding set (capability N)"); the
 *   kernel's, for maps the caller may not write.
 * -ENOSPC: clone's (a namespace limit is reached).
 * -EUSERS: clone's.
 * -EAGAIN: clone's, when no process can be started (RLIMIT_NPROC).
 * -ENOMEM: when memory runs out (the child's stack, the kernel).
 * -EMFILE: when no descriptor is free for the report socket or the
 *   pidfd.
 * -EBADF: when a descriptor given to ns_spawn_attr_set_fd is no longer
 *   open ("child: dup2 (fd N)").
 * -EOPNOTSUPP: for ns_spawn_attr_set_cgroup once clone3 is known to be
 *   missing; for uid/gid maps of a new user namespace created inside a
 *   joined user namespace other than the caller's (the kernel takes maps
 *   only from a process in the new namespace's parent, which the caller
 *   is not).
 * -ECHILD: when the intermediate process ended without starting the
 *   program.
 *
 * Thread safety: the caller never moves; safe from any thread of any
 * runtime. Any number of threads may spawn at once, also with one shared
 * attr: an ns_spawn_attr may be used by any number of threads at once for
 * spawning (ns_spawn, ns_spawn_fn), but its setters and
 * ns_spawn_attr_free must not run concurrently with any use of the same
 * attr. A program never gets a descriptor of another call: the library's
 * descriptors are all close-on-exec and tracked; a child that does more
 * than enter namespaces and write its own maps (descriptors, root,
 * credentials, an ns_spawn_fn function) closes every other call's before
 * anything else; the program of a spawn that asks for nothing more
 * leaves them to its exec, a few system calls later. Runtimes that reap
 * children themselves (SIGCHLD ignored, a SIGCHLD handler or a thread
 * calling waitpid(-1)) do not change the outcome: success means the
 * program started, failure that it did not; the library tracks its
 * children only by pidfds (never by a pid looked up later). The
 * intermediate process of a join or time offset is the caller's child
 * too and sends SIGCHLD when it exits (the final child inherits its exit
 * signal through CLONE_PARENT): a SIGCHLD handler may see that pid, and
 * the library reaps it unless the handler already did. ns_last_error is
 * per thread.
 *
 * Kernel: clone3 (5.3); a seccomp filter that refuses clone3 (ENOSYS or
 * EPERM), also one installed after earlier spawns, makes the library use
 * clone(2) for that spawn and from then on; when clone(2) is refused too,
 * the error is clone's, and ns_last_error names clone3 and a seccomp
 * filter as the likely cause. Only clone3 can start a child in a cgroup
 * (CLONE_INTO_CGROUP, 5.7): with clone3 refused, that spawn fails with
 * clone3's errno (or -EOPNOTSUPP once clone3 is known to be missing).
 * Children are reaped with waitid(P_PIDFD) (5.4; before that waitpid on
 * the pid, while the pidfd keeps it from being reused). Time namespaces
 * need 5.6; close_range(2) with CLOSE_RANGE_CLOEXEC is used for
 * ns_spawn_attr_set_close_fds (5.11; before, one fcntl per descriptor).
 * With pidfd_open filtered, pdeathsig is checked with getppid() instead.
 */
pid_t ns_spawn(const char *path, char *const *argv, char *const *envp, const struct ns_spawn_attr *attr, int *pidfd);

/**
 * Runs a function in a child set up as ns_spawn would set it up.
 *
 * The child is set up exactly as ns_spawn would, but runs `fn` with its
 * own copy of the caller's memory (fork-like), so `fn` can never corrupt
 * the caller. ns_clone's rules apply: fork's hooks do not run, the child
 * leaves with _exit(2), and the child keeps the caller's signal
 * dispositions and mask.
 *
 * `attr`: the namespaces and the rest of the child's setup, or NULL.
 *
 * `fn`: the function the child runs with `arg`; its return value is the
 * child's exit status.
 *
 * `pidfd`: NULL, or where an O_CLOEXEC pidfd of the child is stored, as
 * with ns_spawn.
 *
 * Returns: the child's pid (a direct child: waitable, SIGCHLD), or a
 * negative errno.
 *
 * Errors:
 * -EINVAL: for a NULL `fn`; an attribute that fails ns_spawn's checks; a
 *   step in the child that refuses (as ns_spawn).
 * -ENOENT: "/proc is not mounted" when the caller must write maps and
 *   there is no /proc; from a step in the child.
 * -EPERM: clone's; from a step in the child; the kernel's, for maps the
 *   caller may not write.
 * -ENOSPC: clone's (a namespace limit is reached).
 * -EUSERS: clone's.
 * -EAGAIN: clone's, when no process can be started (RLIMIT_NPROC).
 * -ENOMEM: when memory runs out.
 * -EMFILE: when no descriptor is free for the report socket or the
 *   pidfd.
 * -EBADF: when a descriptor given to ns_spawn_attr_set_fd is no longer
 *   open.
 * -EOPNOTSUPP: for ns_spawn_attr_set_cgroup once clone3 is known to be
 *   missing; for uid/gid maps of a new user namespace created inside a
 *   joined user namespace other than the caller's (the kernel takes maps
 *   only from a process in the new namespace's parent, which the caller
 *   is not).
 * -ECHILD: when the intermediate process ended without starting `fn`.
 *
 * Thread safety: as ns_spawn: the caller never moves; safe from any
 * thread of any runtime, also with one attr shared by several spawning
 * threads (setters and ns_spawn_attr_free must not run concurrently with
 * any use of the same attr). In a multithreaded caller `fn` may call only
 * async-signal-safe functions. ns_last_error is per thread.
 *
 * Kernel: as ns_spawn.
 */
pid_t ns_spawn_fn(const struct ns_spawn_attr *attr, int (*fn)(void *arg), void *arg, int *pidfd);

/**
 * Creates a spawn attribute object.
 *
 * The new object asks for nothing: no namespaces, no maps, nothing
 * changed (ns_spawn with it is a plain spawn). Free it with
 * ns_spawn_attr_free.
 *
 * Returns: a new attribute object, or NULL with errno set.
 *
 * Errors:
 * ENOMEM: only if memory runs out.
 *
 * Thread safety: safe from any thread. The object is the caller's: an
 * ns_spawn_attr may be used by any number of threads at once for spawning
 * (ns_spawn, ns_spawn_fn), but its setters and ns_spawn_attr_free must
 * not run concurrently with any use of the same attr.
 *
 * Kernel: any.
 */
struct ns_spawn_attr *ns_spawn_attr_new(void);

/**
 * Frees a spawn attribute object.
 *
 * Also closes the descriptors it keeps (its own copies of those given to
 * ns_spawn_attr_join, ns_spawn_attr_set_cgroup and
 * ns_spawn_attr_set_root_idmap).
 *
 * `attr`: an object from ns_spawn_attr_new not yet freed, or NULL (then
 * nothing happens).
 *
 * Returns: nothing.
 *
 * Errors: none.
 *
 * Thread safety: must not run concurrently with any other use of the same
 * attr (a setter, a spawn): free it once every spawn that uses it has
 * returned.
 *
 * Kernel: any.
 */
void ns_spawn_attr_free(struct ns_spawn_attr *attr);

/**
 * Sets the namespaces the child gets new.
 *
 * Replaces an earlier call. They are created in one step, after the
 * joins. With NS_PID the program is pid 1 of the new PID namespace; with
 * NS_MNT every mount becomes private unless ns_spawn_attr_set_propagation
 * says otherwise.
 *
 * `types`: an OR of NS_* values; 0 for none.
 *
 * Returns: 0, or a negative errno.
 *
 * Errors:
 * -EINVAL: when `types` has bits that are not NS_*, or `attr` is NULL.
 *
 * Thread safety: changes only the attribute object. An ns_spawn_attr may
 * be used by any number of threads at once for spawning (ns_spawn,
 * ns_spawn_fn), but this setter must not run concurrently with any use of
 * the same attr (another setter, a spawn, ns_spawn_attr_free).
 * ns_last_error is per thread.
 *
 * Kernel: any; NS_TIME needs 5.6, and clone3 (5.3) or else a short-lived
 * intermediate process at spawn time.
 */
int ns_spawn_attr_set_namespaces(struct ns_spawn_attr *attr, int types);

/**
 * Adds existing namespaces for the child to join.
 *
 * Repeatable; joins happen before new namespaces are created, user
 * namespaces first when the caller is not root (last when it is). A new
 * user namespace created inside a joined one (other than the caller's)
 * cannot have maps: ns_spawn refuses that with -EOPNOTSUPP. The
 * attribute keeps its own copy of `fd`: one of the library's tracked
 * descriptors, so a child that another call starts meanwhile (ns_clone,
 * ns_spawn_fn, any spawn) closes it first thing, and it never keeps the
 * namespace alive.
 *
 * Who joins: the program's process joins with setns(2), then creates the
 * new types. Where that cannot give the program the namespace (a joined
 * PID namespace applies only to the children of whoever joins it; a new
 * PID or time namespace must be made by the clone, after which a child
 * in a new user namespace may no longer join one of the caller's), a
 * short-lived intermediate process joins and then creates the program's
 * process (see ns_spawn). A caller with
 * CAP_SYS_ADMIN avoids it where joins are given one type per descriptor:
 * the calling thread itself enters a joined PID namespace for the clone
 * alone (every signal blocked), and with new PID or time namespaces also
 * joined network, UTS and cgroup namespaces, and goes back to its own
 * right after (which it reads from /proc/thread-self: without /proc, the
 * intermediate). Other threads are not affected, and the program and its
 * errors are the same either way.
 *
 * `fd`: a namespace descriptor or a pidfd, as ns_setns takes them.
 *
 * `types`: for a namespace, 0 or its NS_* type; for a pidfd, a non-empty
 * NS_* mask.
 *
 * Returns: 0, or a negative errno.
 *
 * Errors:
 * -EBADF: when `fd` is not open.
 * -EINVAL: when `fd` is neither a namespace nor a pidfd, or `types` does
 *   not fit it; when `attr` is NULL.
 * -ESRCH: when the pidfd's process has exited.
 * -EMFILE: when no descriptor is free (for the attribute's own copy of
 *   `fd`, or to tell a pidfd from other files).
 * -ENOENT: when telling a pidfd from other files needs /proc and it is
 *   not mounted.
 *
 * Thread safety: changes only the attribute object. An ns_spawn_attr may
 * be used by any number of threads at once for spawning (ns_spawn,
 * ns_spawn_fn), but this setter must not run concurrently with any use of
 * the same attr (another setter, a spawn, ns_spawn_attr_free).
 * ns_last_error is per thread.
 *
 * Kernel: any; a pidfd's namespaces are joined in one step from 5.8,
 * one at a time before.
 */
int ns_spawn_attr_join(struct ns_spawn_attr *attr, int fd, int types);

/**
 * Maps the caller's uid and gid to root in the child's new user namespace.
 *
 * Like `unshare -r`: the caller's euid and egid become 0, with setgroups
 * denied. Needs NS_USER in ns_spawn_attr_set_namespaces (checked by
 * ns_spawn). Replaces earlier maps. The child writes these maps itself.
 *
 * Returns: 0, or a negative errno.
 *
 * Errors:
 * -EINVAL: when `attr` is NULL.
 *
 * Thread safety: changes only the attribute object. An ns_spawn_attr may
 * be used by any number of threads at once for spawning (ns_spawn,
 * ns_spawn_fn), but this setter must not run concurrently with any use of
 * the same attr (another setter, a spawn, ns_spawn_attr_free).
 * ns_last_error is per thread.
 *
 * Kernel: any.
 */
int ns_spawn_attr_map_root(struct ns_spawn_attr *attr);

/**
 * Sets the uid map of the child's new user namespace.
 *
 * Needs NS_USER (checked by ns_spawn). The map gets ns_write_uid_map's
 * checks and flags, now (the page-size limit too); the array is copied.
 * A single id mapping the caller's own euid is written by the child
 * itself, as the kernel allows; any other map is written by the caller
 * while the child waits, so several ranges and NS_MAP_USE_HELPER work.
 *
 * `m`: points at `n` struct ns_idmap entries.
 *
 * `n`: the number of entries, 1 to NS_MAP_MAX_RANGES (340).
 *
 * `flags`: 0 or NS_MAP_USE_HELPER.
 *
 * Returns: 0, or a negative errno.
 *
 * Errors:
 * -EINVAL: when `attr` or `m` is NULL, `n` is 0, `flags` has unknown bits
 *   or NS_MAP_DENY_SETGROUPS, or a range is empty, runs past 4294967294 or
 *   overlaps another.
 * -E2BIG: when `n` is above 340 or the map's text is a page or longer.
 *
 * Thread safety: changes only the attribute object. An ns_spawn_attr may
 * be used by any number of threads at once for spawning (ns_spawn,
 * ns_spawn_fn), but this setter must not run concurrently with any use of
 * the same attr (another setter, a spawn, ns_spawn_attr_free).
 * ns_last_error is per thread.
 *
 * Kernel: any.
 */
int ns_spawn_attr_set_uid_map(struct ns_spawn_attr *attr, const struct ns_idmap *m, size_t n, unsigned int flags);

/**
 * Sets the gid map of the child's new user namespace.
 *
 * As ns_spawn_attr_set_uid_map; NS_MAP_DENY_SETGROUPS writes "deny" to
 * the child's setgroups first.
 *
 * `m`: points at `n` struct ns_idmap entries.
 *
 * `n`: the number of entries, 1 to NS_MAP_MAX_RANGES (340).
 *
 * `flags`: an OR of NS_MAP_USE_HELPER and NS_MAP_DENY_SETGROUPS.
 *
 * Returns: 0, or a negative errno.
 *
 * Errors:
 * -EINVAL: when `attr` or `m` is NULL, `n` is 0, `flags` has unknown
 *   bits, or a range is empty, runs past 4294967294 or overlaps another.
 * -E2BIG: when `n` is above 340 or the map's text is a page or longer.
 *
 * Thread safety: changes only the attribute object. An ns_spawn_attr may
 * be used by any number of threads at once for spawning (ns_spawn,
 * ns_spawn_fn), but this setter must not run concurrently with any use of
 * the same attr (another setter, a spawn, ns_spawn_attr_free).
 * ns_last_error is per thread.
 *
 * Kernel: any.
 */
int ns_spawn_attr_set_gid_map(struct ns_spawn_attr *attr, const struct ns_idmap *m, size_t n, unsigned int flags);

/**
 * Sets the child's hostname.
 *
 * Needs a new or joined UTS namespace, checked by ns_spawn.
 *
 * `name`: a NUL-terminated name of 1 to 64 bytes; it is copied.
 *
 * Returns: 0, or a negative errno.
 *
 * Errors:
 * -EINVAL: when `attr` or `name` is NULL, or `name` is "" or longer than
 *   64 bytes.
 *
 * Thread safety: changes only the attribute object. An ns_spawn_attr may
 * be used by any number of threads at once for spawning (ns_spawn,
 * ns_spawn_fn), but this setter must not run concurrently with any use of
 * the same attr (another setter, a spawn, ns_spawn_attr_free).
 * ns_last_error is per thread.
 *
 * Kernel: any.
 */
int ns_spawn_attr_set_hostname(struct ns_spawn_attr *attr, const char *name);

/**
 * Sets the directory that becomes the child's root.
 *
 * It is bind-mounted on itself (or mounted idmapped, see
 * ns_spawn_attr_set_root_idmap), pivot_root(2) moves the child into it
 * and the old root is detached, so nothing of the host's tree stays
 * reachable. Needs NS_MNT. The program path, the cwd and /proc are then
 * taken inside the new root.
 *
 * `dir`: a NUL-terminated path of a directory; it is copied.
 *
 * Returns: 0, or a negative errno.
 *
 * Errors:
 * -EINVAL: when `attr` or `dir` is NULL.
 * -ENOTDIR: when `dir` is not a directory.
 * -ENOENT: stat(2)'s, when `dir` does not exist.
 * -EACCES: stat(2)'s, when `dir` cannot be reached.
 *
 * Thread safety: changes only the attribute object. An ns_spawn_attr may
 * be used by any number of threads at once for spawning (ns_spawn,
 * ns_spawn_fn), but this setter must not run concurrently with any use of
 * the same attr (another setter, a spawn, ns_spawn_attr_free).
 * ns_last_error is per thread.
 *
 * Kernel: any. The program's mount namespace holds the root's mounts and
 * nothing of the caller's tree, on every kernel: it starts as a copy of
 * the caller's, and the old root is detached after pivot_root.
 * CLONE_EMPTY_MNTNS (7.1, a mount namespace that starts empty) is probed
 * (ns_features) but not used: how a root is attached to an empty
 * namespace could not be exercised on the kernels this release was
 * tested on, so the copy and pivot_root serve every kernel.
 */
int ns_spawn_attr_set_root(struct ns_spawn_attr *attr, const char *dir);

/**
 * Asks for a fresh /proc in the child.
 *
 * A fresh proc is mounted on /proc in the child (after the root change),
 * showing the child's new PID namespace. Needs new PID and mount
 * namespaces, checked by ns_spawn.
 *
 * `on`: non-zero to mount it, 0 not to.
 *
 * Returns: 0, or a negative errno.
 *
 * Errors:
 * -EINVAL: when `attr` is NULL.
 *
 * Thread safety: changes only the attribute object. An ns_spawn_attr may
 * be used by any number of threads at once for spawning (ns_spawn,
 * ns_spawn_fn), but this setter must not run concurrently with any use of
 * the same attr (another setter, a spawn, ns_spawn_attr_free).
 * ns_last_error is per thread.
 *
 * Kernel: any.
 */
int ns_spawn_attr_set_mount_proc(struct ns_spawn_attr *attr, int on);

/**
 * Sets the mount propagation of the child's new mount namespace.
 *
 * Needs NS_MNT, checked by ns_spawn.
 *
 * `mode`: NS_PROPAGATION_PRIVATE (the default, as unshare(1)),
 * NS_PROPAGATION_SLAVE, NS_PROPAGATION_SHARED, or
 * NS_PROPAGATION_UNCHANGED to keep what was copied.
 *
 * Returns: 0, or a negative errno.
 *
 * Errors:
 * -EINVAL: for any other `mode`, or a NULL `attr`.
 *
 * Thread safety: changes only the attribute object. An ns_spawn_attr may
 * be used by any number of threads at once for spawning (ns_spawn,
 * ns_spawn_fn), but this setter must not run concurrently with any use of
 * the same attr (another setter, a spawn, ns_spawn_attr_free).
 * ns_last_error is per thread.
 *
 * Kernel: any.
 */
int ns_spawn_attr_set_propagation(struct ns_spawn_attr *attr, int mode);

/**
 * Sets the child's working directory.
 *
 * It is entered after the root change and /proc.
 *
 * `dir`: a NUL-terminated path, relative to the caller's cwd or, with
 * ns_spawn_attr_set_root, to the new root; it is copied.
 *
 * Returns: 0, or a negative errno.
 *
 * Errors:
 * -EINVAL: when `attr` or `dir` is NULL, or `dir` is "".
 *
 * Thread safety: changes only the attribute object. An ns_spawn_attr may
 * be used by any number of threads at once for spawning (ns_spawn,
 * ns_spawn_fn), but this setter must not run concurrently with any use of
 * the same attr (another setter, a spawn, ns_spawn_attr_free).
 * ns_last_error is per thread.
 *
 * Kernel: any.
 */
int ns_spawn_attr_set_cwd(struct ns_spawn_attr *attr, const char *dir);

/**
 * Makes a child descriptor a copy of a caller's descriptor, or closes it.
 *
 * Repeatable; a later call for the same `child_fd` replaces the earlier
 * one. All copies are made as if at once, so swapping two descriptors
 * works. As with posix_spawn's adddup2, `parent_fd` is taken by number
 * when ns_spawn runs: it is checked now, but must still be open then and
 * name the file meant (a closed one gives "child: dup2 (fd N)" and
 * -EBADF from ns_spawn).
 *
 * `child_fd`: the descriptor number in the child, >= 0.
 *
 * `parent_fd`: the caller's descriptor that `child_fd` becomes a copy of
 * (dup2, without close-on-exec), or -1 to close `child_fd`.
 *
 * Returns: 0, or a negative errno.
 *
 * Errors:
 * -EBADF: for a negative `child_fd`, `parent_fd` < -1, or a `parent_fd`
 *   that is not open now.
 * -EINVAL: when `attr` is NULL.
 *
 * Thread safety: changes only the attribute object. An ns_spawn_attr may
 * be used by any number of threads at once for spawning (ns_spawn,
 * ns_spawn_fn), but this setter must not run concurrently with any use of
 * the same attr (another setter, a spawn, ns_spawn_attr_free).
 * ns_last_error is per thread.
 *
 * Kernel: any.
 */
int ns_spawn_attr_set_fd(struct ns_spawn_attr *attr, int child_fd, int parent_fd);

/**
 * Asks the child to close every other descriptor >= 3.
 *
 * Every descriptor >= 3 except those set with ns_spawn_attr_set_fd is
 * marked close-on-exec in the child, so the program starts without them.
 *
 * `on`: non-zero to close them, 0 not to.
 *
 * Returns: 0, or a negative errno.
 *
 * Errors:
 * -EINVAL: when `attr` is NULL.
 *
 * Thread safety: changes only the attribute object. An ns_spawn_attr may
 * be used by any number of threads at once for spawning (ns_spawn,
 * ns_spawn_fn), but this setter must not run concurrently with any use of
 * the same attr (another setter, a spawn, ns_spawn_attr_free).
 * ns_last_error is per thread.
 *
 * Kernel: close_range(2) with CLOSE_RANGE_CLOEXEC (5.11); before, one
 * fcntl per descriptor up to RLIMIT_NOFILE (at most 65536).
 */
int ns_spawn_attr_set_close_fds(struct ns_spawn_attr *attr, int on);

/**
 * Sets the signal the child gets when the thread that spawned it ends.
 *
 * prctl PR_SET_PDEATHSIG. If the caller dies before the child has set
 * it, the child does not start the program.
 *
 * `sig`: a signal number; 0, the default, for none.
 *
 * Returns: 0, or a negative errno.
 *
 * Errors:
 * -EINVAL: for a negative or too large signal, or a NULL `attr`.
 *
 * Thread safety: changes only the attribute object. An ns_spawn_attr may
 * be used by any number of threads at once for spawning (ns_spawn,
 * ns_spawn_fn), but this setter must not run concurrently with any use of
 * the same attr (another setter, a spawn, ns_spawn_attr_free).
 * ns_last_error is per thread.
 *
 * Kernel: any. The caller is watched through a pidfd (pidfd_open, 5.3);
 * with pidfd_open filtered, the child compares getppid() instead.
 */
int ns_spawn_attr_set_pdeathsig(struct ns_spawn_attr *attr, int sig);

/**
 * Sets the cgroup the child starts in.
 *
 * CLONE_INTO_CGROUP: the child is in that cgroup from its first
 * instruction. The attribute keeps its own copy of the descriptor.
 *
 * `cgroup_fd`: a descriptor of a cgroup v2 directory.
 *
 * Returns: 0, or a negative errno.
 *
 * Errors:
 * -EBADF: when `cgroup_fd` is not open.
 * -EINVAL: when it is not a cgroup2 directory, or `attr` is NULL.
 * -EMFILE: when no descriptor is free for the attribute's copy.
 *
 * Thread safety: changes only the attribute object. An ns_spawn_attr may
 * be used by any number of threads at once for spawning (ns_spawn,
 * ns_spawn_fn), but this setter must not run concurrently with any use of
 * the same attr (another setter, a spawn, ns_spawn_attr_free).
 * ns_last_error is per thread.
 *
 * Kernel: clone3 with CLONE_INTO_CGROUP, 5.7; ns_spawn gives -EOPNOTSUPP
 * where clone3 is unavailable.
 */
int ns_spawn_attr_set_cgroup(struct ns_spawn_attr *attr, int cgroup_fd);

/**
 * Sets a clock offset of the child's new time namespace.
 *
 * Needs NS_TIME, checked by ns_spawn: the child sees the clock plus the
 * offset. One per clock; a later call replaces. The offsets are written
 * before any process enters the namespace, which costs one extra process
 * step in ns_spawn.
 *
 * `clock`: CLOCK_MONOTONIC or CLOCK_BOOTTIME.
 *
 * `sec`: the offset's seconds (may be negative).
 *
 * `nsec`: the offset's nanoseconds, 0 to 999999999.
 *
 * Returns: 0, or a negative errno.
 *
 * Errors:
 * -EINVAL: for other clocks or `nsec` outside 0..999999999, or a NULL
 *   `attr`.
 *
 * Thread safety: changes only the attribute object. An ns_spawn_attr may
 * be used by any number of threads at once for spawning (ns_spawn,
 * ns_spawn_fn), but this setter must not run concurrently with any use of
 * the same attr (another setter, a spawn, ns_spawn_attr_free).
 * ns_last_error is per thread.
 *
 * Kernel: time namespaces, 5.6.
 */
int ns_spawn_attr_set_time_offset(struct ns_spawn_attr *attr, int clock, int64_t sec, int64_t nsec);

/**
 * Sets the uid, gid and supplementary groups the program runs with.
 *
 * Taken in the child with setgroups, setresgid and setresuid (real,
 * effective and saved ids), after the namespaces, mounts, root, cwd,
 * descriptors, resource limits and bounding set, and before the other
 * capability sets, the umask and the seccomp filter: in the child's final
 * namespaces, so inside a new user namespace these are ids of its maps
 * (with ns_spawn_attr_map_root, 0). Leaving uid 0 clears the program's
 * capabilities unless ns_spawn_attr_set_caps gives some, and clears the
 * parent-death signal, which the library then sets again. Checked whole
 * before anything changes: a refused call changes nothing.
 *
 * `uid`: the uid; (uid_t)-1 leaves the uid as set before (by default,
 * the caller's).
 *
 * `gid`: the gid; (gid_t)-1 leaves it as set before.
 *
 * `groups`: the supplementary groups, `ngroups` of them (copied); NULL
 * leaves them as set before (by default, the caller's); non-NULL with
 * `ngroups` 0 means none. setgroups is refused in a user namespace whose
 * setgroups is denied (as ns_spawn_attr_map_root makes it): leave
 * `groups` NULL there.
 *
 * Returns: 0, or a negative errno.
 *
 * Errors:
 * -EINVAL: when `groups` holds (gid_t)-1, `ngroups` is above 65536
 *   (NGROUPS_MAX), or `attr` is NULL; from ns_spawn, "child: setresuid
 *   (uid N)" or "child: setresgid (gid N)" for an id the child's user
 *   namespace does not map.
 * -EPERM: from ns_spawn, the same steps without CAP_SETUID or
 *   CAP_SETGID, and "child: setgroups" without CAP_SETGID or with
 *   setgroups denied.
 *
 * Thread safety: changes only the attribute object. An ns_spawn_attr may
 * be used by any number of threads at once for spawning (ns_spawn,
 * ns_spawn_fn), but this setter must not run concurrently with any use of
 * the same attr (another setter, a spawn, ns_spawn_attr_free).
 * ns_last_error is per thread.
 *
 * Kernel: any.
 */
int ns_spawn_attr_set_ids(struct ns_spawn_attr *attr, uid_t uid, gid_t gid, const gid_t *groups, size_t ngroups);

/**
 * Starts the program in a new session (setsid).
 *
 * The child becomes the leader of a new session and of a new process
 * group, both with its pid, and has no controlling terminal, so it
 * cannot inject input into the caller's terminal (TIOCSTI), as
 * bubblewrap's --new-session. Done right after the namespaces are
 * created, beside the process group (whether the uid/gid maps come before
 * or after depends on who writes them; neither depends on the other), and
 * before the hostname, mounts, root, cwd, descriptors, limits, ids,
 * capabilities, umask and seccomp filter. A session leader cannot change
 * its process group: ns_spawn refuses it together with
 * ns_spawn_attr_set_pgid.
 *
 * `on`: non-zero for a new session; 0, the default, for the caller's.
 *
 * Returns: 0, or a negative errno.
 *
 * Errors:
 * -EINVAL: when `attr` is NULL. From ns_spawn: -EINVAL with
 *   ns_spawn_attr_set_pgid ("setsid and process group").
 *
 * Thread safety: changes only the attribute object. An ns_spawn_attr may
 * be used by any number of threads at once for spawning (ns_spawn,
 * ns_spawn_fn), but this setter must not run concurrently with any use of
 * the same attr (another setter, a spawn, ns_spawn_attr_free).
 * ns_last_error is per thread.
 *
 * Kernel: any.
 */
int ns_spawn_attr_set_setsid(struct ns_spawn_attr *attr, int on);

/**
 * Puts the program into a process group (setpgid).
 *
 * setpgid(0, pgid) in the child, first thing after its namespaces are
 * created (before the hostname, mounts, descriptors, ids and the rest;
 * the uid/gid maps may come before or after), so a job-control shell can
 * wait for and signal the group.
 * Replaces an earlier call. Not with ns_spawn_attr_set_setsid.
 *
 * `pgid`: an existing process group of the caller's session, or 0 for a
 * new group whose id is the program's pid. In a new PID namespace only 0
 * works (the caller's groups are not visible there).
 *
 * Returns: 0, or a negative errno.
 *
 * Errors:
 * -EINVAL: when `pgid` is negative, or `attr` is NULL; from ns_spawn,
 *   together with ns_spawn_attr_set_setsid.
 * -EPERM: from ns_spawn, "child: setpgid" for a group of another session
 *   or none such.
 *
 * Thread safety: changes only the attribute object. An ns_spawn_attr may
 * be used by any number of threads at once for spawning (ns_spawn,
 * ns_spawn_fn), but this setter must not run concurrently with any use of
 * the same attr (another setter, a spawn, ns_spawn_attr_free).
 * ns_last_error is per thread.
 *
 * Kernel: any.
 */
int ns_spawn_attr_set_pgid(struct ns_spawn_attr *attr, pid_t pgid);

/**
 * Sets capability sets of the program.
 *
 * Each set named in `which` becomes `caps`; a later call replaces the
 * sets it names; a set never named is left as the kernel leaves it. In
 * the child, in this order: (1) NS_CAPS_BOUNDING, after the descriptors
 * and resource limits and before the ids change: every capability
 * outside `caps` is dropped (PR_CAPBSET_DROP, which needs CAP_SETPCAP);
 * ones already dropped stay so, and none is ever added. (2) When any of
 * the other sets is named, PR_SET_KEEPCAPS, so that leaving uid 0 keeps
 * the permitted set. (3) groups, gid, uid (ns_spawn_attr_set_ids). (4)
 * NS_CAPS_PERMITTED, NS_CAPS_EFFECTIVE, NS_CAPS_INHERITABLE with one
 * capset; a set not named keeps its value after the uid change (leaving
 * uid 0 empties the effective set). (5) NS_CAPS_AMBIENT: cleared, then
 * each capability raised (PR_CAP_AMBIENT). Then the umask, the signal
 * reset, no_new_privs and the seccomp filter, and exec.
 *
 * Across exec (capabilities(7)): a program that runs as uid 0 gets
 * permitted = effective = bounding set + inheritable set, so for it the
 * bounding set is the limit; a program under another uid gets permitted
 * = effective = its ambient set (a set-uid, set-gid or file-capability
 * program loses the ambient set instead, and gains nothing under
 * no_new_privs). The bounding and inheritable sets are kept. So a
 * non-root program keeps capabilities C with NS_CAPS_PERMITTED |
 * NS_CAPS_EFFECTIVE | NS_CAPS_INHERITABLE | NS_CAPS_AMBIENT and C (the
 * Rust API's keep_caps), and a root program is limited to C with
 * NS_CAPS_BOUNDING and C.
 *
 * `which`: an OR of NS_CAPS_BOUNDING, NS_CAPS_PERMITTED,
 * NS_CAPS_EFFECTIVE, NS_CAPS_INHERITABLE, NS_CAPS_AMBIENT.
 *
 * `caps`: bit n for capability n, as linux/capability.h numbers them
 * (CAP_NET_BIND_SERVICE is 10); 0 for none.
 *
 * Returns: 0, or a negative errno.
 *
 * Errors:
 * -EINVAL: when `which` is 0 or has other bits, `caps` names a
 *   capability this kernel does not have (above
 *   /proc/sys/kernel/cap_last_cap), or `attr` is NULL; from ns_spawn,
 *   before anything starts, when the sets given contradict the kernel's
 *   rules (effective outside permitted, ambient outside permitted or
 *   inheritable).
 * -EPERM: from ns_spawn: "child: drop from the bounding set (capability
 *   N)" without CAP_SETPCAP, "child: capset (permitted, effective,
 *   inheritable)" for capabilities the child does not have, "child: raise
 *   ambient capability (capability N)" for one not permitted and
 *   inheritable.
 *
 * Thread safety: changes only the attribute object. An ns_spawn_attr may
 * be used by any number of threads at once for spawning (ns_spawn,
 * ns_spawn_fn), but this setter must not run concurrently with any use of
 * the same attr (another setter, a spawn, ns_spawn_attr_free).
 * ns_last_error is per thread.
 *
 * Kernel: any; ambient capabilities need 4.3.
 */
int ns_spawn_attr_set_caps(struct ns_spawn_attr *attr, unsigned int which, uint64_t caps);

/**
 * Sets a resource limit of the program.
 *
 * prlimit64 in the child, after the descriptors and before the bounding
 * set and the ids change (so a privileged caller may raise hard limits),
 * for each resource in the order first set. Repeatable: once per
 * resource, a later call replacing it. The limits are in force for the
 * rest of the child's setup too (RLIMIT_AS can make execve fail).
 *
 * `resource`: one of RLIMIT_* (sys/resource.h), 0 to 15.
 *
 * `rl`: the soft and hard limits (copied); RLIM_INFINITY for none. On
 * 32-bit systems the fields are read as the library's rlim_t (32 bits:
 * a caller compiled with _FILE_OFFSET_BITS=64 has 64-bit ones).
 *
 * Returns: 0, or a negative errno.
 *
 * Errors:
 * -EINVAL: when `resource` is not one, `rl` is NULL, its soft limit is
 *   above its hard limit, or `attr` is NULL.
 * -EPERM: from ns_spawn, "child: setrlimit (resource N)", when the hard
 *   limit is raised without CAP_SYS_RESOURCE in the initial user
 *   namespace (a new user namespace does not give it; lowering always
 *   works), or RLIMIT_NOFILE above /proc/sys/fs/nr_open.
 *
 * Thread safety: changes only the attribute object. An ns_spawn_attr may
 * be used by any number of threads at once for spawning (ns_spawn,
 * ns_spawn_fn), but this setter must not run concurrently with any use of
 * the same attr (another setter, a spawn, ns_spawn_attr_free).
 * ns_last_error is per thread.
 *
 * Kernel: any (prlimit64, 2.6.36).
 */
int ns_spawn_attr_set_rlimit(struct ns_spawn_attr *attr, int resource, const struct rlimit *rl);

/**
 * Sets a seccomp filter for the program.
 *
 * A classic BPF program over struct seccomp_data (linux/seccomp.h),
 * checked now as the kernel will check it (the instructions seccomp
 * allows, loads inside struct seccomp_data, 32-bit aligned, jumps inside
 * the program, scratch memory written before it is read, a return last)
 * and copied. Replaces an earlier filter.
 *
 * In the child it is installed last: after the namespaces, mounts,
 * descriptors, limits, ids, capabilities, umask and the signal reset,
 * right before execve, so it sees execve and nothing of the library's
 * before it: prctl(PR_SET_NO_NEW_PRIVS, 1), then seccomp(2) with
 * SECCOMP_SET_MODE_FILTER. no_new_privs is always set with a filter: the
 * kernel takes a filter without it only from a process with CAP_SYS_ADMIN
 * in its user namespace, which the program has mostly lost by then (ids,
 * capability sets), and it keeps set-uid, set-gid and file-capability
 * programs from gaining privileges under a filter they do not expect (as
 * bubblewrap). It stacks on the caller's own filters, which the child
 * inherits. A filter that refuses execve makes ns_spawn fail with its
 * errno ("child: execve"); a failed execve is reported with write(2) and
 * the child ends with exit_group(2), so a filter must let those through
 * (or a failed execve goes unreported: ns_spawn succeeds and the child
 * exits with status 127). With ns_spawn_fn the filter is installed before
 * the function runs, and also sees the library's last two close(2) and
 * rt_sigprocmask(2).
 *
 * `filter`: `len` instructions (struct sock_filter, linux/filter.h).
 *
 * `len`: 1 to 4096 (BPF_MAXINSNS).
 *
 * Returns: 0, or a negative errno.
 *
 * Errors:
 * -EINVAL: when `filter` or `attr` is NULL, `len` is 0 or above 4096,
 *   or an instruction is refused (ns_last_error names it and why); from
 *   ns_spawn, "child: install seccomp filter", on a kernel without
 *   seccomp filters (CONFIG_SECCOMP_FILTER).
 * -ENOMEM: from ns_spawn, "child: install seccomp filter", when the
 *   process's filters together would pass the kernel's 32768
 *   instructions.
 *
 * Thread safety: changes only the attribute object. An ns_spawn_attr may
 * be used by any number of threads at once for spawning (ns_spawn,
 * ns_spawn_fn), but this setter must not run concurrently with any use of
 * the same attr (another setter, a spawn, ns_spawn_attr_free).
 * ns_last_error is per thread.
 *
 * Kernel: seccomp(2) 3.17; where a filter refuses it (ENOSYS), and with
 * LINUXNS_FORCE_FALLBACK=1, prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER)
 * (3.5) installs the same filter.
 */
int ns_spawn_attr_set_seccomp(struct ns_spawn_attr *attr, const struct sock_filter *filter, unsigned short len);

/**
 * Sets the program's umask.
 *
 * umask(2) in the child after the ids and capability sets, before the
 * signal reset, the seccomp filter and exec.
 *
 * `mask`: permission bits, 0 to 0777.
 *
 * Returns: 0, or a negative errno.
 *
 * Errors:
 * -EINVAL: when `mask` has bits outside 0777, or `attr` is NULL.
 *
 * Thread safety: changes only the attribute object. An ns_spawn_attr may
 * be used by any number of threads at once for spawning (ns_spawn,
 * ns_spawn_fn), but this setter must not run concurrently with any use of
 * the same attr (another setter, a spawn, ns_spawn_attr_free).
 * ns_last_error is per thread.
 *
 * Kernel: any.
 */
int ns_spawn_attr_set_umask(struct ns_spawn_attr *attr, mode_t mask);

/**
 * Starts the program with no_new_privs set.
 *
 * With no_new_privs, execve never grants privileges: set-user-ID and
 * set-group-ID bits and file capabilities are ignored, for the program
 * and everything it runs (the flag is inherited and cannot be cleared).
 * A seccomp filter (ns_spawn_attr_set_seccomp) sets it as well.
 *
 * `on`: non-zero to set it, 0 not to (the default).
 *
 * Returns: 0, or a negative errno.
 *
 * Errors:
 * -EINVAL: when `attr` is NULL.
 *
 * Thread safety: changes only the attribute object. An ns_spawn_attr may
 * be used by any number of threads at once for spawning (ns_spawn,
 * ns_spawn_fn), but this setter must not run concurrently with any use of
 * the same attr (another setter, a spawn, ns_spawn_attr_free).
 * ns_last_error is per thread.
 *
 * Kernel: clone3's CLONE_NNP (7.1) sets it as the program's process is
 * created, when the caller clones it directly (no joins, time offsets);
 * on every kernel (and with LINUXNS_FORCE_FALLBACK=1, and through
 * clone(2) where a filter refuses clone3) the child also sets it with
 * prctl(PR_SET_NO_NEW_PRIVS) (3.5) after the ids, capabilities and umask,
 * right before the seccomp filter and exec.
 */
int ns_spawn_attr_set_no_new_privs(struct ns_spawn_attr *attr, int on);

/**
 * Lets the kernel reap the program when it exits.
 *
 * The program never becomes a zombie and sends no exit signal (SIGCHLD);
 * waitpid and waitid cannot wait for it (ECHILD). Its pidfd (from
 * ns_spawn) becomes readable when it exits, and ns_pidfd_status then
 * gives its wait status (PIDFD_GET_INFO). A runtime that reaps every
 * child (a waitpid(-1) loop) never sees it.
 *
 * `on`: non-zero to ask for it, 0 not to (the default; also clears
 * ns_spawn_attr_set_autokill).
 *
 * Returns: 0, or a negative errno.
 *
 * Errors:
 * -EOPNOTSUPP: when `on` is non-zero and the kernel has no
 *   CLONE_AUTOREAP (before Linux 7.1, clone3 refused by a filter, and
 *   with LINUXNS_FORCE_FALLBACK=1): there is no fallback, wait for the
 *   program as usual; from ns_spawn, with joins that need an
 *   intermediate process (see ns_spawn), ns_spawn_attr_set_time_offset
 *   or a joined time namespace (the kernel reaps only a child cloned by
 *   the caller itself).
 * -EINVAL: when `attr` is NULL.
 *
 * Thread safety: changes only the attribute object. An ns_spawn_attr may
 * be used by any number of threads at once for spawning (ns_spawn,
 * ns_spawn_fn), but this setter must not run concurrently with any use of
 * the same attr (another setter, a spawn, ns_spawn_attr_free).
 * ns_last_error is per thread.
 *
 * Kernel: clone3's CLONE_AUTOREAP (7.1), probed once per process
 * (ns_features, NS_FEATURE_CLONE_AUTOREAP).
 */
int ns_spawn_attr_set_autoreap(struct ns_spawn_attr *attr, int on);

/**
 * Kills the program when the last descriptor of its pidfd closes.
 *
 * The pidfd ns_spawn returns is then the program's lifeline: closing it
 * (and every duplicate, in any process it was sent to) sends the program
 * SIGKILL, and so does the caller's exit or execve (the pidfd is
 * close-on-exec). Implies ns_spawn_attr_set_autoreap (the kernel's rule),
 * so the status comes from ns_pidfd_status, and
 * ns_spawn_attr_set_no_new_privs (the kernel requires it of a caller
 * without CAP_SYS_ADMIN; the library sets it for every caller, so that
 * the outcome does not depend on the caller's privileges).
 *
 * `on`: non-zero to ask for it, 0 not to (the default).
 *
 * Returns: 0, or a negative errno.
 *
 * Errors:
 * -EOPNOTSUPP: when `on` is non-zero and the kernel has no
 *   CLONE_PIDFD_AUTOKILL (before Linux 7.1, clone3 refused by a filter,
 *   and with LINUXNS_FORCE_FALLBACK=1): there is no fallback, end the
 *   program yourself (ns_spawn_attr_set_pdeathsig ties it to the calling
 *   thread); from ns_spawn, as for ns_spawn_attr_set_autoreap.
 * -EINVAL: when `attr` is NULL.
 *
 * Thread safety: changes only the attribute object. An ns_spawn_attr may
 * be used by any number of threads at once for spawning (ns_spawn,
 * ns_spawn_fn), but this setter must not run concurrently with any use of
 * the same attr (another setter, a spawn, ns_spawn_attr_free).
 * ns_last_error is per thread.
 *
 * Kernel: clone3's CLONE_PIDFD_AUTOKILL (7.1), probed once per process
 * (ns_features, NS_FEATURE_CLONE_PIDFD_AUTOKILL).
 */
int ns_spawn_attr_set_autokill(struct ns_spawn_attr *attr, int on);

/**
 * Lists every namespace on the system, as lsns(8) does.
 *
 * Reports every distinct namespace visible on the system: those of every
 * process in /proc and those kept by nsfs bind mounts
 * (/proc/self/mountinfo; nprocs 0 and pid 0 when no process is in them),
 * in ascending order of (type, id). The same namespaces, process counts
 * and lowest pids as lsns(8). Processes the caller may not inspect, or
 * that exit meanwhile, are left out, as with lsns. In `struct ns_info`,
 * owner_uid is, for a user namespace, the uid that created it, and for
 * any other namespace the uid that created the user namespace owning it.
 *
 * The answer is complete or an error, never silently partial: running out
 * of descriptors or memory while scanning fails the call, and any other
 * error reading /proc is returned as it is.
 *
 * `types`: an OR of NS_* values; 0 for all.
 *
 * `cb`: called as cb(info, arg) once per namespace, on the calling
 * thread; a non-zero return stops the walk.
 *
 * Returns: the number of namespaces reported to `cb`, or a negative
 * errno.
 *
 * Errors:
 * -EINVAL: for a NULL `cb` or `types` bits that are not NS_*.
 * -ENOENT: when /proc is not mounted ("/proc is not mounted").
 * -EOPNOTSUPP: when /proc belongs to another PID namespace (its pids would
 *   not be the caller's).
 * -EMFILE: when the scan runs out of descriptors.
 * -ENFILE: when the system runs out of descriptors.
 * -ENOMEM: when the kernel runs out of memory during the scan.
 *
 * Thread safety: moves nothing; safe from any thread. The scan is shared
 * over up to 4 worker threads of the library's own when there are many
 * processes (gone from the kernel before the call returns), and done on
 * the calling thread when no thread can be started (RLIMIT_NPROC); `cb`
 * always runs on the calling thread. ns_last_error is per thread.
 *
 * Kernel: any.
 */
int ns_list(int types, ns_list_cb cb, void *arg);

/**
 * Reads the limit on namespaces of one type per user.
 *
 * The limit is /proc/sys/user/max_TYPE_namespaces.
 *
 * `type`: exactly one NS_* value.
 *
 * Returns: the limit (>= 0), or a negative errno.
 *
 * Errors:
 * -EINVAL: unless `type` is exactly one NS_* value.
 * -ENOENT: when /proc is not mounted ("/proc is not mounted"), or the
 *   kernel has no such file.
 * -EACCES: when the file may not be read.
 * -EIO: when the file does not hold a number.
 * -EMFILE: when no descriptor is free.
 *
 * Thread safety: moves nothing; safe from any thread at any time.
 * ns_last_error is per thread.
 *
 * Kernel: any; max_time_namespaces exists from 5.6.
 */
int64_t ns_get_limit(int type);

/**
 * Sets the limit on namespaces of one type per user.
 *
 * Writes /proc/sys/user/max_TYPE_namespaces.
 *
 * `type`: exactly one NS_* value.
 *
 * `value`: 0 to 2147483647; 0 forbids creating namespaces of that type.
 *
 * Returns: 0, or a negative errno.
 *
 * Errors:
 * -EINVAL: for a bad `type` or `value`.
 * -EPERM: without privilege.
 * -EACCES: without privilege.
 * -ENOENT: when /proc is not mounted ("/proc is not mounted"), or the
 *   kernel has no such file.
 * -EMFILE: when no descriptor is free.
 *
 * Thread safety: moves nothing; safe from any thread. The limit is
 * system-wide (per user namespace): it applies to every process.
 * ns_last_error is per thread.
 *
 * Kernel: any; max_time_namespaces exists from 5.6.
 */
int ns_set_limit(int type, int64_t value);

/**
 * Sets a clock offset of a new time namespace.
 *
 * The namespace is the one process `pid`'s children get
 * (/proc/PID/timens_offsets). Processes in that namespace see the clock
 * plus sec and nsec. The kernel allows it only before any process has
 * entered the namespace.
 *
 * `pid`: the process; 0 is the caller, e.g. after ns_unshare(NS_TIME).
 *
 * `clock`: CLOCK_MONOTONIC or CLOCK_BOOTTIME.
 *
 * `sec`: the offset's seconds (may be negative).
 *
 * `nsec`: the offset's nanoseconds, 0 to 999999999.
 *
 * Returns: 0, or a negative errno.
 *
 * Errors:
 * -EINVAL: for other clocks, `nsec` outside 0..999999999, `pid` < 0.
 * -EACCES: when a process has already entered that time namespace.
 * -ERANGE: for an offset the kernel refuses as out of range (it keeps
 *   clock + offset within its time range).
 * -ESRCH: when there is no such process.
 * -EPERM: without CAP_SYS_TIME over the namespace.
 * -ENOENT: when /proc is not mounted ("/proc is not mounted"), or the
 *   kernel has no time namespaces.
 * -EOPNOTSUPP: for a `pid` other than 0 when /proc belongs to another PID
 *   namespace.
 * -EMFILE: when no descriptor is free.
 *
 * Thread safety: moves nothing; safe from any thread. `pid` 0 is
 * /proc/self: the time_for_children namespace of the process's main
 * thread. ns_last_error is per thread.
 *
 * Kernel: time namespaces, 5.6.
 */
int ns_set_time_offset(pid_t pid, int clock, int64_t sec, int64_t nsec);

/**
 * Changes the root mount of the caller's mount namespace: pivot_root(2).
 *
 * `new_root`: a NUL-terminated path of the directory that becomes the
 * root.
 *
 * `put_old`: a NUL-terminated path where the old root is moved; it may be
 * the same directory: then umount2(".", MNT_DETACH) after chdir(new_root)
 * drops it.
 *
 * Returns: 0, or a negative errno.
 *
 * Errors:
 * -EINVAL: for NULL; pivot_root(2)'s (e.g. `new_root` is not a mount
 *   point, or the root is shared).
 * -EBUSY: pivot_root(2)'s.
 * -EPERM: pivot_root(2)'s, without CAP_SYS_ADMIN.
 * -ENOTDIR: pivot_root(2)'s, when either is not a directory.
 * -ENOENT: when either does not exist.
 *
 * Thread safety: changes the root mount of the caller's whole mount
 * namespace, and (as pivot_root(2) does) the root and cwd of every
 * process and thread in it that used the old root. Usually called in a
 * child of its own. ns_last_error is per thread.
 *
 * Kernel: any.
 */
int ns_pivot_root(const char *new_root, const char *put_old);

/**
 * Compares a kernel resource of two processes: kcmp(2).
 *
 * `pid1`: the first process.
 *
 * `pid2`: the second process.
 *
 * `type`: one NS_KCMP_* value.
 *
 * `idx1`: for NS_KCMP_FILE, a file descriptor of `pid1`; else unused.
 *
 * `idx2`: for NS_KCMP_FILE, a file descriptor of `pid2`; else unused.
 *
 * Returns: 0 equal, 1 less, 2 greater, 3 not equal but unordered; or a
 * negative errno.
 *
 * Errors:
 * -EINVAL: for another `type`.
 * -ESRCH: when either process does not exist.
 * -EPERM: without ptrace access to both.
 * -EBADF: for NS_KCMP_FILE with a closed fd or an index that is no file
 *   descriptor (above INT_MAX).
 * -EOPNOTSUPP: where the kernel lacks kcmp.
 * -ENOSYS: where the kernel lacks kcmp.
 *
 * Thread safety: moves nothing; safe from any thread at any time.
 * ns_last_error is per thread.
 *
 * Kernel: any kernel built with kcmp (CONFIG_KCMP or
 * CONFIG_CHECKPOINT_RESTORE).
 */
int ns_kcmp(pid_t pid1, pid_t pid2, int type, unsigned long idx1, unsigned long idx2);

/**
 * Lists namespaces; with NS_LIST_ALL also those no process is in.
 *
 * With `flags` 0 this is ns_list: the namespaces of processes and of nsfs
 * bind mounts in the caller's mount namespace, as lsns(8) shows them.
 * With NS_LIST_ALL it also reports namespaces kept alive only by an open
 * descriptor (of any process the caller may inspect, or of a thread with
 * a descriptor table of its own), by a thread that is in another
 * namespace than its process, by a pid_for_children or time_for_children
 * link, by an nsfs bind mount in any mount namespace (not only the
 * caller's), or only as the parent (NS_GET_PARENT) or owning user
 * namespace (NS_GET_USERNS) of another namespace found. Each namespace is
 * reported once, in ascending order of (type, id).
 *
 * In `struct ns_info`, nprocs and pid count the processes whose
 * /proc/PID/ns link shows the namespace, exactly as ns_list: a namespace
 * held only by a descriptor, a bind mount, a thread, a *_for_children link
 * or as a parent or owner has nprocs 0 and pid 0. id, userns_id,
 * parent_id, type and owner_uid are as ns_list gives them.
 *
 * How they are found. On Linux 6.19 and later, for a caller that may see
 * every namespace (CAP_SYS_ADMIN in the initial user namespace, running in
 * the initial PID namespace), listns(2) lists them and each is opened by
 * its 64-bit id (an nsfs file handle, 6.18); /proc gives the process
 * counts. Otherwise, and on older kernels, a scan of /proc finds them:
 * every process's descriptors (/proc/PID/fd), threads, *_for_children
 * links and mount namespaces (their nsfs mounts through /proc/PID/root),
 * then the parents and owners of everything found; mount namespaces that
 * no process is in are entered by a helper thread to read their mounts
 * (where the caller may join them), and, for a privileged caller, the
 * kernel's walk over mount namespaces (NS_MNT_GET_NEXT, 6.12) adds those
 * held by anything else. Both ways give the same set for a privileged
 * caller, but for what no /proc file shows: a namespace held only by a
 * descriptor in flight in a unix socket (listns sees it; the scan only a
 * mount namespace, through the walk), and a PID namespace before its
 * first process (its pid_for_children link cannot be read until then).
 * An unprivileged caller gets what it may inspect: the namespaces of its
 * own processes and their descriptors, and of the bind mounts it can
 * reach (the kernel's listns and walk show such a caller nothing more).
 *
 * The answer is complete or an error, never silently partial: running out
 * of descriptors or memory fails the call. Processes that exit meanwhile
 * are left out, as with ns_list.
 *
 * `types`: an OR of NS_* values; 0 for all.
 *
 * `flags`: 0, or NS_LIST_ALL.
 *
 * `cb`: called as cb(info, arg) once per namespace, on the calling
 * thread; a non-zero return stops the walk.
 *
 * Returns: the number of namespaces reported to `cb`, or a negative
 * errno.
 *
 * Errors:
 * -EINVAL: for a NULL `cb`, `types` bits that are not NS_*, or `flags`
 *   bits other than NS_LIST_ALL.
 * -ENOENT: when /proc is not mounted ("/proc is not mounted").
 * -EOPNOTSUPP: when /proc belongs to another PID namespace (its pids would
 *   not be the caller's).
 * -EMFILE: when the scan runs out of descriptors.
 * -ENFILE: when the system runs out of descriptors.
 * -ENOMEM: when the kernel runs out of memory during the scan.
 * -EAGAIN: when no helper thread can be started (RLIMIT_NPROC) to read
 *   the bind mounts of a mount namespace that no process is in.
 * -EIO: when listns(2) returns ids out of order.
 *
 * Thread safety: moves nothing; safe from any thread. The scan may use up
 * to 4 worker threads of the library's own, and one more per mount
 * namespace that no process is in (each gone from the kernel before the
 * call returns); `cb` always runs on the calling thread. ns_last_error is
 * per thread.
 *
 * Kernel: any. listns(2) from 6.19 (without it, or under
 * LINUXNS_FORCE_FALLBACK=1, the scan); the mount namespace walk from 6.12
 * (skipped before, and under LINUXNS_FORCE_FALLBACK=1).
 */
int ns_list_ex(int types, unsigned int flags, ns_list_cb cb, void *arg);

extern int pthread_setcancelstate(int state, int *old);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* LINUXNS_H */
