/*
 * Calls on several threads at once: no descriptor the library makes for one
 * call may reach a child another call creates, whatever the interleaving
 * and whether or not that child ever executes a program.  Two threads of
 * ns_new_userns must not deadlock; a spawn that joins a namespace must not
 * wait for a fork-like child another thread started; long-lived fork-like
 * children hold no pipe, socket, pidfd or namespace of other calls.  The
 * library's own threads (a pool's refill thread, the helper threads of
 * ns_new) block every signal: the caller's signals are never theirs.
 */
#include "check_runtime.h"
#include <stdatomic.h>

/* fn of the long-lived children: async-signal-safe only. */
static int sleep_seconds(void *arg)
{
    struct timespec ts = {*(const int *)arg, 0};
    nanosleep(&ts, NULL);
    return 0;
}

static int return_7(void *arg)
{
    (void)arg;
    return 7;
}

/* Waits for pid; true when it exited with `code`. */
static bool exited_with(pid_t pid, int code)
{
    int st = -1;
    return wait_child(pid, &st) == pid && WIFEXITED(st) && WEXITSTATUS(st) == code;
}

/* ---- a. ns_new_userns on two threads at once --------------------------- */

#define USERNS_CALLS 100

struct userns_worker {
    pthread_t thread;
    int done;
    struct tally t;
};

static void *userns_worker_main(void *arg)
{
    struct userns_worker *w = arg;
    const struct ns_idmap um = {0, geteuid(), 1}, gm = {0, getegid(), 1};
    for (int i = 0; i < USERNS_CALLS; i++) {
        int fd = ns_new_userns(&um, 1, &gm, 1, NS_MAP_DENY_SETGROUPS);
        if (fd < 0) {
            tally_note(&w->t, i, "ns_new_userns: %d (%s)", fd, ns_last_error());
        } else {
            if (ns_type(fd) != NS_USER)
                tally_note(&w->t, i, "fd %d is no user namespace", fd);
            close(fd);
        }
        __atomic_store_n(&w->done, i + 1, __ATOMIC_RELEASE);
    }
    return NULL;
}

static void test_new_userns_two_threads(void)
{
    struct userns_worker w[2];
    memset(w, 0, sizeof w);
    double start = now_seconds();
    for (int i = 0; i < 2; i++)
        REQUIRE(pthread_create(&w[i].thread, NULL, userns_worker_main, &w[i]) == 0);
    bool hung = false;
    for (int i = 0; i < 2; i++)
        hung |= !join_within(w[i].thread, 20 - (now_seconds() - start));
    if (hung) {
        check_fail(__FILE__, __LINE__, "ns_new_userns on two threads: %d and %d of "
                   "%d calls done after 20 s (deadlock); killing %d children",
                   __atomic_load_n(&w[0].done, __ATOMIC_ACQUIRE),
                   __atomic_load_n(&w[1].done, __ATOMIC_ACQUIRE), USERNS_CALLS,
                   kill_children());
        check_exit(1);
    }
    for (int i = 0; i < 2; i++)
        CHECKF(w[i].t.failed == 0, "thread %d: %ld of %d calls failed; first: %s", i,
               w[i].t.failed, USERNS_CALLS, w[i].t.first);
    CHECK_NO_CHILDREN();
}

/* ---- b. a joining spawn beside fork-like children of another thread ----- */

#define SLEEPERS_MAX 200

struct sleeper_starter {
    pthread_t thread;
    ns_spawn_attr *uts; /* NS_UTS */
    int stop;
    int n;
    pid_t pids[SLEEPERS_MAX];
    struct tally t;
};

static int three = 3;

/* Thread A: a new child sleeping 3 s every 15 ms, four ways in turn. */
static void *sleeper_starter_main(void *arg)
{
    struct sleeper_starter *s = arg;
    for (int i = 0; !__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE) && s->n < SLEEPERS_MAX; i++) {
        pid_t pid;
        const char *how;
        switch (i % 4) {
        case 0: how = "ns_clone(0)"; pid = ns_clone(0, sleep_seconds, &three, NULL); break;
        case 1: how = "ns_clone(NS_UTS)"; pid = ns_clone(NS_UTS, sleep_seconds, &three, NULL); break;
        case 2: how = "ns_spawn_fn(NULL)"; pid = ns_spawn_fn(NULL, sleep_seconds, &three, NULL); break;
        default: how = "ns_spawn_fn(NS_UTS)"; pid = ns_spawn_fn(s->uts, sleep_seconds, &three, NULL); break;
        }
        if (pid <= 0)
            tally_note(&s->t, i, "%s: %d (%s)", how, (int)pid, ns_last_error());
        else
            s->pids[s->n++] = pid;
        sleep_ms(15);
    }
    return NULL;
}

