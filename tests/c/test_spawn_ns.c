/* ns_spawn in new namespaces, seen from inside the program: namespace ids,
 * pid 1, uid/gid maps, hostname, a fresh /proc, time offsets, cgroup. */
#include "check_spawn.h"

static ns_spawn_attr *attr_with(int types)
{
    ns_spawn_attr *a = ns_spawn_attr_new();
    REQUIRE(a != NULL);
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, types));
    return a;
}

/* Every type in `types` is new in the program, every other one is ours. */
static void check_new_namespaces(int types)
{
    ns_spawn_attr *a = attr_with(types);
    char out[4096], line[64];
    pid_t pid = SH_OK(a, "echo \"pid $$\"; " NS_SCRIPT, out);
    for (size_t i = 0; i < N_KINDS; i++) {
        const char *n = NS_KINDS[i].name;
        uint64_t got = out_ns_id(out, n), mine = ns_id_of(0, n);
        if (types & NS_KINDS[i].type)
            CHECKF(got != 0 && got != mine, "%s not new (%" PRIu64 "):\n%s", n, got, out);
        else
            CHECKF(got == mine, "%s changed:\n%s", n, out);
        CHECK_EQ_U64(ns_id_of(0, n), mine); /* we stay */
    }
    if (types & NS_PID)
        CHECK_STREQ(out_line(out, "pid ", line, sizeof line), "1");
    else
        CHECK(atoi(out_line(out, "pid ", line, sizeof line)) == pid);
    ns_spawn_attr_free(a);
}

static void test_every_type_but_user(void)
{
    SKIP_UNLESS_ROOT();
    check_new_namespaces(NS_ALL & ~NS_USER);
    check_new_namespaces(NS_UTS | NS_NET);
}

static void test_every_type_with_user(void)
{
    check_new_namespaces(NS_ALL);
    check_new_namespaces(NS_USER | NS_IPC | NS_CGROUP);
}

static void test_pid_namespace_pid_1(void)
{
    /* The program is pid 1 inside; NSpid shows the returned pid outside. */
    ns_spawn_attr *a = attr_with(NS_USER | NS_PID);
    char out[8192], line[128];
    pid_t pid = SH_OK(a, "echo \"self $$\"; exec cat /proc/self/status", out);
    CHECK_STREQ(out_line(out, "self ", line, sizeof line), "1");
    REQUIRE(out_line(out, "NSpid:", line, sizeof line) != NULL);
    int outside = 0, inside = 0;
    CHECKF(sscanf(line, "%d %d", &outside, &inside) == 2 && outside == pid &&
           inside == 1, "NSpid:%s, spawned %d", line, (int)pid);
    /* Read through our /proc: the parent is us, a direct child. */
    CHECKF(out_line(out, "PPid:", line, sizeof line) && atoi(line) == getpid(),
           "PPid:%s, we are %d", line, (int)getpid());
    ns_spawn_attr_free(a);
}

static void check_map_root(void)
{
    uid_t uid = geteuid();
    gid_t gid = getegid();
    ns_spawn_attr *a = attr_with(NS_USER);
    REQUIRE_OK(ns_spawn_attr_map_root(a));
    char out[4096], line[128];
    SH_OK(a, "echo \"uid $(cat /proc/self/uid_map)\"; "
             "echo \"gid $(cat /proc/self/gid_map)\"; "
             "echo \"setgroups $(cat /proc/self/setgroups)\"; "
             "echo \"id $(id -u) $(id -g)\"", out);
    unsigned in = 1, o = 0, c = 0;
    CHECKF(out_line(out, "uid ", line, sizeof line) &&
           sscanf(line, "%u %u %u", &in, &o, &c) == 3 && in == 0 && o == uid && c == 1,
           "uid_map \"%s\", euid %u", line, (unsigned)uid);
    CHECKF(out_line(out, "gid ", line, sizeof line) &&
           sscanf(line, "%u %u %u", &in, &o, &c) == 3 && in == 0 && o == gid && c == 1,
           "gid_map \"%s\", egid %u", line, (unsigned)gid);
    CHECK_STREQ(out_line(out, "setgroups ", line, sizeof line), "deny");
    CHECK_STREQ(out_line(out, "id ", line, sizeof line), "0 0");
    ns_spawn_attr_free(a);
}

