/* Hostile limits and /proc: no free descriptor, few free descriptors,
 * descriptors at the top of RLIMIT_NOFILE, an exhausted RLIMIT_NPROC (every
 * call then returns a value or a negative errno, and nothing panics); no
 * /proc at all, and the /proc of another PID namespace. */
#include "check_runtime.h"

static ns_spawn_attr *new_attr(void)
{
    ns_spawn_attr *a = ns_spawn_attr_new();
    REQUIRE(a != NULL);
    return a;
}

static int return_7(void *arg)
{
    (void)arg;
    return 7;
}

/* ---- no free descriptor: the error is EMFILE, not a wrong diagnosis --- */

static void test_nofile_join_and_setns(void)
{
    SKIP_UNLESS_ROOT();
    struct holder h;
    holder_start(&h, CLONE_NEWUTS, "rt-limits", HOLDER_KEEP_UID);
    int pidfd = SYS_OK(pidfd_open_(h.pid));
    int mnt = SYS_OK(open_ns_file(0, "mnt"));
    ns_spawn_attr *a = new_attr();
    rt_set_nofile(64);
    struct rt_fill f;
    rt_fill_fds(&f, 0);
    int res = -1;
    RT_CHECK_ERR_NOT(ns_run_in(pidfd, NS_UTS, return_7, NULL, &res), EMFILE,
                     "neither a namespace nor a pidfd");
    CHECK(res == -1);
    RT_CHECK_ERR_NOT(ns_spawn_attr_join(a, pidfd, NS_UTS), EMFILE,
                     "neither a namespace nor a pidfd");
    /* Single-threaded: the filesystem context is not shared. */
    RT_CHECK_ERR_NOT(ns_setns(mnt, NS_MNT), EMFILE, "filesystem context");
    rt_unfill_fds(&f);
    ns_spawn_attr_free(a);
    close(mnt);
    close(pidfd);
    holder_stop(&h);
}

/* ---- ns_list with one, two, three free descriptors --------------------- */

/*
 * Either ns_list fails, or it is complete: every namespace that two lists
 * without pressure, one before and one after, agree on (type, id, owner,
 * parent) is in it with the same details.  (Namespaces of processes that
 * come and go meanwhile may be in any of the three.)
 */
static void test_nofile_list_complete_or_error(void)
{
    rt_set_nofile(64);
    for (int free_fds = 1; free_fds <= 3; free_fds++) {
        struct rt_list before = {0}, under = {0}, after = {0};
        REQUIRE_OK(ns_list(0, rt_collect, &before));
        struct rt_fill f;
        rt_fill_fds(&f, free_fds);
        errno = 0;
        int n = ns_list(0, rt_collect, &under);
        int e = errno;
        char text[512];
        snprintf(text, sizeof text, "%s", ns_last_error());
        rt_unfill_fds(&f);
        REQUIRE_OK(ns_list(0, rt_collect, &after));
        if (n < 0) {
            CHECKF(n >= -4095 && e == -n && text[0], "%d free: ns_list %d, errno %d, "
                   "ns_last_error \"%s\"", free_fds, n, e, text);
        } else {
            CHECKF((size_t)n == under.n, "%d free: returned %d, %zu reported",
                   free_fds, n, under.n);
            int missing = 0, wrong = 0;
            for (size_t i = 0; i < before.n; i++) {
                const struct ns_info *x = &before.v[i];
                const struct ns_info *y = rt_find(&after, x->type, x->id);
                if (!y || !rt_same_owner(x, y))
                    continue; /* changed meanwhile */
                const struct ns_info *u = rt_find(&under, x->type, x->id);
                if (!u) {
                    missing++;
                } else if (!rt_same_owner(u, x)) {
                    if (wrong++ < 3)
                        fprintf(stderr, "    %d free: %s:[%" PRIu64 "] userns %" PRIu64
                                " owner %u parent %" PRIu64 "; without pressure %" PRIu64
                                " %u %" PRIu64 "\n", free_fds, ns_type_name(u->type),
                                u->id, u->userns_id, u->owner_uid, u->parent_id,
                                x->userns_id, x->owner_uid, x->parent_id);
                }
            }
            CHECKF(!missing && !wrong, "%d free: ns_list reported %d namespaces; "
                   "%d missing, %d with other details than without pressure (%zu, "
                   "%zu namespaces)", free_fds, n, missing, wrong, before.n, after.n);
        }
        free(before.v);
        free(under.v);
        free(after.v);
    }
}

