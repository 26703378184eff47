// SPDX-License-Identifier: GPL-2.0
/*
 * Paths under DAXKIT_ROOT, sysfs reads and writes, sizes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "daxkit.h"

const char *dk_cmd = "daxkit";

/* The prefix of every system path: DAXKIT_ROOT (tests), else none. */
const char *dk_root(void)
{
	const char *root = getenv("DAXKIT_ROOT");

	return root ? root : "";
}

/* ROOT + the formatted path; -ENAMETOOLONG when it does not fit. */
int dk_path(char *buf, size_t len, const char *fmt, ...)
{
	size_t n = strlen(dk_root());
	va_list ap;
	int rc;

	if (n >= len)
		return -ENAMETOOLONG;
	memcpy(buf, dk_root(), n + 1);
	va_start(ap, fmt);
	rc = vsnprintf(buf + n, len - n, fmt, ap);
	va_end(ap);
	return rc < 0 || (size_t)rc >= len - n ? -ENAMETOOLONG : 0;
}

/* A sysfs file's first line, without its newline; 0 or -errno. */
int dk_read(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

int dk_read_u64(const char *path, unsigned long long *val)
{
	char buf[64], *end;
	int rc = dk_read(path, buf, sizeof(buf));

	if (rc)
		return rc;
	errno = 0;
	*val = strtoull(buf, &end, 0);
	return errno || end == buf ? -EINVAL : 0;
}

int dk_read_int(const char *path, int *val)
{
	char buf[64], *end;
	long v;
	int rc = dk_read(path, buf, sizeof(buf));

	if (rc)
		return rc;
	errno = 0;
	v = strtol(buf, &end, 0);
	if (errno || end == buf || v < INT_MIN || v > INT_MAX)
		return -EINVAL;
	*val = (int)v;
	return 0;
}

/* Write @val to a sysfs file in one write(2); 0 or -errno. */
int dk_write(const char *path, const char *val)
{
	size_t len = strlen(val);
	ssize_t n;
	int fd, rc = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	if (n < 0)
		rc = -errno;
	else if ((size_t)n != len)
		rc = -EIO;
	if (close(fd) && !rc)
		rc = -errno;
	return rc;
}

bool dk_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

bool dk_is_root(void)
{
	return geteuid() == 0;
}

/*
 * A size: decimal or 0x-hexadecimal bytes, or with a suffix k, m, g or t
 * (powers of 1024, either case).  -EINVAL for anything else, -ERANGE when
 * it does not fit in 64 bits.
 */
int dk_parse_size(const char *s, unsigned long long *val)
{
	unsigned long long v, mul = 1;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno == ERANGE)
		return -ERANGE;
	if (errno || end == s)
		return -EINVAL;
	switch (*end) {
	case 't': case 'T':
		mul <<= 10;
		/* fall through */
	case 'g': case 'G':
		mul <<= 10;
		/* fall through */
	case 'm': case 'M':
		mul <<= 10;
		/* fall through */
	case 'k': case 'K':
		mul <<= 10;
		end++;
		break;
	default:
		break;
	}
	if (*end == 'i' || *end == 'b' || *end == 'B')	/* "2GiB", "2GB", "2g b" */
		end += (*end == 'i' && (end[1] == 'B' || end[1] == 'b')) ? 2 : 1;
	if (*end)
		return -EINVAL;
	if (v && mul > ~0ULL / v)
		return -ERANGE;
	*val = v * mul;
	return 0;
}

/* "30.57 GiB (32.83 GB)", as daxctl writes sizes for people. */
void dk_human_size(char *buf, size_t len, unsigned long long size)
{
	static const char *const bin[] = { "KiB", "MiB", "GiB", "TiB", "PiB" };
	static const char *const dec[] = { "kB", "MB", "GB", "TB", "PB" };
	double b = (double)size, d = (double)size;
	int i = -1, j = -1;

	if (size < 1024) {
		snprintf(buf, len, "%llu", size);
		return;
	}
	while (b >= 1024 && i < 4) {
		b /= 1024;
		i++;
	}
	while (d >= 1000 && j < 4) {
		d /= 1000;
		j++;
	}
	snprintf(buf, len, "%.2f %s (%.2f %s)", b, bin[i], d, dec[j]);
}

json_object *dk_json_size(unsigned long long size, bool human)
{
	char buf[64];

	if (!human || size < 1024)
		return json_object_new_int64((int64_t)size);
	dk_human_size(buf, sizeof(buf), size);
	return json_object_new_string(buf);
}

json_object *dk_json_addr(unsigned long long addr, bool human)
{
	char buf[32];

	if (!human)
		return json_object_new_int64((int64_t)addr);
	snprintf(buf, sizeof(buf), "%#llx", addr);
	return json_object_new_string(buf);
}

/* The whole output of a command: always a JSON document and a newline. */
void dk_json_print(json_object *obj)
{
	printf("%s\n", json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY |
						     JSON_C_TO_STRING_SPACED |
						     JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* The exit code that says what kind of failure -errno was. */
int dk_exit_of(int err)
{
	switch (-err) {
	case 0:
		return EXIT_OK;
	case ENOENT:
	case ENXIO:
	case ENODEV:
		return EXIT_NOTFOUND;
	case EACCES:
	case EPERM:
		return EXIT_PERM;
	default:
		return EXIT_FAILED;
	}
}
