// SPDX-License-Identifier: GPL-2.0-only
/* Copyright 2026 The edgeai authors */

/*
 * The program object: PROGRAM_CREATE copies a program in and validates it
 * alone (edgeai_prog_validate.c) under a per-file handle; SUBMIT with
 * DRM_EDGEAI_SUBMIT_PROGRAM attaches it to the job, checked again against
 * the job's bound buffers. Jobs hold a reference, so a program outlives its
 * handle while jobs run it; the backend runs it (edgeai_sim.c).
 *
 * A program is immutable once created, and a device keeps one object per
 * distinct program (&edgeai_device.prog_hash): a PROGRAM_CREATE whose bytes
 * equal those of a program the device has (its CRC-32 finds the candidates,
 * memcmp() decides) gets a handle to that object instead of a copy, without
 * validating it again. So the applications that load the same model run
 * one program object, and their jobs can be batched together
 * (DRM_EDGEAI_SUBMIT_BATCH batches jobs of one program object); each file
 * still has its own handles, and closing one drops only its references.
 */

#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_print.h>
#include <linux/crc32.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>

#include "edgeai_device.h"
#include "edgeai_drv.h"
#include "edgeai_job.h"
#include "edgeai_prog.h"

/* A program's buffer slots are the job's bound buffers. */
static_assert(EDGEAI_PROG_MAX_SLOTS == DRM_EDGEAI_MAX_BOS);

static void edgeai_prog_dbg(struct edgeai_device *edev, const char *what,
			    const struct edgeai_prog_check_err *err)
{
	if (err->op >= 0 && err->tensor >= 0)
		drm_dbg(&edev->drm, "%s: program op %d: tensor %d: %s\n", what,
			err->op, err->tensor, err->reason);
	else if (err->op >= 0)
		drm_dbg(&edev->drm, "%s: program op %d: %s\n", what, err->op,
			err->reason);
	else if (err->tensor >= 0)
		drm_dbg(&edev->drm, "%s: program tensor %d: %s\n", what,
			err->tensor, err->reason);
	else
		drm_dbg(&edev->drm, "%s: program: %s\n", what, err->reason);
}

static void edgeai_prog_free(struct edgeai_program *prog)
{
	kvfree(prog->op_work);
	kvfree(prog);
}

static void edgeai_prog_release(struct kref *ref)
	__releases(&prog->edev->prog_lock)
{
	struct edgeai_program *prog = container_of(ref, struct edgeai_program,
						   ref);

	hash_del(&prog->node);
	mutex_unlock(&prog->edev->prog_lock);
	edgeai_prog_free(prog);
}

/**
 * edgeai_prog_put() - drop a reference to a program
 * @prog: program, or NULL
 *
 * Process context: the last reference is dropped under
 * &edgeai_device.prog_lock, so that a PROGRAM_CREATE looking for an equal
 * program never finds one on its way out.
 */
void edgeai_prog_put(struct edgeai_program *prog)
{
	if (prog)
		kref_put_mutex(&prog->ref, edgeai_prog_release,
			       &prog->edev->prog_lock);
}

/*
 * The program of @edev whose bytes are @prog's, with a reference taken, or
 * NULL. Every program in the hash has a reference (see edgeai_prog_put()).
 */
static struct edgeai_program *edgeai_prog_find(struct edgeai_device *edev,
					       const struct edgeai_program *prog)
{
	struct edgeai_program *pos;

	lockdep_assert_held(&edev->prog_lock);

	hash_for_each_possible(edev->prog_hash, pos, node, prog->crc32) {
		if (pos->size == prog->size && pos->crc32 == prog->crc32 &&
		    !memcmp(pos->blob, prog->blob, prog->size)) {
			kref_get(&pos->ref);
			return pos;
		}
	}
	return NULL;
}

/*
 * The device's program equal to @prog, or @prog itself, validated, added
 * to the device's programs. @prog (not hashed yet) is freed when an equal
 * one is found or on error.
 */
