/*
 * mounts - list the mounts of a process's mount namespace without entering
 * it, like findmnt -N PID -l.
 *
 *   mounts PID
 *
 * One line per mount: its id and its parent's (as in /proc/PID/mountinfo
 * and findmnt's ID and PARENT), the mount point, the source, the
 * filesystem type and the propagation (shared, private, with ",slave" and
 * ",unbindable" as findmnt writes it), and "idmapped" for an idmapped
 * mount.  A mount point with a space or a newline is printed as it is.
 *
 *   cc mounts.c $(pkg-config --cflags --libs linuxns) -o mounts
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <unistd.h>

#include <linuxns.h>

static int print_mount(const struct ns_mount_info *m, void *arg)
{
    (void)arg;
    printf("%-5u %-5u %-30s %-20s %-10s %s%s%s%s\n", m->proc_id, m->proc_parent_id,
           m->mount_point, m->source, m->fs_type,
           m->propagation & MS_SHARED ? "shared" : "private",
           m->propagation & MS_SLAVE ? ",slave" : "",
           m->propagation & MS_UNBINDABLE ? ",unbindable" : "",
           m->idmapped ? " idmapped" : "");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s PID\n", argv[0]);
        return 2;
    }
    char *end;
    long pid = strtol(argv[1], &end, 10);
    if (*end || pid <= 0) {
        fprintf(stderr, "%s: not a pid: %s\n", argv[0], argv[1]);
        return 2;
    }
    int fd = ns_open_pid((pid_t)pid, NS_MNT);
    if (fd < 0) {
        fprintf(stderr, "%s: %s\n", argv[0], ns_last_error());
        return 1;
    }
    printf("%-5s %-5s %-30s %-20s %-10s %s\n", "ID", "PARENT", "TARGET", "SOURCE",
           "FSTYPE", "PROPAGATION");
    int n = ns_mount_list(fd, print_mount, NULL);
    close(fd);
    if (n < 0) {
        fprintf(stderr, "%s: %s\n", argv[0], ns_last_error());
        return 1;
    }
    return 0;
}
