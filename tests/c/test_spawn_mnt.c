/* ns_spawn and the file system: a new root (pivot_root), mount propagation
 * of the new mount namespace, the working directory. */
#include "check_spawn.h"
#include <sys/mount.h>

/* Root only: this case gets a mount namespace of its own, private from the
 * host, so mounts made here are never seen outside. */
static void private_mount_ns(void)
{
    SYS_OK(unshare(CLONE_NEWNS));
    SYS_OK(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
}

/* The optional fields ("shared:N master:M") of the mount at `point` in
 * mountinfo text (the last one there); false when none is mounted there. */
static bool mount_tags(const char *text, const char *point, char *tags, size_t size)
{
    bool found = false;
    const char *l = text;
    while (l && *l) {
        char line[2048], mp[1024];
        size_t n = strcspn(l, "\n");
        snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line ? n : sizeof line - 1), l);
        l = l[n] ? l + n + 1 : NULL;
        int used = 0;
        if (sscanf(line, "%*s %*s %*s %*s %1023s %*s%n", mp, &used) != 1 ||
            strcmp(mp, point) != 0)
            continue;
        const char *opt = line + used, *dash = strstr(opt, " - ");
        size_t len = dash ? (size_t)(dash - opt) : 0;
        while (len && *opt == ' ')
            opt++, len--;
        snprintf(tags, size, "%.*s", (int)len, opt);
        found = true;
    }
    return found;
}

static bool any_tag(const char *text)
{
    return strstr(text, " shared:") || strstr(text, " master:");
}

/*
 * Spawns NS_MNT with propagation `mode` (-1: not set) running
 * "read x; cat /proc/self/mountinfo"; while it waits, mounts a tmpfs on
 * `probe` in our namespace; returns the program's mountinfo in out.
 */
static void spawn_mountinfo(int mode, const char *probe, char *out, size_t size)
{
    ns_spawn_attr *a = ns_spawn_attr_new();
    REQUIRE(a != NULL);
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, NS_MNT));
    if (mode >= 0)
        REQUIRE_OK(ns_spawn_attr_set_propagation(a, mode));
    int in[2], o[2];
    SYS_OK(pipe2(in, O_CLOEXEC));
    SYS_OK(pipe2(o, O_CLOEXEC));
    REQUIRE_OK(ns_spawn_attr_set_fd(a, 0, in[0]));
    REQUIRE_OK(ns_spawn_attr_set_fd(a, 1, o[1]));
    char *argv[] = {"sh", "-c", "read x; exec cat /proc/self/mountinfo", NULL};
    pid_t pid = REQUIRE_OK(ns_spawn("/bin/sh", argv, NULL, a, NULL));
    close(in[0]);
    close(o[1]);
    SYS_OK(mount("linuxns", probe, "tmpfs", 0, "size=64k"));
    close(in[1]);
    read_all(o[0], out, size);
    close(o[0]);
    int st;
    CHECK(wait_child(pid, &st) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    SYS_OK(umount2(probe, MNT_DETACH));
    ns_spawn_attr_free(a);
}

