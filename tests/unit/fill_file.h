/*
 * fill_file.h: for the unit tests that serve a file, a temporary file of
 * n bytes, each c; path is a mkstemp(3) template, filled in.
 */
#ifndef AIS_TEST_FILL_FILE_H
#define AIS_TEST_FILL_FILE_H

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int
fill_file(char *path, size_t n, int c)
{
	char buf[65536];
	size_t k;
	int fd;

	if ((fd = mkstemp(path)) < 0)
		return -1;
	memset(buf, c, sizeof(buf));
	for (; n > 0; n -= k) {
		k = n < sizeof(buf) ? n : sizeof(buf);
		if (write(fd, buf, k) != (ssize_t)k) {
			close(fd);
			return -1;
		}
	}
	return close(fd);
}

#endif
