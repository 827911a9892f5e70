/*
 * check_bad.h - the table walker of the bad-input tests (test_bad_input_*.c).
 *
 * A group is one RUN case, so it runs in a forked child and a crash or a
 * hang is caught.  It sets up its context (bad_begin: a temp dir, bad
 * descriptors, optionally a holder in new namespaces), adds its calls to
 * the table with BAD() and walks it with bad_walk().  A call is a small
 * static function doing one library call (the "lambda"), an argument for
 * it, the set of errnos the header documents for that input, and a label.
 * For every call the walker checks:
 *  - the return is -E for an E of the documented set, errno is E and
 *    ns_last_error() is non-empty (pointer returns: NULL with errno E);
 *    SUCCEEDS instead means a return >= 0 (a step, or a NULL that is fine);
 *  - the call left no descriptor open;
 *  - it changed nothing: the calling thread's namespaces (the eight and
 *    pid_for_children / time_for_children), the mount table (line count
 *    and content), the listing of /run, /run/netns, the temp dir and its
 *    subdirectory, hostname, the max_*_namespaces limits, credentials,
 *    signal mask and dispositions, threads, children, cwd and root, and
 *    the files the group watches (a holder's uid_map, gid_map, setgroups,
 *    timens_offsets).
 * The same state is also compared around the whole group.
 *
 * Each group runs in a private mount namespace with a fresh tmpfs on /run
 * (and on /var/run if that is not /run), so a misbehaving call cannot leave
 * a mount or a netns file on the host and concurrent tests cannot disturb
 * the comparison; /run/netns does not exist there, so a call that creates
 * it is caught.
 *
 * A crash or a hang inside a call is reported with the call's label, and
 * the group runs again from the next call, so one crash hides nothing.
 * main() ends with `return bad_summary();`: the harness's summary, then
 * "bad-input calls tried: N".
 */
#ifndef LINUXNS_CHECK_BAD_H
#define LINUXNS_CHECK_BAD_H

#include "check.h"
#include <limits.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <time.h>

#define BAD_MAX_CALLS 2048
#define BAD_LABEL 200
#define BAD_SNAP 32768
#define BAD_CALL_TIMEOUT 30

typedef long long (*bad_fn)(long long arg);

struct bad_call {
    bad_fn fn;
    long long arg;
    int errs[6];             /* documented errnos, 0-terminated; {0}: success */
    int keeps;               /* descriptors a success documentedly keeps */
    char label[BAD_LABEL];
};

/* The documented errnos of a call; SUCCEEDS: it must return >= 0. */
#define ERRS(...) ((const int[]){__VA_ARGS__, 0})
#define SUCCEEDS ((const int[]){0})

static struct bad_call bad_calls[BAD_MAX_CALLS];
static size_t bad_ncalls;

/* Shared between the runner and the group children (MAP_SHARED). */
static struct bad_shared {
    unsigned long tried;
    int in_call;
    size_t cur, resume;
    char current[BAD_LABEL];
    char tmp[128]; /* the running group's temp dir, removed after a crash */
} *bad_sh;

__attribute__((format(printf, 4, 5), unused))
static void bad_add(bad_fn fn, long long arg, const int *errs, const char *fmt, ...)
{
    if (bad_ncalls >= BAD_MAX_CALLS) {
        check_fail(__FILE__, __LINE__, "too many calls in one group");
        check_exit(1);
    }
    struct bad_call *c = &bad_calls[bad_ncalls++];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->label, sizeof c->label, fmt, ap);
    va_end(ap);
    c->fn = fn;
    c->arg = arg;
    c->keeps = 0;
    size_t i = 0;
    for (; errs[i] && i + 1 < sizeof c->errs / sizeof c->errs[0]; i++)
        c->errs[i] = errs[i];
    c->errs[i] = 0;
}
#define BAD(fn, arg, errs, ...) bad_add((fn), (long long)(arg), (errs), __VA_ARGS__)
/* BAD for a call whose success keeps one descriptor (an attribute's copy). */
#define BAD_KEEP(fn, arg, errs, ...)                                        \
    do {                                                                   \
        BAD(fn, arg, errs, __VA_ARGS__);                                   \
        bad_calls[bad_ncalls - 1].keeps = 1;                               \
    } while (0)

