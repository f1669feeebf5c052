// SPDX-License-Identifier: GPL-2.0-only
/* Copyright 2026 The edgeai authors */

/*
 * io_uring submission: IORING_OP_URING_CMD with EDGEAI_URING_CMD_SUBMIT
 * queues a job like DRM_IOCTL_EDGEAI_SUBMIT and posts the CQE when the job
 * is done, with the device time in the CQE32's extra word.
 *
 * The CQE follows the scheduler's finished fence, which the buffers'
 * reservation objects hold, so a buffer is idle once its job's CQE is seen.
 * Completion and cancellation race through that fence's callback:
 * whoever removes the callback owns the request. If the fence fired first,
 * its callback has queued task work that posts the CQE; if the cancel
 * removed the callback first, the cancel completes the command and the job
 * runs on without a CQE.
 */

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_print.h>
#include <linux/dma-fence.h>
#include <linux/io_uring/cmd.h>
#include <linux/slab.h>
#include <uapi/linux/io_uring.h>

#include "edgeai_job.h"
#include "edgeai_uring.h"

/**
 * struct edgeai_uring_req - one queued EDGEAI_URING_CMD_SUBMIT
 * @cmd: the io_uring command
 * @res: the job's result fences
 * @cb: callback on @res.finished
 */
struct edgeai_uring_req {
	struct io_uring_cmd *cmd;
	struct edgeai_job_result res;
	struct dma_fence_cb cb;
};

/**
 * struct edgeai_uring_pdu - what lives in &io_uring_cmd.pdu
 * @req: the request
 */
struct edgeai_uring_pdu {
	struct edgeai_uring_req *req;
};

static struct edgeai_uring_req *edgeai_uring_req(struct io_uring_cmd *cmd)
{
	return io_uring_cmd_to_pdu(cmd, struct edgeai_uring_pdu)->req;
}

static void edgeai_uring_req_free(struct edgeai_uring_req *req)
{
	edgeai_job_result_put(&req->res);
	kfree(req);
}

static void edgeai_uring_complete(struct io_uring_cmd *cmd,
				  unsigned int issue_flags)
{
	struct edgeai_uring_req *req = edgeai_uring_req(cmd);
	int status = edgeai_job_result_status(&req->res);
	u64 device_time_ns = req->res.done->device_time_ns;

	io_uring_cmd_done(cmd, status, device_time_ns, issue_flags);
	edgeai_uring_req_free(req);
}

static void edgeai_uring_fence_cb(struct dma_fence *fence,
				  struct dma_fence_cb *cb)
{
	struct edgeai_uring_req *req = container_of(cb, struct edgeai_uring_req, cb);

	io_uring_cmd_do_in_task_lazy(req->cmd, edgeai_uring_complete);
}

static void edgeai_uring_cancel(struct io_uring_cmd *cmd,
				unsigned int issue_flags)
{
	struct edgeai_uring_req *req = edgeai_uring_req(cmd);

	/* Lost the race: the fence fired and the task work posts the CQE. */
	if (!dma_fence_remove_callback(req->res.finished, &req->cb))
		return;

	io_uring_cmd_done(cmd, -ECANCELED, 0, issue_flags);
	edgeai_uring_req_free(req);
}

static int edgeai_uring_submit(struct io_uring_cmd *cmd,
			       unsigned int issue_flags)
{
	struct drm_file *file = cmd->file->private_data;
	struct drm_device *drm = file->minor->dev;
	struct edgeai_uring_pdu *pdu = io_uring_cmd_to_pdu(cmd, struct edgeai_uring_pdu);
	struct drm_edgeai_submit args;
	struct edgeai_uring_req *req;
	int idx, ret;

	/*
	 * Submission never waits for the device or for other fences, only
	 * for short locks and allocations, so it runs inline even under
	 * IO_URING_F_NONBLOCK rather than bouncing every job through io-wq.
	 * The SQE is shared with userspace: copy the payload once.
	 */
	memcpy(&args, io_uring_sqe_cmd(cmd->sqe), sizeof(args));

	req = kzalloc(sizeof(*req), GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	req->cmd = cmd;

	if (!drm_dev_enter(drm, &idx)) {
		kfree(req);
		return -ENODEV;
	}
	ret = edgeai_job_submit(file, &args, true, &req->res);
	drm_dev_exit(idx);
	if (ret) {
		kfree(req);
		return ret == -ERESTARTSYS ? -EINTR : ret;
	}

	pdu->req = req;
	io_uring_cmd_mark_cancelable(cmd, issue_flags);
	if (dma_fence_add_callback(req->res.finished, &req->cb,
				   edgeai_uring_fence_cb))
		/* Done already. */
		edgeai_uring_complete(cmd, issue_flags);
	return -EIOCBQUEUED;
}

/**
 * edgeai_uring_cmd() - &file_operations.uring_cmd of the accel node
 * @cmd: the command
 * @issue_flags: IO_URING_F_* flags from the io_uring core
 *
 * Return: -EIOCBQUEUED when the CQE will follow, or an immediate result.
 */
int edgeai_uring_cmd(struct io_uring_cmd *cmd, unsigned int issue_flags)
{
	struct drm_file *file = cmd->file->private_data;
	struct drm_device *drm = file->minor->dev;

	BUILD_BUG_ON(sizeof(struct drm_edgeai_submit) > 80);

	if (issue_flags & IO_URING_F_CANCEL) {
		edgeai_uring_cancel(cmd, issue_flags);
		return 0;
	}
	if ((issue_flags & (IO_URING_F_SQE128 | IO_URING_F_CQE32)) !=
	    (IO_URING_F_SQE128 | IO_URING_F_CQE32)) {
		drm_dbg(drm, "uring: ring needs IORING_SETUP_SQE128 and CQE32\n");
		return -EINVAL;
	}

	switch (cmd->cmd_op) {
	case EDGEAI_URING_CMD_SUBMIT:
		return edgeai_uring_submit(cmd, issue_flags);
	default:
		drm_dbg(drm, "uring: unknown command 0x%x\n", cmd->cmd_op);
		return -EINVAL;
	}
}
