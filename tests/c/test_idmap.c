/* ns_write_uid_map / ns_write_gid_map: maps as the kernel shows them,
 * validation before any write, newuidmap/newgidmap through NS_MAP_USE_HELPER. */
#include "check.h"
#include <sys/mount.h>

typedef int (*map_writer)(pid_t, const struct ns_idmap *, size_t, unsigned);

static void test_uid_map_three_ranges(void)
{
    SKIP_UNLESS_ROOT();
    struct holder h;
    holder_start(&h, CLONE_NEWUSER, NULL, HOLDER_KEEP_UID);
    const struct ns_idmap map[] = {
        {0, 100000, 1000}, {1000, 1000, 1}, {2000, 200000, 500}};
    CHECK(CHECK_OK(ns_write_uid_map(h.pid, map, 3, 0)) == 0);
    CHECK(idmap_equals(h.pid, "uid_map", map, 3));
    CHECK(idmap_empty(h.pid, "gid_map"));
    holder_stop(&h);
}

static void test_gid_map_deny_setgroups(void)
{
    SKIP_UNLESS_ROOT();
    struct holder h;
    holder_start(&h, CLONE_NEWUSER, NULL, HOLDER_KEEP_UID);
    const struct ns_idmap map[] = {{0, 300000, 65536}, {65536, 50, 2}};
    char sg[32];
    setgroups_of(h.pid, sg, sizeof sg);
    CHECK_STREQ(sg, "allow");
    CHECK(CHECK_OK(ns_write_gid_map(h.pid, map, 2, NS_MAP_DENY_SETGROUPS)) == 0);
    CHECK(idmap_equals(h.pid, "gid_map", map, 2));
    setgroups_of(h.pid, sg, sizeof sg);
    CHECK_STREQ(sg, "deny");
    holder_stop(&h);
}

static void test_gid_map_allows_setgroups_by_default(void)
{
    SKIP_UNLESS_ROOT();
    struct holder h;
    holder_start(&h, CLONE_NEWUSER, NULL, HOLDER_KEEP_UID);
    const struct ns_idmap map[] = {{0, 0, 10}, {10, 400000, 10}};
    CHECK(CHECK_OK(ns_write_gid_map(h.pid, map, 2, 0)) == 0);
    CHECK(idmap_equals(h.pid, "gid_map", map, 2));
    char sg[32];
    setgroups_of(h.pid, sg, sizeof sg);
    CHECK_STREQ(sg, "allow");
    holder_stop(&h);
}

static void test_max_340_ranges(void)
{
    SKIP_UNLESS_ROOT();
    struct holder h;
    holder_start(&h, CLONE_NEWUSER, NULL, HOLDER_KEEP_UID);
    static struct ns_idmap map[340];
    /* Small numbers, so the 340 lines fit in the kernel's one-page write. */
    for (uint32_t i = 0; i < 340; i++)
        map[i] = (struct ns_idmap){i, 1000 + i, 1};
    CHECK(CHECK_OK(ns_write_uid_map(h.pid, map, 340, 0)) == 0);
    CHECK(idmap_equals(h.pid, "uid_map", map, 340));
    holder_stop(&h);
}

static void test_map_too_long_for_one_write(void)
{
    /* Valid by every rule, but 340 lines of ten-digit numbers do not fit the
     * one page the kernel takes in its single write: an error, nothing
     * written. */
    struct holder h;
    holder_start(&h, CLONE_NEWUSER, NULL, HOLDER_KEEP_UID);
    static struct ns_idmap map[340];
    for (uint32_t i = 0; i < 340; i++)
        map[i] = (struct ns_idmap){4000000000u + 2 * i, 3000000000u + 2 * i, 1};
    errno = 0;
    int r = ns_write_uid_map(h.pid, map, 340, 0);
    int e = errno;
    const char *le = ns_last_error();
    CHECKF(r < 0 && e == -r && le && *le, "got %d, errno %d, ns_last_error \"%s\"",
           r, e, le ? le : "(null)");
    CHECK(idmap_empty(h.pid, "uid_map"));
    holder_stop(&h);
}

