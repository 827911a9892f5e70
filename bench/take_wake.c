/*
 * What a pool take costs the spawn that follows it, and why: the same
 * sandbox spawn (user+pid+mnt+uts+ipc+cgroup+net, map_root, the no-op
 * program; spawn + waitpid) right after each of
 *   create         nothing;
 *   create+take    ns_pool_take of a set from a pool of size 1 that the
 *                  spawn does not use (the set kept open until the spawn
 *                  has ended), as pool_bench's create+drain;
 *   create+wake    a condition variable signalled to an idle thread of
 *                  this program, which then waits 2 ms on it (what a take
 *                  did before the pool's refill thread waited on a timer);
 *   create+timer   a timerfd, on which an idle thread of this program
 *                  waits, armed for 2 ms (what a take does now);
 * in a fresh random order every iteration, each after a 20 ms pause.
 * Medians in microseconds; the ratios to create with 95% paired bootstrap
 * intervals (bstat.h).
 *
 *   cc -O2 -Wall -Wextra -o bench/build/take_wake bench/take_wake.c \
 *      $(PKG_CONFIG_PATH=target/release pkg-config --cflags --libs linuxns) -lpthread
 *   LD_LIBRARY_PATH=target/release bench/build/take_wake bench/build/noop [iterations]
 *
 * (bench/run.sh pool builds bench/build/noop.)
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sys/timerfd.h>
#include <sys/wait.h>

#include "bstat.h"
#include "linuxns.h"

enum { CREATE, TAKE, WAKE, TIMER, NC };
static const char *names[NC] = {"create", "create+take", "create+wake", "create+timer"};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int go;

/* Woken by create+wake; then waits 2 ms on the condition variable. */
static void *waker_thread(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&mu);
    for (;;) {
        while (!go)
            pthread_cond_wait(&cv, &mu);
        go = 0;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 2000000;
        if (ts.tv_nsec >= 1000000000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&cv, &mu, &ts);
    }
    return NULL;
}

static int tfd;

/* Waits on the timerfd that create+timer arms. */
static void *timer_thread(void *unused)
{
    (void)unused;
    uint64_t x;
    while (read(tfd, &x, sizeof x) == sizeof x)
        ;
    return NULL;
}

static double spawn_once(const char *prog, ns_spawn_attr *a)
{
    char *argv[] = {"noop", NULL};
    int64_t t0 = now_ns();
    pid_t pid = ns_spawn(prog, argv, NULL, a, NULL);
    if (pid < 0)
        die("ns_spawn: %s", ns_last_error());
    int st;
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        die("the program failed: status 0x%x", st);
    return (double)(now_ns() - t0);
}

int main(int argc, char **argv)
{
    const char *prog = argc > 1 ? argv[1] : "bench/build/noop";
    int n = argc > 2 ? atoi(argv[2]) : 500;
    int types = NS_USER | NS_PID | NS_UTS | NS_IPC | NS_CGROUP | NS_NET;
    bench_name = "take_wake";
    ns_spawn_attr *a = ns_spawn_attr_new();
    if (!a || ns_spawn_attr_set_namespaces(a, types | NS_MNT) < 0 ||
        ns_spawn_attr_map_root(a) < 0)
        die("the attr: %s", ns_last_error());
    ns_pool *other = ns_pool_new(types, 1, 0);
    if (!other)
        die("ns_pool_new: %s", ns_last_error());
    tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
    pthread_t t1, t2;
    if (tfd < 0 || pthread_create(&t1, NULL, waker_thread, NULL) ||
        pthread_create(&t2, NULL, timer_thread, NULL))
        die("the helper threads: %s", strerror(errno));
    uint64_t seed = rng_seed();
    printf("take_wake: %s, %d iterations, seed %llu\n", prog, n, (unsigned long long)seed);
    usleep(300000);
    double *s[NC];
    for (int c = 0; c < NC; c++)
        s[c] = xcalloc(n, sizeof(double));
    for (int i = 0; i < n; i++) {
        int order[NC] = {CREATE, TAKE, WAKE, TIMER};
        shuffle(order, NC);
        for (int k = 0; k < NC; k++) {
            int c = order[k], fds[8], got = 0;
            usleep(20000);
            if (c == TAKE) {
                while ((got = ns_pool_take(other, fds)) == -EAGAIN)
                    usleep(1000);
                if (got < 0)
                    die("ns_pool_take: %s", ns_last_error());
            } else if (c == WAKE) {
                pthread_mutex_lock(&mu);
                go = 1;
                pthread_cond_signal(&cv);
                pthread_mutex_unlock(&mu);
            } else if (c == TIMER) {
                struct itimerspec it = {{0, 0}, {0, 2000000}};
                timerfd_settime(tfd, 0, &it, NULL);
            }
            s[c][i] = spawn_once(prog, a);
            for (int q = 0; q < got; q++)
                close(fds[q]);
        }
    }
    printf("median microseconds per spawn+wait:\n");
    for (int c = 0; c < NC; c++)
        printf("  %-13s %8.1f\n", names[c], median(s[c], n) / 1e3);
    printf("ratios of medians, [95%% paired bootstrap interval]:\n");
    for (int c = TAKE; c < NC; c++) {
        char what[64];
        snprintf(what, sizeof what, "%s / create", names[c]);
        ratio_line(what, s[c], s[CREATE], n, T_NONE, 0);
    }
    return 0;
}
