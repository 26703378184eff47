// SPDX-License-Identifier: GPL-2.0
/*
 * dkfsx: a random-operation file exerciser for daxkitfs (and any Linux
 * filesystem), in the spirit of fsx.
 *
 *   dkfsx [options] FILE
 *
 * Creates (or truncates) FILE and runs random operations on it: pwrite,
 * pread, stores and loads through a shared mapping, ftruncate, the
 * fallocate modes, fsync/fdatasync, close and reopen (O_DIRECT with -d),
 * and SEEK_DATA/SEEK_HOLE.  A shadow copy of the file and its expected
 * size are kept in memory; after each operation the range it touched and
 * the size are read back from the file (pread, fstat) and compared, and
 * every -C operations and at the end the whole file.
 *
 * Replay: every random choice (operation, offsets, lengths, data) comes
 * from one splitmix64 stream seeded by -S, and depends only on the seed,
 * the options and the shadow, never on what the filesystem answered.  So
 * the same seed and options give the same operations on any machine and
 * any filesystem (-o prints them).  What the filesystem does not support
 * is noted once (an error with -E strict) and then: a fallocate mode is
 * still drawn but emulated (ftruncate, zeroing stores through a mapping:
 * the file stays as a filesystem with the mode would leave it), counted
 * as skipped; SEEK_DATA/SEEK_HOLE is skipped; an O_DIRECT reopen opens
 * without O_DIRECT but keeps the pread/pwrite alignment.
 *
 * Invariant of the shadow: the bytes past the expected size are zero (a
 * shrinking truncate zeroes them), so a file that grows again must read
 * zeros there.
 *
 * Exit status: 0 all operations passed; 1 the file differed from the
 * shadow (the report names the operation, the first differing offset,
 * expected and read bytes, the recent operations and the command line to
 * replay); 2 an unexpected error from a system call, or a usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <linux/falloc.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef uint64_t u64;

#define DIO_ALIGN	4096ULL		/* O_DIRECT offsets, lengths, buffers */
#define LINE_MAX_OP	160

/* ---- operations ---- */

enum op {
	OP_WRITE, OP_READ, OP_MAPWRITE, OP_MAPREAD, OP_TRUNCATE, OP_FALLOC,
	OP_SYNC, OP_REOPEN, OP_SEEK, NR_OPS
};

static const char *const op_plural[NR_OPS] = {
	"writes", "reads", "mapwrites", "mapreads", "truncates", "fallocates",
	"syncs", "reopens", "seeks",
};

/* Relative weights of the operations that are not disabled. */
static const unsigned int op_weight[NR_OPS] = {
	[OP_WRITE] = 20, [OP_READ] = 14, [OP_MAPWRITE] = 10, [OP_MAPREAD] = 10,
	[OP_TRUNCATE] = 6, [OP_FALLOC] = 10, [OP_SYNC] = 2, [OP_REOPEN] = 1,
	[OP_SEEK] = 6,
};

enum fa_mode { FA_ALLOC, FA_KEEP, FA_PUNCH, FA_ZERO, FA_ZERO_KEEP, NR_FA };

static const struct {
	const char *name;
	int flags;
} fa_modes[NR_FA] = {
	[FA_ALLOC] = { "alloc", 0 },
	[FA_KEEP] = { "keep_size", FALLOC_FL_KEEP_SIZE },
	[FA_PUNCH] = { "punch_hole", FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE },
	[FA_ZERO] = { "zero_range", FALLOC_FL_ZERO_RANGE },
	[FA_ZERO_KEEP] = { "zero_range_keep_size", FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE },
};

/* ---- options ---- */

static const char *fname;
static u64 opt_ops = 100000;
static u64 opt_seed;
static int seed_given;
static u64 opt_maxlen = 256 * 1024;
static u64 opt_maxsize = 8 * 1024 * 1024;
static u64 opt_check_every = 1000;
static u64 opt_corrupt_at;		/* -X: 0 = never */
static u64 opt_time_limit;		/* -t seconds: 0 = none */
static unsigned int opt_ring = 64;
static int opt_log, opt_quiet, opt_direct, opt_pgalign, opt_strict;
static int op_off[NR_OPS];		/* disabled by an option */
static int fa_off[NR_FA];		/* disabled by an option */

/* ---- state ---- */

static unsigned char *shadow;		/* opt_maxsize bytes */
static unsigned char *wbuf, *rbuf;	/* DIO_ALIGN-aligned */
static u64 size;			/* expected file size */
static int fd = -1;
static int fd_direct;			/* the fd was drawn to be O_DIRECT */
static u64 pagesize;
static u64 opno;			/* the current operation, from 1 */
static char cur[LINE_MAX_OP];		/* its description */
static u64 count[NR_OPS], skipped;
static int fa_unsup[NR_FA], seek_unsup, direct_unsup;
static char (*ring)[LINE_MAX_OP + 24];	/* "N " and the description */
static u64 ring_n;
static char replay[512];

/* ---- random numbers: splitmix64 ---- */

static u64 prng;

