/* Handles: ns_open_pidfd, ns_open_path, ns_open_name, ns_type, ns_same,
 * ns_unique_id. */
#include "check.h"
#include <sys/mount.h>

/* ---- ns_open_pidfd ---------------------------------------------------- */

static void check_pidfd_types(pid_t pid)
{
    int pidfd = SYS_OK(pidfd_open_(pid));
    for (size_t i = 0; i < N_KINDS; i++) {
        const struct ns_kind *k = &NS_KINDS[i];
        uint64_t want = ns_id_of(pid, k->name);
        if (want == 0) {
            CHECK_ERR(ns_open_pidfd(pidfd, k->type), EOPNOTSUPP);
            continue;
        }
        int fd = CHECK_OK(ns_open_pidfd(pidfd, k->type));
        if (fd < 0)
            continue;
        CHECKF(lib_ns_id(fd) == want && fd_ns_id(fd) == want,
               "pid %d %s: got %" PRIu64 ", /proc %" PRIu64, (int)pid, k->name,
               fd_ns_id(fd), want);
        CHECK(fd_cloexec(fd));
        close(fd);
    }
    const struct { int type; const char *name; } fc[] = {
        {NS_PID, "pid_for_children"}, {NS_TIME, "time_for_children"}};
    for (size_t i = 0; i < 2; i++) {
        int fd = CHECK_OK(ns_open_pidfd(pidfd, fc[i].type | NS_FOR_CHILDREN));
        if (fd < 0)
            continue;
        CHECKF(fd_ns_id(fd) == ns_id_of(pid, fc[i].name), "pid %d %s: got %"
               PRIu64 ", /proc %" PRIu64, (int)pid, fc[i].name, fd_ns_id(fd),
               ns_id_of(pid, fc[i].name));
        close(fd);
    }
    close(pidfd);
}

static void test_open_pidfd_self(void)
{
    check_pidfd_types(getpid());
}

static void test_open_pidfd_child(void)
{
    /* Every namespace of the child differs from ours, pid/time_for_children
     * from its own pid/time. */
    struct holder h;
    holder_start(&h, CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC |
                         CLONE_NEWNET | CLONE_NEWCGROUP | CLONE_NEWPID |
                         CLONE_NEWTIME,
                 NULL, HOLDER_KEEP_UID);
    REQUIRE(ns_id_of(h.pid, "pid_for_children") != ns_id_of(h.pid, "pid"));
    check_pidfd_types(h.pid);
    holder_stop(&h);
}

static void test_open_pidfd_errors(void)
{
    CHECK_ERR(ns_open_pidfd(-1, NS_NET), EBADF);
    int file = SYS_OK(open("/proc/self/status", O_RDONLY | O_CLOEXEC));
    CHECK_ERR(ns_open_pidfd(file, NS_NET), EBADF);
    close(file);
    int nsfd = SYS_OK(open_ns_file(0, "net"));
    CHECK_ERR(ns_open_pidfd(nsfd, NS_NET), EBADF);
    close(nsfd);

    int pidfd = SYS_OK(pidfd_open_(getpid()));
    CHECK_ERR(ns_open_pidfd(pidfd, 0), EINVAL);
    CHECK_ERR(ns_open_pidfd(pidfd, NS_NET | NS_UTS), EINVAL);
    CHECK_ERR(ns_open_pidfd(pidfd, 0x100), EINVAL);
    CHECK_ERR(ns_open_pidfd(pidfd, NS_NET | NS_FOR_CHILDREN), EINVAL);
    close(pidfd);

    pid_t pid = SYS_OK(fork());
    if (pid == 0)
        _exit(0);
    pidfd = SYS_OK(pidfd_open_(pid));
    int st;
    wait_child(pid, &st);
    CHECK_ERR(ns_open_pidfd(pidfd, NS_NET), ESRCH);
    CHECK_ERR(ns_open_pidfd(pidfd, NS_PID | NS_FOR_CHILDREN), ESRCH);
    close(pidfd);
}

