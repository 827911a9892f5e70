/* What the program inherits: descriptors (set_fd, close_fds), signal
 * dispositions and mask, and the parent-death signal. */
#include "check_spawn.h"

static ns_spawn_attr *new_attr(void)
{
    ns_spawn_attr *a = ns_spawn_attr_new();
    REQUIRE(a != NULL);
    return a;
}

/* Shell text writing `word` to the program's descriptor fd (any number). */
static void echo_to_fd(char *buf, size_t size, const char *word, int fd)
{
    size_t n = strlen(buf);
    snprintf(buf + n, size - n, "echo %s > /proc/self/fd/%d; ", word, fd);
}

static void test_fd_to_other_numbers(void)
{
    /* A pipe given as another number, and a close-on-exec fd given as
     * itself: both are open in the program, without close-on-exec. */
    int p[2], q[2];
    SYS_OK(pipe2(p, O_CLOEXEC));
    SYS_OK(pipe2(q, O_CLOEXEC));
    int other = q[1] + 10;
    ns_spawn_attr *a = new_attr();
    REQUIRE_OK(ns_spawn_attr_set_fd(a, other, p[1]));
    REQUIRE_OK(ns_spawn_attr_set_fd(a, q[1], q[1]));
    char script[256] = "", out[256], got[64], got2[64];
    echo_to_fd(script, sizeof script, "seven", other);
    echo_to_fd(script, sizeof script, "self", q[1]);
    SH_OK(a, script, out);
    close(p[1]);
    close(q[1]);
    read_all(p[0], got, sizeof got);
    read_all(q[0], got2, sizeof got2);
    CHECK_STREQ(got, "seven\n");
    CHECK_STREQ(got2, "self\n");
    close(p[0]);
    close(q[0]);
    ns_spawn_attr_free(a);
}

static void test_fd_swap(void)
{
    int x[2], y[2];
    SYS_OK(pipe2(x, O_CLOEXEC));
    SYS_OK(pipe2(y, O_CLOEXEC));
    ns_spawn_attr *a = new_attr();
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, NS_USER | NS_UTS));
    REQUIRE_OK(ns_spawn_attr_set_fd(a, x[1], y[1]));
    REQUIRE_OK(ns_spawn_attr_set_fd(a, y[1], x[1]));
    char script[256] = "", out[256], gx[64], gy[64];
    echo_to_fd(script, sizeof script, "to-x", x[1]);
    echo_to_fd(script, sizeof script, "to-y", y[1]);
    SH_OK(a, script, out);
    close(x[1]);
    close(y[1]);
    read_all(x[0], gx, sizeof gx);
    read_all(y[0], gy, sizeof gy);
    /* In the program, fd x[1] was our y[1] and the other way round. */
    CHECK_STREQ(gy, "to-x\n");
    CHECK_STREQ(gx, "to-y\n");
    close(x[0]);
    close(y[0]);
    ns_spawn_attr_free(a);
}

static int fd0_state(void *arg)
{
    (void)arg;
    return fcntl(0, F_GETFD) < 0 && errno == EBADF ? 10 : 20;
}

static void test_fd_close_stdin(void)
{
    const char *script = "if test -e /proc/self/fd/0; then echo open; else echo closed; fi";
    int devnull = SYS_OK(open("/dev/null", O_RDONLY | O_CLOEXEC));
    char out[256];
    ns_spawn_attr *a = new_attr();
    REQUIRE_OK(ns_spawn_attr_set_fd(a, 0, devnull));
    SH_OK(a, script, out);
    CHECK_STREQ(out, "open\n");
    /* A later call for fd 0 replaces the earlier one: now closed. */
    REQUIRE_OK(ns_spawn_attr_set_fd(a, 0, -1));
    SH_OK(a, script, out);
    CHECK_STREQ(out, "closed\n");
    /* The same for a function child (a fresh attribute: the one above
     * still names the closed output pipe as fd 1). */
    ns_spawn_attr_free(a);
    a = new_attr();
    REQUIRE_OK(ns_spawn_attr_set_fd(a, 0, -1));
    pid_t pid = REQUIRE_OK(ns_spawn_fn(a, fd0_state, NULL, NULL));
    int st;
    CHECK(wait_child(pid, &st) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 10);
    close(devnull);
    ns_spawn_attr_free(a);
}