static void test_propagation_from_shared_root(void)
{
    SKIP_UNLESS_ROOT();
    private_mount_ns();
    SYS_OK(mount(NULL, "/", NULL, MS_REC | MS_SHARED, NULL));
    char probe[256], mine[65536], peer[256], master[256], tags[256], ptags[256];
    make_temp_dir(probe, sizeof probe);
    REQUIRE(read_file("/proc/self/mountinfo", mine, sizeof mine) > 0);
    REQUIRE(mount_tags(mine, "/", peer, sizeof peer));
    REQUIRE(strncmp(peer, "shared:", 7) == 0);
    snprintf(master, sizeof master, "master:%s", peer + 7);
    static char out[65536];
    const struct {
        int mode;
        const char *name;
    } modes[] = {{-1, "default"}, {NS_PROPAGATION_PRIVATE, "private"},
                 {NS_PROPAGATION_SLAVE, "slave"}, {NS_PROPAGATION_SHARED, "shared"},
                 {NS_PROPAGATION_UNCHANGED, "unchanged"}};
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        const char *name = modes[i].name;
        spawn_mountinfo(modes[i].mode, probe, out, sizeof out);
        REQUIRE(mount_tags(out, "/", tags, sizeof tags));
        /* Did the tmpfs we mounted after the spawn reach the child? */
        bool seen = mount_tags(out, probe, ptags, sizeof ptags);
        switch (modes[i].mode) {
        case -1:
        case NS_PROPAGATION_PRIVATE:
            CHECKF(!any_tag(out), "%s: tags in the child:\n%s", name, out);
            CHECKF(!seen, "%s: our later mount reached the child", name);
            break;
        case NS_PROPAGATION_SLAVE:
            CHECKF(strcmp(tags, master) == 0, "slave: / has \"%s\", expected \"%s\"",
                   tags, master);
            CHECKF(!strstr(out, " shared:"), "slave: shared mounts:\n%s", out);
            CHECKF(seen, "slave: our later mount did not reach the child");
            break;
        case NS_PROPAGATION_SHARED:
            CHECKF(strncmp(tags, "shared:", 7) == 0 && !strstr(tags, "master:"),
                   "shared: / has \"%s\"", tags);
            CHECKF(seen, "shared: our later mount did not reach the child");
            break;
        case NS_PROPAGATION_UNCHANGED:
            /* Copies of shared mounts are peers of the originals. */
            CHECKF(strcmp(tags, peer) == 0, "unchanged: / has \"%s\", expected \"%s\"",
                   tags, peer);
            CHECKF(seen, "unchanged: our later mount did not reach the child");
            break;
        }
    }
    CHECK(rmdir(probe) == 0);
}

static void test_propagation_from_private_root(void)
{
    SKIP_UNLESS_ROOT();
    private_mount_ns();
    char probe[256], tags[256];
    make_temp_dir(probe, sizeof probe);
    static char out[65536];
    /* Shared: / becomes shared (a new peer group) in the child only. */
    spawn_mountinfo(NS_PROPAGATION_SHARED, probe, out, sizeof out);
    REQUIRE(mount_tags(out, "/", tags, sizeof tags));
    CHECKF(strncmp(tags, "shared:", 7) == 0, "shared: / has \"%s\"", tags);
    char mine[65536];
    REQUIRE(read_file("/proc/self/mountinfo", mine, sizeof mine) > 0);
    CHECKF(!any_tag(mine), "our mounts changed:\n%s", mine);
    /* Unchanged and slave keep private mounts private. */
    spawn_mountinfo(NS_PROPAGATION_UNCHANGED, probe, out, sizeof out);
    CHECKF(!any_tag(out), "unchanged: tags in the child:\n%s", out);
    spawn_mountinfo(NS_PROPAGATION_SLAVE, probe, out, sizeof out);
    CHECKF(!any_tag(out), "slave: tags in the child:\n%s", out);
    CHECK(rmdir(probe) == 0);
}

/* base/outside, and base/root/ with a marker, proc/ and sub/. */
struct new_root {
    char base[256], root[300], outside[300];
};

static void new_root_make(struct new_root *r)
{
    char path[400];
    make_temp_dir(r->base, sizeof r->base);
    snprintf(r->root, sizeof r->root, "%s/root", r->base);
    snprintf(r->outside, sizeof r->outside, "%s/outside", r->base);
    touch_file(r->outside);
    SYS_OK(mkdir(r->root, 0755));
    const char *dirs[] = {"proc", "sub", "usr"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", r->root, dirs[i]);
        SYS_OK(mkdir(path, 0755));
    }
    snprintf(path, sizeof path, "%s/linuxns-marker", r->root);
    touch_file(path);
}

