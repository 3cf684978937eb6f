/*
 * sigv4.h: AWS Signature Version 4 of S3 requests, signed in headers.
 *
 * libcurl's CURLOPT_AWS_SIGV4 derives the signing key again for every
 * request, five HMACs and two digests, and OpenSSL 3 looks each algorithm
 * up in its providers anew: 44-68 us of CPU a request on the test
 * machines, as much as the rest of the request.  The key changes only
 * with the day, so a signer derives it once a day; a request then costs
 * one SHA-256 of the canonical request and one HMAC, 3 us.
 *
 * The signed headers are host, x-amz-content-sha256 and x-amz-date.  The
 * canonical URI and query are made from the URL as it will be sent: each
 * path segment and each query key and value is decoded and encoded again
 * as AWS does (RFC 3986 unreserved bytes kept, the rest %XX, '/' kept in
 * the path only), the query sorted by key and then value.
 */
#ifndef AIS_SIGV4_H
#define AIS_SIGV4_H

#include <time.h>

#include "ais_err.h"

/* The payload hash of a request whose body is not signed. */
#define SIGV4_UNSIGNED	"UNSIGNED-PAYLOAD"

struct sigv4;

/* The three header lines a signed request sends, CRLF not included. */
struct sigv4_headers {
	char	host[320];	/* "Host: ..." */
	char	date[32];	/* "x-amz-date: ..." */
	char	auth[512];	/* "Authorization: AWS4-HMAC-SHA256 ..." */
};

ais_err	sigv4_new(struct sigv4 **, const char *access_key,
	    const char *secret_key, const char *region);
void	sigv4_free(struct sigv4 *);

/*
 * Signs a request of method to url ("scheme://host[:port]/path[?query]")
 * at now, with payload_hash (a hex SHA-256 or SIGV4_UNSIGNED) as its
 * x-amz-content-sha256; the caller sends that header and those in *out.
 * Safe to call from any number of threads.  AIS_EINVAL for a URL that is
 * not absolute, AIS_ETOOLONG for one too long to sign.
 */
ais_err	sigv4_sign(struct sigv4 *, const char *method, const char *url,
	    const char *payload_hash, time_t now, struct sigv4_headers *out);

#endif