static void test_join_spawn_beside_sleeping_children(void)
{
    SKIP_UNLESS_ROOT();
    int net = REQUIRE_OK(ns_new(NS_NET));
    ns_spawn_attr *join = ns_spawn_attr_new();
    REQUIRE(join != NULL);
    REQUIRE_OK(ns_spawn_attr_join(join, net, NS_NET));
    close(net);
    struct sleeper_starter s;
    memset(&s, 0, sizeof s);
    s.uts = ns_spawn_attr_new();
    REQUIRE(s.uts != NULL);
    REQUIRE_OK(ns_spawn_attr_set_namespaces(s.uts, NS_UTS));
    REQUIRE(pthread_create(&s.thread, NULL, sleeper_starter_main, &s) == 0);

    /* Thread B (this one): for 3 s, spawns of /bin/true joining `net`. */
    char *argv[] = {"true", NULL};
    struct tally t = {0};
    long calls = 0, slow = 0;
    double worst = 0, end = now_seconds() + 3;
    while (now_seconds() < end) {
        double t0 = now_seconds();
        pid_t pid = ns_spawn("/bin/true", argv, NULL, join, NULL);
        double dt = now_seconds() - t0;
        calls++;
        if (dt > worst)
            worst = dt;
        if (dt >= 1.0)
            slow++;
        if (pid <= 0)
            tally_note(&t, calls, "ns_spawn: %d (%s)", (int)pid, ns_last_error());
        else if (!exited_with(pid, 0))
            tally_note(&t, calls, "/bin/true (pid %d) did not exit 0", (int)pid);
    }
    __atomic_store_n(&s.stop, 1, __ATOMIC_RELEASE);
    pthread_t a[1] = {s.thread};
    join_all_or_fail(a, 1, 10, "the thread starting sleepers");
    CHECKF(slow == 0, "%ld of %ld joining spawns took 1 s or more (the longest "
           "%.2f s): they waited for a sleeping child of another thread",
           slow, calls, worst);
    CHECKF(t.failed == 0, "%ld of %ld joining spawns failed; first: %s", t.failed,
           calls, t.first);
    CHECKF(s.t.failed == 0, "%ld sleepers failed to start; first: %s", s.t.failed,
           s.t.first);
    CHECK(s.n > 0);
    for (int i = 0; i < s.n; i++)
        CHECKF(exited_with(s.pids[i], 0), "sleeper %d did not exit 0", (int)s.pids[i]);
    CHECK_NO_CHILDREN();
    ns_spawn_attr_free(s.uts);
    ns_spawn_attr_free(join);
}

/* ---- c. long-lived children hold no descriptor of other calls ----------- */

#define MIXERS 3
#define MIX_SECONDS 3.0
#define LONG_LIVED 4
#define RETURNED_MAX 4096

enum { OP_PLAIN, OP_JOIN, OP_USER, OP_SPAWN_FN, OP_CLONE, OP_NEW_USERNS, OP_NEW_NET,
       OP_RUN_IN, N_OPS };
static const char *const op_names[N_OPS] = {
    "ns_spawn plain", "ns_spawn join", "ns_spawn user+map_root+pdeathsig",
    "ns_spawn_fn", "ns_clone(NS_UTS)", "ns_new_userns", "ns_new(NS_NET)", "ns_run_in",
};

/* A namespace descriptor a call returned to a mixer, and while it was open
 * (from before the call to after the close): a fork-like child made then
 * may have it legitimately. */
struct returned {
    int fd;
    char target[128];
    double from, to;
};

static struct {
    ns_spawn_attr *join, *user;
    int net; /* the joined network namespace, for ns_run_in */
    int stop;
    pthread_mutex_t lock;
    int nreturned;
    struct returned returned[RETURNED_MAX];
} M = {.lock = PTHREAD_MUTEX_INITIALIZER};

struct mixer {
    pthread_t thread;
    int index;
    long ops[N_OPS];
    struct tally t;
};

static void note_returned(int fd, double from)
{
    char path[64], target[128];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(path, target, sizeof target - 1);
    target[n > 0 ? n : 0] = '\0';
    close(fd);
    double to = now_seconds();
    pthread_mutex_lock(&M.lock);
    if (M.nreturned < RETURNED_MAX) {
        struct returned *r = &M.returned[M.nreturned++];
        r->fd = fd;
        snprintf(r->target, sizeof r->target, "%s", target);
        r->from = from;
        r->to = to;
    }
    pthread_mutex_unlock(&M.lock);
}

