/* Bad input, part 5: ns_spawn_attr_new, ns_spawn_attr_free, every
 * ns_spawn_attr_set_* / join / map_root, ns_spawn and ns_spawn_fn.
 * (The map setters' maps: test_bad_input_maps.c.)  The walker: check_bad.h. */
#include "check_bad.h"

static ns_spawn_attr *A;          /* a plain attribute the bad calls must not change */
static ns_spawn_attr *D;          /* for the joins of dead processes */
static ns_spawn_attr *unsafe[9];  /* each fails ns_spawn's safety checks */
static ns_spawn_attr *steps[3];   /* for the steps that fail in the child */
static char *const TRUE_ARGV[] = {"true", NULL};
static const struct ns_idmap one = {0, 0, 1};

/* ---- the calls --------------------------------------------------------- */

static long long l_new(long long a)
{
    (void)a;
    ns_spawn_attr *p = ns_spawn_attr_new();
    long long r = bad_ptr_ret(p);
    ns_spawn_attr_free(p);
    return r;
}
static long long l_free_null(long long a) { (void)a; ns_spawn_attr_free(NULL); return 0; }

/* Every setter with a NULL attribute (and otherwise good arguments). */
static long long l_null(long long i)
{
    switch (i) {
    case 0: return ns_spawn_attr_set_namespaces(NULL, NS_UTS);
    case 1: return ns_spawn_attr_join(NULL, B.h_net, NS_NET);
    case 2: return ns_spawn_attr_map_root(NULL);
    case 3: return ns_spawn_attr_set_uid_map(NULL, &one, 1, 0);
    case 4: return ns_spawn_attr_set_gid_map(NULL, &one, 1, 0);
    case 5: return ns_spawn_attr_set_hostname(NULL, "x");
    case 6: return ns_spawn_attr_set_root(NULL, "/");
    case 7: return ns_spawn_attr_set_mount_proc(NULL, 1);
    case 8: return ns_spawn_attr_set_propagation(NULL, NS_PROPAGATION_PRIVATE);
    case 9: return ns_spawn_attr_set_cwd(NULL, "/");
    case 10: return ns_spawn_attr_set_fd(NULL, 1, 1);
    case 11: return ns_spawn_attr_set_close_fds(NULL, 1);
    case 12: return ns_spawn_attr_set_pdeathsig(NULL, SIGTERM);
    case 13: return ns_spawn_attr_set_cgroup(NULL, B.dir_fd);
    default: return ns_spawn_attr_set_time_offset(NULL, CLOCK_MONOTONIC, 1, 0);
    }
}
static const char *const null_label[] = {
    "set_namespaces(NULL, NS_UTS)", "join(NULL, net fd, NS_NET)", "map_root(NULL)",
    "set_uid_map(NULL, one range, 1, 0)", "set_gid_map(NULL, one range, 1, 0)",
    "set_hostname(NULL, \"x\")", "set_root(NULL, \"/\")", "set_mount_proc(NULL, 1)",
    "set_propagation(NULL, NS_PROPAGATION_PRIVATE)", "set_cwd(NULL, \"/\")",
    "set_fd(NULL, 1, 1)", "set_close_fds(NULL, 1)", "set_pdeathsig(NULL, SIGTERM)",
    "set_cgroup(NULL, a directory)", "set_time_offset(NULL, CLOCK_MONOTONIC, 1, 0)"};

#define S(s) ((const char *)(intptr_t)(s))
static long long l_ns(long long t) { return ns_spawn_attr_set_namespaces(A, (int)t); }
static long long l_join_fd(long long k) { return ns_spawn_attr_join(A, bad_fd((int)k), NS_NET); }
static long long l_join_net(long long t) { return ns_spawn_attr_join(A, B.h_net, (int)t); }
static long long l_join_pidfd(long long t) { return ns_spawn_attr_join(A, B.h_pidfd, (int)t); }
static long long l_join_dead(long long i)
{
    return ns_spawn_attr_join(D, bad_dead_fd((int)i), NS_UTS);
}
static long long l_hostname(long long s) { return ns_spawn_attr_set_hostname(A, S(s)); }
static long long l_root(long long s) { return ns_spawn_attr_set_root(A, S(s)); }
static long long l_cwd(long long s) { return ns_spawn_attr_set_cwd(A, S(s)); }
static long long l_prop(long long m) { return ns_spawn_attr_set_propagation(A, (int)m); }
static long long l_fd_child(long long c) { return ns_spawn_attr_set_fd(A, (int)c, 1); }
static long long l_fd_parent(long long p) { return ns_spawn_attr_set_fd(A, 1, (int)p); }
static long long l_pdeath(long long s) { return ns_spawn_attr_set_pdeathsig(A, (int)s); }
static long long l_cgroup(long long k) { return ns_spawn_attr_set_cgroup(A, bad_fd((int)k)); }
static long long l_toff_clock(long long c)
{
    return ns_spawn_attr_set_time_offset(A, (int)c, 1, 0);
}
static long long l_toff_nsec(long long n)
{
    return ns_spawn_attr_set_time_offset(A, CLOCK_MONOTONIC, 1, n);
}