static void test_open_pidfd_zombie(void)
{
    /* Exited but not reaped: the process has no namespaces any more. */
    pid_t pid = SYS_OK(fork());
    if (pid == 0)
        _exit(0);
    int pidfd = SYS_OK(pidfd_open_(pid));
    siginfo_t info;
    SYS_OK(waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT));
    CHECK_ERR(ns_open_pidfd(pidfd, NS_NET), ESRCH);
    CHECK_ERR(ns_open_pidfd(pidfd, NS_UTS), ESRCH);
    close(pidfd);
    int st;
    wait_child(pid, &st);
}

/* ---- ns_open_path ----------------------------------------------------- */

static void test_open_path(void)
{
    uint64_t net = ns_id_of(0, "net");
    int fd = CHECK_OK(ns_open_path("/proc/self/ns/net", 0));
    if (fd >= 0) {
        CHECK_EQ_U64(lib_ns_id(fd), net);
        CHECK(fd_cloexec(fd));
        close(fd);
    }
    fd = CHECK_OK(ns_open_path("/proc/self/ns/net", NS_NET));
    if (fd >= 0) {
        CHECK_EQ_U64(fd_ns_id(fd), net);
        close(fd);
    }
    fd = CHECK_OK(ns_open_path("/proc/self/ns/pid_for_children", NS_PID));
    if (fd >= 0) {
        CHECK_EQ_U64(fd_ns_id(fd), ns_id_of(0, "pid_for_children"));
        close(fd);
    }
}

static void test_open_path_errors(void)
{
    CHECK_ERR(ns_open_path("/proc/self/ns/net", NS_UTS), EINVAL);
    CHECK_ERR(ns_open_path("/proc/self/ns/net", NS_NET | NS_UTS), EINVAL);
    CHECK_ERR(ns_open_path("/proc/self/ns/net", 0x100), EINVAL);
    CHECK_ERR(ns_open_path("/etc/hostname", 0), EINVAL);
    CHECK_ERR(ns_open_path("/proc/self/status", NS_NET), EINVAL);
    CHECK_ERR(ns_open_path("/proc/self/ns", 0), EINVAL);
    CHECK_ERR(ns_open_path("/nonexistent/linuxns-missing", 0), ENOENT);
    CHECK_ERR(ns_open_path("/proc/self/ns/no-such-type", 0), ENOENT);
    CHECK_ERR(ns_open_path(NULL, 0), EINVAL);
}

