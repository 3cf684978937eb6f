/*
 * ctl.h: the subcommands of ais-ctl and what they share.
 *
 * Each subcommand is a function taking its own argc/argv (argv[0] is its
 * name) and returning the exit status.  Output for people is a table;
 * --json prints the same data for scripts.
 */
#ifndef AIS_CTL_CMD_H
#define AIS_CTL_CMD_H

#include <jansson.h>
#include <stdbool.h>

#include "cli.h"
#include "client.h"
#include "opt.h"

typedef int (*cmd_fn)(int argc, char **argv);

/* main.c */
extern struct client *api;		/* talks to $AIS_ENDPOINT */
extern const char *cmd_noun;		/* "bucket", "job", ... */
int	parse_cmd(const struct opt *, int argc, char **argv,
	    const char *synopsis, int *argind);
int	api_json(const char *method, const char *path, const char *body,
	    json_t **reply);
void	print_json(json_t *);

/* cluster.c */
int	cmd_cluster_show(int, char **);

/* local.c: a local cluster of real daemons under one folder */
int	cmd_cluster_up(int, char **);
int	cmd_cluster_down(int, char **);
int	cmd_node_kill(int, char **);
int	cmd_node_start(int, char **);

/* bucket.c */
int	cmd_bucket_create(int, char **);
int	cmd_bucket_ls(int, char **);
int	cmd_bucket_rm(int, char **);
int	cmd_bucket_evict(int, char **);

/* object.c */
int	cmd_object_put(int, char **);
int	cmd_object_get(int, char **);
int	cmd_object_head(int, char **);
int	cmd_object_ls(int, char **);
int	cmd_object_rm(int, char **);
int	cmd_object_evict(int, char **);

/* job.c: jobs over the control plane */
int	cmd_job_start(int, char **);
int	cmd_job_ls(int, char **);
int	cmd_job_show(int, char **);
int	cmd_job_stop(int, char **);
int	cmd_job_wait(int, char **);

#endif