/* ---- set_fd with descriptors at the top of RLIMIT_NOFILE ---------------- */

static void test_set_fd_near_limit(void)
{
    if (fcntl(3, F_GETFD) >= 0)
        SKIP("descriptor 3 is open (inherited from the test's caller)");
    rt_set_nofile(1024);
    char dir[256], file[3][300], out[300], want[1024];
    make_temp_dir(dir, sizeof dir);
    snprintf(out, sizeof out, "%s/out", dir);
    for (int i = 0; i < 3; i++) { /* file0, file1, file2 on 1021, 1022, 1023 */
        snprintf(file[i], sizeof file[i], "%s/file%d", dir, i);
        int fd = SYS_OK(open(file[i], O_RDWR | O_CREAT | O_CLOEXEC, 0644));
        SYS_OK(dup3(fd, 1021 + i, O_CLOEXEC));
        close(fd);
    }
    ns_spawn_attr *a = new_attr();
    REQUIRE_OK(ns_spawn_attr_set_fd(a, 3, 1023));
    snprintf(want, sizeof want, "%s\n", file[2]);
    rt_check_sees(a, "3", out, want);
    ns_spawn_attr_free(a);

    SYS_OK(dup3(1021, 3, O_CLOEXEC)); /* file0 on 3, as the program's 1023 */
    a = new_attr();
    REQUIRE_OK(ns_spawn_attr_set_fd(a, 1023, 3));
    snprintf(want, sizeof want, "%s\n", file[0]);
    rt_check_sees(a, "1023", out, want);
    ns_spawn_attr_free(a);
    close(3);

    a = new_attr(); /* a rotation among 1021, 1022, 1023 */
    REQUIRE_OK(ns_spawn_attr_set_fd(a, 1021, 1022));
    REQUIRE_OK(ns_spawn_attr_set_fd(a, 1022, 1023));
    REQUIRE_OK(ns_spawn_attr_set_fd(a, 1023, 1021));
    snprintf(want, sizeof want, "%s\n%s\n%s\n", file[1], file[2], file[0]);
    rt_check_sees(a, "1021 1022 1023", out, want);
    ns_spawn_attr_free(a);
    for (int i = 0; i < 3; i++)
        close(1021 + i);
    rt_remove_dir(dir);
}

/* ---- an exhausted RLIMIT_NPROC ------------------------------------------ */

/* With enough processes for ns_list to want workers, stderr captured: the
 * case becomes uid 65534 at its RLIMIT_NPROC. */
static void nproc_begin(struct rt_crowd *crowd, struct rt_stderr *cap)
{
    rt_crowd_start(crowd, 130);
    rt_stderr_begin(cap);
    rt_exhaust_nproc();
}

/* Stderr back (no panic in it), the crowd gone. */
static void nproc_end(struct rt_crowd *crowd, struct rt_stderr *cap)
{
    static char text[65536];
    rt_stderr_end(cap, text, sizeof text);
    rt_crowd_stop(crowd);
}

static void test_nproc_list(void)
{
    SKIP_UNLESS_ROOT();
    struct rt_crowd crowd;
    struct rt_stderr cap;
    nproc_begin(&crowd, &cap);
    struct rt_list b = {0};
    int n = CHECK_OK(ns_list(0, rt_collect, &b));
    nproc_end(&crowd, &cap);
    CHECK(n > 0 && (size_t)n == b.n);
    /* Our own namespaces are there. */
    for (size_t i = 0; i < N_KINDS && n > 0; i++)
        CHECKF(rt_find(&b, NS_KINDS[i].type, ns_id_of(0, NS_KINDS[i].name)),
               "own %s namespace missing", NS_KINDS[i].name);
    free(b.v);
}

/*
 * Calls a broad set of the library's functions; each must return a value or
 * a negative errno with errno and ns_last_error set. `uts` and `user` are
 * namespace fds opened beforehand.
 */
