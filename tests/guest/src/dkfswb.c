// SPDX-License-Identifier: GPL-2.0
/*
 * dkfswb: which pages of a mapped daxkitfs file fsync writes back, from the
 * kernel's trace (t_91_daxkitfs_writeback.sh).
 *
 *   dkfswb FILE TRACEDIR DEVSTART SEED
 *
 * FILE (on daxkitfs) is made 256 pages long (under 2 MiB: PTE entries
 * only) and mapped shared (not MAP_SYNC).  Its pages are drawn (SEED) into
 * three sets: R, read through the mapping first; S, stored to; U, never
 * touched.  Then, with trace_marker lines bracketing each step:
 *   A  stores to the pages of S, no fsync
 *   B  fsync
 *   C  fsync again, nothing stored since
 * The shell has enabled the fs_dax:dax_writeback_one tracepoint (the file
 * page range an entry covers, after fs/dax.c wrote it back) and a kprobe
 * "dkwb_flush" on arch_wb_cache_pmem (the cache write-back itself: addr,
 * size).  Each writeback event must follow a flush of its size by the same
 * task, and every flush must hit the file's pages: the kernel address less
 * the page's physical address (DEVSTART, the device's, plus FIEMAP's
 * offset) is the same for all (the direct map's base).  Prints
 *   stored=|S| flushed=PAGES(B) missing=|S - B| untouched=|U|
 *   untouched-flushed=|U & B| read=|R| read-flushed=|R & B|
 *   window-a=PAGES(A) window-c=PAGES(C) unpaired=N bases=N events=N
 * where PAGES(X) counts the pages of FILE written back in window X,
 * unpaired the writeback events without their flush, and bases the
 * distinct direct-map bases (1 when every flush hit its page).  Pages of R
 * have entries the kernel may count dirty (6.1's fs/dax.c dirties
 * the entry of every fault, a read's too); pages of U have none.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PAGES	256
#define PG	4096
#define MAXEXT	64

static int die(const char *what)
{
	printf("error: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int marker_fd;

static void mark(const char *what)
{
	if (write(marker_fd, what, strlen(what)) < 0)
		die("trace_marker");
}

/* The file's extents, to find each page's device offset. */
static struct {
	struct fiemap fm;
	struct fiemap_extent ext[MAXEXT];
} fx;

static int dev_offset(uint64_t pgoff, uint64_t *off)
{
	uint64_t pos = pgoff * PG;
	unsigned int i;

	for (i = 0; i < fx.fm.fm_mapped_extents; i++) {
		const struct fiemap_extent *e = &fx.ext[i];

		if (pos >= e->fe_logical && pos < e->fe_logical + e->fe_length) {
			*off = e->fe_physical + pos - e->fe_logical;
			return 0;
		}
	}
	return -1;
}

struct flush {
	int pid;
	uint64_t addr, size;
};

