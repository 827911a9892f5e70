/*
 * lsns - list the namespaces of the system, like lsns(8).
 *
 *   lsns [TYPE...]       TYPE: mnt cgroup uts ipc user pid net time
 *
 * One line per namespace, in the order ns_list reports them (by type, then
 * id): its id (the inode number of /proc/PID/ns/TYPE), type, how many
 * processes are in it and the lowest of their pids, the uid that created
 * its owning user namespace, that user namespace's id, the parent (pid and
 * user namespaces), and the command line of the lowest pid.  Namespaces kept
 * only by a bind mount (ip netns, ns_bind) show 0 processes and no pid.
 *
 *   cc lsns.c $(pkg-config --cflags --libs linuxns) -o lsns
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linuxns.h>

/* The command line of pid, spaces for NULs, "" if unreadable. */
static void command_of(int pid, char *buf, size_t size)
{
    char path[64];
    buf[0] = '\0';
    if (pid <= 0)
        return;
    snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    ssize_t n = read(fd, buf, size - 1);
    close(fd);
    if (n <= 0) { /* kernel threads have no command line: use comm */
        snprintf(path, sizeof path, "/proc/%d/comm", pid);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return;
        n = read(fd, buf + 1, size - 3);
        close(fd);
        if (n <= 0)
            return;
        buf[0] = '[';
        n = (ssize_t)strcspn(buf, "\n");
        buf[n++] = ']';
        buf[n] = '\0';
        return;
    }
    buf[n] = '\0';
    for (ssize_t i = 0; i < n; i++)
        if (buf[i] == '\0')
            buf[i] = ' ';
    while (n > 0 && buf[n - 1] == ' ')
        buf[--n] = '\0';
}

static int print_one(const struct ns_info *info, void *arg)
{
    (void)arg;
    char pid[16] = "-", parent[24] = "-", cmd[256];
    if (info->pid > 0)
        snprintf(pid, sizeof pid, "%d", (int)info->pid);
    if (info->parent_id)
        snprintf(parent, sizeof parent, "%" PRIu64, info->parent_id);
    command_of(info->pid, cmd, sizeof cmd);
    printf("%10" PRIu64 " %-6s %6u %7s %5u %10" PRIu64 " %10s %s\n", info->id,
           ns_type_name(info->type), info->nprocs, pid, info->owner_uid,
           info->userns_id, parent, info->pid > 0 ? cmd : "(bind mount only)");
    return 0;
}

int main(int argc, char **argv)
{
    int types = 0;
    for (int i = 1; i < argc; i++) {
        int t = ns_type_from_name(argv[i]);
        if (t < 0) {
            fprintf(stderr, "usage: %s [mnt|cgroup|uts|ipc|user|pid|net|time]...\n",
                    argv[0]);
            return 2;
        }
        types |= t;
    }
    printf("%10s %-6s %6s %7s %5s %10s %10s %s\n", "NS", "TYPE", "NPROCS", "PID",
           "UID", "USERNS", "PARENT", "COMMAND");
    fflush(stdout);
    int n = ns_list(types, print_one, NULL);
    if (n < 0) {
        fprintf(stderr, "lsns: %s\n", ns_last_error());
        return 1;
    }
    return 0;
}
