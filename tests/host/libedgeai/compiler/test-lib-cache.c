// SPDX-License-Identifier: MIT
/*
 * The on-disk compile cache of edgeai_model_compile(), in a private
 * $EDGEAI_CACHE_DIR: the first compile stores the program, the next one
 * loads it (EDGEAI_CACHE_PROGRAM_HIT), its blob (used in place in the
 * entry's map) is the compiled one, and it runs to the same bytes; a
 * corrupt entry (a flipped byte, a truncated file, a bad header) is
 * detected, recompiled and stored again; another model gets its own
 * entry; EDGEAI_COMPILE_NO_CACHE and an empty $EDGEAI_CACHE_DIR turn the
 * cache off. The compile option cache_dir (since 0.5) names another
 * directory, created when missing, over $EDGEAI_CACHE_DIR ("" turns the
 * cache off); NO_CACHE still wins. (The device op-set entries need a
 * device: vm lane.)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ktap.h"
#include "test-tflite-build.h"

static char dir[] = "/tmp/edgeai-cache-test.XXXXXX";

/*
 * Compile @m (CPU_ONLY, @flags, the cache directory @cache_dir), run it on
 * @in into @out; returns the cache state or -errno.
 */
static int compile_run_in(struct edgeai_model *m, uint32_t flags, const char *cache_dir,
			  const uint8_t *in, uint8_t *out)
{
	struct edgeai_compile_options o = { .policy = EDGEAI_POLICY_CPU_ONLY, .flags = flags,
					    .cache_dir = cache_dir };
	struct edgeai_program *p = NULL;
	size_t in_size = 8 * 8 * 3, out_size = 5;
	const void *ins[1] = { in };
	void *outs[1] = { out };
	char err[256];
	int r;

	r = edgeai_model_compile(m, &o, &p, err, sizeof(err));
	if (r)
		return r;
	r = edgeai_program_run(p, ins, &in_size, 1, outs, &out_size, 1);
	if (!r)
		r = edgeai_program_get_cache_state(p);
	edgeai_program_unref(p);
	return r;
}

static int compile_run(struct edgeai_model *m, uint32_t flags, const uint8_t *in, uint8_t *out)
{
	return compile_run_in(m, flags, NULL, in, out);
}

/* The .prog entries of directory @where; @path gets the first one found, or "". */
static int entries_in(const char *where, char *path, size_t size)
{
	struct dirent *e;
	DIR *d = opendir(where);
	int n = 0;

	path[0] = 0;
	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (strstr(e->d_name, ".prog")) {
			if (!n)
				snprintf(path, size, "%s/%s", where, e->d_name);
			n++;
		}
	closedir(d);
	return n;
}

static int entries(char *path, size_t size)
{
	return entries_in(dir, path, size);
}

static void poke(const char *path, long off, uint8_t x)
{
	int fd = open(path, O_RDWR);
	uint8_t b = 0;

	if (fd < 0)
		return;
	if (pread(fd, &b, 1, off) == 1) {
		b ^= x;
		if (pwrite(fd, &b, 1, off) != 1)
			ktap_diag("pwrite failed");
	}
	close(fd);
}