/* One operation, its result checked; a failure is noted in m's tally. */
static void mix_op(struct mixer *m, int op, long i)
{
    char *argv[] = {"true", NULL};
    const struct ns_idmap um = {0, geteuid(), 1}, gm = {0, getegid(), 1};
    pid_t pid = 0;
    int fd, res = -1, want = 0;
    double from = now_seconds();
    switch (op) {
    case OP_PLAIN: pid = ns_spawn("/bin/true", argv, NULL, NULL, NULL); break;
    case OP_JOIN: pid = ns_spawn("/bin/true", argv, NULL, M.join, NULL); break;
    case OP_USER: pid = ns_spawn("/bin/true", argv, NULL, M.user, NULL); break;
    case OP_SPAWN_FN: pid = ns_spawn_fn(NULL, return_7, NULL, NULL); want = 7; break;
    case OP_CLONE: pid = ns_clone(NS_UTS, return_7, NULL, NULL); want = 7; break;
    case OP_NEW_USERNS:
    case OP_NEW_NET:
        fd = op == OP_NEW_NET ? ns_new(NS_NET)
                              : ns_new_userns(&um, 1, &gm, 1, NS_MAP_DENY_SETGROUPS);
        if (fd < 0)
            tally_note(&m->t, i, "%s: %d (%s)", op_names[op], fd, ns_last_error());
        else
            note_returned(fd, from);
        return;
    default:
        fd = ns_run_in(M.net, 0, return_7, NULL, &res);
        if (fd < 0 || res != 7)
            tally_note(&m->t, i, "ns_run_in: %d, result %d (%s)", fd, res, ns_last_error());
        return;
    }
    if (pid <= 0)
        tally_note(&m->t, i, "%s: %d (%s)", op_names[op], (int)pid, ns_last_error());
    else if (!exited_with(pid, want))
        tally_note(&m->t, i, "%s: pid %d did not exit %d", op_names[op], (int)pid, want);
}

static void *mixer_main(void *arg)
{
    struct mixer *m = arg;
    for (long i = 0; !__atomic_load_n(&M.stop, __ATOMIC_ACQUIRE); i++) {
        int op = (int)((i + m->index * 3) % N_OPS);
        pthread_mutex_lock(&M.lock);
        bool full = M.nreturned >= RETURNED_MAX;
        pthread_mutex_unlock(&M.lock);
        if (full && (op == OP_NEW_USERNS || op == OP_NEW_NET))
            continue;
        mix_op(m, op, i);
        m->ops[op]++;
    }
    return NULL;
}

struct long_lived {
    pid_t pid;
    const char *how;
    double from, to; /* around the call that started it */
};

static int long_sleep = 25;

/* The entries of the child's table the test cannot explain. */
static void check_long_lived(const struct long_lived *c, const struct fd_entry *own,
                             int nown)
{
    static struct fd_entry table[1024];
    int n = fd_table(c->pid, table, 1024);
    CHECKF(n >= 0, "%s (pid %d): /proc/%d/fd unreadable", c->how, (int)c->pid,
           (int)c->pid);
    for (int i = 0; i < n; i++) {
        const struct fd_entry *e = &table[i];
        if (e->fd <= 2 || !fd_target_is_channel(e->target) ||
            fd_table_has(own, nown, e->fd, e->target))
            continue;
        bool returned = false;
        for (int k = 0; k < M.nreturned && !returned; k++) {
            const struct returned *r = &M.returned[k];
            returned = r->fd == e->fd && strcmp(r->target, e->target) == 0 &&
                       r->from <= c->to && c->from <= r->to;
        }
        CHECKF(returned, "%s (pid %d) holds fd %d -> %s, a descriptor of another call",
               c->how, (int)c->pid, e->fd, e->target);
    }
}

