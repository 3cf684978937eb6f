/*
 * ais_err.h: the one error type of libais.
 *
 * Every library function that can fail returns an ais_err and hands its
 * results back through out-parameters.  Errors of libcurl, nng, openssl and
 * errno are translated into these codes by the one module that calls that
 * library.  ais_strerror() is the only source of generic text; the detail of
 * a particular failure travels in a caller-supplied buffer (see errbuf).
 */
#ifndef AIS_AIS_ERR_H
#define AIS_AIS_ERR_H

#include <stddef.h>

enum ais_err {
	AIS_OK = 0,
	AIS_ENOMEM,		/* out of memory */
	AIS_EINVAL,		/* invalid argument or malformed input */
	AIS_ENOENT,		/* no such object, bucket or node */
	AIS_EEXIST,		/* already exists */
	AIS_EIO,		/* local I/O error */
	AIS_ENOSPC,		/* disk full */
	AIS_ETIMEDOUT,		/* a peer did not answer in time */
	AIS_ECONNREFUSED,	/* a peer is not listening */
	AIS_EBACKEND,		/* a backend or peer failed */
	AIS_ECHECKSUM,		/* checksum mismatch */
	AIS_ETOOLONG,		/* name or value over its limit */
	AIS_EBUSY,		/* resource busy */
	AIS_ECLOSED,		/* connection or object closed */
	AIS_EPROTO,		/* a peer broke the protocol */
	AIS_ENOTSUP,		/* operation not supported */
	AIS_ECONFLICT,		/* conflicting state (e.g. file where a dir is) */
};
typedef enum ais_err ais_err;

/* A short static description of the code. */
const char	*ais_strerror(ais_err);

/* Maps an errno value to the closest ais_err. */
ais_err		 ais_err_from_errno(int);

/* The HTTP status that best reports the error to a client. */
int		 ais_err_http_status(ais_err);

/* Size of the detail buffers that requests and jobs carry. */
#define AIS_ERRBUF_SIZE 256

#endif