static u64 next_u64(u64 *s)
{
	u64 z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static u64 rnd(void)
{
	return next_u64(&prng);
}

/* Uniform in [0, n); 0 when n is 0. */
static u64 below(u64 n)
{
	return (u64)(((unsigned __int128)rnd() * n) >> 64);
}

/* Fill buf with len bytes of the stream seeded by seed. */
static void fill(unsigned char *buf, u64 len, u64 seed)
{
	u64 i, v;

	for (i = 0; i + 8 <= len; i += 8) {
		v = next_u64(&seed);
		memcpy(buf + i, &v, 8);
	}
	if (i < len) {
		v = next_u64(&seed);
		memcpy(buf + i, &v, len - i);
	}
}

/* ---- reports ---- */

static void print_ring(void)
{
	u64 i, n = ring_n < opt_ring ? ring_n : opt_ring;

	if (!n)
		return;
	fprintf(stderr, "dkfsx: the last %" PRIu64 " operations, oldest first:\n", n);
	for (i = ring_n - n; i < ring_n; i++)
		fprintf(stderr, "  %s\n", ring[i % opt_ring]);
}

static void print_replay(void)
{
	fprintf(stderr, "dkfsx: seed %" PRIu64 "; replay with: %s\n", opt_seed, replay);
}

static void __attribute__((noreturn)) finish_fail(int status)
{
	print_ring();
	print_replay();
	exit(status);
}

/* An unexpected error from a system call: exit 2. */
static void __attribute__((noreturn, format(printf, 1, 2))) die_sys(const char *fmt, ...)
{
	int e = errno;
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "dkfsx: %s: op %" PRIu64 " (%s): ", fname, opno, cur);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(e));
	finish_fail(2);
}

/* The file is not what the shadow says: exit 1. */
static void __attribute__((noreturn, format(printf, 1, 2))) mismatch(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "dkfsx: %s: MISMATCH at op %" PRIu64 " (%s): ", fname, opno, cur);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	finish_fail(1);
}

static void note(const char *what)
{
	if (!opt_quiet)
		fprintf(stderr, "dkfsx: %s: note: %s\n", fname, what);
}

/*
 * An unsupported feature: a note saying what happens from now on (then),
 * or with -E strict an error.
 */
static void unsupported(const char *what, const char *then)
{
	char buf[256];

	if (opt_strict)
		die_sys("%s (unsupported, and -E strict)", what);
	snprintf(buf, sizeof(buf), "%s: %s; %s", what, strerror(errno), then);
	note(buf);
}

static void hexline(const char *label, const unsigned char *buf, u64 base, u64 from, u64 to,
		    u64 mark)
{
	u64 i;

	fprintf(stderr, "  %-8s 0x%08" PRIx64 ":", label, base + from);
	for (i = from; i < to; i++)
		fprintf(stderr, i == mark ? "[%02x]" : " %02x ", buf[i]);
	fprintf(stderr, "\n");
}

/*
 * got[0..n) was read at file offset off, exp the same range of the
 * shadow; report the first difference and exit 1.
 */
static void __attribute__((noreturn)) data_mismatch(const char *what, u64 off,
						     const unsigned char *exp,
						     const unsigned char *got, u64 n)
{
	u64 i, first = 0, last = 0, ndiff = 0, from, to;

	for (i = 0; i < n; i++) {
		if (exp[i] != got[i]) {
			if (!ndiff)
				first = i;
			last = i;
			ndiff++;
		}
	}
	fflush(stdout);
	fprintf(stderr, "dkfsx: %s: MISMATCH at op %" PRIu64 " (%s): %s: first difference "
		"at offset 0x%" PRIx64 " (expected 0x%02x, got 0x%02x); %" PRIu64
		" bytes differ in 0x%" PRIx64 "..0x%" PRIx64 "; file size 0x%" PRIx64 "\n",
		fname, opno, cur, what, off + first, exp[first], got[first], ndiff,
		off + first, off + last, size);
	from = first >= 8 ? first - 8 : 0;
	to = from + 24 < n ? from + 24 : n;
	hexline("expected", exp, off, from, to, first);
	hexline("got", got, off, from, to, first);
	finish_fail(1);
}

/* ---- file access ---- */

static u64 pread_full(void *buf, u64 len, u64 off)
{
	u64 done = 0;
	ssize_t n;

	while (done < len) {
		n = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));
		if (n < 0)
			die_sys("pread 0x%" PRIx64 " bytes at 0x%" PRIx64, len - done, off + done);
		if (n == 0)
			break;
		done += (u64)n;
	}
	return done;
}

static void pwrite_full(const void *buf, u64 len, u64 off)
{
	u64 done = 0;
	ssize_t n;

	while (done < len) {
		n = pwrite(fd, (const char *)buf + done, len - done, (off_t)(off + done));
		if (n < 0)
			die_sys("pwrite 0x%" PRIx64 " bytes at 0x%" PRIx64, len - done, off + done);
		if (n == 0) {
			errno = EIO;
			die_sys("pwrite 0x%" PRIx64 " bytes at 0x%" PRIx64 " wrote nothing",
				len - done, off + done);
		}
		done += (u64)n;
	}
}

static void check_size(void)
{
	struct stat st;

	if (fstat(fd, &st))
		die_sys("fstat");
	if ((u64)st.st_size != size)
		mismatch("file size is 0x%llx, expected 0x%" PRIx64,
			 (unsigned long long)st.st_size, size);
}

