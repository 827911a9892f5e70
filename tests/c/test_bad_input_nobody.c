/* Bad input, part 6: pid 1 and privileged calls as uid 65534.  The group
 * child sets up as root (private mount namespace, temp dir given to 65534),
 * then drops to 65534 with setgroups, setresgid and setresuid and walks
 * every call that takes a pid or pidfd with pid 1, and the calls that need
 * privilege.  The walker: check_bad.h. */
#include "check_bad.h"

static int pid1fd, my_net;
static ns_spawn_attr *join1, *newnet;
static char target[192], ns1_path[N_KINDS][64];
static int64_t limit_value;
static const struct ns_idmap root_map = {0, 0, 1};
static char *const TRUE_ARGV[] = {"true", NULL};
#define S(s) ((const char *)(intptr_t)(s))

/* ---- the calls --------------------------------------------------------- */

static long long l_open_pid(long long t) { return bad_close_ret(ns_open_pid(1, (int)t)); }
static long long l_open_pidfd(long long t) { return bad_close_ret(ns_open_pidfd(pid1fd, (int)t)); }
static long long l_open_path(long long i) { return bad_close_ret(ns_open_path(ns1_path[i], 0)); }
static long long l_enter(long long t) { return ns_enter_pid(1, (int)t); }
static long long l_setns(long long t) { return ns_setns(pid1fd, (int)t); }
static int run_fn(void *arg) { (void)arg; return 0; }
static long long l_run_in(long long t) { return ns_run_in(pid1fd, (int)t, run_fn, NULL, NULL); }
static long long l_uid_map(long long a) { (void)a; return ns_write_uid_map(1, &root_map, 1, 0); }
static long long l_gid_map(long long a)
{
    (void)a;
    return ns_write_gid_map(1, &root_map, 1, NS_MAP_DENY_SETGROUPS);
}
static long long l_time(long long p) { return ns_set_time_offset((pid_t)p, CLOCK_MONOTONIC, 1, 0); }
static long long l_kcmp(long long i)
{
    pid_t me = getpid();
    return i == 0 ? ns_kcmp(1, me, NS_KCMP_VM, 0, 0)
         : i == 1 ? ns_kcmp(me, 1, NS_KCMP_VM, 0, 0)
                  : ns_kcmp(1, 1, NS_KCMP_FILE, 0, 0);
}
static long long l_join(long long a) { (void)a; return ns_spawn_attr_join(join1, pid1fd, NS_NET); }
static int child_fn(void *arg) { (void)arg; return 0; }
static long long l_spawn(long long which)
{
    int pidfd = -4242;
    const ns_spawn_attr *a = which & 1 ? newnet : join1;
    long long r = which & 2 ? ns_spawn_fn(a, child_fn, NULL, &pidfd)
                            : ns_spawn("/bin/true", TRUE_ARGV, NULL, a, &pidfd);
    bad_untouched(r >= 0 || pidfd == -4242, "*pidfd");
    return bad_reap_ret(r, &pidfd);
}
static long long l_clone(long long t)
{
    int pidfd = -4242;
    long long r = ns_clone((int)t, child_fn, NULL, &pidfd);
    bad_untouched(r >= 0 || pidfd == -4242, "*pidfd");
    return bad_reap_ret(r, &pidfd);
}
static long long l_unshare(long long t) { return ns_unshare((int)t); }
static long long l_new(long long t) { return bad_close_ret(ns_new((int)t)); }
static long long l_new_userns(long long a)
{
    (void)a;
    return bad_close_ret(ns_new_userns(&root_map, 1, &root_map, 1, NS_MAP_DENY_SETGROUPS));
}
static long long l_netns_add(long long a)
{
    (void)a;
    return bad_close_ret(ns_netns_add("linuxns-bad"));
}
static long long l_netns_del(long long a) { (void)a; return ns_netns_del("linuxns-bad"); }
static long long l_bind(long long a) { (void)a; return ns_bind(my_net, target); }
static long long l_unbind(long long a) { (void)a; return ns_unbind(B.file); }
static long long l_set_limit(long long t) { return ns_set_limit((int)t, limit_value); }
static long long l_pivot(long long a) { (void)a; return ns_pivot_root(B.tmp, B.tmp); }

static long long l_add_s(long long s) { return bad_close_ret(ns_netns_add(S(s))); }
static long long l_del_s(long long s) { return ns_netns_del(S(s)); }

