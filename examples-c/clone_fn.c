/*
 * clone_fn: run a function in new namespaces with ns_clone.
 *
 * The child gets its own copy of our memory (as after fork) in new PID, UTS
 * and user namespaces; it is pid 1 there and sets its own hostname. Its
 * return value becomes its exit status.
 */
#include <linuxns.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

struct job {
    const char *hostname;
    int pipe_w; /* the child reports here */
};

/* Runs in the child. Only async-signal-safe calls would be allowed if this
 * program had other threads; it has none, so snprintf is fine too. */
static int child(void *arg)
{
    struct job *job = arg;
    char line[256];
    struct utsname u;
    if (sethostname(job->hostname, strlen(job->hostname)) < 0)
        return 2;
    uname(&u);
    int n = snprintf(line, sizeof line, "child: pid %d, uid %d, hostname %s\n",
                     (int)getpid(), (int)getuid(), u.nodename);
    if (write(job->pipe_w, line, (size_t)n) != n)
        return 3;
    return 42;
}

int main(void)
{
    int p[2];
    if (pipe(p) < 0) {
        perror("pipe");
        return 1;
    }
    struct job job = {"in-a-clone", p[1]};
    int pidfd = -1;
    /* NS_USER makes this work without privileges: inside the new user
     * namespace the child has the capabilities the other namespaces need. */
    pid_t pid = ns_clone(NS_USER | NS_PID | NS_UTS, child, &job, &pidfd);
    if (pid < 0) {
        fprintf(stderr, "ns_clone: %s\n", ns_last_error());
        return 1;
    }
    close(p[1]);
    char buf[256];
    ssize_t n = read(p[0], buf, sizeof buf - 1);
    if (n > 0) {
        buf[n] = 0;
        fputs(buf, stdout);
    }
    int status;
    waitpid(pid, &status, 0);
    close(pidfd);
    struct utsname u;
    uname(&u);
    printf("parent: child %d exited with %d; our hostname is still %s\n", (int)pid,
           WEXITSTATUS(status), u.nodename);
    return WIFEXITED(status) && WEXITSTATUS(status) == 42 ? 0 : 1;
}
