// SPDX-License-Identifier: GPL-2.0
/*
 * daxkit check: why no device appears, or what else is off.  Each
 * finding has a level (error, warning, info), a code, a message and a
 * hint; any error makes the exit code 1.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libkmod.h>
#include "daxkit.h"

static json_object *findings;
static int nr_errors;

static void finding(const char *level, const char *code, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void finding(const char *level, const char *code, const char *hint, const char *fmt, ...)
{
	json_object *o = json_object_new_object();
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_object_object_add(o, "level", json_object_new_string(level));
	json_object_object_add(o, "code", json_object_new_string(code));
	json_object_object_add(o, "message", json_object_new_string(msg));
	if (hint)
		json_object_object_add(o, "hint", json_object_new_string(hint));
	json_object_array_add(findings, o);
	if (!strcmp(level, "error"))
		nr_errors++;
}

/*
 * The kernel: 5.10 or newer, and its headers (DKMS builds with them: an
 * error while the modules are not built, a warning once they are).
 */
static void check_kernel(bool installed)
{
	const char *kver = dk_kernel_release();
	char path[PATH_MAX], hint[256];
	unsigned int major = 0, minor = 0;

	if (sscanf(kver, "%u.%u", &major, &minor) == 2 && (major < 5 || (major == 5 && minor < 10)))
		finding("error", "kernel-too-old", "daxkit needs Linux 5.10 or newer",
			"kernel %s is older than 5.10: DKMS does not build daxkit for it", kver);
	if (!dk_path(path, sizeof(path), "/lib/modules/%s/build", kver) && !dk_exists(path)) {
		snprintf(hint, sizeof(hint),
			 "apt install linux-headers-%s (Debian, Ubuntu) or dnf install kernel-devel-%s", kver, kver);
		finding(installed ? "warning" : "error", "headers-missing", hint,
			"no kernel headers for %s (%s): DKMS cannot build the modules%s", kver, path,
			installed ? " again (for a new version of daxkit)" : "");
	}
}

/* What DKMS holds: /var/lib/dkms/daxkit/VERSION/KVER/ARCH/module. */
static void check_dkms(bool *built)
{
	char dir[PATH_MAX], sub[PATH_MAX * 2];
	const char *kver = dk_kernel_release();
	struct dirent *de;
	int versions = 0;
	DIR *d;

	*built = false;
	if (dk_path(dir, sizeof(dir), "/var/lib/dkms/daxkit"))
		return;
	d = opendir(dir);
	if (!d) {
		finding("info", "dkms-none", "install the daxkit-dkms package",
			"DKMS has no daxkit (%s)", dir);
		return;
	}
	while ((de = readdir(d))) {
		/* Versions only: not "source", nor dkms's kernel-KVER-ARCH links. */
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "source") ||
		    !strncmp(de->d_name, "kernel-", 7) || de->d_type == DT_LNK)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s/%s", dir, de->d_name, kver);
		versions++;
		if (dk_exists(sub))
			*built = true;
		else
			finding("warning", "dkms-not-built", "dkms autoinstall (or dkms install daxkit/VERSION -k KVER)",
				"DKMS has daxkit %s but has not built it for kernel %s", de->d_name, kver);
	}
	closedir(d);
	if (!versions)
		finding("warning", "dkms-none", "install the daxkit-dkms package", "DKMS has no version of daxkit");
}

