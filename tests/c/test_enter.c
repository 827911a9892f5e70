/* ns_enter_pid (nsenter -t PID) and ns_run_in (a function on a thread in
 * other namespaces, the caller and its other threads staying put). */
#include "check.h"
#include <sys/mount.h>

#define NET_UTS_IPC (CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC)

/* Every namespace id of the calling thread (0 when unreadable). */
struct ids {
    uint64_t id[N_KINDS];
};

static void ids_of(pid_t pid, struct ids *o)
{
    for (size_t i = 0; i < N_KINDS; i++)
        o->id[i] = ns_id_of(pid, NS_KINDS[i].name);
}

/* Each type in `moved` equals target's, every other one equals before's. */
static void check_ids(const struct ids *now, const struct ids *target,
                      const struct ids *before, int moved)
{
    for (size_t i = 0; i < N_KINDS; i++) {
        bool in = (moved & NS_KINDS[i].type) != 0;
        uint64_t want = in ? target->id[i] : before->id[i];
        CHECKF(now->id[i] == want, "%s: %" PRIu64 ", want %" PRIu64 " (%s)",
               NS_KINDS[i].name, now->id[i], want, in ? "target's" : "unchanged");
    }
}

/* ---- ns_enter_pid ------------------------------------------------------- */

static void test_enter_pid_mask(void)
{
    SKIP_UNLESS_ROOT();
    struct holder h;
    holder_start(&h, NET_UTS_IPC, "lnstest-enter", HOLDER_KEEP_UID);
    struct ids before, target, now;
    ids_of(0, &before);
    ids_of(h.pid, &target);
    CHECK(CHECK_OK(ns_enter_pid(h.pid, NS_NET | NS_UTS | NS_IPC)) == 0);
    ids_of(0, &now);
    check_ids(&now, &target, &before, NS_NET | NS_UTS | NS_IPC);
    char name[256];
    hostname_now(name, sizeof name);
    CHECK_STREQ(name, "lnstest-enter");
    holder_stop(&h);
}

static void test_enter_pid_subset(void)
{
    SKIP_UNLESS_ROOT();
    struct holder h;
    holder_start(&h, NET_UTS_IPC, "lnstest-subset", HOLDER_KEEP_UID);
    struct ids before, target, now;
    ids_of(0, &before);
    ids_of(h.pid, &target);
    CHECK(CHECK_OK(ns_enter_pid(h.pid, NS_UTS)) == 0);
    ids_of(0, &now);
    check_ids(&now, &target, &before, NS_UTS);
    /* Types we are already in are skipped: entering again is fine. */
    CHECK(CHECK_OK(ns_enter_pid(h.pid, NS_UTS | NS_MNT | NS_USER)) == 0);
    ids_of(0, &now);
    check_ids(&now, &target, &before, NS_UTS);
    holder_stop(&h);
}

static void test_enter_pid_all_differing(void)
{
    SKIP_UNLESS_ROOT();
    struct holder h;
    holder_start(&h, NET_UTS_IPC | CLONE_NEWNS, "lnstest-all", HOLDER_KEEP_UID);
    struct ids before, target, now;
    ids_of(0, &before);
    ids_of(h.pid, &target);
    CHECK(CHECK_OK(ns_enter_pid(h.pid, 0)) == 0);
    ids_of(0, &now);
    check_ids(&now, &target, &before, NS_ALL);
    char name[256];
    hostname_now(name, sizeof name);
    CHECK_STREQ(name, "lnstest-all");
    holder_stop(&h);
}

static void test_enter_pid_user_and_all(void)
{
    /* Root or not: the owner of a user namespace may enter it and what it owns. */
    struct holder h;
    holder_start(&h, CLONE_NEWUSER | CLONE_NEWUTS | CLONE_NEWNET, "lnstest-user",
                 HOLDER_KEEP_UID);
    struct ids before, target, now;
    ids_of(0, &before);
    ids_of(h.pid, &target);
    CHECK(CHECK_OK(ns_enter_pid(h.pid, 0)) == 0);
    ids_of(0, &now);
    check_ids(&now, &target, &before, NS_ALL);
    char name[256];
    hostname_now(name, sizeof name);
    CHECK_STREQ(name, "lnstest-user");
    holder_stop(&h);
}

