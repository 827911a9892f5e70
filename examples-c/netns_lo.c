/*
 * netns_lo - enter a fresh network namespace and list its interfaces.
 *
 * A new network namespace starts with nothing but a loopback device, "lo".
 * Run as root it creates the namespace directly; run as an ordinary user it
 * first becomes root of a new user namespace, which owns the network
 * namespace and grants the privilege to create it.
 *
 * Exit status: 0 if "lo" is the only interface, 1 otherwise.
 *
 *   cc netns_lo.c $(pkg-config --cflags --libs linuxns) -o netns_lo
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linuxns.h>

static int fail(const char *what)
{
    fprintf(stderr, "netns_lo: %s: %s\n", what, ns_last_error());
    return 1;
}

int main(void)
{
    if (geteuid() != 0) {
        /* Map our own uid and gid to root inside a new user namespace.
         * The gid map needs setgroups denied first (unprivileged rule). */
        const struct ns_idmap uid_map = {0, geteuid(), 1};
        const struct ns_idmap gid_map = {0, getegid(), 1};
        if (ns_unshare(NS_USER) < 0)
            return fail("new user namespace");
        if (ns_write_gid_map(0, &gid_map, 1, NS_MAP_DENY_SETGROUPS) < 0)
            return fail("gid map");
        if (ns_write_uid_map(0, &uid_map, 1, 0) < 0)
            return fail("uid map");
    }

    if (ns_unshare(NS_NET) < 0)
        return fail("new network namespace");

    struct if_nameindex *ifs = if_nameindex();
    if (!ifs) {
        perror("netns_lo: if_nameindex");
        return 1;
    }
    int count = 0, only_lo = 1;
    for (struct if_nameindex *i = ifs; i->if_index != 0; i++) {
        printf("%u: %s\n", i->if_index, i->if_name);
        count++;
        if (strcmp(i->if_name, "lo") != 0)
            only_lo = 0;
    }
    if_freenameindex(ifs);
    return (count == 1 && only_lo) ? 0 : 1;
}
