/*
 * check_mounts.h - what the kernel and util-linux show about mounts, read
 * without the library, for test_mounts.c: ns_mount_list's answers
 * collected, findmnt -J -l parsed, /proc/PID/mountinfo parsed.
 */
#ifndef LINUXNS_CHECK_MOUNTS_H
#define LINUXNS_CHECK_MOUNTS_H

#include "check.h"
#include <sys/mount.h>

#define M_STR 512

/* One mount, from any of the sources. */
struct mrow {
    uint64_t id, parent_id;          /* unique ids (ns_mount_list only) */
    unsigned proc_id, proc_parent_id;
    unsigned major, minor;
    unsigned propagation;            /* MS_SHARED|MS_SLAVE|MS_UNBINDABLE or MS_PRIVATE */
    uint64_t peer_group, master, attr;
    int idmapped;
    char target[M_STR], fsroot[M_STR], fstype[128], source[M_STR];
    char prop_text[64];              /* findmnt's PROPAGATION */
};

struct mlist {
    struct mrow *v;
    size_t n, cap;
    int calls, stop_after;           /* for the callback: stop on that call */
};

static inline struct mrow *mlist_add(struct mlist *l)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
        if (!l->v)
            abort();
    }
    memset(&l->v[l->n], 0, sizeof l->v[0]);
    return &l->v[l->n++];
}

static inline void mlist_free(struct mlist *l)
{
    free(l->v);
    memset(l, 0, sizeof *l);
}

static inline void copy_str(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "(null)");
}

/* findmnt's PROPAGATION text for a set of MS_* bits. */
static inline void prop_text(unsigned prop, char *out, size_t size)
{
    snprintf(out, size, "%s%s%s", prop & MS_SHARED ? "shared" : "private",
             prop & MS_SLAVE ? ",slave" : "", prop & MS_UNBINDABLE ? ",unbindable" : "");
}

/* ns_mount_list's callback: copies each mount into a struct mlist. */
static inline int collect_mount(const struct ns_mount_info *m, void *arg)
{
    struct mlist *l = arg;
    l->calls++;
    struct mrow *r = mlist_add(l);
    r->id = m->id;
    r->parent_id = m->parent_id;
    r->proc_id = m->proc_id;
    r->proc_parent_id = m->proc_parent_id;
    r->major = m->dev_major;
    r->minor = m->dev_minor;
    r->propagation = m->propagation;
    r->peer_group = m->peer_group;
    r->master = m->master;
    r->attr = m->attr;
    r->idmapped = (int)m->idmapped;
    copy_str(r->target, sizeof r->target, m->mount_point);
    copy_str(r->fsroot, sizeof r->fsroot, m->root);
    copy_str(r->fstype, sizeof r->fstype, m->fs_type);
    copy_str(r->source, sizeof r->source, m->source);
    prop_text(m->propagation, r->prop_text, sizeof r->prop_text);
    return l->stop_after > 0 && l->calls >= l->stop_after;
}

static inline const struct mrow *find_proc_id(const struct mlist *l, unsigned id)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].proc_id == id)
            return &l->v[i];
    return NULL;
}

static inline const struct mrow *find_target(const struct mlist *l, const char *target)
{
    const struct mrow *found = NULL; /* the last: the topmost of stacked mounts */
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i].target, target) == 0)
            found = &l->v[i];
    return found;
}

/* ---- /proc/PID/mountinfo ------------------------------------------------ */

