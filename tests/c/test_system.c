/* System knobs and plain system calls: ns_get_limit / ns_set_limit,
 * ns_set_time_offset, ns_pivot_root, ns_kcmp. */
#include "check.h"
#include <sys/mount.h>
#include <time.h>

#ifndef SYS_kcmp
#define SYS_kcmp 272
#endif

static void drop_to_nobody(void)
{
    if (geteuid() != 0)
        return;
    SYS_OK(setgroups(0, NULL));
    SYS_OK(setresgid(65534, 65534, 65534));
    SYS_OK(setresuid(65534, 65534, 65534));
    SYS_OK(prctl(PR_SET_DUMPABLE, 1));
}

/* Runs fn in a forked child; true if it exited 0. Its checks count. */
static bool in_child(void (*fn)(void *), void *arg)
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
    return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* ---- limits ------------------------------------------------------------- */

static long long limit_file(int type)
{
    char path[128], buf[64];
    snprintf(path, sizeof path, "/proc/sys/user/max_%s_namespaces", ns_type_name(type));
    if (read_file(path, buf, sizeof buf) <= 0)
        return -1;
    return strtoll(buf, NULL, 10);
}

static void test_get_limit(void)
{
    for (size_t i = 0; i < N_KINDS; i++) {
        long long want = limit_file(NS_KINDS[i].type);
        REQUIRE(want >= 0);
        long long got = CHECK_OK(ns_get_limit(NS_KINDS[i].type));
        CHECKF(got == want, "%s: ns_get_limit %lld, file %lld", NS_KINDS[i].name, got, want);
    }
}

/* The kernel lets only CAP_SYS_RESOURCE write /proc/sys/user (mode 0644 is
 * not enough): probe by writing back the value that is there. */
static void need_limit_writable(void)
{
    SKIP_UNLESS_ROOT();
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", limit_file(NS_UTS));
    if (write_file("/proc/sys/user/max_uts_namespaces", buf) < 0)
        SKIP("/proc/sys/user is not writable here (%s; no CAP_SYS_RESOURCE?)",
             strerror(errno));
}

static void test_set_limit(void)
{
    need_limit_writable();
    for (size_t i = 0; i < N_KINDS; i++) {
        int t = NS_KINDS[i].type;
        long long orig = limit_file(t);
        REQUIRE(orig >= 0);
        long long value = orig > 0 ? orig - 1 : 1;
        CHECK(CHECK_OK(ns_set_limit(t, value)) == 0);
        long long now = limit_file(t);
        long long got = ns_get_limit(t);
        CHECK(CHECK_OK(ns_set_limit(t, orig)) == 0);
        if (limit_file(t) != orig) { /* restore whatever happens */
            char path[128], buf[32];
            snprintf(path, sizeof path, "/proc/sys/user/max_%s_namespaces", NS_KINDS[i].name);
            snprintf(buf, sizeof buf, "%lld", orig);
            write_file(path, buf);
        }
        CHECKF(now == value && got == value, "%s: set %lld, file %lld, ns_get_limit %lld",
               NS_KINDS[i].name, value, now, got);
        CHECK(limit_file(t) == orig);
    }
}

static void try_new_uts(void *arg)
{
    int *err = arg;
    *err = unshare(CLONE_NEWUTS) < 0 ? errno : 0;
    _exit(*err == ENOSPC ? 0 : 1);
}

static void test_set_limit_takes_effect(void)
{
    need_limit_writable();
    /* With max_uts_namespaces at 0 the kernel refuses a new one. */
    long long orig = limit_file(NS_UTS);
    REQUIRE(orig > 0);
    int err = 0;
    CHECK(CHECK_OK(ns_set_limit(NS_UTS, 0)) == 0);
    bool refused = in_child(try_new_uts, &err);
    CHECK(CHECK_OK(ns_set_limit(NS_UTS, orig)) == 0);
    if (limit_file(NS_UTS) != orig) {
        char buf[32];
        snprintf(buf, sizeof buf, "%lld", orig);
        write_file("/proc/sys/user/max_uts_namespaces", buf);
    }
    CHECKF(refused, "unshare(CLONE_NEWUTS) was not refused with ENOSPC at limit 0");
    CHECK(limit_file(NS_UTS) == orig);
}