static void test_map_root(void)
{
    check_map_root();
}

static void test_map_root_as_nobody(void)
{
    drop_to_nobody(NULL, NULL);
    check_map_root();
}

static void test_custom_maps(void)
{
    SKIP_UNLESS_ROOT();
    /* Several ranges, read back from /proc/CHILD while the program waits;
     * inside, our own (root) uid and gid are the ids mapped to 0. */
    const struct ns_idmap umap[3] = {
        {0, geteuid(), 1}, {1, 200000, 1000}, {5000, 300000, 64}};
    const struct ns_idmap gmap[2] = {{0, getegid(), 1}, {100, 400000, 100}};
    for (int deny = 0; deny < 2; deny++) {
        ns_spawn_attr *a = attr_with(NS_USER | NS_UTS);
        REQUIRE_OK(ns_spawn_attr_set_uid_map(a, umap, 3, 0));
        REQUIRE_OK(ns_spawn_attr_set_gid_map(a, gmap, 2, deny ? NS_MAP_DENY_SETGROUPS : 0));
        int in[2], out[2];
        SYS_OK(pipe2(in, O_CLOEXEC));
        SYS_OK(pipe2(out, O_CLOEXEC));
        REQUIRE_OK(ns_spawn_attr_set_fd(a, 0, in[0]));
        REQUIRE_OK(ns_spawn_attr_set_fd(a, 1, out[1]));
        char *argv[] = {"sh", "-c", "echo \"$(id -u) $(id -g)\"; read x; exit 0", NULL};
        pid_t pid = REQUIRE_OK(ns_spawn("/bin/sh", argv, NULL, a, NULL));
        close(in[0]);
        close(out[1]);
        char line[128], sg[32];
        read_line(out[0], line, sizeof line);
        CHECK_STREQ(line, "0 0");
        CHECK(idmap_equals(pid, "uid_map", umap, 3));
        CHECK(idmap_equals(pid, "gid_map", gmap, 2));
        setgroups_of(pid, sg, sizeof sg);
        CHECK_STREQ(sg, deny ? "deny" : "allow");
        close(in[1]);
        close(out[0]);
        int st;
        CHECK(wait_child(pid, &st) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
        ns_spawn_attr_free(a);
    }
}

static void check_hostname(int types, const char *name)
{
    char before[256], after[256], out[1024], line[128];
    hostname_now(before, sizeof before);
    ns_spawn_attr *a = attr_with(types);
    REQUIRE_OK(ns_spawn_attr_set_hostname(a, name));
    SH_OK(a, "echo \"hostname $(hostname)\"; echo \"uname $(uname -n)\"", out);
    CHECK_STREQ(out_line(out, "hostname ", line, sizeof line), name);
    CHECK_STREQ(out_line(out, "uname ", line, sizeof line), name);
    hostname_now(after, sizeof after);
    CHECK_STREQ(after, before);
    ns_spawn_attr_free(a);
}

static void test_hostname(void)
{
    check_hostname(NS_USER | NS_UTS, "linuxns-spawn-host");
    char longest[65];
    memset(longest, 'x', 64);
    longest[64] = '\0';
    check_hostname(NS_USER | NS_UTS | NS_NET, longest);
}

static void test_hostname_as_root(void)
{
    SKIP_UNLESS_ROOT();
    check_hostname(NS_UTS, "linuxns-spawn-root");
}

static void check_mount_proc(int types)
{
    ns_spawn_attr *a = attr_with(types);
    if (types & NS_USER)
        REQUIRE_OK(ns_spawn_attr_map_root(a));
    REQUIRE_OK(ns_spawn_attr_set_mount_proc(a, 1));
    /* ls is exec'd directly: pid 1, alone in its namespace. */
    char *argv[] = {"ls", "/proc", NULL};
    char out[8192];
    int st;
    pid_t pid = REQUIRE_OK(spawn_capture(a, "/bin/ls", argv, out, sizeof out, &st));
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    int pids = 0, has_1 = 0;
    for (char *l = strtok(out, "\n"); l; l = strtok(NULL, "\n")) {
        if (*l < '0' || *l > '9')
            continue;
        pids++;
        has_1 |= strcmp(l, "1") == 0;
        CHECKF(atoi(l) != getpid() && atoi(l) != pid, "/proc/%s of the host", l);
    }
    CHECKF(pids == 1 && has_1, "%d pids in the child's /proc (1 expected, pid 1)", pids);
    /* Our /proc is untouched. */
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/status", (int)getpid());
    CHECK(access(path, F_OK) == 0);
    ns_spawn_attr_free(a);
}

static void test_mount_proc(void)
{
    check_mount_proc(NS_USER | NS_PID | NS_MNT);
}

static void test_mount_proc_as_root(void)
{
    SKIP_UNLESS_ROOT();
    check_mount_proc(NS_PID | NS_MNT);
}

/* /proc/uptime's first number; < 0 on failure. */
static double uptime_of(const char *text)
{
    double v = -1;
    return sscanf(text, "%lf", &v) == 1 ? v : -1;
}

static void check_boottime_offset(int types)
{
    const int64_t off = 1000000;
    ns_spawn_attr *a = attr_with(types);
    REQUIRE_OK(ns_spawn_attr_set_time_offset(a, CLOCK_BOOTTIME, off, 0));
    char mine[128], out[1024];
    REQUIRE(read_file("/proc/uptime", mine, sizeof mine) > 0);
    double before = uptime_of(mine);
    SH_OK(a, "cat /proc/uptime; " NS_SCRIPT, out);
    REQUIRE(read_file("/proc/uptime", mine, sizeof mine) > 0);
    double after = uptime_of(mine), child = uptime_of(out);
    /* Read between our two readings, shifted by the offset. */
    CHECKF(child >= before + off - 0.01 && child <= after + off + 0.01,
           "child uptime %.2f, ours %.2f..%.2f, offset %" PRId64, child, before,
           after, off);
    CHECK(out_ns_id(out, "time") != 0 && out_ns_id(out, "time") != ns_id_of(0, "time"));
    ns_spawn_attr_free(a);
}

static void test_time_offset_boottime(void)
{
    check_boottime_offset(NS_USER | NS_TIME);
}

static void test_time_offset_boottime_as_root(void)
{
    SKIP_UNLESS_ROOT();
    check_boottime_offset(NS_TIME | NS_PID);
}

static int monotonic_child(void *arg)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return write(*(int *)arg, &ts, sizeof ts) == (ssize_t)sizeof ts ? 0 : 1;
}

