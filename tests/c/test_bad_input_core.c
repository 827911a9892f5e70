/* Bad input, part 1: ns_version, ns_last_error, ns_type_name,
 * ns_type_from_name, ns_unshare, ns_setns, ns_open_pid, ns_id,
 * ns_enter_pid, ns_run_in, ns_clone, ns_new.  The walker: check_bad.h. */
#include "check_bad.h"

#define UNSHARE_DOC (NS_ALL | CLONE_FILES | CLONE_FS | CLONE_SYSVSEM)

/* ---- the calls --------------------------------------------------------- */

static long long l_version(long long a)
{
    (void)a;
    const char *v = ns_version();
    return v && strcmp(v, LINUXNS_VERSION_STRING) == 0 ? 0 : -1;
}
static long long l_last_error(long long a) { (void)a; return ns_last_error() ? 0 : -1; }
static long long l_type_name(long long t) { return bad_ptr_ret(ns_type_name((int)t)); }
static long long l_type_from_name(long long i) { return ns_type_from_name(bad_name((int)i)); }
static long long l_type_from_str(long long s)
{
    return ns_type_from_name((const char *)(intptr_t)s);
}

static long long l_unshare(long long f) { return ns_unshare((int)f); }

static long long l_setns_fd(long long k) { return ns_setns(bad_fd((int)k), NS_NET); }
static long long l_setns_fd0(long long k) { return ns_setns(bad_fd((int)k), 0); }
static long long l_setns_net(long long t) { return ns_setns(B.h_net, (int)t); }
static long long l_setns_pidfd(long long t) { return ns_setns(B.h_pidfd, (int)t); }
static long long l_setns_dead(long long i) { return ns_setns(bad_dead_fd((int)i), NS_UTS); }
static long long l_setns_dead_all(long long i) { return ns_setns(bad_dead_fd((int)i), NS_ALL); }

static long long l_open_pid(long long t) { return bad_close_ret(ns_open_pid(B.h.pid, (int)t)); }
static long long l_open_pid_at(long long p) { return bad_close_ret(ns_open_pid((pid_t)p, NS_NET)); }
static long long l_open_pid_fc_at(long long p)
{
    return bad_close_ret(ns_open_pid((pid_t)p, NS_PID | NS_FOR_CHILDREN));
}

static long long l_id_fd(long long k)
{
    uint64_t id = 4242;
    long long r = ns_id(bad_fd((int)k), &id);
    bad_untouched(r >= 0 || id == 4242, "*id");
    return r;
}
static long long l_id_null(long long a) { (void)a; return ns_id(B.h_net, NULL); }

static long long l_enter_at(long long p) { return ns_enter_pid((pid_t)p, NS_UTS); }
static long long l_enter_at0(long long p) { return ns_enter_pid((pid_t)p, 0); }
static long long l_enter_types(long long t) { return ns_enter_pid(B.h.pid, (int)t); }

/* ns_run_in: fn must not run, *result must not be written. */
static volatile int ran;
static int run_fn(void *arg)
{
    (void)arg;
    ran++;
    return 7;
}
static long long run_in(int fd, int types, int (*fn)(void *))
{
    int result = -4242;
    ran = 0;
    long long r = ns_run_in(fd, types, fn, NULL, &result);
    int e = errno;
    CHECKF(r >= 0 || ran == 0, "fn ran %d time(s) in a failed ns_run_in", ran);
    bad_untouched(r >= 0 || result == -4242, "*result");
    errno = e;
    return r;
}
static long long l_run_in_fd(long long k) { return run_in(bad_fd((int)k), NS_NET, run_fn); }
static long long l_run_in_fd0(long long k) { return run_in(bad_fd((int)k), 0, run_fn); }
static long long l_run_in_net(long long t) { return run_in(B.h_net, (int)t, run_fn); }
static long long l_run_in_pidfd(long long t) { return run_in(B.h_pidfd, (int)t, run_fn); }
static long long l_run_in_user(long long t) { return run_in(B.h_user, (int)t, run_fn); }
static long long l_run_in_dead(long long i) { return run_in(bad_dead_fd((int)i), NS_UTS, run_fn); }
static long long l_run_in_nullfn(long long pidfd)
{
    return pidfd ? run_in(B.h_pidfd, NS_NET, NULL) : run_in(B.h_net, 0, NULL);
}