static void test_long_lived_children_hold_nothing_of_others(void)
{
    SKIP_UNLESS_ROOT();
    M.net = REQUIRE_OK(ns_new(NS_NET));
    M.join = ns_spawn_attr_new();
    M.user = ns_spawn_attr_new();
    REQUIRE(M.join && M.user);
    REQUIRE_OK(ns_spawn_attr_join(M.join, M.net, NS_NET));
    REQUIRE_OK(ns_spawn_attr_set_namespaces(M.user, NS_USER));
    REQUIRE_OK(ns_spawn_attr_map_root(M.user));
    REQUIRE_OK(ns_spawn_attr_set_pdeathsig(M.user, SIGKILL));
    /* Every operation once, alone: whatever the library keeps open for
     * good is then in our own table. */
    struct mixer warm = {.index = 0};
    for (int op = 0; op < N_OPS; op++)
        mix_op(&warm, op, op);
    M.nreturned = 0;
    CHECKF(warm.t.failed == 0, "alone: %s", warm.t.first);
    REQUIRE(warm.t.failed == 0);
    static struct fd_entry own[1024];
    int nown = fd_table(0, own, 1024);
    REQUIRE(nown > 0);

    static struct mixer m[MIXERS];
    memset(m, 0, sizeof m);
    double start = now_seconds();
    for (int i = 0; i < MIXERS; i++) {
        m[i].index = i;
        REQUIRE(pthread_create(&m[i].thread, NULL, mixer_main, &m[i]) == 0);
    }
    struct long_lived ll[LONG_LIVED];
    ns_spawn_attr *uts = ns_spawn_attr_new();
    REQUIRE(uts != NULL);
    REQUIRE_OK(ns_spawn_attr_set_namespaces(uts, NS_UTS));
    for (int i = 0; i < LONG_LIVED; i++) {
        while (now_seconds() < start + 0.6 * (i + 1))
            sleep_ms(10);
        struct long_lived *c = &ll[i];
        c->from = now_seconds();
        switch (i % 4) {
        case 0: c->how = "ns_clone(0)"; c->pid = ns_clone(0, sleep_seconds, &long_sleep, NULL); break;
        case 1: c->how = "ns_spawn_fn(NULL)"; c->pid = ns_spawn_fn(NULL, sleep_seconds, &long_sleep, NULL); break;
        case 2: c->how = "ns_clone(NS_UTS)"; c->pid = ns_clone(NS_UTS, sleep_seconds, &long_sleep, NULL); break;
        default: c->how = "ns_spawn_fn(NS_UTS)"; c->pid = ns_spawn_fn(uts, sleep_seconds, &long_sleep, NULL); break;
        }
        c->to = now_seconds();
        CHECKF(c->pid > 0, "%s: %d (%s)", c->how, (int)c->pid, ns_last_error());
    }
    while (now_seconds() < start + MIX_SECONDS)
        sleep_ms(10);
    __atomic_store_n(&M.stop, 1, __ATOMIC_RELEASE);
    /* On the mixers' last calls: a call held up by a long-lived child
     * holding its pipe is a failure of its own. */
    double end = now_seconds() + 8;
    int hung = 0;
    pthread_t left[MIXERS];
    for (int i = 0; i < MIXERS; i++)
        if (!join_within(m[i].thread, end - now_seconds() > 0 ? end - now_seconds() : 0))
            left[hung++] = m[i].thread;
    CHECKF(hung == 0, "%d of %d threads still in a call 8 s after the mix ended",
           hung, MIXERS);
    for (int i = 0; i < LONG_LIVED; i++)
        if (ll[i].pid > 0)
            check_long_lived(&ll[i], own, nown);
    for (int i = 0; i < LONG_LIVED; i++)
        if (ll[i].pid > 0) {
            kill(ll[i].pid, SIGKILL);
            int st;
            wait_child(ll[i].pid, &st);
        }
    if (hung)
        join_all_or_fail(left, hung, 5, "the mixing threads, their sleepers killed");
    for (int i = 0; i < MIXERS; i++) {
        CHECKF(m[i].t.failed == 0, "thread %d: %ld calls failed; first: %s", i,
               m[i].t.failed, m[i].t.first);
        for (int op = 0; op < N_OPS; op++)
            CHECKF(m[i].ops[op] > 0, "thread %d never ran %s", i, op_names[op]);
    }
    CHECK_NO_CHILDREN();
    ns_spawn_attr_free(uts);
    ns_spawn_attr_free(M.user);
    ns_spawn_attr_free(M.join);
    close(M.net);
}

/* Signals 1-64 a thread can block: all but SIGKILL, SIGSTOP and the two
 * the C library keeps for itself (32 and 33), which pthread_sigmask leaves
 * unblocked. */
static const unsigned long long ALL_BLOCKABLE =
    ~((1ULL << (SIGKILL - 1)) | (1ULL << (SIGSTOP - 1)) | (1ULL << 31) | (1ULL << 32));

