// SPDX-License-Identifier: GPL-2.0-only
/* Copyright 2026 The edgeai authors */

/*
 * Device tree: what a board's "edgeai,npu" or "edgeai,dsp" node gives a
 * device. The binding is kernel/bindings/edgeai,npu.yaml.
 *
 * edgeai_of_probe(), before the firmware is loaded, checks the node and
 * takes its resources: firmware-name (required in a node: the image carries
 * the board's calibration), the register window, the interrupt, the
 * optional register clock (enabled while bound), and the operating points
 * of its operating-points-v2 table, which go to the OPP core
 * (devm_pm_opp_of_add_table()) for devfreq.
 *
 * edgeai_of_init(), once the image is parsed, makes the table's operating
 * points replace the image's, so that the backend's clock, the maximum
 * frequency userspace sees and the power model follow the board, and
 * checks the cooling maps that name the device.
 *
 * edgeai_of_thermal_init(), once devfreq is up, registers the thermal zone
 * whose thermal-sensors name the device (devm_thermal_of_zone_register())
 * and the devfreq cooling device of the node
 * (of_devfreq_cooling_register()), which the thermal core binds to the
 * trips of every cooling map naming it. The zone's critical trip replaces
 * the image's as the temperature at which the device refuses new jobs.
 *
 * A malformed node fails the probe of that device only, with one dev_err
 * line naming the node and what is wrong with it.
 */

#include <linux/clk.h>
#include <linux/devfreq_cooling.h>
#include <linux/device.h>
#include <linux/io.h>
#include <linux/limits.h>
#include <linux/minmax.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/pm_opp.h>
#include <linux/string.h>
#include <linux/thermal.h>

#include "edgeai_device.h"
#include "edgeai_of.h"
#include "edgeai_thermal.h"

/* Number of operating points in the node's operating-points-v2 table. */
static int edgeai_of_count_opps(struct device *dev, struct device_node *np,
				u32 *count)
{
	u32 n = 0;

	*count = 0;
	if (!of_property_present(np, "operating-points-v2"))
		return 0;

	struct device_node *table __free(device_node) =
		of_parse_phandle(np, "operating-points-v2", 0);
	if (!table)
		return dev_err_probe(dev, -EINVAL,
				     "%pOF: operating-points-v2 does not name a table\n",
				     np);

	for_each_available_child_of_node_scoped(table, opp)
		if (of_property_present(opp, "opp-hz"))
			n++;
	if (!n)
		return dev_err_probe(dev, -EINVAL,
				     "%pOF: operating-points-v2 table %pOF has no operating points\n",
				     np, table);
	if (n > EDGEAI_FW_MAX_OPPS)
		return dev_err_probe(dev, -EINVAL,
				     "%pOF: operating-points-v2 table %pOF has %u operating points, at most %u are supported\n",
				     np, table, n, EDGEAI_FW_MAX_OPPS);
	*count = n;
	return 0;
}

/**
 * edgeai_of_probe() - check a device's node and take its resources
 * @edev: probing device, before its firmware is loaded
 *
 * Does nothing for a device without a device-tree node (a simulated one).
 *
 * Return: 0, or a negative errno after one dev_err line.
 */
int edgeai_of_probe(struct edgeai_device *edev)
{
	struct device *dev = edev->drm.dev;
	struct platform_device *pdev = to_platform_device(dev);
	struct device_node *np = dev_of_node(dev);
	struct edgeai_of *of;
	const char *name;
	u32 cells, opps;
	int ret;

	if (!np)
		return 0;

	ret = of_property_read_string(np, "firmware-name", &name);
	if (ret == -EINVAL)
		return dev_err_probe(dev, ret, "%pOF: missing firmware-name\n", np);
	if (ret || !*name)
		return dev_err_probe(dev, -EINVAL,
				     "%pOF: firmware-name is not a file name\n", np);

	of = devm_kzalloc(dev, sizeof(*of), GFP_KERNEL);
	if (!of)
		return -ENOMEM;

	if (!platform_get_resource(pdev, IORESOURCE_MEM, 0))
		return dev_err_probe(dev, -EINVAL, "%pOF: missing reg\n", np);
	/* devm_platform_ioremap_resource() says why when it fails. */
	of->regs = devm_platform_ioremap_resource(pdev, 0);
	if (IS_ERR(of->regs))
		return PTR_ERR(of->regs);

	of->irq = platform_get_irq_optional(pdev, 0);
	if (of->irq < 0)
		return dev_err_probe(dev, of->irq,
				     "%pOF: missing or unusable interrupts\n", np);

	of->clk = devm_clk_get_optional_enabled(dev, NULL);
	if (IS_ERR(of->clk))
		return dev_err_probe(dev, PTR_ERR(of->clk),
				     "%pOF: cannot enable its clock\n", np);

	if (!of_property_read_u32(np, "#cooling-cells", &cells) && cells != 2)
		return dev_err_probe(dev, -EINVAL,
				     "%pOF: #cooling-cells is %u, must be 2\n",
				     np, cells);

	ret = edgeai_of_count_opps(dev, np, &opps);
	if (ret)
		return ret;
	if (opps) {
		ret = devm_pm_opp_of_add_table(dev);
		if (ret)
			return dev_err_probe(dev, ret,
					     "%pOF: cannot add its operating points\n",
					     np);
		ret = dev_pm_opp_get_opp_count(dev);
		if (ret <= 0)
			return dev_err_probe(dev, -EINVAL,
					     "%pOF: no operating point of its table is supported\n",
					     np);
		of->opp_count = ret;
	}

	edev->of = of;
	return 0;
}

