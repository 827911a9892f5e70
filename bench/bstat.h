/*
 * bstat.h: what the benchmark programs share (spawn_bench.c, list_bench.c,
 * ns_bench.c): the clock, the random order, medians, the paired bootstrap
 * interval of a ratio of medians, PASS/MISS decided on that interval, and
 * the machine line. Header-only; each program includes it once and sets
 * bench_name before calling anything here.
 *
 * Ratios: every ratio printed is median(a) / median(b) of two cells
 * measured in the same iterations, with a 95% percentile bootstrap
 * interval: BOOT resamples of the iterations with replacement (each
 * resampled iteration keeps its a and its b together), the ratio of
 * medians recomputed on each, the 2.5th and 97.5th percentiles of those.
 * A target "<= t" passes only when the whole interval is at or below t
 * (its upper bound), a target ">= t" only when the whole interval is at or
 * above t (its lower bound); the ratio itself never decides.
 *
 * BENCH_RATIOS_OUT (environment): when set, every ratio is also appended
 * to that file as one line "name<TAB>ratio<TAB>low<TAB>high" (run.sh
 * stability compares two runs with it).
 */
#ifndef BENCH_BSTAT_H
#define BENCH_BSTAT_H

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

/* not every program uses every function */
#define BSTAT_FN static __attribute__((unused))

static const char *bench_name = "bench";

BSTAT_FN void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", bench_name);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(2);
}

BSTAT_FN void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        die("calloc: %s", strerror(errno));
    return p;
}

BSTAT_FN int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---- randomness: splitmix64 -------------------------------------------- */

static uint64_t rng_state;

BSTAT_FN uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* uniform in [0, n) (the modulo bias is below 2^-40 for these n) */
BSTAT_FN int rng_below(int n)
{
    return (int)(rng_next() % (uint64_t)n);
}

/* BENCH_SEED, or a seed from getrandom; returned so it can be printed. */
BSTAT_FN uint64_t rng_seed(void)
{
    const char *env = getenv("BENCH_SEED");
    uint64_t seed;
    if (env && *env)
        seed = strtoull(env, NULL, 0);
    else if (getrandom(&seed, sizeof seed, 0) != sizeof seed)
        seed = (uint64_t)now_ns() ^ ((uint64_t)getpid() << 32);
    rng_state = seed;
    return seed;
}

