/* ns_spawn_attr_join: a program started in namespaces another process
 * holds (uts, net, pid, user), by namespace fd and by pidfd. */
#include "check_spawn.h"

static ns_spawn_attr *new_attr(void)
{
    ns_spawn_attr *a = ns_spawn_attr_new();
    REQUIRE(a != NULL);
    return a;
}

/* The program's namespace `name` is the holder's (same) or ours (!same). */
static void check_ns(const char *out, const char *name, pid_t holder, bool same)
{
    uint64_t got = out_ns_id(out, name);
    uint64_t want = same ? ns_id_of(holder, name) : ns_id_of(0, name);
    CHECKF(got != 0 && got == want, "%s: %" PRIu64 ", expected %s %" PRIu64 "\n%s",
           name, got, same ? "the holder's" : "ours", want, out);
}

/* The hostname in the UTS namespace of `pid`, seen by a forked child. */
static void hostname_of(pid_t pid, char *buf, size_t size)
{
    int p[2];
    SYS_OK(pipe2(p, O_CLOEXEC));
    pid_t kid = SYS_OK(fork());
    if (kid == 0) {
        char name[256] = "(setns failed)";
        int fd = open_ns_file(pid, "uts");
        if (fd >= 0 && setns(fd, CLONE_NEWUTS) == 0)
            hostname_now(name, sizeof name);
        _exit(write(p[1], name, strlen(name)) > 0 ? 0 : 1);
    }
    close(p[1]);
    read_all(p[0], buf, size);
    close(p[0]);
    int st;
    wait_child(kid, &st);
}

static void test_uts_net_by_namespace_fds(void)
{
    SKIP_UNLESS_ROOT();
    struct holder h;
    holder_start(&h, CLONE_NEWUTS | CLONE_NEWNET, "linuxns-join-fds", HOLDER_KEEP_UID);
    int uts = SYS_OK(open_ns_file(h.pid, "uts"));
    int net = SYS_OK(open_ns_file(h.pid, "net"));
    ns_spawn_attr *a = new_attr();
    REQUIRE_OK(ns_spawn_attr_join(a, uts, NS_UTS));
    REQUIRE_OK(ns_spawn_attr_join(a, net, 0));
    close(uts); /* the attribute keeps its own copies */
    close(net);
    char out[4096], line[128];
    SH_OK(a, "echo \"host $(hostname)\"; " NS_SCRIPT, out);
    check_ns(out, "uts", h.pid, true);
    check_ns(out, "net", h.pid, true);
    check_ns(out, "user", h.pid, false);
    check_ns(out, "mnt", h.pid, false);
    CHECK_STREQ(out_line(out, "host ", line, sizeof line), "linuxns-join-fds");
    ns_spawn_attr_free(a);
    holder_stop(&h);
}

