/* ns_spawn failures: every step's errno and ns_last_error, nothing left
 * behind (no child, no zombie, no descriptor), also after 1,000 of them. */
#include "check_spawn.h"

static char *const TRUE_ARGV[] = {"true", NULL};

/* The spawn fails with -E naming `step`; no pidfd, no child is left. */
static void check_fails(const ns_spawn_attr *a, const char *path, int E,
                        const char *step)
{
    int pidfd = -77;
    CHECK_ERR_STEP(ns_spawn(path, TRUE_ARGV, NULL, a, &pidfd), E, step);
    CHECK(pidfd == -77);
    CHECK_NO_CHILDREN();
}

static ns_spawn_attr *attr_with(int types)
{
    ns_spawn_attr *a = ns_spawn_attr_new();
    REQUIRE(a != NULL);
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, types));
    return a;
}

static void test_execve(void)
{
    char dir[256], file[300];
    make_temp_dir(dir, sizeof dir);
    snprintf(file, sizeof file, "%s/not-executable", dir);
    touch_file(file);
    check_fails(NULL, "/nonexistent-linuxns/prog", ENOENT, "child: execve");
    check_fails(NULL, file, EACCES, "child: execve");
    check_fails(NULL, dir, EACCES, "child: execve");
    ns_spawn_attr *a = attr_with(NS_USER | NS_PID | NS_NET);
    check_fails(a, "/nonexistent-linuxns/prog", ENOENT, "child: execve");
    ns_spawn_attr_free(a);
    unlink(file);
    rmdir(dir);
}

static void test_chdir(void)
{
    ns_spawn_attr *a = attr_with(0);
    REQUIRE_OK(ns_spawn_attr_set_cwd(a, "/nonexistent-linuxns"));
    check_fails(a, "/bin/true", ENOENT, "child: chdir");
    REQUIRE_OK(ns_spawn_attr_set_cwd(a, "/proc/self/status"));
    check_fails(a, "/bin/true", ENOTDIR, "child: chdir");
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, NS_USER | NS_UTS));
    check_fails(a, "/bin/true", ENOTDIR, "child: chdir");
    ns_spawn_attr_free(a);
}

static void test_sethostname(void)
{
    SKIP_UNLESS_ROOT();
    /* Join a UTS namespace of the initial user namespace, then make a new
     * user namespace: no privilege over the joined UTS is left. */
    struct holder h;
    holder_start(&h, CLONE_NEWUTS, "linuxns-err-holder", HOLDER_KEEP_UID);
    int pidfd = SYS_OK(pidfd_open_(h.pid));
    ns_spawn_attr *a = attr_with(NS_USER);
    REQUIRE_OK(ns_spawn_attr_join(a, pidfd, NS_UTS));
    REQUIRE_OK(ns_spawn_attr_set_hostname(a, "linuxns-never"));
    char before[256], after[256];
    hostname_now(before, sizeof before);
    int pidfd_out = -77;
    CHECK_ERR_STEP(ns_spawn("/bin/true", TRUE_ARGV, NULL, a, &pidfd_out), EPERM,
                   "child: sethostname");
    CHECK(pidfd_out == -77);
    hostname_now(after, sizeof after);
    CHECK_STREQ(after, before);
    pid_t kids[4];
    CHECK(children_of_self(kids, 4) == 1 && kids[0] == h.pid); /* the holder */
    /* The holder's name is unchanged too. */
    int uts = SYS_OK(open_ns_file(h.pid, "uts"));
    SYS_OK(setns(uts, CLONE_NEWUTS));
    hostname_now(after, sizeof after);
    CHECK_STREQ(after, "linuxns-err-holder");
    close(uts);
    ns_spawn_attr_free(a);
    close(pidfd);
    holder_stop(&h);
    CHECK_NO_CHILDREN();
}

