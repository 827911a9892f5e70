/*
 * Concurrency: 16 threads for 3 seconds, each going round ns_run_in (into
 * the uts and net namespaces of a holder process), ns_open_pid + ns_id,
 * ns_spawn (plain, and into new user + uts namespaces with map_root) and
 * ns_list, checking every result and, after every operation, that its own
 * namespace ids (readlink /proc/thread-self/ns/X) never changed.  At the
 * end no descriptor is left open and no child is left.  Once as root, and
 * once unprivileged (nobody), where ns_run_in must fail with -EPERM on
 * every thread and leave nothing behind.  The operation counts are printed.
 */
#include "check_stress.h"

#define THREADS 16
#define SECONDS 3
#define HOSTNAME "lnstest-conc"

enum { OP_RUN_IN, OP_OPEN_ID, OP_SPAWN, OP_SPAWN_NS, OP_LIST, N_OPS };
static const char *const op_names[N_OPS] = {
    "ns_run_in", "ns_open_pid+ns_id", "ns_spawn plain", "ns_spawn user+uts",
    "ns_list",
};

/* What every thread reads and nobody changes while they run. */
static struct {
    bool privileged;        /* ns_run_in may join the holder's namespaces */
    pid_t holder;
    int uts_fd, net_fd, pidfd; /* the holder's, opened without the library */
    struct ns_ids holder_ids, own_ids;
    const char *noop;
    ns_spawn_attr *userns_attr; /* NS_USER | NS_UTS, map_root */
    char map_arg[64], uts_arg[64], user_arg[64], net_arg[64];
    int stop;
} S;

/* Indexes in NS_KINDS (checked in run_mix). */
enum { K_MNT = 0, K_UTS = 2, K_USER = 4, K_NET = 6 };

struct worker {
    int index;
    long ops[N_OPS];
    struct tally t;
};

/* ---- the operations ---------------------------------------------------- */

struct want {
    uint64_t uts, net;
    bool holder_host;
    int ran;
};

/* On ns_run_in's thread: 0 when it is in exactly the namespaces wanted. */
static int in_wanted(void *arg)
{
    struct want *w = arg;
    char host[256];
    w->ran = 1;
    hostname_now(host, sizeof host);
    return (ns_id_of(0, "uts") == w->uts ? 0 : 1) | (ns_id_of(0, "net") == w->net ? 0 : 2) |
           ((strcmp(host, HOSTNAME) == 0) == w->holder_host ? 0 : 4) |
           (ns_id_of(0, "mnt") == S.own_ids.id[K_MNT] ? 0 : 8);
}

static void op_run_in(struct worker *w, long n)
{
    static const char *const what[3] = {"uts fd", "net fd", "pidfd uts|net"};
    int v = (int)(n % 3);
    int fd = v == 0 ? S.uts_fd : v == 1 ? S.net_fd : S.pidfd;
    int types = v == 0 ? ((n / 3) % 2 ? NS_UTS : 0) : v == 1 ? NS_NET : NS_UTS | NS_NET;
    struct want want = {
        .uts = (v != 1 ? S.holder_ids : S.own_ids).id[K_UTS],
        .net = (v != 0 ? S.holder_ids : S.own_ids).id[K_NET],
        .holder_host = v != 1,
    };
    int result = -1;
    errno = 0;
    int r = ns_run_in(fd, types, in_wanted, &want, &result);
    int e = errno;
    if (!S.privileged) {
        const char *le = ns_last_error();
        if (r != -EPERM || e != EPERM || want.ran || !le || !*le)
            tally_note(&w->t, n, "unprivileged ns_run_in(%s, 0x%x) = %d, errno %d, fn %s,"
                       " ns_last_error \"%s\" (want -EPERM)", what[v], (unsigned)types,
                       r, e, want.ran ? "ran" : "did not run", le ? le : "(null)");
        return;
    }
    if (r != 0 || result != 0)
        tally_note(&w->t, n, "ns_run_in(%s, 0x%x) = %d, result %d (1 uts, 2 net, 4"
                   " hostname, 8 mnt wrong): %s", what[v], (unsigned)types, r, result,
                   r < 0 ? ns_last_error() : "");
}

static void op_open_id(struct worker *w, long n, const struct ns_ids *mine)
{
    size_t k = (size_t)(n / 3) % N_KINDS;
    int v = (int)(n % 3);
    pid_t pid = v == 0 ? 0 : v == 1 ? gettid_() : S.holder;
    uint64_t want = v == 2 ? S.holder_ids.id[k] : mine->id[k];
    int fd = ns_open_pid(pid, NS_KINDS[k].type);
    if (fd < 0) {
        tally_note(&w->t, n, "ns_open_pid(%d, %s) = %d: %s", (int)pid, NS_KINDS[k].name,
                   fd, ns_last_error());
        return;
    }
    uint64_t id = 0;
    int r = ns_id(fd, &id);
    if (r < 0 || id != want)
        tally_note(&w->t, n, "ns_open_pid(%d, %s): ns_id %d, id %" PRIu64 ", readlink %"
                   PRIu64 ": %s", (int)pid, NS_KINDS[k].name, r, id, want,
                   r < 0 ? ns_last_error() : "");
    close(fd);
}

