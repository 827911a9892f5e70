/*
 * spawn_bench: the cost of spawning a no-op program in new namespaces,
 * ns_spawn against the raw syscalls and against peers.
 *
 * Contenders (each spawns the no-op, then waits for it):
 *   floor           clone(CLONE_VM|CLONE_VFORK|flags) on a stack of its own,
 *                   the child writes its own single-id maps, execve
 *   floor+contract  the same, and in the child what ns_spawn's contract
 *                   makes it do there: a private mount tree (sets with a
 *                   new mount namespace), every signal disposition back to
 *                   SIG_DFL, an empty signal mask, in the library's order
 *   ns_spawn        liblinuxns, attr set_namespaces + map_root
 *   linuxns-rs      the same library's safe Rust API, linuxns::Command
 *                   (helper process, bench/linuxns-rs)
 *   ns_spawn@rs     control: ns_spawn through the C API, in the linuxns-rs
 *                   helper process (its "runc" command), asking for a pidfd
 *                   as linuxns::Command's Child holds one (ns_spawn without
 *                   one makes none): the Rust API's equal-work reference
 *   unshare-rs      the Rust crate `unshare` 0.7 (helper, bench/unshare-rs)
 *   unshare(1)      util-linux unshare, started with posix_spawn
 *   go-exec         Go os/exec with SysProcAttr (helper, bench/go-helper)
 *
 * Caller memory ~0 and 1 GiB, measured in the same iterations. Every
 * contender has a process at ~0 and a process holding 1 GiB (allocated and
 * written): floor, floor+contract, ns_spawn and unshare(1) run in this
 * driver at ~0 and in its twin at 1 GiB (this same program started with
 * --twin, driven over pipes like the helpers); every helper is started
 * twice, once told to hold 1 GiB.
 *
 * Protocol of the twin and the helpers (fd 3 reads commands, fd 4 writes
 * answers, one line each):
 *   "prog PATH"  -> "ok"                  program to spawn from now on
 *   "mem MIB"    -> "ok"                  allocate and touch MIB MiB, keep it
 *   "VERB SET"   -> "<ns> <status> <cpu>" one spawn+wait, SET none|six|net;
 *                                         ns measured by the answering
 *                                         process, status the exit code or
 *                                         -signal, cpu sched_getcpu() right
 *                                         after the wait
 *   VERB: helpers "run" (linuxns-rs also "runc", the ns_spawn@rs control);
 *   the twin "floor", "contract", "nsspawn", "unshare1"
 *   anything failing -> "err <text>"
 *
 * Every iteration runs every (set, memory, contender) cell once, all 48 in
 * one order shuffled afresh for that iteration. Medians per cell; every
 * ratio of medians with a 95% paired bootstrap interval; PASS/MISS on the
 * interval's bound (bstat.h).
 *
 * usage: spawn_bench NOOP NSCHECK CONTRACTCHECK RUST_HELPER GO_HELPER
 *                    LINUXNS_HELPER [N]
 *        spawn_bench --twin UNSHARE      (started by the driver)
 * BENCH_SEED (environment) fixes the shuffle and bootstrap seed;
 * BENCH_RATIOS_OUT also writes every ratio to a file (bstat.h).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linuxns.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "bstat.h"

extern char **environ;

enum { C_FLOOR, C_CONTRACT, C_NSSPAWN, C_LNRS, C_LNC, C_CRATE, C_UNSHARE1, C_GO, NCONT };
static const char *cont_name[NCONT] = {
    "floor", "floor+contract", "ns_spawn", "linuxns-rs", "ns_spawn@rs", "unshare-rs",
    "unshare(1)", "go-exec",
};

enum { S_NONE, S_SIX, S_NET, NSETS };
static const char *set_word[NSETS] = { "none", "six", "net" };
static const char *set_name[NSETS] = {
    "none", "user+pid+mnt+uts+ipc+cgroup", "user+pid+mnt+uts+ipc+cgroup+net",
};
static const char *short_set[NSETS] = { "none", "6ns", "6ns+net" };
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

#define NCELL (NSETS * NMEM * NCONT)
static int cell_of(int s, int m, int c) { return (s * NMEM + m) * NCONT + c; }

#define WARMUP 5

/* ---- the in-process contenders (driver at ~0, twin at 1 GiB) ------------- */

