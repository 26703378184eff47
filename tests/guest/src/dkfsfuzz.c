// SPDX-License-Identifier: GPL-2.0
/*
 * dkfsfuzz IMAGE SEED [FLIPS]: changes FLIPS (default 8) bytes of the
 * metadata of a daxkitfs image, chosen deterministically from SEED: the
 * superblock and its state word, the backup, the inodes in use (mostly)
 * and the rest of the inode table, and the directory, symbolic-link and
 * extent blocks found by walking the inodes.  Prints one line a flip:
 * "flip block B offset O: 0xAA -> 0xBB".
 *
 * dkfsfuzz -m DEV IMAGE DIR SEED COUNT [FLIPS]: the mount fuzzer.  For
 * each seed from SEED to SEED + COUNT - 1: IMAGE (a file) is written to the
 * device DEV, FLIPS of its bytes are changed as above, DEV is mounted on
 * DIR as daxkitfs (MS_SILENT: t_88 checks the refusal's one log line);
 * when the mount succeeds, the tree is walked (stat, read, readlink), a
 * file and a directory are made and removed, and DIR is unmounted.  A
 * refused mount must fail with EINVAL or EUCLEAN; the operations on a
 * mounted image may fail with any error, but the unmount must succeed.
 * Prints a progress line every 100 images and a summary:
 * "images N mounted M einval A euclean B".  Exits 0 when every image went
 * so, 1 at the first that did not (named with its seed: rerun it alone with
 * COUNT 1 to replay it).
 *
 * Self-contained (the guest builds each file of tests/guest/src alone):
 * it knows the few offsets of the format (include/daxkit/daxkitfs_format.h)
 * it needs, and trusts nothing it reads from the image.
 *
 * Exits 0 after the flips, 1 when it could not (no image, too small).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define BS		4096ULL
#define INODE_SIZE	256
#define INODE_START	2
#define MAX_REGIONS	65536
#define MAX_CHAIN	64
#define XMAGIC		0x54584546534b4458ULL
#define S_FMT		0170000
#define S_DIR		0040000
#define S_LNK		0120000

static int fd;
static uint64_t img_blocks;

/* A range of bytes worth flipping. */
struct region {
	uint64_t off, len;
};

static struct region sup[2], inodes[MAX_REGIONS], blocks[MAX_REGIONS], table;
static unsigned int ninodes, nblocks;

static uint64_t state;

