/* Bad input, part 4: persistent namespaces and the system calls, ns_bind,
 * ns_unbind, ns_netns_add, ns_netns_del, ns_list, ns_get_limit,
 * ns_set_limit, ns_set_time_offset, ns_pivot_root, ns_kcmp.
 * The walker: check_bad.h. */
#include "check_bad.h"

static char target[192];   /* where a failed ns_bind must create nothing */
static char bound[192];    /* where a uts namespace is bound already */
static int my_mnt;
static int64_t limit_value; /* what ns_set_limit is asked to write */
static int64_t limits[N_KINDS];

/* ---- the calls --------------------------------------------------------- */

static long long l_bind_fd(long long k) { return ns_bind(bad_fd((int)k), target); }
static long long l_bind_mnt(long long a) { (void)a; return ns_bind(my_mnt, target); }
static long long l_bind_path(long long s) { return ns_bind(B.h_net, (const char *)(intptr_t)s); }
static long long l_unbind(long long s) { return ns_unbind((const char *)(intptr_t)s); }
static long long l_add(long long i) { return bad_close_ret(ns_netns_add(bad_name((int)i))); }
static long long l_del(long long i) { return ns_netns_del(bad_name((int)i)); }
static long long l_add_s(long long s)
{
    return bad_close_ret(ns_netns_add((const char *)(intptr_t)s));
}
static long long l_del_s(long long s) { return ns_netns_del((const char *)(intptr_t)s); }

static int list_calls;
static int list_cb(const struct ns_info *info, void *arg)
{
    (void)info;
    (void)arg;
    list_calls++;
    return 0;
}
static long long l_list(long long t)
{
    list_calls = 0;
    long long r = ns_list((int)t, list_cb, NULL);
    int e = errno;
    CHECKF(r >= 0 || list_calls == 0, "the callback ran %d time(s) in a failed ns_list",
           list_calls);
    errno = e;
    return r;
}
static long long l_list_null(long long t) { return ns_list((int)t, NULL, NULL); }

static long long l_get_limit(long long t) { return ns_get_limit((int)t); }
static long long l_set_limit(long long t) { return ns_set_limit((int)t, limit_value); }
static long long l_set_limit_v(long long v) { return ns_set_limit(NS_NET, (int64_t)v); }

static long long l_time_clock(long long c) { return ns_set_time_offset(B.h.pid, (int)c, 1, 0); }
static long long l_time_nsec(long long n)
{
    return ns_set_time_offset(B.h.pid, CLOCK_MONOTONIC, 1, n);
}
static long long l_time_sec(long long s)
{
    return ns_set_time_offset(B.h.pid, CLOCK_MONOTONIC, s, 0);
}
static long long l_time_pid(long long p)
{
    return ns_set_time_offset((pid_t)p, CLOCK_MONOTONIC, 1, 0);
}

static const char *pivots[][2] = {{NULL, "/"}, {"/", NULL}, {NULL, NULL}, {"", ""},
                                  {"/nonexistent-linuxns", "/nonexistent-linuxns"},
                                  {NULL, NULL}, {NULL, NULL}, {NULL, NULL}, {NULL, NULL}};
static long long l_pivot(long long i) { return ns_pivot_root(pivots[i][0], pivots[i][1]); }

static long long l_kcmp_type(long long t) { return ns_kcmp(getpid(), getpid(), (int)t, 0, 0); }
static long long l_kcmp_pid1(long long p) { return ns_kcmp((pid_t)p, getpid(), NS_KCMP_VM, 0, 0); }
static long long l_kcmp_pid2(long long p) { return ns_kcmp(getpid(), (pid_t)p, NS_KCMP_VM, 0, 0); }
static long long l_kcmp_idx1(long long i)
{
    return ns_kcmp(getpid(), getpid(), NS_KCMP_FILE, (unsigned long)i, (unsigned long)B.file_fd);
}
static long long l_kcmp_idx2(long long i)
{
    return ns_kcmp(getpid(), getpid(), NS_KCMP_FILE, (unsigned long)B.file_fd, (unsigned long)i);
}

