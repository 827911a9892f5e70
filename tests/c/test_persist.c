/* Persistent namespaces: ns_bind, ns_unbind, ns_netns_add, ns_netns_del,
 * checked against iproute2 (ip netns), findmnt and lsns. */
#include "check.h"
#include <sys/mount.h>

/* ---- running the real tools ------------------------------------------ */

static int run_cmd(const char *cmd)
{
    fflush(stdout);
    fflush(stderr);
    int r = system(cmd);
    return WIFEXITED(r) ? WEXITSTATUS(r) : -1;
}

/* The whole stdout of a shell command (stderr discarded) into out. */
static void cmd_output(const char *cmd, char *out, size_t size)
{
    char full[1024];
    snprintf(full, sizeof full, "%s 2>/dev/null", cmd);
    fflush(stdout);
    fflush(stderr);
    out[0] = '\0';
    FILE *p = popen(full, "r");
    if (!p)
        return;
    size_t len = fread(out, 1, size - 1, p);
    out[len] = '\0';
    pclose(p);
}

static void need_ip(void)
{
    SKIP_UNLESS_ROOT();
    if (run_cmd("command -v ip >/dev/null 2>&1") != 0)
        SKIP("ip (iproute2) not installed");
}

/* True when a line of `ip netns list` starts with exactly `name`. */
static bool ip_netns_lists(const char *name)
{
    static char out[1 << 16];
    cmd_output("ip netns list", out, sizeof out);
    size_t len = strlen(name);
    for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n"))
        if (strncmp(line, name, len) == 0 && (line[len] == '\0' || line[len] == ' '))
            return true;
    return false;
}

/* The net id that `ip netns exec NAME readlink /proc/self/ns/net` prints. */
static uint64_t ip_netns_id(const char *name)
{
    char cmd[512], out[128];
    snprintf(cmd, sizeof cmd, "ip netns exec '%s' readlink /proc/self/ns/net", name);
    cmd_output(cmd, out, sizeof out);
    char *open = strchr(out, '[');
    return open ? strtoull(open + 1, NULL, 10) : 0;
}

static int ip_netns(const char *verb, const char *name)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "ip netns %s '%s' >/dev/null 2>&1", verb, name);
    return run_cmd(cmd);
}

/* The runner's pid: names "lnstest-<pid>-<n>" are unique to this run. */
static pid_t runner_pid;

static void test_name(char *buf, size_t size, int n)
{
    snprintf(buf, size, "lnstest-%d-%d", (int)runner_pid, n);
}

/* The last mountinfo line for mount point `path` (the one on top), or "". */
static void mountinfo_line(const char *path, char *line, size_t size)
{
    static char text[1 << 18];
    line[0] = '\0';
    if (read_file("/proc/self/mountinfo", text, sizeof text) < 0)
        return;
    for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n")) {
        char mp[4096];
        if (sscanf(l, "%*s %*s %*s %*s %4095s", mp) == 1 && strcmp(mp, path) == 0)
            snprintf(line, size, "%s", l);
    }
}

/* findmnt's FSROOT of an nsfs mount, "TYPE:[ID]", or "" if not one. */
static void findmnt_nsfs(const char *path, char *out, size_t size)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "findmnt -n -r -t nsfs -o FSROOT --mountpoint '%s'", path);
    cmd_output(cmd, out, size);
    out[strcspn(out, "\n")] = '\0';
}

/* Entries of a directory (without . and ..) whose names start with prefix. */
static size_t entries_with(const char *path, const char *prefix)
{
    DIR *d = opendir(path);
    if (!d)
        return 0;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
            strncmp(e->d_name, prefix, strlen(prefix)) == 0)
            n++;
    closedir(d);
    return n;
}

static size_t dir_entries(const char *path)
{
    return entries_with(path, "");
}

/* Names of this run in /run/netns (other tests may add theirs meanwhile). */
static size_t our_netns_names(void)
{
    char prefix[32];
    snprintf(prefix, sizeof prefix, "lnstest-%d-", (int)runner_pid);
    return entries_with("/run/netns", prefix);
}

