/*
 * ns_features: every NS_FEATURE_* bit checked against a probe of the
 * kernel made here without the library, the real call wherever one can
 * be made (a clone3 child into our own cgroup, setns of a pidfd, a
 * listmount of our mount namespace by descriptor, a reaped child's
 * PIDFD_INFO_EXIT, the 7.1 clone3 flags); as the caller, as uid 65534 when
 * root, and under a seccomp filter that refuses clone3.  With
 * LINUXNS_FORCE_FALLBACK=1 the mask is 0: the library avoids every one.
 */
#include "check_pidinfo.h"
#include <limits.h>

/* ---- ns_features ---------------------------------------------------------- */

struct clone_args_ {
    __u64 flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls,
        set_tid, set_tid_size, cgroup;
};
#define CLONE_INTO_CGROUP_ 0x200000000ULL
#define CLONE_AUTOREAP_ (1ULL << 34)
#define CLONE_NNP_ (1ULL << 35)
#define CLONE_PIDFD_AUTOKILL_ (1ULL << 36)
#define CLONE_EMPTY_MNTNS_ (1ULL << 37)

/* clone3 of a child that exits at once: true when it was made, false for
 * EINVAL (a flag unknown); other errors fail the case. */
static bool clone3_makes_child(__u64 flags, int cgroup, int *err)
{
    int pidfd = -1;
    struct clone_args_ a = {.flags = flags, .pidfd = (__u64)(uintptr_t)&pidfd,
                            .exit_signal = (flags & CLONE_AUTOREAP_) ? 0 : SIGCHLD,
                            .cgroup = (__u64)(cgroup < 0 ? 0 : cgroup)};
    long r = syscall(SYS_clone3, &a, sizeof a);
    if (r == 0)
        _exit(0);
    *err = r < 0 ? errno : 0;
    if (r > 0 && !(flags & CLONE_AUTOREAP_)) {
        int st;
        wait_child((pid_t)r, &st);
    }
    if (pidfd >= 0)
        close(pidfd);
    return r > 0;
}

/* The 7.1 flags, probed in a child (which may make itself a user
 * namespace for CLONE_EMPTY_MNTNS): a mask of 4 bits as its exit code. */
static int clone71_probe(void)
{
    pid_t p = SYS_OK(fork());
    if (p == 0) {
        int bits = 0, e;
        if (geteuid() != 0 && unshare(CLONE_NEWUSER) < 0)
            _exit(100);
        if (clone3_makes_child(CLONE_NNP_, -1, &e))
            bits |= 1;
        else if (e != EINVAL)
            _exit(101);
        if (clone3_makes_child(CLONE_PIDFD | CLONE_PIDFD_AUTOKILL_ | CLONE_AUTOREAP_ | CLONE_NNP_, -1, &e))
            bits |= 2;
        else if (e != EINVAL)
            _exit(102);
        if (clone3_makes_child(CLONE_AUTOREAP_, -1, &e))
            bits |= 4;
        else if (e != EINVAL)
            _exit(103);
        if (clone3_makes_child(CLONE_EMPTY_MNTNS_, -1, &e))
            bits |= 8;
        else if (e != EINVAL)
            _exit(104);
        _exit(bits);
    }
    int st;
    wait_child(p, &st);
    REQUIRE(WIFEXITED(st) && WEXITSTATUS(st) < 16);
    return WEXITSTATUS(st);
}

/* Where cgroup2 is mounted (/sys/fs/cgroup, or .../unified beside v1). */
static bool cgroup2_root(char *out, size_t size)
{
    FILE *f = fopen("/proc/self/mountinfo", "re");
    if (!f)
        return false;
    char line[4096];
    bool found = false;
    while (!found && fgets(line, sizeof line, f)) {
        char *sep = strstr(line, " - cgroup2 ");
        char mnt[4096];
        if (sep && sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1) {
            snprintf(out, size, "%s", mnt);
            found = true;
        }
    }
    fclose(f);
    return found;
}

/* clone3 into our own cgroup (v2): made, or refused for want of write
 * permission on cgroup.procs (which needs the flag understood) -> 1;
 * EINVAL (flag unknown) -> 0. Without a cgroup2 mount: a cgroup
 * descriptor that cannot be open, EBADF meaning the flag was understood. */
static int into_cgroup_probe(void)
{
    char buf[4096], root[4096], path[8300];
    int e = 0;
    char *own = NULL;
    if (read_file("/proc/self/cgroup", buf, sizeof buf) > 0) {
        own = strstr(buf, "0::");
        if (own && own != buf && own[-1] != '\n')
            own = NULL;
    }
    if (!own || !cgroup2_root(root, sizeof root)) {
        clone3_makes_child(CLONE_INTO_CGROUP_, INT_MAX, &e);
        CHECKF(e == EBADF || e == EINVAL, "clone3(CLONE_INTO_CGROUP, fd INT_MAX): %s", strerror(e));
        return e == EBADF;
    }
    own[strcspn(own, "\n")] = '\0';
    snprintf(path, sizeof path, "%s%s", root, own + 3);
    int cg = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (cg < 0)
        return -1;
    bool made = clone3_makes_child(CLONE_INTO_CGROUP_, cg, &e);
    close(cg);
    if (made || e == EACCES || e == EPERM || e == EBUSY)
        return 1;
    CHECKF(e == EINVAL, "clone3(CLONE_INTO_CGROUP): %s", strerror(e));
    return 0;
}

