// SPDX-License-Identifier: GPL-2.0
/*
 * daxmap: guest-side checks of a /dev/daxkitR.N mapping.
 *
 *   daxmap DEV write OFF LEN SEED    map, fill with a pattern, verify
 *   daxmap DEV verify OFF LEN SEED [HOLE]  map, verify the pattern (persistence);
 *                                    the 4 KiB page at byte HOLE of the mapping
 *                                    must read zeros instead
 *   daxmap DEV refuse-unaligned ALIGN  offset and length below ALIGN refused
 *   daxmap DEV map-sync              MAP_SHARED_VALIDATE|MAP_SYNC accepted
 *   daxmap DEV refuse-map-sync [LEN] MAP_SHARED_VALIDATE|MAP_SYNC refused with
 *                                    EOPNOTSUPP (media that needs a flush)
 *   daxmap DEV fsync                 fsync() DEV (a block device: its flush)
 *   daxmap DEV faults LEN            read LEN bytes; print the page faults taken
 *   daxmap DEV faults-timed LEN      the same, as "faults N usec T" (make bench)
 *   daxmap DEV pagesize              print smaps KernelPageSize of the mapping, kB
 *   daxmap DEV refuse-private [LEN [N]]  MAP_PRIVATE is refused with EINVAL, N times
 *   daxmap DEV split ALIGN [CHUNK]   munmap, mprotect and a shrinking mremap of
 *                                    CHUNK (default 4096) inside an ALIGN
 *                                    mapping are refused with EINVAL (Req-19)
 *   daxmap DEV matrix ALIGN SIZE     address, offset and length at ALIGN are
 *                                    accepted; at 4096 past it refused (Req-18);
 *                                    SIZE: the device's, where stores stop
 *   daxmap DEV map-on-cue LEN        open, print "open", wait for a line on
 *                                    stdin, then mmap: print "mapped" or the error
 *   daxmap DEV dirty-unmap LEN       store to every page, munmap (Req-25)
 *   daxmap DEV pread-verify OFF LEN SEED  read (not map) DEV, a block device
 *                                    say, and verify the pattern
 *   daxmap DEV pwrite OFF LEN SEED   write (not map) the pattern, then fsync
 *   daxmap DEV seek-end              print where lseek(SEEK_END) lands: the
 *                                    size QEMU takes for a device outside class dax
 *   daxmap DEV excl                  print the errno name of an exclusive
 *                                    open (O_EXCL) of DEV, "ok" when it opens
 *   daxmap DEV touch-loop LEN        map, touch forever; exit 0 on SIGBUS
 *   daxmap DEV fork-share LEN        a fork child's store is seen by the parent
 *   daxmap DEV odirect BLKDEV LEN    O_DIRECT I/O between BLKDEV and a mapping
 *                                    of DEV (get_user_pages on its pages, Req-28):
 *                                    a read into the mapping, a write from it
 *   daxmap DEV storm LEN ALIGN N     N threads map LEN, touch every ALIGN, unmap,
 *                                    again and again; exit 0 at the first SIGBUS
 *                                    or refused mmap (the device went away)
 *   daxmap DEV soft-offline OFF ALIGN  MADV_SOFT_OFFLINE of a mapped page at OFF is
 *                                    refused (Req-36); the page keeps its data
 *   daxmap DEV poison OFF ALIGN      MADV_HWPOISON a mapped page at OFF: expect
 *                                    SIGBUS, BUS_MCEERR_AR, si_addr_lsb log2(ALIGN)
 *   daxmap DEV touch OFF LEN AT      map LEN at OFF, read the word at byte AT of
 *                                    the mapping; print "value 0x..", or
 *                                    "sigbus CODE LSB +ADDR" (si_code's name,
 *                                    si_addr_lsb, si_addr in the mapping)
 *
 * Prints one line; exits 0 when the check holds, 1 when not.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif
#ifndef MADV_SOFT_OFFLINE
#define MADV_SOFT_OFFLINE 101	/* not in glibc's headers */
#endif
#ifndef MAP_SYNC
#define MAP_SYNC 0x80000
#endif

static int fd;

static void *map(size_t len, off_t off, int flags)
{
	return mmap(NULL, len, PROT_READ | PROT_WRITE, flags, fd, off);
}