/* The modules: installed for this kernel, ours shadowing the in-tree dax_pmem. */
static void check_modules(bool *installed)
{
	static const char *const names[] = { "dax_core", "dax_dev", "dax_pmem" };
	struct kmod_ctx *ctx = dk_kmod_new();
	char path[PATH_MAX], ver[64];
	size_t i;

	*installed = ctx != NULL;
	for (i = 0; ctx && i < sizeof(names) / sizeof(names[0]); i++) {
		struct kmod_list *list = NULL;
		struct kmod_module *mod;
		const char *p = NULL;

		if (!kmod_module_new_from_lookup(ctx, names[i], &list) && list) {
			mod = kmod_module_get_module(list);
			p = kmod_module_get_path(mod);
			if (p && !strcmp(names[i], "dax_pmem") && !strstr(p, "/updates/") &&
			    !strstr(p, "/extra/"))
				finding("error", "in-tree-dax-pmem-shadows",
					"DKMS installs daxkit's dax_pmem in updates/ (Debian) or extra/ (RPM): 'dkms status daxkit', 'depmod -a'",
					"modprobe dax_pmem loads the in-tree module %s, not daxkit's", p);
			kmod_module_unref(mod);
			kmod_module_unref_list(list);
		}
		if (!p && strcmp(names[i], "dax_pmem"))
			*installed = false;
		if (!p && strcmp(names[i], "dax_pmem"))
			finding("error", "modules-not-built",
				"'dkms status daxkit'; install the kernel headers and run 'dkms autoinstall'",
				"%s is not installed for kernel %s", names[i], dk_kernel_release());
	}
	if (ctx)
		kmod_unref(ctx);
	/* Loaded: the in-tree dax_pmem has no version; ours has one. */
	if (!dk_path(path, sizeof(path), "/sys/module/dax_pmem") && dk_exists(path)) {
		snprintf(path + strlen(path), sizeof(path) - strlen(path), "/version");
		if (dk_read(path, ver, sizeof(ver)))
			finding("error", "in-tree-dax-pmem-loaded",
				"'modprobe -r dax_pmem' then 'daxkit modules load' (the in-tree driver lets go of its namespaces)",
				"the in-tree dax_pmem is loaded: daxkit's cannot load beside it");
	} else if (!dk_path(path, sizeof(path), "/sys/bus/daxkit") && !dk_exists(path)) {
		finding("warning", "modules-not-loaded", "'daxkit modules load'",
			"daxkit's modules are not loaded");
	}
}

/* One line of /proc/iomem: its depth, range and name. */
static bool iomem_line(char *line, int *depth, unsigned long long *start,
		       unsigned long long *end, char **name)
{
	char *p = line, *colon;

	*depth = 0;
	while (*p == ' ') {
		p++;
		(*depth)++;
	}
	colon = strstr(p, " : ");
	if (!colon || sscanf(p, "%llx-%llx", start, end) != 2)
		return false;
	*name = colon + 3;
	(*name)[strcspn(*name, "\n")] = '\0';
	return true;
}

struct pmem_range {
	unsigned long long start, end;
	char holder[64];	/* the first claim inside it */
	bool legacy;
	bool ours;		/* a claim of daxkit's somewhere inside it */
};

/* Persistent memory in /proc/iomem, and who holds each range. */
static int check_iomem(struct pmem_range *ranges, int max, bool *zeroed)
{
	char path[PATH_MAX], line[512], *name;
	unsigned long long start, end;
	int depth, pdepth = -1, n = 0;
	FILE *f;

	*zeroed = false;
	if (dk_path(path, sizeof(path), "/proc/iomem") || !(f = fopen(path, "re")))
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (!iomem_line(line, &depth, &start, &end, &name))
			continue;
		if (depth <= pdepth)
			pdepth = -1;
		if (strstr(name, "Persistent Memory") && n < max) {
			ranges[n].start = start;
			ranges[n].end = end;
			ranges[n].holder[0] = '\0';
			ranges[n].legacy = strstr(name, "legacy") != NULL;
			ranges[n].ours = false;
			if (!start && !end)
				*zeroed = true;
			pdepth = depth;
			n++;
		} else if (pdepth >= 0 && depth > pdepth) {
			if (depth == pdepth + 2 && !ranges[n - 1].holder[0])
				snprintf(ranges[n - 1].holder, sizeof(ranges[n - 1].holder), "%s", name);
			if (strstr(name, "daxkit"))
				ranges[n - 1].ours = true;
		}
	}
	fclose(f);
	if (!n)
		finding("warning", "no-pmem",
			"memmap=SIZE!START on the kernel command line, an NVDIMM (ndctl list), or 'daxkit modules load --ranges=SIZE@START' for reserved memory",
			"no persistent memory in /proc/iomem");
	return n;
}