/* ---- the groups -------------------------------------------------------- */

static void drop_to_65534(void)
{
    SYS_OK(setgroups(0, NULL));
    SYS_OK(setresgid(65534, 65534, 65534));
    SYS_OK(setresuid(65534, 65534, 65534));
    SYS_OK(prctl(PR_SET_DUMPABLE, 1));
}

static void group_pid1_as_nobody(void)
{
    bad_begin(false);
    pid1fd = SYS_OK(pidfd_open_(1));
    my_net = SYS_OK(open_ns_file(0, "net"));
    REQUIRE((join1 = ns_spawn_attr_new()) != NULL);
    REQUIRE((newnet = ns_spawn_attr_new()) != NULL);
    REQUIRE_OK(ns_spawn_attr_set_namespaces(newnet, NS_NET));
    snprintf(target, sizeof target, "%s/bind-target", B.tmp);
    SYS_OK(chown(B.tmp, 65534, 65534));
    SYS_OK(chown(B.sub, 65534, 65534));
    SYS_OK(chown(B.file, 65534, 65534));
    char text[64];
    REQUIRE(read_file("/proc/sys/user/max_net_namespaces", text, sizeof text) > 0);
    limit_value = strtoll(text, NULL, 10);
    drop_to_65534();

    for (size_t i = 0; i < N_KINDS; i++) {
        const char *n = NS_KINDS[i].name, *m = bad_kind_macro(i);
        int t = NS_KINDS[i].type;
        snprintf(ns1_path[i], sizeof ns1_path[i], "/proc/1/ns/%s", n);
        BAD(l_open_pid, t, ERRS(EACCES, EPERM), "as 65534: ns_open_pid(1, %s)", m);
        BAD(l_open_pidfd, t, ERRS(EACCES, EPERM), "as 65534: ns_open_pidfd(pidfd of 1, %s)", m);
        BAD(l_open_path, i, ERRS(EACCES), "as 65534: ns_open_path(\"/proc/1/ns/%s\", 0)", n);
        BAD(l_enter, t, ERRS(EPERM), "as 65534: ns_enter_pid(1, %s)", m);
        BAD(l_setns, t, ERRS(EPERM), "as 65534: ns_setns(pidfd of 1, %s)", m);
        if (t != NS_USER)
            BAD(l_run_in, t, ERRS(EPERM), "as 65534: ns_run_in(pidfd of 1, %s, fn)", m);
    }
    BAD(l_open_pid, NS_PID | NS_FOR_CHILDREN, ERRS(EACCES, EPERM),
        "as 65534: ns_open_pid(1, NS_PID | NS_FOR_CHILDREN)");
    BAD(l_open_pidfd, NS_TIME | NS_FOR_CHILDREN, ERRS(EACCES, EPERM),
        "as 65534: ns_open_pidfd(pidfd of 1, NS_TIME | NS_FOR_CHILDREN)");
    BAD(l_enter, 0, ERRS(EPERM), "as 65534: ns_enter_pid(1, 0)");
    BAD(l_enter, NS_ALL, ERRS(EPERM), "as 65534: ns_enter_pid(1, NS_ALL)");
    BAD(l_setns, NS_ALL, ERRS(EPERM), "as 65534: ns_setns(pidfd of 1, NS_ALL)");
    BAD(l_setns, NS_NET | NS_UTS, ERRS(EPERM), "as 65534: ns_setns(pidfd of 1, NS_NET | NS_UTS)");
    BAD(l_uid_map, 0, ERRS(EPERM), "as 65534: ns_write_uid_map(1, 0 0 1, 1, 0)");
    BAD(l_gid_map, 0, ERRS(EPERM), "as 65534: ns_write_gid_map(1, 0 0 1, 1, DENY_SETGROUPS)");
    BAD(l_time, 1, ERRS(EPERM, EACCES), "as 65534: ns_set_time_offset(1, CLOCK_MONOTONIC, 1, 0)");
    BAD(l_time, 0, ERRS(EPERM, EACCES), "as 65534: ns_set_time_offset(0, CLOCK_MONOTONIC, 1, 0)");
    BAD(l_kcmp, 0, ERRS(EPERM), "as 65534: ns_kcmp(1, self, NS_KCMP_VM, 0, 0)");
    BAD(l_kcmp, 1, ERRS(EPERM), "as 65534: ns_kcmp(self, 1, NS_KCMP_VM, 0, 0)");
    BAD(l_kcmp, 2, ERRS(EPERM), "as 65534: ns_kcmp(1, 1, NS_KCMP_FILE, 0, 0)");
    /* join takes the pidfd (no check of privilege documented); the spawn fails. */
    BAD_KEEP(l_join, 0, SUCCEEDS, "as 65534: ns_spawn_attr_join(attr, pidfd of 1, NS_NET)");
    BAD(l_spawn, 0, ERRS(EPERM), "as 65534: ns_spawn(/bin/true, attr joining pid 1's net)");
    BAD(l_spawn, 2, ERRS(EPERM), "as 65534: ns_spawn_fn(attr joining pid 1's net, fn)");
    BAD(l_spawn, 1, ERRS(EPERM), "as 65534: ns_spawn(/bin/true, attr with NS_NET)");
    BAD(l_spawn, 3, ERRS(EPERM), "as 65534: ns_spawn_fn(attr with NS_NET, fn)");
    const int priv[] = {NS_NET, NS_MNT, NS_UTS, NS_IPC, NS_CGROUP};
    const char *const priv_name[] = {"NET", "MNT", "UTS", "IPC", "CGROUP"};
    for (int i = 0; i < 5; i++) {
        BAD(l_unshare, priv[i], ERRS(EPERM), "as 65534: ns_unshare(NS_%s)", priv_name[i]);
        BAD(l_new, priv[i], ERRS(EPERM), "as 65534: ns_new(NS_%s)", priv_name[i]);
        BAD(l_clone, priv[i], ERRS(EPERM), "as 65534: ns_clone(NS_%s, fn)", priv_name[i]);
    }
    BAD(l_new_userns, 0, ERRS(EPERM), "as 65534: ns_new_userns(0 0 1, 0 0 1, DENY_SETGROUPS)");
    BAD(l_netns_add, 0, ERRS(EPERM), "as 65534: ns_netns_add(\"linuxns-bad\")");
    BAD(l_netns_del, 0, ERRS(ENOENT, EPERM), "as 65534: ns_netns_del(\"linuxns-bad\") (absent)");
    BAD(l_bind, 0, ERRS(EPERM), "as 65534: ns_bind(our net ns, a new file in a dir of ours)");
    BAD(l_unbind, 0, ERRS(EINVAL), "as 65534: ns_unbind(a regular file of ours)");
    BAD(l_set_limit, NS_NET, ERRS(EPERM, EACCES), "as 65534: ns_set_limit(NS_NET, current)");
    BAD(l_set_limit, NS_USER, ERRS(EPERM, EACCES), "as 65534: ns_set_limit(NS_USER, current)");
    BAD(l_pivot, 0, ERRS(EPERM), "as 65534: ns_pivot_root(dir, dir)");
    bad_walk();
    ns_spawn_attr_free(join1);
    ns_spawn_attr_free(newnet);
    close(pid1fd);
    close(my_net);
    bad_end();
}

