// SPDX-License-Identifier: GPL-2.0
/*
 * dkfspc: the power-cut lane's writer and verifier (tests/vm/powercut.sh,
 * tests/guest/powercut.sh).
 *
 *   dkfspc write DIR GEN    makes records durable on the daxkitfs mounted
 *                           at DIR, in turn in the four ways of FS-HELPER.md,
 *                           and prints one line per record once it is:
 *                             DKPC-ACK METHOD GEN SEQ PATH OFF CK
 *                           until killed (the host cuts the power).
 *   dkfspc verify DIR ACKS  checks every record ACKS (the ACK lines of the
 *                           earlier boots) acknowledges; prints a
 *                           DKPC-VERIFY summary and a DKPC-BAD line per
 *                           record lost or corrupt (the first 20); exits 1
 *                           when any is.
 *   dkfspc compact          copies the ACK lines on stdin that acknowledge
 *                           something the others do not (the host keeps
 *                           these for the next boot); counts them on stderr.
 *
 * Methods: 1 pwrite then fsync (GEN's fsync.log); 2 pwrite on an O_DSYNC
 * descriptor (dsync.log); 3 stores to a MAP_SYNC mapping then a cache-line
 * write-back (clwb, else clflushopt, else clflush) and sfence
 * (mapsync.log); 4 a new file written and fsynced under a temporary name,
 * renamed over ren/sSLOT, the directory fsynced.  Records of methods 1 to 3
 * are 64 bytes at OFF in GEN's files, never rewritten, acknowledged in
 * order: every record of the file up to the last acknowledged must be
 * there, of its method and generation, numbers increasing.  A method-4 file
 * is one 4096-byte record, and a later rename replaces it: the slot must
 * hold a valid record at least as new as the newest acknowledged.
 *
 * A record: magic, method, generation, sequence number (unique within a
 * generation), a payload drawn from those, a CRC-32 of the rest.  CK is the
 * CRC-32 of the line's other fields: a line the console garbled is dropped
 * (counted as badack), never read as another record.
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif
#ifndef MAP_SYNC
#define MAP_SYNC 0x80000
#endif

#define MAGIC		0x43504b44u	/* "DKPC" */
#define SMALL		64		/* methods 1-3 */
#define BIG		4096		/* method 4 */
#define CAP		16384		/* records per method-1..3 file */
#define SLOTS		32		/* method-4 files */
#define MAXBAD		20

/* The method-4 file a record goes to: spread whatever the stride of SEQ. */
static unsigned int slot_of(uint64_t seq)
{
	return (seq * 0x9e3779b97f4a7c15ull) >> 59;	/* SLOTS == 32 */
}

/* ---- records ---- */

static uint32_t crc_table[256];

static void crc_init(void)
{
	uint32_t c;
	int i, k;

	for (i = 0; i < 256; i++) {
		c = i;
		for (k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
}

static uint32_t crc32(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t c = ~0u;

	while (len--)
		c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return ~c;
}

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t get64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

/* The payload: a xorshift stream seeded by the record's identity. */
static void payload(uint8_t *p, size_t len, unsigned int m, unsigned int gen, uint64_t seq)
{
	uint64_t x = (seq + 1) * 0x9e3779b97f4a7c15ull ^ ((uint64_t)gen << 40) ^ m;
	size_t i;

	for (i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = x >> 32;
	}
}

static void make_rec(uint8_t *r, size_t len, unsigned int m, unsigned int gen, uint64_t seq)
{
	put32(r, MAGIC);
	put32(r + 4, m | gen << 8);
	put64(r + 8, seq);
	payload(r + 16, len - 20, m, gen, seq);
	put32(r + len - 4, crc32(r, len - 4));
}

/*
 * check_rec: what is wrong with R (LEN bytes) as method M's record, or
 * NULL; the record's own generation and number in *GEN and *SEQ.
 */
static const char *check_rec(const uint8_t *r, size_t len, unsigned int m,
			     unsigned int *gen, uint64_t *seq)
{
	static uint8_t want[BIG];
	size_t i;

	for (i = 0; i < len && !r[i]; i++)
		;
	if (i == len)
		return "zeros";
	if (get32(r) != MAGIC)
		return "bad magic";
	if ((get32(r + 4) & 0xff) != m)
		return "another method's record";
	if (get32(r + len - 4) != crc32(r, len - 4))
		return "bad checksum";
	*gen = get32(r + 4) >> 8;
	*seq = get64(r + 8);
	make_rec(want, len, m, *gen, *seq);
	if (memcmp(want, r, len))
		return "bad payload";
	return NULL;
}

/* ---- the writer ---- */

static int die(const char *what)
{
	printf("DKPC-ERROR %s: %s\n", what, strerror(errno));
	fflush(stdout);
	exit(1);
}

static void say(const char *line, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(1, line, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			exit(1);
		line += n;
		len -= n;
	}
}

static void ack(unsigned int m, unsigned int gen, uint64_t seq, const char *path, uint64_t off)
{
	char fields[256], line[300];
	int n;

	snprintf(fields, sizeof(fields), "%u %u %" PRIu64 " %s %" PRIu64, m, gen, seq, path, off);
	n = snprintf(line, sizeof(line), "DKPC-ACK %s %08x\n", fields, crc32(fields, strlen(fields)));
	say(line, n);
}

static void fsync_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY);

	if (fd < 0 || fsync(fd))
		die(path);
	close(fd);
}

