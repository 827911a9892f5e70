/* ns_list_ex: flags, early stop, flags 0 as ns_list, no free descriptor;
 * the primary path against the fallback (LINUXNS_FORCE_FALLBACK=1 in a
 * re-executed copy of this program, run as --dump), the mount namespace
 * walk, lsns, and what uid 65534 sees. */
#include "check_list.h"

/* ---- the listing itself ------------------------------------------------ */

static void test_flags_and_errors(void)
{
    struct list_buf b = {0};
    CHECK_ERR(ns_list_ex(0, 0x2, collect, &b), EINVAL);
    CHECK(strstr(ns_last_error(), "ns_list_ex") != NULL);
    CHECK_ERR(ns_list_ex(0, NS_LIST_ALL | 0x2, collect, &b), EINVAL);
    CHECK_ERR(ns_list_ex(0, 0x80000000u, collect, &b), EINVAL);
    CHECK_ERR(ns_list_ex(0, ~0u, collect, &b), EINVAL);
    CHECK_ERR(ns_list_ex(0, NS_LIST_ALL, NULL, NULL), EINVAL);
    CHECK_ERR(ns_list_ex(0, 0, NULL, &b), EINVAL);
    CHECK_ERR(ns_list_ex(0x1, NS_LIST_ALL, collect, &b), EINVAL);
    CHECK_ERR(ns_list_ex(NS_FOR_CHILDREN, 0, collect, &b), EINVAL);
    CHECK_ERR(ns_list_ex(-1, NS_LIST_ALL, collect, &b), EINVAL);
    CHECKF(b.calls == 0, "the callback ran %d times on errors", b.calls);
    free(b.v);
}

static void test_callback_stops_walk(void)
{
    struct list_buf all = {0};
    int total = list_into(&all, 0, NS_LIST_ALL);
    REQUIRE(total >= 8);
    for (int stop = 1; stop <= 3; stop++) {
        struct list_buf b = {.stop_after = stop};
        int n = (int)CHECK_OK(ns_list_ex(0, NS_LIST_ALL, collect, &b));
        CHECKF(n == stop && b.calls == stop, "stop after %d: returned %d, %d calls", stop, n,
               b.calls);
        free(b.v);
    }
    free(all.v);
}

/* Sorted, unique, a superset of ns_list, and flags 0 is ns_list. Processes
 * that come and go in between make a difference: retried. */
static void test_superset_of_ns_list(void)
{
    struct list_buf plain = {0}, zero = {0}, all = {0};
    int bad = 0;
    for (int attempt = 0; attempt < 20; attempt++) {
        plain.n = 0;
        CHECK_OK(ns_list(0, collect, &plain));
        list_into(&zero, 0, 0);
        list_into(&all, 0, NS_LIST_ALL);
        bad = 0;
        if (zero.n != plain.n)
            bad++;
        for (size_t i = 0; i < plain.n && !bad; i++)
            bad += !same_info(&plain.v[i], &zero.v[i]);
        for (size_t i = 0; i < plain.n; i++) {
            const struct ns_info *a = find_info(&all, plain.v[i].type, plain.v[i].id);
            bad += !a || !same_info(a, &plain.v[i]);
        }
        if (!bad)
            break;
    }
    CHECKF(bad == 0, "%d differences between ns_list, flags 0 and NS_LIST_ALL in 20 tries",
           bad);
    for (size_t i = 1; i < all.n; i++) {
        const struct ns_info *p = &all.v[i - 1], *c = &all.v[i];
        CHECKF(p->type < c->type || (p->type == c->type && p->id < c->id),
               "entry %zu (0x%x, %" PRIu64 ") after (0x%x, %" PRIu64 ")", i,
               (unsigned)c->type, c->id, (unsigned)p->type, p->id);
    }
    for (size_t i = 0; i < N_KINDS; i++) {
        const struct ns_info *own = find_info(&all, NS_KINDS[i].type, ns_id_of(0, NS_KINDS[i].name));
        CHECKF(own && own->nprocs >= 1, "own %s namespace missing", NS_KINDS[i].name);
    }
    free(plain.v);
    free(zero.v);
    free(all.v);
}

