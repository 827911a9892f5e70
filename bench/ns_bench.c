/*
 * ns_bench: entering, opening and naming namespaces with liblinuxns,
 * against ip-netns(8) and the raw syscalls. (Listing: list_bench.c.)
 *
 *   setns   ns_setns(fd, NS_UTS)               vs  setns(fd, CLONE_NEWUTS)
 *           (fd: our own uts namespace, opened once; joined again and again)
 *   open    ns_open_pid(0, NS_NET) + ns_id     vs  open("/proc/thread-self/ns/net")
 *           + close                                 + fstat + close
 *   netns   ns_netns_add + close + ns_netns_del vs `ip netns add NAME` then
 *                                                   `ip netns del NAME` (each
 *                                                   posix_spawn + waitpid)
 *
 * netns: one sample per contender per iteration, the order of the two
 * shuffled afresh every iteration. setns and open: CALLS calls per
 * contender in BATCHES batches; in every batch the library's and the raw
 * run once each, which first drawn at random; per-call time = batch time /
 * batch size. Medians; every ratio of medians with a 95% paired bootstrap
 * interval (iterations or batches resampled, the two samples of each kept
 * together), PASS/MISS on the interval's bound (bstat.h). Every call's
 * result is checked.
 *
 * usage: ns_bench IP [CALLS BATCHES N_NETNS]
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linuxns.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "bstat.h"

extern char **environ;

#define WARMUP 3 /* netns iterations not counted */

static const char *ip_path;

static int wait_status(pid_t pid, const char *who)
{
    int st;
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR)
            die("%s: waitpid: %s", who, strerror(errno));
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
}

/* posix_spawn + waitpid; stdout to /dev/null. */
static int run_prog(const char *path, char *const argv[])
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int rc = posix_spawn(&pid, path, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc)
        die("posix_spawn %s: %s", path, strerror(rc));
    return wait_status(pid, path);
}

/* ---- per-call loops ----------------------------------------------------- */

static int uts_fd;

static void setns_lib(long n)
{
    for (long i = 0; i < n; i++)
        if (ns_setns(uts_fd, NS_UTS) != 0)
            die("ns_setns: %s", ns_last_error());
}

static void setns_raw(long n)
{
    for (long i = 0; i < n; i++)
        if (setns(uts_fd, CLONE_NEWUTS) != 0)
            die("setns: %s", strerror(errno));
}

static uint64_t net_id; /* what both must find */

static void open_lib(long n)
{
    for (long i = 0; i < n; i++) {
        uint64_t id;
        int fd = ns_open_pid(0, NS_NET);
        if (fd < 0 || ns_id(fd, &id) != 0 || id != net_id)
            die("ns_open_pid/ns_id: %s", ns_last_error());
        close(fd);
    }
}

static void open_raw(long n)
{
    for (long i = 0; i < n; i++) {
        struct stat st;
        int fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
        if (fd < 0 || fstat(fd, &st) != 0 || st.st_ino != net_id)
            die("open/fstat /proc/thread-self/ns/net: %s", strerror(errno));
        close(fd);
    }
}

/* Per-call nanoseconds of lib and raw, batch by batch (paired: batch b
 * of each); in every batch which runs first is drawn at random. */
static void calls(void (*lib)(long), void (*raw)(long), long total, int batches,
                  double *s_lib, double *s_raw)
{
    long per = total / batches;
    lib(per / 10 + 1); /* warm-up */
    raw(per / 10 + 1);
    for (int b = 0; b < batches; b++) {
        int lib_first = rng_below(2);
        for (int k = 0; k < 2; k++) {
            int is_lib = (k == 0) == lib_first;
            int64_t t0 = now_ns();
            (is_lib ? lib : raw)(per);
            double t = (double)(now_ns() - t0) / per;
            (is_lib ? s_lib : s_raw)[b] = t;
        }
    }
}

/* ---- netns -------------------------------------------------------------- */

static void netns_lib(const char *name, int64_t *ns)
{
    int64_t t0 = now_ns();
    int fd = ns_netns_add(name);
    if (fd < 0)
        die("ns_netns_add %s: %s", name, ns_last_error());
    close(fd);
    if (ns_netns_del(name) != 0)
        die("ns_netns_del %s: %s", name, ns_last_error());
    *ns = now_ns() - t0;
}

static int ip_netns(const char *verb, const char *name)
{
    char *argv[] = { "ip", "netns", (char *)verb, (char *)name, NULL };
    return run_prog(ip_path, argv);
}

static void netns_ip(const char *name, int64_t *ns)
{
    int64_t t0 = now_ns();
    int a = ip_netns("add", name);
    int d = a == 0 ? ip_netns("del", name) : -1;
    *ns = now_ns() - t0;
    if (a != 0 || d != 0)
        die("ip netns add/del %s: status %d/%d", name, a, d);
}

/* Each deletes what the other made, so both mean the same thing by a name. */
static void netns_check(void)
{
    char name[64];
    snprintf(name, sizeof name, "nsbench-%d-check", (int)getpid());
    int fd = ns_netns_add(name);
    if (fd < 0)
        die("ns_netns_add %s: %s", name, ns_last_error());
    close(fd);
    if (ip_netns("del", name) != 0)
        die("check: ip netns del could not delete what ns_netns_add made");
    if (ip_netns("add", name) != 0)
        die("check: ip netns add %s failed", name);
    if (ns_netns_del(name) != 0)
        die("check: ns_netns_del could not delete what ip netns add made: %s",
            ns_last_error());
    char path[128];
    snprintf(path, sizeof path, "/run/netns/%s", name);
    if (access(path, F_OK) == 0)
        die("check: %s still there after ns_netns_del", path);
}

