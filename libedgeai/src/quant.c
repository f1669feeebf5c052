// SPDX-License-Identifier: MIT
#include <errno.h>
#include "tflite-model.h"
EDGEAI_PUBLIC int edgeai_quantize(const struct edgeai_model *model,
				  const struct edgeai_quant_options *opts,
				  struct edgeai_model **ret_model,
				  struct edgeai_quant_report *ret_report, char *errbuf,
				  size_t errbuf_size)
{
	(void)model; (void)opts; (void)ret_model; (void)ret_report;
	return ea_errf(errbuf, errbuf_size, -EOPNOTSUPP, "not yet");
}