static void call_everything(int uts, int user)
{
    struct rt_list b = {0};
    RT_RULE(ns_list(0, rt_collect, &b));
    free(b.v);
    RT_RULE_FD(ns_open_pid(getpid(), NS_NET));
    RT_RULE_FD(ns_open_pid(0, NS_UTS));
    uint64_t id = 0;
    RT_RULE(ns_id(uts, &id));
    RT_RULE(ns_type(uts));
    RT_RULE(ns_same(uts, uts));
    RT_RULE_FD(ns_get_userns(uts));
    uid_t owner;
    RT_RULE(ns_owner_uid(user, &owner));
    int res;
    RT_RULE(ns_run_in(uts, 0, return_7, NULL, &res));
    RT_RULE_FD(ns_new(NS_UTS));
    struct ns_idmap map = {0, geteuid(), 1};
    RT_RULE_FD(ns_new_userns(&map, 1, NULL, 0, 0));
    char *argv[] = {"true", NULL};
    RT_RULE_PID(ns_spawn("/bin/true", argv, NULL, NULL, NULL));
    ns_spawn_attr *a = ns_spawn_attr_new();
    CHECK(a != NULL || errno != 0);
    if (a) {
        RT_RULE(ns_spawn_attr_set_namespaces(a, NS_USER | NS_UTS));
        RT_RULE(ns_spawn_attr_map_root(a));
        RT_RULE(ns_spawn_attr_join(a, uts, 0));
        RT_RULE_PID(ns_spawn("/bin/true", argv, NULL, a, NULL));
        RT_RULE_PID(ns_spawn_fn(a, return_7, NULL, NULL));
        ns_spawn_attr_free(a);
    }
    RT_RULE_PID(ns_clone(0, return_7, NULL, NULL));
    RT_RULE(ns_enter_pid(getpid(), 0));
    RT_RULE(ns_setns(uts, 0));
    RT_RULE(ns_unshare(0));
    RT_RULE(ns_get_limit(NS_NET));
    RT_RULE(ns_write_uid_map(getpid(), &map, 1, 0));
}

static void test_nproc_every_call(void)
{
    SKIP_UNLESS_ROOT();
    int uts = SYS_OK(open_ns_file(0, "uts"));
    int user = SYS_OK(open_ns_file(0, "user"));
    struct rt_crowd crowd;
    struct rt_stderr cap;
    nproc_begin(&crowd, &cap);
    call_everything(uts, user);
    nproc_end(&crowd, &cap);
    close(user);
    close(uts);
}

static void test_nofile_every_call(void)
{
    int uts = SYS_OK(open_ns_file(0, "uts"));
    int user = SYS_OK(open_ns_file(0, "user"));
    struct rt_stderr cap;
    char text[8192];
    rt_stderr_begin(&cap);
    rt_set_nofile(64);
    struct rt_fill f;
    rt_fill_fds(&f, 0);
    call_everything(uts, user);
    rt_unfill_fds(&f);
    rt_stderr_end(&cap, text, sizeof text);
    close(user);
    close(uts);
}

/* ---- no /proc ---------------------------------------------------------- */

static const struct ns_idmap THREE[] = {{0, 0, 1}, {1, 100000, 1000}, {2000, 200000, 1000}};

static void test_no_proc(void)
{
    SKIP_UNLESS_ROOT();
    rt_unmount_proc();
    struct rt_list b = {0};
    CHECK_ERR_STEP(ns_list(0, rt_collect, &b), ENOENT, "/proc is not mounted");
    CHECK(b.n == 0);
    free(b.v);
    CHECK_ERR_STEP(ns_open_pid(getpid(), NS_NET), ENOENT, "/proc is not mounted");
    CHECK_ERR_STEP(ns_open_pid(0, NS_NET), ENOENT, "/proc is not mounted");
    /* A plain spawn needs no /proc. */
    char *targv[] = {"true", NULL};
    pid_t pid = CHECK_OK(ns_spawn("/bin/true", targv, NULL, NULL, NULL));
    if (pid > 0)
        CHECK(rt_exited_ok(pid));
    /* A map the caller writes: written right, or -ENOENT naming /proc. */
    ns_spawn_attr *a = new_attr();
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, NS_USER));
    REQUIRE_OK(ns_spawn_attr_set_uid_map(a, THREE, 3, 0));
    int p[2];
    SYS_OK(pipe2(p, O_CLOEXEC));
    REQUIRE_OK(ns_spawn_attr_set_fd(a, 0, p[0]));
    char *argv[] = {"cat", NULL};
    errno = 0;
    pid = ns_spawn("/bin/cat", argv, NULL, a, NULL);
    int e = errno;
    const char *le = ns_last_error();
    close(p[0]);
    if (pid > 0) {
        rt_mount_proc();
        CHECK(idmap_equals(pid, "uid_map", THREE, 3));
        close(p[1]);
        CHECK(rt_exited_ok(pid));
    } else {
        close(p[1]);
        CHECKF(pid == -ENOENT && e == ENOENT && le && strstr(le, "/proc"),
               "spawn with a caller-written map: %d, errno %d, ns_last_error \"%s\"",
               (int)pid, e, le ? le : "(null)");
        rt_mount_proc();
    }
    ns_spawn_attr_free(a);
}

