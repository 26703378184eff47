// SPDX-License-Identifier: GPL-2.0
/*
 * daxkit modules [status|load|unload|reload]: the five modules of the
 * stack through libkmod (which file modprobe loads, its modinfo), their
 * state as /sys/module shows it, and loading and unloading them in
 * dependency order with the kernel's reasons translated.  dax_fs_helper
 * and daxkitfs are loaded by their users (mount -t daxkitfs loads both),
 * not by `load`; `unload` takes them too.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <libkmod.h>
#include "daxkit.h"

static const char *const stack_modules[] = {
	"dax_core", "dax_dev", "dax_pmem", "dax_fs_helper", "daxkitfs",
};
#define NR_STACK_MODULES (sizeof(stack_modules) / sizeof(stack_modules[0]))

struct mod_state {
	const char *name;
	char path[PATH_MAX];		/* what modprobe would load, "" when none */
	char version[64], abi[16], vermagic[128];
	char fs_abi[16];		/* dax_fs_helper's: provided; a filesystem's: wanted */
	bool in_tree;
	char state[16];			/* live, coming, going, or "" (not loaded) */
	char loaded_version[64], loaded_abi[16];
	int refcount;
	json_object *holders, *warnings;
};

/* The kernel release the tool works for: DAXKIT_UNAME_R (tests) or uname -r. */
const char *dk_kernel_release(void)
{
	static struct utsname u;
	const char *r = getenv("DAXKIT_UNAME_R");

	if (r && *r)
		return r;
	if (!u.release[0] && uname(&u))
		return "unknown";
	return u.release;
}

/* A libkmod context for the running kernel's modules (under DAXKIT_ROOT). */
struct kmod_ctx *dk_kmod_new(void)
{
	char dir[PATH_MAX];
	struct kmod_ctx *ctx;

	if (dk_root()[0]) {
		if (dk_path(dir, sizeof(dir), "/lib/modules/%s", dk_kernel_release()))
			return NULL;
		ctx = kmod_new(dir, NULL);
	} else {
		ctx = kmod_new(NULL, NULL);
	}
	if (ctx)
		kmod_load_resources(ctx);
	return ctx;
}

