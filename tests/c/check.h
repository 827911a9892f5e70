/*
 * check.h - a tiny header-only test harness for the linuxns C tests.
 *
 * Every case is a `static void test_xxx(void)` run by RUN(test_xxx) in a
 * forked child, so namespace changes never leak into the runner or into the
 * next case.  The child counts its open descriptors before and after the
 * case (a difference is an "fd leak" failure) and dies after 30 seconds.
 * Its exit status says pass (0), skip (77) or failure (anything else).
 *
 * main() ends with `return check_summary();`: exit 0 if every executed case
 * passed and at least one executed, 77 if every case was skipped, 1 on any
 * failure.  The runner itself never calls an ns_* function, so each case
 * starts with an empty ns_last_error().
 *
 * check_proc.h and check_holder.h (included at the end) hold the helpers
 * that read what the kernel shows and start helper processes and threads.
 */
#ifndef LINUXNS_CHECK_H
#define LINUXNS_CHECK_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linuxns.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

#define SKIP_CODE 77
#define CASE_TIMEOUT 30

/* ---- failure reporting (child side) ----------------------------------- */

static int check_failures; /* failed checks in the current case (child) */

__attribute__((format(printf, 3, 4), unused))
static void check_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "  %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    check_failures++;
}

/* Leave the case now: used by REQUIRE and SKIP. */
static inline void check_exit(int code)
{
    fflush(stdout);
    fflush(stderr);
    _exit(code);
}

