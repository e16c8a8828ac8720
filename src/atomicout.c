/* O_TMPFILE and mkostemp are GNU extensions. */
#define _GNU_SOURCE
#include "atomicout.h"

#include "alloc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- signals ----------------------------------------------------------- */

/* The one named temporary file that exists at a time, for the handler.  A
 * static buffer: the handler may neither allocate nor follow pointers that
 * the main flow is about to free. */
static char sig_tmp_path[PATH_MAX + 64];
static volatile sig_atomic_t sig_tmp_armed;

static void on_fatal_signal(int sig)
{
    if (sig_tmp_armed)
        unlink(sig_tmp_path);
    _exit(128 + sig);
}

void atomic_install_signal_handlers(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fatal_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
        sigaddset(&sa.sa_mask, sigs[i]);
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        struct sigaction old;
        /* a run started with the signal ignored (nohup) keeps ignoring it */
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        sigaction(sigs[i], &sa, NULL);
    }
}

/* Creating or renaming the temporary file and arming or disarming the
 * handler happen with the signals blocked, so that no signal can fall
 * between a name appearing on disk and the handler knowing it. */
static void block_signals(sigset_t *old)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigprocmask(SIG_BLOCK, &set, old);
}

static void restore_signals(const sigset_t *old) { sigprocmask(SIG_SETMASK, old, NULL); }

static void arm(const char *path)
{
    /* o->tmp is a realpath (< PATH_MAX) plus ".XXXXXX": it fits */
    (void)snprintf(sig_tmp_path, sizeof sig_tmp_path, "%s", path);
    sig_tmp_armed = 1;
}

static void disarm(void) { sig_tmp_armed = 0; }

/* ---- targets ----------------------------------------------------------- */

static const char *kind_name(mode_t m)
{
    return S_ISDIR(m) ? "a directory" : S_ISCHR(m) ? "a character device" : S_ISBLK(m) ? "a block device"
           : S_ISFIFO(m) ? "a FIFO" : S_ISSOCK(m) ? "a socket" : "not a regular file";
}

static or_status bad_target(diag *d, const char *path, const char *what)
{
    diag_error(d, NULL, 0, "output '%s' is %s (expected the path of a regular file, or - for standard output)",
               path, what);
    return OR_EUSAGE;
}

/* Follows symbolic links one by one (also a dangling one: the file it
 * names is created) into out.  Returns OR_OK, OR_EUSAGE or OR_ESYS. */
static or_status resolve(const char *path, char *out, size_t size, diag *d)
{
    if (snprintf(out, size, "%s", path) >= (int)size) {
        diag_error(d, NULL, 0, "output '%s': the path is too long", path);
        return OR_EUSAGE;
    }
    for (int hops = 0; hops < 40; hops++) {
        struct stat st;
        if (lstat(out, &st) != 0) {
            if (errno == ENOENT || errno == ENOTDIR)
                return OR_OK;
            diag_error(d, NULL, 0, "output '%s': %s", path, strerror(errno));
            return OR_ESYS;
        }
        if (!S_ISLNK(st.st_mode))
            return OR_OK;
        char link[PATH_MAX];
        ssize_t n = readlink(out, link, sizeof link - 1);
        if (n < 0) {
            diag_error(d, NULL, 0, "output '%s': cannot read the link: %s", path, strerror(errno));
            return OR_ESYS;
        }
        link[n] = '\0';
        char next[PATH_MAX];
        const char *slash = strrchr(out, '/');
        int len = link[0] == '/' || !slash ? snprintf(next, sizeof next, "%s", link)
                                           : snprintf(next, sizeof next, "%.*s/%s", (int)(slash - out), out, link);
        if (len < 0 || (size_t)len >= sizeof next || (size_t)len >= size) {
            diag_error(d, NULL, 0, "output '%s': the link's target path is too long", path);
            return OR_EUSAGE;
        }
        memcpy(out, next, (size_t)len + 1);
    }
    diag_error(d, NULL, 0, "output '%s': too many levels of symbolic links", path);
    return OR_EUSAGE;
}

/* The directory part of a resolved target ("." when it has none). */
static void dir_of(const char *target, char *out, size_t size)
{
    const char *slash = strrchr(target, '/');
    if (!slash)
        snprintf(out, size, ".");
    else if (slash == target)
        snprintf(out, size, "/");
    else
        snprintf(out, size, "%.*s", (int)(slash - target), target);
}

static or_status check_resolved(const char *path, const char *target, diag *d)
{
    size_t len = strlen(target);
    struct stat st;
    if (stat(target, &st) == 0)
        return S_ISREG(st.st_mode) ? OR_OK : bad_target(d, path, kind_name(st.st_mode));
    if (len && target[len - 1] == '/')
        return bad_target(d, path, "a directory name");
    char dir[PATH_MAX];
    dir_of(target, dir, sizeof dir);
    /* A missing directory is the file system's state, not the command's
     * form (an unmounted disk under cron): a system error, like EACCES. */
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        diag_error(d, NULL, 0, "output '%s': directory '%s' does not exist", path, dir);
        return OR_ESYS;
    }
    return OR_OK;
}

