/* SPDX-License-Identifier: MIT */
/* struct edgeai_program, shared by run.c (compile, sync run) and request.c (requests). */
#ifndef EDGEAI_PROGRAM_H
#define EDGEAI_PROGRAM_H

#include <pthread.h>
#include <stdatomic.h>

#include "compiler/compile.h"
#include "compiler/place.h"

struct edgeai_program {
	atomic_int n_ref;
	struct cc_compiled *c;
	uint32_t policy;	/* enum edgeai_policy */
	unsigned int cache_state;	/* EDGEAI_CACHE_* */
	int epfd;		/* epoll over the devices' rings (two devices), -1 */
	int reference;
	pthread_mutex_t lock;	/* guards arena and req */
	void *arena;
	struct edgeai_request *req;	/* cached request of edgeai_program_run() */
	struct cc_devices *dev;	/* NULL: everything on the CPU */
	void **prep;		/* optimized kernels' weights per program op */
};

/*
 * The fallback advice of edgeaid: "none" (or no file) when the device may
 * be used, else the reason ("thermal", "quota", ...) in @word. Returns 1
 * when the advice is to fall back.
 */
/* A request that does not reference @prog (the program's cached one). */
int ea_request_new_weak(struct edgeai_program *prog, struct edgeai_request **ret_req);

int ea_advice(char *word, size_t size);

#endif