/* Busy power of the image's operating point at or below @khz. */
static u32 edgeai_of_image_power(const struct edgeai_fw_info *image, u32 khz)
{
	u32 i, mw = image->opp[0].power_mw;

	for (i = 0; i < image->opp_count; i++)
		if (image->opp[i].freq_khz <= khz)
			mw = image->opp[i].power_mw;
	return mw;
}

/*
 * The OPP table's operating points replace the image's. The busy power of
 * each is its opp-microwatt, or without one the image's at that clock.
 */
static int edgeai_of_take_opps(struct edgeai_device *edev)
{
	struct device *dev = edev->drm.dev;
	struct edgeai_fw_info *fw = &edev->fw;
	struct edgeai_fw_info image = *fw;
	unsigned long hz = 0, uw;
	struct dev_pm_opp *opp;
	u32 n = 0;

	while (n < ARRAY_SIZE(fw->opp)) {
		opp = dev_pm_opp_find_freq_ceil(dev, &hz);
		if (IS_ERR(opp))
			break;
		if (hz / 1000 > U32_MAX || (n && hz / 1000 <= fw->opp[n - 1].freq_khz) ||
		    hz < 1000) {
			dev_pm_opp_put(opp);
			return dev_err_probe(dev, -EINVAL,
					     "%pOF: operating point of %lu Hz is not a distinct kHz clock\n",
					     dev_of_node(dev), hz);
		}
		fw->opp[n].freq_khz = hz / 1000;
		fw->opp[n].voltage_uv = min_t(unsigned long,
					      dev_pm_opp_get_voltage(opp), U32_MAX);
		uw = dev_pm_opp_get_power(opp);
		dev_pm_opp_put(opp);
		fw->opp[n].power_mw = uw ? min_t(unsigned long, uw / 1000, U32_MAX) :
				      edgeai_of_image_power(&image, hz / 1000);
		n++;
		hz++;
	}
	fw->opp_count = n;
	return 0;
}

/*
 * Checks one entry of a zone's cooling-maps: where its cooling-device list
 * names @np, the device must have #cooling-cells, the states must lie in
 * 0..@max_state (or be THERMAL_NO_LIMIT) with the lower one first, and the
 * trip must be one of the zone's.
 */
static int edgeai_of_check_map(struct device *dev, struct device_node *np,
			       struct device_node *zone, struct device_node *map,
			       u32 max_state)
{
	struct of_phandle_args spec;
	bool named = false;
	u32 lower, upper;
	int i;

	/* Without #cooling-cells a node counts as taking no cells. */
	for (i = 0; !of_parse_phandle_with_optional_args(map, "cooling-device",
							 "#cooling-cells", i,
							 &spec); i++) {
		of_node_put(spec.np);
		if (spec.np != np)
			continue;
		named = true;
		if (spec.args_count != 2)
			return dev_err_probe(dev, -EINVAL,
					     "%pOF: cooling-device names %pOF, which has no #cooling-cells = <2>\n",
					     map, np);
		lower = spec.args[0];
		upper = spec.args[1];
		if ((lower != THERMAL_NO_LIMIT && lower > max_state) ||
		    (upper != THERMAL_NO_LIMIT && upper > max_state) ||
		    (lower != THERMAL_NO_LIMIT && upper != THERMAL_NO_LIMIT &&
		     lower > upper))
			return dev_err_probe(dev, -EINVAL,
					     "%pOF: cooling states <%d %d> of %pOF are not within 0..%u, lowest first\n",
					     map, (int)lower, (int)upper, np,
					     max_state);
	}
	if (!named)
		return 0;

	struct device_node *trip __free(device_node) =
		of_parse_phandle(map, "trip", 0);
	struct device_node *trips __free(device_node) =
		trip ? of_get_parent(trip) : NULL;
	struct device_node *owner __free(device_node) =
		trips ? of_get_parent(trips) : NULL;

	if (!owner || owner != zone || !of_node_name_eq(trips, "trips"))
		return dev_err_probe(dev, -EINVAL,
				     "%pOF: trip does not name one of the trips of %pOF\n",
				     map, zone);
	return 0;
}

