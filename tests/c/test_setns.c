/* ns_setns: namespace fds, pidfds, bad descriptors, thread rules. */
#include "check.h"

static void test_nsfd_any_type_joins(void)
{
    SKIP_UNLESS_ROOT();
    struct holder h;
    holder_start(&h, CLONE_NEWNET, NULL, HOLDER_KEEP_UID);
    uint64_t target = ns_id_of(h.pid, "net");
    REQUIRE(target != ns_id_of(0, "net"));
    int fd = SYS_OK(open_ns_file(h.pid, "net"));
    CHECK(CHECK_OK(ns_setns(fd, 0)) == 0);
    CHECK_EQ_U64(ns_id_of(0, "net"), target);
    close(fd);
    holder_stop(&h);
}

static void test_nsfd_exact_type_joins(void)
{
    SKIP_UNLESS_ROOT();
    struct holder h;
    holder_start(&h, CLONE_NEWUTS, "linuxns-setns-exact", HOLDER_KEEP_UID);
    int fd = SYS_OK(open_ns_file(h.pid, "uts"));
    CHECK(CHECK_OK(ns_setns(fd, NS_UTS)) == 0);
    CHECK_EQ_U64(ns_id_of(0, "uts"), ns_id_of(h.pid, "uts"));
    char name[256];
    hostname_now(name, sizeof name);
    CHECK_STREQ(name, "linuxns-setns-exact");
    close(fd);
    holder_stop(&h);
}

static void test_nsfd_wrong_type_or_bits(void)
{
    int fd = SYS_OK(open_ns_file(0, "net"));
    uint64_t net = ns_id_of(0, "net"), uts = ns_id_of(0, "uts");
    CHECK_ERR(ns_setns(fd, NS_UTS), EINVAL);
    CHECK_ERR(ns_setns(fd, NS_USER), EINVAL);
    CHECK_ERR(ns_setns(fd, NS_NET | NS_UTS), EINVAL);
    CHECK_ERR(ns_setns(fd, NS_NET | 0x100), EINVAL);
    CHECK_ERR(ns_setns(fd, NS_NET | NS_FOR_CHILDREN), EINVAL);
    CHECK_ERR(ns_setns(fd, 0x100), EINVAL);
    CHECK_ERR(ns_setns(fd, 0x1), EINVAL);
    CHECK_ERR(ns_setns(fd, (int)0x80000000), EINVAL);
    CHECK_EQ_U64(ns_id_of(0, "net"), net);
    CHECK_EQ_U64(ns_id_of(0, "uts"), uts);
    close(fd);
}

static void test_bad_descriptors(void)
{
    CHECK_ERR(ns_setns(-1, 0), EBADF);
    CHECK_ERR(ns_setns(-1, NS_NET), EBADF);
    CHECK_ERR(ns_setns(-1, NS_NET | NS_UTS), EBADF);

    int closed = SYS_OK(open("/dev/null", O_RDONLY | O_CLOEXEC));
    close(closed);
    CHECK_ERR(ns_setns(closed, 0), EBADF);
    CHECK_ERR(ns_setns(closed, NS_UTS), EBADF);

    int devnull = SYS_OK(open("/dev/null", O_RDONLY | O_CLOEXEC));
    CHECK_ERR(ns_setns(devnull, 0), EINVAL);
    CHECK_ERR(ns_setns(devnull, NS_NET), EINVAL);
    close(devnull);

    int file = SYS_OK(open("/proc/self/status", O_RDONLY | O_CLOEXEC));
    CHECK_ERR(ns_setns(file, 0), EINVAL);
    CHECK_ERR(ns_setns(file, NS_UTS), EINVAL);
    close(file);
}

static void test_pidfd_joins_several_at_once(void)
{
    SKIP_UNLESS_ROOT();
    struct holder h;
    holder_start(&h, CLONE_NEWUTS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWNS,
                 "linuxns-pidfd", HOLDER_KEEP_UID);
    uint64_t my_mnt = ns_id_of(0, "mnt");
    REQUIRE(my_mnt != ns_id_of(h.pid, "mnt"));
    int pidfd = SYS_OK(pidfd_open_(h.pid));
    CHECK(CHECK_OK(ns_setns(pidfd, NS_UTS | NS_NET | NS_IPC)) == 0);
    CHECK_EQ_U64(ns_id_of(0, "uts"), ns_id_of(h.pid, "uts"));
    CHECK_EQ_U64(ns_id_of(0, "net"), ns_id_of(h.pid, "net"));
    CHECK_EQ_U64(ns_id_of(0, "ipc"), ns_id_of(h.pid, "ipc"));
    char name[256];
    hostname_now(name, sizeof name);
    CHECK_STREQ(name, "linuxns-pidfd");
    /* A type not asked for is left alone. */
    CHECK_EQ_U64(ns_id_of(0, "mnt"), my_mnt);
    close(pidfd);
    holder_stop(&h);
}

