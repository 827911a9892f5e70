/* ns_mount_list and ns_mount_count against findmnt(8) and
 * /proc/PID/mountinfo: the caller's own mount namespace and a child's,
 * every kind of propagation, an idmapped mount, both library paths compared
 * with each other, the count, errors, an early stop, and uid 65534. */
#include "check.h"
#include "check_mounts_ns.h"

/* ---- the caller's namespace and a child's, against findmnt --------------- */

static void test_own_namespace_matches_findmnt(void)
{
    char base[64] = "";
    bool root = geteuid() == 0;
    if (root) { /* a private copy: other tests' mounts cannot race with us */
        private_mount_ns();
        make_base(base, sizeof base);
        make_mount_variety(base);
    }
    int fd = open_own_mnt();
    int bad = 1;
    /* Unprivileged, the namespace is the system's: mounts may come and go
     * between the listings, so a difference is retried. */
    for (int attempt = 0; attempt < 5 && bad; attempt++) {
        struct mlist lib = {0}, fm = {0}, mi = {0};
        list_fd(fd, &lib);
        REQUIRE(run_findmnt(0, &fm));
        REQUIRE(read_mountinfo(0, &mi));
        bool last = attempt == 4 || root;
        bad = compare_lists("ns_mount_list", &lib, "findmnt", &fm, false);
        bad += compare_lists("ns_mount_list", &lib, "mountinfo", &mi, true);
        CHECK(lib.n > 0);
        if (root)
            check_variety(&lib, base);
        if (bad && last)
            check_fail(__FILE__, __LINE__, "%d differences", bad);
        mlist_free(&lib);
        mlist_free(&fm);
        mlist_free(&mi);
        if (last)
            break;
    }
    close(fd);
    if (root)
        rm_base(base);
}

static void test_child_namespace_matches_findmnt(void)
{
    SKIP_UNLESS_ROOT();
    char base[64];
    make_base(base, sizeof base);
    int release;
    pid_t child = start_mount_child(base, &release);
    int fd = open_ns_file(child, "mnt");
    REQUIRE(fd >= 0);
    struct mlist lib = {0}, fm = {0}, mi = {0}, own = {0}, zero = {0};
    list_fd(fd, &lib);
    REQUIRE(run_findmnt(child, &fm));
    REQUIRE(read_mountinfo(child, &mi));
    CHECK(compare_lists("ns_mount_list", &lib, "findmnt -N", &fm, false) == 0);
    CHECK(compare_lists("ns_mount_list", &lib, "mountinfo", &mi, true) == 0);
    check_variety(&lib, base);

    /* Nothing of it is in the caller's namespace. */
    int mine = open_own_mnt();
    list_fd(mine, &own);
    char p[M_STR];
    snprintf(p, sizeof p, "%s/shared", base);
    CHECK(find_target(&own, p) == NULL);
    CHECK(find_target(&lib, p) != NULL);
    close(mine);

    /* Descriptor 0 names the namespace too (the kernel reads 0 as "none"). */
    int saved = (int)SYS_OK(fcntl(0, F_DUPFD_CLOEXEC, 3));
    SYS_OK(dup2(fd, 0));
    list_fd(0, &zero);
    CHECK(compare_lists("ns_mount_list(fd)", &lib, "ns_mount_list(0)", &zero, true) == 0);
    SYS_OK(dup2(saved, 0));
    close(saved);

    mlist_free(&lib);
    mlist_free(&fm);
    mlist_free(&mi);
    mlist_free(&own);
    mlist_free(&zero);
    close(fd);
    stop_child(child, release);
    rmdir(base);
}

/* ---- both library paths -------------------------------------------------- */

static void hex(FILE *f, const char *s)
{
    for (; *s; s++)
        fprintf(f, "%02x", (unsigned char)*s);
    fputc(' ', f);
}

/*
 * Lists fd in a forked child with LINUXNS_FORCE_FALLBACK set or unset
 * (read once per process: a fresh child reads it anew), one line per mount:
 * "ID PARENT_ID|the rest", strings in hex.  Returns the lines, sorted.
 */
