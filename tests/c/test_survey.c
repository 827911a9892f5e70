/* ns_list against lsns(8): the same namespaces, types, process counts and
 * lowest pids; order, early stop, type filter, errors. */
#include "check.h"
#include <sys/mount.h>

/* ---- what ns_list reports ---------------------------------------------- */

struct list_buf {
    struct ns_info *v;
    size_t n, cap;
    int calls, stop_after; /* stop_after > 0: return 1 on that call */
};

static int collect(const struct ns_info *info, void *arg)
{
    struct list_buf *b = arg;
    b->calls++;
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 256;
        b->v = realloc(b->v, b->cap * sizeof *b->v);
        if (!b->v)
            abort();
    }
    b->v[b->n++] = *info;
    return b->stop_after > 0 && b->calls >= b->stop_after;
}

static const struct ns_info *find_info(const struct list_buf *b, int type, uint64_t id)
{
    for (size_t i = 0; i < b->n; i++)
        if (b->v[i].type == type && b->v[i].id == id)
            return &b->v[i];
    return NULL;
}

static int type_of_name(const char *name)
{
    for (size_t i = 0; i < N_KINDS; i++)
        if (strcmp(NS_KINDS[i].name, name) == 0)
            return NS_KINDS[i].type;
    return 0;
}

/* ---- what lsns reports --------------------------------------------------- */

struct lsns_row {
    uint64_t id;
    char type[16];
    unsigned nprocs;
    int pid; /* 0 when lsns prints none */
};

struct lsns_out {
    struct lsns_row rows[2048];
    size_t n;
    pid_t lsns_pid; /* lsns itself was a process in our namespaces */
};

/* Runs `lsns -r -n -o NS,TYPE,NPROCS,PID` (as the caller's credentials) and
 * parses it; returns false if lsns could not be run. */