static void test_write_twice_is_eperm(void)
{
    struct holder h;
    holder_start(&h, CLONE_NEWUSER, NULL, HOLDER_KEEP_UID);
    /* Our own uid, once: allowed to anyone who owns the namespace. */
    const struct ns_idmap map[] = {{0, geteuid(), 1}};
    CHECK(CHECK_OK(ns_write_uid_map(h.pid, map, 1, 0)) == 0);
    CHECK(idmap_equals(h.pid, "uid_map", map, 1));
    CHECK_ERR(ns_write_uid_map(h.pid, map, 1, 0), EPERM);
    CHECK(idmap_equals(h.pid, "uid_map", map, 1));
    holder_stop(&h);
}

/* Each bad map: exact errno, and nothing written (map and setgroups). */
struct bad_map {
    const char *what;
    const struct ns_idmap *map;
    size_t count;
    unsigned flags;
    int err;
};

static const struct ns_idmap one_ok[] = {{0, 100000, 10}};
static const struct ns_idmap zero_count[] = {{0, 100000, 10}, {20, 200000, 0}};
static const struct ns_idmap inside_overlap[] = {{0, 100000, 10}, {5, 200000, 10}};
static const struct ns_idmap inside_same[] = {{7, 100000, 1}, {7, 200000, 1}};
static const struct ns_idmap outside_overlap[] = {{0, 100000, 10}, {100, 100005, 10}};
static const struct ns_idmap outside_nested[] = {{0, 100000, 100}, {200, 100050, 1}};
static const struct ns_idmap inside_wraps[] = {{4294967290u, 100000, 10}};
static const struct ns_idmap outside_wraps[] = {{0, 4294967290u, 10}};
static struct ns_idmap many[341];

static void check_rejected(map_writer write_map, const char *file, pid_t pid,
                           const struct bad_map *b)
{
    errno = 0;
    int r = write_map(pid, b->map, b->count, b->flags);
    int e = errno;
    const char *le = ns_last_error();
    CHECKF(r == -b->err && e == b->err && le && *le,
           "%s (%s): expected -%d, got %d, errno %d, ns_last_error \"%s\"",
           file, b->what, b->err, r, e, le ? le : "(null)");
    CHECKF(idmap_empty(pid, file), "%s (%s): something was written", file, b->what);
    char sg[32];
    setgroups_of(pid, sg, sizeof sg);
    CHECKF(strcmp(sg, "allow") == 0, "%s (%s): setgroups is %s", file, b->what, sg);
}

static void check_bad_maps(map_writer write_map, const char *file, unsigned deny)
{
    for (uint32_t i = 0; i < 341; i++)
        many[i] = (struct ns_idmap){i, 1000 + i, 1};
    const struct bad_map bad[] = {
        {"map NULL", NULL, 1, deny, EINVAL},
        {"count 0", one_ok, 0, deny, EINVAL},
        {"count 341", many, 341, deny, E2BIG},
        {"a range of count 0", zero_count, 2, deny, EINVAL},
        {"inside ranges overlap", inside_overlap, 2, deny, EINVAL},
        {"inside ranges equal", inside_same, 2, deny, EINVAL},
        {"outside ranges overlap", outside_overlap, 2, deny, EINVAL},
        {"outside range inside another", outside_nested, 2, deny, EINVAL},
        {"inside runs past 2^32-1", inside_wraps, 1, deny, EINVAL},
        {"outside runs past 2^32-1", outside_wraps, 1, deny, EINVAL},
        {"unknown flag 0x4", one_ok, 1, deny | 0x4, EINVAL},
        {"unknown flag 0x80000000", one_ok, 1, deny | 0x80000000u, EINVAL},
    };
    struct holder h;
    holder_start(&h, CLONE_NEWUSER, NULL, HOLDER_KEEP_UID);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        check_rejected(write_map, file, h.pid, &bad[i]);
    holder_stop(&h);
}

static void test_uid_map_rejects_bad_maps(void)
{
    check_bad_maps(ns_write_uid_map, "uid_map", 0);
}

static void test_gid_map_rejects_bad_maps(void)
{
    /* With NS_MAP_DENY_SETGROUPS: setgroups must stay "allow" as well. */
    check_bad_maps(ns_write_gid_map, "gid_map", NS_MAP_DENY_SETGROUPS);
    check_bad_maps(ns_write_gid_map, "gid_map", 0);
}

