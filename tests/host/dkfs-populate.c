// SPDX-License-Identifier: GPL-2.0
/*
 * dkfs-populate IMAGE: a host-only builder and probe of daxkitfs images
 * for tests/host/t_63_daxkitfs_tools.sh, following the format
 * (include/daxkit/daxkitfs_format.h) as the module does.  It trusts the
 * image (a valid one, from mkfs.daxkitfs and itself).  Commands on stdin,
 * one a line; probes print one value a line:
 *
 *   mkdir PATH                  a directory
 *   file PATH BLOCKS EXTENTS    a regular file of BLOCKS blocks (its size)
 *                               in EXTENTS separate extents (more than 10:
 *                               extent blocks)
 *   symlink PATH TARGET         a symbolic link
 *   link OLD NEW                a hard link
 *   mknod PATH c|b|p|s          a device, FIFO or socket
 *   ino PATH                    prints the inode number
 *   ioff PATH                   prints the byte offset of the inode
 *   doff DIR NAME               prints the byte offset of the entry
 *   bmap PATH LBLK              prints the device block of a file block
 *   xblock PATH                 prints the inode's first extent block
 *   get OFFSET SIZE             prints the little-endian value there
 *   set OFFSET SIZE VALUE       stores a little-endian value there
 *   resum                       recomputes the primary's checksum
 */
#include <endian.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <daxkit/daxkitfs_format.h>

#define BS DAXKITFS_BLOCK_SIZE

static int fd;
static struct daxkitfs_super sb;
static struct daxkitfs_inode *itab;
static uint64_t nr_inodes, nr_blocks, data_start;
static uint8_t *owned;

