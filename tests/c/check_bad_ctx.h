/* Part of check_bad.h (included from there, at this point): the walk's
 * context (temp dir, bad descriptors, a holder process) and its setup and
 * teardown. */
#ifndef LINUXNS_CHECK_BAD_CTX_H
#define LINUXNS_CHECK_BAD_CTX_H

/* ---- the context: temp dir, bad descriptors, a holder ---------------- */

enum {
    BFD_NEG1, BFD_INTMIN, BFD_CLOSED, BFD_HUGE, BFD_INTMAX, /* not open */
    BFD_FILE, BFD_DIR, BFD_SOCK,                           /* not namespaces */
    BFD_PIDFD, BFD_NSFD,                                   /* the two handles */
    BFD_N
};
static const char *const bad_fd_name[BFD_N] = {
    "-1", "INT_MIN", "a closed fd", "fd 1<<30", "fd INT_MAX", "a regular file",
    "a directory", "a socket", "a pidfd", "a namespace fd"};

#define BAD_CLOSED_FD 900

static struct bad_ctx {
    char tmp[128];      /* the group's temp dir, its cwd during the walk */
    char file[192];     /* a regular file (mode 0600) in it */
    char sub[192];      /* an empty subdirectory */
    char missing[192];  /* a path in it that does not exist */
    char longcomp[512]; /* a path in it with a 300-byte component */
    char name256[257], name300[301];
    int file_fd, dir_fd, sock_fd;
    bool has_holder;
    struct holder h;    /* new user (no maps), mnt, uts, ipc, net, cgroup, time */
    int h_pidfd, h_net, h_uts, h_user;
    int gone_pidfd;     /* pidfd of an exited, reaped process */
    int zombie_pidfd;   /* pidfd of our exited child, not yet reaped */
    pid_t gone, zombie, unused;
    char watch[8][96];  /* files compared besides the common state */
    int nwatch;
} B;

static inline int bad_fd(int kind)
{
    switch (kind) {
    case BFD_NEG1: return -1;
    case BFD_INTMIN: return INT_MIN;
    case BFD_CLOSED: return BAD_CLOSED_FD;
    case BFD_HUGE: return 1 << 30;
    case BFD_INTMAX: return INT_MAX;
    case BFD_FILE: return B.file_fd;
    case BFD_DIR: return B.dir_fd;
    case BFD_SOCK: return B.sock_fd;
    case BFD_PIDFD: return B.h_pidfd;
    default: return B.h_net;
    }
}

static inline bool bad_fd_unopen(int kind)
{
    return kind <= BFD_INTMAX;
}

/* "NS_NET" for NS_KINDS[i]. */
static inline const char *bad_kind_macro(size_t i)
{
    static const char *const m[N_KINDS] = {"NS_MNT", "NS_CGROUP", "NS_UTS", "NS_IPC",
                                           "NS_USER", "NS_PID", "NS_NET", "NS_TIME"};
    return m[i];
}

/* The pidfds of processes that are gone: reaped, and a zombie. */
#define N_DEAD 2
static inline int bad_dead_fd(int i)
{
    return i ? B.zombie_pidfd : B.gone_pidfd;
}
static const char *const bad_dead_name[N_DEAD] = {"pidfd of a reaped process",
                                                  "pidfd of a zombie"};

/* For a call that wants a namespace (or pidfd): EBADF if not open, else EINVAL. */
#define BADF_OR_INVAL(k) (bad_fd_unopen(k) ? ERRS(EBADF) : ERRS(EINVAL))

/* Names no call takes: NULL, "", ".", "..", with '/', 256 and 300 bytes. */
enum { BAD_NNAMES = 14 };
static inline const char *bad_name(int i)
{
    static const char *const fixed[] = {NULL, "", ".", "..", "a/b", "/", "x/",
                                        "/x", "../x", "x/..", "./x", "../.."};
    if (i < 12)
        return fixed[i];
    return i == 12 ? B.name256 : B.name300;
}

static inline const char *bad_name_label(int i)
{
    static char buf[256];
    const char *n = bad_name(i);
    if (!n)
        return "NULL";
    if (strlen(n) > 200)
        snprintf(buf, sizeof buf, "<%zu bytes>", strlen(n));
    else
        snprintf(buf, sizeof buf, "\"%.200s\"", n);
    return buf;
}

static inline void bad_watch(const char *fmt, int pid, const char *file)
{
    if (B.nwatch < 8)
        snprintf(B.watch[B.nwatch++], sizeof B.watch[0], fmt, pid, file);
}

#define BAD_HOLDER_FLAGS (CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWUTS |       \
                          CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWCGROUP |    \
                          CLONE_NEWTIME)

static inline void *bad_noop_thread(void *arg)
{
    return arg;
}

/*
 * The group's context.  As root: a private mount namespace with a tmpfs on
 * /run.  Always: a temp dir as cwd with a file and a subdirectory, a
 * regular file, directory and socket fd, a closed fd number, a pidfd of a
 * reaped process, and with `holder` a holder in new namespaces (its user
 * namespace unmapped) with its pidfd and namespace fds.
 */
