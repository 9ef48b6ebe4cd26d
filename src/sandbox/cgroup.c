/*
 * Run cgroups: memory (tmpfs pages count), pids and a CPU quota, on cgroup
 * v1 hierarchies (as on our machines), on cgroup v2 (most hosts today), or
 * on a mix, behind one interface.
 *
 * Where the groups go. Each run gets a group named
 * "skitty.<pidns>.<pid>.<n>" directly below the daemon's own group in each
 * hierarchy, so that limits the host put on the daemon (the machine's own
 * memory accounting, a systemd slice) still hold over the runs. The
 * daemon (the supervisor) stays outside its runs' groups: when a run fills
 * its memory limit with tmpfs pages, the OOM killer must take the run, not
 * the process that watches it.
 *
 * cgroup v2 forbids processes in a group whose controllers are enabled for
 * its children ("no internal processes"); when the daemon's own group holds
 * processes, the daemon moves itself into a leaf of its own first (as
 * nsjail does), which needs a delegated subtree (e.g. systemd Delegate=yes).
 *
 * Every path written here is built from the mount table and fixed names;
 * nothing comes from a run.
 */
#include "config.h"

#include "sandbox/internal.h"

#include "base/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------ file I/O -- */

/* snprintf for paths: false (and an empty string) when it does not fit. */
__attribute__((format(printf, 3, 4))) static bool pathf(char *out, size_t size, const char *fmt,
                                                         ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out, size, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= size) {
        out[0] = '\0';
        return false;
    }
    return true;
}

static int write_file(const struct sandbox_cgroups *cg, const char *dir, const char *name,
                      const char *value, struct sk_err *err)
{
    char path[PATH_MAX + 64];
    if (!pathf(path, sizeof(path), "%s/%s", dir, name))
        return sk_err_msg(err, ENAMETOOLONG, "cgroup: path too long under %s", dir);
    cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW | cg->write_oflags, 0644);
    if (fd < 0)
        return sk_err_make(err, errno, "cgroup: open %s", path);
    ssize_t n = write(fd, value, strlen(value));
    if (n != (ssize_t)strlen(value))
        return sk_err_make(err, n < 0 ? errno : EIO, "cgroup: write '%s' to %s", value, path);
    return 0;
}

/* Read a small control file into buf (NUL-terminated). Returns bytes or -errno. */
static ssize_t read_small(const char *dir, const char *name, char *buf, size_t size)
{
    char path[PATH_MAX + 64];
    if (!pathf(path, sizeof(path), "%s/%s", dir, name))
        return -ENAMETOOLONG;
    cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return -errno;
    ssize_t n = read(fd, buf, size - 1);
    if (n < 0)
        return -errno;
    buf[n] = '\0';
    return n;
}

static int64_t read_int(const char *dir, const char *name)
{
    char buf[64];
    if (read_small(dir, name, buf, sizeof(buf)) <= 0)
        return -1;
    char *end;
    long long v = strtoll(buf, &end, 10);
    return end == buf ? -1 : (int64_t)v;
}

/* The value of "key N" in a flat keyed file (memory.events, cpu.stat, ...). */
static int64_t read_key(const char *dir, const char *name, const char *key)
{
    char buf[4096];
    if (read_small(dir, name, buf, sizeof(buf)) <= 0)
        return -1;
    size_t klen = strlen(key);
    for (char *line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
        if (strncmp(line, key, klen) == 0 && line[klen] == ' ')
            return strtoll(line + klen + 1, NULL, 10);
    return -1;
}

static bool exists(const char *dir, const char *name)
{
    char path[PATH_MAX + 64];
    return pathf(path, sizeof(path), "%s/%s", dir, name) && access(path, F_OK) == 0;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* ----------------------------------------------------------- detection -- */

/* Undo mountinfo's octal escapes (\040 for a space) in place. */
static void unescape(char *s)
{
    char *o = s;
    while (*s) {
        if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
            s[3] >= '0' && s[3] <= '7') {
            *o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
            s += 4;
        } else {
            *o++ = *s++;
        }
    }
    *o = '\0';
}

static unsigned controllers_of(const char *opts)
{
    unsigned mask = 0;
    char buf[512];
    snprintf(buf, sizeof(buf), "%s", opts);
    char *save = NULL;
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (!strcmp(t, "memory"))
            mask |= CG_MEMORY;
        else if (!strcmp(t, "pids"))
            mask |= CG_PIDS;
        else if (!strcmp(t, "cpu"))
            mask |= CG_CPU;
        else if (!strcmp(t, "cpuacct"))
            mask |= CG_CPUACCT;
    }
    return mask;
}