static void test_uts_net_by_pidfd_with_hostname(void)
{
    SKIP_UNLESS_ROOT();
    struct holder h;
    holder_start(&h, CLONE_NEWUTS | CLONE_NEWNET, "linuxns-join-pidfd", HOLDER_KEEP_UID);
    int pidfd = SYS_OK(pidfd_open_(h.pid));
    ns_spawn_attr *a = new_attr();
    REQUIRE_OK(ns_spawn_attr_join(a, pidfd, NS_UTS | NS_NET));
    close(pidfd);
    /* A joined UTS namespace may be given a hostname: the holder's. */
    REQUIRE_OK(ns_spawn_attr_set_hostname(a, "linuxns-join-renamed"));
    char out[4096], line[128], before[256], after[256];
    hostname_now(before, sizeof before);
    int out_pidfd = -1;
    int p[2];
    SYS_OK(pipe2(p, O_CLOEXEC));
    REQUIRE_OK(ns_spawn_attr_set_fd(a, 1, p[1]));
    char *argv[] = {"sh", "-c", "echo \"host $(hostname)\"; " NS_SCRIPT, NULL};
    pid_t pid = REQUIRE_OK(ns_spawn("/bin/sh", argv, NULL, a, &out_pidfd));
    close(p[1]);
    read_all(p[0], out, sizeof out);
    close(p[0]);
    CHECK(out_pidfd >= 0 && pidfd_pid(out_pidfd) == pid && fd_cloexec(out_pidfd));
    int st;
    CHECK(wait_child(pid, &st) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    close(out_pidfd);
    check_ns(out, "uts", h.pid, true);
    check_ns(out, "net", h.pid, true);
    check_ns(out, "ipc", h.pid, false);
    CHECK_STREQ(out_line(out, "host ", line, sizeof line), "linuxns-join-renamed");
    hostname_of(h.pid, line, sizeof line);
    CHECK_STREQ(line, "linuxns-join-renamed");
    hostname_now(after, sizeof after);
    CHECK_STREQ(after, before);
    ns_spawn_attr_free(a);
    holder_stop(&h);
}

/* A holder of a new pid namespace; its init's pid (as we see it). */
static pid_t pid_ns_init_of(const struct holder *h)
{
    pid_t kids[4];
    REQUIRE(children_of(h->pid, kids, 4) == 1);
    return kids[0];
}

static void check_in_pid_ns(ns_spawn_attr *a, pid_t init)
{
    char out[8192], line[128];
    pid_t pid = SH_OK(a, "echo \"pidns $(readlink /proc/self/ns/pid)\"; "
                         "echo \"self $$\"; exec cat /proc/self/status", out);
    CHECKF(text_ns_id(out_line(out, "pidns ", line, sizeof line)) == ns_id_of(init, "pid"),
           "pid namespace %s, the holder's is %" PRIu64, line, ns_id_of(init, "pid"));
    CHECK(ns_id_of(init, "pid") != ns_id_of(0, "pid"));
    /* Not the init there (that is the holder's), and seen by us as pid. */
    CHECK(atoi(out_line(out, "self ", line, sizeof line)) > 1);
    int outside = 0, inside = 0;
    CHECKF(out_line(out, "NSpid:", line, sizeof line) &&
           sscanf(line, "%d %d", &outside, &inside) == 2 && outside == pid && inside > 1,
           "NSpid:%s, spawned %d", line, (int)pid);
}

static void test_pid_by_namespace_fd(void)
{
    SKIP_UNLESS_ROOT();
    struct holder h;
    holder_start(&h, CLONE_NEWPID, NULL, HOLDER_KEEP_UID);
    pid_t init = pid_ns_init_of(&h);
    int fd = SYS_OK(open_ns_file(init, "pid"));
    ns_spawn_attr *a = new_attr();
    REQUIRE_OK(ns_spawn_attr_join(a, fd, NS_PID));
    close(fd);
    check_in_pid_ns(a, init);
    ns_spawn_attr_free(a);
    /* pid_for_children of the holder names the same namespace. */
    fd = SYS_OK(open_ns_file(h.pid, "pid_for_children"));
    a = new_attr();
    REQUIRE_OK(ns_spawn_attr_join(a, fd, 0));
    close(fd);
    check_in_pid_ns(a, init);
    ns_spawn_attr_free(a);
    holder_stop(&h);
}

static void test_pid_by_pidfd(void)
{
    SKIP_UNLESS_ROOT();
    struct holder h;
    holder_start(&h, CLONE_NEWPID | CLONE_NEWUTS, "linuxns-join-pid", HOLDER_KEEP_UID);
    pid_t init = pid_ns_init_of(&h);
    int pidfd = SYS_OK(pidfd_open_(init));
    ns_spawn_attr *a = new_attr();
    REQUIRE_OK(ns_spawn_attr_join(a, pidfd, NS_PID | NS_UTS));
    close(pidfd);
    check_in_pid_ns(a, init);
    char out[256];
    SH_OK(a, "hostname", out);
    CHECK_STREQ(out, "linuxns-join-pid\n");
    ns_spawn_attr_free(a);
    holder_stop(&h);
}

/* A thread that spawns plain programs while another joins a PID namespace:
 * every program of its must be in our PID namespace. */
struct plain_spawner {
    int rounds, wrong, failed;
};

static void *plain_spawns(void *arg)
{
    struct plain_spawner *ps = arg;
    uint64_t ours = ns_id_of(0, "pid");
    for (int i = 0; i < ps->rounds; i++) {
        char out[256], line[128];
        int st = -1;
        if (spawn_sh(NULL, "echo \"pidns $(readlink /proc/self/ns/pid)\"", out, sizeof out,
                     &st) < 0 || st != 0) {
            ps->failed++;
            continue;
        }
        if (text_ns_id(out_line(out, "pidns ", line, sizeof line)) != ours)
            ps->wrong++;
    }
    return NULL;
}

/*
 * As root, a joined PID namespace is entered by the calling thread for the
 * clone alone (no intermediate process): the thread's PID namespace for
 * children is put back after every spawn, a failed one included, also when
 * it was not the thread's own PID namespace; programs another thread
 * spawns meanwhile stay in ours; joins of user, net, uts and new types
 * are made by the program's process, after the PID namespace.
 */
static void test_pid_join_leaves_the_caller_alone(void)
{
    SKIP_UNLESS_ROOT();
    struct holder h;
    holder_start(&h, CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWNET,
                 "linuxns-pid-caller", HOLDER_KEEP_UID);
    pid_t init = pid_ns_init_of(&h);
    uint64_t before = ns_id_of(0, "pid_for_children");
    CHECK_EQ_U64(before, ns_id_of(0, "pid"));
    ns_spawn_attr *a = new_attr();
    const char *names[] = {"pid", "user", "uts", "net"};
    const int types[] = {NS_PID, NS_USER, NS_UTS, NS_NET};
    for (int i = 0; i < 4; i++) {
        int fd = SYS_OK(open_ns_file(i == 0 ? init : h.pid, names[i]));
        REQUIRE_OK(ns_spawn_attr_join(a, fd, types[i]));
        close(fd);
    }
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, NS_MNT | NS_IPC));

    /* Another thread spawns plain programs all along. */
    struct plain_spawner ps = {.rounds = 40};
    pthread_t t;
    REQUIRE(pthread_create(&t, NULL, plain_spawns, &ps) == 0);
    for (int i = 0; i < 20; i++) {
        check_in_pid_ns(a, init);
        CHECK_EQ_U64(ns_id_of(0, "pid_for_children"), before);
    }
    char out[4096];
    SH_OK(a, "echo \"host $(hostname)\"; " NS_SCRIPT, out);
    for (int i = 1; i < 4; i++)
        check_ns(out, names[i], h.pid, true);
    uint64_t mnt = out_ns_id(out, "mnt"), ipc = out_ns_id(out, "ipc");
    CHECK(mnt != 0 && mnt != ns_id_of(0, "mnt") && mnt != ns_id_of(h.pid, "mnt"));
    CHECK(ipc != 0 && ipc != ns_id_of(0, "ipc") && ipc != ns_id_of(h.pid, "ipc"));
    REQUIRE(pthread_join(t, NULL) == 0);
    CHECKF(ps.wrong == 0 && ps.failed == 0,
           "the other thread's programs: %d in another PID namespace, %d failed", ps.wrong,
           ps.failed);

    /* A spawn that fails (no such program) puts it back too. */
    char *argv[] = {"nothing-here", NULL};
    ns_spawn_attr *b = new_attr();
    int pidns = SYS_OK(open_ns_file(init, "pid"));
    REQUIRE_OK(ns_spawn_attr_join(b, pidns, NS_PID));
    close(pidns);
    int r = ns_spawn("/nonexistent/linuxns-nothing-here", argv, NULL, b, NULL);
    ns_spawn_attr_free(b);
    CHECKF(r == -ENOENT, "ns_spawn of a missing program: %d (%s)", r, ns_last_error());
    CHECK_EQ_U64(ns_id_of(0, "pid_for_children"), before);

    /* A thread whose children go to a PID namespace of its own (with an
     * init: the kernel shows no namespace without one): still there after
     * the spawn; a fork's child lands in it. */
    SYS_OK(unshare(CLONE_NEWPID));
    int release;
    pid_t own_init = start_pid_ns_init(&release);
    uint64_t own = ns_id_of(0, "pid_for_children");
    CHECK(own != 0 && own != before && own == ns_id_of(own_init, "pid"));
    check_in_pid_ns(a, init);
    CHECK_EQ_U64(ns_id_of(0, "pid_for_children"), own);
    int kp[2];
    SYS_OK(pipe2(kp, O_CLOEXEC));
    pid_t kid = SYS_OK(fork());
    if (kid == 0) {
        uint64_t id = ns_id_of(0, "pid");
        _exit(write(kp[1], &id, sizeof id) == sizeof id && getpid() > 1 ? 0 : 1);
    }
    close(kp[1]);
    uint64_t kid_ns = 0;
    CHECK(read(kp[0], &kid_ns, sizeof kid_ns) == sizeof kid_ns);
    close(kp[0]);
    CHECK_EQ_U64(kid_ns, own);
    int st;
    CHECK(wait_child(kid, &st) == kid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    stop_pid_ns_init(own_init, release);
    ns_spawn_attr_free(a);
    holder_stop(&h);
}

