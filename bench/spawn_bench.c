/*
 * spawn_bench: the cost of spawning a no-op program in new namespaces,
 * ns_spawn against the raw syscalls and against peers.
 *
 * Contenders (each spawns the no-op, then waits for it):
 *   floor        clone(CLONE_VM|CLONE_VFORK|flags) on a stack of its own,
 *                the child writes its own single-id maps, execve (in here)
 *   ns_spawn     liblinuxns, attr set_namespaces + map_root (in here)
 *   linuxns-rs   the same library's safe Rust API, linuxns::Command
 *                (helper process, bench/linuxns-rs)
 *   ns_spawn@rs  control: ns_spawn through the C API, in the linuxns-rs
 *                helper process (its "runc" command)
 *   unshare-rs   the Rust crate `unshare` 0.7 (helper process, bench/unshare-rs)
 *   unshare(1)   util-linux unshare, started with posix_spawn (in here)
 *   go-exec      Go os/exec with SysProcAttr (helper process, bench/go-helper)
 *
 * Helper protocol (helper's fd 3 reads commands, fd 4 writes answers, one
 * line each):
 *   "prog PATH"  -> "ok"            program to spawn from now on
 *   "mem MIB"    -> "ok"            allocate and touch MIB MiB, keep it
 *   "run SET"    -> "<ns> <status>" one spawn+wait, SET none|six|net;
 *                                   ns measured inside the helper; status is
 *                                   the exit code, or -signal
 *   "runc SET"   -> "<ns> <status>" (linuxns-rs helper only) the same with
 *                                   ns_spawn + waitpid through the C API
 *   anything failing                 -> "err <text>"
 *
 * Runs are interleaved: in each iteration every (namespace set, contender)
 * pair spawns once, in an order shuffled afresh for every (iteration, set).
 * Medians are reported; every ratio of medians comes with a 95% percentile
 * bootstrap interval (iterations resampled, pairs kept together).
 *
 * usage: spawn_bench NOOP NSCHECK RUST_HELPER GO_HELPER LINUXNS_HELPER
 *                    [N_SMALL N_LARGE]
 * BENCH_SEED (environment) fixes the shuffle and bootstrap seed.
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
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

enum { C_FLOOR, C_NSSPAWN, C_LNRS, C_LNC, C_CRATE, C_UNSHARE1, C_GO, NCONT };
static const char *cont_name[NCONT] = {
    "floor", "ns_spawn", "linuxns-rs", "ns_spawn@rs", "unshare-rs", "unshare(1)", "go-exec",
};

enum { S_NONE, S_SIX, S_NET, NSETS };
static const char *set_word[NSETS] = { "none", "six", "net" };
static const char *set_name[NSETS] = {
    "none", "user+pid+mnt+uts+ipc+cgroup", "user+pid+mnt+uts+ipc+cgroup+net",
};
#define SIX_CLONE (CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | \
                   CLONE_NEWIPC | CLONE_NEWCGROUP)
static const int set_clone[NSETS] = { 0, SIX_CLONE, SIX_CLONE | CLONE_NEWNET };
#define SIX_NS (NS_USER | NS_PID | NS_MNT | NS_UTS | NS_IPC | NS_CGROUP)
static const int set_ns[NSETS] = { 0, SIX_NS, SIX_NS | NS_NET };
/* nscheck.sh's answer: bits user pid mnt uts ipc cgroup net, 128 = maps */
static const int set_check[NSETS] = { 0, 63 | 128, 127 | 128 };

enum { M_SMALL, M_LARGE, NMEM };
static const char *mem_name[NMEM] = { "~0", "1 GiB" };
#define LARGE_MIB 1024

static const char *prog;            /* what the in-process contenders spawn */
static const char *unshare_path;
static ns_spawn_attr *attrs[NSETS]; /* NULL for "none" */
static char uidmap_line[64], gidmap_line[64];
static char *floor_stack_top;

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "spawn_bench: ");
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

/* exit code, or -signal */
static int wait_status(pid_t pid, const char *who)
{
    int st;
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR)
            die("%s: waitpid: %s", who, strerror(errno));
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
}

/* ---- floor: the same kernel work by hand -------------------------------- */

