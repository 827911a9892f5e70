/* The unprivileged path: become root of a user namespace with the map
 * writers, then use namespaces inside it.  Runs as root too: the case first
 * drops to nobody (65534). */
#include "check.h"

/* If root, become nobody; either way return the unprivileged euid/egid. */
static void drop_privileges(uid_t *uid, gid_t *gid)
{
    if (geteuid() == 0) {
        SYS_OK(setgroups(0, NULL));
        SYS_OK(setresgid(65534, 65534, 65534));
        SYS_OK(setresuid(65534, 65534, 65534));
        /* A uid change made us non-dumpable: /proc/self/{uid,gid}_map would
         * be root's, and not writable by us. */
        SYS_OK(prctl(PR_SET_DUMPABLE, 1));
    }
    *uid = geteuid();
    *gid = getegid();
}

static void become_root_in_userns(uid_t uid, gid_t gid)
{
    REQUIRE(REQUIRE_OK(ns_unshare(NS_USER)) == 0);
    const struct ns_idmap gmap = {0, gid, 1}, umap = {0, uid, 1};
    REQUIRE(REQUIRE_OK(ns_write_gid_map(0, &gmap, 1, NS_MAP_DENY_SETGROUPS)) == 0);
    REQUIRE(REQUIRE_OK(ns_write_uid_map(0, &umap, 1, 0)) == 0);
}

static void test_root_in_user_namespace(void)
{
    uid_t uid;
    gid_t gid;
    drop_privileges(&uid, &gid);
    uint64_t before = ns_id_of(0, "user");
    become_root_in_userns(uid, gid);
    CHECK(ns_id_of(0, "user") != before);
    CHECK(getuid() == 0 && geteuid() == 0);
    CHECK(getgid() == 0 && getegid() == 0);

    const struct ns_idmap umap = {0, uid, 1}, gmap = {0, gid, 1};
    CHECK(idmap_equals(getpid(), "uid_map", &umap, 1));
    CHECK(idmap_equals(getpid(), "gid_map", &gmap, 1));
    char text[128];
    REQUIRE(read_file("/proc/self/uid_map", text, sizeof text) > 0);
    unsigned a = 1, b = 0, c = 0;
    CHECKF(sscanf(text, "%u %u %u", &a, &b, &c) == 3 && a == 0 && b == uid && c == 1,
           "/proc/self/uid_map: %s", text);
    char sg[32];
    setgroups_of(getpid(), sg, sizeof sg);
    CHECK_STREQ(sg, "deny");
}

static void test_gid_map_needs_deny_setgroups(void)
{
    uid_t uid;
    gid_t gid;
    drop_privileges(&uid, &gid);
    REQUIRE(REQUIRE_OK(ns_unshare(NS_USER)) == 0);
    const struct ns_idmap gmap = {0, gid, 1};
    CHECK_ERR(ns_write_gid_map(0, &gmap, 1, 0), EPERM);
    const char *e = ns_last_error();
    CHECKF(strstr(e, "setgroups") != NULL, "ns_last_error does not mention "
           "setgroups: \"%s\"", e);
    CHECK(idmap_empty(getpid(), "gid_map"));
    /* With the flag it then works. */
    CHECK(CHECK_OK(ns_write_gid_map(0, &gmap, 1, NS_MAP_DENY_SETGROUPS)) == 0);
    CHECK(idmap_equals(getpid(), "gid_map", &gmap, 1));
}

static void test_foreign_uid_refused(void)
{
    uid_t uid;
    gid_t gid;
    drop_privileges(&uid, &gid);
    REQUIRE(REQUIRE_OK(ns_unshare(NS_USER)) == 0);
    /* Two ids, or an id that is not ours: only privilege may map those. */
    const struct ns_idmap two = {0, uid, 2}, other = {0, uid + 1, 1};
    CHECK_ERR(ns_write_uid_map(0, &two, 1, 0), EPERM);
    CHECK_ERR(ns_write_uid_map(0, &other, 1, 0), EPERM);
    CHECK(idmap_empty(getpid(), "uid_map"));
}