static void test_time_offset_monotonic(void)
{
    /* A later call replaces: only the second offset counts. */
    const int64_t sec = 500000, nsec = 250000000;
    ns_spawn_attr *a = attr_with(NS_USER | NS_TIME);
    REQUIRE_OK(ns_spawn_attr_set_time_offset(a, CLOCK_MONOTONIC, 7, 0));
    REQUIRE_OK(ns_spawn_attr_set_time_offset(a, CLOCK_MONOTONIC, sec, nsec));
    int p[2];
    SYS_OK(pipe2(p, O_CLOEXEC));
    struct timespec t0, t1, child = {0, 0};
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = REQUIRE_OK(ns_spawn_fn(a, monotonic_child, &p[1], NULL));
    close(p[1]);
    CHECK(read(p[0], &child, sizeof child) == (ssize_t)sizeof child);
    close(p[0]);
    int st;
    CHECK(wait_child(pid, &st) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    int64_t ns0 = t0.tv_sec * 1000000000LL + t0.tv_nsec;
    int64_t ns1 = t1.tv_sec * 1000000000LL + t1.tv_nsec;
    int64_t nc = child.tv_sec * 1000000000LL + child.tv_nsec;
    int64_t o = sec * 1000000000LL + nsec;
    CHECKF(nc >= ns0 + o && nc <= ns1 + o, "child's monotonic %" PRId64 " ns, "
           "ours %" PRId64 "..%" PRId64 ", offset %" PRId64, nc, ns0, ns1, o);
    ns_spawn_attr_free(a);
}

static void test_cgroup(void)
{
    SKIP_UNLESS_ROOT();
    char mnt[1024], root[1024], dir[2200], want[2300], out[8192], line[1024];
    if (!find_cgroup2(mnt, sizeof mnt, root, sizeof root))
        SKIP("no cgroup2 mount");
    snprintf(dir, sizeof dir, "%s/linuxns-spawn-%d", mnt, (int)getpid());
    SYS_OK(mkdir(dir, 0755));
    snprintf(want, sizeof want, "%s/linuxns-spawn-%d",
             strcmp(root, "/") == 0 ? "" : root, (int)getpid());
    int cg = SYS_OK(open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    ns_spawn_attr *a = ns_spawn_attr_new();
    REQUIRE(a != NULL);
    CHECK(CHECK_OK(ns_spawn_attr_set_cgroup(a, cg)) == 0);
    close(cg); /* the attribute has its own copy */
    int st;
    char *argv[] = {"cat", "/proc/self/cgroup", NULL};
    pid_t pid = spawn_capture(a, "/bin/cat", argv, out, sizeof out, &st);
    if (fallback_mode()) {
        /* Without clone3 there is no CLONE_INTO_CGROUP. */
        CHECKF(pid == -EOPNOTSUPP, "fallback: ns_spawn gave %d", (int)pid);
    } else {
        CHECKF(pid > 0, "ns_spawn: %d (%s)", (int)pid, ns_last_error());
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
        CHECKF(out_line(out, "0::", line, sizeof line) && strcmp(line, want) == 0,
               "cgroup \"%s\", expected \"%s\":\n%s", line, want, out);
    }
    ns_spawn_attr_free(a);
    CHECK_NO_CHILDREN();
    CHECKF(rmdir(dir) == 0, "rmdir %s: %s", dir, strerror(errno));
}

/*
 * A spawn asked for nothing but new namespaces and map_root takes the lean
 * path (src/spawn/lean.rs); the same with one attribute more, a set_fd
 * that changes nothing, takes the general one. Both, seen from the
 * running program's /proc: the same namespaces, maps, mount propagation
 * and signal state, each as the contract says.
 */
struct seen {
    uint64_t ns[N_KINDS];
    char uid_map[64], gid_map[64], setgroups[16], name[32];
    int shared_mounts;
    uint64_t blk, ign, cgt;
};

/* Mounts that propagate: shared, or slaves of a shared one (what a shared
 * mount becomes in a mount namespace of a new user namespace). A private
 * tree has none. */
static int shared_mounts(pid_t pid)
{
    char path[64], text[65536];
    if (pid)
        snprintf(path, sizeof path, "/proc/%d/mountinfo", (int)pid);
    else
        snprintf(path, sizeof path, "/proc/thread-self/mountinfo");
    REQUIRE(read_file(path, text, sizeof text) > 0);
    int n = 0;
    for (const char *line = text; line && *line; line = strchr(line, '\n')) {
        if (*line == '\n')
            line++;
        const char *end = strchr(line, '\n');
        const char *tag = strstr(line, " shared:");
        if (!tag || (end && tag > end))
            tag = strstr(line, " master:");
        if (tag && (!end || tag < end))
            n++;
    }
    return n;
}

/* The file's first line, spaces squeezed; "" for an empty file (the map
 * of a user namespace nobody has written). */
static void first_line(pid_t pid, const char *file, char *buf, size_t size)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
    buf[0] = '\0';
    REQUIRE(read_file(path, buf, size) >= 0);
    buf[strcspn(buf, "\n")] = '\0';
    /* "         0       1000          1" -> "0 1000 1" */
    char *w = buf;
    for (char *r = buf; *r; r++)
        if (*r != ' ' || (w > buf && w[-1] != ' '))
            *w++ = *r;
    *w = '\0';
}

static void spawn_and_look(ns_spawn_attr *a, struct seen *s)
{
    char *argv[] = {"sleep", "30", NULL};
    int pidfd = -1;
    pid_t pid = REQUIRE_OK(ns_spawn("/bin/sleep", argv, NULL, a, &pidfd));
    memset(s, 0, sizeof *s);
    for (size_t i = 0; i < N_KINDS; i++)
        s->ns[i] = ns_id_of(pid, NS_KINDS[i].name);
    first_line(pid, "uid_map", s->uid_map, sizeof s->uid_map);
    first_line(pid, "gid_map", s->gid_map, sizeof s->gid_map);
    first_line(pid, "setgroups", s->setgroups, sizeof s->setgroups);
    s->shared_mounts = shared_mounts(pid);
    char path[64], status[4096], line[64];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    REQUIRE(read_file(path, status, sizeof status) > 0);
    snprintf(s->name, sizeof s->name, "%s", out_line(status, "Name:\t", line, sizeof line));
    s->blk = out_hex_field(status, "SigBlk:");
    s->ign = out_hex_field(status, "SigIgn:");
    s->cgt = out_hex_field(status, "SigCgt:");
    SYS_OK(syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0));
    int st;
    REQUIRE(wait_child(pid, &st) == pid);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    close(pidfd);
}

