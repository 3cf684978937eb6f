/*
 * test_fs.c: hostile object names never escape the bucket folder; work
 * files, cleanup, bucket removal and walks on a real temporary mountpath.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "fs.h"
#include "spare.h"

static ais_err
check(const char *s)
{
	return fs_check_object(s, strlen(s));
}

static void
test_hostile_object_names_are_refused(void **state)
{
	char big[FS_OBJNAME_MAX + 2], seg[300];

	(void)state;
	assert_int_equal(check("a/b/c.jpg"), AIS_OK);
	assert_int_equal(check("..."), AIS_OK);
	assert_int_equal(check(".."), AIS_EINVAL);
	assert_int_equal(check("../etc/passwd"), AIS_EINVAL);
	assert_int_equal(check("a/../../b"), AIS_EINVAL);
	assert_int_equal(check("a/./b"), AIS_EINVAL);
	assert_int_equal(check("/abs"), AIS_EINVAL);
	assert_int_equal(check("a//b"), AIS_EINVAL);
	assert_int_equal(check("a/"), AIS_EINVAL);
	assert_int_equal(check(""), AIS_EINVAL);
	assert_int_equal(fs_check_object("a\0b", 3), AIS_EINVAL);
	memset(big, 'x', sizeof(big));
	assert_int_equal(fs_check_object(big, sizeof(big)), AIS_ETOOLONG);
	assert_int_equal(fs_check_object(big, FS_OBJNAME_MAX - 1),
	    AIS_ETOOLONG);	/* one segment over NAME_MAX */
	memset(seg, 'y', sizeof(seg));
	seg[200] = '/';
	assert_int_equal(fs_check_object(seg, sizeof(seg)), AIS_OK);
}

static void
test_bucket_names(void **state)
{
	(void)state;
	assert_int_equal(fs_check_bucket("imagenet-1k_v2.0", 16), AIS_OK);
	assert_int_equal(fs_check_bucket("..", 2), AIS_EINVAL);
	assert_int_equal(fs_check_bucket("a/b", 3), AIS_EINVAL);
	assert_int_equal(fs_check_bucket("", 0), AIS_EINVAL);
}

static void
test_work_files_cleanup_and_walk(void **state)
{
	char root[] = "/tmp/test_fs.XXXXXX", mp[PATH_MAX], work[PATH_MAX];
	char obj[PATH_MAX], cmd[PATH_MAX + 16];
	struct strlist paths = { NULL, 0 };
	char err[256];
	struct fs fs;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(mp, sizeof(mp), "%s/mp1", root);
	strlist_add(&paths, mp);
	assert_int_equal(fs_init(&fs, &paths, err, sizeof(err)), AIS_OK);
	assert_int_equal(fs_open_work(work, sizeof(work), &fs.mps[0], "ais",
	    "b", "put", &fd), AIS_OK);
	close(fd);
	assert_int_equal(access(work, F_OK), 0);
	assert_int_equal(fs_object_path(obj, sizeof(obj), &fs.mps[0], "ais",
	    "b", "x/y"), AIS_OK);
	assert_int_equal(fs_mkparents(obj), AIS_OK);
	assert_int_equal(fs_cleanup_work(&fs), 1);
	assert_int_equal(access(work, F_OK), -1);
	assert_int_equal(fs_remove_bucket(&fs, "ais", "b"), AIS_OK);
	assert_int_equal(access(obj, F_OK), -1);
	fs_fini(&fs);
	strlist_free(&paths);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	assert_int_equal(system(cmd), 0);
}

