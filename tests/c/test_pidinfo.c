/*
 * ns_pid_translate, ns_pidfd_status (ns_features: test_features.c).
 *
 * Translations are checked against the NSpid lines of /proc/PID/status, in
 * a tree the test builds without the library: A is pid 1 of a new PID
 * namespace N1, B pid 2 there, C pid 1 of N2 nested in N1 (pid 3 in N1).
 * Statuses are checked against waitpid's, and a zombie against the 'Z' of
 * /proc/PID/stat.
 * Unprivileged: the cases run as the caller (a user namespace of their own
 * where a PID namespace is needed) and again as uid 65534 when root.
 */
#include "check_pidinfo.h"

/* ---- what the kernel shows ------------------------------------------------ */

/* The NSpid of /proc/PID/status: the count, or 0. */
static int nspid_of(pid_t pid, int *out, int max)
{
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    if (read_file(path, buf, sizeof buf) <= 0)
        return 0;
    char *line = strstr(buf, "\nNSpid:");
    if (!line)
        return 0;
    line += 7;
    int n = 0;
    while (n < max) {
        char *end;
        long v = strtol(line, &end, 10);
        if (end == line)
            break;
        out[n++] = (int)v;
        line = end;
        if (*line == '\n')
            break;
    }
    return n;
}

/* Field 3 of /proc/PID/stat, 0 when there is no such process. */
static char proc_state(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    if (read_file(path, buf, sizeof buf) <= 0)
        return 0;
    char *close_paren = strrchr(buf, ')');
    return close_paren && close_paren[1] == ' ' ? close_paren[2] : 0;
}

/* Field 4 (ppid) of /proc/PID/stat, -1 when unknown. */
static pid_t proc_ppid(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    if (read_file(path, buf, sizeof buf) <= 0)
        return -1;
    char *close_paren = strrchr(buf, ')');
    char state;
    int ppid;
    return close_paren && sscanf(close_paren + 1, " %c %d", &state, &ppid) == 2 ? ppid : -1;
}

/* ---- ns_pid_translate ----------------------------------------------------- */

/* What A (pid 1 of N1) finds with the library from inside N1. */
struct inside {
    int b_in_p0;     /* ns_pid_translate(2, N1, P0): B as we see it */
    int t_in_n1;     /* ns_pid_translate(T, P0, N1): -ESRCH */
    int one_in_n1;   /* ns_pid_translate(1, N1, N1): 1 */
    int c_n2_in_n1;  /* ns_pid_translate(1, N2, N1): 3 */
    int c_n1_in_n2;  /* ns_pid_translate(3, N1, N2): 1 */
};

struct tree {
    pid_t a, b, c; /* as our namespace numbers them */
    int p0, n1, n2;
    int release;
    struct inside in;
};

static void block_on(int fd)
{
    char ch;
    while (read(fd, &ch, 1) < 0 && errno == EINTR)
        ;
}