/*
 * Read [off, off+len) back with pread (widened to DIO_ALIGN on an
 * O_DIRECT fd) and compare it with the shadow: the read must stop at the
 * expected size exactly, and every byte read must match.
 */
static void check_range(u64 off, u64 len, const char *what)
{
	u64 lo = off, hi = off + len, want, got;

	if (fd_direct) {
		lo &= ~(DIO_ALIGN - 1);
		hi = (hi + DIO_ALIGN - 1) & ~(DIO_ALIGN - 1);
	}
	if (hi <= lo)
		return;
	want = lo < size ? (hi < size ? hi : size) - lo : 0;
	got = pread_full(rbuf, hi - lo, lo);
	if (got != want)
		mismatch("%s: pread of 0x%" PRIx64 " bytes at 0x%" PRIx64 " returned 0x%"
			 PRIx64 ", expected 0x%" PRIx64 " (file size 0x%" PRIx64 ")",
			 what, hi - lo, lo, got, want, size);
	if (memcmp(rbuf, shadow + lo, got))
		data_mismatch(what, lo, shadow + lo, rbuf, got);
}

static void check_all(const char *what)
{
	check_size();
	check_range(0, size ? size : 1, what);
}

static void open_file(int flags)
{
	fd = open(fname, O_RDWR | flags, 0644);
	if (fd < 0 && (flags & O_DIRECT) && errno == EINVAL) {
		unsupported("open with O_DIRECT", "opens without it from now on");
		direct_unsup = 1;
		fd = open(fname, O_RDWR | (flags & ~O_DIRECT), 0644);
	}
	if (fd < 0)
		die_sys("open %s", fname);
}

/* ---- drawing ranges ---- */

/*
 * A range [*off, *off+*len) inside [0, opt_maxsize): the offset
 * anywhere (1 in 2) or within the expected size, the length from 1 to
 * opt_maxlen; both aligned to gran (a power of two that divides
 * opt_maxsize), the length then at least gran.
 */
static void draw_range(u64 *off, u64 *len, u64 gran)
{
	u64 o, l;

	if (below(2) || !size)
		o = below(opt_maxsize);
	else
		o = below(size);
	l = 1 + below(opt_maxlen);
	o &= ~(gran - 1);
	l = (l + gran - 1) & ~(gran - 1);
	if (o + l > opt_maxsize)
		l = opt_maxsize - o;
	*off = o;
	*len = l;
}

static u64 base_gran(void)
{
	return opt_pgalign ? pagesize : 1;
}

/* ---- the operations ---- */

static void describe(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void describe(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cur, sizeof(cur), fmt, ap);
	va_end(ap);
	if (opt_ring)
		snprintf(ring[ring_n++ % opt_ring], LINE_MAX_OP + 24, "%" PRIu64 " %s", opno, cur);
	if (opt_log)
		printf("%" PRIu64 " %s\n", opno, cur);
}

static int do_write(void)
{
	u64 off, len, dseed;
	int zeros;

	draw_range(&off, &len, fd_direct ? DIO_ALIGN : base_gran());
	dseed = rnd();
	zeros = !below(16);	/* now and then a write of zeros: data that reads as a hole */
	describe("write 0x%" PRIx64 " thru 0x%" PRIx64 " (0x%" PRIx64 " bytes)%s",
		 off, off + len - 1, len, zeros ? " zeros" : "");
	if (zeros)
		memset(wbuf, 0, len);
	else
		fill(wbuf, len, dseed);
	pwrite_full(wbuf, len, off);
	memcpy(shadow + off, wbuf, len);
	if (off + len > size)
		size = off + len;
	check_size();
	check_range(off, len, "read back after write");
	return 1;
}

static int do_read(void)
{
	u64 off, len, gran = fd_direct ? DIO_ALIGN : base_gran(), want, got;

	if (!below(16) || !size) {
		draw_range(&off, &len, gran);	/* anywhere: often past EOF */
	} else {
		off = below(size) & ~(gran - 1);
		len = ((1 + below(opt_maxlen)) + gran - 1) & ~(gran - 1);
		if (off + len > opt_maxsize)
			len = opt_maxsize - off;
	}
	describe("read 0x%" PRIx64 " thru 0x%" PRIx64 " (0x%" PRIx64 " bytes)",
		 off, off + len - 1, len);
	want = off < size ? (off + len < size ? off + len : size) - off : 0;
	got = pread_full(rbuf, len, off);
	if (got != want)
		mismatch("pread returned 0x%" PRIx64 " bytes, expected 0x%" PRIx64
			 " (file size 0x%" PRIx64 ")", got, want, size);
	if (memcmp(rbuf, shadow + off, got))
		data_mismatch("pread", off, shadow + off, rbuf, got);
	check_size();
	return 1;
}

static unsigned char *map_window(u64 off, u64 len, int prot, u64 *pgoff, u64 *maplen)
{
	void *p;

	*pgoff = off & ~(pagesize - 1);
	*maplen = ((off + len + pagesize - 1) & ~(pagesize - 1)) - *pgoff;
	p = mmap(NULL, *maplen, prot, MAP_SHARED, fd, (off_t)*pgoff);
	if (p == MAP_FAILED)
		die_sys("mmap 0x%" PRIx64 " bytes at 0x%" PRIx64, *maplen, *pgoff);
	return p;
}

