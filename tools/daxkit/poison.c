// SPDX-License-Identifier: GPL-2.0
/*
 * daxkit poison list|clear: a device's poisoned pages, as byte offsets
 * from the start of the device (its root-only `poison` attribute), and
 * clearing them through `clear_poison`, then reading `poison` again.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "daxkit.h"

static int poison_err(const struct dk_dev *d, const char *what, int rc)
{
	char path[PATH_MAX + 16];

	snprintf(path, sizeof(path), "%s/poison", d->path);
	dk_err(d->name, what, rc, path);
	if (rc == -EACCES || rc == -EPERM)
		dk_hint("the poison list is readable by root only (it looks at every page)");
	return dk_exit_of(rc);
}

static int poison_list(struct dk_bus *bus, const char *arg)
{
	json_object *out = json_object_new_array();
	struct dk_dev **devs = NULL;
	int i, n, rc = 0, worst = 0;

	n = dk_targets(bus, arg ? arg : "all", -1, NULL, &devs);
	if (n < 0) {
		json_object_put(out);
		return -n;
	}
	for (i = 0; i < n; i++) {
		json_object *runs = json_object_new_array();
		long count;
		size_t k;

		rc = dk_read_poison(devs[i], runs, &count);
		if (rc) {
			worst = poison_err(devs[i], "cannot read the poison list", rc);
			json_object_put(runs);
			continue;
		}
		for (k = 0; k < json_object_array_length(runs); k++) {
			json_object *o = json_object_array_get_idx(runs, k);
			json_object *e = json_object_new_object(), *v;

			json_object_object_add(e, "chardev", json_object_new_string(devs[i]->name));
			json_object_object_get_ex(o, "offset", &v);
			json_object_object_add(e, "offset", json_object_get(v));
			json_object_object_get_ex(o, "length", &v);
			json_object_object_add(e, "length", json_object_get(v));
			json_object_array_add(out, e);
		}
		if ((size_t)count > json_object_array_length(runs))
			dk_note("%s: %ld more runs than the kernel lists", devs[i]->name,
				count - (long)json_object_array_length(runs));
		json_object_put(runs);
	}
	dk_json_print(out);
	json_object_put(out);
	free(devs);
	return worst;
}

static int clear_range(const struct dk_dev *d, unsigned long long off, unsigned long long len)
{
	char path[PATH_MAX + 16], val[64], what[96];
	int rc;

	snprintf(path, sizeof(path), "%s/clear_poison", d->path);
	snprintf(val, sizeof(val), "%llu %llu", off, len);
	rc = dk_write(path, val);
	if (rc) {
		snprintf(what, sizeof(what), "cannot clear poison at %llu+%llu", off, len);
		dk_err(d->name, what, rc, path);
	}
	return rc;
}

/* The runs left in [off, off + len) after clearing, as JSON; how many. */
static long remaining(const struct dk_dev *d, unsigned long long off, unsigned long long len,
		      json_object *left)
{
	json_object *runs = json_object_new_array();
	long count, n = 0;
	size_t k;

	if (dk_read_poison(d, runs, &count)) {
		json_object_put(runs);
		return -1;
	}
	for (k = 0; k < json_object_array_length(runs); k++) {
		json_object *o = json_object_array_get_idx(runs, k), *v;
		unsigned long long ro, rl;

		json_object_object_get_ex(o, "offset", &v);
		ro = (unsigned long long)json_object_get_int64(v);
		json_object_object_get_ex(o, "length", &v);
		rl = (unsigned long long)json_object_get_int64(v);
		if (ro + rl <= off || ro >= off + len)
			continue;
		json_object_array_add(left, json_object_get(o));
		n++;
	}
	json_object_put(runs);
	return n;
}

static int poison_clear(struct dk_bus *bus, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "offset", required_argument, NULL, 'o' },
		{ "length", required_argument, NULL, 'l' },
		{ "all", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long off = 0, len = 0;
	bool all = false, have_off = false, have_len = false;
	json_object *out, *left;
	char name[DK_NAME_MAX];
	long page = sysconf(_SC_PAGESIZE), n;
	struct dk_dev *d;
	int c, rc = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:l:a", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (dk_parse_size(optarg, &off))
				return dk_bad_usage("not an offset: '%s'", optarg);
			have_off = true;
			break;
		case 'l':
			if (dk_parse_size(optarg, &len) || !len)
				return dk_bad_usage("not a length: '%s'", optarg);
			have_len = true;
			break;
		case 'a':
			all = true;
			break;
		default:
			dk_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc || dk_parse_dev_name(argv[optind], name, sizeof(name)))
		return dk_bad_usage("which device? '%s'", optind < argc ? argv[optind] : "");
	if (all == (have_off || have_len) || (!all && !(have_off && have_len)))
		return dk_bad_usage("give --offset and --length, or --all%s", NULL);
	d = dk_find_dev(bus, name, NULL);
	if (!d) {
		fprintf(stderr, "daxkit: poison: %s: no such device\n", name);
		return EXIT_NOTFOUND;
	}
	if (all) {
		off = 0;
		len = d->size;
	}
	if (off % (unsigned long long)page || len % (unsigned long long)page ||
	    off >= d->size || len > d->size - off) {
		fprintf(stderr, "daxkit: poison: %s: %llu+%llu is not whole pages inside the device (size %llu): %s\n",
			name, off, len, d->size, strerror(EINVAL));
		return EXIT_USAGE;
	}
	rc = len ? clear_range(d, off, len) : 0;
	left = json_object_new_array();
	n = remaining(d, off, len, left);
	out = json_object_new_object();
	json_object_object_add(out, "chardev", json_object_new_string(name));
	json_object_object_add(out, "offset", json_object_new_int64((int64_t)off));
	json_object_object_add(out, "length", json_object_new_int64((int64_t)len));
	json_object_object_add(out, "remaining", left);
	{
		json_object *arr = json_object_new_array();

		json_object_array_add(arr, out);
		dk_json_print(arr);
		json_object_put(arr);
	}
	if (rc)
		return dk_exit_of(rc);
	if (n < 0)
		return poison_err(d, "cannot read the poison list again", -EACCES);
	if (n > 0) {
		dk_note("%s: %ld run%s of poison remain in %llu+%llu", name, n, n == 1 ? "" : "s", off, len);
		return EXIT_FAILED;
	}
	dk_note("%s: no poison left in %llu+%llu", name, off, len);
	return EXIT_OK;
}

int cmd_poison(int argc, char **argv)
{
	struct dk_bus bus;
	int rc;

	if (argc < 2)
		return dk_bad_usage("list or clear?%s", NULL);
	rc = dk_scan(&bus);
	if (rc)
		return rc;
	if (!strcmp(argv[1], "list")) {
		if (argc > 3)
			rc = dk_bad_usage("unexpected argument '%s'", argv[3]);
		else
			rc = poison_list(&bus, argc == 3 ? argv[2] : NULL);
	} else if (!strcmp(argv[1], "clear")) {
		argv[1] = argv[0];	/* getopt's messages name the command */
		rc = poison_clear(&bus, argc - 1, argv + 1);
	} else {
		rc = dk_bad_usage("unknown subcommand '%s' (list, clear)", argv[1]);
	}
	dk_bus_free(&bus);
	return rc;
}