/* splitmix64: the seed's sequence. */
static uint64_t next_rand(void)
{
	uint64_t z = (state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t below(uint64_t n)
{
	return n ? next_rand() % n : 0;
}

static uint64_t le(const unsigned char *p, int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

static int rd(void *buf, size_t len, uint64_t off)
{
	return pread(fd, buf, len, (off_t)off) == (ssize_t)len ? 0 : -1;
}

static void add_block(uint64_t b)
{
	if (b < 2 || b >= img_blocks || nblocks >= MAX_REGIONS)
		return;
	blocks[nblocks].off = b * BS;
	blocks[nblocks].len = BS;
	nblocks++;
}

/* The blocks of extent [pblk, pblk + len), at most a few per extent. */
static void add_extent(const unsigned char *e)
{
	uint64_t len = le(e + 4, 4), pblk = le(e + 8, 8), k;

	for (k = 0; k < len && k < 4; k++)
		add_block(pblk + k);
}

static void walk(uint64_t nr_inodes)
{
	unsigned char ino[INODE_SIZE], xb[BS];
	uint64_t i, x, mode, hops, max = img_blocks * BS / INODE_SIZE;
	int k, meta;

	if (nr_inodes > max)
		nr_inodes = max;
	if (nr_inodes > 1ULL << 24)
		nr_inodes = 1ULL << 24;
	table.off = INODE_START * BS;
	table.len = nr_inodes * INODE_SIZE;
	if (table.off + table.len > img_blocks * BS)
		table.len = img_blocks * BS > table.off ? img_blocks * BS - table.off : 0;
	for (i = 0; i < nr_inodes; i++) {
		if (rd(ino, sizeof(ino), table.off + i * INODE_SIZE) < 0)
			break;
		mode = le(ino, 4);
		if (!mode)
			continue;
		if (ninodes < MAX_REGIONS) {
			inodes[ninodes].off = table.off + i * INODE_SIZE;
			inodes[ninodes].len = INODE_SIZE;
			ninodes++;
		}
		meta = (mode & S_FMT) == S_DIR || (mode & S_FMT) == S_LNK;
		for (k = 0; k < 10 && meta; k++)
			add_extent(ino + 96 + 16 * k);
		x = le(ino + 80, 8);
		for (hops = 0; x && x < img_blocks && hops < MAX_CHAIN; hops++) {
			if (rd(xb, sizeof(xb), x * BS) < 0 || le(xb, 8) != XMAGIC)
				break;
			add_block(x);
			for (k = 0; k < 255 && meta; k++)
				add_extent(xb + 16 + 16 * k);
			x = le(xb + 8, 8);
		}
	}
}

/*
 * Changes @flips bytes of the metadata of the image open as @fd, chosen
 * from @seed; prints each flip unless @quiet.  Returns 0, or -1 when the
 * image is too small or cannot be written.
 */
static int fuzz(int image, uint64_t seed, unsigned long flips, int quiet)
{
	unsigned char sb[256], old, new;
	unsigned long f;
	struct region r;
	struct stat st;
	uint64_t pick, off;

	fd = image;
	state = seed;
	ninodes = nblocks = 0;
	if (fstat(fd, &st) < 0)
		return -1;
	img_blocks = S_ISREG(st.st_mode) ? (uint64_t)st.st_size / BS :
		(uint64_t)lseek(fd, 0, SEEK_END) / BS;
	if (img_blocks < 2 || rd(sb, sizeof(sb), 0) < 0)
		return -1;
	sup[0] = (struct region){ 0, 256 };
	sup[1] = (struct region){ BS, 256 };
	walk(le(sb + 40, 8));
	next_rand();

	for (f = 0; f < flips; f++) {
		pick = below(100);
		if (pick < 5) {
			r = sup[0];
			/* Now and then the state word. */
			if (below(4) == 0)
				r = (struct region){ 2048, 8 };
		} else if (pick < 7) {
			r = sup[1];
		} else if (pick < 50 && ninodes) {
			r = inodes[below(ninodes)];
		} else if (pick < 55 && table.len) {
			r = table;
		} else if (nblocks) {
			r = blocks[below(nblocks)];
			/* Mostly the headers: entries, extent slots, magic and next. */
			if (below(2))
				r.len = 256;
		} else if (ninodes) {
			r = inodes[below(ninodes)];
		} else {
			r = sup[0];
		}
		off = r.off + below(r.len);
		if (rd(&old, 1, off) < 0)
			continue;
		switch (below(4)) {
		case 0:
			new = (unsigned char)next_rand();
			break;
		case 1:
			new = below(2) ? 0 : 0xff;
			break;
		default:
			new = old ^ (unsigned char)(1U << below(8));
			break;
		}
		if (new == old)
			new = old ^ 0x01;
		if (pwrite(fd, &new, 1, (off_t)off) != 1)
			return -1;
		if (!quiet)
			printf("flip block %llu offset %llu: 0x%02x -> 0x%02x\n",
			       (unsigned long long)(off / BS), (unsigned long long)(off % BS),
			       old, new);
	}
	return 0;
}

/* ---- the mount fuzzer ---- */

static char buf[BS * 16];
static unsigned long walked;

/* Walks @path (a directory of the mounted image), at most 8 deep. */
static void walk_tree(const char *path, int depth)
{
	char sub[4096];
	struct dirent *de;
	struct stat st;
	DIR *d;
	int f;

	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d)) && walked < 4096) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		walked++;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		if (lstat(sub, &st))
			continue;
		if (S_ISDIR(st.st_mode) && depth < 8) {
			walk_tree(sub, depth + 1);
		} else if (S_ISLNK(st.st_mode)) {
			if (readlink(sub, buf, sizeof(buf)) < 0)
				continue;
		} else if (S_ISREG(st.st_mode)) {
			f = open(sub, O_RDONLY);
			if (f >= 0) {
				if (read(f, buf, sizeof(buf)) < 0)
					(void)0;
				close(f);
			}
		}
	}
	closedir(d);
}

