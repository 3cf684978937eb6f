/*
 * test_fs.c: hostile object names never escape the bucket folder; work
 * files, cleanup, bucket removal and walks on a real temporary mountpath.
 */
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostile_object_names_are_refused),
		cmocka_unit_test(test_bucket_names),
		cmocka_unit_test(test_work_files_cleanup_and_walk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
