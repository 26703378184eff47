// SPDX-License-Identifier: GPL-2.0
/*
 * dkmbind NODE MIB [hold|pin]: memory of one NUMA node, used.
 *
 * Maps MIB MiB of anonymous memory bound to NODE (mbind MPOL_BIND, the
 * policy numactl --membind sets), writes a pattern to every page, and
 * checks with get_mempolicy() that each page is on NODE and reads back.
 * With "hold" it then prints "held", waits for a line (or end of file) on
 * stdin while keeping the memory, and checks the pattern again, so a test
 * can offline the node's memory meanwhile (the kernel migrates the pages
 * elsewhere: the data must survive).  "pin" holds the same way, but first
 * vmsplice()s the first 16 pages into a pipe nobody reads: the pipe holds
 * references to them, so they cannot migrate and their memory block
 * cannot go offline until the program ends.  No libnuma: raw system calls.
 * Exit 0 and "ok PAGES pages on node NODE", else 1 and why.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#define DK_MPOL_BIND	2
#define DK_MPOL_F_NODE	(1 << 0)
#define DK_MPOL_F_ADDR	(1 << 1)

static long page_size;

static int page_node(void *addr)
{
	int node = -1;

	if (syscall(SYS_get_mempolicy, &node, NULL, 0, addr, DK_MPOL_F_NODE | DK_MPOL_F_ADDR))
		return -1;
	return node;
}

static int check(uint8_t *p, size_t pages, int node, unsigned int seed, int where)
{
	size_t i;

	for (i = 0; i < pages; i++) {
		uint64_t want = ((uint64_t)seed << 32) | i, got;

		memcpy(&got, p + i * page_size, sizeof(got));
		if (got != want) {
			printf("page %zu reads %#llx, want %#llx\n", i,
			       (unsigned long long)got, (unsigned long long)want);
			return 1;
		}
		if (where && page_node(p + i * page_size) != node) {
			printf("page %zu is on node %d, not %d\n", i,
			       page_node(p + i * page_size), node);
			return 1;
		}
	}
	return 0;
}

/* The pipe keeps references to 16 pages at @p while the program runs. */
static int pin(uint8_t *p)
{
	struct iovec iov = { .iov_base = p, .iov_len = 16 * page_size };
	int fds[2];

	if (pipe(fds)) {
		perror("pipe");
		return 1;
	}
	if (vmsplice(fds[1], &iov, 1, 0) != (ssize_t)iov.iov_len) {
		perror("vmsplice");
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long mask[16] = { 0 };
	unsigned int seed = (unsigned int)getpid();
	size_t len, pages, i;
	char line[16];
	uint8_t *p;
	int node;

	if (argc < 3 || argc > 4 ||
	    (argc == 4 && strcmp(argv[3], "hold") && strcmp(argv[3], "pin"))) {
		fprintf(stderr, "usage: dkmbind NODE MIB [hold|pin]\n");
		return 2;
	}
	node = atoi(argv[1]);
	if (node < 0 || node >= (int)(sizeof(mask) * 8)) {
		fprintf(stderr, "node %d out of range\n", node);
		return 2;
	}
	page_size = sysconf(_SC_PAGESIZE);
	len = strtoull(argv[2], NULL, 0) << 20;
	pages = len / page_size;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	mask[node / (8 * sizeof(long))] |= 1UL << (node % (8 * sizeof(long)));
	if (syscall(SYS_mbind, p, len, DK_MPOL_BIND, mask, sizeof(mask) * 8, 0)) {
		perror("mbind");
		return 1;
	}
	for (i = 0; i < pages; i++) {
		uint64_t v = ((uint64_t)seed << 32) | i;

		memcpy(p + i * page_size, &v, sizeof(v));
	}
	if (check(p, pages, node, seed, 1))
		return 1;
	if (argc == 4 && !strcmp(argv[3], "pin") && pin(p))
		return 1;
	if (argc == 4) {
		printf("held\n");
		fflush(stdout);
		if (!fgets(line, sizeof(line), stdin))
			line[0] = 0;
		if (check(p, pages, node, seed, 0))
			return 1;
	}
	printf("ok %zu pages on node %d\n", pages, node);
	return 0;
}
