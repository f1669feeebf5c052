/* SPDX-License-Identifier: MIT */
/*
 * CPU execution of an edgeai program: the firmware reference kernels
 * (firmware/ops/, built into the library) with optimized x86-64
 * kernels for the heavy ops, chosen at run time and bit-exact with the
 * reference (cpu-opt.h: cpu-vnni.c, cpu-avx2.c).
 */
#ifndef EDGEAI_CPU_H
#define EDGEAI_CPU_H

#include <stddef.h>
#include <stdint.h>

#include "compiler/compile.h"

/* Run @prog on @slots; 0, -EINVAL (bad header), or -EIO with *failed_op set. */
int exec_cpu_run(const void *prog, size_t size, void *const *slots, unsigned int n_slots,
		 int reference, unsigned int *failed_op);
/* The same, with what exec_cpu_prepare() made for @prog (or NULL). */
int exec_cpu_run_prep(const void *prog, size_t size, void *const *slots, unsigned int n_slots,
		      int reference, void *const *prep, unsigned int *failed_op);
/* Per-op weights of @prog in the optimized kernels' layout; NULL when none. */
void **exec_cpu_prepare(const void *prog, size_t size);
void exec_cpu_prepare_free(void **prep, const void *prog);
/* The kernel set that would run: "vnni", "avx2", "dotprod", "neon" or "reference". */
const char *exec_cpu_kernels_name(int reference);
/*
 * Use kernel set @name ("reference"/"portable", "avx2", "vnni", "neon",
 * "dotprod") from now on, for every program of the process (tests); NULL:
 * back to the default
 * (EDGEAI_CPU_KERNELS, else the best this CPU has). -1 when this CPU or
 * build does not have that set.
 */
int exec_cpu_set_kernels(const char *name);
/* How many ops kernel set @name ran so far in this process (tests). */
unsigned long exec_cpu_kernels_ops(const char *name);

/*
 * Per-op profile of CPU runs (edgeai_program_set_profiling()): one entry
 * per program op. Counters are atomic: runs of one
 * program in several threads at once all count.
 */
struct exec_cpu_prof_op {
	_Atomic uint64_t runs;
	_Atomic uint64_t ns;
	_Atomic int kset;	/* what ran it last: enum exec_kset, -1: never ran */
};
struct exec_cpu_prof {
	unsigned int n_ops;
	struct exec_cpu_prof_op *op;	/* [n_ops] */
};
/*
 * A pool of worker threads of a program (EDGEAI_COMPILE options
 * cpu_threads): the heavy ops split their output rows or pixels across the
 * calling thread and the workers, each part computed as one thread would
 * (same bytes). One run uses it at a time; a run that finds it busy runs
 * on its own thread.
 */
struct exec_pool;
/* @threads in all (the caller included), at least 2; NULL on failure. */
struct exec_pool *exec_pool_new(unsigned int threads);
void exec_pool_free(struct exec_pool *pool);
unsigned int exec_pool_threads(const struct exec_pool *pool);
/*
 * Split ops of at least @work units (about output bytes times the work
 * per byte; default 65536) across the pool, from now on for the whole
 * process (tests: 0 splits everything).
 */
void exec_cpu_set_par_min(uint64_t work);
/* How many ops were split across a pool so far in this process (tests). */
unsigned long exec_cpu_par_splits(void);

/* exec_cpu_run_prep(), timing each op into @prof (NULL: not timed), on @pool (or NULL). */
int exec_cpu_run_prof(const void *prog, size_t size, void *const *slots, unsigned int n_slots,
		      int reference, void *const *prep, struct exec_cpu_prof *prof,
		      struct exec_pool *pool, unsigned int *failed_op);
struct ek_bind;
struct ek_op;
/*
 * A program's ops resolved at one set of buffers (ek_exec_resolve(),
 * firmware/ops/ops.h), kept by a caller that runs the program again and
 * again: exec_cpu_run_bound() resolves them again only when the program,
 * the slots or the bindings differ from those they were resolved at.
 * Zeroed to start; exec_cpu_resolved_fini() frees what it holds.
 */
struct exec_cpu_resolved {
	const void *prog;
	size_t size;
	struct ek_op *ops;
	uint32_t n_ops;
	void **slots;
	unsigned int n_slots;
	struct ek_bind *bind;
	unsigned int n_bind;
};
void exec_cpu_resolved_fini(struct exec_cpu_resolved *keep);
/*
 * exec_cpu_run_prof() with @n_bind tensors at other places than their
 * records say (@bind: struct ek_bind, firmware/ops/ops.h), or none; with
 * the ops resolved in @keep when it is not NULL (kept there for the next
 * run).
 */
int exec_cpu_run_bound(const void *prog, size_t size, void *const *slots, unsigned int n_slots,
		       int reference, void *const *prep, struct exec_cpu_prof *prof,
		       struct exec_pool *pool, const struct ek_bind *bind, unsigned int n_bind,
		       struct exec_cpu_resolved *keep, unsigned int *failed_op);
/* Name of kernel set @kset as exec_cpu_prof_op.kset holds it: "avx2", "" (never ran). */
const char *exec_cpu_prof_kernels(int kset);
/* edgeai_program_op_name() (public) names program opcodes; it lives in cpu.c. */

#endif
