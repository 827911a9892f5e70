/* ns_spawn_fn: a fork-like child running a function, set up as ns_spawn
 * would: status, memory copy, namespaces, pidfd, signal mask, failures. */
#include "check_spawn.h"

static ns_spawn_attr *attr_with(int types)
{
    ns_spawn_attr *a = ns_spawn_attr_new();
    REQUIRE(a != NULL);
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, types));
    return a;
}

static int return_arg(void *arg)
{
    return *(int *)arg;
}

static int wait_status(pid_t pid)
{
    int st = -1;
    CHECK(wait_child(pid, &st) == pid);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 1000 + st;
}

static void test_exit_status(void)
{
    int v = 42;
    CHECK(wait_status(REQUIRE_OK(ns_spawn_fn(NULL, return_arg, &v, NULL))) == 42);
    ns_spawn_attr *a = attr_with(NS_USER | NS_PID | NS_NET);
    v = 7;
    CHECK(wait_status(REQUIRE_OK(ns_spawn_fn(a, return_arg, &v, NULL))) == 7);
    v = 0;
    CHECK(wait_status(REQUIRE_OK(ns_spawn_fn(a, return_arg, &v, NULL))) == 0);
    ns_spawn_attr_free(a);
    CHECK_NO_CHILDREN();
}

static volatile int g_value;

static int touch_memory(void *arg)
{
    int seen = g_value; /* the value at the spawn */
    g_value = 99;
    *(int *)arg = 99;
    return seen;
}

static void test_memory_is_a_copy(void)
{
    int local = 1;
    g_value = 5;
    ns_spawn_attr *a = attr_with(NS_USER);
    CHECK(wait_status(REQUIRE_OK(ns_spawn_fn(a, touch_memory, &local, NULL))) == 5);
    CHECK(g_value == 5);
    CHECK(local == 1);
    /* Also with an intermediate process (time offsets). */
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, NS_USER | NS_TIME));
    REQUIRE_OK(ns_spawn_attr_set_time_offset(a, CLOCK_MONOTONIC, 1000, 0));
    g_value = 6;
    CHECK(wait_status(REQUIRE_OK(ns_spawn_fn(a, touch_memory, &local, NULL))) == 6);
    CHECK(g_value == 6 && local == 1);
    ns_spawn_attr_free(a);
}

struct fn_view {
    pid_t pid;
    uid_t uid;
    gid_t gid;
    char node[65];
    uint64_t ids[N_KINDS];
};

/* Async-signal-safe: getpid, getuid, uname, readlink, write. */
static int report_view(void *arg)
{
    struct fn_view v;
    struct utsname u;
    memset(&v, 0, sizeof v);
    v.pid = getpid();
    v.uid = getuid();
    v.gid = getgid();
    if (uname(&u) == 0)
        memcpy(v.node, u.nodename, sizeof v.node - 1);
    for (size_t i = 0; i < N_KINDS; i++)
        v.ids[i] = ns_id_of(0, NS_KINDS[i].name);
    return write(*(int *)arg, &v, sizeof v) == (ssize_t)sizeof v ? 0 : 1;
}

static void run_view(ns_spawn_attr *a, struct fn_view *v)
{
    int p[2];
    SYS_OK(pipe2(p, O_CLOEXEC));
    memset(v, 0, sizeof *v);
    pid_t pid = REQUIRE_OK(ns_spawn_fn(a, report_view, &p[1], NULL));
    close(p[1]);
    CHECK(read(p[0], v, sizeof *v) == (ssize_t)sizeof *v);
    close(p[0]);
    CHECK(wait_status(pid) == 0);
}

static void test_namespaces_maps_hostname(void)
{
    const int types = NS_USER | NS_PID | NS_UTS | NS_NET | NS_IPC | NS_MNT;
    ns_spawn_attr *a = attr_with(types);
    REQUIRE_OK(ns_spawn_attr_map_root(a));
    REQUIRE_OK(ns_spawn_attr_set_hostname(a, "linuxns-fn"));
    struct fn_view v;
    run_view(a, &v);
    CHECK(v.pid == 1);
    CHECK(v.uid == 0 && v.gid == 0);
    CHECK_STREQ(v.node, "linuxns-fn");
    for (size_t i = 0; i < N_KINDS; i++) {
        uint64_t mine = ns_id_of(0, NS_KINDS[i].name);
        if (types & NS_KINDS[i].type)
            CHECKF(v.ids[i] != 0 && v.ids[i] != mine, "%s not new", NS_KINDS[i].name);
        else
            CHECKF(v.ids[i] == mine, "%s changed", NS_KINDS[i].name);
    }
    /* attr NULL: our namespaces. */
    run_view(NULL, &v);
    for (size_t i = 0; i < N_KINDS; i++)
        CHECK_EQ_U64(v.ids[i], ns_id_of(0, NS_KINDS[i].name));
    ns_spawn_attr_free(a);
}

