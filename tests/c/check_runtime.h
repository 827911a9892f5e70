/*
 * check_runtime.h - helpers for the cases that put the library in a hostile
 * runtime: resource limits (RLIMIT_NOFILE, a full descriptor table), stderr
 * captured around calls that must not panic, ns_list results, scripts and
 * temporary directories; seccomp filters that make chosen system calls
 * fail, runtimes that reap children themselves, waiting on a pidfd, the
 * descriptors another process holds, and joining threads with a deadline;
 * a crowd of processes, an exhausted RLIMIT_NPROC, pid 1 of a PID namespace
 * with the host's /proc, a mount namespace without /proc.
 */
#ifndef LINUXNS_CHECK_RUNTIME_H
#define LINUXNS_CHECK_RUNTIME_H

#include "check_stress.h"
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/mount.h>
#include <sys/resource.h>

#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef __WALL
#define __WALL 0x40000000
#endif

#if defined(__x86_64__)
#define RT_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define RT_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

static inline void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* ---- results: a value, or a negative errno with errno and a text ------ */

/* The call returns >= 0, or -errno (errno set, ns_last_error non-empty);
 * its value is the macro's value. */
#define RT_RULE(call)                                                      \
    __extension__({                                                        \
        errno = 0;                                                         \
        long long r_ = (long long)(call);                                  \
        int e_ = errno;                                                    \
        const char *le_ = ns_last_error();                                 \
        if (r_ < 0 && (r_ < -4095 || e_ != -r_ || !le_ || !*le_))          \
            check_fail(__FILE__, __LINE__, "%s: %lld, errno %d, "          \
                       "ns_last_error \"%s\"", #call, r_, e_,              \
                       le_ ? le_ : "(null)");                              \
        r_;                                                                \
    })

/* CHECK_ERR(call, E), and ns_last_error() does not contain `wrong` (a
 * diagnosis that would be wrong for this failure). */
#define RT_CHECK_ERR_NOT(call, E, wrong)                                   \
    do {                                                                   \
        CHECK_ERR(call, E);                                                \
        const char *le2_ = ns_last_error();                                \
        CHECKF(!le2_ || strstr(le2_, (wrong)) == NULL,                     \
               "ns_last_error \"%s\" says \"%s\"", le2_, (wrong));         \
    } while (0)

/* ---- resource limits ------------------------------------------------------ */

/* RLIMIT_NOFILE's soft limit becomes n (the hard one at least n). */
static inline void rt_set_nofile(rlim_t n)
{
    struct rlimit rl;
    SYS_OK(getrlimit(RLIMIT_NOFILE, &rl));
    rl.rlim_cur = n;
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < n)
        rl.rlim_max = n;
    SYS_OK(setrlimit(RLIMIT_NOFILE, &rl));
}

/* Descriptors that fill the table. */
struct rt_fill {
    int *fds;
    int n;
};

/* Opens /dev/null until the table is full, then closes the last `leave`
 * of them again: exactly `leave` descriptors are free. */
static inline void rt_fill_fds(struct rt_fill *f, int leave)
{
    struct rlimit rl;
    SYS_OK(getrlimit(RLIMIT_NOFILE, &rl));
    size_t cap = rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > 65536 ? 65536 : rl.rlim_cur;
    f->fds = malloc(cap * sizeof *f->fds);
    f->n = 0;
    REQUIRE(f->fds != NULL);
    for (;;) {
        int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            REQUIRE(errno == EMFILE);
            break;
        }
        REQUIRE((size_t)f->n < cap);
        f->fds[f->n++] = fd;
    }
    for (int i = 0; i < leave && f->n > 0; i++)
        close(f->fds[--f->n]);
}

static inline void rt_unfill_fds(struct rt_fill *f)
{
    for (int i = 0; i < f->n; i++)
        close(f->fds[i]);
    free(f->fds);
    f->fds = NULL;
    f->n = 0;
}

