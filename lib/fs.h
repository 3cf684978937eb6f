/*
 * fs.h: mountpaths and the on-disk layout of a target.
 *
 *   <mountpath>/@<provider>/<bucket>/%ob/<object>	objects
 *   <mountpath>/@<provider>/<bucket>/%wk/<work file>	work files
 *   <mountpath>/.trash/				buckets being removed
 *
 * A work file lives on the same filesystem as its object so that rename(2)
 * makes a complete object visible at once.  Names are untrusted:
 * fs_check_object() refuses every name that could leave the bucket folder.
 */
#ifndef AIS_FS_H
#define AIS_FS_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "ais_err.h"
#include "opt.h"

#define FS_OBJNAME_MAX	1024
#define FS_BUCKET_MAX	64

struct spares;

struct mountpath {
	char		 path[PATH_MAX];
	uint64_t	 digest;	/* hrw_digest_str(path) */
	struct spares	*spares;	/* NULL: work files made on demand */
	size_t		 index;		/* in fs.mps */
};

struct fs {
	struct mountpath	*mps;
	uint64_t		*digests;	/* for hrw_pick */
	size_t			 n;
	struct spares		*spares;
};

/*
 * Creates the mountpath folders if needed and checks that each holds user
 * extended attributes.  Paths lose trailing slashes.
 */
ais_err	fs_init(struct fs *, const struct strlist *paths, char *errbuf,
	    size_t errlen);
/* Keeps spare work files ready on every mountpath (after cleanup). */
ais_err	fs_spares_start(struct fs *);
void	fs_fini(struct fs *);

/* The mountpath that owns an object digest (HRW). */
const struct mountpath *fs_mountpath_for(const struct fs *, uint64_t digest);

/* 1-64 bytes of [A-Za-z0-9._-], not "." or "..". */
ais_err	fs_check_bucket(const char *name, size_t len);

/*
 * 1-FS_OBJNAME_MAX bytes, no NUL, no empty, "." or ".." segment, no
 * leading '/', no segment over NAME_MAX, no segment starting with '%'
 * at top level is fine (objects live under %ob).
 */
ais_err	fs_check_object(const char *name, size_t len);

/* Path builders; return AIS_ETOOLONG if the result does not fit. */
ais_err	fs_bucket_dir(char *buf, size_t len, const struct mountpath *,
	    const char *provider, const char *bucket);
ais_err	fs_object_path(char *buf, size_t len, const struct mountpath *,
	    const char *provider, const char *bucket, const char *object);

/*
 * Opens (O_RDWR) a new, empty work file for the bucket on the mountpath,
 * a spare if one is ready; its path is written to buf.
 */
ais_err	fs_open_work(char *buf, size_t len, const struct mountpath *,
	    const char *provider, const char *bucket, const char *tag,
	    int *fd);

/* A fresh work file name for the bucket on the mountpath, in buf. */
ais_err	fs_work_name(char *buf, size_t len, const struct mountpath *,
	    const char *provider, const char *bucket, const char *tag);

/*
 * An empty work file with no name yet (O_RDWR), a spare of the mountpath,
 * or -1 if none is ready: a file that is written before it needs a name
 * takes none of the name's cost up front, and leaves nothing after a
 * crash.
 */
int	fs_take_unnamed(const struct mountpath *);

/*
 * Gives the unnamed file fd the name path, making its folder;
 * AIS_EEXIST if path exists (a link, unlike a rename, replaces nothing).
 */
ais_err	fs_link_unnamed(int fd, const char *path);

/* mkdir -p of the folder that will hold path. */
ais_err	fs_mkparents(const char *path);

/* Removes every work file of every bucket; returns how many. */
size_t	fs_cleanup_work(const struct fs *);

/* Removes a bucket's folders on every mountpath. */
ais_err	fs_remove_bucket(const struct fs *, const char *provider,
	    const char *bucket);

/*
 * Calls fn for every object file of the bucket whose name starts with
 * prefix, on every mountpath, in no particular order.  name is the object
 * name, fqn its path.  fn returns non-zero to stop.
 */
typedef int (*fs_walk_fn)(const char *name, const char *fqn,
    const struct mountpath *, void *arg);
ais_err	fs_walk_objects(const struct fs *, const char *provider,
	    const char *bucket, const char *prefix, fs_walk_fn, void *arg);

/* Calls fn(provider, bucket) for each bucket folder on any mountpath. */
typedef int (*fs_bucket_fn)(const char *provider, const char *bucket,
    void *arg);
ais_err	fs_walk_buckets(const struct fs *, fs_bucket_fn, void *arg);

#endif