static inline void bad_begin(bool holder)
{
    SKIP_UNLESS_ROOT();
    memset(&B, 0, sizeof B);
    bad_ncalls = 0;
    if (geteuid() == 0) {
        SYS_OK(unshare(CLONE_NEWNS));
        SYS_OK(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
        SYS_OK(mount("linuxns-bad", "/run", "tmpfs", 0, "mode=0755"));
        char real[PATH_MAX];
        if (realpath("/var/run", real) && strcmp(real, "/run") != 0)
            SYS_OK(mount("linuxns-bad", "/var/run", "tmpfs", 0, "mode=0755"));
    }
    /* glibc installs its internal SIGSETXID handler at the first
     * pthread_create: have that happen now, not inside a library call. */
    run_on_thread(bad_noop_thread, NULL);
    char tmpl[] = "/tmp/linuxns-bad-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != NULL);
    REQUIRE(realpath(tmpl, B.tmp) != NULL);
    snprintf(bad_sh->tmp, sizeof bad_sh->tmp, "%s", B.tmp);
    snprintf(B.file, sizeof B.file, "%s/file", B.tmp);
    snprintf(B.sub, sizeof B.sub, "%s/sub", B.tmp);
    snprintf(B.missing, sizeof B.missing, "%s/missing-dir/x", B.tmp);
    memset(B.name256, 'n', 256);
    memset(B.name300, 'n', 300);
    snprintf(B.longcomp, sizeof B.longcomp, "%s/%s", B.tmp, B.name300);
    int fd = SYS_OK(open(B.file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    SYS_OK(write(fd, "x\n", 2));
    close(fd);
    SYS_OK(mkdir(B.sub, 0755));
    SYS_OK(chdir(B.tmp));
    B.file_fd = SYS_OK(open(B.file, O_RDONLY | O_CLOEXEC));
    B.dir_fd = SYS_OK(open(B.tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    B.sock_fd = SYS_OK(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    /* BAD_CLOSED_FD was open and is closed now. */
    SYS_OK(dup3(B.file_fd, BAD_CLOSED_FD, O_CLOEXEC));
    close(BAD_CLOSED_FD);
    pid_t pid = SYS_OK(fork());
    if (pid == 0)
        _exit(0);
    B.gone_pidfd = SYS_OK(pidfd_open_(pid));
    int st;
    wait_child(pid, &st);
    B.gone = pid;
    B.zombie = SYS_OK(fork());
    if (B.zombie == 0)
        _exit(0);
    B.zombie_pidfd = SYS_OK(pidfd_open_(B.zombie));
    siginfo_t info;
    SYS_OK(waitid(P_PID, (id_t)B.zombie, &info, WEXITED | WNOWAIT));
    B.unused = unused_pid();
    REQUIRE(B.unused > 0);
    B.h_pidfd = B.h_net = B.h_uts = B.h_user = -1;
    if (holder) {
        holder_start(&B.h, BAD_HOLDER_FLAGS, NULL, HOLDER_KEEP_UID);
        B.has_holder = true;
        B.h_pidfd = SYS_OK(pidfd_open_(B.h.pid));
        B.h_net = SYS_OK(open_ns_file(B.h.pid, "net"));
        B.h_uts = SYS_OK(open_ns_file(B.h.pid, "uts"));
        B.h_user = SYS_OK(open_ns_file(B.h.pid, "user"));
        bad_watch("/proc/%d/%s", B.h.pid, "uid_map");
        bad_watch("/proc/%d/%s", B.h.pid, "gid_map");
        bad_watch("/proc/%d/%s", B.h.pid, "setgroups");
        bad_watch("/proc/%d/%s", B.h.pid, "timens_offsets");
    }
}

/* Binds the holder's namespace `name` on `path` (created empty), raw. */
static inline void bad_raw_bind(const char *name, const char *path)
{
    char src[64];
    int fd = SYS_OK(open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
    close(fd);
    snprintf(src, sizeof src, "/proc/%d/ns/%s", (int)B.h.pid, name);
    SYS_OK(mount(src, path, NULL, MS_BIND, NULL));
}

/*
 * /run/netns (in the group's own /run) holding what is not a network
 * namespace: a regular file, a directory, a symlink to one, and a bound
 * uts namespace.  Needs the holder.
 */
static inline void bad_netns_fixture(void)
{
    char src[64];
    SYS_OK(mkdir("/run/netns", 0755));
    int fd = SYS_OK(open("/run/netns/plainfile", O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
    close(fd);
    SYS_OK(mkdir("/run/netns/dir", 0755));
    snprintf(src, sizeof src, "/proc/%d/ns/net", (int)B.h.pid);
    SYS_OK(symlink(src, "/run/netns/link"));
    bad_raw_bind("uts", "/run/netns/utsns");
}

/* Removes what is left in the temp dir (one level of subdirectories). */
static inline void bad_rm_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char path[1024];
            snprintf(path, sizeof path, "%.700s/%.255s", dir, e->d_name);
            umount2(path, MNT_DETACH);
            if (unlink(path) < 0)
                bad_rm_tree(path);
        }
        closedir(d);
    }
    rmdir(dir);
}

static inline void bad_end(void)
{
    if (B.has_holder) {
        close(B.h_pidfd);
        close(B.h_net);
        close(B.h_uts);
        close(B.h_user);
        holder_stop(&B.h);
    }
    close(B.gone_pidfd);
    close(B.zombie_pidfd);
    wait_child(B.zombie, &(int){0});
    close(B.file_fd);
    close(B.dir_fd);
    close(B.sock_fd);
    if (chdir("/") == 0)
        bad_rm_tree(B.tmp);
    bad_sh->tmp[0] = '\0';
}

#endif /* LINUXNS_CHECK_BAD_CTX_H */
