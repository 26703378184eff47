/* SPDX-License-Identifier: GPL-2.0 */
/*
 * daxkitfs: the on-disk format, shared by the module (daxkitfs/) and by
 * mkfs.daxkitfs and fsck.daxkitfs (tools/daxkitfs/).  Only <linux/types.h>
 * types, so that both kernel and user space include it.  Little-endian.
 *
 * Layout, in 4 KiB blocks:
 *
 *   0                   superblock (struct daxkitfs_super at offset 0,
 *                       the state word at DAXKITFS_STATE_OFFSET)
 *   1                   backup superblock (the same struct; no state word)
 *   2 .. 2+T-1          inode table: s_nr_inodes inodes of 256 bytes
 *   s_data_start ..     data blocks (s_data_start 2 MiB aligned)
 *
 * Consistency without a journal: every operation becomes visible through
 * one aligned 8-byte store (the commit word), made after everything it
 * points at has been written and made durable (new blocks zeroed first,
 * Req-48).  An interrupted operation leaves at most an inode nobody links
 * to, a link count too high, or a block nobody owns; the mount-time scan
 * repairs all three (free space is never on disk: it is rebuilt from the
 * inodes' extents at each mount).
 *
 * Commit words:
 *   - a directory entry is live when de_ino (slot offset 0) is non-zero;
 *   - an extent is live when its first word (e_lblk, e_len) has e_len != 0;
 *   - an inode is in use when i_mode is non-zero;
 *   - i_size is one word.
 */
#ifndef _DAXKIT_DAXKITFS_FORMAT_H
#define _DAXKIT_DAXKITFS_FORMAT_H

#include <linux/types.h>

#define DAXKITFS_MAGIC		0x53465449584b4144ULL	/* "DAXKITFS" */
#define DAXKITFS_VERSION	1
#define DAXKITFS_BLOCK_SHIFT	12
#define DAXKITFS_BLOCK_SIZE	(1U << DAXKITFS_BLOCK_SHIFT)
#define DAXKITFS_INODE_SIZE	256
#define DAXKITFS_INODES_PER_BLOCK (DAXKITFS_BLOCK_SIZE / DAXKITFS_INODE_SIZE)
/* Data starts, and large files are allocated, in runs of this many blocks. */
#define DAXKITFS_RUN_BLOCKS	512	/* 2 MiB */
#define DAXKITFS_SUPER_BLOCK	0
#define DAXKITFS_BACKUP_BLOCK	1
#define DAXKITFS_INODE_START	2
#define DAXKITFS_ROOT_INO	1
/* The smallest device mkfs accepts: the metadata and one run of data. */
#define DAXKITFS_MIN_BLOCKS	(2 * DAXKITFS_RUN_BLOCKS)
#define DAXKITFS_MIN_INODES	64
#define DAXKITFS_MAX_INODES	(1U << 24)

/* The state word, block 0 at this offset, outside the checksummed part. */
#define DAXKITFS_STATE_OFFSET	2048
#define DAXKITFS_STATE_CLEAN	0x4e41454c43ULL		/* "CLEAN" */
#define DAXKITFS_STATE_MOUNTED	0x4445544e554f4dULL	/* "MOUNTED" */

/**
 * struct daxkitfs_super - the superblock (256 bytes; the checksum covers
 *	all of them, with s_csum taken as zero)
 * @s_magic: DAXKITFS_MAGIC
 * @s_version: DAXKITFS_VERSION
 * @s_csum: CRC32C (daxkitfs_crc32c(~0, ...), then inverted) of the struct
 * @s_block_size: DAXKITFS_BLOCK_SIZE
 * @s_inode_size: DAXKITFS_INODE_SIZE
 * @s_nr_blocks: the filesystem's size in blocks (at most the device's)
 * @s_inode_start: first block of the inode table (DAXKITFS_INODE_START)
 * @s_nr_inodes: inodes in the table, inode 0 unused, 1 the root
 * @s_data_start: first data block, a multiple of DAXKITFS_RUN_BLOCKS,
 *	after the inode table
 * @s_mkfs_time: seconds since the epoch
 * @s_features: 0 (no optional features in version 1)
 * @s_uuid: from mkfs
 * @s_label: NUL-padded
 * @s_reserved: zero
 */
struct daxkitfs_super {
	__le64 s_magic;
	__le32 s_version;
	__le32 s_csum;
	__le32 s_block_size;
	__le32 s_inode_size;
	__le64 s_nr_blocks;
	__le64 s_inode_start;
	__le64 s_nr_inodes;
	__le64 s_data_start;
	__le64 s_mkfs_time;
	__le64 s_features;
	__u8 s_uuid[16];
	char s_label[32];
	__u8 s_reserved[136];
};

/**
 * struct daxkitfs_extent - file blocks [@e_lblk, @e_lblk + @e_len) are
 *	device blocks [@e_pblk, @e_pblk + @e_len)
 * @e_lblk: first file block
 * @e_len: blocks; 0: the slot is free.  (@e_lblk, @e_len) is one 8-byte
 *	word, written last
 * @e_pblk: first device block, in the data area
 *
 * Extents of a file do not overlap, in any order of slots.
 */