static uint64_t pattern(uint64_t seed, uint64_t i)
{
	return (seed * 0x9e3779b97f4a7c15ULL) ^ (i * 0xff51afd7ed558ccdULL);
}

static int fail(const char *fmt, const char *what)
{
	printf("fail: ");
	printf(fmt, what);
	printf(" (%s)\n", strerror(errno));
	return 1;
}

/* Write and/or verify the pattern; the page at byte @hole must be zeros. */
static int do_pattern(int write, off_t off, size_t len, uint64_t seed, size_t hole)
{
	uint64_t *p = map(len, off, MAP_SHARED), i;

	if (p == MAP_FAILED)
		return fail("%s", "mmap");
	for (i = 0; write && i < len / 8; i++)
		p[i] = pattern(seed, i);
	for (i = 0; i < len / 8; i++) {
		int in_hole = i * 8 >= hole && i * 8 - hole < 4096;

		if (p[i] != (in_hole ? 0 : pattern(seed, i))) {
			printf("fail: word %llu differs\n", (unsigned long long)i);
			return 1;
		}
	}
	munmap(p, len);
	printf("ok\n");
	return 0;
}

static int do_pread_verify(off_t off, size_t len, uint64_t seed)
{
	uint64_t *buf = malloc(len), i;

	if (!buf)
		return fail("%s", "malloc");
	if (pread(fd, buf, len, off) != (ssize_t)len)
		return fail("%s", "pread");
	for (i = 0; i < len / 8; i++) {
		if (buf[i] != pattern(seed, i)) {
			printf("fail: word %llu differs\n", (unsigned long long)i);
			return 1;
		}
	}
	free(buf);
	printf("ok\n");
	return 0;
}

static int do_pwrite(off_t off, size_t len, uint64_t seed)
{
	uint64_t *buf = malloc(len), i;

	if (!buf)
		return fail("%s", "malloc");
	for (i = 0; i < len / 8; i++)
		buf[i] = pattern(seed, i);
	if (pwrite(fd, buf, len, off) != (ssize_t)len)
		return fail("%s", "pwrite");
	if (fsync(fd))
		return fail("%s", "fsync");
	free(buf);
	printf("ok\n");
	return 0;
}

/* Fill @buf with the pattern of @seed; or compare, returning the first bad word + 1. */
static size_t fill_or_check(uint64_t *buf, size_t len, uint64_t seed, int fill)
{
	size_t i;

	for (i = 0; i < len / 8; i++) {
		if (fill)
			buf[i] = pattern(seed, i);
		else if (buf[i] != pattern(seed, i))
			return i + 1;
	}
	return 0;
}

/*
 * Direct I/O between a block device and the mapping: the block layer pins
 * the mapping's pages with get_user_pages, which only works on device
 * memory with struct pages and pfns inserted accordingly (Req-28).
 */
static int do_odirect(const char *blkdev, size_t len)
{
	uint64_t *p = map(len, 0, MAP_SHARED), *buf;
	int bfd = open(blkdev, O_RDWR);
	int dfd = open(blkdev, O_RDWR | O_DIRECT);

	if (p == MAP_FAILED)
		return fail("%s", "mmap");
	if (bfd < 0 || dfd < 0)
		return fail("open %s", blkdev);
	buf = malloc(len);
	if (!buf)
		return fail("%s", "malloc");
	/* Block device -> mapping: the device's pages are written (FOLL_WRITE). */
	fill_or_check(buf, len, 7, 1);
	if (pwrite(bfd, buf, len, 0) != (ssize_t)len || fsync(bfd))
		return fail("%s", "buffered write of the block device");
	memset(p, 0, len);
	if (pread(dfd, p, len, 0) != (ssize_t)len)
		return fail("%s", "O_DIRECT read into the mapping");
	if (fill_or_check(p, len, 7, 0)) {
		printf("fail: the O_DIRECT read left other data in the mapping\n");
		return 1;
	}
	/* Mapping -> block device: the device's pages are read. */
	fill_or_check(p, len, 8, 1);
	if (pwrite(dfd, p, len, 0) != (ssize_t)len)
		return fail("%s", "O_DIRECT write from the mapping");
	posix_fadvise(bfd, 0, len, POSIX_FADV_DONTNEED);
	if (pread(bfd, buf, len, 0) != (ssize_t)len)
		return fail("%s", "buffered read of the block device");
	if (fill_or_check(buf, len, 8, 0)) {
		printf("fail: the O_DIRECT write did not store the mapping's data\n");
		return 1;
	}
	printf("ok\n");
	return 0;
}