struct floor_arg {
    char *const *argv;
    int userns;
};

static int write_file(const char *path, const char *s)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t n = strlen(s);
    ssize_t w = write(fd, s, n);
    close(fd);
    return w == (ssize_t)n ? 0 : -1;
}

static int floor_child(void *p)
{
    const struct floor_arg *a = p;
    if (a->userns) {
        if (write_file("/proc/self/setgroups", "deny") ||
            write_file("/proc/self/gid_map", gidmap_line) ||
            write_file("/proc/self/uid_map", uidmap_line))
            _exit(126);
    }
    execve(prog, a->argv, environ);
    _exit(127);
}

static int run_floor(int set, int64_t *ns)
{
    char *argv[] = { (char *)prog, NULL };
    struct floor_arg a = { argv, set != S_NONE };
    int64_t t0 = now_ns();
    pid_t pid = clone(floor_child, floor_stack_top,
                      CLONE_VM | CLONE_VFORK | SIGCHLD | set_clone[set], &a);
    if (pid < 0)
        die("floor: clone: %s", strerror(errno));
    int st = wait_status(pid, "floor");
    *ns = now_ns() - t0;
    return st;
}

/* ---- ns_spawn ----------------------------------------------------------- */

static int run_nsspawn(int set, int64_t *ns)
{
    char *argv[] = { (char *)prog, NULL };
    int64_t t0 = now_ns();
    pid_t pid = ns_spawn(prog, argv, NULL, attrs[set], NULL);
    if (pid < 0)
        die("ns_spawn (%s): %s (%s)", set_name[set], strerror(-pid), ns_last_error());
    int st = wait_status(pid, "ns_spawn");
    *ns = now_ns() - t0;
    return st;
}

/* ---- util-linux unshare(1) ---------------------------------------------- */

static int run_unshare1(int set, int64_t *ns)
{
    char *argv[16];
    int n = 0;
    argv[n++] = "unshare";
    if (set != S_NONE) {
        argv[n++] = "--user";
        argv[n++] = "--map-root-user";
        argv[n++] = "--pid";
        argv[n++] = "--fork";
        argv[n++] = "--mount";
        argv[n++] = "--uts";
        argv[n++] = "--ipc";
        argv[n++] = "--cgroup";
        if (set == S_NET)
            argv[n++] = "--net";
    }
    argv[n++] = (char *)prog;
    argv[n] = NULL;
    pid_t pid;
    int64_t t0 = now_ns();
    int rc = posix_spawn(&pid, unshare_path, NULL, NULL, argv, environ);
    if (rc)
        die("unshare(1): posix_spawn: %s", strerror(rc));
    int st = wait_status(pid, "unshare(1)");
    *ns = now_ns() - t0;
    return st;
}

/* ---- helpers (Rust crate, Go) ------------------------------------------- */

struct helper {
    const char *name;
    pid_t pid;
    FILE *to, *from;
};
enum { H_CRATE, H_GO, H_LNRS, NHELP };
static struct helper helpers[NHELP];

static void helper_start(struct helper *h, const char *name, const char *path)
{
    int cmd[2], ans[2];
    if (pipe2(cmd, O_CLOEXEC) || pipe2(ans, O_CLOEXEC))
        die("pipe2: %s", strerror(errno));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, cmd[0], 3);
    posix_spawn_file_actions_adddup2(&fa, ans[1], 4);
    char *argv[] = { (char *)path, NULL };
    int rc = posix_spawn(&h->pid, path, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc)
        die("%s: posix_spawn %s: %s", name, path, strerror(rc));
    close(cmd[0]);
    close(ans[1]);
    h->name = name;
    h->to = fdopen(cmd[1], "w");
    h->from = fdopen(ans[0], "r");
    if (!h->to || !h->from)
        die("fdopen: %s", strerror(errno));
    setvbuf(h->to, NULL, _IONBF, 0);
}