/* setns of a pidfd with a mask (a holder's user and uts namespaces), in a
 * child. */
static bool setns_pidfd_probe(void)
{
    struct holder h;
    holder_start(&h, CLONE_NEWUSER | CLONE_NEWUTS, NULL, HOLDER_KEEP_UID);
    int pidfd = SYS_OK(pidfd_open_(h.pid));
    pid_t p = SYS_OK(fork());
    if (p == 0)
        _exit(setns(pidfd, CLONE_NEWUSER | CLONE_NEWUTS) == 0 ? 0 : errno == EINVAL ? 1 : 2);
    int st;
    wait_child(p, &st);
    close(pidfd);
    holder_stop(&h);
    CHECKF(WIFEXITED(st) && WEXITSTATUS(st) < 2, "setns(pidfd) status 0x%x", st);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

#define NS_GET_ID_ _IOR(0xb7, 13, __u64)
struct mnt_ns_info_ {
    __u32 size, nr_mounts;
    __u64 mnt_ns_id;
};
#define NS_MNT_GET_INFO_ _IOR(0xb7, 10, struct mnt_ns_info_)
#define NS_GET_PID_IN_PIDNS_ _IOR(0xb7, 0x8, int)
#define PIDFD_GET_UTS_NAMESPACE_ _IO(0xFF, 10)

static bool exists(long nr)
{
    errno = 0;
    long r = syscall(nr, -1L, 0L, 0L, 0L, 0L);
    return !(r < 0 && (errno == ENOSYS || errno == EPERM));
}

/* listmount of our mount namespace, named by descriptor (6.18) or not. */
static bool listmount_works(bool by_fd)
{
    struct {
        __u32 size, mnt_ns_fd;
        __u64 mnt_id, param;
    } req = {24, 0, ~0ULL, 0};
    __u64 ids[64];
    int ns = -1;
    if (by_fd)
        req.mnt_ns_fd = (__u32)(ns = SYS_OK(open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC)));
    long r = syscall(458, &req, ids, 64UL, 0U);
    if (ns >= 0)
        close(ns);
    return r > 0;
}

/* Every NS_FEATURE_* bit, found here without the library. */
static uint64_t direct_features(void)
{
    uint64_t m = 0;
    int uts = SYS_OK(open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC));
    int mnt = SYS_OK(open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC));
    int pid = SYS_OK(open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC));
    int self = SYS_OK(pidfd_open_(getpid()));

    int e;
    errno = 0;
    if (!(syscall(SYS_clone3, NULL, 0) < 0 && errno == ENOSYS) &&
        clone3_makes_child(0, -1, &e))
        m |= NS_FEATURE_CLONE3;
    if ((m & NS_FEATURE_CLONE3) && into_cgroup_probe() == 1)
        m |= NS_FEATURE_CLONE_INTO_CGROUP;
    if (setns_pidfd_probe())
        m |= NS_FEATURE_SETNS_PIDFD;
    int got = ioctl(self, PIDFD_GET_UTS_NAMESPACE_, 0);
    if (got >= 0) {
        m |= NS_FEATURE_PIDFD_GET_NAMESPACE;
        close(got);
    }
    __u64 id = 0;
    if (ioctl(uts, NS_GET_ID_, &id) == 0 && id != 0)
        m |= NS_FEATURE_NS_GET_ID;
    struct {
        unsigned int bytes;
        int type;
        unsigned char h[64];
    } fh = {.bytes = 64};
    int mount_id;
    if (name_to_handle_at(uts, "", (struct file_handle *)&fh, &mount_id, AT_EMPTY_PATH) == 0)
        m |= NS_FEATURE_NSFS_HANDLES;
    if (exists(470))
        m |= NS_FEATURE_LISTNS;
    struct mnt_ns_info_ info = {sizeof info, 0, 0};
    if (ioctl(mnt, NS_MNT_GET_INFO_, &info) == 0 && info.nr_mounts > 0)
        m |= NS_FEATURE_MNTNS_IOCTLS;
    if (listmount_works(false))
        m |= NS_FEATURE_LISTMOUNT;
    if (listmount_works(true))
        m |= NS_FEATURE_LISTMOUNT_NS_FD;
    if (kernel_keeps_exit_status())
        m |= NS_FEATURE_PIDFD_INFO_EXIT;
    if (exists(442))
        m |= NS_FEATURE_IDMAPPED_MOUNTS;
    if (ioctl(pid, NS_GET_PID_IN_PIDNS_, getpid()) == getpid())
        m |= NS_FEATURE_PID_TRANSLATE;
    int b = (m & NS_FEATURE_CLONE3) ? clone71_probe() : 0;
    if (b & 1)
        m |= NS_FEATURE_CLONE_NNP;
    if (b & 2)
        m |= NS_FEATURE_CLONE_PIDFD_AUTOKILL;
    if (b & 4)
        m |= NS_FEATURE_CLONE_AUTOREAP;
    if (b & 8)
        m |= NS_FEATURE_CLONE_EMPTY_MNTNS;
    close(uts);
    close(mnt);
    close(pid);
    close(self);
    return m;
}

