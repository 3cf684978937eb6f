/*
 * state.h: small persistent state files of a node (its id, the cluster map
 * and bucket table of the primary), written atomically: a temporary file,
 * fsync, rename.
 */
#ifndef AIS_STATE_H
#define AIS_STATE_H

#include <jansson.h>
#include <stddef.h>

#include "ais_err.h"

ais_err	state_save_json(const char *path, const json_t *);
/* AIS_ENOENT when the file does not exist. */
ais_err	state_load_json(const char *path, json_t **);

/*
 * The node id: given (when not NULL or empty) is used and saved; otherwise
 * the one saved in path; otherwise a new random one is made and saved.
 */
ais_err	state_node_id(const char *path, const char *given, char *out,
	    size_t outlen);

/* A random identifier of len-1 characters from [a-zA-Z0-9]. */
void	state_random_id(char *out, size_t len);

#endif
