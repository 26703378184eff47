/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by mkfs.daxkitfs and fsck.daxkitfs: the device (a daxkit
 * character device or an image file; pread/pwrite/fsync only, no mmap),
 * the superblock checksum and validation, and small helpers for inodes,
 * extents and directory entries.
 */
#ifndef DKFS_H
#define DKFS_H

#include <endian.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <daxkit/daxkitfs_format.h>

_Static_assert(sizeof(struct daxkitfs_super) == 256, "superblock size");
_Static_assert(sizeof(struct daxkitfs_inode) == DAXKITFS_INODE_SIZE, "inode size");
_Static_assert(sizeof(struct daxkitfs_xblock) == DAXKITFS_BLOCK_SIZE, "xblock size");
_Static_assert(sizeof(struct daxkitfs_dirent) == DAXKITFS_SLOT_SIZE, "dirent size");
_Static_assert(sizeof(struct daxkitfs_extent) == 16, "extent size");
_Static_assert(offsetof(struct daxkitfs_super, s_data_start) == 48, "s_data_start");

#ifndef DAXKIT_VERSION
#define DAXKIT_VERSION "unknown"
#endif

#define DKFS_BS		DAXKITFS_BLOCK_SIZE
#define DKFS_SB_SIZE	sizeof(struct daxkitfs_super)

struct dkfs_dev {
	int fd;
	const char *path;
	uint64_t size;		/* bytes */
	uint64_t blocks;	/* size / DKFS_BS */
	int writable;
};

/* Progname for messages, set by each command. */
extern const char *dkfs_prog;

void dkfs_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * dkfs_open() - open @path for reading (and writing when @writable);
 * refuses block devices and anything but a regular file or a character
 * device.  Returns 0, or -1 after printing why.
 */
int dkfs_open(struct dkfs_dev *dev, const char *path, int writable);
void dkfs_close(struct dkfs_dev *dev);
/* Whole transfers or -1 (message printed); reads past the end fail. */
int dkfs_pread(struct dkfs_dev *dev, void *buf, size_t len, uint64_t off);
int dkfs_pwrite(struct dkfs_dev *dev, const void *buf, size_t len, uint64_t off);
int dkfs_read_block(struct dkfs_dev *dev, uint64_t blk, void *buf);
int dkfs_write_block(struct dkfs_dev *dev, uint64_t blk, const void *buf);
int dkfs_zero(struct dkfs_dev *dev, uint64_t off, uint64_t len);
int dkfs_sync(struct dkfs_dev *dev);

/* The checksum the superblock must hold in s_csum. */
uint32_t dkfs_super_csum(const struct daxkitfs_super *sb);
/* Blocks the inode table of @nr_inodes inodes takes. */
uint64_t dkfs_table_blocks(uint64_t nr_inodes);
/* The first data block for a table of @nr_inodes. */
uint64_t dkfs_data_start(uint64_t nr_inodes);
/*
 * dkfs_super_check() - NULL when @sb is a valid version 1 superblock for a
 * device of @dev_blocks blocks; else a static string saying why not.
 */
const char *dkfs_super_check(const struct daxkitfs_super *sb, uint64_t dev_blocks);

/* The DT_* type of an inode mode, 0 for a type daxkitfs does not have. */
unsigned int dkfs_dt_of_mode(uint32_t mode);
const char *dkfs_type_name(uint32_t mode);

void dkfs_uuid_str(const uint8_t uuid[16], char out[37]);
int dkfs_uuid_parse(const char *s, uint8_t uuid[16]);

#endif