static const struct {
    uint64_t bit;
    const char *name;
} FEATURES[] = {
    {NS_FEATURE_CLONE3, "CLONE3"},
    {NS_FEATURE_CLONE_INTO_CGROUP, "CLONE_INTO_CGROUP"},
    {NS_FEATURE_SETNS_PIDFD, "SETNS_PIDFD"},
    {NS_FEATURE_PIDFD_GET_NAMESPACE, "PIDFD_GET_NAMESPACE"},
    {NS_FEATURE_NS_GET_ID, "NS_GET_ID"},
    {NS_FEATURE_NSFS_HANDLES, "NSFS_HANDLES"},
    {NS_FEATURE_LISTNS, "LISTNS"},
    {NS_FEATURE_MNTNS_IOCTLS, "MNTNS_IOCTLS"},
    {NS_FEATURE_LISTMOUNT, "LISTMOUNT"},
    {NS_FEATURE_LISTMOUNT_NS_FD, "LISTMOUNT_NS_FD"},
    {NS_FEATURE_PIDFD_INFO_EXIT, "PIDFD_INFO_EXIT"},
    {NS_FEATURE_IDMAPPED_MOUNTS, "IDMAPPED_MOUNTS"},
    {NS_FEATURE_PID_TRANSLATE, "PID_TRANSLATE"},
    {NS_FEATURE_CLONE_NNP, "CLONE_NNP"},
    {NS_FEATURE_CLONE_PIDFD_AUTOKILL, "CLONE_PIDFD_AUTOKILL"},
    {NS_FEATURE_CLONE_AUTOREAP, "CLONE_AUTOREAP"},
    {NS_FEATURE_CLONE_EMPTY_MNTNS, "CLONE_EMPTY_MNTNS"},
};
#define N_FEATURES (sizeof FEATURES / sizeof FEATURES[0])

static void compare_features(uint64_t got, uint64_t want)
{
    uint64_t all = 0;
    for (size_t i = 0; i < N_FEATURES; i++) {
        all |= FEATURES[i].bit;
        CHECKF((got & FEATURES[i].bit) == (want & FEATURES[i].bit),
               "NS_FEATURE_%s: ns_features says %s, the kernel %s", FEATURES[i].name,
               (got & FEATURES[i].bit) ? "yes" : "no", (want & FEATURES[i].bit) ? "yes" : "no");
    }
    CHECKF((got & ~all) == 0, "unknown bits 0x%" PRIx64, got & ~all);
    fprintf(stderr, "  ns_features = 0x%" PRIx64 ":", got);
    for (size_t i = 0; i < N_FEATURES; i++)
        if (got & FEATURES[i].bit)
            fprintf(stderr, " %s", FEATURES[i].name);
    fputc('\n', stderr);
}

static void test_features(void)
{
    uint64_t got = ns_features();
    CHECK(ns_features() == got);
    if (fallback_mode()) {
        /* The library avoids every feature: none is reported. */
        CHECKF(got == 0, "fallback: ns_features 0x%" PRIx64, got);
        return;
    }
    compare_features(got, direct_features());
    /* What the library found is what it uses. */
    int uts = SYS_OK(open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC));
    uint64_t id = 0;
    if (got & NS_FEATURE_NS_GET_ID)
        CHECK_OK(ns_unique_id(uts, &id));
    else
        CHECK_ERR(ns_unique_id(uts, &id), EOPNOTSUPP);
    close(uts);
}

static void test_features_nobody(void)
{
    if (geteuid() != 0)
        SKIP("already unprivileged: test_features is this case");
    become_nobody();
    test_features();
}

/* A filter that refuses clone3 (ENOSYS, as for an old kernel): clone3 and
 * everything that needs it are reported missing, the rest unchanged. */
static void test_features_clone3_filtered(void)
{
    uint64_t want = fallback_mode() ? 0 : direct_features();
    const struct deny_rule r[] = {{SYS_clone3, ENOSYS}};
    seccomp_deny(r, 1);
    uint64_t got = ns_features();
    uint64_t clone3_bits = NS_FEATURE_CLONE3 | NS_FEATURE_CLONE_INTO_CGROUP |
                           NS_FEATURE_CLONE_NNP | NS_FEATURE_CLONE_PIDFD_AUTOKILL |
                           NS_FEATURE_CLONE_AUTOREAP | NS_FEATURE_CLONE_EMPTY_MNTNS;
    compare_features(got, want & ~clone3_bits);
}

int main(void)
{
    RUN(test_features);
    RUN(test_features_nobody);
    RUN(test_features_clone3_filtered);
    return check_summary();
}
