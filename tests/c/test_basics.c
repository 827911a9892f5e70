/* Basics: ns_version, ns_last_error, ns_type_name, ns_type_from_name. */
#include "check.h"

static void test_version_matches_macros(void)
{
    char want[64];
    snprintf(want, sizeof want, "%d.%d.%d", LINUXNS_VERSION_MAJOR,
             LINUXNS_VERSION_MINOR, LINUXNS_VERSION_PATCH);
    const char *v = ns_version();
    REQUIRE(v != NULL);
    CHECK_STREQ(v, want);
    /* The same pointer contents on a second call. */
    CHECK_STREQ(ns_version(), want);
}

static void *last_error_in_fresh_thread(void *arg)
{
    const char **out = arg;
    const char *e = ns_last_error();
    out[0] = e && *e == '\0' ? "empty" : (e ? "non-empty" : "NULL");
    /* A failure on this thread is seen on this thread. */
    errno = 0;
    int r = ns_type_from_name("no-such-type");
    out[1] = (r == -EINVAL && errno == EINVAL && *ns_last_error()) ? "set" : "unset";
    return NULL;
}

static void test_last_error_empty_then_set(void)
{
    const char *e = ns_last_error();
    REQUIRE(e != NULL);
    CHECKF(*e == '\0', "ns_last_error() before any failure: \"%s\"", e);

    CHECK_ERR(ns_type_from_name("foo"), EINVAL);
    e = ns_last_error();
    CHECK(e != NULL && *e != '\0');

    /* Thread-local: a fresh thread starts empty despite our failure. */
    const char *seen[2] = {NULL, NULL};
    run_on_thread(last_error_in_fresh_thread, seen);
    CHECK_STREQ(seen[0], "empty");
    CHECK_STREQ(seen[1], "set");
}

static void test_last_error_names_the_object(void)
{
    /* The account names the object, here the path that does not exist. */
    CHECK_ERR(ns_open_path("/nonexistent/linuxns-test-path", 0), ENOENT);
    const char *e = ns_last_error();
    CHECKF(strstr(e, "/nonexistent/linuxns-test-path") != NULL,
           "ns_last_error does not name the path: \"%s\"", e);
}

static void test_type_name_all_eight(void)
{
    for (size_t i = 0; i < N_KINDS; i++) {
        const char *name = ns_type_name(NS_KINDS[i].type);
        CHECKF(name && strcmp(name, NS_KINDS[i].name) == 0,
               "ns_type_name(0x%x) = \"%s\", expected \"%s\"", NS_KINDS[i].type,
               name ? name : "(null)", NS_KINDS[i].name);
    }
}

static void test_type_name_matches_proc(void)
{
    /* Every /proc/self/ns entry that is not *_for_children has a type. */
    DIR *d = opendir("/proc/self/ns");
    REQUIRE(d != NULL);
    struct dirent *e;
    int seen = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || strstr(e->d_name, "_for_children"))
            continue;
        int t = ns_type_from_name(e->d_name);
        CHECKF(t > 0, "ns_type_from_name(\"%s\") = %d", e->d_name, t);
        if (t > 0)
            CHECK_STREQ(ns_type_name(t), e->d_name);
        seen++;
    }
    closedir(d);
    CHECK(seen >= 7);
}

static void test_type_name_rejects_non_single(void)
{
    const int bad[] = {0, NS_NET | NS_UTS, NS_ALL, 0x1, 0x100, NS_FOR_CHILDREN,
                       NS_PID | NS_FOR_CHILDREN, -1, (int)0x80000000, 0x40};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *name = ns_type_name(bad[i]);
        CHECKF(name == NULL, "ns_type_name(0x%x) = \"%s\", expected NULL",
               (unsigned)bad[i], name);
    }
}

static void test_type_from_name_inverse(void)
{
    for (size_t i = 0; i < N_KINDS; i++) {
        int t = ns_type_from_name(NS_KINDS[i].name);
        CHECKF(t == NS_KINDS[i].type, "ns_type_from_name(\"%s\") = %d, expected 0x%x",
               NS_KINDS[i].name, t, NS_KINDS[i].type);
        CHECK_STREQ(ns_type_name(ns_type_from_name(NS_KINDS[i].name)),
                    NS_KINDS[i].name);
    }
}

static void test_type_from_name_rejects(void)
{
    CHECK_ERR(ns_type_from_name(NULL), EINVAL);
    CHECK_ERR(ns_type_from_name(""), EINVAL);
    CHECK_ERR(ns_type_from_name("pid_for_children"), EINVAL);
    CHECK_ERR(ns_type_from_name("time_for_children"), EINVAL);
    CHECK_ERR(ns_type_from_name("NET"), EINVAL);
    CHECK_ERR(ns_type_from_name("foo"), EINVAL);
    CHECK_ERR(ns_type_from_name("net "), EINVAL);
    CHECK_ERR(ns_type_from_name("ne"), EINVAL);
    CHECK_ERR(ns_type_from_name("mount"), EINVAL);
}

int main(void)
{
    RUN(test_version_matches_macros);
    RUN(test_last_error_empty_then_set);
    RUN(test_last_error_names_the_object);
    RUN(test_type_name_all_eight);
    RUN(test_type_name_matches_proc);
    RUN(test_type_name_rejects_non_single);
    RUN(test_type_from_name_inverse);
    RUN(test_type_from_name_rejects);
    return check_summary();
}