/* ---- stderr captured (a panic message must not appear) --------------------- */

struct rt_stderr {
    int saved; /* the real stderr */
    int file;  /* an unlinked temporary file, now fd 2 */
};

static inline void rt_stderr_begin(struct rt_stderr *c)
{
    char path[] = "/tmp/linuxns-stderr-XXXXXX";
    fflush(stderr);
    c->file = SYS_OK(mkostemp(path, O_CLOEXEC));
    unlink(path);
    c->saved = SYS_OK(fcntl(2, F_DUPFD_CLOEXEC, 3));
    SYS_OK(dup2(c->file, 2));
}

/* Restores stderr, copies what was written meanwhile into text (and to the
 * real stderr), and checks that nothing panicked. */
static inline void rt_stderr_end(struct rt_stderr *c, char *text, size_t size)
{
    fflush(stderr);
    dup2(c->saved, 2);
    close(c->saved);
    size_t len = 0;
    if (lseek(c->file, 0, SEEK_SET) == 0) {
        ssize_t n;
        while (len + 1 < size && (n = read(c->file, text + len, size - 1 - len)) > 0)
            len += (size_t)n;
    }
    text[len] = '\0';
    close(c->file);
    if (len)
        fprintf(stderr, "%s", text);
    CHECKF(strstr(text, "panicked") == NULL, "the library panicked:\n%s", text);
}

/* ---- ns_list results ----------------------------------------------------------- */

struct rt_list {
    struct ns_info *v;
    size_t n, cap;
};

/* ns_list callback: appends to the struct rt_list at arg. */
static inline int rt_collect(const struct ns_info *info, void *arg)
{
    struct rt_list *l = arg;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        struct ns_info *v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return 1;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = *info;
    return 0;
}

static inline const struct ns_info *rt_find(const struct rt_list *l, int type, uint64_t id)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].type == type && l->v[i].id == id)
            return &l->v[i];
    return NULL;
}

/* The same namespaces (type and id) in both. */
static inline bool rt_same_list(const struct rt_list *a, const struct rt_list *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++)
        if (!rt_find(b, a->v[i].type, a->v[i].id))
            return false;
    return true;
}

/* ---- programs, scripts, directories --------------------------------------- */

/* Waits for pid; true when it exited with status 0. */
static inline bool rt_exited_ok(pid_t pid)
{
    int st = -1;
    return wait_child(pid, &st) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* Writes an executable (0755) file. */
static inline void rt_write_script(const char *path, const char *text)
{
    int fd = SYS_OK(open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755));
    REQUIRE(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
    SYS_OK(chmod(path, 0755));
}

/* Removes the files in dir, then dir. */
static inline void rt_remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char path[1024];
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
        closedir(d);
    }
    CHECKF(rmdir(dir) == 0, "rmdir %s: %s", dir, strerror(errno));
}

/* ---- seccomp ------------------------------------------------------------ */

/* System call `nr` fails with errno `err`. */
struct deny_rule {
    long nr;
    int err;
};

/*
 * Installs a classic BPF seccomp filter (after PR_SET_NO_NEW_PRIVS) on the
 * calling thread, inherited by its later threads and children: every rule's
 * system call returns -err, everything else is allowed.  Then checks that
 * the rules bite, with arguments the kernel would refuse anyway.
 */