static void test_uts_and_net_inside(void)
{
    uid_t uid;
    gid_t gid;
    drop_privileges(&uid, &gid);
    /* Not without a user namespace ... */
    CHECK_ERR(ns_unshare(NS_UTS | NS_NET), EPERM);
    /* ... but as root of our own. */
    become_root_in_userns(uid, gid);
    uint64_t uts = ns_id_of(0, "uts"), net = ns_id_of(0, "net");
    CHECK(CHECK_OK(ns_unshare(NS_UTS | NS_NET)) == 0);
    CHECK(ns_id_of(0, "uts") != uts);
    CHECK(ns_id_of(0, "net") != net);
    const char *name = "linuxns-unpriv";
    CHECK(sethostname(name, strlen(name)) == 0);
    char now[256];
    hostname_now(now, sizeof now);
    CHECK_STREQ(now, name);
}

static void test_user_and_uts_in_one_call(void)
{
    uid_t uid;
    gid_t gid;
    drop_privileges(&uid, &gid);
    uint64_t user = ns_id_of(0, "user"), uts = ns_id_of(0, "uts");
    /* The kernel creates the user namespace first. */
    CHECK(CHECK_OK(ns_unshare(NS_USER | NS_UTS)) == 0);
    CHECK(ns_id_of(0, "user") != user);
    CHECK(ns_id_of(0, "uts") != uts);
}

static void test_join_child_user_and_uts(void)
{
    uid_t uid;
    gid_t gid;
    drop_privileges(&uid, &gid);
    /* Unprivileged, the UTS namespace can only be joined from inside its
     * user namespace: the user namespace must be entered first. */
    struct holder h;
    holder_start(&h, CLONE_NEWUSER | CLONE_NEWUTS, "linuxns-unpriv-join",
                 HOLDER_KEEP_UID);
    int pidfd = SYS_OK(pidfd_open_(h.pid));
    CHECK(CHECK_OK(ns_setns(pidfd, NS_USER | NS_UTS)) == 0);
    CHECK_EQ_U64(ns_id_of(0, "user"), ns_id_of(h.pid, "user"));
    char now[256];
    hostname_now(now, sizeof now);
    CHECK_STREQ(now, "linuxns-unpriv-join");
    close(pidfd);
    holder_stop(&h);
}

struct clone_report {
    pid_t pid;
    uid_t uid;
};

static int clone_child(void *arg)
{
    int fd = *(int *)arg;
    struct clone_report r = {getpid(), getuid()};
    return write(fd, &r, sizeof r) == (ssize_t)sizeof r ? 0 : 1;
}

static void test_clone_unprivileged(void)
{
    uid_t uid;
    gid_t gid;
    drop_privileges(&uid, &gid);
    int p[2];
    SYS_OK(pipe2(p, O_CLOEXEC));
    pid_t pid = REQUIRE_OK(ns_clone(NS_USER | NS_PID | NS_UTS | NS_NET, clone_child,
                                    &p[1], NULL));
    close(p[1]);
    struct clone_report r = {0, 0};
    CHECK(read(p[0], &r, sizeof r) == (ssize_t)sizeof r);
    close(p[0]);
    int st;
    CHECK(wait_child(pid, &st) == pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECK(r.pid == 1);
    char buf[32];
    REQUIRE(read_file("/proc/sys/kernel/overflowuid", buf, sizeof buf) > 0);
    CHECK(r.uid == (uid_t)strtoul(buf, NULL, 10)); /* unmapped */
}

int main(void)
{
    RUN(test_root_in_user_namespace);
    RUN(test_gid_map_needs_deny_setgroups);
    RUN(test_foreign_uid_refused);
    RUN(test_uts_and_net_inside);
    RUN(test_user_and_uts_in_one_call);
    RUN(test_join_child_user_and_uts);
    RUN(test_clone_unprivileged);
    return check_summary();
}
