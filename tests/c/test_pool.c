/*
 * Namespace pools: ns_pool_new, ns_pool_take, ns_spawn_attr_use_pool,
 * ns_pool_free.  What the kernel shows: the types and order of a taken
 * set, its namespaces never entered (no process in them: ns_list_ex), the
 * pooled user namespace owning the others (ns_get_userns) with map_root's
 * maps, loopback up (ip link), CAP_NET_ADMIN inside (ip link set lo
 * down/up), a spawn from the pool running as pid 1 of the pooled PID
 * namespace; an empty or freed pool leaving the spawn to create every
 * namespace; a refill failure reported by the next take; freeing under
 * load leaving no thread, descriptor or child; the refill thread woken
 * without its timer (timerfd_create refused by seccomp), and a free that
 * returns when a filter refuses timerfd_settime afterwards.
 */
#include "check_runtime.h"
#include <sys/timerfd.h>

static ns_spawn_attr *new_attr(void)
{
    ns_spawn_attr *a = ns_spawn_attr_new();
    REQUIRE(a != NULL);
    return a;
}

/* An attribute creating `types`, mapped as the pool's user namespace is
 * (map_root), taking sets from `p`. */
static ns_spawn_attr *pooled_attr(ns_pool *p, int types)
{
    ns_spawn_attr *a = new_attr();
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, types));
    REQUIRE_OK(ns_spawn_attr_map_root(a));
    REQUIRE_OK(ns_spawn_attr_use_pool(a, p));
    return a;
}

static bool have_ip(void)
{
    return access("/usr/sbin/ip", X_OK) == 0 || access("/sbin/ip", X_OK) == 0 ||
           access("/usr/bin/ip", X_OK) == 0 || access("/bin/ip", X_OK) == 0;
}

/* Takes a set, waiting up to 10 s for the refill thread. */
static int take_wait(ns_pool *p, int *fds)
{
    for (int i = 0; i < 10000; i++) {
        int n = ns_pool_take(p, fds);
        if (n != -EAGAIN)
            return n;
        usleep(1000);
    }
    return -EAGAIN;
}

/* Processes in the namespace (NS_LIST_ALL reports those with none). */
struct find {
    uint64_t id;
    int type;
    int found;
    uint32_t nprocs;
};
static int find_cb(const struct ns_info *i, void *arg)
{
    struct find *f = arg;
    if (i->id == f->id && i->type == f->type) {
        f->found = 1;
        f->nprocs = i->nprocs;
    }
    return 0;
}

static uint64_t id_of(int fd)
{
    uint64_t id = 0;
    REQUIRE_OK(ns_id(fd, &id));
    return id;
}