static inline void seccomp_deny(const struct deny_rule *rules, size_t n)
{
#ifndef RT_AUDIT_ARCH
    (void)rules;
    (void)n;
    SKIP("no seccomp audit arch for this architecture");
#else
    struct sock_filter f[4 + 2 * 8 + 1];
    size_t k = 0;
    REQUIRE(n <= 8);
    f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                          offsetof(struct seccomp_data, arch));
    f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, RT_AUDIT_ARCH, 1, 0);
    f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                          offsetof(struct seccomp_data, nr));
    for (size_t i = 0; i < n; i++) {
        f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
                                              (uint32_t)rules[i].nr, 0, 1);
        f[k++] = (struct sock_filter)BPF_STMT(
            BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ((uint32_t)rules[i].err & SECCOMP_RET_DATA));
    }
    f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    struct sock_fprog prog = {(unsigned short)k, f};
    SYS_OK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
    SYS_OK(prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0));
    for (size_t i = 0; i < n; i++) {
        long r = -2;
        errno = 0;
        if (rules[i].nr == SYS_clone3)
            r = syscall(SYS_clone3, NULL, 0); /* size 0: EINVAL unfiltered */
        else if (rules[i].nr == SYS_pidfd_open)
            r = syscall(SYS_pidfd_open, -1, 0); /* EINVAL unfiltered */
        else if (rules[i].nr == SYS_clone)
            r = syscall(SYS_clone, CLONE_SIGHAND, 0, 0, 0, 0); /* EINVAL */
        if (r != -2)
            CHECKF(r == -1 && errno == rules[i].err,
                   "seccomp: syscall %ld gave %ld errno %d, not the filter's %d",
                   rules[i].nr, r, errno, rules[i].err);
    }
#endif
}

/* ---- pidfds --------------------------------------------------------------- */

/* Polls a pidfd until its process has exited; false after timeout_ms. */
static inline bool pidfd_wait_exit(int pidfd, int timeout_ms)
{
    double end = now_seconds() + timeout_ms / 1000.0;
    for (;;) {
        int left = (int)((end - now_seconds()) * 1000);
        struct pollfd p = {pidfd, POLLIN, 0};
        int r = poll(&p, 1, left > 0 ? left : 0);
        if (r > 0)
            return (p.revents & (POLLIN | POLLHUP)) != 0;
        if (r == 0 || errno != EINTR)
            return false;
    }
}

/* ---- the descriptors of a process ----------------------------------------- */

struct fd_entry {
    int fd;
    char target[128];
};

/* readlink of every /proc/PID/fd entry (pid 0: our own, without the
 * directory's descriptor); returns how many (at most max), -1 on failure. */
static inline int fd_table(pid_t pid, struct fd_entry *out, int max)
{
    char dir[64];
    if (pid == 0)
        snprintf(dir, sizeof dir, "/proc/self/fd");
    else
        snprintf(dir, sizeof dir, "/proc/%d/fd", (int)pid);
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < max) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        int fd = atoi(e->d_name);
        if (pid == 0 && fd == dirfd(d))
            continue;
        char path[384];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        ssize_t len = readlink(path, out[n].target, sizeof out[n].target - 1);
        if (len < 0)
            continue; /* closed meanwhile */
        out[n].target[len] = '\0';
        out[n].fd = fd;
        n++;
    }
    closedir(d);
    return n;
}

/* A pipe, socket, pidfd or namespace: what a call keeps for itself. */
static inline bool fd_target_is_channel(const char *t)
{
    if (strncmp(t, "pipe:[", 6) == 0 || strncmp(t, "socket:[", 8) == 0 ||
        strstr(t, "pidfd") != NULL)
        return true;
    for (size_t i = 0; i < N_KINDS; i++) {
        size_t len = strlen(NS_KINDS[i].name);
        if (strncmp(t, NS_KINDS[i].name, len) == 0 && strncmp(t + len, ":[", 2) == 0)
            return true;
    }
    return false;
}

/* True when `table` has descriptor fd naming target. */
static inline bool fd_table_has(const struct fd_entry *table, int n, int fd,
                                const char *target)
{
    for (int i = 0; i < n; i++)
        if (table[i].fd == fd && strcmp(table[i].target, target) == 0)
            return true;
    return false;
}

/* ---- runtimes that reap children themselves -------------------------------- */

