/*
 * userns_root - become root in a new user namespace, like `unshare -r`.
 *
 * The caller's own uid and gid are mapped to 0 inside.  This needs no
 * privilege: an unprivileged process may map exactly its own ids, once,
 * and for the gid map only after denying setgroups(2) in the namespace
 * (NS_MAP_DENY_SETGROUPS does that first).  Works the same when run as root.
 *
 *   cc userns_root.c $(pkg-config --cflags --libs linuxns) -o userns_root
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linuxns.h>

static void show(const char *when)
{
    char line[128] = "";
    FILE *f = fopen("/proc/self/uid_map", "r");
    if (f) {
        if (!fgets(line, sizeof line, f))
            line[0] = '\0';
        fclose(f);
    }
    line[strcspn(line, "\n")] = '\0';
    printf("%-7s uid=%u gid=%u uid_map: %s\n", when, (unsigned)getuid(),
           (unsigned)getgid(), line);
}

int main(void)
{
    uid_t uid = geteuid();
    gid_t gid = getegid();
    show("before:");

    if (ns_unshare(NS_USER) < 0) {
        fprintf(stderr, "userns_root: %s\n", ns_last_error());
        return 1;
    }
    /* pid 0: our own process.  One range each: inside 0 <- outside us. */
    const struct ns_idmap gid_map = {.inside = 0, .outside = gid, .count = 1};
    const struct ns_idmap uid_map = {.inside = 0, .outside = uid, .count = 1};
    if (ns_write_gid_map(0, &gid_map, 1, NS_MAP_DENY_SETGROUPS) < 0 ||
        ns_write_uid_map(0, &uid_map, 1, 0) < 0) {
        fprintf(stderr, "userns_root: %s\n", ns_last_error());
        return 1;
    }

    show("after:");
    return (getuid() == 0 && getgid() == 0) ? 0 : 1;
}
