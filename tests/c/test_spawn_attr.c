/* ns_spawn_attr_* validation, ns_spawn's checks before anything starts, and
 * plain spawns: attr NULL, environment, PATH, pidfd, SIGCHLD. */
#include "check_spawn.h"

static void test_setters_refuse_null_attr(void)
{
    int fd = SYS_OK(open_ns_file(0, "uts"));
    int dir = SYS_OK(open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    const struct ns_idmap m = {0, 0, 1};
    CHECK_ERR(ns_spawn_attr_set_namespaces(NULL, NS_UTS), EINVAL);
    CHECK_ERR(ns_spawn_attr_join(NULL, fd, NS_UTS), EINVAL);
    CHECK_ERR(ns_spawn_attr_map_root(NULL), EINVAL);
    CHECK_ERR(ns_spawn_attr_set_uid_map(NULL, &m, 1, 0), EINVAL);
    CHECK_ERR(ns_spawn_attr_set_gid_map(NULL, &m, 1, 0), EINVAL);
    CHECK_ERR(ns_spawn_attr_set_hostname(NULL, "x"), EINVAL);
    CHECK_ERR(ns_spawn_attr_set_root(NULL, "/"), EINVAL);
    CHECK_ERR(ns_spawn_attr_set_mount_proc(NULL, 1), EINVAL);
    CHECK_ERR(ns_spawn_attr_set_propagation(NULL, NS_PROPAGATION_PRIVATE), EINVAL);
    CHECK_ERR(ns_spawn_attr_set_cwd(NULL, "/"), EINVAL);
    CHECK_ERR(ns_spawn_attr_set_fd(NULL, 1, 1), EINVAL);
    CHECK_ERR(ns_spawn_attr_set_close_fds(NULL, 1), EINVAL);
    CHECK_ERR(ns_spawn_attr_set_pdeathsig(NULL, SIGTERM), EINVAL);
    CHECK_ERR(ns_spawn_attr_set_cgroup(NULL, dir), EINVAL);
    CHECK_ERR(ns_spawn_attr_set_time_offset(NULL, CLOCK_MONOTONIC, 1, 0), EINVAL);
    ns_spawn_attr_free(NULL);
    close(dir);
    close(fd);
}

static void test_set_namespaces_and_join_checks(void)
{
    ns_spawn_attr *a = ns_spawn_attr_new();
    REQUIRE(a != NULL);
    CHECK_ERR(ns_spawn_attr_set_namespaces(a, 0x1), EINVAL);
    CHECK_ERR(ns_spawn_attr_set_namespaces(a, 0x100), EINVAL); /* CLONE_VM */
    CHECK_ERR(ns_spawn_attr_set_namespaces(a, CLONE_FILES), EINVAL);
    CHECK_ERR(ns_spawn_attr_set_namespaces(a, NS_USER | CLONE_THREAD), EINVAL);
    CHECK_ERR(ns_spawn_attr_set_namespaces(a, (int)0x80000000), EINVAL);
    CHECK(CHECK_OK(ns_spawn_attr_set_namespaces(a, NS_ALL)) == 0);
    CHECK(CHECK_OK(ns_spawn_attr_set_namespaces(a, 0)) == 0);

    CHECK_ERR(ns_spawn_attr_join(a, -1, 0), EBADF);
    int closed = SYS_OK(open("/dev/null", O_RDONLY | O_CLOEXEC));
    close(closed);
    CHECK_ERR(ns_spawn_attr_join(a, closed, NS_UTS), EBADF);
    int file = SYS_OK(open("/proc/self/status", O_RDONLY | O_CLOEXEC));
    CHECK_ERR(ns_spawn_attr_join(a, file, 0), EINVAL);
    CHECK_ERR(ns_spawn_attr_join(a, file, NS_NET), EINVAL);
    close(file);
    int net = SYS_OK(open_ns_file(0, "net"));
    CHECK_ERR(ns_spawn_attr_join(a, net, NS_UTS), EINVAL);
    CHECK_ERR(ns_spawn_attr_join(a, net, NS_NET | NS_UTS), EINVAL);
    CHECK_ERR(ns_spawn_attr_join(a, net, NS_NET | 0x100), EINVAL);
    close(net);

    pid_t kid = SYS_OK(fork());
    if (kid == 0) {
        pause();
        _exit(0);
    }
    int pidfd = SYS_OK(pidfd_open_(kid));
    CHECK_ERR(ns_spawn_attr_join(a, pidfd, 0), EINVAL);
    CHECK_ERR(ns_spawn_attr_join(a, pidfd, NS_UTS | 0x1), EINVAL);
    kill(kid, SIGKILL);
    int st;
    wait_child(kid, &st);
    CHECK_ERR(ns_spawn_attr_join(a, pidfd, NS_UTS), ESRCH);
    close(pidfd);
    ns_spawn_attr_free(a);
}

static void test_map_setter_checks(void)
{
    ns_spawn_attr *a = ns_spawn_attr_new();
    REQUIRE(a != NULL);
    static struct ns_idmap many[341];
    for (int i = 0; i < 341; i++)
        /* Small ids: 340 ranges must fit the kernel's one-page map text. */
        many[i] = (struct ns_idmap){(uint32_t)i * 2, 1000 + (uint32_t)i * 2, 1};
    const struct ns_idmap one = {0, 100000, 10};
    const struct ns_idmap overlap_in[2] = {{0, 100000, 10}, {5, 200000, 10}};
    const struct ns_idmap overlap_out[2] = {{0, 100000, 10}, {100, 100005, 10}};
    const struct ns_idmap zero = {0, 100000, 0};
    const struct ns_idmap wrap = {0, 0xfffffff0u, 0x20};
    int (*setters[2])(ns_spawn_attr *, const struct ns_idmap *, size_t, unsigned) = {
        ns_spawn_attr_set_uid_map, ns_spawn_attr_set_gid_map};
    for (int k = 0; k < 2; k++) {
        int (*set)(ns_spawn_attr *, const struct ns_idmap *, size_t, unsigned) = setters[k];
        CHECK_ERR(set(a, NULL, 1, 0), EINVAL);
        CHECK_ERR(set(a, &one, 0, 0), EINVAL);
        CHECK_ERR(set(a, many, 341, 0), E2BIG);
        CHECK_ERR(set(a, overlap_in, 2, 0), EINVAL);
        CHECK_ERR(set(a, overlap_out, 2, 0), EINVAL);
        CHECK_ERR(set(a, &zero, 1, 0), EINVAL);
        CHECK_ERR(set(a, &wrap, 1, 0), EINVAL);
        CHECK_ERR(set(a, &one, 1, 0x4), EINVAL);
        CHECK(CHECK_OK(set(a, many, 340, 0)) == 0);
        /* The same count with 10-digit ids is over a page: refused now. */
        static struct ns_idmap wide[340];
        for (uint32_t j = 0; j < 340; j++)
            wide[j] = (struct ns_idmap){4000000000u + j * 2, 4000000000u + j * 2, 1};
        CHECK_ERR(set(a, wide, 340, 0), E2BIG);
        CHECK(CHECK_OK(set(a, &one, 1, 0)) == 0);
    }
    CHECK_ERR(ns_spawn_attr_set_uid_map(a, &one, 1, NS_MAP_DENY_SETGROUPS), EINVAL);
    CHECK(CHECK_OK(ns_spawn_attr_set_gid_map(a, &one, 1, NS_MAP_DENY_SETGROUPS)) == 0);
    CHECK(CHECK_OK(ns_spawn_attr_map_root(a)) == 0);
    ns_spawn_attr_free(a);
}

static void test_other_setter_checks(void)
{
    ns_spawn_attr *a = ns_spawn_attr_new();
    REQUIRE(a != NULL);
    char long_name[66];
    memset(long_name, 'h', 65);
    long_name[65] = '\0';
    CHECK_ERR(ns_spawn_attr_set_hostname(a, NULL), EINVAL);
    CHECK_ERR(ns_spawn_attr_set_hostname(a, ""), EINVAL);
    CHECK_ERR(ns_spawn_attr_set_hostname(a, long_name), EINVAL);
    CHECK(CHECK_OK(ns_spawn_attr_set_hostname(a, long_name + 1)) == 0); /* 64 */

    CHECK_ERR(ns_spawn_attr_set_root(a, NULL), EINVAL);
    CHECK_ERR(ns_spawn_attr_set_root(a, "/nonexistent-linuxns-dir"), ENOENT);
    CHECK_ERR(ns_spawn_attr_set_root(a, "/proc/self/status"), ENOTDIR);
    CHECK_ERR(ns_spawn_attr_set_propagation(a, -1), EINVAL);
    CHECK_ERR(ns_spawn_attr_set_propagation(a, 4), EINVAL);
    for (int m = NS_PROPAGATION_PRIVATE; m <= NS_PROPAGATION_UNCHANGED; m++)
        CHECK(CHECK_OK(ns_spawn_attr_set_propagation(a, m)) == 0);
    CHECK_ERR(ns_spawn_attr_set_cwd(a, NULL), EINVAL);
    CHECK_ERR(ns_spawn_attr_set_cwd(a, ""), EINVAL);

    int closed = SYS_OK(open("/dev/null", O_RDONLY | O_CLOEXEC));
    close(closed);
    CHECK_ERR(ns_spawn_attr_set_fd(a, -1, 1), EBADF);
    CHECK_ERR(ns_spawn_attr_set_fd(a, 1, -2), EBADF);
    CHECK_ERR(ns_spawn_attr_set_fd(a, 5, closed), EBADF);
    CHECK(CHECK_OK(ns_spawn_attr_set_fd(a, 0, -1)) == 0);
    CHECK(CHECK_OK(ns_spawn_attr_set_fd(a, 5, 1)) == 0);

    CHECK_ERR(ns_spawn_attr_set_pdeathsig(a, -1), EINVAL);
    CHECK_ERR(ns_spawn_attr_set_pdeathsig(a, SIGRTMAX + 1), EINVAL);
    CHECK(CHECK_OK(ns_spawn_attr_set_pdeathsig(a, SIGRTMAX)) == 0);
    CHECK(CHECK_OK(ns_spawn_attr_set_pdeathsig(a, 0)) == 0);

    CHECK_ERR(ns_spawn_attr_set_cgroup(a, -1), EBADF);
    CHECK_ERR(ns_spawn_attr_set_cgroup(a, closed), EBADF);
    int tmp = SYS_OK(open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    CHECK_ERR(ns_spawn_attr_set_cgroup(a, tmp), EINVAL);
    close(tmp);
    int file = SYS_OK(open("/proc/self/status", O_RDONLY | O_CLOEXEC));
    CHECK_ERR(ns_spawn_attr_set_cgroup(a, file), EINVAL);
    close(file);

    CHECK_ERR(ns_spawn_attr_set_time_offset(a, CLOCK_REALTIME, 1, 0), EINVAL);
    CHECK_ERR(ns_spawn_attr_set_time_offset(a, CLOCK_MONOTONIC, 1, -1), EINVAL);
    CHECK_ERR(ns_spawn_attr_set_time_offset(a, CLOCK_BOOTTIME, 1, 1000000000), EINVAL);
    CHECK(CHECK_OK(ns_spawn_attr_set_time_offset(a, CLOCK_MONOTONIC, 1, 999999999)) == 0);
    CHECK(CHECK_OK(ns_spawn_attr_set_time_offset(a, CLOCK_BOOTTIME, 0, 0)) == 0);
    ns_spawn_attr_free(a);
}

static void test_failed_setter_changes_nothing(void)
{
    /* A refused value leaves the earlier one in place: the child still gets
     * the namespaces and hostname set before. */
    ns_spawn_attr *a = ns_spawn_attr_new();
    REQUIRE(a != NULL);
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, NS_USER | NS_UTS));
    REQUIRE_OK(ns_spawn_attr_set_hostname(a, "linuxns-kept"));
    CHECK_ERR(ns_spawn_attr_set_namespaces(a, NS_UTS | 0x1), EINVAL);
    CHECK_ERR(ns_spawn_attr_set_hostname(a, ""), EINVAL);
    char out[4096];
    SH_OK(a, "hostname; " NS_SCRIPT, out);
    char line[128];
    CHECK_STREQ(out_line(out, "", line, sizeof line), "linuxns-kept");
    CHECK(out_ns_id(out, "uts") != 0 && out_ns_id(out, "uts") != ns_id_of(0, "uts"));
    CHECK(out_ns_id(out, "user") != 0 && out_ns_id(out, "user") != ns_id_of(0, "user"));
    ns_spawn_attr_free(a);
}

