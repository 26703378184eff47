// SPDX-License-Identifier: GPL-2.0
/*
 * daxkit_canary: deliberately broken, for the debug lane only.  It proves
 * that the lane's kernel and harness catch the classes of bug the seeds
 * describe, which a stock distribution kernel lets pass silently:
 *
 *   sleep_in_rcu=1  takes a mutex (a function that may sleep) inside an
 *                   RCU read-side critical section, as the device-dax
 *                   fault handler once did (DEBUG_ATOMIC_SLEEP);
 *   leak=1          leaks an allocation (kmemleak);
 *   oob=1           writes one byte past an allocation (KASAN).
 *
 * Never loaded by the suite itself; tests/vm/suite.sh boots the debug
 * kernel once more in mode "canary" and expects each report.
 */
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

static bool sleep_in_rcu;
module_param(sleep_in_rcu, bool, 0444);
MODULE_PARM_DESC(sleep_in_rcu, "sleep under rcu_read_lock() at load");
static bool leak;
module_param(leak, bool, 0444);
MODULE_PARM_DESC(leak, "leak 64 bytes at load");
static bool oob;
module_param(oob, bool, 0444);
MODULE_PARM_DESC(oob, "write one byte past a 16-byte allocation at load");

static DEFINE_MUTEX(canary_lock);

static noinline void canary_sleep_in_rcu(void)
{
	rcu_read_lock();
	/* Uncontended, so it does not sleep: but it may, and says so. */
	mutex_lock(&canary_lock);
	mutex_unlock(&canary_lock);
	rcu_read_unlock();
}

static noinline void canary_leak(void)
{
	void *p = kmalloc(64, GFP_KERNEL);

	/* Returned nowhere, stored nowhere: nothing refers to it any more. */
	OPTIMIZER_HIDE_VAR(p);
}

static noinline void canary_oob(void)
{
	char *p = kmalloc(16, GFP_KERNEL);
	size_t i = 16;

	if (!p)
		return;
	/* Hidden from the compiler, which would otherwise warn. */
	OPTIMIZER_HIDE_VAR(i);
	p[i] = 1;
	kfree(p);
}

static int __init daxkit_canary_init(void)
{
	if (sleep_in_rcu)
		canary_sleep_in_rcu();
	if (leak)
		canary_leak();
	if (oob)
		canary_oob();
	return 0;
}

static void __exit daxkit_canary_exit(void)
{
}

module_init(daxkit_canary_init);
module_exit(daxkit_canary_exit);
MODULE_DESCRIPTION("daxkit: deliberately broken module proving the debug lane catches bugs");
MODULE_LICENSE("GPL");
