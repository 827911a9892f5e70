/*
 * linuxns.h - Linux namespaces as a C library.
 *
 * Generated from the Rust sources by cbindgen (see build.rs); do not edit.
 *
 * Conventions (every function):
 *  - int / pid_t / int64_t returns: >= 0 on success, -errno on failure, and
 *    errno is set to the positive value as well.
 *  - Pointer returns: NULL on failure with errno set.
 *  - ns_last_error() describes the calling thread's most recent failure.
 *  - Every descriptor the library creates is O_CLOEXEC; descriptors it opens
 *    for itself are closed before it returns, on success and failure alike.
 *  - Out parameters are written only on success.
 *  - Linux only, kernel 5.3 or later; faster or race-free paths of newer
 *    kernels are used when present (pidfd setns 5.8, PIDFD_GET_*_NAMESPACE
 *    6.11, NS_GET_ID 6.18), with the older way as an automatic fallback.
 *    Setting LINUXNS_FORCE_FALLBACK=1 in the environment (read once) makes
 *    the library take the older paths even on a new kernel; it exists for
 *    testing.
 */

#ifndef LINUXNS_H
#define LINUXNS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define LINUXNS_VERSION_MAJOR 0
#define LINUXNS_VERSION_MINOR 1
#define LINUXNS_VERSION_PATCH 0
#define LINUXNS_VERSION_STRING "0.1.0"


/**
 * Mount namespace (CLONE_NEWNS).
 */
#define NS_MNT 131072

/**
 * Cgroup namespace (CLONE_NEWCGROUP).
 */
#define NS_CGROUP 33554432

/**
 * UTS namespace: hostname and domain name (CLONE_NEWUTS).
 */
#define NS_UTS 67108864

/**
 * IPC namespace: System V IPC and POSIX message queues (CLONE_NEWIPC).
 */
#define NS_IPC 134217728

/**
 * User namespace: ids and capabilities (CLONE_NEWUSER).
 */
#define NS_USER 268435456

/**
 * PID namespace (CLONE_NEWPID).
 */
#define NS_PID 536870912

/**
 * Network namespace (CLONE_NEWNET).
 */
#define NS_NET 1073741824

/**
 * Time namespace: CLOCK_MONOTONIC and CLOCK_BOOTTIME offsets (CLONE_NEWTIME).
 */
#define NS_TIME 128

/**
 * Every namespace type.
 */
#define NS_ALL (((((((NS_MNT | NS_CGROUP) | NS_UTS) | NS_IPC) | NS_USER) | NS_PID) | NS_NET) | NS_TIME)

/**
 * With ns_open_pid / ns_open_pidfd and NS_PID or NS_TIME: open the namespace
 * the process's future children get (pid_for_children, time_for_children).
 */
#define NS_FOR_CHILDREN 1

/**
 * Map writers, gid maps only: write "deny" to /proc/PID/setgroups first, as
 * an unprivileged process must before it may write its gid_map.
 */
#define NS_MAP_DENY_SETGROUPS 1

/**
 * Map writers: write through newuidmap(1) / newgidmap(1), which allow the
 * subordinate ranges of /etc/subuid and /etc/subgid.
 */
#define NS_MAP_USE_HELPER 2

/**
 * The most ranges a uid or gid map may have (the kernel's limit).
 */
#define NS_MAP_MAX_RANGES 340

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
 * What a spawned child gets: namespaces to create or join, maps, hostname,
 * root, descriptors. Created by ns_spawn_attr_new, freed by
 * ns_spawn_attr_free.
 */
typedef struct ns_spawn_attr ns_spawn_attr;

/**
 * One range of a uid or gid map: `count` ids starting at `inside` in the
 * namespace are ids starting at `outside` in the parent namespace.
 */
typedef struct ns_idmap {
  uint32_t inside;
  uint32_t outside;
  uint32_t count;
} ns_idmap;

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
 * The library version, "MAJOR.MINOR.PATCH", equal to the
 * LINUXNS_VERSION_* macros this header was generated with.
 */
const char *ns_version(void);

/**
 * A human-readable account of the calling thread's most recent failure,
 * naming the step, the object and the reason, e.g.
 * "write /proc/4242/gid_map: Operation not permitted (setgroups was not denied)".
 *
 * "" before any failure on this thread. The string belongs to the library
 * and stays valid until the next ns_* call on the same thread.
 */
const char *ns_last_error(void);

/**
 * The name of namespace type `type` as in /proc/PID/ns: "mnt", "cgroup",
 * "uts", "ipc", "user", "pid", "net" or "time".
 *
 * Returns NULL (errno EINVAL) unless `type` is exactly one NS_* value.
 */
const char *ns_type_name(int type);

/**
 * The NS_* value of a namespace type name ("net", "mnt", ...), the
 * inverse of ns_type_name.
 *
 * Errors: -EINVAL for NULL or any other string (names are lower case; the
 * *_for_children names are not types).
 *
 * # Safety
 * `name` is NULL or a NUL-terminated string.
 */
int ns_type_from_name(const char *name);

