/*
 * fs.c: mountpaths, object paths, work files and tree walks (see fs.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "fs.h"
#include "hrw.h"
#include "spare.h"

#define FS_OBJ_DIR	"%%ob"	/* in format strings */
#define FS_WORK_DIR	"%%wk"
#define FS_TRASH_DIR	".trash"

static atomic_uint_fast64_t fs_work_seq;

static ais_err
fs_probe_xattr(const char *dir, char *errbuf, size_t errlen)
{
	char path[PATH_MAX + 32];
	int fd;
	ais_err e = AIS_OK;

	snprintf(path, sizeof(path), "%s/.xattr-probe.%d", dir, (int)getpid());
	if ((fd = open(path, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC,
	    0600)) < 0) {
		snprintf(errbuf, errlen, "%s: %s", dir, strerror(errno));
		return ais_err_from_errno(errno);
	}
	if (fsetxattr(fd, "user.ais.probe", "1", 1, 0) != 0) {
		snprintf(errbuf, errlen,
		    "%s: no user extended attributes: %s", dir,
		    strerror(errno));
		e = AIS_ENOTSUP;
	}
	close(fd);
	unlink(path);
	return e;
}

ais_err
fs_init(struct fs *fs, const struct strlist *paths, char *errbuf,
    size_t errlen)
{
	struct mountpath *mp;
	size_t i, len;
	ais_err e;

	memset(fs, 0, sizeof(*fs));
	if (paths->n == 0) {
		snprintf(errbuf, errlen, "no mountpath given");
		return AIS_EINVAL;
	}
	fs->mps = calloc(paths->n, sizeof(*fs->mps));
	fs->digests = calloc(paths->n, sizeof(*fs->digests));
	if (fs->mps == NULL || fs->digests == NULL) {
		fs_fini(fs);
		return AIS_ENOMEM;
	}
	for (i = 0; i < paths->n; i++) {
		mp = &fs->mps[i];
		if (strlcpy(mp->path, paths->items[i], sizeof(mp->path)) >=
		    sizeof(mp->path) - 64) {
			snprintf(errbuf, errlen, "mountpath too long");
			fs_fini(fs);
			return AIS_ETOOLONG;
		}
		len = strlen(mp->path);
		while (len > 1 && mp->path[len - 1] == '/')
			mp->path[--len] = '\0';
		if ((e = fs_mkparents(mp->path)) != AIS_OK ||
		    (mkdir(mp->path, 0755) != 0 && errno != EEXIST)) {
			snprintf(errbuf, errlen, "%s: %s", mp->path,
			    e != AIS_OK ? ais_strerror(e) : strerror(errno));
			fs_fini(fs);
			return e != AIS_OK ? e : ais_err_from_errno(errno);
		}
		if ((e = fs_probe_xattr(mp->path, errbuf, errlen)) != AIS_OK) {
			fs_fini(fs);
			return e;
		}
		mp->digest = hrw_digest_str(mp->path);
		mp->index = i;
		fs->digests[i] = mp->digest;
		fs->n++;
	}
	return AIS_OK;
}

ais_err
fs_spares_start(struct fs *fs)
{
	const char **dirs;
	size_t i;
	ais_err e;

	if ((dirs = calloc(fs->n, sizeof(*dirs))) == NULL)
		return AIS_ENOMEM;
	for (i = 0; i < fs->n; i++)
		dirs[i] = fs->mps[i].path;
	e = spares_start(&fs->spares, dirs, fs->n);
	for (i = 0; e == AIS_OK && i < fs->n; i++)
		fs->mps[i].spares = fs->spares;
	free(dirs);
	return e;
}

void
fs_fini(struct fs *fs)
{
	if (fs->spares != NULL)
		spares_stop(fs->spares);
	free(fs->mps);
	free(fs->digests);
	memset(fs, 0, sizeof(*fs));
}

const struct mountpath *
fs_mountpath_for(const struct fs *fs, uint64_t digest)
{
	return &fs->mps[hrw_pick(fs->digests, fs->n, digest)];
}