enum reaper_kind {
    REAP_SIG_IGN,  /* signal(SIGCHLD, SIG_IGN): the kernel reaps */
    REAP_HANDLER,  /* a SIGCHLD handler looping waitpid(-1, WNOHANG) */
    REAP_THREAD,   /* a thread looping waitpid(-1, 0) */
};

struct reaper {
    enum reaper_kind kind;
    pthread_t thread;
};

static inline const char *reaper_name(enum reaper_kind k)
{
    return k == REAP_SIG_IGN ? "SIGCHLD ignored"
           : k == REAP_HANDLER ? "SIGCHLD handler reaping" : "reaper thread";
}

static inline void reaper_on_sigchld(int sig)
{
    (void)sig;
    int saved = errno;
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
    errno = saved;
}

/* Set to stop the reaper thread; a child that exits at once then wakes
 * its waitpid (no pthread_cancel, which AddressSanitizer mishandles). */
static volatile sig_atomic_t reaper_stop_flag;

static inline void *reaper_main(void *arg)
{
    (void)arg;
    while (!reaper_stop_flag) {
        int st;
        if (waitpid(-1, &st, 0) < 0 && errno == ECHILD)
            sleep_ms(1);
    }
    return NULL;
}

static inline void reaper_start(struct reaper *r, enum reaper_kind kind)
{
    r->kind = kind;
    if (kind == REAP_SIG_IGN) {
        REQUIRE(signal(SIGCHLD, SIG_IGN) != SIG_ERR);
    } else if (kind == REAP_HANDLER) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = reaper_on_sigchld;
        sa.sa_flags = SA_RESTART;
        sigemptyset(&sa.sa_mask);
        SYS_OK(sigaction(SIGCHLD, &sa, NULL));
    } else {
        reaper_stop_flag = 0;
        REQUIRE(pthread_create(&r->thread, NULL, reaper_main, NULL) == 0);
    }
}

/*
 * Ends the reaping, then checks that no child of the library is left: each
 * child still there (running or not) must be one of the `n` pids in
 * `started` (the programs and processes the case itself started), and
 * those are reaped here, waiting up to 10 s for them to end.
 */
static inline void reaper_stop_and_check(struct reaper *r, const pid_t *started, int n)
{
    if (r->kind == REAP_THREAD) {
        reaper_stop_flag = 1;
        pid_t waker = fork();
        if (waker == 0)
            _exit(0);
        REQUIRE(waker > 0);
        pthread_join(r->thread, NULL);
        /* Reaped by the thread, or now (ECHILD then). */
        while (waitpid(waker, NULL, 0) < 0 && errno == EINTR)
            ;
    } else {
        signal(SIGCHLD, SIG_DFL);
    }
    double end = now_seconds() + 10;
    for (;;) {
        int st;
        pid_t w = waitpid(-1, &st, WNOHANG | __WALL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            break; /* ECHILD: none left */
        if (w > 0) {
            bool ours = false;
            for (int i = 0; i < n; i++)
                ours |= started[i] == w;
            CHECKF(ours, "%s: reaped pid %d, which is no program the case "
                   "started: a child of the library was left behind (status 0x%x)",
                   reaper_name(r->kind), (int)w, st);
            continue;
        }
        if (now_seconds() > end) {
            pid_t kids[16];
            int k = children_of_self(kids, 16);
            check_fail(__FILE__, __LINE__, "%s: %d child(ren) still running 10 s "
                       "after the case, first pid %d", reaper_name(r->kind), k,
                       k > 0 ? (int)kids[0] : 0);
            for (int i = 0; i < k && i < 16; i++)
                kill(kids[i], SIGKILL);
            end = now_seconds() + 5;
        }
        sleep_ms(10);
    }
}

/* ---- threads and children with a deadline ----------------------------------- */

/* Joins thread t if it ends within `seconds`; false if it is still running. */
static inline bool join_within(pthread_t t, double seconds)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    long ns = ts.tv_nsec + (long)((seconds - (long)seconds) * 1e9);
    ts.tv_sec += (time_t)seconds + ns / 1000000000L;
    ts.tv_nsec = ns % 1000000000L;
    int r;
    while ((r = pthread_timedjoin_np(t, NULL, &ts)) == EINTR)
        ;
    return r == 0;
}

