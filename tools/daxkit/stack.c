// SPDX-License-Identifier: GPL-2.0
/*
 * daxkit stack, unstack, stacks: a region on an fsdax or raw pmem
 * namespace's block device (/sys/bus/daxkit/stack and unstack, dax_pmem's).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "daxkit.h"

/* The stacks as /sys/bus/daxkit/stack lists them: "path=daxkitR,...". */
static int stacks_read(json_object *arr)
{
	char path[PATH_MAX], list[4096], *tok, *save = NULL;
	int rc;

	rc = dk_path(path, sizeof(path), "/sys/bus/daxkit/stack");
	if (!rc)
		rc = dk_read(path, list, sizeof(list));
	if (rc)
		return rc;
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strrchr(tok, '=');
		json_object *o;
		int id;

		if (!eq || sscanf(eq + 1, "daxkit%d", &id) != 1)
			continue;
		*eq = '\0';
		o = json_object_new_object();
		json_object_object_add(o, "blockdev", json_object_new_string(tok));
		json_object_object_add(o, "region", json_object_new_int(id));
		json_object_array_add(arr, o);
	}
	return 0;
}

static int stack_file_err(const char *obj, const char *what, int rc, const char *path)
{
	dk_err(obj, what, rc, path);
	if (rc == -ENOENT && !dk_exists(path)) {
		dk_hint("dax_pmem is not loaded: 'daxkit modules load'");
		return EXIT_NOMODULES;
	}
	if (rc == -ENOTBLK || rc == -ENOENT)
		dk_hint("give the block device of an fsdax or raw pmem namespace, e.g. /dev/pmem0 ('ndctl list -N')");
	else if (rc == -EOPNOTSUPP)
		dk_hint("this kernel cannot share an fsdax namespace's DAX device (6.0 to 6.16 can); a raw namespace stacks everywhere");
	else if (rc == -EBUSY)
		dk_hint("the block device is in use (mounted?) or stacked already ('daxkit stacks')");
	return dk_exit_of(rc);
}

int cmd_stacks(int argc, char **argv)
{
	json_object *arr = json_object_new_array();
	char path[PATH_MAX];
	int rc;

	(void)argv;
	if (argc > 1)
		return dk_bad_usage("unexpected argument '%s'", argv[1]);
	rc = stacks_read(arr);
	dk_json_print(arr);
	json_object_put(arr);
	if (rc) {
		dk_path(path, sizeof(path), "/sys/bus/daxkit/stack");
		return stack_file_err("stacks", "cannot read the stacks", rc, path);
	}
	return EXIT_OK;
}

int cmd_stack(int argc, char **argv)
{
	json_object *arr;
	char path[PATH_MAX];
	size_t i;
	int rc;

	if (argc != 2 || argv[1][0] != '/')
		return dk_bad_usage("which block device? (an absolute path such as /dev/pmem0)%s", NULL);
	rc = dk_path(path, sizeof(path), "/sys/bus/daxkit/stack");
	if (!rc)
		rc = dk_write(path, argv[1]);
	if (rc)
		return stack_file_err(argv[1], "cannot stack a region on it", rc, path);
	arr = json_object_new_array();
	json_object *out = json_object_new_array();

	stacks_read(arr);
	for (i = 0; i < json_object_array_length(arr); i++) {
		json_object *o = json_object_array_get_idx(arr, i), *b;

		if (json_object_object_get_ex(o, "blockdev", &b) &&
		    !strcmp(json_object_get_string(b), argv[1]))
			json_object_array_add(out, json_object_get(o));
	}
	dk_json_print(out);
	json_object_put(out);
	json_object_put(arr);
	return EXIT_OK;
}

int cmd_unstack(int argc, char **argv)
{
	json_object *arr = json_object_new_array();
	const char *target;
	char path[PATH_MAX];
	int rc, id;
	size_t i;

	if (argc != 2)
		return dk_bad_usage("which stack? (/dev/pmemN or daxkitR)%s", NULL);
	target = argv[1];
	if (target[0] != '/') {
		if (dk_parse_region(target, &id))
			return dk_bad_usage("not a block device or region: '%s'", target);
		stacks_read(arr);
		target = NULL;
		for (i = 0; i < json_object_array_length(arr); i++) {
			json_object *o = json_object_array_get_idx(arr, i), *r, *b;

			if (json_object_object_get_ex(o, "region", &r) && json_object_get_int(r) == id &&
			    json_object_object_get_ex(o, "blockdev", &b))
				target = json_object_get_string(b);
		}
		if (!target) {
			fprintf(stderr, "daxkit: unstack: region %d: not a stacked region\n", id);
			json_object_put(arr);
			return EXIT_NOTFOUND;
		}
	}
	rc = dk_path(path, sizeof(path), "/sys/bus/daxkit/unstack");
	if (!rc)
		rc = dk_write(path, target);
	if (rc)
		rc = stack_file_err(target, "cannot unstack", rc, path);
	else
		dk_note("unstacked %s", target);
	json_object_put(arr);
	return rc;
}