static void mod_warn(struct mod_state *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void mod_warn(struct mod_state *m, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	json_object_array_add(m->warnings, json_object_new_string(buf));
}

/* The module file modprobe would load, and what its modinfo says. */
static void mod_disk(struct kmod_ctx *ctx, struct mod_state *m)
{
	struct kmod_list *list = NULL, *info = NULL, *l;
	struct kmod_module *mod;
	const char *p;

	if (kmod_module_new_from_lookup(ctx, m->name, &list) || !list)
		return;
	mod = kmod_module_get_module(list);
	kmod_module_unref_list(list);
	p = kmod_module_get_path(mod);
	if (p) {
		snprintf(m->path, sizeof(m->path), "%s", p);
		m->in_tree = !strstr(p, "/updates/") && !strstr(p, "/extra/");
	}
	if (p && kmod_module_get_info(mod, &info) >= 0) {
		kmod_list_foreach(l, info) {
			const char *k = kmod_module_info_get_key(l);
			const char *v = kmod_module_info_get_value(l);

			if (!v)
				continue;
			if (!strcmp(k, "version"))
				snprintf(m->version, sizeof(m->version), "%s", v);
			else if (!strcmp(k, "daxkit_abi"))
				snprintf(m->abi, sizeof(m->abi), "%s", v);
			else if (!strcmp(k, "dax_fs_abi"))
				snprintf(m->fs_abi, sizeof(m->fs_abi), "%s", v);
			else if (!strcmp(k, "vermagic"))
				snprintf(m->vermagic, sizeof(m->vermagic), "%s", v);
		}
		kmod_module_info_free_list(info);
	}
	kmod_module_unref(mod);
}

/* The loaded module as /sys/module shows it (what libkmod reads, under DAXKIT_ROOT). */
static void mod_loaded(struct mod_state *m)
{
	char dir[PATH_MAX], path[PATH_MAX + 64];
	struct dirent *de;
	DIR *d;

	if (dk_path(dir, sizeof(dir), "/sys/module/%s", m->name) || !dk_exists(dir))
		return;
	snprintf(path, sizeof(path), "%s/initstate", dir);
	if (dk_read(path, m->state, sizeof(m->state)))
		snprintf(m->state, sizeof(m->state), "builtin");
	snprintf(path, sizeof(path), "%s/refcnt", dir);
	if (dk_read_int(path, &m->refcount))
		m->refcount = -1;
	snprintf(path, sizeof(path), "%s/version", dir);
	if (dk_read(path, m->loaded_version, sizeof(m->loaded_version)))
		m->loaded_version[0] = '\0';
	snprintf(path, sizeof(path), "%s/parameters/abi_version", dir);
	if (dk_read(path, m->loaded_abi, sizeof(m->loaded_abi)))
		m->loaded_abi[0] = '\0';
	snprintf(path, sizeof(path), "%s/holders", dir);
	d = opendir(path);
	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.')
			json_object_array_add(m->holders, json_object_new_string(de->d_name));
	if (d)
		closedir(d);
}

/* "MAJOR.MINOR" of a dependent works with the core's: same major, minor not newer. */
static bool abi_compatible(const char *core, const char *dep)
{
	unsigned int cmaj, cmin, dmaj, dmin;

	if (sscanf(core, "%u.%u", &cmaj, &cmin) != 2 || sscanf(dep, "%u.%u", &dmaj, &dmin) != 2)
		return false;
	return cmaj == dmaj && dmin <= cmin;
}

static void mod_judge(struct mod_state *m, const struct mod_state *core)
{
	const char *kver = dk_kernel_release();
	size_t n = strlen(kver);

	if (!m->path[0]) {
		mod_warn(m, "not installed for kernel %s ('dkms status daxkit')", kver);
		return;
	}
	if (m->in_tree)
		mod_warn(m, "modprobe loads the in-tree module %s, not daxkit's (DKMS puts ours in updates/ or extra/)",
			 m->path);
	else if (m->vermagic[0] && (strncmp(m->vermagic, kver, n) || m->vermagic[n] != ' '))
		mod_warn(m, "built for another kernel (vermagic '%s', running %s)", m->vermagic, kver);
	if (m->state[0] && m->loaded_version[0] && m->version[0] &&
	    strcmp(m->version, m->loaded_version))
		mod_warn(m, "version %s is loaded, %s is installed: reload to use the new package",
			 m->loaded_version, m->version);
	if (m->state[0] && !m->loaded_version[0] && !m->in_tree)
		mod_warn(m, "the loaded %s is not daxkit's (no version): the in-tree module?", m->name);
	if (m != core && m->abi[0] && core->abi[0] && !abi_compatible(core->abi, m->abi))
		mod_warn(m, "built for dax_core ABI %s, but the installed dax_core provides %s",
			 m->abi, core->abi);
	if (m != core && m->abi[0] && core->loaded_abi[0] && !abi_compatible(core->loaded_abi, m->abi))
		mod_warn(m, "built for dax_core ABI %s, but the loaded dax_core provides %s: reload",
			 m->abi, core->loaded_abi);
}

/* A filesystem on dax_fs_helper: built for the helper ABI the installed one provides? */
static void mod_judge_fs(struct mod_state *m, const struct mod_state *helper)
{
	if (m->fs_abi[0] && helper->fs_abi[0] && !abi_compatible(helper->fs_abi, m->fs_abi))
		mod_warn(m, "built for dax_fs_helper ABI %s, but the installed dax_fs_helper provides %s",
			 m->fs_abi, helper->fs_abi);
}

static struct mod_state *mod_find(struct mod_state *mods, const char *name)
{
	size_t i;

	for (i = 0; i < NR_STACK_MODULES; i++)
		if (!strcmp(mods[i].name, name))
			return &mods[i];
	return NULL;
}

static void mod_read_all(struct kmod_ctx *ctx, struct mod_state *mods)
{
	size_t i;

	for (i = 0; i < NR_STACK_MODULES; i++) {
		memset(&mods[i], 0, sizeof(mods[i]));
		mods[i].name = stack_modules[i];
		mods[i].holders = json_object_new_array();
		mods[i].warnings = json_object_new_array();
		if (ctx)
			mod_disk(ctx, &mods[i]);
		mod_loaded(&mods[i]);
	}
	for (i = 0; i < NR_STACK_MODULES; i++)
		mod_judge(&mods[i], &mods[0]);
	mod_judge_fs(mod_find(mods, "daxkitfs"), mod_find(mods, "dax_fs_helper"));
}

static json_object *mod_json(struct mod_state *m)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(m->name));
	json_object_object_add(o, "path", m->path[0] ? json_object_new_string(m->path) : NULL);
	json_object_object_add(o, "in_tree", json_object_new_boolean(m->in_tree));
	json_object_object_add(o, "version", m->version[0] ? json_object_new_string(m->version) : NULL);
	json_object_object_add(o, "abi", m->abi[0] ? json_object_new_string(m->abi) : NULL);
	json_object_object_add(o, "fs_abi", m->fs_abi[0] ? json_object_new_string(m->fs_abi) : NULL);
	json_object_object_add(o, "state", json_object_new_string(m->state[0] ? m->state : "unloaded"));
	if (m->state[0]) {
		json_object_object_add(o, "loaded_version", m->loaded_version[0] ?
				       json_object_new_string(m->loaded_version) : NULL);
		if (m->loaded_abi[0])
			json_object_object_add(o, "loaded_abi", json_object_new_string(m->loaded_abi));
		json_object_object_add(o, "refcount", json_object_new_int(m->refcount));
		json_object_object_add(o, "holders", json_object_get(m->holders));
	}
	json_object_object_add(o, "warnings", json_object_get(m->warnings));
	return o;
}