/* The SigBlk mask of thread tid as the kernel shows it; false if the thread
 * is gone, exiting, or not named `name`. */
static bool thread_sigblk(pid_t tid, const char *name, unsigned long long *blk)
{
    char path[64], comm[32] = "", line[256];
    snprintf(path, sizeof path, "/proc/self/task/%d/comm", (int)tid);
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    bool named = fgets(comm, sizeof comm, f) && strncmp(comm, name, strlen(name)) == 0 &&
                 comm[strlen(name)] == '\n';
    fclose(f);
    if (!named)
        return false;
    snprintf(path, sizeof path, "/proc/self/task/%d/status", (int)tid);
    if (!(f = fopen(path, "r")))
        return false;
    /* A thread that has gone through exit shows SigQ 0/0 and SigBlk 0
     * (its signal state was released before the file was made): skipped. */
    bool found = false;
    unsigned long qsize = 0, qlim = 0;
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "SigBlk: %llx", blk) == 1)
            found = true;
        sscanf(line, "SigQ: %lu/%lu", &qsize, &qlim);
    }
    fclose(f);
    return found && qlim > 0;
}

/* The tids of this process's threads named `name` and their SigBlk masks;
 * returns how many (at most max). */
static int named_threads(const char *name, pid_t *tids, unsigned long long *blk, int max)
{
    DIR *d = opendir("/proc/self/task");
    int n = 0;
    if (!d)
        return 0;
    for (struct dirent *e; (e = readdir(d)) && n < max;) {
        pid_t tid = atoi(e->d_name);
        if (tid > 0 && thread_sigblk(tid, name, &blk[n]))
            tids[n++] = tid;
    }
    closedir(d);
    return n;
}

/*
 * A pool's refill thread is started with every signal blocked, whatever
 * the creating thread's mask: a caller that blocks a signal in its own
 * (here its only) thread after making a pool, to take it with
 * sigtimedwait, gets every one; had the refill thread kept the creator's
 * empty mask, the kernel would deliver them there (SIGUSR1's default
 * action ends the process) and the thread shows it in SigBlk.
 */
static void test_pool_thread_blocks_signals(void)
{
    sigset_t none, usr1;
    sigemptyset(&none);
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    REQUIRE(pthread_sigmask(SIG_SETMASK, &none, NULL) == 0);
    ns_pool *pool = ns_pool_new(NS_USER | NS_UTS, 2, 0);
    REQUIRE(pool != NULL);
    pid_t tids[8];
    unsigned long long blk[8];
    /* The thread names itself once it runs. */
    int n = 0;
    for (int i = 0; i < 2000 && n == 0; i++)
        if ((n = named_threads("linuxns-pool", tids, blk, 8)) == 0)
            usleep(1000);
    CHECKF(n == 1, "%d threads named linuxns-pool", n);
    for (int i = 0; i < n; i++)
        CHECKF((blk[i] & ALL_BLOCKABLE) == ALL_BLOCKABLE,
               "refill thread %d: SigBlk %016llx, want every blockable signal", (int)tids[i],
               blk[i]);
    /* The caller's own mask is as it was. */
    sigset_t now;
    REQUIRE(pthread_sigmask(SIG_SETMASK, NULL, &now) == 0);
    CHECK(!sigismember(&now, SIGUSR1) && !sigismember(&now, SIGTERM));
    REQUIRE(pthread_sigmask(SIG_BLOCK, &usr1, NULL) == 0);
    struct timespec wait = {2, 0};
    for (int i = 0; i < 50; i++) {
        REQUIRE(kill(getpid(), SIGUSR1) == 0);
        int got = sigtimedwait(&usr1, NULL, &wait);
        CHECKF(got == SIGUSR1, "signal %d of 50: sigtimedwait = %d (%s)", i + 1, got,
               got < 0 ? strerror(errno) : "");
        if (got != SIGUSR1)
            break;
    }
    /* Spawns from the pool in between change nothing. */
    ns_spawn_attr *a = ns_spawn_attr_new();
    REQUIRE(a && ns_spawn_attr_set_namespaces(a, NS_USER | NS_UTS) == 0 &&
            ns_spawn_attr_map_root(a) == 0 && ns_spawn_attr_use_pool(a, pool) == 0);
    char *argv[] = {"true", NULL};
    for (int i = 0; i < 5; i++) {
        pid_t pid = ns_spawn("/bin/true", argv, NULL, a, NULL);
        CHECKF(pid > 0, "ns_spawn: %d %s", pid, ns_last_error());
        if (pid > 0)
            CHECK(exited_with(pid, 0));
        REQUIRE(kill(getpid(), SIGUSR1) == 0);
        CHECK(sigtimedwait(&usr1, NULL, &wait) == SIGUSR1);
    }
    ns_spawn_attr_free(a);
    ns_pool_free(pool);
}

