/* Process attributes of a spawned program (ns_spawn_attr_set_ids, _setsid,
 * _pgid, _caps, _rlimit, _seccomp, _umask), each read back from what the
 * kernel shows: /proc/PID/status, /proc/PID/stat, getrlimit in the
 * program, a system call the filter refuses; bad input at set time; failing
 * steps; the unprivileged caller, with and without a user namespace. */
#include "check_spawn.h"

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/resource.h>

#if defined(__x86_64__)
#define TEST_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define TEST_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

#define CAP_NET_BIND_SERVICE_BIT (1ull << 10)
#define CAP_NET_RAW_BIT (1ull << 13)
#define CAP_SYS_ADMIN_BIT (1ull << 21)

#define STATUS_FIELDS "^(Uid|Gid|Groups|CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp|Seccomp_filters|Umask):"

static ns_spawn_attr *new_attr(void)
{
    ns_spawn_attr *a = ns_spawn_attr_new();
    REQUIRE(a != NULL);
    return a;
}

/* The program's own /proc/self/status fields (grep is the program). */
static void status_of(ns_spawn_attr *a, char *out, size_t size)
{
    char *argv[] = {"grep", "-E", STATUS_FIELDS, "/proc/self/status", NULL};
    int st = -1;
    REQUIRE_OK(spawn_capture(a, "/bin/grep", argv, out, size, &st));
    CHECKF(WIFEXITED(st) && WEXITSTATUS(st) == 0, "grep: status 0x%x", st);
}

/* A field of our own /proc/self/status, as text after the tab. */
static void my_status(const char *field, char *buf, size_t size)
{
    static char text[8192];
    REQUIRE(read_file("/proc/self/status", text, sizeof text) > 0);
    REQUIRE(out_line(text, field, buf, size) != NULL);
}

/* The last capability this kernel knows. */
static int cap_last(void)
{
    char text[32];
    REQUIRE(read_file("/proc/sys/kernel/cap_last_cap", text, sizeof text) > 0);
    return atoi(text);
}

/* A capability set of our own, from /proc/self/status. */
static uint64_t my_caps(const char *field)
{
    char line[64];
    my_status(field, line, sizeof line);
    return strtoull(line, NULL, 16);
}

/* ns_spawn of /bin/true with the caller's stdout (spawn_capture leaves fd
 * 1 naming its closed pipe): for the spawns that must fail. */
static pid_t spawn_true(ns_spawn_attr *a)
{
    char *argv[] = {"true", NULL};
    REQUIRE_OK(ns_spawn_attr_set_fd(a, 1, 1));
    return ns_spawn("/bin/true", argv, NULL, a, NULL);
}

/* A filter: system call `nr` fails with errno `err`, the rest is allowed
 * (other architectures, where numbers differ, too). */
static size_t deny_filter(struct sock_filter *f, const long *nrs, size_t n, int err)
{
    size_t k = 0;
#ifdef TEST_AUDIT_ARCH
    f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                          offsetof(struct seccomp_data, arch));
    f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, TEST_AUDIT_ARCH, 1, 0);
    f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
#endif
    f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                          offsetof(struct seccomp_data, nr));
    for (size_t i = 0; i < n; i++) {
        f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nrs[i], 0, 1);
        f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
                                              SECCOMP_RET_ERRNO | ((uint32_t)err & SECCOMP_RET_DATA));
    }
    f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    return k;
}

/* ---- bad input ---------------------------------------------------------- */