static int
open_fds(void)
{
	struct dirent *de;
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

/* Spares: more work files than the pool holds, each new, empty and apart. */
static void
test_work_files_from_spares(void **state)
{
	char root[] = "/tmp/test_fs.XXXXXX", mp[PATH_MAX], cmd[PATH_MAX + 16];
	char work[3 * SPARES_PER_DIR][PATH_MAX];
	struct strlist paths = { NULL, 0 };
	char err[256];
	struct stat st;
	struct fs fs;
	int fd, i, base;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(mp, sizeof(mp), "%s/mp1", root);
	strlist_add(&paths, mp);
	assert_int_equal(fs_init(&fs, &paths, err, sizeof(err)), AIS_OK);
	base = open_fds();
	assert_int_equal(fs_spares_start(&fs), AIS_OK);
	for (i = 0; i < 500 && open_fds() < base + SPARES_PER_DIR; i++)
		usleep(10000);	/* the pool fills with idle CPU */
	assert_int_equal(open_fds(), base + SPARES_PER_DIR);
	for (i = 0; i < 3 * SPARES_PER_DIR; i++) {
		assert_int_equal(fs_open_work(work[i], sizeof(work[i]),
		    &fs.mps[0], "aws", i % 2 ? "b1" : "b2", "cold", &fd),
		    AIS_OK);
		assert_int_equal(fstat(fd, &st), 0);
		assert_int_equal(st.st_size, 0);
		assert_int_equal(st.st_nlink, 1);	/* linked in place */
		assert_int_equal(write(fd, &i, sizeof(i)), sizeof(i));
		close(fd);
	}
	for (i = 0; i < 3 * SPARES_PER_DIR; i++) {
		assert_int_equal(stat(work[i], &st), 0);
		assert_int_equal(st.st_size, sizeof(i));
	}
	assert_int_equal(fs_cleanup_work(&fs), 3 * SPARES_PER_DIR);
	fs_fini(&fs);
	assert_int_equal(open_fds(), base);	/* spares closed */
	strlist_free(&paths);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	assert_int_equal(system(cmd), 0);
}

/*
 * An unnamed work file: read back through a second descriptor while it is
 * written, named where asked (its folder made), and never over a file
 * that is there.
 */
static void
test_unnamed_work_file_is_named_once_stored(void **state)
{
	char root[] = "/tmp/test_fs.XXXXXX", mp[PATH_MAX], cmd[PATH_MAX + 16];
	char path[PATH_MAX], buf[16];
	struct strlist paths = { NULL, 0 };
	char err[256];
	struct stat st;
	struct fs fs;
	int fd, rd, other, i;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(mp, sizeof(mp), "%s/mp1", root);
	strlist_add(&paths, mp);
	assert_int_equal(fs_init(&fs, &paths, err, sizeof(err)), AIS_OK);
	assert_int_equal(fs_take_unnamed(&fs.mps[0]), -1);	/* no pool */
	assert_int_equal(fs_spares_start(&fs), AIS_OK);
	for (i = 0; i < 500 && (fd = fs_take_unnamed(&fs.mps[0])) < 0; i++)
		usleep(10000);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_nlink, 0);
	assert_int_equal(write(fd, "first", 5), 5);
	rd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	assert_int_equal(pread(rd, buf, sizeof(buf), 0), 5);
	assert_memory_equal(buf, "first", 5);
	close(rd);

	snprintf(path, sizeof(path), "%s/@aws/b/%%ob/dir/obj", mp);
	assert_int_equal(fs_link_unnamed(fd, path), AIS_OK);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 5);
	assert_int_equal(st.st_nlink, 1);

	for (i = 0; i < 500 && (other = fs_take_unnamed(&fs.mps[0])) < 0; i++)
		usleep(10000);
	assert_true(other >= 0);
	assert_int_equal(write(other, "second", 6), 6);
	assert_int_equal(fs_link_unnamed(other, path), AIS_EEXIST);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 5);
	close(other);
	close(fd);
	fs_fini(&fs);
	strlist_free(&paths);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	assert_int_equal(system(cmd), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostile_object_names_are_refused),
		cmocka_unit_test(test_bucket_names),
		cmocka_unit_test(test_work_files_cleanup_and_walk),
		cmocka_unit_test(test_work_files_from_spares),
		cmocka_unit_test(test_unnamed_work_file_is_named_once_stored),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
