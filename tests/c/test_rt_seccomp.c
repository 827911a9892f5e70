/*
 * Seccomp filters that make clone3, clone or pidfd_open fail, installed in
 * the case before or after the library has seen them work: spawns, clones
 * and user namespaces still work through the other system call, failures
 * name the filtered call, and pidfd_open is needed by nothing that can do
 * without it.
 */
#include "check_runtime.h"

static int return_7(void *arg)
{
    (void)arg;
    return 7;
}

static void deny_1(long nr, int err)
{
    const struct deny_rule r[] = {{nr, err}};
    seccomp_deny(r, 1);
}

/* A first spawn that works: the library has seen clone3 succeed (where it
 * uses clone3 at all). */
static void first_spawn(void)
{
    char *argv[] = {"true", NULL};
    pid_t pid = REQUIRE_OK(ns_spawn("/bin/true", argv, NULL, NULL, NULL));
    int st = -1;
    REQUIRE(wait_child(pid, &st) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static ns_spawn_attr *attr_with(int types)
{
    ns_spawn_attr *a = ns_spawn_attr_new();
    REQUIRE(a != NULL);
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, types));
    return a;
}

/* `sh -c script` with attr starts, exits 0 and prints `want`. */
static void sh_says(const char *what, ns_spawn_attr *a, const char *script,
                    const char *want)
{
    char out[512];
    int st = -1;
    errno = 0;
    pid_t pid = spawn_sh(a, script, out, sizeof out, &st);
    CHECKF(pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0 && strcmp(out, want) == 0,
           "%s: ns_spawn %d (%s), status 0x%x, output \"%s\", expected \"%s\"", what,
           (int)pid, pid < 0 ? ns_last_error() : "", pid > 0 ? st : 0, out, want);
}

static void fn_exits_7(const char *what, pid_t pid)
{
    int st = -1;
    CHECKF(pid > 0 && wait_child(pid, &st) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 7,
           "%s: %d (%s), status 0x%x", what, (int)pid, pid < 0 ? ns_last_error() : "", st);
}

/*
 * Every kind of child, each checked: a plain spawn; new uts and net
 * namespaces with a hostname; a join of `net` (a namespace fd); a new user
 * namespace with map_root; ns_clone, ns_spawn_fn; ns_new_userns.
 */
static void every_kind_of_child(int net)
{
    sh_says("plain", NULL, "echo plain", "plain\n");
    ns_spawn_attr *a = attr_with(NS_UTS | NS_NET);
    REQUIRE_OK(ns_spawn_attr_set_hostname(a, "rt-seccomp"));
    sh_says("uts+net, hostname", a, "hostname", "rt-seccomp\n");
    ns_spawn_attr_free(a);

    a = attr_with(0);
    REQUIRE_OK(ns_spawn_attr_join(a, net, NS_NET));
    char want[64];
    snprintf(want, sizeof want, "net:[%" PRIu64 "]\n", fd_ns_id(net));
    sh_says("join", a, "readlink /proc/self/ns/net", want);
    ns_spawn_attr_free(a);

    a = attr_with(NS_USER);
    REQUIRE_OK(ns_spawn_attr_map_root(a));
    sh_says("user+map_root", a, "id -u", "0\n");
    ns_spawn_attr_free(a);

    fn_exits_7("ns_clone(NS_UTS)", ns_clone(NS_UTS, return_7, NULL, NULL));
    fn_exits_7("ns_spawn_fn", ns_spawn_fn(NULL, return_7, NULL, NULL));

    const struct ns_idmap um = {0, geteuid(), 1}, gm = {0, getegid(), 1};
    int fd = CHECK_OK(ns_new_userns(&um, 1, &gm, 1, NS_MAP_DENY_SETGROUPS));
    if (fd >= 0) {
        CHECK(ns_type(fd) == NS_USER);
        close(fd);
    }
}

/* A holder in a new network namespace, started without the library, and
 * its namespace's fd. */
static int holder_net(struct holder *h)
{
    holder_start(h, CLONE_NEWNET, NULL, HOLDER_KEEP_UID);
    return SYS_OK(open_ns_file(h->pid, "net"));
}

/* clone3 filtered with `err`, before the first call or after a spawn. */
static void clone3_filtered(int err, bool after_first_spawn)
{
    SKIP_UNLESS_ROOT();
    struct holder h;
    int net = holder_net(&h);
    if (after_first_spawn)
        first_spawn();
    deny_1(SYS_clone3, err);
    every_kind_of_child(net);
    close(net);
    holder_stop(&h);
    CHECK_NO_CHILDREN();
}

