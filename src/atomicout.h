/* atomicout: the one way opsreport writes an output file (PDF, facts).
 *
 * A target is "-" (standard output) or the path of a regular file, new or
 * existing.  An empty path, a directory, a device, a FIFO or a socket is
 * refused as a usage error naming the path: a cron line with -o /dev/null
 * must never replace the device by a file.  A symbolic link is written
 * through: the file it points to (resolved link by link) is replaced and
 * the link itself stays.
 *
 * Bytes go to a temporary file in the final file's directory (O_TMPFILE,
 * linked under a unique name only once complete, where the file system
 * supports it; else mkstemp), which is fsynced, renamed over the target,
 * and the directory is fsynced.  Two concurrent writers to one path each
 * rename a complete file: the last rename wins, nothing is mixed.  An
 * existing file is replaced only by a complete one.
 *
 * atomic_install_signal_handlers makes SIGINT, SIGTERM and SIGHUP remove
 * a named temporary file and exit 128 + signal (130, 143, 129).  The
 * handler only reads a static path buffer, unlinks and calls _exit. */
#ifndef OR_ATOMICOUT_H
#define OR_ATOMICOUT_H

#include "diag.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct atomic_out {
    char *target;      /* resolved path that will be replaced (NULL for stdout) */
    char *tmp;         /* named temporary file, NULL while anonymous or for stdout */
    int fd;            /* -1 when closed */
    int dirfd;         /* the target's directory, -1 for stdout */
    bool anonymous;    /* O_TMPFILE: no name until commit */
    const char *shown; /* the path as the user gave it, for messages */
} atomic_out;

/* Checks that path can be an output target (see above) without touching
 * anything.  Returns OR_OK, OR_EUSAGE for a target that is not a regular
 * file, or OR_ESYS when its directory does not exist or cannot be read;
 * every message names the path. */
or_status atomic_check_target(const char *path, diag *d);

/* Opens a temporary file for path (or standard output for "-").  On OR_OK
 * the caller writes with atomic_write and ends with atomic_commit or
 * atomic_abort. */
or_status atomic_open(atomic_out *o, const char *path, diag *d);
/* Writes len bytes; errors carry strerror ("No space left on device"). */
or_status atomic_write(atomic_out *o, const void *data, size_t len, diag *d);
/* Flushes to disk and puts the file in place; on failure the temporary
 * file is removed and the target untouched.  Frees o either way. */
or_status atomic_commit(atomic_out *o, diag *d);
/* Removes the temporary file and frees o. */
void atomic_abort(atomic_out *o);

/* The whole of data to path, atomically. */
or_status atomic_write_file(const char *path, const void *data, size_t len, diag *d);

void atomic_install_signal_handlers(void);

/* ---- new files ------------------------------------------------------------
 * Record files that import, import probes and init add to a data directory
 * never replace anything.  Their bytes go to a temporary file that mkstemp
 * makes in the target's directory, hidden (".NAME.XXXXXX": a records
 * directory skips dot names), with the permissions a plain fopen would
 * give; atomic_new_finish flushes and fsyncs it (the caller may read it
 * back then, e.g. to validate it); atomic_new_place links it to its final
 * name only if that name is free (link never replaces; a file system
 * without hard links gets check-then-rename), removes the temporary name
 * and fsyncs the directory.  The temporary files are not armed for the
 * signal handler (several may exist at once): a killed run leaves a dot
 * file behind, never a half-written record file. */
typedef struct atomic_new {
    char *tmp;   /* the temporary file's path, owned */
    FILE *f;     /* open for writing until atomic_new_finish */
    bool placed; /* atomic_new_place gave it its final name: no temporary name is left */
} atomic_new;

/* Creates dir/.NAME.XXXXXX open for writing: 0, or -1 with errno (ENOMEM
 * when out of memory) and o->tmp NULL; the caller words the error. */
int atomic_new_open(atomic_new *o, const char *dir, const char *name);
/* Flushes, fsyncs and closes the temporary file; OR_ESYS naming it. */
or_status atomic_new_finish(atomic_new *o, diag *d);
/* Gives the finished temporary file the name final unless final exists:
 * 0, or -1 with errno (EEXIST: the name is taken; the temporary file
 * stays).  The caller words the error. */
int atomic_new_place(atomic_new *o, const char *final);
/* Closes (if open) and removes the temporary file if it is still there,
 * and frees o's memory. */
void atomic_new_discard(atomic_new *o);

#endif