static bool run_lsns(struct lsns_out *o)
{
    static char text[1 << 18];
    int p[2];
    SYS_OK(pipe2(p, O_CLOEXEC));
    fflush(stdout);
    fflush(stderr);
    pid_t pid = SYS_OK(fork());
    if (pid == 0) {
        dup2(p[1], 1);
        execlp("lsns", "lsns", "-r", "-n", "-o", "NS,TYPE,NPROCS,PID", (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    size_t len = 0;
    ssize_t n;
    while ((n = read(p[0], text + len, sizeof text - 1 - len)) > 0 ||
           (n < 0 && errno == EINTR))
        if (n > 0)
            len += (size_t)n;
    text[len] = '\0';
    close(p[0]);
    int st;
    wait_child(pid, &st);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return false;
    o->n = 0;
    o->lsns_pid = pid;
    for (char *line = strtok(text, "\n"); line && o->n < 2048; line = strtok(NULL, "\n")) {
        struct lsns_row *r = &o->rows[o->n];
        r->pid = 0;
        if (sscanf(line, "%" SCNu64 " %15s %u %d", &r->id, r->type, &r->nprocs, &r->pid) >= 3)
            o->n++;
    }
    return o->n > 0;
}

/* The namespace ids of the caller, which lsns (its child) shared. */
struct own_ids {
    uint64_t id[N_KINDS];
};

static void own_ids(struct own_ids *o)
{
    for (size_t i = 0; i < N_KINDS; i++)
        o->id[i] = ns_id_of(getpid(), NS_KINDS[i].name);
}

static bool is_own(const struct own_ids *o, int type, uint64_t id)
{
    for (size_t i = 0; i < N_KINDS; i++)
        if (NS_KINDS[i].type == type)
            return o->id[i] == id;
    return false;
}

/*
 * Compares one lsns snapshot with one ns_list snapshot taken right after
 * lsns exited.  lsns counted itself in the caller's namespaces; ns_list
 * could not.  Returns the number of differences (printed when `verbose`).
 */
static int compare(const struct lsns_out *ls, const struct list_buf *b,
                   const struct own_ids *own, bool verbose)
{
    int bad = 0;
    for (size_t i = 0; i < ls->n; i++) {
        const struct lsns_row *r = &ls->rows[i];
        int type = type_of_name(r->type);
        const struct ns_info *info = type ? find_info(b, type, r->id) : NULL;
        if (!info) {
            if (verbose)
                fprintf(stderr, "    lsns: %s:[%" PRIu64 "] nprocs %u pid %d: not "
                        "reported by ns_list\n", r->type, r->id, r->nprocs, r->pid);
            bad++;
            continue;
        }
        const char *name = ns_type_name(info->type);
        unsigned want_n = info->nprocs;
        int want_pid = info->pid;
        if (is_own(own, type, r->id)) {
            want_n++;
            if (want_pid == 0 || ls->lsns_pid < want_pid)
                want_pid = ls->lsns_pid;
        }
        if (!name || strcmp(name, r->type) != 0 || r->nprocs != want_n ||
            r->pid != want_pid) {
            if (verbose)
                fprintf(stderr, "    %s:[%" PRIu64 "]: lsns nprocs %u pid %d; ns_list "
                        "type \"%s\" nprocs %u pid %d (lsns was pid %d)\n", r->type,
                        r->id, r->nprocs, r->pid, name ? name : "(null)", info->nprocs,
                        info->pid, (int)ls->lsns_pid);
            bad++;
        }
    }
    /* The other way: lsns 2.38 leaves out namespaces without processes. */
    for (size_t j = 0; j < b->n; j++) {
        const struct ns_info *info = &b->v[j];
        if (info->nprocs == 0)
            continue;
        bool seen = false;
        for (size_t i = 0; i < ls->n && !seen; i++)
            seen = ls->rows[i].id == info->id &&
                   type_of_name(ls->rows[i].type) == info->type;
        if (!seen) {
            if (verbose)
                fprintf(stderr, "    ns_list: %s:[%" PRIu64 "] nprocs %u pid %d: not "
                        "in lsns\n", ns_type_name(info->type), info->id, info->nprocs,
                        info->pid);
            bad++;
        }
    }
    return bad;
}

/*
 * Every process's namespace links, read straight from /proc: taken before
 * lsns and after ns_list, two equal snapshots mean no process came, went or
 * moved in between (lsns itself aside), so any difference is a real one.
 */
struct snap {
    size_t n;
    int pid[4096];
    uint64_t id[4096][N_KINDS];
};

static void take_snap(struct snap *s)
{
    s->n = 0;
    DIR *d = opendir("/proc");
    REQUIRE(d != NULL);
    struct dirent *e;
    while ((e = readdir(d)) != NULL && s->n < 4096) {
        int pid = atoi(e->d_name);
        if (pid <= 0)
            continue;
        s->pid[s->n] = pid;
        for (size_t i = 0; i < N_KINDS; i++)
            s->id[s->n][i] = ns_id_of(pid, NS_KINDS[i].name);
        s->n++;
    }
    closedir(d);
}

static bool same_snap(const struct snap *a, const struct snap *b)
{
    return a->n == b->n && memcmp(a->pid, b->pid, a->n * sizeof a->pid[0]) == 0 &&
           memcmp(a->id, b->id, a->n * sizeof a->id[0]) == 0;
}

/* The last pid the kernel handed out in our pid namespace (threads too). */
static long last_pid(void)
{
    char buf[32];
    return read_file("/proc/sys/kernel/ns_last_pid", buf, sizeof buf) > 0
               ? strtol(buf, NULL, 10) : -1;
}

#define ATTEMPTS 50
/* lsns's process and ns_list's helper threads (it may use up to 4). */
#define OWN_NEW_TASKS 5

/*
 * lsns and ns_list agree.  Differences in two windows in which no process
 * came, went or changed namespaces fail; those of busy windows are retried.
 * Returns false (inconclusive) if every window was busy.
 */
static bool check_against_lsns(struct list_buf *b)
{
    static struct lsns_out ls;
    static struct snap before, after;
    struct own_ids own;
    own_ids(&own);
    int quiet_diffs = 0;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
        long pid_before = last_pid();
        take_snap(&before);
        if (!run_lsns(&ls))
            SKIP("lsns (util-linux) not runnable");
        b->n = 0;
        b->calls = 0;
        int n = CHECK_OK(ns_list(0, collect, b));
        CHECK(n == b->calls && (size_t)n == b->n);
        take_snap(&after);
        long new_tasks = last_pid() - pid_before;
        if (compare(&ls, b, &own, false) == 0)
            return true;
        /* Quiet: no process came, went or moved, and none can have lived
         * and died in between (no more pids were handed out than ours). */
        bool quiet = same_snap(&before, &after) && pid_before > 0 &&
                     new_tasks >= 1 && new_tasks <= OWN_NEW_TASKS;
        if (quiet && ++quiet_diffs == 2) {
            check_fail(__FILE__, __LINE__, "lsns and ns_list differ in two "
                       "windows in which no process came, went or moved (attempt "
                       "%d); the last:", attempt);
            compare(&ls, b, &own, true);
            return true;
        }
    }
    fprintf(stderr, "  note: processes came and went in all %d windows; "
            "the last differences:\n", ATTEMPTS);
    compare(&ls, b, &own, true);
    return false;
}

/* ---- helper processes that share namespaces ---------------------------- */

/*
 * Like holder_start, but first joins namespaces `join` of process
 * `join_pid` (raw setns on a pidfd), then unshares `fresh`.
 */
static void member_start(struct holder *h, pid_t join_pid, int join, int fresh)
{
    int ready[2], ctl[2];
    SYS_OK(pipe2(ready, O_CLOEXEC));
    SYS_OK(pipe2(ctl, O_CLOEXEC));
    fflush(stdout);
    fflush(stderr);
    pid_t pid = SYS_OK(fork());
    if (pid == 0) {
        char ok = '1', c;
        for (int fd = 3; fd < MAX_FDS; fd++)
            if (fd != ready[1] && fd != ctl[0])
                close(fd);
        if (join) {
            int pfd = pidfd_open_(join_pid);
            if (pfd < 0 || setns(pfd, join) < 0)
                ok = 'j';
            close(pfd);
        }
        if (ok == '1' && fresh && unshare(fresh) < 0)
            ok = 'n';
        if (write(ready[1], &ok, 1) != 1)
            _exit(1);
        while (read(ctl[0], &c, 1) < 0 && errno == EINTR)
            ;
        _exit(0);
    }
    close(ready[1]);
    close(ctl[0]);
    char ok = 0;
    while (read(ready[0], &ok, 1) < 0 && errno == EINTR)
        ;
    close(ready[0]);
    h->pid = pid;
    h->ctl = ctl[1];
    if (ok != '1') {
        check_fail(__FILE__, __LINE__, "member setup failed at '%c'", ok ? ok : '?');
        holder_stop(h);
        check_exit(1);
    }
}

#define NET_UTS_IPC (CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC)
#define N_MEMBERS 10

static void start_members(struct holder m[N_MEMBERS])
{
    /* A with three more, B with two (one of them in a net of its own),
     * C whose net one more joins, D alone. */
    member_start(&m[0], 0, 0, NET_UTS_IPC);                       /* A */
    member_start(&m[1], m[0].pid, NET_UTS_IPC, 0);
    member_start(&m[2], m[0].pid, NET_UTS_IPC, 0);
    member_start(&m[3], m[0].pid, NET_UTS_IPC, 0);
    member_start(&m[4], 0, 0, NET_UTS_IPC);                       /* B */
    member_start(&m[5], m[4].pid, NET_UTS_IPC, 0);
    member_start(&m[6], m[4].pid, CLONE_NEWUTS | CLONE_NEWIPC, CLONE_NEWNET);
    member_start(&m[7], 0, 0, NET_UTS_IPC);                       /* C */
    member_start(&m[8], m[7].pid, CLONE_NEWNET, CLONE_NEWUTS | CLONE_NEWIPC);
    member_start(&m[9], 0, 0, NET_UTS_IPC);                       /* D */
}

/* Every uts/ipc/net namespace of the members (none is ours) is reported by
 * ns_list and lsns with the count and lowest pid the kernel shows. */
static void check_members(const struct holder m[N_MEMBERS], const struct list_buf *b,
                          const struct lsns_out *ls)
{
    static const char *names[] = {"uts", "ipc", "net"};
    for (size_t t = 0; t < 3; t++) {
        int type = type_of_name(names[t]);
        for (int i = 0; i < N_MEMBERS; i++) {
            uint64_t id = ns_id_of(m[i].pid, names[t]);
            REQUIRE(id != 0 && id != ns_id_of(0, names[t]));
            unsigned count = 0;
            int low = 0;
            for (int j = 0; j < N_MEMBERS; j++)
                if (ns_id_of(m[j].pid, names[t]) == id) {
                    count++;
                    if (low == 0 || m[j].pid < low)
                        low = m[j].pid;
                }
            const struct ns_info *info = find_info(b, type, id);
            CHECKF(info && info->nprocs == count && info->pid == low,
                   "ns_list %s:[%" PRIu64 "]: %s nprocs %u pid %d, want %u, %d",
                   names[t], id, info ? "" : "missing", info ? info->nprocs : 0,
                   info ? info->pid : 0, count, low);
            bool found = false;
            for (size_t k = 0; k < ls->n; k++)
                if (ls->rows[k].id == id && strcmp(ls->rows[k].type, names[t]) == 0) {
                    found = true;
                    CHECKF(ls->rows[k].nprocs == count && ls->rows[k].pid == low,
                           "lsns %s:[%" PRIu64 "]: nprocs %u pid %d, want %u, %d",
                           names[t], id, ls->rows[k].nprocs, ls->rows[k].pid, count, low);
                }
            CHECKF(found, "lsns does not show %s:[%" PRIu64 "]", names[t], id);
        }
    }
}

static void test_same_as_lsns(void)
{
    SKIP_UNLESS_ROOT();
    struct holder m[N_MEMBERS];
    start_members(m);

    /* A network namespace kept only by a bind mount (raw mount(2)). */
    char dir[] = "/tmp/lnstest-survey-XXXXXX", path[64];
    REQUIRE(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/net", dir);
    SYS_OK(close(SYS_OK(open(path, O_CREAT | O_RDONLY | O_CLOEXEC, 0444))));
    pid_t pid = SYS_OK(fork());
    if (pid == 0)
        _exit(unshare(CLONE_NEWNET) == 0 &&
                      mount("/proc/self/ns/net", path, NULL, MS_BIND, NULL) == 0
                  ? 0 : 1);
    int st;
    wait_child(pid, &st);
    REQUIRE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    struct stat sb;
    SYS_OK(stat(path, &sb));

    struct list_buf b = {0};
    check_against_lsns(&b); /* inconclusive on a busy system: the members */
    static struct lsns_out ls; /* below are checked regardless */
    REQUIRE(run_lsns(&ls));
    b.n = 0;
    CHECK_OK(ns_list(0, collect, &b));
    check_members(m, &b, &ls);

    const struct ns_info *bound = find_info(&b, NS_NET, (uint64_t)sb.st_ino);
    CHECKF(bound && bound->nprocs == 0 && bound->pid == 0,
           "bind-mounted net:[%" PRIu64 "]: %s nprocs %u pid %d", (uint64_t)sb.st_ino,
           bound ? "" : "missing", bound ? bound->nprocs : 0, bound ? bound->pid : 0);

    free(b.v);
    umount2(path, MNT_DETACH);
    unlink(path);
    rmdir(dir);
    for (int i = N_MEMBERS - 1; i >= 0; i--)
        holder_stop(&m[i]);
}

static void test_same_as_lsns_unprivileged(void)
{
    /* As nobody, both see only what nobody may inspect. */
    if (geteuid() == 0) {
        SYS_OK(setgroups(0, NULL));
        SYS_OK(setresgid(65534, 65534, 65534));
        SYS_OK(setresuid(65534, 65534, 65534));
        SYS_OK(prctl(PR_SET_DUMPABLE, 1));
    }
    struct list_buf b = {0};
    bool conclusive = check_against_lsns(&b);
    CHECK(b.n > 0);
    free(b.v);
    if (!conclusive && !check_failures)
        SKIP("the system was too busy for a conclusive comparison");
}

static void test_includes_own_namespaces(void)
{
    struct list_buf b = {0};
    int n = CHECK_OK(ns_list(0, collect, &b));
    CHECK(n == b.calls && (size_t)n == b.n);
    for (size_t i = 0; i < N_KINDS; i++) {
        uint64_t id = ns_id_of(0, NS_KINDS[i].name);
        const struct ns_info *info = find_info(&b, NS_KINDS[i].type, id);
        CHECKF(info && info->nprocs >= 1 && info->pid > 0,
               "own %s:[%" PRIu64 "] %s", NS_KINDS[i].name, id,
               info ? "has no process" : "not reported");
    }
    free(b.v);
}

static void test_sorted_and_unique(void)
{
    struct list_buf b = {0};
    CHECK_OK(ns_list(0, collect, &b));
    REQUIRE(b.n > 0);
    for (size_t i = 0; i < b.n; i++) {
        CHECKF(ns_type_name(b.v[i].type) != NULL, "entry %zu: type 0x%x", i,
               (unsigned)b.v[i].type);
        if (i == 0)
            continue;
        const struct ns_info *p = &b.v[i - 1], *c = &b.v[i];
        CHECKF(p->type < c->type || (p->type == c->type && p->id < c->id),
               "entry %zu (0x%x, %" PRIu64 ") after (0x%x, %" PRIu64 ")", i,
               (unsigned)c->type, c->id, (unsigned)p->type, p->id);
    }
    free(b.v);
}

static void test_callback_stops_walk(void)
{
    struct list_buf all = {0};
    int total = CHECK_OK(ns_list(0, collect, &all));
    REQUIRE(total >= 8);
    for (int stop = 1; stop <= 3; stop++) {
        struct list_buf b = {.stop_after = stop};
        int n = CHECK_OK(ns_list(0, collect, &b));
        CHECKF(n == stop && b.calls == stop, "stop after %d: returned %d, %d calls",
               stop, n, b.calls);
        free(b.v);
    }
    free(all.v);
}

static void test_type_filter(void)
{
    const int masks[] = {NS_NET, NS_UTS | NS_IPC, NS_USER | NS_PID | NS_TIME, NS_ALL};
    for (size_t m = 0; m < sizeof masks / sizeof masks[0]; m++) {
        struct list_buf b = {0};
        int n = CHECK_OK(ns_list(masks[m], collect, &b));
        CHECK(n == b.calls);
        for (size_t i = 0; i < b.n; i++)
            CHECKF(b.v[i].type & masks[m], "mask 0x%x reported type 0x%x",
                   (unsigned)masks[m], (unsigned)b.v[i].type);
        /* Our own namespace of every type in the mask is there. */
        for (size_t k = 0; k < N_KINDS; k++) {
            if (!(masks[m] & NS_KINDS[k].type))
                continue;
            uint64_t id = ns_id_of(0, NS_KINDS[k].name);
            CHECKF(find_info(&b, NS_KINDS[k].type, id) != NULL,
                   "mask 0x%x: own %s:[%" PRIu64 "] missing", (unsigned)masks[m],
                   NS_KINDS[k].name, id);
        }
        free(b.v);
    }
}

static void test_errors(void)
{
    struct list_buf b = {0};
    CHECK_ERR(ns_list(0, NULL, NULL), EINVAL);
    CHECK_ERR(ns_list(NS_NET, NULL, &b), EINVAL);
    CHECK_ERR(ns_list(0x1, collect, &b), EINVAL);
    CHECK_ERR(ns_list(0x100, collect, &b), EINVAL);
    CHECK_ERR(ns_list(NS_NET | 0x100, collect, &b), EINVAL);
    CHECK_ERR(ns_list(NS_FOR_CHILDREN, collect, &b), EINVAL);
    CHECK_ERR(ns_list((int)0x80000000, collect, &b), EINVAL);
    CHECK_ERR(ns_list(-1, collect, &b), EINVAL);
    CHECKF(b.calls == 0, "the callback ran %d times on errors", b.calls);
    free(b.v);
}

int main(void)
{
    RUN(test_same_as_lsns);
    RUN(test_same_as_lsns_unprivileged);
    RUN(test_includes_own_namespaces);
    RUN(test_sorted_and_unique);
    RUN(test_callback_stops_walk);
    RUN(test_type_filter);
    RUN(test_errors);
    return check_summary();
}
