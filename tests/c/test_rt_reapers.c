/*
 * Runtimes that reap children themselves: SIGCHLD ignored, a SIGCHLD
 * handler looping waitpid(-1, WNOHANG), a thread looping waitpid(-1, 0).
 * In each, spawns through an intermediate process (a join, a time offset)
 * still return the program's pid and a pidfd naming it, a failing spawn
 * still says why, the map helpers (newuidmap, newgidmap) still work, user
 * namespaces and fork-like children are still made, and no child of the
 * library is left behind.
 */
#include "check_runtime.h"
#include <sys/mount.h>

#define SPAWNS 100

/* Every case as three, one per runtime. */
#define IN_EACH_RUNTIME(body)                                              \
    static void test_##body##_sig_ign(void) { body(REAP_SIG_IGN); }       \
    static void test_##body##_handler(void) { body(REAP_HANDLER); }        \
    static void test_##body##_thread(void) { body(REAP_THREAD); }

/* The pids the case itself started: the only children it may reap. */
struct started {
    int n;
    pid_t pid[256];
};

static void note_started(struct started *s, pid_t pid)
{
    if (pid > 0 && s->n < 256)
        s->pid[s->n++] = pid;
}

static int return_0(void *arg)
{
    (void)arg;
    return 0;
}

/*
 * SPAWNS times: `sh -c 'echo ok > DIR/outN'` with attr and a pidfd.  Each
 * call returns a pid and a pidfd naming it (fdinfo Pid: the pid, or -1
 * once reaped); the pidfd becomes readable when the program ends, and the
 * program has written its file.
 */
static void spawn_with_pidfds(ns_spawn_attr *a, enum reaper_kind kind, struct started *s)
{
    char dir[256], file[300], script[400], text[64];
    make_temp_dir(dir, sizeof dir);
    struct tally t = {0};
    for (int i = 0; i < SPAWNS; i++) {
        snprintf(file, sizeof file, "%s/out%d", dir, i);
        snprintf(script, sizeof script, "echo ok > %s", file);
        char *argv[] = {"sh", "-c", script, NULL};
        int pidfd = -1;
        errno = 0;
        pid_t pid = ns_spawn("/bin/sh", argv, NULL, a, &pidfd);
        note_started(s, pid);
        if (pid <= 0 || pidfd < 0) {
            tally_note(&t, i, "ns_spawn: %d, pidfd %d, errno %d, \"%s\"", (int)pid,
                       pidfd, errno, ns_last_error());
            if (pidfd >= 0)
                close(pidfd);
            continue;
        }
        pid_t named = pidfd_pid(pidfd);
        if (named != pid && named != -1)
            tally_note(&t, i, "the pidfd names pid %d, the spawn returned %d",
                       (int)named, (int)pid);
        if (!pidfd_wait_exit(pidfd, 10000))
            tally_note(&t, i, "pid %d: its pidfd did not report an exit in 10 s",
                       (int)pid);
        else if (read_file(file, text, sizeof text) < 0 || strcmp(text, "ok\n") != 0)
            tally_note(&t, i, "pid %d ended, %s does not say ok", (int)pid, file);
        close(pidfd);
    }
    CHECKF(t.failed == 0, "%s: %ld of %d spawns went wrong; first: %s",
           reaper_name(kind), t.failed, SPAWNS, t.first);
    rt_remove_dir(dir);
}

/* ---- a. a join, with a pidfd --------------------------------------------- */

static void join_with_pidfd(enum reaper_kind kind)
{
    SKIP_UNLESS_ROOT();
    struct started s = {0};
    ns_spawn_attr *a = ns_spawn_attr_new();
    REQUIRE(a != NULL);
    int net = REQUIRE_OK(ns_new(NS_NET));
    REQUIRE_OK(ns_spawn_attr_join(a, net, NS_NET));
    close(net);
    struct reaper r;
    reaper_start(&r, kind);
    spawn_with_pidfds(a, kind, &s);
    reaper_stop_and_check(&r, s.pid, s.n);
    ns_spawn_attr_free(a);
}
IN_EACH_RUNTIME(join_with_pidfd)

/* ---- b. a time offset, with a pidfd ------------------------------------------ */

static void time_offset_with_pidfd(enum reaper_kind kind)
{
    SKIP_UNLESS_ROOT();
    if (access("/proc/self/ns/time", F_OK) != 0)
        SKIP("no time namespaces");
    struct started s = {0};
    ns_spawn_attr *a = ns_spawn_attr_new();
    REQUIRE(a != NULL);
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, NS_TIME));
    REQUIRE_OK(ns_spawn_attr_set_time_offset(a, CLOCK_MONOTONIC, 100, 0));
    struct reaper r;
    reaper_start(&r, kind);
    spawn_with_pidfds(a, kind, &s);
    reaper_stop_and_check(&r, s.pid, s.n);
    ns_spawn_attr_free(a);
}
IN_EACH_RUNTIME(time_offset_with_pidfd)

