/* Namespace file handles: ns_handle_encode, ns_open_handle, ns_handle_format,
 * ns_handle_parse.  Linux 6.18; before it (and with LINUXNS_FORCE_FALLBACK=1)
 * encoding and opening answer -EOPNOTSUPP while the text form still works.
 *
 * Run as `test_nshandle --open-handle TEXT [join]` the program is the helper
 * a test execs: it parses TEXT, opens the handle and prints the namespace
 * ("uts:[N]"), then with "join" enters it and prints the hostname. */
#include "check.h"

/* ---- helpers ----------------------------------------------------------- */

static bool kernel_at_least(int major, int minor)
{
    struct utsname u;
    int a = 0, b = 0;
    if (uname(&u) != 0 || sscanf(u.release, "%d.%d", &a, &b) != 2)
        return false;
    return a > major || (a == major && b >= minor);
}

/* Does the library offer handles in this run? */
static bool handles_expected(void)
{
    return !fallback_mode() && kernel_at_least(6, 18);
}

/* ns_last_error() contains `text`. */
#define CHECK_LAST_ERROR_HAS(text)                                         \
    do {                                                                   \
        const char *le_ = ns_last_error();                                 \
        CHECKF(le_ && strstr(le_, (text)) != NULL,                         \
               "ns_last_error \"%s\" lacks \"%s\"", le_ ? le_ : "(null)",  \
               (text));                                                    \
    } while (0)

/* The "type:[N]" a descriptor or a /proc link shows. */
static void link_text(const char *path, char *buf, size_t size)
{
    ssize_t n = readlink(path, buf, size - 1);
    buf[n > 0 ? n : 0] = '\0';
}

static void fd_link_text(int fd, char *buf, size_t size)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    link_text(path, buf, size);
}

/* If root, become 65534, dumpable again (so that its /proc files and those
 * of its children stay its own). */
static void drop_to_nobody_(void)
{
    if (geteuid() != 0)
        return;
    SYS_OK(setgroups(0, NULL));
    SYS_OK(setresgid(65534, 65534, 65534));
    SYS_OK(setresuid(65534, 65534, 65534));
    SYS_OK(prctl(PR_SET_DUMPABLE, 1));
}

static bool all_zero(const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return false;
    return true;
}

/* Encodes fd, checking the handle against what the kernel shows. */
static void encode_checked(int fd, int type, struct ns_handle *h)
{
    memset(h, 0xa5, sizeof *h);
    REQUIRE_OK(ns_handle_encode(fd, h));
    uint64_t unique = 0;
    CHECK_OK(ns_unique_id(fd, &unique));
    CHECK_EQ_U64(h->size, sizeof *h);
    CHECK_EQ_U64(h->type, type);
    CHECK_EQ_U64(h->inode, fd_ns_id(fd));
    CHECK_EQ_U64(h->unique_id, unique);
    CHECK(all_zero(h->reserved, sizeof h->reserved));
}

/* Opens h and checks that it is the namespace of `fd`. */
static void open_checked(const struct ns_handle *h, int fd, int flags)
{
    int got = CHECK_OK(ns_open_handle(h, flags));
    if (got < 0)
        return;
    CHECK_EQ_U64(ns_same(got, fd), 1);
    CHECK_EQ_U64(fd_ns_id(got), fd_ns_id(fd));
    CHECK_EQ_U64(ns_type(got), h->type);
    CHECK(fd_cloexec(got));
    close(got);
}

/* ---- round trips ------------------------------------------------------- */

/* Every type of ours: encode, open with 0 and O_CLOEXEC, same namespace. */
static void test_round_trip_every_type(void)
{
    if (!handles_expected())
        SKIP("no namespace file handles in this run (test_fallback covers it)");
    for (size_t i = 0; i < N_KINDS; i++) {
        int fd = open_ns_file(0, NS_KINDS[i].name);
        if (fd < 0)
            continue; /* a type this kernel lacks */
        struct ns_handle h;
        encode_checked(fd, NS_KINDS[i].type, &h);
        open_checked(&h, fd, 0);
        open_checked(&h, fd, O_CLOEXEC);
        close(fd);
    }
}

/* A process in new namespaces of every type (made with the raw unshare):
 * its handles open its namespaces, and differ from ours. */