/* Runs fn as uid/gid 65534 in a forked child; its checks count as ours. */
static void as_nobody(void (*fn)(void *), void *arg)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = SYS_OK(fork());
    if (pid == 0) {
        if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
            setresuid(65534, 65534, 65534) < 0)
            _exit(2);
        fn(arg);
        check_exit(check_failures ? 1 : 0);
    }
    int st;
    wait_child(pid, &st);
    CHECKF(WIFEXITED(st) && WEXITSTATUS(st) == 0, "unprivileged part: status 0x%x", st);
}

/* ---- ns_netns_add / ns_netns_del -------------------------------------- */

static void test_netns_add_seen_by_ip(void)
{
    need_ip();
    char name[64], path[128];
    test_name(name, sizeof name, 1);
    snprintf(path, sizeof path, "/run/netns/%s", name);
    uint64_t my_net = ns_id_of(0, "net");
    int fd = REQUIRE_OK(ns_netns_add(name));
    CHECK(fd_cloexec(fd));
    CHECK(ns_type(fd) == NS_NET);
    uint64_t id = lib_ns_id(fd);
    CHECK(id != 0 && id != my_net && id == fd_ns_id(fd));
    CHECK_EQ_U64(ns_id_of(0, "net"), my_net);

    CHECKF(ip_netns_lists(name), "ip netns list does not show %s", name);
    CHECK_EQ_U64(ip_netns_id(name), id);
    char root[128];
    findmnt_nsfs(path, root, sizeof root);
    char want[64];
    snprintf(want, sizeof want, "net:[%" PRIu64 "]", id);
    CHECK_STREQ(root, want);

    /* /run/netns is a shared mount point, as iproute2 makes it. */
    char line[4096], *dash;
    mountinfo_line("/run/netns", line, sizeof line);
    dash = strstr(line, " - ");
    if (dash)
        *dash = '\0';
    CHECKF(*line && strstr(line, " shared:") != NULL,
           "/run/netns is not a shared mount point: \"%s\"", line);

    /* Deleted by iproute2: gone from the list, the namespace lives on in fd. */
    CHECK(ip_netns("del", name) == 0);
    CHECKF(!ip_netns_lists(name), "ip netns list still shows %s", name);
    CHECK(access(path, F_OK) != 0 && errno == ENOENT);
    CHECK_ERR(ns_open_name(name), ENOENT);
    CHECK_EQ_U64(fd_ns_id(fd), id);
    close(fd);
}

static void test_ip_add_seen_and_deleted(void)
{
    need_ip();
    char name[64], path[128];
    test_name(name, sizeof name, 2);
    snprintf(path, sizeof path, "/run/netns/%s", name);
    REQUIRE(ip_netns("add", name) == 0);
    uint64_t want = ip_netns_id(name);
    CHECK(want != 0 && want != ns_id_of(0, "net"));
    int fd = CHECK_OK(ns_open_name(name));
    if (fd >= 0) {
        CHECK_EQ_U64(lib_ns_id(fd), want);
        close(fd);
    }
    CHECK(CHECK_OK(ns_netns_del(name)) == 0);
    CHECKF(!ip_netns_lists(name), "ip netns list still shows %s", name);
    CHECK(access(path, F_OK) != 0 && errno == ENOENT);
    char line[4096];
    mountinfo_line(path, line, sizeof line);
    CHECKF(line[0] == '\0', "still mounted: %s", line);
    CHECK_ERR(ns_netns_del(name), ENOENT);
    if (access(path, F_OK) == 0)
        ip_netns("del", name);
}

static void test_netns_add_then_del(void)
{
    need_ip();
    char name[64];
    test_name(name, sizeof name, 3);
    int fd = REQUIRE_OK(ns_netns_add(name));
    close(fd);
    CHECK(ip_netns_lists(name));
    CHECK(CHECK_OK(ns_netns_del(name)) == 0);
    CHECK(!ip_netns_lists(name));
    CHECK_ERR(ns_open_name(name), ENOENT);
}