struct mount_ent {
    int version;          /* 1 or 2 */
    unsigned controllers; /* CG_* on a v1 hierarchy */
    char root[PATH_MAX];  /* the mount's root inside the hierarchy */
    char point[PATH_MAX]; /* where it is mounted */
};

/* The cgroup mounts in `mountinfo`, first one per hierarchy. */
static int parse_mounts(const char *mountinfo, struct mount_ent *out, int max)
{
    int n = 0;
    bool have_v2 = false;
    const char *line = mountinfo;
    while (line && *line && n < max) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        char buf[4096];
        if (len < sizeof(buf)) {
            memcpy(buf, line, len);
            buf[len] = '\0';
            /* ID PARENT MAJ:MIN ROOT POINT OPTS [OPTIONAL...] - TYPE SOURCE SUPEROPTS */
            char *f[6] = {0};
            char *save = NULL, *t = strtok_r(buf, " ", &save);
            for (int i = 0; i < 6 && t; i++, t = strtok_r(NULL, " ", &save))
                f[i] = t;
            while (t && strcmp(t, "-") != 0)
                t = strtok_r(NULL, " ", &save);
            char *type = t ? strtok_r(NULL, " ", &save) : NULL;
            char *source = type ? strtok_r(NULL, " ", &save) : NULL;
            char *super = source ? strtok_r(NULL, " ", &save) : NULL;
            if (f[4] && type && super) {
                struct mount_ent *m = &out[n];
                memset(m, 0, sizeof(*m));
                if (!strcmp(type, "cgroup")) {
                    m->version = 1;
                    m->controllers = controllers_of(super);
                } else if (!strcmp(type, "cgroup2") && !have_v2) {
                    m->version = 2;
                    have_v2 = true;
                }
                bool dup = false;
                for (int i = 0; i < n && m->version == 1; i++)
                    dup |= out[i].version == 1 && out[i].controllers == m->controllers;
                if (m->version && !dup && (m->version == 2 || m->controllers)) {
                    snprintf(m->root, sizeof(m->root), "%s", f[3]);
                    snprintf(m->point, sizeof(m->point), "%s", f[4]);
                    unescape(m->root);
                    unescape(m->point);
                    n++;
                }
            }
        }
        line = nl ? nl + 1 : NULL;
    }
    return n;
}

/* Our path in the hierarchy described by `m`, from /proc/self/cgroup. */
static bool self_path(const char *self_cgroup, const struct mount_ent *m, char *out, size_t size)
{
    const char *line = self_cgroup;
    while (line && *line) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        char buf[PATH_MAX + 256];
        if (len < sizeof(buf)) {
            memcpy(buf, line, len);
            buf[len] = '\0';
            char *c1 = strchr(buf, ':');
            char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
            if (c2) {
                *c2 = '\0';
                const char *ctrls = c1 + 1, *path = c2 + 1;
                bool match = m->version == 2 ? (strncmp(buf, "0", 1) == 0 && !*ctrls)
                                             : (controllers_of(ctrls) == m->controllers &&
                                                strncmp(ctrls, "name=", 5) != 0);
                if (match) {
                    /* Paths are relative to our cgroup namespace's root; when the
                     * mount shows a subtree, strip it. */
                    size_t rl = strlen(m->root);
                    if (strcmp(m->root, "/") != 0 && strncmp(path, m->root, rl) == 0 &&
                        (path[rl] == '/' || path[rl] == '\0'))
                        path += rl;
                    snprintf(out, size, "%s", *path ? path : "/");
                    return true;
                }
            }
        }
        line = nl ? nl + 1 : NULL;
    }
    return false;
}

static const char *controller_name(unsigned c)
{
    switch (c) {
    case CG_MEMORY: return "memory";
    case CG_PIDS: return "pids";
    case CG_CPU: return "cpu";
    default: return "cpuacct";
    }
}