/* SIGKILLs every child of ours (the children a hung call waits on); returns
 * how many there were. */
static inline int kill_children(void)
{
    pid_t kids[256];
    int n = children_of_self(kids, 256);
    for (int i = 0; i < n && i < 256; i++)
        kill(kids[i], SIGKILL);
    return n;
}

/* Joins threads t[0..n) within `seconds` in all; if some still run (in a
 * call that hangs), reports them, kills our children (which such calls
 * wait on) and ends the case. */
static inline void join_all_or_fail(pthread_t *t, int n, double seconds, const char *what)
{
    double end = now_seconds() + seconds;
    int hung = 0;
    for (int i = 0; i < n; i++)
        if (!join_within(t[i], end - now_seconds() > 0 ? end - now_seconds() : 0))
            hung++;
    if (hung) {
        check_fail(__FILE__, __LINE__, "%s: %d of %d threads still in a call "
                   "after %.0f s (deadlock); killed %d children", what, hung, n,
                   seconds, kill_children());
        check_exit(1);
    }
}

/* ---- processes: a crowd, an exhausted RLIMIT_NPROC, pid 1 ------------------- */

/* Processes that wait until stop_fd is closed (e.g. to have >= 128 pids in
 * /proc, where ns_list starts workers). */
struct rt_crowd {
    pid_t pid[512];
    int n, stop_fd;
};

static inline void rt_crowd_start(struct rt_crowd *c, int n)
{
    int p[2];
    SYS_OK(pipe2(p, O_CLOEXEC));
    fflush(stdout);
    fflush(stderr);
    REQUIRE(n <= 512);
    for (c->n = 0; c->n < n; c->n++) {
        pid_t pid = SYS_OK(fork());
        if (pid == 0) {
            char ch;
            close(p[1]);
            while (read(p[0], &ch, 1) < 0 && errno == EINTR)
                ;
            _exit(0);
        }
        c->pid[c->n] = pid;
    }
    close(p[0]);
    c->stop_fd = p[1];
}

static inline void rt_crowd_stop(struct rt_crowd *c)
{
    close(c->stop_fd);
    for (int i = 0; i < c->n; i++)
        wait_child(c->pid[i], NULL);
    c->n = 0;
}

/* As root: RLIMIT_NPROC 1, then uid 65534, which then has this process:
 * no thread or process can start any more. */
static inline void rt_exhaust_nproc(void)
{
    struct rlimit rl = {1, 1};
    SYS_OK(setrlimit(RLIMIT_NPROC, &rl));
    drop_to_nobody(NULL, NULL);
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    if (pid > 0)
        wait_child(pid, NULL);
    REQUIRE(pid < 0 && errno == EAGAIN);
}

/* Runs fn as pid 1 of a new PID namespace that still has the host's /proc
 * (none is mounted for it); fn's failed checks fail the case. */
static inline void rt_as_pid1_with_host_proc(void (*fn)(void))
{
    SYS_OK(unshare(CLONE_NEWPID));
    fflush(stdout);
    fflush(stderr);
    pid_t pid = SYS_OK(fork());
    if (pid == 0) {
        alarm(CASE_TIMEOUT - 5);
        REQUIRE(getpid() == 1);
        fn();
        check_exit(check_failures ? 1 : 0);
    }
    int st = 0;
    wait_child(pid, &st);
    CHECKF(WIFEXITED(st) && WEXITSTATUS(st) == 0, "pid 1: status 0x%x", st);
}

/* True when text names /proc/N/ of a live process outside the caller's
 * PID namespace (not one the caller or its children can be). */