or_status atomic_check_target(const char *path, diag *d)
{
    if (!path || !*path)
        return bad_target(d, "", "an empty path");
    if (strcmp(path, "-") == 0)
        return OR_OK;
    char target[PATH_MAX];
    or_status st = resolve(path, target, sizeof target, d);
    return st == OR_OK ? check_resolved(path, target, d) : st;
}

/* ---- writing ----------------------------------------------------------- */

static or_status sys_error(diag *d, const atomic_out *o, const char *what)
{
    diag_error(d, NULL, 0, "output '%s': %s: %s", o->shown, what, strerror(errno));
    return OR_ESYS;
}

static void free_out(atomic_out *o)
{
    if (o->fd >= 0 && o->target)
        close(o->fd);
    if (o->dirfd >= 0)
        close(o->dirfd);
    or_free(o->target);
    or_free(o->tmp);
    *o = (atomic_out){.fd = -1, .dirfd = -1};
}

/* mkstemp creates 0600; a report gets the usual umask permissions. */
static void set_default_mode(int fd)
{
    mode_t mask = umask(0);
    umask(mask);
    (void)fchmod(fd, 0666 & ~mask);
}

static char *tmp_name_for(const char *target)
{
    size_t n = strlen(target) + sizeof ".XXXXXX";
    char *s = or_malloc(n);
    if (s)
        snprintf(s, n, "%s.XXXXXX", target);
    return s;
}

static void proc_path(int fd, char *out, size_t size) { snprintf(out, size, "/proc/self/fd/%d", fd); }

