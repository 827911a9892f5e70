/* ns_list_ex with NS_LIST_ALL: namespaces no process is in — held by a
 * descriptor (ours, another process's), a bind mount (ours, in another
 * mount namespace, in a mount namespace no process is in), a thread,
 * time_for_children, or alive only as a parent (user and pid) — each
 * checked against what /proc shows, and absent from ns_list. */
#include "check_list.h"

/* ---- held by one descriptor -------------------------------------------- */

static void test_held_by_own_fd(void)
{
    SKIP_UNLESS_ROOT();
    struct list_buf b = {0};
    int fd = (int)REQUIRE_OK(ns_new(NS_UTS));
    uint64_t id = fd_ns_id(fd);
    require_unheld("uts", id);
    const struct ns_info *i = check_only_in_all(&b, NS_UTS, id);
    if (i) {
        CHECK_EQ_U64(i->userns_id, ns_id_of(0, "user"));
        CHECK_EQ_U64(i->parent_id, 0);
        CHECK_EQ_U64(i->owner_uid, 0);
    }
    /* The type filter applies to it too. */
    list_into(&b, NS_NET | NS_IPC, NS_LIST_ALL);
    for (size_t k = 0; k < b.n; k++)
        CHECKF(b.v[k].type == NS_NET || b.v[k].type == NS_IPC, "type 0x%x reported",
               (unsigned)b.v[k].type);
    close(fd);
    list_into(&b, NS_UTS, NS_LIST_ALL);
    CHECKF(find_info(&b, NS_UTS, id) == NULL, "uts:[%" PRIu64 "] still listed after close", id);
    free(b.v);
}

static void test_held_by_fd_of_another_process(void)
{
    SKIP_UNLESS_ROOT();
    struct list_buf b = {0};
    held_fd = (int)REQUIRE_OK(ns_new(NS_UTS));
    uint64_t id = fd_ns_id(held_fd);
    struct child c;
    child_start(&c, keep_nothing, NULL, true, held_fd); /* it keeps the fd */
    close(held_fd);
    char link[64];
    snprintf(link, sizeof link, "/proc/%d/fd/%d", (int)c.pid, held_fd);
    CHECK_EQ_U64(parse_ns_link(link), id);
    require_unheld("uts", id);
    check_only_in_all(&b, NS_UTS, id);
    child_stop(&c);
    list_into(&b, NS_UTS, NS_LIST_ALL);
    CHECKF(find_info(&b, NS_UTS, id) == NULL, "uts:[%" PRIu64 "] listed after its holder ended",
           id);
    free(b.v);
}

static void test_held_by_bind_mount(void)
{
    SKIP_UNLESS_ROOT();
    struct list_buf b = {0}, plain = {0};
    make_mount_point();
    struct child c;
    child_start(&c, bind_new_net, NULL, false, -1);
    child_stop(&c);
    struct stat st;
    SYS_OK(stat(mount_path, &st));
    uint64_t id = (uint64_t)st.st_ino;
    CHECK(task_in("net", id) == 0);
    CHECK(mounted_in("/proc/self/mountinfo", id));
    /* Both listings have it, alike. */
    CHECK_OK(ns_list(NS_NET, collect, &plain));
    list_into(&b, NS_NET, NS_LIST_ALL);
    const struct ns_info *p = find_info(&plain, NS_NET, id), *a = find_info(&b, NS_NET, id);
    CHECKF(p && a && same_info(p, a) && a->nprocs == 0 && a->pid == 0,
           "bind-mounted net:[%" PRIu64 "]: ns_list %s, NS_LIST_ALL %s", id,
           p ? "found" : "missing", a ? "found" : "missing");
    remove_mount_point();
    free(b.v);
    free(plain.v);
}