static const char *prog; /* what they spawn */
static const char *unshare_path;
static ns_spawn_attr *attrs[NSETS]; /* NULL for "none" */
static char uidmap_line[64], gidmap_line[64];
static char *floor_stack_top;

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

struct floor_arg {
    char *const *argv;
    int userns, mntns, contract;
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

/*
 * The child of both floors (floor+contract's parent also blocks every
 * signal around the clone and takes a pidfd: see run_floor). floor+contract
 * adds, in the order ns_spawn's child does them (src/spawn/child.rs: final_setup, then run): the mount
 * tree made private (MS_REC|MS_PRIVATE on /, only with a new mount
 * namespace), then SIG_DFL for every signal 1..64 but SIGKILL and SIGSTOP
 * (62 rt_sigaction calls, 32 and 33 included, as the library's ALL_SIGNALS
 * in src/spawn/plan.rs), then an empty mask (rt_sigprocmask
 * SIG_SETMASK), then execve.
 */
static int floor_child(void *p)
{
    const struct floor_arg *a = p;
    if (a->userns) {
        if (write_file("/proc/self/setgroups", "deny") ||
            write_file("/proc/self/gid_map", gidmap_line) ||
            write_file("/proc/self/uid_map", uidmap_line))
            _exit(126);
    }
    if (a->contract) {
        if (a->mntns && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
            _exit(125);
        /* the kernel's struct sigaction with SIG_DFL: all zero */
        static const uint64_t dfl[4];
        for (long sig = 1; sig <= 64; sig++) {
            if (sig == SIGKILL || sig == SIGSTOP)
                continue;
            syscall(SYS_rt_sigaction, sig, dfl, NULL, 8L);
        }
        static const uint64_t empty;
        if (syscall(SYS_rt_sigprocmask, (long)SIG_SETMASK, &empty, NULL, 8L) != 0)
            _exit(124);
    }
    execve(prog, a->argv, environ);
    _exit(127);
}

struct result {
    int64_t ns;
    int status, cpu;
};

static struct result run_floor(int set, int contract)
{
    char *argv[] = { (char *)prog, NULL };
    struct floor_arg a = { argv, set != S_NONE, (set_clone[set] & CLONE_NEWNS) != 0,
                           contract };
    struct result r;
    int64_t t0 = now_ns();
    /* floor+contract also does the parent's part of the contract, as
     * ns_spawn does it: every signal blocked around the clone (no handler
     * of the caller may run in the child before its reset), and a pidfd
     * taken at creation (the outcome must not depend on who else reaps
     * children), closed at once as ns_spawn closes it for a caller that
     * passes no pidfd pointer. */
    sigset_t all, old;
    int pidfd = -1;
    if (contract) {
        sigfillset(&all);
        pthread_sigmask(SIG_SETMASK, &all, &old);
    }
    pid_t pid = clone(floor_child, floor_stack_top,
                      CLONE_VM | CLONE_VFORK | SIGCHLD | set_clone[set] |
                          (contract ? CLONE_PIDFD : 0),
                      &a, contract ? &pidfd : NULL);
    int clone_errno = errno;
    if (contract) {
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        if (pidfd >= 0)
            close(pidfd);
    }
    if (pid < 0)
        die("floor: clone: %s", strerror(clone_errno));
    r.status = wait_status(pid, "floor");
    r.ns = now_ns() - t0;
    r.cpu = sched_getcpu();
    return r;
}

static struct result run_nsspawn(int set)
{
    char *argv[] = { (char *)prog, NULL };
    struct result r;
    int64_t t0 = now_ns();
    pid_t pid = ns_spawn(prog, argv, NULL, attrs[set], NULL);
    if (pid < 0)
        die("ns_spawn (%s): %s (%s)", set_name[set], strerror(-pid), ns_last_error());
    r.status = wait_status(pid, "ns_spawn");
    r.ns = now_ns() - t0;
    r.cpu = sched_getcpu();
    return r;
}

static struct result run_unshare1(int set)
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
    struct result r;
    int64_t t0 = now_ns();
    int rc = posix_spawn(&pid, unshare_path, NULL, NULL, argv, environ);
    if (rc)
        die("unshare(1): posix_spawn: %s", strerror(rc));
    r.status = wait_status(pid, "unshare(1)");
    r.ns = now_ns() - t0;
    r.cpu = sched_getcpu();
    return r;
}

static struct result run_local(int c, int set)
{
    switch (c) {
    case C_FLOOR: return run_floor(set, 0);
    case C_CONTRACT: return run_floor(set, 1);
    case C_NSSPAWN: return run_nsspawn(set);
    case C_UNSHARE1: return run_unshare1(set);
    }
    die("run_local: contender %d is not in-process", c);
    return (struct result){ 0, 0, 0 };
}

static int is_local(int c)
{
    return c == C_FLOOR || c == C_CONTRACT || c == C_NSSPAWN || c == C_UNSHARE1;
}

/*
 * What the driver and its twin share: maps, the floors' stack, the attrs,
 * and the signal state of a caller the contract is about: SIGPIPE ignored
 * and SIGUSR2 blocked (the floor passes both on to the program; ns_spawn
 * and floor+contract must not).
 */
static void setup_local(void)
{
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
    signal(SIGPIPE, SIG_IGN);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, NULL);
}