/* Bits of a flags or types argument: every b in 0..31 with 1<<b outside `doc`. */
#define FOR_BITS_OUTSIDE(b, doc)                                           \
    for (int b = 0; b < 32; b++)                                           \
        if (!((unsigned)(doc) & (1u << b)))
#define BIT(b) ((int)(1u << (b)))

/* Lambda helpers: keep errno across the clean-up after the call. */
static inline long long bad_close_ret(long long r)
{
    int e = errno;
    if (r >= 0)
        close((int)r);
    errno = e;
    return r;
}

static inline long long bad_reap_ret(long long pid, int *pidfd)
{
    int e = errno;
    if (pid > 0) {
        int st;
        wait_child((pid_t)pid, &st);
    }
    if (pid > 0 && pidfd && *pidfd >= 0)
        close(*pidfd);
    errno = e;
    return pid;
}

/* A pointer return as the walker wants it: 1, or -errno for NULL. */
static inline long long bad_ptr_ret(const void *p)
{
    return p ? 1 : -(long long)errno;
}

/* On a failure, an out parameter must still hold what the caller put there. */
static inline void bad_untouched(bool untouched, const char *what)
{
    int e = errno;
    if (!untouched)
        check_fail(__FILE__, __LINE__, "out parameter %s written by a failed call",
                   what);
    errno = e;
}

/* ---- the context: temp dir, bad descriptors, a holder ---------------- */

enum {
    BFD_NEG1, BFD_INTMIN, BFD_CLOSED, BFD_HUGE, BFD_INTMAX, /* not open */
    BFD_FILE, BFD_DIR, BFD_SOCK,                           /* not namespaces */
    BFD_PIDFD, BFD_NSFD,                                   /* the two handles */
    BFD_N
};
static const char *const bad_fd_name[BFD_N] = {
    "-1", "INT_MIN", "a closed fd", "fd 1<<30", "fd INT_MAX", "a regular file",
    "a directory", "a socket", "a pidfd", "a namespace fd"};

#define BAD_CLOSED_FD 900

static struct bad_ctx {
    char tmp[128];      /* the group's temp dir, its cwd during the walk */
    char file[192];     /* a regular file (mode 0600) in it */
    char sub[192];      /* an empty subdirectory */
    char missing[192];  /* a path in it that does not exist */
    char longcomp[512]; /* a path in it with a 300-byte component */
    char name256[257], name300[301];
    int file_fd, dir_fd, sock_fd;
    bool has_holder;
    struct holder h;    /* new user (no maps), mnt, uts, ipc, net, cgroup, time */
    int h_pidfd, h_net, h_uts, h_user;
    int gone_pidfd;     /* pidfd of an exited, reaped process */
    int zombie_pidfd;   /* pidfd of our exited child, not yet reaped */
    pid_t gone, zombie, unused;
    char watch[8][96];  /* files compared besides the common state */
    int nwatch;
} B;

static inline int bad_fd(int kind)
{
    switch (kind) {
    case BFD_NEG1: return -1;
    case BFD_INTMIN: return INT_MIN;
    case BFD_CLOSED: return BAD_CLOSED_FD;
    case BFD_HUGE: return 1 << 30;
    case BFD_INTMAX: return INT_MAX;
    case BFD_FILE: return B.file_fd;
    case BFD_DIR: return B.dir_fd;
    case BFD_SOCK: return B.sock_fd;
    case BFD_PIDFD: return B.h_pidfd;
    default: return B.h_net;
    }
}

static inline bool bad_fd_unopen(int kind)
{
    return kind <= BFD_INTMAX;
}

/* "NS_NET" for NS_KINDS[i]. */
static inline const char *bad_kind_macro(size_t i)
{
    static const char *const m[N_KINDS] = {"NS_MNT", "NS_CGROUP", "NS_UTS", "NS_IPC",
                                           "NS_USER", "NS_PID", "NS_NET", "NS_TIME"};
    return m[i];
}

/* The pidfds of processes that are gone: reaped, and a zombie. */
#define N_DEAD 2
static inline int bad_dead_fd(int i)
{
    return i ? B.zombie_pidfd : B.gone_pidfd;
}
static const char *const bad_dead_name[N_DEAD] = {"pidfd of a reaped process",
                                                  "pidfd of a zombie"};