static void test_enter_pid_same_namespaces(void)
{
    /* Nothing differs: a no-op, for any mask. */
    struct ids before, now;
    ids_of(0, &before);
    CHECK(CHECK_OK(ns_enter_pid(getpid(), 0)) == 0);
    CHECK(CHECK_OK(ns_enter_pid(getpid(), NS_ALL)) == 0);
    CHECK(CHECK_OK(ns_enter_pid(getppid(), NS_NET | NS_USER)) == 0);
    ids_of(0, &now);
    check_ids(&now, &before, &before, 0);
}

static void test_enter_pid_errors(void)
{
    struct ids before, now;
    ids_of(0, &before);
    CHECK_ERR(ns_enter_pid(0, NS_NET), EINVAL);
    CHECK_ERR(ns_enter_pid(0, 0), EINVAL);
    CHECK_ERR(ns_enter_pid(-1, NS_NET), EINVAL);
    CHECK_ERR(ns_enter_pid(-getpid(), 0), EINVAL);
    CHECK_ERR(ns_enter_pid(getpid(), 0x1), EINVAL);
    CHECK_ERR(ns_enter_pid(getpid(), 0x100), EINVAL);
    CHECK_ERR(ns_enter_pid(getpid(), NS_NET | 0x100), EINVAL);
    CHECK_ERR(ns_enter_pid(getpid(), (int)0x80000000), EINVAL);
    pid_t gone = reaped_pid();
    CHECK_ERR(ns_enter_pid(gone, NS_NET), ESRCH);
    CHECK_ERR(ns_enter_pid(gone, 0), ESRCH);
    pid_t unused = unused_pid();
    if (unused)
        CHECK_ERR(ns_enter_pid(unused, NS_UTS), ESRCH);
    ids_of(0, &now);
    check_ids(&now, &before, &before, 0);
}

static void test_enter_pid_unprivileged(void)
{
    SKIP_UNLESS_ROOT();
    struct holder h;
    holder_start(&h, NET_UTS_IPC, NULL, HOLDER_KEEP_UID);
    SYS_OK(setgroups(0, NULL));
    SYS_OK(setresgid(65534, 65534, 65534));
    SYS_OK(setresuid(65534, 65534, 65534));
    struct ids before, now;
    ids_of(0, &before);
    CHECK_ERR(ns_enter_pid(h.pid, NS_NET), EPERM);
    CHECK_ERR(ns_enter_pid(h.pid, NS_NET | NS_UTS), EPERM);
    ids_of(0, &now);
    check_ids(&now, &before, &before, 0);
    holder_stop(&h);
}

/* statx's mount id of path (0 on failure): differs between mount namespaces. */
static uint64_t mount_id_of(const char *path)
{
    struct statx sx;
    if (statx(AT_FDCWD, path, 0, STATX_MNT_ID, &sx) < 0 || !(sx.stx_mask & STATX_MNT_ID))
        return 0;
    return sx.stx_mnt_id;
}


/*
 * In a forked child with a second thread: while the calling thread shares
 * its filesystem context, ns_enter_pid(target, types with NS_MNT) is
 * -EINVAL and changes nothing (through a pidfd the kernel would move the
 * root of both threads). After ns_unshare(CLONE_FS) it moves the calling
 * thread only: the other thread keeps its namespaces and its root (statx's
 * mount id tells a mount of the target namespace from the original).
 */
static void enter_mt(void *arg)
{
    const int *a = arg; /* {target pid, types, moved} */
    struct idle_thread t;
    idle_thread_start(&t);
    pid_t other = other_thread();
    char other_root[64];
    snprintf(other_root, sizeof other_root, "/proc/self/task/%d/root", (int)other);
    uint64_t root_before = mount_id_of("/"), other_before = mount_id_of(other_root);
    REQUIRE(root_before && other_before);
    struct ids before, target, now, other_now;
    ids_of(0, &before);
    ids_of(a[0], &target);

    CHECK_ERR(ns_enter_pid(a[0], a[1]), EINVAL);
    const char *e = ns_last_error();
    CHECKF(strstr(e, "filesystem context") != NULL, "ns_last_error does not say why: \"%s\"", e);
    ids_of(0, &now);
    check_ids(&now, &before, &before, 0);
    CHECK(mount_id_of("/") == root_before);
    CHECK(mount_id_of(other_root) == other_before);

    CHECK_OK(ns_unshare(CLONE_FS));
    CHECK(CHECK_OK(ns_enter_pid(a[0], a[1])) == 0);
    ids_of(0, &now);
    check_ids(&now, &target, &before, a[2]);
    CHECK(mount_id_of("/") != root_before);
    ids_of(other, &other_now);
    check_ids(&other_now, &before, &before, 0);
    CHECKF(mount_id_of(other_root) == other_before,
           "the other thread's root moved to mount %" PRIu64 " (was %" PRIu64 ")",
           mount_id_of(other_root), other_before);
    idle_thread_stop(&t);
}