/* With one to six descriptors free: an error (EMFILE, said so), or a
 * complete answer — every namespace that a listing before and one after
 * agree on is in it, alike. No descriptor is left behind either way (the
 * runner counts them). */
static void test_nofile_complete_or_error(void)
{
    struct rlimit rl = {.rlim_cur = 64, .rlim_max = 64};
    SYS_OK(setrlimit(RLIMIT_NOFILE, &rl));
    int held = geteuid() == 0 ? (int)REQUIRE_OK(ns_new(NS_UTS)) : -1;
    for (int free_fds = 1; free_fds <= 6; free_fds++) {
        struct list_buf before = {0}, under = {0}, after = {0};
        list_into(&before, 0, NS_LIST_ALL);
        int fill[MAX_FDS], nfill = 0, fd;
        while ((fd = dup(0)) >= 0)
            fill[nfill++] = fd;
        REQUIRE(errno == EMFILE && nfill >= free_fds);
        for (int i = 0; i < free_fds; i++)
            close(fill[--nfill]);
        errno = 0;
        int n = ns_list_ex(0, NS_LIST_ALL, collect, &under);
        int e = errno;
        char text[512];
        snprintf(text, sizeof text, "%s", ns_last_error());
        while (nfill > 0)
            close(fill[--nfill]);
        list_into(&after, 0, NS_LIST_ALL);
        if (n < 0) {
            CHECKF(n == -EMFILE && e == EMFILE && strstr(text, "ns_list_ex"),
                   "%d free: %d, errno %d, \"%s\"", free_fds, n, e, text);
        } else {
            int missing = 0;
            for (size_t i = 0; i < before.n; i++) {
                const struct ns_info *x = &before.v[i], *y = find_info(&after, x->type, x->id);
                if (!y || !same_info(x, y))
                    continue; /* changed meanwhile */
                const struct ns_info *u = find_info(&under, x->type, x->id);
                /* Present and the same namespace: its process count may
                 * have moved while the descriptors ran out. */
                if (!u || !same_identity(u, x)) {
                    missing++;
                    print_info(u ? "differs" : "missing", x);
                }
            }
            CHECKF(missing == 0, "%d free: %d of %zu namespaces missing or different",
                   free_fds, missing, before.n);
        }
        free(before.v);
        free(under.v);
        free(after.v);
    }
    if (held >= 0)
        close(held);
}

/* ---- both library paths, and lsns -------------------------------------- */

/* Runs this program as `--dump` with LINUXNS_FORCE_FALLBACK set or unset
 * and reads its NS_LIST_ALL listing. */
