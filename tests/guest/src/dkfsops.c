// SPDX-License-Identifier: GPL-2.0
/*
 * dkfsops: file operations busybox cannot do, for the daxkitfs tests.
 * Each prints what it found ("ok", a number, or an errno name) and exits
 * 0 when the call behaved as the command says, 1 otherwise.
 *
 *   dkfsops rename-noreplace OLD NEW   renameat2(RENAME_NOREPLACE): prints
 *                                      ok or the errno name
 *   dkfsops fallocate FILE MODE OFF LEN  MODE: plain keep punch zero zero-keep
 *   dkfsops seek FILE data|hole OFF    prints where lseek lands, or ENXIO
 *   dkfsops fiemap FILE                prints the number of extents
 *   dkfsops map FILE LEN [sync]        MAP_SHARED (MAP_SYNC with sync) the
 *                                      first LEN bytes at a 2 MiB-aligned
 *                                      address, store to every page, read
 *                                      back; prints the faults taken
 *   dkfsops odirect FILE LEN           O_DIRECT write LEN bytes, read back
 *   dkfsops syncs FILE                 fsync, fdatasync, syncfs
 *   dkfsops xattr FILE                 setxattr: prints the errno name
 *   dkfsops statfs DIR                 prints f_blocks f_bfree f_files f_ffree
 *   dkfsops mount DEV DIR              mount -t daxkitfs without MS_SILENT
 *                                      (busybox's mount sets it): ok or the errno
 *   dkfsops pread FILE OFF LEN         pread LEN bytes at OFF: prints ok (all
 *                                      read) or the errno name
 *   dkfsops pwrite FILE OFF LEN BYTE   pwrite LEN bytes of value BYTE at OFF,
 *                                      read them back: ok or the errno name
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif
#ifndef MAP_SYNC
#define MAP_SYNC 0x80000
#endif
#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE 1
#endif
#define SZ_2M (2UL << 20)

static const char *ename(int e)
{
	switch (e) {
	case EEXIST: return "EEXIST";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ENXIO: return "ENXIO";
	case EINVAL: return "EINVAL";
	case ENOSPC: return "ENOSPC";
	case EIO: return "EIO";
	case EUCLEAN: return "EUCLEAN";
	case EBUSY: return "EBUSY";
	default: return strerror(e);
	}
}

static int die(const char *what)
{
	printf("%s: %s\n", what, ename(errno));
	return 1;
}

static int open_or_die(const char *path, int flags)
{
	int fd = open(path, flags, 0644);

	if (fd < 0) {
		printf("open %s: %s\n", path, ename(errno));
		exit(1);
	}
	return fd;
}

static int do_fallocate(const char *path, const char *m, off_t off, off_t len)
{
	int fd = open_or_die(path, O_RDWR), mode;

	if (!strcmp(m, "plain"))
		mode = 0;
	else if (!strcmp(m, "keep"))
		mode = FALLOC_FL_KEEP_SIZE;
	else if (!strcmp(m, "punch"))
		mode = FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE;
	else if (!strcmp(m, "zero"))
		mode = FALLOC_FL_ZERO_RANGE;
	else if (!strcmp(m, "zero-keep"))
		mode = FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE;
	else if (!strcmp(m, "collapse"))
		mode = FALLOC_FL_COLLAPSE_RANGE;
	else
		return die("mode");
	if (fallocate(fd, mode, off, len))
		return die("fallocate");
	printf("ok\n");
	return 0;
}

static int do_seek(const char *path, const char *what, off_t off)
{
	int fd = open_or_die(path, O_RDONLY);
	off_t r = lseek(fd, off, !strcmp(what, "data") ? SEEK_DATA : SEEK_HOLE);

	if (r < 0) {
		printf("%s\n", ename(errno));
		return errno == ENXIO ? 0 : 1;
	}
	printf("%lld\n", (long long)r);
	return 0;
}

static int do_fiemap(const char *path)
{
	int fd = open_or_die(path, O_RDONLY);
	struct fiemap fm = { .fm_length = ~0ULL, .fm_extent_count = 0 };

	if (ioctl(fd, FS_IOC_FIEMAP, &fm))
		return die("fiemap");
	printf("%u\n", fm.fm_mapped_extents);
	return 0;
}

static long faults(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt + ru.ru_majflt;
}

static int do_map(const char *path, size_t len, int sync)
{
	int fd = open_or_die(path, O_RDWR);
	int flags = sync ? MAP_SHARED_VALIDATE | MAP_SYNC : MAP_SHARED;
	char *hole, *p;
	long before;
	size_t i;

	/* A 2 MiB-aligned address: find room, then take it. */
	hole = mmap(NULL, len + SZ_2M, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (hole == MAP_FAILED)
		return die("mmap anon");
	munmap(hole, len + SZ_2M);
	p = mmap((void *)(((uintptr_t)hole + SZ_2M - 1) & ~(SZ_2M - 1)), len,
		 PROT_READ | PROT_WRITE, flags | MAP_FIXED, fd, 0);
	if (p == MAP_FAILED)
		return die("mmap");
	before = faults();
	for (i = 0; i < len; i += 4096)
		p[i] = (char)(i / 4096 + 1);
	for (i = 0; i < len; i += 4096)
		if (p[i] != (char)(i / 4096 + 1)) {
			printf("byte %zu differs\n", i);
			return 1;
		}
	printf("%ld\n", faults() - before);
	if (msync(p, len, MS_SYNC))
		return die("msync");
	return munmap(p, len) ? die("munmap") : 0;
}

