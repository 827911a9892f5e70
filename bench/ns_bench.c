/*
 * ns_bench: surveying, entering, opening and naming namespaces with
 * liblinuxns, against lsns(8), ip-netns(8) and the raw syscalls.
 *
 *   list    ns_list(0, cb, arg) in here        vs  `lsns -r -n` (posix_spawn,
 *           with 150 extra processes in 75 extra    output to /dev/null, waitpid)
 *           uts namespaces held by this program
 *   setns   ns_setns(fd, NS_UTS)               vs  setns(fd, CLONE_NEWUTS)
 *           (fd: our own uts namespace, opened once; joined again and again)
 *   open    ns_open_pid(0, NS_NET) + ns_id     vs  open("/proc/thread-self/ns/net")
 *           + close                                 + fstat + close
 *   netns   ns_netns_add + close + ns_netns_del vs `ip netns add NAME` then
 *                                                   `ip netns del NAME` (each
 *                                                   posix_spawn + waitpid)
 *
 * list and netns: one sample per contender per iteration, the order of the
 * two alternating by iteration, medians. setns and open: CALLS calls per
 * contender in BATCHES batches; the library's and the raw batches alternate
 * (which goes first alternates too); per-call time = batch time / batch
 * size, median over batches. Every call's result is checked.
 *
 * usage: ns_bench LSNS IP [N_LIST CALLS BATCHES N_NETNS]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linuxns.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define HOLDER_NS 75 /* extra uts namespaces, two processes in each */
#define WARMUP 3     /* list and netns iterations not counted */

static const char *lsns_path, *ip_path;

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "ns_bench: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(2);
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int wait_status(pid_t pid, const char *who)
{
    int st;
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR)
            die("%s: waitpid: %s", who, strerror(errno));
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
}

/* posix_spawn + waitpid; stdout to out_fd (or /dev/null when -1). */
static int run_prog(const char *path, char *const argv[], int out_fd)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (out_fd >= 0)
        posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
    else
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int rc = posix_spawn(&pid, path, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc)
        die("posix_spawn %s: %s", path, strerror(rc));
    return wait_status(pid, path);
}

/* ---- statistics --------------------------------------------------------- */

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

struct stat3 { double q1, med, q3; };

static struct stat3 summarize(double *s, int n)
{
    qsort(s, n, sizeof *s, cmp_dbl);
    struct stat3 r;
    double *out[3] = { &r.q1, &r.med, &r.q3 };
    const double q[3] = { 0.25, 0.5, 0.75 };
    for (int k = 0; k < 3; k++) {
        double pos = q[k] * (n - 1);
        int i = (int)pos;
        *out[k] = i + 1 < n ? s[i] + (pos - i) * (s[i + 1] - s[i]) : s[i];
    }
    return r;
}

/* ---- holders: extra processes in extra namespaces ----------------------- */

static pid_t holders[2 * HOLDER_NS];
static int nholders;

/* A child that joins (join_pid > 0) or creates (0) a uts namespace, says so
 * on a pipe and waits to be killed (or dies with us). */
static pid_t holder(pid_t join_pid)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC))
        die("pipe2: %s", strerror(errno));
    pid_t pid = fork();
    if (pid < 0)
        die("fork: %s", strerror(errno));
    if (pid == 0) {
        char ok = 1;
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (join_pid > 0) {
            char path[64];
            snprintf(path, sizeof path, "/proc/%d/ns/uts", (int)join_pid);
            int fd = open(path, O_RDONLY | O_CLOEXEC);
            if (fd < 0 || setns(fd, CLONE_NEWUTS))
                ok = 0;
        } else if (unshare(CLONE_NEWUTS)) {
            ok = 0;
        }
        if (write(p[1], &ok, 1) != 1)
            _exit(1);
        for (;;)
            pause();
    }
    close(p[1]);
    char ok = 0;
    if (read(p[0], &ok, 1) != 1 || !ok)
        die("holder %d did not get its uts namespace", (int)pid);
    close(p[0]);
    holders[nholders++] = pid;
    return pid;
}

static void holders_start(void)
{
    for (int i = 0; i < HOLDER_NS; i++)
        holder(holder(0));
}

static void holders_stop(void)
{
    for (int i = 0; i < nholders; i++)
        kill(holders[i], SIGKILL);
    for (int i = 0; i < nholders; i++)
        wait_status(holders[i], "holder");
    nholders = 0;
}

/* ---- list --------------------------------------------------------------- */

struct counts { int all, uts; };

static int count_cb(const struct ns_info *info, void *arg)
{
    struct counts *c = arg;
    c->all++;
    c->uts += info->type == NS_UTS;
    return 0;
}

static struct counts list_lib(int64_t *ns)
{
    struct counts c = { 0, 0 };
    int64_t t0 = now_ns();
    int rc = ns_list(0, count_cb, &c);
    *ns = now_ns() - t0;
    if (rc < 0 || rc != c.all)
        die("ns_list: %d (%s)", rc, ns_last_error());
    return c;
}

