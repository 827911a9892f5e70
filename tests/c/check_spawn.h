/*
 * check_spawn.h - helpers for the ns_spawn / ns_spawn_fn cases: run a
 * program with its stdout on a pipe and collect what it printed, read
 * values out of that text, look at our own children, drop to nobody, and a
 * watchdog that turns a hung spawn into a reported failure.
 */
#ifndef LINUXNS_CHECK_SPAWN_H
#define LINUXNS_CHECK_SPAWN_H

#include "check.h"
#include <poll.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

/* Prints "TYPE TYPE:[N]" for every namespace type of the shell. */
#define NS_SCRIPT                                                          \
    "for n in mnt cgroup uts ipc user pid net time; do "                   \
    "echo \"$n $(readlink /proc/self/ns/$n)\"; done"

/* Reads fd until EOF into buf (NUL-terminated); returns the length. */
static inline ssize_t read_all(int fd, char *buf, size_t size)
{
    size_t len = 0;
    while (len + 1 < size) {
        ssize_t n = read(fd, buf + len, size - 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    buf[len] = '\0';
    /* Drain the rest so the writer never blocks on a full pipe. */
    char sink[512];
    while (read(fd, sink, sizeof sink) > 0)
        ;
    return (ssize_t)len;
}

/* Reads one line (up to '\n', which is dropped) byte by byte. */
static inline ssize_t read_line(int fd, char *buf, size_t size)
{
    size_t len = 0;
    while (len + 1 < size) {
        char c;
        ssize_t n = read(fd, &c, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || c == '\n')
            break;
        buf[len++] = c;
    }
    buf[len] = '\0';
    return (ssize_t)len;
}

/*
 * Spawns path/argv (envp NULL) with `attr` plus the program's stdout on a
 * new pipe (ns_spawn_attr_set_fd(attr, 1, w)); attr NULL uses a temporary
 * attribute with only that.  Reads the output to EOF into out and waits for
 * the program.  Returns its pid with *status set, or ns_spawn's negative
 * error (out is then "").  The attribute keeps naming the closed pipe as
 * fd 1: the next spawn_capture replaces it, other spawns must set fd 1.
 */
static inline pid_t spawn_capture(ns_spawn_attr *attr, const char *path,
                                  char *const argv[], char *out, size_t size,
                                  int *status)
{
    int p[2];
    out[0] = '\0';
    SYS_OK(pipe2(p, O_CLOEXEC));
    ns_spawn_attr *own = NULL;
    if (!attr)
        attr = own = ns_spawn_attr_new();
    REQUIRE(attr != NULL);
    REQUIRE_OK(ns_spawn_attr_set_fd(attr, 1, p[1]));
    pid_t pid = ns_spawn(path, argv, NULL, attr, NULL);
    int saved = errno;
    close(p[1]);
    read_all(p[0], out, size);
    close(p[0]);
    if (own)
        ns_spawn_attr_free(own);
    if (pid > 0) {
        REQUIRE(wait_child(pid, status) == pid);
    }
    errno = saved;
    return pid;
}

static inline pid_t spawn_sh(ns_spawn_attr *attr, const char *script, char *out,
                             size_t size, int *status)
{
    char *argv[] = {"sh", "-c", (char *)script, NULL};
    return spawn_capture(attr, "/bin/sh", argv, out, size, status);
}

/* spawn_sh that must start and exit 0; otherwise the case ends. */
#define SH_OK(attr, script, out)                                           \
    __extension__({                                                        \
        int st_ = -1;                                                      \
        pid_t p_ = REQUIRE_OK(spawn_sh((attr), (script), (out),            \
                                       sizeof(out), &st_));                \
        if (!WIFEXITED(st_) || WEXITSTATUS(st_) != 0) {                    \
            check_fail(__FILE__, __LINE__, "sh -c '%s': status 0x%x, "     \
                       "output:\n%s", (script), st_, (out));               \
            check_exit(1);                                                 \
        }                                                                  \
        p_;                                                                \
    })

/*
 * The rest of the first line of text that starts with prefix, copied into
 * buf without its newline; NULL (and buf "") when there is none.
 */
static inline const char *out_line(const char *text, const char *prefix,
                                   char *buf, size_t size)
{
    size_t plen = strlen(prefix);
    buf[0] = '\0';
    for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : l) {
        if (strncmp(l, prefix, plen) == 0) {
            const char *s = l + plen;
            size_t n = strcspn(s, "\n");
            if (n >= size)
                n = size - 1;
            memcpy(buf, s, n);
            buf[n] = '\0';
            return buf;
        }
    }
    return NULL;
}

/* The N of "...type:[N]..." in s; 0 if none. */
static inline uint64_t text_ns_id(const char *s)
{
    const char *open = s ? strchr(s, '[') : NULL;
    return open ? strtoull(open + 1, NULL, 10) : 0;
}

/* The id NS_SCRIPT printed for type `name`; 0 if missing. */
static inline uint64_t out_ns_id(const char *text, const char *name)
{
    char prefix[32], line[128];
    snprintf(prefix, sizeof prefix, "%s %s:[", name, name);
    if (!out_line(text, prefix, line, sizeof line))
        return 0;
    return strtoull(line, NULL, 10);
}

/* A hexadecimal /proc/PID/status field ("SigBlk:") from text; ~0 if missing. */
static inline uint64_t out_hex_field(const char *text, const char *field)
{
    char line[128];
    if (!out_line(text, field, line, sizeof line))
        return ~(uint64_t)0;
    return strtoull(line, NULL, 16);
}

/* The "Pid:" of a pidfd, from /proc/self/fdinfo; -1 if unknown. */
static inline pid_t pidfd_pid(int pidfd)
{
    char path[64], text[1024], line[64];
    snprintf(path, sizeof path, "/proc/self/fdinfo/%d", pidfd);
    if (read_file(path, text, sizeof text) <= 0 ||
        !out_line(text, "Pid:", line, sizeof line))
        return -1;
    return (pid_t)strtol(line, NULL, 10);
}

/* The children (any state) of `parent`, from /proc/PID/stat; returns how
 * many. */
static inline int children_of(pid_t parent, pid_t *out, int max)
{
    DIR *d = opendir("/proc");
    int n = 0;
    if (!d)
        return -1;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        char path[300], text[1024];
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        if (read_file(path, text, sizeof text) <= 0)
            continue;
        const char *rp = strrchr(text, ')');
        char state;
        int ppid;
        if (!rp || sscanf(rp + 1, " %c %d", &state, &ppid) != 2)
            continue;
        if (ppid == parent) {
            if (n < max)
                out[n] = (pid_t)atoi(e->d_name);
            n++;
        }
    }
    closedir(d);
    return n;
}

