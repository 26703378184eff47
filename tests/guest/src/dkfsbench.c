// SPDX-License-Identifier: GPL-2.0
/*
 * dkfsbench: the filesystem figures of `make bench` (tests/guest/bench.sh)
 * fio has no engine for, on any filesystem.  Each prints one line of
 * "KEY VALUE" pairs, or a line on stderr and exits 1.
 *
 *   dkfsbench create DIR SECONDS MAX  create DIR/fN, write 4 KiB to it,
 *                                     fsync, close, for SECONDS or MAX
 *                                     files: "files N usec T"
 *   dkfsbench pmd FILE LEN            create FILE, fallocate LEN bytes,
 *                                     map them MAP_SHARED at a 2 MiB-aligned
 *                                     address, store to every 4 KiB page:
 *                                     "pmd P of C faults F usec T dax D".
 *                                     A 2 MiB chunk is served by a PMD when
 *                                     its first store mapped all of it: the
 *                                     stores to its other 511 pages took no
 *                                     fault.  F counts every fault; T is
 *                                     the time of fallocate and the stores;
 *                                     D is 1 when statx says the file is DAX.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SZ_4K	4096UL
#define SZ_2M	(2UL << 20)

#ifndef STATX_ATTR_DAX
#define STATX_ATTR_DAX	0x00200000
#endif

static int die(const char *what)
{
	fprintf(stderr, "dkfsbench: %s: %s\n", what, strerror(errno));
	return 1;
}

static long long now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static long faults(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt + ru.ru_majflt;
}

static int do_create(const char *dir, long seconds, long max)
{
	static char buf[SZ_4K];
	char path[4096];
	long long t0, end, t;
	long n;
	int fd;

	memset(buf, 0x5a, sizeof(buf));
	t0 = now_us();
	end = t0 + seconds * 1000000;
	for (n = 0, t = t0; n < max && t < end; n++, t = now_us()) {
		snprintf(path, sizeof(path), "%s/f%ld", dir, n);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd < 0)
			return die(path);
		if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			return die("write");
		if (fsync(fd))
			return die("fsync");
		if (close(fd))
			return die("close");
	}
	printf("files %ld usec %lld\n", n, t - t0);
	return 0;
}

static int do_pmd(const char *path, size_t len)
{
	struct statx sx;
	size_t chunk, i, pmd = 0;
	long long t0, t1;
	long f0, f, all;
	char *hole, *p;
	int fd;

	len &= ~(SZ_2M - 1);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0644);
	if (fd < 0)
		return die(path);
	if (statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &sx))
		return die("statx");
	/* A 2 MiB-aligned address: find room, then take it. */
	hole = mmap(NULL, len + SZ_2M, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (hole == MAP_FAILED)
		return die("mmap anon");
	munmap(hole, len + SZ_2M);
	/* The clock first: its first call faults in the vDSO's data page. */
	t0 = now_us();
	all = faults();
	if (fallocate(fd, 0, 0, len))
		return die("fallocate");
	p = mmap((void *)(((uintptr_t)hole + SZ_2M - 1) & ~(SZ_2M - 1)), len,
		 PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0);
	if (p == MAP_FAILED)
		return die("mmap");
	for (chunk = 0; chunk < len; chunk += SZ_2M) {
		p[chunk] = 1;
		f0 = faults();
		for (i = SZ_4K; i < SZ_2M; i += SZ_4K)
			p[chunk + i] = 1;
		f = faults();
		if (f == f0)
			pmd++;
	}
	all = faults() - all;
	t1 = now_us();
	printf("pmd %zu of %zu faults %ld usec %lld dax %d\n", pmd, len / SZ_2M, all, t1 - t0,
	       !!(sx.stx_attributes & STATX_ATTR_DAX));
	if (munmap(p, len) || close(fd))
		return die("munmap");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "create"))
		return do_create(argv[2], atol(argv[3]), atol(argv[4]));
	if (argc == 4 && !strcmp(argv[1], "pmd"))
		return do_pmd(argv[2], strtoull(argv[3], NULL, 0));
	fprintf(stderr, "usage: dkfsbench create DIR SECONDS MAX | pmd FILE LEN\n");
	return 2;
}