/* An attribute whose spawn must be refused before any child exists. */
static void check_refused(ns_spawn_attr *a, const char *what)
{
    char host_before[256], host_after[256];
    hostname_now(host_before, sizeof host_before);
    char *argv[] = {"true", NULL};
    int pidfd = -77;
    errno = 0;
    pid_t r = ns_spawn("/bin/true", argv, NULL, a, &pidfd);
    int e = errno;
    CHECKF(r == -EINVAL && e == EINVAL && *ns_last_error(),
           "%s: ns_spawn gave %d (errno %d, \"%s\"), expected -EINVAL", what,
           (int)r, e, ns_last_error());
    if (r > 0)
        wait_child(r, &e);
    CHECK(pidfd == -77);
    CHECK_NO_CHILDREN();
    hostname_now(host_after, sizeof host_after);
    CHECK_STREQ(host_after, host_before);
}

static void test_spawn_refuses_unsafe_attributes(void)
{
    struct {
        int types;
        int what; /* 0 hostname, 1 root, 2 propagation, 3 mount_proc,
                     4 time offset, 5 uid map, 6 gid map, 7 map_root */
        const char *name;
    } cases[] = {
        {0, 0, "hostname without UTS"},
        {NS_USER | NS_NET, 0, "hostname with user+net only"},
        {0, 1, "root without NS_MNT"},
        {NS_USER | NS_PID, 1, "root with user+pid"},
        {NS_UTS, 2, "propagation without NS_MNT"},
        {NS_MNT, 3, "mount_proc with mnt only"},
        {NS_PID, 3, "mount_proc with pid only"},
        {NS_USER | NS_MNT, 4, "time offset without NS_TIME"},
        {NS_UTS, 5, "uid map without NS_USER"},
        {NS_MNT, 6, "gid map without NS_USER"},
        {NS_NET, 7, "map_root without NS_USER"},
    };
    const struct ns_idmap m = {0, 100000, 1};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ns_spawn_attr *a = ns_spawn_attr_new();
        REQUIRE(a != NULL);
        REQUIRE_OK(ns_spawn_attr_set_namespaces(a, cases[i].types));
        switch (cases[i].what) {
        case 0: REQUIRE_OK(ns_spawn_attr_set_hostname(a, "linuxns-never")); break;
        case 1: REQUIRE_OK(ns_spawn_attr_set_root(a, "/")); break;
        case 2: REQUIRE_OK(ns_spawn_attr_set_propagation(a, NS_PROPAGATION_SHARED)); break;
        case 3: REQUIRE_OK(ns_spawn_attr_set_mount_proc(a, 1)); break;
        case 4: REQUIRE_OK(ns_spawn_attr_set_time_offset(a, CLOCK_BOOTTIME, 5, 0)); break;
        case 5: REQUIRE_OK(ns_spawn_attr_set_uid_map(a, &m, 1, 0)); break;
        case 6: REQUIRE_OK(ns_spawn_attr_set_gid_map(a, &m, 1, 0)); break;
        case 7: REQUIRE_OK(ns_spawn_attr_map_root(a)); break;
        }
        check_refused(a, cases[i].name);
        ns_spawn_attr_free(a);
    }
}