static char **list_in_child(int fd, bool fallback, size_t *count)
{
    int p[2];
    SYS_OK(pipe2(p, O_CLOEXEC));
    fflush(stdout);
    fflush(stderr);
    pid_t pid = SYS_OK(fork());
    if (pid == 0) {
        close(p[0]);
        if (fallback)
            setenv("LINUXNS_FORCE_FALLBACK", "1", 1);
        else
            unsetenv("LINUXNS_FORCE_FALLBACK");
        struct mlist l = {0};
        int n = ns_mount_list(fd, collect_mount, &l);
        FILE *f = fdopen(p[1], "w");
        if (n < 0 || !f)
            _exit(2);
        for (size_t i = 0; i < l.n; i++) {
            const struct mrow *r = &l.v[i];
            fprintf(f, "%" PRIu64 " %" PRIu64 "|%u %u %u:%u %x %" PRIu64 " %" PRIu64
                    " %" PRIx64 " %d ", r->id, r->parent_id, r->proc_id, r->proc_parent_id,
                    r->major, r->minor, r->propagation, r->peer_group, r->master, r->attr,
                    r->idmapped);
            hex(f, r->target);
            hex(f, r->fsroot);
            hex(f, r->fstype);
            hex(f, r->source);
            fputc('\n', f);
        }
        fclose(f);
        _exit(0);
    }
    close(p[1]);
    FILE *f = fdopen(p[0], "r");
    REQUIRE(f != NULL);
    char **lines = NULL, *line = NULL;
    size_t n = 0, cap = 0;
    while (getline(&line, &cap, f) > 0) {
        lines = realloc(lines, (n + 1) * sizeof *lines);
        REQUIRE(lines != NULL);
        lines[n++] = strdup(line);
    }
    free(line);
    fclose(f);
    int st;
    wait_child(pid, &st);
    CHECKF(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s lister failed (status 0x%x)",
           fallback ? "fallback" : "first-path", st);
    *count = n;
    return lines;
}

/* Compares the two paths' listings of fd; `by_fd`: the kernel answers the
 * first path (then it reports unique ids, the fallback none). */
static void compare_paths(int fd, const char *what, bool by_fd)
{
    size_t na, nb;
    char **a = list_in_child(fd, false, &na), **b = list_in_child(fd, true, &nb);
    CHECKF(na == nb && na > 0, "%s: %zu mounts on the first path, %zu on the fallback",
           what, na, nb);
    for (size_t i = 0; i < na; i++) {
        uint64_t id, parent;
        REQUIRE(sscanf(a[i], "%" SCNu64 " %" SCNu64, &id, &parent) == 2);
        if (by_fd) {
            CHECKF(id > 0 && parent > 0, "%s: no unique id: %s", what, a[i]);
            for (size_t j = 0; j < i; j++)
                CHECKF(strtoull(a[j], NULL, 10) != id, "%s: id %" PRIu64 " twice", what, id);
        } else {
            CHECKF(id == 0 && parent == 0, "%s: %s", what, a[i]);
        }
        bool found = false;
        for (size_t j = 0; j < nb && !found; j++)
            found = strcmp(strchr(a[i], '|'), strchr(b[j], '|')) == 0;
        CHECKF(found, "%s: first path's mount not on the fallback: %s", what, a[i]);
    }
    for (size_t j = 0; j < nb; j++) {
        CHECKF(strncmp(b[j], "0 0|", 4) == 0, "%s: fallback with ids: %s", what, b[j]);
        free(b[j]);
    }
    for (size_t i = 0; i < na; i++)
        free(a[i]);
    free(a);
    free(b);
}

/* On a thread of its own: a new mount namespace, opened, left. */
static void *new_mnt_ns_thread(void *arg)
{
    int *fd = arg;
    if (unshare(CLONE_FS | CLONE_NEWNS) == 0)
        *fd = open("/proc/thread-self/ns/mnt", O_RDONLY | O_CLOEXEC);
    return NULL;
}

static void test_both_paths_agree(void)
{
    char base[64] = "";
    bool root = geteuid() == 0;
    if (root) {
        private_mount_ns();
        make_base(base, sizeof base);
        make_mount_variety(base);
    }
    int own = open_own_mnt();
    bool by_fd = kernel_lists_by_fd(own);
    printf("     (the kernel %s listmount by namespace descriptor)\n",
           by_fd ? "has" : "lacks");
    if (root) {
        compare_paths(own, "own namespace", by_fd);
    } else { /* the system's namespace: retried while mounts come and go */
        for (int i = 0; i < 5; i++) {
            int before = check_failures;
            compare_paths(own, "own namespace", by_fd);
            if (check_failures == before || i == 4)
                break;
            check_failures = before;
        }
    }
    close(own);
    if (!root)
        return;

    int release;
    char cbase[64];
    make_base(cbase, sizeof cbase);
    pid_t child = start_mount_child(cbase, &release);
    int fd = open_ns_file(child, "mnt");
    REQUIRE(fd >= 0);
    compare_paths(fd, "child's namespace", by_fd);
    close(fd);
    stop_child(child, release);
    rmdir(cbase);

    /* A namespace no process is in, held by its descriptor alone (made
     * without the library, whose fallback switch the listers must read
     * first). */
    int fresh = -1;
    run_on_thread(new_mnt_ns_thread, &fresh);
    REQUIRE(fresh >= 0);
    compare_paths(fresh, "namespace of ns_new", by_fd);
    close(fresh);
    rm_base(base);
}

