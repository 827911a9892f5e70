/*
 * check_holder.h - helper processes and threads for the cases: holders that
 * sit in new namespaces, a raw "unshare -r", a pid namespace's init, an idle
 * second thread.  Part of check.h.
 */
#ifndef LINUXNS_CHECK_HOLDER_H
#define LINUXNS_CHECK_HOLDER_H

#include "check.h"
#include <sys/mount.h>

/*
 * A holder: a forked child that enters new namespaces with the raw unshare(2)
 * (so tests of the library do not depend on the library to set up), can drop
 * to another uid first and set a hostname, then waits until holder_stop() or
 * until the test process dies.
 */
struct holder {
    pid_t pid;
    int ctl; /* write end; the holder exits when it reads EOF */
};

#define HOLDER_KEEP_UID ((uid_t)-1)

static inline void holder_start(struct holder *h, int flags, const char *hostname,
                                uid_t uid)
{
    int ready[2], ctl[2];
    SYS_OK(pipe2(ready, O_CLOEXEC));
    SYS_OK(pipe2(ctl, O_CLOEXEC));
    fflush(stdout);
    fflush(stderr);
    pid_t pid = SYS_OK(fork());
    if (pid == 0) {
        char ok = '1';
        /* Keep no other test descriptor (another holder's ctl) alive. */
        for (int fd = 3; fd < MAX_FDS; fd++)
            if (fd != ready[1] && fd != ctl[0])
                close(fd);
        if (uid != HOLDER_KEEP_UID &&
            (setgroups(0, NULL) < 0 || setresgid(uid, uid, uid) < 0 ||
             setresuid(uid, uid, uid) < 0 || prctl(PR_SET_DUMPABLE, 1) < 0))
            ok = 'u';
        if (ok == '1' && flags && unshare(flags) < 0)
            ok = 'n';
        if (ok == '1' && hostname && sethostname(hostname, strlen(hostname)) < 0)
            ok = 'h';
        /* A new pid namespace shows in /proc/PID/ns/pid_for_children only
         * once it has an init: start one, living as long as the holder. */
        if (ok == '1' && (flags & CLONE_NEWPID)) {
            pid_t init = fork();
            if (init == 0) {
                char c;
                prctl(PR_SET_PDEATHSIG, SIGKILL);
                close(ready[1]);
                while (read(ctl[0], &c, 1) < 0 && errno == EINTR)
                    ;
                _exit(0);
            }
            if (init < 0)
                ok = 'f';
        }
        if (write(ready[1], &ok, 1) != 1)
            _exit(1);
        char c;
        while (read(ctl[0], &c, 1) < 0 && errno == EINTR)
            ;
        _exit(0);
    }
    close(ready[1]);
    close(ctl[0]);
    char ok = 0;
    ssize_t n;
    while ((n = read(ready[0], &ok, 1)) < 0 && errno == EINTR)
        ;
    close(ready[0]);
    h->pid = pid;
    h->ctl = ctl[1];
    if (n != 1 || ok != '1') {
        check_fail(__FILE__, __LINE__, "holder setup failed at step '%c' "
                   "(u=setuid n=unshare(0x%x) h=sethostname f=fork)", ok ? ok : '?',
                   (unsigned)flags);
        kill(pid, SIGKILL);
        int st;
        wait_child(pid, &st);
        close(ctl[1]);
        check_exit(1);
    }
}

static inline void holder_stop(struct holder *h)
{
    if (h->pid <= 0)
        return;
    close(h->ctl);
    kill(h->pid, SIGKILL);
    int st;
    wait_child(h->pid, &st);
    h->pid = 0;
}

/*
 * Raw (library-free) "unshare -r": a new user namespace in which our euid and
 * egid are root, so that nested user namespaces can be made inside it.
 */
