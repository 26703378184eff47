// SPDX-License-Identifier: GPL-2.0
/*
 * mkfs.daxkitfs: make a daxkitfs on a daxkit character device or an
 * image file.  An interrupted run never leaves a mountable filesystem:
 * the superblocks are invalidated first and written last.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "dkfs.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: mkfs.daxkitfs [-f] [-q] [-N inodes] [-L label] [-U uuid] device\n"
		"       mkfs.daxkitfs -V | -h\n"
		"Make a daxkitfs on DEVICE (a daxkit character device or an image file).\n"
		"  -N, --inodes N   inodes (default: one per 64 KiB, %u..%u)\n"
		"  -L, --label L    label, at most 31 bytes\n"
		"  -U, --uuid U     UUID (default: random)\n"
		"  -f, --force      overwrite an existing filesystem\n"
		"  -q, --quiet      print nothing on success\n"
		"  -V, --version    print the version and exit\n"
		"  -h, --help       print this help and exit\n",
		DAXKITFS_MIN_INODES, DAXKITFS_MAX_INODES);
}

static int get_random(void *buf, size_t len)
{
	char *p = buf;
	ssize_t n;

	while (len) {
		n = getrandom(p, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* A filesystem or swap signature on @dev, or NULL. */
static const char *signature(struct dkfs_dev *dev)
{
	struct daxkitfs_super sb;
	unsigned char b[16];
	int i;

	for (i = 0; i < 2; i++) {
		if ((uint64_t)(i + 1) * DKFS_BS > dev->size)
			break;
		if (dkfs_pread(dev, &sb, sizeof(sb), (uint64_t)i * DKFS_BS) < 0)
			return NULL;
		if (!dkfs_super_check(&sb, dev->blocks))
			return i ? "a daxkitfs (backup superblock)" : "a daxkitfs";
	}
	if (dev->size >= 2048 && dkfs_pread(dev, b, 2, 1080) == 0 &&
	    b[0] == 0x53 && b[1] == 0xef)
		return "an ext2/ext3/ext4 filesystem";
	if (dev->size >= 4 && dkfs_pread(dev, b, 4, 0) == 0 && !memcmp(b, "XFSB", 4))
		return "an XFS filesystem";
	if (dev->size >= 65608 && dkfs_pread(dev, b, 8, 65600) == 0 && !memcmp(b, "_BHRfS_M", 8))
		return "a btrfs filesystem";
	if (dev->size >= 4096 && dkfs_pread(dev, b, 10, 4086) == 0 &&
	    (!memcmp(b, "SWAPSPACE2", 10) || !memcmp(b, "SWAP-SPACE", 10)))
		return "swap space";
	return NULL;
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!*s || *s == '-')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || *end ? -1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "inodes", required_argument, NULL, 'N' },
		{ "label", required_argument, NULL, 'L' },
		{ "uuid", required_argument, NULL, 'U' },
		{ "force", no_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct daxkitfs_super sb;
	struct daxkitfs_inode root;
	struct dkfs_dev dev;
	const char *label = NULL, *sig;
	uint64_t nr_inodes = 0, nr_blocks, table, data, max_inodes, state;
	uint8_t uuid[16];
	uint32_t gen;
	int have_uuid = 0, force = 0, quiet = 0, c;
	struct timespec now;
	char ustr[37];

	dkfs_prog = "mkfs.daxkitfs";
	while ((c = getopt_long(argc, argv, "N:L:U:fqVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'N':
			if (parse_u64(optarg, &nr_inodes) < 0 || nr_inodes < DAXKITFS_MIN_INODES ||
			    nr_inodes > DAXKITFS_MAX_INODES) {
				dkfs_err("-N %s: a number of inodes from %u to %u", optarg,
					 DAXKITFS_MIN_INODES, DAXKITFS_MAX_INODES);
				return 1;
			}
			break;
		case 'L':
			if (strlen(optarg) >= sizeof(sb.s_label)) {
				dkfs_err("-L: a label of at most %zu bytes", sizeof(sb.s_label) - 1);
				return 1;
			}
			label = optarg;
			break;
		case 'U':
			if (dkfs_uuid_parse(optarg, uuid) < 0) {
				dkfs_err("-U %s: not a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)", optarg);
				return 1;
			}
			have_uuid = 1;
			break;
		case 'f':
			force = 1;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'V':
			printf("mkfs.daxkitfs (daxkit) %s\n", DAXKIT_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return 1;
	}
	if (dkfs_open(&dev, argv[optind], 1) < 0)
		return 1;

	nr_blocks = dev.blocks;
	if (dev.size < (uint64_t)DAXKITFS_MIN_BLOCKS * DKFS_BS) {
		dkfs_err("%s: device too small: %" PRIu64 " bytes, need at least %llu", dev.path,
			 dev.size, (unsigned long long)DAXKITFS_MIN_BLOCKS * DKFS_BS);
		return 1;
	}
	/* The most inodes whose table leaves one run of data. */
	max_inodes = ((nr_blocks - DAXKITFS_RUN_BLOCKS) / DAXKITFS_RUN_BLOCKS *
		      DAXKITFS_RUN_BLOCKS - DAXKITFS_INODE_START) * DAXKITFS_INODES_PER_BLOCK;
	if (max_inodes > DAXKITFS_MAX_INODES)
		max_inodes = DAXKITFS_MAX_INODES;
	if (!nr_inodes) {
		nr_inodes = dev.size / 65536;
		if (nr_inodes < DAXKITFS_MIN_INODES)
			nr_inodes = DAXKITFS_MIN_INODES;
		if (nr_inodes > max_inodes)
			nr_inodes = max_inodes;
	}
	table = dkfs_table_blocks(nr_inodes);
	data = dkfs_data_start(nr_inodes);
	if (data + DAXKITFS_RUN_BLOCKS > nr_blocks) {
		if (nr_inodes > max_inodes)
			dkfs_err("%s: %" PRIu64 " inodes do not fit: at most %" PRIu64
				 " on %" PRIu64 " bytes", dev.path, nr_inodes, max_inodes, dev.size);
		else
			dkfs_err("%s: device too small: %" PRIu64 " bytes, need at least %" PRIu64,
				 dev.path, dev.size, (data + DAXKITFS_RUN_BLOCKS) * DKFS_BS);
		return 1;
	}
	sig = signature(&dev);
	if (sig && !force) {
		dkfs_err("%s: holds %s; use -f to overwrite it", dev.path, sig);
		return 1;
	}
	if (!have_uuid) {
		if (get_random(uuid, sizeof(uuid)) < 0) {
			dkfs_err("getrandom: %s", strerror(errno));
			return 1;
		}
		uuid[6] = (uuid[6] & 0x0f) | 0x40;
		uuid[8] = (uuid[8] & 0x3f) | 0x80;
	}
	if (get_random(&gen, sizeof(gen)) < 0) {
		dkfs_err("getrandom: %s", strerror(errno));
		return 1;
	}
	clock_gettime(CLOCK_REALTIME, &now);

	/* 1. No superblock any more, durably, before anything else changes. */
	if (dkfs_zero(&dev, 0, 2 * DKFS_BS) < 0 || dkfs_sync(&dev) < 0)
		return 1;
	/* 2. An empty inode table but for the root. */
	if (dkfs_zero(&dev, DAXKITFS_INODE_START * DKFS_BS, table * DKFS_BS) < 0)
		return 1;
	memset(&root, 0, sizeof(root));
	root.i_mode = htole32(S_IFDIR | 0755);
	root.i_nlink = htole32(2);
	root.i_atime = root.i_mtime = root.i_ctime = htole64((uint64_t)now.tv_sec);
	root.i_atime_nsec = root.i_mtime_nsec = root.i_ctime_nsec = htole32((uint32_t)now.tv_nsec);
	root.i_generation = htole32(gen);
	root.i_parent = htole64(DAXKITFS_ROOT_INO);
	if (dkfs_pwrite(&dev, &root, sizeof(root),
			DAXKITFS_INODE_START * DKFS_BS + DAXKITFS_ROOT_INO * DAXKITFS_INODE_SIZE) < 0 ||
	    dkfs_sync(&dev) < 0)
		return 1;
	/* 3. The superblocks: backup, then primary and its state word. */
	memset(&sb, 0, sizeof(sb));
	sb.s_magic = htole64(DAXKITFS_MAGIC);
	sb.s_version = htole32(DAXKITFS_VERSION);
	sb.s_block_size = htole32(DAXKITFS_BLOCK_SIZE);
	sb.s_inode_size = htole32(DAXKITFS_INODE_SIZE);
	sb.s_nr_blocks = htole64(nr_blocks);
	sb.s_inode_start = htole64(DAXKITFS_INODE_START);
	sb.s_nr_inodes = htole64(nr_inodes);
	sb.s_data_start = htole64(data);
	sb.s_mkfs_time = htole64((uint64_t)now.tv_sec);
	memcpy(sb.s_uuid, uuid, sizeof(uuid));
	if (label)
		memcpy(sb.s_label, label, strlen(label));
	sb.s_csum = htole32(dkfs_super_csum(&sb));
	state = htole64(DAXKITFS_STATE_CLEAN);
	if (dkfs_pwrite(&dev, &sb, sizeof(sb), DAXKITFS_BACKUP_BLOCK * DKFS_BS) < 0 ||
	    dkfs_pwrite(&dev, &state, sizeof(state), DAXKITFS_STATE_OFFSET) < 0 ||
	    dkfs_pwrite(&dev, &sb, sizeof(sb), DAXKITFS_SUPER_BLOCK * DKFS_BS) < 0 ||
	    dkfs_sync(&dev) < 0)
		return 1;
	dkfs_close(&dev);

	if (!quiet) {
		dkfs_uuid_str(uuid, ustr);
		printf("%s: %" PRIu64 " bytes, %" PRIu64 " blocks of %u bytes\n", dev.path,
		       dev.size, nr_blocks, DAXKITFS_BLOCK_SIZE);
		printf("inodes: %" PRIu64 " (table: blocks %u-%" PRIu64 ")\n", nr_inodes,
		       DAXKITFS_INODE_START, DAXKITFS_INODE_START + table - 1);
		printf("data: blocks %" PRIu64 "-%" PRIu64 " (%" PRIu64 " blocks)\n", data,
		       nr_blocks - 1, nr_blocks - data);
		printf("label: \"%s\"\nuuid: %s\n", label ? label : "", ustr);
	}
	return 0;
}