/* The other state of /run/netns: present, with a name taken (made as root
 * by ns_netns_add itself, in the group's private mount namespace). */
static void group_netns_as_nobody(void)
{
    bad_begin(false);
    close((int)REQUIRE_OK(ns_netns_add("linuxns-bad-taken")));
    SYS_OK(chown(B.tmp, 65534, 65534));
    SYS_OK(chown(B.sub, 65534, 65534));
    drop_to_65534();
    BAD(l_add_s, (intptr_t)"linuxns-bad", ERRS(EPERM),
        "as 65534, /run/netns present: ns_netns_add(\"linuxns-bad\")");
    BAD(l_add_s, (intptr_t)"linuxns-bad-taken", ERRS(EEXIST, EPERM),
        "as 65534, /run/netns present: ns_netns_add(a taken name)");
    BAD(l_del_s, (intptr_t)"linuxns-bad-taken", ERRS(EPERM),
        "as 65534, /run/netns present: ns_netns_del(a taken name)");
    BAD(l_del_s, (intptr_t)"linuxns-bad", ERRS(ENOENT, EPERM),
        "as 65534, /run/netns present: ns_netns_del(\"linuxns-bad\") (absent)");
    bad_walk();
    bad_end();
}

int main(void)
{
    BAD_RUN(group_pid1_as_nobody);
    BAD_RUN(group_netns_as_nobody);
    return bad_summary();
}