/* ---- the count ------------------------------------------------------------ */

static int count_lines(pid_t pid)
{
    struct mlist mi = {0};
    REQUIRE(read_mountinfo(pid, &mi));
    int n = (int)mi.n;
    mlist_free(&mi);
    return n;
}

static void test_count_matches_list(void)
{
    SKIP_UNLESS_ROOT(); /* a private namespace: nothing mounts in between */
    private_mount_ns();
    char base[64];
    make_base(base, sizeof base);
    make_mount_variety(base);
    int own = open_own_mnt();
    struct mlist l = {0};
    int n = REQUIRE_OK(ns_mount_count(own));
    CHECK_EQ_U64(n, list_fd(own, &l));
    CHECK_EQ_U64(n, count_lines(0));
    mlist_free(&l);
    /* One more mount, one more counted; a detached copy is in no namespace. */
    char p[M_STR];
    snprintf(p, sizeof p, "%s/more", base);
    SYS_OK(mkdir(p, 0755));
    SYS_OK(mount("lns-more", p, "tmpfs", 0, NULL));
    CHECK_EQ_U64(ns_mount_count(own), n + 1);
    int tree = (int)SYS_OK(syscall(SYS_open_tree, AT_FDCWD, p, LNS_OPEN_TREE_CLONE | O_CLOEXEC));
    CHECK_EQ_U64(ns_mount_count(own), n + 1);
    CHECK_EQ_U64(REQUIRE_OK(ns_mount_list(own, collect_mount, &l)), n + 1);
    close(tree);
    mlist_free(&l);
    close(own);

    int release;
    char cbase[64];
    make_base(cbase, sizeof cbase);
    pid_t child = start_mount_child(cbase, &release);
    int fd = open_ns_file(child, "mnt");
    REQUIRE(fd >= 0);
    n = REQUIRE_OK(ns_mount_count(fd));
    CHECK_EQ_U64(n, list_fd(fd, &l));
    CHECK_EQ_U64(n, count_lines(child));
    mlist_free(&l);
    close(fd);
    stop_child(child, release);
    rmdir(cbase);
    rm_base(base);
}