static void catch_nothing(int sig)
{
    (void)sig;
}

static void check_lean_like_general(int types, bool map_root)
{
    /* What the program must not get: an ignored, a handled and a
     * blocked signal. */
    signal(SIGPIPE, SIG_IGN);
    signal(SIGUSR1, catch_nothing);
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    SYS_OK(sigprocmask(SIG_BLOCK, &block, NULL));

    struct seen lean, general;
    ns_spawn_attr *a = types ? attr_with(types) : NULL;
    if (map_root)
        REQUIRE_OK(ns_spawn_attr_map_root(a));
    spawn_and_look(a, &lean);
    ns_spawn_attr *g = attr_with(types);
    if (map_root)
        REQUIRE_OK(ns_spawn_attr_map_root(g));
    REQUIRE_OK(ns_spawn_attr_set_fd(g, 0, 0));
    spawn_and_look(g, &general);
    if (a)
        ns_spawn_attr_free(a);
    ns_spawn_attr_free(g);

    int my_shared = shared_mounts(0);
    /* Without a shared mount, a private tree could not be told apart
     * (make_mounts_shared sees to it). */
    REQUIRE(my_shared > 0);
    struct seen *both[2] = {&lean, &general};
    for (int k = 0; k < 2; k++) {
        const struct seen *s = both[k];
        const char *path = k ? "general" : "lean";
        for (size_t i = 0; i < N_KINDS; i++) {
            const char *n = NS_KINDS[i].name;
            if (types & NS_KINDS[i].type)
                CHECKF(s->ns[i] != ns_id_of(0, n), "%s: %s not new", path, n);
            else
                CHECKF(s->ns[i] == ns_id_of(0, n), "%s: %s not ours", path, n);
        }
        CHECKF(strcmp(s->name, "sleep") == 0, "%s: Name %s", path, s->name);
        CHECKF(s->blk == 0 && s->ign == 0 && s->cgt == 0,
               "%s: SigBlk %016" PRIx64 " SigIgn %016" PRIx64 " SigCgt %016" PRIx64, path,
               s->blk, s->ign, s->cgt);
        if (map_root) {
            char want[64];
            snprintf(want, sizeof want, "0 %u 1", (unsigned)geteuid());
            CHECKF(strcmp(s->uid_map, want) == 0, "%s: uid_map \"%s\"", path, s->uid_map);
            snprintf(want, sizeof want, "0 %u 1", (unsigned)getegid());
            CHECKF(strcmp(s->gid_map, want) == 0, "%s: gid_map \"%s\"", path, s->gid_map);
            CHECKF(strcmp(s->setgroups, "deny") == 0, "%s: setgroups %s", path, s->setgroups);
        }
        if (types & NS_MNT)
            CHECKF(s->shared_mounts == 0, "%s: %d shared mounts", path, s->shared_mounts);
        else
            CHECKF(s->shared_mounts == my_shared, "%s: %d shared mounts, ours %d", path,
                   s->shared_mounts, my_shared);
    }
    /* The same maps and setgroups, whichever path. */
    CHECK_STREQ(lean.uid_map, general.uid_map);
    CHECK_STREQ(lean.gid_map, general.gid_map);
    CHECK_STREQ(lean.setgroups, general.setgroups);
}

