// SPDX-License-Identifier: GPL-2.0
/*
 * dax_core_test: drives dax_core's API directly and reports in KTAP.
 *
 * selftest=1 (default) runs the tests at load; each KTAP line names the
 * requirement it covers.  region_mb=N also creates a region of N MiB for
 * the guest's sysfs tests, at parent /sys/devices/daxkit_test.  Its range
 * is an address no memory answers at: nothing may map it, and at this
 * stage nothing can (dax_dev does not map yet).
 */
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/kthread.h>
#include <linux/completion.h>
#include <linux/module.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <daxkit/core.h>

static bool selftest = true;
module_param(selftest, bool, 0444);
MODULE_PARM_DESC(selftest, "run the KTAP self-tests at load");
static unsigned int region_mb;
module_param(region_mb, uint, 0444);
MODULE_PARM_DESC(region_mb, "size of a test region for sysfs tests, MiB (0: none)");
static int region_id = 99;
module_param(region_id, int, 0444);
MODULE_PARM_DESC(region_id, "id of the test region");

#define TEST_BASE	0x100000000000ULL	/* 16 TiB: no memory there */

static int test_nr, test_failed;

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		pr_info("    # %s:%d: failed: %s\n", __func__, __LINE__, #cond); \
		return false;						\
	}								\
} while (0)

static void report(bool ok, const char *name)
{
	test_nr++;
	if (!ok)
		test_failed++;
	pr_info("%sok %d %s\n", ok ? "" : "not ", test_nr, name);
}

/*
 * Each test names the requirement of REQUIREMENTS.md it covers (Req-NN),
 * in its KTAP name and in the table at the end.
 *
 * A provider that records what reaches it.
 */
static long fake_pages = 16;
static int fake_da_calls, fake_zero_calls;

static long fake_direct_access(struct dax_core_device *d, pgoff_t pgoff,
			       long nr_pages, void **kaddr, unsigned long *pfn)
{
	fake_da_calls++;
	if (kaddr)
		*kaddr = NULL;
	if (pfn)
		*pfn = 0x1000 + pgoff;
	return fake_pages - (long)pgoff;
}

static int fake_zero_page_range(struct dax_core_device *d, pgoff_t pgoff,
				size_t nr_pages)
{
	fake_zero_calls++;
	return 0;
}

static const struct dax_core_operations fake_ops = {
	.direct_access = fake_direct_access,
	.zero_page_range = fake_zero_page_range,
};

static int holder_calls, holder_flags;
static u64 holder_off, holder_len;

static int fake_notify(struct dax_core_device *d, u64 off, u64 len, int flags)
{
	holder_calls++;
	holder_off = off;
	holder_len = len;
	holder_flags = flags;
	return 42;
}

/* The last notice was the one before removal: the whole device (2.3). */
static bool heard_pre_remove(void)
{
	return holder_off == 0 && holder_len == U64_MAX &&
	       (holder_flags & DAX_CORE_MF_PRE_REMOVE);
}

static const struct dax_core_holder_operations fake_holder_ops = {
	.notify_failure = fake_notify,
};

static struct dax_core_device *new_dev(void)
{
	struct dax_core_device *d = dax_core_alloc(NULL, &fake_ops);

	return IS_ERR_OR_NULL(d) ? NULL : d;
}

static void free_dev(struct dax_core_device *d)
{
	dax_core_kill(d);
	dax_core_put(d);
}

static bool alive(struct dax_core_device *d)
{
	int id = dax_core_read_lock();
	bool ret = dax_core_alive(d);

	dax_core_read_unlock(id);
	return ret;
}

static bool t_supported_null(void)
{
	CHECK(!dax_core_supported(NULL));
	return true;
}

