// SPDX-License-Identifier: MIT
/*
 * On-disk cache of compiled programs.
 *
 * Directory: the compile's cache_dir option (empty: no cache), else
 * $EDGEAI_CACHE_DIR (empty: no cache), else
 * $XDG_CACHE_HOME/edgeai/programs, else $HOME/.cache/edgeai/programs
 * (no cache without any of them).
 *
 * Entries are named by KEY, the SHA-256 (base/sha256.h) of what the model
 * is made from (a tag, then the bytes: "file" and the file's bytes for a
 * model edgeai_model_load_file() read, which the reader turns into one
 * model only; else "model" and the model's serialized bytes), the library
 * version and a hash of the library's sources (CC_SRC_ID, from the
 * Makefile), each after its length, with "s256-" in front; a collision
 * resistant hash, so no other model's program is ever taken for this one.
 * The file's bytes spare a cold start the serialization of the whole
 * model (a copy of every weight) only to hash it; a file and the same
 * bytes loaded from memory get different entries. For a file, what goes
 * into the key is the SHA-256 of its bytes, which a memo in the directory
 * keeps (below), so that a warm start does not read the weights at all.
 * The files:
 *   KEY.prog                         the compiled program (cc_compiled)
 *   KEY-TYPE-FW-ABI-DRV.ops          which model ops the driver of a
 *                                    device (type, firmware version,
 *                                    firmware ABI, driver version) takes
 * Each file is a header (magic, format, payload size, a 64-bit checksum
 * of the payload: checksum()) and the payload. A file that fails any check
 * (short, bad magic, bad checksum, inconsistent sizes) is corrupt: it is
 * removed and the entry recomputed and stored again. Files are written to
 * a temporary name and renamed, so readers never see half an entry.
 * Entries of format 1 (FNV-1a keys, up to 0.4.0) have other names and are
 * never opened: they stay until the cache directory is cleaned.
 *
 *   file-DEV-INO.memo                the SHA-256 of the bytes of the model
 *                                    file with that device and inode
 *                                    number, and the size, mtime and
 *                                    ctime it had (struct file_memo)
 *
 * A memo is used only when the file still has that size, mtime and ctime
 * and did not change while it was read (model.h, file_id), and written
 * only for a file whose mtime and ctime are MEMO_SETTLED_NS old: a write
 * to the file sets its ctime (nobody can set it back) to the time of the
 * write, which timestamps of a coarse clock could make equal to the
 * ctime it had only within a tick of that time; a file last changed
 * seconds before its memo was made cannot be changed again and keep its
 * ctime (git's "racily clean" rule).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/sha256.h"
#include "compiler/cache.h"
#include "edgeai/edgeai.h"

#ifndef CC_SRC_ID
#define CC_SRC_ID "unknown"
#endif
#define CACHE_MAGIC "EAPCACHE"
/*
 * 3 (0.7): no host ops in a program entry; 4: the program blob at a 64-byte
 * aligned offset of the file (zero padding before it), used in place; 5:
 * checksum() instead of the payload's SHA-256
 */
#define CACHE_FORMAT 5

struct cache_hdr {
	char magic[8];
	uint32_t format;
	uint32_t kind;		/* 1 program, 2 op acceptance */
	uint64_t payload_size;
	uint64_t checksum;
};

/* One step of checksum(): a bijection of @acc for each @w, and of @w for each @acc. */
static inline uint64_t ck_step(uint64_t acc, uint64_t w)
{
	acc ^= w;
	acc *= UINT64_C(0x9e3779b97f4a7c15);	/* odd: invertible mod 2^64 */
	return acc ^ acc >> 29;
}