static void test_fd_later_call_replaces(void)
{
    int p1[2], p2[2];
    SYS_OK(pipe2(p1, O_CLOEXEC));
    SYS_OK(pipe2(p2, O_CLOEXEC));
    ns_spawn_attr *a = new_attr();
    REQUIRE_OK(ns_spawn_attr_set_fd(a, 1, p1[1]));
    REQUIRE_OK(ns_spawn_attr_set_fd(a, 1, p2[1]));
    char *argv[] = {"echo", "second", NULL};
    pid_t pid = REQUIRE_OK(ns_spawn("/bin/echo", argv, NULL, a, NULL));
    close(p1[1]);
    close(p2[1]);
    char g1[64], g2[64];
    read_all(p1[0], g1, sizeof g1);
    read_all(p2[0], g2, sizeof g2);
    CHECK_STREQ(g1, "");
    CHECK_STREQ(g2, "second\n");
    int st;
    CHECK(wait_child(pid, &st) == pid);
    close(p1[0]);
    close(p2[0]);
    ns_spawn_attr_free(a);
}

/*
 * Starts `cat` with stdin/stdout on pipes and `keep` as its fd 9; once it
 * has echoed a line, lists /proc/PID/fd from outside into fds[].
 */
static int fds_of_cat(ns_spawn_attr *a, int keep, bool fds[MAX_FDS])
{
    int in[2], out[2];
    SYS_OK(pipe2(in, O_CLOEXEC));
    SYS_OK(pipe2(out, O_CLOEXEC));
    REQUIRE_OK(ns_spawn_attr_set_fd(a, 0, in[0]));
    REQUIRE_OK(ns_spawn_attr_set_fd(a, 1, out[1]));
    REQUIRE_OK(ns_spawn_attr_set_fd(a, 9, keep));
    char *argv[] = {"cat", NULL};
    pid_t pid = REQUIRE_OK(ns_spawn("/bin/cat", argv, NULL, a, NULL));
    close(in[0]);
    close(out[1]);
    char line[16];
    CHECK(write(in[1], "x\n", 2) == 2);
    read_line(out[0], line, sizeof line); /* cat is running its loop */
    CHECK_STREQ(line, "x");
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
    memset(fds, 0, MAX_FDS * sizeof(bool));
    int n = 0;
    DIR *d = opendir(path);
    REQUIRE(d != NULL);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        int fd = atoi(e->d_name);
        if (fd >= 0 && fd < MAX_FDS)
            fds[fd] = true;
        n++;
    }
    closedir(d);
    close(in[1]);
    close(out[0]);
    int st;
    CHECK(wait_child(pid, &st) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    return n;
}

static void test_close_fds(void)
{
    /* A descriptor without close-on-exec is inherited ... */
    int stray = SYS_OK(open("/dev/null", O_RDONLY));
    int keep = SYS_OK(open("/dev/null", O_RDONLY | O_CLOEXEC));
    static bool fds[MAX_FDS];
    ns_spawn_attr *a = new_attr();
    fds_of_cat(a, keep, fds);
    CHECKF(fds[stray], "control: fd %d (no close-on-exec) was not inherited", stray);
    /* ... unless close_fds: then only 0, 1, 2 and the set ones remain. */
    REQUIRE_OK(ns_spawn_attr_set_close_fds(a, 1));
    int n = fds_of_cat(a, keep, fds);
    CHECKF(n == 4 && fds[0] && fds[1] && fds[2] && fds[9],
           "%d descriptors in the program (0 1 2 9 expected)%s", n,
           fds[stray] ? "; the stray one is open" : "");
    /* Also in new namespaces. */
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, NS_USER | NS_PID | NS_NET));
    n = fds_of_cat(a, keep, fds);
    CHECKF(n == 4 && fds[0] && fds[1] && fds[2] && fds[9],
           "new namespaces: %d descriptors in the program", n);
    close(stray);
    close(keep);
    ns_spawn_attr_free(a);
}

static void catcher(int sig)
{
    (void)sig;
}

static void mess_up_signals(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGRTMIN + 2);
    SYS_OK(sigprocmask(SIG_BLOCK, &set, NULL));
    signal(SIGPIPE, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGUSR2, SIG_IGN);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = catcher;
    SYS_OK(sigaction(SIGQUIT, &sa, NULL));
    SYS_OK(sigaction(SIGWINCH, &sa, NULL));
    SYS_OK(sigaction(SIGCHLD, &sa, NULL));
    SYS_OK(sigaction(SIGRTMIN + 3, &sa, NULL));
    char mine[4096];
    REQUIRE(read_file("/proc/thread-self/status", mine, sizeof mine) > 0);
    REQUIRE(out_hex_field(mine, "SigBlk:") != 0);
    REQUIRE(out_hex_field(mine, "SigIgn:") != 0);
    REQUIRE(out_hex_field(mine, "SigCgt:") != 0);
}

static void check_signals_clean(ns_spawn_attr *a, const char *what)
{
    char out[8192];
    char *argv[] = {"cat", "/proc/self/status", NULL};
    int st;
    REQUIRE_OK(spawn_capture(a, "/bin/cat", argv, out, sizeof out, &st));
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    const char *fields[] = {"SigBlk:", "SigIgn:", "SigCgt:"};
    for (int i = 0; i < 3; i++)
        CHECKF(out_hex_field(out, fields[i]) == 0, "%s: %s %016" PRIx64, what,
               fields[i], out_hex_field(out, fields[i]));
}

