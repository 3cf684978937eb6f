/*
 * control.c: control-plane requests a proxy serves: membership and bucket
 * changes on the primary, map pushes on the others, and statistics.
 */
#include <string.h>

#include "proxy.h"

json_t *
proxy_control(json_t *req, void *arg)
{
	struct proxy *p = arg;
	const char *op = json_string_value(json_object_get(req, "op"));
	json_t *reply;

	if (op == NULL)
		return ctl_reply_error(400, "missing op");
	if (strcmp(op, "health") == 0)
		return ctl_reply_ok();
	if (strcmp(op, "stats") == 0) {
		reply = ctl_reply_ok();
		json_object_set_new(reply, "objects", json_integer(0));
		json_object_set_new(reply, "used_bytes", json_integer(0));
		return reply;
	}
	if ((reply = proxy_job_control(p, op, req)) != NULL)
		return reply;
	if (p->is_primary) {
		if ((reply = primary_control(p, op, req)) != NULL)
			return reply;
	} else if (strcmp(op, "meta") == 0)
		return member_on_meta(&p->member, req);
	return ctl_reply_error(400, "unknown op '%s' for a %s proxy", op,
	    p->is_primary ? "primary" : "non-primary");
}
