// SPDX-License-Identifier: GPL-2.0
/*
 * daxkit: list, create and reconfigure the devices of the daxkit DAX
 * stack, manage its modules, and say why something does not work.
 */
#include <stdlib.h>
#include <string.h>
#include "daxkit.h"

struct dk_command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
};

static const struct dk_command commands[] = {
	{ "list", cmd_list, "[-r REGION] [-d DEVICE|all] [-R] [-D] [-M] [-P] [-i] [-U NODE] [-u] [-v]" },
	{ "create-device", cmd_create_device, "-r REGION [-s SIZE] [-a ALIGN]" },
	{ "destroy-device", cmd_destroy_device, "DEVICE|all [-r REGION] [-f]" },
	{ "resize", cmd_resize, "DEVICE -s SIZE [-f]" },
	{ "set-align", cmd_set_align, "DEVICE -a ALIGN [-f]" },
	{ "enable-device", cmd_enable_device, "DEVICE|all [-r REGION]" },
	{ "disable-device", cmd_disable_device, "DEVICE|all [-r REGION]" },
	{ "reconfigure-device", cmd_reconfigure_device, "DEVICE|all -m system-ram|devdax [-r REGION] [--no-online] [--no-movable] [-f]" },
	{ "online-memory", cmd_online_memory, "DEVICE|all [-r REGION] [--no-movable]" },
	{ "offline-memory", cmd_offline_memory, "DEVICE|all [-r REGION]" },
	{ "modules", cmd_modules, "[status [--json] | load [--ranges=LIST] [--fsdax=IDS] [--stack=PATH] | unload | reload [...]]" },
	{ "stack", cmd_stack, "/dev/pmemN" },
	{ "unstack", cmd_unstack, "/dev/pmemN|daxkitR" },
	{ "stacks", cmd_stacks, "" },
	{ "poison", cmd_poison, "list [DEVICE] | clear DEVICE (--offset OFF --length LEN | --all)" },
	{ "save", cmd_save, "[FILE]" },
	{ "restore", cmd_restore, "[FILE] [--boot]" },
	{ "check", cmd_check, "[--json]" },
};

#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: daxkit COMMAND [OPTIONS]\n\ncommands:\n");
	for (i = 0; i < NR_COMMANDS; i++)
		fprintf(f, "  %-18s %s\n", commands[i].name, commands[i].usage);
	fprintf(f, "\n'daxkit COMMAND --help' for one command; man 8 daxkit for all.\n");
}

/* The usage line of the command running, on @f. */
void dk_usage(FILE *f)
{
	size_t i;

	for (i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(commands[i].name, dk_cmd))
			fprintf(f, "usage: daxkit %s %s\n", dk_cmd, commands[i].usage);
}

/* A bad command line: the reason, the usage line, exit code 2. */
int dk_bad_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "daxkit: %s: ", dk_cmd);
	fprintf(stderr, fmt, arg ? arg : "");
	fputc('\n', stderr);
	dk_usage(stderr);
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	static char prog[64];
	size_t i;
	int rc;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("daxkit %s\n", DAXKIT_VERSION);
		return EXIT_OK;
	}
	for (i = 0; i < NR_COMMANDS; i++) {
		if (strcmp(argv[1], commands[i].name))
			continue;
		dk_cmd = commands[i].name;
		if (argc > 2 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h"))) {
			dk_usage(stdout);
			return EXIT_OK;
		}
		dk_klog_mark();
		/* getopt's own messages start with argv[0]: "daxkit: CMD: ...". */
		snprintf(prog, sizeof(prog), "daxkit: %s", dk_cmd);
		argv[1] = prog;
		rc = commands[i].fn(argc - 1, argv + 1);
		if (rc)
			dk_klog_print();
		fflush(stdout);
		return rc;
	}
	fprintf(stderr, "daxkit: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