/* ---- the groups -------------------------------------------------------- */

static void group_persist(void)
{
    bad_begin(true);
    snprintf(target, sizeof target, "%s/bind-target", B.tmp);
    snprintf(bound, sizeof bound, "%s/bound", B.tmp);
    my_mnt = SYS_OK(open_ns_file(0, "mnt"));
    bad_raw_bind("uts", bound);
    bad_netns_fixture();
    for (int k = BFD_NEG1; k <= BFD_PIDFD; k++)
        BAD(l_bind_fd, k, BADF_OR_INVAL(k), "ns_bind(%s, new path)", bad_fd_name[k]);
    BAD(l_bind_mnt, 0, ERRS(EINVAL), "ns_bind(our own mnt ns, a path in it)");
    const struct { const char *path, *label; int err; } binds[] = {
        {NULL, "NULL", EINVAL},
        {"", "\"\"", ENOENT},
        {B.missing, "a path under a missing dir", ENOENT},
        {B.longcomp, "a path with a 300-byte component", ENAMETOOLONG},
        {B.sub, "a directory", ENOTDIR},
        {bound, "a path a uts ns is bound on", EEXIST},
        {"/run/netns/utsns", "/run/netns/utsns (a uts ns bound on it)", EEXIST},
    };
    for (size_t i = 0; i < sizeof binds / sizeof binds[0]; i++)
        BAD(l_bind_path, (intptr_t)binds[i].path, ERRS(binds[i].err), "ns_bind(net fd, %s)",
            binds[i].label);
    const struct { const char *path, *label; int err; } unbinds[] = {
        {NULL, "NULL", EINVAL},
        {"", "\"\"", ENOENT},
        {"/nonexistent-linuxns", "a missing path", ENOENT},
        {B.missing, "a path under a missing dir", ENOENT},
        {B.longcomp, "a path with a 300-byte component", ENAMETOOLONG},
        {B.file, "a regular file", EINVAL},
        {B.sub, "a directory", EINVAL},
        {"/run", "/run (a tmpfs mount point)", EINVAL},
        {"/proc/self/ns/net", "/proc/self/ns/net", EINVAL},
    };
    for (size_t i = 0; i < sizeof unbinds / sizeof unbinds[0]; i++)
        BAD(l_unbind, (intptr_t)unbinds[i].path, ERRS(unbinds[i].err), "ns_unbind(%s)",
            unbinds[i].label);
    for (int i = 0; i < BAD_NNAMES; i++) {
        BAD(l_add, i, ERRS(EINVAL), "ns_netns_add(%s)", bad_name_label(i));
        BAD(l_del, i, ERRS(EINVAL), "ns_netns_del(%s)", bad_name_label(i));
    }
    static const char *const taken[] = {"plainfile", "dir", "link", "utsns"};
    for (size_t i = 0; i < 4; i++)
        BAD(l_add_s, (intptr_t)taken[i], ERRS(EEXIST), "ns_netns_add(\"%s\") (taken)", taken[i]);
    BAD(l_del_s, (intptr_t)"linuxns-bad-absent", ERRS(ENOENT),
        "ns_netns_del(\"linuxns-bad-absent\")");
    bad_walk();
    close(my_mnt);
    bad_end();
}