/* Sends one command line, returns the answer line (static buffer). */
static const char *helper_ask(struct helper *h, const char *fmt, ...)
{
    static char line[512];
    va_list ap;
    va_start(ap, fmt);
    vfprintf(h->to, fmt, ap);
    va_end(ap);
    fputc('\n', h->to);
    if (!fgets(line, sizeof line, h->from))
        die("%s helper: no answer (it died?)", h->name);
    line[strcspn(line, "\n")] = 0;
    if (strncmp(line, "err", 3) == 0)
        die("%s helper: %s", h->name, line);
    return line;
}

static int run_helper(struct helper *h, const char *verb, int set, int64_t *ns)
{
    const char *a = helper_ask(h, "%s %s", verb, set_word[set]);
    long long t;
    int st;
    if (sscanf(a, "%lld %d", &t, &st) != 2)
        die("%s helper: bad answer '%s'", h->name, a);
    *ns = t;
    return st;
}

static void helpers_prog(const char *path)
{
    for (int i = 0; i < NHELP; i++)
        helper_ask(&helpers[i], "prog %s", path);
}

/* ---- one spawn of one contender ----------------------------------------- */

static int run_one(int c, int set, int64_t *ns)
{
    switch (c) {
    case C_FLOOR: return run_floor(set, ns);
    case C_NSSPAWN: return run_nsspawn(set, ns);
    case C_LNRS: return run_helper(&helpers[H_LNRS], "run", set, ns);
    case C_LNC: return run_helper(&helpers[H_LNRS], "runc", set, ns);
    case C_CRATE: return run_helper(&helpers[H_CRATE], "run", set, ns);
    case C_UNSHARE1: return run_unshare1(set, ns);
    default: return run_helper(&helpers[H_GO], "run", set, ns);
    }
}

/* ---- randomness --------------------------------------------------------- */

/* splitmix64: the contender order and the bootstrap resamples. */
static uint64_t rng_state;

static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* uniform in [0, n) (the modulo bias is below 2^-50 for these n) */
static int rng_below(int n)
{
    return (int)(rng_next() % (uint64_t)n);
}