/**
 * Moves the calling thread into new namespaces: unshare(2).
 *
 * `flags` is any OR of NS_* values plus CLONE_FILES, CLONE_FS and
 * CLONE_SYSVSEM; 0 does nothing. Only the calling thread changes. For
 * NS_PID and NS_TIME the thread itself stays where it is: its future
 * children are created in the new namespace.
 *
 * Errors: -EINVAL for any other bit (nothing is changed); -EINVAL when the
 * kernel refuses NS_USER because the process has several threads (the text
 * of ns_last_error says so); -EPERM without the privilege the kernel asks
 * for (CAP_SYS_ADMIN, or a new user namespace in the same call);
 * -ENOSPC when a max_*_namespaces limit is reached.
 */
int ns_unshare(int flags);

/**
 * Moves the calling thread into existing namespaces: setns(2).
 *
 * `fd` a namespace file (from ns_open_pid, ns_open_path, ...): `types` is 0
 * (any) or exactly the namespace's NS_* type. `fd` a pidfd: `types` is a
 * non-empty OR of NS_* values, all entered in one step (kernels from 5.8;
 * before, one at a time, user namespace first, and if one fails the ones
 * already joined are left again where the kernel allows it, which it does
 * not for a user namespace).
 *
 * Joining the user namespace the caller is already in succeeds and does
 * nothing (the kernel itself would refuse it). Only the calling thread
 * changes. The kernel refuses a user namespace to a multithreaded
 * process, and a mount namespace to a thread that shares its filesystem
 * context (root, cwd) with other threads, which every thread of a
 * multithreaded process does unless it called ns_unshare(CLONE_FS): both
 * are -EINVAL, with ns_last_error saying why. (Through a pidfd with more
 * types in the mask, the kernel would instead move the root of every
 * thread sharing the context; the library refuses that too, before
 * anything changes.) Use ns_run_in from multithreaded programs.
 *
 * Errors: -EBADF when fd is not open; -EINVAL when fd is neither a
 * namespace nor a pidfd, when types does not fit it, or for bits that are
 * not NS_*; -ESRCH when the pidfd's process has exited; -EPERM without the
 * needed capabilities; -EMFILE when telling a pidfd from other files, or
 * listing the threads for a mount namespace, needs a descriptor and none
 * is free; -ENOENT when that needs /proc and it is not mounted.
 */
int ns_setns(int fd, int types);

/**
 * Opens namespace `type` of process (or thread id) `pid`; 0 is the calling
 * thread (/proc/thread-self). `type` is one NS_* value; for NS_PID and
 * NS_TIME, `type | NS_FOR_CHILDREN` opens pid_for_children /
 * time_for_children, the namespace the process's next children get.
 *
 * Returns a new O_CLOEXEC descriptor, the caller's to close.
 *
 * Errors: -EINVAL for a negative pid, a type that is not exactly one NS_*
 * value, NS_FOR_CHILDREN with other types; -ESRCH when there is no such
 * process; -EOPNOTSUPP when this kernel lacks the namespace type; -EACCES
 * or -EPERM when the caller may not inspect the process; -ENOENT with
 * "/proc is not mounted" when there is no /proc.
 */
int ns_open_pid(pid_t pid, int type);

/**
 * The namespace's inode number into `*id`: the N of `readlink
 * /proc/PID/ns/TYPE` = `type:[N]`, and lsns's NS column. Two namespaces
 * alive at the same time never share it, but the kernel may reuse it after
 * one is gone (see ns_unique_id for an id that is never reused).
 *
 * Errors: -EINVAL when id is NULL or fd is not a namespace; -EBADF when fd
 * is not open.
 *
 * # Safety
 * `id` is NULL or valid for writing.
 */
int ns_id(int fd, uint64_t *id);

/**
 * Writes /proc/PID/uid_map (pid 0: the calling process) in the single
 * write the kernel allows.
 *
 * The map is checked before anything is written: 1 <= count <= 340
 * (-EINVAL, -E2BIG), every range's count >= 1, no range reaching id
 * 4294967295 ((uid_t)-1 is never mapped), inside ranges pairwise disjoint,
 * outside ranges pairwise disjoint (-EINVAL); ns_last_error names the bad
 * entry. The text must also fit in less than one page, as the kernel
 * requires, also through NS_MAP_USE_HELPER (newuidmap writes it the same
 * way): -E2BIG; about 120 ranges of 10-digit numbers fit in 4 KiB.
 *
 * `flags`: NS_MAP_USE_HELPER writes through newuidmap(1), which allows the
 * ranges /etc/subuid grants the caller (-ENOENT if it is not in PATH;
 * -EPERM with its stderr in ns_last_error if it refuses).
 * NS_MAP_DENY_SETGROUPS is for gid maps only: -EINVAL here.
 *
 * Errors, besides the above: -EINVAL for a negative pid, a NULL map or
 * unknown flags; -ESRCH when there is no such process; -EPERM from the
 * kernel (a map already written, or one the caller may not write, also
 * when the caller may not even open another user's /proc/PID files);
 * -ENOENT when /proc is not mounted; -EOPNOTSUPP for a pid other than 0
 * (or with NS_MAP_USE_HELPER) when /proc belongs to another PID namespace,
 * where that pid would name another process. newuidmap runs as the
 * library's own child, so a runtime that reaps children itself cannot
 * take its exit status.
 *
 * # Safety
 * `map` is NULL or points at `count` entries.
 */
int ns_write_uid_map(pid_t pid, const struct ns_idmap *map, size_t count, unsigned int flags);