/*
 * As root, joins of network and UTS namespaces before new user and PID
 * namespaces: the calling thread enters them for the clone alone, so the
 * program's process is created in them with its new namespaces, owned by
 * its new user namespace; the thread's own are put back, after a failed
 * spawn too.
 */
static void test_join_before_new_user_and_pid(void)
{
    SKIP_UNLESS_ROOT();
    struct holder h;
    holder_start(&h, CLONE_NEWUTS | CLONE_NEWNET, "linuxns-join-first", HOLDER_KEEP_UID);
    uint64_t net0 = ns_id_of(0, "net"), uts0 = ns_id_of(0, "uts");
    char host0[256];
    hostname_now(host0, sizeof host0);
    ns_spawn_attr *a = new_attr();
    int net = SYS_OK(open_ns_file(h.pid, "net")), uts = SYS_OK(open_ns_file(h.pid, "uts"));
    REQUIRE_OK(ns_spawn_attr_join(a, net, NS_NET));
    REQUIRE_OK(ns_spawn_attr_join(a, uts, 0));
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, NS_USER | NS_PID | NS_MNT | NS_IPC | NS_CGROUP));
    REQUIRE_OK(ns_spawn_attr_map_root(a));
    char out[8192], line[128];
    SH_OK(a, "echo \"host $(hostname)\"; echo \"self $$\"; echo \"id $(id -u)\"; " NS_SCRIPT, out);
    check_ns(out, "net", h.pid, true);
    check_ns(out, "uts", h.pid, true);
    CHECK_STREQ(out_line(out, "host ", line, sizeof line), "linuxns-join-first");
    CHECK_STREQ(out_line(out, "self ", line, sizeof line), "1");
    CHECK_STREQ(out_line(out, "id ", line, sizeof line), "0");
    const char *made[] = {"user", "pid", "mnt", "ipc", "cgroup"};
    for (int i = 0; i < 5; i++) {
        uint64_t id = out_ns_id(out, made[i]);
        CHECKF(id != 0 && id != ns_id_of(0, made[i]) && id != ns_id_of(h.pid, made[i]),
               "%s: %" PRIu64 " is not new\n%s", made[i], id, out);
    }
    CHECK_EQ_U64(ns_id_of(0, "net"), net0);
    CHECK_EQ_U64(ns_id_of(0, "uts"), uts0);
    char host[256];
    hostname_now(host, sizeof host);
    CHECK_STREQ(host, host0);

    /* The new PID namespace is owned by the new user namespace (the
     * program's process held on a pipe while we look). */
    int in[2];
    SYS_OK(pipe2(in, O_CLOEXEC));
    ns_spawn_attr *b = new_attr();
    REQUIRE_OK(ns_spawn_attr_join(b, net, NS_NET));
    REQUIRE_OK(ns_spawn_attr_set_namespaces(b, NS_USER | NS_PID));
    REQUIRE_OK(ns_spawn_attr_map_root(b));
    REQUIRE_OK(ns_spawn_attr_set_fd(b, 0, in[0]));
    char *argv[] = {"sh", "-c", "read x; exit 0", NULL};
    pid_t pid = REQUIRE_OK(ns_spawn("/bin/sh", argv, NULL, b, NULL));
    close(in[0]);
    CHECK_EQ_U64(ns_id_of(pid, "net"), ns_id_of(h.pid, "net"));
    int pidns = SYS_OK(open_ns_file(pid, "pid"));
    int owner = CHECK_OK(ns_get_userns(pidns));
    if (owner >= 0) {
        CHECK_EQ_U64(fd_ns_id(owner), ns_id_of(pid, "user"));
        close(owner);
    }
    close(pidns);
    close(in[1]);
    int st;
    CHECK(wait_child(pid, &st) == pid);
    ns_spawn_attr_free(b);

    /* A failed spawn puts the thread back too. */
    b = new_attr();
    REQUIRE_OK(ns_spawn_attr_join(b, net, NS_NET));
    REQUIRE_OK(ns_spawn_attr_join(b, uts, NS_UTS));
    REQUIRE_OK(ns_spawn_attr_set_namespaces(b, NS_USER | NS_PID));
    char *none[] = {"nothing-here", NULL};
    int r = ns_spawn("/nonexistent/linuxns-nothing-here", none, NULL, b, NULL);
    CHECKF(r == -ENOENT, "ns_spawn of a missing program: %d (%s)", r, ns_last_error());
    CHECK_EQ_U64(ns_id_of(0, "net"), net0);
    CHECK_EQ_U64(ns_id_of(0, "uts"), uts0);
    ns_spawn_attr_free(b);
    close(net);
    close(uts);
    ns_spawn_attr_free(a);
    holder_stop(&h);
}

