/* SPDX-License-Identifier: MIT */
/* Atomic, durable writes and private reads of small files; see atomicfile.h. */
#include "crypto/atomicfile.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/err.h"
#include "core/rand.h"
#include "core/xalloc.h"

static int fsync_parent_dir(const char *path)
{
    AUTO_FREE char *copy = xstrdup(path);
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int r = fsync(fd);
    close(fd);
    return r;
}

static int write_all(int fd, const void *data, size_t len)
{
    const unsigned char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Create tmp exclusively with mode, write data, fsync. Removes tmp on failure. */
static int write_temp(const char *tmp, const void *data, size_t len, unsigned mode)
{
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, (mode_t)mode);
    if (fd < 0)
        return -1;
    /* The umask may have cleared bits we asked for; we never want more than mode. */
    if (fchmod(fd, (mode_t)mode) < 0 || write_all(fd, data, len) < 0 || fsync(fd) < 0) {
        int saved = errno;
        close(fd);
        unlink(tmp);
        errno = saved;
        return -1;
    }
    if (close(fd) < 0) {
        int saved = errno;
        unlink(tmp);
        errno = saved;
        return -1;
    }
    return 0;
}

int atrium_file_write_atomic(const char *path, const void *data, size_t len, unsigned mode,
                             bool replace, struct atrium_errinfo *e)
{
    char suffix[17];
    atrium_random_hex(suffix, 8);
    AUTO_FREE char *tmp = xasprintf("%s.tmp-%s", path, suffix);

    if (write_temp(tmp, data, len, mode) < 0)
        return atrium_err(e, ATRIUM_EIO, "", "cannot write %s: %s", tmp, strerror(errno));
    if (replace) {
        if (rename(tmp, path) < 0) {
            int saved = errno;
            unlink(tmp);
            return atrium_err(e, ATRIUM_EIO, "", "cannot rename %s to %s: %s", tmp, path,
                              strerror(saved));
        }
    } else {
        int r = link(tmp, path);
        int saved = errno;
        unlink(tmp);
        if (r < 0 && saved == EEXIST)
            return atrium_err(e, ATRIUM_ECONFLICT, "", "%s already exists", path);
        if (r < 0)
            return atrium_err(e, ATRIUM_EIO, "", "cannot create %s: %s", path, strerror(saved));
    }
    if (fsync_parent_dir(path) < 0)
        return atrium_err(e, ATRIUM_EIO, "", "cannot sync the directory of %s: %s", path,
                          strerror(errno));
    return 0;
}

static int read_fd(int fd, const char *path, size_t size, unsigned char **ret, size_t *ret_len,
                   struct atrium_errinfo *e)
{
    unsigned char *buf = xmalloc(size + 1);
    size_t got = 0;

    while (got < size) {
        ssize_t n = read(fd, buf + got, size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int saved = n < 0 ? errno : EIO;
            xfree(buf);
            return atrium_err(e, ATRIUM_EIO, "", "cannot read %s: %s", path, strerror(saved));
        }
        got += (size_t)n;
    }
    buf[got] = '\0';
    *ret = buf;
    *ret_len = got;
    return 0;
}

int atrium_file_read_small(const char *path, size_t max, bool private_only, unsigned char **ret,
                           size_t *ret_len, struct atrium_errinfo *e)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

    if (fd < 0 && errno == ENOENT)
        return atrium_err(e, ATRIUM_ENOTFOUND, "", "%s does not exist", path);
    if (fd < 0)
        return atrium_err(e, ATRIUM_EIO, "", "cannot open %s: %s", path, strerror(errno));
    int r = 0;
    if (fstat(fd, &st) < 0)
        r = atrium_err(e, ATRIUM_EIO, "", "cannot stat %s: %s", path, strerror(errno));
    else if (!S_ISREG(st.st_mode))
        r = atrium_err(e, ATRIUM_EIO, "", "%s is not a regular file", path);
    else if (private_only && (st.st_mode & 077) != 0)
        r = atrium_err(e, ATRIUM_EFORBIDDEN, "",
                       "%s is accessible by group or others (mode %04o); run: chmod 600 %s", path,
                       (unsigned)(st.st_mode & 07777), path);
    else if ((size_t)st.st_size > max)
        r = atrium_err(e, ATRIUM_ETOOBIG, "", "%s is too large (%lld bytes, at most %zu)", path,
                       (long long)st.st_size, max);
    else
        r = read_fd(fd, path, (size_t)st.st_size, ret, ret_len, e);
    close(fd);
    return r;
}

bool atrium_file_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}