static char *ballast;

static void hold_memory(int mib)
{
    size_t big = (size_t)mib << 20;
    ballast = malloc(big);
    if (!ballast)
        die("malloc %d MiB: %s", mib, strerror(errno));
    memset(ballast, 1, big);
    __asm__ volatile("" : : "r"(ballast) : "memory");
}

/* ---- the twin: the in-process contenders at 1 GiB ------------------------ */

static int set_index(const char *w)
{
    for (int s = 0; s < NSETS; s++)
        if (strcmp(w, set_word[s]) == 0)
            return s;
    return -1;
}

static int twin_main(const char *unshare)
{
    static const char *verbs[NCONT] = {
        [C_FLOOR] = "floor", [C_CONTRACT] = "contract", [C_NSSPAWN] = "nsspawn",
        [C_UNSHARE1] = "unshare1",
    };
    bench_name = "spawn_bench (twin)";
    unshare_path = unshare;
    fcntl(3, F_SETFD, FD_CLOEXEC);
    fcntl(4, F_SETFD, FD_CLOEXEC);
    setup_local();
    FILE *in = fdopen(3, "r");
    if (!in)
        die("fdopen 3: %s", strerror(errno));
    static char progbuf[4096];
    char line[4200];
    while (fgets(line, sizeof line, in)) {
        line[strcspn(line, "\n")] = 0;
        char *arg = strchr(line, ' ');
        if (arg)
            *arg++ = 0;
        else
            arg = "";
        if (strcmp(line, "prog") == 0) {
            snprintf(progbuf, sizeof progbuf, "%s", arg);
            prog = progbuf;
            dprintf(4, "ok\n");
            continue;
        }
        if (strcmp(line, "mem") == 0) {
            hold_memory(atoi(arg));
            dprintf(4, "ok\n");
            continue;
        }
        int c = -1, s = set_index(arg);
        for (int k = 0; k < NCONT; k++)
            if (verbs[k] && strcmp(verbs[k], line) == 0)
                c = k;
        if (c < 0 || s < 0 || !prog) {
            dprintf(4, "err bad command '%s %s'\n", line, arg);
            continue;
        }
        struct result r = run_local(c, s);
        dprintf(4, "%lld %d %d\n", (long long)r.ns, r.status, r.cpu);
    }
    return 0;
}