/*
 * The limits are per user namespace: in one of our own, where we are root
 * with CAP_SYS_RESOURCE, /proc/sys/user shows and sets that namespace's.
 * Needs no privilege, and nothing outside changes.
 */
static void test_set_limit_in_userns(void)
{
    drop_to_nobody();
    raw_become_root_in_userns();
    for (size_t i = 0; i < N_KINDS; i++) {
        int t = NS_KINDS[i].type;
        long long orig = limit_file(t);
        REQUIRE(orig >= 0);
        CHECK(CHECK_OK(ns_get_limit(t)) == orig);
        long long value = orig > 0 ? orig - 1 : 1;
        CHECK(CHECK_OK(ns_set_limit(t, value)) == 0);
        CHECKF(limit_file(t) == value && ns_get_limit(t) == value,
               "%s: set %lld, file %lld", NS_KINDS[i].name, value, limit_file(t));
        CHECK(CHECK_OK(ns_set_limit(t, orig)) == 0);
        CHECK(limit_file(t) == orig);
    }
    /* At 0 the kernel refuses a new one; restored, it allows it again. */
    long long orig = limit_file(NS_UTS);
    int err = 0;
    CHECK(CHECK_OK(ns_set_limit(NS_UTS, 0)) == 0);
    CHECKF(in_child(try_new_uts, &err), "unshare(CLONE_NEWUTS) was not refused "
           "with ENOSPC at limit 0");
    CHECK(CHECK_OK(ns_set_limit(NS_UTS, orig)) == 0);
    CHECK(!in_child(try_new_uts, &err));
    CHECK(limit_file(NS_UTS) == orig);
}

static void test_limit_errors(void)
{
    long long before = limit_file(NS_NET);
    const int bad[] = {0, NS_NET | NS_UTS, NS_ALL, 0x1, 0x100, -1};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_ERR(ns_get_limit(bad[i]), EINVAL);
        CHECK_ERR(ns_set_limit(bad[i], 10), EINVAL);
    }
    CHECK_ERR(ns_set_limit(NS_NET, -1), EINVAL);
    CHECK_ERR(ns_set_limit(NS_NET, INT64_MIN), EINVAL);
    CHECK_ERR(ns_set_limit(NS_NET, 2147483648LL), EINVAL);
    CHECK(limit_file(NS_NET) == before);
}

static void nobody_set_limit(void *arg)
{
    (void)arg;
    drop_to_nobody();
    long long before = limit_file(NS_UTS);
    CHECK(CHECK_OK(ns_get_limit(NS_UTS)) == before);
    errno = 0;
    long long r = ns_set_limit(NS_UTS, before > 0 ? before - 1 : 1);
    int e = errno;
    CHECKF((r == -EACCES && e == EACCES) || (r == -EPERM && e == EPERM),
           "ns_set_limit as nobody: %lld, errno %d", r, e);
    CHECK(*ns_last_error() != '\0');
    CHECK(limit_file(NS_UTS) == before);
}

static void test_set_limit_unprivileged(void)
{
    long long before = limit_file(NS_UTS);
    CHECK(in_child(nobody_set_limit, NULL));
    CHECK(limit_file(NS_UTS) == before);
}

/* ---- ns_set_time_offset --------------------------------------------------- */

