/* ns_unshare: flag checking and the kernel effect of each namespace type. */
#include "check.h"

/* Snapshot of the calling thread's namespace ids, for "nothing changed". */
struct ns_ids {
    uint64_t id[N_KINDS + 2];
};

static void snapshot(struct ns_ids *s)
{
    for (size_t i = 0; i < N_KINDS; i++)
        s->id[i] = ns_id_of(0, NS_KINDS[i].name);
    s->id[N_KINDS] = ns_id_of(0, "pid_for_children");
    s->id[N_KINDS + 1] = ns_id_of(0, "time_for_children");
}

static void check_unchanged(const struct ns_ids *before, const char *what)
{
    struct ns_ids now;
    snapshot(&now);
    for (size_t i = 0; i < N_KINDS + 2; i++)
        CHECKF(now.id[i] == before->id[i], "%s: namespace #%zu changed", what, i);
}

static void test_unknown_bits_rejected(void)
{
    struct ns_ids before;
    snapshot(&before);
    /* CLONE_VM, CLONE_THREAD, CLONE_SIGHAND, bit 0, the sign bit, and valid
     * namespace bits mixed with an invalid one: nothing may happen. */
    const int bad[] = {0x1, 0x100, 0x10000, 0x800, (int)0x80000000,
                       NS_NET | 0x100, NS_UTS | NS_IPC | 0x1,
                       NS_USER | 0x10000, NS_NET | NS_FOR_CHILDREN};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_ERR(ns_unshare(bad[i]), EINVAL);
        check_unchanged(&before, "after rejected flags");
    }
}

static void test_zero_is_noop(void)
{
    struct ns_ids before;
    snapshot(&before);
    CHECK(CHECK_OK(ns_unshare(0)) == 0);
    check_unchanged(&before, "ns_unshare(0)");
}

static void test_uts_hostname_private(void)
{
    SKIP_UNLESS_ROOT();
    char before[256], after[256], parent_view[256];
    hostname_now(before, sizeof before);
    uint64_t parent_uts = ns_id_of(getppid(), "uts");

    CHECK(CHECK_OK(ns_unshare(NS_UTS)) == 0);
    uint64_t mine = ns_id_of(0, "uts");
    CHECK(mine != 0 && mine != parent_uts);

    const char *name = "linuxns-unshare-uts";
    SYS_OK(sethostname(name, strlen(name)));
    hostname_now(after, sizeof after);
    CHECK_STREQ(after, name);

    /* The parent's namespace still has the old name: look from inside it. */
    int fd = SYS_OK(open_ns_file(getppid(), "uts"));
    SYS_OK(setns(fd, CLONE_NEWUTS));
    close(fd);
    hostname_now(parent_view, sizeof parent_view);
    CHECK_STREQ(parent_view, before);
}

static void test_net_new_namespace(void)
{
    SKIP_UNLESS_ROOT();
    uint64_t before = ns_id_of(0, "net");
    CHECK(CHECK_OK(ns_unshare(NS_NET)) == 0);
    uint64_t after = ns_id_of(0, "net");
    CHECK(after != 0 && after != before);
    CHECK(after != ns_id_of(getppid(), "net"));
    /* A fresh network namespace has only the loopback device. */
    char buf[4096];
    REQUIRE(read_file("/proc/self/net/dev", buf, sizeof buf) > 0);
    int lines = 0;
    for (char *p = buf; (p = strchr(p, '\n')); p++)
        lines++;
    CHECKF(lines == 3 && strstr(buf, "lo:"), "/proc/self/net/dev:\n%s", buf);
}

static void test_all_types_at_once(void)
{
    SKIP_UNLESS_ROOT();
    struct ns_ids before;
    snapshot(&before);
    int types = NS_MNT | NS_CGROUP | NS_UTS | NS_IPC | NS_NET | NS_PID | NS_TIME;
    CHECK(CHECK_OK(ns_unshare(types)) == 0);
    /* These move the caller itself. */
    const char *self_moves[] = {"mnt", "cgroup", "uts", "ipc", "net"};
    for (size_t i = 0; i < 5; i++) {
        uint64_t parent = ns_id_of(getppid(), self_moves[i]);
        CHECKF(ns_id_of(0, self_moves[i]) != parent, "%s did not change", self_moves[i]);
    }
    /* pid and time move only the children to come. */
    CHECK_EQ_U64(ns_id_of(0, "pid"), ns_id_of(getppid(), "pid"));
    CHECK_EQ_U64(ns_id_of(0, "time"), ns_id_of(getppid(), "time"));
    CHECK(ns_id_of(0, "pid_for_children") != before.id[N_KINDS]);
    CHECK(ns_id_of(0, "time_for_children") != before.id[N_KINDS + 1]);
    CHECK_EQ_U64(ns_id_of(0, "user"), ns_id_of(getppid(), "user"));
}