static void test_setns(void)
{
    SKIP_UNLESS_ROOT();
    /* Our network namespace, joined by nobody: refused by the kernel. */
    int net = SYS_OK(open_ns_file(0, "net"));
    drop_to_nobody(NULL, NULL);
    ns_spawn_attr *a = attr_with(0);
    REQUIRE_OK(ns_spawn_attr_join(a, net, NS_NET));
    check_fails(a, "/bin/true", EPERM, "child: setns (join 0)");
    ns_spawn_attr_free(a);
    close(net);
}

static void test_join_target_gone(void)
{
    struct holder h;
    holder_start(&h, 0, NULL, HOLDER_KEEP_UID);
    int pidfd = SYS_OK(pidfd_open_(h.pid));
    ns_spawn_attr *a = attr_with(0);
    REQUIRE_OK(ns_spawn_attr_join(a, pidfd, NS_UTS | NS_NET));
    holder_stop(&h);
    int out = -77;
    CHECK_ERR(ns_spawn("/bin/true", TRUE_ARGV, NULL, a, &out), ESRCH);
    CHECK(out == -77);
    CHECK_NO_CHILDREN();
    ns_spawn_attr_free(a);
    close(pidfd);
}

static void test_unshare(void)
{
    drop_to_nobody(NULL, NULL);
    /* A new network namespace without a user namespace is refused:
     * created by the intermediate process (time offsets) ... */
    ns_spawn_attr *a = attr_with(NS_NET | NS_TIME);
    REQUIRE_OK(ns_spawn_attr_set_time_offset(a, CLOCK_BOOTTIME, 1, 0));
    check_fails(a, "/bin/true", EPERM, "child: unshare");
    ns_spawn_attr_free(a);
    /* ... or directly by the clone. */
    a = attr_with(NS_NET);
    int out = -77;
    CHECK_ERR(ns_spawn("/bin/true", TRUE_ARGV, NULL, a, &out), EPERM);
    CHECK(out == -77);
    CHECK_NO_CHILDREN();
    ns_spawn_attr_free(a);
}

static void test_time_offsets(void)
{
    /* An offset that would make the clock negative: the kernel's ERANGE. */
    ns_spawn_attr *a = attr_with(NS_USER | NS_TIME);
    REQUIRE_OK(ns_spawn_attr_set_time_offset(a, CLOCK_MONOTONIC, -(1LL << 40), 0));
    check_fails(a, "/bin/true", ERANGE, "child: write /proc/self/timens_offsets");
    ns_spawn_attr_free(a);
}

static void test_root_and_proc(void)
{
    char dir[256];
    make_temp_dir(dir, sizeof dir);
    ns_spawn_attr *a = attr_with(NS_USER | NS_MNT | NS_PID);
    REQUIRE_OK(ns_spawn_attr_map_root(a));
    REQUIRE_OK(ns_spawn_attr_set_root(a, dir));
    REQUIRE_OK(ns_spawn_attr_set_mount_proc(a, 1));
    /* No proc directory in the new root. */
    check_fails(a, "/bin/true", ENOENT, "child: mount /proc");
    /* The root directory is gone by the time of the spawn. */
    CHECK(rmdir(dir) == 0);
    check_fails(a, "/bin/true", ENOENT, "child: bind-mount new root");
    ns_spawn_attr_free(a);
}

static void test_dup2_high_fd(void)
{
    int fd = SYS_OK(fcntl(1, F_DUPFD_CLOEXEC, 100));
    ns_spawn_attr *a = attr_with(0);
    REQUIRE_OK(ns_spawn_attr_set_fd(a, 5, fd));
    close(fd); /* closed after the check at set time */
    check_fails(a, "/bin/true", EBADF, "child: dup2 (fd 5)");
    ns_spawn_attr_free(a);
}