int main(void)
{
	struct edgeai_model *m, *m2;
	uint8_t in[8 * 8 * 3], ref[5], out[5];
	char path[4096], old[4200];
	int unlink_old = 0;
	long size;
	FILE *f;
	int st;

	ktap_start();
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 73 + 11);
	if (!mkdtemp(dir))
		return 1;
	setenv("EDGEAI_CACHE_DIR", dir, 1);
	m = tb_small_cnn_int8(7);
	m2 = tb_small_cnn_int8(8);

	/* an entry of format 1 (FNV-1a key, 0.4.0), as an older library left it */
	snprintf(old, sizeof(old), "%s/0123456789abcdef0123456789abcdef-0.4.0-0123456789abcdef.prog", dir);
	f = fopen(old, "wb");
	if (!f || fwrite("EAPCACHE\1\0\0\0\1\0\0\0", 1, 16, f) != 16 || fclose(f))
		return 1;
	unlink_old = 1;

	st = compile_run(m, EDGEAI_COMPILE_NO_CACHE, in, ref);
	ktap_ok(st == 0 && entries(path, sizeof(path)) == 1,
		"EDGEAI_COMPILE_NO_CACHE: state %d, no entry written (only the old one there)", st);
	st = compile_run(m, 0, in, out);
	ktap_ok(st == EDGEAI_CACHE_STORED && entries(path, sizeof(path)) == 2,
		"first compile stores the program (state %d), beside the old entry", st);
	ktap_ok(access(old, F_OK) == 0, "the format-1 entry is ignored, not read as corrupt nor removed");
	unlink(old);
	unlink_old = 0;
	entries(path, sizeof(path));
	ktap_ok(strlen(strrchr(path, '/') + 1) == strlen("s256-") + 64 + strlen(".prog") &&
		!strncmp(strrchr(path, '/') + 1, "s256-", 5) &&
		strspn(strrchr(path, '/') + 6, "0123456789abcdef") == 64,
		"the entry is named by a SHA-256: %s", strrchr(path, '/') + 1);
	ktap_ok(!memcmp(out, ref, sizeof(out)), "and runs to the same bytes");
	st = compile_run(m, 0, in, out);
	ktap_ok(st == EDGEAI_CACHE_PROGRAM_HIT, "second compile loads it (state %d)", st);
	ktap_ok(!memcmp(out, ref, sizeof(out)), "the loaded program runs to the same bytes");
	{
		/* the loaded blob (in the entry's map, 64-byte aligned there) is the compiled one */
		struct edgeai_compile_options o = { .policy = EDGEAI_POLICY_CPU_ONLY };
		struct edgeai_program *fresh = NULL, *hit = NULL;
		const void *fb = NULL, *hb = NULL;
		size_t fs = 0, hs = 0;

		o.flags = EDGEAI_COMPILE_NO_CACHE;
		st = edgeai_model_compile(m, &o, &fresh, NULL, 0);
		o.flags = 0;
		st = st ? st : edgeai_model_compile(m, &o, &hit, NULL, 0);
		st = st ? st : edgeai_program_get_blob(fresh, &fb, &fs, NULL);
		st = st ? st : edgeai_program_get_blob(hit, &hb, &hs, NULL);
		ktap_ok(!st && fs == hs && !memcmp(fb, hb, fs) && ((uintptr_t)hb & 63) == 0 &&
			edgeai_program_get_cache_state(hit) == EDGEAI_CACHE_PROGRAM_HIT,
			"the loaded program's blob is the compiled one, 64-byte aligned (%zu bytes)",
			hs);
		edgeai_program_unref(fresh);
		edgeai_program_unref(hit);
	}

	/* a flipped byte in the middle of the payload */
	f = fopen(path, "rb");
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fclose(f);
	poke(path, size / 2, 0x40);
	st = compile_run(m, 0, in, out);
	ktap_ok(st == (EDGEAI_CACHE_CORRUPT | EDGEAI_CACHE_STORED) && !memcmp(out, ref, sizeof(out)),
		"a flipped payload byte is detected, the model recompiled and stored (state %d)", st);
	st = compile_run(m, 0, in, out);
	ktap_ok(st == EDGEAI_CACHE_PROGRAM_HIT, "the rewritten entry loads again (state %d)", st);

	/* a truncated file */
	if (truncate(path, 40))
		ktap_diag("truncate failed");
	st = compile_run(m, 0, in, out);
	ktap_ok(st == (EDGEAI_CACHE_CORRUPT | EDGEAI_CACHE_STORED) && !memcmp(out, ref, sizeof(out)),
		"a truncated entry is detected and recompiled (state %d)", st);

	/* a bad header */
	poke(path, 0, 0xff);
	st = compile_run(m, 0, in, out);
	ktap_ok(st == (EDGEAI_CACHE_CORRUPT | EDGEAI_CACHE_STORED),
		"a bad magic is detected and recompiled (state %d)", st);

	st = compile_run(m2, 0, in, out);
	ktap_ok(st == EDGEAI_CACHE_STORED && entries(path, sizeof(path)) == 2,
		"another model gets its own entry (state %d, %d entries)", st,
		entries(path, sizeof(path)));

	/* models read from a file: keyed by the file's bytes */
	{
		char sub[4200], file[4300];
		struct edgeai_model *fm = NULL, *mm = NULL;
		void *bytes = NULL;
		size_t n = 0;
		int ok;

		snprintf(sub, sizeof(sub), "%s/file", dir);
		snprintf(file, sizeof(file), "%s/model.tflite", dir);
		ok = !edgeai_model_save(m, &bytes, &n) && (f = fopen(file, "wb")) &&
		     fwrite(bytes, 1, n, f) == n && !fclose(f) &&
		     !edgeai_model_load_file(file, &fm, NULL, 0) &&
		     !edgeai_model_load(bytes, n, &mm, NULL, 0);
		ktap_ok(ok, "the model saved to a file and read back from it and from memory");
		if (ok) {
			st = compile_run_in(fm, 0, sub, in, out);
			ktap_ok(st == EDGEAI_CACHE_STORED && !memcmp(out, ref, sizeof(out)),
				"from a file: the first compile stores the program (state %d)", st);
			{
				/* the compile dropped the map's pages: they come back, the same */
				void *again = NULL;
				size_t n2 = 0;

				ktap_ok(!edgeai_model_save(fm, &again, &n2) && n2 == n &&
					!memcmp(again, bytes, n),
					"from a file: after the compile the model still writes the "
					"file's bytes");
				free(again);
				st = compile_run_in(fm, EDGEAI_COMPILE_NO_CACHE, sub, in, out);
				ktap_ok(st == 0 && !memcmp(out, ref, sizeof(out)),
					"from a file: a second compile without the cache runs to the "
					"same bytes");
			}
			edgeai_model_unref(fm);
			fm = NULL;
			st = edgeai_model_load_file(file, &fm, NULL, 0) ? -1 :
			     compile_run_in(fm, 0, sub, in, out);
			ktap_ok(st == EDGEAI_CACHE_PROGRAM_HIT && !memcmp(out, ref, sizeof(out)),
				"from the file again: the program loads from the cache (state %d)", st);
			st = compile_run_in(mm, 0, sub, in, out);
			ktap_ok(st == EDGEAI_CACHE_STORED && entries_in(sub, path, sizeof(path)) == 2 &&
				!memcmp(out, ref, sizeof(out)),
				"the same bytes from memory: an entry of their own (state %d)", st);
		}
		edgeai_model_unref(fm);
		edgeai_model_unref(mm);
		free(bytes);
		unlink(file);
		while (entries_in(sub, path, sizeof(path)))
			unlink(path);
		rmdir(sub);
	}

	/*
	 * the digest memo of a file: written for a file last changed seconds
	 * ago, used while the file is as it was, not after it changed
	 */
	{
		char sub[4200], file[4300], memo[4700];
		struct edgeai_model *fm = NULL;
		void *bytes = NULL, *bytes2 = NULL;
		uint8_t ref2[5];
		size_t n = 0, n2 = 0;
		int ok;

		snprintf(sub, sizeof(sub), "%s/memo", dir);
		snprintf(file, sizeof(file), "%s/memo.tflite", dir);
		ok = !edgeai_model_save(m, &bytes, &n) && !edgeai_model_save(m2, &bytes2, &n2) &&
		     (f = fopen(file, "wb")) && fwrite(bytes, 1, n, f) == n && !fclose(f) &&
		     compile_run_in(m2, EDGEAI_COMPILE_NO_CACHE, sub, in, ref2) == 0;
		sleep(4);	/* the memo is for files last changed 3 s ago or more */
		ok = ok && !edgeai_model_load_file(file, &fm, NULL, 0);
		st = ok ? compile_run_in(fm, 0, sub, in, out) : -1;
		edgeai_model_unref(fm);
		fm = NULL;
		memo[0] = 0;
		{
			DIR *d = opendir(sub);
			struct dirent *e;

			while (d && (e = readdir(d)))
				if (strstr(e->d_name, ".memo"))
					snprintf(memo, sizeof(memo), "%s/%s", sub, e->d_name);
			if (d)
				closedir(d);
		}
		ktap_ok(st == EDGEAI_CACHE_STORED && memo[0] && !memcmp(out, ref, sizeof(out)),
			"memo: a settled file's compile stores the program and a digest memo (%s)",
			memo[0] ? strrchr(memo, '/') + 1 : "none");
		st = edgeai_model_load_file(file, &fm, NULL, 0) ? -1 :
		     compile_run_in(fm, 0, sub, in, out);
		edgeai_model_unref(fm);
		fm = NULL;
		ktap_ok(st == EDGEAI_CACHE_PROGRAM_HIT && !memcmp(out, ref, sizeof(out)),
			"memo: the file read again hits its entry (state %d)", st);
		/* a flipped digest byte in the memo: the key follows the memo, so a miss */
		if (memo[0])
			poke(memo, 8 + 40 + 3, 0x10);
		st = edgeai_model_load_file(file, &fm, NULL, 0) ? -1 :
		     compile_run_in(fm, 0, sub, in, out);
		edgeai_model_unref(fm);
		fm = NULL;
		ktap_ok(st == EDGEAI_CACHE_STORED && !memcmp(out, ref, sizeof(out)),
			"memo: the key is made from the memo, not from the bytes (state %d)", st);
		/* the file rewritten in place with another model: its ctime moves on */
		ok = (f = fopen(file, "wb")) && fwrite(bytes2, 1, n2, f) == n2 && !fclose(f);
		st = ok && !edgeai_model_load_file(file, &fm, NULL, 0) ?
		     compile_run_in(fm, 0, sub, in, out) : -1;
		edgeai_model_unref(fm);
		ktap_ok(st == EDGEAI_CACHE_STORED && !memcmp(out, ref2, sizeof(out)),
			"memo: a changed file is hashed again, its own program runs (state %d)", st);
		free(bytes);
		free(bytes2);
		unlink(file);
		if (memo[0])
			unlink(memo);
		while (entries_in(sub, path, sizeof(path)))
			unlink(path);
		rmdir(sub);
	}

	/* the cache_dir compile option: over the environment, created when missing */
	{
		struct edgeai_compile_options bad = { .cache_dir = "" };
		struct edgeai_program *p = NULL;
		char sub[4200], big[5000];
		int n;

		snprintf(sub, sizeof(sub), "%s/option/programs", dir);
		st = compile_run_in(m, 0, sub, in, out);
		n = entries_in(sub, path, sizeof(path));
		ktap_ok(st == EDGEAI_CACHE_STORED && n == 1 && entries_in(dir, big, sizeof(big)) == 2 &&
			!memcmp(out, ref, sizeof(out)),
			"cache_dir option: a new directory is created and the program stored there, "
			"not in $EDGEAI_CACHE_DIR (state %d, %d entry)", st, n);
		st = compile_run_in(m, 0, sub, in, out);
		ktap_ok(st == EDGEAI_CACHE_PROGRAM_HIT && !memcmp(out, ref, sizeof(out)),
			"cache_dir option: the next compile loads it from there (state %d)", st);
		poke(path, 0, 0xff);
		st = compile_run_in(m, 0, sub, in, out);
		ktap_ok(st == (EDGEAI_CACHE_CORRUPT | EDGEAI_CACHE_STORED),
			"cache_dir option: a corrupt entry there is detected and recompiled (state %d)",
			st);
		st = compile_run_in(m, EDGEAI_COMPILE_NO_CACHE, sub, in, out);
		ktap_ok(st == 0, "EDGEAI_COMPILE_NO_CACHE wins over the cache_dir option (state %d)",
			st);
		st = compile_run_in(m2, 0, "", in, out);
		ktap_ok(st == 0 && entries_in(dir, path, sizeof(path)) == 2 &&
			entries_in(sub, path, sizeof(path)) == 1,
			"cache_dir \"\": no cache, though $EDGEAI_CACHE_DIR names one (state %d)", st);
		memset(big, 'a', sizeof(big) - 1);
		big[0] = '/';
		big[sizeof(big) - 1] = 0;
		bad.cache_dir = big;
		ktap_ok(edgeai_model_compile(m, &bad, &p, NULL, 0) == -EINVAL && !p,
			"a cache_dir longer than a path is -EINVAL");
		while (entries_in(sub, path, sizeof(path)))
			unlink(path);
		rmdir(sub);
		snprintf(sub, sizeof(sub), "%s/option", dir);
		rmdir(sub);
	}

	setenv("EDGEAI_CACHE_DIR", "", 1);
	st = compile_run(m, 0, in, out);
	ktap_ok(st == 0 && !memcmp(out, ref, sizeof(out)), "an empty EDGEAI_CACHE_DIR turns the cache off (state %d)", st);
	{
		char sub[4200];

		snprintf(sub, sizeof(sub), "%s/option", dir);
		st = compile_run_in(m, 0, sub, in, out);
		ktap_ok(st == EDGEAI_CACHE_STORED && entries_in(sub, path, sizeof(path)) == 1,
			"the cache_dir option caches even when $EDGEAI_CACHE_DIR is empty (state %d)",
			st);
		while (entries_in(sub, path, sizeof(path)))
			unlink(path);
		rmdir(sub);
	}

	edgeai_model_unref(m);
	edgeai_model_unref(m2);
	if (unlink_old)
		unlink(old);
	while (entries(path, sizeof(path)))
		unlink(path);
	rmdir(dir);
	return ktap_finish();
}