static void check_signals_all_paths(void)
{
    ns_spawn_attr *a = new_attr();
    check_signals_clean(a, "plain");
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, NS_USER | NS_PID | NS_MNT));
    REQUIRE_OK(ns_spawn_attr_map_root(a));
    check_signals_clean(a, "new user+pid+mnt, mapped");
    ns_spawn_attr_free(a);
    a = new_attr();
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, NS_USER | NS_TIME));
    REQUIRE_OK(ns_spawn_attr_set_time_offset(a, CLOCK_MONOTONIC, 100, 0));
    check_signals_clean(a, "through an intermediate process");
    ns_spawn_attr_free(a);
}

static void test_signals_reset(void)
{
    mess_up_signals();
    check_signals_all_paths();
}

static void *signals_on_thread(void *arg)
{
    (void)arg;
    sigset_t set;
    sigfillset(&set);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* everything blocked here */
    check_signals_all_paths();
    return NULL;
}

static void test_signals_reset_from_a_thread(void)
{
    mess_up_signals();
    run_on_thread(signals_on_thread, NULL);
}

struct death_arg {
    const ns_spawn_attr *attr;
    pid_t pid, tid;
};

static void *spawn_sleep(void *p)
{
    struct death_arg *d = p;
    char *argv[] = {"sleep", "30", NULL};
    d->tid = gettid_();
    d->pid = ns_spawn("/bin/sleep", argv, NULL, d->attr, NULL);
    return NULL;
}

/* Spawns sleep from a thread that then ends, and waits until the thread
 * is gone (its parent-death signal, if any, has then been sent). */
static pid_t spawn_from_ending_thread(const ns_spawn_attr *a)
{
    struct death_arg d = {a, -1, 0};
    run_on_thread(spawn_sleep, &d);
    REQUIRE(d.pid > 0);
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d", (int)d.tid);
    for (int i = 0; i < 20000 && access(path, F_OK) == 0; i++)
        usleep(1000);
    REQUIRE(access(path, F_OK) != 0);
    return d.pid;
}

static void check_pdeathsig(int types, int sig, const char *what)
{
    ns_spawn_attr *a = new_attr();
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, types));
    if (types & NS_TIME)
        REQUIRE_OK(ns_spawn_attr_set_time_offset(a, CLOCK_BOOTTIME, 60, 0));
    REQUIRE_OK(ns_spawn_attr_set_pdeathsig(a, sig));
    pid_t pid = spawn_from_ending_thread(a);
    int pidfd = SYS_OK(pidfd_open_(pid));
    struct pollfd pfd = {pidfd, POLLIN, 0};
    int r = poll(&pfd, 1, 20000);
    if (r != 1)
        kill(pid, SIGKILL);
    int st = 0;
    CHECK(wait_child(pid, &st) == pid);
    CHECKF(r == 1 && WIFSIGNALED(st) && WTERMSIG(st) == sig,
           "%s: the program did not die by signal %d (status 0x%x)", what, sig, st);
    close(pidfd);
    ns_spawn_attr_free(a);
}

static void test_pdeathsig(void)
{
    check_pdeathsig(0, SIGTERM, "plain");
    check_pdeathsig(NS_USER | NS_TIME, SIGTERM, "through an intermediate process");
    /* A pid namespace's init ignores SIGTERM without a handler: SIGKILL. */
    check_pdeathsig(NS_USER | NS_PID, SIGKILL, "pid 1 of a new pid namespace");
}

static void test_no_pdeathsig_by_default(void)
{
    ns_spawn_attr *a = new_attr();
    pid_t pid = spawn_from_ending_thread(a);
    /* Still running, and no signal pending for it. */
    char path[64], status[4096];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    CHECK(waitpid(pid, NULL, WNOHANG) == 0);
    REQUIRE(read_file(path, status, sizeof status) > 0);
    CHECK(out_hex_field(status, "ShdPnd:") == 0 && out_hex_field(status, "SigPnd:") == 0);
    kill(pid, SIGKILL);
    int st;
    CHECK(wait_child(pid, &st) == pid);
    ns_spawn_attr_free(a);
}

int main(void)
{
    RUN(test_fd_to_other_numbers);
    RUN(test_fd_swap);
    RUN(test_fd_close_stdin);
    RUN(test_fd_later_call_replaces);
    RUN(test_close_fds);
    RUN(test_signals_reset);
    RUN(test_signals_reset_from_a_thread);
    RUN(test_pdeathsig);
    RUN(test_no_pdeathsig_by_default);
    return check_summary();
}