static void tree_start(struct tree *t)
{
    if (geteuid() != 0)
        raw_become_root_in_userns();
    pid_t me = getpid();
    t->p0 = SYS_OK(open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC));
    SYS_OK(unshare(CLONE_NEWPID));
    int rel[2], rep[2];
    SYS_OK(pipe2(rel, O_CLOEXEC));
    SYS_OK(pipe2(rep, O_CLOEXEC));
    fflush(stdout);
    fflush(stderr);
    pid_t a = SYS_OK(fork());
    if (a == 0) {
        close(rel[1]);
        close(rep[0]);
        pid_t b = fork();
        if (b == 0) {
            block_on(rel[0]);
            _exit(0);
        }
        struct inside in = {0, 0, 0, 0, 0};
        pid_t c = -1;
        if (b > 0 && unshare(CLONE_NEWPID) == 0)
            c = fork();
        if (c == 0) {
            block_on(rel[0]);
            _exit(0);
        }
        int own = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
        int n2 = open("/proc/thread-self/ns/pid_for_children", O_RDONLY | O_CLOEXEC);
        if (b > 0 && c > 0 && own >= 0 && n2 >= 0) {
            in.b_in_p0 = ns_pid_translate(2, own, t->p0);
            in.t_in_n1 = ns_pid_translate(me, t->p0, own);
            in.one_in_n1 = ns_pid_translate(1, own, own);
            in.c_n2_in_n1 = ns_pid_translate(1, n2, own);
            in.c_n1_in_n2 = ns_pid_translate(3, own, n2);
        }
        if (write(rep[1], &in, sizeof in) != (ssize_t)sizeof in)
            _exit(1);
        block_on(rel[0]);
        if (b > 0) {
            kill(b, SIGKILL);
            waitpid(b, NULL, 0);
        }
        if (c > 0) {
            kill(c, SIGKILL);
            waitpid(c, NULL, 0);
        }
        _exit(0);
    }
    close(rel[0]);
    close(rep[1]);
    t->a = a;
    t->release = rel[1];
    ssize_t n;
    while ((n = read(rep[0], &t->in, sizeof t->in)) < 0 && errno == EINTR)
        ;
    close(rep[0]);
    REQUIRE(n == (ssize_t)sizeof t->in);
    /* B and C: A's children, told apart by the depth of their NSpid. */
    t->b = t->c = 0;
    DIR *d = opendir("/proc");
    REQUIRE(d != NULL);
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        pid_t p = atoi(de->d_name);
        int ids[8];
        if (p <= 0 || proc_ppid(p) != a)
            continue;
        int k = nspid_of(p, ids, 8);
        if (k == 2)
            t->b = p;
        else if (k == 3)
            t->c = p;
    }
    closedir(d);
    REQUIRE(t->b > 0 && t->c > 0);
    t->n1 = SYS_OK(open_ns_file(a, "pid"));
    t->n2 = SYS_OK(open_ns_file(t->c, "pid"));
}

static void tree_stop(struct tree *t)
{
    close(t->release);
    int st;
    wait_child(t->a, &st);
    close(t->p0);
    close(t->n1);
    close(t->n2);
}

/* ns_pid_translate(pid, from, to) == want, or an explanation. */
#define CHECK_TR(pid, from, to, want)                                          \
    do {                                                                       \
        int got_ = ns_pid_translate((pid), (from), (to));                      \
        CHECKF(got_ == (want), "ns_pid_translate(%d, %s, %s) = %d (%s), want %d", \
               (int)(pid), #from, #to, got_, got_ < 0 ? ns_last_error() : "",  \
               (int)(want));                                                   \
    } while (0)