enum flush_insn { F_CLWB, F_CLFLUSHOPT, F_CLFLUSH };
static enum flush_insn flush_insn;
static const char *const flush_name[] = { "clwb", "clflushopt", "clflush" };

static void pick_flush(void)
{
	unsigned int a, b, c, d;

	flush_insn = F_CLFLUSH;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return;
	if (b & (1u << 24))
		flush_insn = F_CLWB;
	else if (b & (1u << 23))
		flush_insn = F_CLFLUSHOPT;
}

/* Write back the cache lines of [P, P + LEN), then order the stores. */
static void flush(void *p, size_t len)
{
	uintptr_t a = (uintptr_t)p & ~63ul, end = (uintptr_t)p + len;

	for (; a < end; a += 64) {
		volatile char *l = (volatile char *)a;

		switch (flush_insn) {
		case F_CLWB:
			asm volatile("clwb %0" : "+m"(*l));
			break;
		case F_CLFLUSHOPT:
			asm volatile("clflushopt %0" : "+m"(*l));
			break;
		default:
			asm volatile("clflush %0" : "+m"(*l));
			break;
		}
	}
	asm volatile("sfence" ::: "memory");
}

static int open_log(const char *g, const char *name, int flags, char *path)
{
	int fd;

	sprintf(path, "%s/%s", g, name);
	fd = open(path, O_CREAT | O_EXCL | flags, 0644);
	if (fd < 0)
		die(path);
	return fd;
}

static __attribute__((noreturn)) void do_write(const char *dir, unsigned int gen)
{
	char g[32], p1[64], p2[64], p3[64], tmp[64], fin[64], line[128];
	unsigned int n[4] = { 0 }, m, slot;
	uint8_t small[SMALL], big[BIG];
	int f1, f2, f3, fd, rdir;
	uint64_t seq = 0;
	uint8_t *map;

	crc_init();
	pick_flush();
	if (chdir(dir))
		die(dir);
	snprintf(g, sizeof(g), "g%u", gen);
	if (mkdir(g, 0755) || (mkdir("ren", 0755) && errno != EEXIST))
		die("mkdir");
	f1 = open_log(g, "fsync.log", O_WRONLY, p1);
	f2 = open_log(g, "dsync.log", O_WRONLY | O_DSYNC, p2);
	f3 = open_log(g, "mapsync.log", O_RDWR, p3);
	if (ftruncate(f3, (off_t)CAP * SMALL) || fsync(f3))
		die(p3);
	map = mmap(NULL, (size_t)CAP * SMALL, PROT_READ | PROT_WRITE,
		   MAP_SHARED_VALIDATE | MAP_SYNC, f3, 0);
	if (map == MAP_FAILED)
		die("mmap MAP_SYNC");
	fsync_path(g);
	fsync_path(".");
	rdir = open("ren", O_RDONLY | O_DIRECTORY);
	if (rdir < 0 || fsync(rdir))
		die("ren");
	say(line, snprintf(line, sizeof(line), "DKPC-WRITING gen=%u flush=%s\n",
			   gen, flush_name[flush_insn]));

	for (;;) {
		for (m = 1; m <= 4; m++) {
			if (m < 4 && n[m - 1] >= CAP)
				continue;
			switch (m) {
			case 1:
				make_rec(small, SMALL, m, gen, seq);
				if (pwrite(f1, small, SMALL, (off_t)n[0] * SMALL) != SMALL || fsync(f1))
					die(p1);
				ack(m, gen, seq, p1, (uint64_t)n[0] * SMALL);
				break;
			case 2:
				make_rec(small, SMALL, m, gen, seq);
				if (pwrite(f2, small, SMALL, (off_t)n[1] * SMALL) != SMALL)
					die(p2);
				ack(m, gen, seq, p2, (uint64_t)n[1] * SMALL);
				break;
			case 3:
				make_rec(small, SMALL, m, gen, seq);
				memcpy(map + (size_t)n[2] * SMALL, small, SMALL);
				flush(map + (size_t)n[2] * SMALL, SMALL);
				ack(m, gen, seq, p3, (uint64_t)n[2] * SMALL);
				break;
			default:
				slot = slot_of(seq);
				sprintf(tmp, ".tmp%u", slot);
				sprintf(fin, "s%u", slot);
				make_rec(big, BIG, m, gen, seq);
				fd = openat(rdir, tmp, O_CREAT | O_TRUNC | O_WRONLY, 0644);
				if (fd < 0 || write(fd, big, BIG) != BIG || fsync(fd) || close(fd))
					die(tmp);
				if (renameat(rdir, tmp, rdir, fin) || fsync(rdir))
					die(fin);
				sprintf(fin, "ren/s%u", slot);
				ack(m, gen, seq, fin, 0);
				break;
			}
			n[m - 1]++;
			seq++;
		}
	}
}