static int child_fn(void *arg) { (void)arg; return 0; }
static long long l_clone(long long t)
{
    int pidfd = -4242;
    long long r = ns_clone((int)t, child_fn, NULL, &pidfd);
    bad_untouched(r >= 0 || pidfd == -4242, "*pidfd");
    return bad_reap_ret(r, &pidfd);
}
static long long l_clone_nullfn(long long t)
{
    int pidfd = -4242;
    long long r = ns_clone((int)t, NULL, NULL, &pidfd);
    bad_untouched(r >= 0 || pidfd == -4242, "*pidfd");
    return bad_reap_ret(r, &pidfd);
}
static long long l_new(long long t) { return bad_close_ret(ns_new((int)t)); }

/* ---- the groups -------------------------------------------------------- */

static void group_basics(void)
{
    bad_begin(false);
    BAD(l_version, 0, SUCCEEDS, "ns_version()");
    BAD(l_last_error, 0, SUCCEEDS, "ns_last_error()");
    FOR_BITS_OUTSIDE(b, NS_ALL)
        BAD(l_type_name, BIT(b), ERRS(EINVAL), "ns_type_name(0x%x)", BIT(b));
    for (int b = 0; b < 32; b++)
        if (BIT(b) != NS_NET)
            BAD(l_type_name, NS_NET | BIT(b), ERRS(EINVAL),
                "ns_type_name(NS_NET | 0x%x)", BIT(b));
    BAD(l_type_name, -1, ERRS(EINVAL), "ns_type_name(-1)");
    BAD(l_type_name, NS_PID | NS_FOR_CHILDREN, ERRS(EINVAL),
        "ns_type_name(NS_PID | NS_FOR_CHILDREN)");
    for (int i = 0; i < BAD_NNAMES; i++)
        BAD(l_type_from_name, i, ERRS(EINVAL), "ns_type_from_name(%s)",
            bad_name_label(i));
    static const char *const other[] = {"NET", "Net", " net", "net ", "net\n",
                                        "ne", "nett", "net/", "mount", "pid_for_children",
                                        "time_for_children", "user\xff", "\xff"};
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++)
        BAD(l_type_from_str, (intptr_t)other[i], ERRS(EINVAL),
            "ns_type_from_name(\"%s\")", other[i]);
    bad_walk();
    bad_end();
}

static void group_unshare(void)
{
    bad_begin(false);
    FOR_BITS_OUTSIDE(b, UNSHARE_DOC) {
        BAD(l_unshare, BIT(b), ERRS(EINVAL), "ns_unshare(0x%x)", BIT(b));
        BAD(l_unshare, NS_UTS | BIT(b), ERRS(EINVAL), "ns_unshare(NS_UTS | 0x%x)",
            BIT(b));
    }
    BAD(l_unshare, -1, ERRS(EINVAL), "ns_unshare(-1)");
    BAD(l_unshare, NS_ALL | 0x100, ERRS(EINVAL), "ns_unshare(NS_ALL | CLONE_VM)");
    bad_walk();
    bad_end();
}

static void group_setns(void)
{
    bad_begin(true);
    for (int k = BFD_NEG1; k <= BFD_SOCK; k++) {
        BAD(l_setns_fd, k, BADF_OR_INVAL(k), "ns_setns(%s, NS_NET)", bad_fd_name[k]);
        BAD(l_setns_fd0, k, BADF_OR_INVAL(k), "ns_setns(%s, 0)", bad_fd_name[k]);
    }
    BAD(l_setns_pidfd, 0, ERRS(EINVAL), "ns_setns(pidfd, 0)");
    for (int b = 0; b < 32; b++)
        if (BIT(b) != NS_NET)
            BAD(l_setns_net, BIT(b), ERRS(EINVAL), "ns_setns(net fd, 0x%x)", BIT(b));
    FOR_BITS_OUTSIDE(b, NS_ALL) {
        BAD(l_setns_net, NS_NET | BIT(b), ERRS(EINVAL),
            "ns_setns(net fd, NS_NET | 0x%x)", BIT(b));
        BAD(l_setns_pidfd, BIT(b), ERRS(EINVAL), "ns_setns(pidfd, 0x%x)", BIT(b));
        BAD(l_setns_pidfd, NS_UTS | BIT(b), ERRS(EINVAL),
            "ns_setns(pidfd, NS_UTS | 0x%x)", BIT(b));
    }
    BAD(l_setns_net, -1, ERRS(EINVAL), "ns_setns(net fd, -1)");
    BAD(l_setns_net, NS_NET | NS_UTS, ERRS(EINVAL), "ns_setns(net fd, NS_NET | NS_UTS)");
    BAD(l_setns_net, NS_ALL, ERRS(EINVAL), "ns_setns(net fd, NS_ALL)");
    BAD(l_setns_pidfd, -1, ERRS(EINVAL), "ns_setns(pidfd, -1)");
    for (int i = 0; i < N_DEAD; i++) {
        BAD(l_setns_dead, i, ERRS(ESRCH), "ns_setns(%s, NS_UTS)", bad_dead_name[i]);
        BAD(l_setns_dead_all, i, ERRS(ESRCH), "ns_setns(%s, NS_ALL)", bad_dead_name[i]);
    }
    bad_walk();
    bad_end();
}