static void translate_scenario(void)
{
    struct tree t;
    tree_start(&t);
    int ia[4], ib[4], ic[4];
    REQUIRE(nspid_of(t.a, ia, 4) == 2 && ia[1] == 1);
    REQUIRE(nspid_of(t.b, ib, 4) == 2 && ib[1] == 2);
    REQUIRE(nspid_of(t.c, ic, 4) == 3 && ic[2] == 1);

    /* Ours to N1 and back: A is 1, B is 2. */
    CHECK_TR(t.a, t.p0, t.n1, ia[1]);
    CHECK_TR(t.b, t.p0, t.n1, ib[1]);
    CHECK_TR(ia[1], t.n1, t.p0, t.a);
    CHECK_TR(ib[1], t.n1, t.p0, t.b);
    /* The nested namespace: C is 1 in N2, 3 in N1. */
    CHECK_TR(t.c, t.p0, t.n2, ic[2]);
    CHECK_TR(ic[2], t.n2, t.p0, t.c);
    CHECK_TR(ic[1], t.n1, t.n2, ic[2]);
    CHECK_TR(ic[2], t.n2, t.n1, ic[1]);
    CHECK_TR(t.c, t.p0, t.n1, ic[1]);
    /* The same namespace: the pid itself, if there is such a process. */
    CHECK_TR(getpid(), t.p0, t.p0, getpid());
    CHECK_TR(ib[1], t.n1, t.n1, ib[1]);
    CHECK_TR(gettid_(), t.p0, t.p0, gettid_());

    /* Not visible in `to`: A and B are not in N2, we are in neither. */
    CHECK_ERR(ns_pid_translate(t.a, t.p0, t.n2), ESRCH);
    CHECK_ERR(ns_pid_translate(ib[1], t.n1, t.n2), ESRCH);
    CHECK_ERR(ns_pid_translate(getpid(), t.p0, t.n1), ESRCH);
    /* No such pid in `from`. */
    pid_t none = unused_pid();
    REQUIRE(none > 0);
    CHECK_ERR(ns_pid_translate(none, t.p0, t.p0), ESRCH);
    CHECK_ERR(ns_pid_translate(99, t.n1, t.p0), ESRCH);
    CHECK_ERR(ns_pid_translate(2, t.n2, t.p0), ESRCH);

    /* From inside N1, as A saw it: B in our namespace, we invisible there,
     * C across N1 and N2. */
    CHECKF(t.in.b_in_p0 == t.b, "A: 2 of N1 in P0 = %d, want %d", t.in.b_in_p0, (int)t.b);
    CHECKF(t.in.t_in_n1 == -ESRCH, "A: our pid in N1 = %d, want -ESRCH", t.in.t_in_n1);
    CHECKF(t.in.one_in_n1 == 1, "A: 1 of N1 in N1 = %d", t.in.one_in_n1);
    CHECKF(t.in.c_n2_in_n1 == ic[1], "A: 1 of N2 in N1 = %d, want %d", t.in.c_n2_in_n1, ic[1]);
    CHECKF(t.in.c_n1_in_n2 == ic[2], "A: %d of N1 in N2 = %d, want %d", ic[1],
           t.in.c_n1_in_n2, ic[2]);
    tree_stop(&t);
}

static void test_translate(void)
{
    translate_scenario();
}

static void test_translate_nobody(void)
{
    if (geteuid() != 0)
        SKIP("already unprivileged: test_translate is this case");
    become_nobody();
    translate_scenario();
}

static void test_translate_errors(void)
{
    int pid = SYS_OK(open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC));
    int uts = SYS_OK(open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC));
    int file = SYS_OK(open("/proc/self/status", O_RDONLY | O_CLOEXEC));
    CHECK_ERR(ns_pid_translate(0, pid, pid), EINVAL);
    CHECK_ERR(ns_pid_translate(-1, pid, pid), EINVAL);
    CHECK_ERR(ns_pid_translate(getpid(), uts, pid), EINVAL);
    CHECK(strstr(ns_last_error(), "ns_pid_translate: from") == ns_last_error());
    CHECK(strstr(ns_last_error(), "uts") != NULL);
    CHECK_ERR(ns_pid_translate(getpid(), pid, uts), EINVAL);
    CHECK(strstr(ns_last_error(), "to") != NULL);
    CHECK_ERR(ns_pid_translate(getpid(), -1, pid), EBADF);
    CHECK_ERR(ns_pid_translate(getpid(), pid, 999), EBADF);
    CHECK_ERR(ns_pid_translate(getpid(), file, pid), EINVAL);
    close(pid);
    close(uts);
    close(file);
}

/* ---- ns_pidfd_status ------------------------------------------------------ */

/* After the process was reaped with waitpid status `st`. */
static void check_reaped(int pidfd, int st)
{
    int got = -1;
    if (fallback_mode() || !kernel_keeps_exit_status()) {
        CHECK_ERR(ns_pidfd_status(pidfd, &got), EOPNOTSUPP);
        CHECK(got == -1);
        return;
    }
    CHECK_OK(ns_pidfd_status(pidfd, &got));
    CHECKF(got == st, "reaped: ns_pidfd_status 0x%x, waitpid 0x%x", got, st);
}

/* A child that exits with `code` at once (or waits for a signal when
 * code < 0); its pid and a pidfd. */