/* ---- c. a failing spawn says why ------------------------------------------- */

/* Ten spawns of a missing program with `a`, every other one asking for
 * the pidfd, while `kind` reaps: each says ENOENT. */
static void failing_spawns(enum reaper_kind kind, ns_spawn_attr *a)
{
    struct reaper r;
    reaper_start(&r, kind);
    char *argv[] = {"prog", NULL};
    struct tally t = {0};
    for (int i = 0; i < 10; i++) {
        int pidfd = -1;
        errno = 0;
        pid_t pid = ns_spawn("/nonexistent/prog", argv, NULL, a, i % 2 ? &pidfd : NULL);
        int e = errno;
        if (pid != -ENOENT || e != ENOENT)
            tally_note(&t, i, "%d, errno %d (%s), \"%s\"", (int)pid, e, strerror(e),
                       ns_last_error());
        if (pidfd >= 0)
            close(pidfd);
    }
    CHECKF(t.failed == 0, "%s: %ld of 10 spawns of /nonexistent/prog did not give "
           "-ENOENT; first: %s", reaper_name(kind), t.failed, t.first);
    reaper_stop_and_check(&r, NULL, 0);
}

/* With a join the calling thread makes. */
static void failing_spawn(enum reaper_kind kind)
{
    SKIP_UNLESS_ROOT();
    ns_spawn_attr *a = ns_spawn_attr_new();
    REQUIRE(a != NULL);
    int net = REQUIRE_OK(ns_new(NS_NET));
    REQUIRE_OK(ns_spawn_attr_join(a, net, NS_NET));
    close(net);
    failing_spawns(kind, a);
    ns_spawn_attr_free(a);
}
IN_EACH_RUNTIME(failing_spawn)

/* The lean spawn, which takes no pidfd at clone when the caller wants
 * none: its failed child opens one of itself to be reaped by. */
static void failing_lean_spawn(enum reaper_kind kind)
{
    ns_spawn_attr *a = ns_spawn_attr_new();
    REQUIRE(a != NULL);
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, NS_USER | NS_UTS));
    REQUIRE_OK(ns_spawn_attr_map_root(a));
    int before = count_fds(NULL);
    failing_spawns(kind, a);
    failing_spawns(kind, NULL);
    /* Each failed child's own pidfd was adopted and closed. */
    CHECKF(count_fds(NULL) == before, "%s: %d descriptors before, %d after",
           reaper_name(kind), before, count_fds(NULL));
    ns_spawn_attr_free(a);
}
IN_EACH_RUNTIME(failing_lean_spawn)

/* ---- d. maps written by newuidmap and newgidmap ------------------------------ */


static const struct ns_idmap SUBIDS[] = {{0, 100000, 65536}};

/* A spawn with maps the caller writes through the helpers; the program
 * prints its maps. */
static void helper_maps_spawn(struct tally *t, int round, struct started *s)
{
    ns_spawn_attr *a = ns_spawn_attr_new();
    REQUIRE(a != NULL);
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, NS_USER));
    REQUIRE_OK(ns_spawn_attr_set_uid_map(a, SUBIDS, 1, NS_MAP_USE_HELPER));
    REQUIRE_OK(ns_spawn_attr_set_gid_map(a, SUBIDS, 1, NS_MAP_USE_HELPER));
    int p[2];
    SYS_OK(pipe2(p, O_CLOEXEC));
    REQUIRE_OK(ns_spawn_attr_set_fd(a, 1, p[1]));
    char *argv[] = {"cat", "/proc/self/uid_map", "/proc/self/gid_map", NULL};
    int pidfd = -1;
    pid_t pid = ns_spawn("/bin/cat", argv, NULL, a, &pidfd);
    close(p[1]);
    char out[512];
    read_all(p[0], out, sizeof out);
    close(p[0]);
    note_started(s, pid);
    struct ns_idmap got[4];
    size_t n = parse_idmap(out, got, 4);
    if (pid <= 0)
        tally_note(t, round, "ns_spawn: %d (%s)", (int)pid, ns_last_error());
    else if (pidfd < 0 || !pidfd_wait_exit(pidfd, 10000))
        tally_note(t, round, "ns_spawn: pid %d, pidfd %d: no exit seen", (int)pid, pidfd);
    else if (n != 2 || memcmp(&got[0], SUBIDS, sizeof SUBIDS) != 0 ||
             memcmp(&got[1], SUBIDS, sizeof SUBIDS) != 0)
        tally_note(t, round, "the program saw the maps:\n%s", out);
    if (pidfd >= 0)
        close(pidfd);
    ns_spawn_attr_free(a);
}

