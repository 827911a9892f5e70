/*
 * check_list.h - helpers of the ns_list_ex tests (test_survey_ex.c,
 * test_survey_ex_paths.c): collecting a listing, what /proc shows of a
 * namespace without the library, helper children that hold namespaces.
 */
#ifndef LINUXNS_CHECK_LIST_H
#define LINUXNS_CHECK_LIST_H

#include "check.h"
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>

/* ---- collecting a listing ---------------------------------------------- */

struct list_buf {
    struct ns_info *v;
    size_t n, cap;
    int calls, stop_after; /* stop_after > 0: return 1 on that call */
};

static inline int collect(const struct ns_info *info, void *arg)
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

static inline int list_into(struct list_buf *b, int types, unsigned flags)
{
    b->n = 0;
    b->calls = 0;
    int n = (int)CHECK_OK(ns_list_ex(types, flags, collect, b));
    CHECK(n < 0 || (n == b->calls && (size_t)n == b->n));
    return n;
}

static inline const struct ns_info *find_info(const struct list_buf *b, int type, uint64_t id)
{
    for (size_t i = 0; i < b->n; i++)
        if (b->v[i].type == type && b->v[i].id == id)
            return &b->v[i];
    return NULL;
}

static inline bool same_info(const struct ns_info *a, const struct ns_info *b)
{
    return a->id == b->id && a->type == b->type && a->userns_id == b->userns_id &&
           a->parent_id == b->parent_id && a->nprocs == b->nprocs && a->pid == b->pid &&
           a->owner_uid == b->owner_uid;
}

/* The same namespace, whatever its process count and first pid (which
 * move with every process that starts or ends elsewhere). */
static inline bool same_identity(const struct ns_info *a, const struct ns_info *b)
{
    return a->id == b->id && a->type == b->type && a->userns_id == b->userns_id &&
           a->parent_id == b->parent_id && a->owner_uid == b->owner_uid;
}

static inline void print_info(const char *what, const struct ns_info *i)
{
    fprintf(stderr, "    %s %s:[%" PRIu64 "] userns %" PRIu64 " parent %" PRIu64
            " nprocs %u pid %d uid %u\n", what, ns_type_name(i->type), i->id, i->userns_id,
            i->parent_id, i->nprocs, i->pid, i->owner_uid);
}

/* ---- what the kernel shows, read without the library --------------------- */

/* The pid of a process or thread whose /proc link `name` shows `id`; 0 if none. */
static inline pid_t task_in(const char *name, uint64_t id)
{
    DIR *d = opendir("/proc");
    REQUIRE(d != NULL);
    pid_t found = 0;
    struct dirent *e;
    while (!found && (e = readdir(d)) != NULL) {
        int pid = atoi(e->d_name);
        if (pid <= 0)
            continue;
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/task", pid);
        DIR *t = opendir(path);
        if (!t)
            continue;
        struct dirent *te;
        while (!found && (te = readdir(t)) != NULL) {
            int tid = atoi(te->d_name);
            char link[96];
            snprintf(link, sizeof link, "/proc/%d/task/%d/ns/%s", pid, tid, name);
            if (tid > 0 && parse_ns_link(link) == id)
                found = pid;
        }
        closedir(t);
    }
    closedir(d);
    return found;
}

/* Is an nsfs mount of namespace `id` in this mountinfo? */
static inline bool mounted_in(const char *mountinfo, uint64_t id)
{
    static char text[1 << 18];
    if (read_file(mountinfo, text, sizeof text) < 0)
        return false;
    char want[40];
    snprintf(want, sizeof want, ":[%" PRIu64 "] ", id);
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
        if (strstr(line, " - nsfs ") && strstr(line, want))
            return true;
    return false;
}

/* A namespace no process or thread is in, bound nowhere in our mount
 * namespace: only what the case set up keeps it. */
static inline void require_unheld(const char *name, uint64_t id)
{
    REQUIRE(id != 0);
    pid_t p = task_in(name, id);
    CHECKF(p == 0, "%s:[%" PRIu64 "] has process %d in it", name, id, (int)p);
    CHECKF(!mounted_in("/proc/self/mountinfo", id), "%s:[%" PRIu64 "] is bind-mounted here",
           name, id);
}

/* The namespace is in the NS_LIST_ALL listing with no process, and ns_list
 * and ns_list_ex(flags 0) do not know it. */