static void test_held_by_bind_mount_in_other_mount_ns(void)
{
    SKIP_UNLESS_ROOT();
    struct list_buf b = {0};
    make_mount_point();
    struct child c;
    child_start(&c, bind_new_net, (void *)1, true, -1);
    char mi[64];
    snprintf(mi, sizeof mi, "/proc/%d/mountinfo", (int)c.pid);
    struct stat st;
    uint64_t id = 0;
    /* The id from the child's mount table: the file here is not mounted. */
    {
        static char text[1 << 18];
        REQUIRE(read_file(mi, text, sizeof text) > 0);
        char *hit = strstr(text, mount_path);
        REQUIRE(hit != NULL);
        while (hit > text && hit[-1] != '\n')
            hit--;
        char *open = strstr(hit, "net:[");
        REQUIRE(open != NULL);
        id = strtoull(open + 5, NULL, 10);
    }
    SYS_OK(stat(mount_path, &st));
    CHECK((uint64_t)st.st_ino != id);
    require_unheld("net", id);
    CHECK(mounted_in(mi, id));
    check_only_in_all(&b, NS_NET, id);
    child_stop(&c);
    remove_mount_point();
    free(b.v);
}

static void test_held_by_bind_mount_in_processless_mount_ns(void)
{
    SKIP_UNLESS_ROOT();
    struct list_buf b = {0};
    make_mount_point();
    struct child c;
    child_start(&c, bind_new_net, (void *)1, true, -1);
    char mi[64];
    snprintf(mi, sizeof mi, "/proc/%d/mountinfo", (int)c.pid);
    static char text[1 << 18];
    REQUIRE(read_file(mi, text, sizeof text) > 0);
    char *hit = strstr(text, mount_path);
    REQUIRE(hit != NULL);
    while (hit > text && hit[-1] != '\n')
        hit--;
    char *open_br = strstr(hit, "net:[");
    REQUIRE(open_br != NULL);
    uint64_t net_id = strtoull(open_br + 5, NULL, 10);
    /* The mount namespace outlives its only process through our fd. */
    int mnt = open_ns_file(c.pid, "mnt");
    REQUIRE(mnt >= 0);
    uint64_t mnt_id = fd_ns_id(mnt);
    child_stop(&c);
    require_unheld("mnt", mnt_id);
    require_unheld("net", net_id);
    const struct ns_info *m = check_only_in_all(&b, NS_MNT, mnt_id);
    (void)m;
    check_only_in_all(&b, NS_NET, net_id);
    close(mnt);
    remove_mount_point();
    free(b.v);
}

/* ---- alive only as a parent -------------------------------------------- */

static int parent_userns_ready[2];

/* In a user namespace of its own (mapped, so it may nest), a child of ours
 * makes the nested one and waits there. */