/* Fisher-Yates */
static void shuffle(int *a, int n)
{
    for (int i = n - 1; i > 0; i--) {
        int j = rng_below(i + 1);
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}

/* ---- statistics --------------------------------------------------------- */

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* quantile q of n sorted samples, linear interpolation; in microseconds */
static double quant_us(const int64_t *s, int n, double q)
{
    double pos = q * (n - 1);
    int i = (int)pos;
    double f = pos - i;
    double v = i + 1 < n ? s[i] + f * (s[i + 1] - s[i]) : s[i];
    return v / 1000.0;
}

/* samples in iteration order (for the paired bootstrap) and sorted */
static int64_t *samples[NMEM][NSETS][NCONT], *sorted[NMEM][NSETS][NCONT];
static int nsamp[NMEM];
static double med[NMEM][NSETS][NCONT], q1[NMEM][NSETS][NCONT], q3[NMEM][NSETS][NCONT];

static void measure(int m, int n)
{
    const int warmup = 5;
    nsamp[m] = n;
    for (int s = 0; s < NSETS; s++)
        for (int c = 0; c < NCONT; c++) {
            samples[m][s][c] = calloc(n, sizeof(int64_t));
            sorted[m][s][c] = calloc(n, sizeof(int64_t));
        }
    int order[NCONT];
    for (int i = -warmup; i < n; i++) {
        for (int s = 0; s < NSETS; s++) {
            for (int k = 0; k < NCONT; k++)
                order[k] = k;
            shuffle(order, NCONT);
            for (int k = 0; k < NCONT; k++) {
                int c = order[k];
                int64_t t;
                int st = run_one(c, s, &t);
                if (st != 0)
                    die("%s (%s, %s): the no-op ended with status %d",
                        cont_name[c], set_name[s], mem_name[m], st);
                if (i >= 0)
                    samples[m][s][c][i] = t;
            }
        }
    }
    for (int s = 0; s < NSETS; s++)
        for (int c = 0; c < NCONT; c++) {
            memcpy(sorted[m][s][c], samples[m][s][c], n * sizeof(int64_t));
            qsort(sorted[m][s][c], n, sizeof(int64_t), cmp_i64);
            med[m][s][c] = quant_us(sorted[m][s][c], n, 0.5);
            q1[m][s][c] = quant_us(sorted[m][s][c], n, 0.25);
            q3[m][s][c] = quant_us(sorted[m][s][c], n, 0.75);
        }
}

/* k-th smallest of a[0..n) (Hoare quickselect, reorders a) */
static int64_t select_k(int64_t *a, int n, int k)
{
    int lo = 0, hi = n - 1;
    while (lo < hi) {
        int64_t pivot = a[lo + rng_below(hi - lo + 1)];
        int i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i <= j) {
                int64_t t = a[i];
                a[i++] = a[j];
                a[j--] = t;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            break;
    }
    return a[k];
}

/* median of a[0..n), as quant_us(.., 0.5) (reorders a) */
static double median_of(int64_t *a, int n)
{
    int k = (n - 1) / 2;
    double lo = (double)select_k(a, n, k);
    if (n % 2)
        return lo;
    int64_t hi = a[k + 1]; /* everything after k is >= a[k] now */
    for (int i = k + 2; i < n; i++)
        if (a[i] < hi)
            hi = a[i];
    return (lo + (double)hi) / 2;
}

#define BOOT 2000

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/*
 * 95% percentile bootstrap interval of median(a) / median(b). Paired (a and
 * b from the same iterations of one interleaved run): the iterations are
 * resampled and each keeps its a and b together. Unpaired (different runs):
 * each is resampled on its own.
 */
static void boot_ci(const int64_t *a, int na, const int64_t *b, int nb, int paired,
                    double *lo, double *hi)
{
    static double r[BOOT];
    int64_t *ba = malloc(na * sizeof(int64_t)), *bb = malloc(nb * sizeof(int64_t));
    if (!ba || !bb)
        die("malloc: %s", strerror(errno));
    for (int k = 0; k < BOOT; k++) {
        for (int i = 0; i < na; i++) {
            int j = rng_below(na);
            ba[i] = a[j];
            if (paired)
                bb[i] = b[j];
        }
        if (!paired)
            for (int i = 0; i < nb; i++)
                bb[i] = b[rng_below(nb)];
        r[k] = median_of(ba, na) / median_of(bb, nb);
    }
    free(ba);
    free(bb);
    qsort(r, BOOT, sizeof(double), cmp_double);
    *lo = r[(int)(0.025 * BOOT)];
    *hi = r[(int)(0.975 * BOOT) - 1];
}

/* ---- output ------------------------------------------------------------- */

static const char *short_set[NSETS] = { "none", "6ns", "6ns+net" };

static void print_table(const char *title, double v[NMEM][NSETS][NCONT], int iqr)
{
    printf("%s\n", title);
    printf("%-9s %-6s", "ns set", "memory");
    for (int c = 0; c < NCONT; c++)
        printf(" %*s", iqr ? 13 : 11, cont_name[c]);
    printf("\n");
    for (int s = 0; s < NSETS; s++)
        for (int m = 0; m < NMEM; m++) {
            printf("%-9s %-6s", short_set[s], mem_name[m]);
            for (int c = 0; c < NCONT; c++) {
                if (iqr) {
                    char b[32];
                    snprintf(b, sizeof b, "%.0f-%.0f", q1[m][s][c], q3[m][s][c]);
                    printf(" %13s", b);
                } else {
                    printf(" %11.1f", v[m][s][c]);
                }
            }
            printf("\n");
        }
}

static int passes, misses;

/*
 * Prints median(a) / median(b) with its 95% bootstrap interval, paired when
 * both come from the same run (same memory size); with a target when le is
 * 0 (>=) or 1 (<=), none when -1. bound: PASS/MISS on the interval's far
 * end (the upper bound for <=, the lower for >=) instead of the ratio.
 */
static void ratio(const char *what, int ma, int sa, int ca, int mb, int sb, int cb,
                  int le, double target, int bound)
{
    double r = med[ma][sa][ca] / med[mb][sb][cb], lo, hi;
    boot_ci(samples[ma][sa][ca], nsamp[ma], samples[mb][sb][cb], nsamp[mb], ma == mb,
            &lo, &hi);
    char ci[48];
    snprintf(ci, sizeof ci, "[%.2f, %.2f]", lo, hi);
    if (le < 0) {
        printf("  %-40s %8.2f  %s\n", what, r, ci);
        return;
    }
    double v = bound ? (le ? hi : lo) : r;
    int ok = le ? v <= target : v >= target;
    ok ? passes++ : misses++;
    printf("  %-40s %8.2f  %-16s  target %s %-5g %s%s\n", what, r, ci, le ? "<=" : ">=",
           target, ok ? "PASS" : "MISS",
           bound ? (le ? " (on the upper bound)" : " (on the lower bound)") : "");
}

static void print_machine(void)
{
    char buf[256] = "?";
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[512];
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, "model name", 10) == 0) {
            char *p = strchr(line, ':');
            if (p) {
                snprintf(buf, sizeof buf, "%s", p + 2);
                buf[strcspn(buf, "\n")] = 0;
            }
            break;
        }
    }
    if (f)
        fclose(f);
    char thp[128] = "?";
    f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
    if (f) {
        if (fgets(thp, sizeof thp, f))
            thp[strcspn(thp, "\n")] = 0;
        fclose(f);
    }
    char rel[128] = "?";
    f = fopen("/proc/sys/kernel/osrelease", "r");
    if (f) {
        if (fgets(rel, sizeof rel, f))
            rel[strcspn(rel, "\n")] = 0;
        fclose(f);
    }
    time_t t = time(NULL);
    char date[64];
    strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", gmtime(&t));
    printf("machine: %ld cpus, kernel %s, CPU %s, THP %s, euid %d; %s; liblinuxns %s\n",
           sysconf(_SC_NPROCESSORS_ONLN), rel, buf, thp, (int)geteuid(), date, ns_version());
}

