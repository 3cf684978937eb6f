/*
 * ais_err.c: messages and mappings for ais_err.
 */
#include <errno.h>

#include "ais_err.h"

const char *
ais_strerror(ais_err e)
{
	switch (e) {
	case AIS_OK:		return "success";
	case AIS_ENOMEM:	return "out of memory";
	case AIS_EINVAL:	return "invalid argument";
	case AIS_ENOENT:	return "not found";
	case AIS_EEXIST:	return "already exists";
	case AIS_EIO:		return "I/O error";
	case AIS_ENOSPC:	return "no space left on device";
	case AIS_ETIMEDOUT:	return "timed out";
	case AIS_ECONNREFUSED:	return "connection refused";
	case AIS_EBACKEND:	return "backend error";
	case AIS_ECHECKSUM:	return "checksum mismatch";
	case AIS_ETOOLONG:	return "name too long";
	case AIS_EBUSY:		return "busy";
	case AIS_ECLOSED:	return "closed";
	case AIS_EPROTO:	return "protocol error";
	case AIS_ENOTSUP:	return "not supported";
	case AIS_ECONFLICT:	return "conflict";
	}
	return "unknown error";
}

ais_err
ais_err_from_errno(int e)
{
	switch (e) {
	case 0:			return AIS_OK;
	case ENOMEM:		return AIS_ENOMEM;
	case EINVAL:		return AIS_EINVAL;
	case ENOENT:		return AIS_ENOENT;
	case EEXIST:		return AIS_EEXIST;
	case ENOSPC:
	case EDQUOT:		return AIS_ENOSPC;
	case ETIMEDOUT:		return AIS_ETIMEDOUT;
	case ECONNREFUSED:	return AIS_ECONNREFUSED;
	case ENAMETOOLONG:	return AIS_ETOOLONG;
	case EBUSY:		return AIS_EBUSY;
	case ENOTDIR:
	case EISDIR:		return AIS_ECONFLICT;
	case ENOTSUP:		return AIS_ENOTSUP;
	case EPIPE:
	case ECONNRESET:	return AIS_ECLOSED;
	default:		return AIS_EIO;
	}
}

int
ais_err_http_status(ais_err e)
{
	switch (e) {
	case AIS_OK:		return 200;
	case AIS_EINVAL:
	case AIS_ETOOLONG:	return 400;
	case AIS_ENOENT:	return 404;
	case AIS_EEXIST:
	case AIS_ECONFLICT:	return 409;
	case AIS_ECHECKSUM:	return 422;
	case AIS_ENOSPC:	return 507;
	case AIS_ETIMEDOUT:	return 504;
	case AIS_ECONNREFUSED:
	case AIS_EBACKEND:
	case AIS_EPROTO:	return 502;
	case AIS_EBUSY:		return 503;
	case AIS_ENOTSUP:	return 501;
	default:		return 500;
	}
}