static long long spawn(const char *path, char *const *argv, const ns_spawn_attr *a)
{
    int pidfd = -4242;
    long long r = ns_spawn(path, argv, NULL, a, &pidfd);
    bad_untouched(r >= 0 || pidfd == -4242, "*pidfd");
    return bad_reap_ret(r, &pidfd);
}
static int child_fn(void *arg) { (void)arg; return 0; }
static long long spawn_fn(const ns_spawn_attr *a, int (*fn)(void *))
{
    int pidfd = -4242;
    long long r = ns_spawn_fn(a, fn, NULL, &pidfd);
    bad_untouched(r >= 0 || pidfd == -4242, "*pidfd");
    return bad_reap_ret(r, &pidfd);
}
static long long l_spawn_path(long long s) { return spawn(S(s), TRUE_ARGV, NULL); }
static long long l_spawn_argv(long long a) { (void)a; return spawn("/bin/true", NULL, NULL); }
static long long l_spawn_A(long long a) { (void)a; return spawn("/bin/true", TRUE_ARGV, A); }
static long long l_spawn_unsafe(long long i) { return spawn("/bin/true", TRUE_ARGV, unsafe[i]); }
static long long l_spawn_fn_unsafe(long long i) { return spawn_fn(unsafe[i], child_fn); }
static long long l_spawn_fn_null(long long a) { return spawn_fn(a ? A : NULL, NULL); }
static long long l_step_fd(long long i)
{
    return ns_spawn_attr_set_fd(steps[i], i ? INT_MAX : 1 << 30, 2);
}
static long long l_step_cwd(long long s) { return ns_spawn_attr_set_cwd(steps[2], S(s)); }
static long long l_spawn_step(long long i) { return spawn("/bin/true", TRUE_ARGV, steps[i]); }

/* ---- the groups -------------------------------------------------------- */

static void group_attr_null(void)
{
    bad_begin(true);
    BAD(l_new, 0, SUCCEEDS, "ns_spawn_attr_new() (and free)");
    BAD(l_free_null, 0, SUCCEEDS, "ns_spawn_attr_free(NULL)");
    for (int i = 0; i < 15; i++)
        BAD(l_null, i, ERRS(EINVAL), "ns_spawn_attr_%s", null_label[i]);
    bad_walk();
    bad_end();
}

