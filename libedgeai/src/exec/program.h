/* SPDX-License-Identifier: MIT */
/*
 * struct edgeai_program, shared by program.c (compile, sync run, events)
 * and request.c (requests): the one call circle of the library, a program
 * and its requests referencing each other (README.md).
 */
#ifndef EDGEAI_EXEC_PROGRAM_H
#define EDGEAI_EXEC_PROGRAM_H

#include <pthread.h>
#include <stdatomic.h>

#include "compiler/compile.h"
#include "compiler/place.h"
#include "exec/cpu.h"
#include "exec/fio.h"

struct edgeai_program {
	atomic_int n_ref;
	struct cc_compiled *c;
	uint32_t policy;	/* enum edgeai_policy */
	unsigned int cache_state;	/* EDGEAI_CACHE_* */
	int reference;		/* EDGEAI_CPU_REFERENCE: the reference kernels only */
	struct cc_devices *dev;	/* NULL: everything on the CPU */
	struct exec_fio *fio;	/* float inputs/outputs the library converts, or NULL */
	void **prep;		/* optimized kernels' weights per program op */
	struct exec_cpu_prof *_Atomic prof;	/* per-op times: set once under lock, freed with the program */
	atomic_int profiling;	/* edgeai_program_set_profiling() */
	struct exec_pool *pool;	/* cpu_threads > 1: the CPU kernels' workers, else NULL */
	/* edgeai_program_set_batch(): the batch of both, 0 when off */
	_Atomic uint64_t batch;	/* batch_max << 32 | batch_wait_us */

	pthread_mutex_t lock;	/* Protects arena, req and epfd */
	void *arena;		/* of edgeai_program_run() on the CPU */
	struct edgeai_request *req;	/* cached request of edgeai_program_run() */
	int epfd;		/* epoll over the devices' rings (two devices), -1 */
};

/* How input/output @index of @prog is converted from/to float32, or NULL. */
const struct exec_fio_io *exec_prog_fio_in(const struct edgeai_program *prog, unsigned int index);
const struct exec_fio_io *exec_prog_fio_out(const struct edgeai_program *prog, unsigned int index);
/* The model's outputs: how many, output @index's program output (-1 for a detection output) and its bytes. */
unsigned int exec_prog_n_out(const struct edgeai_program *prog);
int64_t exec_prog_out(const struct edgeai_program *prog, unsigned int index);
size_t exec_prog_out_size(const struct edgeai_program *prog, unsigned int index);
/*
 * The model's TFLite_Detection_PostProcess on the program outputs @box and
 * @cls (8-bit bytes): its four outputs into @det[EXEC_DETECT_N].
 */
int exec_prog_detect(const struct edgeai_program *prog, const uint8_t *box, const uint8_t *cls,
		     float *const *det);

/* A request that does not reference @prog (the program's cached one). */
int exec_request_new_weak(struct edgeai_program *prog, struct edgeai_request **ret_req);

#endif
