/* ns_new and ns_new_userns: namespaces as descriptors, the caller never
 * moving; what a process that joins them sees. */
#include "check.h"

/* Every namespace link of the calling thread, *_for_children included. */
struct all_ids {
    uint64_t id[N_KINDS], pid_fc, time_fc;
};

static void all_ids(struct all_ids *o)
{
    for (size_t i = 0; i < N_KINDS; i++)
        o->id[i] = ns_id_of(0, NS_KINDS[i].name);
    o->pid_fc = ns_id_of(0, "pid_for_children");
    o->time_fc = ns_id_of(0, "time_for_children");
}

static bool same_ids(const struct all_ids *a, const struct all_ids *b)
{
    return memcmp(a, b, sizeof *a) == 0;
}

static void drop_to_nobody(void)
{
    if (geteuid() != 0)
        return;
    SYS_OK(setgroups(0, NULL));
    SYS_OK(setresgid(65534, 65534, 65534));
    SYS_OK(setresuid(65534, 65534, 65534));
    SYS_OK(prctl(PR_SET_DUMPABLE, 1));
}

/*
 * In a forked child: raw setns(fd), then the link `name` of the child (or,
 * with `in_grandchild`, of a child forked after the join) must be `id`.
 */
static bool joined_link_is(int fd, const char *name, uint64_t id, bool in_grandchild)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = SYS_OK(fork());
    if (pid == 0) {
        if (setns(fd, 0) < 0)
            _exit(2);
        if (!in_grandchild)
            _exit(ns_id_of(0, name) == id ? 0 : 1);
        pid_t g = fork();
        if (g == 0)
            _exit(ns_id_of(0, name) == id ? 0 : 1);
        int st;
        if (g < 0 || wait_child(g, &st) < 0)
            _exit(3);
        _exit(WIFEXITED(st) ? WEXITSTATUS(st) : 4);
    }
    int st;
    wait_child(pid, &st);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        fprintf(stderr, "    join %s:[%" PRIu64 "]: status 0x%x\n", name, id, st);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* Runs `sh -c script` with its stdout on a pipe, joining fd first (if >= 0);
 * returns its exit status, or -1 if ns_spawn failed. */