static void test_round_trip_new_namespaces(void)
{
    if (!handles_expected())
        SKIP("no namespace file handles in this run");
    struct holder hd;
    holder_start(&hd, CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC |
                          CLONE_NEWNET | CLONE_NEWCGROUP | CLONE_NEWPID | CLONE_NEWTIME,
                 NULL, HOLDER_KEEP_UID);
    for (size_t i = 0; i < N_KINDS; i++) {
        /* unshare(2) moves the caller's children, not the caller, into a
         * new pid or time namespace. */
        const char *name = NS_KINDS[i].name;
        if (NS_KINDS[i].type == NS_PID)
            name = "pid_for_children";
        else if (NS_KINDS[i].type == NS_TIME)
            name = "time_for_children";
        int theirs = open_ns_file(hd.pid, name);
        int ours = open_ns_file(0, NS_KINDS[i].name);
        if (theirs < 0 || ours < 0) {
            CHECKF(theirs < 0 && ours < 0, "%s: only one of the links opens",
                   NS_KINDS[i].name);
            if (theirs >= 0)
                close(theirs);
            if (ours >= 0)
                close(ours);
            continue;
        }
        struct ns_handle a, b;
        encode_checked(theirs, NS_KINDS[i].type, &a);
        encode_checked(ours, NS_KINDS[i].type, &b);
        CHECKF(memcmp(&a, &b, sizeof a) != 0, "%s: a new namespace has our handle",
               NS_KINDS[i].name);
        /* Ours: in it. Theirs: owned by a user namespace we created; the
         * kernel opens those for its creator, and for root (newer stable
         * kernels only for root), so only root relies on it. */
        open_checked(&b, ours, 0);
        if (geteuid() == 0)
            open_checked(&a, theirs, 0);
        close(theirs);
        close(ours);
    }
    holder_stop(&hd);
}

/* Equal namespaces give byte-equal handles, whatever descriptor they came
 * from; different namespaces (and types) give different bytes. */
static void test_equal_handles(void)
{
    if (!handles_expected())
        SKIP("no namespace file handles in this run");
    int a = SYS_OK(open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC));
    int b = REQUIRE_OK(ns_open_pid(0, NS_NET));
    int pidfd = SYS_OK(pidfd_open_(getpid()));
    int c = REQUIRE_OK(ns_open_pidfd(pidfd, NS_NET));
    int d = SYS_OK(dup(a));
    struct ns_handle ha, hb, hc, hd, hu;
    memset(&ha, 0x11, sizeof ha);
    memset(&hb, 0x22, sizeof hb);
    REQUIRE_OK(ns_handle_encode(a, &ha));
    REQUIRE_OK(ns_handle_encode(b, &hb));
    REQUIRE_OK(ns_handle_encode(c, &hc));
    REQUIRE_OK(ns_handle_encode(d, &hd));
    CHECK(memcmp(&ha, &hb, sizeof ha) == 0);
    CHECK(memcmp(&ha, &hc, sizeof ha) == 0);
    CHECK(memcmp(&ha, &hd, sizeof ha) == 0);
    int u = SYS_OK(open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC));
    REQUIRE_OK(ns_handle_encode(u, &hu));
    CHECK(memcmp(&ha, &hu, sizeof ha) != 0);
    /* A copy made with memcpy opens like the original. */
    struct ns_handle copy;
    memcpy(&copy, &ha, sizeof copy);
    open_checked(&copy, a, 0);
    close(u);
    close(d);
    close(c);
    close(pidfd);
    close(b);
    close(a);
}

/* ---- text form ---------------------------------------------------------- */

static void check_text_round_trip(const struct ns_handle *h, const char *want)
{
    char buf[NS_HANDLE_TEXT_MAX];
    int len = CHECK_OK(ns_handle_format(h, buf, sizeof buf));
    if (len < 0)
        return;
    CHECK_EQ_U64(len, strlen(want));
    CHECK_STREQ(buf, want);
    struct ns_handle back;
    memset(&back, 0x5a, sizeof back);
    REQUIRE_OK(ns_handle_parse(buf, &back));
    CHECK(memcmp(&back, h, sizeof back) == 0);

    /* One byte short (no room for the NUL): -ERANGE, buf untouched. */
    char small[NS_HANDLE_TEXT_MAX];
    memset(small, 'x', sizeof small);
    CHECK_ERR(ns_handle_format(h, small, (size_t)len), ERANGE);
    CHECK_LAST_ERROR_HAS("ns_handle_format");
    for (int i = 0; i < (int)sizeof small; i++)
        CHECKF(small[i] == 'x', "byte %d written on -ERANGE", i);
    CHECK_ERR(ns_handle_format(h, NULL, 0), ERANGE);
    CHECK_EQ_U64(ns_handle_format(h, small, (size_t)len + 1), (uint64_t)len);
    CHECK_STREQ(small, want);
}