static void mod_free_all(struct mod_state *mods)
{
	size_t i;

	for (i = 0; i < NR_STACK_MODULES; i++) {
		json_object_put(mods[i].holders);
		json_object_put(mods[i].warnings);
	}
}

static int modules_status(void)
{
	struct mod_state mods[NR_STACK_MODULES];
	json_object *arr = json_object_new_array();
	struct kmod_ctx *ctx = dk_kmod_new();
	int rc = EXIT_OK;
	size_t i, j;

	if (!ctx)
		dk_err("libkmod", "cannot read the module index", errno ? errno : ENOENT, NULL);
	mod_read_all(ctx, mods);
	for (i = 0; i < NR_STACK_MODULES; i++) {
		json_object_array_add(arr, mod_json(&mods[i]));
		for (j = 0; j < json_object_array_length(mods[i].warnings); j++)
			fprintf(stderr, "daxkit: modules: %s: %s\n", mods[i].name,
				json_object_get_string(json_object_array_get_idx(mods[i].warnings, j)));
		if (!mods[i].path[0] || (!strcmp(mods[i].name, "dax_pmem") && mods[i].in_tree))
			rc = EXIT_NOMODULES;
	}
	dk_json_print(arr);
	json_object_put(arr);
	mod_free_all(mods);
	if (ctx)
		kmod_unref(ctx);
	return rc;
}

/* Explain why the kernel refused a module (the kernel's lines follow, from main()). */
static void load_explain(const char *name, int err, struct mod_state *mods)
{
	size_t i;

	switch (err) {
	case EKEYREJECTED:
	case EKEYEXPIRED:
	case EKEYREVOKED:
		dk_hint("the kernel enforces module signatures (Secure Boot): enrol DKMS's key once:");
		dk_hint("  mokutil --import /var/lib/dkms/mok.pub; reboot; confirm in the MOK manager");
		dk_hint("  check with: mokutil --test-key /var/lib/dkms/mok.pub");
		break;
	case ENOEXEC:
		for (i = 0; i < NR_STACK_MODULES; i++)
			if (mods[i].abi[0])
				dk_hint("%s is built for dax_core ABI %s%s%s", mods[i].name, mods[i].abi,
					mods[i].loaded_abi[0] ? ", the loaded dax_core provides " : "",
					mods[i].loaded_abi);
		dk_hint("the modules come from different builds: 'daxkit modules reload' after 'dkms install daxkit/VERSION'");
		break;
	case ENOENT:
		dk_hint("%s is not installed for kernel %s: 'dkms status daxkit'; 'daxkit check'",
			name, dk_kernel_release());
		break;
	case EINVAL:
		dk_hint("a parameter was refused: the kernel line below says which");
		break;
	case EBUSY:
	case EEXIST:
		dk_hint("another driver holds the memory, or the in-tree dax_pmem is loaded: 'daxkit check'");
		break;
	default:
		break;
	}
}