static char *lsns_argv[] = { "lsns", "-r", "-n", NULL };

static void list_lsns(int64_t *ns)
{
    int64_t t0 = now_ns();
    int st = run_prog(lsns_path, lsns_argv, -1);
    *ns = now_ns() - t0;
    if (st != 0)
        die("lsns -r -n ended with status %d", st);
}

/* lsns's own count, from its output: lines, and lines of type uts. */
static struct counts list_lsns_counts(void)
{
    FILE *f = tmpfile();
    if (!f)
        die("tmpfile: %s", strerror(errno));
    if (run_prog(lsns_path, lsns_argv, fileno(f)) != 0)
        die("lsns -r -n failed");
    rewind(f);
    struct counts c = { 0, 0 };
    char line[1024], type[32];
    while (fgets(line, sizeof line, f)) {
        c.all++;
        if (sscanf(line, "%*s %31s", type) == 1 && strcmp(type, "uts") == 0)
            c.uts++;
    }
    fclose(f);
    return c;
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

/* Alternating batches of lib and raw; per-call nanoseconds, median. */
static void calls(void (*lib)(long), void (*raw)(long), long total, int batches,
                  struct stat3 *r_lib, struct stat3 *r_raw)
{
    long per = total / batches;
    double *s_lib = calloc(batches, sizeof(double));
    double *s_raw = calloc(batches, sizeof(double));
    lib(per / 10 + 1); /* warm-up */
    raw(per / 10 + 1);
    for (int b = 0; b < batches; b++) {
        for (int k = 0; k < 2; k++) {
            int is_lib = (k + b) % 2 == 0;
            int64_t t0 = now_ns();
            (is_lib ? lib : raw)(per);
            double t = (double)(now_ns() - t0) / per;
            (is_lib ? s_lib : s_raw)[b] = t;
        }
    }
    *r_lib = summarize(s_lib, batches);
    *r_raw = summarize(s_raw, batches);
    free(s_lib);
    free(s_raw);
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
    return run_prog(ip_path, argv, -1);
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

/* ---- two-contender runs (list, netns) ----------------------------------- */

typedef void (*one_fn)(int i, int64_t *ns);

static void pairs(one_fn a, one_fn b, int n, struct stat3 *ra, struct stat3 *rb)
{
    double *sa = calloc(n, sizeof(double)), *sb = calloc(n, sizeof(double));
    for (int i = -WARMUP; i < n; i++) {
        int64_t ta, tb;
        if ((i + WARMUP) % 2 == 0) {
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
    *ra = summarize(sa, n);
    *rb = summarize(sb, n);
    free(sa);
    free(sb);
}

static void pair_list_lib(int i, int64_t *ns) { (void)i; list_lib(ns); }
static void pair_list_lsns(int i, int64_t *ns) { (void)i; list_lsns(ns); }

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

static int passes, misses;

static void row(const char *what, const char *unit, struct stat3 a, struct stat3 b)
{
    char ia[48], ib[48];
    snprintf(ia, sizeof ia, "%.1f-%.1f", a.q1, a.q3);
    snprintf(ib, sizeof ib, "%.1f-%.1f", b.q1, b.q3);
    printf("%-7s %-4s %10.1f %10.1f %17s %17s\n", what, unit, a.med, b.med, ia, ib);
}

static void ratio(const char *what, double r, int le, double target)
{
    if (target <= 0) {
        printf("  %-52s %8.2f   (no target)\n", what, r);
        return;
    }
    int ok = le ? r <= target : r >= target;
    ok ? passes++ : misses++;
    printf("  %-52s %8.2f   target %s %-5g %s\n", what, r, le ? "<=" : ">=", target,
           ok ? "PASS" : "MISS");
}

static void read_line(const char *path, char *buf, size_t n)
{
    FILE *f = fopen(path, "r");
    snprintf(buf, n, "?");
    if (f) {
        if (fgets(buf, (int)n, f))
            buf[strcspn(buf, "\n")] = 0;
        fclose(f);
    }
}

static void print_machine(void)
{
    char cpu[256] = "?", line[512], rel[128];
    FILE *f = fopen("/proc/cpuinfo", "r");
    while (f && fgets(line, sizeof line, f)) {
        char *p = strchr(line, ':');
        if (strncmp(line, "model name", 10) == 0 && p) {
            snprintf(cpu, sizeof cpu, "%s", p + 2);
            cpu[strcspn(cpu, "\n")] = 0;
            break;
        }
    }
    if (f)
        fclose(f);
    read_line("/proc/sys/kernel/osrelease", rel, sizeof rel);
    time_t t = time(NULL);
    char date[64];
    strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", gmtime(&t));
    printf("machine: %ld cpus, kernel %s, CPU %s, euid %d; %s; liblinuxns %s\n",
           sysconf(_SC_NPROCESSORS_ONLN), rel, cpu, (int)geteuid(), date, ns_version());
}

int main(int argc, char **argv)
{
    if (argc != 3 && argc != 7) {
        fprintf(stderr, "usage: %s LSNS IP [N_LIST CALLS BATCHES N_NETNS]\n", argv[0]);
        return 2;
    }
    lsns_path = argv[1];
    ip_path = argv[2];
    int n_list = argc == 7 ? atoi(argv[3]) : 100;
    long n_calls = argc == 7 ? atol(argv[4]) : 200000;
    int batches = argc == 7 ? atoi(argv[5]) : 20;
    int n_netns = argc == 7 ? atoi(argv[6]) : 100;
    if (n_list < 1 || batches < 1 || n_calls < batches || n_netns < 1)
        die("counts must be >= 1 (and CALLS >= BATCHES)");
    if (geteuid() != 0)
        die("run as root (setns, netns)");
    signal(SIGPIPE, SIG_IGN);

    print_machine();
    printf("lsns: %s; ip: %s\n", lsns_path, ip_path);
    printf("iterations: list %d, netns %d (+%d warm-up each, order alternating); "
           "setns/open %ld calls each in %d alternating batches\n",
           n_list, n_netns, WARMUP, n_calls, batches);

    /* list: both must see the holders' namespaces. */
    int64_t t;
    struct counts base_lib = list_lib(&t), base_lsns = list_lsns_counts();
    holders_start();
    struct counts lib = list_lib(&t), lsns = list_lsns_counts();
    printf("list: %d extra processes in %d extra uts namespaces\n", nholders, HOLDER_NS);
    printf("  namespaces seen   before: ns_list %d (uts %d), lsns %d (uts %d); "
           "with holders: ns_list %d (uts %d), lsns %d (uts %d)\n",
           base_lib.all, base_lib.uts, base_lsns.all, base_lsns.uts,
           lib.all, lib.uts, lsns.all, lsns.uts);
    if (lib.uts - base_lib.uts != HOLDER_NS || lsns.uts - base_lsns.uts != HOLDER_NS)
        die("check: ns_list or lsns did not see the %d extra uts namespaces", HOLDER_NS);
    fflush(stdout);
    struct stat3 l_lib, l_lsns;
    pairs(pair_list_lib, pair_list_lsns, n_list, &l_lib, &l_lsns);
    holders_stop();

    /* setns and open */
    uts_fd = open("/proc/thread-self/ns/uts", O_RDONLY | O_CLOEXEC);
    if (uts_fd < 0)
        die("open /proc/thread-self/ns/uts: %s", strerror(errno));
    struct stat st;
    if (stat("/proc/thread-self/ns/net", &st) != 0)
        die("stat /proc/thread-self/ns/net: %s", strerror(errno));
    net_id = st.st_ino;
    struct stat3 s_lib, s_raw, o_lib, o_raw;
    calls(setns_lib, setns_raw, n_calls, batches, &s_lib, &s_raw);
    calls(open_lib, open_raw, n_calls, batches, &o_lib, &o_raw);
    close(uts_fd);

    /* netns */
    netns_check();
    printf("netns: ns_netns_add/del and ip netns add/del delete each other's namespaces\n");
    fflush(stdout);
    struct stat3 n_lib, n_ip;
    pairs(pair_netns_lib, pair_netns_ip, n_netns, &n_lib, &n_ip);

    printf("\nlist   ns_list(0, cb, arg)                 | lsns -r -n (spawned, waited for)\n"
           "setns  ns_setns(fd, NS_UTS)                | setns(fd, CLONE_NEWUTS)\n"
           "open   ns_open_pid(0, NS_NET)+ns_id+close  | open(/proc/thread-self/ns/net)+fstat+close\n"
           "netns  ns_netns_add+close+ns_netns_del     | ip netns add + ip netns del (spawned)\n\n");
    printf("%-7s %-4s %10s %10s %17s %17s\n", "test", "unit", "linuxns", "other",
           "linuxns IQR", "other IQR");
    row("list", "us", l_lib, l_lsns);
    row("setns", "ns", s_lib, s_raw);
    row("open", "ns", o_lib, o_raw);
    row("netns", "us", n_lib, n_ip);
    printf("(medians; list and netns per run, setns and open per call; "
           "IQR 25th-75th percentile)\n");

    printf("\nratios of medians:\n");
    ratio("lsns / ns_list", l_lsns.med / l_lib.med, 0, 5);
    ratio("ns_setns / setns(2)", s_lib.med / s_raw.med, 1, 1.05);
    ratio("ns_open_pid+ns_id+close / open+fstat+close", o_lib.med / o_raw.med, 1, 1.10);
    ratio("ip netns add+del / ns_netns_add+del", n_ip.med / n_lib.med, 0, 0);
    printf("\ntargets: %d PASS, %d MISS\n", passes, misses);
    return 0;
}