static inline void raw_become_root_in_userns(void)
{
    uid_t uid = geteuid();
    gid_t gid = getegid();
    char map[64];
    SYS_OK(unshare(CLONE_NEWUSER));
    SYS_OK(write_file("/proc/self/setgroups", "deny"));
    snprintf(map, sizeof map, "0 %u 1\n", (unsigned)gid);
    SYS_OK(write_file("/proc/self/gid_map", map));
    snprintf(map, sizeof map, "0 %u 1\n", (unsigned)uid);
    SYS_OK(write_file("/proc/self/uid_map", map));
}

/*
 * After unshare(CLONE_NEWPID): fork the new namespace's init, so that
 * pid_for_children can be opened.  It lives until *release is closed.
 */
static inline pid_t start_pid_ns_init(int *release)
{
    int p[2];
    SYS_OK(pipe2(p, O_CLOEXEC));
    pid_t pid = SYS_OK(fork());
    if (pid == 0) {
        char c;
        close(p[1]);
        while (read(p[0], &c, 1) < 0 && errno == EINTR)
            ;
        _exit(0);
    }
    close(p[0]);
    *release = p[1];
    return pid;
}

static inline void stop_pid_ns_init(pid_t pid, int release)
{
    int st;
    close(release);
    wait_child(pid, &st);
}

/* A second thread that just waits, to make the process multithreaded. */
struct idle_thread {
    pthread_t thread;
    int fds[2];
};

static inline void *idle_thread_main(void *arg)
{
    struct idle_thread *t = arg;
    char c;
    while (read(t->fds[0], &c, 1) < 0 && errno == EINTR)
        ;
    return NULL;
}

static inline void idle_thread_start(struct idle_thread *t)
{
    SYS_OK(pipe2(t->fds, O_CLOEXEC));
    REQUIRE(pthread_create(&t->thread, NULL, idle_thread_main, t) == 0);
}

static inline void idle_thread_stop(struct idle_thread *t)
{
    close(t->fds[1]);
    pthread_join(t->thread, NULL);
    close(t->fds[0]);
}

/* Runs fn(arg) on a new thread and waits for it. */
static inline void run_on_thread(void *(*fn)(void *), void *arg)
{
    pthread_t t;
    REQUIRE(pthread_create(&t, NULL, fn, arg) == 0);
    pthread_join(t, NULL);
}

static inline pid_t gettid_(void)
{
    return (pid_t)syscall(SYS_gettid);
}

/* The first thread of this process other than the caller. */
static inline pid_t other_thread(void)
{
    pid_t other = 0;
    DIR *d = opendir("/proc/self/task");
    REQUIRE(d != NULL);
    struct dirent *de;
    while ((de = readdir(d)) != NULL)
        if (atoi(de->d_name) > 0 && atoi(de->d_name) != gettid_())
            other = atoi(de->d_name);
    closedir(d);
    REQUIRE(other > 0);
    return other;
}

/* Root: a private mount namespace where /etc/sub[ug]id grant root
 * 100000:65536, so the real files are never touched. */
static inline void private_subid_files(void)
{
    if (access("/usr/bin/newuidmap", X_OK) != 0 && access("/bin/newuidmap", X_OK) != 0)
        SKIP("newuidmap not installed (apt-get install uidmap)");
    SYS_OK(unshare(CLONE_NEWNS));
    SYS_OK(mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL));
    char path[] = "/tmp/linuxns-subid-XXXXXX";
    int fd = SYS_OK(mkstemp(path));
    const char *line = "root:100000:65536\n";
    REQUIRE(write(fd, line, strlen(line)) == (ssize_t)strlen(line));
    close(fd);
    SYS_OK(chmod(path, 0644));
    const char *targets[] = {"/etc/subuid", "/etc/subgid"};
    for (int i = 0; i < 2; i++) {
        if (access(targets[i], F_OK) != 0) {
            int t = SYS_OK(open(targets[i], O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
            close(t);
        }
        SYS_OK(mount(path, targets[i], "none", MS_BIND, NULL));
    }
    unlink(path); /* the bind mounts keep the inode */
}

#endif /* LINUXNS_CHECK_HOLDER_H */