/* Load one module of the stack; 0, or an exit code after saying why. */
static int load_one(struct kmod_ctx *ctx, struct mod_state *mods, size_t i, const char *options)
{
	struct kmod_module *mod;
	int rc, err;

	if (kmod_module_new_from_name(ctx, mods[i].name, &mod))
		return EXIT_FAILED;
	rc = kmod_module_probe_insert_module(mod, KMOD_PROBE_IGNORE_LOADED, options,
					     NULL, NULL, NULL);
	kmod_module_unref(mod);
	if (!rc)
		return 0;
	err = rc < 0 ? -rc : EINVAL;
	dk_err(mods[i].name, "cannot load", err, mods[i].path);
	load_explain(mods[i].name, err, mods);
	return err == ENOENT ? EXIT_NOMODULES : dk_exit_of(-err);
}

/* Unload, dependents first, the modules this command loaded. */
static void load_undo(struct kmod_ctx *ctx, struct mod_state *mods, size_t upto)
{
	struct kmod_module *mod;

	while (upto--) {
		if (mods[upto].state[0] || kmod_module_new_from_name(ctx, mods[upto].name, &mod))
			continue;
		kmod_module_remove_module(mod, 0);
		kmod_module_unref(mod);
	}
}

/*
 * dax_core, dax_dev, then dax_pmem with @options, in that order; a
 * refusal unloads what this command loaded before it.
 */
static int modules_load(const char *options)
{
	struct mod_state mods[NR_STACK_MODULES];
	struct kmod_ctx *ctx = dk_kmod_new();
	int rc = EXIT_OK;
	size_t i;

	if (!ctx) {
		dk_err("libkmod", "cannot read the module index", ENOENT, NULL);
		return EXIT_NOMODULES;
	}
	mod_read_all(ctx, mods);
	if (!mods[2].path[0] || mods[2].in_tree) {
		dk_err("dax_pmem", mods[2].path[0] ? "modprobe would load the in-tree dax_pmem" :
		       "not installed", ENOENT, mods[2].path);
		dk_hint("DKMS has not built daxkit for kernel %s: 'dkms status daxkit', 'dkms autoinstall'",
			dk_kernel_release());
		rc = EXIT_NOMODULES;
	} else if (mods[2].state[0] && !mods[2].loaded_version[0]) {
		dk_err("dax_pmem", "the in-tree dax_pmem is loaded", EBUSY, NULL);
		dk_hint("'modprobe -r dax_pmem' (it lets go of its namespaces), then 'daxkit modules load'");
		rc = EXIT_FAILED;
	}
	for (i = 0; i < 3 && !rc; i++) {
		rc = load_one(ctx, mods, i, i == 2 ? options : NULL);
		if (rc)
			load_undo(ctx, mods, i);
	}
	if (!rc && mods[2].state[0] && options && *options)
		dk_note("dax_pmem was loaded already: its parameters are unchanged ('daxkit modules reload' applies new ones)");
	mod_free_all(mods);
	kmod_unref(ctx);
	return rc;
}

/*
 * Users of a loaded module other than the stack's own modules: its
 * refcount less the holders that are ours (each module that links
 * against it holds one reference).  Open devices, mappings, mounted
 * filesystems and other modules are the rest.
 */
static int mod_users(const struct mod_state *m)
{
	int ours = 0;
	size_t i, j;

	for (i = 0; i < json_object_array_length(m->holders); i++) {
		const char *h = json_object_get_string(json_object_array_get_idx(m->holders, i));

		for (j = 0; j < NR_STACK_MODULES; j++)
			if (!strcmp(h, stack_modules[j]))
				ours++;
	}
	return m->refcount - ours;
}

/* What to do about a module in use, after its refcount and holders. */
static void in_use_hint(const struct mod_state *m, const char *holders)
{
	if (!strcmp(m->name, "daxkitfs"))
		dk_hint("in use (refcount %d%s): daxkitfs filesystems are mounted: unmount them ('findmnt -t daxkitfs')",
			m->refcount, holders);
	else
		dk_hint("in use (refcount %d%s): close what has /dev/daxkit* or /dev/dax* open or mapped, unmount filesystems on them",
			m->refcount, holders);
}

/* Whether every loaded module of the stack can go; says which cannot. */
static bool unload_possible(struct mod_state *mods)
{
	char holders[512];
	bool ok = true;
	size_t i;

	for (i = 0; i < NR_STACK_MODULES; i++) {
		int users = mods[i].state[0] ? mod_users(&mods[i]) : 0;

		if (users <= 0)
			continue;
		dk_err(mods[i].name, "in use: nothing unloaded", EBUSY, NULL);
		snprintf(holders, sizeof(holders), ", holders %s",
			 json_object_to_json_string(mods[i].holders));
		in_use_hint(&mods[i], holders);
		ok = false;
	}
	return ok;
}