static inline uint64_t ck_word(const uint8_t *p)
{
	uint64_t w;

	memcpy(&w, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	return w;
}

/*
 * The payload checksum of a cache entry: corruption detection (the key,
 * a SHA-256, names what the entry is; whoever can write the cache
 * directory can write any checksum anyway), so a fast one. Four lanes take
 * the 8-byte little-endian words in turn, each lane's state changing
 * bijectively with each word, so that one changed word always changes
 * the result; the tail is zero-padded and the size mixed in. Warm starts
 * read every byte of the entry through it: a SHA-256 of a few megabytes
 * took a tenth of a warm start's time.
 */
static uint64_t checksum(const void *data, size_t size)
{
	uint64_t a0 = 1, a1 = 2, a2 = 3, a3 = 4, r = size;
	const uint8_t *p = data;
	uint8_t tail[32] = { 0 };
	size_t n = size & ~(size_t)31, i;

	for (i = 0; i < n; i += 32) {
		a0 = ck_step(a0, ck_word(p + i));
		a1 = ck_step(a1, ck_word(p + i + 8));
		a2 = ck_step(a2, ck_word(p + i + 16));
		a3 = ck_step(a3, ck_word(p + i + 24));
	}
	if (size > n) {
		memcpy(tail, p + n, size - n);
		a0 = ck_step(a0, ck_word(tail));
		a1 = ck_step(a1, ck_word(tail + 8));
		a2 = ck_step(a2, ck_word(tail + 16));
		a3 = ck_step(a3, ck_word(tail + 24));
	}
	r = ck_step(ck_step(ck_step(ck_step(r, a0), a1), a2), a3);
	return ck_step(r, 0);
}

/* @s after its length (8 bytes, little-endian), so fields cannot run into each other */
static void hash_field(struct base_sha256 *h, const void *s, size_t n)
{
	uint8_t len[8];
	int i;

	for (i = 0; i < 8; i++)
		len[i] = (uint8_t)((uint64_t)n >> (8 * i));
	base_sha256_update(h, len, sizeof(len));
	base_sha256_update(h, s, n);
}

static int mkdir_p(char *path)
{
	char *s;

	for (s = path + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(path, 0755) && errno != EEXIST) {
			*s = '/';
			return -errno;
		}
		*s = '/';
	}
	if (mkdir(path, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

int cc_cache_dir(const char *dir, char *buf, size_t size)
{
	const char *e = dir ? dir : secure_getenv("EDGEAI_CACHE_DIR");

	if (e) {
		if (!*e)
			return -ENOENT;
		snprintf(buf, size, "%s", e);
	} else if ((e = secure_getenv("XDG_CACHE_HOME")) && *e == '/') {
		snprintf(buf, size, "%s/edgeai/programs", e);
	} else if ((e = secure_getenv("HOME")) && *e == '/' && strcmp(e, "/")) {
		snprintf(buf, size, "%s/.cache/edgeai/programs", e);
	} else {
		return -ENOENT;
	}
	return mkdir_p(buf);
}

#define MEMO_MAGIC "EAPMEMO1"
#define MEMO_SETTLED_NS (INT64_C(3) * 1000000000)

struct file_memo {
	char magic[8];
	struct model_file_id id;
	uint8_t digest[BASE_SHA256_SIZE];
};

static void memo_path(char *path, size_t size, const char *dir, const struct model_file_id *id)
{
	snprintf(path, size, "%s/file-%llx-%llx.memo", dir, (unsigned long long)id->dev,
		 (unsigned long long)id->ino);
}

/* Whether @id's file was last changed MEMO_SETTLED_NS ago or earlier. */
static int settled(const struct model_file_id *id)
{
	struct timespec now;
	int64_t t;

	if (clock_gettime(CLOCK_REALTIME, &now))
		return 0;
	t = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
	return t - id->mtime_ns >= MEMO_SETTLED_NS && t - id->ctime_ns >= MEMO_SETTLED_NS;
}

/*
 * The SHA-256 of the bytes of @m's file: from its memo in @dir when the
 * memo is of this file as it is, else hashed (and the memo written when
 * the file is settled()).
 */
static void file_digest(const struct edgeai_model *m, const char *dir,
			uint8_t digest[BASE_SHA256_SIZE])
{
	struct file_memo fm;
	char path[4200], tmp[4300];
	int fd, ok = 0;

	if (!dir || !m->file_id_ok || !settled(&m->file_id)) {
		base_sha256(m->map, m->map_size, digest);
		return;
	}
	memo_path(path, sizeof(path), dir, &m->file_id);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ok = read(fd, &fm, sizeof(fm)) == (ssize_t)sizeof(fm) &&
		     !memcmp(fm.magic, MEMO_MAGIC, 8) && !memcmp(&fm.id, &m->file_id, sizeof(fm.id));
		close(fd);
	}
	if (ok) {
		memcpy(digest, fm.digest, BASE_SHA256_SIZE);
		return;
	}
	base_sha256(m->map, m->map_size, digest);
	memset(&fm, 0, sizeof(fm));
	memcpy(fm.magic, MEMO_MAGIC, 8);
	fm.id = m->file_id;
	memcpy(fm.digest, digest, BASE_SHA256_SIZE);
	snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	ok = write(fd, &fm, sizeof(fm)) == (ssize_t)sizeof(fm);
	ok &= !close(fd);
	if (!ok || rename(tmp, path))
		unlink(tmp);
}

int cc_cache_key(const struct edgeai_model *m, const char *dir, char *key, size_t size)
{
	uint8_t *data = NULL, digest[BASE_SHA256_SIZE];
	char hex[2 * BASE_SHA256_SIZE + 1];
	struct base_sha256 h;
	size_t n = 0;
	int r;

	base_sha256_init(&h);
	if (m->map && m->map_is_model) {
		uint8_t fdig[BASE_SHA256_SIZE];

		file_digest(m, dir, fdig);
		hash_field(&h, "file", 4);
		hash_field(&h, fdig, sizeof(fdig));
	} else {
		r = model_write_tflite(m, &data, &n, NULL, 0);
		if (r)
			return r;
		hash_field(&h, "model", 5);
		hash_field(&h, data, n);
	}
	hash_field(&h, edgeai_version(), strlen(edgeai_version()));
	hash_field(&h, CC_SRC_ID, strlen(CC_SRC_ID));
	base_sha256_final(&h, digest);
	free(data);
	base_sha256_hex(digest, hex);
	if ((size_t)snprintf(key, size, "s256-%s", hex) >= size)
		return -ENAMETOOLONG;
	return 0;
}

static int write_entry(const char *path, uint32_t kind, const void *payload, size_t size)
{
	struct cache_hdr h = { .format = CACHE_FORMAT, .kind = kind, .payload_size = size };
	char tmp[4200];
	FILE *f;
	int bad;

	memcpy(h.magic, CACHE_MAGIC, 8);
	h.checksum = checksum(payload, size);
	snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid());
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	bad = fwrite(&h, sizeof(h), 1, f) != 1 || fwrite(payload, 1, size, f) != size;
	bad |= fclose(f) != 0;
	if (bad || rename(tmp, path)) {
		unlink(tmp);
		return -EIO;
	}
	return 0;
}

/* A valid entry's payload, inside a read-only map of its file. */
struct entry {
	void *map;
	size_t map_size;
	const uint8_t *p;	/* the payload */
	size_t size;
};

static void entry_unmap(struct entry *e)
{
	if (e->map)
		munmap(e->map, e->map_size);
	e->map = NULL;
}

/*
 * The payload of a valid entry at @path in @e (entry_unmap() it), -ENOENT
 * when none, -EBADMSG when corrupt (removed). The file is mapped, not
 * read: the payload is checked and copied out (cc_cache_load_program())
 * from the page cache directly, not from a copy of the file. Entries are
 * renamed into place whole and never written again, so a mapped file
 * does not change under the map.
 */
static int read_entry(const char *path, uint32_t kind, struct entry *e)
{
	struct cache_hdr h;
	struct stat st;
	void *map;
	int fd;

	memset(e, 0, sizeof(*e));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -ENOENT;
	if (fstat(fd, &st) || (uint64_t)st.st_size < sizeof(h) ||
	    (uint64_t)st.st_size > (1u << 30) + sizeof(h)) {
		close(fd);
		goto corrupt;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return -ENOMEM;
	e->map = map;
	e->map_size = (size_t)st.st_size;
	memcpy(&h, map, sizeof(h));
	if (memcmp(h.magic, CACHE_MAGIC, 8) || h.format != CACHE_FORMAT || h.kind != kind ||
	    h.payload_size != (uint64_t)st.st_size - sizeof(h) ||
	    checksum((const uint8_t *)map + sizeof(h), h.payload_size) != h.checksum) {
		entry_unmap(e);
		goto corrupt;
	}
	e->p = (const uint8_t *)map + sizeof(h);
	e->size = h.payload_size;
	return 0;
corrupt:
	unlink(path);
	return -EBADMSG;
}

/*
 * Payload of a program entry: struct prog_payload, the inputs' and
 * outputs' struct cc_io, a struct place_payload per model op, zeros up to
 * a 64-byte aligned offset of the file, the blob. A loaded program's blob
 * stays in the entry's map (cc_compiled.map): a warm start neither copies
 * the program nor faults in fresh memory for it.
 */
struct prog_payload {
	uint64_t arena_size, blob_size;
	uint32_t n_in, n_out, n_ops, pad;
};

struct place_payload {
	int32_t tfl_code;
	uint32_t prog_op;
	uint32_t fused;
};

/* The payload bytes before the blob of a program entry with these counts. */
static size_t blob_at(uint64_t n_in, uint64_t n_out, uint64_t n_ops)
{
	size_t head = sizeof(struct cache_hdr) + sizeof(struct prog_payload) +
		      sizeof(struct cc_io) * (n_in + n_out) + sizeof(struct place_payload) * n_ops;

	return ((head + 63) & ~(size_t)63) - sizeof(struct cache_hdr);
}

int cc_cache_store_program(const char *dir, const char *key, const struct cc_compiled *c)
{
	struct prog_payload pp = {
		.arena_size = c->arena_size, .blob_size = c->size, .n_in = c->n_in, .n_out = c->n_out,
		.n_ops = c->n_ops,
	};
	size_t size = blob_at(c->n_in, c->n_out, c->n_ops) + c->size;
	char path[4096];
	uint8_t *b = calloc(1, size), *p;
	uint32_t i;
	int r;

	if (!b)
		return -ENOMEM;
	p = b;
	memcpy(p, &pp, sizeof(pp));
	p += sizeof(pp);
	memcpy(p, c->in, sizeof(struct cc_io) * c->n_in);
	p += sizeof(struct cc_io) * c->n_in;
	memcpy(p, c->out, sizeof(struct cc_io) * c->n_out);
	p += sizeof(struct cc_io) * c->n_out;
	for (i = 0; i < c->n_ops; i++) {
		struct place_payload pl = { .tfl_code = c->place[i].tfl_code,
					    .prog_op = c->place[i].prog_op,
					    .fused = c->place[i].fused };

		memcpy(p, &pl, sizeof(pl));
		p += sizeof(pl);
	}
	memcpy(b + blob_at(c->n_in, c->n_out, c->n_ops), c->blob, c->size);	/* calloc(): zero pad */
	snprintf(path, sizeof(path), "%s/%s.prog", dir, key);
	r = write_entry(path, 1, b, size);
	free(b);
	return r;
}

int cc_cache_load_program(const char *dir, const char *key, struct cc_compiled **ret)
{
	struct prog_payload pp;
	struct cc_compiled *c;
	char path[4096];
	const uint8_t *b, *p;
	struct entry e;
	size_t size, want;
	uint32_t i;
	int r;

	snprintf(path, sizeof(path), "%s/%s.prog", dir, key);
	r = read_entry(path, 1, &e);
	if (r)
		return r;
	b = e.p;
	size = e.size;
	if (size < sizeof(pp))
		goto corrupt;
	memcpy(&pp, b, sizeof(pp));
	if (pp.n_in > 4096 || pp.n_out > 4096 || pp.n_ops > (1u << 20) || pp.pad ||
	    pp.blob_size > size || !pp.n_out)
		goto corrupt;	/* no operators: a program that passes its inputs through */
	want = blob_at(pp.n_in, pp.n_out, pp.n_ops) + pp.blob_size;
	if (want != size)
		goto corrupt;
	c = calloc(1, sizeof(*c));
	if (!c) {
		entry_unmap(&e);
		return -ENOMEM;
	}
	c->arena_size = pp.arena_size;
	c->size = pp.blob_size;
	c->n_in = pp.n_in;
	c->n_out = pp.n_out;
	c->n_ops = pp.n_ops;
	c->in = calloc(pp.n_in ? pp.n_in : 1, sizeof(*c->in));
	c->out = calloc(pp.n_out, sizeof(*c->out));
	c->place = calloc(pp.n_ops ? pp.n_ops : 1, sizeof(*c->place));
	if (!c->in || !c->out || !c->place) {
		cc_compiled_free(c);
		entry_unmap(&e);
		return -ENOMEM;
	}
	p = b + sizeof(pp);
	memcpy(c->in, p, sizeof(struct cc_io) * pp.n_in);
	p += sizeof(struct cc_io) * pp.n_in;
	memcpy(c->out, p, sizeof(struct cc_io) * pp.n_out);
	p += sizeof(struct cc_io) * pp.n_out;
	for (i = 0; i < pp.n_ops; i++) {
		struct place_payload pl;

		memcpy(&pl, p, sizeof(pl));
		p += sizeof(pl);
		/*
		 * an activation fuses into an earlier op, SPACE_TO_BATCH_ND into
		 * a later one (its convolution): any op but itself
		 */
		if (pl.fused > pp.n_ops || pl.fused == i + 1) {
			cc_compiled_free(c);
			goto corrupt;
		}
		c->place[i].tfl_code = pl.tfl_code;
		c->place[i].prog_op = pl.prog_op;
		c->place[i].fused = pl.fused;
	}
	/* the blob in place: the entry's map goes with the program */
	c->blob = (void *)(b + blob_at(pp.n_in, pp.n_out, pp.n_ops));
	c->map = e.map;
	c->map_size = e.map_size;
	*ret = c;
	return 0;
corrupt:
	entry_unmap(&e);
	unlink(path);
	return -EBADMSG;
}

static void ops_path(char *path, size_t size, const char *dir, const char *key,
		     const struct rt_identity *d)
{
	snprintf(path, size, "%s/%s-%u-%x-%u-%u.%u.%u.ops", dir, key, d->type, d->fw_version,
		 d->fw_abi, d->drv_major, d->drv_minor, d->drv_patch);
}

int cc_cache_load_ops(const char *dir, const char *key, const struct rt_identity *d,
		      uint8_t *accept, uint32_t n_ops)
{
	char path[4096];
	struct entry e;
	int r;

	ops_path(path, sizeof(path), dir, key, d);
	r = read_entry(path, 2, &e);
	if (r)
		return r;
	if (e.size != n_ops) {
		entry_unmap(&e);
		unlink(path);
		return -EBADMSG;
	}
	memcpy(accept, e.p, n_ops);
	entry_unmap(&e);
	return 0;
}

int cc_cache_store_ops(const char *dir, const char *key, const struct rt_identity *d,
		       const uint8_t *accept, uint32_t n_ops)
{
	char path[4096];

	ops_path(path, sizeof(path), dir, key, d);
	return write_entry(path, 2, accept, n_ops);
}