static bool t_alloc_bad_ops(void)
{
	static const struct dax_core_operations no_da = {
		.zero_page_range = fake_zero_page_range,
	};
	struct dax_core_device *d;

	d = dax_core_alloc(NULL, NULL);
	CHECK(IS_ERR(d) && PTR_ERR(d) == -EINVAL);
	d = dax_core_alloc(NULL, &no_da);
	CHECK(IS_ERR(d) && PTR_ERR(d) == -EINVAL);
	return true;
}

static bool t_alloc_alive(void)
{
	struct dax_core_device *d = dax_core_alloc(&fake_pages, &fake_ops);

	CHECK(!IS_ERR_OR_NULL(d));
	CHECK(alive(d) && dax_core_supported(d));
	CHECK(dax_core_private(d) == &fake_pages);
	CHECK(dax_core_holder(d) == NULL);
	free_dev(d);
	return true;
}

static bool t_access_through_ops(void)
{
	struct dax_core_device *d = new_dev();
	unsigned long pfn = 0;
	void *kaddr;
	long n;
	int id, calls = fake_da_calls;

	CHECK(d);
	id = dax_core_read_lock();
	n = dax_core_direct_access(d, 4, 100, &kaddr, &pfn);
	dax_core_read_unlock(id);
	CHECK(n == fake_pages - 4 && pfn == 0x1004 && fake_da_calls == calls + 1);
	id = dax_core_read_lock();
	n = dax_core_direct_access(d, 0, 0, &kaddr, &pfn);
	dax_core_read_unlock(id);
	CHECK(n == -EINVAL && fake_da_calls == calls + 1);
	id = dax_core_read_lock();
	n = dax_core_zero_page_range(d, 0, 1);
	dax_core_read_unlock(id);
	CHECK(n == 0 && fake_zero_calls > 0);
	free_dev(d);
	return true;
}

/* Item 15: what dax_core_direct_access()'s kernel-doc promises. */
static bool t_direct_access_errors(void)
{
	struct dax_core_device *d = new_dev();
	int id;

	CHECK(d);
	id = dax_core_read_lock();
	CHECK(dax_core_direct_access(NULL, 0, 1, NULL, NULL) == -EOPNOTSUPP);
	CHECK(dax_core_direct_access(d, 0, 0, NULL, NULL) == -EINVAL);
	/* The fake provider has no page at fake_pages: it answers 0. */
	CHECK(dax_core_direct_access(d, fake_pages, 1, NULL, NULL) == -ERANGE);
	dax_core_read_unlock(id);
	dax_core_kill(d);
	id = dax_core_read_lock();
	CHECK(dax_core_direct_access(d, 0, 1, NULL, NULL) == -ENXIO);
	dax_core_read_unlock(id);
	dax_core_put(d);
	return true;
}

/*
 * Item 5: a holder and its operations change together.  An unregister by
 * a holder that no longer holds the device leaves the new holder's
 * operations in place, and once unregister returns no notice reaches the
 * old holder.  (The race itself, a kill and a new holder between the old
 * code's check and its clearing of the operations, needs the core's
 * private revive and cannot be forced from here.)
 */
static bool t_holder_ops_follow_holder(void)
{
	struct dax_core_device *d = new_dev();
	int a, b, calls;

	CHECK(d);
	CHECK(dax_core_holder_register(d, &a, &fake_holder_ops) == 0);
	dax_core_holder_unregister(d, &a);
	CHECK(dax_core_holder_register(d, &b, &fake_holder_ops) == 0);
	dax_core_holder_unregister(d, &a);
	calls = holder_calls;
	CHECK(dax_core_holder(d) == &b);
	CHECK(dax_core_notify_failure(d, 0, 4096, 0) == 42 && holder_calls == calls + 1);
	dax_core_holder_unregister(d, &b);
	CHECK(dax_core_notify_failure(d, 0, 4096, 0) == -EOPNOTSUPP);
	free_dev(d);
	return true;
}