/* Hand-built handles need no kernel: these run in both library paths. */
static void test_text_form(void)
{
    struct ns_handle h;
    memset(&h, 0, sizeof h);
    h.size = sizeof h;
    h.type = NS_NET;
    h.inode = 4026531840u;
    h.unique_id = 3;
    check_text_round_trip(&h, "net:4026531840:3");

    /* The longest text fits NS_HANDLE_TEXT_MAX with its NUL. */
    h.type = NS_CGROUP;
    h.inode = UINT32_MAX;
    h.unique_id = UINT64_MAX;
    check_text_round_trip(&h, "cgroup:4294967295:18446744073709551615");
    CHECK(strlen("cgroup:4294967295:18446744073709551615") < NS_HANDLE_TEXT_MAX);

    for (size_t i = 0; i < N_KINDS; i++) {
        char want[64];
        h.type = NS_KINDS[i].type;
        h.inode = 4026532000u + (uint32_t)i;
        h.unique_id = 4096 + i;
        snprintf(want, sizeof want, "%s:%u:%zu", NS_KINDS[i].name, h.inode, 4096 + i);
        check_text_round_trip(&h, want);
    }
}

/* The text of a real handle: type name, the inode /proc shows, the id. */
static void test_text_of_encoded_handle(void)
{
    if (!handles_expected())
        SKIP("no namespace file handles in this run");
    int fd = SYS_OK(open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC));
    struct ns_handle h;
    encode_checked(fd, NS_UTS, &h);
    uint64_t unique = 0;
    REQUIRE_OK(ns_unique_id(fd, &unique));
    char want[64];
    snprintf(want, sizeof want, "uts:%" PRIu64 ":%" PRIu64, ns_id_of(0, "uts"), unique);
    check_text_round_trip(&h, want);
    /* Parsed from text, it opens the namespace. */
    struct ns_handle parsed;
    REQUIRE_OK(ns_handle_parse(want, &parsed));
    open_checked(&parsed, fd, 0);
    close(fd);
}

static void test_parse_errors(void)
{
    static const char *const bad[] = {
        "", "net", "net:1", "net:1:2:3", "net::2", ":1:2", "net:1:",
        "net:01:2", "net:1:02", "net:+1:2", "net:-1:2", "net:1:2\n", " net:1:2",
        "net :1:2", "NET:1:2", "nett:1:2", "pid_for_children:1:2", "net:0:2",
        "net:1:0", "net:4294967296:2", "net:1:18446744073709551616",
        "net:0x10:2", "net:1:2x", "net:[4026531840]",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct ns_handle h, before;
        memset(&h, 0x77, sizeof h);
        before = h;
        CHECK_ERR(ns_handle_parse(bad[i], &h), EINVAL);
        CHECK_LAST_ERROR_HAS("ns_handle_parse: handle text");
        CHECKF(memcmp(&h, &before, sizeof h) == 0, "\"%s\": out written on failure",
               bad[i]);
    }
    struct ns_handle h;
    CHECK_ERR(ns_handle_parse(NULL, &h), EINVAL);
    CHECK_ERR(ns_handle_parse("net:1:2", NULL), EINVAL);
}

/* Bad structs and flags are refused before the kernel is asked, in both
 * library paths. */