static void test_count_under_chroot(void)
{
    SKIP_UNLESS_ROOT();
    private_mount_ns();
    char base[64], p[M_STR];
    make_base(base, sizeof base);
    SYS_OK(mount("lns-root", base, "tmpfs", 0, NULL));
    snprintf(p, sizeof p, "%s/proc", base);
    SYS_OK(mkdir(p, 0755));
    SYS_OK(mount("proc", p, "proc", 0, NULL));
    int own = open_own_mnt();
    long all = kernel_count(own);
    fflush(stdout);
    fflush(stderr);
    pid_t pid = SYS_OK(fork());
    if (pid == 0) {
        SYS_OK(chroot(base));
        SYS_OK(chdir("/"));
        /* The listing is what the caller sees from its root: two mounts. */
        struct mlist l = {0};
        CHECK_EQ_U64(list_fd(own, &l), 2);
        CHECK(find_target(&l, "/") && find_target(&l, "/proc"));
        /* The count: the kernel's, with the mounts outside the root; the
         * fallback counts the listing. */
        int n = REQUIRE_OK(ns_mount_count(own));
        if (fallback_mode() || all < 0) {
            CHECK_EQ_U64(n, 2);
        } else {
            CHECK_EQ_U64(n, all);
            CHECK(n > 2);
        }
        check_exit(check_failures ? 1 : 0);
    }
    int st;
    wait_child(pid, &st);
    CHECKF(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the chrooted child failed (0x%x)", st);
    close(own);
    umount2(p, MNT_DETACH);
    rm_base(base);
}

/* ---- an idmapped mount ---------------------------------------------------- */

struct lns_mount_attr { uint64_t attr_set, attr_clr, propagation, userns_fd; };

static void test_idmapped_mount(void)
{
    SKIP_UNLESS_ROOT();
    private_mount_ns();
    char base[64], src[M_STR], dst[M_STR];
    make_base(base, sizeof base);
    SYS_OK(mount("lns-base", base, "tmpfs", 0, NULL));
    snprintf(src, sizeof src, "%s/src", base);
    snprintf(dst, sizeof dst, "%s/idmapped", base);
    SYS_OK(mkdir(src, 0755));
    SYS_OK(mkdir(dst, 0755));
    struct ns_idmap map = {0, 100000, 65536};
    int userns = (int)REQUIRE_OK(ns_new_userns(&map, 1, &map, 1, 0));
    int tree = (int)SYS_OK(syscall(SYS_open_tree, AT_FDCWD, src,
                                   LNS_OPEN_TREE_CLONE | O_CLOEXEC));
    struct lns_mount_attr attr = {LNS_MOUNT_ATTR_IDMAP, 0, 0, (uint64_t)userns};
    if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0) {
        int e = errno;
        close(tree);
        close(userns);
        rm_base(base);
        SKIP("mount_setattr(MOUNT_ATTR_IDMAP) on tmpfs: %s: no idmapped mount to list",
             strerror(e));
    }
    SYS_OK(syscall(SYS_move_mount, tree, "", AT_FDCWD, dst, LNS_MOVE_MOUNT_F_EMPTY_PATH));
    close(tree);
    close(userns);

    int own = open_own_mnt();
    struct mlist l = {0}, mi = {0};
    list_fd(own, &l);
    REQUIRE(read_mountinfo(0, &mi));
    const struct mrow *m = find_target(&l, dst), *k = find_target(&mi, dst);
    REQUIRE(m && k);
    CHECK(k->idmapped);            /* the kernel says so (",idmapped") */
    CHECK_EQ_U64(m->idmapped, 1);  /* and so does the library */
    CHECK(m->attr & LNS_MOUNT_ATTR_IDMAP);
    for (size_t i = 0; i < l.n; i++)
        if (&l.v[i] != m)
            CHECKF(!l.v[i].idmapped, "%s reported idmapped", l.v[i].target);
    CHECK(compare_lists("ns_mount_list", &l, "mountinfo", &mi, true) == 0);
    mlist_free(&l);
    mlist_free(&mi);
    close(own);
    umount2(dst, MNT_DETACH);
    rm_base(base);
}

/* ---- errors and the callback ----------------------------------------------- */

static void test_bad_input(void)
{
    struct mlist l = {0};
    int net = open_ns_file(0, "net");
    REQUIRE(net >= 0);
    CHECK_ERR(ns_mount_list(net, collect_mount, &l), EINVAL);
    CHECK(strstr(ns_last_error(), "ns_mount_list") != NULL);
    CHECK(strstr(ns_last_error(), "net namespace") != NULL);
    CHECK_ERR(ns_mount_count(net), EINVAL);
    CHECK(strstr(ns_last_error(), "ns_mount_count") != NULL);
    int file = (int)SYS_OK(open("/proc/self/stat", O_RDONLY | O_CLOEXEC));
    CHECK_ERR(ns_mount_list(file, collect_mount, &l), EINVAL);
    CHECK_ERR(ns_mount_count(file), EINVAL);
    CHECK_ERR(ns_mount_list(-1, collect_mount, &l), EBADF);
    CHECK_ERR(ns_mount_count(-1), EBADF);
    int closed = (int)SYS_OK(dup(file));
    close(closed);
    CHECK_ERR(ns_mount_list(closed, collect_mount, &l), EBADF);
    CHECK_ERR(ns_mount_count(closed), EBADF);
    int own = open_own_mnt();
    CHECK_ERR(ns_mount_list(own, NULL, &l), EINVAL);
    CHECK(strstr(ns_last_error(), "cb") != NULL);
    CHECK_EQ_U64(l.calls, 0);
    close(own);
    close(file);
    close(net);
}

static void test_callback_stops_the_walk(void)
{
    int own = open_own_mnt();
    struct mlist all = {0}, two = {0}, one = {0};
    list_fd(own, &all);
    REQUIRE(all.n >= 3);
    two.stop_after = 2;
    CHECK_EQ_U64(REQUIRE_OK(ns_mount_list(own, collect_mount, &two)), 2);
    CHECK_EQ_U64(two.calls, 2);
    one.stop_after = 1;
    CHECK_EQ_U64(REQUIRE_OK(ns_mount_list(own, collect_mount, &one)), 1);
    CHECK_EQ_U64(one.calls, 1);
    mlist_free(&all);
    mlist_free(&two);
    mlist_free(&one);
    close(own);
}

