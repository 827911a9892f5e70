/* Every call of the API from a thread with a small stack (16 KiB, the
 * minimum, and 32 KiB, each with a guard page): no crash; each succeeds, or
 * fails with a documented errno where the environment decides. */
#include "check_runtime.h"
#include <limits.h>

static int return_7(void *arg)
{
    (void)arg;
    return 7;
}

/* ns_run_in's fn: 7 when the thread is in net namespace *(uint64_t *)arg. */
static int in_net(void *arg)
{
    return ns_id_of(0, "net") == *(const uint64_t *)arg ? 7 : 1;
}

static bool exits_with(pid_t pid, int code)
{
    int st = 0;
    return pid > 0 && wait_child(pid, &st) == pid && WIFEXITED(st) &&
           WEXITSTATUS(st) == code;
}

/* A call that may succeed or fail here: either way a result the API
 * allows, no crash. */
#define ANY(call)                                                          \
    do {                                                                   \
        errno = 0;                                                         \
        long long r_ = (long long)(call);                                  \
        int e_ = errno;                                                    \
        const char *le_ = ns_last_error();                                 \
        CHECKF(r_ >= 0 || (e_ == -r_ && le_ && *le_), "%s: %lld, errno %d", \
               #call, r_, e_);                                             \
    } while (0)

/* The rest of the API, on the same small stack. */
static void more_small_stack_calls(void)
{
    CHECK(ns_version() && ns_version()[0]);
    CHECK(ns_last_error() != NULL);
    CHECK(ns_type_from_name("net") == NS_NET);
    CHECK_OK(ns_unshare(0));
    CHECK_OK(ns_unshare(NS_UTS)); /* this thread only; the case's child ends */
    int net = CHECK_OK(ns_open_path("/proc/self/ns/net", NS_NET));
    CHECK_OK(ns_setns(net, NS_NET));
    CHECK_OK(ns_enter_pid(getpid(), NS_NET));
    int pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
    if (pidfd >= 0) {
        int u = CHECK_OK(ns_open_pidfd(pidfd, NS_UTS));
        if (u >= 0)
            close(u);
        close(pidfd);
    }
    ANY(ns_open_name("linuxns-rt-stack-none"));
    int user = CHECK_OK(ns_get_userns(net));
    if (user >= 0) {
        uid_t uid = 1;
        CHECK_OK(ns_owner_uid(user, &uid));
        int parent = ns_get_parent(user);
        if (parent >= 0)
            close(parent);
        close(user);
    }
    uint64_t uid64 = 0;
    ANY(ns_unique_id(net, &uid64));
    CHECK(ns_type(net) == NS_NET);
    char path[] = "/tmp/linuxns-rt-stack-XXXXXX";
    int tf = mkstemp(path);
    if (tf >= 0) {
        close(tf);
        if (CHECK_OK(ns_bind(net, path)) == 0)
            CHECK_OK(ns_unbind(path));
        unlink(path);
    }
    char netns[64];
    snprintf(netns, sizeof netns, "linuxns-rt-stack-%d", (int)getpid());
    int added = CHECK_OK(ns_netns_add(netns));
    if (added >= 0) {
        close(added);
        CHECK_OK(ns_netns_del(netns));
    }
    int64_t limit = ns_get_limit(NS_UTS);
    if (limit >= 0)
        ANY(ns_set_limit(NS_UTS, limit));
    struct ns_idmap map = {0, geteuid(), 1};
    ANY(ns_write_uid_map(0, &map, 1, 0));
    ANY(ns_write_gid_map(0, &map, 1, NS_MAP_DENY_SETGROUPS));
    ANY(ns_set_time_offset(0, CLOCK_MONOTONIC, 1, 0));
    ANY(ns_pivot_root("/linuxns-rt-stack-none", "/linuxns-rt-stack-none"));
    CHECK(CHECK_OK(ns_kcmp(getpid(), getpid(), NS_KCMP_VM, 0, 0)) == 0);

    ns_spawn_attr *a = ns_spawn_attr_new();
    REQUIRE(a != NULL);
    CHECK_OK(ns_spawn_attr_set_namespaces(a, NS_USER | NS_MNT | NS_PID | NS_TIME));
    CHECK_OK(ns_spawn_attr_join(a, net, NS_NET));
    CHECK_OK(ns_spawn_attr_set_uid_map(a, &map, 1, 0));
    struct ns_idmap gmap = {0, getegid(), 1};
    CHECK_OK(ns_spawn_attr_set_gid_map(a, &gmap, 1, NS_MAP_DENY_SETGROUPS));
    /* set_root is taken on the spawn below being refused (a root of "/"
     * cannot be pivoted into); the second spawn runs without it. */
    CHECK_OK(ns_spawn_attr_set_root(a, "/"));
    CHECK_OK(ns_spawn_attr_set_mount_proc(a, 1));
    CHECK_OK(ns_spawn_attr_set_propagation(a, NS_PROPAGATION_PRIVATE));
    CHECK_OK(ns_spawn_attr_set_cwd(a, "/"));
    CHECK_OK(ns_spawn_attr_set_fd(a, 1, 1));
    CHECK_OK(ns_spawn_attr_set_close_fds(a, 1));
    CHECK_OK(ns_spawn_attr_set_pdeathsig(a, SIGKILL));
    CHECK_OK(ns_spawn_attr_set_time_offset(a, CLOCK_MONOTONIC, 5, 0));
    int cg = open("/sys/fs/cgroup", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (cg >= 0) {
        ANY(ns_spawn_attr_set_cgroup(a, cg));
        close(cg);
    }
    /* A spawn through an intermediate (join, time offset), maps, a fresh
     * /proc: the longest path, on the small stack. */
    char *argv[] = {"true", NULL};
    errno = 0;
    int r = ns_spawn("/bin/true", argv, NULL, a, NULL);
    int e = errno;
    CHECKF(r > 0 || (e == -r && ns_last_error()[0]), "ns_spawn: %d, errno %d, \"%s\"", r, e,
           ns_last_error());
    if (r > 0)
        CHECK(exits_with(r, 0));
    ns_spawn_attr_free(a);
    a = ns_spawn_attr_new();
    REQUIRE(a != NULL);
    CHECK_OK(ns_spawn_attr_set_namespaces(a, NS_USER | NS_MNT | NS_PID | NS_TIME));
    CHECK_OK(ns_spawn_attr_join(a, net, NS_NET));
    CHECK_OK(ns_spawn_attr_set_uid_map(a, &map, 1, 0));
    CHECK_OK(ns_spawn_attr_set_gid_map(a, &gmap, 1, NS_MAP_DENY_SETGROUPS));
    CHECK_OK(ns_spawn_attr_set_mount_proc(a, 1));
    CHECK_OK(ns_spawn_attr_set_time_offset(a, CLOCK_MONOTONIC, 5, 0));
    CHECK_OK(ns_spawn_attr_set_pdeathsig(a, SIGKILL));
    CHECK(exits_with(CHECK_OK(ns_spawn("/bin/true", argv, NULL, a, NULL)), 0));
    ns_spawn_attr_free(a);
    close(net);
}

/* The calls, on the small stack: only small locals here. */
/* The init of a PID namespace a holder keeps (started before the small
 * stack's thread): joined by the calling thread itself, as root. */
static pid_t pid_ns_init;

static void pid_join_on_small_stack(void)
{
    int fd = CHECK_OK(ns_open_pid(pid_ns_init, NS_PID));
    if (fd < 0)
        return;
    ns_spawn_attr *a = ns_spawn_attr_new();
    REQUIRE(a != NULL);
    CHECK_OK(ns_spawn_attr_join(a, fd, NS_PID));
    CHECK_OK(ns_spawn_attr_set_namespaces(a, NS_UTS | NS_MNT));
    close(fd);
    char *argv[] = {"sh", "-c", "test $$ -gt 1", NULL};
    CHECK(exits_with(CHECK_OK(ns_spawn("/bin/sh", argv, NULL, a, NULL)), 0));
    ns_spawn_attr_free(a);
}

static void *small_stack_calls(void *arg)
{
    (void)arg;
    static struct rt_list b;
    b = (struct rt_list){0};
    int n = CHECK_OK(ns_list(0, rt_collect, &b));
    CHECKF(n > 0 && (size_t)n == b.n, "ns_list: %d (%zu reported)", n, b.n);
    free(b.v);

    int net = CHECK_OK(ns_open_pid(getpid(), NS_NET));
    int net0 = CHECK_OK(ns_open_pid(0, NS_NET));
    uint64_t id = 0;
    CHECK_OK(ns_id(net, &id));
    CHECK(id != 0 && id == ns_id_of(0, "net"));
    CHECK(CHECK_OK(ns_same(net, net0)) == 1);
    close(net);
    close(net0);

    char *targv[] = {"true", NULL};
    CHECK(exits_with(CHECK_OK(ns_spawn("/bin/true", targv, NULL, NULL, NULL)), 0));
    ns_spawn_attr *a = ns_spawn_attr_new();
    REQUIRE(a != NULL);
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, NS_USER | NS_UTS));
    REQUIRE_OK(ns_spawn_attr_map_root(a));
    REQUIRE_OK(ns_spawn_attr_set_hostname(a, "rt-small"));
    char *sargv[] = {"sh", "-c", "test \"$(uname -n)\" = rt-small && test \"$(id -u)\" = 0",
                     NULL};
    CHECK(exits_with(CHECK_OK(ns_spawn("/bin/sh", sargv, NULL, a, NULL)), 0));
    CHECK(exits_with(CHECK_OK(ns_spawn_fn(a, return_7, NULL, NULL)), 7));
    ns_spawn_attr_free(a);
    CHECK(exits_with(CHECK_OK(ns_clone(0, return_7, NULL, NULL)), 7));

    int fresh = CHECK_OK(ns_new(NS_NET));
    uint64_t fresh_id = fd_ns_id(fresh);
    int res = -1;
    CHECK_OK(ns_run_in(fresh, 0, in_net, &fresh_id, &res));
    CHECK(res == 7);
    if (fresh >= 0)
        close(fresh);
    struct ns_idmap map = {0, geteuid(), 1}, gmap = {0, getegid(), 1};
    int user = CHECK_OK(ns_new_userns(&map, 1, &gmap, 1, 0));
    if (user >= 0) {
        CHECK(ns_type(user) == NS_USER);
        close(user);
    }
    const char *name = ns_type_name(NS_NET);
    CHECK(name && strcmp(name, "net") == 0);
    CHECK(CHECK_OK(ns_get_limit(NS_NET)) > 0);
    more_small_stack_calls();
    pid_join_on_small_stack();
    return NULL;
}

