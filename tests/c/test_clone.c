/* ns_clone: a waitable child in new namespaces, with an optional pidfd. */
#include "check.h"
#include <poll.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

/* What the child reports through a pipe. */
struct child_view {
    pid_t pid;
    uint64_t uts, net, user;
};

struct child_arg {
    int report_fd; /* write end of the report pipe, -1 for none */
    int status;    /* the value fn returns */
    int touched;   /* fn writes here: the parent must not see it */
};

static volatile int g_touched;

/* Runs in the child: only async-signal-safe calls (readlink, write). */
static int report_child(void *p)
{
    struct child_arg *a = p;
    struct child_view v;
    memset(&v, 0, sizeof v); /* no uninitialised padding on the pipe */
    v.pid = getpid();
    v.uts = ns_id_of(0, "uts");
    v.net = ns_id_of(0, "net");
    v.user = ns_id_of(0, "user");
    if (a->report_fd >= 0 && write(a->report_fd, &v, sizeof v) != (ssize_t)sizeof v)
        return 99;
    a->touched = 1;
    g_touched = 1;
    return a->status;
}

/* For multithreaded callers: nothing but the return. */
static int return_status(void *p)
{
    return ((struct child_arg *)p)->status;
}

static void check_new_namespaces(int types)
{
    int p[2];
    SYS_OK(pipe2(p, O_CLOEXEC));
    struct child_arg a = {p[1], 42, 0};
    uint64_t my_uts = ns_id_of(0, "uts"), my_net = ns_id_of(0, "net");
    uint64_t my_user = ns_id_of(0, "user");
    pid_t pid = REQUIRE_OK(ns_clone(types, report_child, &a, NULL));
    close(p[1]);
    struct child_view v = {0};
    CHECK(read(p[0], &v, sizeof v) == (ssize_t)sizeof v);
    close(p[0]);
    int st = 0;
    CHECK(wait_child(pid, &st) == pid);
    CHECKF(WIFEXITED(st) && WEXITSTATUS(st) == 42, "status 0x%x", st);

    CHECKF(v.pid == 1, "getpid() in the child: %d", (int)v.pid);
    CHECK(v.uts != 0 && v.uts != my_uts);
    CHECK(v.net != 0 && v.net != my_net);
    if (types & NS_USER)
        CHECK(v.user != 0 && v.user != my_user);
    else
        CHECK_EQ_U64(v.user, my_user);
    /* The caller stays where it was. */
    CHECK_EQ_U64(ns_id_of(0, "uts"), my_uts);
    CHECK_EQ_U64(ns_id_of(0, "net"), my_net);
    CHECK_EQ_U64(ns_id_of(0, "user"), my_user);
}

static void test_pid_uts_net(void)
{
    SKIP_UNLESS_ROOT();
    check_new_namespaces(NS_PID | NS_UTS | NS_NET);
}

static void test_user_pid_uts_net(void)
{
    /* With a user namespace this needs no privilege. */
    check_new_namespaces(NS_USER | NS_PID | NS_UTS | NS_NET);
}

static void test_exit_status_and_pidfd(void)
{
    struct child_arg a = {-1, 42, 0};
    int pidfd = -77;
    pid_t pid = REQUIRE_OK(ns_clone(NS_USER, report_child, &a, &pidfd));
    REQUIRE(pidfd >= 0);
    CHECK(fd_cloexec(pidfd));

    /* The pidfd polls readable once the child has exited ... */
    struct pollfd pfd = {pidfd, POLLIN, 0};
    CHECK(poll(&pfd, 1, 10000) == 1 && (pfd.revents & POLLIN));
    /* ... and waitid(P_PIDFD) reaps exactly that child with fn's value. */
    siginfo_t info;
    memset(&info, 0, sizeof info);
    CHECK(waitid(P_PIDFD, (id_t)pidfd, &info, WEXITED) == 0);
    CHECK(info.si_pid == pid);
    CHECK(info.si_code == CLD_EXITED && info.si_status == 42);
    close(pidfd);
}

static void test_waitpid_status(void)
{
    struct child_arg a = {-1, 7, 0};
    pid_t pid = REQUIRE_OK(ns_clone(NS_USER | NS_UTS, report_child, &a, NULL));
    int st = 0;
    CHECK(wait_child(pid, &st) == pid);
    CHECKF(WIFEXITED(st) && WEXITSTATUS(st) == 7, "status 0x%x", st);
}