/* The map writers on a holder. */
static void helper_maps_write(struct tally *t, int round, struct started *s)
{
    struct holder h;
    holder_start(&h, CLONE_NEWUSER, NULL, HOLDER_KEEP_UID);
    note_started(s, h.pid);
    int g = ns_write_gid_map(h.pid, SUBIDS, 1, NS_MAP_USE_HELPER);
    if (g < 0)
        tally_note(t, round, "ns_write_gid_map: %d (%s)", g, ns_last_error());
    int u = ns_write_uid_map(h.pid, SUBIDS, 1, NS_MAP_USE_HELPER);
    if (u < 0)
        tally_note(t, round, "ns_write_uid_map: %d (%s)", u, ns_last_error());
    if (!idmap_equals(h.pid, "uid_map", SUBIDS, 1) ||
        !idmap_equals(h.pid, "gid_map", SUBIDS, 1))
        tally_note(t, round, "the holder's maps are not the ones written");
    holder_stop(&h);
}

static void helper_maps(enum reaper_kind kind)
{
    SKIP_UNLESS_ROOT();
    private_subid_files(); /* before a reaper thread: unshare(CLONE_NEWNS) */
    struct started s = {0};
    struct reaper r;
    reaper_start(&r, kind);
    struct tally spawns = {0}, writes = {0};
    for (int round = 0; round < 10; round++) {
        helper_maps_spawn(&spawns, round, &s);
        helper_maps_write(&writes, round, &s);
    }
    CHECKF(spawns.failed == 0, "%s: %ld of 10 spawns with helper-written maps went "
           "wrong; first: %s", reaper_name(kind), spawns.failed, spawns.first);
    CHECKF(writes.failed == 0, "%s: %ld failures in 10 rounds of map writes through "
           "the helpers; first: %s", reaper_name(kind), writes.failed, writes.first);
    reaper_stop_and_check(&r, s.pid, s.n);
}

static void test_helper_maps_sig_ign(void)
{
    helper_maps(REAP_SIG_IGN);
}

static void test_helper_maps_reaper_thread(void)
{
    helper_maps(REAP_THREAD);
}

/* ---- e. user namespaces and fork-like children ------------------------------- */

static void userns_and_clones(enum reaper_kind kind)
{
    struct started s = {0};
    struct reaper r;
    reaper_start(&r, kind);
    const struct ns_idmap um = {0, geteuid(), 1}, gm = {0, getegid(), 1};
    struct tally t = {0};
    for (int i = 0; i < 20; i++) {
        int fd = ns_new_userns(&um, 1, &gm, 1, NS_MAP_DENY_SETGROUPS);
        if (fd < 0) {
            tally_note(&t, i, "ns_new_userns: %d (%s)", fd, ns_last_error());
            continue;
        }
        if (ns_type(fd) != NS_USER)
            tally_note(&t, i, "ns_new_userns gave fd %d, no user namespace", fd);
        close(fd);
    }
    for (int i = 0; i < 10; i++) {
        pid_t pid = i % 2 ? ns_clone(0, return_0, NULL, NULL)
                          : ns_spawn_fn(NULL, return_0, NULL, NULL);
        note_started(&s, pid);
        if (pid <= 0)
            tally_note(&t, 20 + i, "%s: %d (%s)", i % 2 ? "ns_clone" : "ns_spawn_fn",
                       (int)pid, ns_last_error());
    }
    CHECKF(t.failed == 0, "%s: %ld of 30 calls failed; first: %s", reaper_name(kind),
           t.failed, t.first);
    reaper_stop_and_check(&r, s.pid, s.n);
}
IN_EACH_RUNTIME(userns_and_clones)

int main(void)
{
    RUN(test_join_with_pidfd_sig_ign);
    RUN(test_join_with_pidfd_handler);
    RUN(test_join_with_pidfd_thread);
    RUN(test_time_offset_with_pidfd_sig_ign);
    RUN(test_time_offset_with_pidfd_handler);
    RUN(test_time_offset_with_pidfd_thread);
    RUN(test_failing_spawn_sig_ign);
    RUN(test_failing_spawn_handler);
    RUN(test_failing_spawn_thread);
    RUN(test_failing_lean_spawn_sig_ign);
    RUN(test_failing_lean_spawn_handler);
    RUN(test_failing_lean_spawn_thread);
    RUN(test_helper_maps_sig_ign);
    RUN(test_helper_maps_reaper_thread);
    RUN(test_userns_and_clones_sig_ign);
    RUN(test_userns_and_clones_handler);
    RUN(test_userns_and_clones_thread);
    return check_summary();
}