static inline int children_of_self(pid_t *out, int max)
{
    return children_of(getpid(), out, max);
}

/* No child at all: none running, no zombie. */
#define CHECK_NO_CHILDREN()                                                \
    do {                                                                   \
        errno = 0;                                                         \
        pid_t w_ = waitpid(-1, NULL, WNOHANG);                             \
        int e_ = errno;                                                    \
        CHECKF(w_ == -1 && e_ == ECHILD, "waitpid(-1, WNOHANG) = %d (%s):" \
               " a child is left", (int)w_, strerror(e_));                 \
    } while (0)

/* CHECK_ERR, and ns_last_error() contains `step`. */
#define CHECK_ERR_STEP(call, E, step)                                      \
    do {                                                                   \
        CHECK_ERR(call, E);                                                \
        const char *le2_ = ns_last_error();                                \
        CHECKF(le2_ && strstr(le2_, (step)) != NULL,                       \
               "ns_last_error \"%s\" does not name \"%s\"",                \
               le2_ ? le2_ : "(null)", (step));                            \
    } while (0)

/* If root, become nobody (65534), dumpable again so that our children's
 * /proc files stay ours; returns the euid/egid we then have. */
static inline void drop_to_nobody(uid_t *uid, gid_t *gid)
{
    if (geteuid() == 0) {
        SYS_OK(setgroups(0, NULL));
        SYS_OK(setresgid(65534, 65534, 65534));
        SYS_OK(setresuid(65534, 65534, 65534));
        SYS_OK(prctl(PR_SET_DUMPABLE, 1));
    }
    if (uid)
        *uid = geteuid();
    if (gid)
        *gid = getegid();
}