static void test_bad_input(void)
{
    errno = 0;
    CHECK(ns_pool_new(0, 1, 0) == NULL && errno == EINVAL);
    CHECK(ns_pool_new(NS_MNT, 1, 0) == NULL && errno == EINVAL);
    CHECK(ns_pool_new(NS_TIME | NS_USER, 1, 0) == NULL && errno == EINVAL);
    CHECK(ns_pool_new(1, 1, 0) == NULL && errno == EINVAL);
    CHECK(ns_pool_new(NS_USER, 0, 0) == NULL && errno == EINVAL);
    CHECK(ns_pool_new(NS_USER, 1025, 0) == NULL && errno == EINVAL);
    CHECK(ns_pool_new(NS_USER, 1, 2) == NULL && errno == EINVAL);
    CHECK(ns_pool_new(NS_USER | NS_UTS, 1, NS_POOL_LO_UP) == NULL && errno == EINVAL);
    CHECKF(strstr(ns_last_error(), "ns_pool_new") != NULL, "\"%s\"", ns_last_error());
    int fds[8];
    CHECK_ERR(ns_pool_take(NULL, fds), EINVAL);
    ns_pool *p = ns_pool_new(NS_USER, 1, 0);
    REQUIRE(p != NULL);
    CHECK_ERR(ns_pool_take(p, NULL), EINVAL);
    CHECK_ERR(ns_spawn_attr_use_pool(NULL, p), EINVAL);
    /* The attr's checks, at spawn: pool types not created, joined, or
     * other maps. */
    char *argv[] = {"true", NULL};
    ns_spawn_attr *a = new_attr();
    REQUIRE_OK(ns_spawn_attr_use_pool(a, p));
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, NS_UTS));
    CHECK_ERR(ns_spawn("/bin/true", argv, NULL, a, NULL), EINVAL);
    CHECKF(strstr(ns_last_error(), "pool"), "\"%s\"", ns_last_error());
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, NS_USER | NS_UTS));
    struct ns_idmap other = {.inside = 5, .outside = geteuid(), .count = 1};
    REQUIRE_OK(ns_spawn_attr_set_uid_map(a, &other, 1, 0));
    CHECK_ERR(ns_spawn("/bin/true", argv, NULL, a, NULL), EINVAL);
    REQUIRE_OK(ns_spawn_attr_map_root(a));
    int st;
    pid_t pid = CHECK_OK(ns_spawn("/bin/true", argv, NULL, a, NULL));
    if (pid > 0)
        CHECK(wait_child(pid, &st) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    /* NULL stops using it. */
    REQUIRE_OK(ns_spawn_attr_use_pool(a, NULL));
    ns_spawn_attr_free(a);
    ns_pool_free(p);
    ns_pool_free(NULL);
    CHECK_NO_CHILDREN();
}

static void test_take_fresh_owned_set(void)
{
    ns_pool *p = ns_pool_new(NS_USER | NS_NET | NS_UTS | NS_PID, 2, NS_POOL_LO_UP);
    REQUIRE(p != NULL);
    int fds[4];
    REQUIRE(take_wait(p, fds) == 4);
    /* Ascending order of the NS_* bits. */
    CHECK(ns_type(fds[0]) == NS_UTS);
    CHECK(ns_type(fds[1]) == NS_USER);
    CHECK(ns_type(fds[2]) == NS_PID);
    CHECK(ns_type(fds[3]) == NS_NET);
    for (int i = 0; i < 4; i++)
        CHECK(fcntl(fds[i], F_GETFD) & FD_CLOEXEC);
    /* Owned by the pooled user namespace. */
    uint64_t user = id_of(fds[1]);
    for (int i = 0; i < 4; i++) {
        if (i == 1)
            continue;
        int u = ns_get_userns(fds[i]);
        REQUIRE_OK(u);
        CHECK_EQ_U64(id_of(u), user);
        close(u);
    }
    /* Never entered: no process in any of them. */
    for (int i = 0; i < 4; i++) {
        struct find f = {.id = id_of(fds[i]), .type = ns_type(fds[i])};
        REQUIRE_OK(ns_list_ex(f.type, NS_LIST_ALL, find_cb, &f));
        CHECKF(f.found && f.nprocs == 0, "type 0x%x: found %d, %u processes", f.type,
               f.found, f.nprocs);
    }
    /* A second set is another one. */
    int more[4];
    REQUIRE(take_wait(p, more) == 4);
    for (int i = 0; i < 4; i++)
        CHECK(id_of(more[i]) != id_of(fds[i]));
    /* A program joining the set: pid 1, root by map_root's maps, lo up,
     * and CAP_NET_ADMIN there. */
    ns_spawn_attr *a = new_attr();
    for (int i = 0; i < 4; i++)
        REQUIRE_OK(ns_spawn_attr_join(a, fds[i], 0));
    char out[1024], want[64];
    const char *script = have_ip()
        ? "echo pid $$; cat /proc/self/uid_map; ip -o link show lo; "
          "ip link set lo down && ip link set lo up && echo admin"
        : "echo pid $$; cat /proc/self/uid_map";
    SH_OK(a, script, out);
    CHECKF(strstr(out, "pid 1\n") != NULL, "%s", out);
    snprintf(want, sizeof want, "%u", (unsigned)geteuid());
    char line[128];
    CHECKF(out_line(out, "         0", line, sizeof line) && strstr(line, want), "%s", out);
    if (have_ip()) {
        CHECKF(strstr(out, ",UP") != NULL, "lo not up: %s", out);
        CHECKF(strstr(out, "admin\n") != NULL, "%s", out);
    }
    ns_spawn_attr_free(a);
    for (int i = 0; i < 4; i++) {
        close(fds[i]);
        close(more[i]);
    }
    ns_pool_free(p);
    CHECK_NO_CHILDREN();
}

