/*
 * spare.c: a thread that keeps empty work files ready (see spare.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "spare.h"
#include "thread.h"

struct spare_dir {
	char			 path[PATH_MAX];
	int			 fd[SPARES_PER_DIR];
	size_t			 n;
	bool			 failing;	/* logged once until it works */
};

struct spares {
	pthread_mutex_t		 mu;		/* everything below */
	pthread_cond_t		 wanted;
	pthread_t		 thread;
	bool			 stopping;
	bool			 low;		/* a spare was taken */
	struct spare_dir	*dirs;
	size_t			 n;
};

/* Makes one spare of d (s->mu held, dropped meanwhile); false on failure. */
static bool
spare_make(struct spares *s, struct spare_dir *d)
{
	int fd, err;

	pthread_mutex_unlock(&s->mu);
	fd = open(d->path, O_TMPFILE | O_RDWR | O_CLOEXEC, 0644);
	err = errno;
	pthread_mutex_lock(&s->mu);
	if (fd < 0) {
		if (!d->failing)
			log_warnx("SPARE-FAIL", "dir=%s error=\"%s\"", d->path,
			    strerror(err));
		d->failing = true;
		return false;
	}
	d->failing = false;
	if (d->n < SPARES_PER_DIR)
		d->fd[d->n++] = fd;
	else
		close(fd);
	return true;
}

static void *
spares_main(void *arg)
{
	struct spares *s = arg;
	struct sched_param idle = { 0 };
	struct spare_dir *d;
	size_t i;

	/*
	 * Spares are made with CPU time nothing else wants; under load the
	 * pool runs dry and work files are made on demand, as without it.
	 */
	pthread_setschedparam(pthread_self(), SCHED_IDLE, &idle);
	pthread_mutex_lock(&s->mu);
	while (!s->stopping) {
		if (!s->low) {
			pthread_cond_wait(&s->wanted, &s->mu);
			continue;
		}
		s->low = false;
		for (i = 0; i < s->n; i++) {
			d = &s->dirs[i];
			while (!s->stopping && d->n < SPARES_PER_DIR &&
			    spare_make(s, d))
				;
		}
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

ais_err
spares_start(struct spares **out, const char *const *dirs, size_t n)
{
	struct spares *s;
	size_t i;

	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->dirs = calloc(n, sizeof(*s->dirs))) == NULL) {
		free(s);
		return AIS_ENOMEM;
	}
	for (i = 0; i < n; i++)
		if (strlcpy(s->dirs[i].path, dirs[i], sizeof(s->dirs[i].path))
		    >= sizeof(s->dirs[i].path)) {
			free(s->dirs);
			free(s);
			return AIS_ETOOLONG;
		}
	s->n = n;
	s->low = true;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->wanted, NULL);
	if (pthread_create(&s->thread, NULL, spares_main, s) != 0) {
		pthread_cond_destroy(&s->wanted);
		pthread_mutex_destroy(&s->mu);
		free(s->dirs);
		free(s);
		return AIS_ENOMEM;
	}
	thread_name(s->thread, "spares", -1);
	*out = s;
	return AIS_OK;
}

int
spares_take(struct spares *s, size_t i)
{
	struct spare_dir *d = &s->dirs[i];
	int fd = -1;

	pthread_mutex_lock(&s->mu);
	if (d->n > 0)
		fd = d->fd[--d->n];
	s->low = true;
	pthread_cond_signal(&s->wanted);
	pthread_mutex_unlock(&s->mu);
	return fd;
}

void
spares_stop(struct spares *s)
{
	size_t i, j;

	pthread_mutex_lock(&s->mu);
	s->stopping = true;
	pthread_cond_signal(&s->wanted);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->thread, NULL);
	for (i = 0; i < s->n; i++)
		for (j = 0; j < s->dirs[i].n; j++)
			close(s->dirs[i].fd[j]);
	pthread_cond_destroy(&s->wanted);
	pthread_mutex_destroy(&s->mu);
	free(s->dirs);
	free(s);
}