static void test_bad_handles(void)
{
    struct ns_handle good;
    REQUIRE_OK(ns_handle_parse("uts:4026531838:2", &good));
    char buf[NS_HANDLE_TEXT_MAX];
    struct ns_handle h;

    h = good;
    h.size = 32;
    CHECK_ERR(ns_open_handle(&h, 0), EINVAL);
    CHECK_LAST_ERROR_HAS("size 32");
    CHECK_ERR(ns_handle_format(&h, buf, sizeof buf), EINVAL);
    h = good;
    h.reserved[10] = 1;
    CHECK_ERR(ns_open_handle(&h, 0), EINVAL);
    CHECK_LAST_ERROR_HAS("reserved");
    CHECK_ERR(ns_handle_format(&h, buf, sizeof buf), EINVAL);
    h = good;
    h.type = NS_UTS | NS_NET;
    CHECK_ERR(ns_open_handle(&h, 0), EINVAL);
    h.type = 0;
    CHECK_ERR(ns_open_handle(&h, 0), EINVAL);
    h = good;
    h.inode = 0;
    CHECK_ERR(ns_open_handle(&h, 0), EINVAL);
    h = good;
    h.unique_id = 0;
    CHECK_ERR(ns_open_handle(&h, 0), EINVAL);
    CHECK_ERR(ns_open_handle(NULL, 0), EINVAL);
    CHECK_ERR(ns_handle_format(NULL, buf, sizeof buf), EINVAL);
    CHECK_ERR(ns_handle_format(&good, NULL, 8), EINVAL);
    CHECK_ERR(ns_open_handle(&good, O_NONBLOCK), EINVAL);
    CHECK_LAST_ERROR_HAS("flags");
    CHECK_ERR(ns_open_handle(&good, O_RDWR), EINVAL);

    CHECK_ERR(ns_handle_encode(-1, &h), EBADF);
    int file = SYS_OK(open("/proc/self/status", O_RDONLY | O_CLOEXEC));
    CHECK_ERR(ns_handle_encode(file, &h), EINVAL);
    close(file);
    int fd = SYS_OK(open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC));
    CHECK_ERR(ns_handle_encode(fd, NULL), EINVAL);
    close(fd);
}

/* ---- gone, and refused -------------------------------------------------- */

/* Opens h until the kernel answers, for at most ~2 s: a namespace whose
 * last reference went is released at once for most types, after an RCU
 * grace period or a work item for some. Returns the last result. */
static int open_until_gone(const struct ns_handle *h)
{
    int r = -1;
    for (int i = 0; i < 200; i++) {
        r = ns_open_handle(h, 0);
        if (r < 0)
            return r;
        close(r);
        usleep(10000);
    }
    return r;
}

static void test_gone(void)
{
    SKIP_UNLESS_ROOT();
    if (!handles_expected())
        SKIP("no namespace file handles in this run");
    int fd = REQUIRE_OK(ns_new(NS_UTS));
    struct ns_handle h;
    encode_checked(fd, NS_UTS, &h);
    open_checked(&h, fd, 0); /* alive: it opens */
    close(fd);               /* the only reference */
    errno = 0;
    int r = open_until_gone(&h);
    CHECKF(r == -ESTALE && errno == ESTALE, "got %d, errno %d", r, errno);
    /* Root (CAP_SYS_ADMIN in the initial user and pid namespaces) is
     * refused nothing that lives: the library says "gone". */
    CHECK_LAST_ERROR_HAS("ns_open_handle: open_by_handle_at uts:");
    CHECK_LAST_ERROR_HAS("(the namespace is gone: no live namespace has this type, inode and id)");

    /* A live namespace's handle with one field changed names nothing. */
    int net = SYS_OK(open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC));
    struct ns_handle t;
    REQUIRE_OK(ns_handle_encode(net, &t));
    t.inode += 1;
    CHECK_ERR(ns_open_handle(&t, 0), ESTALE);
    CHECK_LAST_ERROR_HAS("the namespace is gone");
    REQUIRE_OK(ns_handle_encode(net, &t));
    t.type = NS_UTS;
    CHECK_ERR(ns_open_handle(&t, 0), ESTALE);
    REQUIRE_OK(ns_handle_encode(net, &t));
    t.unique_id += 1000000;
    CHECK_ERR(ns_open_handle(&t, 0), ESTALE);
    close(net);
}

/* As uid 65534: the kernel answers ESTALE for a gone namespace and for
 * one the caller may not open; with no process of its own in it, the
 * library cannot tell which, and says so. */