/* A PID namespace the calling thread may not enter (not below its own):
 * the error is the join's, as from the process that joins. */
static void test_pid_join_refused(void)
{
    SKIP_UNLESS_ROOT();
    struct holder h;
    holder_start(&h, CLONE_NEWPID, NULL, HOLDER_KEEP_UID);
    pid_t init = pid_ns_init_of(&h);
    int fd = SYS_OK(open_ns_file(init, "pid"));
    SYS_OK(unshare(CLONE_NEWPID));
    pid_t kid = SYS_OK(fork());
    if (kid == 0) {
        /* pid 1 of a sibling of the holder's namespace */
        ns_spawn_attr *a = ns_spawn_attr_new();
        int ok = a && ns_spawn_attr_join(a, fd, NS_PID) == 0;
        char *argv[] = {"true", NULL};
        int r = ok ? ns_spawn("/bin/true", argv, NULL, a, NULL) : 0;
        const char *msg = ns_last_error();
        _exit(r == -EINVAL && strstr(msg, "setns") && strstr(msg, "join 0") ? 0 : 1);
    }
    int st;
    CHECK(wait_child(kid, &st) == kid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    close(fd);
    holder_stop(&h);
}

static void test_user_uts_net_as_root(void)
{
    SKIP_UNLESS_ROOT();
    struct holder h;
    holder_start(&h, CLONE_NEWUSER | CLONE_NEWUTS | CLONE_NEWNET, "linuxns-join-user",
                 HOLDER_KEEP_UID);
    char out[4096];
    /* By namespace fds ... */
    const char *names[] = {"user", "uts", "net"};
    const int types[] = {NS_USER, NS_UTS, 0};
    ns_spawn_attr *a = new_attr();
    for (int i = 0; i < 3; i++) {
        int fd = SYS_OK(open_ns_file(h.pid, names[i]));
        REQUIRE_OK(ns_spawn_attr_join(a, fd, types[i]));
        close(fd);
    }
    SH_OK(a, NS_SCRIPT, out);
    for (int i = 0; i < 3; i++)
        check_ns(out, names[i], h.pid, true);
    check_ns(out, "mnt", h.pid, false);
    ns_spawn_attr_free(a);
    /* ... and by pidfd, all at once. */
    int pidfd = SYS_OK(pidfd_open_(h.pid));
    a = new_attr();
    REQUIRE_OK(ns_spawn_attr_join(a, pidfd, NS_USER | NS_UTS | NS_NET));
    close(pidfd);
    SH_OK(a, NS_SCRIPT, out);
    for (int i = 0; i < 3; i++)
        check_ns(out, names[i], h.pid, true);
    ns_spawn_attr_free(a);
    holder_stop(&h);
}

static void test_unprivileged_join_and_hostname(void)
{
    drop_to_nobody(NULL, NULL);
    struct holder h;
    holder_start(&h, CLONE_NEWUSER | CLONE_NEWUTS, "linuxns-unpriv-holder",
                 HOLDER_KEEP_UID);
    int pidfd = SYS_OK(pidfd_open_(h.pid));
    ns_spawn_attr *a = new_attr();
    REQUIRE_OK(ns_spawn_attr_join(a, pidfd, NS_USER | NS_UTS));
    REQUIRE_OK(ns_spawn_attr_set_hostname(a, "linuxns-unpriv-set"));
    char out[4096], line[128];
    SH_OK(a, "echo \"host $(hostname)\"; " NS_SCRIPT, out);
    CHECK_STREQ(out_line(out, "host ", line, sizeof line), "linuxns-unpriv-set");
    check_ns(out, "user", h.pid, true);
    check_ns(out, "uts", h.pid, true);
    check_ns(out, "net", h.pid, false);
    ns_spawn_attr_free(a);
    close(pidfd);

    /* By namespace fds, given UTS first: the user namespace must still be
     * entered first (the new name is the holder's now). */
    int uts = SYS_OK(open_ns_file(h.pid, "uts"));
    int user = SYS_OK(open_ns_file(h.pid, "user"));
    a = new_attr();
    REQUIRE_OK(ns_spawn_attr_join(a, uts, NS_UTS));
    REQUIRE_OK(ns_spawn_attr_join(a, user, NS_USER));
    close(uts);
    close(user);
    SH_OK(a, "echo \"host $(hostname)\"; " NS_SCRIPT, out);
    CHECK_STREQ(out_line(out, "host ", line, sizeof line), "linuxns-unpriv-set");
    check_ns(out, "user", h.pid, true);
    check_ns(out, "uts", h.pid, true);
    ns_spawn_attr_free(a);
    holder_stop(&h);
}

static void test_join_then_create(void)
{
    /* Joins come first: new namespaces then belong to the joined user
     * namespace. */
    drop_to_nobody(NULL, NULL);
    struct holder h;
    holder_start(&h, CLONE_NEWUSER, NULL, HOLDER_KEEP_UID);
    int user = SYS_OK(open_ns_file(h.pid, "user"));
    ns_spawn_attr *a = new_attr();
    REQUIRE_OK(ns_spawn_attr_join(a, user, NS_USER));
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, NS_NET | NS_UTS));
    REQUIRE_OK(ns_spawn_attr_set_hostname(a, "linuxns-joined-new"));
    char out[4096], line[128];
    SH_OK(a, "echo \"host $(hostname)\"; " NS_SCRIPT, out);
    CHECK_STREQ(out_line(out, "host ", line, sizeof line), "linuxns-joined-new");
    check_ns(out, "user", h.pid, true);
    uint64_t net = out_ns_id(out, "net");
    CHECK(net != 0 && net != ns_id_of(0, "net") && net != ns_id_of(h.pid, "net"));
    /* The new UTS namespace is owned by the joined user namespace. */
    int p[2];
    SYS_OK(pipe2(p, O_CLOEXEC));
    REQUIRE_OK(ns_spawn_attr_set_fd(a, 1, p[1]));
    int in[2];
    SYS_OK(pipe2(in, O_CLOEXEC));
    REQUIRE_OK(ns_spawn_attr_set_fd(a, 0, in[0]));
    char *argv[] = {"sh", "-c", "read x; exit 0", NULL};
    pid_t pid = REQUIRE_OK(ns_spawn("/bin/sh", argv, NULL, a, NULL));
    close(in[0]);
    close(p[1]);
    int uts = SYS_OK(open_ns_file(pid, "uts"));
    int owner = CHECK_OK(ns_get_userns(uts));
    if (owner >= 0) {
        CHECK_EQ_U64(fd_ns_id(owner), ns_id_of(h.pid, "user"));
        close(owner);
    }
    close(uts);
    close(in[1]);
    close(p[0]);
    int st;
    CHECK(wait_child(pid, &st) == pid);
    close(user);
    ns_spawn_attr_free(a);
    holder_stop(&h);
}