static size_t storm_len, storm_align;
static volatile unsigned long storm_faults;

static void on_sigbus_exit(int sig __attribute__((unused)))
{
	static const char msg[] = "ok: SIGBUS\n";

	if (write(1, msg, sizeof(msg) - 1) < 0)
		_exit(1);
	_exit(0);
}

/* One thread of the storm: each new mapping faults again on every ALIGN. */
static void *storm_thread(void *arg __attribute__((unused)))
{
	size_t off;

	for (;;) {
		volatile char *p = map(storm_len, 0, MAP_SHARED);

		if (p == MAP_FAILED) {
			printf("ok: mmap refused (%s) after %lu faults\n", strerror(errno),
			       storm_faults);
			fflush(stdout);
			_exit(0);
		}
		for (off = 0; off < storm_len; off += storm_align) {
			p[off]++;
			storm_faults++;
		}
		munmap((void *)p, storm_len);
	}
	return NULL;
}

static int do_storm(size_t len, size_t align, int n)
{
	pthread_t t;
	int i;

	storm_len = len;
	storm_align = align;
	signal(SIGBUS, on_sigbus_exit);
	for (i = 0; i < n; i++)
		if (pthread_create(&t, NULL, storm_thread, NULL))
			return fail("%s", "pthread_create");
	printf("mapped\n");
	fflush(stdout);
	pause();
	return 1;
}

static int expect_einval(void *p, const char *what)
{
	if (p != MAP_FAILED) {
		printf("fail: %s was mapped\n", what);
		return 1;
	}
	if (errno != EINVAL)
		return fail("%s: not EINVAL", what);
	return 0;
}

/* Refuse munmap, mprotect and mremap of @chunk inside an @align mapping. */
static int do_split(size_t align, size_t chunk)
{
	char *p = map(align, 0, MAP_SHARED);

	if (p == MAP_FAILED)
		return fail("%s", "mmap");
	p[0] = 1;
	if (munmap(p + chunk, chunk) == 0) {
		printf("fail: munmap of %zu inside a %zu-aligned mapping succeeded\n",
		       chunk, align);
		return 1;
	}
	if (errno != EINVAL)
		return fail("%s", "munmap: not EINVAL");
	if (mprotect(p + chunk, chunk, PROT_READ) == 0) {
		printf("fail: mprotect of %zu inside the mapping succeeded\n", chunk);
		return 1;
	}
	if (errno != EINVAL)
		return fail("%s", "mprotect: not EINVAL");
	if (mremap(p, align, align - chunk, 0) != MAP_FAILED) {
		printf("fail: mremap to %zu bytes succeeded\n", align - chunk);
		return 1;
	}
	if (errno != EINVAL)
		return fail("%s", "mremap: not EINVAL");
	p[chunk] = 2;	/* still mapped, whole */
	return munmap(p, align) ? fail("%s", "munmap of the whole mapping") : 0;
}

/*
 * One mmap at address @hint + @skew (MAP_FIXED_NOREPLACE when @skew, so the
 * kernel takes the address as it is), offset @off, length @len; the result
 * checked against @ok.  Returns 0 when it matches.
 */
static size_t dev_size;

static int matrix_one(char *hint, size_t skew, off_t off, size_t len, int ok,
		      const char *what)
{
	int flags = MAP_SHARED | (skew ? MAP_FIXED_NOREPLACE : 0);
	void *p = mmap(skew ? hint + skew : NULL, len, PROT_READ | PROT_WRITE,
		       flags, fd, off);

	if (!ok)
		return expect_einval(p, what);
	if (p == MAP_FAILED)
		return fail("%s: refused", what);
	if ((size_t)off < dev_size)	/* a store past the device gets SIGBUS */
		*(volatile char *)p = 1;
	munmap(p, len);
	return 0;
}