ais_err
fs_check_bucket(const char *name, size_t len)
{
	size_t i;

	if (len == 0 || len > FS_BUCKET_MAX)
		return AIS_EINVAL;
	if ((len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return AIS_EINVAL;
	for (i = 0; i < len; i++)
		if (strchr("abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", name[i]) ==
		    NULL || name[i] == '\0')
			return AIS_EINVAL;
	return AIS_OK;
}

ais_err
fs_check_object(const char *name, size_t len)
{
	const char *seg = name, *end = name + len, *slash;
	size_t slen;

	if (len == 0)
		return AIS_EINVAL;
	if (len > FS_OBJNAME_MAX)
		return AIS_ETOOLONG;
	if (memchr(name, '\0', len) != NULL)
		return AIS_EINVAL;
	for (;;) {
		slash = memchr(seg, '/', (size_t)(end - seg));
		slen = (size_t)((slash != NULL ? slash : end) - seg);
		if (slen == 0 || (slen == 1 && seg[0] == '.') ||
		    (slen == 2 && seg[0] == '.' && seg[1] == '.'))
			return AIS_EINVAL;
		if (slen > NAME_MAX)
			return AIS_ETOOLONG;
		if (slash == NULL)
			return AIS_OK;
		seg = slash + 1;
	}
}

static ais_err
fs_fmt(size_t len, int n)
{
	return n < 0 || (size_t)n >= len ? AIS_ETOOLONG : AIS_OK;
}

ais_err
fs_bucket_dir(char *buf, size_t len, const struct mountpath *mp,
    const char *provider, const char *bucket)
{
	return fs_fmt(len, snprintf(buf, len, "%s/@%s/%s", mp->path,
	    provider, bucket));
}

ais_err
fs_object_path(char *buf, size_t len, const struct mountpath *mp,
    const char *provider, const char *bucket, const char *object)
{
	return fs_fmt(len, snprintf(buf, len, "%s/@%s/%s/" FS_OBJ_DIR
	    "/%s", mp->path, provider, bucket, object));
}

ais_err
fs_mkparents(const char *path)
{
	char dir[PATH_MAX], *p;

	if (strlcpy(dir, path, sizeof(dir)) >= sizeof(dir))
		return AIS_ETOOLONG;
	if ((p = strrchr(dir, '/')) == NULL || p == dir)
		return AIS_OK;
	*p = '\0';
	if (mkdir(dir, 0755) == 0 || errno == EEXIST)
		return AIS_OK;
	if (errno != ENOENT)
		return ais_err_from_errno(errno);
	for (p = dir + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) != 0 && errno != EEXIST)
			return ais_err_from_errno(errno);
		*p = '/';
	}
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return ais_err_from_errno(errno);
	return AIS_OK;
}

int
fs_take_unnamed(const struct mountpath *mp)
{
	return mp->spares != NULL ? spares_take(mp->spares, mp->index) : -1;
}

ais_err
fs_link_unnamed(int fd, const char *path)
{
	char proc[64];

	/* AT_EMPTY_PATH would need CAP_DAC_READ_SEARCH; /proc does not */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0)
		return AIS_OK;
	if (errno == ENOENT && fs_mkparents(path) == AIS_OK &&
	    linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0)
		return AIS_OK;
	return ais_err_from_errno(errno);
}

ais_err
fs_work_name(char *buf, size_t len, const struct mountpath *mp,
    const char *provider, const char *bucket, const char *tag)
{
	unsigned long long seq = atomic_fetch_add(&fs_work_seq, 1);

	return fs_fmt(len, snprintf(buf, len, "%s/@%s/%s/" FS_WORK_DIR
	    "/%s.%d.%llu", mp->path, provider, bucket, tag, (int)getpid(),
	    seq));
}

ais_err
fs_open_work(char *buf, size_t len, const struct mountpath *mp,
    const char *provider, const char *bucket, const char *tag, int *fd)
{
	ais_err e;

	if ((e = fs_work_name(buf, len, mp, provider, bucket, tag)) != AIS_OK)
		return e;
	if ((*fd = fs_take_unnamed(mp)) >= 0) {
		if (fs_link_unnamed(*fd, buf) == AIS_OK)
			return AIS_OK;
		close(*fd);
	}
	*fd = open(buf, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0644);
	if (*fd < 0 && errno == ENOENT) {
		if ((e = fs_mkparents(buf)) != AIS_OK)
			return e;
		*fd = open(buf, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0644);
	}
	return *fd < 0 ? ais_err_from_errno(errno) : AIS_OK;
}