static int do_odirect(const char *path, size_t len)
{
	int fd = open_or_die(path, O_RDWR | O_CREAT | O_DIRECT);
	char *buf, *back;
	size_t i;

	if (posix_memalign((void **)&buf, 4096, len) || posix_memalign((void **)&back, 4096, len))
		return die("malloc");
	for (i = 0; i < len; i++)
		buf[i] = (char)(i * 7 + 3);
	if (pwrite(fd, buf, len, 0) != (ssize_t)len)
		return die("pwrite");
	if (pread(fd, back, len, 0) != (ssize_t)len)
		return die("pread");
	if (memcmp(buf, back, len)) {
		printf("read back differs\n");
		return 1;
	}
	printf("ok\n");
	return 0;
}

static int do_pread(const char *path, off_t off, size_t len)
{
	int fd = open_or_die(path, O_RDONLY);
	char *buf = malloc(len ? len : 1);
	ssize_t n;

	if (!buf)
		return die("malloc");
	n = pread(fd, buf, len, off);
	if (n < 0) {
		printf("%s\n", ename(errno));
		return 0;
	}
	printf(n == (ssize_t)len ? "ok\n" : "short read: %zd\n", n);
	return n != (ssize_t)len;
}

static int do_pwrite(const char *path, off_t off, size_t len, int byte)
{
	int fd = open_or_die(path, O_RDWR);
	char *buf = malloc(len ? len : 1), *back = malloc(len ? len : 1);
	ssize_t n;

	if (!buf || !back)
		return die("malloc");
	memset(buf, byte, len);
	n = pwrite(fd, buf, len, off);
	if (n < 0) {
		printf("%s\n", ename(errno));
		return 0;
	}
	if (n != (ssize_t)len || pread(fd, back, len, off) != (ssize_t)len ||
	    memcmp(buf, back, len)) {
		printf("written %zd of %zu, or read back differs\n", n, len);
		return 1;
	}
	printf("ok\n");
	return 0;
}

static int do_syncs(const char *path)
{
	int fd = open_or_die(path, O_RDWR);

	if (fsync(fd))
		return die("fsync");
	if (fdatasync(fd))
		return die("fdatasync");
	if (syncfs(fd))
		return die("syncfs");
	printf("ok\n");
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	struct statfs st;

	if (!strcmp(cmd, "rename-noreplace") && argc > 3) {
		if (syscall(SYS_renameat2, AT_FDCWD, argv[2], AT_FDCWD, argv[3],
			    RENAME_NOREPLACE)) {
			printf("%s\n", ename(errno));
			return 0;
		}
		printf("ok\n");
		return 0;
	}
	if (!strcmp(cmd, "fallocate") && argc > 5)
		return do_fallocate(argv[2], argv[3], atoll(argv[4]), atoll(argv[5]));
	if (!strcmp(cmd, "seek") && argc > 4)
		return do_seek(argv[2], argv[3], atoll(argv[4]));
	if (!strcmp(cmd, "fiemap") && argc > 2)
		return do_fiemap(argv[2]);
	if (!strcmp(cmd, "map") && argc > 3)
		return do_map(argv[2], strtoull(argv[3], NULL, 0), argc > 4);
	if (!strcmp(cmd, "odirect") && argc > 3)
		return do_odirect(argv[2], strtoull(argv[3], NULL, 0));
	if (!strcmp(cmd, "pread") && argc > 4)
		return do_pread(argv[2], atoll(argv[3]), strtoull(argv[4], NULL, 0));
	if (!strcmp(cmd, "pwrite") && argc > 5)
		return do_pwrite(argv[2], atoll(argv[3]), strtoull(argv[4], NULL, 0),
				 (int)strtol(argv[5], NULL, 0));
	if (!strcmp(cmd, "syncs") && argc > 2)
		return do_syncs(argv[2]);
	if (!strcmp(cmd, "xattr") && argc > 2) {
		if (setxattr(argv[2], "user.daxkit", "1", 1, 0)) {
			printf("%s\n", ename(errno));
			return 0;
		}
		printf("ok\n");
		return 0;
	}
	if (!strcmp(cmd, "mount") && argc > 3) {
		if (mount(argv[2], argv[3], "daxkitfs", 0, NULL)) {
			printf("%s\n", ename(errno));
			return 0;
		}
		printf("ok\n");
		return 0;
	}
	if (!strcmp(cmd, "statfs") && argc > 2) {
		if (statfs(argv[2], &st))
			return die("statfs");
		printf("%llu %llu %llu %llu\n", (unsigned long long)st.f_blocks,
		       (unsigned long long)st.f_bfree, (unsigned long long)st.f_files,
		       (unsigned long long)st.f_ffree);
		return 0;
	}
	fprintf(stderr, "usage: see the comment at the top of dkfsops.c\n");
	return 2;
}