/* For a call that wants a namespace (or pidfd): EBADF if not open, else EINVAL. */
#define BADF_OR_INVAL(k) (bad_fd_unopen(k) ? ERRS(EBADF) : ERRS(EINVAL))

/* Names no call takes: NULL, "", ".", "..", with '/', 256 and 300 bytes. */
enum { BAD_NNAMES = 14 };
static inline const char *bad_name(int i)
{
    static const char *const fixed[] = {NULL, "", ".", "..", "a/b", "/", "x/",
                                        "/x", "../x", "x/..", "./x", "../.."};
    if (i < 12)
        return fixed[i];
    return i == 12 ? B.name256 : B.name300;
}

static inline const char *bad_name_label(int i)
{
    static char buf[256];
    const char *n = bad_name(i);
    if (!n)
        return "NULL";
    if (strlen(n) > 200)
        snprintf(buf, sizeof buf, "<%zu bytes>", strlen(n));
    else
        snprintf(buf, sizeof buf, "\"%.200s\"", n);
    return buf;
}

static inline void bad_watch(const char *fmt, int pid, const char *file)
{
    if (B.nwatch < 8)
        snprintf(B.watch[B.nwatch++], sizeof B.watch[0], fmt, pid, file);
}

#define BAD_HOLDER_FLAGS (CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWUTS |       \
                          CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWCGROUP |    \
                          CLONE_NEWTIME)

static inline void *bad_noop_thread(void *arg)
{
    return arg;
}

/*
 * The group's context.  As root: a private mount namespace with a tmpfs on
 * /run.  Always: a temp dir as cwd with a file and a subdirectory, a
 * regular file, directory and socket fd, a closed fd number, a pidfd of a
 * reaped process, and with `holder` a holder in new namespaces (its user
 * namespace unmapped) with its pidfd and namespace fds.
 */