static void group_open_pid_id(void)
{
    bad_begin(true);
    const struct { pid_t pid; const char *name; int err; } pids[] = {
        {-1, "-1", EINVAL}, {INT_MIN, "INT_MIN", EINVAL}, {-B.h.pid, "-pid", EINVAL},
        {B.unused, "an unused pid", ESRCH}, {B.gone, "a reaped pid", ESRCH},
        {B.zombie, "a zombie's pid", ESRCH}};
    for (size_t i = 0; i < sizeof pids / sizeof pids[0]; i++) {
        BAD(l_open_pid_at, pids[i].pid, ERRS(pids[i].err), "ns_open_pid(%s, NS_NET)",
            pids[i].name);
        BAD(l_open_pid_fc_at, pids[i].pid, ERRS(pids[i].err),
            "ns_open_pid(%s, NS_PID | NS_FOR_CHILDREN)", pids[i].name);
    }
    FOR_BITS_OUTSIDE(b, NS_ALL) {
        BAD(l_open_pid, BIT(b), ERRS(EINVAL), "ns_open_pid(pid, 0x%x)", BIT(b));
        BAD(l_open_pid, NS_NET | BIT(b), ERRS(EINVAL), "ns_open_pid(pid, NS_NET | 0x%x)",
            BIT(b));
        if (BIT(b) != NS_FOR_CHILDREN)
            BAD(l_open_pid, NS_PID | NS_FOR_CHILDREN | BIT(b), ERRS(EINVAL),
                "ns_open_pid(pid, NS_PID | NS_FOR_CHILDREN | 0x%x)", BIT(b));
    }
    for (size_t i = 0; i < N_KINDS; i++)
        if (NS_KINDS[i].type != NS_PID && NS_KINDS[i].type != NS_TIME)
            BAD(l_open_pid, NS_KINDS[i].type | NS_FOR_CHILDREN, ERRS(EINVAL),
                "ns_open_pid(pid, %s | NS_FOR_CHILDREN)", bad_kind_macro(i));
    BAD(l_open_pid, 0, ERRS(EINVAL), "ns_open_pid(pid, 0)");
    BAD(l_open_pid, -1, ERRS(EINVAL), "ns_open_pid(pid, -1)");
    BAD(l_open_pid, NS_ALL, ERRS(EINVAL), "ns_open_pid(pid, NS_ALL)");
    BAD(l_open_pid, NS_NET | NS_UTS, ERRS(EINVAL), "ns_open_pid(pid, NS_NET | NS_UTS)");
    BAD(l_open_pid, NS_PID | NS_TIME | NS_FOR_CHILDREN, ERRS(EINVAL),
        "ns_open_pid(pid, NS_PID | NS_TIME | NS_FOR_CHILDREN)");
    for (int k = BFD_NEG1; k <= BFD_PIDFD; k++)
        BAD(l_id_fd, k, BADF_OR_INVAL(k), "ns_id(%s, &id)", bad_fd_name[k]);
    BAD(l_id_null, 0, ERRS(EINVAL), "ns_id(net fd, NULL)");
    bad_walk();
    bad_end();
}