/* ---- a, b. clone3 -> ENOSYS ---------------------------------------------- */

static void test_clone3_enosys_after_first_spawn(void)
{
    clone3_filtered(ENOSYS, true);
}

static void test_clone3_enosys_before_first_call(void)
{
    clone3_filtered(ENOSYS, false);
}

/* ---- c. clone3 -> EPERM: clone(2) instead ------------------------------------ */

static void test_clone3_eperm_after_first_spawn(void)
{
    clone3_filtered(EPERM, true);
}

static void test_clone3_eperm_before_first_call(void)
{
    clone3_filtered(EPERM, false);
}

/* ---- d. clone3 -> ENOSYS and clone -> EPERM: no way to start a child ------- */

static void check_refused(const char *what, ns_spawn_attr *a, const char *needle)
{
    char *argv[] = {"true", NULL};
    errno = 0;
    pid_t pid = ns_spawn("/bin/true", argv, NULL, a, NULL);
    int e = errno;
    const char *le = ns_last_error();
    CHECKF(pid < 0 && e == -pid, "%s: ns_spawn %d, errno %d", what, (int)pid, e);
    CHECKF(le && strstr(le, "clone3") && (!needle || strstr(le, needle)),
           "%s: ns_last_error \"%s\" does not name clone3%s%s", what, le ? le : "(null)",
           needle ? " and " : "", needle ? needle : "");
}

static void clone_and_clone3_filtered(bool after_first_spawn)
{
    SKIP_UNLESS_ROOT();
    if (after_first_spawn)
        first_spawn();
    const struct deny_rule r[] = {{SYS_clone3, ENOSYS}, {SYS_clone, EPERM}};
    seccomp_deny(r, 2);
    check_refused("plain", NULL, "seccomp");
    ns_spawn_attr *a = attr_with(NS_USER | NS_UTS);
    REQUIRE_OK(ns_spawn_attr_map_root(a));
    check_refused("user+uts", a, "seccomp");
    ns_spawn_attr_free(a);
    CHECK_NO_CHILDREN();
}

static void test_clone_eperm_clone3_enosys_after_first_spawn(void)
{
    clone_and_clone3_filtered(true);
}

static void test_clone_eperm_clone3_enosys_before_first_call(void)
{
    clone_and_clone3_filtered(false);
}

/* ---- e. a cgroup needs clone3 -------------------------------------------------- */

