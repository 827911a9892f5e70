/* Idmapped mounts: ns_mount_idmapped and ns_spawn_attr_set_root_idmap.
 * What the kernel shows: stat(2) of a file through the mount and at its
 * source, the "idmapped" option in mountinfo, a sandbox's own view with
 * stat(1). On the fallback path (LINUXNS_FORCE_FALLBACK=1) both functions
 * give -EOPNOTSUPP naming the kernel version, after the same argument
 * checks. */
#include "check_spawn.h"
#include <sys/mount.h>

static const struct ns_idmap TO_NOBODY = {0, 65534, 1};

/* A user namespace mapping 0 to 65534 (uids and gids). */
static int nobody_userns(unsigned flags)
{
    return (int)REQUIRE_OK(ns_new_userns(&TO_NOBODY, 1, &TO_NOBODY, 1, flags));
}

/* A mount namespace of this case's own, private from the host. */
static void private_mount_ns(void)
{
    SYS_OK(unshare(CLONE_NEWNS));
    SYS_OK(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
}

/* The options field of the mount at `point` in a mountinfo file ("" if
 * none); the last one, the one on top. */
static bool mountinfo_options(const char *file, const char *point, char *opts, size_t size)
{
    static char text[65536];
    opts[0] = '\0';
    if (read_file(file, text, sizeof text) <= 0)
        return false;
    bool found = false;
    for (char *l = text; l && *l;) {
        char *end = strchr(l, '\n');
        if (end)
            *end = '\0';
        char mp[1024], o[1024];
        if (sscanf(l, "%*s %*s %*s %*s %1023s %1023s", mp, o) == 2 && strcmp(mp, point) == 0) {
            snprintf(opts, size, "%s", o);
            found = true;
        }
        l = end ? end + 1 : NULL;
    }
    return found;
}

static bool mount_options(const char *point, char *opts, size_t size)
{
    return mountinfo_options("/proc/self/mountinfo", point, opts, size);
}

static uid_t uid_of(const char *path)
{
    struct stat st;
    SYS_OK(stat(path, &st));
    return st.st_uid;
}

static gid_t gid_of(const char *path)
{
    struct stat st;
    SYS_OK(stat(path, &st));
    return st.st_gid;
}

/* The fallback path: -EOPNOTSUPP, naming the version it needs. */
#define CHECK_UNSUPPORTED(call)                                            \
    do {                                                                   \
        CHECK_ERR(call, EOPNOTSUPP);                                       \
        CHECKF(strstr(ns_last_error(), "5.12") != NULL, "%s",             \
               ns_last_error());                                           \
    } while (0)

/* base/source/owned (root's), base/target. */
struct tree {
    char base[256], source[300], target[300], owned[320], through[320];
};

static void tree_make(struct tree *t)
{
    make_temp_dir(t->base, sizeof t->base);
    snprintf(t->source, sizeof t->source, "%s/source", t->base);
    snprintf(t->target, sizeof t->target, "%s/target", t->base);
    snprintf(t->owned, sizeof t->owned, "%s/owned", t->source);
    snprintf(t->through, sizeof t->through, "%s/owned", t->target);
    SYS_OK(mkdir(t->source, 0755));
    SYS_OK(mkdir(t->target, 0755));
    touch_file(t->owned);
}

static void tree_remove(struct tree *t)
{
    umount2(t->target, MNT_DETACH);
    CHECK(unlink(t->owned) == 0);
    CHECK(rmdir(t->source) == 0);
    CHECK(rmdir(t->target) == 0);
    CHECK(rmdir(t->base) == 0);
}

/* Root's file shows as 65534's through the mount and as root's at its
 * source; uid 65534 writing through the mount writes as root. */
static void check_mapped(struct tree *t, int userns)
{
    char opts[1024];
    CHECK_OK(ns_mount_idmapped(t->source, t->target, userns, 0));
    CHECKF(mount_options(t->target, opts, sizeof opts) && strstr(opts, "idmapped"),
           "mount options at %s: \"%s\"", t->target, opts);
    CHECK_EQ_U64(uid_of(t->owned), 0);
    CHECK_EQ_U64(gid_of(t->owned), 0);
    CHECK_EQ_U64(uid_of(t->through), 65534);
    CHECK_EQ_U64(gid_of(t->through), 65534);
    CHECK_EQ_U64(uid_of(t->target), 65534); /* the source directory itself */
    char made[400], made_src[400];
    snprintf(made, sizeof made, "%s/made-by-nobody", t->target);
    snprintf(made_src, sizeof made_src, "%s/made-by-nobody", t->source);
    pid_t pid = SYS_OK(fork());
    if (pid == 0) {
        if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
            setresuid(65534, 65534, 65534))
            _exit(2);
        int fd = open(made, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        _exit(fd >= 0 ? 0 : 3);
    }
    int st;
    CHECK(wait_child(pid, &st) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECK_EQ_U64(uid_of(made_src), 0);
    CHECK_EQ_U64(gid_of(made_src), 0);
    CHECK_EQ_U64(uid_of(made), 65534);
    unlink(made_src);
    SYS_OK(umount2(t->target, 0));
    /* Gone: the target is the plain directory again. */
    CHECK(!mount_options(t->target, opts, sizeof opts));
    CHECK_EQ_U64(uid_of(t->target), 0);
}

/* ext4 (or whatever /tmp is here: this machine's is ext4). */
static void test_mount_on_tmp_dir(void)
{
    SKIP_UNLESS_ROOT();
    private_mount_ns();
    struct tree t;
    tree_make(&t);
    int userns = nobody_userns(0);
    if (fallback_mode())
        CHECK_UNSUPPORTED(ns_mount_idmapped(t.source, t.target, userns, 0));
    else
        check_mapped(&t, userns);
    close(userns);
    tree_remove(&t);
}

/* A tmpfs supports idmapped mounts from 6.3; before, the kernel refuses. */
static void test_mount_tmpfs(void)
{
    SKIP_UNLESS_ROOT();
    private_mount_ns();
    struct tree t;
    make_temp_dir(t.base, sizeof t.base);
    snprintf(t.source, sizeof t.source, "%s/source", t.base);
    snprintf(t.target, sizeof t.target, "%s/target", t.base);
    snprintf(t.owned, sizeof t.owned, "%s/owned", t.source);
    snprintf(t.through, sizeof t.through, "%s/owned", t.target);
    SYS_OK(mkdir(t.source, 0755));
    SYS_OK(mkdir(t.target, 0755));
    SYS_OK(mount("linuxns", t.source, "tmpfs", 0, "size=64k,mode=0755"));
    touch_file(t.owned);
    int userns = nobody_userns(0);
    struct utsname u;
    SYS_OK(uname(&u));
    int major = 0, minor = 0;
    sscanf(u.release, "%d.%d", &major, &minor);
    if (fallback_mode()) {
        CHECK_UNSUPPORTED(ns_mount_idmapped(t.source, t.target, userns, 0));
    } else if (major > 6 || (major == 6 && minor >= 3)) {
        check_mapped(&t, userns);
    } else {
        CHECK_ERR_STEP(ns_mount_idmapped(t.source, t.target, userns, 0), EINVAL,
                       "does not support idmapped mounts");
    }
    close(userns);
    SYS_OK(umount2(t.source, 0));
    CHECK(rmdir(t.source) == 0);
    CHECK(rmdir(t.target) == 0);
    CHECK(rmdir(t.base) == 0);
}

/* Refused before anything is done, on both paths, as any user. */
static void test_mount_bad_arguments(void)
{
    struct tree t;
    tree_make(&t);
    int userns = (int)REQUIRE_OK(ns_new(NS_USER));
    int net = SYS_OK(open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC));
    int file = SYS_OK(open("/etc/passwd", O_RDONLY | O_CLOEXEC));
    CHECK_ERR_STEP(ns_mount_idmapped(t.source, t.target, userns, 1), EINVAL, "flags 0x1");
    CHECK_ERR_STEP(ns_mount_idmapped(t.source, t.target, userns, 0x80000000u), EINVAL,
                   "flags");
    CHECK_ERR_STEP(ns_mount_idmapped(NULL, t.target, userns, 0), EINVAL, "source");
    CHECK_ERR_STEP(ns_mount_idmapped(t.source, NULL, userns, 0), EINVAL, "target");
    CHECK_ERR_STEP(ns_mount_idmapped(t.source, t.target, -1, 0), EBADF, "userns fd -1");
    CHECK_ERR_STEP(ns_mount_idmapped(t.source, t.target, 987, 0), EBADF, "userns fd 987");
    CHECK_ERR_STEP(ns_mount_idmapped(t.source, t.target, net, 0), EINVAL,
                   "a net namespace, not a user namespace");
    CHECK_ERR_STEP(ns_mount_idmapped(t.source, t.target, file, 0), EINVAL,
                   "not a namespace");
    char opts[1024];
    CHECK(!mount_options(t.target, opts, sizeof opts));
    close(file);
    close(net);
    close(userns);
    tree_remove(&t);
}

/* What the kernel refuses, as root: a missing source or target, a
 * filesystem without idmapped mounts, the filesystem's own user namespace. */
static void test_mount_kernel_refusals(void)
{
    SKIP_UNLESS_ROOT();
    private_mount_ns();
    struct tree t;
    tree_make(&t);
    int userns = nobody_userns(0);
    /* Ours is the filesystem's own user namespace when it is the initial
     * one (the host filesystem's). */
    bool initial = in_initial_userns();
    int own_userns = SYS_OK(open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC));
    char missing[400];
    snprintf(missing, sizeof missing, "%s/missing", t.base);
    if (fallback_mode()) {
        CHECK_UNSUPPORTED(ns_mount_idmapped(missing, t.target, userns, 0));
        CHECK_UNSUPPORTED(ns_mount_idmapped("/proc", t.target, userns, 0));
    } else {
        CHECK_ERR_STEP(ns_mount_idmapped(missing, t.target, userns, 0), ENOENT,
                       "source \"");
        CHECK_ERR_STEP(ns_mount_idmapped(t.source, missing, userns, 0), ENOENT,
                       "target \"");
        CHECK_ERR_STEP(ns_mount_idmapped("/proc", t.target, userns, 0), EINVAL,
                       "does not support idmapped mounts");
        /* A user namespace without maps. */
        int unmapped = (int)REQUIRE_OK(ns_new(NS_USER));
        CHECK_ERR_STEP(ns_mount_idmapped(t.source, t.target, unmapped, 0), EINVAL,
                       "has no uid/gid map");
        close(unmapped);
        if (initial) {
            CHECK_ERR_STEP(ns_mount_idmapped(t.source, t.target, own_userns, 0), EPERM,
                           "the initial user namespace");
            CHECK(strstr(ns_last_error(), "ns_mount_idmapped: ") == ns_last_error());
        }
    }
    char opts[1024];
    CHECK(!mount_options(t.target, opts, sizeof opts));
    close(own_userns);
    close(userns);
    tree_remove(&t);
}

