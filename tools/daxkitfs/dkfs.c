// SPDX-License-Identifier: GPL-2.0
/* The device, the superblock and small format helpers (dkfs.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dkfs.h"

const char *dkfs_prog = "daxkitfs";

void dkfs_err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", dkfs_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int dkfs_open(struct dkfs_dev *dev, const char *path, int writable)
{
	struct stat st;
	off_t end;

	memset(dev, 0, sizeof(*dev));
	dev->path = path;
	dev->fd = -1;
	/* Before opening: a block device is refused even where it cannot open. */
	if (stat(path, &st) == 0 && S_ISBLK(st.st_mode)) {
		dkfs_err("%s: a block device; daxkitfs lives on daxkit character devices (/dev/daxkitR.N) or image files",
			 path);
		return -1;
	}
	dev->fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (dev->fd < 0) {
		dkfs_err("%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(dev->fd, &st) < 0) {
		dkfs_err("%s: %s", path, strerror(errno));
		goto fail;
	}
	if (S_ISBLK(st.st_mode)) {
		dkfs_err("%s: a block device; daxkitfs lives on daxkit character devices (/dev/daxkitR.N) or image files",
			 path);
		goto fail;
	}
	if (S_ISREG(st.st_mode)) {
		dev->size = (uint64_t)st.st_size;
	} else if (S_ISCHR(st.st_mode)) {
		end = lseek(dev->fd, 0, SEEK_END);
		if (end < 0) {
			dkfs_err("%s: cannot find its size: %s", path, strerror(errno));
			goto fail;
		}
		dev->size = (uint64_t)end;
	} else {
		dkfs_err("%s: neither a character device nor a regular file", path);
		goto fail;
	}
	dev->blocks = dev->size / DKFS_BS;
	dev->writable = writable;
	return 0;
fail:
	close(dev->fd);
	dev->fd = -1;
	return -1;
}

void dkfs_close(struct dkfs_dev *dev)
{
	if (dev->fd >= 0)
		close(dev->fd);
	dev->fd = -1;
}