/*
 * The bytes of the mapping past the expected size, up to the end of the
 * page that holds it, must read zero: nothing this program does ever
 * writes there.
 */
static void check_eof_page(const unsigned char *map, u64 pgoff, u64 maplen)
{
	u64 i, end = pgoff + maplen;

	if (size % pagesize == 0 || size < pgoff || size >= end)
		return;
	for (i = size; i < end && i < ((size + pagesize - 1) & ~(pagesize - 1)); i++)
		if (map[i - pgoff])
			mismatch("mapped byte 0x%" PRIx64 " past EOF (0x%" PRIx64
				 ") reads 0x%02x, expected zero", i, size, map[i - pgoff]);
}

static int do_mapwrite(void)
{
	u64 off, len, dseed, pgoff, maplen;
	unsigned char *map;
	int sync;

	draw_range(&off, &len, base_gran());
	dseed = rnd();
	sync = !below(4);
	describe("mapwrite 0x%" PRIx64 " thru 0x%" PRIx64 " (0x%" PRIx64 " bytes)%s",
		 off, off + len - 1, len, sync ? " msync" : "");
	if (off + len > size) {
		if (ftruncate(fd, (off_t)(off + len)))
			die_sys("ftruncate to 0x%" PRIx64 " before mapwrite", off + len);
		size = off + len;
	}
	fill(wbuf, len, dseed);
	map = map_window(off, len, PROT_READ | PROT_WRITE, &pgoff, &maplen);
	memcpy(map + (off - pgoff), wbuf, len);
	memcpy(shadow + off, wbuf, len);
	check_eof_page(map, pgoff, maplen);
	if (sync && msync(map, maplen, MS_SYNC))
		die_sys("msync");
	if (munmap(map, maplen))
		die_sys("munmap");
	check_size();
	check_range(off, len, "read back after mapwrite");
	return 1;
}

static int do_mapread(void)
{
	u64 off, len, pgoff, maplen, n;
	unsigned char *map;

	off = below(size);
	n = size - off;
	len = 1 + below(opt_maxlen < n ? opt_maxlen : n);
	if (opt_pgalign) {
		off &= ~(pagesize - 1);
		len = (len + pagesize - 1) & ~(pagesize - 1);
		if (off + len > size)
			len = size - off;	/* the EOF page: partial */
	}
	if (!size) {
		describe("mapread skipped: the file is empty");
		return 0;
	}
	describe("mapread 0x%" PRIx64 " thru 0x%" PRIx64 " (0x%" PRIx64 " bytes)",
		 off, off + len - 1, len);
	map = map_window(off, len, PROT_READ, &pgoff, &maplen);
	if (memcmp(map + (off - pgoff), shadow + off, len)) {
		memcpy(rbuf, map + (off - pgoff), len);
		data_mismatch("through the mapping", off, shadow + off, rbuf, len);
	}
	check_eof_page(map, pgoff, maplen);
	if (munmap(map, maplen))
		die_sys("munmap");
	check_size();
	return 1;
}

static int do_truncate(void)
{
	u64 nsize, old = size, lo, hi;

	if (below(4) == 0 && size) {	/* near the current size */
		nsize = size - below(size < opt_maxlen ? size : opt_maxlen);
		if (below(2))
			nsize = size + below(opt_maxlen);
	} else {
		nsize = below(opt_maxsize + 1);
	}
	if (nsize > opt_maxsize)
		nsize = opt_maxsize;
	if (opt_pgalign)
		nsize &= ~(pagesize - 1);
	describe("truncate from 0x%" PRIx64 " to 0x%" PRIx64, old, nsize);
	if (ftruncate(fd, (off_t)nsize))
		die_sys("ftruncate to 0x%" PRIx64, nsize);
	if (nsize < size)
		memset(shadow + nsize, 0, size - nsize);
	size = nsize;
	check_size();
	/* around the new end: the data before it, a short read at it */
	lo = nsize > pagesize ? nsize - pagesize : 0;
	hi = nsize + pagesize;
	check_range(lo, hi - lo, "read back after truncate");
	if (old < nsize)	/* grown: zeros from the old end */
		check_range(old, nsize - old < opt_maxlen ? nsize - old : opt_maxlen,
			    "read back of the grown part");
	return 1;
}

/*
 * What a fallocate mode that the filesystem refused would have done to
 * the contents and size, done with ftruncate and stores through a
 * mapping (which work on an O_DIRECT fd too): the file stays as the
 * shadow says, and the operations that follow are the same as on a
 * filesystem that has the mode.
 */
static void falloc_emulate(enum fa_mode m, u64 off, u64 end)
{
	u64 pgoff, maplen, zend;
	unsigned char *map;

	if ((m == FA_ALLOC || m == FA_ZERO) && end > size &&
	    ftruncate(fd, (off_t)end))
		die_sys("ftruncate to 0x%" PRIx64 " (in place of fallocate %s)", end,
			fa_modes[m].name);
	if ((m == FA_PUNCH || m == FA_ZERO || m == FA_ZERO_KEEP) && off < size) {
		zend = end < size ? end : size;
		map = map_window(off, zend - off, PROT_READ | PROT_WRITE, &pgoff, &maplen);
		memset(map + (off - pgoff), 0, zend - off);
		if (munmap(map, maplen))
			die_sys("munmap");
	}
}