static void test_netns_add_taken(void)
{
    need_ip();
    char name[64], ipname[64];
    test_name(name, sizeof name, 4);
    test_name(ipname, sizeof ipname, 5);
    int fd = REQUIRE_OK(ns_netns_add(name));
    uint64_t id = lib_ns_id(fd);
    REQUIRE(ip_netns("add", ipname) == 0);
    uint64_t ipid = ip_netns_id(ipname);
    size_t entries = our_netns_names();

    CHECK_ERR(ns_netns_add(name), EEXIST);
    CHECK_ERR(ns_netns_add(ipname), EEXIST);
    /* Both names still hold their own namespaces; no file was added. */
    CHECK_EQ_U64(ip_netns_id(name), id);
    CHECK_EQ_U64(ip_netns_id(ipname), ipid);
    CHECK(our_netns_names() == entries);

    CHECK(ip_netns("del", ipname) == 0);
    CHECK(CHECK_OK(ns_netns_del(name)) == 0);
    close(fd);
}

static void test_netns_bad_names(void)
{
    SKIP_UNLESS_ROOT();
    char long_name[257];
    memset(long_name, 'x', 256);
    long_name[256] = '\0';
    const char *bad[] = {"", ".", "..", "a/b", "/etc", "../x", long_name};
    mkdir("/run/netns", 0755);
    REQUIRE(access("/run/netns/a", F_OK) != 0 && access("/run/x", F_OK) != 0);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_ERR(ns_netns_add(bad[i]), EINVAL);
        CHECK_ERR(ns_netns_del(bad[i]), EINVAL);
    }
    CHECK_ERR(ns_netns_add(NULL), EINVAL);
    CHECK_ERR(ns_netns_del(NULL), EINVAL);
    /* Nothing was made where those names would lead. */
    CHECK(access("/run/netns/a", F_OK) != 0);
    CHECK(access("/run/x", F_OK) != 0);
    CHECK(access("/run/netns/etc", F_OK) != 0);
}

static void test_netns_longest_name(void)
{
    need_ip();
    char name[256]; /* 255 bytes: the longest file name */
    int n = snprintf(name, sizeof name, "lnstest-%d-6-", (int)runner_pid);
    memset(name + n, 'y', 255 - (size_t)n);
    name[255] = '\0';
    int fd = REQUIRE_OK(ns_netns_add(name));
    CHECK(ip_netns_lists(name));
    CHECK_EQ_U64(ip_netns_id(name), lib_ns_id(fd));
    CHECK(CHECK_OK(ns_netns_del(name)) == 0);
    CHECK(!ip_netns_lists(name));
    close(fd);
}

static void test_netns_del_missing(void)
{
    char name[64];
    test_name(name, sizeof name, 7);
    CHECK_ERR(ns_netns_del(name), ENOENT);
}

static void nobody_add_del(void *arg)
{
    const char *taken = arg;
    char name[64];
    test_name(name, sizeof name, 9);
    size_t entries = our_netns_names();
    CHECK_ERR(ns_netns_add(name), EPERM);
    CHECK(our_netns_names() == entries);
    CHECK(access("/run/netns", F_OK) == 0);
    char path[128];
    snprintf(path, sizeof path, "/run/netns/%s", name);
    CHECK(access(path, F_OK) != 0);
    CHECK_ERR(ns_netns_del(taken), EPERM);
}

static void test_netns_unprivileged(void)
{
    need_ip();
    char name[64], path[128];
    test_name(name, sizeof name, 8);
    snprintf(path, sizeof path, "/run/netns/%s", name);
    REQUIRE(ip_netns("add", name) == 0);
    uint64_t id = ip_netns_id(name);
    as_nobody(nobody_add_del, name);
    /* Nobody's delete changed nothing. */
    CHECK(ip_netns_lists(name));
    CHECK_EQ_U64(ip_netns_id(name), id);
    ip_netns("del", name);
}

/* ---- ns_bind / ns_unbind ---------------------------------------------- */

/* In a forked child: join the uts namespace bound at path, read hostname. */
static bool bound_uts_has_hostname(const char *path, const char *want)
{
    pid_t pid = SYS_OK(fork());
    if (pid == 0) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        char name[256];
        if (fd < 0 || setns(fd, CLONE_NEWUTS) < 0)
            _exit(2);
        hostname_now(name, sizeof name);
        _exit(strcmp(name, want) == 0 ? 0 : 1);
    }
    int st;
    wait_child(pid, &st);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* Processes in uts namespace `id`, counted from /proc without the library. */
static int procs_in_uts(uint64_t id)
{
    DIR *d = opendir("/proc");
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        int pid = atoi(e->d_name);
        if (pid > 0 && ns_id_of(pid, "uts") == id)
            n++;
    }
    closedir(d);
    return n;
}