static int probe_dir(const struct sandbox_cgroups *cg, const char *parent, struct sk_err *err)
{
    char probe[PATH_MAX + 96];
    if (!pathf(probe, sizeof(probe), "%s/%s%d.probe", parent, cg->prefix, (int)getpid()))
        return sk_err_msg(err, ENAMETOOLONG, "cgroup: path too long: %s", parent);
    if (mkdir(probe, 0755) < 0 && errno != EEXIST)
        return sk_err_make(err, errno, "cgroup: cannot create groups below %s", parent);
    rmdir(probe);
    return 0;
}

/* v2: make sure `dir` delegates our controllers to its children. */
static int v2_enable(struct sandbox_cgroups *cg, const char *dir, bool is_root, unsigned need,
                     struct sk_err *err)
{
    char have[512];
    if (read_small(dir, "cgroup.controllers", have, sizeof(have)) < 0)
        return sk_err_make(err, errno, "cgroup v2: read %s/cgroup.controllers", dir);
    /* controllers_of splits on commas; cgroup.controllers uses spaces. */
    for (char *p = have; *p; p++)
        if (*p == ' ' || *p == '\n')
            *p = ',';
    unsigned avail = controllers_of(have);
    for (unsigned c = CG_MEMORY; c <= CG_CPU; c <<= 1)
        if ((need & c) && !(avail & c))
            return sk_err_msg(err, ENOTSUP,
                              "cgroup v2: controller '%s' is not available in %s "
                              "(cgroup.controllers: %s); delegate it to skitty's group",
                              controller_name(c), dir, have);

    char want[64] = "";
    for (unsigned c = CG_MEMORY; c <= CG_CPU; c <<= 1)
        if (need & c) {
            strcat(want, "+");
            strcat(want, controller_name(c));
            strcat(want, " ");
        }
    want[strlen(want) - 1] = '\0';

    struct sk_err werr;
    int rc = write_file(cg, dir, "cgroup.subtree_control", want, &werr);
    if (rc == 0)
        return 0;
    if (rc != -EBUSY || is_root)
        return sk_err_msg(err, -rc, "cgroup v2: cannot enable '%s' in %s/cgroup.subtree_control: %s",
                          want, dir, werr.msg);
    /* Processes live in our group: move ourselves into a leaf and retry. The
     * caller runs before any thread exists, so this moves the whole daemon. */
    char leaf[PATH_MAX + 96];
    if (!pathf(leaf, sizeof(leaf), "%s/%ssup.%d", dir, cg->prefix, (int)getpid()))
        return sk_err_msg(err, ENAMETOOLONG, "cgroup: path too long: %s", dir);
    if (mkdir(leaf, 0755) < 0 && errno != EEXIST)
        return sk_err_make(err, errno, "cgroup v2: create %s", leaf);
    char pid[32];
    snprintf(pid, sizeof(pid), "%d", (int)getpid());
    if ((rc = write_file(cg, leaf, "cgroup.procs", pid, err)) < 0)
        return sk_err_wrap(err, "cgroup v2: move the daemon out of %s", dir);
    if ((rc = write_file(cg, dir, "cgroup.subtree_control", want, err)) < 0)
        return sk_err_wrap(err, "cgroup v2: %s still holds other processes; run skitty in a "
                                "group of its own (e.g. systemd Delegate=yes)", dir);
    return 0;
}