static void dump_listing(bool fallback, struct list_buf *b)
{
    static char text[1 << 20];
    char self[256];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    REQUIRE(len > 0);
    self[len] = '\0';
    int p[2];
    SYS_OK(pipe2(p, O_CLOEXEC));
    fflush(stdout);
    fflush(stderr);
    pid_t pid = SYS_OK(fork());
    if (pid == 0) {
        dup2(p[1], 1);
        if (fallback)
            setenv("LINUXNS_FORCE_FALLBACK", "1", 1);
        else
            unsetenv("LINUXNS_FORCE_FALLBACK");
        execl(self, self, "--dump", (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    size_t n = 0;
    ssize_t r;
    while ((r = read(p[0], text + n, sizeof text - 1 - n)) > 0 || (r < 0 && errno == EINTR))
        if (r > 0)
            n += (size_t)r;
    text[n] = '\0';
    close(p[0]);
    int st;
    wait_child(pid, &st);
    REQUIRE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    b->n = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        struct ns_info i;
        unsigned long long id, user, parent;
        if (sscanf(line, "%d %llu %llu %llu %u %d %u", &i.type, &id, &user, &parent, &i.nprocs,
                   &i.pid, &i.owner_uid) != 7)
            continue;
        i.id = id;
        i.userns_id = user;
        i.parent_id = parent;
        collect(&i, b);
    }
}

static int dump_main(void)
{
    struct list_buf b = {0};
    int n = ns_list_ex(0, NS_LIST_ALL, collect, &b);
    if (n < 0) {
        fprintf(stderr, "ns_list_ex: %s\n", ns_last_error());
        return 1;
    }
    for (size_t i = 0; i < b.n; i++)
        printf("%d %" PRIu64 " %" PRIu64 " %" PRIu64 " %u %d %u\n", b.v[i].type, b.v[i].id,
               b.v[i].userns_id, b.v[i].parent_id, b.v[i].nprocs, b.v[i].pid,
               b.v[i].owner_uid);
    free(b.v);
    return 0;
}

static int compare_listings(const struct list_buf *a, const struct list_buf *b, bool verbose)
{
    int bad = 0;
    for (size_t i = 0; i < a->n; i++) {
        const struct ns_info *o = find_info(b, a->v[i].type, a->v[i].id);
        if (!o || !same_info(o, &a->v[i])) {
            bad++;
            if (verbose) {
                print_info("primary ", &a->v[i]);
                if (o)
                    print_info("fallback", o);
                else
                    fprintf(stderr, "    fallback: missing\n");
            }
        }
    }
    for (size_t i = 0; i < b->n; i++)
        if (!find_info(a, b->v[i].type, b->v[i].id)) {
            bad++;
            if (verbose)
                print_info("only in fallback", &b->v[i]);
        }
    return bad;
}

/* Dumps with and without LINUXNS_FORCE_FALLBACK until the two agree
 * (processes come and go in between); fails after 20 tries. */
static void both_paths_agree(struct list_buf *primary, struct list_buf *fallback)
{
    int bad = 0;
    for (int attempt = 0; attempt < 20; attempt++) {
        dump_listing(false, primary);
        dump_listing(true, fallback);
        bad = compare_listings(primary, fallback, false);
        if (!bad)
            break;
    }
    if (bad)
        compare_listings(primary, fallback, true);
    CHECKF(bad == 0, "primary and fallback listings differ in all 20 tries (%d)", bad);
}

/* Every kind of holder at once; both paths report the same namespaces with
 * the same fields (retried while processes come and go). */
static void test_primary_and_fallback_agree(void)
{
    SKIP_UNLESS_ROOT();
    struct list_buf primary = {0}, fallback = {0};
    int fd = (int)REQUIRE_OK(ns_new(NS_UTS));
    uint64_t fd_id = fd_ns_id(fd);
    make_mount_point();
    struct child bound, other;
    child_start(&bound, bind_new_net, NULL, false, -1);
    child_stop(&bound);
    held_fd = (int)REQUIRE_OK(ns_new(NS_IPC));
    uint64_t other_id = fd_ns_id(held_fd);
    child_start(&other, keep_nothing, NULL, true, held_fd);
    close(held_fd);
    struct stat st;
    SYS_OK(stat(mount_path, &st));
    both_paths_agree(&primary, &fallback);
    CHECK(find_info(&primary, NS_UTS, fd_id) && find_info(&fallback, NS_UTS, fd_id));
    CHECK(find_info(&primary, NS_IPC, other_id) && find_info(&fallback, NS_IPC, other_id));
    CHECK(find_info(&primary, NS_NET, (uint64_t)st.st_ino) &&
          find_info(&fallback, NS_NET, (uint64_t)st.st_ino));
    child_stop(&other);
    close(fd);
    remove_mount_point();
    free(primary.v);
    free(fallback.v);
}

/* As uid 65534: the same, for what nobody may inspect (its own
 * processes and descriptors; no mount namespace walk for it). */
static void test_primary_and_fallback_agree_unprivileged(void)
{
    drop_to_nobody();
    struct list_buf primary = {0}, fallback = {0};
    int fd = (int)REQUIRE_OK(ns_new(NS_USER));
    uint64_t id = fd_ns_id(fd);
    both_paths_agree(&primary, &fallback);
    const struct ns_info *p = find_info(&primary, NS_USER, id);
    CHECKF(p && p->nprocs == 0 && find_info(&fallback, NS_USER, id),
           "user:[%" PRIu64 "] held by our descriptor: primary %s, fallback %s", id,
           p ? "found" : "missing", find_info(&fallback, NS_USER, id) ? "found" : "missing");
    close(fd);
    free(primary.v);
    free(fallback.v);
}

/* A mount namespace held only by a descriptor in flight in a unix socket:
 * no scan of /proc can see it; the kernel's walk over mount namespaces
 * (6.12, the primary path here) does, the fallback does not. */
static void test_mount_ns_walk(void)
{
    SKIP_UNLESS_ROOT();
    struct list_buf primary = {0}, fallback = {0};
    int sv[2];
    SYS_OK(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv));
    int mnt = (int)REQUIRE_OK(ns_new(NS_MNT));
    uint64_t id = fd_ns_id(mnt);
    char cbuf[CMSG_SPACE(sizeof(int))] = {0};
    char byte = 'm';
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
                         .msg_controllen = sizeof cbuf};
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &mnt, sizeof mnt);
    SYS_OK(sendmsg(sv[0], &msg, 0));
    close(mnt);
    require_unheld("mnt", id);
    dump_listing(false, &primary);
    dump_listing(true, &fallback);
    const struct ns_info *p = find_info(&primary, NS_MNT, id);
    CHECKF(p && p->nprocs == 0 && p->pid == 0, "the walk misses mnt:[%" PRIu64 "]", id);
    CHECKF(find_info(&fallback, NS_MNT, id) == NULL,
           "LINUXNS_FORCE_FALLBACK=1 still walks mount namespaces");
    close(sv[0]);
    close(sv[1]);
    free(primary.v);
    free(fallback.v);
}