static void test_open_path_bind_mount(void)
{
    SKIP_UNLESS_ROOT();
    SYS_OK(unshare(CLONE_NEWNS));
    SYS_OK(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
    char path[] = "/tmp/linuxns-bind-XXXXXX";
    int tmp = SYS_OK(mkstemp(path));
    close(tmp);
    SYS_OK(mount("/proc/self/ns/uts", path, NULL, MS_BIND, NULL));
    int fd = CHECK_OK(ns_open_path(path, NS_UTS));
    if (fd >= 0) {
        CHECK_EQ_U64(lib_ns_id(fd), ns_id_of(0, "uts"));
        CHECK(CHECK_OK(ns_type(fd)) == NS_UTS);
        close(fd);
    }
    CHECK_ERR(ns_open_path(path, NS_NET), EINVAL);
    umount2(path, MNT_DETACH);
    unlink(path);
}

/* ---- ns_open_name ----------------------------------------------------- */

static void test_open_name_invalid(void)
{
    char long_name[257];
    memset(long_name, 'a', 256);
    long_name[256] = '\0';
    CHECK_ERR(ns_open_name(NULL), EINVAL);
    CHECK_ERR(ns_open_name(""), EINVAL);
    CHECK_ERR(ns_open_name("."), EINVAL);
    CHECK_ERR(ns_open_name(".."), EINVAL);
    CHECK_ERR(ns_open_name("a/b"), EINVAL);
    CHECK_ERR(ns_open_name("/etc"), EINVAL);
    CHECK_ERR(ns_open_name("../../proc/self/ns/net"), EINVAL);
    CHECK_ERR(ns_open_name(long_name), EINVAL);
}

static void test_open_name_missing(void)
{
    char name[64];
    snprintf(name, sizeof name, "linuxns-test-missing-%d", (int)getpid());
    CHECK_ERR(ns_open_name(name), ENOENT);
    char long_name[256]; /* 255 bytes: a valid name that does not exist */
    memset(long_name, 'b', 255);
    long_name[255] = '\0';
    CHECK_ERR(ns_open_name(long_name), ENOENT);
}

static int run_cmd(const char *cmd)
{
    int r = system(cmd);
    return WIFEXITED(r) ? WEXITSTATUS(r) : -1;
}

static void test_open_name_ip_netns(void)
{
    SKIP_UNLESS_ROOT();
    if (run_cmd("command -v ip >/dev/null 2>&1") != 0)
        SKIP("ip (iproute2) not installed");
    char name[64], cmd[256], out[128] = "";
    snprintf(name, sizeof name, "linuxns-test-%d", (int)getpid());
    snprintf(cmd, sizeof cmd, "ip netns add %s", name);
    REQUIRE(run_cmd(cmd) == 0);

    snprintf(cmd, sizeof cmd, "ip netns exec %s readlink /proc/self/ns/net", name);
    FILE *p = popen(cmd, "r");
    if (p) {
        if (!fgets(out, sizeof out, p))
            out[0] = '\0';
        pclose(p);
    }
    char *open = strchr(out, '[');
    uint64_t want = open ? strtoull(open + 1, NULL, 10) : 0;
    CHECKF(want != 0, "ip netns exec readlink printed \"%s\"", out);

    int fd = CHECK_OK(ns_open_name(name));
    if (fd >= 0) {
        CHECK_EQ_U64(lib_ns_id(fd), want);
        CHECK(ns_type(fd) == NS_NET);
        CHECK(fd_cloexec(fd));
        close(fd);
    }
    snprintf(cmd, sizeof cmd, "ip netns del %s", name);
    CHECK(run_cmd(cmd) == 0);
    CHECK_ERR(ns_open_name(name), ENOENT);
}

/* ---- ns_type ---------------------------------------------------------- */

static void test_type_of_every_file(void)
{
    DIR *d = opendir("/proc/self/ns");
    REQUIRE(d != NULL);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char base[sizeof e->d_name];
        snprintf(base, sizeof base, "%s", e->d_name);
        char *suffix = strstr(base, "_for_children");
        if (suffix)
            *suffix = '\0';
        int want = 0;
        for (size_t i = 0; i < N_KINDS; i++)
            if (strcmp(NS_KINDS[i].name, base) == 0)
                want = NS_KINDS[i].type;
        int fd = SYS_OK(open_ns_file(0, e->d_name));
        int got = ns_type(fd);
        CHECKF(want != 0 && got == want, "ns_type(/proc/self/ns/%s) = %d, want 0x%x",
               e->d_name, got, (unsigned)want);
        close(fd);
    }
    closedir(d);
}

static void test_type_errors(void)
{
    CHECK_ERR(ns_type(-1), EBADF);
    int file = SYS_OK(open("/proc/self/status", O_RDONLY | O_CLOEXEC));
    CHECK_ERR(ns_type(file), EINVAL);
    close(file);
    int pidfd = SYS_OK(pidfd_open_(getpid()));
    CHECK_ERR(ns_type(pidfd), EINVAL);
    close(pidfd);
}

/* ---- ns_same ---------------------------------------------------------- */

