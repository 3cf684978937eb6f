/*
 * state.c: atomic state files (see state.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs.h"
#include "state.h"

static ais_err
state_write(const char *path, const char *data, size_t len)
{
	char tmp[PATH_MAX];
	ssize_t n;
	size_t off = 0;
	int fd;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >=
	    (int)sizeof(tmp))
		return AIS_ETOOLONG;
	if (fs_mkparents(path) != AIS_OK ||
	    (fd = open(tmp, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644)) < 0)
		return ais_err_from_errno(errno);
	while (off < len) {
		if ((n = write(fd, data + off, len - off)) < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			unlink(tmp);
			return ais_err_from_errno(errno);
		}
		off += (size_t)n;
	}
	if (fsync(fd) != 0 || close(fd) != 0 || rename(tmp, path) != 0) {
		unlink(tmp);
		return ais_err_from_errno(errno);
	}
	return AIS_OK;
}

ais_err
state_save_json(const char *path, const json_t *j)
{
	char *s;
	ais_err e;

	if ((s = json_dumps(j, JSON_INDENT(1) | JSON_SORT_KEYS)) == NULL)
		return AIS_ENOMEM;
	e = state_write(path, s, strlen(s));
	free(s);
	return e;
}

ais_err
state_load_json(const char *path, json_t **out)
{
	json_error_t jerr;

	if (access(path, F_OK) != 0)
		return ais_err_from_errno(errno);
	if ((*out = json_load_file(path, 0, &jerr)) == NULL)
		return AIS_EINVAL;
	return AIS_OK;
}

void
state_random_id(char *out, size_t len)
{
	static const char set[] =
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	size_t i;

	for (i = 0; i + 1 < len; i++)
		out[i] = set[arc4random_uniform(sizeof(set) - 1)];
	if (len > 0)
		out[len - 1] = '\0';
}

ais_err
state_node_id(const char *path, const char *given, char *out, size_t outlen)
{
	char buf[128];
	ssize_t n;
	int fd;

	if (given != NULL && *given != '\0') {
		if (strlcpy(out, given, outlen) >= outlen)
			return AIS_ETOOLONG;
		return state_write(path, out, strlen(out));
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n > 0) {
			buf[n] = '\0';
			buf[strcspn(buf, "\r\n")] = '\0';
			if (*buf != '\0' && strlcpy(out, buf, outlen) < outlen)
				return AIS_OK;
		}
	}
	state_random_id(out, outlen < 9 ? outlen : 9);
	return state_write(path, out, strlen(out));
}