static void die(const char *msg, const char *arg)
{
	fprintf(stderr, "dkfs-populate: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
	exit(1);
}

static void rd(void *buf, size_t len, uint64_t off)
{
	if (pread(fd, buf, len, (off_t)off) != (ssize_t)len)
		die("short read", NULL);
}

static void wrt(const void *buf, size_t len, uint64_t off)
{
	if (pwrite(fd, buf, len, (off_t)off) != (ssize_t)len)
		die("short write", NULL);
}

static uint64_t ioff(uint64_t ino)
{
	return DAXKITFS_INODE_START * (uint64_t)BS + ino * DAXKITFS_INODE_SIZE;
}

/* All live extents of an inode, inline and in extent blocks. */
static struct daxkitfs_extent *extents(uint64_t ino, size_t *n)
{
	static struct daxkitfs_extent *v;
	static size_t cap;
	struct daxkitfs_xblock xb;
	uint64_t x;
	int k;

	*n = 0;
	for (k = 0; k < DAXKITFS_INLINE_EXTENTS + 0; k++) {
		if (*n == cap)
			v = realloc(v, (cap = cap * 2 + 64) * sizeof(*v));
		if (itab[ino].i_ext[k].e_len)
			v[(*n)++] = itab[ino].i_ext[k];
	}
	for (x = le64toh(itab[ino].i_xblock); x; x = le64toh(xb.x_next)) {
		rd(&xb, BS, x * BS);
		owned[x] = 1;
		for (k = 0; k < DAXKITFS_XBLOCK_EXTENTS; k++) {
			if (*n == cap)
				v = realloc(v, (cap = cap * 2 + 64) * sizeof(*v));
			if (xb.x_ext[k].e_len)
				v[(*n)++] = xb.x_ext[k];
		}
	}
	return v;
}

static uint64_t bmap(uint64_t ino, uint64_t l)
{
	size_t n, i;
	struct daxkitfs_extent *e = extents(ino, &n);

	for (i = 0; i < n; i++)
		if (l >= le32toh(e[i].e_lblk) && l < le32toh(e[i].e_lblk) + (uint64_t)le32toh(e[i].e_len))
			return le64toh(e[i].e_pblk) + l - le32toh(e[i].e_lblk);
	return 0;
}

/* A run of @len free blocks, zeroed. */
static uint64_t alloc(uint64_t len)
{
	static const char zero[BS];
	uint64_t b, k;

	for (b = data_start; b + len <= nr_blocks; b++) {
		for (k = 0; k < len && !owned[b + k]; k++)
			;
		if (k == len) {
			for (k = 0; k < len; k++) {
				owned[b + k] = 1;
				wrt(zero, BS, (b + k) * BS);
			}
			return b;
		}
		b += k;
	}
	die("no space", NULL);
	return 0;
}

static void add_extent(uint64_t ino, uint32_t lblk, uint32_t len, uint64_t pblk)
{
	struct daxkitfs_extent e = { htole32(lblk), htole32(len), htole64(pblk) };
	struct daxkitfs_xblock xb;
	uint64_t x, prev = 0;
	int k;

	for (k = 0; k < DAXKITFS_INLINE_EXTENTS; k++) {
		if (!itab[ino].i_ext[k].e_len) {
			itab[ino].i_ext[k] = e;
			return;
		}
	}
	for (x = le64toh(itab[ino].i_xblock); x; prev = x, x = le64toh(xb.x_next)) {
		rd(&xb, BS, x * BS);
		for (k = 0; k < DAXKITFS_XBLOCK_EXTENTS; k++) {
			if (!xb.x_ext[k].e_len) {
				xb.x_ext[k] = e;
				wrt(&xb, BS, x * BS);
				return;
			}
		}
	}
	x = alloc(1);
	memset(&xb, 0, sizeof(xb));
	xb.x_magic = htole64(DAXKITFS_XBLOCK_MAGIC);
	xb.x_ext[0] = e;
	wrt(&xb, BS, x * BS);
	if (prev) {
		uint64_t v = htole64(x);

		wrt(&v, 8, prev * BS + 8);
	} else {
		itab[ino].i_xblock = htole64(x);
	}
}

static uint64_t new_inode(uint32_t mode, uint32_t nlink)
{
	uint64_t ino;

	for (ino = 2; ino < nr_inodes; ino++) {
		if (!itab[ino].i_mode) {
			memset(&itab[ino], 0, sizeof(itab[ino]));
			itab[ino].i_mode = htole32(mode);
			itab[ino].i_nlink = htole32(nlink);
			itab[ino].i_mtime = itab[ino].i_ctime = itab[ino].i_atime =
				htole64((uint64_t)time(NULL));
			itab[ino].i_generation = htole32((uint32_t)rand());
			return ino;
		}
	}
	die("no free inode", NULL);
	return 0;
}

/*
 * The name of the entry whose first slot is @slot (@blk + @slot * 64),
 * NUL-terminated, into @name: DAXKITFS_NAME_FIRST bytes from de_name,
 * then DAXKITFS_NAME_NEXT bytes from byte 8 of each continuation slot.
 */
static void entry_name(const unsigned char *blk, unsigned int slot, char *name)
{
	const struct daxkitfs_dirent *de = (const void *)(blk + slot * DAXKITFS_SLOT_SIZE);
	unsigned int len = de->de_name_len, done, n;

	done = len < DAXKITFS_NAME_FIRST ? len : DAXKITFS_NAME_FIRST;
	memcpy(name, de->de_name, done);
	while (done < len && ++slot < DAXKITFS_SLOTS_PER_BLOCK) {
		n = len - done < DAXKITFS_NAME_NEXT ? len - done : DAXKITFS_NAME_NEXT;
		memcpy(name + done, blk + slot * DAXKITFS_SLOT_SIZE + 8, n);
		done += n;
	}
	name[done] = 0;
}

/* The entry @name in @dir: its byte offset, or 0. */
static uint64_t find(uint64_t dir, const char *name)
{
	unsigned char blk[BS];
	struct daxkitfs_dirent *de;
	uint64_t l, n = le64toh(itab[dir].i_size) / BS, b;
	char have[DAXKITFS_NAME_MAX + 1];
	unsigned int s;

	for (l = 0; l < n; l++) {
		b = bmap(dir, l);
		rd(blk, BS, b * BS);
		for (s = 0; s < DAXKITFS_SLOTS_PER_BLOCK; ) {
			de = (void *)(blk + s * DAXKITFS_SLOT_SIZE);
			if (!de->de_ino) {
				s++;
				continue;
			}
			entry_name(blk, s, have);
			if (!strcmp(have, name))
				return b * BS + s * DAXKITFS_SLOT_SIZE;
			s += de->de_nslots ? de->de_nslots : 1;
		}
	}
	return 0;
}

static uint64_t entry_ino(uint64_t off)
{
	uint64_t v;

	rd(&v, 8, off);
	return le64toh(v);
}

static uint64_t lookup(const char *path)
{
	char buf[4096], *tok, *save;
	uint64_t ino = DAXKITFS_ROOT_INO, off;

	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		off = find(ino, tok);
		if (!off)
			die("no such path", path);
		ino = entry_ino(off);
	}
	return ino;
}

