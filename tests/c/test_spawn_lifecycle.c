/*
 * The 7.1 spawn lifecycle flags: ns_spawn_attr_set_no_new_privs (CLONE_NNP,
 * or prctl in the child), ns_spawn_attr_set_autoreap (CLONE_AUTOREAP) and
 * ns_spawn_attr_set_autokill (CLONE_PIDFD_AUTOKILL).  Where the kernel has
 * the flags (ns_features says so, checked against a direct clone3 probe in
 * test_features), the kernel's behaviour is read back: no zombie, ECHILD
 * from waitpid, the status from the pidfd, the program killed when its
 * pidfd closes.  Where it has not (kernels before 7.1, and every case of the
 * _fallback run, LINUXNS_FORCE_FALLBACK=1), no_new_privs still holds
 * (/proc/PID/status) and the other two setters refuse with -EOPNOTSUPP
 * naming 7.1, leaving the attribute as it was.  A spawn with a root gets a
 * mount namespace holding only that root, on every kernel (the fallback of
 * CLONE_EMPTY_MNTNS).
 */
#include "check_pidinfo.h"
#include "check_spawn.h"

static ns_spawn_attr *new_attr(void)
{
    ns_spawn_attr *a = ns_spawn_attr_new();
    REQUIRE(a != NULL);
    return a;
}

static bool forced_fallback(void)
{
    const char *v = getenv("LINUXNS_FORCE_FALLBACK");
    return v && *v && strcmp(v, "0") != 0;
}

/* "NoNewPrivs:\t1" read by the program itself. */
static int program_nnp(ns_spawn_attr *a)
{
    char out[4096], line[64];
    SH_OK(a, "cat /proc/self/status", out);
    REQUIRE(out_line(out, "NoNewPrivs:", line, sizeof line) != NULL);
    return atoi(line);
}

static void test_nnp_off_by_default(void)
{
    REQUIRE(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 0);
    ns_spawn_attr *a = new_attr();
    CHECK(program_nnp(a) == 0);
    REQUIRE_OK(ns_spawn_attr_set_no_new_privs(a, 1));
    REQUIRE_OK(ns_spawn_attr_set_no_new_privs(a, 0));
    CHECK(program_nnp(a) == 0);
    ns_spawn_attr_free(a);
}

static void test_nnp_plain_and_with_namespaces(void)
{
    REQUIRE(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 0);
    ns_spawn_attr *a = new_attr();
    REQUIRE_OK(ns_spawn_attr_set_no_new_privs(a, 1));
    CHECK(program_nnp(a) == 1);
    /* The caller is untouched. */
    CHECK(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 0);
    /* Through the intermediate (a join) and with new namespaces. */
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, NS_USER | NS_PID | NS_MNT | NS_UTS));
    REQUIRE_OK(ns_spawn_attr_map_root(a));
    CHECK(program_nnp(a) == 1);
    int uts = ns_open_pid(0, NS_UTS);
    REQUIRE_OK(uts);
    ns_spawn_attr *b = new_attr();
    REQUIRE_OK(ns_spawn_attr_set_no_new_privs(b, 1));
    REQUIRE_OK(ns_spawn_attr_join(b, uts, NS_UTS));
    CHECK(program_nnp(b) == 1);
    close(uts);
    ns_spawn_attr_free(a);
    ns_spawn_attr_free(b);
}

static int fn_nnp(void *arg)
{
    (void)arg;
    return prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ? 0 : 3;
}

static void test_nnp_spawn_fn(void)
{
    ns_spawn_attr *a = new_attr();
    REQUIRE_OK(ns_spawn_attr_set_no_new_privs(a, 1));
    pid_t pid = REQUIRE_OK(ns_spawn_fn(a, fn_nnp, NULL, NULL));
    int st;
    REQUIRE(wait_child(pid, &st) == pid);
    CHECKF(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status 0x%x", st);
    ns_spawn_attr_free(a);
}

/* As uid 65534 (no privilege at all), with and without a user namespace. */
static void test_nnp_nobody(void)
{
    SKIP_UNLESS_ROOT();
    drop_to_nobody(NULL, NULL);
    ns_spawn_attr *a = new_attr();
    REQUIRE_OK(ns_spawn_attr_set_no_new_privs(a, 1));
    CHECK(program_nnp(a) == 1);
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, NS_USER | NS_NET));
    REQUIRE_OK(ns_spawn_attr_map_root(a));
    CHECK(program_nnp(a) == 1);
    ns_spawn_attr_free(a);
}