static void test_gone_unprivileged(void)
{
    if (!handles_expected())
        SKIP("no namespace file handles in this run");
    drop_to_nobody_();
    /* A user namespace of our own, held by its descriptor only. */
    int fd = REQUIRE_OK(ns_new(NS_USER));
    struct ns_handle h;
    encode_checked(fd, NS_USER, &h);
    close(fd);
    errno = 0;
    int r = open_until_gone(&h);
    CHECKF(r == -ESTALE && errno == ESTALE, "got %d, errno %d", r, errno);
    CHECK_LAST_ERROR_HAS("(the namespace is gone, or the caller may not open it: the kernel answers both alike");
}

/* ---- unprivileged ----------------------------------------------------- */

/* A child that unshares a UTS namespace as root, then becomes 65534 and
 * dumpable, so that 65534 may inspect it but not open its namespace by
 * handle. Returns its pid; writing to or closing *ctl ends it. */
static pid_t start_nobody_in_root_uts(int *ctl)
{
    int ready[2], c[2];
    SYS_OK(pipe2(ready, O_CLOEXEC));
    SYS_OK(pipe2(c, O_CLOEXEC));
    pid_t pid = SYS_OK(fork());
    if (pid == 0) {
        char ok = '1';
        close(ready[0]);
        close(c[1]);
        if (unshare(CLONE_NEWUTS) < 0 || sethostname("nsh-refused", 11) < 0 ||
            setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
            setresuid(65534, 65534, 65534) < 0 || prctl(PR_SET_DUMPABLE, 1) < 0)
            ok = '0';
        if (write(ready[1], &ok, 1) != 1)
            _exit(1);
        char x;
        while (read(c[0], &x, 1) < 0 && errno == EINTR)
            ;
        _exit(0);
    }
    close(ready[1]);
    close(c[0]);
    char ok = 0;
    while (read(ready[0], &ok, 1) < 0 && errno == EINTR)
        ;
    close(ready[0]);
    *ctl = c[1];
    REQUIRE(ok == '1');
    return pid;
}

