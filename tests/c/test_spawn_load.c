/* ns_spawn under load: many threads at once, a caller holding 1 GiB, an
 * unprivileged caller with every namespace it can make. */
#include "check_spawn.h"

#define THREADS 8
#define SPAWNS_PER_THREAD 40

/* Four kinds of spawn, each checking its effect through the exit status. */
static ns_spawn_attr *kinds[4];
static const char *kind_script[4] = {
    NULL, /* /bin/true, no attribute changes */
    "test \"$(hostname)\" = linuxns-load",
    "test $$ = 1 && test \"$(id -u)\" = 0",
    NULL, /* /bin/true through an intermediate process (time offset) */
};

struct worker {
    int kind, ok, failed, first_error;
    char error[256];
};

static void *spawn_worker(void *p)
{
    struct worker *w = p;
    char *true_argv[] = {"true", NULL};
    char *sh_argv[] = {"sh", "-c", (char *)kind_script[w->kind], NULL};
    for (int i = 0; i < SPAWNS_PER_THREAD; i++) {
        pid_t pid = kind_script[w->kind]
                        ? ns_spawn("/bin/sh", sh_argv, NULL, kinds[w->kind], NULL)
                        : ns_spawn("/bin/true", true_argv, NULL, kinds[w->kind], NULL);
        int st = -1;
        if (pid > 0 && wait_child(pid, &st) == pid && WIFEXITED(st) &&
            WEXITSTATUS(st) == 0) {
            w->ok++;
            continue;
        }
        if (w->failed++ == 0) {
            w->first_error = pid > 0 ? st : (int)pid;
            snprintf(w->error, sizeof w->error, "%s", pid < 0 ? ns_last_error() : "");
        }
    }
    return NULL;
}

static void test_eight_threads_at_once(void)
{
    for (int k = 0; k < 4; k++) {
        kinds[k] = ns_spawn_attr_new();
        REQUIRE(kinds[k] != NULL);
    }
    REQUIRE_OK(ns_spawn_attr_set_namespaces(kinds[1], NS_USER | NS_UTS));
    REQUIRE_OK(ns_spawn_attr_set_hostname(kinds[1], "linuxns-load"));
    REQUIRE_OK(ns_spawn_attr_set_namespaces(kinds[2], NS_USER | NS_PID));
    REQUIRE_OK(ns_spawn_attr_map_root(kinds[2]));
    REQUIRE_OK(ns_spawn_attr_set_namespaces(kinds[3], NS_USER | NS_TIME));
    REQUIRE_OK(ns_spawn_attr_set_time_offset(kinds[3], CLOCK_BOOTTIME, 3600, 0));
    int fds_before = count_fds(NULL);

    /* The attributes are shared by the threads: ns_spawn only reads them. */
    struct worker w[THREADS];
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) {
        memset(&w[i], 0, sizeof w[i]);
        w[i].kind = i % 4;
        REQUIRE(pthread_create(&t[i], NULL, spawn_worker, &w[i]) == 0);
    }
    int total = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        total += w[i].ok;
        CHECKF(w[i].failed == 0, "thread %d (kind %d): %d of %d failed; first: %d %s",
               i, w[i].kind, w[i].failed, SPAWNS_PER_THREAD, w[i].first_error,
               w[i].error);
    }
    CHECK(total == THREADS * SPAWNS_PER_THREAD);
    CHECK_NO_CHILDREN();
    CHECK(count_fds(NULL) == fds_before);
    for (int k = 0; k < 4; k++)
        ns_spawn_attr_free(kinds[k]);
}

static unsigned char *big;
#define BIG_SIZE ((size_t)1 << 30)

static int check_big(void *arg)
{
    (void)arg;
    /* The fork-like child sees our memory as it was. */
    for (size_t i = 0; i < BIG_SIZE; i += 4096 * 1024)
        if (big[i] != 0x5a)
            return 1;
    return big[BIG_SIZE - 1] == 0x5a ? 0 : 2;
}