static void test_bad_path_argv_fn(void)
{
    char *argv[] = {"true", NULL};
    int pidfd = -77;
    CHECK_ERR(ns_spawn(NULL, argv, NULL, NULL, &pidfd), EINVAL);
    CHECK_ERR(ns_spawn("/bin/true", NULL, NULL, NULL, &pidfd), EINVAL);
    CHECK_ERR(ns_spawn_fn(NULL, NULL, NULL, &pidfd), EINVAL);
    CHECK(pidfd == -77);
    CHECK_NO_CHILDREN();
}

static void test_plain_spawn_attr_null(void)
{
    /* attr NULL: our own stdout is inherited; the program is the returned
     * pid, in our namespaces, and its status comes back. */
    int p[2];
    SYS_OK(pipe2(p, O_CLOEXEC));
    int saved = SYS_OK(fcntl(1, F_DUPFD_CLOEXEC, 3));
    SYS_OK(dup2(p[1], 1));
    char *argv[] = {"sh", "-c", "echo $$; " NS_SCRIPT "; exit 7", NULL};
    pid_t pid = CHECK_OK(ns_spawn("/bin/sh", argv, NULL, NULL, NULL));
    SYS_OK(dup2(saved, 1));
    close(saved);
    close(p[1]);
    char out[4096];
    read_all(p[0], out, sizeof out);
    close(p[0]);
    REQUIRE(pid > 0);
    int st = 0;
    CHECK(wait_child(pid, &st) == pid);
    CHECKF(WIFEXITED(st) && WEXITSTATUS(st) == 7, "status 0x%x", st);
    CHECK(atoi(out) == pid);
    for (size_t i = 0; i < N_KINDS; i++)
        CHECKF(out_ns_id(out, NS_KINDS[i].name) == ns_id_of(0, NS_KINDS[i].name),
               "%s differs:\n%s", NS_KINDS[i].name, out);
}