static int do_falloc(void)
{
	enum fa_mode on[NR_FA];
	unsigned int i, n = 0;
	enum fa_mode m;
	u64 off, len, end;
	char what[96];
	int ran = 1;

	for (i = 0; i < NR_FA; i++)
		if (!fa_off[i])
			on[n++] = (enum fa_mode)i;
	m = on[below(n)];
	draw_range(&off, &len, base_gran());
	end = off + len;
	describe("fallocate %s 0x%" PRIx64 " thru 0x%" PRIx64 " (0x%" PRIx64 " bytes)",
		 fa_modes[m].name, off, end - 1, len);
	if (!fa_unsup[m] && fallocate(fd, fa_modes[m].flags, (off_t)off, (off_t)len)) {
		if (errno != EOPNOTSUPP && errno != ENOSYS)
			die_sys("fallocate %s 0x%" PRIx64 " bytes at 0x%" PRIx64,
				fa_modes[m].name, len, off);
		snprintf(what, sizeof(what), "fallocate %s", fa_modes[m].name);
		unsupported(what, "emulated (ftruncate, zeroing stores) from now on");
		fa_unsup[m] = 1;
	}
	if (fa_unsup[m]) {
		falloc_emulate(m, off, end);
		ran = 0;
	}
	if (m == FA_PUNCH || m == FA_ZERO || m == FA_ZERO_KEEP) {
		/* zero what is within the size; past it the shadow is zero already */
		if (off < size)
			memset(shadow + off, 0, (end < size ? end : size) - off);
	}
	if ((m == FA_ALLOC || m == FA_ZERO) && end > size)
		size = end;
	check_size();
	check_range(off, len, "read back after fallocate");
	return ran;
}

static int do_sync(void)
{
	int data = (int)below(2);

	describe("%s", data ? "fdatasync" : "fsync");
	if (data ? fdatasync(fd) : fsync(fd))
		die_sys("%s", data ? "fdatasync" : "fsync");
	check_size();
	return 1;
}

static int do_reopen(void)
{
	int direct = opt_direct && below(2);

	describe("close and reopen%s", direct ? " O_DIRECT" : "");
	if (close(fd))
		die_sys("close");
	fd = -1;
	open_file(direct && !direct_unsup ? O_DIRECT : 0);
	fd_direct = direct;	/* aligns the I/O even when O_DIRECT was refused */
	check_size();
	return 1;
}

/* All of shadow[from, to) is zero. */
static int zero_range(u64 from, u64 to)
{
	u64 i;

	for (i = from; i < to; i++)
		if (shadow[i])
			return 0;
	return 1;
}

static u64 first_nonzero(u64 from, u64 to)
{
	while (from < to && !shadow[from])
		from++;
	return from;
}

/*
 * lseek(fd, off, whence); -1 with errno ENXIO passes through, anything
 * else that fails is an error; but EINVAL on the first call of an
 * operation (first) means SEEK_DATA is not supported: -2, and never again.
 */
static off_t seek(u64 off, int whence, int first)
{
	off_t r = lseek(fd, (off_t)off, whence);

	if (r < 0 && errno != ENXIO) {
		if (errno == EINVAL && first) {
			unsupported("lseek SEEK_DATA/SEEK_HOLE", "not tried again");
			seek_unsup = 1;
			return -2;
		}
		die_sys("lseek %s from 0x%" PRIx64, whence == SEEK_DATA ? "SEEK_DATA" :
			"SEEK_HOLE", off);
	}
	return r;
}

static const char *seekstr(off_t r)
{
	static char buf[32];

	if (r < 0)
		return "ENXIO";
	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)r);
	return buf;
}

/*
 * SEEK_DATA and SEEK_HOLE against the shadow.  A filesystem may call
 * anything data (zeros it stored, preallocated blocks, the whole file),
 * but a hole must read as zeros, and there is always a hole at EOF.
 * The rules, true of any correct Linux filesystem (and with nothing else
 * touching the file between the calls):
 *   1. off >= size: SEEK_DATA and SEEK_HOLE fail with ENXIO.
 *   2. off < size, SEEK_DATA: returns d with off <= d < size, and
 *      shadow[off, d) is all zero (it skipped only a hole); or ENXIO,
 *      and shadow[off, size) is all zero.
 *   3. off < size, SEEK_HOLE: returns h with off <= h <= size (never
 *      ENXIO: the hole at EOF); if h < size, byte h is in a hole, so
 *      SEEK_DATA from h must move past it (ENXIO or d2 > h) and, by
 *      rule 2, shadow[h, d2) is all zero.
 *   4. d from rule 2 is data, so SEEK_HOLE from d returns more than d.
 */