/* Rss and AnonHugePages of a process, MiB, from smaps_rollup. */
static void print_mem(const char *who, pid_t pid)
{
    char path[64], line[256];
    long rss = -1, huge = -1;
    snprintf(path, sizeof path, "/proc/%d/smaps_rollup", (int)pid);
    FILE *f = fopen(path, "r");
    while (f && fgets(line, sizeof line, f)) {
        sscanf(line, "Rss: %ld kB", &rss);
        sscanf(line, "AnonHugePages: %ld kB", &huge);
    }
    if (f)
        fclose(f);
    printf("  %-12s Rss %5ld MiB, of it in transparent huge pages %5ld MiB\n",
           who, rss / 1024, huge / 1024);
}

/* ---- main --------------------------------------------------------------- */

static char *find_in_path(const char *name)
{
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/bin:/bin";
    char *copy = strdup(path), *save = NULL;
    for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
        char *full;
        if (asprintf(&full, "%s/%s", d, name) < 0)
            break;
        if (access(full, X_OK) == 0) {
            free(copy);
            return full;
        }
        free(full);
    }
    free(copy);
    return NULL;
}

static void set_ref_ns(void)
{
    static const char *names[] = { "user", "pid", "mnt", "uts", "ipc", "cgroup", "net" };
    char all[512] = "";
    for (int i = 0; i < 7; i++) {
        char p[64], l[64];
        snprintf(p, sizeof p, "/proc/self/ns/%s", names[i]);
        ssize_t n = readlink(p, l, sizeof l - 1);
        if (n < 0)
            die("readlink %s: %s", p, strerror(errno));
        l[n] = 0;
        strcat(all, l);
        strcat(all, " ");
    }
    setenv("BENCH_REF_NS", all, 1);
}