static void test_deny_setgroups_on_uid_map(void)
{
    struct holder h;
    holder_start(&h, CLONE_NEWUSER, NULL, HOLDER_KEEP_UID);
    const struct bad_map b = {"NS_MAP_DENY_SETGROUPS on uid", one_ok, 1,
                              NS_MAP_DENY_SETGROUPS, EINVAL};
    check_rejected(ns_write_uid_map, "uid_map", h.pid, &b);
    holder_stop(&h);
}

static void test_bad_pids(void)
{
    CHECK_ERR(ns_write_uid_map(-1, one_ok, 1, 0), EINVAL);
    CHECK_ERR(ns_write_gid_map(-1, one_ok, 1, 0), EINVAL);
    pid_t unused = unused_pid();
    REQUIRE(unused > 0);
    CHECK_ERR(ns_write_uid_map(unused, one_ok, 1, 0), ESRCH);
    CHECK_ERR(ns_write_gid_map(unused, one_ok, 1, NS_MAP_DENY_SETGROUPS), ESRCH);
    pid_t gone = reaped_pid();
    CHECK_ERR(ns_write_uid_map(gone, one_ok, 1, 0), ESRCH);
}

static void test_helper_not_in_path(void)
{
    char dir[] = "/tmp/linuxns-empty-path-XXXXXX";
    REQUIRE(mkdtemp(dir) != NULL);
    setenv("PATH", dir, 1);
    struct holder h;
    holder_start(&h, CLONE_NEWUSER, NULL, HOLDER_KEEP_UID);
    const struct ns_idmap map[] = {{0, 100000, 65536}};
    CHECK_ERR(ns_write_uid_map(h.pid, map, 1, NS_MAP_USE_HELPER), ENOENT);
    CHECK_ERR(ns_write_gid_map(h.pid, map, 1, NS_MAP_USE_HELPER), ENOENT);
    CHECK(idmap_empty(h.pid, "uid_map"));
    CHECK(idmap_empty(h.pid, "gid_map"));
    holder_stop(&h);
    rmdir(dir);
}


static void test_helper_writes_maps(void)
{
    SKIP_UNLESS_ROOT();
    private_subid_files();
    struct holder h;
    holder_start(&h, CLONE_NEWUSER, NULL, HOLDER_KEEP_UID);
    const struct ns_idmap map[] = {{0, 100000, 65536}};
    CHECK(CHECK_OK(ns_write_gid_map(h.pid, map, 1, NS_MAP_USE_HELPER)) == 0);
    CHECK(CHECK_OK(ns_write_uid_map(h.pid, map, 1, NS_MAP_USE_HELPER)) == 0);
    CHECK(idmap_equals(h.pid, "uid_map", map, 1));
    CHECK(idmap_equals(h.pid, "gid_map", map, 1));
    holder_stop(&h);
}

static void test_helper_refusal(void)
{
    SKIP_UNLESS_ROOT();
    private_subid_files();
    struct holder h;
    holder_start(&h, CLONE_NEWUSER, NULL, HOLDER_KEEP_UID);
    const struct ns_idmap map[] = {{0, 500000, 10}}; /* not in the subuid file */
    errno = 0;
    int r = ns_write_uid_map(h.pid, map, 1, NS_MAP_USE_HELPER);
    int e = errno;
    const char *le = ns_last_error();
    CHECKF(r < 0 && e == -r && le && *le, "got %d, errno %d, ns_last_error \"%s\"",
           r, e, le ? le : "(null)");
    /* newuidmap's own words ("... not allowed") reach the caller. */
    CHECKF(le && strstr(le, "not allowed"), "ns_last_error lacks newuidmap's "
           "stderr: \"%s\"", le ? le : "(null)");
    CHECK(idmap_empty(h.pid, "uid_map"));
    holder_stop(&h);
}

int main(void)
{
    RUN(test_uid_map_three_ranges);
    RUN(test_gid_map_deny_setgroups);
    RUN(test_gid_map_allows_setgroups_by_default);
    RUN(test_max_340_ranges);
    RUN(test_map_too_long_for_one_write);
    RUN(test_write_twice_is_eperm);
    RUN(test_uid_map_rejects_bad_maps);
    RUN(test_gid_map_rejects_bad_maps);
    RUN(test_deny_setgroups_on_uid_map);
    RUN(test_bad_pids);
    RUN(test_helper_not_in_path);
    RUN(test_helper_writes_maps);
    RUN(test_helper_refusal);
    return check_summary();
}