int sandbox_cgroups_detect(struct sandbox_cgroups *cg, const char *root, const char *mountinfo,
                           const char *self_cgroup, struct sk_err *err)
{
    int oflags = cg->write_oflags;
    memset(cg, 0, sizeof(*cg));
    cg->write_oflags = oflags;
    struct stat st;
    if (stat("/proc/self/ns/pid", &st) < 0)
        return sk_err_make(err, errno, "cgroup: stat /proc/self/ns/pid");
    snprintf(cg->prefix, sizeof(cg->prefix), "skitty.%llu.", (unsigned long long)st.st_ino);

    struct mount_ent *mounts = xcalloc(16, sizeof(*mounts));
    int nm = parse_mounts(mountinfo, mounts, 16);

    unsigned need = CG_MEMORY | CG_PIDS | CG_CPU | CG_CPUACCT;
    unsigned got = 0;
    int rc = 0;
    /* v1 hierarchies first: on hybrid hosts the controllers live there. */
    for (int i = 0; i < nm && rc == 0; i++) {
        struct mount_ent *m = &mounts[i];
        if (m->version != 1 || !(m->controllers & need & ~got))
            continue;
        char self[PATH_MAX];
        if (!self_path(self_cgroup, m, self, sizeof(self))) {
            rc = sk_err_msg(err, ENOENT, "cgroup v1: no entry for %s in /proc/self/cgroup",
                            m->point);
            break;
        }
        struct cg_hier *h = &cg->h[cg->n++];
        h->version = 1;
        h->controllers = m->controllers & need & ~got;
        if (!pathf(h->parent, sizeof(h->parent), "%s%s%s", root, m->point,
                   strcmp(self, "/") ? self : "")) {
            rc = sk_err_msg(err, ENAMETOOLONG, "cgroup: path too long under %s", m->point);
            break;
        }
        got |= h->controllers;
        rc = probe_dir(cg, h->parent, err);
    }
    /* cgroup v2 serves whatever v1 does not (cpu accounting is built in). */
    if (rc == 0 && (need & ~got & ~CG_CPUACCT)) {
        struct mount_ent *m = NULL;
        for (int i = 0; i < nm; i++)
            if (mounts[i].version == 2)
                m = &mounts[i];
        unsigned want = need & ~got & ~CG_CPUACCT;
        char self[PATH_MAX];
        if (!m) {
            for (unsigned c = CG_MEMORY; c <= CG_CPU; c <<= 1)
                if (want & c) {
                    rc = sk_err_msg(err, ENOTSUP,
                                    "cgroup controller '%s' not found (no v1 hierarchy has it "
                                    "and no cgroup2 is mounted)", controller_name(c));
                    break;
                }
        } else if (!self_path(self_cgroup, m, self, sizeof(self))) {
            rc = sk_err_msg(err, ENOENT, "cgroup v2: no 0:: entry in /proc/self/cgroup");
        } else {
            struct cg_hier *h = &cg->h[cg->n++];
            h->version = 2;
            h->controllers = want | (got & CG_CPUACCT ? 0 : CG_CPUACCT);
            if (!pathf(h->parent, sizeof(h->parent), "%s%s%s", root, m->point,
                       strcmp(self, "/") ? self : ""))
                rc = sk_err_msg(err, ENAMETOOLONG, "cgroup: path too long under %s", m->point);
            got |= h->controllers;
            if (rc == 0)
                rc = v2_enable(cg, h->parent, strcmp(self, "/") == 0, want, err);
            if (rc == 0)
                rc = probe_dir(cg, h->parent, err);
            if (rc == 0) {
                /* Which optional files v2 groups have, checked on a probe group. */
                char probe[PATH_MAX + 96];
                if (pathf(probe, sizeof(probe), "%s/%s%d.probe", h->parent, cg->prefix,
                          (int)getpid()) &&
                    mkdir(probe, 0755) == 0) {
                    cg->v2_swap = exists(probe, "memory.swap.max");
                    cg->v2_peak = exists(probe, "memory.peak");
                    rmdir(probe);
                }
            }
        }
    }
    if (rc == 0 && !(got & CG_CPUACCT))
        rc = sk_err_msg(err, ENOTSUP, "cgroup controller 'cpuacct' not found (needed on v1 "
                                      "for the CPU time of a run)");
    for (int i = 0; rc == 0 && i < cg->n; i++)
        if (cg->h[i].version == 1 && (cg->h[i].controllers & CG_MEMORY))
            cg->memsw = exists(cg->h[i].parent, "memory.memsw.limit_in_bytes");
    free(mounts);
    return rc;
}

/* ------------------------------------------------------------ one run -- */