/* CHECK: record a failure and go on. */
#define CHECK(cond)                                                        \
    do {                                                                   \
        if (!(cond))                                                       \
            check_fail(__FILE__, __LINE__, "CHECK(%s) failed", #cond);     \
    } while (0)

/* CHECK with a printf-style explanation. */
#define CHECKF(cond, ...)                                                  \
    do {                                                                   \
        if (!(cond)) {                                                     \
            check_fail(__FILE__, __LINE__, "CHECK(%s) failed", #cond);     \
            fprintf(stderr, "    ");                                       \
            fprintf(stderr, __VA_ARGS__);                                  \
            fputc('\n', stderr);                                           \
        }                                                                  \
    } while (0)

/* REQUIRE: record a failure and end the case (nothing after it makes sense). */
#define REQUIRE(cond)                                                      \
    do {                                                                   \
        if (!(cond)) {                                                     \
            check_fail(__FILE__, __LINE__, "REQUIRE(%s) failed", #cond);   \
            check_exit(1);                                                 \
        }                                                                  \
    } while (0)

#define CHECK_EQ_U64(a, b)                                                 \
    do {                                                                   \
        uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);                   \
        if (a_ != b_)                                                      \
            check_fail(__FILE__, __LINE__, "%s == %s failed: %" PRIu64     \
                       " != %" PRIu64, #a, #b, a_, b_);                    \
    } while (0)

#define CHECK_STREQ(a, b)                                                  \
    do {                                                                   \
        const char *a_ = (a), *b_ = (b);                                   \
        if (!a_ || !b_ || strcmp(a_, b_) != 0)                             \
            check_fail(__FILE__, __LINE__, "%s == %s failed: \"%s\" != \"%s\"",\
                       #a, #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)");    \
    } while (0)

/*
 * CHECK_ERR(call, E): the call returns exactly -E, errno is E afterwards and
 * ns_last_error() is a non-empty string.  Evaluates to nothing.
 */
#define CHECK_ERR(call, E)                                                 \
    do {                                                                   \
        errno = 0;                                                         \
        long long r_ = (long long)(call);                                  \
        int e_ = errno;                                                    \
        const char *le_ = ns_last_error();                                 \
        if (r_ != -(long long)(E) || e_ != (E) || !le_ || !*le_)           \
            check_fail(__FILE__, __LINE__,                                 \
                       "%s: expected -%s (%d), got %lld, errno %d (%s), "  \
                       "ns_last_error \"%s\"", #call, #E, (E), r_, e_,     \
                       strerror(e_), le_ ? le_ : "(null)");                \
    } while (0)

/*
 * CHECK_OK(call): the call returns >= 0; its value is the macro's value.
 * REQUIRE_OK does the same and ends the case on failure.
 */
#define CHECK_OK_(call, fatal)                                             \
    __extension__({                                                        \
        errno = 0;                                                         \
        long long r_ = (long long)(call);                                  \
        if (r_ < 0) {                                                      \
            int e_ = errno;                                                \
            const char *le_ = ns_last_error();                             \
            check_fail(__FILE__, __LINE__,                                 \
                       "%s failed: %lld (%s), errno %d, ns_last_error \"%s\"",\
                       #call, r_, strerror((int)-r_), e_,                  \
                       le_ ? le_ : "(null)");                              \
            if (fatal)                                                     \
                check_exit(1);                                             \
        }                                                                  \
        r_;                                                                \
    })
#define CHECK_OK(call) CHECK_OK_(call, 0)
#define REQUIRE_OK(call) CHECK_OK_(call, 1)

/* Like REQUIRE_OK for plain libc calls that return -1 and set errno. */
#define SYS_OK(call)                                                       \
    __extension__({                                                        \
        long long r_ = (long long)(call);                                  \
        if (r_ < 0) {                                                      \
            check_fail(__FILE__, __LINE__, "%s failed: %s", #call,         \
                       strerror(errno));                                   \
            check_exit(1);                                                 \
        }                                                                  \
        r_;                                                                \
    })

#define SKIP(...)                                                          \
    do {                                                                   \
        fprintf(stderr, "  skip: ");                                       \
        fprintf(stderr, __VA_ARGS__);                                      \
        fputc('\n', stderr);                                               \
        check_exit(SKIP_CODE);                                             \
    } while (0)

#define SKIP_UNLESS_ROOT()                                                 \
    do {                                                                   \
        if (geteuid() != 0)                                                \
            SKIP("needs root");                                            \
    } while (0)

/* ---- the runner ------------------------------------------------------- */

#define MAX_FDS 1024

/* Marks open descriptors in `open` (may be NULL); returns their count. */
static inline int count_fds(bool open[MAX_FDS])
{
    DIR *d = opendir("/proc/self/fd");
    if (!d) {
        fprintf(stderr, "  opendir /proc/self/fd: %s\n", strerror(errno));
        return -1;
    }
    int n = 0, self = dirfd(d);
    if (open)
        memset(open, 0, MAX_FDS * sizeof(bool));
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        int fd = atoi(e->d_name);
        if (fd == self)
            continue;
        n++;
        if (open && fd >= 0 && fd < MAX_FDS)
            open[fd] = true;
    }
    closedir(d);
    return n;
}

static inline void report_new_fds(const bool before[MAX_FDS], const bool after[MAX_FDS])
{
    for (int fd = 0; fd < MAX_FDS; fd++) {
        if (after[fd] && !before[fd]) {
            char path[64], target[256];
            snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
            ssize_t n = readlink(path, target, sizeof target - 1);
            target[n > 0 ? n : 0] = '\0';
            fprintf(stderr, "    leaked fd %d -> %s\n", fd, target);
        }
    }
}

static int check_passed, check_failed, check_skipped;
static const char *check_failed_names[256];

static inline void run_case(const char *name, void (*fn)(void))
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        exit(1);
    }
    if (pid == 0) {
        static bool before[MAX_FDS], after[MAX_FDS];
        alarm(CASE_TIMEOUT);
        int n_before = count_fds(before);
        fn();
        int n_after = count_fds(after);
        if (check_failures)
            check_exit(1);
        if (n_before < 0 || n_after != n_before) {
            fprintf(stderr, "  %s: fd leak: %d descriptors before, %d after\n",
                    name, n_before, n_after);
            report_new_fds(before, after);
            check_exit(1);
        }
        check_exit(0);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            perror("waitpid");
            exit(1);
        }
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        check_passed++;
        printf("ok   %s\n", name);
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == SKIP_CODE) {
        check_skipped++;
        printf("skip %s\n", name);
    } else {
        if (check_failed < 256)
            check_failed_names[check_failed] = name;
        check_failed++;
        if (WIFSIGNALED(status))
            printf("FAIL %s (killed by signal %d%s)\n", name, WTERMSIG(status),
                   WTERMSIG(status) == SIGALRM ? ": timeout" : "");
        else
            printf("FAIL %s\n", name);
    }
    fflush(stdout);
}

#define RUN(fn) run_case(#fn, fn)

static inline int check_summary(void)
{
    printf("%d passed, %d failed, %d skipped\n", check_passed, check_failed,
           check_skipped);
    for (int i = 0; i < check_failed && i < 256; i++)
        printf("FAILED: %s\n", check_failed_names[i]);
    fflush(stdout);
    if (check_failed)
        return 1;
    return check_passed ? 0 : SKIP_CODE;
}

/* The helpers: reading ids, files and maps from /proc; helper processes. */
#include "check_proc.h"
#include "check_holder.h"

#endif /* LINUXNS_CHECK_H */
