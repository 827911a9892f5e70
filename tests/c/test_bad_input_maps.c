/* Bad input, part 3: id maps, for ns_write_uid_map, ns_write_gid_map,
 * ns_new_userns, ns_spawn_attr_set_uid_map and ns_spawn_attr_set_gid_map.
 * The target of the writers is a holder in a new user namespace without
 * maps, whose uid_map, gid_map and setgroups must stay untouched.
 * The walker: check_bad.h. */
#include "check_bad.h"

static ns_spawn_attr *attr;

/* ---- the maps ---------------------------------------------------------- */

#define U32MAX 4294967295u
static struct ns_idmap many[1000], page[200], in_far[340];
static const struct ns_idmap one = {0, 0, 1}, zero = {0, 0, 0};
static const struct ns_idmap zero_mid[] = {{0, 0, 1}, {10, 10, 0}, {20, 20, 1}};
static const struct ns_idmap in_partial[] = {{0, 1000, 10}, {5, 2000, 10}};
static const struct ns_idmap in_inside[] = {{0, 1000, 100}, {10, 2000, 5}};
static const struct ns_idmap in_same[] = {{0, 1000, 10}, {0, 2000, 10}};
static const struct ns_idmap out_partial[] = {{0, 1000, 10}, {100, 1005, 10}};
static const struct ns_idmap out_inside[] = {{0, 1000, 100}, {200, 1010, 5}};
static const struct ns_idmap out_same[] = {{0, 1000, 10}, {100, 1000, 10}};
static const struct ns_idmap in_past = {4294967000u, 0, 1000};
static const struct ns_idmap out_past = {0, 4294967000u, 1000};
static const struct ns_idmap count_max = {1, 1, U32MAX};
static const struct ns_idmap in_top = {U32MAX, 0, 1}, out_top = {0, U32MAX, 1};
static const struct ns_idmap in_reach = {4294967294u, 0, 2};
static const struct ns_idmap out_reach = {0, 4294967294u, 2};
static const struct ns_idmap all_max = {U32MAX, U32MAX, U32MAX};

static const struct bad_map {
    const struct ns_idmap *map;
    size_t count;
    int err;
    const char *label;
    bool absent_ok; /* NULL and 0: an absent map for ns_new_userns */
} maps[] = {
    {NULL, 1, EINVAL, "NULL map, count 1", false},
    {NULL, 0, EINVAL, "NULL map, count 0", true},
    {&one, 0, EINVAL, "count 0", false},
    {many, 341, E2BIG, "count 341", false},
    {many, 1000, E2BIG, "count 1000", false},
    {page, 200, E2BIG, "200 ranges of 10-digit ids (text over a page)", false},
    {&zero, 1, EINVAL, "a zero-length range", false},
    {zero_mid, 3, EINVAL, "a zero-length range between two", false},
    {in_partial, 2, EINVAL, "inside ranges overlapping", false},
    {in_inside, 2, EINVAL, "an inside range within another", false},
    {in_same, 2, EINVAL, "the same inside range twice", false},
    {in_far, 340, EINVAL, "range 339 overlapping range 0 inside", false},
    {out_partial, 2, EINVAL, "outside ranges overlapping", false},
    {out_inside, 2, EINVAL, "an outside range within another", false},
    {out_same, 2, EINVAL, "the same outside range twice", false},
    {&in_past, 1, EINVAL, "inside range past 2^32-1", false},
    {&out_past, 1, EINVAL, "outside range past 2^32-1", false},
    {&count_max, 1, EINVAL, "count 2^32-1 from 1", false},
    {&in_top, 1, EINVAL, "inside id 2^32-1", false},
    {&out_top, 1, EINVAL, "outside id 2^32-1", false},
    {&in_reach, 1, EINVAL, "inside range reaching 2^32-1", false},
    {&out_reach, 1, EINVAL, "outside range reaching 2^32-1", false},
    {&all_max, 1, EINVAL, "2^32-1 everywhere", false},
};
#define N_MAPS (sizeof maps / sizeof maps[0])

static void fill_maps(void)
{
    for (uint32_t i = 0; i < 1000; i++)
        many[i] = (struct ns_idmap){i * 10, i * 10, 1};
    for (uint32_t i = 0; i < 200; i++)
        page[i] = (struct ns_idmap){4000000000u + i * 2, 3000000000u + i * 2, 1};
    memcpy(in_far, many, sizeof in_far);
    in_far[339].inside = 0;
}

/* ---- the calls --------------------------------------------------------- */

#define M(i) maps[i].map, maps[i].count
static long long l_uid(long long i) { return ns_write_uid_map(B.h.pid, M(i), 0); }
static long long l_gid(long long i) { return ns_write_gid_map(B.h.pid, M(i), 0); }
static long long l_gid_deny(long long i)
{
    return ns_write_gid_map(B.h.pid, M(i), NS_MAP_DENY_SETGROUPS);
}
static long long l_uid_helper(long long i)
{
    return ns_write_uid_map(B.h.pid, M(i), NS_MAP_USE_HELPER);
}
static long long l_new_uid(long long i) { return bad_close_ret(ns_new_userns(M(i), NULL, 0, 0)); }
static long long l_new_gid(long long i) { return bad_close_ret(ns_new_userns(&one, 1, M(i), 0)); }
static long long l_attr_uid(long long i) { return ns_spawn_attr_set_uid_map(attr, M(i), 0); }
static long long l_attr_gid(long long i) { return ns_spawn_attr_set_gid_map(attr, M(i), 0); }