static int write_limits(const struct sandbox_cgroups *cg, const struct cg_hier *h,
                        const char *dir, const struct sandbox_limits *lim, struct sk_err *err)
{
    char v[64];
    int rc;
    if (h->controllers & CG_MEMORY) {
        snprintf(v, sizeof(v), "%" PRId64, lim->memory_bytes);
        if (h->version == 1) {
            if ((rc = write_file(cg, dir, "memory.limit_in_bytes", v, err)) < 0)
                return rc;
            /* Without this a run could swap instead of meeting its limit. */
            if (cg->memsw && (rc = write_file(cg, dir, "memory.memsw.limit_in_bytes", v, err)) < 0)
                return rc;
        } else {
            if ((rc = write_file(cg, dir, "memory.max", v, err)) < 0)
                return rc;
            if (cg->v2_swap && (rc = write_file(cg, dir, "memory.swap.max", "0", err)) < 0)
                return rc;
        }
    }
    if (h->controllers & CG_PIDS) {
        snprintf(v, sizeof(v), "%d", lim->pids);
        if ((rc = write_file(cg, dir, "pids.max", v, err)) < 0)
            return rc;
    }
    if (h->controllers & CG_CPU) {
        /* A quota of cpu_millicores per 100 ms period: 1000 = one core. */
        long quota = (long)lim->cpu_millicores * 100;
        if (h->version == 1) {
            if ((rc = write_file(cg, dir, "cpu.cfs_period_us", "100000", err)) < 0)
                return rc;
            snprintf(v, sizeof(v), "%ld", quota);
            if ((rc = write_file(cg, dir, "cpu.cfs_quota_us", v, err)) < 0)
                return rc;
        } else {
            snprintf(v, sizeof(v), "%ld 100000", quota);
            if ((rc = write_file(cg, dir, "cpu.max", v, err)) < 0)
                return rc;
        }
    }
    return 0;
}

int sandbox_cgroup_make(const struct sandbox_cgroups *cg, const char *name, struct cg_run *run,
                        struct sk_err *err)
{
    memset(run, 0, sizeof(*run));
    run->cg = cg;
    for (int i = 0; i < cg->n; i++) {
        char *dir = run->dir[i];
        if (!pathf(dir, PATH_MAX, "%s/%s", cg->h[i].parent, name)) {
            sandbox_cgroup_destroy(run, 0);
            return sk_err_msg(err, ENAMETOOLONG, "cgroup: path too long: %s", cg->h[i].parent);
        }
        if (mkdir(dir, 0755) < 0) {
            int e = errno;
            sandbox_cgroup_destroy(run, 0);
            return sk_err_make(err, e, "cgroup: create %s", dir);
        }
        run->n = i + 1;
    }
    return 0;
}

void sandbox_cgroup_open(const struct sandbox_cgroups *cg, const char *name, struct cg_run *run)
{
    memset(run, 0, sizeof(*run));
    run->cg = cg;
    for (int i = 0; i < cg->n; i++)
        if (pathf(run->dir[i], PATH_MAX, "%s/%s", cg->h[i].parent, name))
            run->n = i + 1;
}

int sandbox_cgroup_clone_fds(const struct cg_run *run, int *tasks, int *v2_dir,
                             struct sk_err *err)
{
    int n = 0;
    *v2_dir = -1;
    for (int i = 0; i < run->n; i++) {
        char path[PATH_MAX + 16];
        bool v1 = run->cg->h[i].version == 1;
        int fd = -1;
        if (pathf(path, sizeof(path), v1 ? "%s/tasks" : "%s", run->dir[i]))
            fd = v1 ? open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW | run->cg->write_oflags, 0644)
                    : open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0) {
            int e = errno ? errno : ENAMETOOLONG;
            for (int j = 0; j < n; j++)
                close(tasks[j]);
            if (*v2_dir >= 0)
                sk_close_reset(v2_dir);
            return sk_err_make(err, e, "cgroup: open %s", path);
        }
        if (v1)
            tasks[n++] = fd;
        else
            *v2_dir = fd;
    }
    return n;
}