/* A fresh directory /tmp/linuxns-spawn-XXXXXX (realpath'd) in buf. */
static inline void make_temp_dir(char *buf, size_t size)
{
    char tmpl[] = "/tmp/linuxns-spawn-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != NULL);
    REQUIRE(realpath(tmpl, buf) != NULL && strlen(buf) < size);
    /* Readable by nobody too. */
    SYS_OK(chmod(buf, 0755));
}

/* Creates an empty file (mode 0644). */
static inline void touch_file(const char *path)
{
    int fd = SYS_OK(open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
    close(fd);
}

/*
 * The cgroup2 mount: its mount point and its root within the hierarchy,
 * from /proc/self/mountinfo.  False when there is none.
 */
static inline bool find_cgroup2(char *mnt, size_t msize, char *root, size_t rsize)
{
    static char text[65536];
    if (read_file("/proc/self/mountinfo", text, sizeof text) <= 0)
        return false;
    for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n")) {
        char r[1024], m[1024];
        const char *dash = strstr(l, " - ");
        if (!dash || strncmp(dash + 3, "cgroup2 ", 8) != 0)
            continue;
        if (sscanf(l, "%*s %*s %*s %1023s %1023s", r, m) != 2)
            continue;
        snprintf(mnt, msize, "%s", m);
        snprintf(root, rsize, "%s", r);
        return true;
    }
    return false;
}

/*
 * A watchdog for calls that may hang: if not stopped within `seconds`, it
 * reports the hang and SIGKILLs our children (the child a spawn waits on),
 * so the case fails instead of blocking forever.
 */
struct watchdog {
    pthread_t thread;
    int fds[2];
    int seconds;
    volatile int fired;
    const char *what;
};

static inline void *watchdog_main(void *arg)
{
    struct watchdog *w = arg;
    struct pollfd p = {w->fds[0], POLLIN, 0};
    int r;
    while ((r = poll(&p, 1, w->seconds * 1000)) < 0 && errno == EINTR)
        ;
    if (r == 0) {
        pid_t kids[64];
        int n = children_of_self(kids, 64);
        w->fired = 1;
        fprintf(stderr, "  watchdog: %s did not return within %d s; killing"
                " %d child(ren) it waits on\n", w->what, w->seconds, n);
        for (int i = 0; i < n && i < 64; i++)
            kill(kids[i], SIGKILL);
    }
    return NULL;
}

static inline void watchdog_start(struct watchdog *w, const char *what, int seconds)
{
    w->fired = 0;
    w->seconds = seconds;
    w->what = what;
    SYS_OK(pipe2(w->fds, O_CLOEXEC));
    REQUIRE(pthread_create(&w->thread, NULL, watchdog_main, w) == 0);
}

/* Stops the watchdog; a failed CHECK if it fired. */
#define WATCHDOG_STOP(w)                                                   \
    do {                                                                   \
        close((w)->fds[1]);                                                \
        pthread_join((w)->thread, NULL);                                   \
        close((w)->fds[0]);                                                \
        CHECKF(!(w)->fired, "%s hung (the watchdog had to kill its child)",\
               (w)->what);                                                 \
    } while (0)

#endif /* LINUXNS_CHECK_SPAWN_H */
