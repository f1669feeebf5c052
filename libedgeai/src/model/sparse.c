// SPDX-License-Identifier: MIT
/*
 * Sparse constant tensors (TFLite SparsityParameters) to dense data.
 *
 * A sparse tensor of rank n with a k-dimensional block (0 <= k <= n) is
 * stored as a tree of n + k levels in traversal order: traversal_order
 * lists the n original dimensions (a permutation of 0..n-1), then the k
 * block dimensions (a permutation of n..n+k-1); block_map says which
 * original dimension block dimension n+b splits. Level L describes
 * dimension traversal_order[L]: a DENSE level holds every coordinate
 * 0..dense_size-1 implicitly, a SPARSE_CSR level holds, for each position
 * of the level above, a segment of array_indices (bounds in
 * array_segments, CSR row pointers) with the coordinates present. The
 * leaves, in tree order, are the stored values. Where the leaf sits in the
 * dense tensor: coordinate c of original dimension d at its level, times
 * the block size of d, plus the coordinate of d's block level; the dense
 * tensor is row-major over the shape, zero wherever no value is stored.
 * That is the layout TFLite's own format converter writes (DENSIFY).
 *
 * The metadata is untrusted: model_densify() checks all of it against the
 * dense shape and the number of stored values before it writes a byte, so
 * every write lands inside the dense buffer and every value read inside
 * the stored ones. Used by the file reader (tflite-read.c); the TFLite
 * delegate leaves nodes on sparse constants to TFLite (translate.c says
 * why).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "model/model.h"

void model_sparsity_free(struct model_sparsity *s)
{
	for (uint32_t i = 0; i < MODEL_MAX_SPARSE_LEVELS; i++) {
		free(s->dim[i].segments);
		free(s->dim[i].indices);
	}
	memset(s, 0, sizeof(*s));
}

struct dz {
	const struct model_sparsity *s;
	uint32_t rank, levels;
	uint32_t size[MODEL_MAX_SPARSE_LEVELS];	/* coordinates of each level */
	uint32_t block[MODEL_MAX_RANK];		/* block size of each block dimension */
	uint64_t stride[MODEL_MAX_RANK];	/* of the dense tensor, in elements */
	uint32_t coord[MODEL_MAX_SPARSE_LEVELS];
	const uint8_t *src;
	uint8_t *dst;
	size_t esize;
	uint64_t next;				/* next stored value */
};

#define SERR(...) base_errf(errbuf, errbuf_size, -EBADMSG, __VA_ARGS__)

/* The leaf at z->coord: where it goes in the dense tensor. */
static uint64_t dense_offset(const struct dz *z)
{
	uint64_t orig[MODEL_MAX_RANK] = { 0 }, off = 0;
	uint32_t l;

	for (l = 0; l < z->rank; l++)
		orig[z->s->order[l]] = z->coord[l];
	for (; l < z->levels; l++) {
		uint32_t b = (uint32_t)z->s->order[l] - z->rank, d = (uint32_t)z->s->block_map[b];

		orig[d] = orig[d] * z->block[b] + z->coord[l];
	}
	for (uint32_t d = 0; d < z->rank; d++)
		off += orig[d] * z->stride[d];
	return off;
}

/* Level @l below position @pos of the level above (checked: every bound holds). */
static void fill(struct dz *z, uint32_t l, uint64_t pos)
{
	const struct model_sparse_dim *dm;

	if (l == z->levels) {
		memcpy(z->dst + dense_offset(z) * z->esize, z->src + z->next * z->esize, z->esize);
		z->next++;
		return;
	}
	dm = &z->s->dim[l];
	if (dm->format == TFL_DIM_DENSE) {
		for (uint32_t i = 0; i < z->size[l]; i++) {
			z->coord[l] = i;
			fill(z, l + 1, pos * z->size[l] + i);
		}
		return;
	}
	for (uint32_t i = dm->segments[pos]; i < dm->segments[pos + 1]; i++) {
		z->coord[l] = dm->indices[i];
		fill(z, l + 1, i);
	}
}

