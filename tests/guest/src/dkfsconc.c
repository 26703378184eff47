// SPDX-License-Identifier: GPL-2.0
/*
 * dkfsconc DIR THREADS SECONDS SEED: concurrent writers and truncaters on
 * one filesystem, for a bounded time.
 *
 * Four shared files (DIR/shared-0 .. 3) are written, truncated, punched,
 * zeroed and mapped by all threads at once; thread i's role is i % 4:
 *
 *   0 writer     pwrite and append to a shared file
 *   1 truncater  ftruncate a shared file, fallocate punch/zero/alloc in it
 *   2 mapper     map a shared file, store and load inside its size (a
 *                SIGBUS from a truncate that raced the access is counted)
 *   3 namer      create, write, fsync, rename and unlink files, mkdir and
 *                rmdir, in a directory of its own
 *
 * Nothing is asserted about the shared files' bytes (the races decide
 * them), only that the calls succeed or fail with the errors a race
 * allows.  Besides, each thread owns a private file: after each of its
 * operations on a shared file it writes a block of its private file with a
 * pattern made from (thread, step) and reads back the block it wrote a
 * step before: a mismatch is data the races corrupted.
 *
 * Prints one summary line: "ok ops N sigbus N mismatches 0"; exits 0 when
 * there was no mismatch and no unexpected error, 1 otherwise (the first
 * error is printed), 2 on a usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define NSHARED		4
#define MAXSIZE		(4UL << 20)	/* a shared file's largest size */
#define PRIV_BLOCKS	64
#define BS		4096

static const char *dir;
static time_t deadline;
static uint64_t seed;
static atomic_ulong ops, sigbus, mismatches, errors;
static pthread_mutex_t err_lock = PTHREAD_MUTEX_INITIALIZER;
static char first_err[256];

static __thread sigjmp_buf jb;
static __thread volatile int in_map;

struct worker {
	int id;
	uint64_t rnd;
	int priv;
	unsigned long step;
	unsigned char buf[BS], back[BS];
};

static uint64_t next_rand(struct worker *w)
{
	uint64_t z = (w->rnd += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t below(struct worker *w, uint64_t n)
{
	return next_rand(w) % n;
}

static void error(struct worker *w, const char *what, int err)
{
	pthread_mutex_lock(&err_lock);
	if (!first_err[0])
		snprintf(first_err, sizeof(first_err), "thread %d: %s: %s", w->id, what,
			 strerror(err));
	pthread_mutex_unlock(&err_lock);
	atomic_fetch_add(&errors, 1);
}

/* A failed call: ENOSPC may come from the races filling the filesystem. */
static void failed(struct worker *w, const char *what)
{
	if (errno != ENOSPC)
		error(w, what, errno);
}

static void on_sigbus(int sig)
{
	(void)sig;
	if (in_map)
		siglongjmp(jb, 1);
	abort();
}

static int open_shared(struct worker *w)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/shared-%d", dir, (int)below(w, NSHARED));
	fd = open(path, O_RDWR | O_CREAT, 0644);
	if (fd < 0)
		error(w, "open shared", errno);
	return fd;
}

static void fill(unsigned char *p, int id, unsigned long step)
{
	int i;

	for (i = 0; i < BS; i++)
		p[i] = (unsigned char)(id * 31 + step * 7 + i);
}

/* The private file: write this step's block, check the last step's. */
static void private_step(struct worker *w)
{
	unsigned long s = w->step++;

	fill(w->buf, w->id, s);
	if (pwrite(w->priv, w->buf, BS, (off_t)(s % PRIV_BLOCKS) * BS) != BS) {
		failed(w, "pwrite private");
		return;
	}
	if (!s)
		return;
	fill(w->buf, w->id, s - 1);
	if (pread(w->priv, w->back, BS, (off_t)((s - 1) % PRIV_BLOCKS) * BS) != BS) {
		failed(w, "pread private");
		return;
	}
	if (memcmp(w->buf, w->back, BS)) {
		atomic_fetch_add(&mismatches, 1);
		error(w, "private block differs", EIO);
	}
}

static void do_write(struct worker *w, int fd)
{
	off_t off = (off_t)below(w, MAXSIZE - BS);
	size_t len = 1 + below(w, BS);

	fill(w->buf, w->id, w->step);
	if (below(w, 4) == 0) {
		if (lseek(fd, 0, SEEK_END) >= (off_t)MAXSIZE)
			return;
		if (write(fd, w->buf, len) < 0)
			failed(w, "append");
	} else if (pwrite(fd, w->buf, len, off) < 0) {
		failed(w, "pwrite");
	}
}

static void do_truncate(struct worker *w, int fd)
{
	static const int modes[] = {
		0, FALLOC_FL_KEEP_SIZE, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		FALLOC_FL_ZERO_RANGE,
	};
	off_t off = (off_t)below(w, MAXSIZE / 2);
	off_t len = (off_t)(1 + below(w, MAXSIZE / 4));

	if (below(w, 2)) {
		if (ftruncate(fd, (off_t)below(w, MAXSIZE)))
			failed(w, "ftruncate");
	} else if (fallocate(fd, modes[below(w, 4)], off, len)) {
		failed(w, "fallocate");
	}
}

static void do_map(struct worker *w, int fd)
{
	struct stat st;
	size_t len, i, n;
	volatile unsigned char *p;

	if (fstat(fd, &st)) {
		failed(w, "fstat");
		return;
	}
	len = (size_t)st.st_size & ~(size_t)(BS - 1);
	if (!len)
		return;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		failed(w, "mmap");
		return;
	}
	n = 1 + below(w, 16);
	if (!sigsetjmp(jb, 1)) {
		in_map = 1;
		for (i = 0; i < n; i++) {
			size_t at = below(w, len);

			p[at] = (unsigned char)(p[at] + 1);
		}
	} else {
		atomic_fetch_add(&sigbus, 1);
	}
	in_map = 0;
	munmap((void *)p, len);
}