static int check_size(const struct ns_mount_info *m, void *arg)
{
    int *wrong = arg;
    *wrong += m->size != sizeof(struct ns_mount_info);
    return 0;
}

static void test_info_size(void)
{
    int own = open_own_mnt();
    int wrong = 0;
    /* Every mount comes with size == sizeof(struct ns_mount_info). */
    int n = (int)REQUIRE_OK(ns_mount_list(own, check_size, &wrong));
    CHECK(n > 1);
    CHECK_EQ_U64(wrong, 0);
    close(own);
}

/* ---- uid 65534 ------------------------------------------------------------ */

static void become_nobody(void)
{
    SYS_OK(setgroups(0, NULL));
    SYS_OK(setresgid(65534, 65534, 65534));
    SYS_OK(setresuid(65534, 65534, 65534));
    SYS_OK(prctl(PR_SET_DUMPABLE, 1));
}

static void test_nobody_on_own_namespace(void)
{
    bool root = geteuid() == 0;
    if (root) {
        private_mount_ns();
        become_nobody();
    }
    /* Any user may list its own mount namespace, on both paths. */
    for (int attempt = 0; attempt < 5; attempt++) {
        int own = open_own_mnt();
        struct mlist l = {0}, mi = {0};
        list_fd(own, &l);
        REQUIRE(read_mountinfo(0, &mi));
        int n = REQUIRE_OK(ns_mount_count(own));
        close(own);
        int bad = compare_lists("ns_mount_list", &l, "mountinfo", &mi, true);
        bad += (size_t)n != l.n;
        mlist_free(&l);
        mlist_free(&mi);
        if (!bad)
            return;
        if (root || attempt == 4)
            check_fail(__FILE__, __LINE__, "%d differences (count %d)", bad, n);
        if (root)
            return;
    }
}

static void test_nobody_on_root_namespace(void)
{
    SKIP_UNLESS_ROOT();
    char base[64];
    make_base(base, sizeof base);
    int release;
    pid_t child = start_mount_child(base, &release);
    int fd = open_ns_file(child, "mnt");
    REQUIRE(fd >= 0);
    struct mlist as_root = {0};
    list_fd(fd, &as_root);
    fflush(stdout);
    fflush(stderr);
    pid_t pid = SYS_OK(fork());
    if (pid == 0) {
        become_nobody();
        /* 6.18 answers listmount(2) for any namespace descriptor the caller
         * holds; joining the namespace (the fallback) needs CAP_SYS_ADMIN. */
        bool kernel_ok = kernel_lists_by_fd(fd);
        struct mlist l = {0};
        if (!fallback_mode() && kernel_ok) {
            list_fd(fd, &l);
            CHECK(compare_lists("as 65534", &l, "as root", &as_root, true) == 0);
            CHECK_EQ_U64(REQUIRE_OK(ns_mount_count(fd)), as_root.n);
        } else {
            CHECK_ERR(ns_mount_list(fd, collect_mount, &l), EPERM);
            CHECKF(strstr(ns_last_error(), "setns") || strstr(ns_last_error(), "statmount"),
                   "%s", ns_last_error());
            CHECK_EQ_U64(l.calls, 0);
        }
        printf("     (as 65534, another user's mount namespace: %s)\n",
               !fallback_mode() && kernel_ok ? "listed by descriptor"
                                             : "EPERM, as setns(2) says");
        fflush(stdout);
        check_exit(check_failures ? 1 : 0);
    }
    int st;
    wait_child(pid, &st);
    CHECKF(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the uid 65534 child failed (0x%x)", st);
    mlist_free(&as_root);
    close(fd);
    stop_child(child, release);
    rmdir(base);
}

int main(void)
{
    RUN(test_own_namespace_matches_findmnt);
    RUN(test_child_namespace_matches_findmnt);
    RUN(test_both_paths_agree);
    RUN(test_count_matches_list);
    RUN(test_count_under_chroot);
    RUN(test_idmapped_mount);
    RUN(test_bad_input);
    RUN(test_callback_stops_the_walk);
    RUN(test_info_size);
    RUN(test_nobody_on_own_namespace);
    RUN(test_nobody_on_root_namespace);
    return check_summary();
}