static void check_holders(const struct pmem_range *r, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (!r[i].holder[0] || r[i].ours)
			continue;
		if (!strncmp(r[i].holder, "namespace", 9) || !strncmp(r[i].holder, "pmem", 4) ||
		    !strncmp(r[i].holder, "region", 6) || !strncmp(r[i].holder, "dax", 3))
			finding("info", "range-held-by-in-tree",
				"give it to daxkit: 'ndctl create-namespace -f -e NAMESPACE -m devdax' (daxkit serves devdax namespaces), or 'daxkit stack /dev/pmemN'",
				"the persistent memory at %#llx-%#llx is held by the in-tree stack (%s)",
				r[i].start, r[i].end, r[i].holder);
	}
}

/* memmap=nn!ss and memmap=nn$ss on the command line, against /proc/iomem. */
static void check_memmap(const struct pmem_range *r, int n, bool zeroed)
{
	char path[PATH_MAX], cmdline[4096], *tok, *save = NULL;
	int i;

	if (dk_path(path, sizeof(path), "/proc/cmdline") || dk_read(path, cmdline, sizeof(cmdline)))
		return;
	for (tok = strtok_r(cmdline, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		unsigned long long size, start;
		char *sep, *val;
		bool found = false;

		if (strncmp(tok, "memmap=", 7))
			continue;
		val = tok + 7;
		sep = strpbrk(val, "!$");
		if (!sep)
			continue;
		{
			char sz[64];

			snprintf(sz, sizeof(sz), "%.*s", (int)(sep - val), val);
			if (dk_parse_size(sz, &size) || dk_parse_size(sep + 1, &start))
				continue;
		}
		if (*sep == '$')
			continue;	/* reserved, not pmem: 'ranges=' serves it */
		if (zeroed) {
			finding("info", "memmap-unchecked", "run as root",
				"%s: /proc/iomem hides addresses from this user", tok);
			continue;
		}
		for (i = 0; i < n; i++)
			if (r[i].legacy && r[i].start == start && r[i].end == start + size - 1)
				found = true;
		if (!found)
			finding("error", "memmap-not-applied",
				"the range must be RAM in the firmware's map (dmesg | grep -i e820); on EFI systems try a lower address; in GRUB write \\$ for $",
				"%s is on the command line but /proc/iomem has no such persistent memory range",
				tok);
	}
}

/* nd devices (namespaces, nd_dax, nd_pfn, nd_btt) and the driver of each. */
static void check_nd(void)
{
	char dir[PATH_MAX], path[PATH_MAX * 2], drv[PATH_MAX], grp[PATH_MAX * 2];
	struct dirent *de;
	DIR *d;

	if (dk_path(dir, sizeof(dir), "/sys/bus/nd/devices") || !(d = opendir(dir)))
		return;
	while ((de = readdir(d))) {
		ssize_t len;
		const char *driver;

		if (strncmp(de->d_name, "namespace", 9) && strncmp(de->d_name, "dax", 3) &&
		    strncmp(de->d_name, "pfn", 3) && strncmp(de->d_name, "btt", 3))
			continue;
		snprintf(path, sizeof(path), "%s/%s/driver", dir, de->d_name);
		len = readlink(path, drv, sizeof(drv) - 1);
		if (len <= 0)
			continue;	/* unbound (seeds are) */
		drv[len] = '\0';
		driver = strrchr(drv, '/') ? strrchr(drv, '/') + 1 : drv;
		snprintf(grp, sizeof(grp), "%s/%s/daxkit_region", dir, de->d_name);
		if (!strncmp(de->d_name, "dax", 3) && !dk_exists(grp))
			finding("warning", "nd-dax-in-tree",
				"'modprobe -r dax_pmem device_dax' then 'daxkit modules load' gives it to daxkit",
				"%s (a devdax namespace) is held by the in-tree %s, not daxkit", de->d_name, driver);
		else
			finding("info", "nd-device", NULL, "%s: driver %s%s", de->d_name, driver,
				dk_exists(grp) ? " (daxkit)" : "");
	}
	closedir(d);
}

/* Each device's /dev node: there, and usable by the caller. */
static void check_nodes(const struct dk_bus *bus)
{
	char node[PATH_MAX];
	struct stat st;
	int i, j, enabled = 0;

	for (i = 0; i < bus->nregions; i++) {
		for (j = 0; j < bus->regions[i].ndevs; j++) {
			const struct dk_dev *d = &bus->regions[i].devs[j];

			if (!d->enabled || !d->size)
				continue;
			enabled++;
			if (d->mode == DK_MODE_SYSTEM_RAM)
				continue;	/* kmem makes no node */
			if (dk_path(node, sizeof(node), "/dev/%s", d->name))
				continue;
			if (stat(node, &st)) {
				finding("warning", "devnode-missing",
					"devtmpfs or udev makes it: is /dev a devtmpfs?",
					"%s is enabled but %s is missing", d->name, node);
				continue;
			}
			if (access(node, R_OK | W_OK))
				finding("warning", "devnode-permission",
					"run as root, or give a group access with a udev rule: SUBSYSTEM==\"daxkit\", GROUP=\"...\", MODE=\"0660\"",
					"%s is mode %04o owner %u:%u; you (uid %u) cannot open it read-write",
					node, st.st_mode & 07777, st.st_uid, st.st_gid, geteuid());
		}
	}
	if (bus->loaded && !bus->nregions)
		finding("warning", "no-regions",
			"dax_pmem serves legacy pmem ranges, ranges= and devdax namespaces: see the findings above",
			"the daxkit bus has no region");
	else if (bus->loaded && !enabled)
		finding("warning", "no-enabled-device", "'daxkit list -i' and 'daxkit enable-device'",
			"no daxkit device is enabled");
}

static void check_log(void)
{
	char lines[8][256];
	int i, n = dk_klog_lines(lines, 8, false);

	for (i = 0; i < n; i++)
		finding("info", "kernel-log", NULL, "%s", lines[i]);
}

static void print_text(void)
{
	size_t i;

	for (i = 0; i < json_object_array_length(findings); i++) {
		json_object *o = json_object_array_get_idx(findings, i), *v;

		printf("%s: %s: %s\n", json_object_get_string(json_object_object_get(o, "level")),
		       json_object_get_string(json_object_object_get(o, "code")),
		       json_object_get_string(json_object_object_get(o, "message")));
		if (json_object_object_get_ex(o, "hint", &v))
			printf("  hint: %s\n", json_object_get_string(v));
	}
	printf("%d error%s\n", nr_errors, nr_errors == 1 ? "" : "s");
}

int cmd_check(int argc, char **argv)
{
	struct pmem_range ranges[64];
	struct dk_bus bus;
	bool json = false, built, zeroed, installed;
	int i, n;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else
			return dk_bad_usage("unexpected argument '%s'", argv[i]);
	}
	findings = json_object_new_array();
	nr_errors = 0;
	check_modules(&installed);
	check_kernel(installed);
	check_dkms(&built);
	n = check_iomem(ranges, 64, &zeroed);
	check_holders(ranges, n);
	check_memmap(ranges, n, zeroed);
	check_nd();
	if (!dk_bus_scan(&bus))
		check_nodes(&bus);
	dk_bus_free(&bus);
	check_log();
	if (json)
		dk_json_print(findings);
	else
		print_text();
	json_object_put(findings);
	return nr_errors ? EXIT_FAILED : EXIT_OK;
}