/* Splits PATH into its directory's inode and the last name. */
static uint64_t parent_of(const char *path, const char **name)
{
	char buf[4096], *slash;

	snprintf(buf, sizeof(buf), "%s", path);
	slash = strrchr(buf, '/');
	*name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	if (!slash)
		return DAXKITFS_ROOT_INO;
	*slash = 0;
	return lookup(buf);
}

static void dir_add(uint64_t dir, const char *name, uint64_t ino, unsigned int dt)
{
	unsigned char blk[BS];
	struct daxkitfs_dirent *de;
	unsigned int len = (unsigned int)strlen(name), ns = daxkitfs_dirent_slots(len), s, run, k, n;
	uint64_t l, nblk = le64toh(itab[dir].i_size) / BS, b;

	if (len < 1 || len > DAXKITFS_NAME_MAX)
		die("bad name", name);
	for (l = 0; l <= nblk; l++) {
		if (l == nblk) {
			b = alloc(1);
			add_extent(dir, (uint32_t)l, 1, b);
			itab[dir].i_size = htole64((nblk + 1) * BS);
		} else {
			b = bmap(dir, l);
		}
		rd(blk, BS, b * BS);
		/*
		 * Free runs, as the module finds them: a live entry's slots
		 * (its continuations have a zero first word) are skipped whole.
		 */
		for (s = 0, run = 0; s < DAXKITFS_SLOTS_PER_BLOCK && run < ns; ) {
			de = (void *)(blk + s * DAXKITFS_SLOT_SIZE);
			if (de->de_ino) {
				s += de->de_nslots ? de->de_nslots : 1;
				run = 0;
				continue;
			}
			run++;
			s++;
		}
		if (run < ns)
			continue;
		s -= ns;
		de = (void *)(blk + s * DAXKITFS_SLOT_SIZE);
		memset(de, 0, ns * DAXKITFS_SLOT_SIZE);
		de->de_name_len = (uint8_t)len;
		de->de_type = (uint8_t)dt;
		de->de_nslots = (uint8_t)ns;
		n = len < DAXKITFS_NAME_FIRST ? len : DAXKITFS_NAME_FIRST;
		memcpy(de->de_name, name, n);
		/* Continuations: the first 8 bytes zero, then the name. */
		for (k = 1; k < ns; k++) {
			unsigned int m = len - n < DAXKITFS_NAME_NEXT ? len - n : DAXKITFS_NAME_NEXT;

			memcpy(blk + (s + k) * DAXKITFS_SLOT_SIZE + 8, name + n, m);
			n += m;
		}
		de->de_ino = htole64(ino);
		wrt(blk, BS, b * BS);
		return;
	}
}

static void add_file(const char *path, uint32_t blocks, uint32_t next)
{
	const char *name;
	uint64_t dir = parent_of(path, &name), ino = new_inode(S_IFREG | 0644, 1);
	uint32_t done = 0, i, len;

	if (!next)
		next = 1;
	for (i = 0; i < next && done < blocks; i++) {
		len = i == next - 1 ? blocks - done : blocks / next;
		if (!len)
			len = 1;
		add_extent(ino, done, len, alloc(len));
		alloc(1);	/* a gap, so that extents do not touch */
		done += len;
	}
	itab[ino].i_size = htole64((uint64_t)blocks * BS);
	dir_add(dir, name, ino, DT_REG);
}

