#pragma once
// Clock levels (DVFS operating points) of an engine. A level is a clock and a supply voltage,
// both relative to the engine's top level (the clock its peaks are quoted at and the voltage of
// its busy power). Compute runs at clock x peak; dynamic power follows the CMOS relation
// P_dyn ~ C V^2 f, so a level draws clock * voltage^2 of the engine's dynamic power range
// (docs/soc.md, "DVFS levels"; docs/hardware.md for the serving GPUs' locked clock).
#include <string>
#include <vector>

namespace xpusim::hw {

struct DvfsLevel {
  double clock = 1.0;    // relative to the top level, in (0, 1]
  double voltage = 1.0;  // relative to the top level, in (0, 1]
  // Fraction of the dynamic power range (busy - idle) drawn while busy at this level.
  double dynamic_power_fraction() const { return clock * voltage * voltage; }
};

// "0.5:0.75,0.75:0.875,1:1" -> levels (clock:voltage pairs) in that order; "" -> {} (one
// implicit level at the top). Throws ParamError naming `key` unless every entry is two numbers
// in (0, 1], clocks strictly rise, voltages never fall, and the last level is 1:1.
std::vector<DvfsLevel> parse_dvfs_levels(const std::string& text, const std::string& key);
std::string format_dvfs_levels(const std::vector<DvfsLevel>& levels);

// Relative supply voltage at relative clock `clock` on a straight V-f line from
// `voltage_floor` (clock 0) to 1 (clock 1): the shape a serving GPU's locked clock takes.
double linear_voltage(double clock, double voltage_floor);

}  // namespace xpusim::hw