int main(int argc, char **argv)
{
    if (argc != 6 && argc != 8) {
        fprintf(stderr, "usage: %s NOOP NSCHECK RUST_HELPER GO_HELPER LINUXNS_HELPER "
                "[N_SMALL N_LARGE]\n", argv[0]);
        return 2;
    }
    const char *noop = argv[1], *nscheck = argv[2];
    int n_small = argc == 8 ? atoi(argv[6]) : 1000;
    int n_large = argc == 8 ? atoi(argv[7]) : 150;
    if (n_small < 1 || n_large < 1)
        die("iteration counts must be >= 1");
    unshare_path = find_in_path("unshare");
    if (!unshare_path)
        die("unshare(1) not found in PATH (util-linux)");
    const char *seed_env = getenv("BENCH_SEED");
    uint64_t seed;
    if (seed_env && *seed_env)
        seed = strtoull(seed_env, NULL, 0);
    else if (getrandom(&seed, sizeof seed, 0) != sizeof seed)
        seed = (uint64_t)now_ns() ^ ((uint64_t)getpid() << 32);
    rng_state = seed;

    snprintf(uidmap_line, sizeof uidmap_line, "0 %u 1", (unsigned)geteuid());
    snprintf(gidmap_line, sizeof gidmap_line, "0 %u 1", (unsigned)getegid());
    size_t stack_size = 256 * 1024;
    char *stack = mmap(NULL, stack_size, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED)
        die("mmap: %s", strerror(errno));
    floor_stack_top = stack + stack_size;

    for (int s = 0; s < NSETS; s++) {
        if (s == S_NONE)
            continue; /* attr NULL: a plain spawn */
        attrs[s] = ns_spawn_attr_new();
        if (!attrs[s])
            die("ns_spawn_attr_new: %s", strerror(errno));
        int rc = ns_spawn_attr_set_namespaces(attrs[s], set_ns[s]);
        if (rc == 0)
            rc = ns_spawn_attr_map_root(attrs[s]);
        if (rc < 0)
            die("ns_spawn_attr (%s): %s (%s)", set_name[s], strerror(-rc), ns_last_error());
    }

    set_ref_ns();
    signal(SIGPIPE, SIG_IGN);
    helper_start(&helpers[H_CRATE], "unshare-rs", argv[3]);
    helper_start(&helpers[H_GO], "go-exec", argv[4]);
    helper_start(&helpers[H_LNRS], "linuxns-rs", argv[5]);

    print_machine();
    printf("no-op: %s (static, no libc); unshare(1): %s\n", noop, unshare_path);
    printf("iterations: %d at ~0, %d at 1 GiB (+5 warm-up each, not counted); "
           "interleaved, contender order shuffled for every iteration and set "
           "(BENCH_SEED=%llu)\n", n_small, n_large, (unsigned long long)seed);
    fflush(stdout);

    /* Each contender, each set: does it really set up those namespaces? */
    prog = nscheck;
    helpers_prog(nscheck);
    for (int s = 0; s < NSETS; s++)
        for (int c = 0; c < NCONT; c++) {
            int64_t t;
            int st = run_one(c, s, &t);
            if (st != set_check[s])
                die("check: %s with %s: nscheck.sh answered %d, expected %d "
                    "(bits: 1 user 2 pid 4 mnt 8 uts 16 ipc 32 cgroup 64 net 128 maps)",
                    cont_name[c], set_name[s], st, set_check[s]);
        }
    printf("check: every contender creates exactly the namespaces of each set, "
           "with a single-id root map\n");
    fflush(stdout);

    prog = noop;
    helpers_prog(noop);
    measure(M_SMALL, n_small);

    /* Every contender's own process holds 1 GiB, touched. */
    size_t big = (size_t)LARGE_MIB << 20;
    char *ballast = malloc(big);
    if (!ballast)
        die("malloc 1 GiB: %s", strerror(errno));
    memset(ballast, 1, big);
    __asm__ volatile("" : : "r"(ballast) : "memory");
    for (int i = 0; i < NHELP; i++)
        helper_ask(&helpers[i], "mem %d", LARGE_MIB);
    printf("memory held during the 1 GiB runs:\n");
    print_mem("driver", getpid());
    for (int i = 0; i < NHELP; i++)
        print_mem(helpers[i].name, helpers[i].pid);
    fflush(stdout);
    measure(M_LARGE, n_large);

    printf("\n");
    print_table("median microseconds per spawn+wait (6ns = user+pid+mnt+uts+ipc+cgroup)", med, 0);
    printf("\n");
    print_table("interquartile range, microseconds (25th-75th percentile)", med, 1);

    printf("\nratios of medians, [95%% bootstrap interval] (%d resamples of the iterations;\n"
           "PASS/MISS on the ratio itself unless marked as on a bound):\n", BOOT);
    char what[128];
    for (int s = 0; s < NSETS; s++) {
        snprintf(what, sizeof what, "ns_spawn / floor, %s, ~0", short_set[s]);
        ratio(what, M_SMALL, s, C_NSSPAWN, M_SMALL, s, C_FLOOR, 1, 1.15, 0);
    }
    for (int s = 0; s < NSETS; s++) {
        snprintf(what, sizeof what, "ns_spawn 1 GiB / ns_spawn ~0, %s", short_set[s]);
        ratio(what, M_LARGE, s, C_NSSPAWN, M_SMALL, s, C_NSSPAWN, 1, 1.2, 0);
    }
    ratio("unshare-rs / ns_spawn, 6ns, ~0", M_SMALL, S_SIX, C_CRATE, M_SMALL, S_SIX, C_NSSPAWN,
          0, 1.8, 0);
    ratio("unshare-rs / ns_spawn, 6ns, 1 GiB", M_LARGE, S_SIX, C_CRATE, M_LARGE, S_SIX, C_NSSPAWN,
          0, 50, 0);
    for (int m = 0; m < NMEM; m++)
        for (int s = 0; s < NSETS; s++) {
            snprintf(what, sizeof what, "linuxns-rs / ns_spawn, %s, %s", short_set[s], mem_name[m]);
            ratio(what, m, s, C_LNRS, m, s, C_NSSPAWN, 1, 1.05, 1);
        }

    printf("\nthe Rust API (no target):\n");
    for (int m = 0; m < NMEM; m++)
        for (int s = 0; s < NSETS; s++) {
            snprintf(what, sizeof what, "unshare-rs / linuxns-rs, %s, %s", short_set[s], mem_name[m]);
            ratio(what, m, s, C_CRATE, m, s, C_LNRS, -1, 0, 0);
        }
    printf("control, ns_spawn inside the linuxns-rs helper (no target):\n");
    for (int m = 0; m < NMEM; m++)
        for (int s = 0; s < NSETS; s++) {
            snprintf(what, sizeof what, "linuxns-rs / ns_spawn@rs, %s, %s", short_set[s], mem_name[m]);
            ratio(what, m, s, C_LNRS, m, s, C_LNC, -1, 0, 0);
        }
    for (int m = 0; m < NMEM; m++)
        for (int s = 0; s < NSETS; s++) {
            snprintf(what, sizeof what, "ns_spawn@rs / ns_spawn, %s, %s", short_set[s], mem_name[m]);
            ratio(what, m, s, C_LNC, m, s, C_NSSPAWN, -1, 0, 0);
        }

    printf("\nother ratios (no target):\n");
    for (int m = 0; m < NMEM; m++)
        for (int s = 0; s < NSETS; s++) {
            if (m == M_LARGE) {
                snprintf(what, sizeof what, "ns_spawn / floor, %s, %s", short_set[s], mem_name[m]);
                ratio(what, m, s, C_NSSPAWN, m, s, C_FLOOR, -1, 0, 0);
            }
            snprintf(what, sizeof what, "unshare(1) / ns_spawn, %s, %s", short_set[s], mem_name[m]);
            ratio(what, m, s, C_UNSHARE1, m, s, C_NSSPAWN, -1, 0, 0);
            snprintf(what, sizeof what, "go-exec / ns_spawn, %s, %s", short_set[s], mem_name[m]);
            ratio(what, m, s, C_GO, m, s, C_NSSPAWN, -1, 0, 0);
            if (s != S_SIX) {
                snprintf(what, sizeof what, "unshare-rs / ns_spawn, %s, %s", short_set[s], mem_name[m]);
                ratio(what, m, s, C_CRATE, m, s, C_NSSPAWN, -1, 0, 0);
            }
        }
    printf("\ntargets: %d PASS, %d MISS\n", passes, misses);

    for (int i = 0; i < NHELP; i++) {
        fclose(helpers[i].to); /* EOF: the helper exits */
        fclose(helpers[i].from);
        wait_status(helpers[i].pid, helpers[i].name);
    }
    for (int s = 0; s < NSETS; s++)
        ns_spawn_attr_free(attrs[s]);
    free(ballast);
    return 0;
}