/* A caller without CAP_SYS_ADMIN (nobody, with a user namespace of its
 * own) gets EPERM and the text says what is needed. */
static void test_mount_unprivileged(void)
{
    drop_to_nobody(NULL, NULL);
    REQUIRE(geteuid() != 0);
    struct tree t;
    tree_make(&t);
    struct ns_idmap me = {0, geteuid(), 1}, my_gid = {0, getegid(), 1};
    int userns = (int)REQUIRE_OK(ns_new_userns(&me, 1, &my_gid, 1, NS_MAP_DENY_SETGROUPS));
    if (fallback_mode()) {
        CHECK_UNSUPPORTED(ns_mount_idmapped(t.source, t.target, userns, 0));
    } else {
        CHECK_ERR_STEP(ns_mount_idmapped(t.source, t.target, userns, 0), EPERM,
                       "CAP_SYS_ADMIN");
        CHECKF(strstr(ns_last_error(), "ns_mount_idmapped: source \"") == ns_last_error(),
               "%s", ns_last_error());
    }
    close(userns);
    tree_remove(&t);
}

/* base/root: /owned (root's), proc/, usr/ (our /usr bound), bin, lib,
 * lib64 (links into usr), so that a shell runs inside. */
struct sandbox_root {
    char base[256], root[300];
};