/* ---- the processes the driver talks to ----------------------------------- */

struct helper {
    char name[48];
    pid_t pid;
    FILE *to, *from;
};
enum { H_TWIN, H_CRATE, H_GO, H_LNRS, NHELP };
static struct helper helpers[NMEM][NHELP]; /* [M_SMALL][H_TWIN]: the driver, unused */

static void helper_start(struct helper *h, const char *name, char *const argv[])
{
    int cmd[2], ans[2];
    if (pipe2(cmd, O_CLOEXEC) || pipe2(ans, O_CLOEXEC))
        die("pipe2: %s", strerror(errno));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, cmd[0], 3);
    posix_spawn_file_actions_adddup2(&fa, ans[1], 4);
    int rc = posix_spawn(&h->pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc)
        die("%s: posix_spawn %s: %s", name, argv[0], strerror(rc));
    close(cmd[0]);
    close(ans[1]);
    snprintf(h->name, sizeof h->name, "%s", name);
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
        die("%s: no answer (it died?)", h->name);
    line[strcspn(line, "\n")] = 0;
    if (strncmp(line, "err", 3) == 0)
        die("%s: %s", h->name, line);
    return line;
}

static struct result helper_run(struct helper *h, const char *verb, int set)
{
    const char *a = helper_ask(h, "%s %s", verb, set_word[set]);
    long long t;
    struct result r;
    if (sscanf(a, "%lld %d %d", &t, &r.status, &r.cpu) != 3)
        die("%s: bad answer '%s'", h->name, a);
    r.ns = t;
    return r;
}

/* each process that spawns: the driver (NULL) or a helper */
static void for_each_process(void (*f)(struct helper *h, const void *arg), const void *arg)
{
    f(NULL, arg);
    for (int m = 0; m < NMEM; m++)
        for (int i = 0; i < NHELP; i++)
            if (helpers[m][i].pid > 0)
                f(&helpers[m][i], arg);
}

static void set_prog(struct helper *h, const void *path)
{
    if (h)
        helper_ask(h, "prog %s", (const char *)path);
    else
        prog = path;
}

/* ---- one cell ------------------------------------------------------------ */

static struct result run_cell(int s, int m, int c)
{
    static const char *twin_verb[NCONT] = {
        [C_FLOOR] = "floor", [C_CONTRACT] = "contract", [C_NSSPAWN] = "nsspawn",
        [C_UNSHARE1] = "unshare1",
    };
    if (is_local(c))
        return m == M_SMALL ? run_local(c, s) : helper_run(&helpers[m][H_TWIN], twin_verb[c], s);
    switch (c) {
    case C_LNRS: return helper_run(&helpers[m][H_LNRS], "run", s);
    case C_LNC: return helper_run(&helpers[m][H_LNRS], "runc", s);
    case C_CRATE: return helper_run(&helpers[m][H_CRATE], "run", s);
    default: return helper_run(&helpers[m][H_GO], "run", s);
    }
}

/* ---- measuring ------------------------------------------------------------ */

static int n_iter;
static double *samples[NCELL]; /* nanoseconds, in iteration order */
static short *cpus[NCELL];
static struct q3 stat_us[NCELL];

static void measure(void)
{
    for (int k = 0; k < NCELL; k++) {
        samples[k] = xcalloc(n_iter, sizeof(double));
        cpus[k] = xcalloc(n_iter, sizeof(short));
    }
    int order[NCELL];
    for (int i = -WARMUP; i < n_iter; i++) {
        for (int k = 0; k < NCELL; k++)
            order[k] = k;
        shuffle(order, NCELL);
        for (int k = 0; k < NCELL; k++) {
            int cell = order[k];
            int c = cell % NCONT, m = cell / NCONT % NMEM, s = cell / NCONT / NMEM;
            struct result r = run_cell(s, m, c);
            if (r.status != 0)
                die("%s (%s, %s): the no-op ended with status %d", cont_name[c],
                    set_name[s], mem_name[m], r.status);
            if (i >= 0) {
                samples[cell][i] = (double)r.ns;
                cpus[cell][i] = (short)r.cpu;
            }
        }
    }
    for (int k = 0; k < NCELL; k++) {
        struct q3 q = quartiles(samples[k], n_iter);
        stat_us[k] = (struct q3){ q.q1 / 1000, q.med / 1000, q.q3 / 1000 };
    }
}

