/* Bad input, part 2: the handles and introspection, ns_open_pidfd,
 * ns_open_path, ns_open_name, ns_type, ns_get_userns, ns_get_parent,
 * ns_owner_uid, ns_same, ns_unique_id.  The walker: check_bad.h. */
#include "check_bad.h"

static int my_user, my_pid; /* the initial user and pid namespaces */
static char h_net_path[64];

/* ---- the calls --------------------------------------------------------- */

static long long l_type(long long k) { return ns_type(bad_fd((int)k)); }
static long long l_userns(long long k) { return bad_close_ret(ns_get_userns(bad_fd((int)k))); }
static long long l_parent(long long k) { return bad_close_ret(ns_get_parent(bad_fd((int)k))); }
static long long l_owner(long long k)
{
    uid_t uid = 4242;
    long long r = ns_owner_uid(bad_fd((int)k), &uid);
    bad_untouched(r >= 0 || uid == 4242, "*uid");
    return r;
}
static long long l_unique(long long k)
{
    uint64_t id = 4242;
    long long r = ns_unique_id(bad_fd((int)k), &id);
    bad_untouched(r >= 0 || id == 4242, "*id");
    return r;
}
static long long l_same_a(long long k) { return ns_same(bad_fd((int)k), B.h_net); }
static long long l_same_b(long long k) { return ns_same(B.h_net, bad_fd((int)k)); }
static long long l_parent_of(long long fd) { return bad_close_ret(ns_get_parent((int)fd)); }
static long long l_userns_of(long long fd) { return bad_close_ret(ns_get_userns((int)fd)); }
static long long l_owner_of(long long fd)
{
    uid_t uid = 4242;
    long long r = ns_owner_uid((int)fd, &uid);
    bad_untouched(r >= 0 || uid == 4242, "*uid");
    return r;
}
static long long l_owner_null(long long a) { (void)a; return ns_owner_uid(B.h_user, NULL); }
static long long l_unique_null(long long a) { (void)a; return ns_unique_id(B.h_net, NULL); }

static long long l_open_pidfd_fd(long long k)
{
    return bad_close_ret(ns_open_pidfd(bad_fd((int)k), NS_NET));
}
static long long l_open_pidfd(long long t)
{
    return bad_close_ret(ns_open_pidfd(B.h_pidfd, (int)t));
}
static long long l_open_pidfd_dead(long long i)
{
    return bad_close_ret(ns_open_pidfd(bad_dead_fd((int)i), NS_NET));
}
static long long l_open_pidfd_dead_fc(long long i)
{
    return bad_close_ret(ns_open_pidfd(bad_dead_fd((int)i), NS_PID | NS_FOR_CHILDREN));
}

static long long l_open_path(long long t)
{
    return bad_close_ret(ns_open_path(h_net_path, (int)t));
}
static long long l_open_path_s(long long s)
{
    return bad_close_ret(ns_open_path((const char *)(intptr_t)s, 0));
}
static long long l_open_path_s2(long long s)
{
    return bad_close_ret(ns_open_path((const char *)(intptr_t)s, NS_NET));
}
static long long l_open_name(long long i) { return bad_close_ret(ns_open_name(bad_name((int)i))); }
static long long l_open_name_s(long long s)
{
    return bad_close_ret(ns_open_name((const char *)(intptr_t)s));
}

/* ns_unique_id says -EOPNOTSUPP on kernels without NS_GET_ID, which the
 * forced fallback stands for: there both documented answers hold. */
static const int *unique_errs(const int *errs)
{
    static int buf[16][3];
    static int n;
    if (!fallback_mode())
        return errs;
    int *b = buf[n++ % 16];
    b[0] = errs[0];
    b[1] = EOPNOTSUPP;
    b[2] = 0;
    return b;
}

/* ---- the groups -------------------------------------------------------- */

