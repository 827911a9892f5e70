/*
 * check_bad.h - the table walker of the bad-input tests (test_bad_input_*.c).
 *
 * A group is one RUN case, so it runs in a forked child and a crash or a
 * hang is caught.  It sets up its context (bad_begin: a temp dir, bad
 * descriptors, optionally a holder in new namespaces), adds its calls to
 * the table with BAD() and walks it with bad_walk().  A call is a small
 * static function doing one library call (the "lambda"), an argument for
 * it, the set of errnos the header documents for that input, and a label.
 * For every call the walker checks:
 *  - the return is -E for an E of the documented set, errno is E and
 *    ns_last_error() is non-empty (pointer returns: NULL with errno E);
 *    SUCCEEDS instead means a return >= 0 (a step, or a NULL that is fine);
 *  - the call left no descriptor open;
 *  - it changed nothing: the calling thread's namespaces (the eight and
 *    pid_for_children / time_for_children), the mount table (line count
 *    and content), the listing of /run, /run/netns, the temp dir and its
 *    subdirectory, hostname, the max_*_namespaces limits, credentials,
 *    signal mask and dispositions, threads, children, cwd and root, and
 *    the files the group watches (a holder's uid_map, gid_map, setgroups,
 *    timens_offsets).
 * The same state is also compared around the whole group.
 *
 * Each group runs in a private mount namespace with a fresh tmpfs on /run
 * (and on /var/run if that is not /run), so a misbehaving call cannot leave
 * a mount or a netns file on the host and concurrent tests cannot disturb
 * the comparison; /run/netns does not exist there, so a call that creates
 * it is caught.
 *
 * A crash or a hang inside a call is reported with the call's label, and
 * the group runs again from the next call, so one crash hides nothing.
 * main() ends with `return bad_summary();`: the harness's summary, then
 * "bad-input calls tried: N".
 */
#ifndef LINUXNS_CHECK_BAD_H
#define LINUXNS_CHECK_BAD_H

#include "check.h"
#include <limits.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <time.h>

#define BAD_MAX_CALLS 2048
#define BAD_LABEL 200
#define BAD_SNAP 32768
#define BAD_CALL_TIMEOUT 30

typedef long long (*bad_fn)(long long arg);

struct bad_call {
    bad_fn fn;
    long long arg;
    int errs[6];             /* documented errnos, 0-terminated; {0}: success */
    int keeps;               /* descriptors a success documentedly keeps */
    char label[BAD_LABEL];
};

/* The documented errnos of a call; SUCCEEDS: it must return >= 0. */
#define ERRS(...) ((const int[]){__VA_ARGS__, 0})
#define SUCCEEDS ((const int[]){0})

static struct bad_call bad_calls[BAD_MAX_CALLS];
static size_t bad_ncalls;

/* Shared between the runner and the group children (MAP_SHARED). */
static struct bad_shared {
    unsigned long tried;
    int in_call;
    size_t cur, resume;
    char current[BAD_LABEL];
    char tmp[128]; /* the running group's temp dir, removed after a crash */
} *bad_sh;

__attribute__((format(printf, 4, 5), unused))
static void bad_add(bad_fn fn, long long arg, const int *errs, const char *fmt, ...)
{
    if (bad_ncalls >= BAD_MAX_CALLS) {
        check_fail(__FILE__, __LINE__, "too many calls in one group");
        check_exit(1);
    }
    struct bad_call *c = &bad_calls[bad_ncalls++];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->label, sizeof c->label, fmt, ap);
    va_end(ap);
    c->fn = fn;
    c->arg = arg;
    c->keeps = 0;
    size_t i = 0;
    for (; errs[i] && i + 1 < sizeof c->errs / sizeof c->errs[0]; i++)
        c->errs[i] = errs[i];
    c->errs[i] = 0;
}
#define BAD(fn, arg, errs, ...) bad_add((fn), (long long)(arg), (errs), __VA_ARGS__)
/* BAD for a call whose success keeps one descriptor (an attribute's copy). */
#define BAD_KEEP(fn, arg, errs, ...)                                        \
    do {                                                                   \
        BAD(fn, arg, errs, __VA_ARGS__);                                   \
        bad_calls[bad_ncalls - 1].keeps = 1;                               \
    } while (0)