static void test_dup2_low_fd(void)
{
    /* The same with the lowest free descriptor number, which is what the
     * library's own descriptors would get next: they must not stand in. */
    int p[2];
    SYS_OK(pipe2(p, O_CLOEXEC)); /* before fd, so that fd is the lowest free */
    int fd = SYS_OK(open("/dev/null", O_RDONLY | O_CLOEXEC));
    ns_spawn_attr *a = attr_with(0);
    REQUIRE_OK(ns_spawn_attr_set_fd(a, 1, p[1]));
    REQUIRE_OK(ns_spawn_attr_set_fd(a, 5, fd));
    close(fd);
    char *argv[] = {"sh", "-c", "echo \"fd 5: $(readlink /proc/self/fd/5)\"", NULL};
    pid_t pid = ns_spawn("/bin/sh", argv, NULL, a, NULL);
    char err[512], out[512];
    snprintf(err, sizeof err, "%s", pid < 0 ? ns_last_error() : "");
    close(p[1]);
    read_all(p[0], out, sizeof out);
    close(p[0]);
    int st;
    if (pid > 0)
        wait_child(pid, &st);
    CHECKF(pid == -EBADF && strstr(err, "child: dup2 (fd 5)"),
           "ns_spawn gave %d (\"%s\"), expected -EBADF; the program saw: %s",
           (int)pid, err, out);
    CHECK_NO_CHILDREN();
    ns_spawn_attr_free(a);
}

/* A spawn that must fail with -E and `what` in ns_last_error, guarded by
 * a watchdog: the child waits for its maps while the parent writes them. */
static void check_map_failure(ns_spawn_attr *a, int E, const char *what)
{
    struct watchdog w;
    watchdog_start(&w, "ns_spawn with a failing map write", 10);
    errno = 0;
    int pidfd = -77;
    pid_t r = ns_spawn("/bin/true", TRUE_ARGV, NULL, a, &pidfd);
    int e = errno;
    char err[512];
    snprintf(err, sizeof err, "%s", r < 0 ? ns_last_error() : "");
    WATCHDOG_STOP(&w);
    CHECKF(r == -E && e == E && strstr(err, what) && strstr(err, "/proc/"),
           "ns_spawn gave %d errno %d \"%s\", expected -%d naming %s", (int)r, e,
           err, E, what);
    if (r > 0)
        wait_child(r, &e);
    CHECK(pidfd == -77);
    CHECK_NO_CHILDREN();
}

static void test_uid_map_write_refused(void)
{
    uid_t uid;
    gid_t gid;
    drop_to_nobody(&uid, &gid);
    /* Unprivileged, only our own uid may be mapped, and just one. */
    const struct ns_idmap two = {0, uid, 2};
    ns_spawn_attr *a = attr_with(NS_USER);
    REQUIRE_OK(ns_spawn_attr_set_uid_map(a, &two, 1, 0));
    check_map_failure(a, EPERM, "uid_map");
    ns_spawn_attr_free(a);
}

static void test_gid_map_write_refused(void)
{
    uid_t uid;
    gid_t gid;
    drop_to_nobody(&uid, &gid);
    /* A gid map without "deny" in setgroups first. */
    const struct ns_idmap um = {0, uid, 1}, gm = {0, gid, 1};
    ns_spawn_attr *a = attr_with(NS_USER);
    REQUIRE_OK(ns_spawn_attr_set_uid_map(a, &um, 1, 0));
    REQUIRE_OK(ns_spawn_attr_set_gid_map(a, &gm, 1, 0));
    check_map_failure(a, EPERM, "gid_map");
    ns_spawn_attr_free(a);
}