struct daxkitfs_extent {
	__le32 e_lblk;
	__le32 e_len;
	__le64 e_pblk;
};

#define DAXKITFS_INLINE_EXTENTS	10

/**
 * struct daxkitfs_inode - an inode (256 bytes)
 * @i_mode: type and permissions; 0: the inode is free
 * @i_nlink: links (directories: 2 + subdirectories)
 * @i_uid: owner
 * @i_gid: group
 * @i_size: bytes (directories: their blocks times the block size)
 * @i_atime: seconds
 * @i_mtime: seconds
 * @i_ctime: seconds
 * @i_atime_nsec: nanoseconds
 * @i_mtime_nsec: nanoseconds
 * @i_ctime_nsec: nanoseconds
 * @i_generation: for NFS-style handles, new at each allocation
 * @i_parent: directories: the parent directory's inode number
 * @i_rdev: device special files: new_encode_dev() of the device
 * @i_flags: 0
 * @i_xblock: first extent block (struct daxkitfs_xblock), 0 if none
 * @i_reserved: zero
 * @i_ext: the first DAXKITFS_INLINE_EXTENTS extents
 *
 * Symbolic links keep their target, NUL-terminated, in file block 0.
 */
struct daxkitfs_inode {
	__le32 i_mode;
	__le32 i_nlink;
	__le32 i_uid;
	__le32 i_gid;
	__le64 i_size;
	__le64 i_atime;
	__le64 i_mtime;
	__le64 i_ctime;
	__le32 i_atime_nsec;
	__le32 i_mtime_nsec;
	__le32 i_ctime_nsec;
	__le32 i_generation;
	__le64 i_parent;
	__le32 i_rdev;
	__le32 i_flags;
	__le64 i_xblock;
	__le64 i_reserved;
	struct daxkitfs_extent i_ext[DAXKITFS_INLINE_EXTENTS];
};

#define DAXKITFS_XBLOCK_MAGIC	0x54584546534b4458ULL	/* "XDKSFEXT" */
#define DAXKITFS_XBLOCK_EXTENTS	255

/**
 * struct daxkitfs_xblock - a block of more extents of one file
 * @x_magic: DAXKITFS_XBLOCK_MAGIC
 * @x_next: the next extent block, 0 if none
 * @x_ext: extents
 *
 * A file's extent blocks count in its blocks; they are not extents.
 */
struct daxkitfs_xblock {
	__le64 x_magic;
	__le64 x_next;
	struct daxkitfs_extent x_ext[DAXKITFS_XBLOCK_EXTENTS];
};

/*
 * Directory blocks are 64 slots of 64 bytes.  An entry takes de_nslots
 * consecutive slots of one block: the first holds struct daxkitfs_dirent
 * with the name's first DAXKITFS_NAME_FIRST bytes; each next slot has
 * its first 8 bytes zero (where de_ino is in a first slot) and the next
 * DAXKITFS_NAME_NEXT bytes of the name from byte 8 on.  So clearing the
 * first slot's de_ino frees the whole entry, and no slot of an entry but
 * its first ever looks live.  Free slots have de_ino 0.
 */
#define DAXKITFS_SLOT_SIZE	64
#define DAXKITFS_SLOTS_PER_BLOCK (DAXKITFS_BLOCK_SIZE / DAXKITFS_SLOT_SIZE)
#define DAXKITFS_NAME_FIRST	48
#define DAXKITFS_NAME_NEXT	56
#define DAXKITFS_NAME_MAX	255

/**
 * struct daxkitfs_dirent - the first slot of a directory entry
 * @de_ino: the inode; 0: free.  Written last
 * @de_name_len: 1 .. DAXKITFS_NAME_MAX
 * @de_type: the DT_* type of the inode
 * @de_nslots: slots taken, daxkitfs_dirent_slots(@de_name_len)
 * @de_reserved: zero
 * @de_name: the name's first bytes, not NUL-terminated
 */
struct daxkitfs_dirent {
	__le64 de_ino;
	__u8 de_name_len;
	__u8 de_type;
	__u8 de_nslots;
	__u8 de_reserved[5];
	char de_name[DAXKITFS_NAME_FIRST];
};

/* The slots an entry with a name of @len bytes takes. */
static inline unsigned int daxkitfs_dirent_slots(unsigned int len)
{
	if (len <= DAXKITFS_NAME_FIRST)
		return 1;
	return 1 + (len - DAXKITFS_NAME_FIRST + DAXKITFS_NAME_NEXT - 1) /
		DAXKITFS_NAME_NEXT;
}

/**
 * daxkitfs_crc32c() - CRC32C (Castagnoli, reflected), bit by bit
 * @crc: the running value (start with ~0U, invert at the end)
 * @buf: bytes
 * @len: how many
 *
 * Small and slow, for the superblock only; the same code in the module
 * and in the tools, so that both agree.
 *
 * Return: the running value after @buf.
 */
static inline __u32 daxkitfs_crc32c(__u32 crc, const void *buf,
				    unsigned long len)
{
	const unsigned char *p = buf;
	int k;

	while (len--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82f63b78U & (0U - (crc & 1)));
	}
	return crc;
}

#endif /* _DAXKIT_DAXKITFS_FORMAT_H */