static bool t_holder_exclusive(void)
{
	struct dax_core_device *d = new_dev();
	int a, b;

	CHECK(d);
	CHECK(dax_core_holder_register(d, NULL, &fake_holder_ops) == -EINVAL);
	CHECK(dax_core_holder_register(d, &a, &fake_holder_ops) == 0);
	CHECK(dax_core_holder_register(d, &b, &fake_holder_ops) == -EBUSY);
	CHECK(dax_core_holder_register(d, &a, &fake_holder_ops) == -EBUSY);
	dax_core_holder_unregister(d, &b);
	CHECK(dax_core_holder(d) == &a);
	dax_core_holder_unregister(d, &a);
	CHECK(dax_core_holder(d) == NULL);
	CHECK(dax_core_holder_register(d, &b, &fake_holder_ops) == 0);
	free_dev(d);
	return true;
}

/*
 * (2.3) One user at a time: an open node keeps holders out, a holder
 * keeps opens out, and each goes with its release.
 */
static bool t_one_user(void)
{
	struct dax_core_device *d = new_dev();
	int h;

	CHECK(d);
	CHECK(dax_core_open_claim(d) == 0 && dax_core_open_claim(d) == 0);
	CHECK(dax_core_holder_register(d, &h, &fake_holder_ops) == -EBUSY);
	dax_core_open_release(d);
	CHECK(dax_core_holder_register(d, &h, &fake_holder_ops) == -EBUSY);
	dax_core_open_release(d);
	CHECK(dax_core_holder_register(d, &h, &fake_holder_ops) == 0);
	CHECK(dax_core_open_claim(d) == -EBUSY);
	dax_core_holder_unregister(d, &h);
	CHECK(dax_core_open_claim(d) == 0);
	dax_core_open_release(d);
	free_dev(d);
	return true;
}

static bool t_notify_failure(void)
{
	struct dax_core_device *d = new_dev();
	int h, calls;

	CHECK(d);
	CHECK(dax_core_notify_failure(d, 0, 4096, 0) == -EOPNOTSUPP);
	CHECK(dax_core_holder_register(d, &h, &fake_holder_ops) == 0);
	calls = holder_calls;
	CHECK(dax_core_notify_failure(d, 8192, 4096, 0) == 42);
	CHECK(holder_calls == calls + 1 && holder_off == 8192 && holder_len == 4096);
	CHECK(!(holder_flags & DAX_CORE_MF_PRE_REMOVE));
	dax_core_kill(d);
	CHECK(holder_calls == calls + 2 && heard_pre_remove());
	CHECK(dax_core_notify_failure(d, 0, 4096, 0) == -ENXIO);
	CHECK(holder_calls == calls + 2);
	dax_core_put(d);
	return true;
}

static bool t_kill(void)
{
	struct dax_core_device *d = new_dev();
	unsigned long pfn;
	void *kaddr;
	int h, id, calls;
	long n;

	CHECK(d);
	CHECK(dax_core_holder_register(d, &h, &fake_holder_ops) == 0);
	calls = fake_da_calls;
	dax_core_kill(d);
	CHECK(!alive(d) && !dax_core_supported(d));
	CHECK(dax_core_holder(d) == NULL);
	id = dax_core_read_lock();
	n = dax_core_direct_access(d, 0, 1, &kaddr, &pfn);
	CHECK(n == -ENXIO && fake_da_calls == calls);
	CHECK(dax_core_zero_page_range(d, 0, 1) == -ENXIO);
	dax_core_read_unlock(id);
	CHECK(dax_core_holder_register(d, &h, &fake_holder_ops) == -ENXIO);
	dax_core_kill(d);	/* idempotent */
	dax_core_put(d);
	return true;
}

struct reader {
	struct dax_core_device *d;
	struct completion entered;
	bool was_alive;
	bool done;
};

static int reader_fn(void *data)
{
	struct reader *r = data;
	int id = dax_core_read_lock();

	r->was_alive = dax_core_alive(r->d);
	complete(&r->entered);
	/* Readers may sleep: the section is SRCU, not RCU (Req-04). */
	msleep(300);
	WRITE_ONCE(r->done, true);
	dax_core_read_unlock(id);
	return 0;
}