/* `ip -o link show lo` in a sandbox spawned with `a`: lo up? */
static bool sandbox_lo_up(ns_spawn_attr *a, char *out, size_t size)
{
    int st;
    pid_t pid = spawn_sh(a, "echo pid $$; ip -o link show lo", out, size, &st);
    REQUIRE_OK(pid);
    CHECKF(WIFEXITED(st) && WEXITSTATUS(st) == 0 && strstr(out, "pid 1\n"), "0x%x %s",
           st, out);
    return strstr(out, ",UP") != NULL;
}

/* The pidfd's process (its fdinfo's Pid line). */
static pid_t pid_of_pidfd(int pidfd)
{
    char path[64], text[1024];
    snprintf(path, sizeof path, "/proc/self/fdinfo/%d", pidfd);
    int fd = SYS_OK(open(path, O_RDONLY | O_CLOEXEC));
    read_all(fd, text, sizeof text);
    close(fd);
    const char *line = strstr(text, "\nPid:");
    return line ? (pid_t)atoi(line + 5) : -1;
}

/* Three spawns each take a set (lo already up, as no new network namespace
 * has it; three different network namespaces, read through the pidfd,
 * which is the program's); freed, the spawns create everything. As uid
 * 65534 a pooled PID namespace is joined through an intermediate process
 * (the calling thread may not enter it), whose pidfd of the program the
 * caller gets. */
static void spawn_from_pool_and_without(bool nobody)
{
    if (!have_ip())
        SKIP("no ip(8)");
    if (nobody) {
        SKIP_UNLESS_ROOT();
        drop_to_nobody(NULL, NULL);
    }
    int all = NS_USER | NS_PID | NS_MNT | NS_UTS | NS_IPC | NS_CGROUP | NS_NET;
    ns_pool *p = ns_pool_new(all & ~NS_MNT, 3, NS_POOL_LO_UP);
    REQUIRE(p != NULL);
    ns_spawn_attr *a = new_attr();
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, all));
    REQUIRE_OK(ns_spawn_attr_map_root(a));
    REQUIRE_OK(ns_spawn_attr_set_hostname(a, "pooled"));
    REQUIRE_OK(ns_spawn_attr_use_pool(a, p));
    /* Let it fill (3 sets), then three spawns take three sets. */
    usleep(300000);
    char out[1024];
    uint64_t ids[3] = {0};
    for (int i = 0; i < 3; i++) {
        int pidfd = -1;
        char *argv[] = {"sh", "-c", "ip -o link show lo | grep -q ,UP && hostname", NULL};
        int pipefd[2];
        SYS_OK(pipe2(pipefd, O_CLOEXEC));
        REQUIRE_OK(ns_spawn_attr_set_fd(a, 1, pipefd[1]));
        pid_t pid = REQUIRE_OK(ns_spawn("/bin/sh", argv, NULL, a, &pidfd));
        close(pipefd[1]);
        CHECKF(pid_of_pidfd(pidfd) == pid, "pidfd of %d, not %d", pid_of_pidfd(pidfd), pid);
        int net = ns_open_pidfd(pidfd, NS_NET);
        REQUIRE_OK(net);
        ids[i] = id_of(net);
        close(net);
        read_all(pipefd[0], out, sizeof out);
        close(pipefd[0]);
        int st;
        REQUIRE(wait_child(pid, &st) == pid);
        CHECKF(WIFEXITED(st) && WEXITSTATUS(st) == 0, "spawn %d: 0x%x", i, st);
        CHECK_STREQ(out, "pooled\n");
        close(pidfd);
    }
    CHECK(ids[0] != ids[1] && ids[1] != ids[2] && ids[0] != ids[2]);
    /* Freed: the attr stays valid and its spawns create everything (lo
     * down in a new network namespace). */
    ns_pool_free(p);
    CHECK(!sandbox_lo_up(a, out, sizeof out));
    ns_spawn_attr_free(a);
    CHECK_NO_CHILDREN();
}