static void test_user_namespace(void)
{
    /* Works for root and unprivileged users alike. */
    uint64_t before = ns_id_of(0, "user");
    CHECK(CHECK_OK(ns_unshare(NS_USER)) == 0);
    uint64_t after = ns_id_of(0, "user");
    CHECK(after != 0 && after != before);
    /* Unmapped: our uid reads as the overflow uid. */
    char buf[32];
    REQUIRE(read_file("/proc/sys/kernel/overflowuid", buf, sizeof buf) > 0);
    CHECK(geteuid() == (uid_t)strtoul(buf, NULL, 10));
}

static void test_fs_files_sysvsem_accepted(void)
{
    struct ns_ids before;
    snapshot(&before);
    CHECK(CHECK_OK(ns_unshare(CLONE_FS)) == 0);
    CHECK(CHECK_OK(ns_unshare(CLONE_FILES)) == 0);
    CHECK(CHECK_OK(ns_unshare(CLONE_SYSVSEM)) == 0);
    CHECK(CHECK_OK(ns_unshare(CLONE_FS | CLONE_FILES | CLONE_SYSVSEM)) == 0);
    check_unchanged(&before, "CLONE_FS|CLONE_FILES|CLONE_SYSVSEM");
}

static void test_fs_with_namespace(void)
{
    SKIP_UNLESS_ROOT();
    uint64_t before = ns_id_of(0, "uts");
    CHECK(CHECK_OK(ns_unshare(NS_UTS | CLONE_FS | CLONE_FILES | CLONE_SYSVSEM)) == 0);
    CHECK(ns_id_of(0, "uts") != before);
}

static void test_user_refused_when_multithreaded(void)
{
    struct idle_thread t;
    idle_thread_start(&t);
    uint64_t before = ns_id_of(0, "user");
    CHECK_ERR(ns_unshare(NS_USER), EINVAL);
    const char *e = ns_last_error();
    CHECKF(strstr(e, "thread") != NULL, "ns_last_error does not mention threads: \"%s\"", e);
    CHECK_EQ_U64(ns_id_of(0, "user"), before);
    idle_thread_stop(&t);
}

struct thread_unshare {
    int ret;
    uint64_t uts;
};

static void *unshare_uts_thread(void *arg)
{
    struct thread_unshare *r = arg;
    r->ret = ns_unshare(NS_UTS);
    r->uts = ns_id_of(0, "uts");
    return NULL;
}

static void test_moves_calling_thread_only(void)
{
    SKIP_UNLESS_ROOT();
    uint64_t main_uts = ns_id_of(0, "uts");
    struct thread_unshare r = {-1, 0};
    run_on_thread(unshare_uts_thread, &r);
    CHECKF(r.ret == 0, "ns_unshare(NS_UTS) on a thread returned %d", r.ret);
    CHECK(r.uts != 0 && r.uts != main_uts);
    CHECK_EQ_U64(ns_id_of(0, "uts"), main_uts);
}

static void test_unprivileged_net_refused(void)
{
    /* Without privilege (and outside a user namespace of our own) the kernel
     * refuses, and the library reports it. */
    if (geteuid() == 0) {
        SYS_OK(setgroups(0, NULL));
        SYS_OK(setresgid(65534, 65534, 65534));
        SYS_OK(setresuid(65534, 65534, 65534));
    }
    uint64_t before = ns_id_of(0, "net");
    CHECK_ERR(ns_unshare(NS_NET), EPERM);
    CHECK_EQ_U64(ns_id_of(0, "net"), before);
}

int main(void)
{
    RUN(test_unknown_bits_rejected);
    RUN(test_zero_is_noop);
    RUN(test_uts_hostname_private);
    RUN(test_net_new_namespace);
    RUN(test_all_types_at_once);
    RUN(test_user_namespace);
    RUN(test_fs_files_sysvsem_accepted);
    RUN(test_fs_with_namespace);
    RUN(test_user_refused_when_multithreaded);
    RUN(test_moves_calling_thread_only);
    RUN(test_unprivileged_net_refused);
    return check_summary();
}