static void test_join_holder(void)
{
    SKIP_UNLESS_ROOT();
    struct holder h;
    holder_start(&h, CLONE_NEWUTS | CLONE_NEWNET, "linuxns-fn-join", HOLDER_KEEP_UID);
    int pidfd = SYS_OK(pidfd_open_(h.pid));
    ns_spawn_attr *a = ns_spawn_attr_new();
    REQUIRE(a != NULL);
    REQUIRE_OK(ns_spawn_attr_join(a, pidfd, NS_UTS | NS_NET));
    close(pidfd);
    struct fn_view v;
    run_view(a, &v);
    CHECK_STREQ(v.node, "linuxns-fn-join");
    for (size_t i = 0; i < N_KINDS; i++) {
        const char *n = NS_KINDS[i].name;
        bool joined = NS_KINDS[i].type == NS_UTS || NS_KINDS[i].type == NS_NET;
        CHECKF(v.ids[i] == ns_id_of(joined ? h.pid : 0, n), "%s", n);
    }
    ns_spawn_attr_free(a);
    holder_stop(&h);
}

static void test_pidfd(void)
{
    int v = 33, pidfd = -77;
    ns_spawn_attr *a = attr_with(NS_USER | NS_PID);
    pid_t pid = REQUIRE_OK(ns_spawn_fn(a, return_arg, &v, &pidfd));
    REQUIRE(pidfd >= 0);
    CHECK(fd_cloexec(pidfd));
    CHECK(pidfd_pid(pidfd) == pid);
    struct pollfd pfd = {pidfd, POLLIN, 0};
    CHECK(poll(&pfd, 1, 10000) == 1 && (pfd.revents & POLLIN));
    siginfo_t info;
    memset(&info, 0, sizeof info);
    CHECK(waitid(P_PIDFD, (id_t)pidfd, &info, WEXITED) == 0);
    CHECK(info.si_pid == pid && info.si_code == CLD_EXITED && info.si_status == 33);
    close(pidfd);
    ns_spawn_attr_free(a);
    CHECK_NO_CHILDREN();
}

struct sig_view {
    char status[4096];
};

static int report_status(void *arg)
{
    static struct sig_view v;
    ssize_t n = read_file("/proc/thread-self/status", v.status, sizeof v.status);
    return n > 0 && write(*(int *)arg, v.status, (size_t)n) == n ? 0 : 1;
}

static void test_keeps_signal_mask_and_dispositions(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGRTMIN + 1);
    SYS_OK(sigprocmask(SIG_BLOCK, &set, NULL));
    signal(SIGUSR2, SIG_IGN);
    char mine[4096];
    REQUIRE(read_file("/proc/thread-self/status", mine, sizeof mine) > 0);
    uint64_t blk = out_hex_field(mine, "SigBlk:"), ign = out_hex_field(mine, "SigIgn:");
    REQUIRE(blk & (1ULL << (SIGUSR1 - 1)));
    REQUIRE(ign & (1ULL << (SIGUSR2 - 1)));
    ns_spawn_attr *a = attr_with(NS_USER | NS_UTS);
    for (int round = 0; round < 2; round++) {
        int p[2];
        SYS_OK(pipe2(p, O_CLOEXEC));
        pid_t pid = REQUIRE_OK(ns_spawn_fn(round ? a : NULL, report_status, &p[1], NULL));
        close(p[1]);
        static char got[4096];
        read_all(p[0], got, sizeof got);
        close(p[0]);
        CHECK(wait_status(pid) == 0);
        CHECKF(out_hex_field(got, "SigBlk:") == blk, "SigBlk %016" PRIx64 ", ours %016"
               PRIx64, out_hex_field(got, "SigBlk:"), blk);
        CHECKF(out_hex_field(got, "SigIgn:") == ign, "SigIgn %016" PRIx64 ", ours %016"
               PRIx64, out_hex_field(got, "SigIgn:"), ign);
    }
    ns_spawn_attr_free(a);
}

static int write_stdout_and_cwd(void *arg)
{
    (void)arg;
    char cwd[512];
    long n = syscall(SYS_getcwd, cwd, sizeof cwd);
    if (n <= 0)
        return 1;
    cwd[n - 1] = '\n'; /* the NUL the kernel counted */
    return write(1, cwd, (size_t)n) == n ? 0 : 2;
}

static void test_fds_and_cwd(void)
{
    /* The attribute's descriptors and directory apply to the function too. */
    char dir[256], out[512];
    make_temp_dir(dir, sizeof dir);
    int p[2];
    SYS_OK(pipe2(p, O_CLOEXEC));
    ns_spawn_attr *a = attr_with(NS_USER | NS_MNT);
    REQUIRE_OK(ns_spawn_attr_set_fd(a, 1, p[1]));
    REQUIRE_OK(ns_spawn_attr_set_cwd(a, dir));
    pid_t pid = REQUIRE_OK(ns_spawn_fn(a, write_stdout_and_cwd, NULL, NULL));
    close(p[1]);
    read_all(p[0], out, sizeof out);
    close(p[0]);
    CHECK(wait_status(pid) == 0);
    CHECK(strncmp(out, dir, strlen(dir)) == 0 && strcmp(out + strlen(dir), "\n") == 0);
    ns_spawn_attr_free(a);
    CHECK(rmdir(dir) == 0);
}

