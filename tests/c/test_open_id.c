/* ns_open_pid and ns_id: ids as /proc shows them, argument errors. */
#include "check.h"

static bool kernel_has(const char *name)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/self/ns/%s", name);
    return access(path, F_OK) == 0;
}

/* For every type: ns_open_pid(pid, type) names the namespace /proc shows. */
static void check_all_types(pid_t pid)
{
    for (size_t i = 0; i < N_KINDS; i++) {
        const struct ns_kind *k = &NS_KINDS[i];
        if (!kernel_has(k->name)) {
            CHECK_ERR(ns_open_pid(pid, k->type), EOPNOTSUPP);
            continue;
        }
        int fd = CHECK_OK(ns_open_pid(pid, k->type));
        if (fd < 0)
            continue;
        uint64_t want = ns_id_of(pid, k->name), got = 0;
        CHECK(want != 0);
        CHECK(CHECK_OK(ns_id(fd, &got)) == 0);
        CHECKF(got == want, "pid %d %s: ns_id %" PRIu64 ", /proc %" PRIu64,
               (int)pid, k->name, got, want);
        CHECKF(fd_ns_id(fd) == want, "pid %d %s: fd names %" PRIu64 ", /proc %" PRIu64,
               (int)pid, k->name, fd_ns_id(fd), want);
        CHECKF(fd_cloexec(fd), "pid %d %s: FD_CLOEXEC not set", (int)pid, k->name);
        close(fd);
    }
}

static void check_for_children(pid_t pid)
{
    const struct { int type; const char *plain, *children; } fc[] = {
        {NS_PID, "pid", "pid_for_children"},
        {NS_TIME, "time", "time_for_children"},
    };
    for (size_t i = 0; i < 2; i++) {
        uint64_t want = ns_id_of(pid, fc[i].children);
        /* the setup made them differ (and both exist) */
        REQUIRE(want != 0 && want != ns_id_of(pid, fc[i].plain));
        int fd = CHECK_OK(ns_open_pid(pid, fc[i].type | NS_FOR_CHILDREN));
        if (fd < 0)
            continue;
        CHECKF(lib_ns_id(fd) == want, "pid %d %s: got %" PRIu64 ", want %" PRIu64,
               (int)pid, fc[i].children, lib_ns_id(fd), want);
        CHECK(fd_cloexec(fd));
        close(fd);
        /* And without the flag, the plain one. */
        fd = CHECK_OK(ns_open_pid(pid, fc[i].type));
        if (fd >= 0) {
            CHECK_EQ_U64(lib_ns_id(fd), ns_id_of(pid, fc[i].plain));
            close(fd);
        }
    }
}

static void test_self_every_type(void)
{
    check_all_types(0);
}

static void test_child_every_type(void)
{
    /* A child in new namespaces of every kind (a user namespace first, so
     * this needs no privilege): each id differs from ours. */
    struct holder h;
    holder_start(&h, CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC |
                         CLONE_NEWNET | CLONE_NEWCGROUP,
                 NULL, HOLDER_KEEP_UID);
    CHECK(ns_id_of(h.pid, "net") != ns_id_of(0, "net"));
    check_all_types(h.pid);
    holder_stop(&h);
}

static void test_child_same_namespaces(void)
{
    struct holder h;
    holder_start(&h, 0, NULL, HOLDER_KEEP_UID);
    check_all_types(h.pid);
    holder_stop(&h);
}

static void test_for_children_self(void)
{
    SYS_OK(unshare(CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWTIME));
    int release;
    pid_t init = start_pid_ns_init(&release);
    check_for_children(0);
    stop_pid_ns_init(init, release);
}

static void test_for_children_child(void)
{
    struct holder h;
    holder_start(&h, CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWTIME, NULL,
                 HOLDER_KEEP_UID);
    check_for_children(h.pid);
    holder_stop(&h);
}

static void test_bad_types(void)
{
    CHECK_ERR(ns_open_pid(0, 0), EINVAL);
    CHECK_ERR(ns_open_pid(0, NS_NET | NS_UTS), EINVAL);
    CHECK_ERR(ns_open_pid(0, NS_ALL), EINVAL);
    CHECK_ERR(ns_open_pid(0, 0x100), EINVAL);
    CHECK_ERR(ns_open_pid(0, NS_NET | 0x100), EINVAL);
    CHECK_ERR(ns_open_pid(0, NS_FOR_CHILDREN), EINVAL);
    CHECK_ERR(ns_open_pid(0, NS_NET | NS_FOR_CHILDREN), EINVAL);
    CHECK_ERR(ns_open_pid(0, NS_USER | NS_FOR_CHILDREN), EINVAL);
    CHECK_ERR(ns_open_pid(0, NS_MNT | NS_FOR_CHILDREN), EINVAL);
    CHECK_ERR(ns_open_pid(0, (int)0x80000000), EINVAL);
}

static void test_bad_pids(void)
{
    CHECK_ERR(ns_open_pid(-1, NS_NET), EINVAL);
    CHECK_ERR(ns_open_pid(-100, NS_NET), EINVAL);
    pid_t gone = reaped_pid();
    CHECK_ERR(ns_open_pid(gone, NS_NET), ESRCH);
    CHECK_ERR(ns_open_pid(gone, NS_PID | NS_FOR_CHILDREN), ESRCH);
    pid_t unused = unused_pid();
    REQUIRE(unused > 0);
    CHECK_ERR(ns_open_pid(unused, NS_UTS), ESRCH);
}