/* ---- the verifier ---- */

/*
 * What the ACK lines acknowledge, per file: for methods 1 to 3 the last
 * record (the writer acknowledges a file's records in order, each before
 * writing the next: every record up to it was acknowledged); for method 4
 * the newest record renamed into the slot.
 */
struct acked {
	char path[64];
	unsigned int m, gen;
	uint64_t seq, off;
	char line[160];
};

#define MAXFILES	4096
static struct acked files[MAXFILES];
static unsigned int nfiles;
static unsigned long nacks, badack, per[4];

/* parse_ack: take one ACK line (a garbled one is counted and dropped). */
static void parse_ack(char *line)
{
	unsigned int m, gen, s, i;
	char path[256], fields[300];
	uint64_t seq, off;
	struct acked *a;
	uint32_t ck;
	int n;

	line[strcspn(line, "\r\n")] = 0;
	if (sscanf(line, "DKPC-ACK %u %u %" SCNu64 " %255s %" SCNu64 " %8x%n",
		   &m, &gen, &seq, path, &off, &ck, &n) != 6 || line[n] || m < 1 || m > 4 ||
	    strlen(path) >= sizeof(files[0].path) || strlen(line) >= sizeof(files[0].line)) {
		badack++;
		return;
	}
	snprintf(fields, sizeof(fields), "%u %u %" PRIu64 " %s %" PRIu64, m, gen, seq, path, off);
	if (crc32(fields, strlen(fields)) != ck ||
	    (m == 4 && (sscanf(path, "ren/s%u", &s) != 1 || s >= SLOTS || slot_of(seq) != s || off)) ||
	    (m < 4 && off % SMALL)) {
		badack++;
		return;
	}
	nacks++;
	per[m - 1]++;
	for (i = 0; i < nfiles && strcmp(files[i].path, path); i++)
		;
	if (i == MAXFILES)
		die("too many files acknowledged");
	a = &files[i];
	if (i == nfiles) {
		nfiles++;
		memset(a, 0, sizeof(*a));
		strcpy(a->path, path);
	} else if (a->m != m || (m < 4 && a->gen != gen)) {
		badack++;	/* a path is one method's, one generation's */
		return;
	} else if (m < 4 ? off <= a->off : gen < a->gen || (gen == a->gen && seq <= a->seq)) {
		return;
	}
	a->m = m;
	a->gen = gen;
	a->seq = seq;
	a->off = off;
	strcpy(a->line, line);
}

static void read_acks(FILE *f)
{
	char line[512];

	crc_init();
	while (fgets(line, sizeof(line), f))
		parse_ack(line);
}

static unsigned long lost, corrupt, nbad;

static void bad(const struct acked *a, uint64_t off, const char *why, int is_lost)
{
	if (is_lost)
		lost++;
	else
		corrupt++;
	if (nbad++ < MAXBAD)
		printf("DKPC-BAD method %u gen %u (acknowledged up to seq %" PRIu64 ") %s@%" PRIu64 ": %s\n",
		       a->m, a->gen, a->seq, a->path, off, why);
}

