/*
 * netns - named network namespaces, like `ip netns`, and interoperable with
 * it (the names live in /run/netns, as iproute2 keeps them).
 *
 *   netns add NAME            a new network namespace called NAME
 *   netns exec NAME CMD...    run CMD in it
 *   netns del NAME            forget the name (the namespace ends when
 *                             nothing uses it any more)
 *   netns list                the names
 *
 * Unlike `ip netns exec`, exec does not remount /sys or bind /etc/netns/NAME
 * files: it only joins the network namespace.
 *
 *   cc netns.c $(pkg-config --cflags --libs linuxns) -o netns
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linuxns.h>

static int usage(const char *prog)
{
    fprintf(stderr,
            "usage: %s add NAME | exec NAME CMD [ARGS...] | del NAME | list\n", prog);
    return 2;
}

static int fail(const char *what, const char *name)
{
    fprintf(stderr, "netns %s %s: %s\n", what, name, ns_last_error());
    return 1;
}

static int list(void)
{
    DIR *d = opendir("/run/netns");
    if (!d)
        return errno == ENOENT ? 0 : (perror("netns list: /run/netns"), 1);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        /* Only names that really hold a network namespace. */
        int fd = ns_open_name(e->d_name);
        if (fd < 0)
            continue;
        close(fd);
        printf("%s\n", e->d_name);
    }
    closedir(d);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage(argv[0]);
    const char *cmd = argv[1];

    if (strcmp(cmd, "list") == 0 && argc == 2)
        return list();

    if (strcmp(cmd, "add") == 0 && argc == 3) {
        int fd = ns_netns_add(argv[2]);
        if (fd < 0)
            return fail("add", argv[2]);
        close(fd);
        return 0;
    }

    if (strcmp(cmd, "del") == 0 && argc == 3)
        return ns_netns_del(argv[2]) < 0 ? fail("del", argv[2]) : 0;

    if (strcmp(cmd, "exec") == 0 && argc >= 4) {
        int fd = ns_open_name(argv[2]);
        if (fd < 0)
            return fail("exec", argv[2]);
        if (ns_setns(fd, NS_NET) < 0)
            return fail("exec", argv[2]);
        close(fd);
        execvp(argv[3], argv + 3);
        fprintf(stderr, "netns exec: %s: %s\n", argv[3], strerror(errno));
        return 127;
    }
    return usage(argv[0]);
}
