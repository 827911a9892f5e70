/*
 * check_stress.h - helpers for the soak and concurrency tests: the no-op
 * program to spawn, the process's VmRSS, its zombie children, a monotonic
 * clock, a thread's own namespace ids, and a tally of a loop's failures.
 */
#ifndef LINUXNS_CHECK_STRESS_H
#define LINUXNS_CHECK_STRESS_H

#include "check_spawn.h"
#include <time.h>

/*
 * LINUXNS_NOOP is a static program without libc that only calls
 * exit_group(0) (bench/noop.S, built by tests/CMakeLists.txt where it can
 * be); otherwise, or if it is missing, /bin/true.
 */
static inline const char *noop_program(void)
{
#ifdef LINUXNS_NOOP
    if (access(LINUXNS_NOOP, X_OK) == 0)
        return LINUXNS_NOOP;
#endif
    return "/bin/true";
}

static inline double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* VmRSS of the calling process in kB, from /proc/self/status; -1 if unknown. */
static inline long vmrss_kb(void)
{
    char text[4096], line[64];
    if (read_file("/proc/self/status", text, sizeof text) <= 0 ||
        !out_line(text, "VmRSS:", line, sizeof line))
        return -1;
    return strtol(line, NULL, 10);
}

/* Our children in state Z (exited, not reaped), from /proc/PID/stat. */
static inline int zombie_children(void)
{
    DIR *d = opendir("/proc");
    if (!d)
        return -1;
    int n = 0;
    pid_t self = getpid();
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
        if (rp && sscanf(rp + 1, " %c %d", &state, &ppid) == 2 && ppid == self &&
            state == 'Z')
            n++;
    }
    closedir(d);
    return n;
}

/* True when waitpid(-1, WNOHANG) says there is no child at all. */
static inline bool no_children_left(void)
{
    errno = 0;
    return waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD;
}

/* Every namespace id of the calling thread, read without the library. */
struct ns_ids {
    uint64_t id[N_KINDS];
};

static inline void thread_ns_ids(struct ns_ids *o)
{
    for (size_t i = 0; i < N_KINDS; i++)
        o->id[i] = ns_id_of(0, NS_KINDS[i].name);
}

/* The first type whose id differs, or NULL when all are equal. */
static inline const char *ns_ids_differ(const struct ns_ids *a, const struct ns_ids *b)
{
    for (size_t i = 0; i < N_KINDS; i++)
        if (a->id[i] != b->id[i])
            return NS_KINDS[i].name;
    return NULL;
}

/*
 * The failures of a long loop, which goes on after one: how many, and the
 * first one's account.
 */
struct tally {
    long failed;
    char first[512];
};

__attribute__((format(printf, 3, 4), unused))
static void tally_note(struct tally *t, long i, const char *fmt, ...)
{
    if (t->failed++ == 0) {
        va_list ap;
        int n = snprintf(t->first, sizeof t->first, "iteration %ld: ", i);
        va_start(ap, fmt);
        vsnprintf(t->first + n, sizeof t->first - (size_t)n, fmt, ap);
        va_end(ap);
    }
}

#endif /* LINUXNS_CHECK_STRESS_H */