static void group_enter_run_in(void)
{
    bad_begin(true);
    const struct { pid_t pid; const char *name; int err; } pids[] = {
        {0, "0", EINVAL}, {-1, "-1", EINVAL}, {INT_MIN, "INT_MIN", EINVAL},
        {-B.h.pid, "-pid", EINVAL}, {B.unused, "an unused pid", ESRCH},
        {B.gone, "a reaped pid", ESRCH}, {B.zombie, "a zombie's pid", ESRCH}};
    for (size_t i = 0; i < sizeof pids / sizeof pids[0]; i++) {
        BAD(l_enter_at, pids[i].pid, ERRS(pids[i].err), "ns_enter_pid(%s, NS_UTS)",
            pids[i].name);
        BAD(l_enter_at0, pids[i].pid, ERRS(pids[i].err), "ns_enter_pid(%s, 0)",
            pids[i].name);
    }
    FOR_BITS_OUTSIDE(b, NS_ALL) {
        BAD(l_enter_types, BIT(b), ERRS(EINVAL), "ns_enter_pid(pid, 0x%x)", BIT(b));
        BAD(l_enter_types, NS_UTS | BIT(b), ERRS(EINVAL),
            "ns_enter_pid(pid, NS_UTS | 0x%x)", BIT(b));
    }
    BAD(l_enter_types, -1, ERRS(EINVAL), "ns_enter_pid(pid, -1)");

    for (int k = BFD_NEG1; k <= BFD_SOCK; k++) {
        BAD(l_run_in_fd, k, BADF_OR_INVAL(k), "ns_run_in(%s, NS_NET, fn)", bad_fd_name[k]);
        BAD(l_run_in_fd0, k, BADF_OR_INVAL(k), "ns_run_in(%s, 0, fn)", bad_fd_name[k]);
    }
    BAD(l_run_in_nullfn, 0, ERRS(EINVAL), "ns_run_in(net fd, 0, NULL)");
    BAD(l_run_in_nullfn, 1, ERRS(EINVAL), "ns_run_in(pidfd, NS_NET, NULL)");
    BAD(l_run_in_user, 0, ERRS(EINVAL), "ns_run_in(user ns fd, 0, fn)");
    BAD(l_run_in_user, NS_USER, ERRS(EINVAL), "ns_run_in(user ns fd, NS_USER, fn)");
    BAD(l_run_in_pidfd, NS_USER, ERRS(EINVAL), "ns_run_in(pidfd, NS_USER, fn)");
    BAD(l_run_in_pidfd, NS_USER | NS_UTS, ERRS(EINVAL),
        "ns_run_in(pidfd, NS_USER | NS_UTS, fn)");
    BAD(l_run_in_pidfd, 0, ERRS(EINVAL), "ns_run_in(pidfd, 0, fn)");
    BAD(l_run_in_pidfd, -1, ERRS(EINVAL), "ns_run_in(pidfd, -1, fn)");
    for (int i = 0; i < N_DEAD; i++)
        BAD(l_run_in_dead, i, ERRS(ESRCH), "ns_run_in(%s, NS_UTS, fn)", bad_dead_name[i]);
    for (int b = 0; b < 32; b++)
        if (BIT(b) != NS_NET)
            BAD(l_run_in_net, BIT(b), ERRS(EINVAL), "ns_run_in(net fd, 0x%x, fn)", BIT(b));
    FOR_BITS_OUTSIDE(b, NS_ALL) {
        BAD(l_run_in_net, NS_NET | BIT(b), ERRS(EINVAL),
            "ns_run_in(net fd, NS_NET | 0x%x, fn)", BIT(b));
        BAD(l_run_in_pidfd, BIT(b), ERRS(EINVAL), "ns_run_in(pidfd, 0x%x, fn)", BIT(b));
        BAD(l_run_in_pidfd, NS_UTS | BIT(b), ERRS(EINVAL),
            "ns_run_in(pidfd, NS_UTS | 0x%x, fn)", BIT(b));
    }
    bad_walk();
    bad_end();
}

static void group_clone_new(void)
{
    bad_begin(false);
    BAD(l_clone_nullfn, NS_UTS, ERRS(EINVAL), "ns_clone(NS_UTS, NULL, NULL, &pidfd)");
    BAD(l_clone_nullfn, 0, ERRS(EINVAL), "ns_clone(0, NULL, NULL, &pidfd)");
    FOR_BITS_OUTSIDE(b, NS_ALL) {
        BAD(l_clone, BIT(b), ERRS(EINVAL), "ns_clone(0x%x, fn)", BIT(b));
        BAD(l_clone, NS_UTS | BIT(b), ERRS(EINVAL), "ns_clone(NS_UTS | 0x%x, fn)", BIT(b));
        BAD(l_new, BIT(b), ERRS(EINVAL), "ns_new(0x%x)", BIT(b));
    }
    BAD(l_clone, -1, ERRS(EINVAL), "ns_clone(-1, fn)");
    for (int b = 0; b < 32; b++)
        if (BIT(b) != NS_NET)
            BAD(l_new, NS_NET | BIT(b), ERRS(EINVAL), "ns_new(NS_NET | 0x%x)", BIT(b));
    BAD(l_new, 0, ERRS(EINVAL), "ns_new(0)");
    BAD(l_new, -1, ERRS(EINVAL), "ns_new(-1)");
    BAD(l_new, NS_ALL, ERRS(EINVAL), "ns_new(NS_ALL)");
    bad_walk();
    bad_end();
}

int main(void)
{
    BAD_RUN(group_basics);
    BAD_RUN(group_unshare);
    BAD_RUN(group_setns);
    BAD_RUN(group_open_pid_id);
    BAD_RUN(group_enter_run_in);
    BAD_RUN(group_clone_new);
    return bad_summary();
}