static int
fs_rm_entry(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

static void
fs_rm_tree(const char *path)
{
	nftw(path, fs_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Iterates "<mp>/@<provider>/<bucket>" folders of one mountpath. */
static int
fs_each_bucket(const struct mountpath *mp, fs_bucket_fn fn, void *arg)
{
	char pdir[PATH_MAX];
	struct dirent *pe, *be;
	DIR *pd, *bd;
	int stop = 0;

	if ((pd = opendir(mp->path)) == NULL)
		return 0;
	while (!stop && (pe = readdir(pd)) != NULL) {
		if (pe->d_name[0] != '@' || pe->d_name[1] == '\0')
			continue;
		snprintf(pdir, sizeof(pdir), "%s/%s", mp->path, pe->d_name);
		if ((bd = opendir(pdir)) == NULL)
			continue;
		while (!stop && (be = readdir(bd)) != NULL)
			if (be->d_name[0] != '.')
				stop = fn(pe->d_name + 1, be->d_name, arg);
		closedir(bd);
	}
	closedir(pd);
	return stop;
}

struct fs_cleanup {
	const struct mountpath	*mp;
	size_t			 count;
};

static int
fs_cleanup_bucket(const char *provider, const char *bucket, void *arg)
{
	struct fs_cleanup *c = arg;
	char dir[PATH_MAX], path[PATH_MAX + NAME_MAX + 2];
	struct dirent *de;
	DIR *d;

	if (snprintf(dir, sizeof(dir), "%s/@%s/%s/" FS_WORK_DIR, c->mp->path,
	    provider, bucket) >= (int)sizeof(dir) || (d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		fs_rm_tree(path);
		c->count++;
	}
	closedir(d);
	return 0;
}

size_t
fs_cleanup_work(const struct fs *fs)
{
	struct fs_cleanup c = { NULL, 0 };
	char trash[PATH_MAX];
	size_t i;

	for (i = 0; i < fs->n; i++) {
		c.mp = &fs->mps[i];
		fs_each_bucket(c.mp, fs_cleanup_bucket, &c);
		snprintf(trash, sizeof(trash), "%s/" FS_TRASH_DIR,
		    c.mp->path);
		fs_rm_tree(trash);
	}
	return c.count;
}

ais_err
fs_remove_bucket(const struct fs *fs, const char *provider,
    const char *bucket)
{
	char dir[PATH_MAX], trash[PATH_MAX + 64];
	unsigned long long seq;
	ais_err e, first = AIS_OK;
	size_t i;

	for (i = 0; i < fs->n; i++) {
		if ((e = fs_bucket_dir(dir, sizeof(dir), &fs->mps[i], provider,
		    bucket)) != AIS_OK)
			return e;
		/* Rename first: the bucket is gone at once, then the tree. */
		seq = atomic_fetch_add(&fs_work_seq, 1);
		snprintf(trash, sizeof(trash), "%s/" FS_TRASH_DIR "/%s.%d.%llu",
		    fs->mps[i].path, bucket, (int)getpid(), seq);
		if (fs_mkparents(trash) != AIS_OK || rename(dir, trash) != 0) {
			if (errno != ENOENT && first == AIS_OK)
				first = ais_err_from_errno(errno);
			continue;
		}
		fs_rm_tree(trash);
	}
	return first;
}

struct fs_walk {
	const struct mountpath	*mp;
	const char		*prefix;
	size_t			 prefix_len;
	fs_walk_fn		 fn;
	void			*arg;
	char			 fqn[PATH_MAX];
	size_t			 base;	/* where the object name starts */
};

/* Can anything under name (a folder) start with the prefix? */
static int
fs_prefix_possible(const struct fs_walk *w, const char *name, size_t len)
{
	size_t n = len < w->prefix_len ? len : w->prefix_len;

	return strncmp(name, w->prefix, n) == 0;
}

static int
fs_walk_dir(struct fs_walk *w, size_t len)
{
	struct dirent *de;
	struct stat st;
	size_t nlen;
	int stop = 0;
	DIR *d;

	if ((d = opendir(w->fqn)) == NULL)
		return 0;
	while (!stop && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		nlen = strlen(de->d_name);
		if (len + 1 + nlen + 1 > sizeof(w->fqn))
			continue;
		w->fqn[len] = '/';
		memcpy(w->fqn + len + 1, de->d_name, nlen + 1);
		if (de->d_type == DT_UNKNOWN && lstat(w->fqn, &st) == 0)
			de->d_type = S_ISDIR(st.st_mode) ? DT_DIR :
			    S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
		if (de->d_type == DT_DIR) {
			w->fqn[len + 1 + nlen] = '/';
			if (fs_prefix_possible(w, w->fqn + w->base,
			    len + 2 + nlen - w->base))
				stop = (w->fqn[len + 1 + nlen] = '\0',
				    fs_walk_dir(w, len + 1 + nlen));
		} else if (de->d_type == DT_REG &&
		    strncmp(w->fqn + w->base, w->prefix, w->prefix_len) == 0)
			stop = w->fn(w->fqn + w->base, w->fqn, w->mp, w->arg);
		w->fqn[len] = '\0';
	}
	closedir(d);
	return stop;
}

ais_err
fs_walk_objects(const struct fs *fs, const char *provider, const char *bucket,
    const char *prefix, fs_walk_fn fn, void *arg)
{
	struct fs_walk *w;
	size_t i;
	int n, stop = 0;

	if ((w = malloc(sizeof(*w))) == NULL)
		return AIS_ENOMEM;
	w->prefix = prefix;
	w->prefix_len = strlen(prefix);
	w->fn = fn;
	w->arg = arg;
	for (i = 0; i < fs->n && !stop; i++) {
		w->mp = &fs->mps[i];
		n = snprintf(w->fqn, sizeof(w->fqn), "%s/@%s/%s/" FS_OBJ_DIR,
		    w->mp->path, provider, bucket);
		if (n < 0 || (size_t)n >= sizeof(w->fqn))
			continue;
		w->base = (size_t)n + 1;
		stop = fs_walk_dir(w, (size_t)n);
	}
	free(w);
	return AIS_OK;
}

ais_err
fs_walk_buckets(const struct fs *fs, fs_bucket_fn fn, void *arg)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		if (fs_each_bucket(&fs->mps[i], fn, arg))
			break;
	return AIS_OK;
}