static inline void bad_begin(bool holder)
{
    SKIP_UNLESS_ROOT();
    memset(&B, 0, sizeof B);
    bad_ncalls = 0;
    if (geteuid() == 0) {
        SYS_OK(unshare(CLONE_NEWNS));
        SYS_OK(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
        SYS_OK(mount("linuxns-bad", "/run", "tmpfs", 0, "mode=0755"));
        char real[PATH_MAX];
        if (realpath("/var/run", real) && strcmp(real, "/run") != 0)
            SYS_OK(mount("linuxns-bad", "/var/run", "tmpfs", 0, "mode=0755"));
    }
    /* glibc installs its internal SIGSETXID handler at the first
     * pthread_create: have that happen now, not inside a library call. */
    run_on_thread(bad_noop_thread, NULL);
    char tmpl[] = "/tmp/linuxns-bad-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != NULL);
    REQUIRE(realpath(tmpl, B.tmp) != NULL);
    snprintf(bad_sh->tmp, sizeof bad_sh->tmp, "%s", B.tmp);
    snprintf(B.file, sizeof B.file, "%s/file", B.tmp);
    snprintf(B.sub, sizeof B.sub, "%s/sub", B.tmp);
    snprintf(B.missing, sizeof B.missing, "%s/missing-dir/x", B.tmp);
    memset(B.name256, 'n', 256);
    memset(B.name300, 'n', 300);
    snprintf(B.longcomp, sizeof B.longcomp, "%s/%s", B.tmp, B.name300);
    int fd = SYS_OK(open(B.file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    SYS_OK(write(fd, "x\n", 2));
    close(fd);
    SYS_OK(mkdir(B.sub, 0755));
    SYS_OK(chdir(B.tmp));
    B.file_fd = SYS_OK(open(B.file, O_RDONLY | O_CLOEXEC));
    B.dir_fd = SYS_OK(open(B.tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    B.sock_fd = SYS_OK(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    /* BAD_CLOSED_FD was open and is closed now. */
    SYS_OK(dup3(B.file_fd, BAD_CLOSED_FD, O_CLOEXEC));
    close(BAD_CLOSED_FD);
    pid_t pid = SYS_OK(fork());
    if (pid == 0)
        _exit(0);
    B.gone_pidfd = SYS_OK(pidfd_open_(pid));
    int st;
    wait_child(pid, &st);
    B.gone = pid;
    B.zombie = SYS_OK(fork());
    if (B.zombie == 0)
        _exit(0);
    B.zombie_pidfd = SYS_OK(pidfd_open_(B.zombie));
    siginfo_t info;
    SYS_OK(waitid(P_PID, (id_t)B.zombie, &info, WEXITED | WNOWAIT));
    B.unused = unused_pid();
    REQUIRE(B.unused > 0);
    B.h_pidfd = B.h_net = B.h_uts = B.h_user = -1;
    if (holder) {
        holder_start(&B.h, BAD_HOLDER_FLAGS, NULL, HOLDER_KEEP_UID);
        B.has_holder = true;
        B.h_pidfd = SYS_OK(pidfd_open_(B.h.pid));
        B.h_net = SYS_OK(open_ns_file(B.h.pid, "net"));
        B.h_uts = SYS_OK(open_ns_file(B.h.pid, "uts"));
        B.h_user = SYS_OK(open_ns_file(B.h.pid, "user"));
        bad_watch("/proc/%d/%s", B.h.pid, "uid_map");
        bad_watch("/proc/%d/%s", B.h.pid, "gid_map");
        bad_watch("/proc/%d/%s", B.h.pid, "setgroups");
        bad_watch("/proc/%d/%s", B.h.pid, "timens_offsets");
    }
}

/* Binds the holder's namespace `name` on `path` (created empty), raw. */
static inline void bad_raw_bind(const char *name, const char *path)
{
    char src[64];
    int fd = SYS_OK(open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
    close(fd);
    snprintf(src, sizeof src, "/proc/%d/ns/%s", (int)B.h.pid, name);
    SYS_OK(mount(src, path, NULL, MS_BIND, NULL));
}

/*
 * /run/netns (in the group's own /run) holding what is not a network
 * namespace: a regular file, a directory, a symlink to one, and a bound
 * uts namespace.  Needs the holder.
 */
static inline void bad_netns_fixture(void)
{
    char src[64];
    SYS_OK(mkdir("/run/netns", 0755));
    int fd = SYS_OK(open("/run/netns/plainfile", O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
    close(fd);
    SYS_OK(mkdir("/run/netns/dir", 0755));
    snprintf(src, sizeof src, "/proc/%d/ns/net", (int)B.h.pid);
    SYS_OK(symlink(src, "/run/netns/link"));
    bad_raw_bind("uts", "/run/netns/utsns");
}

/* Removes what is left in the temp dir (one level of subdirectories). */
static inline void bad_rm_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char path[1024];
            snprintf(path, sizeof path, "%.700s/%.255s", dir, e->d_name);
            umount2(path, MNT_DETACH);
            if (unlink(path) < 0)
                bad_rm_tree(path);
        }
        closedir(d);
    }
    rmdir(dir);
}

static inline void bad_end(void)
{
    if (B.has_holder) {
        close(B.h_pidfd);
        close(B.h_net);
        close(B.h_uts);
        close(B.h_user);
        holder_stop(&B.h);
    }
    close(B.gone_pidfd);
    close(B.zombie_pidfd);
    wait_child(B.zombie, &(int){0});
    close(B.file_fd);
    close(B.dir_fd);
    close(B.sock_fd);
    if (chdir("/") == 0)
        bad_rm_tree(B.tmp);
    bad_sh->tmp[0] = '\0';
}

#include "check_bad_snap.h"

/* ---- the walk ---------------------------------------------------------- */

static inline const char *bad_errname(int e)
{
    const char *n = e > 0 ? strerrorname_np(e) : NULL;
    static char buf[32];
    if (n)
        return n;
    snprintf(buf, sizeof buf, "%d", e);
    return buf;
}

static void bad_expected_text(const int *errs, char *out, size_t size)
{
    size_t len = 0;
    out[0] = '\0';
    if (!errs[0])
        snprintf(out, size, "success (>= 0)");
    for (int i = 0; errs[i] && len < size; i++)
        len += (size_t)snprintf(out + len, size - len, "%s-%s", i ? " or " : "",
                                bad_errname(errs[i]));
}

static void bad_check_one(const struct bad_call *c, long long r, int e,
                          const char *le)
{
    bool ok;
    if (!c->errs[0]) {
        ok = r >= 0;
    } else {
        ok = false;
        for (int i = 0; c->errs[i]; i++)
            if (r == -(long long)c->errs[i])
                ok = true;
        ok = ok && e == -r && le && *le;
    }
    if (ok)
        return;
    char want[128];
    bad_expected_text(c->errs, want, sizeof want);
    /* A long account (a helper's command line) shown by its two ends. */
    size_t n = le ? strlen(le) : 0;
    check_fail(__FILE__, __LINE__, "%s: expected %s, got %lld%s%s, errno %s, "
               "ns_last_error \"%.*s%s%s\"", c->label, want, r, r < 0 ? " -" : "",
               r < 0 ? bad_errname((int)-r) : "", bad_errname(e),
               n > 600 ? 200 : (int)n, le ? le : "(null)", n > 600 ? " ... " : "",
               n > 600 ? le + n - 300 : "");
}

/* Walks bad_calls[] (from the call after a crash, when resumed). */
static inline void bad_walk(void)
{
    static char g0[BAD_SNAP], g1[BAD_SNAP], s0[BAD_SNAP], s1[BAD_SNAP];
    static char le[65536];
    snap_take(g0);
    for (size_t i = bad_sh->resume; i < bad_ncalls; i++) {
        const struct bad_call *c = &bad_calls[i];
        int failures = check_failures;
        snap_take(s0);
        int fds0 = count_fds(NULL);
        bad_sh->cur = i;
        snprintf(bad_sh->current, sizeof bad_sh->current, "%s", c->label);
        bad_sh->in_call = 1;
        bad_sh->tried++;
        alarm(BAD_CALL_TIMEOUT);
        errno = 0;
        long long r = c->fn(c->arg);
        int e = errno;
        const char *l = ns_last_error();
        snprintf(le, sizeof le, "%s", l ? l : "(null)");
        bad_sh->in_call = 0;
        bad_check_one(c, r, e, l ? le : NULL);
        int fds1 = count_fds(NULL), keeps = r >= 0 ? c->keeps : 0;
        if (fds1 != fds0 + keeps)
            check_fail(__FILE__, __LINE__, "%s: %d descriptors before, %d after%s",
                       c->label, fds0, fds1, keeps ? " (1 kept by the attribute)" : "");
        snap_take(s1);
        if (strcmp(s0, s1) != 0) {
            check_fail(__FILE__, __LINE__, "%s: changed something", c->label);
            snap_diff(c->label, s0, s1);
        }
        if (check_failures != failures)
            fprintf(stderr, "    (in call #%zu: %s)\n", i, c->label);
    }
    alarm(CASE_TIMEOUT);
    snap_take(g1);
    if (strcmp(g0, g1) != 0) {
        check_fail(__FILE__, __LINE__, "the group changed something");
        snap_diff("the group", g0, g1);
    }
}

/* ---- the runner -------------------------------------------------------- */

static inline void bad_init(void)
{
    void *p = mmap(NULL, sizeof *bad_sh, PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("mmap");
        exit(1);
    }
    bad_sh = p;
}

/* RUN(group), and after a crash or hang in a call, again from the next. */
static inline void bad_run(const char *name, void (*fn)(void))
{
    if (!bad_sh)
        bad_init();
    bad_sh->resume = 0;
    for (int round = 0; round < 64; round++) {
        bad_sh->in_call = 0;
        bad_sh->tmp[0] = '\0';
        run_case(name, fn);
        if (bad_sh->tmp[0]) /* the group died before bad_end */
            bad_rm_tree(bad_sh->tmp);
        if (!bad_sh->in_call)
            return;
        printf("  CRASH or HANG in %s, call #%zu: %s\n", name, bad_sh->cur,
               bad_sh->current);
        fflush(stdout);
        bad_sh->resume = bad_sh->cur + 1;
        char *again = malloc(strlen(name) + 64);
        if (!again)
            return;
        sprintf(again, "%s (from call #%zu)", name, bad_sh->resume);
        name = again; /* kept for check_summary's list */
    }
}
#define BAD_RUN(fn) bad_run(#fn, fn)

static inline int bad_summary(void)
{
    int rc = check_summary();
    printf("bad-input calls tried: %lu\n", bad_sh ? bad_sh->tried : 0UL);
    fflush(stdout);
    return rc;
}

#endif /* LINUXNS_CHECK_BAD_H */
