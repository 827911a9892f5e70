/*
 * list_bench: ns_list against the same survey written in C without the
 * library, and against lsns(8), in wall time and in CPU time.
 *
 * Contenders, each listing every namespace of the system once:
 *   ns_list  ns_list(0, cb, arg) in here; cb counts
 *   reader   the C reader below, in here, calling the same cb: what
 *            ns_list does (src/survey.rs, list), done directly:
 *            - readlink /proc/self (is /proc ours?)
 *            - the pids: getdents64 over /proc
 *            - per pid: open /proc/PID/ns, readlinkat each type's link
 *              ("net:[N]" -> id; by path when the directory may not be
 *              opened), counting processes and the lowest pid per (type,
 *              id); with 128 pids or more the pids are split over
 *              min(CPUs available, 4) threads, as ns_list splits them
 *            - nsfs bind mounts from /proc/self/mountinfo (open, fstatfs,
 *              NS_GET_NSTYPE, fstat), for namespaces no process is in
 *            - per namespace: open it (its /proc/PID/ns link or its
 *              mount), fstat (still the same id?), NS_GET_USERNS + fstat
 *              (userns_id), NS_GET_PARENT + fstat for pid and user
 *              namespaces (parent_id), NS_GET_OWNER_UID (owner_uid)
 *            - sorted by (type, id), one cb call per namespace
 *   lsns     `lsns -r -n`, posix_spawn, stdout to /dev/null, waitpid
 *
 * Before measuring, the reader's answer must equal ns_list's field by
 * field (every struct ns_info), and both and lsns must see the holders'
 * 75 extra uts namespaces.
 *
 * Every iteration runs the three once, in an order shuffled afresh. Wall
 * time: CLOCK_MONOTONIC around the call. CPU time:
 * CLOCK_PROCESS_CPUTIME_ID of this process around the call (every thread,
 * ns_list's and the reader's workers included), plus, for lsns, the
 * growth of getrusage(RUSAGE_CHILDREN) user+system time (lsns, reaped).
 *
 * usage: list_bench LSNS [N]
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <linuxns.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "bstat.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

extern char **environ;

#define HOLDER_NS 75 /* extra uts namespaces, two processes in each */
#define WARMUP 3

static const char *lsns_path;

static int wait_status(pid_t pid, const char *who)
{
    int st;
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR)
            die("%s: waitpid: %s", who, strerror(errno));
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
}

/* posix_spawn + waitpid; stdout to out_fd (or /dev/null when -1). */
static int run_prog(const char *path, char *const argv[], int out_fd)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (out_fd >= 0)
        posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
    else
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int rc = posix_spawn(&pid, path, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc)
        die("posix_spawn %s: %s", path, strerror(rc));
    return wait_status(pid, path);
}

/* ---- holders: extra processes in extra namespaces ----------------------- */

static pid_t holders[2 * HOLDER_NS];
static int nholders;

/* A child that joins (join_pid > 0) or creates (0) a uts namespace, says so
 * on a pipe and waits to be killed (or dies with us). */
static pid_t holder(pid_t join_pid)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC))
        die("pipe2: %s", strerror(errno));
    pid_t pid = fork();
    if (pid < 0)
        die("fork: %s", strerror(errno));
    if (pid == 0) {
        char ok = 1;
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (join_pid > 0) {
            char path[64];
            snprintf(path, sizeof path, "/proc/%d/ns/uts", (int)join_pid);
            int fd = open(path, O_RDONLY | O_CLOEXEC);
            if (fd < 0 || setns(fd, CLONE_NEWUTS))
                ok = 0;
        } else if (unshare(CLONE_NEWUTS)) {
            ok = 0;
        }
        if (write(p[1], &ok, 1) != 1)
            _exit(1);
        for (;;)
            pause();
    }
    close(p[1]);
    char ok = 0;
    if (read(p[0], &ok, 1) != 1 || !ok)
        die("holder %d did not get its uts namespace", (int)pid);
    close(p[0]);
    holders[nholders++] = pid;
    return pid;
}

static void holders_start(void)
{
    for (int i = 0; i < HOLDER_NS; i++)
        holder(holder(0));
}

