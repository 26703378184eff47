// SPDX-License-Identifier: GPL-2.0
/*
 * daxcheck: guest-side checks of issue 14's items that need more than one
 * thread, another user or a read-only file.
 *
 *   daxcheck ro-shared DEV LEN       open O_RDONLY, mmap PROT_READ|MAP_SHARED,
 *                                    print "value 0x.." of the first word
 *   daxcheck as-nobody FILE          read FILE as uid/gid 65534: "ok" or the
 *                                    errno's name
 *   daxcheck run-as-nobody CMD [ARGS...]
 *                                    exec CMD as uid/gid 65534 (no groups)
 *   daxcheck race-create-delete REGION PREFIX ROUNDS
 *                                    one thread writes 1 to REGION/create ROUNDS
 *                                    times (waiting each time for PREFIX.1 to be
 *                                    gone), another writes PREFIX.1 to PREFIX.4 to
 *                                    REGION/delete in turn without pause; prints
 *                                    "created N deleted M"
 *   daxcheck race-size-align DEVDIR ROUNDS
 *                                    one thread writes align 4096 and 2097152 in
 *                                    turn, another size 4096 and 0; whenever a
 *                                    size of 4096 stands, align must be 4096.
 *                                    Prints "violations N sizes M"
 *
 * Exits 0 when it could run the check, 1 when not (the caller compares).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static int wr(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	n = n < 0 ? -errno : 0;
	close(fd);
	return (int)n;
}

static long rd_long(const char *path)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? strtol(buf, NULL, 0) : -1;
}

static int ro_shared(const char *dev, size_t len)
{
	int fd = open(dev, O_RDONLY);
	volatile uint64_t *p;

	if (fd < 0) {
		printf("open: %s\n", strerrorname_np(errno));
		return 1;
	}
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		printf("mmap: %s\n", strerrorname_np(errno));
		return 1;
	}
	printf("value %#llx\n", (unsigned long long)p[0]);
	return 0;
}

static int as_nobody(const char *file)
{
	char buf[256];
	int fd;

	if (setgid(65534) || setuid(65534)) {
		printf("setuid: %s\n", strerrorname_np(errno));
		return 1;
	}
	fd = open(file, O_RDONLY);
	if (fd < 0 || read(fd, buf, sizeof(buf)) < 0) {
		printf("%s\n", strerrorname_np(errno));
		return 0;
	}
	printf("ok\n");
	return 0;
}

static int run_as_nobody(char **argv)
{
	if (setgroups(0, NULL) || setgid(65534) || setuid(65534)) {
		fprintf(stderr, "setuid: %s\n", strerrorname_np(errno));
		return 125;
	}
	execv(argv[0], argv);
	fprintf(stderr, "exec %s: %s\n", argv[0], strerrorname_np(errno));
	return 126;
}

/* ---- create against delete (item 1) ---- */

#define VICTIMS	4

static char create_path[256], delete_path[256], victim_path[256];
static char victims[VICTIMS][64];
static volatile int creating = 1;
static long deleted;

/*
 * Deletes PREFIX.1 to PREFIX.4 in turn without pause: the first is the
 * name the next create takes; the others catch a create that ran while
 * an old device's id was not freed yet.
 */
static void *deleter(void *arg)
{
	int i = 0;

	(void)arg;
	while (creating)
		if (!wr(delete_path, victims[i++ % VICTIMS]))
			deleted++;
	return NULL;
}

static int race_create_delete(const char *region, const char *prefix, long rounds)
{
	struct stat st;
	pthread_t t;
	long i, created = 0, spins;
	int v;

	for (v = 0; v < VICTIMS; v++)
		snprintf(victims[v], sizeof(victims[v]), "%s.%d", prefix, v + 1);
	snprintf(create_path, sizeof(create_path), "%s/create", region);
	snprintf(delete_path, sizeof(delete_path), "%s/delete", region);
	snprintf(victim_path, sizeof(victim_path), "/sys/bus/daxkit/devices/%s", victims[0]);
	if (pthread_create(&t, NULL, deleter, NULL))
		return 1;
	for (i = 0; i < rounds; i++) {
		if (!wr(create_path, "1"))
			created++;
		/* The deleter takes it; wait (bounded) so devices do not pile up. */
		for (spins = 0; !stat(victim_path, &st) && spins < 100000; spins++)
			sched_yield();
	}
	creating = 0;
	pthread_join(t, NULL);
	printf("created %ld deleted %ld\n", created, deleted);
	return 0;
}

/* ---- size against align (item 10) ---- */

static char align_path[256], size_path[256];
static volatile int sizing = 1;

static void *aligner(void *arg)
{
	int i = 0;

	(void)arg;
	while (sizing)
		wr(align_path, (i++ & 1) ? "2097152" : "4096");
	return NULL;
}

static int race_size_align(const char *dir, long rounds)
{
	long i, sizes = 0, bad = 0;
	pthread_t t;

	snprintf(align_path, sizeof(align_path), "%s/align", dir);
	snprintf(size_path, sizeof(size_path), "%s/size", dir);
	if (pthread_create(&t, NULL, aligner, NULL))
		return 1;
	for (i = 0; i < rounds; i++) {
		if (wr(size_path, "4096"))
			continue;
		sizes++;
		/* Only this thread sizes the device: 4096 stands until it writes 0. */
		if (rd_long(align_path) != 4096)
			bad++;
		wr(size_path, "0");
	}
	sizing = 0;
	pthread_join(t, NULL);
	printf("violations %ld sizes %ld\n", bad, sizes);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	if (!strcmp(cmd, "ro-shared") && argc > 3)
		return ro_shared(argv[2], strtoull(argv[3], NULL, 0));
	if (!strcmp(cmd, "run-as-nobody") && argc > 2)
		return run_as_nobody(argv + 2);
	if (!strcmp(cmd, "as-nobody") && argc > 2)
		return as_nobody(argv[2]);
	if (!strcmp(cmd, "race-create-delete") && argc > 4)
		return race_create_delete(argv[2], argv[3], strtol(argv[4], NULL, 0));
	if (!strcmp(cmd, "race-size-align") && argc > 3)
		return race_size_align(argv[2], strtol(argv[3], NULL, 0));
	fprintf(stderr, "usage: see the head of daxcheck.c\n");
	return 2;
}
