/*
 * Namespace pools: what a sandbox spawn costs when its namespaces come
 * from a warm pool, from an empty one, or are created by the spawn.
 *
 * The sandbox: user+pid+mnt+uts+ipc+cgroup+net, caller's ids -> 0
 * (ns_spawn_attr_map_root), a no-op program (argv[1], bench/build/noop),
 * one spawn + waitpid per measurement.  Contenders, in a fresh random
 * order every iteration:
 *   create      the attr alone: the spawn creates all seven namespaces;
 *   pool-warm   the same attr using a pool of user+pid+uts+ipc+cgroup+net
 *               (size 8) that has had time to refill: the spawn joins a
 *               ready set and creates only the mount namespace (as root the
 *               calling thread enters the pooled PID namespace for the
 *               clone, the program's process joins the rest);
 *   pool-empty  the same attr using a pool of size 1 drained
 *               (ns_pool_take) right before the spawn, the set taken kept
 *               open until the spawn has ended (as a set in use by a
 *               running program is: closing it at once would start its
 *               teardown in kernel workers during the measured spawn): it
 *               finds no set and creates everything;
 *   create+drain  the attr alone, right after the same drain of another
 *               pool of size 1 that it does not use (the set kept open as
 *               well): the same preceding work as pool-empty's, so that
 *               pool-empty / create+drain is what using an empty pool
 *               costs.
 *   pool-floor  what pool-warm makes the kernel do, by hand (as root; without
 *               privileges see floor_unpriv_once, an intermediate): a set
 *               taken (ns_pool_take) from another warm pool beforehand, the
 *               calling thread in its PID namespace for a clone(CLONE_VM|
 *               CLONE_VFORK) and back, the child joining the other five,
 *               creating the mount namespace, making it private, resetting
 *               the signal dispositions and mask, exec: so pool-warm /
 *               pool-floor is the library's share, pool-floor / create the
 *               best a pooled spawn can do here.
 * In the same shuffled iterations, joins of a ready network namespace
 * (ns_new(NS_NET), so root only):
 *   5ns         user+mnt+uts+ipc+cgroup created, no network namespace;
 *   5ns+join    the same joining the ready one;
 *   6ns         user+pid+mnt+uts+ipc+cgroup created;
 *   6ns+join    the same joining it.
 *   6ns-floor   (root) what 6ns makes the kernel do, by hand: a
 *               clone(CLONE_VM|CLONE_VFORK) with the six new namespaces, the
 *               child writing its maps (setgroups deny, uid 0 and gid 0 ->
 *               the caller's), making the tree private, resetting the signal
 *               dispositions and mask, exec;
 *   6ns+join-floor  the same with the calling thread in the joined network
 *               namespace for the clone (a descriptor of its own from
 *               /proc/thread-self/ns/net, setns there and back): so
 *               6ns+join-floor / 6ns-floor is what the join costs the kernel.
 *   As root the calling thread enters the joined network namespace for the
 *   clone, which creates the rest (ns_spawn_attr_join); otherwise the
 *   program's own process joins it and then creates the five, and with a
 *   new PID namespace an intermediate process does (a PID namespace
 *   applies only to children; one made before the user namespace would
 *   not be owned by it).
 * Every measurement is preceded by the same idle pause (BENCH_PAUSE_MS,
 * default 20 ms) so that warm pools are full and no contender runs right
 * after another's teardown.  Ratios of medians with 95% paired bootstrap
 * intervals; PASS/MISS on the interval's upper bound.  Then a burst of
 * BENCH_BURST (default 2000) spawns back to back, without and with a pool
 * (size 64), gives the sustained rate.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "linuxns.h"

enum { CREATE, WARM, EMPTY, CREATE_D, J5, J5N, J6, J6N, FLOOR, J6F, J6NF, NC };
static const char *names[NC] = {"create", "pool-warm", "pool-empty", "create+drain", "5ns",
                                "5ns+join", "6ns",     "6ns+join",   "pool-floor",
                                "6ns-floor", "6ns+join-floor"};

extern char **environ;

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static uint64_t rng_state;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(const double *v, int n, double *tmp)
{
    memcpy(tmp, v, n * sizeof *v);
    qsort(tmp, n, sizeof *tmp, cmp_d);
    return n % 2 ? tmp[n / 2] : (tmp[n / 2 - 1] + tmp[n / 2]) / 2;
}

static void die(const char *what, int r)
{
    fprintf(stderr, "pool_bench: %s: %d (%s): %s\n", what, r, strerror(r < 0 ? -r : r),
            ns_last_error());
    exit(1);
}

static double spawn_once(const char *prog, ns_spawn_attr *a)
{
    char *argv[] = {"noop", NULL};
    double t0 = now_ns();
    pid_t pid = ns_spawn(prog, argv, NULL, a, NULL);
    if (pid < 0)
        die("ns_spawn", pid);
    int st;
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        die("waitpid", st);
    return now_ns() - t0;
}

/* ratio of medians a/b with a paired bootstrap interval */
static void ratio(const char *label, double *a, double *b, int n, double target)
{
    double *ra = malloc(n * sizeof *ra), *rb = malloc(n * sizeof *rb),
           *tmp = malloc(n * sizeof *tmp);
    enum { R = 2000 };
    static double rs[R];
    double point = median(a, n, tmp) / median(b, n, tmp);
    for (int r = 0; r < R; r++) {
        for (int i = 0; i < n; i++) {
            int k = rnd() % n;
            ra[i] = a[k];
            rb[i] = b[k];
        }
        rs[r] = median(ra, n, tmp) / median(rb, n, tmp);
    }
    qsort(rs, R, sizeof *rs, cmp_d);
    double lo = rs[(int)(R * 0.025)], hi = rs[(int)(R * 0.975)];
    if (target > 0)
        printf("  %-26s %.3f [%.3f, %.3f]  target <= %.2f: %s\n", label, point, lo, hi,
               target, hi <= target ? "PASS" : "MISS");
    else
        printf("  %-26s %.3f [%.3f, %.3f]  (no target)\n", label, point, lo, hi);
    free(ra);
    free(rb);
    free(tmp);
}