static void run_with_stack(size_t size)
{
    struct holder h;
    holder_start(&h, CLONE_NEWPID, NULL, HOLDER_KEEP_UID);
    pid_t kids[2];
    REQUIRE(children_of(h.pid, kids, 2) == 1);
    pid_ns_init = kids[0];
    pthread_attr_t at;
    pthread_t t;
    REQUIRE(pthread_attr_init(&at) == 0);
    REQUIRE(pthread_attr_setstacksize(&at, size) == 0);
    REQUIRE(pthread_attr_setguardsize(&at, (size_t)sysconf(_SC_PAGESIZE)) == 0);
    int e = pthread_create(&t, &at, small_stack_calls, NULL);
    CHECKF(e == 0, "pthread_create with a %zu-byte stack: %s", size, strerror(e));
    if (e == 0)
        pthread_join(t, NULL);
    pthread_attr_destroy(&at);
    holder_stop(&h);
}

static void test_stack_16k(void)
{
    SKIP_UNLESS_ROOT();
    run_with_stack(PTHREAD_STACK_MIN);
}

static void test_stack_32k(void)
{
    SKIP_UNLESS_ROOT();
    run_with_stack(32768 < PTHREAD_STACK_MIN ? PTHREAD_STACK_MIN : 32768);
}

int main(void)
{
    RUN(test_stack_16k);
    RUN(test_stack_32k);
    return check_summary();
}