/* ---- checks ---------------------------------------------------------------- */

static int check_code[NCELL];

static void run_checks(const int *expect, int print)
{
    for (int s = 0; s < NSETS; s++)
        for (int m = 0; m < NMEM; m++)
            for (int c = 0; c < NCONT; c++) {
                struct result r = run_cell(s, m, c);
                check_code[cell_of(s, m, c)] = r.status;
                if (expect && r.status != expect[s])
                    die("check: %s with %s at %s: nscheck.sh answered %d, expected %d "
                        "(bits: 1 user 2 pid 4 mnt 8 uts 16 ipc 32 cgroup 64 net 128 maps)",
                        cont_name[c], set_name[s], mem_name[m], r.status, expect[s]);
            }
    if (!print)
        return;
    printf("contract check (contractcheck.sh in place of the no-op; exit bits: 1 a signal\n"
           "still ignored, 2 a signal still blocked, 4 the root mount still shared or slave;\n"
           "the driver and its twin ignore SIGPIPE and block SIGUSR2):\n");
    printf("  %-15s", "");
    for (int s = 0; s < NSETS; s++)
        for (int m = 0; m < NMEM; m++) {
            char h[32];
            snprintf(h, sizeof h, "%s/%s", short_set[s], mem_name[m]);
            printf(" %13s", h);
        }
    printf("\n");
    for (int c = 0; c < NCONT; c++) {
        printf("  %-15s", cont_name[c]);
        for (int s = 0; s < NSETS; s++)
            for (int m = 0; m < NMEM; m++)
                printf(" %13d", check_code[cell_of(s, m, c)]);
        printf("\n");
    }
    for (int s = 0; s < NSETS; s++)
        for (int m = 0; m < NMEM; m++) {
            int ns = check_code[cell_of(s, m, C_NSSPAWN)];
            int fc = check_code[cell_of(s, m, C_CONTRACT)];
            if (ns < 0 || (ns & 3) != 0)
                die("contract check: ns_spawn (%s, %s) answered %d: it passed on an "
                    "ignored or blocked signal", short_set[s], mem_name[m], ns);
            if (fc != ns)
                die("contract check: floor+contract (%s, %s) answered %d, ns_spawn %d: "
                    "not the same work", short_set[s], mem_name[m], fc, ns);
        }
    printf("  floor+contract leaves what ns_spawn leaves in every cell\n");
    /* Bit 4 can only show where the caller's root mount propagates. */
    char line[1024], prop[256] = "";
    FILE *f = fopen("/proc/self/mountinfo", "r");
    while (f && fgets(line, sizeof line, f)) {
        char mp[512], *sep = strstr(line, " - ");
        if (sscanf(line, "%*s %*s %*s %*s %511s", mp) != 1 || strcmp(mp, "/") != 0 || !sep)
            continue;
        *sep = 0;
        prop[0] = 0;
        /* optional fields: after the 6th field, up to " - " */
        char *p = line;
        for (int k = 0; k < 6 && p; k++) {
            p = strchr(p, ' ');
            if (p)
                p++;
        }
        snprintf(prop, sizeof prop, "%s", p && *p ? p : "private");
    }
    if (f)
        fclose(f);
    printf("  the driver's root mount: %s%s\n", prop,
           strstr(prop, "shared:") || strstr(prop, "master:")
               ? ""
               : " (so bit 4 cannot show here; floor+contract stops with status 125 if "
                 "its mount call fails)");
}

/* ---- output ------------------------------------------------------------------ */