/* A set-user-ID program does not gain its owner's uid under NNP. */
static void test_nnp_ignores_setuid(void)
{
    SKIP_UNLESS_ROOT();
    char dir[256], prog[300];
    make_temp_dir(dir, sizeof dir);
    REQUIRE(chmod(dir, 0755) == 0);
    snprintf(prog, sizeof prog, "%s/id-suid", dir);
    /* A copy of id(1), set-user-ID root. */
    char cmd[700];
    snprintf(cmd, sizeof cmd, "cp /usr/bin/id %s && chmod 4755 %s", prog, prog);
    REQUIRE(system(cmd) == 0);
    ns_spawn_attr *a = new_attr();
    gid_t none[1];
    REQUIRE_OK(ns_spawn_attr_set_ids(a, 65534, 65534, none, 0));
    char out[256];
    char *argv[] = {"id-suid", "-u", NULL};
    int st;
    /* Without NNP the bit works (euid 0)... */
    REQUIRE_OK(spawn_capture(a, prog, argv, out, sizeof out, &st));
    bool nosuid_fs = strcmp(out, "65534\n") == 0;
    if (!nosuid_fs)
        CHECK_STREQ(out, "0\n");
    /* ...with NNP it is ignored. */
    REQUIRE_OK(ns_spawn_attr_set_no_new_privs(a, 1));
    REQUIRE_OK(spawn_capture(a, prog, argv, out, sizeof out, &st));
    CHECK_STREQ(out, "65534\n");
    ns_spawn_attr_free(a);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
    if (nosuid_fs)
        SKIP("%s is on a nosuid filesystem: only the NNP half was shown", dir);
}

/* ---- a root in a mount namespace holding nothing else -------------------- */

/* Runs until the parent closes its end of the pipe (arg: both ends; the
 * function's copy of the write end is closed first). */
static int wait_for_eof(void *arg)
{
    int *p = arg;
    char c;
    close(p[1]);
    return read(p[0], &c, 1) == 0 ? 0 : 5;
}

/*
 * With a root set, the program's mount namespace holds the root's mounts
 * and nothing of the caller's tree.  On 7.1 that is where CLONE_EMPTY_MNTNS
 * would start; every kernel (this one, and the _fallback run) gets it from
 * a copy of the caller's namespace, pivot_root and a detach of the old
 * root.  Counted from outside with ns_mount_count, against the caller's.
 */
static void test_root_namespace_holds_only_the_root(void)
{
    char dir[256];
    make_temp_dir(dir, sizeof dir);
    int p[2];
    SYS_OK(pipe2(p, O_CLOEXEC));
    ns_spawn_attr *a = new_attr();
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, NS_USER | NS_MNT));
    REQUIRE_OK(ns_spawn_attr_map_root(a));
    REQUIRE_OK(ns_spawn_attr_set_root(a, dir));
    int pidfd = -1;
    pid_t pid = REQUIRE_OK(ns_spawn_fn(a, wait_for_eof, p, &pidfd));
    close(p[0]);
    int mine = ns_open_pid(0, NS_MNT);
    REQUIRE_OK(mine);
    int its = ns_open_pidfd(pidfd, NS_MNT);
    REQUIRE_OK(its);
    int n_mine = ns_mount_count(mine), n_its = ns_mount_count(its);
    CHECKF(n_mine > 1, "the caller's namespace has %d mounts", n_mine);
    CHECKF(n_its == 1, "the program's namespace has %d mounts, the caller's %d",
           n_its, n_mine);
    close(p[1]);
    int st;
    REQUIRE(wait_child(pid, &st) == pid);
    CHECKF(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status 0x%x", st);
    close(its);
    close(mine);
    close(pidfd);
    ns_spawn_attr_free(a);
    rmdir(dir);
}

/* ---- autoreap, autokill --------------------------------------------------- */

static void check_refused(int (*setter)(ns_spawn_attr *, int), const char *name,
                          const char *flag)
{
    ns_spawn_attr *a = new_attr();
    CHECK_ERR(setter(a, 1), EOPNOTSUPP);
    const char *e = ns_last_error();
    CHECKF(strstr(e, name) && strstr(e, flag) && strstr(e, "7.1"),
           "ns_last_error \"%s\" names neither %s, %s nor 7.1", e, name, flag);
    /* Turning it off is always fine. */
    CHECK_OK(setter(a, 0));
    /* The attribute is unchanged: a plain spawn, waitable as ever. */
    char out[64];
    pid_t pid = SH_OK(a, "echo ok", out);
    CHECK(pid > 0);
    CHECK_STREQ(out, "ok\n");
    ns_spawn_attr_free(a);
}