/* lsns (processes only, in 2.38) against NS_LIST_ALL: every namespace lsns
 * shows is listed with its count and lowest pid (lsns counts itself in
 * ours); every listed namespace with a process is in lsns. */
static bool lsns_agrees(struct list_buf *b, bool verbose)
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
    while ((n = read(p[0], text + len, sizeof text - 1 - len)) > 0 || (n < 0 && errno == EINTR))
        if (n > 0)
            len += (size_t)n;
    text[len] = '\0';
    close(p[0]);
    int st;
    wait_child(pid, &st);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        SKIP("lsns (util-linux) not runnable");
    list_into(b, 0, NS_LIST_ALL);
    int bad = 0;
    size_t rows = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        unsigned long long id;
        char type[16];
        unsigned nprocs;
        int low = 0;
        if (sscanf(line, "%llu %15s %u %d", &id, type, &nprocs, &low) < 3)
            continue;
        rows++;
        int t = ns_type_from_name(type);
        const struct ns_info *i = t > 0 ? find_info(b, t, id) : NULL;
        unsigned want_n = i ? i->nprocs : 0;
        int want_pid = i ? i->pid : 0;
        if (i && ns_id_of(0, type) == id) {
            want_n++;
            if (want_pid == 0 || pid < want_pid)
                want_pid = pid;
        }
        if (!i || nprocs != want_n || low != want_pid) {
            bad++;
            if (verbose)
                fprintf(stderr, "    lsns %s:[%llu] nprocs %u pid %d; listed: %s nprocs %u "
                        "pid %d\n", type, id, nprocs, low, i ? "yes" : "no", want_n, want_pid);
        }
    }
    for (size_t j = 0; j < b->n; j++) {
        if (b->v[j].nprocs == 0)
            continue;
        char want[48];
        snprintf(want, sizeof want, "%" PRIu64 " %s ", b->v[j].id, ns_type_name(b->v[j].type));
        bool seen = false;
        for (char *r = text; !seen && r < text + len; r += strlen(r) + 1)
            seen = strncmp(r, want, strlen(want)) == 0;
        if (!seen) {
            bad++;
            if (verbose)
                print_info("not in lsns", &b->v[j]);
        }
    }
    return rows > 0 && bad == 0;
}