static void new_root_remove(struct new_root *r)
{
    char path[400];
    const char *names[] = {"linuxns-marker", "bin", "lib", "lib64"};
    for (size_t i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s", r->root, names[i]);
        unlink(path);
    }
    const char *dirs[] = {"proc", "sub", "usr"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", r->root, dirs[i]);
        umount2(path, MNT_DETACH);
        CHECK(rmdir(path) == 0);
    }
    CHECK(rmdir(r->root) == 0);
    CHECK(unlink(r->outside) == 0);
    CHECK(rmdir(r->base) == 0);
}

struct root_arg {
    const struct new_root *r;
    int fd;
};

struct root_view {
    int marker, outside_errno, base_errno, dotdot_is_root;
    char cwd[64];
};

static int root_child(void *arg)
{
    struct root_view v;
    const struct new_root *r = ((struct root_arg *)arg)->r;
    int fd = ((struct root_arg *)arg)->fd;
    struct stat a, b;
    memset(&v, 0, sizeof v);
    v.marker = access("/linuxns-marker", F_OK) == 0;
    v.outside_errno = access(r->outside, F_OK) == 0 ? 0 : errno;
    v.base_errno = access(r->base, F_OK) == 0 ? 0 : errno;
    v.dotdot_is_root = stat("/", &a) == 0 && stat("/..", &b) == 0 &&
                       a.st_ino == b.st_ino && a.st_dev == b.st_dev;
    if (syscall(SYS_getcwd, v.cwd, sizeof v.cwd) < 0)
        v.cwd[0] = '\0';
    return write(fd, &v, sizeof v) == (ssize_t)sizeof v ? 0 : 1;
}

static void check_root_fn(int types)
{
    struct new_root r;
    new_root_make(&r);
    int p[2];
    SYS_OK(pipe2(p, O_CLOEXEC));
    struct root_arg arg = {&r, p[1]};
    ns_spawn_attr *a = ns_spawn_attr_new();
    REQUIRE(a != NULL);
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, types));
    if (types & NS_USER)
        REQUIRE_OK(ns_spawn_attr_map_root(a));
    REQUIRE_OK(ns_spawn_attr_set_root(a, r.root));
    REQUIRE_OK(ns_spawn_attr_set_cwd(a, "sub")); /* relative to the new root */
    pid_t pid = REQUIRE_OK(ns_spawn_fn(a, root_child, &arg, NULL));
    close(p[1]);
    struct root_view v;
    memset(&v, 0, sizeof v);
    CHECK(read(p[0], &v, sizeof v) == (ssize_t)sizeof v);
    close(p[0]);
    int st;
    CHECK(wait_child(pid, &st) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECK(v.marker);
    CHECKF(v.outside_errno == ENOENT, "%s inside: %s", r.outside, strerror(v.outside_errno));
    CHECKF(v.base_errno == ENOENT, "%s inside: %s", r.base, strerror(v.base_errno));
    CHECK(v.dotdot_is_root);
    CHECK_STREQ(v.cwd, "/sub");
    /* Our root is untouched. */
    CHECK(access(r.outside, F_OK) == 0);
    ns_spawn_attr_free(a);
    new_root_remove(&r);
}

static void test_root_fn(void)
{
    SKIP_UNLESS_ROOT();
    check_root_fn(NS_MNT);
}

static void test_root_fn_in_user_namespace(void)
{
    check_root_fn(NS_USER | NS_MNT);
}