/* What a user does on a mounted image: look at everything, change a little. */
static void exercise(const char *dir)
{
	char path[4096];
	int f;

	walked = 0;
	walk_tree(dir, 0);
	snprintf(path, sizeof(path), "%s/fuzz-new", dir);
	f = open(path, O_RDWR | O_CREAT, 0644);
	if (f >= 0) {
		memset(buf, 0x5a, sizeof(buf));
		if (pwrite(f, buf, sizeof(buf), 0) < 0 || fsync(f) < 0)
			(void)0;
		close(f);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/fuzz-dir", dir);
	if (!mkdir(path, 0755))
		rmdir(path);
}

static int mount_fuzz(char **argv, int argc)
{
	const char *dev = argv[2], *dir = argv[4];
	uint64_t seed = strtoull(argv[5], NULL, 0), n = strtoull(argv[6], NULL, 0), i;
	unsigned long flips = argc > 7 ? strtoul(argv[7], NULL, 0) : 8;
	unsigned long mounted = 0, einval = 0, euclean = 0;
	unsigned char *img;
	struct stat st;
	int src, dst;

	src = open(argv[3], O_RDONLY);
	if (src < 0 || fstat(src, &st) < 0 || !(img = malloc(st.st_size)) ||
	    read(src, img, st.st_size) != st.st_size) {
		perror(argv[3]);
		return 1;
	}
	close(src);
	for (i = seed; i < seed + n; i++) {
		dst = open(dev, O_RDWR);
		if (dst < 0 || pwrite(dst, img, st.st_size, 0) != st.st_size ||
		    fuzz(dst, i, flips, 1) < 0 || fsync(dst) < 0) {
			printf("fail: seed %llu: cannot write the image to %s: %s\n",
			       (unsigned long long)i, dev, strerror(errno));
			return 1;
		}
		close(dst);
		if (mount(dev, dir, "daxkitfs", MS_SILENT, NULL)) {
			if (errno == EINVAL) {
				einval++;
			} else if (errno == EUCLEAN) {
				euclean++;
			} else {
				printf("fail: seed %llu: mount refused with %s, want EINVAL or EUCLEAN\n",
				       (unsigned long long)i, strerror(errno));
				return 1;
			}
		} else {
			mounted++;
			exercise(dir);
			if (umount(dir)) {
				printf("fail: seed %llu: umount: %s\n", (unsigned long long)i,
				       strerror(errno));
				return 1;
			}
		}
		if ((i - seed + 1) % 100 == 0) {
			printf("progress: %llu images\n", (unsigned long long)(i - seed + 1));
			fflush(stdout);
		}
	}
	printf("images %llu mounted %lu einval %lu euclean %lu\n", (unsigned long long)n,
	       mounted, einval, euclean);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long flips = 8;
	uint64_t seed;
	char *end;
	int image;

	if (argc >= 7 && argc <= 8 && !strcmp(argv[1], "-m"))
		return mount_fuzz(argv, argc);
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: dkfsfuzz IMAGE SEED [FLIPS]\n"
			"       dkfsfuzz -m DEV IMAGE DIR SEED COUNT [FLIPS]\n");
		return 1;
	}
	seed = strtoull(argv[2], &end, 0);
	if (*end) {
		fprintf(stderr, "dkfsfuzz: SEED: a number\n");
		return 1;
	}
	if (argc == 4) {
		flips = strtoul(argv[3], &end, 0);
		if (*end) {
			fprintf(stderr, "dkfsfuzz: FLIPS: a number\n");
			return 1;
		}
	}
	image = open(argv[1], O_RDWR);
	if (image < 0) {
		perror(argv[1]);
		return 1;
	}
	if (fuzz(image, seed, flips, 0) < 0) {
		fprintf(stderr, "dkfsfuzz: %s: too small, or cannot be written\n", argv[1]);
		return 1;
	}
	close(image);
	return 0;
}
