/* Part of check_bad.h (included from there, at this point): the snapshot
 * of everything a bad call must leave alone, and its comparison. */
#ifndef LINUXNS_CHECK_BAD_SNAP_H
#define LINUXNS_CHECK_BAD_SNAP_H

/* ---- the state a bad call must leave alone ---------------------------- */

__attribute__((format(printf, 3, 4)))
static void snap_printf(char *buf, size_t *len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *len, BAD_SNAP - *len, fmt, ap);
    va_end(ap);
    if (n > 0)
        *len = *len + (size_t)n < BAD_SNAP ? *len + (size_t)n : BAD_SNAP - 1;
}

static int snap_cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "dir PATH: name name ..." sorted, or "dir PATH: (absent)". */
static void snap_dir(char *buf, size_t *len, const char *path)
{
    static char names[256][256];
    static char *ptrs[256];
    int n = 0;
    DIR *d = opendir(path);
    if (!d) {
        snap_printf(buf, len, "dir %s: (%s)\n", path,
                    errno == ENOENT ? "absent" : strerror(errno));
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 256) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        snprintf(names[n], sizeof names[n], "%s", e->d_name);
        ptrs[n] = names[n];
        n++;
    }
    closedir(d);
    qsort(ptrs, (size_t)n, sizeof ptrs[0], snap_cmp_names);
    snap_printf(buf, len, "dir %s:", path);
    for (int i = 0; i < n; i++)
        snap_printf(buf, len, " %s", ptrs[i]);
    snap_printf(buf, len, "\n");
}

/* "file PATH: text" with newlines as '|'. */
static void snap_file(char *buf, size_t *len, const char *path)
{
    char text[2048];
    if (read_file(path, text, sizeof text) < 0)
        snprintf(text, sizeof text, "(%s)", strerror(errno));
    for (char *p = text; *p; p++)
        if (*p == '\n')
            *p = '|';
    snap_printf(buf, len, "file %s: %s\n", path, text);
}

static void snap_link(char *buf, size_t *len, const char *tag, const char *path)
{
    char target[512];
    ssize_t n = readlink(path, target, sizeof target - 1);
    target[n > 0 ? n : 0] = '\0';
    snap_printf(buf, len, "%s %s\n", tag, n > 0 ? target : strerror(errno));
}

/*
 * Line count and FNV-1a hash of the calling thread's mountinfo, and in
 * full the mounts on /run and the temp dir (the places calls are given),
 * without their ids, so a change there is shown.
 */
static void snap_mounts(char *buf, size_t *len)
{
    static char text[1 << 17];
    ssize_t n = read_file("/proc/thread-self/mountinfo", text, sizeof text);
    uint64_t h = 14695981039346656037ull;
    unsigned lines = 0;
    for (ssize_t i = 0; i < n; i++) {
        h = (h ^ (unsigned char)text[i]) * 1099511628211ull;
        lines += text[i] == '\n';
    }
    snap_printf(buf, len, "mountinfo %u lines, hash %016" PRIx64 "\n", lines, h);
    size_t tlen = strlen(B.tmp);
    for (char *l = text; n > 0 && l && *l;) {
        char *nl = strchr(l, '\n');
        if (nl)
            *nl = '\0';
        char mnt[512];
        const char *rest = NULL;
        int used = 0;
        if (sscanf(l, "%*s %*s %*s %*s %511s%n", mnt, &used) == 1)
            rest = l + used;
        if (rest && (strncmp(mnt, "/run", 4) == 0 ||
                     (tlen && strncmp(mnt, B.tmp, tlen) == 0)))
            snap_printf(buf, len, "mount %s%s\n", mnt, rest);
        l = nl ? nl + 1 : NULL;
    }
}

/* Our children, from /proc/self/task/TID/children of every thread. */
static void snap_children(char *buf, size_t *len)
{
    DIR *d = opendir("/proc/self/task");
    snap_printf(buf, len, "children:");
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[300], text[1024];
        snprintf(path, sizeof path, "/proc/self/task/%s/children", e->d_name);
        if (read_file(path, text, sizeof text) > 0)
            snap_printf(buf, len, " %s", text);
    }
    if (d)
        closedir(d);
    snap_printf(buf, len, "\n");
}

static void snap_take(char *buf)
{
    static const char *const ns[] = {"mnt", "cgroup", "uts", "ipc", "user", "pid",
                                     "net", "time", "pid_for_children",
                                     "time_for_children"};
    static const char *const fields[] = {"Uid:", "Gid:", "Groups:", "Threads:",
                                         "SigBlk:", "SigIgn:", "SigCgt:",
                                         "CapPrm:", "CapEff:", "CapBnd:",
                                         "CapAmb:", "NoNewPrivs:", "Seccomp:"};
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
        char path[64], tag[64];
        snprintf(path, sizeof path, "/proc/thread-self/ns/%s", ns[i]);
        snprintf(tag, sizeof tag, "ns %s", ns[i]);
        snap_link(buf, &len, tag, path);
    }
    snap_mounts(buf, &len);
    snap_dir(buf, &len, "/run");
    snap_dir(buf, &len, "/run/netns");
    snap_dir(buf, &len, "/var/run/netns");
    snap_dir(buf, &len, B.tmp);
    snap_dir(buf, &len, B.sub);
    struct utsname u;
    uname(&u);
    snap_printf(buf, &len, "uts %s %s\n", u.nodename, u.domainname);
    for (size_t i = 0; i < N_KINDS; i++) {
        char path[96];
        snprintf(path, sizeof path, "/proc/sys/user/max_%s_namespaces",
                 NS_KINDS[i].name);
        snap_file(buf, &len, path);
    }
    static char status[8192];
    read_file("/proc/thread-self/status", status, sizeof status);
    for (char *l = status; l && *l;) {
        char *nl = strchr(l, '\n');
        size_t n = nl ? (size_t)(nl - l) : strlen(l);
        for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
            if (strncmp(l, fields[i], strlen(fields[i])) == 0)
                snap_printf(buf, &len, "status %.*s\n", (int)n, l);
        l = nl ? nl + 1 : NULL;
    }
    snap_children(buf, &len);
    snap_link(buf, &len, "cwd", "/proc/self/cwd");
    snap_link(buf, &len, "root", "/proc/self/root");
    snap_file(buf, &len, "/proc/self/timens_offsets");
    for (int i = 0; i < B.nwatch; i++)
        snap_file(buf, &len, B.watch[i]);
}

/* Reports the lines of `before` missing in `after` and the other way. */
static void snap_diff(const char *what, const char *before, const char *after)
{
    fprintf(stderr, "    %s changed the state:\n", what);
    const char *sets[2] = {before, after};
    for (int s = 0; s < 2; s++)
        for (const char *l = sets[s]; *l;) {
            const char *nl = strchr(l, '\n');
            size_t n = nl ? (size_t)(nl - l + 1) : strlen(l);
            char line[1024];
            snprintf(line, sizeof line, "%.*s", (int)n, l);
            if (!strstr(sets[1 - s], line))
                fprintf(stderr, "      %s %.*s\n", s ? "after: " : "before:",
                        (int)(n - (nl ? 1 : 0)), l);
            l += n;
        }
}

#endif /* LINUXNS_CHECK_BAD_SNAP_H */