static void group_handle_fds(void)
{
    bad_begin(true);
    my_user = SYS_OK(open_ns_file(0, "user"));
    my_pid = SYS_OK(open_ns_file(0, "pid"));
    for (int k = BFD_NEG1; k <= BFD_PIDFD; k++) {
        const char *n = bad_fd_name[k];
        BAD(l_type, k, BADF_OR_INVAL(k), "ns_type(%s)", n);
        BAD(l_userns, k, BADF_OR_INVAL(k), "ns_get_userns(%s)", n);
        BAD(l_parent, k, BADF_OR_INVAL(k), "ns_get_parent(%s)", n);
        BAD(l_owner, k, BADF_OR_INVAL(k), "ns_owner_uid(%s, &uid)", n);
        BAD(l_unique, k, unique_errs(BADF_OR_INVAL(k)), "ns_unique_id(%s, &id)", n);
        BAD(l_same_a, k, BADF_OR_INVAL(k), "ns_same(%s, net fd)", n);
        BAD(l_same_b, k, BADF_OR_INVAL(k), "ns_same(net fd, %s)", n);
    }
    for (int k = BFD_NEG1; k < BFD_N; k++)
        if (k != BFD_PIDFD)
            BAD(l_open_pidfd_fd, k, ERRS(EBADF), "ns_open_pidfd(%s, NS_NET)",
                bad_fd_name[k]);
    BAD(l_parent_of, B.h_net, ERRS(EINVAL), "ns_get_parent(net fd)");
    BAD(l_parent_of, B.h_uts, ERRS(EINVAL), "ns_get_parent(uts fd)");
    BAD(l_owner_of, B.h_net, ERRS(EINVAL), "ns_owner_uid(net fd, &uid)");
    BAD(l_owner_of, B.h_uts, ERRS(EINVAL), "ns_owner_uid(uts fd, &uid)");
    BAD(l_owner_null, 0, ERRS(EINVAL), "ns_owner_uid(user ns fd, NULL)");
    BAD(l_unique_null, 0, unique_errs(ERRS(EINVAL)), "ns_unique_id(net fd, NULL)");
    BAD(l_userns_of, my_user, ERRS(EPERM), "ns_get_userns(the initial user ns)");
    BAD(l_parent_of, my_user, ERRS(EPERM), "ns_get_parent(the initial user ns)");
    BAD(l_parent_of, my_pid, ERRS(EPERM), "ns_get_parent(the initial pid ns)");
    bad_walk();
    close(my_user);
    close(my_pid);
    bad_end();
}

static void group_open_pidfd_types(void)
{
    bad_begin(true);
    FOR_BITS_OUTSIDE(b, NS_ALL) {
        BAD(l_open_pidfd, BIT(b), ERRS(EINVAL), "ns_open_pidfd(pidfd, 0x%x)", BIT(b));
        BAD(l_open_pidfd, NS_NET | BIT(b), ERRS(EINVAL),
            "ns_open_pidfd(pidfd, NS_NET | 0x%x)", BIT(b));
        if (BIT(b) != NS_FOR_CHILDREN)
            BAD(l_open_pidfd, NS_PID | NS_FOR_CHILDREN | BIT(b), ERRS(EINVAL),
                "ns_open_pidfd(pidfd, NS_PID | NS_FOR_CHILDREN | 0x%x)", BIT(b));
    }
    for (size_t i = 0; i < N_KINDS; i++)
        if (NS_KINDS[i].type != NS_PID && NS_KINDS[i].type != NS_TIME)
            BAD(l_open_pidfd, NS_KINDS[i].type | NS_FOR_CHILDREN, ERRS(EINVAL),
                "ns_open_pidfd(pidfd, %s | NS_FOR_CHILDREN)", bad_kind_macro(i));
    BAD(l_open_pidfd, 0, ERRS(EINVAL), "ns_open_pidfd(pidfd, 0)");
    BAD(l_open_pidfd, -1, ERRS(EINVAL), "ns_open_pidfd(pidfd, -1)");
    BAD(l_open_pidfd, NS_ALL, ERRS(EINVAL), "ns_open_pidfd(pidfd, NS_ALL)");
    BAD(l_open_pidfd, NS_NET | NS_UTS, ERRS(EINVAL), "ns_open_pidfd(pidfd, NS_NET | NS_UTS)");
    for (int i = 0; i < N_DEAD; i++) {
        BAD(l_open_pidfd_dead, i, ERRS(ESRCH), "ns_open_pidfd(%s, NS_NET)", bad_dead_name[i]);
        BAD(l_open_pidfd_dead_fc, i, ERRS(ESRCH), "ns_open_pidfd(%s, NS_PID | NS_FOR_CHILDREN)",
            bad_dead_name[i]);
    }
    bad_walk();
    bad_end();
}