static pid_t child(int code, int *pidfd)
{
    pid_t p = SYS_OK(fork());
    if (p == 0) {
        if (code >= 0)
            _exit(code);
        for (;;)
            pause();
    }
    *pidfd = SYS_OK(pidfd_open_(p));
    return p;
}

static void test_status_running(void)
{
    int fd, st = 12345;
    pid_t p = child(-1, &fd);
    CHECK_ERR(ns_pidfd_status(fd, &st), EAGAIN);
    CHECK(st == 12345);
    CHECK(proc_state(p) != 'Z');
    kill(p, SIGKILL);
    wait_child(p, &st);
    close(fd);
}

/* Exited, not reaped: the status, and the child still a zombie, still
 * reapable with the same status; then reaped. */
static void exited_child(int code)
{
    int fd, st = -1, again = -1, reaped = -1;
    pid_t p = child(code, &fd);
    REQUIRE(pidfd_wait_exit(fd, 10000));
    CHECK_OK(ns_pidfd_status(fd, &st));
    CHECKF(WIFEXITED(st) && WEXITSTATUS(st) == code, "status 0x%x", st);
    CHECKF(proc_state(p) == 'Z', "state '%c' after ns_pidfd_status", proc_state(p));
    CHECK_OK(ns_pidfd_status(fd, &again));
    CHECK(again == st);
    REQUIRE(wait_child(p, &reaped) == p);
    CHECKF(reaped == st, "waitpid 0x%x, ns_pidfd_status 0x%x", reaped, st);
    check_reaped(fd, reaped);
    close(fd);
}

static void test_status_exited_child(void)
{
    exited_child(7);
    exited_child(0);
}

static void test_status_signal(void)
{
    int fd, st = -1, reaped = -1;
    pid_t p = child(-1, &fd);
    SYS_OK(kill(p, SIGTERM));
    REQUIRE(pidfd_wait_exit(fd, 10000));
    CHECK_OK(ns_pidfd_status(fd, &st));
    CHECKF(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM && !WCOREDUMP(st), "status 0x%x", st);
    CHECK(proc_state(p) == 'Z');
    REQUIRE(wait_child(p, &reaped) == p);
    CHECK(reaped == st);
    check_reaped(fd, reaped);
    close(fd);
}

static void test_status_core_dump(void)
{
    char dir[] = "/tmp/linuxns-core-XXXXXX";
    REQUIRE(mkdtemp(dir) != NULL);
    int fd, st = -1, reaped = -1;
    pid_t p = SYS_OK(fork());
    if (p == 0) {
        struct rlimit rl;
        if (getrlimit(RLIMIT_CORE, &rl) == 0) {
            rl.rlim_cur = rl.rlim_max;
            setrlimit(RLIMIT_CORE, &rl);
        }
        prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
        if (chdir(dir) < 0)
            _exit(1);
        signal(SIGABRT, SIG_DFL);
        abort();
    }
    fd = SYS_OK(pidfd_open_(p));
    REQUIRE(pidfd_wait_exit(fd, 20000));
    CHECK_OK(ns_pidfd_status(fd, &st));
    REQUIRE(wait_child(p, &reaped) == p);
    CHECKF(st == reaped, "ns_pidfd_status 0x%x, waitpid 0x%x", st, reaped);
    CHECKF(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT, "status 0x%x", st);
    bool dumped = WCOREDUMP(reaped);
    if (dumped)
        check_reaped(fd, reaped);
    close(fd);
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *de;
        while ((de = readdir(d)) != NULL)
            if (de->d_name[0] != '.')
                unlinkat(dirfd(d), de->d_name, 0);
        closedir(d);
    }
    rmdir(dir);
    if (!dumped)
        SKIP("no core dump (RLIMIT_CORE hard limit or core_pattern): the core bit is untested");
}

