/*
 * Private to src/sandbox: the pieces the public API (sandbox.c) is built
 * from, and the wire formats between the daemon, the spawner and a run.
 *
 *   seccomp.c   the two seccomp filters, compiled once to BPF
 *   cgroup.c    run cgroups on v1 and v2 hierarchies, behind one interface
 *   uidpool.c   the host-wide pool of dedicated uids (one flock'ed file each)
 *   spawner.c   the single-threaded spawner process and its request loop
 *   child.c     one run, from clone to execve: cgroups, namespaces, mounts,
 *               ids, capabilities, seccomp; and the run's pid-1 reaper
 *
 * Process tree of one run:
 *
 *   daemon thread (supervises: I/O, timeout, cgroup, uid)
 *     spawner (single-threaded, forked by sandbox_init)
 *       init   pid 1 of the run's namespaces; reaps, reports the exit status
 *         program   pid 2; the only process that execs untrusted code
 */
#pragma once

#include <linux/filter.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/error.h"
#include "sandbox/sandbox.h"

/* ------------------------------------------------------------------ ids -- */

/* The uid and gid a run has inside its user namespace (mapped to the pool uid). */
#define SANDBOX_INNER_ID 1000

/* --------------------------------------------------------------- seccomp -- */

struct sandbox_bpf {
    struct sock_filter *insns; /* owned */
    unsigned short len;        /* number of instructions */
};

/*
 * Compile the main allowlist filter and the stacked ioctl filter (see
 * seccomp.c for the policy and its reasons). Returns 0 or a negative errno.
 */
int sandbox_seccomp_build(struct sandbox_bpf *main_filter, struct sandbox_bpf *ioctl_filter,
                          struct sk_err *err);
void sandbox_bpf_close(struct sandbox_bpf *bpf);

/* ---------------------------------------------------------------- cgroups -- */

enum {
    CG_MEMORY = 1 << 0,
    CG_PIDS = 1 << 1,
    CG_CPU = 1 << 2,
    CG_CPUACCT = 1 << 3, /* v1 only: CPU usage; v2 has cpu.stat in every group */
};

#define CG_MAX_HIER 6

struct cg_hier {
    int version;           /* 1 or 2 */
    unsigned controllers; /* CG_* this hierarchy serves for us */
    char parent[PATH_MAX]; /* directory below which run groups are made */
};

struct sandbox_cgroups {
    struct cg_hier h[CG_MAX_HIER];
    int n;
    bool memsw;            /* v1 memory.memsw.* present: also cap swap */
    bool v2_swap;          /* v2 memory.swap.max present */
    bool v2_peak;          /* v2 memory.peak present (Linux 5.19+) */
    int write_oflags;      /* extra open flags for control-file writes (tests: O_CREAT) */
    char prefix[64];       /* "skitty.<pidns>." : names of this host's pid namespace */
};

/*
 * Find the hierarchies serving memory, pids and cpu (and cpuacct on v1)
 * from `mountinfo` (the text of /proc/self/mountinfo) and `self_cgroup`
 * (the text of /proc/self/cgroup); paths in them are taken relative to
 * `root` ("" normally; a fake tree in tests). For v2, enables the
 * controllers in the parent's cgroup.subtree_control, first moving this
 * process into a leaf of its own when the parent holds processes (the v2
 * no-internal-process rule). Fails naming the controller that is missing.
 */
int sandbox_cgroups_detect(struct sandbox_cgroups *cg, const char *root, const char *mountinfo,
                           const char *self_cgroup, struct sk_err *err);

/* Tests only: when set before sandbox_init(), used instead of detecting. */
extern const struct sandbox_cgroups *sandbox_cgroups_override;

struct cg_run {
    const struct sandbox_cgroups *cg; /* not owned */
    char dir[CG_MAX_HIER][PATH_MAX];  /* the run's group in each hierarchy */
    int n;                            /* groups that exist */
};

