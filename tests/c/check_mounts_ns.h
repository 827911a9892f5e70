/*
 * check_mounts_ns.h - mount namespaces to list, for test_mounts.c: a private
 * one with a mount of each kind, a child holding one, the comparison of two
 * listings, and what the kernel answers without the library.
 */
#ifndef LINUXNS_CHECK_MOUNTS_NS_H
#define LINUXNS_CHECK_MOUNTS_NS_H

#include "check_mounts.h"
#include <sys/ioctl.h>

/* The numbers of include/uapi/asm-generic/unistd.h (x86_64 and arm64 alike)
 * and the flags of include/uapi/linux/mount.h, for older C headers. */
#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#ifndef SYS_move_mount
#define SYS_move_mount 429
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif
#define LNS_SYS_LISTMOUNT 458
#define LNS_OPEN_TREE_CLONE 1
#define LNS_MOVE_MOUNT_F_EMPTY_PATH 0x4
#define LNS_MOUNT_ATTR_IDMAP 0x00100000ULL
/* ro,nosuid,nodev,noexec,noatime as MOUNT_ATTR_* (linux/mount.h) */
#define LNS_ATTR_RO_SET 0x1fULL

/* ---- a namespace with one mount of each kind ---------------------------- */

/*
 * In the caller's (already private) mount namespace: a tmpfs at base, and
 * in it a mount of each kind: a name with a space and a tab and a source
 * with a space and a backslash, a shared one and its peer, a slave of it, a
 * shared slave, an unbindable one, a bind mount of a subdirectory, one with
 * ro,nosuid,nodev,noexec,noatime.  Exits the case on failure.
 */
#define ODD_NAME "a b\tc"
#define ODD_SOURCE "src a\\b"

static inline void mount_at(const char *base, const char *name, const char *src,
                            const char *type, unsigned long flags)
{
    char path[M_STR];
    snprintf(path, sizeof path, "%s/%s", base, name);
    if (mkdir(path, 0755) < 0 && errno != EEXIST)
        check_fail(__FILE__, __LINE__, "mkdir %s: %s", path, strerror(errno));
    if (mount(src, path, type, flags, NULL) < 0) {
        check_fail(__FILE__, __LINE__, "mount %s on %s: %s", src ? src : "(bind)", path,
                   strerror(errno));
        check_exit(1);
    }
}

static inline void change_at(const char *base, const char *name, unsigned long flags)
{
    char path[M_STR];
    snprintf(path, sizeof path, "%s/%s", base, name);
    SYS_OK(mount(NULL, path, NULL, flags, NULL));
}

static inline void make_mount_variety(const char *base)
{
    char path[M_STR];
    SYS_OK(mount("lns-base", base, "tmpfs", 0, NULL));
    mount_at(base, ODD_NAME, ODD_SOURCE, "tmpfs", 0);
    snprintf(path, sizeof path, "%s/%s/inner", base, ODD_NAME);
    SYS_OK(mkdir(path, 0755));
    mount_at(base, "sub", path, NULL, MS_BIND);
    mount_at(base, "shared", "lns-shared", "tmpfs", 0);
    change_at(base, "shared", MS_SHARED);
    snprintf(path, sizeof path, "%s/shared", base);
    mount_at(base, "peer", path, NULL, MS_BIND);
    mount_at(base, "slave", path, NULL, MS_BIND);
    change_at(base, "slave", MS_SLAVE);
    mount_at(base, "shslave", path, NULL, MS_BIND);
    change_at(base, "shslave", MS_SLAVE);
    change_at(base, "shslave", MS_SHARED);
    mount_at(base, "unbind", "lns-unbind", "tmpfs", 0);
    change_at(base, "unbind", MS_UNBINDABLE);
    mount_at(base, "ro", "lns-ro", "tmpfs",
             MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME);
}

/* A new private mount namespace for the calling (single-threaded) process,
 * so that mounts elsewhere on the system do not change what is compared. */