static void test_map_root_after_plain_uid_drop(void)
{
    SKIP_UNLESS_ROOT();
    /* setresuid without PR_SET_DUMPABLE: our children's /proc files are
     * root's.  Either the maps are written anyway, or the spawn fails
     * cleanly; it must not hang. */
    SYS_OK(setgroups(0, NULL));
    SYS_OK(setresgid(65534, 65534, 65534));
    SYS_OK(setresuid(65534, 65534, 65534));
    ns_spawn_attr *a = attr_with(NS_USER | NS_UTS);
    REQUIRE_OK(ns_spawn_attr_map_root(a));
    struct watchdog w;
    watchdog_start(&w, "ns_spawn with map_root as a non-dumpable caller", 10);
    char out[256];
    int st = 0;
    pid_t r = spawn_sh(a, "id -u", out, sizeof out, &st);
    char err[512];
    snprintf(err, sizeof err, "%s", r < 0 ? ns_last_error() : "");
    WATCHDOG_STOP(&w);
    if (r > 0)
        CHECKF(strcmp(out, "0\n") == 0, "id -u inside: %s", out);
    else
        CHECKF(strstr(err, "/proc/") != NULL, "ns_spawn gave %d \"%s\"", (int)r, err);
    CHECK_NO_CHILDREN();
    ns_spawn_attr_free(a);
}

/* n spawns that must each fail with -E naming step; then nothing is left. */
static void fail_many(const ns_spawn_attr *a, const char *path, int n, int E,
                      const char *step)
{
    int fds_before = count_fds(NULL), bad = 0;
    for (int i = 0; i < n; i++) {
        pid_t r = ns_spawn(path, TRUE_ARGV, NULL, a, NULL);
        if (r != -E || !strstr(ns_last_error(), step)) {
            if (bad++ == 0)
                check_fail(__FILE__, __LINE__, "spawn %d: %d \"%s\", expected -%d "
                           "naming %s", i, (int)r, ns_last_error(), E, step);
            if (r > 0)
                wait_child(r, &bad);
        }
    }
    CHECKF(bad == 0, "%d of %d spawns did not fail as expected", bad, n);
    CHECK_NO_CHILDREN();
    CHECK(count_fds(NULL) == fds_before);
}

static void test_1000_exec_failures(void)
{
    fail_many(NULL, "/nonexistent-linuxns/prog", 1000, ENOENT, "child: execve");
    ns_spawn_attr *a = attr_with(NS_USER | NS_PID | NS_UTS);
    REQUIRE_OK(ns_spawn_attr_set_hostname(a, "linuxns-many"));
    fail_many(a, "/nonexistent-linuxns/prog", 300, ENOENT, "child: execve");
    ns_spawn_attr_free(a);
}

static void test_many_failures_other_steps(void)
{
    ns_spawn_attr *a = attr_with(NS_USER | NS_UTS);
    REQUIRE_OK(ns_spawn_attr_set_cwd(a, "/nonexistent-linuxns"));
    fail_many(a, "/bin/true", 300, ENOENT, "child: chdir");
    ns_spawn_attr_free(a);

    int fd = SYS_OK(fcntl(1, F_DUPFD_CLOEXEC, 100));
    a = attr_with(0);
    REQUIRE_OK(ns_spawn_attr_set_fd(a, 5, fd));
    close(fd);
    fail_many(a, "/bin/true", 300, EBADF, "child: dup2 (fd 5)");
    ns_spawn_attr_free(a);

    a = attr_with(NS_USER | NS_TIME);
    REQUIRE_OK(ns_spawn_attr_set_time_offset(a, CLOCK_MONOTONIC, -(1LL << 40), 0));
    fail_many(a, "/bin/true", 300, ERANGE, "timens_offsets");
    ns_spawn_attr_free(a);
}

int main(void)
{
    RUN(test_execve);
    RUN(test_chdir);
    RUN(test_sethostname);
    RUN(test_setns);
    RUN(test_join_target_gone);
    RUN(test_unshare);
    RUN(test_time_offsets);
    RUN(test_root_and_proc);
    RUN(test_dup2_high_fd);
    RUN(test_dup2_low_fd);
    RUN(test_uid_map_write_refused);
    RUN(test_gid_map_write_refused);
    RUN(test_map_root_after_plain_uid_drop);
    RUN(test_1000_exec_failures);
    RUN(test_many_failures_other_steps);
    return check_summary();
}