static long long l_uid_flags(long long f)
{
    return ns_write_uid_map(B.h.pid, &one, 1, (unsigned)f);
}
static long long l_gid_flags(long long f)
{
    return ns_write_gid_map(B.h.pid, &one, 1, (unsigned)f);
}
static long long l_new_flags(long long f)
{
    return bad_close_ret(ns_new_userns(&one, 1, &one, 1, (unsigned)f));
}
static long long l_attr_uid_flags(long long f)
{
    return ns_spawn_attr_set_uid_map(attr, &one, 1, (unsigned)f);
}
static long long l_attr_gid_flags(long long f)
{
    return ns_spawn_attr_set_gid_map(attr, &one, 1, (unsigned)f);
}

static long long l_uid_at(long long p) { return ns_write_uid_map((pid_t)p, &one, 1, 0); }
static long long l_gid_at(long long p)
{
    return ns_write_gid_map((pid_t)p, &one, 1, NS_MAP_DENY_SETGROUPS);
}
static long long l_attr_null(long long gid)
{
    return gid ? ns_spawn_attr_set_gid_map(NULL, &one, 1, 0)
               : ns_spawn_attr_set_uid_map(NULL, &one, 1, 0);
}

/* ---- the groups -------------------------------------------------------- */

static void group_bad_maps(void)
{
    static const struct { bad_fn fn; const char *call; bool userns; } writers[] = {
        {l_uid, "ns_write_uid_map(pid, %s, 0)", false},
        {l_gid, "ns_write_gid_map(pid, %s, 0)", false},
        {l_gid_deny, "ns_write_gid_map(pid, %s, NS_MAP_DENY_SETGROUPS)", false},
        {l_uid_helper, "ns_write_uid_map(pid, %s, NS_MAP_USE_HELPER)", false},
        {l_new_uid, "ns_new_userns(%s, no gid map, 0)", true},
        {l_new_gid, "ns_new_userns(one uid range, %s, 0)", true},
        {l_attr_uid, "ns_spawn_attr_set_uid_map(attr, %s, 0)", false},
        {l_attr_gid, "ns_spawn_attr_set_gid_map(attr, %s, 0)", false},
    };
    bad_begin(true);
    fill_maps();
    attr = ns_spawn_attr_new();
    REQUIRE(attr != NULL);
    for (size_t w = 0; w < sizeof writers / sizeof writers[0]; w++)
        for (size_t i = 0; i < N_MAPS; i++) {
            if (writers[w].userns && maps[i].absent_ok)
                continue;
            char label[BAD_LABEL];
            snprintf(label, sizeof label, writers[w].call, maps[i].label);
            BAD(writers[w].fn, i, ERRS(maps[i].err), "%s", label);
        }
    bad_walk();
    ns_spawn_attr_free(attr);
    bad_end();
}

static void group_flags_pids(void)
{
    bad_begin(true);
    attr = ns_spawn_attr_new();
    REQUIRE(attr != NULL);
    FOR_BITS_OUTSIDE(b, NS_MAP_USE_HELPER) {
        BAD(l_uid_flags, BIT(b), ERRS(EINVAL), "ns_write_uid_map(pid, one range, 1, 0x%x)",
            BIT(b));
        BAD(l_attr_uid_flags, BIT(b), ERRS(EINVAL),
            "ns_spawn_attr_set_uid_map(attr, one range, 1, 0x%x)", BIT(b));
    }
    FOR_BITS_OUTSIDE(b, NS_MAP_USE_HELPER | NS_MAP_DENY_SETGROUPS) {
        BAD(l_gid_flags, BIT(b), ERRS(EINVAL), "ns_write_gid_map(pid, one range, 1, 0x%x)",
            BIT(b));
        BAD(l_gid_flags, NS_MAP_DENY_SETGROUPS | BIT(b), ERRS(EINVAL),
            "ns_write_gid_map(pid, one range, 1, NS_MAP_DENY_SETGROUPS | 0x%x)", BIT(b));
        BAD(l_new_flags, BIT(b), ERRS(EINVAL), "ns_new_userns(one, 1, one, 1, 0x%x)", BIT(b));
        BAD(l_attr_gid_flags, BIT(b), ERRS(EINVAL),
            "ns_spawn_attr_set_gid_map(attr, one range, 1, 0x%x)", BIT(b));
    }
    BAD(l_uid_flags, NS_MAP_DENY_SETGROUPS | NS_MAP_USE_HELPER, ERRS(EINVAL),
        "ns_write_uid_map(pid, one range, 1, NS_MAP_DENY_SETGROUPS | NS_MAP_USE_HELPER)");
    const struct { pid_t pid; const char *name; int err; } pids[] = {
        {-1, "-1", EINVAL}, {INT_MIN, "INT_MIN", EINVAL}, {B.unused, "an unused pid", ESRCH},
        {B.gone, "a reaped pid", ESRCH}, {0, "0 (ours, mapped)", EPERM},
        {1, "1 (mapped)", EPERM}};
    for (size_t i = 0; i < sizeof pids / sizeof pids[0]; i++) {
        BAD(l_uid_at, pids[i].pid, ERRS(pids[i].err), "ns_write_uid_map(%s, one range, 1, 0)",
            pids[i].name);
        BAD(l_gid_at, pids[i].pid, ERRS(pids[i].err),
            "ns_write_gid_map(%s, one range, 1, NS_MAP_DENY_SETGROUPS)", pids[i].name);
    }
    BAD(l_attr_null, 0, ERRS(EINVAL), "ns_spawn_attr_set_uid_map(NULL, one range, 1, 0)");
    BAD(l_attr_null, 1, ERRS(EINVAL), "ns_spawn_attr_set_gid_map(NULL, one range, 1, 0)");
    bad_walk();
    ns_spawn_attr_free(attr);
    bad_end();
}

int main(void)
{
    BAD_RUN(group_bad_maps);
    BAD_RUN(group_flags_pids);
    return bad_summary();
}