static int mark_ran(void *arg)
{
    return write(*(int *)arg, "ran", 3) == 3 ? 0 : 1;
}

static void test_failure_before_fn(void)
{
    int p[2];
    SYS_OK(pipe2(p, O_CLOEXEC));
    ns_spawn_attr *a = attr_with(NS_USER | NS_UTS);
    REQUIRE_OK(ns_spawn_attr_set_cwd(a, "/nonexistent-linuxns"));
    int pidfd = -77;
    CHECK_ERR_STEP(ns_spawn_fn(a, mark_ran, &p[1], &pidfd), ENOENT, "child: chdir");
    CHECK(pidfd == -77);
    close(p[1]);
    char out[16];
    CHECK(read_all(p[0], out, sizeof out) == 0); /* fn never ran */
    close(p[0]);
    CHECK_NO_CHILDREN();
    ns_spawn_attr_free(a);
}

struct thread_fn {
    const ns_spawn_attr *attr;
    int status;
};

static void *fn_from_thread(void *p)
{
    struct thread_fn *t = p;
    int v = 9;
    pid_t pid = ns_spawn_fn(t->attr, return_arg, &v, NULL);
    t->status = -1;
    if (pid > 0 && wait_child(pid, &t->status) == pid && WIFEXITED(t->status))
        t->status = WEXITSTATUS(t->status);
    return NULL;
}

static void test_multithreaded_caller(void)
{
    struct idle_thread idle;
    idle_thread_start(&idle);
    ns_spawn_attr *a = attr_with(NS_USER | NS_UTS | NS_PID);
    REQUIRE_OK(ns_spawn_attr_map_root(a));
    int v = 11;
    CHECK(wait_status(REQUIRE_OK(ns_spawn_fn(a, return_arg, &v, NULL))) == 11);
    struct thread_fn t = {a, 0};
    run_on_thread(fn_from_thread, &t);
    CHECK(t.status == 9);
    idle_thread_stop(&idle);
    ns_spawn_attr_free(a);
}

/* The child may call the library: the gate the caller held while cloning
 * is free in the child's copy, and its register of descriptors is the
 * child's own (ns_list opens descriptors; ns_new_userns starts a helper;
 * ns_spawn_fn from the child starts a grandchild). Each call would hang
 * on the inherited gate before; alarm() turns a hang into a failure. */
static int count_one(const struct ns_info *info, void *arg)
{
    (void)info;
    ++*(int *)arg;
    return 0;
}

/* arg: non-NULL in a new PID namespace, where the /proc inherited from
 * the caller is another namespace's and ns_list refuses it. */
static int call_library(void *arg)
{
    alarm(10);
    int seen = 0;
    int n = ns_list(NS_NET, count_one, &seen);
    if (arg ? n != -EOPNOTSUPP : (n < 1 || seen < 1))
        return 10;
    int u = ns_new_userns(NULL, 0, NULL, 0, 0);
    if (u < 0)
        return 11;
    close(u);
    int v = 5;
    pid_t g = ns_spawn_fn(NULL, return_arg, &v, NULL);
    if (g < 0)
        return 12;
    int st = -1;
    if (waitpid(g, &st, 0) != g || !WIFEXITED(st) || WEXITSTATUS(st) != 5)
        return 13;
    return 0;
}

static void test_library_in_child(void)
{
    int st = wait_status(REQUIRE_OK(ns_spawn_fn(NULL, call_library, NULL, NULL)));
    CHECKF(st == 0, "plain: the child's calls ended with %d (10 list, 11 new_userns, 12/13 spawn_fn, 1014 alarm)", st);
    ns_spawn_attr *a = attr_with(NS_USER | NS_PID);
    REQUIRE_OK(ns_spawn_attr_map_root(a));
    st = wait_status(REQUIRE_OK(ns_spawn_fn(a, call_library, a, NULL)));
    CHECKF(st == 0, "in new namespaces: the child's calls ended with %d", st);
    ns_spawn_attr_free(a);
    CHECK_NO_CHILDREN();
}

int main(void)
{
    RUN(test_exit_status);
    RUN(test_memory_is_a_copy);
    RUN(test_namespaces_maps_hostname);
    RUN(test_join_holder);
    RUN(test_pidfd);
    RUN(test_keeps_signal_mask_and_dispositions);
    RUN(test_fds_and_cwd);
    RUN(test_failure_before_fn);
    RUN(test_multithreaded_caller);
    RUN(test_library_in_child);
    return check_summary();
}