/* Every cooling map naming the device, in every thermal zone. */
static int edgeai_of_check_cooling_maps(struct edgeai_device *edev,
					u32 max_state)
{
	struct device *dev = edev->drm.dev;
	struct device_node *np = dev_of_node(dev);
	int ret;

	struct device_node *zones __free(device_node) =
		of_find_node_by_path("/thermal-zones");
	if (!zones)
		return 0;

	for_each_available_child_of_node_scoped(zones, zone) {
		struct device_node *maps __free(device_node) =
			of_get_child_by_name(zone, "cooling-maps");

		if (!maps)
			continue;
		for_each_child_of_node_scoped(maps, map) {
			ret = edgeai_of_check_map(dev, np, zone, map, max_state);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/**
 * edgeai_of_init() - apply the node once the firmware image is parsed
 * @edev: probing device with its image parsed into @edev->fw
 *
 * The node's operating points replace the image's; the cooling maps naming
 * the device are checked against their number (one cooling state each).
 *
 * Return: 0, or a negative errno after one dev_err line.
 */
int edgeai_of_init(struct edgeai_device *edev)
{
	int ret;

	if (!edev->of)
		return 0;
	if (edev->of->opp_count) {
		ret = edgeai_of_take_opps(edev);
		if (ret)
			return ret;
	}
	return edgeai_of_check_cooling_maps(edev, edev->fw.opp_count - 1);
}

static int edgeai_of_tz_get_temp(struct thermal_zone_device *tz, int *temp)
{
	return edgeai_thermal_temp(thermal_zone_device_priv(tz), temp);
}

/* Instead of the thermal core's emergency shutdown, as edgeai_thermal.c. */
static void edgeai_of_tz_critical(struct thermal_zone_device *tz)
{
	edgeai_thermal_is_critical(thermal_zone_device_priv(tz));
}

static const struct thermal_zone_device_ops edgeai_of_tz_ops = {
	.get_temp = edgeai_of_tz_get_temp,
	.critical = edgeai_of_tz_critical,
};

/* Runs before the zone's own devm release unregisters it. */
static void edgeai_of_tz_forget(void *data)
{
	struct edgeai_device *edev = data;

	edev->tz = NULL;
}

static void edgeai_of_cooling_unregister(void *data)
{
	struct edgeai_device *edev = data;

	devfreq_cooling_unregister(edev->cooling);
	edev->cooling = NULL;
}

static int edgeai_of_lowest_passive(struct thermal_trip *trip, void *data)
{
	int *passive = data;

	if (trip->type == THERMAL_TRIP_PASSIVE && trip->temperature < *passive)
		*passive = trip->temperature;
	return 0;
}

/**
 * edgeai_of_thermal_init() - the node's thermal zone and cooling device
 * @edev: probing device with devfreq set up (or without devfreq: no
 *	cooling device)
 *
 * Registers the zone whose thermal-sensors name the device, if there is
 * one, with the device as its sensor; its critical (and lowest passive)
 * trip replace the image's. Registers the devfreq cooling device on the
 * node, so that the thermal core binds it to every cooling map naming the
 * node. Logs one line naming the node with what it gave the device.
 *
 * Return: 0, or a negative errno after one dev_err line.
 */
int edgeai_of_thermal_init(struct edgeai_device *edev)
{
	struct device *dev = edev->drm.dev;
	struct device_node *np = dev_of_node(dev);
	struct thermal_cooling_device *cdev;
	struct thermal_zone_device *tz;
	int temp, ret;

	tz = devm_thermal_of_zone_register(dev, 0, edev, &edgeai_of_tz_ops);
	if (IS_ERR(tz)) {
		if (PTR_ERR(tz) != -ENODEV)
			return dev_err_probe(dev, PTR_ERR(tz),
					     "%pOF: cannot register the thermal zone naming it\n",
					     np);
		tz = NULL;
	}
	if (tz) {
		edev->tz = tz;
		ret = devm_add_action_or_reset(dev, edgeai_of_tz_forget, edev);
		if (ret)
			return ret;
		if (!thermal_zone_get_crit_temp(tz, &temp))
			edev->fw.thermal.critical_mc = temp;
		temp = INT_MAX;
		thermal_zone_for_each_trip(tz, edgeai_of_lowest_passive, &temp);
		if (temp != INT_MAX)
			edev->fw.thermal.passive_mc = temp;
	}

	if (edev->devfreq) {
		cdev = of_devfreq_cooling_register(np, edev->devfreq);
		if (IS_ERR(cdev))
			return dev_err_probe(dev, PTR_ERR(cdev),
					     "%pOF: cannot register its cooling device\n",
					     np);
		edev->cooling = cdev;
		ret = devm_add_action_or_reset(dev, edgeai_of_cooling_unregister,
					       edev);
		if (ret)
			return ret;
	}

	dev_info(dev, "%pOF: %u operating points %u-%u MHz%s, thermal zone %s (passive %d mC, critical %d mC), %s\n",
		 np, edev->fw.opp_count, edev->fw.opp[0].freq_khz / 1000,
		 edev->fw.opp[edev->fw.opp_count - 1].freq_khz / 1000,
		 edev->of->opp_count ? " from its OPP table" : " from the firmware image",
		 tz ? thermal_zone_device_type(tz) : "(none)",
		 edev->fw.thermal.passive_mc, edev->fw.thermal.critical_mc,
		 edev->cooling ? "cooling device" : "no cooling device (no devfreq)");
	return 0;
}