static void run_in_child(void (*fn)(void *), void *arg, const char *what)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = SYS_OK(fork());
    if (pid == 0) {
        fn(arg);
        check_exit(check_failures ? 1 : 0);
    }
    int st;
    wait_child(pid, &st);
    CHECKF(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: status 0x%x", what, st);
}

static void test_enter_pid_multithreaded(void)
{
    SKIP_UNLESS_ROOT();
    struct holder h, u;
    holder_start(&h, CLONE_NEWNS | CLONE_NEWUTS, "lnstest-mt", HOLDER_KEEP_UID);
    holder_start(&u, CLONE_NEWUSER | CLONE_NEWUTS, NULL, HOLDER_KEEP_UID);
    int mnt[3] = {h.pid, NS_MNT, NS_MNT};
    int mnt_uts[3] = {h.pid, NS_MNT | NS_UTS, NS_MNT | NS_UTS};
    int all[3] = {h.pid, 0, NS_ALL};
    run_in_child(enter_mt, mnt, "NS_MNT");
    run_in_child(enter_mt, mnt_uts, "NS_MNT | NS_UTS");
    run_in_child(enter_mt, all, "0 (every differing type)");

    /* A thread of a multithreaded process cannot join a user namespace:
     * nothing moves. */
    struct idle_thread t;
    idle_thread_start(&t);
    struct ids before, now;
    ids_of(0, &before);
    CHECK_ERR(ns_enter_pid(u.pid, NS_USER | NS_UTS), EINVAL);
    const char *e = ns_last_error();
    CHECKF(strstr(e, "thread") != NULL, "ns_last_error does not say why: \"%s\"", e);
    CHECK_ERR(ns_enter_pid(u.pid, 0), EINVAL);
    ids_of(0, &now);
    check_ids(&now, &before, &before, 0);
    idle_thread_stop(&t);
    holder_stop(&u);
    holder_stop(&h);
}

/* ---- ns_run_in ---------------------------------------------------------- */