/* check_log: every record of a method-1..3 file up to the last acknowledged. */
static unsigned long check_log(const struct acked *a)
{
	static uint8_t buf[(size_t)CAP * SMALL];
	size_t want = a->off + SMALL, have = 0;
	uint64_t off, rseq, prev = 0;
	const char *why, *gone = NULL;
	unsigned int rgen;
	char msg[128];
	ssize_t got;
	int fd;

	if (want > sizeof(buf))
		die("an acknowledged offset beyond the writer's files");
	fd = open(a->path, O_RDONLY);
	if (fd < 0) {
		gone = strerror(errno);		/* every record is lost */
	} else {
		while (have < want && (got = pread(fd, buf + have, want - have, have)) > 0)
			have += got;
		close(fd);
	}
	for (off = 0; off <= a->off; off += SMALL) {
		if (off + SMALL > have) {
			bad(a, off, gone ? gone : "beyond the end of the file", 1);
			continue;
		}
		why = check_rec(buf + off, SMALL, a->m, &rgen, &rseq);
		if (why) {
			bad(a, off, why, !strcmp(why, "zeros"));
		} else if (rgen != a->gen || (off && rseq <= prev) ||
			   (off == a->off && rseq != a->seq) || (off < a->off && rseq >= a->seq)) {
			snprintf(msg, sizeof(msg), "holds gen %u seq %" PRIu64 " (the one before: %" PRIu64 ")",
				 rgen, rseq, prev);
			bad(a, off, msg, 0);
		} else {
			prev = rseq;
		}
	}
	return a->off / SMALL + 1;
}

/* check_slot: a method-4 file holds its newest acknowledged record, or a newer. */
static void check_slot(const struct acked *a)
{
	uint8_t buf[BIG];
	unsigned int rgen, s;
	const char *why;
	uint64_t rseq;
	char msg[128];
	ssize_t got;
	int fd;

	sscanf(a->path, "ren/s%u", &s);
	fd = open(a->path, O_RDONLY);
	if (fd < 0) {
		bad(a, 0, strerror(errno), 1);
		return;
	}
	got = pread(fd, buf, BIG, 0);
	close(fd);
	if (got != BIG) {
		bad(a, 0, got < 0 ? strerror(errno) : "short file", 1);
	} else if ((why = check_rec(buf, BIG, 4, &rgen, &rseq))) {
		bad(a, 0, why, !strcmp(why, "zeros"));
	} else if (slot_of(rseq) != s || rgen < a->gen || (rgen == a->gen && rseq < a->seq)) {
		snprintf(msg, sizeof(msg), "holds gen %u seq %" PRIu64 ", older or another slot's", rgen, rseq);
		bad(a, 0, msg, 1);
	}
}

static int do_verify(const char *dir, const char *acks)
{
	unsigned long checked[4] = { 0 };
	unsigned int i;
	FILE *f;

	f = fopen(acks, "r");
	if (!f)
		die(acks);
	read_acks(f);
	fclose(f);
	if (chdir(dir))
		die(dir);
	for (i = 0; i < nfiles; i++) {
		if (files[i].m < 4) {
			checked[files[i].m - 1] += check_log(&files[i]);
		} else {
			check_slot(&files[i]);
			checked[3]++;
		}
	}
	printf("DKPC-VERIFY records=%lu lost=%lu corrupt=%lu fsync=%lu dsync=%lu mapsync=%lu rename-slots=%lu files=%u badack=%lu\n",
	       checked[0] + checked[1] + checked[2] + checked[3], lost, corrupt,
	       checked[0], checked[1], checked[2], checked[3], nfiles, badack);
	return lost || corrupt;
}

/*
 * do_compact: the ACK lines on stdin, reduced to those that say the same
 * (the last of each file), on stdout; on stderr, how many there were.
 */
static int do_compact(void)
{
	unsigned int i;

	read_acks(stdin);
	for (i = 0; i < nfiles; i++)
		printf("%s\n", files[i].line);
	fprintf(stderr, "DKPC-ACKED fsync=%lu dsync=%lu mapsync=%lu rename=%lu badack=%lu\n",
		per[0], per[1], per[2], per[3], badack);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "write"))
		do_write(argv[2], atoi(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "verify"))
		return do_verify(argv[2], argv[3]);
	if (argc == 2 && !strcmp(argv[1], "compact"))
		return do_compact();
	fprintf(stderr, "usage: dkfspc write DIR GEN | verify DIR ACKS | compact < ACKS\n");
	return 2;
}