static void test_root_exec_with_proc(void)
{
    SKIP_UNLESS_ROOT();
    private_mount_ns();
    struct new_root r;
    new_root_make(&r);
    /* The programs come from our /usr, bind-mounted into the new root. */
    char path[400], script[1024];
    snprintf(path, sizeof path, "%s/usr", r.root);
    SYS_OK(mount("/usr", path, NULL, MS_BIND | MS_REC, NULL));
    const char *links[][2] = {{"usr/bin", "bin"}, {"usr/lib", "lib"}, {"usr/lib64", "lib64"}};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", r.root, links[i][1]);
        SYS_OK(symlink(links[i][0], path));
    }
    ns_spawn_attr *a = ns_spawn_attr_new();
    REQUIRE(a != NULL);
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, NS_MNT | NS_PID));
    REQUIRE_OK(ns_spawn_attr_set_root(a, r.root));
    REQUIRE_OK(ns_spawn_attr_set_mount_proc(a, 1));
    REQUIRE_OK(ns_spawn_attr_set_cwd(a, "/sub"));
    snprintf(script, sizeof script,
             "echo \"cwd $(pwd -P)\"; echo \"ls $(ls -A / | tr '\\n' ' ')\"; "
             "test -e %s && echo outside-reachable; "
             "echo \"mounts $(cut -d' ' -f5 /proc/self/mountinfo | sort | tr '\\n' ' ')\"; "
             "echo \"procpids $(ls /proc | grep -c '^[0-9]')\"", r.outside);
    static char out[16384];
    char line[1024];
    SH_OK(a, script, out);
    CHECK_STREQ(out_line(out, "cwd ", line, sizeof line), "/sub");
    CHECK_STREQ(out_line(out, "ls ", line, sizeof line),
                "bin lib lib64 linuxns-marker proc sub usr ");
    CHECKF(!strstr(out, "outside-reachable"), "the old root is reachable:\n%s", out);
    /* Nothing of the old tree is mounted: our root, /usr and /proc. */
    CHECK_STREQ(out_line(out, "mounts ", line, sizeof line), "/ /proc /usr ");
    /* sh, the ls in $(...) and the grep: only the new namespace's pids. */
    CHECKF(out_line(out, "procpids ", line, sizeof line) && atoi(line) >= 1 &&
           atoi(line) <= 4, "procpids %s", line);
    ns_spawn_attr_free(a);
    new_root_remove(&r);
}

static void check_cwd(ns_spawn_attr *a, const char *dir, const char *want)
{
    char out[4096], line[1024], here[1024], after[1024];
    REQUIRE(getcwd(here, sizeof here) != NULL);
    REQUIRE_OK(ns_spawn_attr_set_cwd(a, dir));
    SH_OK(a, "echo \"cwd $(pwd -P)\"; echo \"link $(readlink /proc/self/cwd)\"", out);
    CHECK_STREQ(out_line(out, "cwd ", line, sizeof line), want);
    CHECK_STREQ(out_line(out, "link ", line, sizeof line), want);
    REQUIRE(getcwd(after, sizeof after) != NULL);
    CHECK_STREQ(after, here);
}

static void test_cwd(void)
{
    char base[256], sub[300], parent[256];
    make_temp_dir(base, sizeof base);
    snprintf(parent, sizeof parent, "%s", base);
    *strrchr(parent, '/') = '\0';
    snprintf(sub, sizeof sub, "%s/sub", base);
    SYS_OK(mkdir(sub, 0755));
    ns_spawn_attr *a = ns_spawn_attr_new();
    REQUIRE(a != NULL);
    check_cwd(a, sub, sub);
    check_cwd(a, "/", "/");
    /* Relative: to our cwd, also in new namespaces. */
    SYS_OK(chdir(base));
    check_cwd(a, "sub", sub);
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, NS_USER | NS_MNT | NS_PID));
    check_cwd(a, "sub", sub);
    check_cwd(a, "..", parent);
    SYS_OK(chdir("/"));
    ns_spawn_attr_free(a);
    CHECK(rmdir(sub) == 0 && rmdir(base) == 0);
}

int main(void)
{
    RUN(test_propagation_from_shared_root);
    RUN(test_propagation_from_private_root);
    RUN(test_root_fn);
    RUN(test_root_fn_in_user_namespace);
    RUN(test_root_exec_with_proc);
    RUN(test_cwd);
    return check_summary();
}