static void test_autoreap(void)
{
    uint64_t f = ns_features();
    if (forced_fallback())
        CHECK((f & (NS_FEATURE_CLONE_AUTOREAP | NS_FEATURE_CLONE_PIDFD_AUTOKILL |
                    NS_FEATURE_CLONE_NNP)) == 0);
    if (!(f & NS_FEATURE_CLONE_AUTOREAP)) {
        check_refused(ns_spawn_attr_set_autoreap, "ns_spawn_attr_set_autoreap",
                      "CLONE_AUTOREAP");
        return;
    }
    ns_spawn_attr *a = new_attr();
    REQUIRE_OK(ns_spawn_attr_set_autoreap(a, 1));
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, NS_USER | NS_UTS));
    char *argv[] = {"sh", "-c", "exit 7", NULL};
    int pidfd = -1;
    pid_t pid = REQUIRE_OK(ns_spawn("/bin/sh", argv, NULL, a, &pidfd));
    struct pollfd p = {.fd = pidfd, .events = POLLIN};
    REQUIRE(poll(&p, 1, 10000) == 1);
    int st = -1;
    CHECK_OK(ns_pidfd_status(pidfd, &st));
    CHECKF(WIFEXITED(st) && WEXITSTATUS(st) == 7, "status 0x%x", st);
    /* Not a zombie, not waitable. */
    CHECK(waitpid(pid, NULL, WNOHANG | __WALL) == -1 && errno == ECHILD);
    close(pidfd);
    /* A join needs the intermediate: refused before anything starts. */
    int uts = ns_open_pid(0, NS_UTS);
    REQUIRE_OK(uts);
    ns_spawn_attr *b = new_attr();
    REQUIRE_OK(ns_spawn_attr_set_autoreap(b, 1));
    REQUIRE_OK(ns_spawn_attr_join(b, uts, NS_UTS));
    CHECK_ERR(ns_spawn("/bin/true", (char *[]){"true", NULL}, NULL, b, NULL), EOPNOTSUPP);
    close(uts);
    ns_spawn_attr_free(a);
    ns_spawn_attr_free(b);
    CHECK_NO_CHILDREN();
}

static void test_autokill(void)
{
    uint64_t f = ns_features();
    if (!(f & NS_FEATURE_CLONE_PIDFD_AUTOKILL)) {
        check_refused(ns_spawn_attr_set_autokill, "ns_spawn_attr_set_autokill",
                      "CLONE_PIDFD_AUTOKILL");
        return;
    }
    ns_spawn_attr *a = new_attr();
    REQUIRE_OK(ns_spawn_attr_set_autokill(a, 1));
    char *argv[] = {"sleep", "60", NULL};
    int pidfd = -1;
    pid_t pid = REQUIRE_OK(ns_spawn("/bin/sleep", argv, NULL, a, &pidfd));
    CHECK(kill(pid, 0) == 0);
    close(pidfd);
    /* Killed, and reaped by the kernel. */
    int i = 0;
    while (kill(pid, 0) == 0 && i++ < 1000)
        usleep(10000);
    CHECK(kill(pid, 0) == -1 && errno == ESRCH);
    ns_spawn_attr_free(a);
    CHECK_NO_CHILDREN();
}

/* The probe and the setters agree, as the caller and as uid 65534. */
static void test_probe_matches_setters(void)
{
    uint64_t f = ns_features();
    ns_spawn_attr *a = new_attr();
    CHECK((ns_spawn_attr_set_autoreap(a, 1) == 0) == !!(f & NS_FEATURE_CLONE_AUTOREAP));
    CHECK((ns_spawn_attr_set_autokill(a, 1) == 0) ==
          !!(f & NS_FEATURE_CLONE_PIDFD_AUTOKILL));
    /* no_new_privs has its fallback: always accepted. */
    CHECK_OK(ns_spawn_attr_set_no_new_privs(a, 1));
    ns_spawn_attr_free(a);
}

int main(void)
{
    RUN(test_nnp_off_by_default);
    RUN(test_nnp_plain_and_with_namespaces);
    RUN(test_nnp_spawn_fn);
    RUN(test_nnp_nobody);
    RUN(test_nnp_ignores_setuid);
    RUN(test_root_namespace_holds_only_the_root);
    RUN(test_autoreap);
    RUN(test_autokill);
    RUN(test_probe_matches_setters);
    return check_summary();
}