static void test_same(void)
{
    struct holder same, other;
    holder_start(&same, 0, NULL, HOLDER_KEEP_UID);
    holder_start(&other, CLONE_NEWUSER | CLONE_NEWNET, NULL, HOLDER_KEEP_UID);
    int mine = SYS_OK(open_ns_file(0, "net"));
    int a = SYS_OK(open_ns_file(same.pid, "net"));
    int b = SYS_OK(open_ns_file(other.pid, "net"));
    int uts = SYS_OK(open_ns_file(0, "uts"));
    CHECK(CHECK_OK(ns_same(mine, a)) == 1);
    CHECK(CHECK_OK(ns_same(a, mine)) == 1);
    CHECK(CHECK_OK(ns_same(mine, mine)) == 1);
    CHECK(CHECK_OK(ns_same(mine, b)) == 0);
    CHECK(CHECK_OK(ns_same(mine, uts)) == 0);

    int file = SYS_OK(open("/proc/self/status", O_RDONLY | O_CLOEXEC));
    CHECK_ERR(ns_same(mine, file), EINVAL);
    CHECK_ERR(ns_same(file, mine), EINVAL);
    CHECK_ERR(ns_same(-1, mine), EBADF);
    CHECK_ERR(ns_same(mine, -1), EBADF);
    close(file);
    close(uts);
    close(b);
    close(a);
    close(mine);
    holder_stop(&other);
    holder_stop(&same);
}

/* ---- ns_unique_id ----------------------------------------------------- */

static void test_unique_id(void)
{
    uint64_t a = 0, b = 0, sentinel = 0x1234;
    int fd1 = SYS_OK(open_ns_file(0, "net"));
    int fd2 = SYS_OK(open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC));
    if (fallback_mode()) {
        uint64_t id = sentinel;
        CHECK_ERR(ns_unique_id(fd1, &id), EOPNOTSUPP);
        CHECK(id == sentinel);
    } else {
        CHECK(CHECK_OK(ns_unique_id(fd1, &a)) == 0);
        CHECK(CHECK_OK(ns_unique_id(fd2, &b)) == 0);
        CHECK(a != 0 && a == b);
    }
    CHECK_ERR(ns_unique_id(fd1, NULL), EINVAL);
    close(fd1);
    close(fd2);
}

static void test_unique_id_grows(void)
{
    if (fallback_mode())
        SKIP("ns_unique_id is -EOPNOTSUPP in fallback mode");
    /* Two network namespaces made one after the other (in a user namespace
     * of our own, so this needs no privilege). */
    SYS_OK(unshare(CLONE_NEWUSER));
    int old_fd = SYS_OK(open_ns_file(0, "net"));
    SYS_OK(unshare(CLONE_NEWNET));
    int first = SYS_OK(open_ns_file(0, "net"));
    SYS_OK(unshare(CLONE_NEWNET));
    int second = SYS_OK(open_ns_file(0, "net"));
    uint64_t o = 0, f = 0, s = 0;
    CHECK(CHECK_OK(ns_unique_id(old_fd, &o)) == 0);
    CHECK(CHECK_OK(ns_unique_id(first, &f)) == 0);
    CHECK(CHECK_OK(ns_unique_id(second, &s)) == 0);
    CHECKF(o < f && f < s, "ids: boot %" PRIu64 ", first %" PRIu64 ", second %" PRIu64,
           o, f, s);
    close(second);
    close(first);
    close(old_fd);
}

static void test_unique_id_errors(void)
{
    if (fallback_mode())
        SKIP("ns_unique_id is -EOPNOTSUPP in fallback mode");
    uint64_t id = 99;
    CHECK_ERR(ns_unique_id(-1, &id), EBADF);
    int file = SYS_OK(open("/proc/self/status", O_RDONLY | O_CLOEXEC));
    CHECK_ERR(ns_unique_id(file, &id), EINVAL);
    close(file);
    CHECK(id == 99);
}

int main(void)
{
    RUN(test_open_pidfd_self);
    RUN(test_open_pidfd_child);
    RUN(test_open_pidfd_errors);
    RUN(test_open_pidfd_zombie);
    RUN(test_open_path);
    RUN(test_open_path_errors);
    RUN(test_open_path_bind_mount);
    RUN(test_open_name_invalid);
    RUN(test_open_name_missing);
    RUN(test_open_name_ip_netns);
    RUN(test_type_of_every_file);
    RUN(test_type_errors);
    RUN(test_same);
    RUN(test_unique_id);
    RUN(test_unique_id_grows);
    RUN(test_unique_id_errors);
    return check_summary();
}
