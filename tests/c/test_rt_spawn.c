/* ns_spawn as posix_spawn: descriptors not named in set_fd are inherited
 * unchanged beside a rotation or a swap, a program found in PATH through a
 * relative entry is the one that runs, whatever the cwd, and at the
 * descriptor limit a spawn starts its program or fails before it. */
#include "check_runtime.h"

static ns_spawn_attr *new_attr(void)
{
    ns_spawn_attr *a = ns_spawn_attr_new();
    REQUIRE(a != NULL);
    return a;
}

/* ---- inherited descriptors ----------------------------------------------- */

/* dir/fN opened read-write as descriptor N, without close-on-exec;
 * its path into path. */
static void open_as(const char *dir, int fd, char *path, size_t size)
{
    snprintf(path, size, "%s/f%d", dir, fd);
    int t = SYS_OK(open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644));
    if (t != fd) {
        SYS_OK(dup2(t, fd));
        close(t);
    } else {
        SYS_OK(fcntl(fd, F_SETFD, 0));
    }
}

/* The case needs descriptors lo..hi free (they are, under ctest). */
static void need_free_fds(int lo, int hi)
{
    for (int fd = lo; fd <= hi; fd++)
        if (fcntl(fd, F_GETFD) >= 0)
            SKIP("descriptor %d is open (inherited from the test's caller)", fd);
}

/*
 * Shell text that writes "N TARGET" for every descriptor N of `fds` as the
 * shell itself has them (read through /proc/$$, before any redirection)
 * into the file out.
 */
static void fd_report_script(char *buf, size_t size, const int *fds, int n,
                             const char *out)
{
    size_t len = (size_t)snprintf(buf, size, "r=''; for f in");
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(buf + len, size - len, " %d", fds[i]);
    snprintf(buf + len, size - len, "; do r=\"$r$f $(readlink /proc/$$/fd/$f)\n\"; "
             "done; printf %%s \"$r\" > %s", out);
}

static void test_rotation_keeps_3_4_5(void)
{
    char dir[256], path[11][300], out[300], script[1024], got[4096], want[4096];
    need_free_fds(3, 5);
    make_temp_dir(dir, sizeof dir);
    snprintf(out, sizeof out, "%s/out", dir);
    /* Our 0, 1, 2 become files of their own for a while. */
    int saved[3];
    fflush(stdout);
    fflush(stderr);
    for (int fd = 0; fd < 3; fd++)
        saved[fd] = SYS_OK(fcntl(fd, F_DUPFD_CLOEXEC, 20));
    for (int fd = 0; fd < 6; fd++)
        open_as(dir, fd, path[fd], sizeof path[fd]);
    ns_spawn_attr *a = new_attr();
    REQUIRE_OK(ns_spawn_attr_set_fd(a, 0, 1));
    REQUIRE_OK(ns_spawn_attr_set_fd(a, 1, 2));
    REQUIRE_OK(ns_spawn_attr_set_fd(a, 2, 0));
    const int fds[] = {0, 1, 2, 3, 4, 5};
    fd_report_script(script, sizeof script, fds, 6, out);
    bool ran = rt_run_sh(a, script);
    for (int fd = 0; fd < 3; fd++) {
        dup2(saved[fd], fd);
        close(saved[fd]);
    }
    if (!ran && read_file(path[2], got, sizeof got) > 0) /* our stderr meanwhile */
        fprintf(stderr, "%s", got);
    CHECK(ran);
    read_file(out, got, sizeof got);
    snprintf(want, sizeof want, "0 %s\n1 %s\n2 %s\n3 %s\n4 %s\n5 %s\n", path[1],
             path[2], path[0], path[3], path[4], path[5]);
    CHECK_STREQ(got, want);
    for (int fd = 3; fd < 6; fd++)
        close(fd);
    ns_spawn_attr_free(a);
    rt_remove_dir(dir);
}

static void test_swap_keeps_the_others(void)
{
    char dir[256], path[11][300], out[300], script[1024], got[4096], want[4096];
    need_free_fds(3, 10);
    make_temp_dir(dir, sizeof dir);
    snprintf(out, sizeof out, "%s/out", dir);
    for (int fd = 3; fd <= 10; fd++)
        open_as(dir, fd, path[fd], sizeof path[fd]);
    ns_spawn_attr *a = new_attr();
    REQUIRE_OK(ns_spawn_attr_set_fd(a, 5, 8));
    REQUIRE_OK(ns_spawn_attr_set_fd(a, 8, 5));
    const int fds[] = {3, 4, 5, 6, 7, 8, 9, 10};
    fd_report_script(script, sizeof script, fds, 8, out);
    CHECK(rt_run_sh(a, script));
    read_file(out, got, sizeof got);
    size_t len = 0;
    for (int fd = 3; fd <= 10; fd++)
        len += (size_t)snprintf(want + len, sizeof want - len, "%d %s\n", fd,
                                path[fd == 5 ? 8 : fd == 8 ? 5 : fd]);
    CHECK_STREQ(got, want);
    for (int fd = 3; fd <= 10; fd++)
        close(fd);
    ns_spawn_attr_free(a);
    rt_remove_dir(dir);
}

/* ---- PATH lookup and the child's cwd ------------------------------------ */

#define PROG "linuxns-rt-prog"

/*
 * Directories A and B, each with a script PROG that writes its own name
 * and its cwd into A/out; the caller's cwd is A, PATH is path_env, the
 * child's cwd B. The program found in PATH (A's) is the one that runs.
 */