static void group_system(void)
{
    bad_begin(true);
    char path[96], text[64];
    for (size_t i = 0; i < N_KINDS; i++) {
        snprintf(path, sizeof path, "/proc/sys/user/max_%s_namespaces", NS_KINDS[i].name);
        REQUIRE(read_file(path, text, sizeof text) > 0);
        limits[i] = strtoll(text, NULL, 10);
    }
    limit_value = limits[0];

    BAD(l_list_null, 0, ERRS(EINVAL), "ns_list(0, NULL, NULL)");
    BAD(l_list_null, NS_NET, ERRS(EINVAL), "ns_list(NS_NET, NULL, NULL)");
    FOR_BITS_OUTSIDE(b, NS_ALL) {
        BAD(l_list, BIT(b), ERRS(EINVAL), "ns_list(0x%x, cb)", BIT(b));
        BAD(l_list, NS_NET | BIT(b), ERRS(EINVAL), "ns_list(NS_NET | 0x%x, cb)", BIT(b));
        BAD(l_get_limit, BIT(b), ERRS(EINVAL), "ns_get_limit(0x%x)", BIT(b));
        BAD(l_set_limit, BIT(b), ERRS(EINVAL), "ns_set_limit(0x%x, current)", BIT(b));
    }
    for (int b = 0; b < 32; b++)
        if (BIT(b) != NS_NET) {
            BAD(l_get_limit, NS_NET | BIT(b), ERRS(EINVAL), "ns_get_limit(NS_NET | 0x%x)", BIT(b));
            BAD(l_set_limit, NS_NET | BIT(b), ERRS(EINVAL),
                "ns_set_limit(NS_NET | 0x%x, current)", BIT(b));
        }
    BAD(l_list, -1, ERRS(EINVAL), "ns_list(-1, cb)");
    BAD(l_get_limit, 0, ERRS(EINVAL), "ns_get_limit(0)");
    BAD(l_get_limit, -1, ERRS(EINVAL), "ns_get_limit(-1)");
    BAD(l_set_limit, 0, ERRS(EINVAL), "ns_set_limit(0, current)");
    BAD(l_set_limit, -1, ERRS(EINVAL), "ns_set_limit(-1, current)");
    const long long values[] = {-1, INT64_MIN, 2147483648LL, INT64_MAX, -2147483648LL};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
        BAD(l_set_limit_v, values[i], ERRS(EINVAL), "ns_set_limit(NS_NET, %lld)", values[i]);

    FOR_BITS_OUTSIDE(b, CLOCK_MONOTONIC)
        BAD(l_time_clock, BIT(b), ERRS(EINVAL),
            "ns_set_time_offset(pid, clock 0x%x, 1, 0)", BIT(b));
    const int clocks[] = {CLOCK_REALTIME, CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID,
                          CLOCK_MONOTONIC_RAW, CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE,
                          8, 9, 10, 11, 12, -1, INT_MAX};
    for (size_t i = 0; i < sizeof clocks / sizeof clocks[0]; i++)
        BAD(l_time_clock, clocks[i], ERRS(EINVAL), "ns_set_time_offset(pid, clock %d, 1, 0)",
            clocks[i]);
    const long long nsecs[] = {-1, 1000000000LL, INT64_MIN, INT64_MAX};
    for (size_t i = 0; i < sizeof nsecs / sizeof nsecs[0]; i++)
        BAD(l_time_nsec, nsecs[i], ERRS(EINVAL),
            "ns_set_time_offset(pid, CLOCK_MONOTONIC, 1, %lld)", nsecs[i]);
    const long long secs[] = {INT64_MAX, INT64_MIN};
    for (size_t i = 0; i < 2; i++)
        BAD(l_time_sec, secs[i], ERRS(ERANGE), /* documented: out of the kernel's range */
            "ns_set_time_offset(pid, CLOCK_MONOTONIC, %lld, 0)", secs[i]);
    const struct { pid_t pid; const char *name; int err; } tpids[] = {
        {-1, "-1", EINVAL}, {INT_MIN, "INT_MIN", EINVAL}, {B.unused, "an unused pid", ESRCH},
        {B.gone, "a reaped pid", ESRCH}};
    for (size_t i = 0; i < sizeof tpids / sizeof tpids[0]; i++)
        BAD(l_time_pid, tpids[i].pid, ERRS(tpids[i].err),
            "ns_set_time_offset(%s, CLOCK_MONOTONIC, 1, 0)", tpids[i].name);

    pivots[5][0] = pivots[5][1] = B.file;
    pivots[6][0] = pivots[6][1] = B.tmp;
    pivots[7][0] = B.tmp;
    pivots[7][1] = "/nonexistent-linuxns";
    pivots[8][0] = pivots[8][1] = B.longcomp;
    /* A directory that is no mount point: pivot_root(2) says EINVAL, or
     * EBUSY when it is on the root's own file system. */
    const struct { const int *errs; const char *label; } piv[] = {
        {ERRS(EINVAL), "NULL, \"/\""}, {ERRS(EINVAL), "\"/\", NULL"},
        {ERRS(EINVAL), "NULL, NULL"}, {ERRS(ENOENT), "\"\", \"\""},
        {ERRS(ENOENT), "a missing dir twice"}, {ERRS(ENOTDIR), "a regular file twice"},
        {ERRS(EINVAL, EBUSY), "a dir that is no mount point, twice"},
        {ERRS(ENOENT), "a dir, a missing dir"},
        {ERRS(ENAMETOOLONG), "a 300-byte component twice"}};
    for (size_t i = 0; i < sizeof piv / sizeof piv[0]; i++)
        BAD(l_pivot, i, piv[i].errs, "ns_pivot_root(%s)", piv[i].label);

    FOR_BITS_OUTSIDE(b, 0x7)
        BAD(l_kcmp_type, BIT(b), ERRS(EINVAL), "ns_kcmp(self, self, 0x%x, 0, 0)", BIT(b));
    BAD(l_kcmp_type, 7, ERRS(EINVAL), "ns_kcmp(self, self, 7, 0, 0)");
    BAD(l_kcmp_type, -1, ERRS(EINVAL), "ns_kcmp(self, self, -1, 0, 0)");
    const struct { pid_t pid; const char *name; } kpids[] = {
        {0, "0"}, {-1, "-1"}, {INT_MIN, "INT_MIN"}, {B.unused, "an unused pid"},
        {B.gone, "a reaped pid"}};
    for (size_t i = 0; i < sizeof kpids / sizeof kpids[0]; i++) {
        BAD(l_kcmp_pid1, kpids[i].pid, ERRS(ESRCH), "ns_kcmp(%s, self, NS_KCMP_VM)", kpids[i].name);
        BAD(l_kcmp_pid2, kpids[i].pid, ERRS(ESRCH), "ns_kcmp(self, %s, NS_KCMP_VM)", kpids[i].name);
    }
    const struct { long long idx; const char *name; } idx[] = {
        {BAD_CLOSED_FD, "a closed fd"}, {-1, "(unsigned long)-1"}, {1 << 30, "1<<30"},
        {INT_MAX, "INT_MAX"}, {(long long)1 << 40, "1<<40"}};
    for (size_t i = 0; i < sizeof idx / sizeof idx[0]; i++) {
        BAD(l_kcmp_idx1, idx[i].idx, ERRS(EBADF), "ns_kcmp(self, self, NS_KCMP_FILE, %s, file)",
            idx[i].name);
        BAD(l_kcmp_idx2, idx[i].idx, ERRS(EBADF), "ns_kcmp(self, self, NS_KCMP_FILE, file, %s)",
            idx[i].name);
    }
    bad_walk();
    /* Put back a limit a wrong call changed (reported above). */
    for (size_t i = 0; i < N_KINDS; i++) {
        snprintf(path, sizeof path, "/proc/sys/user/max_%s_namespaces", NS_KINDS[i].name);
        if (read_file(path, text, sizeof text) > 0 && strtoll(text, NULL, 10) != limits[i]) {
            snprintf(text, sizeof text, "%lld\n", (long long)limits[i]);
            CHECK(write_file(path, text) == 0);
        }
    }
    bad_end();
}

int main(void)
{
    BAD_RUN(group_persist);
    BAD_RUN(group_system);
    return bad_summary();
}