static int do_seek(void)
{
	u64 off, d = 0, h, d2;
	off_t r;

	if (size && below(8))
		off = below(size);
	else
		off = below(opt_maxsize + 1);
	if (opt_pgalign)
		off &= ~(pagesize - 1);
	describe("seek data/hole from 0x%" PRIx64, off);
	if (seek_unsup)
		return 0;
	r = seek(off, SEEK_DATA, 1);
	if (r == -2)
		return 0;
	if (off >= size) {
		if (r >= 0)
			mismatch("SEEK_DATA from 0x%" PRIx64 " at or past EOF (0x%" PRIx64
				 ") returned 0x%llx, expected ENXIO", off, size, (long long)r);
		r = seek(off, SEEK_HOLE, 0);
		if (r >= 0)
			mismatch("SEEK_HOLE from 0x%" PRIx64 " at or past EOF (0x%" PRIx64
				 ") returned 0x%llx, expected ENXIO", off, size, (long long)r);
		check_size();
		return 1;
	}
	/* rule 2 */
	if (r < 0) {
		if (!zero_range(off, size))
			mismatch("SEEK_DATA from 0x%" PRIx64 " returned ENXIO, but byte 0x%"
				 PRIx64 " is 0x%02x (file size 0x%" PRIx64 ")", off,
				 first_nonzero(off, size), shadow[first_nonzero(off, size)], size);
	} else {
		d = (u64)r;
		if (d < off || d >= size)
			mismatch("SEEK_DATA from 0x%" PRIx64 " returned 0x%" PRIx64
				 ", outside [0x%" PRIx64 ", 0x%" PRIx64 ")", off, d, off, size);
		if (!zero_range(off, d))
			mismatch("SEEK_DATA from 0x%" PRIx64 " returned 0x%" PRIx64
				 ", skipping byte 0x%" PRIx64 " which is 0x%02x", off, d,
				 first_nonzero(off, d), shadow[first_nonzero(off, d)]);
		/* rule 4 */
		r = seek(d, SEEK_HOLE, 0);
		if (r < 0 || (u64)r <= d || (u64)r > size)
			mismatch("SEEK_HOLE from 0x%" PRIx64 " (where SEEK_DATA landed) returned "
				 "%s, expected a value in (0x%" PRIx64 ", 0x%" PRIx64 "]",
				 d, seekstr(r), d, size);
	}
	/* rule 3 */
	r = seek(off, SEEK_HOLE, 0);
	if (r < 0 || (u64)r < off || (u64)r > size)
		mismatch("SEEK_HOLE from 0x%" PRIx64 " returned %s, expected a value in "
			 "[0x%" PRIx64 ", 0x%" PRIx64 "]", off, seekstr(r), off, size);
	h = (u64)r;
	if (h < size) {
		r = seek(h, SEEK_DATA, 0);
		d2 = r < 0 ? size : (u64)r;
		if (r >= 0 && (d2 <= h || d2 >= size))
			mismatch("SEEK_DATA from 0x%" PRIx64 " (where SEEK_HOLE landed) returned "
				 "0x%" PRIx64 ", expected a value in (0x%" PRIx64 ", 0x%" PRIx64 ")",
				 h, d2, h, size);
		if (!zero_range(h, d2))
			mismatch("SEEK_HOLE from 0x%" PRIx64 " returned 0x%" PRIx64 ", a hole up "
				 "to 0x%" PRIx64 ", but byte 0x%" PRIx64 " is 0x%02x", off, h, d2,
				 first_nonzero(h, d2), shadow[first_nonzero(h, d2)]);
	}
	check_size();
	return 1;
}

/* ---- main ---- */

static void sigfault(int sig)
{
	fflush(stdout);
	fprintf(stderr, "dkfsx: %s: %s at op %" PRIu64 " (%s)\n", fname,
		sig == SIGBUS ? "SIGBUS" : "SIGSEGV", opno, cur);
	finish_fail(2);
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: dkfsx [options] FILE\n"
"Random operations on FILE (created, or truncated to 0), each checked against\n"
"a copy kept in memory.  Exit 0: all passed; 1: the file differed; 2: a system\n"
"call failed unexpectedly, or usage.\n"
"  -N OPS      operations to run (default 100000; 0: no limit)\n"
"  -S SEED     seed of the random stream (default: from the clock; printed)\n"
"  -l MAXLEN   longest read, write, map or fallocate (default 256k)\n"
"  -s MAXSIZE  largest file size (default 8m; a multiple of the page size)\n"
"  -C N        compare the whole file every N operations (default 1000; 0:\n"
"              only at the end)\n"
"  -o          print each operation on stdout (as it starts)\n"
"  -q          quiet: no start line, notes or rate\n"
"  -r N        keep the last N operations for the failure report (default 64)\n"
"  -t SECONDS  stop cleanly after SECONDS, reporting the operations done\n"
"  -d          reopen with O_DIRECT at times (pread/pwrite then 4096-aligned)\n"
"  -P          page-aligned offsets, lengths and sizes only\n"
"  -E strict   an unsupported fallocate mode, SEEK_DATA/SEEK_HOLE or O_DIRECT\n"
"              is an error (exit 2); default (-E note): a note, then the mode is\n"
"              emulated, the seek skipped, the open done without O_DIRECT\n"
"  -X K        self-test: corrupt the copy after operation K; the compare that\n"
"              follows must fail (exit 1)\n"
"Leave an operation out:\n"
"  -W  pwrite            -R  pread            -M  mapwrite     -m  mapread\n"
"  -T  ftruncate         -F  fallocate (all)  -H  punch hole   -Z  zero range\n"
"  -K  the KEEP_SIZE fallocate modes other than punch hole (which needs it)\n"
"  -Y  fsync/fdatasync   -O  close/reopen     -L  SEEK_DATA/SEEK_HOLE\n"
"Suffixes k, m, g (powers of 1024) are accepted in numbers.\n");
}