static bool t_kill_while_reading(void)
{
	struct task_struct *t;
	struct reader r = { .d = new_dev() };

	CHECK(r.d);
	init_completion(&r.entered);
	t = kthread_run(reader_fn, &r, "daxkit_reader");
	CHECK(!IS_ERR(t));
	wait_for_completion(&r.entered);
	dax_core_kill(r.d);
	/* kill returned, so the reader must have left its section. */
	CHECK(READ_ONCE(r.done) && r.was_alive);
	dax_core_put(r.d);
	return true;
}

static bool t_kill_while_held(void)
{
	struct dax_core_device *d = new_dev();
	int h, calls;

	CHECK(d);
	CHECK(dax_core_holder_register(d, &h, &fake_holder_ops) == 0);
	calls = holder_calls;
	dax_core_kill(d);
	/* The holder heard once, before the end, and never after. */
	CHECK(holder_calls == calls + 1 && heard_pre_remove());
	CHECK(dax_core_holder(d) == NULL);
	CHECK(dax_core_notify_failure(d, 0, 1, 0) == -ENXIO && holder_calls == calls + 1);
	dax_core_holder_unregister(d, &h);	/* late unregister is harmless */
	dax_core_put(d);
	return true;
}

static bool t_ref_outlives_kill(void)
{
	struct dax_core_device *d = dax_core_alloc(&fake_pages, &fake_ops);

	CHECK(!IS_ERR(d));
	dax_core_get(d);
	dax_core_kill(d);
	dax_core_put(d);
	/* Still referenced: the object is valid, only dead. */
	CHECK(dax_core_private(d) == &fake_pages && !alive(d));
	dax_core_put(d);
	return true;
}

static bool t_lookup(void)
{
	struct dax_core_device *d = new_dev(), *e = new_dev(), *f;

	CHECK(d && e);
	CHECK(dax_core_add_host(d, "", NULL) == -EINVAL);
	CHECK(dax_core_add_host(d, "daxkit-test-name-that-is-far-too-long", NULL) == -EINVAL);
	CHECK(dax_core_add_host(d, "daxkit-test-a", NULL) == 0);
	CHECK(dax_core_add_host(e, "daxkit-test-a", NULL) == -EEXIST);
	f = dax_core_get_by_name("daxkit-test-a");
	CHECK(f == d);
	dax_core_put(f);
	CHECK(dax_core_get_by_name("daxkit-test-none") == NULL);
	dax_core_kill(d);
	CHECK(dax_core_get_by_name("daxkit-test-a") == NULL);
	CHECK(dax_core_add_host(d, "daxkit-test-b", NULL) == -ENXIO);
	CHECK(dax_core_add_host(e, "daxkit-test-a", NULL) == 0);
	dax_core_put(d);
	free_dev(e);
	CHECK(dax_core_get_by_name("daxkit-test-a") == NULL);
	return true;
}

static void test_parent_release(struct device *dev)
{
	kfree(dev);
}

static struct device *test_parent(const char *name)
{
	struct device *dev = kzalloc(sizeof(*dev), GFP_KERNEL);

	if (!dev)
		return NULL;
	device_initialize(dev);
	dev->release = test_parent_release;
	if (dev_set_name(dev, "%s", name) || device_add(dev)) {
		put_device(dev);
		return NULL;
	}
	return dev;
}