static int write_file_new(const char *path)
{
    int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

/*
 * A holder in new net, uts and ipc namespaces and a private mount namespace
 * in which a tmpfs with a marker file is mounted on `dir` (empty outside).
 */
static void mnt_holder_start(struct holder *h, const char *dir)
{
    int ready[2], ctl[2];
    SYS_OK(pipe2(ready, O_CLOEXEC));
    SYS_OK(pipe2(ctl, O_CLOEXEC));
    fflush(stdout);
    fflush(stderr);
    pid_t pid = SYS_OK(fork());
    if (pid == 0) {
        char ok = '1', c, marker[320];
        snprintf(marker, sizeof marker, "%s/marker", dir);
        if (unshare(NET_UTS_IPC | CLONE_NEWNS) < 0 ||
            mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
            mount("tmpfs", dir, "tmpfs", 0, "size=64k") < 0 ||
            write_file_new(marker) < 0 ||
            sethostname("lnstest-runin", 13) < 0)
            ok = 'm';
        if (write(ready[1], &ok, 1) != 1)
            _exit(1);
        while (read(ctl[0], &c, 1) < 0 && errno == EINTR)
            ;
        _exit(0);
    }
    close(ready[1]);
    close(ctl[0]);
    char ok = 0;
    while (read(ready[0], &ok, 1) < 0 && errno == EINTR)
        ;
    close(ready[0]);
    h->pid = pid;
    h->ctl = ctl[1];
    if (ok != '1') {
        check_fail(__FILE__, __LINE__, "mount holder setup failed");
        holder_stop(h);
        check_exit(1);
    }
}

/* What fn saw on its thread. */
struct seen {
    int calls;
    struct ids ids;
    char hostname[256];
    bool marker;
    const char *marker_path;
    int ret;
};

static int record(void *arg)
{
    struct seen *s = arg;
    s->calls++;
    ids_of(0, &s->ids);
    hostname_now(s->hostname, sizeof s->hostname);
    s->marker = s->marker_path && access(s->marker_path, F_OK) == 0;
    return s->ret;
}

/* Threads that record their ids before and after the call. */
struct watcher {
    pthread_t thread;
    int go[2], done[2];
    struct ids before, after;
};

static void *watch(void *arg)
{
    struct watcher *w = arg;
    char c = 'r';
    ids_of(0, &w->before);
    if (write(w->done[1], &c, 1) != 1)
        return NULL;
    while (read(w->go[0], &c, 1) < 0 && errno == EINTR)
        ;
    ids_of(0, &w->after);
    return NULL;
}

static void test_run_in_multithreaded(void)
{
    SKIP_UNLESS_ROOT();
    char dir[] = "/tmp/lnstest-runin-XXXXXX", marker[64];
    REQUIRE(mkdtemp(dir) != NULL);
    snprintf(marker, sizeof marker, "%s/marker", dir);
    struct holder h;
    mnt_holder_start(&h, dir);
    struct ids target;
    ids_of(h.pid, &target);

    struct watcher w[3];
    for (int i = 0; i < 3; i++) {
        SYS_OK(pipe2(w[i].go, O_CLOEXEC));
        SYS_OK(pipe2(w[i].done, O_CLOEXEC));
        REQUIRE(pthread_create(&w[i].thread, NULL, watch, &w[i]) == 0);
        char c;
        REQUIRE(read(w[i].done[0], &c, 1) == 1);
    }
    struct ids mine, after;
    ids_of(0, &mine);
    struct stat root_before, cwd_before, root_after, cwd_after;
    SYS_OK(stat("/", &root_before));
    SYS_OK(stat(".", &cwd_before));

    int pidfd = SYS_OK(pidfd_open_(h.pid));
    const int mask = NS_NET | NS_UTS | NS_IPC | NS_MNT;
    struct seen s = {.marker_path = marker, .ret = 42};
    int result = -1;
    CHECK(CHECK_OK(ns_run_in(pidfd, mask, record, &s, &result)) == 0);
    CHECK(s.calls == 1 && result == 42);
    check_ids(&s.ids, &target, &mine, mask);
    CHECK_STREQ(s.hostname, "lnstest-runin");
    CHECKF(s.marker, "fn did not see %s of the target mount namespace", marker);

    /* One namespace fd at a time, types 0 or exact. */
    for (size_t i = 0; i < N_KINDS; i++) {
        int t = NS_KINDS[i].type;
        if (!(mask & t))
            continue;
        int fd = SYS_OK(open_ns_file(h.pid, NS_KINDS[i].name));
        struct seen one = {.marker_path = marker, .ret = (int)i};
        result = -1;
        CHECK(CHECK_OK(ns_run_in(fd, i % 2 ? t : 0, record, &one, &result)) == 0);
        CHECK(one.calls == 1 && result == (int)i);
        check_ids(&one.ids, &target, &mine, t);
        CHECK(one.marker == (t == NS_MNT));
        close(fd);
    }

    ids_of(0, &after);
    check_ids(&after, &mine, &mine, 0);
    CHECK(access(marker, F_OK) != 0);
    /* The caller's root and working directory stayed. */
    SYS_OK(stat("/", &root_after));
    SYS_OK(stat(".", &cwd_after));
    CHECK(root_after.st_dev == root_before.st_dev && root_after.st_ino == root_before.st_ino);
    CHECK(cwd_after.st_dev == cwd_before.st_dev && cwd_after.st_ino == cwd_before.st_ino);
    for (int i = 0; i < 3; i++) {
        char c = 'g';
        CHECK(write(w[i].go[1], &c, 1) == 1);
        pthread_join(w[i].thread, NULL);
        check_ids(&w[i].after, &w[i].before, &w[i].before, 0);
        check_ids(&w[i].before, &mine, &mine, 0);
        close(w[i].go[0]);
        close(w[i].go[1]);
        close(w[i].done[0]);
        close(w[i].done[1]);
    }
    close(pidfd);
    holder_stop(&h);
    rmdir(dir);
}

static void test_run_in_result(void)
{
    /* setns needs CAP_SYS_ADMIN over the namespace, even our own. */
    SKIP_UNLESS_ROOT();
    int fd = SYS_OK(open_ns_file(0, "uts"));
    struct seen s = {.ret = -7};
    int result = 12345;
    CHECK(CHECK_OK(ns_run_in(fd, NS_UTS, record, &s, &result)) == 0);
    CHECK(result == -7 && s.calls == 1);
    s.ret = 3;
    CHECK(CHECK_OK(ns_run_in(fd, 0, record, &s, NULL)) == 0);
    CHECK(s.calls == 2);
    close(fd);
}

static void test_run_in_user_refused(void)
{
    struct holder h;
    holder_start(&h, CLONE_NEWUSER | CLONE_NEWUTS, NULL, HOLDER_KEEP_UID);
    int fd = SYS_OK(open_ns_file(h.pid, "user"));
    int pidfd = SYS_OK(pidfd_open_(h.pid));
    struct seen s = {.ret = 1};
    int result = 555;
    CHECK_ERR(ns_run_in(fd, 0, record, &s, &result), EINVAL);
    const char *e = ns_last_error();
    CHECKF(strstr(e, "user") != NULL, "ns_last_error does not say why: \"%s\"", e);
    CHECK_ERR(ns_run_in(fd, NS_USER, record, &s, &result), EINVAL);
    CHECK_ERR(ns_run_in(pidfd, NS_USER | NS_UTS, record, &s, &result), EINVAL);
    CHECK(s.calls == 0 && result == 555);
    CHECK(ns_id_of(0, "user") != ns_id_of(h.pid, "user"));
    close(pidfd);
    close(fd);
    holder_stop(&h);
}

static void test_run_in_errors(void)
{
    struct seen s = {0};
    int result = 555;
    int fd = SYS_OK(open_ns_file(0, "net"));
    int pidfd = SYS_OK(pidfd_open_(getpid()));
    CHECK_ERR(ns_run_in(fd, 0, NULL, &s, &result), EINVAL);
    CHECK_ERR(ns_run_in(pidfd, NS_NET, NULL, &s, &result), EINVAL);
    CHECK_ERR(ns_run_in(fd, NS_UTS, record, &s, &result), EINVAL);
    CHECK_ERR(ns_run_in(fd, NS_NET | NS_UTS, record, &s, &result), EINVAL);
    CHECK_ERR(ns_run_in(fd, NS_NET | 0x100, record, &s, &result), EINVAL);
    CHECK_ERR(ns_run_in(pidfd, 0, record, &s, &result), EINVAL);
    CHECK_ERR(ns_run_in(pidfd, 0x1, record, &s, &result), EINVAL);
    CHECK_ERR(ns_run_in(-1, 0, record, &s, &result), EBADF);
    int closed = SYS_OK(open("/dev/null", O_RDONLY | O_CLOEXEC));
    close(closed);
    CHECK_ERR(ns_run_in(closed, NS_NET, record, &s, &result), EBADF);
    int devnull = SYS_OK(open("/dev/null", O_RDONLY | O_CLOEXEC));
    CHECK_ERR(ns_run_in(devnull, 0, record, &s, &result), EINVAL);
    close(devnull);
    /* A process that has exited. */
    pid_t pid = SYS_OK(fork());
    if (pid == 0)
        _exit(0);
    int gone = SYS_OK(pidfd_open_(pid));
    int st;
    wait_child(pid, &st);
    CHECK_ERR(ns_run_in(gone, NS_NET, record, &s, &result), ESRCH);
    close(gone);
    CHECK(s.calls == 0 && result == 555);
    close(pidfd);
    close(fd);
}

static void test_run_in_unprivileged_refused(void)
{
    SKIP_UNLESS_ROOT();
    struct holder h;
    holder_start(&h, CLONE_NEWNET, NULL, HOLDER_KEEP_UID);
    int fd = SYS_OK(open_ns_file(h.pid, "net"));
    SYS_OK(setgroups(0, NULL));
    SYS_OK(setresgid(65534, 65534, 65534));
    SYS_OK(setresuid(65534, 65534, 65534));
    struct seen s = {0};
    int result = 555;
    CHECK_ERR(ns_run_in(fd, NS_NET, record, &s, &result), EPERM);
    CHECK(s.calls == 0 && result == 555);
    close(fd);
    holder_stop(&h);
}

int main(void)
{
    RUN(test_enter_pid_mask);
    RUN(test_enter_pid_subset);
    RUN(test_enter_pid_all_differing);
    RUN(test_enter_pid_user_and_all);
    RUN(test_enter_pid_same_namespaces);
    RUN(test_enter_pid_errors);
    RUN(test_enter_pid_unprivileged);
    RUN(test_enter_pid_multithreaded);
    RUN(test_run_in_multithreaded);
    RUN(test_run_in_result);
    RUN(test_run_in_user_refused);
    RUN(test_run_in_errors);
    RUN(test_run_in_unprivileged_refused);
    return check_summary();
}