static void print_table(const char *title, int iqr)
{
    printf("%s\n", title);
    printf("%-8s %-6s", "ns set", "memory");
    for (int c = 0; c < NCONT; c++)
        printf(" %*s", iqr ? 14 : 14, cont_name[c]);
    printf("\n");
    for (int s = 0; s < NSETS; s++)
        for (int m = 0; m < NMEM; m++) {
            printf("%-8s %-6s", short_set[s], mem_name[m]);
            for (int c = 0; c < NCONT; c++) {
                struct q3 q = stat_us[cell_of(s, m, c)];
                if (iqr) {
                    char b[32];
                    snprintf(b, sizeof b, "%.0f-%.0f", q.q1, q.q3);
                    printf(" %14s", b);
                } else {
                    printf(" %14.1f", q.med);
                }
            }
            printf("\n");
        }
}

static void print_cpus(void)
{
    int ncpu = (int)sysconf(_SC_NPROCESSORS_CONF);
    if (ncpu < 1 || ncpu > 1024)
        ncpu = 1024;
    int *count = xcalloc(ncpu + 1, sizeof(int)); /* [ncpu]: unknown */
    printf("CPU each measurement ran on (sched_getcpu() right after the wait, in the\n"
           "process that measured; all sets together, %d samples per memory size):\n",
           NSETS * n_iter);
    printf("  %-15s %-32s %s\n", "", "~0", "1 GiB");
    for (int c = 0; c < NCONT; c++) {
        printf("  %-15s", cont_name[c]);
        for (int m = 0; m < NMEM; m++) {
            memset(count, 0, (ncpu + 1) * sizeof(int));
            int total = 0;
            for (int s = 0; s < NSETS; s++)
                for (int i = 0; i < n_iter; i++) {
                    int cpu = cpus[cell_of(s, m, c)][i];
                    count[cpu >= 0 && cpu < ncpu ? cpu : ncpu]++;
                    total++;
                }
            char buf[256] = "";
            size_t len = 0;
            for (int k = 0; k <= ncpu; k++) {
                if (!count[k])
                    continue;
                char one[32];
                if (k < ncpu)
                    snprintf(one, sizeof one, "cpu%d %.0f%% ", k, 100.0 * count[k] / total);
                else
                    snprintf(one, sizeof one, "cpu? %.0f%% ", 100.0 * count[k] / total);
                if (len + strlen(one) < sizeof buf) {
                    strcat(buf, one);
                    len += strlen(one);
                }
            }
            if (m + 1 < NMEM)
                printf(" %-32s", buf);
            else
                printf(" %.*s", (int)(len ? len - 1 : 0), buf); /* no trailing blank */
        }
        printf("\n");
    }
    free(count);
}