/**
 * Writes /proc/PID/gid_map; everything as ns_write_uid_map, with newgidmap
 * for NS_MAP_USE_HELPER, and NS_MAP_DENY_SETGROUPS, which first writes
 * "deny" to /proc/PID/setgroups: an unprivileged process must, before the
 * kernel lets it write a gid map (without it, -EPERM and ns_last_error
 * says "setgroups was not denied").
 *
 * # Safety
 * `map` is NULL or points at `count` entries.
 */
int ns_write_gid_map(pid_t pid, const struct ns_idmap *map, size_t count, unsigned int flags);

/**
 * Starts a child in new namespaces `types` (an OR of NS_* values, 0 for
 * none) running `fn(arg)`; fn's return value is the child's exit status.
 *
 * The child has its own copy of the caller's memory, as after fork(), and
 * the same rule applies: if the caller is multithreaded, fn may call only
 * async-signal-safe functions. fork()'s library hooks (pthread_atfork) do
 * not run, and when fn returns the child leaves with _exit(2): stdio
 * buffers are not flushed, so fflush or write(2) what must be seen. With
 * NS_PID the child is pid 1 of the new PID namespace.
 *
 * Returns the child's pid: a direct child of the caller that sends SIGCHLD
 * when it ends and must be waited for. When `pidfd` is not NULL, `*pidfd`
 * receives an O_CLOEXEC pidfd of the child (the caller's to close).
 *
 * This is ns_spawn_fn with an attribute that sets only `types`.
 *
 * Errors: -EINVAL for a NULL fn or bits that are not NS_*; -EPERM, -ENOSPC,
 * -EUSERS as clone(2) returns them.
 *
 * # Safety
 * `fn` is callable with `arg` in the child; `pidfd` is NULL or writable.
 */
pid_t ns_clone(int types, int (*fn)(void *arg), void *arg, int *pidfd);

/**
 * Moves the calling thread into namespaces `types` of process `pid`, like
 * `nsenter -t PID`. `types` 0 means every namespace in which pid differs
 * from the caller; namespaces the caller is already in are skipped. One
 * atomic setns of a pidfd where the kernel allows it (5.8); before, one at
 * a time, the user namespace first when the caller is not root and last
 * when it is, as nsenter does.
 *
 * Only the calling thread moves, so the rules of ns_setns apply: a user
 * namespace needs a single-threaded caller, and a mount namespace a
 * thread that does not share its filesystem context (-EINVAL, explained
 * in ns_last_error; nothing is changed). Use ns_run_in or ns_spawn from
 * multithreaded programs.
 *
 * With pidfd_open refused (a seccomp filter) or missing, the namespaces
 * are opened through /proc/PID and the process is checked to be the same
 * (its start time) before any is joined.
 *
 * Errors: -EINVAL for pid <= 0 or bits that are not NS_*; -ESRCH when
 * there is no such process; -EPERM without the needed privileges, also
 * when the caller may not inspect the target; -EOPNOTSUPP when `types`
 * names a type this kernel lacks, or (without pidfd_open) when /proc
 * belongs to another PID namespace; -ENOENT when /proc is not mounted
 * and it is needed; -EMFILE when no descriptor is free.
 */
int ns_enter_pid(pid_t pid, int types);

/**
 * Runs `fn(arg)` on a fresh thread that has joined `fd` (a namespace fd
 * with `types` 0 or its type, or a pidfd with a mask, as ns_setns takes
 * them), waits for it, and stores its return value in `*result` (when
 * not NULL). The calling thread never changes namespaces, so this is safe
 * from any thread of any runtime (Go, GHC, Perl).
 *
 * Mount namespaces work: the thread first unshares its filesystem context
 * (CLONE_FS). User namespaces cannot be joined by a thread of a
 * multithreaded process: -EINVAL. The thread ends after fn returns, taking
 * its namespaces with it; fn must not leave threads or state behind that
 * expect them.
 *
 * Errors: -EINVAL for a NULL fn, a user namespace, bits that are not NS_*,
 * or a fd that is neither a namespace nor a pidfd; -EBADF; -EMFILE when
 * telling a pidfd from other files needs a descriptor and none is free;
 * -EAGAIN when no thread can be started (RLIMIT_NPROC); the errors of
 * ns_setns for the join.
 *
 * # Safety
 * `fn` is callable with `arg` on another thread; `result` is NULL or
 * writable.
 */
int ns_run_in(int fd, int types, int (*fn)(void *arg), void *arg, int *result);

/**
 * A new namespace of exactly one `type`, as a descriptor, created without
 * moving the caller (a helper thread unshares it; for NS_USER a helper
 * process). For NS_PID and NS_TIME it is the namespace children would
 * get: nobody is in it yet, and the first process to enter it (e.g. a
 * child spawned after joining it) becomes its pid 1 / sees its offsets.
 * NS_USER gives a user namespace without maps (see ns_new_userns).
 *
 * Returns a new O_CLOEXEC descriptor.
 *
 * Errors: -EINVAL unless `type` is exactly one NS_* value; -EPERM without
 * CAP_SYS_ADMIN (except NS_USER); -ENOSPC at a max_*_namespaces limit;
 * -EOPNOTSUPP for NS_PID on kernels before 6.11, which cannot show an
 * empty PID namespace (with pidfd_open filtered, NS_PID is opened through
 * a helper process's pidfd instead); -EAGAIN when no thread can be started
 * (RLIMIT_NPROC).
 */
int ns_new(int type);