int model_densify(const struct model_tensor *t, uint32_t idx, const struct model_sparsity *s,
		  const uint8_t *values, size_t size, uint8_t **ret_data, size_t *ret_size,
		  char *errbuf, size_t errbuf_size)
{
	struct dz z = { .s = s, .src = values };
	uint32_t n = t->rank, k = s->n_block, seen = 0;
	const char *name = t->name ? t->name : "";
	uint64_t elems, positions = 1;

	z.esize = model_type_size(t->type);
	if (!z.esize)
		return base_errf(errbuf, errbuf_size, -EOPNOTSUPP, "unsupported: tensor %u ('%s') "
				 "is a sparse %s tensor", idx, name, edgeai_tensor_type_name(t->type));
	for (uint32_t d = 0; d < t->rank; d++)
		if (t->shape[d] < 0)
			return SERR("bad dimensions: sparse tensor %u ('%s') dimension %u is %d", idx,
				    name, d, t->shape[d]);
	if (model_tensor_elems(t, &elems) < 0)
		return SERR("huge dimensions: sparse tensor %u ('%s') has more than %llu elements",
			    idx, name, (unsigned long long)MODEL_MAX_ELEMS);
	if (n > MODEL_MAX_RANK || k > n || s->n_order != n + k)
		return SERR("bad sparsity: tensor %u ('%s') of rank %u has a traversal order of %u "
			    "dimensions and %u block dimensions (want rank + blocks)", idx, name, n,
			    s->n_order, k);
	if (s->n_dims != s->n_order)
		return SERR("bad sparsity: tensor %u ('%s') has %u dimension metadata entries for a "
			    "traversal order of %u", idx, name, s->n_dims, s->n_order);
	z.rank = n;
	z.levels = n + k;
	/* traversal_order: the original dimensions, then the block dimensions, each once */
	for (uint32_t l = 0; l < z.levels; l++) {
		int32_t d = s->order[l];
		int32_t lo = l < n ? 0 : (int32_t)n, hi = l < n ? (int32_t)n : (int32_t)(n + k);

		if (d < lo || d >= hi || (seen >> d) & 1)
			return SERR("bad sparsity: tensor %u ('%s') traversal_order[%u] = %d is not a "
				    "permutation of %s dimensions %d..%d", idx, name, l, d,
				    l < n ? "the original" : "the block", lo, hi - 1);
		seen |= 1u << d;
	}
	for (uint32_t b = 0; b < k; b++) {
		int32_t d = s->block_map[b];

		if (d < 0 || (uint32_t)d >= n || (b && d <= s->block_map[b - 1]))
			return SERR("bad sparsity: tensor %u ('%s') block_map[%u] = %d is not a "
				    "dimension below %u in increasing order", idx, name, b, d, n);
	}
	for (uint32_t d = 0; d < n; d++)
		z.size[d] = (uint32_t)t->shape[d];	/* the blocked shape, by dimension for now */
	/* block sizes: the dense size of each block dimension's level */
	for (uint32_t l = n; l < z.levels; l++) {
		uint32_t b = (uint32_t)s->order[l] - n, d = (uint32_t)s->block_map[b];
		int32_t bs = s->dim[l].dense_size;

		if (s->dim[l].format != TFL_DIM_DENSE)
			return SERR("bad sparsity: tensor %u ('%s') block dimension %u is not dense",
				    idx, name, n + b);
		if (bs <= 0 || t->shape[d] % bs)
			return SERR("bad sparsity: tensor %u ('%s') block size %d does not divide "
				    "dimension %u (%d)", idx, name, bs, d, t->shape[d]);
		z.block[b] = (uint32_t)bs;
		z.size[d] = (uint32_t)(t->shape[d] / bs);
	}
	{
		uint32_t blocked[MODEL_MAX_RANK];

		memcpy(blocked, z.size, sizeof(blocked));
		for (uint32_t l = 0; l < z.levels; l++)
			z.size[l] = l < n ? blocked[s->order[l]] : z.block[s->order[l] - n];
	}
	/* each level against the size of its dimension; count the positions of each */
	for (uint32_t l = 0; l < z.levels; l++) {
		const struct model_sparse_dim *dm = &s->dim[l];

		if (dm->format == TFL_DIM_DENSE) {
			if (dm->dense_size < 0 || (uint32_t)dm->dense_size != z.size[l])
				return SERR("bad sparsity: tensor %u ('%s') dense level %u has size %d, "
					    "dimension %d is %u", idx, name, l, dm->dense_size,
					    s->order[l], z.size[l]);
			positions *= z.size[l];	/* at most the dense element count */
			continue;
		}
		if (dm->format != TFL_DIM_SPARSE_CSR)
			return SERR("bad sparsity: tensor %u ('%s') level %u has unknown format %u",
				    idx, name, l, dm->format);
		if (!dm->segments || (uint64_t)dm->n_segments != positions + 1)
			return SERR("bad sparsity: tensor %u ('%s') sparse level %u has %u "
				    "array_segments, want %llu", idx, name, l, dm->n_segments,
				    (unsigned long long)positions + 1);
		if (dm->segments[0] != 0 || dm->segments[positions] != dm->n_indices)
			return SERR("bad sparsity: tensor %u ('%s') sparse level %u: array_segments "
				    "run from %u to %u, want 0 to %u (array_indices)", idx, name, l,
				    dm->segments[0], dm->segments[positions], dm->n_indices);
		for (uint64_t p = 0; p < positions; p++) {
			uint32_t a = dm->segments[p], e = dm->segments[p + 1];

			if (e < a)
				return SERR("bad sparsity: tensor %u ('%s') sparse level %u: "
					    "array_segments[%llu] = %u is below the one before (%u)",
					    idx, name, l, (unsigned long long)p + 1, e, a);
			if (e > dm->n_indices)
				return SERR("bad sparsity: tensor %u ('%s') sparse level %u: "
					    "array_segments[%llu] = %u is past the %u array_indices",
					    idx, name, l, (unsigned long long)p + 1, e, dm->n_indices);
			for (uint32_t i = a; i < e; i++) {
				if (dm->indices[i] >= z.size[l])
					return SERR("bad sparsity: tensor %u ('%s') sparse level %u: "
						    "array_indices[%u] = %u is outside dimension %d "
						    "(%u)", idx, name, l, i, dm->indices[i],
						    s->order[l], z.size[l]);
				if (i > a && dm->indices[i] <= dm->indices[i - 1])
					return SERR("bad sparsity: tensor %u ('%s') sparse level %u: "
						    "array_indices[%u] = %u does not increase within "
						    "its segment", idx, name, l, i, dm->indices[i]);
			}
		}
		positions = dm->n_indices;	/* at most the dense count of this level */
	}
	if (size % z.esize || size / z.esize != positions)
		return SERR("bad sparsity: tensor %u ('%s') stores %zu bytes of values, its sparsity "
			    "metadata places %llu values of %zu bytes", idx, name, size,
			    (unsigned long long)positions, z.esize);
	if (elems > MODEL_MIN_SPARSE_LIMIT && elems / MODEL_MAX_SPARSE_RATIO > positions)
		return SERR("huge: sparse tensor %u ('%s') of %llu elements stores %llu values (at "
			    "most %d elements per value)", idx, name, (unsigned long long)elems,
			    (unsigned long long)positions, MODEL_MAX_SPARSE_RATIO);
	z.stride[n ? n - 1 : 0] = 1;
	for (uint32_t d = n; d-- > 1;)
		z.stride[d - 1] = z.stride[d] * (uint64_t)t->shape[d];
	z.dst = calloc(elems ? elems : 1, z.esize);
	if (!z.dst)
		return -ENOMEM;
	fill(&z, 0, 0);
	*ret_data = z.dst;
	*ret_size = elems * z.esize;
	return 0;
}
