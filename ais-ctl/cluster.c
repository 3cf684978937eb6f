/*
 * cluster.c: "cluster show", a table of every node with its usage.
 */
#include <stdio.h>
#include <string.h>

#include "ctl.h"

static struct {
	bool	json;
} o;

static const struct opt show_opts[] = {
	{ "json", 'j', OPT_FLAG, &o.json, NULL, NULL, "print JSON", 0, 0,
	    true },
	{ NULL, 0, 0, NULL, NULL, NULL, NULL, 0, 0, false },
};

int
cmd_cluster_show(int argc, char **argv)
{
	char objs[32], used[32], id[80];
	json_t *stats, *smap, *nodes, *n;
	const char *primary;
	struct table *t;
	int argind, rc;
	size_t i;

	parse_cmd(show_opts, argc, argv, "[--json]", &argind);
	if ((rc = api_json("GET", "/v1/cluster?what=smap", NULL, &smap)) != 0)
		return rc;
	if ((rc = api_json("GET", "/v1/cluster?what=stats", NULL,
	    &stats)) != 0) {
		json_decref(smap);
		return rc;
	}
	primary = json_string_value(json_object_get(smap, "primary"));
	nodes = json_object_get(stats, "nodes");
	if (o.json) {
		json_object_set(stats, "smap", smap);
		print_json(stats);
	} else {
		t = table_new(6, "ROLE", "ID", "URL", "STATE", "OBJECTS",
		    "USED");
		json_array_foreach(nodes, i, n) {
			const char *nid = json_string_value(json_object_get(n,
			    "id"));

			snprintf(id, sizeof(id), "%s%s", nid, primary != NULL &&
			    strcmp(nid, primary) == 0 ? "*" : "");
			snprintf(objs, sizeof(objs), "%lld", (long long)
			    json_integer_value(json_object_get(n, "objects")));
			cli_human_size(json_integer_value(json_object_get(n,
			    "used_bytes")), used, sizeof(used));
			table_add(t, json_string_value(json_object_get(n,
			    "role")), id, json_string_value(json_object_get(n,
			    "url")), json_string_value(json_object_get(n,
			    "state")), objs, used);
		}
		table_print(t, stdout);
		table_free(t);
		printf("cluster map version %lld, * primary\n", (long long)
		    json_integer_value(json_object_get(smap, "version")));
	}
	json_decref(smap);
	json_decref(stats);
	return 0;
}