static bool t_region_bad_args(void)
{
	struct daxkit_region_info info = {
		.id = 98, .start = TEST_BASE, .size = SZ_64M, .align = SZ_2M,
		.target_node = NUMA_NO_NODE,
	};
	struct device *parent = test_parent("daxkit_test_bad");
	struct daxkit_region_info bad;
	struct daxkit_region *r;

	CHECK(parent);
	bad = info;
	bad.size = 0;
	r = dax_core_region_create(parent, &bad);
	CHECK(IS_ERR(r) && PTR_ERR(r) == -EINVAL);
	bad = info;
	bad.align = 3000;
	r = dax_core_region_create(parent, &bad);
	CHECK(IS_ERR(r) && PTR_ERR(r) == -EINVAL);
	bad = info;
	bad.start += SZ_4K;
	r = dax_core_region_create(parent, &bad);
	CHECK(IS_ERR(r) && PTR_ERR(r) == -EINVAL);
	dev_set_drvdata(parent, parent);
	r = dax_core_region_create(parent, &info);
	CHECK(IS_ERR(r) && PTR_ERR(r) == -EBUSY);
	dev_set_drvdata(parent, NULL);
	device_unregister(parent);
	return true;
}

static bool t_region_devices(void)
{
	struct daxkit_region_info info = {
		.id = 97, .start = TEST_BASE, .size = SZ_64M, .align = SZ_2M,
		.target_node = NUMA_NO_NODE,
	};
	struct device *parent = test_parent("daxkit_test_devs");
	struct daxkit_dev *a, *b, *c;
	struct daxkit_region *r;

	CHECK(parent);
	r = dax_core_region_create(parent, &info);
	CHECK(!IS_ERR_OR_NULL(r));
	a = dax_core_dev_create(r, SZ_32M);
	CHECK(!IS_ERR_OR_NULL(a));
	CHECK(!strcmp(dev_name(dax_core_dev_device(a)), "daxkit97.0"));
	CHECK(dax_core_to_dev(dax_core_dev_device(a)) == a);
	CHECK(dax_core_to_dev(parent) == NULL);
	b = dax_core_dev_create(r, SZ_4K);
	CHECK(IS_ERR(b) && PTR_ERR(b) == -EINVAL);
	b = dax_core_dev_create(r, SZ_64M);
	CHECK(IS_ERR(b) && PTR_ERR(b) == -ENOSPC);
	b = dax_core_dev_create(r, SZ_32M);
	CHECK(!IS_ERR_OR_NULL(b));
	CHECK(!strcmp(dev_name(dax_core_dev_device(b)), "daxkit97.1"));
	c = dax_core_dev_create(r, SZ_2M);
	CHECK(IS_ERR(c) && PTR_ERR(c) == -ENOSPC);
	c = dax_core_dev_create(r, 0);
	CHECK(!IS_ERR_OR_NULL(c));
	/* Killing the region kills its devices' registry objects. */
	dax_core_get(dax_core_dev_dax(a));
	{
		struct dax_core_device *ad = dax_core_dev_dax(a);

		dax_core_region_destroy(r);
		CHECK(!alive(ad));
		dax_core_put(ad);
	}
	device_unregister(parent);
	return true;
}

struct test {
	const char *name;
	bool (*fn)(void);
};

static const struct test tests[] = {
	{ "dax_core_req01_supported_null", t_supported_null },	/* Req-01 */
	{ "dax_core_req11_alloc_bad_ops", t_alloc_bad_ops },	/* Req-11 */
	{ "dax_core_alloc_alive", t_alloc_alive },
	{ "dax_core_req10_access_through_ops", t_access_through_ops },	/* Req-10 */
	{ "dax_core_req12_holder_exclusive", t_holder_exclusive },	/* Req-12 */
	{ "dax_core_req13_notify_failure", t_notify_failure },	/* Req-13 */
	{ "dax_core_item15_direct_access_errors", t_direct_access_errors },
	{ "dax_core_item5_holder_ops_follow_holder", t_holder_ops_follow_holder },	/* Req-12 */
	{ "dax_core_req06_kill", t_kill },	/* Req-06 */
	{ "dax_core_req04_req06_kill_while_reading", t_kill_while_reading },	/* Req-04, Req-06 */
	{ "dax_core_req06_kill_while_held", t_kill_while_held },	/* Req-06, Req-12 */
	{ "dax_core_req12_one_user_at_a_time", t_one_user },	/* Req-12 */
	{ "dax_core_req07_ref_outlives_kill", t_ref_outlives_kill },	/* Req-07 */
	{ "dax_core_req09_lookup", t_lookup },	/* Req-09 */
	{ "dax_core_req11_region_bad_args", t_region_bad_args },	/* Req-11 */
	{ "dax_core_req33_region_devices", t_region_devices },	/* Req-33, Req-61 (kill on destroy) */
};