static void sandbox_root_make(struct sandbox_root *r)
{
    char path[400];
    make_temp_dir(r->base, sizeof r->base);
    snprintf(r->root, sizeof r->root, "%s/root", r->base);
    SYS_OK(mkdir(r->root, 0755));
    const char *dirs[] = {"proc", "usr"};
    for (size_t i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s", r->root, dirs[i]);
        SYS_OK(mkdir(path, 0755));
    }
    snprintf(path, sizeof path, "%s/usr", r->root);
    SYS_OK(mount("/usr", path, NULL, MS_BIND | MS_REC, NULL));
    const char *links[][2] = {{"usr/bin", "bin"}, {"usr/lib", "lib"}, {"usr/lib64", "lib64"}};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", r->root, links[i][1]);
        SYS_OK(symlink(links[i][0], path));
    }
    snprintf(path, sizeof path, "%s/owned", r->root);
    touch_file(path);
}

static void sandbox_root_remove(struct sandbox_root *r)
{
    char path[400];
    const char *names[] = {"owned", "made-inside", "bin", "lib", "lib64"};
    for (size_t i = 0; i < 5; i++) {
        snprintf(path, sizeof path, "%s/%s", r->root, names[i]);
        unlink(path);
    }
    snprintf(path, sizeof path, "%s/usr", r->root);
    SYS_OK(umount2(path, MNT_DETACH));
    const char *dirs[] = {"proc", "usr"};
    for (size_t i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s", r->root, dirs[i]);
        CHECK(rmdir(path) == 0);
    }
    CHECK(rmdir(r->root) == 0);
    CHECK(rmdir(r->base) == 0);
}