/*
 * Create the groups named `name` in every hierarchy, without limits. On
 * failure removes what it made. Returns 0 or a negative errno.
 */
int sandbox_cgroup_make(const struct sandbox_cgroups *cg, const char *name, struct cg_run *run,
                        struct sk_err *err);

/* Fill `run` with the paths of the existing groups named `name`. */
void sandbox_cgroup_open(const struct sandbox_cgroups *cg, const char *name, struct cg_run *run);

/*
 * Open what a new process needs to start inside the run's groups: on v1
 * each group's `tasks` file (the process writes "0" to it; see child.c),
 * on v2 the group's directory (for clone3's CLONE_INTO_CGROUP). Fills
 * tasks[] (returns how many) and *v2_dir (-1 when there is no v2
 * hierarchy). All O_CLOEXEC. Returns a negative errno on failure.
 */
int sandbox_cgroup_clone_fds(const struct cg_run *run, int *tasks, int *v2_dir,
                             struct sk_err *err);

/* Write the limits (memory, pids, CPU quota). Returns 0 or a negative errno. */
int sandbox_cgroup_limit(const struct cg_run *run, const struct sandbox_limits *lim,
                         struct sk_err *err);

/* sandbox_cgroup_make, then sandbox_cgroup_limit. */
int sandbox_cgroup_create(const struct sandbox_cgroups *cg, const char *name,
                          const struct sandbox_limits *lim, struct cg_run *run, struct sk_err *err);

struct cg_stats {
    int64_t cpu_ns;      /* CPU used by every process of the run */
    int64_t peak_bytes;  /* peak memory (tmpfs pages included); -1 unknown */
    int64_t cur_bytes;   /* memory now */
    int64_t oom_kills;   /* processes the memory cgroup's OOM killer took */
};

/* Read the counters of a run. Missing counters are left at -1. */
void sandbox_cgroup_stats(const struct cg_run *run, struct cg_stats *st);

/* Memory in use now, in bytes, or a negative errno. */
int64_t sandbox_cgroup_memory(const struct cg_run *run);

/*
 * Remove the run's groups, waiting (at most `wait_ms`) for them to empty;
 * v2 groups still populated get cgroup.kill. Returns 0, or -EBUSY when a
 * group could not be removed (it is then left for sandbox_cgroup_gc).
 */
int sandbox_cgroup_destroy(struct cg_run *run, int wait_ms);

/*
 * Remove groups left behind by dead owners: names "<prefix><pid>.<n>"
 * whose pid is not alive (or equals `owner_pid` when it is > 0, for the
 * spawner cleaning up after its daemon). Returns the number removed.
 */
int sandbox_cgroup_gc(const struct sandbox_cgroups *cg, pid_t owner_pid);

/* -------------------------------------------------------------- uid pool -- */

struct sandbox_uid_pool {
    int dirfd;    /* the lock directory; owned */
    int base;     /* first uid */
    int count;    /* pool size */
};

int sandbox_uid_pool_open(struct sandbox_uid_pool *pool, const char *dir, int base, int count,
                          struct sk_err *err);
void sandbox_uid_pool_close(struct sandbox_uid_pool *pool);

/*
 * Take a free uid: returns a lock fd (O_CLOEXEC; the uid is held while any
 * copy of it stays open) and sets *uid, or -EAGAIN when every uid is held.
 * Thread-safe.
 */
int sandbox_uid_acquire(struct sandbox_uid_pool *pool, int *uid, struct sk_err *err);

/* ------------------------------------------------------------ wire formats -- */

#define WIRE_MAGIC 0x736b7479u /* "skty" */
#define WIRE_MAX_SPEC (96u << 20)

/* Daemon -> spawner: one request; fds ride along in SCM_RIGHTS, in this
 * order, then the v2 group directory if has_v2, then ntasks v1 `tasks`
 * files. */