/* Unload what is loaded, dependents first, only when all of it can go. */
static int modules_unload(void)
{
	static const char *const order[] = {
		"daxkitfs", "dax_fs_helper", "dax_pmem", "dax_dev", "dax_core",
	};
	char holders[512];
	struct mod_state mods[NR_STACK_MODULES];
	struct kmod_ctx *ctx = dk_kmod_new();
	int rc = 0, n = 0;
	size_t i, j;

	if (!ctx) {
		dk_err("libkmod", "cannot start", ENOMEM, NULL);
		return EXIT_FAILED;
	}
	mod_read_all(ctx, mods);
	if (!unload_possible(mods)) {
		mod_free_all(mods);
		kmod_unref(ctx);
		return EXIT_FAILED;
	}
	for (i = 0; i < NR_STACK_MODULES && !rc; i++) {
		struct kmod_module *mod;

		for (j = 0; j < NR_STACK_MODULES; j++)
			if (!strcmp(mods[j].name, order[i]))
				break;
		if (!mods[j].state[0])
			continue;
		if (kmod_module_new_from_name(ctx, order[i], &mod))
			continue;
		rc = kmod_module_remove_module(mod, 0);
		kmod_module_unref(mod);
		if (rc) {
			dk_err(order[i], "cannot unload", rc, NULL);
			if (rc == -EBUSY || rc == -EAGAIN) {
				snprintf(holders, sizeof(holders), "%s%s",
					 json_object_array_length(mods[j].holders) ? ", held by " : "",
					 json_object_array_length(mods[j].holders) ?
					 json_object_get_string(mods[j].holders) : "");
				in_use_hint(&mods[j], holders);
			}
			if (rc == -EPERM)
				dk_hint("unloading modules needs root");
		} else {
			n++;
		}
	}
	dk_note("unloaded %d module%s", n, n == 1 ? "" : "s");
	mod_free_all(mods);
	kmod_unref(ctx);
	return rc ? dk_exit_of(rc) : EXIT_OK;
}

/* The load options of dax_pmem now loaded, to load it again the same way. */
static void current_options(char *buf, size_t len)
{
	static const char *const params[] = { "ranges", "fsdax", "stack" };
	char path[PATH_MAX], val[1024];
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		if (dk_path(path, sizeof(path), "/sys/module/dax_pmem/parameters/%s", params[i]) ||
		    dk_read(path, val, sizeof(val)) || !val[0] || !strcmp(val, "(null)"))
			continue;
		n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%s=%s", n ? " " : "",
				      params[i], val);
	}
}

int cmd_modules(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "ranges", required_argument, NULL, 'r' },
		{ "fsdax", required_argument, NULL, 'f' },
		{ "stack", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sub = "status";
	char options[2048] = "";
	size_t n = 0;
	bool given = false;
	int c, rc;

	if (argc > 1 && argv[1][0] != '-') {
		sub = argv[1];
		argv[1] = argv[0];	/* getopt's messages name the command */
		argc--;
		argv++;
	}
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == 'j')
			continue;	/* the output is JSON anyway */
		if (c == '?')
			return dk_bad_usage("bad option%s", NULL);
		if (strpbrk(optarg, " \t\n"))
			return dk_bad_usage("no spaces in a parameter: '%s'", optarg);
		n += (size_t)snprintf(options + n, n < sizeof(options) ? sizeof(options) - n : 0,
				      "%s%s=%s", n ? " " : "", longopts[c == 'r' ? 0 : c == 'f' ? 1 : 2].name,
				      optarg);
		given = true;
	}
	if (n >= sizeof(options))
		return dk_bad_usage("parameters too long%s", NULL);
	if (optind < argc)
		return dk_bad_usage("unexpected argument '%s'", argv[optind]);
	if (!strcmp(sub, "status"))
		return given ? dk_bad_usage("status takes no parameters%s", NULL) : modules_status();
	if (!strcmp(sub, "load"))
		return modules_load(options);
	if (!strcmp(sub, "unload"))
		return given ? dk_bad_usage("unload takes no parameters%s", NULL) : modules_unload();
	if (!strcmp(sub, "reload")) {
		if (!given)
			current_options(options, sizeof(options));
		rc = modules_unload();
		return rc ? rc : modules_load(options);
	}
	return dk_bad_usage("unknown subcommand '%s' (status, load, unload, reload)", sub);
}