static void group_open_path_name(void)
{
    static char name255[256];
    bad_begin(true);
    snprintf(h_net_path, sizeof h_net_path, "/proc/%d/ns/net", (int)B.h.pid);
    bad_netns_fixture();
    for (int b = 0; b < 32; b++)
        if (BIT(b) != NS_NET)
            BAD(l_open_path, BIT(b), ERRS(EINVAL), "ns_open_path(net ns path, 0x%x)", BIT(b));
    FOR_BITS_OUTSIDE(b, NS_ALL)
        BAD(l_open_path, NS_NET | BIT(b), ERRS(EINVAL),
            "ns_open_path(net ns path, NS_NET | 0x%x)", BIT(b));
    BAD(l_open_path, -1, ERRS(EINVAL), "ns_open_path(net ns path, -1)");
    BAD(l_open_path, NS_ALL, ERRS(EINVAL), "ns_open_path(net ns path, NS_ALL)");
    const struct { const char *path, *label; int err; } paths[] = {
        {NULL, "NULL", EINVAL},
        {"", "\"\"", ENOENT},
        {"/nonexistent/linuxns-bad", "a missing path", ENOENT},
        {B.missing, "a path under a missing dir", ENOENT},
        {B.file, "a regular file", EINVAL},
        {B.tmp, "a directory", EINVAL},
        {"/proc/self/ns", "/proc/self/ns", EINVAL},
        {"/dev/null", "/dev/null", EINVAL},
        {B.longcomp, "a path with a 300-byte component", ENAMETOOLONG},
    };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        BAD(l_open_path_s, (intptr_t)paths[i].path, ERRS(paths[i].err),
            "ns_open_path(%s, 0)", paths[i].label);
    for (int i = 0; i < BAD_NNAMES; i++)
        BAD(l_open_name, i, ERRS(EINVAL), "ns_open_name(%s)", bad_name_label(i));
    memset(name255, 'n', 255);
    BAD(l_open_name_s, (intptr_t)name255, ERRS(ENOENT), "ns_open_name(<255 bytes, absent>)");
    BAD(l_open_name_s, (intptr_t)"linuxns-bad-absent", ERRS(ENOENT),
        "ns_open_name(\"linuxns-bad-absent\")");
    const struct { const char *name, *label; int err; } kept[] = {
        {"plainfile", "a regular file", EINVAL}, {"dir", "a directory", EINVAL},
        {"utsns", "a bound uts ns", EINVAL}, {"link", "a symlink to a net ns", ELOOP}};
    for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++)
        BAD(l_open_name_s, (intptr_t)kept[i].name, ERRS(kept[i].err),
            "ns_open_name(\"%s\": %s)", kept[i].name, kept[i].label);
    BAD(l_open_path_s2, (intptr_t)"/run/netns/utsns", ERRS(EINVAL),
        "ns_open_path(a bound uts ns, NS_NET)");
    bad_walk();
    bad_end();
}

int main(void)
{
    BAD_RUN(group_handle_fds);
    BAD_RUN(group_open_pidfd_types);
    BAD_RUN(group_open_path_name);
    return bad_summary();
}