/* This case's own mount namespace with the whole tree shared, whatever
 * the host's propagation (root; the case runs in a forked process). */
static void make_mounts_shared(void)
{
    SYS_OK(unshare(CLONE_NEWNS));
    SYS_OK(mount(NULL, "/", NULL, MS_REC | MS_SHARED, NULL));
}

static void test_lean_like_general(void)
{
    if (geteuid() == 0)
        make_mounts_shared();
    check_lean_like_general(0, false);
    check_lean_like_general(NS_USER | NS_PID | NS_MNT | NS_UTS | NS_IPC | NS_CGROUP, true);
    check_lean_like_general(NS_USER | NS_NET, true);
    /* A mount namespace in a new user namespace gets shared mounts as
     * slaves anyway: only without one does the propagation show. */
    if (geteuid() == 0)
        check_lean_like_general(NS_MNT | NS_PID | NS_UTS, false);
}

static void test_lean_like_general_as_nobody(void)
{
    SKIP_UNLESS_ROOT();
    make_mounts_shared();
    drop_to_nobody(NULL, NULL);
    check_lean_like_general(NS_USER | NS_PID | NS_MNT | NS_UTS | NS_IPC | NS_CGROUP, true);
}

/* The same with a network join, by both paths: with a new PID namespace
 * the calling thread makes it around the clone (root); without one the
 * program's process joins, then creates the rest (with unshare, so that
 * they are owned by its new user namespace). The program in the holder's
 * network namespace and its new ones, the caller's own namespaces
 * unchanged. */