static void test_spawn_from_pool_and_without(void)
{
    spawn_from_pool_and_without(false);
}

static void test_spawn_from_pool_as_nobody(void)
{
    spawn_from_pool_and_without(true);
}

/* As uid 65534: a pool of network namespaces without a user namespace
 * cannot be filled (EPERM); spawns create their own, the next take says
 * why. */
static void test_refill_error_reported(void)
{
    SKIP_UNLESS_ROOT();
    drop_to_nobody(NULL, NULL);
    ns_pool *p = ns_pool_new(NS_NET, 1, 0);
    REQUIRE(p != NULL);
    ns_spawn_attr *a = pooled_attr(p, NS_USER | NS_NET);
    usleep(100000);
    char out[256];
    SH_OK(a, "echo ok", out);
    CHECK_STREQ(out, "ok\n");
    int fds[1], r = -EAGAIN;
    for (int i = 0; i < 5000 && r == -EAGAIN; i++) {
        errno = 0;
        r = ns_pool_take(p, fds);
        if (r == -EAGAIN)
            usleep(1000);
    }
    CHECKF(r == -EPERM && errno == EPERM, "take: %d", r);
    CHECKF(strstr(ns_last_error(), "ns_pool_take") && strstr(ns_last_error(), "refill"),
           "\"%s\"", ns_last_error());
    ns_spawn_attr_free(a);
    ns_pool_free(p);
    CHECK_NO_CHILDREN();
}

