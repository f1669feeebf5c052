// SPDX-License-Identifier: MIT
/*
 * Optimized CPU kernels, chosen at run time. Not written yet: every op goes
 * to the reference kernels.
 */
#include "cpu-opt.h"

int ea_opt_available(void)
{
	return 0;
}

int ea_opt_run(const struct ek_op *o)
{
	(void)o;
	return EA_OPT_NOT_HANDLED;
}