static int spawn_sh(int fd, int types, const char *script, char *out, size_t size)
{
    int p[2];
    out[0] = '\0';
    SYS_OK(pipe2(p, O_CLOEXEC));
    ns_spawn_attr *a = ns_spawn_attr_new();
    REQUIRE(a != NULL);
    if (fd >= 0)
        REQUIRE_OK(ns_spawn_attr_join(a, fd, types));
    REQUIRE_OK(ns_spawn_attr_set_fd(a, 1, p[1]));
    char *argv[] = {"sh", "-c", (char *)script, NULL};
    pid_t pid = CHECK_OK(ns_spawn("/bin/sh", argv, NULL, a, NULL));
    close(p[1]);
    ns_spawn_attr_free(a);
    size_t len = 0;
    ssize_t n;
    while ((n = read(p[0], out + len, size - 1 - len)) > 0 || (n < 0 && errno == EINTR))
        if (n > 0)
            len += (size_t)n;
    out[len] = '\0';
    close(p[0]);
    if (pid < 0)
        return -1;
    int st;
    wait_child(pid, &st);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* ---- ns_new ------------------------------------------------------------- */

static void test_new_every_type(void)
{
    SKIP_UNLESS_ROOT();
    struct all_ids before, after;
    all_ids(&before);
    for (size_t i = 0; i < N_KINDS; i++) {
        const struct ns_kind *k = &NS_KINDS[i];
        if (k->type == NS_PID && fallback_mode()) {
            CHECK_ERR(ns_new(NS_PID), EOPNOTSUPP);
            continue;
        }
        int fd = CHECK_OK(ns_new(k->type));
        if (fd < 0)
            continue;
        CHECK(fd_cloexec(fd));
        CHECKF(ns_type(fd) == k->type, "ns_new(%s): ns_type 0x%x", k->name,
               (unsigned)ns_type(fd));
        char link[64], target[128] = "", want[64];
        snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        ssize_t n = readlink(link, target, sizeof target - 1);
        target[n > 0 ? n : 0] = '\0';
        uint64_t id = fd_ns_id(fd);
        snprintf(want, sizeof want, "%s:[%" PRIu64 "]", k->name, id);
        CHECK_STREQ(target, want);
        CHECK_EQ_U64(lib_ns_id(fd), id);
        CHECKF(id != 0 && id != before.id[i], "ns_new(%s) gave the caller's own", k->name);
        CHECK(id != before.pid_fc && id != before.time_fc);
        /* A process can join it; for pid and time, its children are in it. */
        if (k->type == NS_PID)
            CHECK(joined_link_is(fd, "pid", id, true));
        else if (k->type == NS_TIME)
            CHECK(joined_link_is(fd, "time", id, true));
        else
            CHECK(joined_link_is(fd, k->name, id, false));
        /* A second one is another namespace. */
        int fd2 = CHECK_OK(ns_new(k->type));
        if (fd2 >= 0) {
            CHECK(fd_ns_id(fd2) != id);
            close(fd2);
        }
        close(fd);
    }
    all_ids(&after);
    CHECK(same_ids(&before, &after));
}

static void test_new_from_multithreaded(void)
{
    /* The caller never moves, so a multithreaded one is fine, user
     * namespaces included. */
    if (geteuid() != 0)
        SKIP("needs root for the types other than user");
    struct idle_thread t;
    idle_thread_start(&t);
    struct all_ids before, after;
    all_ids(&before);
    for (size_t i = 0; i < N_KINDS; i++) {
        const struct ns_kind *k = &NS_KINDS[i];
        if (k->type == NS_PID && fallback_mode())
            continue;
        int fd = CHECK_OK(ns_new(k->type));
        if (fd < 0)
            continue;
        CHECKF(ns_type(fd) == k->type && fd_ns_id(fd) != before.id[i],
               "ns_new(%s) from a multithreaded caller", k->name);
        close(fd);
    }
    const struct ns_idmap m = {0, 100000, 65536};
    int fd = CHECK_OK(ns_new_userns(&m, 1, &m, 1, 0));
    if (fd >= 0)
        close(fd);
    all_ids(&after);
    CHECK(same_ids(&before, &after));
    idle_thread_stop(&t);
}

static void test_new_pid_first_process_is_1(void)
{
    SKIP_UNLESS_ROOT();
    if (fallback_mode())
        SKIP("ns_new(NS_PID) needs PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE");
    int fd = REQUIRE_OK(ns_new(NS_PID));
    uint64_t id = fd_ns_id(fd);
    /* Fork after joining: the first child is pid 1. */
    int p[2];
    SYS_OK(pipe2(p, O_CLOEXEC));
    fflush(stdout);
    fflush(stderr);
    pid_t c = SYS_OK(fork());
    if (c == 0) {
        if (setns(fd, CLONE_NEWPID) < 0)
            _exit(2);
        pid_t g = fork();
        if (g == 0) {
            pid_t me = getpid();
            uint64_t in = ns_id_of(0, "pid");
            _exit(write(p[1], &me, sizeof me) == sizeof me &&
                          write(p[1], &in, sizeof in) == sizeof in ? 0 : 1);
        }
        int st;
        _exit(g > 0 && wait_child(g, &st) == g && WIFEXITED(st) ? WEXITSTATUS(st) : 3);
    }
    close(p[1]);
    pid_t got = 0;
    uint64_t in = 0;
    CHECK(read(p[0], &got, sizeof got) == sizeof got);
    CHECK(read(p[0], &in, sizeof in) == sizeof in);
    close(p[0]);
    int st;
    wait_child(c, &st);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECKF(got == 1, "the first process in it has pid %d", (int)got);
    CHECK_EQ_U64(in, id);

    /* The same namespace is now used up by that init having exited; a new
     * one joined by a spawned program: $$ is 1. */
    close(fd);
    fd = REQUIRE_OK(ns_new(NS_PID));
    char out[256], want[256];
    CHECK(spawn_sh(fd, NS_PID, "echo $$; readlink /proc/self/ns/pid", out, sizeof out) == 0);
    snprintf(want, sizeof want, "1\npid:[%" PRIu64 "]\n", fd_ns_id(fd));
    CHECK_STREQ(out, want);
    close(fd);
}

static void test_new_unprivileged(void)
{
    drop_to_nobody();
    struct all_ids before, after;
    all_ids(&before);
    int fd = CHECK_OK(ns_new(NS_USER));
    if (fd >= 0) {
        CHECK(ns_type(fd) == NS_USER);
        CHECK(fd_ns_id(fd) != before.id[4]);
        close(fd);
    }
    CHECK_ERR(ns_new(NS_NET), EPERM);
    CHECK_ERR(ns_new(NS_UTS), EPERM);
    CHECK_ERR(ns_new(NS_MNT), EPERM);
    all_ids(&after);
    CHECK(same_ids(&before, &after));
}

static void test_new_errors(void)
{
    CHECK_ERR(ns_new(0), EINVAL);
    CHECK_ERR(ns_new(NS_NET | NS_UTS), EINVAL);
    CHECK_ERR(ns_new(NS_ALL), EINVAL);
    CHECK_ERR(ns_new(0x1), EINVAL);
    CHECK_ERR(ns_new(0x100), EINVAL);
    CHECK_ERR(ns_new(NS_NET | 0x100), EINVAL);
    CHECK_ERR(ns_new(-1), EINVAL);
}

/* ---- ns_new_userns ------------------------------------------------------ */

#define MAPS_SCRIPT "readlink /proc/self/ns/user; echo uid; cat /proc/self/uid_map; " \
                    "echo gid; cat /proc/self/gid_map; echo sg; cat /proc/self/setgroups"

/* Spawns the maps script in user namespace fd and checks what it prints. */
static void check_userns_seen(int fd, const struct ns_idmap *um, size_t un,
                              const struct ns_idmap *gm, size_t gn, const char *setgroups)
{
    static char out[16384];
    CHECK(spawn_sh(fd, NS_USER, MAPS_SCRIPT, out, sizeof out) == 0);
    char *uid = strstr(out, "uid\n"), *gid = strstr(out, "gid\n"), *sg = strstr(out, "sg\n");
    REQUIRE(uid && gid && sg && uid < gid && gid < sg);
    *uid = *gid = *sg = '\0';
    char want[64];
    snprintf(want, sizeof want, "user:[%" PRIu64 "]\n", fd_ns_id(fd));
    CHECK_STREQ(out, want);
    struct ns_idmap got[8];
    size_t n = parse_idmap(uid + 4, got, 8);
    CHECKF(n == un && (n == 0 || memcmp(got, um, n * sizeof *um) == 0), "uid_map seen: %s", uid + 4);
    n = parse_idmap(gid + 4, got, 8);
    CHECKF(n == gn && (n == 0 || memcmp(got, gm, n * sizeof *gm) == 0), "gid_map seen: %s", gid + 4);
    sg[3 + strcspn(sg + 3, "\n")] = '\0';
    CHECK_STREQ(sg + 3, setgroups);
}

static void test_new_userns_wide_range(void)
{
    SKIP_UNLESS_ROOT();
    const struct ns_idmap m = {0, 100000, 65536};
    struct all_ids before, after;
    all_ids(&before);
    int fd = REQUIRE_OK(ns_new_userns(&m, 1, &m, 1, 0));
    CHECK(fd_cloexec(fd));
    CHECK(ns_type(fd) == NS_USER);
    CHECK(fd_ns_id(fd) != before.id[4]);
    check_userns_seen(fd, &m, 1, &m, 1, "allow");
    close(fd);

    fd = REQUIRE_OK(ns_new_userns(&m, 1, &m, 1, NS_MAP_DENY_SETGROUPS));
    check_userns_seen(fd, &m, 1, &m, 1, "deny");
    close(fd);
    all_ids(&after);
    CHECK(same_ids(&before, &after));
}

static void test_new_userns_several_ranges(void)
{
    SKIP_UNLESS_ROOT();
    const struct ns_idmap um[] = {{0, 100000, 1000}, {1000, 300000, 500}};
    const struct ns_idmap gm[] = {{0, 200000, 10}};
    int fd = REQUIRE_OK(ns_new_userns(um, 2, gm, 1, 0));
    check_userns_seen(fd, um, 2, gm, 1, "allow");
    close(fd);
    /* Only one map, or none. */
    fd = REQUIRE_OK(ns_new_userns(um, 2, NULL, 0, 0));
    check_userns_seen(fd, um, 2, NULL, 0, "allow");
    close(fd);
    fd = REQUIRE_OK(ns_new_userns(NULL, 0, NULL, 0, 0));
    check_userns_seen(fd, NULL, 0, NULL, 0, "allow");
    close(fd);
}

static void test_new_userns_as_nobody(void)
{
    drop_to_nobody();
    uid_t uid = geteuid();
    gid_t gid = getegid();
    const struct ns_idmap um = {0, uid, 1}, gm = {0, gid, 1};
    uint64_t user = ns_id_of(0, "user");
    int fd = CHECK_OK(ns_new_userns(&um, 1, &gm, 1, NS_MAP_DENY_SETGROUPS));
    if (fd >= 0) {
        check_userns_seen(fd, &um, 1, &gm, 1, "deny");
        close(fd);
    }
    /* Without "deny" in setgroups the kernel refuses the gid map. */
    CHECK_ERR(ns_new_userns(&um, 1, &gm, 1, 0), EPERM);
    const char *e = ns_last_error();
    CHECKF(strstr(e, "setgroups") != NULL, "ns_last_error: \"%s\"", e);
    /* Ids that are not ours. */
    const struct ns_idmap root = {0, 0, 1}, two = {0, uid, 2};
    CHECK_ERR(ns_new_userns(&root, 1, NULL, 0, 0), EPERM);
    e = ns_last_error();
    CHECKF(strstr(e, "uid_map") != NULL, "ns_last_error: \"%s\"", e);
    CHECK_ERR(ns_new_userns(&two, 1, NULL, 0, 0), EPERM);
    CHECK_EQ_U64(ns_id_of(0, "user"), user);
    /* Every helper process was reaped. */
    CHECK(waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD);
}

static void test_new_userns_errors(void)
{
    const struct ns_idmap ok = {0, getuid(), 1};
    static struct ns_idmap many[341];
    for (size_t i = 0; i < 341; i++)
        many[i] = (struct ns_idmap){(uint32_t)i * 10, 100000 + (uint32_t)i * 10, 1};
    const struct ns_idmap zero = {0, 100000, 0};
    const struct ns_idmap overlap_in[] = {{0, 100000, 10}, {5, 200000, 10}};
    const struct ns_idmap overlap_out[] = {{0, 100000, 10}, {100, 100005, 10}};
    const struct ns_idmap too_far = {0, 4294967000u, 1000};
    uint64_t user = ns_id_of(0, "user");

    CHECK_ERR(ns_new_userns(&ok, 1, NULL, 0, 0x4), EINVAL);
    CHECK_ERR(ns_new_userns(&ok, 1, NULL, 0, 0x80000000u), EINVAL);
    CHECK_ERR(ns_new_userns(NULL, 1, NULL, 0, 0), EINVAL);
    CHECK_ERR(ns_new_userns(NULL, 0, NULL, 2, 0), EINVAL);
    CHECK_ERR(ns_new_userns(&ok, 0, NULL, 0, 0), EINVAL);
    CHECK_ERR(ns_new_userns(many, 341, NULL, 0, 0), E2BIG);
    CHECK_ERR(ns_new_userns(NULL, 0, many, 341, 0), E2BIG);
    CHECK_ERR(ns_new_userns(&zero, 1, NULL, 0, 0), EINVAL);
    CHECK_ERR(ns_new_userns(NULL, 0, &zero, 1, 0), EINVAL);
    CHECK_ERR(ns_new_userns(overlap_in, 2, NULL, 0, 0), EINVAL);
    CHECK_ERR(ns_new_userns(NULL, 0, overlap_out, 2, 0), EINVAL);
    CHECK_ERR(ns_new_userns(&too_far, 1, NULL, 0, 0), EINVAL);
    CHECK_EQ_U64(ns_id_of(0, "user"), user);
    CHECK(waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD);
}

int main(void)
{
    RUN(test_new_every_type);
    RUN(test_new_from_multithreaded);
    RUN(test_new_pid_first_process_is_1);
    RUN(test_new_unprivileged);
    RUN(test_new_errors);
    RUN(test_new_userns_wide_range);
    RUN(test_new_userns_several_ranges);
    RUN(test_new_userns_as_nobody);
    RUN(test_new_userns_errors);
    return check_summary();
}