static void do_names(struct worker *w)
{
	char a[512], b[512], d[512];
	int fd;

	snprintf(a, sizeof(a), "%s/names-%d/f%d", dir, w->id, (int)below(w, 8));
	snprintf(b, sizeof(b), "%s/names-%d/g%d", dir, w->id, (int)below(w, 8));
	snprintf(d, sizeof(d), "%s/names-%d/d%d", dir, w->id, (int)below(w, 4));
	switch (below(w, 4)) {
	case 0:
		fd = open(a, O_RDWR | O_CREAT, 0644);
		if (fd < 0) {
			failed(w, "create");
			return;
		}
		fill(w->buf, w->id, w->step);
		if (pwrite(fd, w->buf, 1 + below(w, BS), 0) < 0)
			failed(w, "pwrite named");
		else if (fsync(fd))
			failed(w, "fsync");
		close(fd);
		break;
	case 1:
		if (rename(a, b) && errno != ENOENT)
			failed(w, "rename");
		break;
	case 2:
		if (unlink(b) && errno != ENOENT)
			failed(w, "unlink");
		break;
	default:
		if (mkdir(d, 0755) && errno != EEXIST)
			failed(w, "mkdir");
		else if (rmdir(d) && errno != ENOENT && errno != ENOTEMPTY)
			failed(w, "rmdir");
		break;
	}
}

static void *run(void *arg)
{
	struct worker *w = arg;
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/private-%d", dir, w->id);
	w->priv = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (w->priv < 0) {
		error(w, "open private", errno);
		return NULL;
	}
	snprintf(path, sizeof(path), "%s/names-%d", dir, w->id);
	if (mkdir(path, 0755) && errno != EEXIST) {
		error(w, "mkdir names", errno);
		return NULL;
	}
	while (time(NULL) < deadline) {
		if (w->id % 4 == 3) {
			do_names(w);
		} else if ((fd = open_shared(w)) >= 0) {
			if (w->id % 4 == 0)
				do_write(w, fd);
			else if (w->id % 4 == 1)
				do_truncate(w, fd);
			else
				do_map(w, fd);
			close(fd);
		}
		private_step(w);
		atomic_fetch_add(&ops, 1);
	}
	if (fsync(w->priv))
		failed(w, "fsync private");
	close(w->priv);
	return NULL;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_sigbus };
	struct worker *w;
	pthread_t *tid;
	int n, i;

	if (argc != 5 || (n = atoi(argv[2])) < 1 || n > 64 || atoi(argv[3]) < 1) {
		fprintf(stderr, "usage: dkfsconc DIR THREADS(1-64) SECONDS SEED\n");
		return 2;
	}
	dir = argv[1];
	seed = strtoull(argv[4], NULL, 0);
	deadline = time(NULL) + atoi(argv[3]);
	sigaction(SIGBUS, &sa, NULL);
	w = calloc(n, sizeof(*w));
	tid = calloc(n, sizeof(*tid));
	if (!w || !tid)
		return 2;
	for (i = 0; i < n; i++) {
		w[i].id = i;
		w[i].rnd = seed * 1000003 + i;
		if (pthread_create(&tid[i], NULL, run, &w[i])) {
			fprintf(stderr, "dkfsconc: cannot start thread %d\n", i);
			return 1;
		}
	}
	for (i = 0; i < n; i++)
		pthread_join(tid[i], NULL);
	if (atomic_load(&errors)) {
		printf("fail: %s (%lu errors, %lu mismatches, ops %lu)\n", first_err,
		       atomic_load(&errors), atomic_load(&mismatches), atomic_load(&ops));
		return 1;
	}
	printf("ok ops %lu sigbus %lu mismatches 0\n", atomic_load(&ops), atomic_load(&sigbus));
	return 0;
}