/* A process that is not our child: a grandchild its parent leaves a zombie. */
static void not_our_child(void)
{
    int to_mid[2], from_mid[2];
    SYS_OK(pipe2(to_mid, O_CLOEXEC));
    SYS_OK(pipe2(from_mid, O_CLOEXEC));
    pid_t mid = SYS_OK(fork());
    if (mid == 0) {
        close(to_mid[1]);
        close(from_mid[0]);
        int go[2];
        if (pipe(go) < 0)
            _exit(1);
        pid_t g = fork();
        if (g == 0) {
            close(go[1]); /* EOF once the middle process closes its end */
            block_on(go[0]);
            _exit(5);
        }
        if (write(from_mid[1], &g, sizeof g) != (ssize_t)sizeof g)
            _exit(1);
        block_on(to_mid[0]); /* the test has its pidfd: exit now */
        close(go[1]);
        block_on(to_mid[0]); /* EOF: reap it */
        waitpid(g, NULL, 0);
        _exit(0);
    }
    close(to_mid[0]);
    close(from_mid[1]);
    pid_t g = 0;
    REQUIRE(read(from_mid[0], &g, sizeof g) == (ssize_t)sizeof g);
    int fd = SYS_OK(pidfd_open_(g));
    int st = 4321;
    CHECK_ERR(ns_pidfd_status(fd, &st), EAGAIN); /* runs */
    CHECK(st == 4321);
    char one = '1';
    REQUIRE(write(to_mid[1], &one, 1) == 1);
    REQUIRE(pidfd_wait_exit(fd, 10000));
    CHECK_OK(ns_pidfd_status(fd, &st));
    CHECKF(WIFEXITED(st) && WEXITSTATUS(st) == 5, "status 0x%x", st);
    CHECKF(proc_state(g) == 'Z', "state '%c'", proc_state(g));
    close(to_mid[1]); /* the middle process reaps it and exits */
    int mst;
    wait_child(mid, &mst);
    CHECK(proc_state(g) == 0);
    check_reaped(fd, (5 << 8));
    close(fd);
    close(from_mid[0]);
}

static void test_status_not_child(void)
{
    not_our_child();
}

static void test_status_spawned(void)
{
    char *argv[] = {"sh", "-c", "exit 4", NULL};
    int fd = -1, st = -1, reaped = -1;
    pid_t p = REQUIRE_OK(ns_spawn("/bin/sh", argv, NULL, NULL, &fd));
    REQUIRE(pidfd_wait_exit(fd, 10000));
    CHECK_OK(ns_pidfd_status(fd, &st));
    CHECKF(WIFEXITED(st) && WEXITSTATUS(st) == 4, "status 0x%x", st);
    REQUIRE(wait_child(p, &reaped) == p);
    CHECK(reaped == st);
    close(fd);
}

static void test_status_nobody(void)
{
    if (geteuid() != 0)
        SKIP("already unprivileged: the other status cases are this one");
    become_nobody();
    exited_child(3);
    not_our_child();
}

static void test_status_errors(void)
{
    int st = 99;
    CHECK_ERR(ns_pidfd_status(-1, &st), EBADF);
    int file = SYS_OK(open("/proc/self/status", O_RDONLY | O_CLOEXEC));
    CHECK_ERR(ns_pidfd_status(file, &st), EBADF);
    CHECK(strstr(ns_last_error(), "not a pidfd") != NULL);
    close(file);
    int ns = SYS_OK(open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC));
    CHECK_ERR(ns_pidfd_status(ns, &st), EBADF);
    close(ns);
    CHECK(st == 99);
    int fd;
    pid_t p = child(-1, &fd);
    CHECK_ERR(ns_pidfd_status(fd, NULL), EINVAL);
    kill(p, SIGKILL);
    wait_child(p, &st);
    close(fd);
}

int main(void)
{
    RUN(test_translate);
    RUN(test_translate_nobody);
    RUN(test_translate_errors);
    RUN(test_status_running);
    RUN(test_status_exited_child);
    RUN(test_status_signal);
    RUN(test_status_core_dump);
    RUN(test_status_not_child);
    RUN(test_status_spawned);
    RUN(test_status_nobody);
    RUN(test_status_errors);
    return check_summary();
}