static void test_zombie_pid(void)
{
    /* Exited but not reaped: no namespaces any more, as if gone (the pidfd
     * ioctls say ESRCH too).  Not "no such namespace type in this kernel". */
    pid_t pid = SYS_OK(fork());
    if (pid == 0)
        _exit(0);
    siginfo_t info;
    SYS_OK(waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT));
    CHECK_ERR(ns_open_pid(pid, NS_NET), ESRCH);
    CHECK_ERR(ns_open_pid(pid, NS_UTS), ESRCH);
    int st;
    wait_child(pid, &st);
}

struct thread_view {
    pid_t tid;
    uint64_t proc_id; /* /proc/thread-self/ns/uts after unsharing */
    uint64_t lib_id;  /* ns_open_pid(0, NS_UTS) on the thread */
    int release[2];   /* the thread waits on this before exiting */
    int ready[2];
};

static void *unshared_thread(void *arg)
{
    struct thread_view *v = arg;
    v->tid = gettid_();
    if (unshare(CLONE_NEWUTS) == 0) {
        v->proc_id = ns_id_of(0, "uts");
        int fd = ns_open_pid(0, NS_UTS);
        if (fd >= 0) {
            v->lib_id = lib_ns_id(fd);
            close(fd);
        }
    }
    char c = 1;
    if (write(v->ready[1], &c, 1) != 1)
        return NULL;
    while (read(v->release[0], &c, 1) < 0 && errno == EINTR)
        ;
    return NULL;
}

static void test_pid_zero_is_calling_thread(void)
{
    /* Become root of our own user namespace while single-threaded, so that a
     * thread may then unshare its UTS namespace without real privilege. */
    SYS_OK(unshare(CLONE_NEWUSER));
    uint64_t main_uts = ns_id_of(0, "uts");
    struct thread_view v = {0};
    SYS_OK(pipe2(v.release, O_CLOEXEC));
    SYS_OK(pipe2(v.ready, O_CLOEXEC));
    pthread_t t;
    REQUIRE(pthread_create(&t, NULL, unshared_thread, &v) == 0);
    char c;
    REQUIRE(read(v.ready[0], &c, 1) == 1);

    REQUIRE(v.proc_id != 0 && v.proc_id != main_uts);
    CHECKF(v.lib_id == v.proc_id, "thread: ns_open_pid(0) gave %" PRIu64
           ", thread's uts is %" PRIu64 " (main's %" PRIu64 ")", v.lib_id,
           v.proc_id, main_uts);

    /* From the main thread: 0 is the main thread, the tid is the thread. */
    int fd = CHECK_OK(ns_open_pid(0, NS_UTS));
    if (fd >= 0) {
        CHECK_EQ_U64(lib_ns_id(fd), main_uts);
        close(fd);
    }
    fd = CHECK_OK(ns_open_pid(v.tid, NS_UTS));
    if (fd >= 0) {
        CHECK_EQ_U64(lib_ns_id(fd), v.proc_id);
        close(fd);
    }
    close(v.release[1]);
    pthread_join(t, NULL);
    close(v.release[0]);
    close(v.ready[0]);
    close(v.ready[1]);
}

static void test_id_matches_readlink(void)
{
    for (size_t i = 0; i < N_KINDS; i++) {
        int fd = open_ns_file(0, NS_KINDS[i].name);
        if (fd < 0)
            continue;
        uint64_t id = 0;
        CHECK(CHECK_OK(ns_id(fd, &id)) == 0);
        CHECK_EQ_U64(id, ns_id_of(0, NS_KINDS[i].name));
        close(fd);
    }
}

static void test_id_errors(void)
{
    const uint64_t sentinel = 0x5a5a5a5a5a5a5a5aull;
    uint64_t id = sentinel;
    int fd = SYS_OK(open_ns_file(0, "net"));
    CHECK_ERR(ns_id(fd, NULL), EINVAL);
    close(fd);

    CHECK_ERR(ns_id(-1, &id), EBADF);
    CHECK(id == sentinel);

    int closed = SYS_OK(open("/dev/null", O_RDONLY | O_CLOEXEC));
    close(closed);
    CHECK_ERR(ns_id(closed, &id), EBADF);
    CHECK(id == sentinel);

    int file = SYS_OK(open("/proc/self/status", O_RDONLY | O_CLOEXEC));
    CHECK_ERR(ns_id(file, &id), EINVAL);
    CHECK(id == sentinel);
    close(file);

    int dir = SYS_OK(open("/proc/self/ns", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    CHECK_ERR(ns_id(dir, &id), EINVAL);
    CHECK(id == sentinel);
    close(dir);

    int pidfd = SYS_OK(pidfd_open_(getpid()));
    CHECK_ERR(ns_id(pidfd, &id), EINVAL);
    CHECK(id == sentinel);
    close(pidfd);
}

int main(void)
{
    RUN(test_self_every_type);
    RUN(test_child_every_type);
    RUN(test_child_same_namespaces);
    RUN(test_for_children_self);
    RUN(test_for_children_child);
    RUN(test_bad_types);
    RUN(test_bad_pids);
    RUN(test_zombie_pid);
    RUN(test_pid_zero_is_calling_thread);
    RUN(test_id_matches_readlink);
    RUN(test_id_errors);
    return check_summary();
}