static void group_attr_values(void)
{
    bad_begin(true);
    A = ns_spawn_attr_new();
    D = ns_spawn_attr_new();
    REQUIRE(A && D);
    FOR_BITS_OUTSIDE(b, NS_ALL) {
        BAD(l_ns, BIT(b), ERRS(EINVAL), "ns_spawn_attr_set_namespaces(attr, 0x%x)", BIT(b));
        BAD(l_ns, NS_UTS | BIT(b), ERRS(EINVAL),
            "ns_spawn_attr_set_namespaces(attr, NS_UTS | 0x%x)", BIT(b));
        BAD_KEEP(l_join_pidfd, BIT(b), ERRS(EINVAL),
            "ns_spawn_attr_join(attr, pidfd, 0x%x)", BIT(b));
        BAD_KEEP(l_join_pidfd, NS_UTS | BIT(b), ERRS(EINVAL),
            "ns_spawn_attr_join(attr, pidfd, NS_UTS | 0x%x)", BIT(b));
    }
    BAD(l_ns, -1, ERRS(EINVAL), "ns_spawn_attr_set_namespaces(attr, -1)");
    for (int k = BFD_NEG1; k <= BFD_SOCK; k++)
        BAD_KEEP(l_join_fd, k, BADF_OR_INVAL(k), "ns_spawn_attr_join(attr, %s, NS_NET)",
            bad_fd_name[k]);
    for (int b = 0; b < 32; b++)
        if (BIT(b) != NS_NET)
            BAD_KEEP(l_join_net, BIT(b), ERRS(EINVAL), "ns_spawn_attr_join(attr, net fd, 0x%x)",
                BIT(b));
    BAD_KEEP(l_join_net, -1, ERRS(EINVAL), "ns_spawn_attr_join(attr, net fd, -1)");
    BAD_KEEP(l_join_pidfd, 0, ERRS(EINVAL), "ns_spawn_attr_join(attr, pidfd, 0)");
    for (int i = 0; i < N_DEAD; i++)
        BAD_KEEP(l_join_dead, i, ERRS(ESRCH),
            "ns_spawn_attr_join(attr, %s, NS_UTS)", bad_dead_name[i]);

    static char host65[66];
    memset(host65, 'h', 65);
    const struct { bad_fn fn; const char *s, *label; int err; } strs[] = {
        {l_hostname, NULL, "set_hostname(attr, NULL)", EINVAL},
        {l_hostname, "", "set_hostname(attr, \"\")", EINVAL},
        {l_hostname, host65, "set_hostname(attr, <65 bytes>)", EINVAL},
        {l_hostname, B.name300, "set_hostname(attr, <300 bytes>)", EINVAL},
        {l_root, NULL, "set_root(attr, NULL)", EINVAL},
        {l_root, "", "set_root(attr, \"\")", ENOENT},
        {l_root, "/nonexistent-linuxns", "set_root(attr, a missing dir)", ENOENT},
        {l_root, B.missing, "set_root(attr, a path under a missing dir)", ENOENT},
        {l_root, B.file, "set_root(attr, a regular file)", ENOTDIR},
        {l_root, B.longcomp, "set_root(attr, a 300-byte component)", ENAMETOOLONG},
        {l_cwd, NULL, "set_cwd(attr, NULL)", EINVAL},
        {l_cwd, "", "set_cwd(attr, \"\")", EINVAL},
    };
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        BAD(strs[i].fn, (intptr_t)strs[i].s, ERRS(strs[i].err), "ns_spawn_attr_%s", strs[i].label);

    FOR_BITS_OUTSIDE(b, NS_PROPAGATION_SLAVE | NS_PROPAGATION_SHARED)
        BAD(l_prop, BIT(b), ERRS(EINVAL), "ns_spawn_attr_set_propagation(attr, 0x%x)", BIT(b));
    BAD(l_prop, -1, ERRS(EINVAL), "ns_spawn_attr_set_propagation(attr, -1)");
    BAD(l_prop, 5, ERRS(EINVAL), "ns_spawn_attr_set_propagation(attr, 5)");

    const int children[] = {-1, -2, INT_MIN};
    for (size_t i = 0; i < 3; i++)
        BAD(l_fd_child, children[i], ERRS(EBADF), "ns_spawn_attr_set_fd(attr, %d, 1)", children[i]);
    const struct { int fd; const char *name; } parents[] = {
        {-2, "-2"}, {INT_MIN, "INT_MIN"}, {BAD_CLOSED_FD, "a closed fd"},
        {1 << 30, "1<<30"}, {INT_MAX, "INT_MAX"}};
    for (size_t i = 0; i < 5; i++)
        BAD(l_fd_parent, parents[i].fd, ERRS(EBADF), "ns_spawn_attr_set_fd(attr, 1, %s)",
            parents[i].name);

    FOR_BITS_OUTSIDE(b, 0x7f) /* signals 1..64 (and 0) are fine */
        BAD(l_pdeath, BIT(b), ERRS(EINVAL), "ns_spawn_attr_set_pdeathsig(attr, 0x%x)", BIT(b));
    BAD(l_pdeath, -1, ERRS(EINVAL), "ns_spawn_attr_set_pdeathsig(attr, -1)");
    BAD(l_pdeath, SIGRTMAX + 1, ERRS(EINVAL), "ns_spawn_attr_set_pdeathsig(attr, SIGRTMAX + 1)");

    for (int k = BFD_NEG1; k < BFD_N; k++)
        BAD_KEEP(l_cgroup, k, BADF_OR_INVAL(k),
            "ns_spawn_attr_set_cgroup(attr, %s)", bad_fd_name[k]);

    FOR_BITS_OUTSIDE(b, CLOCK_MONOTONIC)
        BAD(l_toff_clock, BIT(b), ERRS(EINVAL),
            "ns_spawn_attr_set_time_offset(attr, clock 0x%x, 1, 0)", BIT(b));
    const int clocks[] = {CLOCK_REALTIME, CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID,
                          CLOCK_MONOTONIC_RAW, CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE,
                          8, 9, 11, -1};
    for (size_t i = 0; i < sizeof clocks / sizeof clocks[0]; i++)
        BAD(l_toff_clock, clocks[i], ERRS(EINVAL),
            "ns_spawn_attr_set_time_offset(attr, clock %d, 1, 0)", clocks[i]);
    const long long nsecs[] = {-1, 1000000000LL, INT64_MIN, INT64_MAX};
    for (size_t i = 0; i < 4; i++)
        BAD(l_toff_nsec, nsecs[i], ERRS(EINVAL),
            "ns_spawn_attr_set_time_offset(attr, CLOCK_MONOTONIC, 1, %lld)", nsecs[i]);
    /* After all that, attr is still the plain spawn it was. */
    BAD(l_spawn_A, 0, SUCCEEDS, "ns_spawn(/bin/true, attr after the bad calls)");
    bad_walk();
    ns_spawn_attr_free(A);
    ns_spawn_attr_free(D);
    bad_end();
}