/* ---- netns runs ----------------------------------------------------------- */

typedef void (*one_fn)(int i, int64_t *ns);

/* n iterations (+WARMUP), a and b once each in a random order; microseconds */
static void pairs(one_fn a, one_fn b, int n, double *sa, double *sb)
{
    for (int i = -WARMUP; i < n; i++) {
        int64_t ta, tb;
        if (rng_below(2)) {
            a(i, &ta);
            b(i, &tb);
        } else {
            b(i, &tb);
            a(i, &ta);
        }
        if (i >= 0) {
            sa[i] = ta / 1000.0;
            sb[i] = tb / 1000.0;
        }
    }
}

static void pair_netns_lib(int i, int64_t *ns)
{
    char name[64];
    snprintf(name, sizeof name, "nsbench-%d-lib-%d", (int)getpid(), i + WARMUP);
    netns_lib(name, ns);
}

static void pair_netns_ip(int i, int64_t *ns)
{
    char name[64];
    snprintf(name, sizeof name, "nsbench-%d-ip-%d", (int)getpid(), i + WARMUP);
    netns_ip(name, ns);
}

/* ---- output ------------------------------------------------------------- */

static void row(const char *what, const char *unit, const double *a, const double *b, int n)
{
    struct q3 qa = quartiles(a, n), qb = quartiles(b, n);
    char ia[48], ib[48];
    snprintf(ia, sizeof ia, "%.1f-%.1f", qa.q1, qa.q3);
    snprintf(ib, sizeof ib, "%.1f-%.1f", qb.q1, qb.q3);
    printf("%-7s %-4s %10.1f %10.1f %17s %17s\n", what, unit, qa.med, qb.med, ia, ib);
}

int main(int argc, char **argv)
{
    bench_name = "ns_bench";
    if (argc != 2 && argc != 5) {
        fprintf(stderr, "usage: %s IP [CALLS BATCHES N_NETNS]\n", argv[0]);
        return 2;
    }
    ip_path = argv[1];
    long n_calls = argc == 5 ? atol(argv[2]) : 200000;
    int batches = argc == 5 ? atoi(argv[3]) : 20;
    int n_netns = argc == 5 ? atoi(argv[4]) : 100;
    if (batches < 2 || n_calls < batches || n_netns < 2)
        die("counts must be >= 2 (and CALLS >= BATCHES)");
    if (geteuid() != 0)
        die("run as root (setns, netns)");
    signal(SIGPIPE, SIG_IGN);
    uint64_t seed = rng_seed();

    print_machine(ns_version());
    printf("ip: %s\n", ip_path);
    printf("iterations: netns %d (+%d warm-up, order drawn at random each iteration); "
           "setns/open %ld calls each in %d batches, lib and raw once per batch in a random "
           "order (BENCH_SEED=%llu)\n",
           n_netns, WARMUP, n_calls, batches, (unsigned long long)seed);

    /* setns and open */
    uts_fd = open("/proc/thread-self/ns/uts", O_RDONLY | O_CLOEXEC);
    if (uts_fd < 0)
        die("open /proc/thread-self/ns/uts: %s", strerror(errno));
    struct stat st;
    if (stat("/proc/thread-self/ns/net", &st) != 0)
        die("stat /proc/thread-self/ns/net: %s", strerror(errno));
    net_id = st.st_ino;
    double *s_lib = xcalloc(batches, sizeof(double)), *s_raw = xcalloc(batches, sizeof(double));
    double *o_lib = xcalloc(batches, sizeof(double)), *o_raw = xcalloc(batches, sizeof(double));
    calls(setns_lib, setns_raw, n_calls, batches, s_lib, s_raw);
    calls(open_lib, open_raw, n_calls, batches, o_lib, o_raw);
    close(uts_fd);

    /* netns */
    netns_check();
    printf("netns: ns_netns_add/del and ip netns add/del delete each other's namespaces\n");
    fflush(stdout);
    double *n_lib = xcalloc(n_netns, sizeof(double)), *n_ip = xcalloc(n_netns, sizeof(double));
    pairs(pair_netns_lib, pair_netns_ip, n_netns, n_lib, n_ip);

    printf("\nsetns  ns_setns(fd, NS_UTS)                | setns(fd, CLONE_NEWUTS)\n"
           "open   ns_open_pid(0, NS_NET)+ns_id+close  | open(/proc/thread-self/ns/net)+fstat+close\n"
           "netns  ns_netns_add+close+ns_netns_del     | ip netns add + ip netns del (spawned)\n\n");
    printf("%-7s %-4s %10s %10s %17s %17s\n", "test", "unit", "linuxns", "other",
           "linuxns IQR", "other IQR");
    row("setns", "ns", s_lib, s_raw, batches);
    row("open", "ns", o_lib, o_raw, batches);
    row("netns", "us", n_lib, n_ip, n_netns);
    printf("(medians; setns and open per call, over the batches; netns per run; "
           "IQR 25th-75th percentile)\n");

    printf("\nratios of medians, [95%% paired bootstrap interval] (%d resamples of the "
           "batches or iterations);\nPASS/MISS on the interval: <= on its upper bound:\n",
           BOOT);
    ratio_line("ns_setns / setns(2)", s_lib, s_raw, batches, T_LE, 1.05);
    ratio_line("ns_open_pid+ns_id+close / open+fstat+close", o_lib, o_raw, batches, T_LE, 1.10);
    ratio_line("ip netns add+del / ns_netns_add+del", n_ip, n_lib, n_netns, T_NONE, 0);
    printf("\ntargets: %d PASS, %d MISS\n", passes, misses);
    return 0;
}