static double clock_now(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The CLOCK_BOOTTIME of a child forked now (so in time_for_children). */
static double child_boottime(void)
{
    int p[2];
    SYS_OK(pipe2(p, O_CLOEXEC));
    fflush(stdout);
    fflush(stderr);
    pid_t pid = SYS_OK(fork());
    if (pid == 0) {
        double t = clock_now(CLOCK_BOOTTIME);
        _exit(write(p[1], &t, sizeof t) == sizeof t ? 0 : 1);
    }
    close(p[1]);
    double t = -1;
    if (read(p[0], &t, sizeof t) != sizeof t)
        t = -1;
    close(p[0]);
    int st;
    wait_child(pid, &st);
    return t;
}

/* Parses timens_offsets text: "monotonic S NS" and "boottime S NS" lines. */
static bool offsets_are(const char *text, long long mono_s, long long mono_ns,
                        long long boot_s, long long boot_ns)
{
    long long ms = -1, mns = -1, bs = -1, bns = -1;
    const char *m = strstr(text, "monotonic"), *b = strstr(text, "boottime");
    if (!m || !b || sscanf(m, "monotonic %lld %lld", &ms, &mns) != 2 ||
        sscanf(b, "boottime %lld %lld", &bs, &bns) != 2)
        return false;
    return ms == mono_s && mns == mono_ns && bs == boot_s && bns == boot_ns;
}

static void check_offsets(void)
{
    REQUIRE(unshare(CLONE_NEWTIME) == 0);
    CHECK(CHECK_OK(ns_set_time_offset(0, CLOCK_BOOTTIME, 100000, 0)) == 0);
    CHECK(CHECK_OK(ns_set_time_offset(0, CLOCK_MONOTONIC, 7, 500000000)) == 0);
    char text[256];
    REQUIRE(read_file("/proc/self/timens_offsets", text, sizeof text) > 0);
    CHECKF(offsets_are(text, 7, 500000000, 100000, 0), "/proc/self/timens_offsets: %s",
           text);
    /* Validation comes first and changes nothing. */
    CHECK_ERR(ns_set_time_offset(0, CLOCK_REALTIME, 1, 0), EINVAL);
    CHECK_ERR(ns_set_time_offset(0, CLOCK_PROCESS_CPUTIME_ID, 1, 0), EINVAL);
    CHECK_ERR(ns_set_time_offset(0, 99, 1, 0), EINVAL);
    CHECK_ERR(ns_set_time_offset(0, CLOCK_MONOTONIC, 1, -1), EINVAL);
    CHECK_ERR(ns_set_time_offset(0, CLOCK_MONOTONIC, 1, 1000000000), EINVAL);
    CHECK_ERR(ns_set_time_offset(-1, CLOCK_MONOTONIC, 1, 0), EINVAL);
    char again[256];
    REQUIRE(read_file("/proc/self/timens_offsets", again, sizeof again) > 0);
    CHECK_STREQ(again, text);

    double before = clock_now(CLOCK_BOOTTIME);
    double child = child_boottime();
    CHECKF(child >= before + 100000, "child's boottime %.3f, ours %.3f", child, before);
    CHECK(clock_now(CLOCK_BOOTTIME) < before + 100000); /* ours unchanged */
    /* A process has entered: the kernel refuses further changes. */
    CHECK_ERR(ns_set_time_offset(0, CLOCK_BOOTTIME, 5, 0), EACCES);
    CHECK_ERR(ns_set_time_offset(getpid(), CLOCK_MONOTONIC, 5, 0), EACCES);
}

static void test_time_offset_root(void)
{
    SKIP_UNLESS_ROOT();
    check_offsets();
}

static void test_time_offset_in_userns(void)
{
    drop_to_nobody();
    raw_become_root_in_userns();
    check_offsets();
}

static void test_time_offset_other_process(void)
{
    SKIP_UNLESS_ROOT();
    struct holder h;
    holder_start(&h, CLONE_NEWTIME, NULL, HOLDER_KEEP_UID);
    CHECK(CHECK_OK(ns_set_time_offset(h.pid, CLOCK_MONOTONIC, 3600, 0)) == 0);
    char path[64], text[256];
    snprintf(path, sizeof path, "/proc/%d/timens_offsets", (int)h.pid);
    REQUIRE(read_file(path, text, sizeof text) > 0);
    CHECKF(offsets_are(text, 3600, 0, 0, 0), "%s: %s", path, text);
    holder_stop(&h);
    pid_t gone = reaped_pid();
    CHECK_ERR(ns_set_time_offset(gone, CLOCK_MONOTONIC, 1, 0), ESRCH);
}

static void test_time_offset_unprivileged(void)
{
    SKIP_UNLESS_ROOT();
    /* Root makes the time namespace; nobody may not set its offsets. */
    SYS_OK(unshare(CLONE_NEWTIME));
    drop_to_nobody();
    CHECK_ERR(ns_set_time_offset(0, CLOCK_MONOTONIC, 1, 0), EPERM);
    char text[256];
    REQUIRE(read_file("/proc/self/timens_offsets", text, sizeof text) > 0);
    CHECKF(offsets_are(text, 0, 0, 0, 0), "%s", text);
}

/* ---- ns_pivot_root -------------------------------------------------------- */

struct pivot {
    const char *dir; /* an empty directory on the host */
    int how;         /* 0: (".", "put_old"), 1: (dir, dir/put_old), 2: (".", ".") */
};

/* In a private mount namespace: a tmpfs with /marker and /put_old. */
static void pivot_case(void *arg)
{
    const struct pivot *p = arg;
    char path[320];
    SYS_OK(unshare(CLONE_NEWNS));
    SYS_OK(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
    struct stat old_root, tmpfs;
    SYS_OK(stat("/", &old_root));
    SYS_OK(mount("tmpfs", p->dir, "tmpfs", 0, "size=64k"));
    snprintf(path, sizeof path, "%s/marker", p->dir);
    SYS_OK(close(SYS_OK(open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644))));
    snprintf(path, sizeof path, "%s/put_old", p->dir);
    SYS_OK(mkdir(path, 0755));
    SYS_OK(stat(p->dir, &tmpfs));
    if (p->how == 1) {
        CHECK(CHECK_OK(ns_pivot_root(p->dir, path)) == 0);
        SYS_OK(chdir("/"));
    } else {
        SYS_OK(chdir(p->dir));
        CHECK(CHECK_OK(ns_pivot_root(".", p->how == 0 ? "put_old" : ".")) == 0);
    }
    struct stat now, put_old;
    SYS_OK(stat("/", &now));
    CHECK(now.st_dev == tmpfs.st_dev && now.st_ino == tmpfs.st_ino);
    CHECK(access("/marker", F_OK) == 0);
    if (p->how == 2) {
        SYS_OK(umount2(".", MNT_DETACH));
        SYS_OK(chdir("/"));
        SYS_OK(stat("/", &now));
        CHECK(now.st_dev == tmpfs.st_dev && now.st_ino == tmpfs.st_ino);
        CHECK(access("/marker", F_OK) == 0);
        CHECK(access("/proc", F_OK) != 0); /* the old root is gone */
    } else {
        SYS_OK(stat("/put_old", &put_old));
        CHECKF(put_old.st_dev == old_root.st_dev && put_old.st_ino == old_root.st_ino,
               "/put_old is not the old root");
        CHECK(access("/put_old/proc/self", F_OK) == 0);
    }
}

static void test_pivot_root(void)
{
    SKIP_UNLESS_ROOT();
    char dir[] = "/tmp/lnstest-pivot-XXXXXX";
    REQUIRE(mkdtemp(dir) != NULL);
    for (int how = 0; how < 3; how++) {
        struct pivot p = {dir, how};
        CHECKF(in_child(pivot_case, &p), "pivot variant %d", how);
    }
    CHECK(rmdir(dir) == 0); /* the tmpfs was in the private namespaces only */
}

static void pivot_errors(void *arg)
{
    const char *dir = arg;
    char path[320];
    SYS_OK(unshare(CLONE_NEWNS));
    SYS_OK(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
    struct stat before, after;
    SYS_OK(stat("/", &before));
    CHECK_ERR(ns_pivot_root(NULL, "/"), EINVAL);
    CHECK_ERR(ns_pivot_root(dir, NULL), EINVAL);
    CHECK_ERR(ns_pivot_root(NULL, NULL), EINVAL);
    /* On the mount of the current root: the kernel's EBUSY. */
    CHECK_ERR(ns_pivot_root(dir, dir), EBUSY);
    snprintf(path, sizeof path, "%s/missing", dir);
    CHECK_ERR(ns_pivot_root(path, path), ENOENT);
    snprintf(path, sizeof path, "%s/file", dir);
    CHECK_ERR(ns_pivot_root(path, dir), ENOTDIR);
    /* On another mount but not a mount point itself: the kernel's EINVAL. */
    SYS_OK(mount("tmpfs", dir, "tmpfs", 0, "size=64k"));
    snprintf(path, sizeof path, "%s/sub", dir);
    SYS_OK(mkdir(path, 0755));
    CHECK_ERR(ns_pivot_root(path, path), EINVAL);
    SYS_OK(stat("/", &after));
    CHECK(before.st_dev == after.st_dev && before.st_ino == after.st_ino);
}

static void nobody_pivot(void *arg)
{
    const char *dir = arg;
    drop_to_nobody();
    CHECK_ERR(ns_pivot_root(dir, dir), EPERM);
}

static void test_pivot_root_errors(void)
{
    SKIP_UNLESS_ROOT();
    char dir[] = "/tmp/lnstest-pivot-XXXXXX", file[64];
    REQUIRE(mkdtemp(dir) != NULL);
    snprintf(file, sizeof file, "%s/file", dir);
    SYS_OK(close(SYS_OK(open(file, O_CREAT | O_WRONLY | O_CLOEXEC, 0644))));
    CHECK(in_child(pivot_errors, dir));
    CHECK(in_child(nobody_pivot, dir));
    unlink(file);
    CHECK(rmdir(dir) == 0);
}

/* ---- ns_kcmp ------------------------------------------------------------ */

static void need_kcmp(void)
{
    if (syscall(SYS_kcmp, getpid(), getpid(), 1, 0, 0) < 0 && errno == ENOSYS)
        SKIP("kernel without kcmp");
}

static void test_kcmp_vm(void)
{
    need_kcmp();
    CHECK(CHECK_OK(ns_kcmp(getpid(), getpid(), NS_KCMP_VM, 0, 0)) == 0);
    CHECK(CHECK_OK(ns_kcmp(getpid(), getpid(), NS_KCMP_FILES, 0, 0)) == 0);
    /* A thread shares the address space. */
    struct idle_thread t;
    idle_thread_start(&t);
    pid_t tid = other_thread();
    CHECK(CHECK_OK(ns_kcmp(getpid(), tid, NS_KCMP_VM, 0, 0)) == 0);
    idle_thread_stop(&t);

    struct holder h;
    holder_start(&h, 0, NULL, HOLDER_KEEP_UID);
    int r = CHECK_OK(ns_kcmp(getpid(), h.pid, NS_KCMP_VM, 0, 0));
    CHECKF(r >= 1 && r <= 3, "parent vs forked child VM: %d", r);
    long raw = syscall(SYS_kcmp, getpid(), h.pid, 1, 0, 0);
    CHECK(r == raw);
    r = CHECK_OK(ns_kcmp(getpid(), h.pid, NS_KCMP_FILES, 0, 0));
    CHECK(r >= 1 && r <= 3);
    holder_stop(&h);
}

static void test_kcmp_file(void)
{
    need_kcmp();
    int a = SYS_OK(open("/dev/null", O_RDONLY | O_CLOEXEC));
    int b = SYS_OK(dup(a));
    int c = SYS_OK(open("/dev/null", O_RDONLY | O_CLOEXEC));
    pid_t me = getpid();
    CHECK(CHECK_OK(ns_kcmp(me, me, NS_KCMP_FILE, (unsigned long)a, (unsigned long)b)) == 0);
    int ac = CHECK_OK(ns_kcmp(me, me, NS_KCMP_FILE, (unsigned long)a, (unsigned long)c));
    int ca = CHECK_OK(ns_kcmp(me, me, NS_KCMP_FILE, (unsigned long)c, (unsigned long)a));
    CHECKF((ac == 1 && ca == 2) || (ac == 2 && ca == 1), "a/c %d, c/a %d", ac, ca);
    CHECK(ac == syscall(SYS_kcmp, me, me, 0, a, c));
    /* The same open files in a forked child (it keeps them open). */
    int ctl[2];
    SYS_OK(pipe2(ctl, O_CLOEXEC));
    fflush(stdout);
    fflush(stderr);
    pid_t child = SYS_OK(fork());
    if (child == 0) {
        char x;
        close(ctl[1]);
        while (read(ctl[0], &x, 1) < 0 && errno == EINTR)
            ;
        _exit(0);
    }
    close(ctl[0]);
    int r = CHECK_OK(ns_kcmp(me, child, NS_KCMP_FILE, (unsigned long)a, (unsigned long)a));
    CHECKF(r == 0, "fd %d of parent and forked child: %d", a, r);
    r = CHECK_OK(ns_kcmp(me, child, NS_KCMP_FILE, (unsigned long)b, (unsigned long)a));
    CHECKF(r == 0, "dup in parent vs the original in the child: %d", r);
    r = CHECK_OK(ns_kcmp(me, child, NS_KCMP_FILE, (unsigned long)a, (unsigned long)c));
    CHECKF(r == ac, "parent's a vs child's c: %d, want %d", r, ac);
    CHECK_ERR(ns_kcmp(me, me, NS_KCMP_FILE, (unsigned long)a, 1000), EBADF);
    close(ctl[1]);
    int st;
    wait_child(child, &st);
    close(c);
    close(b);
    close(a);
}

static void test_kcmp_errors(void)
{
    need_kcmp();
    pid_t me = getpid();
    CHECK_ERR(ns_kcmp(me, me, -1, 0, 0), EINVAL);
    CHECK_ERR(ns_kcmp(me, me, 7, 0, 0), EINVAL);
    CHECK_ERR(ns_kcmp(me, me, 100, 0, 0), EINVAL);
    pid_t gone = reaped_pid();
    CHECK_ERR(ns_kcmp(me, gone, NS_KCMP_VM, 0, 0), ESRCH);
    CHECK_ERR(ns_kcmp(gone, me, NS_KCMP_VM, 0, 0), ESRCH);
}

static void nobody_kcmp(void *arg)
{
    pid_t root_pid = *(pid_t *)arg;
    drop_to_nobody();
    CHECK_ERR(ns_kcmp(getpid(), root_pid, NS_KCMP_VM, 0, 0), EPERM);
}

static void test_kcmp_unprivileged(void)
{
    SKIP_UNLESS_ROOT();
    need_kcmp();
    struct holder h;
    holder_start(&h, 0, NULL, HOLDER_KEEP_UID);
    CHECK(in_child(nobody_kcmp, &h.pid));
    holder_stop(&h);
}

int main(void)
{
    RUN(test_get_limit);
    RUN(test_set_limit);
    RUN(test_set_limit_takes_effect);
    RUN(test_set_limit_in_userns);
    RUN(test_limit_errors);
    RUN(test_set_limit_unprivileged);
    RUN(test_time_offset_root);
    RUN(test_time_offset_in_userns);
    RUN(test_time_offset_other_process);
    RUN(test_time_offset_unprivileged);
    RUN(test_pivot_root);
    RUN(test_pivot_root_errors);
    RUN(test_kcmp_vm);
    RUN(test_kcmp_file);
    RUN(test_kcmp_errors);
    RUN(test_kcmp_unprivileged);
    return check_summary();
}
