/*
 * The host-wide pool of dedicated uids: every run executes as a host uid
 * (and gid) of its own, never as host uid 0, so that what the kernel grants
 * "root" (owning /proc/sys and /etc/shadow, RLIMIT_NPROC not applying) is
 * out of its reach, and so that two runs never share an identity (signals,
 * per-uid limits, file ownership).
 *
 * Several daemons and test runs share a machine, so the pool is not a
 * per-process bitmap: each uid has a lock file <dir>/<uid>, and a run holds
 * its uid while an flock on that file is held. flock locks belong to the
 * open file description, so the lock ends when the last copy of the fd is
 * closed: the spawner keeps a copy until the run's last process has been
 * reaped, and a crashed daemon can never leak a uid.
 */
#include "config.h"

#include "sandbox/internal.h"

#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* mkdir -p for the lock directory; parents 0755, the directory itself 0700. */
static int make_dirs(const char *dir, struct sk_err *err)
{
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s", dir);
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0755) < 0 && errno != EEXIST)
            return sk_err_make(err, errno, "uid pool: mkdir %s", path);
        *p = '/';
    }
    if (mkdir(path, 0700) < 0 && errno != EEXIST)
        return sk_err_make(err, errno, "uid pool: mkdir %s", path);
    return 0;
}

int sandbox_uid_pool_open(struct sandbox_uid_pool *pool, const char *dir, int base, int count,
                          struct sk_err *err)
{
    pool->dirfd = -1;
    if (base < 1000 || count < 1 || (long long)base + count > 0x7fffffffLL)
        return sk_err_msg(err, EINVAL, "uid pool: bad range %d+%d", base, count);

    /* A pool uid that belongs to a real account would let runs act as it. */
    struct passwd *pw;
    setpwent();
    while ((pw = getpwent()))
        if ((long long)pw->pw_uid >= base && (long long)pw->pw_uid < (long long)base + count) {
            int uid = (int)pw->pw_uid;
            char name[64];
            snprintf(name, sizeof(name), "%s", pw->pw_name);
            endpwent();
            return sk_err_msg(err, EEXIST,
                              "uid pool %d..%d overlaps the account '%s' (uid %d); change "
                              "sandbox.uid_base", base, base + count - 1, name, uid);
        }
    endpwent();

    int rc = make_dirs(dir, err);
    if (rc < 0)
        return rc;
    pool->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (pool->dirfd < 0)
        return sk_err_make(err, errno, "uid pool: open %s", dir);
    struct stat st;
    if (fstat(pool->dirfd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 022)) {
        sk_close_reset(&pool->dirfd);
        return sk_err_msg(err, EPERM,
                          "uid pool: %s must be owned by uid %d and not group/world-writable",
                          dir, (int)geteuid());
    }
    pool->base = base;
    pool->count = count;
    return 0;
}

void sandbox_uid_pool_close(struct sandbox_uid_pool *pool)
{
    sk_close_reset(&pool->dirfd);
}

int sandbox_uid_acquire(struct sandbox_uid_pool *pool, int *uid, struct sk_err *err)
{
    /* Rotate the starting point so that a uid just released is the last to
     * be taken again (its processes are certainly gone by then), and so that
     * concurrent daemons do not all contend for the first files. */
    static atomic_uint next;
    unsigned start = atomic_fetch_add(&next, 1) + (unsigned)getpid() * 7919u;
    for (int i = 0; i < pool->count; i++) {
        int u = pool->base + (int)((start + (unsigned)i) % (unsigned)pool->count);
        char name[16];
        snprintf(name, sizeof(name), "%d", u);
        int fd = openat(pool->dirfd, name, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0)
            return sk_err_make(err, errno, "uid pool: open lock file %d", u);
        if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
            *uid = u;
            return fd;
        }
        int e = errno;
        close(fd);
        if (e != EWOULDBLOCK)
            return sk_err_make(err, e, "uid pool: lock %d", u);
    }
    return sk_err_msg(err, EAGAIN, "uid pool exhausted: all %d uids from %d are in use",
                      pool->count, pool->base);
}