static int do_matrix(size_t a, size_t size)
{
	char *hint;
	int bad = 0;

	dev_size = size;
	/* Room for an address at a + 4096 and one at 2a. */
	hint = mmap(NULL, 4 * a, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (hint == MAP_FAILED)
		return fail("%s", "reserve");
	hint = (char *)(((uintptr_t)hint + a - 1) & ~(uintptr_t)(a - 1));
	munmap(hint, 2 * a);	/* [hint, hint + 2a) free, aligned */
	bad |= matrix_one(NULL, 0, 0, a, 1, "address, offset, length aligned");
	bad |= matrix_one(hint, a, 0, a, 1, "a fixed aligned address");
	bad |= matrix_one(NULL, 0, a, a, 1, "offset at the alignment");
	bad |= matrix_one(NULL, 0, 0, 2 * a, 1, "length twice the alignment");
	if (a > 4096) {
		bad |= matrix_one(hint, 4096, 0, a, 0, "address 4096 past the alignment");
		bad |= matrix_one(NULL, 0, 4096, a, 0, "offset 4096");
		bad |= matrix_one(NULL, 0, a + 4096, a, 0, "offset 4096 past the alignment");
		bad |= matrix_one(NULL, 0, 0, a + 4096, 0, "length 4096 past the alignment");
		bad |= matrix_one(NULL, 0, 0, 4096, 0, "length 4096");
	}
	return bad;
}

/* Open (done), wait for the cue on stdin, then map: Req-17's late mmap. */
static int do_map_on_cue(size_t len)
{
	char line[16];
	void *p;

	printf("open\n");
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return fail("%s", "no cue");
	p = map(len, 0, MAP_SHARED);
	if (p == MAP_FAILED)
		printf("%s\n", strerrorname_np(errno));
	else
		printf("mapped\n");
	return 0;
}

static sigjmp_buf jb;
static volatile int bus_code, bus_lsb;
static void *volatile bus_addr;

static void on_sigbus(int sig __attribute__((unused)))
{
	siglongjmp(jb, 1);
}

static void on_sigbus_info(int sig __attribute__((unused)), siginfo_t *si,
			   void *uc __attribute__((unused)))
{
	bus_code = si->si_code;
	bus_lsb = si->si_addr_lsb;
	bus_addr = si->si_addr;
	siglongjmp(jb, 1);
}

static const char *bus_code_name(int code)
{
	switch (code) {
	case BUS_ADRALN: return "BUS_ADRALN";
	case BUS_ADRERR: return "BUS_ADRERR";
	case BUS_OBJERR: return "BUS_OBJERR";
	case BUS_MCEERR_AR: return "BUS_MCEERR_AR";
	case BUS_MCEERR_AO: return "BUS_MCEERR_AO";
	}
	return "unknown";
}

/* Read one word of a mapping; say what it was, or which SIGBUS came. */
static int do_touch(off_t off, size_t len, size_t at)
{
	struct sigaction sa = { .sa_sigaction = on_sigbus_info, .sa_flags = SA_SIGINFO };
	volatile char *p = map(len, off, MAP_SHARED);
	uint64_t v;

	if (p == MAP_FAILED)
		return fail("%s", "mmap");
	sigaction(SIGBUS, &sa, NULL);
	if (sigsetjmp(jb, 1)) {
		printf("sigbus %s %d +%#lx\n", bus_code_name(bus_code), bus_lsb,
		       (unsigned long)((char *)bus_addr - (char *)p));
		return 0;
	}
	v = *(volatile uint64_t *)(p + at);
	printf("value %#llx\n", (unsigned long long)v);
	return 0;
}

/*
 * Map @len bytes and read one byte of every 4 KiB page: the page faults
 * that took and, in *@usec, how long.  -1 when the mapping fails.
 */
static long touch_pages(size_t len, long long *usec)
{
	volatile char *p = map(len, 0, MAP_SHARED);
	struct timespec t0, t1;
	struct rusage r0, r1;
	char sum = 0;
	size_t i;

	if (p == MAP_FAILED)
		return -1;
	/* The clock first: its first call faults in the vDSO's data page. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	getrusage(RUSAGE_SELF, &r0);
	for (i = 0; i < len; i += 4096)
		sum += p[i];
	(void)sum;
	getrusage(RUSAGE_SELF, &r1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	*usec = (long long)(t1.tv_sec - t0.tv_sec) * 1000000 +
		(t1.tv_nsec - t0.tv_nsec) / 1000;
	return r1.ru_minflt - r0.ru_minflt + r1.ru_majflt - r0.ru_majflt;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 2 ? argv[2] : "";
	size_t a3 = argc > 3 ? strtoull(argv[3], NULL, 0) : 0;
	size_t a4 = argc > 4 ? strtoull(argv[4], NULL, 0) : 0;
	uint64_t a5 = argc > 5 ? strtoull(argv[5], NULL, 0) : 0;

	if (argc < 3) {
		fprintf(stderr, "usage: daxmap DEV CMD [ARGS]\n");
		return 2;
	}
	fd = open(argv[1], O_RDWR);
	if (fd < 0)
		return fail("open %s", argv[1]);

	if (!strcmp(cmd, "write") || !strcmp(cmd, "verify"))
		return do_pattern(!strcmp(cmd, "write"), a3, a4, a5,
				  argc > 6 ? strtoull(argv[6], NULL, 0) : SIZE_MAX);
	if (!strcmp(cmd, "touch") && argc > 5)
		return do_touch(a3, a4, a5);
	if (!strcmp(cmd, "storm") && argc > 5)
		return do_storm(a3, a4, (int)a5);
	if (!strcmp(cmd, "odirect") && argc > 4)
		return do_odirect(argv[3], a4);
	if (!strcmp(cmd, "pread-verify"))
		return do_pread_verify(a3, a4, a5);
	if (!strcmp(cmd, "pwrite"))
		return do_pwrite(a3, a4, a5);
	if (!strcmp(cmd, "seek-end")) {
		off_t end = lseek(fd, 0, SEEK_END);

		if (end < 0)
			return fail("lseek SEEK_END %s", argv[1]);
		printf("%lld\n", (long long)end);
		return 0;
	}
	if (!strcmp(cmd, "excl")) {
		int x = open(argv[1], O_RDONLY | O_EXCL);

		printf("%s\n", x < 0 ? strerrorname_np(errno) : "ok");
		return 0;
	}
	if (!strcmp(cmd, "split"))
		return do_split(a3, a4 ? a4 : 4096);
	if (!strcmp(cmd, "matrix"))
		return do_matrix(a3, a4);
	if (!strcmp(cmd, "map-on-cue"))
		return do_map_on_cue(a3);
	if (!strcmp(cmd, "refuse-private")) {
		do {
			if (expect_einval(map(a3 ? a3 : 2 << 20, 0, MAP_PRIVATE),
					  "MAP_PRIVATE"))
				return 1;
		} while (a4-- > 1);
	} else if (!strcmp(cmd, "dirty-unmap")) {
		char *p = map(a3, 0, MAP_SHARED);
		size_t i;

		if (p == MAP_FAILED)
			return fail("%s", "mmap");
		for (i = 0; i < a3; i += 4096)
			p[i] = (char)i;
		if (munmap(p, a3))
			return fail("%s", "munmap");
	} else if (!strcmp(cmd, "refuse-unaligned")) {
		if (expect_einval(map(a3, 4096, MAP_SHARED), "offset 4096") ||
		    expect_einval(map(4096, 0, MAP_SHARED), "length 4096"))
			return 1;
	} else if (!strcmp(cmd, "map-sync")) {
		void *p = map(a3 ? a3 : 2 << 20, 0, MAP_SHARED_VALIDATE | MAP_SYNC);

		if (p == MAP_FAILED)
			return fail("%s", "MAP_SYNC");
	} else if (!strcmp(cmd, "refuse-map-sync")) {
		void *p = map(a3 ? a3 : 2 << 20, 0, MAP_SHARED_VALIDATE | MAP_SYNC);

		if (p != MAP_FAILED) {
			printf("fail: MAP_SYNC accepted\n");
			return 1;
		}
		if (errno != EOPNOTSUPP)
			return fail("%s", "MAP_SYNC refused, but not with EOPNOTSUPP");
	} else if (!strcmp(cmd, "fsync")) {
		if (fsync(fd))
			return fail("%s", "fsync");
	} else if (!strcmp(cmd, "faults") || !strcmp(cmd, "faults-timed")) {
		long long usec;
		long faults = touch_pages(a3, &usec);

		if (faults < 0)
			return fail("%s", "mmap");
		if (!strcmp(cmd, "faults"))
			printf("%ld\n", faults);
		else
			printf("faults %ld usec %lld\n", faults, usec);
		return 0;
	} else if (!strcmp(cmd, "pagesize")) {
		char line[256], *p = map(a3, 0, MAP_SHARED);
		unsigned long start = 0, end, kps = 0;
		FILE *f;

		if (p == MAP_FAILED)
			return fail("%s", "mmap");
		p[0] = 1;
		f = fopen("/proc/self/smaps", "r");
		while (f && fgets(line, sizeof(line), f)) {
			if (sscanf(line, "%lx-%lx ", &start, &end) == 2)
				continue;
			if ((char *)start == p && sscanf(line, "KernelPageSize: %lu kB", &kps) == 1)
				break;
		}
		printf("%lu\n", kps);
		return 0;
	} else if (!strcmp(cmd, "touch-loop")) {
		volatile char *p = map(a3, 0, MAP_SHARED);
		volatile unsigned long n = 0;

		if (p == MAP_FAILED)
			return fail("%s", "mmap");
		signal(SIGBUS, on_sigbus);
		if (sigsetjmp(jb, 1)) {
			printf("ok: SIGBUS after %lu touches\n", n);
			return 0;
		}
		printf("mapped\n");
		fflush(stdout);
		for (;; n++)
			p[(n * 4096) % a3] = (char)n;
	} else if (!strcmp(cmd, "soft-offline")) {
		volatile uint64_t *p = map(a4, a3, MAP_SHARED);

		if (p == MAP_FAILED)
			return fail("%s", "mmap");
		p[0] = 0x5a5a5a5a5a5a5a5aULL;
		if (!madvise((void *)p, 4096, MADV_SOFT_OFFLINE)) {
			printf("fail: MADV_SOFT_OFFLINE of a device page succeeded\n");
			return 1;
		}
		if (p[0] != 0x5a5a5a5a5a5a5a5aULL) {
			printf("fail: the page lost its data\n");
			return 1;
		}
		printf("ok: refused with %s\n", strerror(errno));
	} else if (!strcmp(cmd, "poison")) {
		struct sigaction sa = { .sa_sigaction = on_sigbus_info, .sa_flags = SA_SIGINFO };
		volatile char *p = map(a4, a3, MAP_SHARED);
		int lsb = __builtin_ctzl(a4);

		if (p == MAP_FAILED)
			return fail("%s", "mmap");
		p[0] = 1;
		sigaction(SIGBUS, &sa, NULL);
		if (!sigsetjmp(jb, 1)) {
			if (madvise((void *)p, 4096, MADV_HWPOISON))
				return fail("%s", "madvise(MADV_HWPOISON)");
			(void)p[0];
			printf("fail: no SIGBUS after poisoning a mapped page\n");
			return 1;
		}
		if (bus_code != BUS_MCEERR_AR && bus_code != BUS_MCEERR_AO) {
			printf("fail: SIGBUS with si_code %d, not BUS_MCEERR_*\n", bus_code);
			return 1;
		}
		if (bus_lsb != lsb || bus_addr != (void *)p) {
			printf("fail: si_addr_lsb %d at %p, want %d at %p\n", bus_lsb,
			       bus_addr, lsb, (void *)p);
			return 1;
		}
	} else if (!strcmp(cmd, "fork-share")) {
		volatile uint64_t *p = map(a3, 0, MAP_SHARED);
		int status;
		pid_t pid;

		if (p == (void *)MAP_FAILED)
			return fail("%s", "mmap");
		p[0] = 1;
		pid = fork();
		if (pid < 0)
			return fail("%s", "fork");
		if (pid == 0) {
			p[0] = 0xc0ffee;
			_exit(0);
		}
		waitpid(pid, &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			printf("fail: the child died (status %#x)\n", status);
			return 1;
		}
		if (p[0] != 0xc0ffee) {
			printf("fail: the parent reads %#llx, not the child's 0xc0ffee\n",
			       (unsigned long long)p[0]);
			return 1;
		}
	} else {
		fprintf(stderr, "unknown command %s\n", cmd);
		return 2;
	}
	printf("ok\n");
	return 0;
}