static void test_setters_refuse_bad_input(void)
{
    ns_spawn_attr *a = new_attr();
    const gid_t g[2] = {100, (gid_t)-1};
    struct rlimit rl = {10, 20}, inverted = {20, 10};
    struct sock_filter f[8];
    size_t n = deny_filter(f, (long[]){SYS_uname}, 1, EPERM);

    CHECK_ERR(ns_spawn_attr_set_ids(NULL, 0, 0, NULL, 0), EINVAL);
    CHECK_ERR(ns_spawn_attr_set_setsid(NULL, 1), EINVAL);
    CHECK_ERR(ns_spawn_attr_set_pgid(NULL, 0), EINVAL);
    CHECK_ERR(ns_spawn_attr_set_caps(NULL, NS_CAPS_BOUNDING, 0), EINVAL);
    CHECK_ERR(ns_spawn_attr_set_rlimit(NULL, RLIMIT_NOFILE, &rl), EINVAL);
    CHECK_ERR(ns_spawn_attr_set_seccomp(NULL, f, (unsigned short)n), EINVAL);
    CHECK_ERR(ns_spawn_attr_set_umask(NULL, 022), EINVAL);

    CHECK_ERR_STEP(ns_spawn_attr_set_ids(a, 0, 0, g, 2), EINVAL, "group 4294967295");
    CHECK_ERR_STEP(ns_spawn_attr_set_ids(a, 0, 0, g, 65537), EINVAL, "NGROUPS_MAX");
    CHECK_ERR_STEP(ns_spawn_attr_set_pgid(a, -1), EINVAL, "process group -1");
    CHECK_ERR_STEP(ns_spawn_attr_set_caps(a, 0, 0), EINVAL, "capability sets 0x0");
    CHECK_ERR_STEP(ns_spawn_attr_set_caps(a, 0x20, 0), EINVAL, "capability sets 0x20");
    if (cap_last() < 63) {
        char want[64];
        snprintf(want, sizeof want, "capability %d", cap_last() + 1);
        CHECK_ERR_STEP(ns_spawn_attr_set_caps(a, NS_CAPS_AMBIENT, 1ull << (cap_last() + 1)),
                       EINVAL, want);
    }
    CHECK_ERR_STEP(ns_spawn_attr_set_rlimit(a, -1, &rl), EINVAL, "resource -1");
    CHECK_ERR_STEP(ns_spawn_attr_set_rlimit(a, 16, &rl), EINVAL, "resource 16");
    CHECK_ERR_STEP(ns_spawn_attr_set_rlimit(a, RLIMIT_NOFILE, NULL), EINVAL, "rl");
    CHECK_ERR_STEP(ns_spawn_attr_set_rlimit(a, RLIMIT_NOFILE, &inverted), EINVAL,
                   "soft limit 20 is above the hard limit 10");
    CHECK_ERR_STEP(ns_spawn_attr_set_seccomp(a, NULL, 1), EINVAL, "filter");
    CHECK_ERR_STEP(ns_spawn_attr_set_seccomp(a, f, 0), EINVAL, "0 instructions");
    static struct sock_filter big[4097];
    for (int i = 0; i < 4097; i++)
        big[i] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    CHECK(CHECK_OK(ns_spawn_attr_set_seccomp(a, big, 4096)) == 0);
    /* One more than BPF_MAXINSNS. */
    CHECK_ERR_STEP(ns_spawn_attr_set_seccomp(a, big, 4097), EINVAL, "4097 instructions");
    /* Instructions the kernel would refuse, named by number. */
    struct sock_filter past_end[2] = {BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 5, 0),
                                      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
    CHECK_ERR_STEP(ns_spawn_attr_set_seccomp(a, past_end, 2), EINVAL,
                   "instruction 0: Invalid argument (jumps past the end)");
    struct sock_filter packet[2] = {BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0),
                                    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
    CHECK_ERR_STEP(ns_spawn_attr_set_seccomp(a, packet, 2), EINVAL, "instruction 0");
    struct sock_filter outside[2] = {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 64),
                                     BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
    CHECK_ERR_STEP(ns_spawn_attr_set_seccomp(a, outside, 2), EINVAL, "struct seccomp_data");
    struct sock_filter no_ret[1] = {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0)};
    CHECK_ERR_STEP(ns_spawn_attr_set_seccomp(a, no_ret, 1), EINVAL, "must return");
    struct sock_filter unwritten[2] = {BPF_STMT(BPF_LD | BPF_MEM, 3),
                                       BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
    CHECK_ERR_STEP(ns_spawn_attr_set_seccomp(a, unwritten, 2), EINVAL, "scratch word");
    CHECK_ERR_STEP(ns_spawn_attr_set_umask(a, 01000), EINVAL, "umask 01000");
    CHECK(strstr(ns_last_error(), "ns_spawn_attr_set_umask: ") == ns_last_error());
    ns_spawn_attr_free(a);
}

/* The kernel itself refuses what the setter refused: the check is not
 * stricter than the kernel's, nor looser, for these. */
