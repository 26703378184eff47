// SPDX-License-Identifier: GPL-2.0
/*
 * fsck.daxkitfs: check, and with -y repair, a daxkitfs.
 *
 * Everything read from the device is untrusted.  The checks run on an
 * in-memory copy (the inode table, each directory block as it is read),
 * repaired there in every mode so that later passes see the repaired
 * filesystem; only -y/-p writes the repairs back.
 *
 * Pass 1, inodes: type, extents (range, file-block overlap, device blocks
 *	owned once, extent-block chains), directory block ranges and sizes,
 *	symbolic-link targets.
 * Pass 2, directories: every entry (header, continuation slots, name,
 *	target, type, duplicate names).
 * Pass 3, the tree: each directory linked once, reachability from the
 *	root (orphans and unreachable inodes are freed), i_parent, link
 *	counts.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dkfs.h"

#define FSCK_OK		0
#define FSCK_FIXED	1
#define FSCK_LEFT	4
#define FSCK_ERROR	8
#define FSCK_USAGE	16

/* A live extent of the inode being checked, where it came from. */
struct cand {
	uint32_t lblk, len;
	uint64_t pblk;
	uint64_t xblk;		/* 0: inline slot */
	uint32_t slot;
	uint32_t seq;		/* order of the slots */
	int dropped;
};

/* A kept extent of a directory or symbolic link. */
struct rec {
	uint32_t lblk, len;
	uint64_t pblk;
};

/* A live, valid directory entry. */
struct entry {
	uint64_t dir, target;
	uint64_t pblk;		/* its directory block */
	uint32_t slot, nslots;
	char *name;
	int cleared;
};

static struct {
	struct dkfs_dev dev;
	int repair, verbose;
	struct daxkitfs_super sb;
	uint64_t nr_blocks, nr_inodes, data_start, table_blocks;
	struct daxkitfs_inode *itab;
	uint8_t *tdirty;	/* per inode-table block */
	uint64_t *owned;	/* bitmap of device blocks */
	uint64_t *nblocks;	/* blocks per inode, extent blocks included */
	uint64_t *rec_start;	/* directories and links: their struct rec */
	uint32_t *rec_count;
	struct rec *recs;
	size_t nrecs, recs_cap;
	struct entry *ents;
	size_t nents, ents_cap;
	size_t *dir_first;	/* per inode: its entries in ents */
	uint32_t *dir_nents;
	unsigned long found, fixed;
	int op_error;
} F;

static struct cand *cands;
static size_t ncands, cands_cap;
/* The extent blocks of the inode being checked. */
static uint64_t *xbs;
static size_t nxbs, xbs_cap;

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		dkfs_err("out of memory");
		exit(FSCK_ERROR);
	}
	return p;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p) {
		dkfs_err("out of memory");
		exit(FSCK_ERROR);
	}
	return p;
}