static void test_pidfd_bad_types(void)
{
    struct holder h;
    holder_start(&h, 0, NULL, HOLDER_KEEP_UID);
    int pidfd = SYS_OK(pidfd_open_(h.pid));
    CHECK_ERR(ns_setns(pidfd, 0), EINVAL);
    CHECK_ERR(ns_setns(pidfd, NS_NET | 0x100), EINVAL);
    CHECK_ERR(ns_setns(pidfd, NS_UTS | NS_FOR_CHILDREN), EINVAL);
    CHECK_ERR(ns_setns(pidfd, 0x1), EINVAL);
    close(pidfd);
    holder_stop(&h);
}

static void test_pidfd_of_reaped_child(void)
{
    pid_t pid = SYS_OK(fork());
    if (pid == 0)
        _exit(0);
    int pidfd = SYS_OK(pidfd_open_(pid));
    int st;
    wait_child(pid, &st);
    uint64_t uts = ns_id_of(0, "uts");
    CHECK_ERR(ns_setns(pidfd, NS_UTS), ESRCH);
    CHECK_ERR(ns_setns(pidfd, NS_UTS | NS_NET), ESRCH);
    CHECK_EQ_U64(ns_id_of(0, "uts"), uts);
    close(pidfd);
}

static void test_join_own_user_namespace(void)
{
    uint64_t user = ns_id_of(0, "user");
    int fd = REQUIRE_OK(ns_open_pid(0, NS_USER));
    CHECK(CHECK_OK(ns_setns(fd, NS_USER)) == 0);
    CHECK(CHECK_OK(ns_setns(fd, 0)) == 0);
    CHECK_EQ_U64(ns_id_of(0, "user"), user);
    close(fd);

    /* The same through a pidfd of ourselves. */
    int pidfd = SYS_OK(pidfd_open_(getpid()));
    CHECK(CHECK_OK(ns_setns(pidfd, NS_USER)) == 0);
    CHECK_EQ_U64(ns_id_of(0, "user"), user);
    close(pidfd);
}

static void test_join_own_user_namespace_multithreaded(void)
{
    /* A no-op needs no single-threaded process. */
    struct idle_thread t;
    idle_thread_start(&t);
    uint64_t user = ns_id_of(0, "user");
    int fd = REQUIRE_OK(ns_open_pid(0, NS_USER));
    CHECK(CHECK_OK(ns_setns(fd, NS_USER)) == 0);
    CHECK_EQ_U64(ns_id_of(0, "user"), user);
    close(fd);
    idle_thread_stop(&t);
}

static void test_pidfd_own_user_plus_uts(void)
{
    SKIP_UNLESS_ROOT();
    /* The holder shares our user namespace: NS_USER is a no-op, UTS moves. */
    struct holder h;
    holder_start(&h, CLONE_NEWUTS, "linuxns-own-user", HOLDER_KEEP_UID);
    int pidfd = SYS_OK(pidfd_open_(h.pid));
    uint64_t user = ns_id_of(0, "user");
    CHECK(CHECK_OK(ns_setns(pidfd, NS_USER | NS_UTS)) == 0);
    CHECK_EQ_U64(ns_id_of(0, "user"), user);
    CHECK_EQ_U64(ns_id_of(0, "uts"), ns_id_of(h.pid, "uts"));
    char name[256];
    hostname_now(name, sizeof name);
    CHECK_STREQ(name, "linuxns-own-user");
    close(pidfd);
    holder_stop(&h);
}

static void test_pidfd_user_and_uts(void)
{
    /* Root or not: the owner of a user namespace may join it and the UTS
     * namespace it owns (unprivileged, only with the user namespace first). */
    struct holder h;
    holder_start(&h, CLONE_NEWUSER | CLONE_NEWUTS, "linuxns-user-uts",
                 HOLDER_KEEP_UID);
    int pidfd = SYS_OK(pidfd_open_(h.pid));
    CHECK(CHECK_OK(ns_setns(pidfd, NS_USER | NS_UTS)) == 0);
    CHECK_EQ_U64(ns_id_of(0, "user"), ns_id_of(h.pid, "user"));
    CHECK_EQ_U64(ns_id_of(0, "uts"), ns_id_of(h.pid, "uts"));
    char name[256];
    hostname_now(name, sizeof name);
    CHECK_STREQ(name, "linuxns-user-uts");
    close(pidfd);
    holder_stop(&h);
}