static atomic_int watching = 1;

/* Watches for ns_new's helper threads, checking the SigBlk of each one seen. */
static void *helper_watcher(void *arg)
{
    int *seen = arg;
    pid_t tids[8];
    unsigned long long blk[8];
    while (atomic_load(&watching)) {
        int n = named_threads("linuxns-helper", tids, blk, 8);
        for (int i = 0; i < n; i++) {
            (*seen)++;
            CHECKF((blk[i] & ALL_BLOCKABLE) == ALL_BLOCKABLE,
                   "helper thread %d: SigBlk %016llx, want every blockable signal", (int)tids[i],
                   blk[i]);
        }
    }
    return NULL;
}

/*
 * The short-lived helper threads of ns_new (a thread that unshares, so that
 * the caller does not move) block every signal too: a handler of the
 * caller's must not run in a thread that is in other namespaces.  Seen
 * from /proc while they live; the calling thread blocks nothing.
 */
static void test_helper_threads_block_signals(void)
{
    SKIP_UNLESS_ROOT();
    sigset_t none;
    sigemptyset(&none);
    REQUIRE(pthread_sigmask(SIG_SETMASK, &none, NULL) == 0);
    int seen = 0;
    pthread_t w;
    REQUIRE(pthread_create(&w, NULL, helper_watcher, &seen) == 0);
    double start = now_seconds();
    int calls = 0;
    while (now_seconds() - start < 20 && (calls < 200 || seen < 3)) {
        int fd = ns_new(NS_UTS);
        CHECKF(fd >= 0, "ns_new(NS_UTS): %d %s", fd, ns_last_error());
        if (fd < 0)
            break;
        close(fd);
        calls++;
    }
    atomic_store(&watching, 0);
    pthread_join(w, NULL);
    CHECKF(seen >= 3, "%d helper threads seen in /proc during %d calls", seen, calls);
}

static int seven(void *arg)
{
    (void)arg;
    return 7;
}

static int count_one(const struct ns_info *info, void *arg)
{
    (void)info;
    (void)arg;
    return 0;
}

struct cancel_run {
    int spawn_pid, spawn_status, new_fd, run_result, run_rc, pool_ok, list_n;
    bool finished;
};

/* Every call below meets the C library's cancellation points (read, close,
 * waitid, pthread_join) with a cancellation already pending.  Not
 * instrumented by AddressSanitizer: the cancellation's unwind leaves this
 * frame's scopes poisoned, which ASan's own thread exit then writes over. */
__attribute__((no_sanitize_address)) static void *cancelled_caller(void *arg)
{
    struct cancel_run *r = arg;
    int old;
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
    pthread_cancel(pthread_self());
    pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old);
    /* Deferred cancellation, now pending. */
    char *argv[] = {"noop", NULL};
    ns_spawn_attr *a = ns_spawn_attr_new();
    if (a && ns_spawn_attr_set_namespaces(a, NS_USER | NS_PID | NS_UTS) == 0 &&
        ns_spawn_attr_map_root(a) == 0) {
        int pidfd = -1;
        r->spawn_pid = ns_spawn(noop_program(), argv, NULL, a, &pidfd);
        if (r->spawn_pid > 0) {
            siginfo_t si = {0};
            /* waitid is a cancellation point: raw, so that it is not. */
            if (syscall(SYS_waitid, P_PIDFD, pidfd, &si, WEXITED, NULL) == 0)
                r->spawn_status = si.si_status;
            syscall(SYS_close, pidfd);
        }
    }
    ns_spawn_attr_free(a);
    r->new_fd = ns_new(NS_UTS);
    int uts = r->new_fd;
    r->run_rc = uts >= 0 ? ns_run_in(uts, NS_UTS, seven, NULL, &r->run_result) : -1;
    if (uts >= 0)
        syscall(SYS_close, uts);
    ns_pool *pool = ns_pool_new(NS_USER | NS_NET, 1, 0);
    r->pool_ok = pool != NULL;
    ns_pool_free(pool);
    r->list_n = ns_list(NS_UTS, count_one, NULL);
    r->finished = true;
    pthread_testcancel();
    return NULL;
}