static void holders_stop(void)
{
    for (int i = 0; i < nholders; i++)
        kill(holders[i], SIGKILL);
    for (int i = 0; i < nholders; i++)
        wait_status(holders[i], "holder");
    nholders = 0;
}

/* ---- the C reader ---------------------------------------------------------- */

/* ns_list's order of the links read per process: user first, then the
 * others as the kernel lists them (src/types.rs, NsType::in_mask). */
static const struct { const char *name; int type; } ns_types[] = {
    { "user", CLONE_NEWUSER }, { "cgroup", CLONE_NEWCGROUP }, { "ipc", CLONE_NEWIPC },
    { "mnt", CLONE_NEWNS },    { "net", CLONE_NEWNET },       { "pid", CLONE_NEWPID },
    { "time", CLONE_NEWTIME }, { "uts", CLONE_NEWUTS },
};
#define NTYPES 8

static const char *type_name(int type)
{
    for (int i = 0; i < NTYPES; i++)
        if (ns_types[i].type == type)
            return ns_types[i].name;
    return "?";
}

/* (type, id) -> ns_info, open addressing */
struct table {
    struct ns_info *v;
    char **mount; /* per slot: the nsfs mount to open it by, or NULL */
    int cap, n;
};

static void table_init(struct table *t, int cap)
{
    t->cap = cap;
    t->n = 0;
    t->v = xcalloc(cap, sizeof *t->v);
    t->mount = xcalloc(cap, sizeof *t->mount);
}

static void table_free(struct table *t)
{
    for (int i = 0; i < t->cap; i++)
        free(t->mount[i]);
    free(t->v);
    free(t->mount);
}

static unsigned slot_of(const struct table *t, int type, uint64_t id)
{
    uint64_t h = (id ^ ((uint64_t)type << 40)) * 0x9e3779b97f4a7c15ULL;
    unsigned i = (unsigned)(h >> 32) & (t->cap - 1);
    while (t->v[i].type && !(t->v[i].type == type && t->v[i].id == id))
        i = (i + 1) & (t->cap - 1);
    return i;
}

static struct ns_info *table_get(struct table *t, int type, uint64_t id, int *fresh);

static void table_grow(struct table *t)
{
    struct table n;
    table_init(&n, t->cap * 2);
    for (int i = 0; i < t->cap; i++)
        if (t->v[i].type) {
            unsigned j = slot_of(&n, t->v[i].type, t->v[i].id);
            n.v[j] = t->v[i];
            n.mount[j] = t->mount[i];
            n.n++;
        }
    free(t->v);
    free(t->mount);
    *t = n;
}

static struct ns_info *table_get(struct table *t, int type, uint64_t id, int *fresh)
{
    if (2 * (t->n + 1) > t->cap)
        table_grow(t);
    unsigned i = slot_of(t, type, id);
    *fresh = !t->v[i].type;
    if (*fresh) {
        memset(&t->v[i], 0, sizeof t->v[i]);
        t->v[i].type = type;
        t->v[i].id = id;
        t->n++;
    }
    return &t->v[i];
}

/* "net:[4026531840]" -> 4026531840 */
static int parse_link(const char *s, ssize_t n, uint64_t *id)
{
    const char *open = memchr(s, '[', n);
    if (!open || open == s || open[-1] != ':' || s[n - 1] != ']' || open + 1 >= s + n - 1)
        return -1;
    uint64_t v = 0;
    for (const char *p = open + 1; p < s + n - 1; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    *id = v;
    return 0;
}

static int resource_error(int e)
{
    return e == EMFILE || e == ENFILE || e == ENOMEM;
}

struct scan_job {
    const int *pids;
    int n;
    struct table found;
    int err; /* errno of a resource error, or 0 */
};

static void *scan(void *p)
{
    struct scan_job *j = p;
    table_init(&j->found, 256);
    char path[64], buf[64];
    for (int k = 0; k < j->n; k++) {
        int pid = j->pids[k];
        snprintf(path, sizeof path, "/proc/%d/ns", pid);
        int dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dir < 0) {
            if (resource_error(errno)) {
                j->err = errno;
                return NULL;
            }
            if (errno != EACCES) /* gone, or not ours to see */
                continue;
        }
        for (int i = 0; i < NTYPES; i++) {
            ssize_t n;
            if (dir >= 0) {
                n = readlinkat(dir, ns_types[i].name, buf, sizeof buf);
            } else {
                char lp[80];
                snprintf(lp, sizeof lp, "/proc/%d/ns/%s", pid, ns_types[i].name);
                n = readlink(lp, buf, sizeof buf);
            }
            uint64_t id;
            if (n <= 0 || parse_link(buf, n, &id) != 0)
                continue;
            int fresh;
            struct ns_info *e = table_get(&j->found, ns_types[i].type, id, &fresh);
            if (fresh)
                e->pid = pid;
            e->nprocs++;
            if (pid < e->pid)
                e->pid = pid;
        }
        if (dir >= 0)
            close(dir);
    }
    return NULL;
}