or_status atomic_open(atomic_out *o, const char *path, diag *d)
{
    *o = (atomic_out){.fd = -1, .dirfd = -1, .shown = path};
    or_status st = atomic_check_target(path, d);
    if (st != OR_OK)
        return st;
    if (strcmp(path, "-") == 0) {
        o->fd = STDOUT_FILENO;
        return OR_OK;
    }
    char target[PATH_MAX], dir[PATH_MAX];
    st = resolve(path, target, sizeof target, d);
    if (st != OR_OK)
        return st;
    dir_of(target, dir, sizeof dir);
    o->target = or_strdup(target);
    if (!o->target)
        return diag_nomem(d);
    o->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (o->dirfd < 0) {
        st = sys_error(d, o, "cannot open its directory");
        free_out(o);
        return st;
    }
#ifdef O_TMPFILE
    /* An unnamed file: nothing to clean up if the run dies, even by KILL.
     * It gets a name at commit through /proc (linkat with AT_EMPTY_PATH
     * would need CAP_DAC_READ_SEARCH). */
    o->fd = openat(o->dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
    if (o->fd >= 0) {
        char proc[64];
        proc_path(o->fd, proc, sizeof proc);
        if (access(proc, F_OK) == 0) {
            o->anonymous = true;
            return OR_OK;
        }
        close(o->fd);
        o->fd = -1;
    }
#endif
    o->tmp = tmp_name_for(target);
    if (!o->tmp) {
        free_out(o);
        return diag_nomem(d);
    }
    sigset_t old;
    block_signals(&old);
    o->fd = mkostemp(o->tmp, O_CLOEXEC);
    if (o->fd >= 0)
        arm(o->tmp);
    restore_signals(&old);
    if (o->fd < 0) {
        st = sys_error(d, o, "cannot create a temporary file beside it");
        free_out(o);
        return st;
    }
    set_default_mode(o->fd);
    return OR_OK;
}

or_status atomic_write(atomic_out *o, const void *data, size_t len, diag *d)
{
    const char *p = data;
    while (len) {
        ssize_t n = write(o->fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = EIO;
            return sys_error(d, o, "cannot write");
        }
        p += n;
        len -= (size_t)n;
    }
    return OR_OK;
}

/* Gives the anonymous file a unique name beside the target. */
static int link_anonymous(atomic_out *o)
{
    char proc[64];
    proc_path(o->fd, proc, sizeof proc);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    unsigned long long seed = (unsigned long long)ts.tv_nsec ^ ((unsigned long long)getpid() << 20);
    for (int attempt = 0; attempt < 100; attempt++) {
        static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        char *x = o->tmp + strlen(o->tmp) - 6;
        for (int i = 0; i < 6; i++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            x[i] = digits[(seed >> 33) % (sizeof digits - 1)];
        }
        sigset_t old;
        block_signals(&old);
        int rc = linkat(AT_FDCWD, proc, AT_FDCWD, o->tmp, AT_SYMLINK_FOLLOW);
        if (rc == 0)
            arm(o->tmp);
        restore_signals(&old);
        if (rc == 0)
            return 0;
        if (errno != EEXIST)
            return -1;
    }
    errno = EEXIST;
    return -1;
}

or_status atomic_commit(atomic_out *o, diag *d)
{
    or_status st = OR_OK;
    if (!o->target) {   /* standard output: nothing to put in place */
        free_out(o);
        return st;
    }
    if (fsync(o->fd) != 0)
        st = sys_error(d, o, "cannot write");
    if (st == OR_OK && o->anonymous) {
        o->tmp = tmp_name_for(o->target);
        if (!o->tmp)
            st = diag_nomem(d);
        else if (link_anonymous(o) != 0)
            st = sys_error(d, o, "cannot give the temporary file a name");
    }
    if (st == OR_OK && close(o->fd) != 0)
        st = sys_error(d, o, "cannot write");
    o->fd = -1;
    if (st == OR_OK) {
        sigset_t old;
        block_signals(&old);
        int rc = rename(o->tmp, o->target);
        int err = errno;
        if (rc == 0)
            disarm();
        restore_signals(&old);
        errno = err;
        if (rc != 0)
            st = sys_error(d, o, "cannot rename the temporary file over it");
    }
    /* The rename is durable only once the directory entry is on disk. */
    if (st == OR_OK && fsync(o->dirfd) != 0 && errno != EINVAL)
        st = sys_error(d, o, "cannot sync its directory");
    if (st != OR_OK) {
        atomic_abort(o);
        return st;
    }
    free_out(o);
    return OR_OK;
}

void atomic_abort(atomic_out *o)
{
    if (o->target && o->tmp && sig_tmp_armed) {
        sigset_t old;
        block_signals(&old);
        unlink(o->tmp);
        disarm();
        restore_signals(&old);
    }
    free_out(o);
}

or_status atomic_write_file(const char *path, const void *data, size_t len, diag *d)
{
    atomic_out o;
    or_status st = atomic_open(&o, path, d);
    if (st != OR_OK)
        return st;
    st = atomic_write(&o, data, len, d);
    if (st != OR_OK) {
        atomic_abort(&o);
        return st;
    }
    return atomic_commit(&o, d);
}

/* ---- new files ------------------------------------------------------------ */

int atomic_new_open(atomic_new *o, const char *dir, const char *name)
{
    *o = (atomic_new){0};
    size_t n = strlen(dir) + strlen(name) + sizeof "/..XXXXXX";
    o->tmp = or_malloc(n);
    if (!o->tmp) {
        errno = ENOMEM;
        return -1;
    }
    (void)snprintf(o->tmp, n, "%s/.%s.XXXXXX", dir, name);   /* sized above: never cut */
    int fd = mkostemp(o->tmp, O_CLOEXEC);
    if (fd >= 0) {
        set_default_mode(fd);
        o->f = fdopen(fd, "w");
        if (o->f)
            return 0;
        int err = errno;
        close(fd);
        (void)unlink(o->tmp);
        errno = err;
    }
    int err = errno;
    or_free(o->tmp);
    o->tmp = NULL;
    errno = err;
    return -1;
}

or_status atomic_new_finish(atomic_new *o, diag *d)
{
    if (!o->f)
        return OR_OK;
    bool ok = fflush(o->f) == 0 && !ferror(o->f);
    ok = ok && fsync(fileno(o->f)) == 0;
    int err = errno;
    ok = fclose(o->f) == 0 && ok;
    if (!ok && err)
        errno = err;
    o->f = NULL;
    if (!ok) {
        diag_error(d, o->tmp, 0, "cannot write: %s", strerror(errno));
        return OR_ESYS;
    }
    return OR_OK;
}

int atomic_new_place(atomic_new *o, const char *final)
{
    int rc = link(o->tmp, final);
    if (rc != 0 && errno != EEXIST
        && (errno == EPERM || errno == ENOTSUP || errno == EOPNOTSUPP || errno == EXDEV)) {
        /* File systems without hard links: check, then rename. */
        struct stat sb;
        if (lstat(final, &sb) == 0) {
            errno = EEXIST;
            return -1;
        }
        rc = rename(o->tmp, final);
    } else if (rc == 0) {
        rc = unlink(o->tmp);
    }
    if (rc != 0)
        return -1;
    o->placed = true;
    /* The new name is durable only once the directory entry is on disk. */
    char dir[PATH_MAX];
    dir_of(final, dir, sizeof dir);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        int sync_rc = fsync(dfd);
        int err = errno;
        close(dfd);
        if (sync_rc != 0 && err != EINVAL) {
            errno = err;
            return -1;
        }
    }
    return 0;
}

void atomic_new_discard(atomic_new *o)
{
    if (o->f)
        fclose(o->f);
    if (o->tmp && !o->placed)
        (void)unlink(o->tmp);
    or_free(o->tmp);
    *o = (atomic_new){0};
}