/* Joins the program's own process may make (net, uts, ipc, cgroup, mnt)
 * with new namespaces but no PID or time one: no intermediate process;
 * the join still comes first, so a new user namespace made after it does
 * not stop the join (it would: the joined network namespace is the host
 * user namespace's), and it owns the new ones. */
static void test_fast_join_then_new_user(void)
{
    SKIP_UNLESS_ROOT();
    struct holder h;
    holder_start(&h, CLONE_NEWNET | CLONE_NEWNS, NULL, HOLDER_KEEP_UID);
    int net = SYS_OK(open_ns_file(h.pid, "net"));
    int mnt = SYS_OK(open_ns_file(h.pid, "mnt"));
    ns_spawn_attr *a = new_attr();
    REQUIRE_OK(ns_spawn_attr_join(a, net, NS_NET));
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, NS_USER | NS_UTS | NS_IPC | NS_CGROUP));
    REQUIRE_OK(ns_spawn_attr_map_root(a));
    REQUIRE_OK(ns_spawn_attr_set_hostname(a, "linuxns-fast-join"));
    char out[4096], line[128];
    SH_OK(a, "echo \"host $(hostname)\"; echo \"map $(cat /proc/self/uid_map)\"; " NS_SCRIPT,
          out);
    check_ns(out, "net", h.pid, true);
    CHECK(out_ns_id(out, "user") != ns_id_of(0, "user"));
    CHECK(out_ns_id(out, "uts") != ns_id_of(0, "uts"));
    CHECK_STREQ(out_line(out, "host ", line, sizeof line), "linuxns-fast-join");
    unsigned in = 9, outside = 9, count = 9;
    CHECKF(out_line(out, "map ", line, sizeof line) &&
               sscanf(line, "%u %u %u", &in, &outside, &count) == 3 && in == 0 &&
               outside == geteuid() && count == 1,
           "%s", out);
    /* A mount namespace too, beside new uts and ipc ones (no user). */
    ns_spawn_attr *b = new_attr();
    REQUIRE_OK(ns_spawn_attr_join(b, mnt, NS_MNT));
    REQUIRE_OK(ns_spawn_attr_join(b, net, NS_NET));
    REQUIRE_OK(ns_spawn_attr_set_namespaces(b, NS_UTS | NS_IPC));
    SH_OK(b, NS_SCRIPT, out);
    check_ns(out, "mnt", h.pid, true);
    check_ns(out, "net", h.pid, true);
    CHECK(out_ns_id(out, "uts") != ns_id_of(0, "uts"));
    CHECK(out_ns_id(out, "ipc") != ns_id_of(0, "ipc"));
    /* Joined and new of one type: join then create (through the
     * intermediate) leaves the program in a new one. */
    ns_spawn_attr *c = new_attr();
    REQUIRE_OK(ns_spawn_attr_join(c, net, NS_NET));
    REQUIRE_OK(ns_spawn_attr_set_namespaces(c, NS_NET | NS_UTS));
    SH_OK(c, NS_SCRIPT, out);
    uint64_t n = out_ns_id(out, "net");
    CHECK(n != 0 && n != ns_id_of(h.pid, "net") && n != ns_id_of(0, "net"));
    close(net);
    close(mnt);
    ns_spawn_attr_free(a);
    ns_spawn_attr_free(b);
    ns_spawn_attr_free(c);
    holder_stop(&h);
}