static struct edgeai_program *edgeai_prog_intern(struct edgeai_device *edev,
						 struct edgeai_program *prog)
{
	struct edgeai_prog_check_err err = {};
	struct edgeai_program *found;
	int ret;

	scoped_guard(mutex, &edev->prog_lock)
		found = edgeai_prog_find(edev, prog);
	if (found)
		goto found;

	ret = edgeai_prog_check(prog->blob, prog->size, edev->fw.op_mask, NULL,
				NULL, 0, &prog->work, &err);
	if (ret) {
		edgeai_prog_dbg(edev, "program_create", &err);
		goto err_free;
	}
	/* Valid now: the header's op_count can be trusted. */
	prog->op_count = ((const struct edgeai_prog_header *)prog->blob)->op_count;
	prog->op_work = kvcalloc(prog->op_count, sizeof(*prog->op_work),
				 GFP_KERNEL);
	if (!prog->op_work) {
		ret = -ENOMEM;
		goto err_free;
	}
	ret = edgeai_prog_op_work(prog->blob, prog->size, edev->fw.op_mask,
				  prog->op_work, prog->op_count, &prog->slots,
				  &err);
	if (WARN_ON(ret))
		goto err_free;

	scoped_guard(mutex, &edev->prog_lock) {
		/* Another file may have created it meanwhile. */
		found = edgeai_prog_find(edev, prog);
		if (!found)
			hash_add(edev->prog_hash, &prog->node, prog->crc32);
	}
	if (!found)
		return prog;
found:
	edgeai_prog_free(prog);
	return found;

err_free:
	edgeai_prog_free(prog);
	return ERR_PTR(ret);
}

/**
 * edgeai_prog_open() - set up a file's program handles
 * @ctx: the file's context
 */
void edgeai_prog_open(struct edgeai_file_priv *ctx)
{
	xa_init_flags(&ctx->programs, XA_FLAGS_ALLOC1);
}

/**
 * edgeai_prog_close() - drop a file's program handles
 * @ctx: the file's context; jobs keep their own program references
 */
void edgeai_prog_close(struct edgeai_file_priv *ctx)
{
	struct edgeai_program *prog;
	unsigned long id;

	xa_for_each(&ctx->programs, id, prog)
		edgeai_prog_put(prog);
	xa_destroy(&ctx->programs);
}

/**
 * edgeai_ioctl_program_create() - DRM_IOCTL_EDGEAI_PROGRAM_CREATE
 * @drm: device
 * @data: &struct drm_edgeai_program_create
 * @file: the file that will own the handle
 *
 * Return: 0 or a negative errno.
 */
int edgeai_ioctl_program_create(struct drm_device *drm, void *data,
				struct drm_file *file)
{
	struct edgeai_device *edev = to_edgeai_device(drm);
	struct edgeai_file_priv *ctx = file->driver_priv;
	struct drm_edgeai_program_create *args = data;
	struct edgeai_program *prog;
	u32 id;
	int ret;