static inline bool rt_names_foreign_pid(const char *text)
{
    uint64_t own = ns_id_of(0, "pid");
    for (const char *p = text; p && (p = strstr(p, "/proc/")) != NULL; p += 6) {
        if (p[6] < '0' || p[6] > '9')
            continue;
        pid_t pid = (pid_t)strtol(p + 6, NULL, 10);
        uint64_t id = ns_id_of(pid, "pid");
        if (id != 0 && id != own)
            return true;
    }
    return false;
}

/* ---- no /proc ------------------------------------------------------------------ */

/* A private mount namespace without /proc (rt_mount_proc puts one back, as
 * the harness's descriptor count needs it). */
static inline void rt_unmount_proc(void)
{
    SYS_OK(unshare(CLONE_NEWNS));
    SYS_OK(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
    SYS_OK(umount2("/proc", MNT_DETACH));
    REQUIRE(access("/proc/self", F_OK) != 0);
}

static inline void rt_mount_proc(void)
{
    SYS_OK(mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL));
}

/* ---- spawning a shell ------------------------------------------------------------ */

/* Spawns `sh -c script` with attr and waits: true on exit status 0. */
static inline bool rt_run_sh(ns_spawn_attr *a, const char *script)
{
    char *argv[] = {"sh", "-c", (char *)script, NULL};
    pid_t pid = CHECK_OK(ns_spawn("/bin/sh", argv, NULL, a, NULL));
    return pid > 0 && rt_exited_ok(pid);
}

/* The uid_map then gid_map text that a process sees after joining user
 * namespace `fd` (forked, without the library), into text. */
static inline void rt_maps_inside(int fd, char *text, size_t size)
{
    int p[2];
    SYS_OK(pipe2(p, O_CLOEXEC));
    fflush(stdout);
    fflush(stderr);
    pid_t pid = SYS_OK(fork());
    if (pid == 0) {
        char maps[2][512];
        if (setns(fd, CLONE_NEWUSER) < 0)
            _exit(2);
        read_file("/proc/self/uid_map", maps[0], sizeof maps[0]);
        read_file("/proc/self/gid_map", maps[1], sizeof maps[1]);
        _exit(dprintf(p[1], "%s%s", maps[0], maps[1]) < 0);
    }
    close(p[1]);
    read_all(p[0], text, size);
    close(p[0]);
    if (!rt_exited_ok(pid))
        text[0] = '\0';
}


/* RT_RULE for calls that return a descriptor (closed) or a child's pid
 * (waited for). */
#define RT_RULE_FD(call)                                                   \
    do {                                                                   \
        int fd_ = (int)RT_RULE(call);                                      \
        if (fd_ >= 0)                                                      \
            close(fd_);                                                    \
    } while (0)
#define RT_RULE_PID(call)                                                  \
    do {                                                                   \
        pid_t pid_ = (pid_t)RT_RULE(call);                                 \
        if (pid_ > 0)                                                      \
            wait_child(pid_, NULL);                                        \
    } while (0)

/* Same owning user namespace, owner uid and parent in two ns_list entries. */
static inline bool rt_same_owner(const struct ns_info *x, const struct ns_info *y)
{
    return x->userns_id == y->userns_id && x->owner_uid == y->owner_uid &&
           x->parent_id == y->parent_id;
}

/* A program spawned with attr (sh) has on its descriptors `fds` ("3 4")
 * the files `want` lists, one line each; `out` is a scratch file. */
static inline void rt_check_sees(ns_spawn_attr *a, const char *fds, const char *out,
                                 const char *want)
{
    char script[512], got[4096] = "";
    snprintf(script, sizeof script, "for f in %s; do readlink /proc/$$/fd/$f; done > %s",
             fds, out);
    CHECK(rt_run_sh(a, script));
    read_file(out, got, sizeof got);
    CHECKF(strcmp(got, want) == 0, "fds %s: the program has\n%s, not\n%s", fds, got, want);
}

#endif /* LINUXNS_CHECK_RUNTIME_H */
