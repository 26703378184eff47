// SPDX-License-Identifier: GPL-2.0
/*
 * daxkit_slow_notify: test module.  Stalls every failure notice that
 * dax_pmem passes on to a region, at the entry of dax_pmem_range_notify()
 * (a kprobe), for delay_ms milliseconds, as a notice whose CPU was taken
 * away would be.  For a region stacked on an fsdax namespace that is the
 * moment after the holder operation has found its stack, so the suite can
 * unstack while a notice holds the stack (t_73, issue 14 item 4).
 *
 *   insmod daxkit_slow_notify.ko [delay_ms=N]   dax_pmem must be loaded
 *
 * Logs "stalling a failure notice" before each stall and "notice goes on"
 * after it.  The stall busy-waits: a kprobe handler cannot sleep.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/kprobes.h>
#include <linux/module.h>

static unsigned int delay_ms = 1500;
module_param(delay_ms, uint, 0444);
MODULE_PARM_DESC(delay_ms, "how long each failure notice is stalled (ms)");

static int slow_notify_pre(struct kprobe *kp, struct pt_regs *regs)
{
	pr_info("stalling a failure notice for %u ms\n", delay_ms);
	mdelay(delay_ms);
	pr_info("notice goes on\n");
	return 0;
}

static struct kprobe slow_notify_kp = {
	.symbol_name = "dax_pmem_range_notify",
	.pre_handler = slow_notify_pre,
};

static int __init slow_notify_init(void)
{
	return register_kprobe(&slow_notify_kp);
}

static void __exit slow_notify_exit(void)
{
	unregister_kprobe(&slow_notify_kp);
}

module_init(slow_notify_init);
module_exit(slow_notify_exit);
MODULE_DESCRIPTION("daxkit test: stalls dax_pmem's failure notices");
MODULE_LICENSE("GPL");