/* problem(ACTION, FMT, ...): one line; ACTION is what -y does. */
static void problem(const char *action, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(const char *action, const char *fmt, ...)
{
	va_list ap;

	F.found++;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (F.repair) {
		printf("; %s\n", action);
		F.fixed++;
	} else {
		putchar('\n');
	}
}

static void verbose(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void verbose(const char *fmt, ...)
{
	va_list ap;

	if (!F.verbose)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

/* Writes only when repairing; a failed write is an operational error. */
static void wr(const void *buf, size_t len, uint64_t off)
{
	if (F.repair && dkfs_pwrite(&F.dev, buf, len, off) < 0)
		F.op_error = 1;
}

/* A name, printable: control bytes, '"', '\\' and bytes >= 0x7f escaped. */
static const char *pname(const char *name)
{
	static char buf[4 * DAXKITFS_NAME_MAX + 8];
	const unsigned char *p = (const unsigned char *)name;
	char *o = buf;

	for (; *p; p++) {
		if (*p < 0x20 || *p >= 0x7f || *p == '"' || *p == '\\')
			o += sprintf(o, "\\x%02x", *p);
		else
			*o++ = (char)*p;
	}
	*o = 0;
	return buf;
}

/* ---- the bitmap of device blocks */

static int range_free(uint64_t b, uint64_t len)
{
	uint64_t end = b + len;

	while (b < end) {
		if (!(b & 63) && end - b >= 64) {
			if (F.owned[b >> 6])
				return 0;
			b += 64;
			continue;
		}
		if (F.owned[b >> 6] & (1ULL << (b & 63)))
			return 0;
		b++;
	}
	return 1;
}

static void range_mark(uint64_t b, uint64_t len, int set)
{
	uint64_t end = b + len;

	while (b < end) {
		if (!(b & 63) && end - b >= 64) {
			F.owned[b >> 6] = set ? ~0ULL : 0;
			b += 64;
			continue;
		}
		if (set)
			F.owned[b >> 6] |= 1ULL << (b & 63);
		else
			F.owned[b >> 6] &= ~(1ULL << (b & 63));
		b++;
	}
}

/* ---- inodes */

static struct daxkitfs_inode *inode(uint64_t ino)
{
	return &F.itab[ino];
}

static void inode_dirty(uint64_t ino)
{
	F.tdirty[ino / DAXKITFS_INODES_PER_BLOCK] = 1;
}

static uint32_t imode(uint64_t ino)
{
	return le32toh(F.itab[ino].i_mode);
}

static int is_dir(uint64_t ino)
{
	return S_ISDIR(imode(ino));
}

static void free_inode(uint64_t ino)
{
	memset(inode(ino), 0, sizeof(struct daxkitfs_inode));
	inode_dirty(ino);
	F.nblocks[ino] = 0;
	F.rec_count[ino] = 0;
}

static void make_empty_root(void)
{
	struct daxkitfs_inode *r = inode(DAXKITFS_ROOT_INO);
	uint64_t now = (uint64_t)time(NULL);

	memset(r, 0, sizeof(*r));
	r->i_mode = htole32(S_IFDIR | 0755);
	r->i_nlink = htole32(2);
	r->i_parent = htole64(DAXKITFS_ROOT_INO);
	r->i_atime = r->i_mtime = r->i_ctime = htole64(now);
	inode_dirty(DAXKITFS_ROOT_INO);
}

/* Drops a live extent slot: in the inode, or in its extent block. */
static void drop_slot(uint64_t ino, const struct cand *c)
{
	static const struct daxkitfs_extent zero;

	if (!c->xblk) {
		memset(&inode(ino)->i_ext[c->slot], 0, sizeof(zero));
		inode_dirty(ino);
	} else {
		wr(&zero, sizeof(zero), c->xblk * DKFS_BS +
		   offsetof(struct daxkitfs_xblock, x_ext) + c->slot * sizeof(zero));
	}
}

static const char *where(const struct cand *c, char *buf, size_t len)
{
	if (c->xblk)
		snprintf(buf, len, "extent %u of extent block %" PRIu64, c->slot, c->xblk);
	else
		snprintf(buf, len, "extent %u", c->slot);
	return buf;
}

/* Takes a live extent slot as a candidate, or drops it when out of range. */
static void take_extent(uint64_t ino, const struct daxkitfs_extent *e, uint64_t xblk, uint32_t slot)
{
	struct cand c = {
		.lblk = le32toh(e->e_lblk), .len = le32toh(e->e_len), .pblk = le64toh(e->e_pblk),
		.xblk = xblk, .slot = slot, .seq = (uint32_t)ncands,
	};
	char w[64];

	if (!c.len)
		return;
	if (c.pblk < F.data_start || c.pblk > F.nr_blocks || c.len > F.nr_blocks - c.pblk) {
		problem("dropped", "inode %" PRIu64 ": %s (blocks %" PRIu64 "+%u) outside the data area %"
			PRIu64 "-%" PRIu64, ino, where(&c, w, sizeof(w)), c.pblk, c.len,
			F.data_start, F.nr_blocks - 1);
		drop_slot(ino, &c);
		return;
	}
	if ((uint64_t)c.lblk + c.len > (1ULL << 32)) {
		problem("dropped", "inode %" PRIu64 ": %s (file blocks %u+%u) beyond file block 2^32",
			ino, where(&c, w, sizeof(w)), c.lblk, c.len);
		drop_slot(ino, &c);
		return;
	}
	if (ncands == cands_cap) {
		cands_cap = cands_cap ? 2 * cands_cap : 64;
		cands = xrealloc(cands, cands_cap * sizeof(*cands));
	}
	cands[ncands++] = c;
}

/* Walks the extent-block chain of @ino, taking their extents. */
static void walk_xblocks(uint64_t ino)
{
	static struct daxkitfs_xblock xb;
	uint64_t prev = 0, x = le64toh(inode(ino)->i_xblock), zero = 0;
	const char *why;
	uint32_t k;

	while (x) {
		why = NULL;
		if (x < F.data_start || x >= F.nr_blocks)
			why = "outside the data area";
		else if (!range_free(x, 1))
			why = "already in use (a cycle, or another owner)";
		else if (dkfs_read_block(&F.dev, x, &xb) < 0)
			why = "unreadable";
		else if (le64toh(xb.x_magic) != DAXKITFS_XBLOCK_MAGIC)
			why = "without the extent-block magic";
		if (why) {
			if (prev) {
				problem("chain cut", "inode %" PRIu64 ": extent block %" PRIu64
					" (after %" PRIu64 ") %s", ino, x, prev, why);
				wr(&zero, sizeof(zero), prev * DKFS_BS +
				   offsetof(struct daxkitfs_xblock, x_next));
			} else {
				problem("chain dropped", "inode %" PRIu64 ": extent block %" PRIu64
					" %s", ino, x, why);
				inode(ino)->i_xblock = 0;
				inode_dirty(ino);
			}
			return;
		}
		range_mark(x, 1, 1);
		F.nblocks[ino]++;
		if (nxbs == xbs_cap) {
			xbs_cap = xbs_cap ? 2 * xbs_cap : 16;
			xbs = xrealloc(xbs, xbs_cap * sizeof(*xbs));
		}
		xbs[nxbs++] = x;
		for (k = 0; k < DAXKITFS_XBLOCK_EXTENTS; k++)
			take_extent(ino, &xb.x_ext[k], x, k);
		prev = x;
		x = le64toh(xb.x_next);
	}
}

static int cmp_lblk(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->lblk != y->lblk)
		return x->lblk < y->lblk ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int cmp_seq(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void add_rec(uint64_t ino, const struct cand *c)
{
	if (F.nrecs == F.recs_cap) {
		F.recs_cap = F.recs_cap ? 2 * F.recs_cap : 256;
		F.recs = xrealloc(F.recs, F.recs_cap * sizeof(*F.recs));
	}
	if (!F.rec_count[ino])
		F.rec_start[ino] = F.nrecs;
	F.recs[F.nrecs++] = (struct rec){ .lblk = c->lblk, .len = c->len, .pblk = c->pblk };
	F.rec_count[ino]++;
}

/* The device block of file block @lblk of a directory or link, or 0. */
static uint64_t bmap(uint64_t ino, uint64_t lblk)
{
	const struct rec *r = F.recs + F.rec_start[ino];
	uint32_t i;

	for (i = 0; i < F.rec_count[ino]; i++)
		if (lblk >= r[i].lblk && lblk - r[i].lblk < r[i].len)
			return r[i].pblk + (lblk - r[i].lblk);
	return 0;
}

/* Checks a symbolic link's target; 0 when it is good. */
static const char *check_symlink(uint64_t ino)
{
	static unsigned char blk[DKFS_BS];
	uint64_t size = le64toh(inode(ino)->i_size), b;

	if (size < 1 || size >= DKFS_BS)
		return "size out of 1..4095";
	b = bmap(ino, 0);
	if (!b)
		return "no block for its target";
	if (dkfs_read_block(&F.dev, b, blk) < 0) {
		F.op_error = 1;
		return "target unreadable";
	}
	if (memchr(blk, 0, size))
		return "NUL in its target";
	if (blk[size])
		return "target not NUL-terminated";
	return NULL;
}

static void pass1_inode(uint64_t ino)
{
	struct daxkitfs_inode *ip = inode(ino);
	uint32_t mode = le32toh(ip->i_mode);
	uint64_t next, i_size;
	const char *why;
	char w[64];
	size_t i;
	uint32_t k;

	if (!dkfs_dt_of_mode(mode)) {
		if (ino == DAXKITFS_ROOT_INO) {
			problem("made an empty directory", "inode 1: the root has mode 0%o", mode);
			make_empty_root();
			return;
		}
		problem("inode freed", "inode %" PRIu64 ": in use with invalid mode 0%o", ino, mode);
		free_inode(ino);
		return;
	}
	if (S_ISCHR(mode) || S_ISBLK(mode) || S_ISFIFO(mode) || S_ISSOCK(mode)) {
		for (k = 0; k < DAXKITFS_INLINE_EXTENTS; k++) {
			if (!ip->i_ext[k].e_len)
				continue;
			problem("dropped", "inode %" PRIu64 ": a %s with extent %u", ino,
				dkfs_type_name(mode), k);
			memset(&ip->i_ext[k], 0, sizeof(ip->i_ext[k]));
			inode_dirty(ino);
		}
		if (ip->i_xblock) {
			problem("dropped", "inode %" PRIu64 ": a %s with extent block %" PRIu64, ino,
				dkfs_type_name(mode), (uint64_t)le64toh(ip->i_xblock));
			ip->i_xblock = 0;
			inode_dirty(ino);
		}
		return;
	}

	ncands = 0;
	nxbs = 0;
	for (k = 0; k < DAXKITFS_INLINE_EXTENTS; k++)
		take_extent(ino, &ip->i_ext[k], 0, k);
	walk_xblocks(ino);

	/* No file block mapped twice: of overlapping extents, the first kept. */
	if (ncands)
		qsort(cands, ncands, sizeof(*cands), cmp_lblk);
	next = 0;
	for (i = 0; i < ncands; i++) {
		if (i && cands[i].lblk < next) {
			problem("dropped", "inode %" PRIu64 ": %s (file blocks %u+%u) overlaps another extent",
				ino, where(&cands[i], w, sizeof(w)), cands[i].lblk, cands[i].len);
			drop_slot(ino, &cands[i]);
			cands[i].dropped = 1;
			continue;
		}
		next = (uint64_t)cands[i].lblk + cands[i].len;
	}
	/* No device block owned twice: the later claimant loses. */
	if (ncands)
		qsort(cands, ncands, sizeof(*cands), cmp_seq);
	for (i = 0; i < ncands; i++) {
		if (cands[i].dropped)
			continue;
		if (!range_free(cands[i].pblk, cands[i].len)) {
			problem("dropped", "inode %" PRIu64 ": %s: blocks %" PRIu64 "+%u already in use",
				ino, where(&cands[i], w, sizeof(w)), cands[i].pblk, cands[i].len);
			drop_slot(ino, &cands[i]);
			cands[i].dropped = 1;
			continue;
		}
		range_mark(cands[i].pblk, cands[i].len, 1);
	}
	if (ncands)
		qsort(cands, ncands, sizeof(*cands), cmp_lblk);

	if (S_ISDIR(mode)) {
		/* File blocks 0..n-1, no hole. */
		next = 0;
		for (i = 0; i < ncands; i++) {
			if (cands[i].dropped)
				continue;
			if (cands[i].lblk != next) {
				problem("dropped", "inode %" PRIu64 ": directory %s (file blocks %u+%u) after a hole at file block %" PRIu64,
					ino, where(&cands[i], w, sizeof(w)), cands[i].lblk,
					cands[i].len, next);
				drop_slot(ino, &cands[i]);
				range_mark(cands[i].pblk, cands[i].len, 0);
				cands[i].dropped = 1;
				continue;
			}
			next += cands[i].len;
		}
		i_size = le64toh(ip->i_size);
		if (i_size != next * DKFS_BS) {
			problem("fixed", "inode %" PRIu64 ": directory size %" PRIu64 ", its blocks make %" PRIu64,
				ino, i_size, next * DKFS_BS);
			ip->i_size = htole64(next * DKFS_BS);
			inode_dirty(ino);
		}
	}
	for (i = 0; i < ncands; i++) {
		if (cands[i].dropped)
			continue;
		F.nblocks[ino] += cands[i].len;
		if (S_ISDIR(mode) || S_ISLNK(mode))
			add_rec(ino, &cands[i]);
	}
	if (S_ISLNK(mode) && (why = check_symlink(ino))) {
		problem("inode freed", "inode %" PRIu64 ": symbolic link: %s", ino, why);
		/* Its blocks are free again, for the inodes after it. */
		for (i = 0; i < ncands; i++)
			if (!cands[i].dropped)
				range_mark(cands[i].pblk, cands[i].len, 0);
		for (i = 0; i < nxbs; i++)
			range_mark(xbs[i], 1, 0);
		free_inode(ino);
	}
}

static void pass1(void)
{
	struct daxkitfs_inode *r = inode(DAXKITFS_ROOT_INO);
	uint64_t ino;

	verbose("pass 1: inodes and extents\n");
	if (F.itab[0].i_mode) {
		problem("cleared", "inode 0: in use (mode 0%o), inode 0 is never used",
			le32toh(F.itab[0].i_mode));
		memset(&F.itab[0], 0, sizeof(F.itab[0]));
		inode_dirty(0);
	}
	if (!S_ISDIR(le32toh(r->i_mode))) {
		problem("made an empty directory", "inode 1: the root is %s (mode 0%o)",
			r->i_mode ? "not a directory" : "free", le32toh(r->i_mode));
		make_empty_root();
	}
	if (le64toh(r->i_parent) != DAXKITFS_ROOT_INO) {
		problem("fixed", "inode 1: the root's parent is %" PRIu64 ", not 1",
			(uint64_t)le64toh(r->i_parent));
		r->i_parent = htole64(DAXKITFS_ROOT_INO);
		inode_dirty(DAXKITFS_ROOT_INO);
	}
	for (ino = DAXKITFS_ROOT_INO; ino < F.nr_inodes; ino++)
		if (inode(ino)->i_mode)
			pass1_inode(ino);
}

/* ---- pass 2: directory entries */

/* A hash set of (directory, name): duplicate names. */
static size_t *hset;
static size_t hcap, hused;

static uint64_t hash_of(uint64_t dir, const char *name)
{
	uint64_t h = 1469598103934665603ULL ^ dir;

	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 1099511628211ULL;
	return h;
}

/* Adds entry @idx; returns 0, or 1 when the directory has the name already. */
static int hset_add(size_t idx)
{
	const struct entry *e = &F.ents[idx];
	size_t i, j, old;
	size_t *prev;

	if (2 * (hused + 1) > hcap) {
		prev = hset;
		old = hcap;
		hcap = hcap ? 2 * hcap : 1024;
		hset = xcalloc(hcap, sizeof(*hset));
		for (j = 0; j < old; j++) {
			if (!prev[j])
				continue;
			i = hash_of(F.ents[prev[j] - 1].dir, F.ents[prev[j] - 1].name) & (hcap - 1);
			while (hset[i])
				i = (i + 1) & (hcap - 1);
			hset[i] = prev[j];
		}
		free(prev);
	}
	i = hash_of(e->dir, e->name) & (hcap - 1);
	while (hset[i]) {
		const struct entry *o = &F.ents[hset[i] - 1];

		if (o->dir == e->dir && !strcmp(o->name, e->name))
			return 1;
		i = (i + 1) & (hcap - 1);
	}
	hset[i] = idx + 1;
	hused++;
	return 0;
}

/*
 * The name of the entry in slots @i.. of @blk, @len bytes, into @name
 * (NUL-terminated): DAXKITFS_NAME_FIRST bytes from the first slot's
 * de_name, then DAXKITFS_NAME_NEXT from byte 8 of each next slot.  The
 * caller has checked that daxkitfs_dirent_slots(@len) slots fit the block.
 */
static void gather_name(const unsigned char *blk, unsigned int i, unsigned int len, char *name)
{
	const struct daxkitfs_dirent *de = (const void *)(blk + i * DAXKITFS_SLOT_SIZE);
	unsigned int done = len < DAXKITFS_NAME_FIRST ? len : DAXKITFS_NAME_FIRST, n;
	const unsigned char *slot;

	memcpy(name, de->de_name, done);
	while (done < len) {
		slot = blk + ++i * DAXKITFS_SLOT_SIZE;
		n = len - done < DAXKITFS_NAME_NEXT ? len - done : DAXKITFS_NAME_NEXT;
		memcpy(name + done, slot + 8, n);
		done += n;
	}
	name[len] = 0;
}

/* The first continuation slot of the entry at @i with a non-zero first word, or 0. */
static unsigned int bad_continuation(const unsigned char *blk, unsigned int i, unsigned int ns)
{
	static const unsigned char zero[8];
	unsigned int k;

	for (k = 1; k < ns; k++)
		if (memcmp(blk + (i + k) * DAXKITFS_SLOT_SIZE, zero, 8))
			return k;
	return 0;
}

/*
 * Frees the entry whose first slot is @i: its first slot, and the slots
 * after it (up to @ns) as long as their first word is zero, that is while
 * they are free or its continuations.  A slot with a non-zero first word
 * is left to be checked as an entry of its own.
 */
static void free_entry(unsigned char *blk, unsigned int i, unsigned int ns)
{
	static const unsigned char zero[8];
	unsigned int k;

	memset(blk + i * DAXKITFS_SLOT_SIZE, 0, DAXKITFS_SLOT_SIZE);
	for (k = 1; k < ns && i + k < DAXKITFS_SLOTS_PER_BLOCK; k++) {
		if (memcmp(blk + (i + k) * DAXKITFS_SLOT_SIZE, zero, 8))
			break;
		memset(blk + (i + k) * DAXKITFS_SLOT_SIZE, 0, DAXKITFS_SLOT_SIZE);
	}
}

static void check_dir_block(uint64_t dir, uint64_t pblk, unsigned char *blk)
{
	struct daxkitfs_dirent *de;
	unsigned int i = 0, len, ns, bad;
	uint64_t target;
	const char *why;
	char name[DAXKITFS_NAME_MAX + 1], whybuf[80];
	int dirty = 0;
	unsigned int dt;

	/*
	 * Slots with a zero first word are free or continuations: skipped.
	 * An entry's continuations never look live, so after a bad entry is
	 * freed the scan goes on at its next slot.
	 */
	while (i < DAXKITFS_SLOTS_PER_BLOCK) {
		de = (struct daxkitfs_dirent *)(blk + i * DAXKITFS_SLOT_SIZE);
		target = le64toh(de->de_ino);
		if (!target) {
			i++;
			continue;
		}
		len = de->de_name_len;
		ns = de->de_nslots;
		why = NULL;
		name[0] = 0;
		/* The name, for the messages, wherever it fits its block. */
		if (len >= 1 && i + daxkitfs_dirent_slots(len) <= DAXKITFS_SLOTS_PER_BLOCK)
			gather_name(blk, i, len, name);
		if (len < 1)
			why = "empty name";
		else if (ns != daxkitfs_dirent_slots(len))
			why = "slot count does not match the name length";
		else if (i + ns > DAXKITFS_SLOTS_PER_BLOCK)
			why = "runs past the end of its block";
		else if ((bad = bad_continuation(blk, i, ns))) {
			snprintf(whybuf, sizeof(whybuf),
				 "continuation slot %u has a non-zero first word", i + bad);
			why = whybuf;
		}
		if (!why) {
			if (memchr(name, 0, len))
				why = "NUL in the name";
			else if (memchr(name, '/', len))
				why = "'/' in the name";
			else if (!strcmp(name, ".") || !strcmp(name, ".."))
				why = "\".\" or \"..\" as a name";
			else if (target >= F.nr_inodes)
				why = "refers to an inode beyond the table";
			else if (target == DAXKITFS_ROOT_INO)
				why = "refers to the root";
			else if (target == dir)
				why = "refers to its own directory";
			else if (!inode(target)->i_mode)
				why = "refers to a free inode";
		}
		if (why) {
			if (name[0])
				problem("entry cleared", "directory inode %" PRIu64 " entry \"%s\" (block %"
					PRIu64 " slot %u, inode %" PRIu64 "): %s", dir, pname(name),
					pblk, i, target, why);
			else
				problem("entry cleared", "directory inode %" PRIu64 " block %" PRIu64
					" slot %u (inode %" PRIu64 "): %s", dir, pblk, i, target, why);
			free_entry(blk, i, ns);
			dirty = 1;
			i++;
			continue;
		}
		if (F.nents == F.ents_cap) {
			F.ents_cap = F.ents_cap ? 2 * F.ents_cap : 256;
			F.ents = xrealloc(F.ents, F.ents_cap * sizeof(*F.ents));
		}
		F.ents[F.nents] = (struct entry){
			.dir = dir, .target = target, .pblk = pblk, .slot = i, .nslots = ns,
		};
		F.ents[F.nents].name = xrealloc(NULL, len + 1);
		memcpy(F.ents[F.nents].name, name, len + 1);
		if (hset_add(F.nents)) {
			problem("entry cleared", "directory inode %" PRIu64 " entry \"%s\" (inode %"
				PRIu64 "): a second entry of that name", dir, pname(name), target);
			free(F.ents[F.nents].name);
			free_entry(blk, i, ns);
			dirty = 1;
			i += ns;
			continue;
		}
		dt = dkfs_dt_of_mode(imode(target));
		if (de->de_type != dt) {
			problem("fixed", "directory inode %" PRIu64 " entry \"%s\" (inode %" PRIu64
				"): type %u, the inode's is %u", dir, pname(name), target,
				de->de_type, dt);
			de->de_type = (uint8_t)dt;
			dirty = 1;
		}
		if (!F.dir_nents[dir])
			F.dir_first[dir] = F.nents;
		F.dir_nents[dir]++;
		F.nents++;
		i += ns;
	}
	if (dirty)
		wr(blk, DKFS_BS, pblk * DKFS_BS);
}

static void pass2(void)
{
	static unsigned char blk[DKFS_BS];
	uint64_t ino, n, l, b;

	verbose("pass 2: directory entries\n");
	for (ino = DAXKITFS_ROOT_INO; ino < F.nr_inodes; ino++) {
		if (!is_dir(ino))
			continue;
		n = le64toh(inode(ino)->i_size) / DKFS_BS;
		for (l = 0; l < n; l++) {
			b = bmap(ino, l);
			if (!b || dkfs_read_block(&F.dev, b, blk) < 0) {
				F.op_error = 1;
				continue;
			}
			check_dir_block(ino, b, blk);
		}
	}
}

/* ---- pass 3: the tree */

static void clear_entry(struct entry *e)
{
	static const unsigned char zero[DKFS_BS];

	e->cleared = 1;
	wr(zero, e->nslots * DAXKITFS_SLOT_SIZE, e->pblk * DKFS_BS + e->slot * DAXKITFS_SLOT_SIZE);
}

static void pass3(void)
{
	size_t *keeper = xcalloc(F.nr_inodes, sizeof(*keeper));	/* index + 1 */
	uint32_t *links = xcalloc(F.nr_inodes, sizeof(*links));
	uint32_t *subdirs = xcalloc(F.nr_inodes, sizeof(*subdirs));
	uint8_t *reached = xcalloc(F.nr_inodes, 1);
	uint64_t *queue = xcalloc(F.nr_inodes, sizeof(*queue));
	size_t i, qh = 0, qt = 0, kidx;
	uint64_t ino, t, want, par;
	struct entry *e;

	verbose("pass 3: the tree and link counts\n");
	/* One entry per directory: the one in its i_parent, else the first. */
	for (i = 0; i < F.nents; i++) {
		e = &F.ents[i];
		if (!is_dir(e->target))
			continue;
		kidx = keeper[e->target];
		if (!kidx || (F.ents[kidx - 1].dir != le64toh(inode(e->target)->i_parent) &&
			      e->dir == le64toh(inode(e->target)->i_parent)))
			keeper[e->target] = i + 1;
	}
	for (i = 0; i < F.nents; i++) {
		e = &F.ents[i];
		if (is_dir(e->target) && keeper[e->target] != i + 1) {
			problem("entry cleared", "directory inode %" PRIu64 " entry \"%s\": another link to directory inode %" PRIu64,
				e->dir, pname(e->name), e->target);
			clear_entry(e);
		}
	}
	/* What the root reaches. */
	reached[DAXKITFS_ROOT_INO] = 1;
	queue[qt++] = DAXKITFS_ROOT_INO;
	while (qh < qt) {
		ino = queue[qh++];
		for (i = 0; i < F.dir_nents[ino]; i++) {
			e = &F.ents[F.dir_first[ino] + i];
			if (e->cleared)
				continue;
			t = e->target;
			links[t]++;
			if (is_dir(t)) {
				subdirs[ino]++;
				if (!reached[t])
					queue[qt++] = t;
			}
			reached[t] = 1;
		}
	}
	for (ino = DAXKITFS_ROOT_INO + 1; ino < F.nr_inodes; ino++) {
		if (!inode(ino)->i_mode || reached[ino])
			continue;
		problem("inode freed", "inode %" PRIu64 ": %s not linked from the tree (an orphan)",
			ino, dkfs_type_name(imode(ino)));
		free_inode(ino);
	}
	for (ino = DAXKITFS_ROOT_INO; ino < F.nr_inodes; ino++) {
		if (!inode(ino)->i_mode)
			continue;
		if (is_dir(ino) && ino != DAXKITFS_ROOT_INO) {
			par = F.ents[keeper[ino] - 1].dir;
			if (le64toh(inode(ino)->i_parent) != par) {
				problem("fixed", "inode %" PRIu64 ": directory's parent is %" PRIu64
					", its entry is in %" PRIu64, ino,
					(uint64_t)le64toh(inode(ino)->i_parent), par);
				inode(ino)->i_parent = htole64(par);
				inode_dirty(ino);
			}
		}
		want = is_dir(ino) ? 2ULL + subdirs[ino] : links[ino];
		if (le32toh(inode(ino)->i_nlink) != want) {
			problem("fixed", "inode %" PRIu64 ": link count %u, should be %" PRIu64, ino,
				le32toh(inode(ino)->i_nlink), want);
			inode(ino)->i_nlink = htole32((uint32_t)want);
			inode_dirty(ino);
		}
	}
	free(keeper);
	free(links);
	free(subdirs);
	free(reached);
	free(queue);
}

/* ---- the superblock */

/* Returns 0, or FSCK_ERROR when there is no usable superblock. */
static int check_super(void)
{
	struct daxkitfs_super pri, bak;
	const char *pwhy = "device smaller than one block", *bwhy = "device smaller than two blocks";
	int have_bak = 0;

	if (F.dev.blocks >= 1) {
		if (dkfs_pread(&F.dev, &pri, sizeof(pri), 0) < 0)
			return FSCK_ERROR;
		pwhy = dkfs_super_check(&pri, F.dev.blocks);
	}
	if (F.dev.blocks >= 2) {
		if (dkfs_pread(&F.dev, &bak, sizeof(bak), DAXKITFS_BACKUP_BLOCK * DKFS_BS) < 0)
			return FSCK_ERROR;
		bwhy = dkfs_super_check(&bak, F.dev.blocks);
		have_bak = 1;
	}
	if (pwhy && bwhy) {
		dkfs_err("%s: no daxkitfs superblock (primary: %s; backup: %s)", F.dev.path, pwhy, bwhy);
		return FSCK_ERROR;
	}
	if (pwhy) {
		problem("restored from the backup", "block 0: superblock: %s", pwhy);
		wr(&bak, sizeof(bak), 0);
		F.sb = bak;
	} else {
		F.sb = pri;
		if (have_bak && memcmp(&pri, &bak, sizeof(pri))) {
			problem("rewritten", "block 1: backup superblock %s", bwhy ? bwhy : "differs from the primary");
			wr(&pri, sizeof(pri), DAXKITFS_BACKUP_BLOCK * DKFS_BS);
		}
	}
	F.nr_blocks = le64toh(F.sb.s_nr_blocks);
	F.nr_inodes = le64toh(F.sb.s_nr_inodes);
	F.data_start = le64toh(F.sb.s_data_start);
	F.table_blocks = dkfs_table_blocks(F.nr_inodes);
	verbose("superblock: %" PRIu64 " blocks, %" PRIu64 " inodes, data from block %" PRIu64 "\n",
		F.nr_blocks, F.nr_inodes, F.data_start);
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: fsck.daxkitfs [-n|-y|-p] [-f] [-v] device\n"
		"       fsck.daxkitfs -V | -h\n"
		"Check a daxkitfs and, with -y or -p, repair it.\n"
		"  -n        check only, open the device read-only (the default)\n"
		"  -y, -p    repair every problem found\n"
		"  -f        check even a clean filesystem (always done)\n"
		"  -v        say what is checked\n"
		"  -V        print the version and exit\n"
		"  -h        print this help and exit\n"
		"Exit status: 0 no problem, 1 problems fixed, 4 problems left,\n"
		"8 operational error, 16 usage error.\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int c, mode_n = 0, mode_y = 0, rc;
	uint64_t state, b, used = 0, inuse = 0, ino;
	const char *sname;
	char sbuf[32];

	dkfs_prog = "fsck.daxkitfs";
	while ((c = getopt_long(argc, argv, "nypfvVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'n': mode_n = 1; break;
		case 'y': case 'p': mode_y = 1; break;
		case 'f': break;
		case 'v': F.verbose = 1; break;
		case 'V':
			printf("fsck.daxkitfs (daxkit) %s\n", DAXKIT_VERSION);
			return FSCK_OK;
		case 'h':
			usage(stdout);
			return FSCK_OK;
		default:
			usage(stderr);
			return FSCK_USAGE;
		}
	}
	if (optind + 1 != argc || (mode_n && mode_y)) {
		if (mode_n && mode_y)
			dkfs_err("-n and -y/-p exclude each other");
		usage(stderr);
		return FSCK_USAGE;
	}
	F.repair = mode_y;
	if (dkfs_open(&F.dev, argv[optind], F.repair) < 0)
		return FSCK_ERROR;
	setvbuf(stdout, NULL, _IOLBF, 0);
	rc = check_super();
	if (rc)
		return rc;
	if (dkfs_pread(&F.dev, &state, sizeof(state), DAXKITFS_STATE_OFFSET) < 0)
		return FSCK_ERROR;
	state = le64toh(state);

	F.itab = xcalloc(F.nr_inodes, sizeof(*F.itab));
	F.tdirty = xcalloc(F.table_blocks, 1);
	F.owned = xcalloc(F.nr_blocks / 64 + 1, sizeof(uint64_t));
	F.nblocks = xcalloc(F.nr_inodes, sizeof(uint64_t));
	F.rec_start = xcalloc(F.nr_inodes, sizeof(uint64_t));
	F.rec_count = xcalloc(F.nr_inodes, sizeof(uint32_t));
	F.dir_first = xcalloc(F.nr_inodes, sizeof(size_t));
	F.dir_nents = xcalloc(F.nr_inodes, sizeof(uint32_t));
	if (dkfs_pread(&F.dev, F.itab, F.nr_inodes * DAXKITFS_INODE_SIZE,
		       DAXKITFS_INODE_START * DKFS_BS) < 0)
		return FSCK_ERROR;

	pass1();
	pass2();
	pass3();

	if (state != DAXKITFS_STATE_CLEAN) {
		if (state == DAXKITFS_STATE_MOUNTED)
			sname = "MOUNTED (not cleanly unmounted)";
		else
			snprintf(sbuf, sizeof(sbuf), "0x%" PRIx64, state), sname = sbuf;
		problem("set to CLEAN", "block 0: state word %s", sname);
	}
	if (F.repair && F.found) {
		for (b = 0; b < F.table_blocks; b++)
			if (F.tdirty[b])
				wr((char *)F.itab + b * DKFS_BS,
				   (size_t)((b + 1) * DKFS_BS <= F.nr_inodes * DAXKITFS_INODE_SIZE ?
					    DKFS_BS : F.nr_inodes * DAXKITFS_INODE_SIZE - b * DKFS_BS),
				   (DAXKITFS_INODE_START + b) * DKFS_BS);
		if (dkfs_sync(&F.dev) < 0)
			F.op_error = 1;
		if (!F.op_error) {
			state = htole64(DAXKITFS_STATE_CLEAN);
			wr(&state, sizeof(state), DAXKITFS_STATE_OFFSET);
			if (dkfs_sync(&F.dev) < 0)
				F.op_error = 1;
		}
	}
	for (ino = DAXKITFS_ROOT_INO; ino < F.nr_inodes; ino++) {
		if (inode(ino)->i_mode) {
			inuse++;
			used += F.nblocks[ino];
		}
	}
	printf("%s: %s: %" PRIu64 " inodes in use, %" PRIu64 " blocks used, %lu problems found, %lu fixed\n",
	       dkfs_prog, F.dev.path, inuse, used + F.data_start, F.found, F.fixed);
	if (F.op_error)
		return FSCK_ERROR;
	if (!F.found)
		return FSCK_OK;
	return F.repair ? FSCK_FIXED : FSCK_LEFT;
}