static void test_caller_holding_1gib(void)
{
    char info[4096], line[128];
    REQUIRE(read_file("/proc/meminfo", info, sizeof info) > 0);
    if (!out_line(info, "MemAvailable:", line, sizeof line) ||
        strtoull(line, NULL, 10) < 3ULL * 1024 * 1024)
        SKIP("less than 3 GiB available");
    big = malloc(BIG_SIZE);
    REQUIRE(big != NULL);
    memset(big, 0x5a, BIG_SIZE);
    char out[4096];
    int st;
    /* Plain, and in new namespaces with a fresh /proc. */
    SH_OK(NULL, "echo ok", out);
    CHECK_STREQ(out, "ok\n");
    ns_spawn_attr *a = ns_spawn_attr_new();
    REQUIRE(a != NULL);
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, NS_USER | NS_PID | NS_MNT | NS_NET));
    REQUIRE_OK(ns_spawn_attr_map_root(a));
    REQUIRE_OK(ns_spawn_attr_set_mount_proc(a, 1));
    SH_OK(a, "echo \"$$ $(id -u) $(ls /proc | grep -c '^[0-9]')\"", out);
    /* sh, and at most the $(...) subshell, ls and grep. */
    int self = -1, uid = -1, pids = -1;
    CHECKF(sscanf(out, "%d %d %d", &self, &uid, &pids) == 3 && self == 1 && uid == 0 &&
           pids >= 1 && pids <= 4, "%s", out);
    ns_spawn_attr_free(a);
    /* A function child: a copy of all of it. */
    a = ns_spawn_attr_new();
    REQUIRE(a != NULL);
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, NS_USER | NS_UTS));
    pid_t pid = REQUIRE_OK(ns_spawn_fn(a, check_big, NULL, NULL));
    CHECK(wait_child(pid, &st) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    ns_spawn_attr_free(a);
    free(big);
    CHECK_NO_CHILDREN();
}

static void test_nobody_with_every_namespace(void)
{
    uid_t uid;
    gid_t gid;
    drop_to_nobody(&uid, &gid);
    const int types = NS_USER | NS_PID | NS_MNT | NS_UTS | NS_IPC | NS_NET;
    ns_spawn_attr *a = ns_spawn_attr_new();
    REQUIRE(a != NULL);
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, types));
    REQUIRE_OK(ns_spawn_attr_map_root(a));
    REQUIRE_OK(ns_spawn_attr_set_hostname(a, "linuxns-nobody"));
    REQUIRE_OK(ns_spawn_attr_set_mount_proc(a, 1));
    char out[4096], line[128];
    SH_OK(a, "echo \"id $(id -u) $(id -g)\"; echo \"self $$\"; "
             "echo \"host $(hostname)\"; echo \"map $(cat /proc/self/uid_map)\"; "
             NS_SCRIPT, out);
    CHECK_STREQ(out_line(out, "id ", line, sizeof line), "0 0");
    CHECK_STREQ(out_line(out, "self ", line, sizeof line), "1");
    CHECK_STREQ(out_line(out, "host ", line, sizeof line), "linuxns-nobody");
    unsigned in = 1, o = 0, c = 0;
    CHECKF(out_line(out, "map ", line, sizeof line) &&
           sscanf(line, "%u %u %u", &in, &o, &c) == 3 && in == 0 && o == uid && c == 1,
           "uid_map %s", line);
    for (size_t i = 0; i < N_KINDS; i++) {
        uint64_t got = out_ns_id(out, NS_KINDS[i].name);
        if (types & NS_KINDS[i].type)
            CHECKF(got != 0 && got != ns_id_of(0, NS_KINDS[i].name), "%s not new",
                   NS_KINDS[i].name);
        else
            CHECKF(got == ns_id_of(0, NS_KINDS[i].name), "%s changed", NS_KINDS[i].name);
    }
    ns_spawn_attr_free(a);
}

int main(void)
{
    RUN(test_eight_threads_at_once);
    RUN(test_caller_holding_1gib);
    RUN(test_nobody_with_every_namespace);
    return check_summary();
}