static void check_lean_join_like_general(int types)
{
    struct holder h;
    holder_start(&h, CLONE_NEWNET, NULL, HOLDER_KEEP_UID);
    int net = SYS_OK(open_ns_file(h.pid, "net"));
    struct seen seen[2];
    for (int k = 0; k < 2; k++) {
        ns_spawn_attr *a = attr_with(types);
        REQUIRE_OK(ns_spawn_attr_join(a, net, NS_NET));
        REQUIRE_OK(ns_spawn_attr_map_root(a));
        if (k)
            REQUIRE_OK(ns_spawn_attr_set_fd(a, 0, 0));
        uint64_t pfc = ns_id_of(0, "pid_for_children");
        spawn_and_look(a, &seen[k]);
        CHECK_EQ_U64(ns_id_of(0, "pid_for_children"), pfc);
        ns_spawn_attr_free(a);
    }
    for (int k = 0; k < 2; k++) {
        const struct seen *s = &seen[k];
        const char *path = k ? "general" : "lean";
        for (size_t i = 0; i < N_KINDS; i++) {
            const char *n = NS_KINDS[i].name;
            if (NS_KINDS[i].type == NS_NET)
                CHECKF(s->ns[i] == ns_id_of(h.pid, n), "%s: net not the holder's", path);
            else if (types & NS_KINDS[i].type)
                CHECKF(s->ns[i] != ns_id_of(0, n) && s->ns[i] != ns_id_of(h.pid, n),
                       "%s: %s not new", path, n);
            else
                CHECKF(s->ns[i] == ns_id_of(0, n), "%s: %s not ours", path, n);
        }
        char want[64];
        snprintf(want, sizeof want, "0 %u 1", (unsigned)geteuid());
        CHECKF(strcmp(s->uid_map, want) == 0, "%s: uid_map \"%s\"", path, s->uid_map);
        CHECKF(s->blk == 0 && s->ign == 0 && s->cgt == 0, "%s: signals", path);
        CHECKF(strcmp(s->name, "sleep") == 0, "%s: Name %s", path, s->name);
    }
    CHECK(ns_id_of(0, "net") != ns_id_of(h.pid, "net"));
    close(net);
    holder_stop(&h);
}