/**
 * A new user namespace with these maps, as a descriptor: for idmapped
 * mounts and ns_spawn_attr_join. A helper process creates it and waits
 * while the caller writes the maps (so several ranges and newuidmap work)
 * and opens it; the caller never moves. Either map may be absent (NULL
 * and count 0). `flags` as the map writers: NS_MAP_DENY_SETGROUPS applies
 * to the gid map, NS_MAP_USE_HELPER to both.
 *
 * Returns a new O_CLOEXEC descriptor.
 *
 * Errors: the map checks of ns_write_uid_map; -EINVAL for unknown flags
 * or a NULL map with a non-zero count; the kernel's -EPERM for maps the
 * caller may not write (ns_last_error names the file); -ENOENT when /proc
 * is not mounted. The helper is addressed through the /proc/self it
 * opened itself, so a /proc of another PID namespace does no harm (except
 * with NS_MAP_USE_HELPER: newuidmap looks the pid up in /proc, and the
 * call fails with -EOPNOTSUPP there). The helper is the library's own
 * child with exit signal 0: no SIGCHLD handler or waitpid(-1) of the
 * caller's runtime sees it.
 *
 * # Safety
 * Each map is NULL or points at its count of entries.
 */
int ns_new_userns(const struct ns_idmap *uid_map, size_t uid_count, const struct ns_idmap *gid_map, size_t gid_count, unsigned int flags);

/**
 * Opens namespace `type` of the process behind `pidfd`, like ns_open_pid
 * but without the race against pid reuse: it uses the kernel's
 * PIDFD_GET_*_NAMESPACE (6.11) where present, else /proc/PID/ns and then
 * checks that the pidfd's process is still alive (so the pid was not
 * reused in between). NS_FOR_CHILDREN works as with ns_open_pid.
 *
 * Returns a new O_CLOEXEC descriptor.
 *
 * Errors: -EBADF when pidfd is not open or not a pidfd; -ESRCH when its
 * process has exited; -EINVAL for a bad type; -EOPNOTSUPP when the kernel
 * lacks the namespace type; -EACCES/-EPERM when the caller may not
 * inspect the process.
 */
int ns_open_pidfd(int pidfd, int type);

/**
 * Opens a namespace file: /proc/PID/ns/X, a bind mount of one (see
 * ns_bind), /run/netns/NAME. `type` 0 accepts any namespace, else it is
 * the one NS_* type required.
 *
 * Returns a new O_CLOEXEC descriptor.
 *
 * Errors: -EINVAL when path is NULL, the file is not a namespace or not of
 * `type`, or `type` is not 0 or one NS_* value; open(2)'s errors (-ENOENT,
 * -EACCES, ...).
 *
 * # Safety
 * `path` is NULL or a NUL-terminated string.
 */
int ns_open_path(const char *path, int type);

/**
 * Opens the network namespace that `ip netns` calls `name`:
 * /run/netns/NAME, else /var/run/netns/NAME. The name is never a symlink
 * to follow (O_NOFOLLOW: -ELOOP).
 *
 * Errors: -EINVAL for NULL, "", ".", "..", names with '/' or longer than
 * 255 bytes, and files that are not network namespaces; -ENOENT when no
 * such name exists.
 *
 * # Safety
 * `name` is NULL or a NUL-terminated string.
 */
int ns_open_name(const char *name);

/**
 * The NS_* type of a namespace descriptor.
 *
 * Errors: -EBADF when fd is not open; -EINVAL when it is not a namespace.
 */
int ns_type(int fd);

/**
 * Opens the user namespace that owns namespace `fd` (for a user namespace:
 * its parent). Returns a new O_CLOEXEC descriptor.
 *
 * Errors: -EBADF, -EINVAL as ns_type; -EPERM when the owner lies outside
 * the caller's user namespace (e.g. for anything owned by the initial user
 * namespace, seen from inside a child one... or from the initial one
 * itself when asking about the initial user namespace).
 */
int ns_get_userns(int fd);

/**
 * Opens the parent of a pid or user namespace. Returns a new O_CLOEXEC
 * descriptor.
 *
 * Errors: -EBADF, -EINVAL as ns_type; -EINVAL for the other namespace
 * types; -EPERM at the top of what the caller may see (the initial
 * namespace, or the caller's own when it is the root of its view).
 */
int ns_get_parent(int fd);

/**
 * The uid that created user namespace `fd`, as seen in the caller's user
 * namespace (65534, the overflow uid, when it has no mapping there).
 *
 * Errors: -EINVAL when uid is NULL or fd is not a user namespace; -EBADF.
 *
 * # Safety
 * `uid` is NULL or valid for writing.
 */
int ns_owner_uid(int fd, uid_t *uid);

/**
 * 1 if both descriptors name the same namespace (same device and inode),
 * 0 if not.
 *
 * Errors: -EBADF when either is not open; -EINVAL when either is not a
 * namespace.
 */
int ns_same(int fd_a, int fd_b);

/**
 * The kernel's 64-bit namespace id into `*id`: unique for the life of the
 * system, never reused (unlike the inode number of ns_id), and increasing
 * with creation order. Uses NS_GET_ID (kernel 6.18).
 *
 * Errors: -EOPNOTSUPP on older kernels; -EINVAL when id is NULL or fd is
 * not a namespace; -EBADF.
 *
 * # Safety
 * `id` is NULL or valid for writing.
 */
int ns_unique_id(int fd, uint64_t *id);