int main(int argc, char **argv)
{
	char line[8192], a[4096], b[4096], c[64];
	const char *name;
	uint64_t ino, dir, v, off, sz, k;
	size_t n, i;
	long sv;
	struct daxkitfs_extent *e;

	if (argc != 2)
		die("usage: dkfs-populate IMAGE < COMMANDS", NULL);
	fd = open(argv[1], O_RDWR);
	if (fd < 0)
		die("cannot open", argv[1]);
	srand((unsigned int)getpid());
	rd(&sb, sizeof(sb), 0);
	nr_inodes = le64toh(sb.s_nr_inodes);
	nr_blocks = le64toh(sb.s_nr_blocks);
	data_start = le64toh(sb.s_data_start);
	itab = calloc(nr_inodes, DAXKITFS_INODE_SIZE);
	owned = calloc(nr_blocks, 1);
	if (!itab || !owned)
		die("out of memory", NULL);
	rd(itab, nr_inodes * DAXKITFS_INODE_SIZE, ioff(0));
	for (ino = 1; ino < nr_inodes; ino++) {
		if (!itab[ino].i_mode)
			continue;
		e = extents(ino, &n);
		for (i = 0; i < n; i++)
			for (k = 0; k < le32toh(e[i].e_len); k++)
				owned[le64toh(e[i].e_pblk) + k] = 1;
	}
	while (fgets(line, sizeof(line), stdin)) {
		a[0] = b[0] = c[0] = 0;
		if (sscanf(line, "mkdir %4095s", a) == 1) {
			dir = parent_of(a, &name);
			ino = new_inode(S_IFDIR | 0755, 2);
			itab[ino].i_parent = htole64(dir);
			itab[dir].i_nlink = htole32(le32toh(itab[dir].i_nlink) + 1);
			dir_add(dir, name, ino, DT_DIR);
		} else if (sscanf(line, "file %4095s %lu %lu", a, &v, &sz) == 3) {
			add_file(a, (uint32_t)v, (uint32_t)sz);
		} else if (sscanf(line, "symlink %4095s %4095s", a, b) == 2) {
			dir = parent_of(a, &name);
			ino = new_inode(S_IFLNK | 0777, 1);
			off = alloc(1);
			wrt(b, strlen(b) + 1, off * BS);
			add_extent(ino, 0, 1, off);
			itab[ino].i_size = htole64(strlen(b));
			dir_add(dir, name, ino, DT_LNK);
		} else if (sscanf(line, "link %4095s %4095s", a, b) == 2) {
			ino = lookup(a);
			itab[ino].i_nlink = htole32(le32toh(itab[ino].i_nlink) + 1);
			dir = parent_of(b, &name);
			dir_add(dir, name, ino, DT_REG);
		} else if (sscanf(line, "mknod %4095s %63s", a, c) == 2) {
			static const struct { char t; uint32_t mode; unsigned int dt; } ty[] = {
				{ 'c', S_IFCHR | 0600, DT_CHR }, { 'b', S_IFBLK | 0600, DT_BLK },
				{ 'p', S_IFIFO | 0644, DT_FIFO }, { 's', S_IFSOCK | 0755, DT_SOCK },
			};
			for (i = 0; i < 4 && ty[i].t != c[0]; i++)
				;
			if (i == 4)
				die("mknod type: c, b, p or s", c);
			dir = parent_of(a, &name);
			ino = new_inode(ty[i].mode, 1);
			if (c[0] == 'c' || c[0] == 'b')
				itab[ino].i_rdev = htole32(1 << 8 | 3);
			dir_add(dir, name, ino, ty[i].dt);
		} else if (sscanf(line, "ino %4095s", a) == 1) {
			printf("%lu\n", lookup(a));
		} else if (sscanf(line, "ioff %4095s", a) == 1) {
			printf("%lu\n", ioff(lookup(a)));
		} else if (sscanf(line, "doff %4095s %4095s", a, b) == 2) {
			off = find(lookup(a), b);
			if (!off)
				die("no such entry", b);
			printf("%lu\n", off);
		} else if (sscanf(line, "bmap %4095s %lu", a, &v) == 2) {
			printf("%lu\n", bmap(lookup(a), v));
		} else if (sscanf(line, "xblock %4095s", a) == 1) {
			printf("%lu\n", (unsigned long)le64toh(itab[lookup(a)].i_xblock));
		} else if (sscanf(line, "get %lu %lu", &off, &sz) == 2 && sz <= 8) {
			v = 0;
			if (off >= ioff(0) && off + sz <= ioff(nr_inodes))
				memcpy(&v, (char *)itab + (off - ioff(0)), sz);
			else
				rd(&v, sz, off);
			printf("%lu\n", (unsigned long)le64toh(v));
		} else if (sscanf(line, "set %lu %lu %li", &off, &sz, &sv) == 3 && sz <= 8) {
			v = (uint64_t)sv;
			/* Through the table in memory when it is an inode's byte. */
			v = htole64(v);
			if (off >= ioff(0) && off + sz <= ioff(nr_inodes))
				memcpy((char *)itab + (off - ioff(0)), &v, sz);
			else
				wrt(&v, sz, off);
		} else if (!strncmp(line, "resum", 5)) {
			rd(&sb, sizeof(sb), 0);
			sb.s_csum = 0;
			sb.s_csum = htole32(~daxkitfs_crc32c(~0U, &sb, sizeof(sb)));
			wrt(&sb, sizeof(sb), 0);
		} else if (line[0] != '\n' && line[0] != '#') {
			die("bad command", line);
		}
		fflush(stdout);
	}
	wrt(itab, nr_inodes * DAXKITFS_INODE_SIZE, ioff(0));
	return 0;
}