static ns_spawn_attr *attr_of(int types, int join_fd)
{
    ns_spawn_attr *a = ns_spawn_attr_new();
    int r;
    if (!a)
        die("ns_spawn_attr_new", -errno);
    if ((r = ns_spawn_attr_set_namespaces(a, types)) < 0)
        die("set_namespaces", r);
    if ((r = ns_spawn_attr_map_root(a)) < 0)
        die("map_root", r);
    if (join_fd >= 0 && (r = ns_spawn_attr_join(a, join_fd, NS_NET)) < 0)
        die("join", r);
    return a;
}

static ns_spawn_attr *sandbox_attr(void)
{
    return attr_of(NS_USER | NS_PID | NS_MNT | NS_UTS | NS_IPC | NS_CGROUP | NS_NET, -1);
}

static int privileged;
static int pool_types = NS_USER | NS_PID | NS_UTS | NS_IPC | NS_CGROUP | NS_NET;

/* The descriptors of the sets a drain took, closed after the spawn. */
struct held {
    int fds[64];
    int n;
};

static void drain(ns_pool *p, struct held *h)
{
    int fds[8];
    int n;
    while ((n = ns_pool_take(p, fds)) > 0)
        for (int i = 0; i < n; i++) {
            if (h->n < 64)
                h->fds[h->n++] = fds[i];
            else
                close(fds[i]);
        }
}

static void release(struct held *h)
{
    for (int i = 0; i < h->n; i++)
        close(h->fds[i]);
    h->n = 0;
}

/* The contract's last steps in a floor's child, then the program: every
 * signal disposition to its default, an empty mask, exec. */
static _Noreturn void contract_exec(const char *prog)
{
    static const uint64_t dfl[4];
    for (long sig = 1; sig <= 64; sig++)
        if (sig != SIGKILL && sig != SIGSTOP)
            syscall(SYS_rt_sigaction, sig, dfl, NULL, 8L);
    static const uint64_t empty_mask;
    syscall(SYS_rt_sigprocmask, (long)SIG_SETMASK, &empty_mask, NULL, 8L);
    char *argv[] = {"noop", NULL};
    execve(prog, argv, environ);
    _exit(127);
}