static void check_path_lookup(const char *path_env)
{
    char a[256], b[256], out[300], prog[300], script[700], got[1024], want[1024];
    make_temp_dir(a, sizeof a);
    make_temp_dir(b, sizeof b);
    snprintf(out, sizeof out, "%s/out", a);
    const char *dirs[] = {a, b}, *names[] = {"A", "B"};
    for (int i = 0; i < 2; i++) {
        snprintf(prog, sizeof prog, "%s/%s", dirs[i], PROG);
        snprintf(script, sizeof script, "#!/bin/sh\necho \"%s $(pwd)\" > %s\n",
                 names[i], out);
        rt_write_script(prog, script);
    }
    SYS_OK(chdir(a));
    SYS_OK(setenv("PATH", path_env, 1));
    ns_spawn_attr *attr = new_attr();
    REQUIRE_OK(ns_spawn_attr_set_cwd(attr, b));
    char *argv[] = {PROG, NULL};
    pid_t pid = CHECK_OK(ns_spawn(PROG, argv, NULL, attr, NULL));
    if (pid > 0)
        CHECK(rt_exited_ok(pid));
    read_file(out, got, sizeof got);
    snprintf(want, sizeof want, "A %s\n", b);
    CHECKF(strcmp(got, want) == 0, "PATH=\"%s\": the program wrote \"%s\", "
           "expected \"%s\" (%s's %s, run in %s)", path_env, got, want, a, PROG, b);
    ns_spawn_attr_free(attr);
    SYS_OK(chdir("/"));
    rt_remove_dir(a);
    rt_remove_dir(b);
}

static void test_path_empty_entry(void)
{
    check_path_lookup(":/bin");
}

static void test_path_dot(void)
{
    check_path_lookup(".");
}

static void test_path_dot_last(void)
{
    check_path_lookup("/bin:.");
}

/* ---- the descriptor limit --------------------------------------------------- */

/*
 * With 0 to 8 descriptors free, every kind of spawn either starts the
 * program (it writes its file) and returns its pid and pidfd, or fails
 * with -EMFILE before the program starts (no file, no child left, no
 * descriptor left open). Kinds: plain (vfork), a join (an intermediate
 * that sends the program's pidfd back), a user namespace with a map the
 * caller writes (the child sends its /proc/self), ns_new_userns.
 */
static void test_spawn_at_the_descriptor_limit(void)
{
    SKIP_UNLESS_ROOT();
    char dir[256], out[300], script[400], got[64];
    make_temp_dir(dir, sizeof dir);
    int net = REQUIRE_OK(ns_new(NS_NET));
    ns_spawn_attr *kinds[3];
    const char *names[] = {"plain", "join", "caller-written map"};
    kinds[0] = new_attr();
    kinds[1] = new_attr();
    REQUIRE_OK(ns_spawn_attr_join(kinds[1], net, NS_NET));
    kinds[2] = new_attr();
    REQUIRE_OK(ns_spawn_attr_set_namespaces(kinds[2], NS_USER));
    const struct ns_idmap map[] = {{0, 0, 1}, {1, 100000, 1000}};
    REQUIRE_OK(ns_spawn_attr_set_uid_map(kinds[2], map, 2, 0));
    close(net);
    rt_set_nofile(64);
    int started = 0, refused = 0;
    for (int k = 0; k < 4; k++) {
        for (int free_fds = 0; free_fds <= 8; free_fds++) {
            snprintf(out, sizeof out, "%s/out-%d-%d", dir, k, free_fds);
            snprintf(script, sizeof script, "echo ok > %s", out);
            char *argv[] = {"sh", "-c", script, NULL};
            struct rt_fill f;
            rt_fill_fds(&f, free_fds);
            int pidfd = -1, e = 0, r;
            errno = 0;
            if (k < 3) {
                r = ns_spawn("/bin/sh", argv, NULL, kinds[k], &pidfd);
            } else {
                r = ns_new_userns(map, 2, NULL, 0, 0);
            }
            e = errno;
            char le[512];
            snprintf(le, sizeof le, "%s", ns_last_error());
            rt_unfill_fds(&f);
            const char *what = k < 3 ? names[k] : "ns_new_userns";
            if (r >= 0) {
                started++;
                if (k < 3) {
                    CHECKF(pidfd >= 0, "%s, %d free: pid %d without a pidfd", what,
                           free_fds, r);
                    CHECKF(rt_exited_ok(r), "%s, %d free: the program failed", what,
                           free_fds);
                    CHECKF(read_file(out, got, sizeof got) > 0 && strcmp(got, "ok\n") == 0,
                           "%s, %d free: the program did not run", what, free_fds);
                }
                if (pidfd >= 0)
                    close(pidfd);
                if (k == 3)
                    close(r);
            } else {
                refused++;
                CHECKF(r == -EMFILE && e == EMFILE && le[0],
                       "%s, %d free: %d, errno %d, \"%s\" (want -EMFILE)", what,
                       free_fds, r, e, le);
                CHECKF(access(out, F_OK) != 0,
                       "%s, %d free: failed (%s), but the program ran", what, free_fds, le);
            }
            int st;
            pid_t left = waitpid(-1, &st, WNOHANG | __WALL);
            CHECKF(left < 0 && errno == ECHILD, "%s, %d free: a child is left (%d)", what,
                   free_fds, (int)left);
        }
    }
    /* Both sides of the limit were reached. */
    CHECKF(started > 0 && refused > 0, "started %d, refused %d", started, refused);
    for (int k = 0; k < 3; k++)
        ns_spawn_attr_free(kinds[k]);
    rt_remove_dir(dir);
}

int main(void)
{
    RUN(test_rotation_keeps_3_4_5);
    RUN(test_swap_keeps_the_others);
    RUN(test_path_empty_entry);
    RUN(test_path_dot);
    RUN(test_path_dot_last);
    RUN(test_spawn_at_the_descriptor_limit);
    return check_summary();
}