enum { REQ_FD_SPEC, REQ_FD_STDIN, REQ_FD_STDOUT, REQ_FD_STDERR, REQ_FD_STATUS, REQ_FD_UIDLOCK,
       REQ_FD_CG };
#define REQ_MAX_FDS (REQ_FD_CG + CG_MAX_HIER)
struct wire_req {
    uint32_t magic;   /* WIRE_MAGIC */
    uint32_t uid;     /* host uid (and gid) of the run */
    uint32_t ntasks;  /* v1 tasks files */
    uint32_t has_v2;  /* a v2 group directory comes first */
    uint32_t proxy_port; /* nonzero: make a listening socket on it in the run's network */
};

/* Spawner -> daemon: the run's pid and a pidfd for it (in SCM_RIGHTS, then
 * the listening socket when proxy_port was asked for), or an error. */
struct wire_rep {
    int32_t err;           /* 0, or a positive errno */
    int32_t pid;
    char msg[SK_ERR_LEN];
};

/* Run -> daemon, over the status pipe (each message one atomic write). */
enum { ST_ERROR = 1, ST_STARTED = 2, ST_EXIT = 3 };
struct wire_status {
    uint32_t type;         /* ST_* */
    int32_t err;           /* ST_ERROR: errno */
    int32_t wstatus;       /* ST_EXIT: the program's wait status */
    int32_t pad;           /* keeps msg aligned; zero */
    char msg[SK_ERR_LEN];  /* ST_ERROR: what failed */
};

/*
 * The spec, serialised by the daemon into a memfd that the run reads
 * after clone. Layout: wire_spec, then argc + envc + nbinds strings and
 * nfiles files, each as a u32 length followed by that many bytes (a file
 * is its name, then a u32 mode, then its data with a u64 length).
 */
struct wire_spec {
    uint32_t magic;                  /* WIRE_MAGIC */
    uint32_t argc, envc, nbinds, nfiles; /* how many of each follow */
    uint32_t pids;                   /* RLIMIT_NPROC, as the pids cgroup limit */
    uint32_t work_inodes;            /* inode cap of /tmp, /dev/shm and the work directory */
    uint32_t wall_s_rlimit;          /* RLIMIT_CPU backstop, 0 = none */
    uint64_t tmp_bytes, work_bytes;  /* tmpfs sizes */
    char workdir[256];               /* absolute, NUL-terminated */
};

/* Serialise `spec` (already validated). The caller frees *out. */
int sandbox_spec_encode(const struct sandbox_spec *spec, bool proc, char **out, size_t *len,
                        struct sk_err *err);

/* ------------------------------------------------------------ child side -- */

/* What the spawner hands a new run, fixed at sandbox_init. */
struct sandbox_host {
    struct sandbox_bpf main_filter;
    struct sandbox_bpf ioctl_filter;
    char root_mount[PATH_MAX]; /* empty directory the run mounts its root on */
    int cap_last;              /* /proc/sys/kernel/cap_last_cap */
    struct {
        char name[16];         /* "bin", "lib64", ... at the host root */
        char target[64];       /* its symlink target, or "" for a directory */
    } root_links[12];
    int nroot_links;
};

/*
 * The run's first process, after clone. `fds` are, in order: the run's
 * stdin, stdout and stderr, the status pipe, the spec memfd, the sync pipe
 * (the spawner writes one byte once the uid map is in place), then
 * `ntasks` v1 `tasks` files to enter. Sets everything up and becomes pid 1.
 * Never returns.
 */
__attribute__((noreturn)) void sandbox_child_main(const struct sandbox_host *host, const int *fds,
                                                  int ntasks);

/*
 * The spawner: serve requests on `sock` until it closes, then kill every
 * run still alive and remove this daemon's cgroups. Never returns.
 */
__attribute__((noreturn)) void sandbox_spawner_main(int sock, pid_t daemon_pid,
                                                   const struct sandbox_host *host,
                                                   const struct sandbox_cgroups *cg);