static void group_spawn(void)
{
    static const char *const unsafe_label[9] = {
        "a hostname without NS_UTS", "a root without NS_MNT",
        "propagation SHARED without NS_MNT", "mount_proc with NS_MNT only",
        "mount_proc with NS_PID only", "a time offset without NS_TIME",
        "a uid map without NS_USER", "a gid map without NS_USER", "map_root without NS_USER"};
    bad_begin(true);
    A = ns_spawn_attr_new();
    REQUIRE(A != NULL);
    for (int i = 0; i < 3; i++)
        REQUIRE((steps[i] = ns_spawn_attr_new()) != NULL);
    for (int i = 0; i < 9; i++)
        REQUIRE((unsafe[i] = ns_spawn_attr_new()) != NULL);
    REQUIRE_OK(ns_spawn_attr_set_hostname(unsafe[0], "linuxns-bad"));
    REQUIRE_OK(ns_spawn_attr_set_root(unsafe[1], B.tmp));
    REQUIRE_OK(ns_spawn_attr_set_propagation(unsafe[2], NS_PROPAGATION_SHARED));
    REQUIRE_OK(ns_spawn_attr_set_namespaces(unsafe[3], NS_MNT));
    REQUIRE_OK(ns_spawn_attr_set_mount_proc(unsafe[3], 1));
    REQUIRE_OK(ns_spawn_attr_set_namespaces(unsafe[4], NS_PID));
    REQUIRE_OK(ns_spawn_attr_set_mount_proc(unsafe[4], 1));
    REQUIRE_OK(ns_spawn_attr_set_time_offset(unsafe[5], CLOCK_MONOTONIC, 100, 0));
    REQUIRE_OK(ns_spawn_attr_set_uid_map(unsafe[6], &one, 1, 0));
    REQUIRE_OK(ns_spawn_attr_set_gid_map(unsafe[7], &one, 1, 0));
    REQUIRE_OK(ns_spawn_attr_map_root(unsafe[8]));

    const struct { const char *path, *label; int err; } paths[] = {
        {NULL, "NULL", EINVAL},
        {"", "\"\"", ENOENT},
        {"linuxns-no-such-program", "a name not in PATH", ENOENT},
        {B.name300, "a 300-byte name", ENOENT},
        {"/nonexistent-linuxns/true", "a missing path", ENOENT},
        {B.file, "a file without x bits", EACCES},
        {B.tmp, "a directory", EACCES},
        {B.longcomp, "a path with a 300-byte component", ENAMETOOLONG},
    };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        BAD(l_spawn_path, (intptr_t)paths[i].path, ERRS(paths[i].err), "ns_spawn(%s, argv)",
            paths[i].label);
    BAD(l_spawn_argv, 0, ERRS(EINVAL), "ns_spawn(\"/bin/true\", NULL argv)");
    for (int i = 0; i < 9; i++) {
        BAD(l_spawn_unsafe, i, ERRS(EINVAL), "ns_spawn(/bin/true, attr with %s)", unsafe_label[i]);
        BAD(l_spawn_fn_unsafe, i, ERRS(EINVAL), "ns_spawn_fn(attr with %s, fn)", unsafe_label[i]);
    }
    BAD(l_spawn_fn_null, 0, ERRS(EINVAL), "ns_spawn_fn(NULL, NULL fn)");
    BAD(l_spawn_fn_null, 1, ERRS(EINVAL), "ns_spawn_fn(attr, NULL fn)");
    /* Accepted by the setter (only negative child fds are), failing in the child. */
    BAD(l_step_fd, 0, SUCCEEDS, "ns_spawn_attr_set_fd(attr, 1<<30, 2)");
    BAD(l_spawn_step, 0, ERRS(EBADF), "ns_spawn(/bin/true, attr with child fd 1<<30)");
    BAD(l_step_fd, 1, SUCCEEDS, "ns_spawn_attr_set_fd(attr, INT_MAX, 2)");
    BAD(l_spawn_step, 1, ERRS(EBADF), "ns_spawn(/bin/true, attr with child fd INT_MAX)");
    BAD(l_step_cwd, (intptr_t)"/nonexistent-linuxns", SUCCEEDS,
        "ns_spawn_attr_set_cwd(attr, a missing dir)");
    BAD(l_spawn_step, 2, ERRS(ENOENT), "ns_spawn(/bin/true, attr with a missing cwd)");
    bad_walk();
    for (int i = 0; i < 9; i++)
        ns_spawn_attr_free(unsafe[i]);
    for (int i = 0; i < 3; i++)
        ns_spawn_attr_free(steps[i]);
    ns_spawn_attr_free(A);
    bad_end();
}

int main(void)
{
    BAD_RUN(group_attr_null);
    BAD_RUN(group_attr_values);
    BAD_RUN(group_spawn);
    return bad_summary();
}