/**
 * Keeps namespace `fd` alive by bind-mounting it on `path` (created as an
 * empty file if missing), as `ip netns` and `unshare --net=FILE` do. The
 * namespace lives until ns_unbind, even with no process in it; ns_open_path
 * opens it again.
 *
 * Errors: -EBADF, -EINVAL when fd is not a namespace or path is NULL;
 * -EEXIST when a namespace is already bound at path; mount(2)'s errors
 * (-EPERM without CAP_SYS_ADMIN; -EINVAL for a mount namespace bound
 * inside itself). A failed call leaves no file or mount behind.
 *
 * # Safety
 * `path` is NULL or a NUL-terminated string.
 */
int ns_bind(int fd, const char *path);

/**
 * Undoes ns_bind: detaches the namespace mounted at `path` (lazily, as
 * umount -l) and removes the file.
 *
 * Errors: -EINVAL for NULL or when no namespace is bound at path; -ENOENT
 * when path does not exist; umount2(2)'s errors.
 *
 * # Safety
 * `path` is NULL or a NUL-terminated string.
 */
int ns_unbind(const char *path);

/**
 * As `ip netns add NAME`: a new network namespace bind-mounted at
 * /run/netns/NAME, with /run/netns made a shared mount point the way
 * iproute2 does it, so `ip netns list/exec/delete`, Go's netns and
 * pyroute2 see it and the other way round. Returns an O_CLOEXEC
 * descriptor of the new namespace.
 *
 * Errors: -EINVAL for NULL, "", ".", "..", names with '/' or longer than
 * 255 bytes; -EEXIST when the name is taken; -EPERM without CAP_SYS_ADMIN
 * or without write access to /run/netns. A failed call leaves no file,
 * directory or mount behind.
 *
 * # Safety
 * `name` is NULL or a NUL-terminated string.
 */
int ns_netns_add(const char *name);

/**
 * As `ip netns delete NAME`: detaches /run/netns/NAME and removes it. The
 * namespace itself lives on while processes or descriptors use it.
 *
 * Errors: -EINVAL for bad names (as ns_netns_add); -ENOENT when no such
 * name exists; -EPERM without privilege.
 *
 * # Safety
 * `name` is NULL or a NUL-terminated string.
 */
int ns_netns_del(const char *name);

/**
 * Starts `path` with `argv` and `envp` in the namespaces `attr` describes.
 *
 * `attr` NULL is a plain spawn. `envp` NULL passes the caller's
 * environment. A `path` without '/' is looked up in the caller's PATH
 * before the child exists, and the file found is the file executed: a
 * relative PATH entry ("", ".") is taken in the caller's cwd, whatever
 * ns_spawn_attr_set_cwd says (with ns_spawn_attr_set_root, a path with
 * '/' is taken inside the new root, and a relative one after the chdir).
 *
 * Descriptors: as with posix_spawn, those open without close-on-exec and
 * not named by ns_spawn_attr_set_fd are inherited unchanged; set_fd reads
 * every source descriptor as the caller had it, even when another set_fd
 * writes that number, and works up to RLIMIT_NOFILE.
 *
 * Returns the pid of the process that runs the program: a direct child of
 * the caller that sends SIGCHLD when it ends and must be waited for, also
 * when a PID namespace is joined or created (then it is pid 1 of the new
 * one). When `pidfd` is not NULL, `*pidfd` receives an O_CLOEXEC pidfd of
 * it, taken by clone itself (CLONE_PIDFD) when the child was created.
 *
 * Runtimes that reap children themselves (SIGCHLD ignored, a SIGCHLD
 * handler or a thread calling waitpid(-1)) do not change the outcome:
 * success means the program started, failure that it did not. The
 * library tracks its children only by pidfds (never by a pid looked up
 * later) and reaps them with waitid(P_PIDFD) (5.4; before that waitpid on
 * the pid, while the pidfd keeps it from being reused). The intermediate
 * process of a join or time offset is the caller's child too and sends
 * SIGCHLD when it exits (the final child inherits its exit signal through
 * CLONE_PARENT): a SIGCHLD handler may see that pid, and the library
 * reaps it unless the handler already did.
 *
 * Threads: any number of threads may spawn at once, also with one shared
 * attribute; a child of one call never holds a descriptor of another
 * call (the library's descriptors are tracked, and a child closes every
 * other call's before anything else).
 *
 * Before anything starts, the attribute is checked so a spawn can never
 * change the caller's own host: a hostname needs a new or joined UTS
 * namespace, a root or propagation change a new mount namespace, a fresh
 * /proc new PID and mount namespaces, time offsets a new time namespace,
 * uid/gid maps a new user namespace; otherwise -EINVAL.
 *
 * In the child, in this order: pdeathsig; join (ns_spawn_attr_join);
 * create (ns_spawn_attr_set_namespaces); the uid/gid maps (a single id of
 * the caller's own, as ns_spawn_attr_map_root makes, written by the child
 * itself; others by the caller while the child waits); hostname; mount propagation; root and
 * /proc; cwd; descriptors; then every signal disposition is reset to the
 * default and the signal mask emptied, and the program is executed. No
 * signal handler of the calling runtime ever runs in the child.
 *
 * The child shares the caller's memory on a stack of its own until it
 * executes the program (CLONE_VM, and CLONE_VFORK when no join, time
 * offset or caller-written map needs a round trip, as posix_spawn), so
 * the cost does not grow with the caller's memory, and it is safe from any thread of any
 * runtime: nothing in the child allocates, takes a lock or touches errno.
 * Joins and time offsets use a short-lived intermediate process, which
 * creates the final child with CLONE_PARENT.
 *
 * Errors: a failure of any step before the program runs is returned as
 * that step's negative errno, with ns_last_error reading
 * "child: <step>: <reason>" (e.g. "child: sethostname: Operation not
 * permitted", "child: execve: No such file or directory"); the child has
 * then been reaped and no descriptor is left open. Also: -EINVAL for a
 * NULL path or argv and the checks above; -ENOENT when PATH has no such
 * program; clone's -EPERM, -ENOSPC, -EUSERS, -EAGAIN (RLIMIT_NPROC);
 * -EMFILE when no descriptor is free for the report socket or the pidfd;
 * -ENOENT "/proc is not mounted" when the caller must write maps and
 * there is no /proc. A seccomp filter that refuses clone3 (ENOSYS or
 * EPERM), also one installed after earlier spawns, makes the library use
 * clone(2) for that spawn and from then on; when clone(2) is refused too,
 * the error is clone's, and ns_last_error names clone3 and a seccomp
 * filter as the likely cause. Only clone3 can start a child in a cgroup
 * (ns_spawn_attr_set_cgroup): with clone3 refused, that spawn fails with
 * clone3's errno (or -EOPNOTSUPP once clone3 is known to be missing).
 * With pidfd_open filtered, pdeathsig is checked with getppid() instead.
 *
 * # Safety
 * `path` and `argv` (NULL-terminated) are valid C strings; `envp` is NULL
 * or NULL-terminated; `attr` is NULL or live; `pidfd` NULL or writable.
 */