static void check_against_lsns(void)
{
    struct list_buf b = {0};
    bool ok = false;
    for (int attempt = 0; attempt < 30 && !ok; attempt++)
        ok = lsns_agrees(&b, false);
    if (!ok) {
        fprintf(stderr, "  the last differences:\n");
        ok = lsns_agrees(&b, true);
    }
    CHECKF(ok, "lsns and NS_LIST_ALL differ in 31 tries");
    free(b.v);
}

static void test_against_lsns(void)
{
    SKIP_UNLESS_ROOT();
    int fd = (int)REQUIRE_OK(ns_new(NS_UTS)); /* listed, not in lsns */
    check_against_lsns();
    close(fd);
}

static void test_against_lsns_unprivileged(void)
{
    drop_to_nobody();
    check_against_lsns();
}

/* ---- what uid 65534 sees ----------------------------------------------- */

static char new_userns_fd(void *arg)
{
    int *fd = arg;
    *fd = ns_new(NS_USER);
    return *fd >= 0 ? '1' : 'u';
}

static void test_unprivileged_view(void)
{
    struct list_buf b = {0};
    /* As root first: a uts namespace held by a root process's descriptor. */
    bool root = geteuid() == 0;
    uint64_t roots = 0;
    struct child root_holder = {0}, nobody_holder;
    if (root) {
        held_fd = (int)REQUIRE_OK(ns_new(NS_UTS));
        roots = fd_ns_id(held_fd);
        child_start(&root_holder, keep_nothing, NULL, true, held_fd);
        close(held_fd);
    }
    drop_to_nobody();
    /* nobody's: one user namespace held by our fd, one by another nobody
     * process's. */
    int own = (int)REQUIRE_OK(ns_new(NS_USER));
    uint64_t own_id = fd_ns_id(own);
    int theirs_fd = -1;
    child_start(&nobody_holder, new_userns_fd, &theirs_fd, true, -1);
    /* The child's fd number is not known here: find its user namespace by
     * its descriptor links. */
    uint64_t theirs = 0;
    for (int fd = 3; fd < 64 && !theirs; fd++) {
        char link[64];
        snprintf(link, sizeof link, "/proc/%d/fd/%d", (int)nobody_holder.pid, fd);
        char target[64];
        ssize_t n = readlink(link, target, sizeof target - 1);
        if (n > 0 && (target[n] = '\0', strncmp(target, "user:[", 6) == 0))
            theirs = strtoull(target + 6, NULL, 10);
    }
    REQUIRE(theirs != 0);
    require_unheld("user", own_id);
    require_unheld("user", theirs);
    check_only_in_all(&b, NS_USER, own_id);
    check_only_in_all(&b, NS_USER, theirs);
    /* root's descriptors are closed to nobody: not listed (the kernel's
     * listns would not show it to nobody either). */
    if (root) {
        list_into(&b, NS_UTS, NS_LIST_ALL);
        CHECKF(find_info(&b, NS_UTS, roots) == NULL,
               "nobody sees uts:[%" PRIu64 "], held by a root process's descriptor", roots);
    }
    child_stop(&nobody_holder);
    close(own);
    /* root_holder is root's: nobody cannot signal it; closing ctl ends it. */
    if (root)
        child_stop(&root_holder);
    free(b.v);
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--dump") == 0)
        return dump_main();
    RUN(test_flags_and_errors);
    RUN(test_callback_stops_walk);
    RUN(test_superset_of_ns_list);
    RUN(test_nofile_complete_or_error);
    RUN(test_primary_and_fallback_agree);
    RUN(test_primary_and_fallback_agree_unprivileged);
    RUN(test_mount_ns_walk);
    RUN(test_against_lsns);
    RUN(test_against_lsns_unprivileged);
    RUN(test_unprivileged_view);
    return check_summary();
}