int dkfs_pread(struct dkfs_dev *dev, void *buf, size_t len, uint64_t off)
{
	char *p = buf;
	ssize_t n;

	if (off > dev->size || len > dev->size - off) {
		dkfs_err("%s: read of %zu bytes at %llu: beyond the end", dev->path, len,
			 (unsigned long long)off);
		return -1;
	}
	while (len) {
		n = pread(dev->fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			dkfs_err("%s: read at %llu: %s", dev->path, (unsigned long long)off,
				 n < 0 ? strerror(errno) : "unexpected end");
			return -1;
		}
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

int dkfs_pwrite(struct dkfs_dev *dev, const void *buf, size_t len, uint64_t off)
{
	const char *p = buf;
	ssize_t n;

	if (off > dev->size || len > dev->size - off) {
		dkfs_err("%s: write of %zu bytes at %llu: beyond the end", dev->path, len,
			 (unsigned long long)off);
		return -1;
	}
	while (len) {
		n = pwrite(dev->fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			dkfs_err("%s: write at %llu: %s", dev->path, (unsigned long long)off,
				 n < 0 ? strerror(errno) : "nothing written");
			return -1;
		}
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

int dkfs_read_block(struct dkfs_dev *dev, uint64_t blk, void *buf)
{
	if (blk >= dev->blocks) {
		dkfs_err("%s: block %llu beyond the device", dev->path, (unsigned long long)blk);
		return -1;
	}
	return dkfs_pread(dev, buf, DKFS_BS, blk * DKFS_BS);
}

int dkfs_write_block(struct dkfs_dev *dev, uint64_t blk, const void *buf)
{
	if (blk >= dev->blocks) {
		dkfs_err("%s: block %llu beyond the device", dev->path, (unsigned long long)blk);
		return -1;
	}
	return dkfs_pwrite(dev, buf, DKFS_BS, blk * DKFS_BS);
}

int dkfs_zero(struct dkfs_dev *dev, uint64_t off, uint64_t len)
{
	static const char zero[1 << 16];
	size_t n;

	while (len) {
		n = len < sizeof(zero) ? (size_t)len : sizeof(zero);
		if (dkfs_pwrite(dev, zero, n, off) < 0)
			return -1;
		off += n;
		len -= n;
	}
	return 0;
}

int dkfs_sync(struct dkfs_dev *dev)
{
	if (fsync(dev->fd) < 0) {
		dkfs_err("%s: fsync: %s", dev->path, strerror(errno));
		return -1;
	}
	return 0;
}

uint32_t dkfs_super_csum(const struct daxkitfs_super *sb)
{
	struct daxkitfs_super tmp = *sb;

	tmp.s_csum = 0;
	return ~daxkitfs_crc32c(~0U, &tmp, sizeof(tmp));
}

uint64_t dkfs_table_blocks(uint64_t nr_inodes)
{
	return (nr_inodes * DAXKITFS_INODE_SIZE + DKFS_BS - 1) / DKFS_BS;
}

uint64_t dkfs_data_start(uint64_t nr_inodes)
{
	uint64_t end = DAXKITFS_INODE_START + dkfs_table_blocks(nr_inodes);

	return (end + DAXKITFS_RUN_BLOCKS - 1) / DAXKITFS_RUN_BLOCKS * DAXKITFS_RUN_BLOCKS;
}

const char *dkfs_super_check(const struct daxkitfs_super *sb, uint64_t dev_blocks)
{
	uint64_t nr_blocks = le64toh(sb->s_nr_blocks);
	uint64_t nr_inodes = le64toh(sb->s_nr_inodes);
	uint64_t data = le64toh(sb->s_data_start);

	if (le64toh(sb->s_magic) != DAXKITFS_MAGIC)
		return "bad magic";
	if (le32toh(sb->s_version) != DAXKITFS_VERSION)
		return "unsupported version";
	if (le32toh(sb->s_csum) != dkfs_super_csum(sb))
		return "bad checksum";
	if (le32toh(sb->s_block_size) != DAXKITFS_BLOCK_SIZE)
		return "bad block size";
	if (le32toh(sb->s_inode_size) != DAXKITFS_INODE_SIZE)
		return "bad inode size";
	if (le64toh(sb->s_features) != 0)
		return "unsupported features";
	if (nr_blocks > dev_blocks)
		return "larger than the device";
	if (le64toh(sb->s_inode_start) != DAXKITFS_INODE_START)
		return "bad inode table start";
	if (nr_inodes < DAXKITFS_MIN_INODES || nr_inodes > DAXKITFS_MAX_INODES)
		return "inode count out of range";
	if (data % DAXKITFS_RUN_BLOCKS)
		return "data start not aligned";
	if (DAXKITFS_INODE_START + dkfs_table_blocks(nr_inodes) > data)
		return "inode table overlaps the data area";
	if (data >= nr_blocks)
		return "data start beyond the end";
	return NULL;
}

unsigned int dkfs_dt_of_mode(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return DT_REG;
	case S_IFDIR: return DT_DIR;
	case S_IFLNK: return DT_LNK;
	case S_IFCHR: return DT_CHR;
	case S_IFBLK: return DT_BLK;
	case S_IFIFO: return DT_FIFO;
	case S_IFSOCK: return DT_SOCK;
	}
	return 0;
}

const char *dkfs_type_name(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return "regular file";
	case S_IFDIR: return "directory";
	case S_IFLNK: return "symbolic link";
	case S_IFCHR: return "character device";
	case S_IFBLK: return "block device";
	case S_IFIFO: return "FIFO";
	case S_IFSOCK: return "socket";
	}
	return "unknown type";
}

void dkfs_uuid_str(const uint8_t u[16], char out[37])
{
	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11],
		 u[12], u[13], u[14], u[15]);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int dkfs_uuid_parse(const char *s, uint8_t u[16])
{
	int i, hi, lo;

	if (strlen(s) != 36)
		return -1;
	for (i = 0; i < 36; i++)
		if ((i == 8 || i == 13 || i == 18 || i == 23) != (s[i] == '-'))
			return -1;
	for (i = 0; i < 16; i++) {
		while (*s == '-')
			s++;
		hi = hexval(s[0]);
		lo = hexval(s[1]);
		if (hi < 0 || lo < 0)
			return -1;
		u[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	return 0;
}