pid_t ns_spawn(const char *path, char *const *argv, char *const *envp, const struct ns_spawn_attr *attr, int *pidfd);

/**
 * Runs `fn(arg)` in a child set up exactly as ns_spawn would, but with its
 * own copy of the caller's memory (fork-like), so fn can never corrupt the
 * caller; fn's return value is the child's exit status. ns_clone's rules
 * apply: in a multithreaded caller fn may call only async-signal-safe
 * functions, fork's hooks do not run, the child leaves with _exit(2), and
 * the child keeps the caller's signal dispositions and mask.
 *
 * Returns the child's pid (waitable, SIGCHLD); `*pidfd` as ns_spawn.
 *
 * Errors: -EINVAL for a NULL fn; otherwise as ns_spawn.
 *
 * # Safety
 * `fn(arg)` is safe to run in a fork-like child; `attr` NULL or live;
 * `pidfd` NULL or writable.
 */
pid_t ns_spawn_fn(const struct ns_spawn_attr *attr, int (*fn)(void *arg), void *arg, int *pidfd);

/**
 * A new spawn attribute object: no namespaces, no maps, nothing changed
 * (ns_spawn with it is a plain spawn). Free it with ns_spawn_attr_free.
 *
 * Returns NULL with errno ENOMEM only if memory runs out.
 */
struct ns_spawn_attr *ns_spawn_attr_new(void);

/**
 * Frees an attribute object and the descriptors it keeps (its own copies
 * of those given to ns_spawn_attr_join and ns_spawn_attr_set_cgroup).
 * NULL is fine.
 *
 * # Safety
 * `attr` is NULL or from ns_spawn_attr_new and not yet freed.
 */
void ns_spawn_attr_free(struct ns_spawn_attr *attr);

/**
 * The namespaces the child gets new: an OR of NS_* values (0: none),
 * replacing an earlier call. Created in one step, after the joins.
 * With NS_PID the program is pid 1 of the new PID namespace; with
 * NS_MNT every mount becomes private unless ns_spawn_attr_set_propagation
 * says otherwise.
 *
 * Errors: -EINVAL for bits that are not NS_*, or a NULL attr.
 *
 * # Safety
 * `attr` is NULL or a live attribute object; pointers are NULL or valid.
 */
int ns_spawn_attr_set_namespaces(struct ns_spawn_attr *attr, int types);

/**
 * Existing namespaces for the child to join, as ns_setns takes them: a
 * namespace fd with `types` 0 or its type, or a pidfd with a non-empty
 * NS_* mask. Repeatable; joins happen before new namespaces are
 * created, user namespaces first when the caller is not root (last
 * when it is). The attribute keeps its own copy of `fd`.
 *
 * Errors: -EBADF when fd is not open; -EINVAL when it is neither a
 * namespace nor a pidfd, or types does not fit it; -ESRCH when the
 * pidfd's process has exited; -EMFILE when no descriptor is free (for
 * the attribute's own copy of fd, or to tell a pidfd from other files).
 *
 * The attribute's copy is one of the library's tracked descriptors: a
 * child that another call starts meanwhile (ns_clone, ns_spawn_fn, any
 * spawn) closes it first thing, so it never keeps the namespace alive.
 *
 * # Safety
 * `attr` is NULL or a live attribute object; pointers are NULL or valid.
 */
int ns_spawn_attr_join(struct ns_spawn_attr *attr, int fd, int types);

/**
 * Maps the caller's effective uid and gid to 0 in the child's new user
 * namespace, with setgroups denied, like `unshare -r`. Needs NS_USER
 * in ns_spawn_attr_set_namespaces. Replaces earlier maps.
 *
 * # Safety
 * `attr` is NULL or a live attribute object; pointers are NULL or valid.
 */