/* median(a cell) / median(b cell), paired over the iterations */
static void ratio(int sa, int ma, int ca, int sb, int mb, int cb, int kind, double target,
                  const char *fmt, ...)
{
    char what[128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    ratio_line(what, samples[cell_of(sa, ma, ca)], samples[cell_of(sb, mb, cb)], n_iter,
               kind, target);
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
    printf("  %-18s Rss %5ld MiB, of it in transparent huge pages %5ld MiB\n", who,
           rss / 1024, huge / 1024);
}

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
    bench_name = "spawn_bench";
    if (argc == 3 && strcmp(argv[1], "--twin") == 0)
        return twin_main(argv[2]);
    if (argc != 7 && argc != 8) {
        fprintf(stderr, "usage: %s NOOP NSCHECK CONTRACTCHECK RUST_HELPER GO_HELPER "
                "LINUXNS_HELPER [N]\n", argv[0]);
        return 2;
    }
    const char *noop = argv[1], *nscheck = argv[2], *contractcheck = argv[3];
    n_iter = argc == 8 ? atoi(argv[7]) : 1500;
    if (n_iter < 2)
        die("the iteration count must be >= 2");
    unshare_path = find_in_path("unshare");
    if (!unshare_path)
        die("unshare(1) not found in PATH (util-linux)");
    uint64_t seed = rng_seed();

    setup_local();
    set_ref_ns();

    /* The twin: this program, at 1 GiB. Then each helper twice. */
    char self[4096];
    ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
    if (sl < 0)
        die("readlink /proc/self/exe: %s", strerror(errno));
    self[sl] = 0;
    char *twin_argv[] = { self, "--twin", (char *)unshare_path, NULL };
    helper_start(&helpers[M_LARGE][H_TWIN], "twin (1 GiB)", twin_argv);
    static const char *hname[NHELP] = { "twin", "unshare-rs", "go-exec", "linuxns-rs" };
    const char *hpath[NHELP] = { self, argv[4], argv[5], argv[6] };
    for (int m = 0; m < NMEM; m++)
        for (int i = H_CRATE; i < NHELP; i++) {
            char name[48];
            snprintf(name, sizeof name, "%s (%s)", hname[i], mem_name[m]);
            char *hargv[] = { (char *)hpath[i], NULL };
            helper_start(&helpers[m][i], name, hargv);
        }

    print_machine(ns_version());
    printf("no-op: %s (static, no libc); unshare(1): %s\n", noop, unshare_path);
    printf("iterations: %d (+%d warm-up, not counted), each running all %d cells "
           "(%d sets x %d memory sizes x %d contenders) once, in an order shuffled afresh "
           "for every iteration (BENCH_SEED=%llu)\n",
           n_iter, WARMUP, NCELL, NSETS, NMEM, NCONT, (unsigned long long)seed);
    fflush(stdout);

    for (int i = 0; i < NHELP; i++)
        helper_ask(&helpers[M_LARGE][i], "mem %d", LARGE_MIB);
    printf("memory held by each process that spawns (1 GiB: allocated and written):\n");
    print_mem("driver (~0)", getpid());
    for (int m = 0; m < NMEM; m++)
        for (int i = 0; i < NHELP; i++)
            if (helpers[m][i].pid > 0)
                print_mem(helpers[m][i].name, helpers[m][i].pid);
    fflush(stdout);

    /* Each cell: does it really set up those namespaces? */
    for_each_process(set_prog, nscheck);
    run_checks(set_check, 0);
    printf("check: every contender, at ~0 and 1 GiB, creates exactly the namespaces of "
           "each set, with a single-id root map\n");
    for_each_process(set_prog, contractcheck);
    run_checks(NULL, 1);
    fflush(stdout);

    for_each_process(set_prog, noop);
    int64_t t0 = now_ns();
    measure();
    printf("measured in %.0f s\n\n", (now_ns() - t0) / 1e9);

    print_table("median microseconds per spawn+wait (6ns = user+pid+mnt+uts+ipc+cgroup)", 0);
    printf("\n");
    print_table("interquartile range, microseconds (25th-75th percentile)", 1);
    printf("\n");
    print_cpus();

    printf("\nratios of medians, [95%% paired bootstrap interval] (%d resamples of the "
           "%d iterations);\nPASS/MISS on the interval: <= on its upper bound, >= on its "
           "lower bound, never on the ratio:\n", BOOT, n_iter);
    for (int s = 0; s < NSETS; s++)
        for (int m = 0; m < NMEM; m++)
            ratio(s, m, C_NSSPAWN, s, m, C_CONTRACT, T_LE, 1.05,
                  "ns_spawn / floor+contract, %s, %s", short_set[s], mem_name[m]);
    for (int s = 0; s < NSETS; s++)
        for (int m = 0; m < NMEM; m++)
            ratio(s, m, C_NSSPAWN, s, m, C_FLOOR, T_LE, 1.10, "ns_spawn / floor, %s, %s",
                  short_set[s], mem_name[m]);
    for (int s = 0; s < NSETS; s++)
        ratio(s, M_LARGE, C_NSSPAWN, s, M_SMALL, C_NSSPAWN, T_LE, 1.2,
              "ns_spawn 1 GiB / ns_spawn ~0, %s", short_set[s]);
    ratio(S_SIX, M_SMALL, C_CRATE, S_SIX, M_SMALL, C_NSSPAWN, T_GE, 1.8,
          "unshare-rs / ns_spawn, 6ns, ~0");
    ratio(S_SIX, M_LARGE, C_CRATE, S_SIX, M_LARGE, C_NSSPAWN, T_GE, 50,
          "unshare-rs / ns_spawn, 6ns, 1 GiB");
    for (int s = 0; s < NSETS; s++)
        for (int m = 0; m < NMEM; m++)
            ratio(s, m, C_LNRS, s, m, C_LNC, T_LE, 1.05, "linuxns-rs / ns_spawn@rs, %s, %s",
                  short_set[s], mem_name[m]);

    printf("\nthe contract's own cost (no target):\n");
    for (int s = 0; s < NSETS; s++)
        for (int m = 0; m < NMEM; m++)
            ratio(s, m, C_CONTRACT, s, m, C_FLOOR, T_NONE, 0, "floor+contract / floor, %s, %s",
                  short_set[s], mem_name[m]);
    printf("caller memory, the floors (no target):\n");
    for (int s = 0; s < NSETS; s++)
        ratio(s, M_LARGE, C_FLOOR, s, M_SMALL, C_FLOOR, T_NONE, 0,
              "floor 1 GiB / floor ~0, %s", short_set[s]);
    for (int s = 0; s < NSETS; s++)
        ratio(s, M_LARGE, C_CONTRACT, s, M_SMALL, C_CONTRACT, T_NONE, 0,
              "floor+contract 1 GiB / ~0, %s", short_set[s]);
    printf("the Rust API (no target):\n");
    for (int s = 0; s < NSETS; s++)
        for (int m = 0; m < NMEM; m++)
            ratio(s, m, C_CRATE, s, m, C_LNRS, T_NONE, 0, "unshare-rs / linuxns-rs, %s, %s",
                  short_set[s], mem_name[m]);
    printf("control, ns_spawn inside the linuxns-rs helper, with a pidfd (no target):\n");
    for (int s = 0; s < NSETS; s++)
        for (int m = 0; m < NMEM; m++)
            ratio(s, m, C_LNRS, s, m, C_NSSPAWN, T_NONE, 0, "linuxns-rs / ns_spawn, %s, %s",
                  short_set[s], mem_name[m]);
    for (int s = 0; s < NSETS; s++)
        for (int m = 0; m < NMEM; m++)
            ratio(s, m, C_LNC, s, m, C_NSSPAWN, T_NONE, 0, "ns_spawn@rs / ns_spawn, %s, %s",
                  short_set[s], mem_name[m]);
    printf("other contenders against ns_spawn (no target):\n");
    for (int s = 0; s < NSETS; s++)
        for (int m = 0; m < NMEM; m++) {
            ratio(s, m, C_UNSHARE1, s, m, C_NSSPAWN, T_NONE, 0, "unshare(1) / ns_spawn, %s, %s",
                  short_set[s], mem_name[m]);
            ratio(s, m, C_GO, s, m, C_NSSPAWN, T_NONE, 0, "go-exec / ns_spawn, %s, %s",
                  short_set[s], mem_name[m]);
            if (s != S_SIX)
                ratio(s, m, C_CRATE, s, m, C_NSSPAWN, T_NONE, 0,
                      "unshare-rs / ns_spawn, %s, %s", short_set[s], mem_name[m]);
        }
    printf("\ntargets: %d PASS, %d MISS\n", passes, misses);

    for (int m = 0; m < NMEM; m++)
        for (int i = 0; i < NHELP; i++) {
            struct helper *h = &helpers[m][i];
            if (h->pid <= 0)
                continue;
            fclose(h->to); /* EOF: the helper exits */
            fclose(h->from);
            wait_status(h->pid, h->name);
        }
    for (int s = 0; s < NSETS; s++)
        ns_spawn_attr_free(attrs[s]);
    return 0;
}