int sandbox_cgroup_limit(const struct cg_run *run, const struct sandbox_limits *lim,
                         struct sk_err *err)
{
    for (int i = 0; i < run->n; i++) {
        const struct cg_hier *h = &run->cg->h[i];
        int rc = write_limits(run->cg, h, run->dir[i], lim, err);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int sandbox_cgroup_create(const struct sandbox_cgroups *cg, const char *name,
                          const struct sandbox_limits *lim, struct cg_run *run, struct sk_err *err)
{
    int rc = sandbox_cgroup_make(cg, name, run, err);
    if (rc == 0 && (rc = sandbox_cgroup_limit(run, lim, err)) < 0)
        sandbox_cgroup_destroy(run, 0);
    return rc;
}

void sandbox_cgroup_stats(const struct cg_run *run, struct cg_stats *st)
{
    st->cpu_ns = st->peak_bytes = st->cur_bytes = st->oom_kills = -1;
    for (int i = 0; i < run->n; i++) {
        const struct cg_hier *h = &run->cg->h[i];
        const char *d = run->dir[i];
        if (h->version == 1) {
            if (h->controllers & CG_CPUACCT)
                st->cpu_ns = read_int(d, "cpuacct.usage");
            if (h->controllers & CG_MEMORY) {
                st->peak_bytes = read_int(d, "memory.max_usage_in_bytes");
                st->cur_bytes = read_int(d, "memory.usage_in_bytes");
                st->oom_kills = read_key(d, "memory.oom_control", "oom_kill");
            }
        } else {
            if (h->controllers & CG_CPUACCT) {
                int64_t us = read_key(d, "cpu.stat", "usage_usec");
                st->cpu_ns = us < 0 ? -1 : us * 1000;
            }
            if (h->controllers & CG_MEMORY) {
                st->peak_bytes = run->cg->v2_peak ? read_int(d, "memory.peak") : -1;
                st->cur_bytes = read_int(d, "memory.current");
                st->oom_kills = read_key(d, "memory.events", "oom_kill");
            }
        }
    }
}

int64_t sandbox_cgroup_memory(const struct cg_run *run)
{
    for (int i = 0; i < run->n; i++) {
        const struct cg_hier *h = &run->cg->h[i];
        if (h->controllers & CG_MEMORY) {
            int64_t v = read_int(run->dir[i],
                                 h->version == 1 ? "memory.usage_in_bytes" : "memory.current");
            return v < 0 ? -EIO : v;
        }
    }
    return -ENOENT;
}

int sandbox_cgroup_destroy(struct cg_run *run, int wait_ms)
{
    double deadline = sk_now_ms() + wait_ms;
    int left = 0;
    for (int i = run->n - 1; i >= 0; i--) {
        const struct cg_hier *h = &run->cg->h[i];
        bool killed = false;
        int pause = 1;
        for (;;) {
            if (rmdir(run->dir[i]) == 0 || errno == ENOENT)
                break;
            if (errno != EBUSY || sk_now_ms() >= deadline) {
                left++;
                break;
            }
            /* Still populated: a run's processes take a moment to go after its
             * pid namespace is killed. On v2, make sure with cgroup.kill. */
            if (h->version == 2 && !killed) {
                struct sk_err e;
                write_file(run->cg, run->dir[i], "cgroup.kill", "1", &e);
                killed = true;
            }
            sleep_ms(pause);
            if (pause < 16)
                pause *= 2;
        }
    }
    run->n = 0;
    return left ? -EBUSY : 0;
}

int sandbox_cgroup_gc(const struct sandbox_cgroups *cg, pid_t owner_pid)
{
    int removed = 0;
    size_t plen = strlen(cg->prefix);
    for (int i = 0; i < cg->n; i++) {
        DIR *d = opendir(cg->h[i].parent);
        if (!d)
            continue;
        struct dirent *e;
        while ((e = readdir(d))) {
            if (strncmp(e->d_name, cg->prefix, plen) != 0)
                continue;
            const char *rest = e->d_name + plen;
            if (!strncmp(rest, "sup.", 4))
                rest += 4; /* a v2 supervisor leaf: removable once its daemon is gone */
            char *end;
            long pid = strtol(rest, &end, 10);
            if (end == rest || pid <= 0)
                continue;
            bool dead = owner_pid > 0 ? pid == owner_pid
                                      : (kill((pid_t)pid, 0) < 0 && errno == ESRCH);
            if (!dead)
                continue;
            char path[PATH_MAX + 300];
            if (!pathf(path, sizeof(path), "%s/%s", cg->h[i].parent, e->d_name))
                continue;
            /* Wait a little for processes still exiting (v2: kill them). */
            bool killed = false;
            for (int k = 0; k < 250 && rmdir(path) < 0 && errno == EBUSY; k++) {
                if (cg->h[i].version == 2 && !killed) {
                    struct sk_err err;
                    write_file(cg, path, "cgroup.kill", "1", &err);
                    killed = true;
                }
                sleep_ms(2);
            }
            if (access(path, F_OK) < 0)
                removed++;
        }
        closedir(d);
    }
    return removed;
}