/* Bits of a flags or types argument: every b in 0..31 with 1<<b outside `doc`. */
#define FOR_BITS_OUTSIDE(b, doc)                                           \
    for (int b = 0; b < 32; b++)                                           \
        if (!((unsigned)(doc) & (1u << b)))
#define BIT(b) ((int)(1u << (b)))

/* Lambda helpers: keep errno across the clean-up after the call. */
static inline long long bad_close_ret(long long r)
{
    int e = errno;
    if (r >= 0)
        close((int)r);
    errno = e;
    return r;
}

static inline long long bad_reap_ret(long long pid, int *pidfd)
{
    int e = errno;
    if (pid > 0) {
        int st;
        wait_child((pid_t)pid, &st);
    }
    if (pid > 0 && pidfd && *pidfd >= 0)
        close(*pidfd);
    errno = e;
    return pid;
}

/* A pointer return as the walker wants it: 1, or -errno for NULL. */
static inline long long bad_ptr_ret(const void *p)
{
    return p ? 1 : -(long long)errno;
}

/* On a failure, an out parameter must still hold what the caller put there. */
static inline void bad_untouched(bool untouched, const char *what)
{
    int e = errno;
    if (!untouched)
        check_fail(__FILE__, __LINE__, "out parameter %s written by a failed call",
                   what);
    errno = e;
}

#include "check_bad_ctx.h"

#include "check_bad_snap.h"

/* ---- the walk ---------------------------------------------------------- */

static inline const char *bad_errname(int e)
{
    const char *n = e > 0 ? strerrorname_np(e) : NULL;
    static char buf[32];
    if (n)
        return n;
    snprintf(buf, sizeof buf, "%d", e);
    return buf;
}

static void bad_expected_text(const int *errs, char *out, size_t size)
{
    size_t len = 0;
    out[0] = '\0';
    if (!errs[0])
        snprintf(out, size, "success (>= 0)");
    for (int i = 0; errs[i] && len < size; i++)
        len += (size_t)snprintf(out + len, size - len, "%s-%s", i ? " or " : "",
                                bad_errname(errs[i]));
}

/*
 * The shape of every error text: "function: what failed: reason (hint)".
 * The function's name (from the label) comes first, once; no
 * Rust "(os error N)"; the reason (strerror) is not repeated by a hint.
 */
static void bad_check_shape(const struct bad_call *c, int e, const char *le)
{
    char fname[64];
    const char *start = strstr(c->label, "ns_"); /* labels may begin "as 65534: " */
    if (!start)
        return;
    size_t k = strcspn(start, "(");
    snprintf(fname, sizeof fname, "%.*s", (int)(k < sizeof fname ? k : sizeof fname - 1),
             start);
    size_t fl = strlen(fname);
    if (strncmp(le, fname, fl) != 0 || strncmp(le + fl, ": ", 2) != 0)
        check_fail(__FILE__, __LINE__, "%s: ns_last_error does not start with \"%s: \": "
                   "\"%s\"", c->label, fname, le);
    else if (strstr(le + fl + 2, fname) == le + fl + 2)
        check_fail(__FILE__, __LINE__, "%s: the function is named twice: \"%s\"",
                   c->label, le);
    if (strstr(le, "(os error"))
        check_fail(__FILE__, __LINE__, "%s: a Rust error text: \"%s\"", c->label, le);
    const char *reason = strerror(e);
    const char *first = strcasestr(le, reason);
    if (first && strcasestr(first + strlen(reason), reason))
        check_fail(__FILE__, __LINE__, "%s: \"%s\" twice: \"%s\"", c->label, reason, le);
}

