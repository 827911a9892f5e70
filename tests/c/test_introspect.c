/* Introspection: ns_get_userns, ns_get_parent, ns_owner_uid. */
#include "check.h"

static void test_get_userns_of_child_net(void)
{
    struct holder h;
    holder_start(&h, CLONE_NEWUSER | CLONE_NEWNET, NULL, HOLDER_KEEP_UID);
    int net = SYS_OK(open_ns_file(h.pid, "net"));
    int user = CHECK_OK(ns_get_userns(net));
    if (user >= 0) {
        CHECK_EQ_U64(fd_ns_id(user), ns_id_of(h.pid, "user"));
        CHECK(fd_ns_id(user) != ns_id_of(0, "user"));
        CHECK(ns_type(user) == NS_USER);
        CHECK(fd_cloexec(user));
        close(user);
    }
    close(net);
    holder_stop(&h);
}

static void test_get_userns_of_own_net(void)
{
    int net = SYS_OK(open_ns_file(0, "net"));
    int user = CHECK_OK(ns_get_userns(net));
    if (user >= 0) {
        CHECK_EQ_U64(lib_ns_id(user), ns_id_of(0, "user"));
        close(user);
    }
    close(net);
}

static void test_get_userns_beyond_reach(void)
{
    /* The owner of our own user namespace is its parent: out of our sight
     * (for the initial user namespace there is none at all). */
    int user = SYS_OK(open_ns_file(0, "user"));
    CHECK_ERR(ns_get_userns(user), EPERM);
    close(user);
}

static void test_get_userns_errors(void)
{
    CHECK_ERR(ns_get_userns(-1), EBADF);
    int file = SYS_OK(open("/proc/self/status", O_RDONLY | O_CLOEXEC));
    CHECK_ERR(ns_get_userns(file), EINVAL);
    close(file);
}

static void test_get_parent_pid(void)
{
    struct holder h;
    holder_start(&h, CLONE_NEWUSER | CLONE_NEWPID, NULL, HOLDER_KEEP_UID);
    int child_pidns = SYS_OK(open_ns_file(h.pid, "pid_for_children"));
    REQUIRE(fd_ns_id(child_pidns) != ns_id_of(0, "pid"));
    int parent = CHECK_OK(ns_get_parent(child_pidns));
    if (parent >= 0) {
        CHECK_EQ_U64(fd_ns_id(parent), ns_id_of(0, "pid"));
        CHECK(ns_type(parent) == NS_PID);
        CHECK(fd_cloexec(parent));
        close(parent);
    }
    close(child_pidns);
    holder_stop(&h);
}

static void test_get_parent_user(void)
{
    struct holder h;
    holder_start(&h, CLONE_NEWUSER, NULL, HOLDER_KEEP_UID);
    int child_user = SYS_OK(open_ns_file(h.pid, "user"));
    int parent = CHECK_OK(ns_get_parent(child_user));
    if (parent >= 0) {
        CHECK_EQ_U64(fd_ns_id(parent), ns_id_of(0, "user"));
        close(parent);
    }
    close(child_user);
    holder_stop(&h);
}

static void test_get_parent_nested_user(void)
{
    /* Two levels down: the parent is the middle one, not ours. */
    raw_become_root_in_userns(); /* nesting needs our ids mapped */
    uint64_t middle = ns_id_of(0, "user");
    struct holder h;
    holder_start(&h, CLONE_NEWUSER, NULL, HOLDER_KEEP_UID);
    int inner = SYS_OK(open_ns_file(h.pid, "user"));
    int parent = CHECK_OK(ns_get_parent(inner));
    if (parent >= 0) {
        CHECK_EQ_U64(fd_ns_id(parent), middle);
        /* and the middle one's parent is beyond our reach */
        CHECK_ERR(ns_get_parent(parent), EPERM);
        close(parent);
    }
    close(inner);
    holder_stop(&h);
}

static void test_get_parent_errors(void)
{
    int net = SYS_OK(open_ns_file(0, "net"));
    CHECK_ERR(ns_get_parent(net), EINVAL);
    close(net);
    int uts = SYS_OK(open_ns_file(0, "uts"));
    CHECK_ERR(ns_get_parent(uts), EINVAL);
    close(uts);
    /* Our own pid and user namespaces: their parents (if any) are above
     * what we may see; for the initial ones there are none. */
    int pid = SYS_OK(open_ns_file(0, "pid"));
    CHECK_ERR(ns_get_parent(pid), EPERM);
    close(pid);
    int user = SYS_OK(open_ns_file(0, "user"));
    CHECK_ERR(ns_get_parent(user), EPERM);
    close(user);
    CHECK_ERR(ns_get_parent(-1), EBADF);
    int file = SYS_OK(open("/proc/self/status", O_RDONLY | O_CLOEXEC));
    CHECK_ERR(ns_get_parent(file), EINVAL);
    close(file);
}

static void test_owner_uid_of_child_userns(void)
{
    struct holder h;
    holder_start(&h, CLONE_NEWUSER, NULL, HOLDER_KEEP_UID);
    int user = SYS_OK(open_ns_file(h.pid, "user"));
    uid_t uid = (uid_t)12345;
    CHECK(CHECK_OK(ns_owner_uid(user, &uid)) == 0);
    CHECK(uid == geteuid());
    close(user);
    holder_stop(&h);
}

static void test_owner_uid_nobody(void)
{
    SKIP_UNLESS_ROOT();
    struct holder h;
    holder_start(&h, CLONE_NEWUSER, NULL, 65534);
    int user = SYS_OK(open_ns_file(h.pid, "user"));
    uid_t uid = 0;
    CHECK(CHECK_OK(ns_owner_uid(user, &uid)) == 0);
    CHECKF(uid == 65534, "owner uid %u", (unsigned)uid);
    close(user);
    holder_stop(&h);
}

static void test_owner_uid_errors(void)
{
    uid_t uid = (uid_t)4242;
    int net = SYS_OK(open_ns_file(0, "net"));
    CHECK_ERR(ns_owner_uid(net, &uid), EINVAL);
    close(net);
    int user = SYS_OK(open_ns_file(0, "user"));
    CHECK_ERR(ns_owner_uid(user, NULL), EINVAL);
    close(user);
    CHECK_ERR(ns_owner_uid(-1, &uid), EBADF);
    int file = SYS_OK(open("/proc/self/status", O_RDONLY | O_CLOEXEC));
    CHECK_ERR(ns_owner_uid(file, &uid), EINVAL);
    close(file);
    CHECK(uid == (uid_t)4242);
}

int main(void)
{
    RUN(test_get_userns_of_child_net);
    RUN(test_get_userns_of_own_net);
    RUN(test_get_userns_beyond_reach);
    RUN(test_get_userns_errors);
    RUN(test_get_parent_pid);
    RUN(test_get_parent_user);
    RUN(test_get_parent_nested_user);
    RUN(test_get_parent_errors);
    RUN(test_owner_uid_of_child_userns);
    RUN(test_owner_uid_nobody);
    RUN(test_owner_uid_errors);
    return check_summary();
}