static void test_environment_and_path(void)
{
    char out[4096], line[256];
    int st;
    /* envp NULL: our environment. */
    SYS_OK(setenv("LINUXNS_SPAWN_VAR", "from-the-caller", 1));
    SH_OK(NULL, "echo \"$LINUXNS_SPAWN_VAR\"", out);
    CHECK_STREQ(out_line(out, "", line, sizeof line), "from-the-caller");

    /* An explicit envp is all the program gets. */
    int p[2];
    SYS_OK(pipe2(p, O_CLOEXEC));
    ns_spawn_attr *a = ns_spawn_attr_new();
    REQUIRE(a != NULL);
    REQUIRE_OK(ns_spawn_attr_set_fd(a, 1, p[1]));
    char *argv[] = {"env", NULL};
    char *envp[] = {"ONLY=this", NULL};
    pid_t pid = CHECK_OK(ns_spawn("/usr/bin/env", argv, envp, a, NULL));
    close(p[1]);
    read_all(p[0], out, sizeof out);
    close(p[0]);
    if (pid > 0)
        CHECK(wait_child(pid, &st) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECK_STREQ(out, "ONLY=this\n");

    /* A name without '/' is searched in PATH ... */
    SYS_OK(setenv("PATH", "/nonexistent-linuxns:/usr/bin:/bin", 1));
    char *echo_argv[] = {"echo", "found-in-path", NULL};
    pid = CHECK_OK(spawn_capture(a, "echo", echo_argv, out, sizeof out, &st));
    CHECK_STREQ(out, "found-in-path\n");
    /* ... and not found there is -ENOENT before any child exists. */
    SYS_OK(setenv("PATH", "/nonexistent-linuxns", 1));
    CHECK_ERR(ns_spawn("echo", echo_argv, NULL, a, NULL), ENOENT);
    const char *e = ns_last_error();
    CHECKF(strstr(e, "PATH") != NULL, "ns_last_error \"%s\" does not mention PATH", e);
    CHECK_NO_CHILDREN();
    ns_spawn_attr_free(a);
}

static void check_pidfd_of(ns_spawn_attr *a, const char *what)
{
    int pidfd = -77;
    char *argv[] = {"sh", "-c", "exit 5", NULL};
    pid_t pid = CHECK_OK(ns_spawn("/bin/sh", argv, NULL, a, &pidfd));
    if (pid <= 0)
        return;
    CHECKF(pidfd >= 0 && fd_cloexec(pidfd), "%s: pidfd %d", what, pidfd);
    CHECKF(pidfd_pid(pidfd) == pid, "%s: pidfd of %d, spawned %d", what,
           (int)pidfd_pid(pidfd), (int)pid);
    /* waitid(P_PIDFD) reaps exactly the spawned process. */
    siginfo_t info;
    memset(&info, 0, sizeof info);
    CHECK(waitid(P_PIDFD, (id_t)pidfd, &info, WEXITED) == 0);
    CHECKF(info.si_pid == pid && info.si_code == CLD_EXITED && info.si_status == 5,
           "%s: waitid gave pid %d code %d status %d", what, (int)info.si_pid,
           info.si_code, info.si_status);
    close(pidfd);
    CHECK_NO_CHILDREN();
}

static void test_pidfd_out_parameter(void)
{
    check_pidfd_of(NULL, "plain");
    ns_spawn_attr *a = ns_spawn_attr_new();
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, NS_USER | NS_PID));
    check_pidfd_of(a, "new user+pid");
    /* Time offsets go through an intermediate process. */
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, NS_USER | NS_TIME));
    REQUIRE_OK(ns_spawn_attr_set_time_offset(a, CLOCK_MONOTONIC, 10, 0));
    check_pidfd_of(a, "new user+time with offset");
    ns_spawn_attr_free(a);
}