static u64 parse_num(const char *s, int opt)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *s == '-')
		goto bad;
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	default: break;
	}
	if (*end)
		goto bad;
	return v;
bad:
	fprintf(stderr, "dkfsx: -%c: bad number '%s'\n", opt, s);
	exit(2);
}

static void *alloc_aligned(u64 len)
{
	void *p;

	if (posix_memalign(&p, DIO_ALIGN, len)) {
		fprintf(stderr, "dkfsx: out of memory (0x%" PRIx64 " bytes)\n", len);
		exit(2);
	}
	memset(p, 0, len);
	return p;
}

static void build_replay(void)
{
	static const char flag[NR_OPS] = {
		[OP_WRITE] = 'W', [OP_READ] = 'R', [OP_MAPWRITE] = 'M', [OP_MAPREAD] = 'm',
		[OP_TRUNCATE] = 'T', [OP_FALLOC] = 'F', [OP_SYNC] = 'Y', [OP_REOPEN] = 'O',
		[OP_SEEK] = 'L',
	};
	size_t n;
	int i;

	n = (size_t)snprintf(replay, sizeof(replay), "dkfsx -S %" PRIu64 " -N %" PRIu64
			     " -l %" PRIu64 " -s %" PRIu64, opt_seed, opt_ops, opt_maxlen,
			     opt_maxsize);
	for (i = 0; i < NR_OPS; i++)
		if (op_off[i])
			n += (size_t)snprintf(replay + n, sizeof(replay) - n, " -%c", flag[i]);
	if (fa_off[FA_PUNCH])
		n += (size_t)snprintf(replay + n, sizeof(replay) - n, " -H");
	if (fa_off[FA_ZERO])
		n += (size_t)snprintf(replay + n, sizeof(replay) - n, " -Z");
	if (fa_off[FA_KEEP])
		n += (size_t)snprintf(replay + n, sizeof(replay) - n, " -K");
	if (opt_direct)
		n += (size_t)snprintf(replay + n, sizeof(replay) - n, " -d");
	if (opt_pgalign)
		n += (size_t)snprintf(replay + n, sizeof(replay) - n, " -P");
	if (opt_strict)
		n += (size_t)snprintf(replay + n, sizeof(replay) - n, " -E strict");
	if (opt_check_every != 1000)
		n += (size_t)snprintf(replay + n, sizeof(replay) - n, " -C %" PRIu64,
				      opt_check_every);
	if (opt_corrupt_at)
		n += (size_t)snprintf(replay + n, sizeof(replay) - n, " -X %" PRIu64,
				      opt_corrupt_at);
	snprintf(replay + n, sizeof(replay) - n, " %s", fname);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* -X: make the shadow wrong (without drawing from the stream) and compare. */
static void self_corrupt(void)
{
	u64 at;
	char buf[128];

	if (!size) {
		snprintf(buf, sizeof(buf), "-X: expecting size 1 instead of 0 after op %" PRIu64,
			 opno);
		note(buf);
		size = 1;
	} else {
		at = (opno * 0x9e3779b97f4a7c15ULL) % size;
		snprintf(buf, sizeof(buf), "-X: corrupting the copy at 0x%" PRIx64
			 " after op %" PRIu64, at, opno);
		note(buf);
		shadow[at] ^= 0xa5;
	}
	check_all("whole-file compare after -X");
	fflush(stdout);
	fprintf(stderr, "dkfsx: %s: -X: the corruption was not detected\n", fname);
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned int total = 0, w, i;
	int c, ran, time_up = 0;
	double t0, elapsed;
	struct sigaction sa;
	u64 done;

	while ((c = getopt_long(argc, argv, "N:S:l:s:C:oqr:t:dPE:X:WRMmTFHZKYOLh", lopts,
				NULL)) != -1) {
		switch (c) {
		case 'N': opt_ops = parse_num(optarg, c); break;
		case 'S': opt_seed = parse_num(optarg, c); seed_given = 1; break;
		case 'l': opt_maxlen = parse_num(optarg, c); break;
		case 's': opt_maxsize = parse_num(optarg, c); break;
		case 'C': opt_check_every = parse_num(optarg, c); break;
		case 'o': opt_log = 1; break;
		case 'q': opt_quiet = 1; break;
		case 'r': opt_ring = (unsigned int)parse_num(optarg, c); break;
		case 't': opt_time_limit = parse_num(optarg, c); break;
		case 'd': opt_direct = 1; break;
		case 'P': opt_pgalign = 1; break;
		case 'E':
			if (!strcmp(optarg, "strict")) {
				opt_strict = 1;
			} else if (!strcmp(optarg, "note")) {
				opt_strict = 0;
			} else {
				fprintf(stderr, "dkfsx: -E: 'strict' or 'note', not '%s'\n", optarg);
				return 2;
			}
			break;
		case 'X': opt_corrupt_at = parse_num(optarg, c); break;
		case 'W': op_off[OP_WRITE] = 1; break;
		case 'R': op_off[OP_READ] = 1; break;
		case 'M': op_off[OP_MAPWRITE] = 1; break;
		case 'm': op_off[OP_MAPREAD] = 1; break;
		case 'T': op_off[OP_TRUNCATE] = 1; break;
		case 'F': op_off[OP_FALLOC] = 1; break;
		case 'H': fa_off[FA_PUNCH] = 1; break;
		case 'Z': fa_off[FA_ZERO] = fa_off[FA_ZERO_KEEP] = 1; break;
		case 'K': fa_off[FA_KEEP] = fa_off[FA_ZERO_KEEP] = 1; break;
		case 'Y': op_off[OP_SYNC] = 1; break;
		case 'O': op_off[OP_REOPEN] = 1; break;
		case 'L': op_off[OP_SEEK] = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	fname = argv[optind];
	pagesize = (u64)sysconf(_SC_PAGESIZE);
	if (opt_maxsize % pagesize || opt_maxsize < 2 * pagesize ||
	    opt_maxsize > (1ULL << 40)) {
		fprintf(stderr, "dkfsx: -s: a multiple of %" PRIu64 ", at least two pages\n",
			pagesize);
		return 2;
	}
	if (!opt_maxlen) {
		fprintf(stderr, "dkfsx: -l: at least 1\n");
		return 2;
	}
	if (opt_maxlen > opt_maxsize)
		opt_maxlen = opt_maxsize;
	if (!opt_check_every)
		opt_check_every = ~0ULL;
	if (fa_off[FA_ALLOC] + fa_off[FA_KEEP] + fa_off[FA_PUNCH] + fa_off[FA_ZERO] +
	    fa_off[FA_ZERO_KEEP] == NR_FA)
		op_off[OP_FALLOC] = 1;
	for (i = 0; i < NR_OPS; i++)
		if (!op_off[i])
			total += op_weight[i];
	if (!total) {
		fprintf(stderr, "dkfsx: every operation is disabled\n");
		return 2;
	}
	if (!seed_given) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		opt_seed = (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
		opt_seed ^= (u64)getpid() << 32;
		opt_seed = next_u64(&opt_seed) % 1000000000000ULL;	/* short to type */
	}
	prng = opt_seed;
	build_replay();

	shadow = alloc_aligned(opt_maxsize);
	wbuf = alloc_aligned(opt_maxlen + pagesize + DIO_ALIGN);
	rbuf = alloc_aligned(opt_maxsize + 2 * DIO_ALIGN);
	if (opt_ring)
		ring = calloc(opt_ring, sizeof(*ring));
	if (opt_ring && !ring) {
		fprintf(stderr, "dkfsx: out of memory\n");
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = sigfault;
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);

	snprintf(cur, sizeof(cur), "open");
	open_file(O_CREAT | O_TRUNC);
	if (!opt_quiet) {
		printf("dkfsx: %s: seed %" PRIu64 ", page size %" PRIu64 "; replay with: %s\n",
		       fname, opt_seed, pagesize, replay);
		fflush(stdout);
	}
	check_size();

	t0 = now();
	for (opno = 1; !opt_ops || opno <= opt_ops; opno++) {
		if (opt_time_limit && (opno & 15) == 1 && now() - t0 >= (double)opt_time_limit) {
			time_up = 1;
			break;
		}
		w = (unsigned int)below(total);
		for (i = 0; i < NR_OPS; i++) {
			if (op_off[i])
				continue;
			if (w < op_weight[i])
				break;
			w -= op_weight[i];
		}
		switch (i) {
		case OP_WRITE: ran = do_write(); break;
		case OP_READ: ran = do_read(); break;
		case OP_MAPWRITE: ran = do_mapwrite(); break;
		case OP_MAPREAD: ran = do_mapread(); break;
		case OP_TRUNCATE: ran = do_truncate(); break;
		case OP_FALLOC: ran = do_falloc(); break;
		case OP_SYNC: ran = do_sync(); break;
		case OP_REOPEN: ran = do_reopen(); break;
		default: ran = do_seek(); break;
		}
		if (ran)
			count[i]++;
		else
			skipped++;
		if (opno == opt_corrupt_at)
			self_corrupt();
		if (opno % opt_check_every == 0)
			check_all("periodic whole-file compare");
	}
	done = opno - 1;
	elapsed = now() - t0;
	snprintf(cur, sizeof(cur), "the end");
	check_all("final whole-file compare");
	if (close(fd))
		die_sys("close");
	if (time_up && !opt_quiet)
		fprintf(stderr, "dkfsx: %s: time limit of %" PRIu64 " s reached after %" PRIu64
			" operations\n", fname, opt_time_limit, done);
	if (!opt_quiet)
		fprintf(stderr, "dkfsx: %s: %" PRIu64 " operations in %.2f s: %.0f ops/s\n",
			fname, done, elapsed, elapsed > 0 ? (double)done / elapsed : 0.0);
	printf("dkfsx: %s: %" PRIu64 " operations (", fname, done);
	for (i = 0; i < NR_OPS; i++)
		printf("%" PRIu64 " %s, ", count[i], op_plural[i]);
	printf("%" PRIu64 " skipped), seed %" PRIu64 ": OK\n", skipped, opt_seed);
	return 0;
}