static char nest_user_namespaces(void *arg)
{
    int *ctl = arg;
    raw_become_root_in_userns();
    pid_t inner = fork();
    if (inner < 0)
        return 'f';
    if (inner == 0) {
        pid_t me = unshare(CLONE_NEWUSER) == 0 ? getpid() : -1;
        char x;
        if (write(parent_userns_ready[1], &me, sizeof me) != sizeof me)
            _exit(1);
        while (read(ctl[0], &x, 1) < 0 && errno == EINTR)
            ;
        _exit(0);
    }
    int st;
    while (waitpid(inner, &st, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? '1' : 'w';
}

static void check_parent_only(void)
{
    struct list_buf b = {0};
    int ctl[2];
    SYS_OK(pipe2(ctl, O_CLOEXEC));
    SYS_OK(pipe2(parent_userns_ready, O_CLOEXEC));
    fflush(stdout);
    fflush(stderr);
    pid_t outer = SYS_OK(fork());
    if (outer == 0) {
        close(ctl[1]);
        close(parent_userns_ready[0]);
        char ok = nest_user_namespaces(ctl);
        _exit(ok == '1' ? 0 : 1);
    }
    close(ctl[0]);
    close(parent_userns_ready[1]);
    pid_t inner = -1;
    while (read(parent_userns_ready[0], &inner, sizeof inner) < 0 && errno == EINTR)
        ;
    close(parent_userns_ready[0]);
    REQUIRE(inner > 0);
    uint64_t parent = ns_id_of(outer, "user");
    int child_fd = open_ns_file(inner, "user");
    REQUIRE(child_fd >= 0);
    uint64_t child = fd_ns_id(child_fd);
    int p = (int)REQUIRE_OK(ns_get_parent(child_fd));
    CHECK_EQ_U64(fd_ns_id(p), parent);
    close(p);
    close(ctl[1]); /* both processes end */
    int st;
    wait_child(outer, &st);
    REQUIRE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    require_unheld("user", parent);
    require_unheld("user", child);

    const struct ns_info *pi = check_only_in_all(&b, NS_USER, parent);
    if (pi) {
        CHECK_EQ_U64(pi->parent_id, ns_id_of(0, "user"));
        CHECK_EQ_U64(pi->userns_id, ns_id_of(0, "user"));
        CHECK_EQ_U64(pi->owner_uid, geteuid());
    }
    const struct ns_info *ci = find_info(&b, NS_USER, child);
    CHECKF(ci && ci->parent_id == parent && ci->userns_id == parent && ci->nprocs == 0,
           "child user:[%" PRIu64 "] %s", child, ci ? "with wrong fields" : "missing");
    if (ci && ci->parent_id != parent)
        print_info("child", ci);
    close(child_fd);
    list_into(&b, NS_USER, NS_LIST_ALL);
    CHECKF(find_info(&b, NS_USER, parent) == NULL,
           "user:[%" PRIu64 "] still listed once its child is gone", parent);
    free(b.v);
}

static void test_alive_only_as_parent(void)
{
    check_parent_only();
}

static void test_alive_only_as_parent_unprivileged(void)
{
    drop_to_nobody();
    check_parent_only();
}

/* A pid namespace dies with its init, but lives on as the parent of a
 * child pid namespace that a descriptor holds: only NS_GET_PARENT finds
 * it (its owner is our user namespace, which every walk reaches anyway). */
static void test_pid_ns_alive_only_as_parent(void)
{
    SKIP_UNLESS_ROOT();
    struct list_buf b = {0};
    int ready[2], ctl[2];
    SYS_OK(pipe2(ready, O_CLOEXEC));
    SYS_OK(pipe2(ctl, O_CLOEXEC));
    fflush(stdout);
    fflush(stderr);
    pid_t outer = SYS_OK(fork());
    if (outer == 0) {
        /* outer: unshare -p; its first child is init of P and unshares -p
         * again; that one's child is init of C. The test learns init of
         * P's pid (outer's pid namespace is the test's). */
        close(ready[0]);
        close(ctl[1]);
        if (unshare(CLONE_NEWPID) < 0)
            _exit(1);
        pid_t init_p = fork();
        if (init_p == 0) {
            if (unshare(CLONE_NEWPID) < 0)
                _exit(1);
            pid_t init_c = fork();
            if (init_c == 0) {
                char x;
                while (read(ctl[0], &x, 1) < 0 && errno == EINTR)
                    ;
                _exit(0);
            }
            int st;
            while (waitpid(init_c, &st, 0) < 0 && errno == EINTR)
                ;
            _exit(0);
        }
        pid_t me = init_p;
        if (write(ready[1], &me, sizeof me) != sizeof me)
            _exit(1);
        int st;
        while (waitpid(init_p, &st, 0) < 0 && errno == EINTR)
            ;
        _exit(0);
    }
    close(ready[1]);
    close(ctl[0]);
    pid_t init_p = -1;
    while (read(ready[0], &init_p, sizeof init_p) < 0 && errno == EINTR)
        ;
    close(ready[0]);
    REQUIRE(init_p > 0);
    uint64_t p_id = ns_id_of(init_p, "pid");
    /* init of C: init_p's only child, once it has forked. */
    uint64_t c_id = 0;
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/ns/pid_for_children", (int)init_p);
    for (int i = 0; i < 1000 && (c_id == 0 || c_id == p_id); i++) {
        c_id = parse_ns_link(path);
        if (c_id == 0 || c_id == p_id)
            usleep(1000);
    }
    REQUIRE(c_id != 0 && c_id != p_id);
    int c_fd = open(path, O_RDONLY | O_CLOEXEC);
    REQUIRE(c_fd >= 0);
    CHECK_EQ_U64(fd_ns_id(c_fd), c_id);
    close(ctl[1]); /* every process of P and C ends */
    int st;
    wait_child(outer, &st);
    REQUIRE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    require_unheld("pid", p_id);
    require_unheld("pid", c_id);
    int parent = (int)REQUIRE_OK(ns_get_parent(c_fd));
    CHECK_EQ_U64(fd_ns_id(parent), p_id);
    close(parent);
    const struct ns_info *pi = check_only_in_all(&b, NS_PID, p_id);
    if (pi)
        CHECK_EQ_U64(pi->parent_id, ns_id_of(0, "pid"));
    const struct ns_info *ci = find_info(&b, NS_PID, c_id);
    CHECKF(ci && ci->parent_id == p_id && ci->nprocs == 0, "pid:[%" PRIu64 "] %s", c_id,
           ci ? "with wrong fields" : "missing");
    close(c_fd);
    free(b.v);
}

/* ---- threads and *_for_children ---------------------------------------- */

struct thread_ns {
    int go[2], done[2];
    uint64_t id;
};

static void *unshare_uts_thread(void *arg)
{
    struct thread_ns *t = arg;
    char x = unshare(CLONE_NEWUTS) == 0 ? '1' : 'u';
    t->id = ns_id_of(0, "uts");
    if (write(t->done[1], &x, 1) != 1)
        return NULL;
    while (read(t->go[0], &x, 1) < 0 && errno == EINTR)
        ;
    return NULL;
}

static void test_thread_in_other_namespace(void)
{
    SKIP_UNLESS_ROOT();
    struct list_buf b = {0};
    struct thread_ns t = {.id = 0};
    SYS_OK(pipe2(t.go, O_CLOEXEC));
    SYS_OK(pipe2(t.done, O_CLOEXEC));
    pthread_t th;
    REQUIRE(pthread_create(&th, NULL, unshare_uts_thread, &t) == 0);
    char x = 0;
    while (read(t.done[0], &x, 1) < 0 && errno == EINTR)
        ;
    REQUIRE(x == '1');
    CHECK(t.id != ns_id_of(getpid(), "uts"));
    check_only_in_all(&b, NS_UTS, t.id);
    close(t.go[1]);
    pthread_join(th, NULL);
    close(t.go[0]);
    close(t.done[0]);
    close(t.done[1]);
    free(b.v);
}

static char unshare_time(void *arg)
{
    (void)arg;
    return unshare(CLONE_NEWTIME) == 0 ? '1' : 't';
}

static void test_time_for_children(void)
{
    SKIP_UNLESS_ROOT();
    if (access("/proc/self/ns/time", F_OK) != 0)
        SKIP("no time namespaces in this kernel");
    struct list_buf b = {0};
    struct child c;
    child_start(&c, unshare_time, NULL, true, -1);
    char link[64];
    snprintf(link, sizeof link, "/proc/%d/ns/time_for_children", (int)c.pid);
    uint64_t id = parse_ns_link(link);
    REQUIRE(id != 0 && id != ns_id_of(c.pid, "time"));
    require_unheld("time", id);
    check_only_in_all(&b, NS_TIME, id);
    child_stop(&c);
    free(b.v);
}

int main(void)
{
    RUN(test_held_by_own_fd);
    RUN(test_held_by_fd_of_another_process);
    RUN(test_held_by_bind_mount);
    RUN(test_held_by_bind_mount_in_other_mount_ns);
    RUN(test_held_by_bind_mount_in_processless_mount_ns);
    RUN(test_alive_only_as_parent);
    RUN(test_alive_only_as_parent_unprivileged);
    RUN(test_pid_ns_alive_only_as_parent);
    RUN(test_thread_in_other_namespace);
    RUN(test_time_for_children);
    return check_summary();
}