static void test_mnt_refused_when_multithreaded(void)
{
    SKIP_UNLESS_ROOT();
    struct holder h;
    holder_start(&h, CLONE_NEWNS, NULL, HOLDER_KEEP_UID);
    int fd = SYS_OK(open_ns_file(h.pid, "mnt"));
    struct idle_thread t;
    idle_thread_start(&t);
    uint64_t mnt = ns_id_of(0, "mnt");
    CHECK_ERR(ns_setns(fd, NS_MNT), EINVAL);
    const char *e = ns_last_error();
    CHECKF(strstr(e, "thread") != NULL, "ns_last_error does not mention threads: \"%s\"", e);
    CHECK_ERR(ns_setns(fd, 0), EINVAL);
    CHECK_EQ_U64(ns_id_of(0, "mnt"), mnt);
    idle_thread_stop(&t);
    close(fd);
    holder_stop(&h);
}

static void test_user_refused_when_multithreaded(void)
{
    struct holder h;
    holder_start(&h, CLONE_NEWUSER, NULL, HOLDER_KEEP_UID);
    int fd = SYS_OK(open_ns_file(h.pid, "user"));
    struct idle_thread t;
    idle_thread_start(&t);
    uint64_t user = ns_id_of(0, "user");
    CHECK_ERR(ns_setns(fd, NS_USER), EINVAL);
    const char *e = ns_last_error();
    CHECKF(strstr(e, "thread") != NULL, "ns_last_error does not mention threads: \"%s\"", e);
    CHECK_EQ_U64(ns_id_of(0, "user"), user);
    idle_thread_stop(&t);
    close(fd);
    holder_stop(&h);
}

struct thread_setns {
    int fd, ret;
    uint64_t net;
};

static void *setns_thread(void *arg)
{
    struct thread_setns *r = arg;
    r->ret = ns_setns(r->fd, NS_NET);
    r->net = ns_id_of(0, "net");
    return NULL;
}

static void test_moves_calling_thread_only(void)
{
    SKIP_UNLESS_ROOT();
    struct holder h;
    holder_start(&h, CLONE_NEWNET, NULL, HOLDER_KEEP_UID);
    struct thread_setns r = {SYS_OK(open_ns_file(h.pid, "net")), -1, 0};
    uint64_t main_net = ns_id_of(0, "net");
    run_on_thread(setns_thread, &r);
    CHECKF(r.ret == 0, "ns_setns on a thread returned %d", r.ret);
    CHECK_EQ_U64(r.net, ns_id_of(h.pid, "net"));
    CHECK_EQ_U64(ns_id_of(0, "net"), main_net);
    close(r.fd);
    holder_stop(&h);
}

static void test_pid_for_children(void)
{
    SKIP_UNLESS_ROOT();
    struct holder h;
    holder_start(&h, CLONE_NEWPID, NULL, HOLDER_KEEP_UID);
    int fd = SYS_OK(open_ns_file(h.pid, "pid_for_children"));
    uint64_t pid_ns = ns_id_of(0, "pid");
    CHECK(CHECK_OK(ns_setns(fd, NS_PID)) == 0);
    CHECK_EQ_U64(ns_id_of(0, "pid_for_children"), ns_id_of(h.pid, "pid_for_children"));
    CHECK_EQ_U64(ns_id_of(0, "pid"), pid_ns);
    close(fd);
    holder_stop(&h);
}

static void test_unprivileged_refused(void)
{
    SKIP_UNLESS_ROOT();
    /* Root makes the namespace, then the case drops privilege and may not
     * join it: the kernel's EPERM comes back. */
    struct holder h;
    holder_start(&h, CLONE_NEWNET, NULL, HOLDER_KEEP_UID);
    int fd = SYS_OK(open_ns_file(h.pid, "net"));
    int pidfd = SYS_OK(pidfd_open_(h.pid));
    SYS_OK(setgroups(0, NULL));
    SYS_OK(setresgid(65534, 65534, 65534));
    SYS_OK(setresuid(65534, 65534, 65534));
    uint64_t net = ns_id_of(0, "net");
    CHECK_ERR(ns_setns(fd, NS_NET), EPERM);
    CHECK_ERR(ns_setns(pidfd, NS_NET), EPERM);
    CHECK_EQ_U64(ns_id_of(0, "net"), net);
    close(pidfd);
    close(fd);
    holder_stop(&h);
}

int main(void)
{
    RUN(test_nsfd_any_type_joins);
    RUN(test_nsfd_exact_type_joins);
    RUN(test_nsfd_wrong_type_or_bits);
    RUN(test_bad_descriptors);
    RUN(test_pidfd_joins_several_at_once);
    RUN(test_pidfd_bad_types);
    RUN(test_pidfd_of_reaped_child);
    RUN(test_join_own_user_namespace);
    RUN(test_join_own_user_namespace_multithreaded);
    RUN(test_pidfd_own_user_plus_uts);
    RUN(test_pidfd_user_and_uts);
    RUN(test_mnt_refused_when_multithreaded);
    RUN(test_user_refused_when_multithreaded);
    RUN(test_moves_calling_thread_only);
    RUN(test_pid_for_children);
    RUN(test_unprivileged_refused);
    return check_summary();
}
