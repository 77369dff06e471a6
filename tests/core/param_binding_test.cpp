// ParamBinding: one declaration gives the schema (defaults from the struct) and the binding.
#include "xpusim/core/param_binding.hpp"

#include <gtest/gtest.h>

namespace xpusim {
namespace {

enum class Mode { Fast, Careful };

struct Inner {
  double weight = 0.25;
};

struct Config {
  std::int32_t count = 3;
  double memory_bytes = 2e9;
  Mode mode = Mode::Careful;
  bool on = true;
  std::string label = "a";
  double required_rate = 0;
  Inner inner;
  std::int64_t low = 1, high = 10;
  int parsed_twice = 0;
};

ParamBinding<Inner> inner_binding() {
  return ParamBinding<Inner>().real(XPUSIM_KEY(Inner, weight), "", "w", {.min = 0, .max = 1});
}

const ParamBinding<Config>& binding() {
  static const auto b =
      ParamBinding<Config>()
          .integer(XPUSIM_KEY(Config, count), "", "how many", {.min = 1, .max = 9})
          .real("memory_gb", &Config::memory_bytes, "GB", "memory", {.min = 0})
          .scale(1e9)
          .choice(XPUSIM_KEY(Config, mode), {{"fast", Mode::Fast}, {"careful", Mode::Careful}}, "m")
          .boolean(XPUSIM_KEY(Config, on), "switch")
          .string(XPUSIM_KEY(Config, label), "name")
          .real(XPUSIM_KEY(Config, required_rate), "1/s", "rate")
          .required()
          .group(inner_binding(), &Config::inner)
          .integer(XPUSIM_KEY(Config, low), "", "low")
          .integer(XPUSIM_KEY(Config, high), "", "high")
          .derive([](Config& c) { c.parsed_twice = c.count * 2; })
          .rule([](const Config& c) {
            if (c.low > c.high) throw ParamError("low", "low must not exceed high");
          });
  return b;
}

TEST(ParamBinding, SchemaDefaultsAreTheStructInitialisersInTheKeysUnits) {
  const ParamSchema s = binding().schema();
  ASSERT_EQ(s.decls().size(), 9u);
  EXPECT_EQ(s.find("count")->default_value, ParamValue(std::int64_t{3}));
  EXPECT_EQ(s.find("memory_gb")->default_value, ParamValue(2.0));  // 2e9 bytes in GB
  EXPECT_EQ(s.find("mode")->default_value, ParamValue(std::string("careful")));
  EXPECT_EQ(s.find("mode")->choices, (std::vector<std::string>{"fast", "careful"}));
  EXPECT_EQ(s.find("on")->default_value, ParamValue(true));
  EXPECT_FALSE(s.find("required_rate")->default_value.has_value());
  EXPECT_EQ(s.find("weight")->default_value, ParamValue(0.25));
  EXPECT_EQ(s.find("count")->max, 9);
}

TEST(ParamBinding, BindWritesEachKeyIntoItsFieldThenDerivesAndChecks) {
  const Config c = binding().from({{"required_rate", 4.0},
                                   {"count", std::int64_t{5}},
                                   {"memory_gb", 1.5},
                                   {"mode", std::string("fast")},
                                   {"weight", 0.75}});
  EXPECT_EQ(c.count, 5);
  EXPECT_EQ(c.memory_bytes, 1.5e9);
  EXPECT_EQ(c.mode, Mode::Fast);
  EXPECT_TRUE(c.on);
  EXPECT_EQ(c.label, "a");
  EXPECT_EQ(c.required_rate, 4.0);
  EXPECT_EQ(c.inner.weight, 0.75);
  EXPECT_EQ(c.parsed_twice, 10);
}

TEST(ParamBinding, RequiredKeysBoundsAndRulesNameTheKey) {
  try {
    binding().from({});
    FAIL() << "a missing required key must throw";
  } catch (const ParamError& e) {
    EXPECT_EQ(e.key(), "required_rate");
  }
  EXPECT_THROW(binding().from({{"required_rate", 1.0}, {"count", std::int64_t{10}}}), ParamError);
  try {
    binding().from({{"required_rate", 1.0}, {"low", std::int64_t{11}}});
    FAIL() << "the rule must reject low > high";
  } catch (const ParamError& e) {
    EXPECT_EQ(e.key(), "low");
  }
}

TEST(ParamBinding, ReadAllReportsFieldsInTheKeysUnits) {
  Config c;
  c.memory_bytes = 3e9;
  c.mode = Mode::Fast;
  const auto v = binding().read_all(c);
  EXPECT_EQ(v[1], ParamValue(3.0));
  EXPECT_EQ(v[2], ParamValue(std::string("fast")));
}

// A field of 500 * 1e-9 read back in ns is 500.00000000000006; the documented default is the
// shortest decimal that binds back to exactly the field (500), so defaults round-trip.
TEST(ParamBinding, ScaledAndConvertedDefaultsBindBackToTheStructDefault) {
  struct Timed {
    double latency_s = 500 * 1e-9;
    std::int64_t timeout_ns = 200'000;
  };
  const auto b =
      ParamBinding<Timed>()
          .real("latency_ns", &Timed::latency_s, "ns", "l")
          .scale(1e-9)
          .real_via(
              "timeout_us", [](Timed& t, double us) { t.timeout_ns = std::int64_t(us * 1e3); },
              [](const Timed& t) { return double(t.timeout_ns) / 1e3; }, "us", "t");
  const ParamSchema s = b.schema();
  EXPECT_EQ(s.find("latency_ns")->default_value, ParamValue(500.0));
  EXPECT_EQ(s.find("timeout_us")->default_value, ParamValue(200.0));
  const Timed bound = b.from({});
  EXPECT_EQ(bound.latency_s, Timed{}.latency_s);  // exact, not within a tolerance
  EXPECT_EQ(b.from({{"timeout_us", 1.5}}).timeout_ns, 1500);
}

TEST(ParamBinding, CheckSeesTheValueAsGivenBeforeItIsWritten) {
  struct Narrow {
    int size = 1;
  };
  const auto b = ParamBinding<Narrow>()
                     .integer(XPUSIM_KEY(Narrow, size), "", "s", {.min = 1})
                     .check([](const std::string& key, const ParamValue& v) {
                       if (std::get<std::int64_t>(v) > 1000) throw ParamError(key, "too large");
                     });
  EXPECT_EQ(b.from({{"size", std::int64_t{7}}}).size, 7);
  try {
    b.from({{"size", std::int64_t{1} << 33}});  // would narrow to 0 in an int
    FAIL() << "accepted a size the check rejects";
  } catch (const ParamError& e) {
    EXPECT_EQ(e.key(), "size");
  }
}

}  // namespace
}  // namespace xpusim