int main(int argc, char **argv)
{
	unsigned long stored = 0, flushed = 0, missing = 0, win[3] = { 0 }, n[3] = { 0 };
	unsigned long unpaired = 0, nbases = 0, events = 0, uflushed = 0, rflushed = 0;
	static unsigned char set[PAGES], in_b[PAGES];	/* set: 0 U, 1 R, 2 S */
	static struct flush last[64];
	uint64_t devstart, bases[8], seed, x, i;
	char path[512], line[1024];
	int fd, window = -1;
	volatile unsigned char *p;
	struct stat st;
	FILE *tr;

	if (argc != 5) {
		fprintf(stderr, "usage: dkfswb FILE TRACEDIR DEVSTART SEED\n");
		return 2;
	}
	devstart = strtoull(argv[3], NULL, 0);
	seed = strtoull(argv[4], NULL, 0);
	snprintf(path, sizeof(path), "%s/trace_marker", argv[2]);
	marker_fd = open(path, O_WRONLY);
	if (marker_fd < 0)
		die(path);

	fd = open(argv[1], O_CREAT | O_RDWR | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, PAGES * PG) || fstat(fd, &st))
		die(argv[1]);
	/* Blocks for every page, written through write(), not the mapping. */
	{
		static char buf[PAGES * PG];

		memset(buf, 0x5a, sizeof(buf));
		if (pwrite(fd, buf, sizeof(buf), 0) != (ssize_t)sizeof(buf) || fsync(fd))
			die("pwrite");
	}
	fx.fm.fm_length = FIEMAP_MAX_OFFSET;
	fx.fm.fm_flags = FIEMAP_FLAG_SYNC;
	fx.fm.fm_extent_count = MAXEXT;
	if (ioctl(fd, FS_IOC_FIEMAP, &fx.fm))
		die("FIEMAP");
	p = mmap(NULL, PAGES * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap");
	/* Each set about a third of the pages; pages 0, 1, 2 one in each. */
	x = seed * 0x9e3779b97f4a7c15ull + 1;
	for (i = 0; i < PAGES; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		set[i] = i < 3 ? i : x % 3;
		n[set[i]]++;
		if (set[i] == 1)
			x += p[i * PG];
	}

	mark("DKWB-A");
	for (i = 0; i < PAGES; i++) {
		if (set[i] == 2) {
			p[i * PG + (x >> 20) % PG] = i;
			stored++;
		}
	}
	mark("DKWB-B");
	if (fsync(fd))
		die("fsync");
	mark("DKWB-C");
	if (fsync(fd))
		die("fsync again");
	mark("DKWB-D");

	snprintf(path, sizeof(path), "%s/trace", argv[2]);
	tr = fopen(path, "r");
	if (!tr)
		die(path);
	while (fgets(line, sizeof(line), tr)) {
		unsigned long ino, pgoff, pglen;
		uint64_t addr, size, off, j;
		char *s, *dash;
		int pid;

		if (line[0] == '#')
			continue;
		if ((s = strstr(line, "tracing_mark_write: DKWB-"))) {
			window = s[strlen("tracing_mark_write: DKWB-")] - 'A';
			/* a write-back pairs only with a flush of its own window */
			memset(last, 0, sizeof(last));
			continue;
		}
		/* "  comm-PID  [CPU] ...": the PID ends the first word. */
		s = line + strspn(line, " ");
		dash = NULL;
		for (; *s && *s != '['; s++)
			if (*s == '-')
				dash = s;
		if (!dash)
			continue;
		pid = atoi(dash + 1);
		if ((s = strstr(line, "dkwb_flush:"))) {
			s = strstr(s, "addr=");
			if (s && sscanf(s, "addr=%" SCNx64 " size=%" SCNu64, &addr, &size) == 2) {
				last[pid % 64].pid = pid;
				last[pid % 64].addr = addr;
				last[pid % 64].size = size;
			}
			continue;
		}
		s = strstr(line, "dax_writeback_one:");
		if (!s || !(s = strstr(s, " ino ")) ||
		    sscanf(s, " ino %lx pgoff %lx pglen %lx", &ino, &pgoff, &pglen) != 3 ||
		    ino != (unsigned long)st.st_ino)
			continue;
		events++;
		if (last[pid % 64].pid != pid || last[pid % 64].size != pglen * PG ||
		    dev_offset(pgoff, &off)) {
			unpaired++;
		} else {
			uint64_t base = last[pid % 64].addr - (devstart + off);

			for (j = 0; j < nbases && bases[j] != base; j++)
				;
			if (j == nbases && nbases < 8)
				bases[nbases++] = base;
		}
		last[pid % 64].pid = 0;
		for (j = pgoff; j < pgoff + pglen && j < PAGES; j++) {
			if (window >= 0 && window < 3)
				win[window]++;
			if (window == 1)
				in_b[j] = 1;
		}
	}
	fclose(tr);
	for (i = 0; i < PAGES; i++) {
		flushed += in_b[i];
		missing += set[i] == 2 && !in_b[i];
		uflushed += set[i] == 0 && in_b[i];
		rflushed += set[i] == 1 && in_b[i];
	}
	printf("stored=%lu flushed=%lu missing=%lu untouched=%lu untouched-flushed=%lu read=%lu read-flushed=%lu window-a=%lu window-c=%lu unpaired=%lu bases=%lu events=%lu\n",
	       stored, flushed, missing, n[0], uflushed, n[1], rflushed, win[0], win[2],
	       unpaired, nbases, events);
	munmap((void *)p, PAGES * PG);
	close(fd);
	return 0;
}