/* Decodes mountinfo's \ooo escapes in place. */
static inline void unoctal(char *s)
{
    char *w = s;
    for (char *r = s; *r; r++) {
        if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
            r[3] >= '0' && r[3] <= '7') {
            *w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
            r += 3;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
}

/* Splits at single spaces (an empty source is an empty field). */
static inline int split_spaces(char *line, char **f, int max)
{
    int n = 0;
    f[n++] = line;
    for (char *p = line; *p && n < max; p++)
        if (*p == ' ') {
            *p = '\0';
            f[n++] = p + 1;
        }
    return n;
}

/* Reads /proc/PID/mountinfo (pid 0: /proc/thread-self). */
static inline bool read_mountinfo(pid_t pid, struct mlist *l)
{
    char path[64];
    if (pid == 0)
        snprintf(path, sizeof path, "/proc/thread-self/mountinfo");
    else
        snprintf(path, sizeof path, "/proc/%d/mountinfo", (int)pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return false;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    bool ok = true;
    while ((len = getline(&line, &cap, f)) > 0) {
        if (line[len - 1] == '\n')
            line[len - 1] = '\0';
        char *fld[64];
        int n = split_spaces(line, fld, 64), sep = -1;
        for (int i = 6; i < n && sep < 0; i++)
            if (strcmp(fld[i], "-") == 0)
                sep = i;
        if (sep < 0 || n < sep + 3) {
            ok = false;
            break;
        }
        struct mrow *r = mlist_add(l);
        r->proc_id = (unsigned)strtoul(fld[0], NULL, 10);
        r->proc_parent_id = (unsigned)strtoul(fld[1], NULL, 10);
        sscanf(fld[2], "%u:%u", &r->major, &r->minor);
        unoctal(fld[3]);
        unoctal(fld[4]);
        unoctal(fld[sep + 1]);
        unoctal(fld[sep + 2]);
        copy_str(r->fsroot, sizeof r->fsroot, fld[3]);
        copy_str(r->target, sizeof r->target, fld[4]);
        copy_str(r->fstype, sizeof r->fstype, fld[sep + 1]);
        copy_str(r->source, sizeof r->source, *fld[sep + 2] ? fld[sep + 2] : "none");
        r->idmapped = strstr(fld[5], "idmapped") != NULL;
        for (int i = 6; i < sep; i++) {
            if (strncmp(fld[i], "shared:", 7) == 0) {
                r->propagation |= MS_SHARED;
                r->peer_group = strtoull(fld[i] + 7, NULL, 10);
            } else if (strncmp(fld[i], "master:", 7) == 0) {
                r->propagation |= MS_SLAVE;
                r->master = strtoull(fld[i] + 7, NULL, 10);
            } else if (strcmp(fld[i], "unbindable") == 0) {
                r->propagation |= MS_UNBINDABLE;
            }
        }
        if (!r->propagation)
            r->propagation = MS_PRIVATE;
        prop_text(r->propagation, r->prop_text, sizeof r->prop_text);
    }
    free(line);
    fclose(f);
    return ok;
}

/* ---- findmnt -J -l ------------------------------------------------------- */

static inline const char *js_ws(const char *p)
{
    while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
        p++;
    return p;
}

/* A JSON string at p (at its '"') into out; returns the text after it, or
 * NULL.  findmnt writes non-ASCII bytes as they are. */
static inline const char *js_string(const char *p, char *out, size_t size)
{
    size_t n = 0;
    if (*p++ != '"')
        return NULL;
    while (*p && *p != '"') {
        unsigned c = (unsigned char)*p++;
        if (c == '\\') {
            char e = *p++;
            switch (e) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'u': { /* findmnt escapes only control characters so */
                char hex[5] = {0};
                if (strlen(p) < 4)
                    return NULL;
                memcpy(hex, p, 4);
                p += 4;
                c = (unsigned)strtoul(hex, NULL, 16);
                if (c >= 0x80)
                    c = '?';
                break;
            }
            default: c = (unsigned char)e; break; /* \" \\ \/ */
            }
        }
        if (n + 1 < size)
            out[n++] = (char)c;
    }
    out[n] = '\0';
    return *p == '"' ? p + 1 : NULL;
}

/* Parses findmnt -J -l output: {"filesystems": [{...}, ...]}. */
static inline bool parse_findmnt_json(const char *p, struct mlist *l)
{
    char key[64], val[M_STR];
    p = strchr(p, '[');
    if (!p)
        return false;
    p = js_ws(p + 1);
    while (*p == '{') {
        struct mrow *r = mlist_add(l);
        p = js_ws(p + 1);
        while (*p == '"') {
            if (!(p = js_string(p, key, sizeof key)))
                return false;
            p = js_ws(p);
            if (*p++ != ':')
                return false;
            p = js_ws(p);
            val[0] = '\0';
            if (*p == '"') {
                if (!(p = js_string(p, val, sizeof val)))
                    return false;
            } else { /* a number, null, true or false */
                size_t n = strcspn(p, ",}\n");
                snprintf(val, sizeof val, "%.*s", (int)n, p);
                p += n;
            }
            if (strcmp(key, "id") == 0)
                r->proc_id = (unsigned)strtoul(val, NULL, 10);
            else if (strcmp(key, "parent") == 0)
                r->proc_parent_id = (unsigned)strtoul(val, NULL, 10);
            else if (strcmp(key, "target") == 0)
                copy_str(r->target, sizeof r->target, val);
            else if (strcmp(key, "source") == 0)
                copy_str(r->source, sizeof r->source, val);
            else if (strcmp(key, "fstype") == 0)
                copy_str(r->fstype, sizeof r->fstype, val);
            else if (strcmp(key, "propagation") == 0)
                copy_str(r->prop_text, sizeof r->prop_text, val);
            else if (strcmp(key, "fsroot") == 0)
                copy_str(r->fsroot, sizeof r->fsroot, val);
            p = js_ws(p);
            if (*p == ',')
                p = js_ws(p + 1);
        }
        if (*p++ != '}')
            return false;
        p = js_ws(p);
        if (*p == ',')
            p = js_ws(p + 1);
    }
    return *p == ']';
}

/*
 * Runs findmnt -J -l -v (no [fsroot] in SOURCE) for the caller's namespace
 * (pid 0) or process pid's (-N), and parses it.  False if findmnt could not
 * be run.
 */
static inline bool run_findmnt(pid_t pid, struct mlist *l)
{
    static char text[1 << 20];
    char pidtext[16];
    snprintf(pidtext, sizeof pidtext, "%d", (int)pid);
    int p[2];
    SYS_OK(pipe2(p, O_CLOEXEC));
    fflush(stdout);
    fflush(stderr);
    pid_t child = SYS_OK(fork());
    if (child == 0) {
        dup2(p[1], 1);
        const char *cols = "ID,PARENT,TARGET,SOURCE,FSTYPE,PROPAGATION,FSROOT";
        if (pid)
            execlp("findmnt", "findmnt", "-J", "-l", "-v", "-N", pidtext, "-o", cols,
                   (char *)NULL);
        else
            execlp("findmnt", "findmnt", "-J", "-l", "-v", "-o", cols, (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    size_t len = 0;
    ssize_t n;
    while ((n = read(p[0], text + len, sizeof text - 1 - len)) > 0 ||
           (n < 0 && errno == EINTR))
        if (n > 0)
            len += (size_t)n;
    text[len] = '\0';
    close(p[0]);
    int st;
    wait_child(child, &st);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return false;
    return parse_findmnt_json(text, l);
}

#endif /* LINUXNS_CHECK_MOUNTS_H */