/*
 * On kernels with KUnit built in (the debug lane's), the same tests also
 * run as the KUnit suite "daxkit_core", one parameter per test, at load
 * (skipped when selftest=0).  Elsewhere the KTAP report above is all.
 */
#if IS_BUILTIN(CONFIG_KUNIT)
#include <kunit/test.h>
#endif
#if IS_BUILTIN(CONFIG_KUNIT) && defined(KUNIT_CASE_PARAM) && defined(kunit_skip)
static const void *dax_core_kunit_param(const void *prev, char *desc)
{
	const struct test *t = prev ? (const struct test *)prev + 1 : tests;

	if (t >= tests + ARRAY_SIZE(tests))
		return NULL;
	strscpy(desc, t->name, KUNIT_PARAM_DESC_SIZE);
	return t;
}

static int dax_core_kunit_init(struct kunit *k)
{
	if (!selftest)
		kunit_skip(k, "selftest=0");
	return 0;
}

static void run_each_test(struct kunit *k)
{
	const struct test *t = k->param_value;

	KUNIT_EXPECT_TRUE_MSG(k, t->fn(), "%s failed", t->name);
}

static struct kunit_case dax_core_kunit_cases[] = {
	KUNIT_CASE_PARAM(run_each_test, dax_core_kunit_param),
	{}
};

static struct kunit_suite dax_core_kunit_suite = {
	.name = "daxkit_core",
	.init = dax_core_kunit_init,
	.test_cases = dax_core_kunit_cases,
};
kunit_test_suite(dax_core_kunit_suite);
#endif

static struct device *region_parent;
static struct daxkit_region *test_region;

static int make_test_region(void)
{
	struct daxkit_region_info info = {
		.id = region_id, .start = TEST_BASE,
		.size = (u64)region_mb << 20, .align = SZ_2M,
		.target_node = NUMA_NO_NODE,
	};
	struct daxkit_dev *seed;

	region_parent = test_parent("daxkit_test");
	if (!region_parent)
		return -ENOMEM;
	test_region = dax_core_region_create(region_parent, &info);
	if (IS_ERR(test_region)) {
		device_unregister(region_parent);
		return PTR_ERR(test_region);
	}
	seed = dax_core_dev_create(test_region, 0);
	if (IS_ERR(seed)) {
		dax_core_region_destroy(test_region);
		device_unregister(region_parent);
		return PTR_ERR(seed);
	}
	return 0;
}

static int __init dax_core_test_init(void)
{
	int i, rc;

	rc = dax_core_abi_check(KBUILD_MODNAME);
	if (rc)
		return rc;
	if (selftest) {
		pr_info("KTAP version 1\n");
		pr_info("1..%zu\n", ARRAY_SIZE(tests));
		for (i = 0; i < ARRAY_SIZE(tests); i++)
			report(tests[i].fn(), tests[i].name);
		pr_info("# dax_core: pass:%d fail:%d\n", test_nr - test_failed, test_failed);
	}
	if (region_mb)
		return make_test_region();
	return 0;
}

static void __exit dax_core_test_exit(void)
{
	if (test_region) {
		dax_core_region_destroy(test_region);
		device_unregister(region_parent);
	}
}

module_init(dax_core_test_init);
module_exit(dax_core_test_exit);
MODULE_DESCRIPTION("daxkit: dax_core self-test (KTAP) and test regions");
MODULE_LICENSE("GPL");
DAXKIT_IMPORT_NS();
