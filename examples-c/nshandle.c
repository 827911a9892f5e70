/*
 * nshandle - save a namespace as a file handle, and run a command in it later.
 *
 *   nshandle save PID TYPE FILE    write the handle of PID's TYPE namespace
 *                                  (net, uts, mnt, ...) to FILE, as text
 *   nshandle enter FILE CMD [ARGS...]
 *                                  run CMD in the namespace FILE names
 *
 * A handle (Linux 6.18) names a namespace by its type, inode number and the
 * kernel's 64-bit id, which is never reused: unlike "net:[4026532008]" it
 * cannot come to mean another namespace, and unlike a bind mount it keeps
 * nothing alive and needs no privilege to write. `enter` opens it again
 * (while the namespace lives: "gone" once its last process has exited) and
 * starts CMD with ns_spawn joining it; nshandle itself never moves.
 *
 *   cc nshandle.c $(pkg-config --cflags --libs linuxns) -o nshandle
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linuxns.h>

static int usage(const char *self)
{
    fprintf(stderr, "usage: %s save PID TYPE FILE\n"
                    "       %s enter FILE CMD [ARGS...]\n", self, self);
    return 2;
}

static int save(const char *pid_text, const char *type_name, const char *file)
{
    char *end;
    long pid = strtol(pid_text, &end, 10);
    int type = ns_type_from_name(type_name);
    if (*pid_text == '\0' || *end != '\0' || pid <= 0 || type < 0) {
        fprintf(stderr, "nshandle: a PID and a type (net, uts, ...) please\n");
        return 2;
    }
    int fd = ns_open_pid((pid_t)pid, type);
    if (fd < 0) {
        fprintf(stderr, "nshandle: %s\n", ns_last_error());
        return 1;
    }
    struct ns_handle h;
    int r = ns_handle_encode(fd, &h);
    close(fd);
    char text[NS_HANDLE_TEXT_MAX];
    if (r < 0 || ns_handle_format(&h, text, sizeof text) < 0) {
        fprintf(stderr, "nshandle: %s\n", ns_last_error());
        return 1;
    }
    FILE *f = fopen(file, "w");
    if (!f || fprintf(f, "%s\n", text) < 0 || fclose(f) != 0) {
        perror("nshandle: write");
        return 1;
    }
    printf("%s\n", text);
    return 0;
}

static int enter(const char *file, char **cmd)
{
    char text[NS_HANDLE_TEXT_MAX + 2];
    FILE *f = fopen(file, "r");
    if (!f || !fgets(text, sizeof text, f)) {
        perror("nshandle: read");
        if (f)
            fclose(f);
        return 1;
    }
    fclose(f);
    text[strcspn(text, "\n")] = '\0'; /* the handle's text has no newline */

    struct ns_handle h;
    int fd = ns_handle_parse(text, &h);
    if (fd == 0)
        fd = ns_open_handle(&h, 0);
    if (fd < 0) {
        fprintf(stderr, "nshandle: %s\n", ns_last_error());
        return 1;
    }
    ns_spawn_attr *attr = ns_spawn_attr_new();
    pid_t pid = -1;
    if (attr && ns_spawn_attr_join(attr, fd, h.type) == 0)
        pid = ns_spawn(cmd[0], cmd, NULL, attr, NULL);
    if (pid < 0)
        fprintf(stderr, "nshandle: %s\n", ns_last_error());
    ns_spawn_attr_free(attr);
    close(fd);
    if (pid < 0)
        return 1;
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            perror("nshandle: waitpid");
            return 1;
        }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "save") == 0)
        return save(argv[2], argv[3], argv[4]);
    if (argc >= 4 && strcmp(argv[1], "enter") == 0)
        return enter(argv[2], argv + 3);
    return usage(argv[0]);
}
