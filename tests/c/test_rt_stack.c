/* Every call from a thread with a small stack (16 KiB, the minimum, and
 * 32 KiB, each with a guard page): no crash, each succeeds. */
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

/* The calls, on the small stack: only small locals here. */
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
    return NULL;
}

static void run_with_stack(size_t size)
{
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