/*
 * pool-floor: what pool-warm makes the kernel do, by hand, with a set taken
 * from another warm pool beforehand (ns_pool_take: cgroup, uts, ipc, user,
 * pid, net, ascending NS_* bits). The calling thread enters the pooled PID
 * namespace for the clone and goes back; the vfork child joins the other
 * five (user last, as root), creates its mount namespace, makes the tree
 * private, resets every signal disposition and the mask (the contract),
 * and execs.
 */
struct floor_arg {
    const int *fds;
    const char *prog;
};

static int floor_child(void *p)
{
    const struct floor_arg *a = p;
    static const int order[] = {0, 1, 2, 5, 3}; /* cgroup uts ipc net user */
    static const int flag[] = {CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER,
                               CLONE_NEWPID,    CLONE_NEWNET};
    for (int i = 0; i < 5; i++)
        if (setns(a->fds[order[i]], flag[order[i]]) != 0)
            _exit(126);
    if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
        _exit(125);
    contract_exec(a->prog);
}

static char floor_stack[256 * 1024] __attribute__((aligned(64)));

static double floor_once(const char *prog, ns_pool *pool)
{
    int fds[8], n;
    while ((n = ns_pool_take(pool, fds)) == -EAGAIN)
        usleep(1000); /* not refilled yet */
    if (n != 6)
        die("ns_pool_take (floor)", n);
    struct floor_arg a = {fds, prog};
    double t0 = now_ns();
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int back = open("/proc/thread-self/ns/pid_for_children", O_RDONLY | O_CLOEXEC);
    if (back < 0 || setns(fds[4], CLONE_NEWPID) != 0)
        die("floor: setns(pid)", -errno);
    int pidfd = -1;
    pid_t pid = clone(floor_child, floor_stack + sizeof floor_stack,
                      CLONE_VM | CLONE_VFORK | CLONE_PIDFD | SIGCHLD, &a, &pidfd);
    int e = errno;
    if (setns(back, CLONE_NEWPID) != 0)
        die("floor: setns back", -errno);
    close(back);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (pid < 0)
        die("floor: clone", -e);
    close(pidfd);
    for (int i = 0; i < n; i++)
        close(fds[i]);
    int st;
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        die("floor: the child failed", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    return now_ns() - t0;
}

/*
 * 6ns-floor and 6ns+join-floor: the six new namespaces by hand, the child
 * mapping itself as ns_spawn_attr_map_root does; with join >= 0 the
 * calling thread is in that network namespace for the clone.
 */
struct six_arg {
    const char *prog;
    char uid_map[32], gid_map[32];
};

static void put(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
        _exit(124);
    close(fd);
}

static int six_child(void *p)
{
    const struct six_arg *a = p;
    put("/proc/self/setgroups", "deny");
    put("/proc/self/uid_map", a->uid_map);
    put("/proc/self/gid_map", a->gid_map);
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
        _exit(125);
    contract_exec(a->prog);
}

static double six_floor_once(const char *prog, int join)
{
    struct six_arg a = {.prog = prog};
    snprintf(a.uid_map, sizeof a.uid_map, "0 %d 1\n", (int)geteuid());
    snprintf(a.gid_map, sizeof a.gid_map, "0 %d 1\n", (int)getegid());
    double t0 = now_ns();
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int back = -1;
    if (join >= 0) {
        back = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
        if (back < 0 || setns(join, CLONE_NEWNET) != 0)
            die("6ns+join-floor: setns(net)", -errno);
    }
    int pidfd = -1;
    pid_t pid = clone(six_child, floor_stack + sizeof floor_stack,
                      CLONE_VM | CLONE_VFORK | CLONE_PIDFD | CLONE_NEWUSER | CLONE_NEWPID |
                          CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWCGROUP | SIGCHLD,
                      &a, &pidfd);
    int e = errno;
    if (back >= 0) {
        if (setns(back, CLONE_NEWNET) != 0)
            die("6ns+join-floor: setns back", -errno);
        close(back);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (pid < 0)
        die("6ns-floor: clone", -e);
    close(pidfd);
    int st;
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        die("6ns-floor: the child failed", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    return now_ns() - t0;
}

/*
 * pool-floor without privileges: what pool-warm makes the kernel do then,
 * by hand. The calling thread may not enter the pooled PID namespace
 * (EPERM) nor the user namespace (EINVAL: the pools' threads), so a vfork
 * child joins the user namespace first (gaining its capabilities), then
 * the other five and the PID namespace for its children, creates the
 * mount namespace and makes it private, and clones the program's process
 * (CLONE_VM|CLONE_VFORK|CLONE_PARENT: the caller's child), which resets
 * the signal dispositions and mask and execs; the joining child exits and
 * is reaped by the pidfd taken when it was made. Both children share the
 * caller's descriptor table (CLONE_FILES), as ns_spawn's do.
 */
static char final_stack[256 * 1024] __attribute__((aligned(64)));

struct unpriv_arg {
    const int *fds;
    const char *prog;
    pid_t final;
};

static int unpriv_final(void *p)
{
    const struct unpriv_arg *a = p;
    contract_exec(a->prog);
}

static int unpriv_joiner(void *p)
{
    struct unpriv_arg *a = p;
    static const int order[] = {3, 0, 1, 2, 5, 4}; /* user cgroup uts ipc net pid */
    static const int flag[] = {CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER,
                               CLONE_NEWPID,    CLONE_NEWNET};
    for (int i = 0; i < 6; i++)
        if (setns(a->fds[order[i]], flag[order[i]]) != 0)
            _exit(126);
    if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
        _exit(125);
    a->final = clone(unpriv_final, final_stack + sizeof final_stack,
                     CLONE_VM | CLONE_VFORK | CLONE_PARENT | CLONE_FILES | SIGCHLD, a);
    _exit(a->final > 0 ? 0 : 124);
}

static double floor_unpriv_once(const char *prog, ns_pool *pool)
{
    int fds[8], n;
    while ((n = ns_pool_take(pool, fds)) == -EAGAIN)
        usleep(1000); /* not refilled yet */
    if (n != 6)
        die("ns_pool_take (floor)", n);
    struct unpriv_arg a = {fds, prog, -1};
    double t0 = now_ns();
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int pidfd = -1;
    pid_t joiner = clone(unpriv_joiner, floor_stack + sizeof floor_stack,
                         CLONE_VM | CLONE_VFORK | CLONE_FILES | CLONE_PIDFD | SIGCHLD, &a, &pidfd);
    int e = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (joiner < 0)
        die("floor: clone", -e);
    siginfo_t si = {0};
    if (waitid(P_PIDFD, pidfd, &si, WEXITED) != 0 || si.si_code != CLD_EXITED ||
        si.si_status != 0)
        die("floor: the joining child failed", si.si_status);
    close(pidfd);
    int st;
    for (int i = 0; i < n; i++)
        close(fds[i]);
    if (waitpid(a.final, &st, 0) != a.final || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        die("floor: the child failed", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    return now_ns() - t0;
}

static double burst(const char *prog, ns_spawn_attr *a, int count)
{
    double t0 = now_ns();
    for (int i = 0; i < count; i++)
        spawn_once(prog, a);
    return count / ((now_ns() - t0) / 1e9);
}

/*
 * Why an unprivileged pool-warm needs an intermediate process: what the
 * kernel answers when this thread tries to enter a pooled set's PID
 * namespace for its children (as a privileged caller's thread does) or
 * its user namespace first. The set is closed afterwards, never used.
 */
static void show_thread_joins(ns_pool *pool)
{
    int fds[8], n;
    while ((n = ns_pool_take(pool, fds)) == -EAGAIN)
        usleep(1000);
    if (n != 6)
        die("ns_pool_take (show)", n);
    /* fds: cgroup uts ipc user pid net */
    int r = setns(fds[4], CLONE_NEWPID), e = errno;
    printf("calling thread: setns(pooled PID namespace, CLONE_NEWPID) = %d (%s)\n", r,
           r ? strerror(e) : "entered");
    r = setns(fds[3], CLONE_NEWUSER);
    e = errno;
    printf("calling thread: setns(pooled user namespace, CLONE_NEWUSER) = %d (%s; the pool's "
           "refill thread makes the process multithreaded)\n",
           r, r ? strerror(e) : "entered");
    for (int i = 0; i < n; i++)
        close(fds[i]);
}

/*
 * Why 6ns+join has the calling thread enter the network namespace for the
 * clone: what the kernel answers a process that, like the program's
 * process of a 6ns spawn, is already in a new user namespace and then
 * tries to join the ready network namespace (owned by the host's).
 */
static void show_child_join(int net)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (unshare(CLONE_NEWUSER) != 0)
            _exit(100);
        _exit(setns(net, CLONE_NEWNET) == 0 ? 0 : errno);
    }
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
        die("show_child_join", -ECHILD);
    int e = WEXITSTATUS(st);
    printf("a process in a new user namespace: setns(ready network namespace, CLONE_NEWNET) = %s "
           "(%s; so the calling thread joins it for the clone)\n",
           e == 0 ? "0" : "-1", e == 0 ? "entered" : e == 100 ? "unshare failed" : strerror(e));
}

/* One measurement of contender c. */
static double measure(int c, const char *prog, ns_spawn_attr **attr, ns_pool *floor_pool, int net)
{
    switch (c) {
    case FLOOR:
        return privileged ? floor_once(prog, floor_pool) : floor_unpriv_once(prog, floor_pool);
    case J6F:
        return six_floor_once(prog, -1);
    case J6NF:
        return six_floor_once(prog, net);
    default:
        return spawn_once(prog, attr[c]);
    }
}

int main(int argc, char **argv)
{
    const char *prog = argc > 1 ? argv[1] : "/bin/true";
    int n = getenv("BENCH_N") ? atoi(getenv("BENCH_N")) : 300;
    int pause_ms = getenv("BENCH_PAUSE_MS") ? atoi(getenv("BENCH_PAUSE_MS")) : 20;
    int nburst = getenv("BENCH_BURST") ? atoi(getenv("BENCH_BURST")) : 2000;
    rng_state = getenv("BENCH_SEED") ? strtoull(getenv("BENCH_SEED"), NULL, 0)
                                     : (uint64_t)now_ns() | 1;
    printf("pool benchmark: %s, %d iterations, pause %d ms, seed %llu, %ld CPUs\n", prog, n,
           pause_ms, (unsigned long long)rng_state, sysconf(_SC_NPROCESSORS_ONLN));

    /* Without privileges: the pool cells only (the join cells need
     * ns_new(NS_NET) in the host's user namespace); a pooled set is then
     * joined through the intermediate process. */
    privileged = geteuid() == 0;
    int cells[NC], ncells = 0;
    for (int c = 0; c < NC; c++)
        if (privileged || c <= CREATE_D || c == FLOOR)
            cells[ncells++] = c;
    ns_pool *floor_pool = ns_pool_new(pool_types, 8, 0);
    if (!floor_pool)
        die("ns_pool_new (floor)", -errno);
    if (!privileged)
        printf("unprivileged (euid %d): the pool cells only\n", (int)geteuid());
    ns_spawn_attr *attr[NC] = {0};
    ns_pool *warm = ns_pool_new(pool_types, 8, 0), *empty = ns_pool_new(pool_types, 1, 0),
            *other = ns_pool_new(pool_types, 1, 0);
    if (!warm || !empty || !other)
        die("ns_pool_new", -errno);
    int five = NS_USER | NS_MNT | NS_UTS | NS_IPC | NS_CGROUP, six = five | NS_PID;
    int net = privileged ? ns_new(NS_NET) : -1;
    if (privileged && net < 0)
        die("ns_new(NS_NET)", net);
    for (int c = CREATE; c <= CREATE_D; c++)
        attr[c] = sandbox_attr();
    if (privileged) {
        attr[J5] = attr_of(five, -1);
        attr[J5N] = attr_of(five, net);
        attr[J6] = attr_of(six, -1);
        attr[J6N] = attr_of(six, net);
    }
    int r;
    if ((r = ns_spawn_attr_use_pool(attr[WARM], warm)) < 0 ||
        (r = ns_spawn_attr_use_pool(attr[EMPTY], empty)) < 0)
        die("use_pool", r);
    usleep(500000);
    if (!privileged)
        show_thread_joins(warm);
    else
        show_child_join(net);
    /* Warm-up: each contender a few times. */
    for (int i = 0; i < 5; i++)
        for (int k = 0; k < ncells; k++) {
            int c = cells[k];
            usleep(pause_ms * 1000);
            struct held h = {.n = 0};
            if (c == EMPTY)
                drain(empty, &h);
            if (c == CREATE_D)
                drain(other, &h);
            measure(c, prog, attr, floor_pool, net);
            release(&h);
        }
    double *s[NC];
    for (int c = 0; c < NC; c++)
        s[c] = calloc(n, sizeof(double));
    for (int i = 0; i < n; i++) {
        int order[NC];
        for (int k = 0; k < ncells; k++)
            order[k] = cells[k];
        for (int k = ncells - 1; k > 0; k--) {
            int j = rnd() % (k + 1), t = order[k];
            order[k] = order[j];
            order[j] = t;
        }
        for (int k = 0; k < ncells; k++) {
            int c = order[k];
            usleep(pause_ms * 1000);
            struct held h = {.n = 0};
            if (c == EMPTY)
                drain(empty, &h);
            if (c == CREATE_D)
                drain(other, &h);
            s[c][i] = measure(c, prog, attr, floor_pool, net);
            release(&h);
        }
    }
    double *tmp = malloc(n * sizeof *tmp);
    printf("\nmedian microseconds per spawn+wait (create, pool-*: "
           "user+pid+mnt+uts+ipc+cgroup+net):\n");
    for (int k = 0; k < ncells; k++)
        printf("  %-15s %8.1f\n", names[cells[k]], median(s[cells[k]], n, tmp) / 1e3);
    printf("\nratios of medians, [95%% paired bootstrap interval]; PASS/MISS on the "
           "upper bound:\n");
    ratio("pool-warm / create", s[WARM], s[CREATE], n, 0.55);
    ratio("pool-empty / create", s[EMPTY], s[CREATE], n, 1.05);
    ratio("pool-empty / create+drain", s[EMPTY], s[CREATE_D], n, 1.05);
    ratio("create+drain / create", s[CREATE_D], s[CREATE], n, 0);
    ratio("pool-warm / pool-floor", s[WARM], s[FLOOR], n, 0);
    ratio("pool-floor / create", s[FLOOR], s[CREATE], n, 0);
    if (privileged) {
        ratio("5ns+join / 5ns", s[J5N], s[J5], n, 1.10);
        ratio("6ns+join / 6ns", s[J6N], s[J6], n, 1.10);
        ratio("6ns+join-floor / 6ns-floor", s[J6NF], s[J6F], n, 0);
        ratio("6ns / 6ns-floor", s[J6], s[J6F], n, 0);
        ratio("6ns+join / 6ns+join-floor", s[J6N], s[J6NF], n, 0);
    }

    if (nburst > 0) {
        printf("\nburst of %d spawns back to back (spawns per second):\n", nburst);
        ns_pool *big = ns_pool_new(pool_types, 64, 0);
        if (!big)
            die("ns_pool_new", -errno);
        ns_spawn_attr *pa = sandbox_attr();
        if ((r = ns_spawn_attr_use_pool(pa, big)) < 0)
            die("use_pool", r);
        sleep(1);
        double without = burst(prog, attr[CREATE], nburst);
        double with = burst(prog, pa, nburst);
        printf("  without a pool        %8.0f /s\n", without);
        printf("  with a pool (size 64) %8.0f /s  (the refill thread makes sets on another CPU)\n",
               with);
        ns_spawn_attr_free(pa);
        ns_pool_free(big);
    }
    for (int c = 0; c < NC; c++)
        ns_spawn_attr_free(attr[c]);
    if (net >= 0)
        close(net);
    ns_pool_free(warm);
    ns_pool_free(empty);
    ns_pool_free(other);
    if (floor_pool)
        ns_pool_free(floor_pool);
    return 0;
}