static void cgroup_without_clone3(bool after_first_spawn)
{
    SKIP_UNLESS_ROOT();
    char mnt[1024], root[1024];
    if (!find_cgroup2(mnt, sizeof mnt, root, sizeof root))
        SKIP("no cgroup2 mount");
    int cg = SYS_OK(open(mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    ns_spawn_attr *a = attr_with(0);
    REQUIRE_OK(ns_spawn_attr_set_cgroup(a, cg));
    close(cg);
    if (after_first_spawn)
        first_spawn();
    deny_1(SYS_clone3, ENOSYS);
    check_refused("cgroup", a, NULL);
    ns_spawn_attr_free(a);
    CHECK_NO_CHILDREN();
}

static void test_cgroup_clone3_enosys_after_first_spawn(void)
{
    cgroup_without_clone3(true);
}

static void test_cgroup_clone3_enosys_before_first_call(void)
{
    cgroup_without_clone3(false);
}

/* ---- f. pidfd_open -> ENOSYS ------------------------------------------------------ */

/* pid exits with `code`, and pidfd (of pid) then reports the exit. */
static void pidfd_of_exited(const char *what, pid_t pid, int pidfd, int code)
{
    int st = -1;
    CHECKF(pid > 0 && pidfd >= 0, "%s: pid %d, pidfd %d (%s)", what, (int)pid, pidfd,
           ns_last_error());
    if (pid > 0)
        CHECKF(wait_child(pid, &st) == pid && WIFEXITED(st) && WEXITSTATUS(st) == code,
               "%s: status 0x%x", what, st);
    if (pidfd >= 0) {
        CHECKF(pidfd_wait_exit(pidfd, 5000), "%s: the pidfd does not report the exit",
               what);
        close(pidfd);
    }
}

/* How many of our descriptors are namespaces: what a child started by
 * ns_spawn_fn returns (it runs without an exec, so a library descriptor it
 * failed to close would still be there). */
static int count_ns_fds(void *arg)
{
    (void)arg;
    struct fd_entry t[256];
    int n = fd_table(0, t, 256), found = 0;
    for (int i = 0; i < n; i++)
        if (strncmp(t[i].target, "net:[", 5) == 0)
            found++;
    return n < 0 ? 99 : found;
}

/* The library descriptors a child closes first (here four attrs' copies
 * of a join, consecutive numbers) go in one close_range(2) where it works,
 * and one at a time where a filter refuses it. */
static void close_range_filtered(int err)
{
    int net = SYS_OK(ns_open_pid(0, NS_NET));
    ns_spawn_attr *held[4];
    for (int i = 0; i < 4; i++) {
        held[i] = attr_with(0);
        REQUIRE_OK(ns_spawn_attr_join(held[i], net, NS_NET));
    }
    close(net);
    if (err)
        deny_1(SYS_close_range, err);
    int st = -1;
    pid_t pid = ns_spawn_fn(NULL, count_ns_fds, NULL, NULL);
    CHECKF(pid > 0 && wait_child(pid, &st) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
           "ns_spawn_fn: %d (%s): the child had %d namespace descriptors", (int)pid,
           pid < 0 ? ns_last_error() : "", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    sh_says("a program", NULL, "echo ok", "ok\n");
    for (int i = 0; i < 4; i++)
        ns_spawn_attr_free(held[i]);
    CHECK_NO_CHILDREN();
}

static void test_close_range_works(void)
{
    close_range_filtered(0);
}

static void test_close_range_eperm(void)
{
    close_range_filtered(EPERM);
}

static void test_close_range_enosys(void)
{
    close_range_filtered(ENOSYS);
}

/* As root a PID namespace join is made by the calling thread; with setns
 * refused by a filter (EPERM) the spawn is planned again with the
 * intermediate process, whose refused setns is the error: the join's,
 * with the thread's own PID namespace for children unchanged and no child
 * left. */
static void test_setns_refused_pid_join(void)
{
    SKIP_UNLESS_ROOT();
    struct holder h;
    holder_start(&h, CLONE_NEWPID, NULL, HOLDER_KEEP_UID);
    pid_t kids[2];
    REQUIRE(children_of(h.pid, kids, 2) == 1);
    int pidns = SYS_OK(open_ns_file(kids[0], "pid"));
    uint64_t before = ns_id_of(0, "pid_for_children");
    ns_spawn_attr *a = attr_with(NS_UTS);
    REQUIRE_OK(ns_spawn_attr_join(a, pidns, NS_PID));
    deny_1(SYS_setns, EPERM);
    char *argv[] = {"true", NULL};
    int r = ns_spawn("/bin/true", argv, NULL, a, NULL);
    const char *msg = ns_last_error();
    CHECKF(r == -EPERM && strstr(msg, "setns") && strstr(msg, "join 0"),
           "ns_spawn: %d, \"%s\"", r, msg);
    CHECK_EQ_U64(ns_id_of(0, "pid_for_children"), before);
    ns_spawn_attr_free(a);
    close(pidns);
    holder_stop(&h);
    CHECK_NO_CHILDREN();
}

static void test_no_pidfd_open_spawn_with_pidfd(void)
{
    deny_1(SYS_pidfd_open, ENOSYS);
    char *argv[] = {"true", NULL};
    int pidfd = -1;
    pid_t pid = ns_spawn("/bin/true", argv, NULL, NULL, &pidfd);
    pidfd_of_exited("ns_spawn", pid, pidfd, 0);
    pidfd = -1;
    pid = ns_spawn_fn(NULL, return_7, NULL, &pidfd);
    pidfd_of_exited("ns_spawn_fn", pid, pidfd, 7);
    CHECK_NO_CHILDREN();
}

/* A lean spawn that fails, the caller wanting no pidfd: its child, cloned
 * without one, cannot open one of itself either (refused): the spawn
 * still says ENOENT, and leaves no process and no descriptor. */
static void test_no_pidfd_open_failed_lean_spawn(void)
{
    ns_spawn_attr *a = attr_with(NS_USER | NS_UTS);
    REQUIRE_OK(ns_spawn_attr_map_root(a));
    int before = count_fds(NULL);
    deny_1(SYS_pidfd_open, ENOSYS);
    char *argv[] = {"prog", NULL};
    for (int i = 0; i < 4; i++)
        CHECK_ERR(ns_spawn("/nonexistent/prog", argv, NULL, i % 2 ? a : NULL, NULL), ENOENT);
    CHECK_NO_CHILDREN();
    CHECK(count_fds(NULL) == before);
    ns_spawn_attr_free(a);
}

static void test_no_pidfd_open_join_with_pidfd(void)
{
    SKIP_UNLESS_ROOT();
    struct holder h;
    int net = holder_net(&h);
    deny_1(SYS_pidfd_open, ENOSYS);
    ns_spawn_attr *a = attr_with(0);
    REQUIRE_OK(ns_spawn_attr_join(a, net, NS_NET));
    char *argv[] = {"true", NULL};
    int pidfd = -1;
    pid_t pid = ns_spawn("/bin/true", argv, NULL, a, &pidfd);
    pidfd_of_exited("ns_spawn with a join", pid, pidfd, 0);
    ns_spawn_attr_free(a);
    close(net);
    holder_stop(&h);
    CHECK_NO_CHILDREN();
}

static void test_no_pidfd_open_pdeathsig(void)
{
    deny_1(SYS_pidfd_open, ENOSYS);
    ns_spawn_attr *a = attr_with(0);
    REQUIRE_OK(ns_spawn_attr_set_pdeathsig(a, SIGKILL));
    sh_says("pdeathsig", a, "echo alive", "alive\n");
    ns_spawn_attr_free(a);
    CHECK_NO_CHILDREN();
}

static void test_no_pidfd_open_enter_pid(void)
{
    SKIP_UNLESS_ROOT();
    struct holder h;
    holder_start(&h, CLONE_NEWUTS | CLONE_NEWNET, "rt-seccomp-enter", HOLDER_KEEP_UID);
    deny_1(SYS_pidfd_open, ENOSYS);
    if (CHECK_OK(ns_enter_pid(h.pid, 0)) == 0) {
        CHECK_EQ_U64(ns_id_of(0, "uts"), ns_id_of(h.pid, "uts"));
        CHECK_EQ_U64(ns_id_of(0, "net"), ns_id_of(h.pid, "net"));
        char host[256];
        hostname_now(host, sizeof host);
        CHECK_STREQ(host, "rt-seccomp-enter");
    }
    holder_stop(&h);
}

static void test_no_pidfd_open_new_pid_ns(void)
{
    SKIP_UNLESS_ROOT();
    deny_1(SYS_pidfd_open, ENOSYS);
    errno = 0;
    int fd = ns_new(NS_PID);
    int e = errno;
    if (fallback_mode() && fd == -EOPNOTSUPP) {
        /* Documented for kernels before 6.11, which the fallback plays. */
        CHECK(e == EOPNOTSUPP);
        return;
    }
    CHECKF(fd >= 0, "ns_new(NS_PID): %d, errno %d (%s)", fd, e, ns_last_error());
    if (fd < 0)
        return;
    CHECK(ns_type(fd) == NS_PID);
    CHECK(fd_ns_id(fd) != 0 && fd_ns_id(fd) != ns_id_of(0, "pid"));
    close(fd);
}

static void test_no_pidfd_open_failing_join(void)
{
    SKIP_UNLESS_ROOT();
    struct holder h;
    int net = holder_net(&h);
    deny_1(SYS_pidfd_open, ENOSYS);
    ns_spawn_attr *a = attr_with(0);
    REQUIRE_OK(ns_spawn_attr_join(a, net, NS_NET));
    char *argv[] = {"prog", NULL};
    int pidfd = -1;
    CHECK_ERR(ns_spawn("/nonexistent/prog", argv, NULL, a, &pidfd), ENOENT);
    CHECK(pidfd == -1);
    ns_spawn_attr_free(a);
    close(net);
    holder_stop(&h);
    errno = 0;
    pid_t w = waitpid(-1, NULL, WNOHANG | __WALL);
    CHECKF(w == -1 && errno == ECHILD, "waitpid(-1, WNOHANG|__WALL) = %d (%s): a "
           "child is left", (int)w, strerror(errno));
}

int main(void)
{
    RUN(test_clone3_enosys_after_first_spawn);
    RUN(test_clone3_enosys_before_first_call);
    RUN(test_clone3_eperm_after_first_spawn);
    RUN(test_clone3_eperm_before_first_call);
    RUN(test_clone_eperm_clone3_enosys_after_first_spawn);
    RUN(test_clone_eperm_clone3_enosys_before_first_call);
    RUN(test_cgroup_clone3_enosys_after_first_spawn);
    RUN(test_cgroup_clone3_enosys_before_first_call);
    RUN(test_no_pidfd_open_spawn_with_pidfd);
    RUN(test_no_pidfd_open_join_with_pidfd);
    RUN(test_no_pidfd_open_failed_lean_spawn);
    RUN(test_no_pidfd_open_pdeathsig);
    RUN(test_no_pidfd_open_enter_pid);
    RUN(test_no_pidfd_open_new_pid_ns);
    RUN(test_no_pidfd_open_failing_join);
    RUN(test_close_range_works);
    RUN(test_close_range_eperm);
    RUN(test_close_range_enosys);
    RUN(test_setns_refused_pid_join);
    return check_summary();
}