/* Fisher-Yates */
BSTAT_FN void shuffle(int *a, int n)
{
    for (int i = n - 1; i > 0; i--) {
        int j = rng_below(i + 1);
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}

/* ---- quantiles ----------------------------------------------------------- */

BSTAT_FN int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* quantile q of n sorted values, linear interpolation */
BSTAT_FN double quantile_sorted(const double *s, int n, double q)
{
    double pos = q * (n - 1);
    int i = (int)pos;
    double f = pos - i;
    return i + 1 < n ? s[i] + f * (s[i + 1] - s[i]) : s[i];
}

struct q3 { double q1, med, q3; };

/* 25th, 50th, 75th percentile of a[0..n) (a is left untouched) */
BSTAT_FN struct q3 quartiles(const double *a, int n)
{
    double *s = xcalloc(n, sizeof *s);
    memcpy(s, a, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_double);
    struct q3 r = { quantile_sorted(s, n, 0.25), quantile_sorted(s, n, 0.5),
                    quantile_sorted(s, n, 0.75) };
    free(s);
    return r;
}

/* k-th smallest of a[0..n) (Hoare quickselect, reorders a) */
BSTAT_FN double select_k(double *a, int n, int k)
{
    int lo = 0, hi = n - 1;
    while (lo < hi) {
        double pivot = a[lo + rng_below(hi - lo + 1)];
        int i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i <= j) {
                double t = a[i];
                a[i++] = a[j];
                a[j--] = t;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            break;
    }
    return a[k];
}

/* median of a[0..n), equal to quantile_sorted(.., 0.5) (reorders a) */
BSTAT_FN double median_of(double *a, int n)
{
    int k = (n - 1) / 2;
    double lo = select_k(a, n, k);
    if (n % 2)
        return lo;
    double hi = a[k + 1]; /* everything after k is >= a[k] now */
    for (int i = k + 2; i < n; i++)
        if (a[i] < hi)
            hi = a[i];
    return (lo + hi) / 2;
}

BSTAT_FN double median(const double *a, int n)
{
    double *c = xcalloc(n, sizeof *c);
    memcpy(c, a, n * sizeof *c);
    double m = median_of(c, n);
    free(c);
    return m;
}

/* ---- the paired bootstrap ----------------------------------------------- */

#define BOOT 2000

/* 95% percentile bootstrap interval of median(a) / median(b); a[i] and b[i]
 * come from the same iteration i and are resampled together. */
BSTAT_FN void boot_ci(const double *a, const double *b, int n, double *lo, double *hi)
{
    static double r[BOOT];
    double *ba = xcalloc(n, sizeof *ba), *bb = xcalloc(n, sizeof *bb);
    for (int k = 0; k < BOOT; k++) {
        for (int i = 0; i < n; i++) {
            int j = rng_below(n);
            ba[i] = a[j];
            bb[i] = b[j];
        }
        r[k] = median_of(ba, n) / median_of(bb, n);
    }
    free(ba);
    free(bb);
    qsort(r, BOOT, sizeof(double), cmp_double);
    *lo = r[(int)(0.025 * BOOT)];
    *hi = r[(int)(0.975 * BOOT) - 1];
}

/* ---- ratios, targets ----------------------------------------------------- */

enum { T_NONE, T_LE, T_GE };
static int passes, misses;

/*
 * Prints "what  ratio  [low, high]" and, with a target, PASS or MISS
 * decided on the interval's far bound (upper for <=, lower for >=).
 */
BSTAT_FN void ratio_line(const char *what, const double *a, const double *b, int n,
                       int kind, double target)
{
    double r = median(a, n) / median(b, n), lo, hi;
    boot_ci(a, b, n, &lo, &hi);
    char ci[48];
    snprintf(ci, sizeof ci, "[%.3f, %.3f]", lo, hi);
    const char *out = getenv("BENCH_RATIOS_OUT");
    if (out && *out) {
        FILE *f = fopen(out, "a");
        if (!f)
            die("open %s: %s", out, strerror(errno));
        fprintf(f, "%s\t%.4f\t%.4f\t%.4f\n", what, r, lo, hi);
        fclose(f);
    }
    if (kind == T_NONE) {
        printf("  %-44s %8.3f  %s\n", what, r, ci);
        return;
    }
    double bound = kind == T_LE ? hi : lo;
    int ok = kind == T_LE ? bound <= target : bound >= target;
    ok ? passes++ : misses++;
    printf("  %-44s %8.3f  %-18s target %s %-5g %s (%s bound %.3f)\n", what, r, ci,
           kind == T_LE ? "<=" : ">=", target, ok ? "PASS" : "MISS",
           kind == T_LE ? "upper" : "lower", bound);
}

/* ---- the machine ---------------------------------------------------------- */

BSTAT_FN void read_first_line(const char *path, char *buf, size_t n)
{
    FILE *f = fopen(path, "r");
    snprintf(buf, n, "?");
    if (f) {
        if (fgets(buf, (int)n, f))
            buf[strcspn(buf, "\n")] = 0;
        fclose(f);
    }
}

/* "machine: ..." with the date, the load and the library's version */
BSTAT_FN void print_machine(const char *version)
{
    char cpu[256] = "?", line[512], rel[128], thp[128], load[128];
    FILE *f = fopen("/proc/cpuinfo", "r");
    while (f && fgets(line, sizeof line, f)) {
        char *p = strchr(line, ':');
        if (strncmp(line, "model name", 10) == 0 && p) {
            snprintf(cpu, sizeof cpu, "%s", p + 2);
            cpu[strcspn(cpu, "\n")] = 0;
            break;
        }
    }
    if (f)
        fclose(f);
    read_first_line("/proc/sys/kernel/osrelease", rel, sizeof rel);
    read_first_line("/sys/kernel/mm/transparent_hugepage/enabled", thp, sizeof thp);
    read_first_line("/proc/loadavg", load, sizeof load);
    time_t t = time(NULL);
    char date[64];
    strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", gmtime(&t));
    printf("machine: %ld cpus, kernel %s, CPU %s, THP %s, euid %d; %s; liblinuxns %s\n"
           "load at start (/proc/loadavg): %s\n",
           sysconf(_SC_NPROCESSORS_ONLN), rel, cpu, thp, (int)geteuid(), date, version, load);
}

#endif