/* A sandbox in a new user namespace mapping 0 to 65534, on a root of host
 * root's files. */
static ns_spawn_attr *sandbox_attr(const struct sandbox_root *r)
{
    ns_spawn_attr *a = ns_spawn_attr_new();
    REQUIRE(a != NULL);
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, NS_USER | NS_MNT));
    REQUIRE_OK(ns_spawn_attr_set_uid_map(a, &TO_NOBODY, 1, 0));
    REQUIRE_OK(ns_spawn_attr_set_gid_map(a, &TO_NOBODY, 1, 0));
    REQUIRE_OK(ns_spawn_attr_set_root(a, r->root));
    return a;
}

/* Runs `script` in the sandbox with a pipe on stdin and stdout; once it
 * says "waiting", reads the options of its root mount from its
 * /proc/PID/mountinfo (a sandbox in a new user namespace may not mount a
 * /proc of its own), then lets it go on and collects what it printed. */
static void run_sandbox(ns_spawn_attr *a, const char *script, char *out, size_t size,
                        char *root_opts, size_t osize)
{
    int in[2], o[2];
    SYS_OK(pipe2(in, O_CLOEXEC));
    SYS_OK(pipe2(o, O_CLOEXEC));
    REQUIRE_OK(ns_spawn_attr_set_fd(a, 0, in[0]));
    REQUIRE_OK(ns_spawn_attr_set_fd(a, 1, o[1]));
    char *argv[] = {"sh", "-c", (char *)script, NULL};
    pid_t pid = (pid_t)REQUIRE_OK(ns_spawn("/bin/sh", argv, NULL, a, NULL));
    close(in[0]);
    close(o[1]);
    char line[256], file[64];
    read_line(o[0], line, sizeof line);
    CHECK_STREQ(line, "waiting");
    snprintf(file, sizeof file, "/proc/%d/mountinfo", (int)pid);
    CHECK(mountinfo_options(file, "/", root_opts, osize));
    close(in[1]);
    read_all(o[0], out, size);
    close(o[0]);
    int st;
    CHECK(wait_child(pid, &st) == pid);
    CHECKF(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status 0x%x, output:\n%s", st, out);
}

#define SANDBOX_SCRIPT                                                     \
    "echo waiting; read x; "                                               \
    "echo \"owned $(stat -c %u:%g /owned)\"; "                             \
    "echo \"root $(stat -c %u /)\"; "                                      \
    "echo \"self $(id -u)\""

static void test_spawn_root_idmap(void)
{
    SKIP_UNLESS_ROOT();
    private_mount_ns();
    struct sandbox_root r;
    sandbox_root_make(&r);
    int userns = nobody_userns(0);
    static char out[16384];
    char line[1024], opts[1024];

    /* Without the idmap the sandbox's root owns nothing of it: host uid 0
     * has no id inside (the overflow id, 65534). */
    ns_spawn_attr *a = sandbox_attr(&r);
    run_sandbox(a, SANDBOX_SCRIPT, out, sizeof out, opts, sizeof opts);
    CHECK_STREQ(out_line(out, "owned ", line, sizeof line), "65534:65534");
    CHECK_STREQ(out_line(out, "root ", line, sizeof line), "65534");
    CHECKF(!strstr(opts, "idmapped"), "root mount options: %s", opts);

    if (fallback_mode()) {
        CHECK_UNSUPPORTED(ns_spawn_attr_set_root_idmap(a, userns));
    } else {
        REQUIRE_OK(ns_spawn_attr_set_root_idmap(a, userns));
        /* The attribute keeps its own copy. */
        close(userns);
        userns = -1;
        run_sandbox(a, SANDBOX_SCRIPT, out, sizeof out, opts, sizeof opts);
        CHECK_STREQ(out_line(out, "owned ", line, sizeof line), "0:0");
        CHECK_STREQ(out_line(out, "root ", line, sizeof line), "0");
        CHECKF(strstr(opts, "idmapped") != NULL, "root mount options: %s", opts);
        /* The program itself is host uid 0, which has no id inside. */
        CHECK_STREQ(out_line(out, "self ", line, sizeof line), "65534");
        /* Our own view of the tree is unchanged. */
        char owned[400];
        snprintf(owned, sizeof owned, "%s/owned", r.root);
        CHECK_EQ_U64(uid_of(owned), 0);
        CHECK(!mount_options(r.root, opts, sizeof opts));
    }
    ns_spawn_attr_free(a);
    if (userns >= 0)
        close(userns);
    CHECK_NO_CHILDREN();
    sandbox_root_remove(&r);
}

/* A function in a fork-like child, through the intermediate path of a
 * join: it sees the root's file as its own root's, becomes that root
 * (host 65534) and creates a file. */
static int sandbox_fn(void *arg)
{
    (void)arg;
    struct stat st;
    if (stat("/owned", &st) != 0)
        return 100;
    if (st.st_uid != 0 || st.st_gid != 0)
        return 101;
    if (setresgid(0, 0, 0) != 0 || setresuid(0, 0, 0) != 0)
        return 102;
    int fd = open("/made-inside", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        return 103;
    close(fd);
    return 0;
}

static void test_spawn_fn_root_idmap_with_join(void)
{
    SKIP_UNLESS_ROOT();
    private_mount_ns();
    struct sandbox_root r;
    sandbox_root_make(&r);
    int userns = nobody_userns(0);
    ns_spawn_attr *a = ns_spawn_attr_new();
    REQUIRE(a != NULL);
    if (fallback_mode()) {
        CHECK_UNSUPPORTED(ns_spawn_attr_set_root_idmap(a, userns));
        ns_spawn_attr_free(a);
        close(userns);
        sandbox_root_remove(&r);
        return;
    }
    /* Join the user namespace itself, then a new mount namespace in it. */
    REQUIRE_OK(ns_spawn_attr_join(a, userns, NS_USER));
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, NS_MNT));
    REQUIRE_OK(ns_spawn_attr_set_root(a, r.root));
    REQUIRE_OK(ns_spawn_attr_set_root_idmap(a, userns));
    pid_t pid = REQUIRE_OK(ns_spawn_fn(a, sandbox_fn, NULL, NULL));
    int st;
    CHECK(wait_child(pid, &st) == pid);
    CHECKF(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status 0x%x", st);
    /* What the sandbox's root made is host root's on disk. */
    char made[400];
    snprintf(made, sizeof made, "%s/made-inside", r.root);
    CHECK_EQ_U64(uid_of(made), 0);
    CHECK_EQ_U64(gid_of(made), 0);
    ns_spawn_attr_free(a);
    close(userns);
    CHECK_NO_CHILDREN();
    sandbox_root_remove(&r);
}

static void test_set_root_idmap_errors(void)
{
    ns_spawn_attr *a = ns_spawn_attr_new();
    REQUIRE(a != NULL);
    int net = SYS_OK(open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC));
    int userns = (int)REQUIRE_OK(ns_new(NS_USER));
    CHECK_ERR_STEP(ns_spawn_attr_set_root_idmap(NULL, userns), EINVAL, "attr is NULL");
    CHECK_ERR_STEP(ns_spawn_attr_set_root_idmap(a, -1), EBADF, "userns fd -1");
    CHECK_ERR_STEP(ns_spawn_attr_set_root_idmap(a, 987), EBADF, "userns fd 987");
    CHECK_ERR_STEP(ns_spawn_attr_set_root_idmap(a, net), EINVAL,
                   "a net namespace, not a user namespace");
    CHECK(strstr(ns_last_error(), "ns_spawn_attr_set_root_idmap: ") == ns_last_error());
    if (fallback_mode()) {
        CHECK_UNSUPPORTED(ns_spawn_attr_set_root_idmap(a, userns));
    } else {
        /* An idmap without a root: refused before anything starts. */
        REQUIRE_OK(ns_spawn_attr_set_root_idmap(a, userns));
        REQUIRE_OK(ns_spawn_attr_set_namespaces(a, NS_USER | NS_MNT));
        char *argv[] = {"true", NULL};
        CHECK_ERR_STEP(ns_spawn("/bin/true", argv, NULL, a, NULL), EINVAL,
                       "root_idmap: Invalid argument (needs a root");
        CHECK_NO_CHILDREN();
    }
    close(userns);
    close(net);
    ns_spawn_attr_free(a);
}