static inline void private_mount_ns(void)
{
    SYS_OK(unshare(CLONE_NEWNS));
    SYS_OK(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
}

/* ---- listings and children ---------------------------------------------- */

/* The mounts ns_mount_list reports for fd; REQUIREs success. */
static inline int list_fd(int fd, struct mlist *l)
{
    int n = (int)REQUIRE_OK(ns_mount_list(fd, collect_mount, l));
    CHECKF((size_t)n == l->n, "returned %d, reported %zu", n, l->n);
    return n;
}

static inline int open_own_mnt(void)
{
    return (int)SYS_OK(open("/proc/thread-self/ns/mnt", O_RDONLY | O_CLOEXEC));
}

/* Does this kernel answer listmount(2) for a namespace descriptor (6.18)? */
static inline bool kernel_lists_by_fd(int fd)
{
    struct { uint32_t size, mnt_ns_fd; uint64_t mnt_id, param, mnt_ns_id; } req = {
        32, (uint32_t)fd, UINT64_MAX, 0, 0};
    uint64_t id;
    return syscall(LNS_SYS_LISTMOUNT, &req, &id, 1, 0) >= 0;
}

/*
 * Compares two listings mount by mount, matched by their mountinfo ids.
 * `full`: also device numbers, peer groups, masters and idmapped (not in
 * findmnt's columns).  Returns the number of differences, printed.
 */
static inline int compare_lists(const char *an, const struct mlist *a, const char *bn,
                         const struct mlist *b, bool full)
{
    int bad = 0;
    if (a->n != b->n) {
        fprintf(stderr, "    %s has %zu mounts, %s %zu\n", an, a->n, bn, b->n);
        bad++;
    }
    for (size_t i = 0; i < a->n; i++) {
        const struct mrow *x = &a->v[i], *y = find_proc_id(b, x->proc_id);
        if (!y) {
            fprintf(stderr, "    %s: mount %u (%s) not in %s\n", an, x->proc_id, x->target, bn);
            bad++;
            continue;
        }
        bool same = x->proc_parent_id == y->proc_parent_id &&
                    strcmp(x->target, y->target) == 0 && strcmp(x->source, y->source) == 0 &&
                    strcmp(x->fstype, y->fstype) == 0 &&
                    strcmp(x->prop_text, y->prop_text) == 0 &&
                    strcmp(x->fsroot, y->fsroot) == 0;
        if (full)
            same = same && x->major == y->major && x->minor == y->minor &&
                   x->propagation == y->propagation && x->peer_group == y->peer_group &&
                   x->master == y->master && x->idmapped == y->idmapped;
        if (!same) {
            fprintf(stderr, "    mount %u: %s: parent %u [%s] src [%s] %s %s root [%s] "
                    "%u:%u peer %" PRIu64 " master %" PRIu64 " idmapped %d\n"
                    "    %*s  %s: parent %u [%s] src [%s] %s %s root [%s] %u:%u peer %"
                    PRIu64 " master %" PRIu64 " idmapped %d\n",
                    x->proc_id, an, x->proc_parent_id, x->target, x->source, x->fstype,
                    x->prop_text, x->fsroot, x->major, x->minor, x->peer_group, x->master,
                    x->idmapped, (int)strlen(an) > 6 ? 6 : (int)strlen(an), "", bn,
                    y->proc_parent_id, y->target, y->source, y->fstype, y->prop_text,
                    y->fsroot, y->major, y->minor, y->peer_group, y->master, y->idmapped);
            bad++;
        }
    }
    return bad;
}

/* The mounts of make_mount_variety(base), as a listing must show them. */
static inline void check_variety(const struct mlist *l, const char *base)
{
    char p[M_STR];
#define AT(name) (snprintf(p, sizeof p, "%s/%s", base, name), find_target(l, p))
    const struct mrow *odd = AT(ODD_NAME), *sub = AT("sub"), *sh = AT("shared"),
                      *peer = AT("peer"), *sl = AT("slave"), *shsl = AT("shslave"),
                      *ub = AT("unbind"), *ro = AT("ro");
#undef AT
    REQUIRE(odd && sub && sh && peer && sl && shsl && ub && ro);
    CHECK_STREQ(odd->source, ODD_SOURCE);
    CHECK_STREQ(odd->fstype, "tmpfs");
    CHECK_EQ_U64(odd->propagation, MS_PRIVATE);
    CHECK_STREQ(sub->fsroot, "/inner");
    CHECK_EQ_U64(sub->propagation, MS_PRIVATE);
    CHECK_EQ_U64(sh->propagation, MS_SHARED);
    CHECK(sh->peer_group != 0 && sh->master == 0);
    CHECK_EQ_U64(peer->propagation, MS_SHARED);
    CHECK_EQ_U64(peer->peer_group, sh->peer_group);
    CHECK_EQ_U64(sl->propagation, MS_SLAVE);
    CHECK_EQ_U64(sl->master, sh->peer_group);
    CHECK_EQ_U64(sl->peer_group, 0);
    CHECK_EQ_U64(shsl->propagation, MS_SHARED | MS_SLAVE);
    CHECK_EQ_U64(shsl->master, sh->peer_group);
    CHECK(shsl->peer_group != 0 && shsl->peer_group != sh->peer_group);
    CHECK_EQ_U64(ub->propagation, MS_UNBINDABLE);
    CHECK_EQ_U64(ro->attr & LNS_ATTR_RO_SET, LNS_ATTR_RO_SET);
    CHECK_EQ_U64(sh->attr & LNS_ATTR_RO_SET, 0);
    CHECK(!ro->idmapped && !(ro->attr & LNS_MOUNT_ATTR_IDMAP));
}

/* A directory under /tmp for one case's mounts (removed by rm_base). */
static inline void make_base(char *base, size_t size)
{
    snprintf(base, size, "/tmp/lns-mounts-XXXXXX");
    REQUIRE(mkdtemp(base) != NULL);
}

static inline void rm_base(const char *base)
{
    umount2(base, MNT_DETACH);
    rmdir(base);
}

/*
 * A child in a new private mount namespace holding make_mount_variety(base)
 * until the returned pipe end is closed (or the case ends).
 */
static inline pid_t start_mount_child(const char *base, int *release)
{
    int ready[2], ctl[2];
    SYS_OK(pipe2(ready, O_CLOEXEC));
    SYS_OK(pipe2(ctl, O_CLOEXEC));
    fflush(stdout);
    fflush(stderr);
    pid_t pid = SYS_OK(fork());
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        close(ready[0]);
        close(ctl[1]);
        private_mount_ns();
        make_mount_variety(base);
        if (write(ready[1], "1", 1) != 1)
            _exit(1);
        char c;
        while (read(ctl[0], &c, 1) < 0 && errno == EINTR)
            ;
        _exit(0);
    }
    close(ready[1]);
    close(ctl[0]);
    char c = 0;
    ssize_t n;
    while ((n = read(ready[0], &c, 1)) < 0 && errno == EINTR)
        ;
    close(ready[0]);
    REQUIRE(n == 1 && c == '1');
    *release = ctl[1];
    return pid;
}

static inline void stop_child(pid_t pid, int release)
{
    close(release);
    int st;
    wait_child(pid, &st);
}

/* The kernel's own count (NS_MNT_GET_INFO, 6.12), or -1 without it. */
static inline long kernel_count(int fd)
{
    struct { uint32_t size, nr_mounts; uint64_t mnt_ns_id; } info = {16, 0, 0};
    unsigned long req = (2UL << 30) | (16UL << 16) | (0xb7UL << 8) | 10; /* _IOR(NSIO, 10, 16) */
    return ioctl(fd, req, &info) == 0 ? (long)info.nr_mounts : -1;
}

#endif /* LINUXNS_CHECK_MOUNTS_NS_H */
