// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the kernel's program validator (kernel/edgeai_prog_validate.c,
 * built unchanged on the host through shim/). Every input is checked as
 * PROGRAM_CREATE does; a program that passes gets buffers of exactly the
 * sizes its tensors need (heap, so ASan sees a byte too far), is checked
 * again as SUBMIT does, and is then run with the firmware op kernels: an
 * accepted program that makes the kernels read or write out of bounds, or
 * that the kernels refuse, is a validator bug and aborts.
 *
 * Built with -DEDGEAI_VALIDATOR_MAIN instead, it checks the programs named
 * on the command line the same way and prints one line per file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edgeai_prog_validate.h"
#include "ops.h"

#define MAX_SLOT_BYTES	(1U << 20)
#define MAX_EXEC_WORK	(4U << 20)

static const uint64_t all_ops[2] = { ~0ULL, ~0ULL };

static size_t esize(uint32_t dtype)
{
	return dtype == EDGEAI_DTYPE_INT64 ? 8 : dtype == EDGEAI_DTYPE_INT32 ? 4 :
	       dtype == EDGEAI_DTYPE_INT16 ? 2 : 1;
}

/*
 * The submit-time check of a validated program against its buffers,
 * edgeai_prog_check_slots() (O(slots), from what PROGRAM_CREATE derived),
 * must say what the full edgeai_prog_check() says: for the exact buffers,
 * for each used slot one byte short, and for each slot bound read-only.
 */
static void check_slots_agree(const void *blob, size_t size, uint64_t *need, bool *writable)
{
	const struct edgeai_prog_header *h = blob;
	struct edgeai_prog_slots *sl = malloc(sizeof(*sl));
	struct edgeai_prog_op_work *ow = calloc(h->op_count ? h->op_count : 1, sizeof(*ow));
	struct edgeai_prog_check_err e1 = { 0 }, e2 = { 0 };
	unsigned int i, k;
	int full, fast;

	if (!sl || !ow)
		abort();
	if (edgeai_prog_op_work(blob, size, all_ops, ow, h->op_count, sl, &e1)) {
		fprintf(stderr, "accepted by the check, refused by op_work: %s\n", e1.reason);
		abort();
	}
	for (k = 0; k <= 2 * h->slot_count; k++) {
		i = k ? (k - 1) % h->slot_count : 0;
		if (k && k <= h->slot_count) {
			if (!need[i])
				continue;
			need[i]--;
		} else if (k) {
			writable[i] = false;
		}
		full = edgeai_prog_check(blob, size, all_ops, need, writable, h->slot_count,
					 NULL, &e1);
		fast = edgeai_prog_check_slots(sl, need, writable, h->slot_count, &e2);
		if (full != fast || (full && strcmp(e1.reason, e2.reason))) {
			fprintf(stderr, "slot %u: full check %d (%s), slot check %d (%s)\n", i,
				full, full ? e1.reason : "", fast, fast ? e2.reason : "");
			abort();
		}
		if (k && k <= h->slot_count)
			need[i]++;
		else if (k)
			writable[i] = true;
	}
	free(ow);
	free(sl);
}

/* 0 accepted and ran, 1 rejected (reason in *why), 2 accepted, not run. */
static int check_one(const uint8_t *data, size_t size, const char **why)
{
	const struct edgeai_prog_header *h;
	const struct edgeai_prog_tensor *t;
	struct edgeai_prog_check_err err = { 0 };
	struct edgeai_prog_work work = { 0 };
	uint64_t need[EDGEAI_PROG_MAX_SLOTS] = { 0 };
	bool writable[EDGEAI_PROG_MAX_SLOTS];
	void *slots[EDGEAI_PROG_MAX_SLOTS] = { 0 };
	unsigned int i, failed = 0;
	void *blob;
	int ret = 2, x;

	blob = aligned_alloc(8, (size + 8) & ~(size_t)7);
	if (!blob)
		abort();
	memcpy(blob, data, size);
	if (edgeai_prog_check(blob, size, all_ops, NULL, NULL, 0, NULL, &err)) {
		*why = err.reason;
		free(blob);
		return 1;
	}
	h = blob;
	t = (const void *)((const uint8_t *)blob + h->tensor_offset);
	for (i = 0; i < h->tensor_count; i++) {
		uint64_t end;

		if (t[i].slot == EDGEAI_PROG_SLOT_CONST)
			continue;
		end = t[i].offset + (uint64_t)t[i].dims[0] * t[i].dims[1] *
		      t[i].dims[2] * t[i].dims[3] * esize(t[i].dtype);
		if (end > need[t[i].slot])
			need[t[i].slot] = end;
	}
	for (i = 0; i < h->slot_count; i++)
		if (need[i] > MAX_SLOT_BYTES)
			goto out;
	for (i = 0; i < h->slot_count; i++) {
		slots[i] = malloc(need[i] ? need[i] : 1);
		if (!slots[i])
			abort();
		memset(slots[i], (int)(i * 37 + 11), need[i]);
		writable[i] = true;
	}
	if (edgeai_prog_check(blob, size, all_ops, need, writable, h->slot_count,
			      &work, &err)) {
		fprintf(stderr, "accepted alone, rejected with exact buffers: op %d: %s\n",
			err.op, err.reason);
		abort();
	}
	check_slots_agree(blob, size, need, writable);
	if (work.macs > MAX_EXEC_WORK || work.bytes > 16 * MAX_EXEC_WORK)
		goto out;
	x = ek_exec_program(blob, size, slots, h->slot_count, NULL, &failed);
	if (x) {
		fprintf(stderr, "validated program refused by the kernels: op %u: %d\n",
			failed, x);
		abort();
	}
	ret = 0;
out:
	for (i = 0; i < EDGEAI_PROG_MAX_SLOTS; i++)
		free(slots[i]);
	free(blob);
	return ret;
}

#ifdef EDGEAI_VALIDATOR_MAIN
int main(int argc, char **argv)
{
	int i, bad = 0;

	for (i = 1; i < argc; i++) {
		static uint8_t buf[EDGEAI_PROG_MAX_SIZE / 16];
		const char *why = "";
		FILE *f = fopen(argv[i], "rb");
		size_t n;
		int r;

		if (!f) {
			perror(argv[i]);
			return 2;
		}
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		r = check_one(buf, n, &why);
		printf("%s %s%s%s\n", r == 1 ? "rejected" : r ? "accepted" : "ran",
		       argv[i], r == 1 ? ": " : "", r == 1 ? why : "");
		bad += r == 1;
	}
	return bad ? 1 : 0;
}
#else
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *why;

	if (size > EDGEAI_PROG_MAX_SIZE / 16)
		return 0;
	check_one(data, size, &why);
	return 0;
}
#endif