/* ---- a /proc of another PID namespace ----------------------------------- */

static const struct ns_idmap TWO[] = {{0, 0, 1}, {1, 100000, 1000}};

/* True when text holds TWO twice (a uid map, then a gid map). */
static bool two_maps(const char *text)
{
    struct ns_idmap got[8];
    size_t n = parse_idmap(text, got, 8);
    qsort(got, 2, sizeof *got, idmap_cmp);
    qsort(got + 2, 2, sizeof *got, idmap_cmp);
    return n == 4 && memcmp(got, TWO, sizeof TWO) == 0 &&
           memcmp(got + 2, TWO, sizeof TWO) == 0;
}

/* Succeeded with the right maps, or failed naming /proc, but not a file
 * of a process outside our PID namespace (a host process's map). */
#define CHECK_FOREIGN(r, e, le, right, what)                               \
    CHECKF((r) >= 0 ? (right) : ((e) == -(r) && (le) && strstr((le), "/proc") \
                                 && !rt_names_foreign_pid(le)),            \
           "%s: %d, errno %d, ns_last_error \"%s\"", (what), (int)(r), (e), \
           (le) ? (le) : "(null)")

static void foreign_spawn(void)
{
    char dir[256], out[300], text[1024] = "";
    make_temp_dir(dir, sizeof dir);
    snprintf(out, sizeof out, "%s/out", dir);
    int o = SYS_OK(open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    ns_spawn_attr *a = new_attr();
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, NS_USER));
    REQUIRE_OK(ns_spawn_attr_set_uid_map(a, TWO, 2, 0));
    REQUIRE_OK(ns_spawn_attr_set_gid_map(a, TWO, 2, 0));
    REQUIRE_OK(ns_spawn_attr_set_fd(a, 1, o));
    char *argv[] = {"cat", "/proc/self/uid_map", "/proc/self/gid_map", NULL};
    errno = 0;
    pid_t pid = ns_spawn("/bin/cat", argv, NULL, a, NULL);
    int e = errno;
    const char *le = ns_last_error();
    close(o);
    bool ok = pid > 0 && rt_exited_ok(pid);
    read_file(out, text, sizeof text);
    CHECK_FOREIGN(pid, e, le, ok && two_maps(text), "ns_spawn");
    if (pid > 0 && !two_maps(text))
        fprintf(stderr, "    the program saw:\n%s", text);
    ns_spawn_attr_free(a);
    rt_remove_dir(dir);
}

static void test_foreign_proc_spawn(void)
{
    SKIP_UNLESS_ROOT();
    rt_as_pid1_with_host_proc(foreign_spawn);
}

static void foreign_new_userns(void)
{
    errno = 0;
    int fd = ns_new_userns(TWO, 2, TWO, 2, 0);
    int e = errno;
    const char *le = ns_last_error();
    bool right = false;
    if (fd >= 0) {
        char text[1024];
        rt_maps_inside(fd, text, sizeof text);
        right = two_maps(text);
        if (!right)
            fprintf(stderr, "    inside, the maps are:\n%s", text);
        close(fd);
    }
    CHECK_FOREIGN(fd, e, le, right, "ns_new_userns");
}

static void test_foreign_proc_new_userns(void)
{
    SKIP_UNLESS_ROOT();
    rt_as_pid1_with_host_proc(foreign_new_userns);
}

int main(void)
{
    RUN(test_nofile_join_and_setns);
    RUN(test_nofile_list_complete_or_error);
    RUN(test_set_fd_near_limit);
    RUN(test_nproc_list);
    RUN(test_nproc_every_call);
    RUN(test_nofile_every_call);
    RUN(test_no_proc);
    RUN(test_foreign_proc_spawn);
    RUN(test_foreign_proc_new_userns);
    return check_summary();
}