/*
 * A thread with a cancellation pending (deferred) calls into the library:
 * every call runs to its end with its usual result (no abort from an
 * unwind through the library, nothing left half done: no child, no
 * descriptor, no helper thread), and the cancellation takes effect at the
 * thread's next cancellation point after them.
 */
static void test_cancelled_thread_finishes_its_calls(void)
{
    SKIP_UNLESS_ROOT();
    int before = count_fds(NULL);
    struct cancel_run r = {.spawn_status = -1, .new_fd = -1, .run_rc = -1, .list_n = -1};
    pthread_t t;
    REQUIRE(pthread_create(&t, NULL, cancelled_caller, &r) == 0);
    void *ret = NULL;
    REQUIRE(pthread_join(t, &ret) == 0);
    CHECKF(ret == PTHREAD_CANCELED, "the thread was not cancelled after its calls");
    CHECK(r.finished);
    CHECKF(r.spawn_pid > 0 && r.spawn_status == 0, "ns_spawn: %d, status %d", r.spawn_pid,
           r.spawn_status);
    CHECKF(r.new_fd >= 0, "ns_new: %d", r.new_fd);
    CHECKF(r.run_rc == 0 && r.run_result == 7, "ns_run_in: %d, result %d", r.run_rc,
           r.run_result);
    CHECK(r.pool_ok);
    CHECKF(r.list_n > 0, "ns_list: %d", r.list_n);
    CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
    CHECKF(count_fds(NULL) == before, "%d descriptors before, %d after", before,
           count_fds(NULL));
    pid_t tids[8];
    unsigned long long blk[8];
    CHECK(named_threads("linuxns-", tids, blk, 8) == 0);
}

static atomic_int spinning = 1;

/* Spawns until told to stop: the library's descriptor gate is held
 * exclusively for each clone, shared for each descriptor made or closed. */
static void *spawn_loop(void *arg)
{
    int *spawns = arg;
    char *argv[] = {"noop", NULL};
    ns_spawn_attr *a = ns_spawn_attr_new();
    if (!a || ns_spawn_attr_set_namespaces(a, NS_USER | NS_UTS) != 0 ||
        ns_spawn_attr_map_root(a) != 0)
        return NULL;
    while (atomic_load(&spinning)) {
        int pidfd = -1;
        pid_t pid = ns_spawn(noop_program(), argv, NULL, a, &pidfd);
        if (pid > 0) {
            siginfo_t si;
            waitid(P_PIDFD, pidfd, &si, WEXITED);
            close(pidfd);
            (*spawns)++;
        }
    }
    ns_spawn_attr_free(a);
    return NULL;
}

/*
 * The caller forks (fork(3), with its atfork handlers) while two of its
 * threads spawn and a pool refills: in each child the library works (a
 * spawn, a pool made and freed, the parent's pool freed), none waits for
 * a lock that a thread of the parent held at the fork; each child exits
 * within 5 s.
 */
static void test_fork_while_threads_spawn(void)
{
#if defined(__SANITIZE_ADDRESS__)
    /* GCC's AddressSanitizer allocator keeps no lock across fork(): a child
     * can hang in malloc on a lock a thread of the parent held.  The plain
     * build runs this case. */
    SKIP("AddressSanitizer's allocator is not fork-safe with other threads");
#endif
    ns_pool *pool = ns_pool_new(NS_USER | NS_UTS, 64, 0);
    REQUIRE(pool != NULL);
    int spawns[2] = {0, 0};
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        REQUIRE(pthread_create(&t[i], NULL, spawn_loop, &spawns[i]) == 0);
    char *argv[] = {"noop", NULL};
    int forks = 0, hung = 0, failed = 0;
    double start = now_seconds();
    while (forks < 300 && hung < 3 && now_seconds() - start < 20) {
        pid_t child = fork();
        if (child < 0) {
            CHECKF(false, "fork: %s", strerror(errno));
            break;
        }
        if (child == 0) {
            ns_spawn_attr *a = ns_spawn_attr_new();
            int pidfd = -1;
            pid_t pid = a && ns_spawn_attr_set_namespaces(a, NS_USER | NS_UTS) == 0 &&
                                ns_spawn_attr_map_root(a) == 0
                            ? ns_spawn(noop_program(), argv, NULL, a, &pidfd)
                            : -1;
            siginfo_t si = {0};
            if (pid <= 0 || waitid(P_PIDFD, pidfd, &si, WEXITED) != 0 || si.si_status != 0)
                _exit(3);
            ns_spawn_attr_free(a);
            ns_pool *mine = ns_pool_new(NS_USER, 1, 0);
            if (!mine)
                _exit(4);
            ns_pool_free(mine);
            ns_pool_free(pool);
            _exit(0);
        }
        forks++;
        /* A child stuck on a lock (with its signals blocked, as in a clone
         * section) is killed after 5 s and counted. */
        int pidfd = (int)syscall(SYS_pidfd_open, child, 0);
        REQUIRE(pidfd >= 0);
        struct pollfd p = {.fd = pidfd, .events = POLLIN};
        if (poll(&p, 1, 5000) == 0) {
            kill(child, SIGKILL);
            hung++;
        }
        close(pidfd);
        int st;
        REQUIRE(waitpid(child, &st, 0) == child);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
            failed += !WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL;
    }
    atomic_store(&spinning, 0);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    ns_pool_free(pool);
    CHECKF(hung == 0 && failed == 0, "%d forks: %d children hung, %d failed", forks, hung,
           failed);
    CHECKF(spawns[0] + spawns[1] > forks / 4, "only %d spawns beside %d forks",
           spawns[0] + spawns[1], forks);
}