int ns_spawn_attr_map_root(struct ns_spawn_attr *attr);

/**
 * The uid map of the child's new user namespace (needs NS_USER), with
 * ns_write_uid_map's checks and flags, checked now (the page-size limit
 * too: -E2BIG); the array is copied.
 * A single id mapping the caller's own euid is written by the child
 * itself, as the kernel allows; any other map is written by the caller
 * while the child waits, so several ranges and NS_MAP_USE_HELPER work.
 *
 * Errors: as ns_write_uid_map's checks.
 *
 * # Safety
 * `attr` is NULL or a live attribute object; pointers are NULL or valid.
 */
int ns_spawn_attr_set_uid_map(struct ns_spawn_attr *attr, const struct ns_idmap *m, size_t n, unsigned int flags);

/**
 * The gid map of the child's new user namespace, as
 * ns_spawn_attr_set_uid_map; NS_MAP_DENY_SETGROUPS writes "deny" to
 * the child's setgroups first.
 *
 * # Safety
 * `attr` is NULL or a live attribute object; pointers are NULL or valid.
 */
int ns_spawn_attr_set_gid_map(struct ns_spawn_attr *attr, const struct ns_idmap *m, size_t n, unsigned int flags);

/**
 * The child's hostname (1 to 64 bytes). Needs a new or joined UTS
 * namespace, checked by ns_spawn.
 *
 * Errors: -EINVAL for NULL, "" or a longer name.
 *
 * # Safety
 * `attr` is NULL or a live attribute object; pointers are NULL or valid.
 */
int ns_spawn_attr_set_hostname(struct ns_spawn_attr *attr, const char *name);

/**
 * The directory that becomes the child's root: it is bind-mounted on
 * itself, pivot_root(2) moves the child into it and the old root is
 * detached, so nothing of the host's tree stays reachable. Needs
 * NS_MNT. The program path, the cwd and /proc are then taken inside
 * the new root.
 *
 * Errors: -EINVAL for NULL; stat(2)'s errors for the directory;
 * -ENOTDIR when it is not one.
 *
 * # Safety
 * `attr` is NULL or a live attribute object; pointers are NULL or valid.
 */
int ns_spawn_attr_set_root(struct ns_spawn_attr *attr, const char *dir);

/**
 * With `on` non-zero, mounts a fresh proc on /proc in the child (after
 * the root change), showing the child's new PID namespace. Needs new
 * PID and mount namespaces.
 *
 * # Safety
 * `attr` is NULL or a live attribute object; pointers are NULL or valid.
 */
int ns_spawn_attr_set_mount_proc(struct ns_spawn_attr *attr, int on);

/**
 * The mount propagation of the child's new mount namespace (needs
 * NS_MNT): NS_PROPAGATION_PRIVATE (the default, as unshare(1)),
 * _SLAVE, _SHARED, or _UNCHANGED to keep what was copied.
 *
 * Errors: -EINVAL for any other value.
 *
 * # Safety
 * `attr` is NULL or a live attribute object; pointers are NULL or valid.
 */
int ns_spawn_attr_set_propagation(struct ns_spawn_attr *attr, int mode);

/**
 * The child's working directory, entered after the root change and
 * /proc (relative paths are relative to the caller's cwd, or to the
 * new root).
 *
 * Errors: -EINVAL for NULL or "".
 *
 * # Safety
 * `attr` is NULL or a live attribute object; pointers are NULL or valid.
 */
int ns_spawn_attr_set_cwd(struct ns_spawn_attr *attr, const char *dir);

/**
 * In the child, descriptor `child_fd` becomes a copy of the caller's
 * `parent_fd` (dup2, without close-on-exec), or is closed when
 * parent_fd is -1. Repeatable; a later call for the same child_fd
 * replaces the earlier one. All copies are made as if at once, so
 * swapping two descriptors works. As with posix_spawn's adddup2,
 * parent_fd is taken by number when ns_spawn runs: it is checked now, but
 * must still be open then and name the file meant (a closed one gives
 * "child: dup2 (fd N)" and -EBADF).
 *
 * Errors: -EBADF for a negative child_fd, parent_fd < -1, or a
 * parent_fd that is not open now.
 *
 * # Safety
 * `attr` is NULL or a live attribute object; pointers are NULL or valid.
 */
int ns_spawn_attr_set_fd(struct ns_spawn_attr *attr, int child_fd, int parent_fd);

/**
 * With `on` non-zero, the child closes every descriptor >= 3 except
 * those set with ns_spawn_attr_set_fd (they are marked close-on-exec,
 * with close_range(2) where the kernel has it).
 *
 * # Safety
 * `attr` is NULL or a live attribute object; pointers are NULL or valid.
 */
int ns_spawn_attr_set_close_fds(struct ns_spawn_attr *attr, int on);

/**
 * The signal the child gets when the thread that spawned it ends
 * (prctl PR_SET_PDEATHSIG); 0, the default, for none. If the caller
 * dies before the child has set it, the child does not start the
 * program.
 *
 * Errors: -EINVAL for a negative or too large signal.
 *
 * # Safety
 * `attr` is NULL or a live attribute object; pointers are NULL or valid.
 */
int ns_spawn_attr_set_pdeathsig(struct ns_spawn_attr *attr, int sig);