/* A program the intermediate started: in the holder's user, network and
 * UTS namespaces and its PID namespace for children, in new mount and
 * IPC ones, in ours otherwise, with clean signals. */
static void check_seen_inside(const struct seen *s, const char *path, pid_t holder,
                              uint64_t holder_pid_ns)
{
    for (size_t i = 0; i < N_KINDS; i++) {
        const char *n = NS_KINDS[i].name;
        int type = NS_KINDS[i].type;
        uint64_t ours = ns_id_of(0, n), holders = ns_id_of(holder, n);
        if (type == NS_PID)
            CHECKF(s->ns[i] == holder_pid_ns, "%s: pid not the holder's children's", path);
        else if (type & (NS_USER | NS_NET | NS_UTS))
            CHECKF(s->ns[i] == holders, "%s: %s not the holder's", path, n);
        else if (type & (NS_MNT | NS_IPC))
            CHECKF(s->ns[i] != ours && s->ns[i] != holders, "%s: %s not new", path, n);
        else
            CHECKF(s->ns[i] == ours, "%s: %s not ours", path, n);
    }
    CHECKF(s->blk == 0 && s->ign == 0 && s->cgt == 0, "%s: signals", path);
    CHECKF(strcmp(s->name, "sleep") == 0, "%s: Name %s", path, s->name);
}

/* Joins no child of ours can make without CAP_SYS_ADMIN (a PID
 * namespace's, whose setns applies to the joiner's children only), by an
 * intermediate process: the lean path's (no other attribute) and the
 * general one's (a descriptor to set) start the program the same way, in
 * the holder's user, PID, network and UTS namespaces and new mount and
 * IPC ones, as our own child, with clean signals; a failed exec after the
 * joins comes back from both and leaves no process. As uid 65534. */