static atomic_int killing = 1;

/* SIGKILLs every child of thread *arg it sees, until told to stop. */
static void *child_killer(void *arg)
{
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/self/task/%d/children", *(int *)arg);
    while (atomic_load(&killing)) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        ssize_t n = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (n <= 0)
            continue;
        buf[n] = 0;
        for (char *p = buf, *end; *p; p = end) {
            long pid = strtol(p, &end, 10);
            if (end == p)
                break;
            if (pid > 0)
                kill((pid_t)pid, SIGKILL);
        }
    }
    return NULL;
}

/*
 * Another thread SIGKILLs the caller's children while it spawns with maps
 * the parent writes (a range of subordinate ids): a child killed between
 * asking for its maps and being told to go leaves the library writing to
 * a pipe nobody reads. The caller, with SIGPIPE at its default (which
 * ends the process), survives every spawn: each returns a program that
 * then dies, or an error; no child is left.
 */
static void test_children_killed_during_spawns(void)
{
    SKIP_UNLESS_ROOT();
    REQUIRE(signal(SIGPIPE, SIG_DFL) != SIG_ERR);
    static const struct ns_idmap range[] = {{0, 100000, 65536}};
    ns_spawn_attr *a = ns_spawn_attr_new();
    REQUIRE(a && ns_spawn_attr_set_namespaces(a, NS_USER | NS_UTS) == 0 &&
            ns_spawn_attr_set_uid_map(a, range, 1, 0) == 0 &&
            ns_spawn_attr_set_gid_map(a, range, 1, NS_MAP_DENY_SETGROUPS) == 0);
    int tid = (int)gettid();
    char children[64];
    snprintf(children, sizeof children, "/proc/self/task/%d/children", tid);
    if (access(children, R_OK) != 0)
        SKIP("%s: %s (a kernel without CONFIG_PROC_CHILDREN)", children, strerror(errno));
    pthread_t t;
    REQUIRE(pthread_create(&t, NULL, child_killer, &tid) == 0);
    char *argv[] = {"sleep", "1", NULL};
    int started = 0, refused = 0, killed = 0;
    for (int i = 0; i < 400; i++) {
        int pidfd = -1;
        pid_t pid = ns_spawn("/bin/sleep", argv, NULL, a, &pidfd);
        if (pid > 0) {
            siginfo_t si;
            CHECK(waitid(P_PIDFD, pidfd, &si, WEXITED) == 0);
            killed += si.si_code == CLD_KILLED && si.si_status == SIGKILL;
            close(pidfd);
            started++;
        } else {
            refused++;
        }
    }
    atomic_store(&killing, 0);
    pthread_join(t, NULL);
    ns_spawn_attr_free(a);
    CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
    /* The killer did its part: most programs (sleep 1) died of it. */
    CHECKF(killed > started / 2, "only %d of %d programs were killed", killed, started);
    printf("    400 spawns: %d started (%d killed), %d failed while their children were killed\n",
           started, killed, refused);
}

int main(void)
{
    RUN(test_new_userns_two_threads);
    RUN(test_join_spawn_beside_sleeping_children);
    RUN(test_long_lived_children_hold_nothing_of_others);
    RUN(test_pool_thread_blocks_signals);
    RUN(test_helper_threads_block_signals);
    RUN(test_cancelled_thread_finishes_its_calls);
    RUN(test_fork_while_threads_spawn);
    RUN(test_children_killed_during_spawns);
    return check_summary();
}