/* What std::thread::available_parallelism says here, at most 4: the CPUs
 * this process may run on. (It would also honour a cgroup CPU quota; the
 * number used is printed, and compared with ns_list's threads below.) */
static int scan_workers(int npids)
{
    if (npids < 128)
        return 1;
    cpu_set_t set;
    int n = 1;
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        n = CPU_COUNT(&set);
    return n < 1 ? 1 : n > 4 ? 4 : n;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo */
static void unescape(char *s)
{
    char *o = s;
    for (char *p = s; *p;) {
        if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' &&
            p[3] >= '0' && p[3] <= '7') {
            *o++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
            p += 4;
        } else {
            *o++ = *p++;
        }
    }
    *o = 0;
}

static int cmp_info(const void *a, const void *b)
{
    const struct ns_info *x = a, *y = b;
    if (x->type != y->type)
        return x->type < y->type ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

static int last_workers;

/* The reader: as ns_list(0, cb, arg). Returns the count, or -errno. */
static int reader_list(ns_list_cb cb, void *arg)
{
    char buf[32];
    ssize_t n = readlink("/proc/self", buf, sizeof buf - 1);
    if (n <= 0)
        return -ENOENT;
    buf[n] = 0;
    if (atoi(buf) != getpid())
        return -EOPNOTSUPP;

    /* pids */
    int dfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return -errno;
    int cap = 1024, npids = 0;
    int *pids = xcalloc(cap, sizeof *pids);
    static char dbuf[32 * 1024];
    for (;;) {
        long got = syscall(SYS_getdents64, dfd, dbuf, sizeof dbuf);
        if (got < 0) {
            int e = errno;
            close(dfd);
            free(pids);
            return -e;
        }
        if (got == 0)
            break;
        for (long off = 0; off < got;) {
            struct dirent64 *d = (struct dirent64 *)(dbuf + off);
            off += d->d_reclen;
            const char *name = d->d_name;
            if (*name < '0' || *name > '9')
                continue;
            int v = 0, ok = 1;
            for (const char *c = name; *c; c++) {
                if (*c < '0' || *c > '9') {
                    ok = 0;
                    break;
                }
                v = v * 10 + (*c - '0');
            }
            if (!ok)
                continue;
            if (npids == cap) {
                cap *= 2;
                pids = realloc(pids, cap * sizeof *pids);
                if (!pids)
                    die("realloc: %s", strerror(errno));
            }
            pids[npids++] = v;
        }
    }
    close(dfd);

    /* the scan, over the workers */
    int workers = scan_workers(npids);
    last_workers = workers;
    struct scan_job jobs[4];
    int chunk = (npids + workers - 1) / workers;
    if (chunk < 1)
        chunk = 1;
    int njobs = 0;
    for (int off = 0; off < npids || njobs == 0; off += chunk) {
        int len = npids - off < chunk ? npids - off : chunk;
        jobs[njobs++] = (struct scan_job){ pids + off, len < 0 ? 0 : len, { 0 }, 0 };
        if (off + chunk >= npids)
            break;
    }
    if (workers == 1) {
        scan(&jobs[0]);
    } else {
        pthread_t th[4];
        int started[4] = { 0 };
        for (int i = 0; i < njobs; i++)
            started[i] = pthread_create(&th[i], NULL, scan, &jobs[i]) == 0;
        for (int i = 0; i < njobs; i++) {
            if (started[i])
                pthread_join(th[i], NULL);
            else
                scan(&jobs[i]);
        }
    }
    free(pids);
    struct table all;
    table_init(&all, 256);
    int err = 0;
    for (int i = 0; i < njobs; i++) {
        if (jobs[i].err)
            err = jobs[i].err;
        struct table *t = &jobs[i].found;
        for (int k = 0; k < t->cap; k++) {
            if (!t->v[k].type)
                continue;
            int fresh;
            struct ns_info *e = table_get(&all, t->v[k].type, t->v[k].id, &fresh);
            if (fresh)
                e->pid = t->v[k].pid;
            e->nprocs += t->v[k].nprocs;
            if (t->v[k].pid < e->pid)
                e->pid = t->v[k].pid;
        }
        table_free(t);
    }
    if (err) {
        table_free(&all);
        return -err;
    }

    /* nsfs bind mounts */
    FILE *mi = fopen("/proc/self/mountinfo", "re");
    if (!mi) {
        table_free(&all);
        return -errno;
    }
    char *line = NULL;
    size_t lcap = 0;
    while (getline(&line, &lcap, mi) > 0) {
        char *sep = strstr(line, " - ");
        if (!sep || strncmp(sep + 3, "nsfs ", 5) != 0)
            continue;
        *sep = 0;
        char *save = NULL, *mp = NULL, *tok = strtok_r(line, " ", &save);
        for (int f = 0; tok && f < 4; f++)
            tok = strtok_r(NULL, " ", &save);
        mp = tok;
        if (!mp)
            continue;
        unescape(mp);
        int fd = open(mp, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
            continue;
        struct statfs sf;
        struct stat st;
        int type = 0;
        if (fstatfs(fd, &sf) == 0 && sf.f_type == NSFS_MAGIC && fstat(fd, &st) == 0)
            type = ioctl(fd, NS_GET_NSTYPE);
        close(fd);
        if (type <= 0)
            continue;
        int fresh;
        struct ns_info *e = table_get(&all, type, st.st_ino, &fresh);
        if (fresh)
            all.mount[e - all.v] = strdup(mp);
    }
    free(line);
    fclose(mi);

    /* details */
    struct ns_info *out = xcalloc(all.n, sizeof *out);
    int nout = 0;
    for (int k = 0; k < all.cap; k++) {
        struct ns_info *e = &all.v[k];
        if (!e->type)
            continue;
        char path[80];
        const char *open_path = all.mount[k];
        if (!open_path) {
            snprintf(path, sizeof path, "/proc/%d/ns/%s", e->pid, type_name(e->type));
            open_path = path;
        }
        int fd = open(open_path, O_RDONLY | O_CLOEXEC);
        struct stat st;
        if (fd >= 0 && fstat(fd, &st) == 0 && st.st_ino == e->id) {
            int u = ioctl(fd, NS_GET_USERNS);
            if (u >= 0 && fstat(u, &st) == 0)
                e->userns_id = st.st_ino;
            if (e->type == CLONE_NEWPID || e->type == CLONE_NEWUSER) {
                int p = ioctl(fd, NS_GET_PARENT);
                if (p >= 0) {
                    if (fstat(p, &st) == 0)
                        e->parent_id = st.st_ino;
                    close(p);
                }
            }
            uid_t uid = 0;
            int of = e->type == CLONE_NEWUSER ? fd : u;
            if (of >= 0 && ioctl(of, NS_GET_OWNER_UID, &uid) == 0)
                e->owner_uid = uid;
            if (u >= 0)
                close(u);
        } else if (fd < 0 && resource_error(errno)) {
            err = errno;
        }
        if (fd >= 0)
            close(fd);
        out[nout++] = *e;
    }
    table_free(&all);
    if (err) {
        free(out);
        return -err;
    }
    qsort(out, nout, sizeof *out, cmp_info);
    int count = 0;
    for (int i = 0; i < nout; i++) {
        count++;
        if (cb(&out[i], arg))
            break;
    }
    free(out);
    return count;
}

/* ---- the check: the same answer ------------------------------------------ */

struct collect {
    struct ns_info *v;
    int n, cap;
};

static int collect_cb(const struct ns_info *info, void *arg)
{
    struct collect *c = arg;
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 256;
        c->v = realloc(c->v, c->cap * sizeof *c->v);
        if (!c->v)
            die("realloc: %s", strerror(errno));
    }
    c->v[c->n++] = *info;
    return 0;
}

static int same_info(const struct ns_info *a, const struct ns_info *b)
{
    return a->id == b->id && a->userns_id == b->userns_id && a->parent_id == b->parent_id &&
           a->type == b->type && a->nprocs == b->nprocs && a->pid == b->pid &&
           a->owner_uid == b->owner_uid;
}

static void print_info(const char *who, const struct ns_info *i)
{
    fprintf(stderr, "  %-8s %-6s id %llu userns %llu parent %llu nprocs %u pid %d uid %u\n",
            who, type_name(i->type), (unsigned long long)i->id,
            (unsigned long long)i->userns_id, (unsigned long long)i->parent_id, i->nprocs,
            i->pid, i->owner_uid);
}

/* ns_list and the reader, one after the other, must agree on every field
 * (other processes come and go meanwhile: up to 20 tries). */
static int check_same(void)
{
    for (int attempt = 1; attempt <= 20; attempt++) {
        struct collect a = { 0 }, b = { 0 };
        int ra = ns_list(0, collect_cb, &a);
        int rb = reader_list(collect_cb, &b);
        if (ra < 0)
            die("ns_list: %d (%s)", ra, ns_last_error());
        if (rb < 0)
            die("reader: %s", strerror(-rb));
        int same = a.n == b.n;
        for (int i = 0; same && i < a.n; i++)
            same = same_info(&a.v[i], &b.v[i]);
        if (same) {
            free(a.v);
            free(b.v);
            return a.n;
        }
        if (attempt == 20) {
            fprintf(stderr, "list_bench: ns_list (%d) and the reader (%d) differ:\n", a.n, b.n);
            int i = 0, j = 0, shown = 0;
            while ((i < a.n || j < b.n) && shown < 20) {
                int c = i >= a.n ? 1 : j >= b.n ? -1 : cmp_info(&a.v[i], &b.v[j]);
                if (c == 0) {
                    if (!same_info(&a.v[i], &b.v[j])) {
                        print_info("ns_list", &a.v[i]);
                        print_info("reader", &b.v[j]);
                        shown++;
                    }
                    i++, j++;
                } else if (c < 0) {
                    print_info("ns_list", &a.v[i++]);
                    shown++;
                } else {
                    print_info("reader", &b.v[j++]);
                    shown++;
                }
            }
            die("check: the reader does not give ns_list's answer");
        }
        free(a.v);
        free(b.v);
    }
    return 0;
}

/* ---- contenders ------------------------------------------------------------- */

enum { L_LIB, L_READER, L_LSNS, NL };
static const char *l_name[NL] = { "ns_list", "reader", "lsns" };

struct counts { int all, uts; };

static int count_cb(const struct ns_info *info, void *arg)
{
    struct counts *c = arg;
    c->all++;
    c->uts += info->type == CLONE_NEWUTS;
    return 0;
}

static char *lsns_argv[] = { "lsns", "-r", "-n", NULL };

static int64_t cpu_self_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t cpu_children_ns(void)
{
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    return ((int64_t)ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000 +
           ((int64_t)ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000;
}

/* one run: wall and CPU nanoseconds; the counts (NULL for lsns) */
static void run_one(int c, int64_t *wall, int64_t *cpu, struct counts *cnt)
{
    struct counts k = { 0, 0 };
    int64_t c0 = cpu_self_ns(), ch0 = cpu_children_ns(), t0 = now_ns();
    int rc = 0;
    switch (c) {
    case L_LIB: rc = ns_list(0, count_cb, &k); break;
    case L_READER: rc = reader_list(count_cb, &k); break;
    default: rc = run_prog(lsns_path, lsns_argv, -1); break;
    }
    int64_t t1 = now_ns(), c1 = cpu_self_ns(), ch1 = cpu_children_ns();
    *wall = t1 - t0;
    *cpu = (c1 - c0) + (ch1 - ch0);
    if (c == L_LSNS) {
        if (rc != 0)
            die("lsns -r -n ended with status %d", rc);
    } else if (rc < 0 || rc != k.all) {
        die("%s: %d (%s)", l_name[c], rc, c == L_LIB ? ns_last_error() : strerror(-rc));
    }
    if (cnt)
        *cnt = k;
}

/* lsns's own count, from its output: lines, and lines of type uts. */
static struct counts lsns_counts(void)
{
    FILE *f = tmpfile();
    if (!f)
        die("tmpfile: %s", strerror(errno));
    if (run_prog(lsns_path, lsns_argv, fileno(f)) != 0)
        die("lsns -r -n failed");
    rewind(f);
    struct counts c = { 0, 0 };
    char line[1024], type[32];
    while (fgets(line, sizeof line, f)) {
        c.all++;
        if (sscanf(line, "%*s %31s", type) == 1 && strcmp(type, "uts") == 0)
            c.uts++;
    }
    fclose(f);
    return c;
}

static int count_pids(void)
{
    DIR *d = opendir("/proc");
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += e->d_name[0] >= '1' && e->d_name[0] <= '9';
    if (d)
        closedir(d);
    return n;
}

/* Threads of this process named linuxns-scan while ns_list runs, seen
 * from a thread of ours: the number ns_list really starts. */
static volatile int watching, max_scan_threads;

static void *watch_threads(void *p)
{
    (void)p;
    while (watching) {
        DIR *d = opendir("/proc/self/task");
        int n = 0;
        struct dirent *e;
        while (d && (e = readdir(d))) {
            if (e->d_name[0] == '.')
                continue;
            char path[300], comm[64] = "";
            snprintf(path, sizeof path, "/proc/self/task/%s/comm", e->d_name);
            read_first_line(path, comm, sizeof comm);
            n += strcmp(comm, "linuxns-scan") == 0;
        }
        if (d)
            closedir(d);
        if (n > max_scan_threads)
            max_scan_threads = n;
    }
    return NULL;
}

/* The most seen at once, over up to 200 calls (until `want` is seen). */
static int lib_threads(int want)
{
    pthread_t t;
    watching = 1;
    max_scan_threads = 0;
    if (pthread_create(&t, NULL, watch_threads, NULL) != 0)
        return -1;
    for (int i = 0; i < 200 && max_scan_threads < want; i++) {
        struct counts k = { 0, 0 };
        ns_list(0, count_cb, &k);
    }
    watching = 0;
    pthread_join(t, NULL);
    return max_scan_threads;
}

int main(int argc, char **argv)
{
    bench_name = "list_bench";
    if (argc != 2 && argc != 3) {
        fprintf(stderr, "usage: %s LSNS [N]\n", argv[0]);
        return 2;
    }
    lsns_path = argv[1];
    int n = argc == 3 ? atoi(argv[2]) : 200;
    if (n < 2)
        die("the iteration count must be >= 2");
    if (geteuid() != 0)
        die("run as root (every process's namespaces)");
    signal(SIGPIPE, SIG_IGN);
    uint64_t seed = rng_seed();

    print_machine(ns_version());
    printf("lsns: %s\n", lsns_path);
    printf("iterations: %d (+%d warm-up, not counted), ns_list, reader and lsns once each "
           "per iteration, in an order shuffled afresh for every iteration "
           "(BENCH_SEED=%llu)\n", n, WARMUP, (unsigned long long)seed);

    int64_t w, c;
    struct counts base_lib, base_reader;
    run_one(L_LIB, &w, &c, &base_lib);
    run_one(L_READER, &w, &c, &base_reader);
    struct counts base_lsns = lsns_counts();
    holders_start();
    struct counts lib, reader, lsns = lsns_counts();
    run_one(L_LIB, &w, &c, &lib);
    run_one(L_READER, &w, &c, &reader);
    printf("holders: %d extra processes in %d extra uts namespaces\n", nholders, HOLDER_NS);
    printf("  namespaces seen before: ns_list %d (uts %d), reader %d (uts %d), lsns %d (uts %d)\n"
           "  with the holders:      ns_list %d (uts %d), reader %d (uts %d), lsns %d (uts %d)\n",
           base_lib.all, base_lib.uts, base_reader.all, base_reader.uts, base_lsns.all,
           base_lsns.uts, lib.all, lib.uts, reader.all, reader.uts, lsns.all, lsns.uts);
    if (lib.uts - base_lib.uts != HOLDER_NS || reader.uts - base_reader.uts != HOLDER_NS ||
        lsns.uts - base_lsns.uts != HOLDER_NS)
        die("check: a contender did not see the %d extra uts namespaces", HOLDER_NS);
    int same = check_same();
    int npids = count_pids();
    /* ns_list scans on the calling thread when one worker would do */
    int want = scan_workers(npids) > 1 ? scan_workers(npids) : 0;
    int lt = lib_threads(want);
    printf("check: the reader's answer equals ns_list's, every field of all %d namespaces\n"
           "threads: %d processes; the reader scans with %d thread(s) (>= 128 pids: "
           "min(CPUs, 4)); ns_list was seen with %d linuxns-scan thread(s) at once\n",
           same, npids, scan_workers(npids), lt);
    if (lt != want)
        die("check: ns_list was seen with %d scan threads, the reader would use %d", lt,
            want);
    fflush(stdout);

    double *wall[NL], *cpu[NL];
    for (int k = 0; k < NL; k++) {
        wall[k] = xcalloc(n, sizeof(double));
        cpu[k] = xcalloc(n, sizeof(double));
    }
    int order[NL];
    int64_t t0 = now_ns();
    for (int i = -WARMUP; i < n; i++) {
        for (int k = 0; k < NL; k++)
            order[k] = k;
        shuffle(order, NL);
        for (int k = 0; k < NL; k++) {
            int ct = order[k];
            run_one(ct, &w, &c, NULL);
            if (i >= 0) {
                wall[ct][i] = w / 1000.0;
                cpu[ct][i] = c / 1000.0;
            }
        }
    }
    printf("measured in %.0f s\n", (now_ns() - t0) / 1e9);
    holders_stop();

    printf("\nlist     ns_list(0, cb, arg)\n"
           "reader   the same survey in C, no library (same fields, same threads)\n"
           "lsns     lsns -r -n (spawned, output to /dev/null, waited for)\n\n");
    printf("%-8s %10s %17s %10s %17s\n", "", "wall us", "wall IQR", "CPU us", "CPU IQR");
    for (int k = 0; k < NL; k++) {
        struct q3 a = quartiles(wall[k], n), b = quartiles(cpu[k], n);
        char ia[48], ib[48];
        snprintf(ia, sizeof ia, "%.1f-%.1f", a.q1, a.q3);
        snprintf(ib, sizeof ib, "%.1f-%.1f", b.q1, b.q3);
        printf("%-8s %10.1f %17s %10.1f %17s\n", l_name[k], a.med, ia, b.med, ib);
    }
    printf("(medians; IQR 25th-75th percentile; CPU = this process's CPU time, all its "
           "threads, + lsns's)\n");

    printf("\nratios of medians, [95%% paired bootstrap interval] (%d resamples of the %d "
           "iterations);\nPASS/MISS on the interval: >= on its lower bound:\n", BOOT, n);
    ratio_line("wall: lsns / ns_list", wall[L_LSNS], wall[L_LIB], n, T_GE, 5);
    ratio_line("wall: ns_list / reader", wall[L_LIB], wall[L_READER], n, T_NONE, 0);
    ratio_line("wall: lsns / reader", wall[L_LSNS], wall[L_READER], n, T_NONE, 0);
    ratio_line("CPU:  lsns / ns_list", cpu[L_LSNS], cpu[L_LIB], n, T_NONE, 0);
    ratio_line("CPU:  ns_list / reader", cpu[L_LIB], cpu[L_READER], n, T_NONE, 0);
    ratio_line("CPU:  lsns / reader", cpu[L_LSNS], cpu[L_READER], n, T_NONE, 0);
    ratio_line("ns_list: CPU / wall", cpu[L_LIB], wall[L_LIB], n, T_NONE, 0);
    ratio_line("reader:  CPU / wall", cpu[L_READER], wall[L_READER], n, T_NONE, 0);
    printf("\ntargets: %d PASS, %d MISS\n", passes, misses);
    return 0;
}