static void test_filter_check_matches_kernel(void)
{
    struct sock_filter past_end[2] = {BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 5, 0),
                                      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
    struct sock_filter unwritten[2] = {BPF_STMT(BPF_LD | BPF_MEM, 3),
                                       BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
    struct sock_filter good[8];
    size_t n = deny_filter(good, (long[]){SYS_uname}, 1, EPERM);
    struct {
        struct sock_filter *f;
        unsigned short len;
        int ok;
    } cases[] = {{past_end, 2, 0}, {unwritten, 2, 0}, {good, (unsigned short)n, 1}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ns_spawn_attr *a = new_attr();
        int ours = ns_spawn_attr_set_seccomp(a, cases[i].f, cases[i].len);
        ns_spawn_attr_free(a);
        pid_t kid = SYS_OK(fork());
        if (kid == 0) {
            struct sock_fprog prog = {cases[i].len, cases[i].f};
            prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
            _exit(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0 ? 0 : errno);
        }
        int st;
        REQUIRE(wait_child(kid, &st) == kid);
        int kernel = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        CHECKF((ours == 0) == cases[i].ok && (kernel == 0) == cases[i].ok &&
                   (ours == 0 || kernel == EINVAL),
               "case %zu: setter %d, kernel %d", i, ours, kernel);
    }
}

static void test_refused_combinations_start_nothing(void)
{
    ns_spawn_attr *a = new_attr();
    REQUIRE_OK(ns_spawn_attr_set_setsid(a, 1));
    REQUIRE_OK(ns_spawn_attr_set_pgid(a, 0));
    CHECK_ERR_STEP(spawn_true(a), EINVAL,
                   "setsid and process group");
    ns_spawn_attr_free(a);

    a = new_attr();
    REQUIRE_OK(ns_spawn_attr_set_caps(a, NS_CAPS_PERMITTED, CAP_NET_RAW_BIT));
    REQUIRE_OK(ns_spawn_attr_set_caps(a, NS_CAPS_EFFECTIVE, CAP_NET_BIND_SERVICE_BIT));
    CHECK_ERR_STEP(spawn_true(a), EINVAL,
                   "capability 10: Invalid argument (effective capabilities must be permitted)");
    REQUIRE_OK(ns_spawn_attr_set_caps(a, NS_CAPS_EFFECTIVE, 0));
    REQUIRE_OK(ns_spawn_attr_set_caps(a, NS_CAPS_INHERITABLE | NS_CAPS_AMBIENT, CAP_NET_BIND_SERVICE_BIT));
    CHECK_ERR_STEP(spawn_true(a), EINVAL,
                   "ambient capabilities must be permitted");
    ns_spawn_attr_free(a);
    CHECK_NO_CHILDREN();
}

/* ---- ids ---------------------------------------------------------------- */

static void test_ids(void)
{
    SKIP_UNLESS_ROOT();
    char out[4096], line[128];
    ns_spawn_attr *a = new_attr();
    const gid_t groups[2] = {65534, 100};
    REQUIRE_OK(ns_spawn_attr_set_ids(a, 65534, 65533, groups, 2));
    status_of(a, out, sizeof out);
    CHECK_STREQ(out_line(out, "Uid:\t", line, sizeof line), "65534\t65534\t65534\t65534");
    CHECK_STREQ(out_line(out, "Gid:\t", line, sizeof line), "65533\t65533\t65533\t65533");
    CHECK_STREQ(out_line(out, "Groups:\t", line, sizeof line), "100 65534 ");
    /* Leaving uid 0 without capability sets: none left. */
    CHECK_EQ_U64(out_hex_field(out, "CapPrm:"), 0);
    CHECK_EQ_U64(out_hex_field(out, "CapEff:"), 0);

    /* -1 and NULL leave what was set: only the gid changes; a refused call
     * changes nothing; an empty list is no groups. */
    REQUIRE_OK(ns_spawn_attr_set_ids(a, (uid_t)-1, 4242, NULL, 5));
    const gid_t bad[1] = {(gid_t)-1};
    CHECK_ERR(ns_spawn_attr_set_ids(a, 1, 1, bad, 1), EINVAL);
    status_of(a, out, sizeof out);
    CHECK_STREQ(out_line(out, "Uid:\t", line, sizeof line), "65534\t65534\t65534\t65534");
    CHECK_STREQ(out_line(out, "Gid:\t", line, sizeof line), "4242\t4242\t4242\t4242");
    CHECK_STREQ(out_line(out, "Groups:\t", line, sizeof line), "100 65534 ");
    REQUIRE_OK(ns_spawn_attr_set_ids(a, (uid_t)-1, (gid_t)-1, groups, 0));
    status_of(a, out, sizeof out);
    CHECK(out_line(out, "Groups:", line, sizeof line) && strspn(line, " \t") == strlen(line));
    ns_spawn_attr_free(a);
}

static void test_ids_refused_unprivileged(void)
{
    drop_to_nobody(NULL, NULL);
    ns_spawn_attr *a = new_attr();
    REQUIRE_OK(ns_spawn_attr_set_ids(a, 0, (gid_t)-1, NULL, 0));
    CHECK_ERR_STEP(spawn_true(a), EPERM, "child: setresuid (uid 0)");
    ns_spawn_attr_free(a);
    CHECK_NO_CHILDREN();
}

/* ---- session and process group ----------------------------------------- */

/* "PID PGRP SESSION TTY_NR" of the spawned shell. */
#define STAT_SCRIPT "echo $$ $(cut -d' ' -f5-7 /proc/$$/stat)"

static void test_setsid(void)
{
    char out[256];
    ns_spawn_attr *a = new_attr();
    REQUIRE_OK(ns_spawn_attr_set_setsid(a, 1));
    SH_OK(a, STAT_SCRIPT, out);
    long pid, pgrp, sid, tty;
    REQUIRE(sscanf(out, "%ld %ld %ld %ld", &pid, &pgrp, &sid, &tty) == 4);
    CHECK(pgrp == pid && sid == pid && tty == 0);
    CHECK(sid != (long)getsid(0));
    /* 0 switches it off again: the caller's session. */
    REQUIRE_OK(ns_spawn_attr_set_setsid(a, 0));
    SH_OK(a, STAT_SCRIPT, out);
    REQUIRE(sscanf(out, "%ld %ld %ld %ld", &pid, &pgrp, &sid, &tty) == 4);
    CHECK(sid == (long)getsid(0) && pgrp == (long)getpgrp());
    ns_spawn_attr_free(a);
}

static void test_pgid(void)
{
    char out[256];
    long pid, pgrp, sid, tty;
    ns_spawn_attr *a = new_attr();
    REQUIRE_OK(ns_spawn_attr_set_pgid(a, 0));
    SH_OK(a, STAT_SCRIPT, out);
    REQUIRE(sscanf(out, "%ld %ld %ld %ld", &pid, &pgrp, &sid, &tty) == 4);
    CHECK(pgrp == pid && sid == (long)getsid(0));
    /* Our own group by number. */
    SYS_OK(setpgid(0, 0));
    REQUIRE_OK(ns_spawn_attr_set_pgid(a, getpgrp()));
    SH_OK(a, STAT_SCRIPT, out);
    REQUIRE(sscanf(out, "%ld %ld %ld %ld", &pid, &pgrp, &sid, &tty) == 4);
    CHECK(pgrp == (long)getpgrp() && pgrp != pid);
    /* A group that does not exist: the child's setpgid fails. */
    REQUIRE_OK(ns_spawn_attr_set_pgid(a, unused_pid()));
    CHECK_ERR_STEP(spawn_true(a), EPERM, "child: setpgid");
    ns_spawn_attr_free(a);
    CHECK_NO_CHILDREN();
}

/* ---- resource limits ---------------------------------------------------- */

static void test_rlimits(void)
{
    char out[256];
    ns_spawn_attr *a = new_attr();
    struct rlimit nofile = {64, 128}, core = {0, 0}, stack = {4 << 20, RLIM_INFINITY};
    struct rlimit mine;
    SYS_OK(getrlimit(RLIMIT_STACK, &mine));
    if (mine.rlim_max != RLIM_INFINITY)
        stack.rlim_max = mine.rlim_max;
    REQUIRE_OK(ns_spawn_attr_set_rlimit(a, RLIMIT_NOFILE, &nofile));
    REQUIRE_OK(ns_spawn_attr_set_rlimit(a, RLIMIT_CORE, &core));
    REQUIRE_OK(ns_spawn_attr_set_rlimit(a, RLIMIT_STACK, &stack));
    /* The same resource again replaces it. */
    nofile = (struct rlimit){32, 100};
    REQUIRE_OK(ns_spawn_attr_set_rlimit(a, RLIMIT_NOFILE, &nofile));
    /* getrlimit in the program (the shell's ulimit), then /proc. */
    SH_OK(a, "echo $(ulimit -Sn) $(ulimit -Hn) $(ulimit -Hc) $(ulimit -Ss) $(ulimit -Hs); "
             "grep -E '^Max (open files|core file size)' /proc/$$/limits | tr -s ' '",
          out);
    char want[256];
    if (stack.rlim_max == RLIM_INFINITY)
        snprintf(want, sizeof want, "32 100 0 4096 unlimited\n");
    else
        snprintf(want, sizeof want, "32 100 0 4096 %llu\n",
                 (unsigned long long)stack.rlim_max / 1024);
    strcat(want, "Max core file size 0 0 bytes \nMax open files 32 100 files \n");
    CHECK_STREQ(out, want);
    ns_spawn_attr_free(a);
}

static void test_rlimit_above_hard_limit_fails(void)
{
    drop_to_nobody(NULL, NULL);
    struct rlimit mine;
    SYS_OK(getrlimit(RLIMIT_NOFILE, &mine));
    REQUIRE(mine.rlim_max != RLIM_INFINITY);
    struct rlimit more = {mine.rlim_max + 1, mine.rlim_max + 1};
    ns_spawn_attr *a = new_attr();
    REQUIRE_OK(ns_spawn_attr_set_rlimit(a, RLIMIT_NOFILE, &more));
    char *argv[] = {"true", NULL};
    int pidfd = -77;
    CHECK_ERR_STEP(ns_spawn("/bin/true", argv, NULL, a, &pidfd), EPERM,
                   "ns_spawn: child: setrlimit (resource 7): Operation not permitted");
    CHECK(strstr(ns_last_error(), "CAP_SYS_RESOURCE") != NULL);
    CHECK(pidfd == -77);
    /* Lowering works for anyone. */
    struct rlimit less = {mine.rlim_cur / 2, mine.rlim_max / 2};
    REQUIRE_OK(ns_spawn_attr_set_rlimit(a, RLIMIT_NOFILE, &less));
    char out[64], want[64];
    SH_OK(a, "echo $(ulimit -Sn) $(ulimit -Hn)", out);
    snprintf(want, sizeof want, "%llu %llu\n", (unsigned long long)less.rlim_cur,
             (unsigned long long)less.rlim_max);
    CHECK_STREQ(out, want);
    ns_spawn_attr_free(a);
    CHECK_NO_CHILDREN();
}

/* ---- capabilities ------------------------------------------------------- */

static void test_caps_kept_over_uid_change(void)
{
    SKIP_UNLESS_ROOT();
    char out[4096];
    const uint64_t keep = CAP_NET_BIND_SERVICE_BIT | CAP_NET_RAW_BIT;
    ns_spawn_attr *a = new_attr();
    REQUIRE_OK(ns_spawn_attr_set_ids(a, 65534, 65534, (gid_t[]){65534}, 1));
    REQUIRE_OK(ns_spawn_attr_set_caps(a, NS_CAPS_PERMITTED | NS_CAPS_EFFECTIVE |
                                             NS_CAPS_INHERITABLE | NS_CAPS_AMBIENT, keep));
    status_of(a, out, sizeof out);
    /* Across exec a non-root program keeps its ambient set. */
    CHECK_EQ_U64(out_hex_field(out, "CapInh:"), keep);
    CHECK_EQ_U64(out_hex_field(out, "CapPrm:"), keep);
    CHECK_EQ_U64(out_hex_field(out, "CapEff:"), keep);
    CHECK_EQ_U64(out_hex_field(out, "CapAmb:"), keep);
    CHECK_EQ_U64(out_hex_field(out, "CapBnd:"), my_caps("CapBnd:"));

    /* Ambient without inheritable: the kernel refuses, named. */
    ns_spawn_attr *b = new_attr();
    REQUIRE_OK(ns_spawn_attr_set_ids(b, 65534, 65534, NULL, 0));
    REQUIRE_OK(ns_spawn_attr_set_caps(b, NS_CAPS_AMBIENT, CAP_NET_BIND_SERVICE_BIT));
    CHECK_ERR_STEP(spawn_true(b), EPERM,
                   "child: raise ambient capability (capability 10): Operation not permitted "
                   "(an ambient capability must be permitted and inheritable");
    ns_spawn_attr_free(b);
    ns_spawn_attr_free(a);
    CHECK_NO_CHILDREN();
}

static void test_bounding_set_limits_root(void)
{
    SKIP_UNLESS_ROOT();
    char out[4096];
    const uint64_t bnd = CAP_NET_BIND_SERVICE_BIT | CAP_SYS_ADMIN_BIT;
    ns_spawn_attr *a = new_attr();
    REQUIRE_OK(ns_spawn_attr_set_caps(a, NS_CAPS_BOUNDING, bnd));
    status_of(a, out, sizeof out);
    /* A root program gets its bounding set (plus the inheritable, empty). */
    CHECK_EQ_U64(out_hex_field(out, "CapBnd:"), bnd);
    CHECK_EQ_U64(out_hex_field(out, "CapPrm:"), bnd);
    CHECK_EQ_U64(out_hex_field(out, "CapEff:"), bnd);
    CHECK_EQ_U64(out_hex_field(out, "CapAmb:"), 0);
    ns_spawn_attr_free(a);
}

/* In a function (no exec, which would recompute the sets): only the
 * effective set was given; permitted keeps what root had. */
static int report_caps(void *arg)
{
    char eff[64], prm[64];
    my_status("CapEff:", eff, sizeof eff);
    my_status("CapPrm:", prm, sizeof prm);
    uint64_t e = strtoull(eff, NULL, 16), p = strtoull(prm, NULL, 16);
    return (e == CAP_NET_BIND_SERVICE_BIT) | (p == *(uint64_t *)arg) << 1;
}

static void test_effective_set_alone(void)
{
    SKIP_UNLESS_ROOT();
    ns_spawn_attr *a = new_attr();
    REQUIRE_OK(ns_spawn_attr_set_caps(a, NS_CAPS_EFFECTIVE, CAP_NET_BIND_SERVICE_BIT));
    uint64_t prm = my_caps("CapPrm:");
    pid_t pid = REQUIRE_OK(ns_spawn_fn(a, report_caps, &prm, NULL));
    int st;
    REQUIRE(wait_child(pid, &st) == pid);
    CHECKF(WIFEXITED(st) && WEXITSTATUS(st) == 3, "status 0x%x (1: effective, 2: permitted)", st);
    ns_spawn_attr_free(a);
}

static void test_bounding_refused_unprivileged(void)
{
    drop_to_nobody(NULL, NULL);
    uint64_t mine = my_caps("CapBnd:");
    REQUIRE(mine & 1);
    ns_spawn_attr *a = new_attr();
    /* Dropping needs CAP_SETPCAP: capability 0 is the first to go. */
    REQUIRE_OK(ns_spawn_attr_set_caps(a, NS_CAPS_BOUNDING, mine & ~1ull));
    CHECK_ERR_STEP(spawn_true(a), EPERM,
                   "child: drop from the bounding set (capability 0)");
    /* The set it has needs nothing dropped. */
    REQUIRE_OK(ns_spawn_attr_set_caps(a, NS_CAPS_BOUNDING, mine));
    char out[4096];
    status_of(a, out, sizeof out);
    CHECK_EQ_U64(out_hex_field(out, "CapBnd:"), mine);
    /* capset beyond what it has. */
    REQUIRE_OK(ns_spawn_attr_set_caps(a, NS_CAPS_PERMITTED, CAP_NET_RAW_BIT));
    CHECK_ERR_STEP(spawn_true(a), EPERM,
                   "child: capset (permitted, effective, inheritable)");
    ns_spawn_attr_free(a);
    CHECK_NO_CHILDREN();
}

/* ---- umask -------------------------------------------------------------- */

static void test_umask(void)
{
    char out[256], line[64];
    ns_spawn_attr *a = new_attr();
    REQUIRE_OK(ns_spawn_attr_set_umask(a, 027));
    SH_OK(a, "umask; grep ^Umask: /proc/$$/status", out);
    CHECK_STREQ(out, "0027\nUmask:\t0027\n");
    REQUIRE_OK(ns_spawn_attr_set_umask(a, 0777));
    status_of(a, out, sizeof out);
    CHECK_STREQ(out_line(out, "Umask:\t", line, sizeof line), "0777");
    ns_spawn_attr_free(a);
}

/* ---- seccomp ------------------------------------------------------------ */

static void test_seccomp_denies_a_call(void)
{
    char out[4096], line[64];
    struct sock_filter f[8];
    size_t n = deny_filter(f, (long[]){SYS_uname}, 1, EPERM);
    ns_spawn_attr *a = new_attr();
    REQUIRE_OK(ns_spawn_attr_set_seccomp(a, f, (unsigned short)n));
    /* The attribute has its own copy. */
    memset(f, 0, sizeof f);
    /* uname(1) reports the refused uname(2); its exit status is kept. */
    SH_OK(a, "uname -s 2>&1; echo status $?", out);
    CHECKF(strstr(out, "Operation not permitted") && strstr(out, "status 1\n"),
           "output: %s", out);
    my_status("Seccomp_filters:", line, sizeof line);
    int filters_before = atoi(line);
    status_of(a, out, sizeof out);
    CHECK_STREQ(out_line(out, "NoNewPrivs:\t", line, sizeof line), "1");
    CHECK_STREQ(out_line(out, "Seccomp:\t", line, sizeof line), "2");
    CHECK(out_line(out, "Seccomp_filters:\t", line, sizeof line) &&
          atoi(line) == filters_before + 1);
    /* Without the filter, uname works. */
    ns_spawn_attr_free(a);
    a = new_attr();
    SH_OK(a, "uname -s", out);
    CHECK_STREQ(out, "Linux\n");
    ns_spawn_attr_free(a);
}

static void test_seccomp_is_last_before_exec(void)
{
    /* The filter refuses the calls the library's own steps make (setsid,
     * prlimit64, umask, capset): they all happened before it. And it
     * refuses execve: the spawn fails with the filter's errno. */
    char out[8192], line[128];
    struct sock_filter f[16];
    long calls[] = {SYS_setsid, SYS_prlimit64, SYS_umask, SYS_capset};
    size_t n = deny_filter(f, calls, 4, EPERM);
    ns_spawn_attr *a = new_attr();
    struct rlimit core = {0, 0};
    REQUIRE_OK(ns_spawn_attr_set_setsid(a, 1));
    REQUIRE_OK(ns_spawn_attr_set_rlimit(a, RLIMIT_CORE, &core));
    REQUIRE_OK(ns_spawn_attr_set_umask(a, 077));
    REQUIRE_OK(ns_spawn_attr_set_caps(a, NS_CAPS_INHERITABLE, 0));
    REQUIRE_OK(ns_spawn_attr_set_seccomp(a, f, (unsigned short)n));
    char *argv[] = {"cat", "/proc/self/stat", "/proc/self/status", "/proc/self/limits", NULL};
    int st;
    pid_t pid = REQUIRE_OK(spawn_capture(a, "/bin/cat", argv, out, sizeof out, &st));
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    long spid, pgrp, sid;
    char first[512];
    snprintf(first, sizeof first, "%.*s", (int)strcspn(out, "\n"), out);
    const char *rp = strrchr(first, ')');
    REQUIRE(rp && sscanf(rp + 1, " %*c %*d %ld %ld", &pgrp, &sid) == 2);
    spid = pid;
    CHECK(sid == spid && pgrp == spid);
    CHECK_STREQ(out_line(out, "Umask:\t", line, sizeof line), "0077");
    CHECK_STREQ(out_line(out, "Seccomp:\t", line, sizeof line), "2");
    CHECK(out_line(out, "Max core file size", line, sizeof line) &&
          strstr(line, " 0 ") != NULL);

    long exec_nr[] = {SYS_execve};
    n = deny_filter(f, exec_nr, 1, EACCES);
    REQUIRE_OK(ns_spawn_attr_set_seccomp(a, f, (unsigned short)n));
    CHECK_ERR_STEP(spawn_true(a), EACCES,
                   "child: execve \"/bin/true\": Permission denied");
    ns_spawn_attr_free(a);
    CHECK_NO_CHILDREN();
}

/* In ns_spawn_fn's function: no_new_privs, the filter, the umask. */
static int report_filter(void *arg)
{
    (void)arg;
    struct utsname u;
    int denied = uname(&u) == -1 && errno == EPERM;
    int nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1;
    mode_t old = umask(0);
    return denied | nnp << 1 | (old == 022) << 2;
}

static void test_seccomp_in_function(void)
{
    struct sock_filter f[8];
    size_t n = deny_filter(f, (long[]){SYS_uname}, 1, EPERM);
    ns_spawn_attr *a = new_attr();
    REQUIRE_OK(ns_spawn_attr_set_seccomp(a, f, (unsigned short)n));
    REQUIRE_OK(ns_spawn_attr_set_umask(a, 022));
    pid_t pid = REQUIRE_OK(ns_spawn_fn(a, report_filter, NULL, NULL));
    int st;
    REQUIRE(wait_child(pid, &st) == pid);
    CHECKF(WIFEXITED(st) && WEXITSTATUS(st) == 7, "status 0x%x (1: uname refused, 2: no_new_privs, 4: umask)", st);
    /* The caller itself is untouched. */
    struct utsname u;
    CHECK(uname(&u) == 0);
    CHECK(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 0);
    ns_spawn_attr_free(a);
}

/* ---- an unprivileged caller in its own user namespace ------------------- */

static void test_unprivileged_in_user_namespace(void)
{
    drop_to_nobody(NULL, NULL);
    char out[4096], line[128];
    struct sock_filter f[8];
    size_t n = deny_filter(f, (long[]){SYS_uname}, 1, EPERM);
    struct rlimit mine, nofile;
    SYS_OK(getrlimit(RLIMIT_NOFILE, &mine));
    nofile = (struct rlimit){mine.rlim_max / 4, mine.rlim_max / 2};
    ns_spawn_attr *a = new_attr();
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, NS_USER));
    REQUIRE_OK(ns_spawn_attr_map_root(a));
    REQUIRE_OK(ns_spawn_attr_set_ids(a, 0, 0, NULL, 0));
    REQUIRE_OK(ns_spawn_attr_set_setsid(a, 1));
    REQUIRE_OK(ns_spawn_attr_set_rlimit(a, RLIMIT_NOFILE, &nofile));
    REQUIRE_OK(ns_spawn_attr_set_caps(a, NS_CAPS_BOUNDING, CAP_NET_BIND_SERVICE_BIT | CAP_SYS_ADMIN_BIT));
    REQUIRE_OK(ns_spawn_attr_set_umask(a, 007));
    REQUIRE_OK(ns_spawn_attr_set_seccomp(a, f, (unsigned short)n));
    status_of(a, out, sizeof out);
    CHECK_STREQ(out_line(out, "Uid:\t", line, sizeof line), "0\t0\t0\t0");
    CHECK_EQ_U64(out_hex_field(out, "CapBnd:"), CAP_NET_BIND_SERVICE_BIT | CAP_SYS_ADMIN_BIT);
    CHECK_EQ_U64(out_hex_field(out, "CapEff:"), CAP_NET_BIND_SERVICE_BIT | CAP_SYS_ADMIN_BIT);
    CHECK_STREQ(out_line(out, "Umask:\t", line, sizeof line), "0007");
    CHECK_STREQ(out_line(out, "NoNewPrivs:\t", line, sizeof line), "1");
    SH_OK(a, "echo $(ulimit -Sn) $(ulimit -Hn) $(cut -d' ' -f6 /proc/$$/stat) $$; uname 2>&1 | grep -c 'not permitted'", out);
    /* A new session: the shell's session is its own pid. */
    long cur, max, sid, pid, refused;
    REQUIRE(sscanf(out, "%ld %ld %ld %ld %ld", &cur, &max, &sid, &pid, &refused) == 5);
    CHECK(cur == (long)nofile.rlim_cur && max == (long)nofile.rlim_max);
    CHECK(sid == pid && refused == 1);

    /* What a user namespace does not give: a higher hard limit (checked
     * against the initial namespace), setgroups (denied by map_root), an
     * id outside the map. */
    struct rlimit more = {mine.rlim_max + 1, mine.rlim_max + 1};
    REQUIRE_OK(ns_spawn_attr_set_rlimit(a, RLIMIT_NOFILE, &more));
    CHECK_ERR_STEP(spawn_true(a), EPERM, "child: setrlimit (resource 7)");
    REQUIRE_OK(ns_spawn_attr_set_rlimit(a, RLIMIT_NOFILE, &mine));
    REQUIRE_OK(ns_spawn_attr_set_ids(a, 0, 0, (gid_t[]){0}, 1));
    CHECK_ERR_STEP(spawn_true(a), EPERM, "child: setgroups");
    ns_spawn_attr_free(a);
    a = new_attr();
    REQUIRE_OK(ns_spawn_attr_set_namespaces(a, NS_USER));
    REQUIRE_OK(ns_spawn_attr_map_root(a));
    REQUIRE_OK(ns_spawn_attr_set_ids(a, 1000, (gid_t)-1, NULL, 0));
    CHECK_ERR_STEP(spawn_true(a), EINVAL, "child: setresuid (uid 1000)");
    ns_spawn_attr_free(a);
    CHECK_NO_CHILDREN();
}

int main(void)
{
    RUN(test_setters_refuse_bad_input);
    RUN(test_filter_check_matches_kernel);
    RUN(test_refused_combinations_start_nothing);
    RUN(test_ids);
    RUN(test_ids_refused_unprivileged);
    RUN(test_setsid);
    RUN(test_pgid);
    RUN(test_rlimits);
    RUN(test_rlimit_above_hard_limit_fails);
    RUN(test_caps_kept_over_uid_change);
    RUN(test_bounding_set_limits_root);
    RUN(test_effective_set_alone);
    RUN(test_bounding_refused_unprivileged);
    RUN(test_umask);
    RUN(test_seccomp_denies_a_call);
    RUN(test_seccomp_is_last_before_exec);
    RUN(test_seccomp_in_function);
    RUN(test_unprivileged_in_user_namespace);
    return check_summary();
}
