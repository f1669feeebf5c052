/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright 2026 The edgeai authors */

#ifndef __EDGEAI_OF_H__
#define __EDGEAI_OF_H__

#include <linux/errno.h>
#include <linux/types.h>

struct clk;
struct edgeai_device;

/**
 * struct edgeai_of - what a device-tree node gives a device
 * @regs: the register window ("reg"); the simulator backend does not use it
 * @irq: the interrupt ("interrupts"); the simulator backend does not use it
 * @clk: the register interface clock ("clocks"), NULL without one; enabled
 *	while the driver is bound
 * @opp_count: operating points added from the "operating-points-v2" table,
 *	0 when the node has none (the firmware image's are used then)
 *
 * Allocated (devm) by edgeai_of_probe() for devices bound through the
 * of_match table; simulated devices have none.
 */
struct edgeai_of {
	void __iomem *regs;
	int irq;
	struct clk *clk;
	u32 opp_count;
};

#if IS_ENABLED(CONFIG_OF)
int edgeai_of_probe(struct edgeai_device *edev);
int edgeai_of_init(struct edgeai_device *edev);
int edgeai_of_thermal_init(struct edgeai_device *edev);
#else
static inline int edgeai_of_probe(struct edgeai_device *edev)
{
	return 0;
}

static inline int edgeai_of_init(struct edgeai_device *edev)
{
	return 0;
}

static inline int edgeai_of_thermal_init(struct edgeai_device *edev)
{
	return -ENODEV;
}
#endif

#endif /* __EDGEAI_OF_H__ */