struct uts_find {
    uint64_t id;
    int found;
    uint32_t nprocs;
    int32_t pid;
};

static int find_uts(const struct ns_info *info, void *arg)
{
    struct uts_find *f = arg;
    if (info->type == NS_UTS && info->id == f->id) {
        f->found++;
        f->nprocs = info->nprocs;
        f->pid = info->pid;
    }
    return 0;
}

static void test_bind_survives_last_process(void)
{
    SKIP_UNLESS_ROOT();
    char dir[] = "/tmp/lnstest-bind-XXXXXX", path[64], text[256];
    REQUIRE(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/uts", dir);
    struct holder h;
    holder_start(&h, CLONE_NEWUTS, "lnstest-bound", HOLDER_KEEP_UID);
    uint64_t id = ns_id_of(h.pid, "uts");
    REQUIRE(id != 0 && id != ns_id_of(0, "uts"));
    int fd = SYS_OK(open_ns_file(h.pid, "uts"));
    CHECK(CHECK_OK(ns_bind(fd, path)) == 0);
    close(fd);
    holder_stop(&h);
    CHECK(procs_in_uts(id) == 0);

    /* Still there, with its hostname, and reopened by path. */
    char want[64];
    snprintf(want, sizeof want, "uts:[%" PRIu64 "]", id);
    findmnt_nsfs(path, text, sizeof text);
    CHECK_STREQ(text, want);
    CHECK(bound_uts_has_hostname(path, "lnstest-bound"));
    fd = CHECK_OK(ns_open_path(path, NS_UTS));
    if (fd >= 0) {
        struct stat st;
        CHECK_EQ_U64(lib_ns_id(fd), id);
        CHECK(fstat(fd, &st) == 0 && (uint64_t)st.st_ino == id);
        CHECK(ns_type(fd) == NS_UTS);
    }
    /* ns_list reports it without processes; lsns (2.40+) as well. */
    struct uts_find f = {id, 0, 99, 99};
    CHECK_OK(ns_list(NS_UTS, find_uts, &f));
    CHECKF(f.found == 1 && f.nprocs == 0 && f.pid == 0,
           "ns_list: found %d, nprocs %u, pid %d", f.found, f.nprocs, f.pid);
    char cmd[128], out[1 << 14];
    snprintf(cmd, sizeof cmd, "lsns -r -n -o NS,NPROCS -t uts");
    cmd_output(cmd, out, sizeof out);
    snprintf(want, sizeof want, "%" PRIu64 " ", id);
    for (char *l = strtok(out, "\n"); l; l = strtok(NULL, "\n"))
        if (strncmp(l, want, strlen(want)) == 0)
            CHECKF(strtoul(l + strlen(want), NULL, 10) == 0, "lsns: %s", l);

    /* Bound already: by the same namespace or another one. */
    if (fd >= 0)
        CHECK_ERR(ns_bind(fd, path), EEXIST);
    int own = SYS_OK(open_ns_file(0, "uts"));
    CHECK_ERR(ns_bind(own, path), EEXIST);
    close(own);
    findmnt_nsfs(path, text, sizeof text);
    snprintf(want, sizeof want, "uts:[%" PRIu64 "]", id);
    CHECK_STREQ(text, want);
    if (fd >= 0)
        close(fd);

    CHECK(CHECK_OK(ns_unbind(path)) == 0);
    CHECK(access(path, F_OK) != 0 && errno == ENOENT);
    findmnt_nsfs(path, text, sizeof text);
    CHECK_STREQ(text, "");
    CHECK_ERR(ns_open_path(path, 0), ENOENT);
    CHECK_ERR(ns_unbind(path), ENOENT);

    if (access(path, F_OK) == 0) {
        umount2(path, MNT_DETACH);
        unlink(path);
    }
    rmdir(dir);
}

static void test_bind_existing_file(void)
{
    SKIP_UNLESS_ROOT();
    char dir[] = "/tmp/lnstest-bind-XXXXXX", path[64], text[128], want[64];
    REQUIRE(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/net", dir);
    SYS_OK(close(SYS_OK(open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644))));
    int fd = SYS_OK(open_ns_file(0, "net"));
    CHECK(CHECK_OK(ns_bind(fd, path)) == 0);
    snprintf(want, sizeof want, "net:[%" PRIu64 "]", ns_id_of(0, "net"));
    findmnt_nsfs(path, text, sizeof text);
    CHECK_STREQ(text, want);
    CHECK(CHECK_OK(ns_unbind(path)) == 0);
    CHECK(access(path, F_OK) != 0);
    close(fd);
    umount2(path, MNT_DETACH);
    unlink(path);
    rmdir(dir);
}

static void test_bind_errors(void)
{
    SKIP_UNLESS_ROOT();
    char dir[] = "/tmp/lnstest-bind-XXXXXX", path[64];
    REQUIRE(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/ns", dir);
    int fd = SYS_OK(open_ns_file(0, "uts"));
    CHECK_ERR(ns_bind(fd, NULL), EINVAL);
    CHECK_ERR(ns_bind(-1, path), EBADF);
    int closed = SYS_OK(open("/dev/null", O_RDONLY | O_CLOEXEC));
    close(closed);
    CHECK_ERR(ns_bind(closed, path), EBADF);
    int devnull = SYS_OK(open("/dev/null", O_RDONLY | O_CLOEXEC));
    CHECK_ERR(ns_bind(devnull, path), EINVAL);
    close(devnull);
    int pidfd = SYS_OK(pidfd_open_(getpid()));
    CHECK_ERR(ns_bind(pidfd, path), EINVAL);
    close(pidfd);
    /* The kernel refuses a mount namespace bound inside itself. */
    int mnt = SYS_OK(open_ns_file(0, "mnt"));
    CHECK_ERR(ns_bind(mnt, path), EINVAL);
    close(mnt);
    /* No failure left a file or a mount behind. */
    CHECK(dir_entries(dir) == 0);
    char line[4096];
    mountinfo_line(path, line, sizeof line);
    CHECKF(line[0] == '\0', "left mounted: %s", line);
    close(fd);
    umount2(path, MNT_DETACH);
    unlink(path);
    rmdir(dir);
}

static void nobody_bind(void *arg)
{
    const char *dir = arg;
    char path[128];
    snprintf(path, sizeof path, "%s/uts", dir);
    int fd = SYS_OK(open_ns_file(0, "uts"));
    CHECK_ERR(ns_bind(fd, path), EPERM);
    CHECK(dir_entries(dir) == 0);
    close(fd);
}

static void test_bind_unprivileged(void)
{
    SKIP_UNLESS_ROOT();
    char dir[] = "/tmp/lnstest-bind-XXXXXX";
    REQUIRE(mkdtemp(dir) != NULL);
    SYS_OK(chown(dir, 65534, 65534));
    as_nobody(nobody_bind, dir);
    CHECK(dir_entries(dir) == 0);
    char path[128];
    snprintf(path, sizeof path, "%s/uts", dir);
    umount2(path, MNT_DETACH);
    unlink(path);
    rmdir(dir);
}

static void test_unbind_errors(void)
{
    char dir[] = "/tmp/lnstest-bind-XXXXXX", path[64];
    REQUIRE(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/plain", dir);
    CHECK_ERR(ns_unbind(path), ENOENT);
    SYS_OK(close(SYS_OK(open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644))));
    CHECK_ERR(ns_unbind(path), EINVAL);
    CHECK(access(path, F_OK) == 0); /* not removed */
    CHECK_ERR(ns_unbind(dir), EINVAL);
    CHECK_ERR(ns_unbind(NULL), EINVAL);
    /* /proc/self/ns/uts is a namespace file, but nothing is bound there. */
    CHECK_ERR(ns_unbind("/proc/self/ns/uts"), EINVAL);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    runner_pid = getpid();
    RUN(test_netns_add_seen_by_ip);
    RUN(test_ip_add_seen_and_deleted);
    RUN(test_netns_add_then_del);
    RUN(test_netns_add_taken);
    RUN(test_netns_bad_names);
    RUN(test_netns_longest_name);
    RUN(test_netns_del_missing);
    RUN(test_netns_unprivileged);
    RUN(test_bind_survives_last_process);
    RUN(test_bind_existing_file);
    RUN(test_bind_errors);
    RUN(test_bind_unprivileged);
    RUN(test_unbind_errors);
    return check_summary();
}