/**
 * Starts the child in the cgroup v2 directory `cgroup_fd`
 * (CLONE_INTO_CGROUP, kernel 5.7). The attribute keeps its own copy
 * of the descriptor.
 *
 * Errors: -EBADF when not open; -EINVAL when not a cgroup2 directory;
 * ns_spawn gives -EOPNOTSUPP where clone3 is unavailable.
 *
 * # Safety
 * `attr` is NULL or a live attribute object; pointers are NULL or valid.
 */
int ns_spawn_attr_set_cgroup(struct ns_spawn_attr *attr, int cgroup_fd);

/**
 * The offset of CLOCK_MONOTONIC or CLOCK_BOOTTIME in the child's new
 * time namespace (needs NS_TIME): the child sees clock + offset. One
 * per clock; a later call replaces. The offsets are written before
 * any process enters the namespace, which costs one extra process
 * step in ns_spawn.
 *
 * Errors: -EINVAL for other clocks or nsec outside 0..999999999.
 *
 * # Safety
 * `attr` is NULL or a live attribute object; pointers are NULL or valid.
 */
int ns_spawn_attr_set_time_offset(struct ns_spawn_attr *attr, int clock, int64_t sec, int64_t nsec);

/**
 * Calls `cb(info, arg)` once for every distinct namespace of `types` (an
 * OR of NS_*, 0 for all) visible on the system: those of every process in
 * /proc and those kept by nsfs bind mounts (/proc/self/mountinfo; nprocs 0
 * and pid 0 when no process is in them), in ascending order of (type, id).
 * The same namespaces, process counts and lowest pids as lsns(8). A
 * non-zero return from cb stops the walk. Processes the caller may not
 * inspect are left out, as with lsns.
 *
 * In `struct ns_info`, owner_uid is, for a user namespace, the uid that
 * created it, and for any other namespace the uid that created the user
 * namespace owning it.
 *
 * Returns the number of namespaces reported to cb.
 *
 * The answer is complete or an error, never silently partial: running
 * out of descriptors or memory while scanning fails the call (-EMFILE,
 * -ENFILE, -ENOMEM); processes that exit meanwhile or may not be
 * inspected are left out, as lsns does. The scan is shared over up to 4
 * worker threads when there are many processes, and done on the calling
 * thread when no thread can be started (RLIMIT_NPROC).
 *
 * Errors: -EINVAL for a NULL cb or bits that are not NS_*; -ENOENT when
 * /proc is not mounted ("/proc is not mounted"); -EOPNOTSUPP when /proc
 * belongs to another PID namespace (its pids would not be the caller's);
 * reading /proc's other errors.
 *
 * # Safety
 * `cb` is callable with `arg`.
 */
int ns_list(int types, ns_list_cb cb, void *arg);

/**
 * The system-wide limit on namespaces of `type` per user:
 * /proc/sys/user/max_TYPE_namespaces.
 *
 * Errors: -EINVAL unless `type` is exactly one NS_* value; reading the
 * file's errors.
 */
int64_t ns_get_limit(int type);

/**
 * Sets /proc/sys/user/max_TYPE_namespaces to `value` (0 to 2147483647; 0
 * forbids creating namespaces of that type).
 *
 * Errors: -EINVAL for a bad type or value; -EPERM or -EACCES without
 * privilege.
 */
int ns_set_limit(int type, int64_t value);

/**
 * Sets the offset of `clock` (CLOCK_MONOTONIC or CLOCK_BOOTTIME) in the
 * time namespace that process `pid`'s children get (/proc/PID/timens_offsets;
 * pid 0 is the caller, e.g. after ns_unshare(NS_TIME)). Processes in that
 * namespace see clock + sec + nsec. The kernel allows it only before any
 * process has entered the namespace (-EACCES after).
 *
 * Errors: -EINVAL for other clocks, nsec outside 0..999999999, pid < 0;
 * -ERANGE for an offset the kernel refuses as out of range (it keeps
 * clock + offset within its time range); -ESRCH; -EPERM without
 * CAP_SYS_TIME over the namespace.
 */
int ns_set_time_offset(pid_t pid, int clock, int64_t sec, int64_t nsec);

/**
 * pivot_root(2): makes `new_root` the root of the caller's mount namespace
 * and moves the old root to `put_old` (which may be the same directory:
 * then umount2(".", MNT_DETACH) after chdir(new_root) drops it).
 *
 * Errors: -EINVAL for NULL and pivot_root(2)'s own (-EINVAL, -EBUSY,
 * -EPERM, ...).
 *
 * # Safety
 * Both are NULL or NUL-terminated strings.
 */
int ns_pivot_root(const char *new_root, const char *put_old);

/**
 * kcmp(2): compares a kernel resource of two processes. `type` is one
 * NS_KCMP_*; idx1 and idx2 are the file descriptors for NS_KCMP_FILE.
 * Returns 0 equal, 1 less, 2 greater, 3 not equal but unordered.
 *
 * Errors: -EINVAL for another type; -ESRCH; -EPERM without ptrace access
 * to both; -EBADF for NS_KCMP_FILE with a closed fd or an index that is no
 * file descriptor (above INT_MAX); -EOPNOTSUPP/-ENOSYS where the kernel
 * lacks kcmp.
 */
int ns_kcmp(pid_t pid1, pid_t pid2, int type, unsigned long idx1, unsigned long idx2);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* LINUXNS_H */
