// SPDX-License-Identifier: GPL-2.0
/*
 * Errors, hints, and the kernel log lines our modules wrote while a
 * command ran (the reason a sysfs write failed is often only there).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "daxkit.h"

/*
 * /dev/kmsg opened when the command starts, positioned after the last
 * record: what it reads later is what was logged meanwhile.  (A seek
 * offset of /dev/kmsg is no record number: it must stay open.)
 */
static int klog_fd = -1;
static bool klog_printed;

static int klog_open(void)
{
	char path[PATH_MAX];

	if (dk_path(path, sizeof(path), "/dev/kmsg"))
		return -1;
	return open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
}

/* Remember the end of the kernel log: later lines are the command's. */
void dk_klog_mark(void)
{
	if (klog_fd >= 0)
		close(klog_fd);
	klog_fd = klog_open();
	if (klog_fd >= 0)
		lseek(klog_fd, 0, SEEK_END);
}

/*
 * Whether a log message is one of ours: our modules, bus and devices
 * ("daxkit" matches daxkitfs's lines too).
 */
static bool klog_ours(const char *msg)
{
	static const char *const ours[] = {
		"dax_core", "dax_dev", "dax_pmem", "dax_fs_helper", "daxkit",
	};
	size_t i;

	for (i = 0; i < sizeof(ours) / sizeof(ours[0]); i++)
		if (strstr(msg, ours[i]))
			return true;
	return false;
}

/* One /dev/kmsg record "PRI,SEQ,TS,FLAGS;MESSAGE": its message, if ours. */
static bool klog_record(char *rec, char *out, size_t len)
{
	char *msg = strchr(rec, ';');

	if (rec[0] == ' ' || !msg)	/* a continuation (dictionary) line */
		return false;
	msg++;
	msg[strcspn(msg, "\n")] = '\0';
	if (!klog_ours(msg))
		return false;
	snprintf(out, len, "%s", msg);
	return true;
}

/*
 * Up to @max of our modules' log lines, the last ones: since the mark
 * (those the command caused) or the whole log that the kernel keeps.
 * Returns how many, or -errno when the log cannot be read.
 */
int dk_klog_lines(char lines[][256], int max, bool since_mark)
{
	char rec[8192];
	int fd, n = 0;
	ssize_t got;

	if (since_mark && klog_fd < 0)
		return 0;
	fd = since_mark ? klog_fd : klog_open();
	if (fd < 0)
		return -errno;
	for (;;) {
		char *line, *save = NULL;

		got = read(fd, rec, sizeof(rec) - 1);
		if (got < 0 && errno == EPIPE)	/* overwritten records */
			continue;
		if (got <= 0)
			break;
		rec[got] = '\0';
		/* /dev/kmsg gives one record per read, a plain file several. */
		for (line = strtok_r(rec, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			char msg[256];

			if (!klog_record(line, msg, sizeof(msg)))
				continue;
			if (n == max) {
				memmove(lines[0], lines[1], (size_t)(max - 1) * sizeof(lines[0]));
				n--;
			}
			memcpy(lines[n++], msg, sizeof(msg));
		}
	}
	if (!since_mark)
		close(fd);
	return n;
}

/* Print what our modules logged since the mark (main(), after a failure). */
void dk_klog_print(void)
{
	char lines[16][256];
	int i, n;

	if (klog_printed)
		return;
	n = dk_klog_lines(lines, 16, true);
	for (i = 0; i < n; i++)
		fprintf(stderr, "kernel: %s\n", lines[i]);
	klog_printed = n > 0;
}

/* "daxkit: CMD: OBJECT: what failed: strerror (path)", then the log. */
void dk_err(const char *object, const char *what, int err, const char *path)
{
	fprintf(stderr, "daxkit: %s: %s: %s", dk_cmd, object, what);
	if (err)
		fprintf(stderr, ": %s", strerror(err < 0 ? -err : err));
	if (path && *path)
		fprintf(stderr, " (%s)", path);
	fputc('\n', stderr);
}

void dk_hint(const char *fmt, ...)
{
	va_list ap;

	fputs("hint: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* A line of information on stderr: stdout is JSON only. */
void dk_note(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "daxkit: %s: ", dk_cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