static inline const struct ns_info *check_only_in_all(struct list_buf *b, int type, uint64_t id)
{
    list_into(b, type, 0);
    CHECKF(find_info(b, type, id) == NULL, "ns_list_ex(flags 0) reports %s:[%" PRIu64 "]",
           ns_type_name(type), id);
    b->n = 0;
    CHECK_OK(ns_list(type, collect, b));
    CHECKF(find_info(b, type, id) == NULL, "ns_list reports %s:[%" PRIu64 "]",
           ns_type_name(type), id);
    list_into(b, 0, NS_LIST_ALL);
    const struct ns_info *i = find_info(b, type, id);
    CHECKF(i != NULL, "NS_LIST_ALL misses %s:[%" PRIu64 "]", ns_type_name(type), id);
    if (i)
        CHECKF(i->nprocs == 0 && i->pid == 0, "%s:[%" PRIu64 "]: nprocs %u pid %d",
               ns_type_name(type), id, i->nprocs, i->pid);
    return i;
}

/* A forked child that runs `fn(arg)` (its setup), reports one byte, then
 * waits for `ctl` to close (or exits at once when stay is false). */
struct child {
    pid_t pid;
    int ctl;
};

static inline void child_start(struct child *c, char (*fn)(void *), void *arg, bool stay,
                        int keep_fd)
{
    int ready[2], ctl[2];
    SYS_OK(pipe2(ready, O_CLOEXEC));
    SYS_OK(pipe2(ctl, O_CLOEXEC));
    fflush(stdout);
    fflush(stderr);
    pid_t pid = SYS_OK(fork());
    if (pid == 0) {
        for (int fd = 3; fd < MAX_FDS; fd++)
            if (fd != ready[1] && fd != ctl[0] && fd != keep_fd)
                close(fd);
        char ok = fn(arg), x;
        if (write(ready[1], &ok, 1) != 1)
            _exit(1);
        if (stay)
            while (read(ctl[0], &x, 1) < 0 && errno == EINTR)
                ;
        _exit(0);
    }
    close(ready[1]);
    close(ctl[0]);
    char ok = 0;
    while (read(ready[0], &ok, 1) < 0 && errno == EINTR)
        ;
    close(ready[0]);
    c->pid = pid;
    c->ctl = ctl[1];
    if (ok != '1') {
        check_fail(__FILE__, __LINE__, "child setup failed at '%c'", ok ? ok : '?');
        kill(pid, SIGKILL);
        int st;
        wait_child(pid, &st);
        close(ctl[1]);
        check_exit(1);
    }
}

static inline void child_stop(struct child *c)
{
    int st;
    close(c->ctl);
    wait_child(c->pid, &st);
    CHECKF(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child %d ended with status 0x%x",
           (int)c->pid, st);
}

static inline void drop_to_nobody(void)
{
    if (geteuid() != 0)
        return;
    SYS_OK(setgroups(0, NULL));
    SYS_OK(setresgid(65534, 65534, 65534));
    SYS_OK(setresuid(65534, 65534, 65534));
    SYS_OK(prctl(PR_SET_DUMPABLE, 1));
}

static int held_fd __attribute__((unused)) = -1;

static inline char keep_nothing(void *arg)
{
    (void)arg;
    return '1';
}

/* ---- held by a bind mount ---------------------------------------------- */

static char mount_path[96] __attribute__((unused));

/* In a new net namespace: bind its file on mount_path, then go back. */
static inline char bind_new_net(void *arg)
{
    bool private_mntns = arg != NULL;
    int orig = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    if (orig < 0)
        return 'o';
    if (private_mntns && (unshare(CLONE_NEWNS) < 0 ||
                          mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0))
        return 'm';
    if (unshare(CLONE_NEWNET) < 0)
        return 'n';
    if (mount("/proc/self/ns/net", mount_path, NULL, MS_BIND, NULL) < 0)
        return 'b';
    if (setns(orig, CLONE_NEWNET) < 0)
        return 's';
    close(orig);
    return '1';
}

static char tmp_dir[64] __attribute__((unused));

static inline void make_mount_point(void)
{
    snprintf(tmp_dir, sizeof tmp_dir, "/tmp/lnstest-survey-ex-XXXXXX");
    REQUIRE(mkdtemp(tmp_dir) != NULL);
    snprintf(mount_path, sizeof mount_path, "%s/net", tmp_dir);
    SYS_OK(close((int)SYS_OK(open(mount_path, O_CREAT | O_RDONLY | O_CLOEXEC, 0444))));
}

static inline void remove_mount_point(void)
{
    umount2(mount_path, MNT_DETACH);
    unlink(mount_path);
    rmdir(tmp_dir);
}

#endif /* LINUXNS_CHECK_LIST_H */