static void bad_check_one(const struct bad_call *c, long long r, int e,
                          const char *le)
{
    if (c->errs[0] && r < 0 && le && *le)
        bad_check_shape(c, e, le);
    bool ok;
    if (!c->errs[0]) {
        ok = r >= 0;
    } else {
        ok = false;
        for (int i = 0; c->errs[i]; i++)
            if (r == -(long long)c->errs[i])
                ok = true;
        ok = ok && e == -r && le && *le;
    }
    if (ok)
        return;
    char want[128];
    bad_expected_text(c->errs, want, sizeof want);
    /* A long account (a helper's command line) shown by its two ends. */
    size_t n = le ? strlen(le) : 0;
    check_fail(__FILE__, __LINE__, "%s: expected %s, got %lld%s%s, errno %s, "
               "ns_last_error \"%.*s%s%s\"", c->label, want, r, r < 0 ? " -" : "",
               r < 0 ? bad_errname((int)-r) : "", bad_errname(e),
               n > 600 ? 200 : (int)n, le ? le : "(null)", n > 600 ? " ... " : "",
               n > 600 ? le + n - 300 : "");
}

/* Walks bad_calls[] (from the call after a crash, when resumed). */
static inline void bad_walk(void)
{
    static char g0[BAD_SNAP], g1[BAD_SNAP], s0[BAD_SNAP], s1[BAD_SNAP];
    static char le[65536];
    snap_take(g0);
    for (size_t i = bad_sh->resume; i < bad_ncalls; i++) {
        const struct bad_call *c = &bad_calls[i];
        int failures = check_failures;
        snap_take(s0);
        int fds0 = count_fds(NULL);
        bad_sh->cur = i;
        snprintf(bad_sh->current, sizeof bad_sh->current, "%s", c->label);
        bad_sh->in_call = 1;
        bad_sh->tried++;
        alarm(BAD_CALL_TIMEOUT);
        errno = 0;
        long long r = c->fn(c->arg);
        int e = errno;
        const char *l = ns_last_error();
        snprintf(le, sizeof le, "%s", l ? l : "(null)");
        bad_sh->in_call = 0;
        bad_check_one(c, r, e, l ? le : NULL);
        int fds1 = count_fds(NULL), keeps = r >= 0 ? c->keeps : 0;
        if (fds1 != fds0 + keeps)
            check_fail(__FILE__, __LINE__, "%s: %d descriptors before, %d after%s",
                       c->label, fds0, fds1, keeps ? " (1 kept by the attribute)" : "");
        snap_take(s1);
        if (strcmp(s0, s1) != 0) {
            check_fail(__FILE__, __LINE__, "%s: changed something", c->label);
            snap_diff(c->label, s0, s1);
        }
        if (check_failures != failures)
            fprintf(stderr, "    (in call #%zu: %s)\n", i, c->label);
    }
    alarm(CASE_TIMEOUT);
    snap_take(g1);
    if (strcmp(g0, g1) != 0) {
        check_fail(__FILE__, __LINE__, "the group changed something");
        snap_diff("the group", g0, g1);
    }
}

/* ---- the runner -------------------------------------------------------- */

static inline void bad_init(void)
{
    void *p = mmap(NULL, sizeof *bad_sh, PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("mmap");
        exit(1);
    }
    bad_sh = p;
}

/* RUN(group), and after a crash or hang in a call, again from the next. */
static inline void bad_run(const char *name, void (*fn)(void))
{
    if (!bad_sh)
        bad_init();
    bad_sh->resume = 0;
    for (int round = 0; round < 64; round++) {
        bad_sh->in_call = 0;
        bad_sh->tmp[0] = '\0';
        run_case(name, fn);
        if (bad_sh->tmp[0]) /* the group died before bad_end */
            bad_rm_tree(bad_sh->tmp);
        if (!bad_sh->in_call)
            return;
        printf("  CRASH or HANG in %s, call #%zu: %s\n", name, bad_sh->cur,
               bad_sh->current);
        fflush(stdout);
        bad_sh->resume = bad_sh->cur + 1;
        char *again = malloc(strlen(name) + 64);
        if (!again)
            return;
        sprintf(again, "%s (from call #%zu)", name, bad_sh->resume);
        name = again; /* kept for check_summary's list */
    }
}
#define BAD_RUN(fn) bad_run(#fn, fn)

static inline int bad_summary(void)
{
    int rc = check_summary();
    printf("bad-input calls tried: %lu\n", bad_sh ? bad_sh->tried : 0UL);
    fflush(stdout);
    return rc;
}

#endif /* LINUXNS_CHECK_BAD_H */