static void test_join_own_user_namespace(void)
{
    /* Joining the user namespace we are in changes nothing (the kernel
     * would refuse the setns); the rest of the spawn goes on. */
    int user = SYS_OK(open_ns_file(0, "user"));
    ns_spawn_attr *a = new_attr();
    REQUIRE_OK(ns_spawn_attr_join(a, user, NS_USER));
    close(user);
    char out[4096];
    SH_OK(a, NS_SCRIPT, out);
    CHECK_EQ_U64(out_ns_id(out, "user"), ns_id_of(0, "user"));
    /* With new namespaces on top. */
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, NS_USER | NS_UTS));
    REQUIRE_OK(ns_spawn_attr_map_root(a));
    REQUIRE_OK(ns_spawn_attr_set_hostname(a, "linuxns-own-user"));
    SH_OK(a, "hostname; id -u; " NS_SCRIPT, out);
    CHECK(strncmp(out, "linuxns-own-user\n0\n", 19) == 0);
    CHECK(out_ns_id(out, "user") != ns_id_of(0, "user"));
    ns_spawn_attr_free(a);
}

int main(void)
{
    RUN(test_uts_net_by_namespace_fds);
    RUN(test_uts_net_by_pidfd_with_hostname);
    RUN(test_pid_by_namespace_fd);
    RUN(test_pid_by_pidfd);
    RUN(test_pid_join_leaves_the_caller_alone);
    RUN(test_join_before_new_user_and_pid);
    RUN(test_pid_join_refused);
    RUN(test_user_uts_net_as_root);
    RUN(test_unprivileged_join_and_hostname);
    RUN(test_join_then_create);
    RUN(test_fast_join_then_new_user);
    RUN(test_join_own_user_namespace);
    return check_summary();
}
