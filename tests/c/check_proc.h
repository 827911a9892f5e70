/*
 * check_proc.h - what the kernel shows, read without the library:
 * namespace ids from /proc links, files, pids, id maps.  Part of check.h.
 */
#ifndef LINUXNS_CHECK_PROC_H
#define LINUXNS_CHECK_PROC_H

#include "check.h"

/* Every namespace type with its /proc/PID/ns name, independent of the library. */
static const struct ns_kind {
    int type;
    const char *name;
} NS_KINDS[] = {
    {NS_MNT, "mnt"}, {NS_CGROUP, "cgroup"}, {NS_UTS, "uts"},
    {NS_IPC, "ipc"}, {NS_USER, "user"},     {NS_PID, "pid"},
    {NS_NET, "net"}, {NS_TIME, "time"},
};
#define N_KINDS (sizeof NS_KINDS / sizeof NS_KINDS[0])

static inline bool fallback_mode(void)
{
    const char *v = getenv("LINUXNS_FORCE_FALLBACK");
    return v && *v && strcmp(v, "0") != 0;
}

/* The N of a "type:[N]" link target; 0 on failure (no namespace has id 0). */
static inline uint64_t parse_ns_link(const char *path)
{
    char buf[128];
    ssize_t n = readlink(path, buf, sizeof buf - 1);
    if (n < 0)
        return 0;
    buf[n] = '\0';
    char *open = strchr(buf, '[');
    return open ? strtoull(open + 1, NULL, 10) : 0;
}

/* readlink /proc/PID/ns/NAME; pid 0 means the calling thread. */
static inline uint64_t ns_id_of(pid_t pid, const char *name)
{
    char path[320];
    if (pid == 0)
        snprintf(path, sizeof path, "/proc/thread-self/ns/%s", name);
    else
        snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)pid, name);
    return parse_ns_link(path);
}

/* The namespace id of an open descriptor, from readlink /proc/self/fd/N. */
static inline uint64_t fd_ns_id(int fd)
{
    char path[320];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    return parse_ns_link(path);
}

/* ns_id() of fd, 0 if it fails. */
static inline uint64_t lib_ns_id(int fd)
{
    uint64_t id = 0;
    if (ns_id(fd, &id) < 0)
        return 0;
    return id;
}

static inline int open_ns_file(pid_t pid, const char *name)
{
    char path[320];
    if (pid == 0)
        snprintf(path, sizeof path, "/proc/thread-self/ns/%s", name);
    else
        snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)pid, name);
    return open(path, O_RDONLY | O_CLOEXEC);
}

/* Reads a whole (small) file, NUL-terminated; returns its length or -1. */
static inline ssize_t read_file(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
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
    close(fd);
    return (ssize_t)len;
}

static inline int write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, text, strlen(text));
    close(fd);
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

static inline void hostname_now(char *buf, size_t size)
{
    struct utsname u;
    uname(&u);
    snprintf(buf, size, "%s", u.nodename);
}

static inline int pidfd_open_(pid_t pid)
{
    return (int)syscall(SYS_pidfd_open, pid, 0);
}

static inline int fd_cloexec(int fd)
{
    int flags = fcntl(fd, F_GETFD);
    return flags >= 0 && (flags & FD_CLOEXEC);
}

static inline pid_t wait_child(pid_t pid, int *status)
{
    pid_t r;
    while ((r = waitpid(pid, status, 0)) < 0 && errno == EINTR)
        ;
    return r;
}

/* The pid of a child that has exited and been reaped (so no such process). */
static inline pid_t reaped_pid(void)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    int st;
    wait_child(pid, &st);
    return pid;
}

/* A pid no process or thread has right now, from the top of pid_max down. */
static inline pid_t unused_pid(void)
{
    char buf[32];
    long max = 32768;
    if (read_file("/proc/sys/kernel/pid_max", buf, sizeof buf) > 0)
        max = strtol(buf, NULL, 10);
    for (long p = max - 1; p > 300; p--) {
        char path[320];
        snprintf(path, sizeof path, "/proc/%ld", p);
        if (access(path, F_OK) != 0 && kill((pid_t)p, 0) < 0 && errno == ESRCH)
            return (pid_t)p;
    }
    return 0;
}

/* True when the calling process is in the initial user namespace. */
static inline bool in_initial_userns(void)
{
    char buf[128];
    unsigned a, b, c;
    if (read_file("/proc/self/uid_map", buf, sizeof buf) <= 0)
        return false;
    return sscanf(buf, "%u %u %u", &a, &b, &c) == 3 && a == 0 && b == 0 &&
           c == 4294967295u;
}

/* Parses /proc/PID/{uid,gid}_map text into triples; returns the count. */
static inline size_t parse_idmap(const char *text, struct ns_idmap *out, size_t max)
{
    size_t n = 0;
    const char *p = text;
    while (n < max) {
        unsigned long a, b, c;
        int used = 0;
        if (sscanf(p, " %lu %lu %lu%n", &a, &b, &c, &used) != 3)
            break;
        out[n].inside = (uint32_t)a;
        out[n].outside = (uint32_t)b;
        out[n].count = (uint32_t)c;
        n++;
        p += used;
    }
    return n;
}

static inline int idmap_cmp(const void *a, const void *b)
{
    const struct ns_idmap *x = a, *y = b;
    return x->inside < y->inside ? -1 : x->inside > y->inside;
}

/* True when /proc/PID/FILE (uid_map or gid_map) holds exactly `map`. */
static inline bool idmap_equals(pid_t pid, const char *file,
                                const struct ns_idmap *map, size_t count)
{
    static char text[16384]; /* 340 lines of 33 bytes */
    static struct ns_idmap got[400], want[400];
    char path[320];
    snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
    if (read_file(path, text, sizeof text) < 0 || count > 400)
        return false;
    size_t n = parse_idmap(text, got, 400);
    if (n != count) {
        fprintf(stderr, "    %s has %zu ranges, expected %zu:\n%s", path, n,
                count, text);
        return false;
    }
    memcpy(want, map, count * sizeof *map);
    qsort(got, n, sizeof *got, idmap_cmp);
    qsort(want, n, sizeof *want, idmap_cmp);
    if (memcmp(got, want, n * sizeof *got) != 0) {
        fprintf(stderr, "    %s differs from the map written:\n%s", path, text);
        return false;
    }
    return true;
}

/* True when /proc/PID/FILE is empty (no map written yet). */
static inline bool idmap_empty(pid_t pid, const char *file)
{
    char path[64], text[256];
    snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
    return read_file(path, text, sizeof text) == 0;
}

/* "allow" or "deny" from /proc/PID/setgroups, newline stripped. */
static inline void setgroups_of(pid_t pid, char *buf, size_t size)
{
    char path[320];
    snprintf(path, sizeof path, "/proc/%d/setgroups", (int)pid);
    if (read_file(path, buf, size) < 0)
        snprintf(buf, size, "(unreadable)");
    buf[strcspn(buf, "\n")] = '\0';
}

#endif /* LINUXNS_CHECK_PROC_H */