static void test_lean_intermediate_like_general(void)
{
    SKIP_UNLESS_ROOT();
    drop_to_nobody(NULL, NULL);
    struct holder h;
    holder_start(&h, CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWUTS, "lnstest-inter",
                 HOLDER_KEEP_UID);
    static const char *joined[] = {"user", "pid_for_children", "net", "uts"};
    static const int joined_type[] = {NS_USER, NS_PID, NS_NET, NS_UTS};
    int fds[4];
    for (int i = 0; i < 4; i++)
        fds[i] = SYS_OK(open_ns_file(h.pid, joined[i]));
    uint64_t holder_pid_ns = ns_id_of(h.pid, "pid_for_children");
    CHECK(holder_pid_ns != ns_id_of(0, "pid"));
    struct seen seen[2];
    for (int k = 0; k < 2; k++) {
        ns_spawn_attr *a = attr_with(NS_MNT | NS_IPC);
        for (int i = 0; i < 4; i++)
            REQUIRE_OK(ns_spawn_attr_join(a, fds[i], joined_type[i]));
        if (k)
            REQUIRE_OK(ns_spawn_attr_set_fd(a, 0, 0));
        spawn_and_look(a, &seen[k]);
        /* A failed exec after the joins. */
        char *argv[] = {"lnstest", NULL};
        CHECK_ERR(ns_spawn("/nonexistent/lnstest", argv, NULL, a, NULL), ENOENT);
        pid_t kids[4];
        CHECKF(children_of_self(kids, 4) == 1 && kids[0] == h.pid,
               "%s: a process is left besides the holder", k ? "general" : "lean");
        CHECK(waitpid(-1, NULL, WNOHANG) == 0);
        ns_spawn_attr_free(a);
    }
    check_seen_inside(&seen[0], "lean", h.pid, holder_pid_ns);
    check_seen_inside(&seen[1], "general", h.pid, holder_pid_ns);
    /* Without a pidfd asked for (the program's process takes none): the
     * pid returned is our child's, the program's exit status ours to
     * read. */
    ns_spawn_attr *np = attr_with(NS_MNT);
    for (int i = 0; i < 4; i++)
        REQUIRE_OK(ns_spawn_attr_join(np, fds[i], joined_type[i]));
    char *sh[] = {"sh", "-c", "exit 7", NULL};
    pid_t npid = REQUIRE_OK(ns_spawn("/bin/sh", sh, NULL, np, NULL));
    int nst;
    CHECK(wait_child(npid, &nst) == npid && WIFEXITED(nst) && WEXITSTATUS(nst) == 7);
    ns_spawn_attr_free(np);
    /* A join the intermediate is refused (our own network namespace,
     * whose owner it has no capability in once in the holder's user
     * namespace): EPERM, no process, and our descriptors as they were
     * (stdin among them). */
    int host_net = SYS_OK(open_ns_file(0, "net"));
    ns_spawn_attr *bad = attr_with(NS_MNT);
    REQUIRE_OK(ns_spawn_attr_join(bad, fds[0], NS_USER));
    REQUIRE_OK(ns_spawn_attr_join(bad, fds[1], NS_PID));
    REQUIRE_OK(ns_spawn_attr_join(bad, host_net, NS_NET));
    char *argv[] = {"true", NULL};
    CHECK_ERR(ns_spawn("/bin/true", argv, NULL, bad, NULL), EPERM);
    CHECK(fcntl(0, F_GETFD) >= 0);
    pid_t kids[4];
    CHECK(children_of_self(kids, 4) == 1 && kids[0] == h.pid);
    ns_spawn_attr_free(bad);
    close(host_net);
    for (int i = 0; i < 4; i++)
        close(fds[i]);
    holder_stop(&h);
}

static void test_lean_join_like_general(void)
{
    SKIP_UNLESS_ROOT();
    check_lean_join_like_general(NS_USER | NS_PID | NS_MNT | NS_IPC | NS_CGROUP);
    check_lean_join_like_general(NS_USER | NS_MNT | NS_IPC | NS_CGROUP | NS_UTS);
}

int main(void)
{
    RUN(test_every_type_but_user);
    RUN(test_every_type_with_user);
    RUN(test_pid_namespace_pid_1);
    RUN(test_map_root);
    RUN(test_map_root_as_nobody);
    RUN(test_custom_maps);
    RUN(test_hostname);
    RUN(test_hostname_as_root);
    RUN(test_mount_proc);
    RUN(test_mount_proc_as_root);
    RUN(test_time_offset_boottime);
    RUN(test_time_offset_boottime_as_root);
    RUN(test_time_offset_monotonic);
    RUN(test_cgroup);
    RUN(test_lean_like_general);
    RUN(test_lean_like_general_as_nobody);
    RUN(test_lean_join_like_general);
    RUN(test_lean_intermediate_like_general);
    return check_summary();
}