	if (args->flags || args->pad) {
		drm_dbg(drm, "program_create: non-zero flags or pad\n");
		return -EINVAL;
	}
	if (!args->size || args->size > EDGEAI_PROG_MAX_SIZE) {
		drm_dbg(drm, "program_create: size %u out of range\n", args->size);
		return -EINVAL;
	}
	prog = kvmalloc(struct_size(prog, blob, DIV_ROUND_UP(args->size, 8)),
			GFP_KERNEL);
	if (!prog)
		return -ENOMEM;
	kref_init(&prog->ref);
	prog->edev = edev;
	INIT_HLIST_NODE(&prog->node);
	prog->size = args->size;
	prog->op_work = NULL;
	if (copy_from_user(prog->blob, u64_to_user_ptr(args->data), args->size)) {
		edgeai_prog_free(prog);
		return -EFAULT;
	}
	prog->crc32 = ~crc32_le(~0, (const u8 *)prog->blob, prog->size);
	prog = edgeai_prog_intern(edev, prog);
	if (IS_ERR(prog))
		return PTR_ERR(prog);
	/* Checked per file: the limit may have been lowered since. */
	if (prog->work.macs > min(READ_ONCE(edev->prog_max_work),
				  EDGEAI_PROG_MAX_WORK)) {
		drm_dbg(drm, "program_create: %llu MACs, more than one job may do\n",
			prog->work.macs);
		ret = -E2BIG;
		goto err_put;
	}
	ret = xa_alloc(&ctx->programs, &id, prog,
		       XA_LIMIT(1, DRM_EDGEAI_MAX_PROGRAMS), GFP_KERNEL);
	if (ret) {
		if (ret == -EBUSY)
			ret = -ENOSPC;
		drm_dbg(drm, "program_create: no handle (%d)\n", ret);
		goto err_put;
	}
	args->handle = id;
	args->macs = prog->work.macs;
	args->bytes = prog->work.bytes;
	return 0;

err_put:
	edgeai_prog_put(prog);
	return ret;
}

/**
 * edgeai_ioctl_program_destroy() - DRM_IOCTL_EDGEAI_PROGRAM_DESTROY
 * @drm: device
 * @data: &struct drm_edgeai_program_destroy
 * @file: the file owning the handle
 *
 * Return: 0 or a negative errno.
 */
int edgeai_ioctl_program_destroy(struct drm_device *drm, void *data,
				 struct drm_file *file)
{
	struct edgeai_file_priv *ctx = file->driver_priv;
	struct drm_edgeai_program_destroy *args = data;
	struct edgeai_program *prog;

	if (args->flags) {
		drm_dbg(drm, "program_destroy: non-zero flags\n");
		return -EINVAL;
	}
	prog = xa_erase(&ctx->programs, args->handle);
	if (!prog) {
		drm_dbg(drm, "program_destroy: unknown handle %u\n", args->handle);
		return -ENOENT;
	}
	edgeai_prog_put(prog);
	return 0;
}

/**
 * edgeai_prog_attach() - attach a program to a job and check it against the
 *	job's bound buffers
 * @job: job whose buffers are looked up and mapped
 * @handle: program handle of the job's file
 *
 * The program itself was validated at PROGRAM_CREATE; what a submit adds,
 * the buffers, is checked against what that derived of them (every tensor
 * inside its buffer, every op output in a buffer bound for writing), in
 * O(buffers) rather than a walk of the program.
 *
 * Return: 0, -ENOENT for an unknown handle, -EINVAL when the program does
 * not fit the buffers.
 */
int edgeai_prog_attach(struct edgeai_job *job, u32 handle)
{
	struct edgeai_device *edev = job->edev;
	struct edgeai_prog_check_err err = {};
	bool writable[DRM_EDGEAI_MAX_BOS];
	u64 sizes[DRM_EDGEAI_MAX_BOS];
	struct edgeai_program *prog;
	u32 i;
	int ret;

	xa_lock(&job->ctx->programs);
	prog = xa_load(&job->ctx->programs, handle);
	if (prog)
		kref_get(&prog->ref);
	xa_unlock(&job->ctx->programs);
	if (!prog) {
		drm_dbg(&edev->drm, "submit: unknown program handle %u\n", handle);
		return -ENOENT;
	}
	job->prog = prog;

	for (i = 0; i < job->bo_count; i++) {
		sizes[i] = job->bos[i]->size;
		writable[i] = job->bo_flags[i] & DRM_EDGEAI_BO_WRITE;
	}
	ret = edgeai_prog_check_slots(&prog->slots, sizes, writable,
				      job->bo_count, &err);
	if (ret)
		edgeai_prog_dbg(edev, "submit", &err);
	job->macs = prog->work.macs;
	job->bytes = prog->work.bytes;
	return ret;
}