static int count_tasks(void)
{
    int n = 0;
    DIR *d = opendir("/proc/self/task");
    REQUIRE(d != NULL);
    struct dirent *e;
    while ((e = readdir(d)))
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

struct load {
    ns_spawn_attr *a;
    int failures;
    int spawns;
};

static void *spawner(void *arg)
{
    struct load *l = arg;
    for (int i = 0; i < 40; i++) {
        char *argv[] = {"true", NULL};
        pid_t pid = ns_spawn("/bin/true", argv, NULL, l->a, NULL);
        int st;
        if (pid < 0 || wait_child(pid, &st) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
            __atomic_add_fetch(&l->failures, 1, __ATOMIC_RELAXED);
        __atomic_add_fetch(&l->spawns, 1, __ATOMIC_RELAXED);
    }
    return NULL;
}

static void test_free_under_load_leaks_nothing(void)
{
    bool before[MAX_FDS], after[MAX_FDS];
    count_fds(before);
    int tasks = count_tasks();
    ns_pool *p = ns_pool_new(NS_USER | NS_UTS | NS_IPC | NS_NET, 4, NS_POOL_LO_UP);
    REQUIRE(p != NULL);
    ns_spawn_attr *a = pooled_attr(p, NS_USER | NS_UTS | NS_IPC | NS_NET | NS_PID);
    struct load l = {.a = a};
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        REQUIRE(pthread_create(&t[i], NULL, spawner, &l) == 0);
    usleep(50000);
    /* A take meanwhile (a set, or none ready yet). */
    int fds[4];
    int n = ns_pool_take(p, fds);
    CHECKF(n == 4 || n == -EAGAIN, "take: %d", n);
    for (int i = 0; i < n; i++)
        close(fds[i]);
    ns_pool_free(p);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    CHECKF(l.failures == 0, "%d of %d spawns failed", l.failures, l.spawns);
    ns_spawn_attr_free(a);
    CHECK(count_tasks() == tasks);
    count_fds(after);
    report_new_fds(before, after);
    CHECK_NO_CHILDREN();
}

/* A user+uts spawn with the pool (a set if one is ready) runs. */
static void spawn_user_uts_from(ns_pool *p)
{
    ns_spawn_attr *a = pooled_attr(p, NS_USER | NS_UTS);
    char out[64];
    SH_OK(a, "hostname", out);
    ns_spawn_attr_free(a);
}

/* timerfd_create refused (seccomp, ENOSYS): the refill thread waits on its
 * condition variable instead of its timer; it still fills the pool, refills
 * it after a take, and the free leaves nothing. */
static void test_refill_without_timer(void)
{
    const struct deny_rule r[] = {{SYS_timerfd_create, ENOSYS}};
    seccomp_deny(r, 1);
    errno = 0;
    CHECKF(timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC) == -1 && errno == ENOSYS,
           "the filter does not bite: errno %d", errno);
    int tasks = count_tasks();
    ns_pool *p = ns_pool_new(NS_USER | NS_UTS, 1, 0);
    REQUIRE(p != NULL);
    int fds[2];
    for (int round = 0; round < 3; round++) { /* filled, then refilled */
        int n = take_wait(p, fds);
        CHECKF(n == 2, "take %d: %d", round, n);
        for (int i = 0; i < n; i++)
            close(fds[i]);
    }
    spawn_user_uts_from(p);
    ns_pool_free(p);
    CHECKF(count_tasks() == tasks, "%d threads, %d before", count_tasks(), tasks);
    CHECK_NO_CHILDREN();
}

/* A filter that refuses timerfd_settime installed after the pool was made
 * (on this thread only: the refill thread waits on its timer): takes and
 * spawns go on (the pool refills no more), and ns_pool_free returns
 * instead of waiting forever for a thread it cannot wake; that thread and
 * its timer descriptor are left, as the header says. */
static void test_free_when_timer_refused(void)
{
    int tasks = count_tasks();
    bool before[MAX_FDS], after[MAX_FDS];
    count_fds(before);
    ns_pool *p = ns_pool_new(NS_USER | NS_UTS, 1, 0);
    REQUIRE(p != NULL);
    int fds[2];
    REQUIRE(take_wait(p, fds) == 2);
    close(fds[0]);
    close(fds[1]);
    /* Refilled (a set of two namespaces takes about a millisecond, 2 ms
     * after the take) and waiting on its timer again. */
    usleep(200000);
    const struct deny_rule r[] = {{SYS_timerfd_settime, EPERM}};
    seccomp_deny(r, 1);
    spawn_user_uts_from(p);
    double t0 = now_seconds();
    ns_pool_free(p);
    CHECKF(now_seconds() - t0 < 1.0, "ns_pool_free took %.1f s", now_seconds() - t0);
    CHECKF(count_tasks() == tasks + 1, "%d threads, %d before", count_tasks(), tasks);
    count_fds(after);
    int extra = 0;
    for (int fd = 0; fd < MAX_FDS; fd++) {
        if (!after[fd] || before[fd])
            continue;
        char path[64], link[64] = "";
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        ssize_t k = readlink(path, link, sizeof link - 1);
        if (k > 0)
            link[k] = 0;
        CHECKF(strcmp(link, "anon_inode:[timerfd]") == 0, "fd %d left: %s", fd, link);
        extra++;
    }
    CHECKF(extra == 1, "%d descriptors left", extra);
    CHECK_NO_CHILDREN();
    /* The thread and its timer stay by design: end here, past the case's
     * descriptor count. */
    check_exit(check_failures ? 1 : 0);
}

/* In a child of fork(): spawns with the pool create everything, a take
 * is refused, the free returns at once; the parent's pool goes on. */
static void test_fork_child(void)
{
    if (!have_ip())
        SKIP("no ip(8)");
    ns_pool *p = ns_pool_new(NS_USER | NS_NET, 2, NS_POOL_LO_UP);
    REQUIRE(p != NULL);
    ns_spawn_attr *a = pooled_attr(p, NS_USER | NS_NET | NS_PID);
    int fds[2];
    REQUIRE(take_wait(p, fds) == 2); /* the refill thread works */
    close(fds[0]);
    close(fds[1]);
    usleep(200000);
    pid_t kid = SYS_OK(fork());
    if (kid == 0) {
        char out[1024];
        int bad = 0;
        int st;
        pid_t pid = spawn_sh(a, "echo pid $$; ip -o link show lo", out, sizeof out, &st);
        bad |= pid < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0;
        bad |= strstr(out, "pid 1\n") == NULL || strstr(out, ",UP") != NULL; /* created */
        int t[2];
        bad |= ns_pool_take(p, t) != -EINVAL;
        ns_pool_free(p);
        ns_spawn_attr_free(a);
        _exit(bad ? 1 : 0);
    }
    int st;
    REQUIRE(wait_child(kid, &st) == kid);
    CHECKF(WIFEXITED(st) && WEXITSTATUS(st) == 0, "fork child: 0x%x", st);
    /* The parent's pool: a set, lo up. */
    char out[1024];
    SH_OK(a, "ip -o link show lo", out);
    CHECKF(strstr(out, ",UP") != NULL, "%s", out);
    ns_spawn_attr_free(a);
    ns_pool_free(p);
    CHECK_NO_CHILDREN();
}

/* General-path spawns (a descriptor to set: report sockets, pipes) in a
 * loop, until told to stop. */
struct churn {
    volatile int stop;
    int spawns;
};

static void *churner(void *arg)
{
    struct churn *c = arg;
    ns_spawn_attr *g = new_attr();
    REQUIRE_OK(ns_spawn_attr_set_namespaces(g, NS_USER | NS_UTS));
    REQUIRE_OK(ns_spawn_attr_map_root(g));
    REQUIRE_OK(ns_spawn_attr_set_fd(g, 0, 0));
    while (!c->stop) {
        char *argv[] = {"true", NULL};
        pid_t pid = ns_spawn("/bin/true", argv, NULL, g, NULL);
        int st;
        if (pid > 0 && wait_child(pid, &st) == pid)
            c->spawns++;
    }
    ns_spawn_attr_free(g);
    return NULL;
}

static int count_fds_of(const bool open[MAX_FDS])
{
    int n = 0;
    for (int fd = 0; fd < MAX_FDS; fd++)
        n += open[fd];
    return n;
}

/* The descriptors a lean spawn's program has (ls's directory among
 * them), its stdout our own fd 1 for the while (a descriptor to set would
 * take the general path). */
static void lean_fd_list(ns_spawn_attr *a, char *out, size_t size)
{
    int p[2];
    SYS_OK(pipe2(p, O_CLOEXEC));
    int saved = SYS_OK(fcntl(1, F_DUPFD_CLOEXEC, 3));
    SYS_OK(dup2(p[1], 1));
    close(p[1]);
    char *argv[] = {"sh", "-c", "ls /proc/self/fd | tr '\\n' ' '", NULL};
    pid_t pid = ns_spawn("/bin/sh", argv, NULL, a, NULL);
    SYS_OK(dup2(saved, 1));
    close(saved);
    REQUIRE_OK(pid);
    read_all(p[0], out, size);
    close(p[0]);
    int st;
    REQUIRE(wait_child(pid, &st) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* Every descriptor the library holds is close-on-exec: a lean spawn's
 * program (which closes none of them before its exec) has its standard
 * three and nothing of ours, while pools hold sets (and refill) and
 * another thread's spawns have report channels in flight. */
static void test_library_fds_close_on_exec(void)
{
    bool mine[MAX_FDS], inherited[MAX_FDS] = {false};
    REQUIRE(count_fds(mine) >= 0);
    for (int fd = 3; fd < MAX_FDS; fd++)
        inherited[fd] = mine[fd] && !(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    ns_pool *p = ns_pool_new(NS_USER | NS_PID | NS_NET | NS_UTS, 2, NS_POOL_LO_UP);
    REQUIRE(p != NULL);
    ns_spawn_attr *a = pooled_attr(p, NS_USER | NS_PID | NS_NET | NS_UTS | NS_IPC);
    /* A lean attribute with a join (a copy of the descriptor, ours). */
    int uts = SYS_OK(open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC));
    ns_spawn_attr *j = new_attr();
    REQUIRE_OK(ns_spawn_attr_set_namespaces(j, NS_USER | NS_IPC));
    REQUIRE_OK(ns_spawn_attr_map_root(j));
    REQUIRE_OK(ns_spawn_attr_join(j, uts, NS_UTS));
    close(uts);
    /* Filled: two sets of four and the refill timer. */
    for (int i = 0; i < 5000 && count_fds(NULL) < count_fds_of(mine) + 9; i++)
        usleep(1000);
    struct churn c = {0, 0};
    pthread_t t;
    REQUIRE(pthread_create(&t, NULL, churner, &c) == 0);
    int library_fds = 0;
    for (int i = 0; i < 60; i++) {
        char out[256];
        lean_fd_list(i % 2 ? a : j, out, sizeof out);
        /* Its standard three, what it inherits of the test's own (not
         * close-on-exec), and ls's directory: nothing else. */
        int others = 0;
        for (char *w = strtok(out, " "); w; w = strtok(NULL, " ")) {
            int fd = atoi(w);
            if (fd > 2 && !(fd < MAX_FDS && inherited[fd]))
                others++;
        }
        CHECKF(others == 1, "spawn %d: %d descriptors besides ls's and the inherited", i,
               others - 1);
        if (i % 10 == 0) {
            /* Ours now: any descriptor the test did not open itself. */
            bool now[MAX_FDS];
            REQUIRE(count_fds(now) >= 0);
            for (int fd = 3; fd < MAX_FDS; fd++) {
                if (!now[fd] || mine[fd])
                    continue;
                char path[64], info[512];
                snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
                if (read_file(path, info, sizeof info) <= 0)
                    continue; /* closed meanwhile */
                const char *f = strstr(info, "flags:");
                REQUIRE(f != NULL);
                unsigned long flags = strtoul(f + 6, NULL, 8);
                CHECKF(flags & O_CLOEXEC, "descriptor %d: flags 0%lo", fd, flags);
                library_fds++;
            }
        }
    }
    c.stop = 1;
    REQUIRE(pthread_join(t, NULL) == 0);
    /* The full pool's sets, its timer and the join's copy were there to
     * look at (first scan); the other thread did spawn meanwhile. */
    CHECKF(library_fds >= 10, "%d library descriptors seen", library_fds);
    CHECK(c.spawns > 0);
    ns_spawn_attr_free(a);
    ns_spawn_attr_free(j);
    ns_pool_free(p);
    CHECK_NO_CHILDREN();
}

int main(void)
{
    RUN(test_bad_input);
    RUN(test_take_fresh_owned_set);
    RUN(test_spawn_from_pool_and_without);
    RUN(test_spawn_from_pool_as_nobody);
    RUN(test_refill_error_reported);
    RUN(test_free_under_load_leaks_nothing);
    RUN(test_fork_child);
    RUN(test_refill_without_timer);
    RUN(test_free_when_timer_refused);
    RUN(test_library_fds_close_on_exec);
    return check_summary();
}
