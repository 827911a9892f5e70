/*
 * enter - run a command in the namespaces of another process (nsenter -a).
 *
 *   enter PID [CMD [ARGS...]]      (CMD defaults to /bin/sh)
 *
 * A pidfd names the target race-free: if PID exits and the number is reused,
 * the calls below fail with ESRCH instead of entering a stranger.  Every
 * namespace in which the target differs from us is entered in one
 * ns_setns() call; the user namespace is left out when it is already ours.
 *
 *   cc enter.c $(pkg-config --cflags --libs linuxns) -o enter
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linuxns.h>

static const int types[] = {NS_USER, NS_MNT, NS_CGROUP, NS_UTS,
                            NS_IPC,  NS_PID, NS_NET,    NS_TIME};

/* 1 if the target's namespace of `type` differs from ours, 0 if not, -1 on error. */
static int differs(int pidfd, int type)
{
    int theirs = ns_open_pidfd(pidfd, type);
    if (theirs == -EOPNOTSUPP)
        return 0; /* this kernel has no such namespace */
    if (theirs < 0)
        return -1;
    int mine = ns_open_pid(0, type);
    if (mine < 0) {
        close(theirs);
        return -1;
    }
    int same = ns_same(theirs, mine);
    close(theirs);
    close(mine);
    return same < 0 ? -1 : !same;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s PID [CMD [ARGS...]]\n", argv[0]);
        return 2;
    }
    pid_t pid = (pid_t)atoi(argv[1]);
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (pidfd < 0) {
        perror("enter: pidfd_open");
        return 1;
    }

    int mask = 0;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        int d = differs(pidfd, types[i]);
        if (d < 0) {
            fprintf(stderr, "enter: %s namespace of %d: %s\n",
                    ns_type_name(types[i]), (int)pid, ns_last_error());
            return 1;
        }
        if (d)
            mask |= types[i];
    }

    if (mask && ns_setns(pidfd, mask) < 0) {
        fprintf(stderr, "enter: %s\n", ns_last_error());
        return 1;
    }
    close(pidfd);

    /* A new pid namespace applies to children only: exec keeps our pid, so
     * a shell started here forks its commands into the target's. */
    char *sh[] = {"/bin/sh", NULL};
    char **cmd = argc > 2 ? argv + 2 : sh;
    execvp(cmd[0], cmd);
    perror("enter: exec");
    return 127;
}