/* Spawns and waits; the program must exit 0. */
static void spawn_and_wait(struct worker *w, long n, const char *path, char *const argv[],
                           const ns_spawn_attr *attr, bool with_pidfd)
{
    int pidfd = -1;
    pid_t pid = ns_spawn(path, argv, NULL, attr, with_pidfd ? &pidfd : NULL);
    if (pid < 0) {
        tally_note(&w->t, n, "ns_spawn(%s%s) = %d: %s", path, attr ? ", user+uts" : "",
                   (int)pid, ns_last_error());
        return;
    }
    int st = -1;
    pid_t got = wait_child(pid, &st);
    if (got != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        tally_note(&w->t, n, "ns_spawn(%s%s): waitpid %d, status 0x%x", path,
                   attr ? ", user+uts" : "", (int)got, st);
    if (with_pidfd && pidfd < 0)
        tally_note(&w->t, n, "ns_spawn(%s) returned no pidfd", path);
    if (pidfd >= 0)
        close(pidfd);
}

/* In the new namespaces: uid map "0 EUID 1", new uts and user, same net. */
#define USERNS_SCRIPT                                                      \
    "read a b c < /proc/self/uid_map; test \"$a $b $c\" = \"$1\" || exit 2; " \
    "set -- \"$2\" \"$3\" \"$4\" $(readlink /proc/self/ns/uts "             \
    "/proc/self/ns/user /proc/self/ns/net); "                               \
    "test \"$4\" != \"$1\" && test \"$5\" != \"$2\" && test \"$6\" = \"$3\" || exit 3"

static void op_spawn(struct worker *w, long n, bool in_ns)
{
    if (!in_ns) {
        char *argv[] = {"noop", NULL};
        spawn_and_wait(w, n, S.noop, argv, NULL, n % 2);
        return;
    }
    char *argv[] = {"sh", "-c", USERNS_SCRIPT, "sh", S.map_arg, S.uts_arg,
                    S.user_arg, S.net_arg, NULL};
    spawn_and_wait(w, n, "/bin/sh", argv, S.userns_attr, n % 2);
}

struct survey {
    long calls;
    bool own_net, holder_net, sorted;
    int prev_type;
    uint64_t prev_id;
};

static int survey_cb(const struct ns_info *info, void *arg)
{
    struct survey *s = arg;
    if (s->calls++ > 0 && !(s->prev_type < info->type ||
                            (s->prev_type == info->type && s->prev_id < info->id)))
        s->sorted = false;
    s->prev_type = info->type;
    s->prev_id = info->id;
    if (info->type == NS_NET && info->id == S.own_ids.id[K_NET])
        s->own_net = true;
    if (info->type == NS_NET && info->id == S.holder_ids.id[K_NET])
        s->holder_net = true;
    return 0;
}

static void op_list(struct worker *w, long n)
{
    int types = n % 2 ? NS_NET : 0;
    struct survey s = {.sorted = true};
    int r = ns_list(types, survey_cb, &s);
    if (r <= 0 || r != s.calls || !s.own_net || !s.holder_net || !s.sorted)
        tally_note(&w->t, n, "ns_list(0x%x) = %d (%s), %ld callbacks; own net %s,"
                   " holder's net %s, %s", (unsigned)types, r,
                   r < 0 ? ns_last_error() : "", s.calls, s.own_net ? "seen" : "MISSING",
                   s.holder_net ? "seen" : "MISSING", s.sorted ? "sorted" : "NOT SORTED");
}

/* ---- the threads -------------------------------------------------------- */

static void *worker_main(void *p)
{
    struct worker *w = p;
    struct ns_ids start, now;
    thread_ns_ids(&start);
    const char *d = ns_ids_differ(&start, &S.own_ids);
    if (d)
        tally_note(&w->t, 0, "thread %d starts in another %s namespace", w->index, d);
    for (long i = 0; !__atomic_load_n(&S.stop, __ATOMIC_RELAXED); i++) {
        int op = (int)((i + w->index) % N_OPS);
        long n = w->ops[op]++;
        switch (op) {
        case OP_RUN_IN: op_run_in(w, n); break;
        case OP_OPEN_ID: op_open_id(w, n, &start); break;
        case OP_SPAWN: op_spawn(w, n, false); break;
        case OP_SPAWN_NS: op_spawn(w, n, true); break;
        case OP_LIST: op_list(w, n); break;
        }
        thread_ns_ids(&now);
        if ((d = ns_ids_differ(&start, &now)) != NULL)
            tally_note(&w->t, n, "thread %d: its %s namespace changed after %s",
                       w->index, d, op_names[op]);
    }
    return NULL;
}

static void run_mix(const char *who, int holder_flags)
{
    REQUIRE(NS_KINDS[K_MNT].type == NS_MNT && NS_KINDS[K_UTS].type == NS_UTS &&
            NS_KINDS[K_USER].type == NS_USER && NS_KINDS[K_NET].type == NS_NET);
    int fds_before = count_fds(NULL);
    struct holder h;
    holder_start(&h, holder_flags, HOSTNAME, HOLDER_KEEP_UID);
    memset(&S, 0, sizeof S);
    S.privileged = geteuid() == 0;
    S.holder = h.pid;
    S.uts_fd = SYS_OK(open_ns_file(h.pid, "uts"));
    S.net_fd = SYS_OK(open_ns_file(h.pid, "net"));
    S.pidfd = SYS_OK(pidfd_open_(h.pid));
    for (size_t k = 0; k < N_KINDS; k++)
        S.holder_ids.id[k] = ns_id_of(h.pid, NS_KINDS[k].name);
    thread_ns_ids(&S.own_ids);
    REQUIRE(S.own_ids.id[K_UTS] != S.holder_ids.id[K_UTS] &&
            S.own_ids.id[K_NET] != S.holder_ids.id[K_NET]);
    S.noop = noop_program();
    S.userns_attr = ns_spawn_attr_new();
    REQUIRE(S.userns_attr != NULL);
    REQUIRE_OK(ns_spawn_attr_set_namespaces(S.userns_attr, NS_USER | NS_UTS));
    REQUIRE_OK(ns_spawn_attr_map_root(S.userns_attr));
    snprintf(S.map_arg, sizeof S.map_arg, "0 %u 1", (unsigned)geteuid());
    snprintf(S.uts_arg, sizeof S.uts_arg, "uts:[%" PRIu64 "]", S.own_ids.id[K_UTS]);
    snprintf(S.user_arg, sizeof S.user_arg, "user:[%" PRIu64 "]", S.own_ids.id[K_USER]);
    snprintf(S.net_arg, sizeof S.net_arg, "net:[%" PRIu64 "]", S.own_ids.id[K_NET]);

    static struct worker w[THREADS];
    pthread_t t[THREADS];
    double t0 = now_seconds();
    for (int i = 0; i < THREADS; i++) {
        memset(&w[i], 0, sizeof w[i]);
        w[i].index = i;
        REQUIRE(pthread_create(&t[i], NULL, worker_main, &w[i]) == 0);
    }
    sleep(SECONDS);
    __atomic_store_n(&S.stop, 1, __ATOMIC_RELAXED);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    double secs = now_seconds() - t0;

    long total[N_OPS] = {0}, all = 0;
    for (int i = 0; i < THREADS; i++) {
        for (int op = 0; op < N_OPS; op++)
            total[op] += w[i].ops[op];
        CHECKF(w[i].t.failed == 0, "%s, thread %d: %ld failures; first: %s", who, i,
               w[i].t.failed, w[i].t.first);
    }
    printf("concurrency (%s, program %s): %d threads, %.2f s:", who, S.noop, THREADS, secs);
    for (int op = 0; op < N_OPS; op++) {
        printf("%s %s %ld", op ? "," : "", op_names[op], total[op]);
        all += total[op];
        CHECKF(total[op] >= THREADS, "%s: only %ld %s", who, total[op], op_names[op]);
    }
    printf("; %ld in all%s\n", all, S.privileged ? "" : " (ns_run_in: -EPERM expected)");
    fflush(stdout);

    struct ns_ids now;
    thread_ns_ids(&now);
    const char *d = ns_ids_differ(&S.own_ids, &now);
    CHECKF(d == NULL, "the main thread's %s namespace changed", d ? d : "");
    int zombies = zombie_children();
    CHECKF(zombies == 0, "%d zombie children", zombies);
    ns_spawn_attr_free(S.userns_attr);
    close(S.uts_fd);
    close(S.net_fd);
    close(S.pidfd);
    holder_stop(&h);
    CHECK_NO_CHILDREN();
    int fds_after = count_fds(NULL);
    CHECKF(fds_after == fds_before, "%d descriptors before, %d after", fds_before,
           fds_after);
}

static void test_concurrency_root(void)
{
    SKIP_UNLESS_ROOT();
    run_mix("root", CLONE_NEWUTS | CLONE_NEWNET);
}

static void test_concurrency_unprivileged(void)
{
    /* The holder owns its namespaces through a user namespace of its own:
     * we may look at them, but not join them without being in it. */
    drop_to_nobody(NULL, NULL);
    run_mix("unprivileged", CLONE_NEWUSER | CLONE_NEWUTS | CLONE_NEWNET);
}

int main(void)
{
    RUN(test_concurrency_root);
    RUN(test_concurrency_unprivileged);
    return check_summary();
}