static void check_sigchld(ns_spawn_attr *a, const char *what)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    SYS_OK(sigprocmask(SIG_BLOCK, &set, NULL));
    int in[2];
    SYS_OK(pipe2(in, O_CLOEXEC));
    REQUIRE_OK(ns_spawn_attr_set_fd(a, 0, in[0]));
    char *argv[] = {"sh", "-c", "read x", NULL};
    pid_t pid = REQUIRE_OK(ns_spawn("/bin/sh", argv, NULL, a, NULL));
    close(in[0]);
    /* Forget a SIGCHLD from a helper process of the spawn, then let the
     * program end: its own SIGCHLD must come. */
    struct timespec zero = {0, 0}, ten = {10, 0};
    siginfo_t info;
    while (sigtimedwait(&set, &info, &zero) == SIGCHLD)
        ;
    close(in[1]);
    memset(&info, 0, sizeof info);
    CHECKF(sigtimedwait(&set, &info, &ten) == SIGCHLD && info.si_pid == pid,
           "%s: no SIGCHLD from %d (got one from %d)", what, (int)pid, (int)info.si_pid);
    int st;
    CHECK(wait_child(pid, &st) == pid);
    SYS_OK(sigprocmask(SIG_UNBLOCK, &set, NULL));
}

static void test_sigchld_and_waitable(void)
{
    ns_spawn_attr *a = ns_spawn_attr_new();
    check_sigchld(a, "plain");
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, NS_USER | NS_PID | NS_NET));
    check_sigchld(a, "new user+pid+net");
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, NS_USER | NS_TIME));
    REQUIRE_OK(ns_spawn_attr_set_time_offset(a, CLOCK_BOOTTIME, 10, 0));
    check_sigchld(a, "with an intermediate process");
    ns_spawn_attr_free(a);
    CHECK_NO_CHILDREN();
}

int main(void)
{
    RUN(test_setters_refuse_null_attr);
    RUN(test_set_namespaces_and_join_checks);
    RUN(test_map_setter_checks);
    RUN(test_other_setter_checks);
    RUN(test_failed_setter_changes_nothing);
    RUN(test_spawn_refuses_unsafe_attributes);
    RUN(test_bad_path_argv_fn);
    RUN(test_plain_spawn_attr_null);
    RUN(test_environment_and_path);
    RUN(test_pidfd_out_parameter);
    RUN(test_sigchld_and_waitable);
    return check_summary();
}