static void test_unprivileged(void)
{
    SKIP_UNLESS_ROOT(); /* to make the root-owned namespaces first */
    if (!handles_expected())
        SKIP("no namespace file handles in this run");
    /* A root-owned UTS namespace held by a root process: 65534 may not
     * inspect the holder, so the answer stays ESTALE, "gone, or ...". */
    struct holder root_holder;
    holder_start(&root_holder, CLONE_NEWUTS, "nsh-root", HOLDER_KEEP_UID);
    int rfd = SYS_OK(open_ns_file(root_holder.pid, "uts"));
    struct ns_handle root_h;
    REQUIRE_OK(ns_handle_encode(rfd, &root_h));
    close(rfd);
    /* One held by a process that became 65534 in it: alive, refused. */
    int ctl;
    pid_t nobody = start_nobody_in_root_uts(&ctl);
    int nfd = SYS_OK(open_ns_file(nobody, "uts"));
    struct ns_handle nobody_h;
    REQUIRE_OK(ns_handle_encode(nfd, &nobody_h));
    close(nfd);

    pid_t child = SYS_OK(fork());
    if (child == 0) {
        drop_to_nobody_();
        /* Our own namespaces, every type: no CAP_DAC_READ_SEARCH needed. */
        for (size_t i = 0; i < N_KINDS; i++) {
            int fd = open_ns_file(0, NS_KINDS[i].name);
            if (fd < 0)
                continue;
            struct ns_handle h;
            encode_checked(fd, NS_KINDS[i].type, &h);
            open_checked(&h, fd, 0);
            close(fd);
        }
        /* Not asserted, reported: namespaces owned by a user namespace
         * 65534 made, which it is not in. 6.18 opens them (CAP_SYS_ADMIN
         * over the owner); stable kernels with may_see_all_namespaces() in
         * nsfs_fh_to_dentry refuse them. */
        struct holder own;
        holder_start(&own, CLONE_NEWUSER | CLONE_NEWUTS, "nsh-own", HOLDER_KEEP_UID);
        int ofd = SYS_OK(open_ns_file(own.pid, "uts"));
        struct ns_handle own_h;
        REQUIRE_OK(ns_handle_encode(ofd, &own_h));
        int got = ns_open_handle(&own_h, 0);
        printf("  note: as uid 65534, a handle of a namespace its own user namespace "
               "owns: %s\n", got >= 0 ? "opens" : ns_last_error());
        if (got >= 0)
            close(got);
        close(ofd);
        holder_stop(&own);

        CHECK_ERR(ns_open_handle(&root_h, 0), ESTALE);
        CHECK_LAST_ERROR_HAS("(the namespace is gone, or the caller may not open it: the kernel answers both alike");
        char want[64];
        snprintf(want, sizeof want, "(the namespace lives (process %d is in it)", (int)nobody);
        CHECK_ERR(ns_open_handle(&nobody_h, 0), EPERM);
        CHECK_LAST_ERROR_HAS(want);
        check_exit(check_failures ? 1 : 0);
    }
    int st;
    wait_child(child, &st);
    CHECKF(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the uid 65534 child failed");
    /* Root opens both. */
    int a = CHECK_OK(ns_open_handle(&root_h, 0));
    int b = CHECK_OK(ns_open_handle(&nobody_h, 0));
    CHECK_EQ_U64(fd_ns_id(a), ns_id_of(root_holder.pid, "uts"));
    CHECK_EQ_U64(fd_ns_id(b), ns_id_of(nobody, "uts"));
    if (a >= 0)
        close(a);
    if (b >= 0)
        close(b);
    close(ctl);
    wait_child(nobody, &st);
    holder_stop(&root_holder);
}

/* ---- another process ---------------------------------------------------- */

/* Runs this program as the helper with `text`; returns its output. */
static int run_helper(const char *text, bool join, char *out, size_t size)
{
    int p[2];
    SYS_OK(pipe2(p, O_CLOEXEC));
    pid_t pid = SYS_OK(fork());
    if (pid == 0) {
        dup2(p[1], 1);
        char self[4096];
        ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
        self[n > 0 ? n : 0] = '\0';
        execl(self, self, "--open-handle", text, join ? "join" : NULL, (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    size_t len = 0;
    ssize_t n;
    while (len + 1 < size && ((n = read(p[0], out + len, size - 1 - len)) > 0 ||
                              (n < 0 && errno == EINTR)))
        if (n > 0)
            len += (size_t)n;
    out[len] = '\0';
    close(p[0]);
    int st;
    wait_child(pid, &st);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Root: a handle to a namespace with a hostname of its own, passed as
 * text to an exec'd helper that joins it and reads uname; and as raw
 * bytes through a pipe to a forked child. */
static void test_other_process(void)
{
    SKIP_UNLESS_ROOT();
    if (!handles_expected())
        SKIP("no namespace file handles in this run");
    struct holder hd;
    holder_start(&hd, CLONE_NEWUTS, "nsh-other", HOLDER_KEEP_UID);
    int fd = SYS_OK(open_ns_file(hd.pid, "uts"));
    struct ns_handle h;
    encode_checked(fd, NS_UTS, &h);
    close(fd);
    char text[NS_HANDLE_TEXT_MAX], out[256], want[256], link[64];
    REQUIRE_OK(ns_handle_format(&h, text, sizeof text));
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/ns/uts", (int)hd.pid);
    link_text(path, link, sizeof link);
    snprintf(want, sizeof want, "%s\nnsh-other\n", link);
    int rc = run_helper(text, true, out, sizeof out);
    CHECKF(rc == 0 && strcmp(out, want) == 0, "helper exit %d, output \"%s\", want \"%s\"",
           rc, out, want);

    int p[2];
    SYS_OK(pipe2(p, O_CLOEXEC));
    pid_t child = SYS_OK(fork());
    if (child == 0) {
        struct ns_handle got;
        close(p[1]);
        if (read(p[0], &got, sizeof got) != (ssize_t)sizeof got)
            _exit(2);
        int nfd = ns_open_handle(&got, 0);
        if (nfd < 0 || ns_setns(nfd, NS_UTS) < 0)
            _exit(3);
        char host[128];
        hostname_now(host, sizeof host);
        _exit(strcmp(host, "nsh-other") == 0 ? 0 : 4);
    }
    close(p[0]);
    CHECK(write(p[1], &h, sizeof h) == (ssize_t)sizeof h);
    close(p[1]);
    int st;
    wait_child(child, &st);
    CHECKF(WIFEXITED(st) && WEXITSTATUS(st) == 0, "forked child: status %d", st);
    holder_stop(&hd);

    /* Once the holder is gone, so is the namespace: the helper fails. */
    rc = run_helper(text, false, out, sizeof out);
    CHECKF(rc == 1 && strstr(out, "the namespace is gone") != NULL,
           "helper after the holder ended: exit %d, \"%s\"", rc, out);
}

/* Any user: a handle of our own namespace, as text, opened by an exec'd
 * helper (it is in that namespace too). */
static void test_other_process_unprivileged(void)
{
    if (!handles_expected())
        SKIP("no namespace file handles in this run");
    drop_to_nobody_();
    int fd = SYS_OK(open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC));
    struct ns_handle h;
    encode_checked(fd, NS_NET, &h);
    close(fd);
    char text[NS_HANDLE_TEXT_MAX], out[256], link[64], want[80];
    REQUIRE_OK(ns_handle_format(&h, text, sizeof text));
    link_text("/proc/self/ns/net", link, sizeof link);
    snprintf(want, sizeof want, "%s\n", link);
    int rc = run_helper(text, false, out, sizeof out);
    CHECKF(rc == 0 && strcmp(out, want) == 0, "helper exit %d, output \"%s\", want \"%s\"",
           rc, out, want);
}

/* ---- the fallback ------------------------------------------------------ */

static void check_fallback_answers(void)
{
    int fd = SYS_OK(open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC));
    struct ns_handle h;
    memset(&h, 0x33, sizeof h);
    struct ns_handle before = h;
    CHECK_ERR(ns_handle_encode(fd, &h), EOPNOTSUPP);
    CHECK_LAST_ERROR_HAS("(the kernel predates namespace file handles (6.18)");
    CHECK_LAST_ERROR_HAS("ns_bind");
    CHECK(memcmp(&h, &before, sizeof h) == 0);
    /* A hand-built handle of a namespace that exists. */
    char text[NS_HANDLE_TEXT_MAX];
    snprintf(text, sizeof text, "uts:%" PRIu64 ":2", fd_ns_id(fd));
    REQUIRE_OK(ns_handle_parse(text, &h));
    CHECK_ERR(ns_open_handle(&h, 0), EOPNOTSUPP);
    CHECK_LAST_ERROR_HAS("ns_open_handle: open_by_handle_at uts:");
    /* The text form needs no kernel. */
    char again[NS_HANDLE_TEXT_MAX];
    CHECK_EQ_U64(ns_handle_format(&h, again, sizeof again), strlen(text));
    CHECK_STREQ(again, text);
    close(fd);
}

/* In the _fallback run, and in the normal run by setting the variable in
 * this case's process before its first library call (the library reads it
 * once). */
static void test_fallback(void)
{
    if (!fallback_mode())
        setenv("LINUXNS_FORCE_FALLBACK", "1", 1);
    check_fallback_answers();
}

/* ---- the helper --------------------------------------------------------- */

static int helper_main(const char *text, bool join)
{
    struct ns_handle h;
    if (ns_handle_parse(text, &h) < 0) {
        printf("%s\n", ns_last_error());
        return 1;
    }
    int fd = ns_open_handle(&h, 0);
    if (fd < 0) {
        printf("%s\n", ns_last_error());
        return 1;
    }
    char link[64];
    fd_link_text(fd, link, sizeof link);
    printf("%s\n", link);
    if (join) {
        if (ns_setns(fd, NS_UTS) < 0) {
            printf("%s\n", ns_last_error());
            return 1;
        }
        char host[128];
        hostname_now(host, sizeof host);
        printf("%s\n", host);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "--open-handle") == 0)
        return helper_main(argv[2], argc >= 4 && strcmp(argv[3], "join") == 0);
    RUN(test_round_trip_every_type);
    RUN(test_round_trip_new_namespaces);
    RUN(test_equal_handles);
    RUN(test_text_form);
    RUN(test_text_of_encoded_handle);
    RUN(test_parse_errors);
    RUN(test_bad_handles);
    RUN(test_gone);
    RUN(test_gone_unprivileged);
    RUN(test_unprivileged);
    RUN(test_other_process);
    RUN(test_other_process_unprivileged);
    RUN(test_fallback);
    return check_summary();
}