/* The kernel's refusals come back from ns_spawn naming the root; nothing
 * is started, nothing leaks. */
static void test_spawn_root_idmap_refused(void)
{
    char *argv[] = {"true", NULL};
    if (fallback_mode()) {
        /* The setter refuses already (test_set_root_idmap_errors). */
        int userns = (int)REQUIRE_OK(ns_new(NS_USER));
        ns_spawn_attr *a = ns_spawn_attr_new();
        REQUIRE(a != NULL);
        CHECK_UNSUPPORTED(ns_spawn_attr_set_root_idmap(a, userns));
        ns_spawn_attr_free(a);
        close(userns);
        return;
    }
    if (geteuid() == 0) {
        /* proc cannot be idmapped. */
        int userns = nobody_userns(0);
        ns_spawn_attr *a = ns_spawn_attr_new();
        REQUIRE(a != NULL);
        REQUIRE_OK(ns_spawn_attr_set_namespaces(a, NS_USER | NS_MNT));
        REQUIRE_OK(ns_spawn_attr_set_root(a, "/proc"));
        REQUIRE_OK(ns_spawn_attr_set_root_idmap(a, userns));
        CHECK_ERR_STEP(ns_spawn("/bin/true", argv, NULL, a, NULL), EINVAL,
                       "ns_spawn: root \"/proc\": Invalid argument (the filesystem");
        CHECK_NO_CHILDREN();
        ns_spawn_attr_free(a);
        close(userns);
    }
    /* Unprivileged: the sandbox's own user namespace does not help. */
    drop_to_nobody(NULL, NULL);
    char dir[256];
    make_temp_dir(dir, sizeof dir);
    struct ns_idmap me = {0, geteuid(), 1}, my_gid = {0, getegid(), 1};
    int userns = (int)REQUIRE_OK(ns_new_userns(&me, 1, &my_gid, 1, NS_MAP_DENY_SETGROUPS));
    ns_spawn_attr *a = ns_spawn_attr_new();
    REQUIRE(a != NULL);
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, NS_USER | NS_MNT));
    REQUIRE_OK(ns_spawn_attr_map_root(a));
    REQUIRE_OK(ns_spawn_attr_set_root(a, dir));
    REQUIRE_OK(ns_spawn_attr_set_root_idmap(a, userns));
    CHECK_ERR_STEP(ns_spawn("/bin/true", argv, NULL, a, NULL), EPERM, "CAP_SYS_ADMIN");
    CHECKF(strstr(ns_last_error(), "ns_spawn: root \"") == ns_last_error(), "%s",
           ns_last_error());
    CHECK_NO_CHILDREN();
    ns_spawn_attr_free(a);
    close(userns);
    CHECK(rmdir(dir) == 0);
}

int main(void)
{
    RUN(test_mount_on_tmp_dir);
    RUN(test_mount_tmpfs);
    RUN(test_mount_bad_arguments);
    RUN(test_mount_kernel_refusals);
    RUN(test_mount_unprivileged);
    RUN(test_spawn_root_idmap);
    RUN(test_spawn_fn_root_idmap_with_join);
    RUN(test_set_root_idmap_errors);
    RUN(test_spawn_root_idmap_refused);
    return check_summary();
}