static void test_memory_is_a_copy(void)
{
    struct child_arg a = {-1, 0, 0};
    g_touched = 0;
    pid_t pid = REQUIRE_OK(ns_clone(NS_USER, report_child, &a, NULL));
    int st = 0;
    CHECK(wait_child(pid, &st) == pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECK(g_touched == 0);
    CHECK(a.touched == 0);
}

static void test_no_namespaces(void)
{
    /* types 0: a plain fork-like child in the caller's namespaces. */
    int p[2];
    SYS_OK(pipe2(p, O_CLOEXEC));
    struct child_arg a = {p[1], 3, 0};
    pid_t pid = REQUIRE_OK(ns_clone(0, report_child, &a, NULL));
    close(p[1]);
    struct child_view v = {0};
    CHECK(read(p[0], &v, sizeof v) == (ssize_t)sizeof v);
    close(p[0]);
    int st = 0;
    CHECK(wait_child(pid, &st) == pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 3);
    CHECK(v.pid == pid);
    CHECK_EQ_U64(v.net, ns_id_of(0, "net"));
    CHECK_EQ_U64(v.uts, ns_id_of(0, "uts"));
}

static void test_sigchld_on_exit(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    SYS_OK(sigprocmask(SIG_BLOCK, &set, NULL));
    struct child_arg a = {-1, 5, 0};
    pid_t pid = REQUIRE_OK(ns_clone(NS_USER, report_child, &a, NULL));
    struct timespec ts = {10, 0};
    siginfo_t info;
    CHECK(sigtimedwait(&set, &info, &ts) == SIGCHLD);
    CHECK(info.si_pid == pid);
    int st;
    CHECK(wait_child(pid, &st) == pid);
}

static void check_no_child_created(void)
{
    errno = 0;
    CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
}

static void test_bad_arguments(void)
{
    struct child_arg a = {-1, 0, 0};
    int pidfd = -77;
    CHECK_ERR(ns_clone(NS_USER, NULL, &a, &pidfd), EINVAL);
    CHECK_ERR(ns_clone(0x100, report_child, &a, &pidfd), EINVAL);           /* CLONE_VM */
    CHECK_ERR(ns_clone(NS_USER | 0x1, report_child, &a, &pidfd), EINVAL);
    CHECK_ERR(ns_clone(CLONE_FILES, report_child, &a, &pidfd), EINVAL);
    CHECK_ERR(ns_clone(NS_UTS | CLONE_THREAD, report_child, &a, &pidfd), EINVAL);
    CHECK_ERR(ns_clone((int)0x80000000, report_child, &a, &pidfd), EINVAL);
    CHECK(pidfd == -77); /* written only on success */
    check_no_child_created();
}

static void test_kernel_refusal(void)
{
    SKIP_UNLESS_ROOT();
    /* Unprivileged, a network namespace without a user namespace is refused
     * by the kernel: the error comes back, no child, no pidfd. */
    SYS_OK(setgroups(0, NULL));
    SYS_OK(setresgid(65534, 65534, 65534));
    SYS_OK(setresuid(65534, 65534, 65534));
    struct child_arg a = {-1, 0, 0};
    int pidfd = -77;
    CHECK_ERR(ns_clone(NS_NET, report_child, &a, &pidfd), EPERM);
    CHECK(pidfd == -77);
    check_no_child_created();
}

struct thread_clone {
    pid_t pid;
    int status;
};

static void *clone_from_thread(void *p)
{
    struct thread_clone *r = p;
    struct child_arg a = {-1, 9, 0};
    r->pid = ns_clone(NS_USER | NS_NET, return_status, &a, NULL);
    if (r->pid > 0)
        wait_child(r->pid, &r->status);
    return NULL;
}

static void test_from_a_second_thread(void)
{
    struct idle_thread idle;
    idle_thread_start(&idle);
    /* From the main thread of a multithreaded process ... */
    struct child_arg a = {-1, 11, 0};
    pid_t pid = CHECK_OK(ns_clone(NS_USER | NS_UTS, return_status, &a, NULL));
    if (pid > 0) {
        int st = 0;
        CHECK(wait_child(pid, &st) == pid);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 11);
    }
    /* ... and from another thread. */
    struct thread_clone r = {-1, 0};
    run_on_thread(clone_from_thread, &r);
    CHECKF(r.pid > 0, "ns_clone on a thread: %d", (int)r.pid);
    CHECK(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 9);
    idle_thread_stop(&idle);
}

int main(void)
{
    RUN(test_pid_uts_net);
    RUN(test_user_pid_uts_net);
    RUN(test_exit_status_and_pidfd);
    RUN(test_waitpid_status);
    RUN(test_memory_is_a_copy);
    RUN(test_no_namespaces);
    RUN(test_sigchld_on_exit);
    RUN(test_bad_arguments);
    RUN(test_kernel_refusal);
    RUN(test_from_a_second_thread);
    return check_summary();
}
