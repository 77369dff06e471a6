// The bad-input table (docs/errors.md): every malformed input a researcher can plausibly give
// xpusim, run through the real binary. Each must end with its exit code and one clear message
// naming where and what, never a crash, an internal error, or a result file.
#include <gtest/gtest.h>
#include <unistd.h>

#include <optional>

#include "cli_test_support.hpp"

namespace xpusim::cli {
namespace {

namespace fs = std::filesystem;
using testing::run_xpusim;

struct BadInput {
  const char* name;
  std::string scenario;              // written to s.yaml
  std::optional<std::string> trace;  // written to t.trace when present
  std::string args;                  // after "run s.yaml --out out -q"; a leading '!' replaces it
  int exit_code;
  std::string fragment;  // must appear in the first line of stderr
};

const std::string kHw = "hardware: {preset: h100-sxm}\n";
const std::string kModel = "model: {preset: llama-3-8b}\n";
const std::string kLoad = "workload: {source: synthetic, rate_per_s: 4, num_requests: 20}\n";
const std::string kOk = kHw + kModel + kLoad;

std::string with_workload(const std::string& workload) { return kHw + kModel + "workload: " + workload + "\n"; }
std::string trace_of(const std::string& format) {
  return with_workload("{source: trace, format: " + format + ", path: t.trace}");
}
std::string alias_bomb() {
  std::string s = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 9; ++i) {
    const std::string prev = "*a" + std::to_string(i - 1);
    s += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) s += (k ? ", " : "") + prev;
    s += "]\n";
  }
  return s + kOk;
}
std::string deep_nesting() { return "x: " + std::string(5000, '[') + std::string(5000, ']') + "\n" + kOk; }

const std::string kAzureHeader = "TIMESTAMP,ContextTokens,GeneratedTokens\n";
const std::string kXpHeader = "arrival_s,prompt_tokens,output_tokens\n";
const std::string kXpFull =
    "arrival_s,prompt_tokens,output_tokens,tenant,session,priority,ttft_slo_s,tpot_slo_s,prefix_hashes\n";
const std::string kBgHeader = "Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n";
const std::string kMcRow = R"({"timestamp": 10, "input_length": 14, "output_length": 5, "hash_ids": [0]})";

const std::string kSoc =
    "system: soc\nsoc: {preset: snapdragon-x-elite}\nmodel: {preset: llama-2-7b, dtype: int4}\n"
    "flow_scheduling: {policy: static_partition}\n";
const std::string kSocDir = kSoc + "workload: {source: trace, trace_path: .}\n";
const std::string kSocTrace = kSoc + "workload: {source: trace, trace_path: t.trace}\n";
const std::string kAgentHeader = "flow_id,class,arrival_s,prompt_tokens,output_tokens,think_s,tool_wait_s\n";
const std::string kMoeBase =
    "system: moe\nhardware: {preset: h100-sxm}\nmodel: {preset: mixtral-8x7b, num_layers: 2}\n"
    "cluster: {nodes: 1, gpus_per_node: 8}\nrun: {mode: serving, steps: 4, tokens_per_micro_batch: 4}\n";
const std::string kMoe = kMoeBase + "routing: {source: trace, path: t.trace}\n";
const std::string kMoeDir = kMoeBase + "routing: {source: trace, path: .}\n";
const std::string kRoutingHeader = "micro_batch,layer,e0,e1,e2,e3,e4,e5,e6,e7\n";

const std::vector<BadInput>& cases() {
  static const std::vector<BadInput> table = {
      // --- YAML structure ---
      {"TabIndentation", "a: 1\n\tb: 2\n", {}, "", 1, "s.yaml:2:1: malformed YAML"},
      {"UnclosedFlowMap", "hardware: {preset: h100-sxm\n", {}, "", 1, "s.yaml:2:1: malformed YAML"},
      {"TopLevelList", "- a\n- b\n", {}, "", 1, "s.yaml:1:1: expected a YAML map of sections"},
      {"TopLevelScalar", "hello\n", {}, "", 1, "expected a YAML map of sections at the top level"},
      {"InvalidUtf8", "name: caf\xc3\x28\n" + kOk, {}, "", 1, "s.yaml:1:10: not UTF-8 text (byte 0xc3)"},
      {"Utf16ByteOrderMark", "\xff\xfe" "a\0:\0 \0" "1\0", {}, "", 1, "s.yaml:1:1: not UTF-8 text (byte 0xff)"},
      {"OverlongUtf8", "name: \xc0\xaf\n" + kOk, {}, "", 1, "s.yaml:1:7: not UTF-8 text"},
      {"NulByte", kOk + std::string("x: 1\0", 5), {}, "", 1, "s.yaml:4:5: a NUL byte"},
      {"AliasBomb", alias_bomb(), {}, "", 1, "s.yaml: YAML expands to more than 1,000,000 nodes"},
      {"AliasInsideItsOwnAnchor", "a: &a [*a]\n" + kOk, {}, "", 1, "YAML expands to more than 1,000,000 nodes"},
      {"NestingTooDeep", deep_nesting(), {}, "", 1, "malformed YAML: nested more than"},
      {"DuplicateTopLevelKey", kOk + "seed: 1\nseed: 2\n", {}, "", 1,
       "s.yaml:5:1: key 'seed': appears twice in the same map (first at line 4)"},
      {"DuplicateKeyInSection", kHw + "model: {preset: llama-3-8b, preset: llama-2-7b}\n" + kLoad, {}, "", 1,
       "key 'preset': appears twice in the same map"},
      {"ListAsMapKey", "hardware: {[1, 2]: 3}\n" + kModel + kLoad, {}, "", 1,
       "a map key must be a plain name, not a list"},
      {"EmptyFile", "", {}, "", 1, "s.yaml: key 'hardware': missing section"},
      {"MissingScenarioFile", "", {}, "!run nope.yaml", 1, "nope.yaml: cannot read file (missing or unreadable)"},
      {"ScenarioIsADirectory", "", {}, "!run .", 1, ".: is a directory (expected a scenario YAML file)"},
      {"PresetIsADevice", kHw + "model: {preset: /dev/zero}\n" + kLoad, {}, "", 1,
       "key 'model.preset': no preset '/dev/zero'"},
      {"ScenarioIsADevice", "", {}, "!run /dev/zero", 1, "/dev/zero: not a regular file (expected a scenario YAML file)"},
      {"PresetNamingAPreset", kHw + "model: {preset: ./m.yaml}\n" + kLoad, {}, "", 1,
       "m.yaml:1:1: key 'preset': unknown key"},
      // --- wrong types, bad numbers ---
      {"SeedNotAnInteger", kOk + "seed: twelve\n", {}, "", 1, "s.yaml:4:7: key 'seed': expected an integer >= 0, got 'twelve'"},
      {"SeedNegative", kOk + "seed: -3\n", {}, "", 1, "key 'seed': expected an integer >= 0, got -3"},
      {"SeedOverflowsInt64", kOk + "seed: 99999999999999999999999\n", {}, "", 1, "key 'seed': expected an integer >= 0"},
      {"HorizonNotANumber", kOk + "horizon_s: soon\n", {}, "", 1, "key 'horizon_s': expected a number in [0, 9e+09] (s), got 'soon'"},
      {"HorizonNegative", kOk + "horizon_s: -1\n", {}, "", 1, "key 'horizon_s': expected a number in [0, 9e+09]"},
      {"HorizonOverflowsInt64Ns", kOk, {}, "--set horizon_s=1e300", 1, "--set horizon_s=1e300: key 'horizon_s': expected a number in [0, 9e+09]"},
      {"HorizonInfinite", kOk + "horizon_s: .inf\n", {}, "", 1, "key 'horizon_s': expected a number in [0, 9e+09] (s), got '.inf'"},
      {"HorizonNaN", kOk + "horizon_s: .nan\n", {}, "", 1, "key 'horizon_s': expected a number in [0, 9e+09] (s), got '.nan'"},
      {"HorizonAList", kOk + "horizon_s: [1, 2]\n", {}, "", 1, "key 'horizon_s': expected a number in [0, 9e+09] (s), got a list"},
      {"RateZero", with_workload("{source: synthetic, rate_per_s: 0}"), {}, "", 1, "key 'workload.rate_per_s': expected a number in (0, 1e+09]"},
      {"RateNegative", with_workload("{source: synthetic, rate_per_s: -4}"), {}, "", 1, "key 'workload.rate_per_s': expected a number in (0, 1e+09]"},
      {"RateNaN", with_workload("{source: synthetic, rate_per_s: .nan}"), {}, "", 1, "key 'workload.rate_per_s'"},
      {"RateHuge", with_workload("{source: synthetic, rate_per_s: 1e300}"), {}, "", 1, "key 'workload.rate_per_s': expected a number in (0, 1e+09]"},
      {"RateTinyOverflowsTime", with_workload("{source: synthetic, rate_per_s: 1e-300}"), {}, "", 1,
       "would arrive at 6.25e+298 s, past the simulable 9.2e9 s (int64 ns); raise workload.rate_per_s"},
      {"RateMissing", with_workload("{source: synthetic}"), {}, "", 1, "key 'workload.rate_per_s': missing required key"},
      {"SessionRateTinyOverflowsTime", with_workload("{source: sessions, session_rate_per_s: 1e-300, num_sessions: 3}"), {}, "", 1,
       "past the simulable 9.2e9 s (int64 ns); raise workload.session_rate_per_s"},
      {"NumRequestsZero", with_workload("{source: synthetic, rate_per_s: 1, num_requests: 0}"), {}, "", 1, "key 'workload.num_requests': expected an integer in [1, 1e+09]"},
      {"NumRequestsFractional", with_workload("{source: synthetic, rate_per_s: 1, num_requests: 1.5}"), {}, "", 1, "got '1.5'"},
      {"NumRequestsTooLarge", with_workload("{source: synthetic, rate_per_s: 1, num_requests: 1e12}"), {}, "", 1, "key 'workload.num_requests': expected an integer in [1, 1e+09]"},
      {"NumRequestsWithGarbage", with_workload("{source: synthetic, rate_per_s: 1, num_requests: 12abc}"), {}, "", 1, "got '12abc'"},
      {"InstancesZero", kOk, {}, "--set cluster.instances=0", 1, "key 'cluster.instances': expected an integer in [1, 100000], got 0"},
      {"TooManyDevices", kOk + "cluster: {instances: 20000}\n", {}, "", 1, "key 'cluster.instances': scenario too large: 20000 instances x 1 devices = 20000 devices (the limit is 16384)"},
      {"TooManyDevicesWithTP", kOk + "cluster: {instances: 9000, tensor_parallel: 2}\n", {}, "", 1, "scenario too large: 9000 instances x 2 devices = 18000 devices"},
      {"TensorParallelNotDividingHeads", kOk + "cluster: {tensor_parallel: 3}\n", {}, "", 1, "do not split evenly over tensor_parallel = 3"},
      {"BlockSizeZero", kOk + "instance: {block_size: 0}\n", {}, "", 1, "key 'instance.block_size': expected an integer in [1, 4096] (tokens), got 0"},
      {"MemoryUtilisationAboveOne", kOk + "instance: {gpu_memory_utilization: 1.5}\n", {}, "", 1, "key 'instance.gpu_memory_utilization': expected a number in (0, 1], got 1.5"},
      {"DeviceMemoryNegative", "hardware: {preset: h100-sxm, memory_gb: -80}\n" + kModel + kLoad, {}, "", 1, "key 'hardware.memory_gb': expected a number > 0 (GB), got -80"},
      {"IdlePowerAboveMax", kOk, {}, "--set hardware.max_power_w=10", 1, "key 'hardware.idle_power_w': idle_power_w (75 W) exceeds max_power_w (10 W)"},
      {"ModelZeroLayers", kHw + "model: {preset: llama-3-8b, num_layers: 0}\n" + kLoad, {}, "", 1, "key 'model.num_layers': expected an integer >= 1, got 0"},
      {"ModelDoesNotFit", "hardware: {preset: l4}\nmodel: {preset: llama-2-70b}\n" + kLoad, {}, "", 1, "model 'llama-2-70b' does not fit"},
      // A name for a section is a preset name (`hardware: h100-sxm`); an unknown one says where it looked.
      {"SectionIsAScalar", "hardware: 5\n" + kModel + kLoad, {}, "", 1, "s.yaml:1:11: key 'hardware.preset': no preset '5'"},
      {"WorkloadIsAList", kHw + kModel + "workload: [1, 2]\n", {}, "", 1, "key 'workload'"},
      {"BooleanNotTrueOrFalse", kOk + "batching: {policy: sarathi, dynamic_chunking: yes}\n", {}, "", 1, "key 'batching.dynamic_chunking': expected true or false, got 'yes'"},
      {"ChoiceNotListed", with_workload("{source: synthetic, rate_per_s: 1, arrival: weibull}"), {}, "", 1, "key 'workload.arrival': expected one of: poisson gamma, got weibull"},
      // --- unknown names ---
      {"UnknownTopLevelKey", kOk + "horizon: 5\n", {}, "", 1, "s.yaml:4:1: key 'horizon': unknown key (expected one of: system, name, seed, horizon_s"},
      {"UnknownKeyInSection", kOk + "cluster: {instance: 2}\n", {}, "", 1, "key 'cluster.instance': unknown key"},
      {"UnknownSystemKind", kOk + "system: quantum\n", {}, "", 1, "key 'system': unknown system kind 'quantum' (expected one of serving"},
      {"UnknownRouter", kOk + "cluster: {router: {policy: random}}\n", {}, "", 1, "key 'cluster.router.policy': unknown router 'random' (expected one of: least_kv_load"},
      {"UnknownBatchingPolicy", kOk + "batching: {policy: fifo}\n", {}, "", 1, "key 'batching.policy': unknown batching policy 'fifo'"},
      {"UnknownMigrationPolicy", kOk + "cluster: {migration: {policy: teleport}}\n", {}, "", 1, "key 'cluster.migration.policy': unknown"},
      {"UnknownWorkloadSource", with_workload("{source: magic}"), {}, "", 1, "key 'workload.source': unknown"},
      {"UnknownHardwarePreset", "hardware: {preset: b900}\n" + kModel + kLoad, {}, "", 1, "key 'hardware.preset': no preset 'b900'"},
      {"UnknownModelPreset", kHw + "model: {preset: gpt-9}\n" + kLoad, {}, "", 1, "key 'model.preset': no preset 'gpt-9'"},
      {"UnknownExecutionModel", kOk + "execution: {model: oracle}\n", {}, "", 1, "key 'execution.model': unknown"},
      {"UnknownTraceFormat", with_workload("{source: trace, format: parquet, path: t.trace}"), {}, "", 1, "key 'workload.format': expected one of: azure xpusim burstgpt mooncake, got parquet"},
      // --- command line ---
      {"OverrideMapWithBadValue", kOk, {}, "--set 'cluster={instances: 0}'", 1, "--set cluster={instances: 0}: key 'cluster.instances': expected an integer in [1, 100000], got 0"},
      {"OverrideWithEmptyKeyPart", kOk, {}, "--set seed.=1", 1, "--set seed.=1: key 'seed.': a dotted key has no empty parts"},
      {"OverrideNotUtf8", kOk, {}, "--set 'name=caf\xff'", 1, "not UTF-8 text; overrides must be UTF-8"},
      {"OverrideWithoutEquals", kOk, {}, "--set seed", 1, "--set seed: expected KEY=VALUE"},
      {"OverrideThroughAScalar", kOk, {}, "--set hardware.preset.x=1", 1, "--set hardware.preset.x=1: key 'hardware.preset.x': 'preset' is not a map"},
      {"OverrideWithAliasBomb", kOk, {}, "--set 'x=&a [*a]'", 1, "key 'x': value rejected"},
      {"UnknownCommandLineFlag", kOk, {}, "--frobnicate", 2, "frobnicate"},
      {"MaxEventsNotANumber", kOk, {}, "--max-events lots", 2, "max-events"},
      {"MaxWallNegative", kOk, {}, "--max-wall-s -1", 2, "max-wall-s"},
      // --- traces ---
      {"TraceMissing", trace_of("azure"), {}, "", 1, "t.trace: cannot open trace file"},
      {"TraceIsADirectory", with_workload("{source: trace, format: azure, path: .}"), {}, "", 1, "is a directory (expected a trace file)"},
      {"TraceIsADevice", with_workload("{source: trace, format: xpusim, path: /dev/zero}"), {}, "", 1, "/dev/zero: is a device (expected a trace file or a pipe)"},
      {"TraceEmpty", trace_of("azure"), "", "", 1, "t.trace: empty file (expected the header TIMESTAMP,ContextTokens,GeneratedTokens)"},
      {"TraceHeaderOnly", trace_of("azure"), kAzureHeader, "", 1, "t.trace: no data rows after the header"},
      {"TraceWrongHeader", trace_of("azure"), "TIME,Ctx,Gen\n2024-01-01 00:00:01.0,10,5\n", "", 1, "t.trace:1: header 'TIME,Ctx,Gen' is not an Azure trace header"},
      {"TraceUnsortedTimestamps", trace_of("azure"), kAzureHeader + "2024-01-01 00:00:01.0,10,5\n2024-01-01 00:00:00.5,10,5\n", "", 1, "t.trace:3: TIMESTAMP '2024-01-01 00:00:00.5' goes backwards"},
      {"TraceTruncatedRow", trace_of("azure"), kAzureHeader + "2024-01-01 00:00:01.0,10\n", "", 1, "t.trace:2: row has 2 fields (expected 3"},
      {"TraceNegativeTokens", trace_of("azure"), kAzureHeader + "2024-01-01 00:00:01.0,-10,5\n", "", 1, "t.trace:2: ContextTokens '-10' is out of range"},
      {"TraceTokensOverflowInt32", trace_of("azure"), kAzureHeader + "2024-01-01 00:00:01.0,99999999999,5\n", "", 1, "ContextTokens '99999999999' is out of range (expected an integer in [1, 2147483647])"},
      {"TraceImpossibleDate", trace_of("azure"), kAzureHeader + "2024-13-45 00:00:01.0,10,5\n", "", 1, "TIMESTAMP '2024-13-45 00:00:01.0' is not a valid timestamp"},
      {"TraceDateOutsideInt64Ns", trace_of("azure"), kAzureHeader + "9999-01-01 00:00:01.0,10,5\n", "", 1, "between years 1678 and 2261"},
      {"TraceGarbageBytes", trace_of("azure"), kAzureHeader + "\xff\xfe\xc3,10,5\n", "", 1, "t.trace:2: TIMESTAMP"},
      {"TraceArrivalNaN", trace_of("xpusim"), kXpHeader + "nan,10,5\n", "", 1, "t.trace:2: arrival_s 'nan' is not a valid arrival"},
      {"TraceArrivalInfinite", trace_of("xpusim"), kXpHeader + "inf,10,5\n", "", 1, "arrival_s 'inf' is not a valid arrival"},
      {"TraceArrivalOverflowsInt64Ns", trace_of("xpusim"), kXpHeader + "1e300,10,5\n", "", 1, "arrival_s '1e300' is not a valid arrival (expected a non-negative number of seconds below 9.2e9)"},
      {"TraceArrivalNegative", trace_of("xpusim"), kXpHeader + "-1,10,5\n", "", 1, "arrival_s '-1' is not a valid arrival"},
      {"TraceXpusimUnsorted", trace_of("xpusim"), kXpHeader + "2,10,5\n1,10,5\n", "", 1, "t.trace:3: arrival_s '1' goes backwards"},
      {"TraceZeroPrompt", trace_of("xpusim"), kXpHeader + "1,0,5\n", "", 1, "prompt_tokens '0' is out of range"},
      {"TraceExtraField", trace_of("xpusim"), kXpHeader + "1,10,5,7\n", "", 1, "t.trace:2: row has 4 fields (expected 3, as in the header)"},
      {"TraceUnknownColumn", trace_of("xpusim"), "arrival_s,prompt_tokens,output_tokens,colour\n1,10,5,red\n", "", 1, "t.trace:1: unknown column 'colour' in header"},
      {"TraceNegativeSlo", trace_of("xpusim"), kXpFull + "1,10,5,a,1,0,-1,,\n", "", 1, "ttft_slo_s '-1' is too small"},
      {"TraceBadPrefixHash", trace_of("xpusim"), kXpFull + "1,10,5,a,1,0,,,1;x;3\n", "", 1, "prefix_hashes element 'x' is not an unsigned 64-bit integer"},
      {"TraceTenantNotUtf8", trace_of("xpusim"), "arrival_s,prompt_tokens,output_tokens,tenant\n1,10,5,\xff\xfe\n", "", 1, "t.trace:2: tenant is not UTF-8 text"},
      {"TraceBurstGptEmpty", trace_of("burstgpt"), kBgHeader, "", 1, "no data rows after the header"},
      {"TraceBurstGptUnsorted", trace_of("burstgpt"), kBgHeader + "5,ChatGPT,10,5,15,Conversation log\n1,ChatGPT,10,5,15,Conversation log\n", "", 1, "t.trace:3: Timestamp '1' goes backwards"},
      {"TraceBurstGptTruncated", trace_of("burstgpt"), kBgHeader + "5,ChatGPT,10\n", "", 1, "t.trace:2: row has 3 fields (expected 6"},
      {"TraceMooncakeEmpty", trace_of("mooncake"), "\n\n", "", 1, "t.trace: no data rows"},
      {"TraceMooncakeTruncatedLine", trace_of("mooncake"), R"({"timestamp": 203, "input_length": 1460, "output_len)", "", 1, "t.trace:1: not valid JSON: syntax error while parsing object key - invalid string: missing closing quote"},
      {"TraceMooncakeDuplicateKey", trace_of("mooncake"), R"({"timestamp": 203, "timestamp": 5, "input_length": 14, "output_length": 5})" "\n", "", 1, "t.trace:1: key \"timestamp\" appears twice"},
      {"TraceMooncakeUnsorted", trace_of("mooncake"), kMcRow + "\n" + R"({"timestamp": 2, "input_length": 14, "output_length": 5})" "\n", "", 1, "t.trace:2: timestamp goes backwards"},
      {"TraceMooncakeWrongType", trace_of("mooncake"), R"({"timestamp": 203, "input_length": [1,2], "output_length": 5})" "\n", "", 1, "expected an integer >= 1 for \"input_length\""},
      {"TraceMooncakeNestedLists", trace_of("mooncake"), R"({"timestamp": 1, "input_length": 14, "output_length": 5, "hash_ids": [[[[1]]]]})" "\n", "", 1, "expected a list of unsigned 64-bit integers for \"hash_ids\""},
      {"TraceMooncakeNegativeHash", trace_of("mooncake"), R"({"timestamp": 1, "input_length": 14, "output_length": 5, "hash_ids": [-1]})" "\n", "", 1, "hash_ids element -1 is not valid"},
      {"TraceMooncakeTimestampOverflow", trace_of("mooncake"), R"({"timestamp": 1e30, "input_length": 14, "output_length": 5})" "\n", "", 1, "timestamp 1e30 is out of range"},
      // --- faults section ---
      {"FaultOnMissingInstance", kOk + "faults: {schedule: [{instance: 3, at_s: 1, duration_s: 1}]}\n", {}, "", 1, "key 'faults.schedule.0.instance': is 3 but the cluster has 1 instance(s)"},
      {"FaultZeroDuration", kOk + "faults: {schedule: [{instance: 0, at_s: 1, duration_s: 0}]}\n", {}, "", 1, "key 'faults.schedule.0.duration_s': expected a number in (0, 9e+09]"},
      {"FaultPastInt64Ns", kOk + "faults: {schedule: [{instance: 0, at_s: 8e9, duration_s: 8e9}]}\n", {}, "", 1, "at_s + duration_s is past the simulable 9.2e9 s"},
      {"FaultScheduleNotAList", kOk + "faults: {schedule: 5}\n", {}, "", 1, "key 'faults.schedule': expected a list of {instance, at_s, duration_s}"},
      {"FaultRandomWithoutHorizon", kOk + "faults: {mtbf_s: 100}\n", {}, "", 1, "key 'faults.mtbf_s': random failures never stop by themselves"},
      {"FaultUnknownPolicy", kOk + "faults: {on_failure: retry}\n", {}, "", 1, "key 'faults.on_failure': expected one of: requeue lose, got retry"},
      {"LinkFaultWithoutKvFabric", kOk + "faults: {links: [{host: inst0, at_s: 1, duration_s: 1}]}\n", {}, "", 1, "key 'faults.links.0.host': a colocated cluster without migration has no KV-transfer links"},
      {"LinkFaultUnknownHost", kOk + "cluster: {prefill_instances: 1, decode_instances: 1}\nfaults: {links: [{host: inst0, at_s: 1, duration_s: 1}]}\n", {}, "", 1, "key 'faults.links.0.host': no instance 'inst0' (expected one of: prefill0, decode0)"},
      // --- representable sizes (issue 20: these overflowed int64 ns or an int) ---
      {"ModelVocabOverflowsInt", kHw + "model: {preset: llama-3-8b, vocab: 1e12}\n" + kLoad, {}, "", 1, "key 'model.vocab': expected an integer <= 16777216, got 1000000000000"},
      {"ModelVocabSilentOverflow", kHw + "model: {preset: llama-3-8b, vocab: 1e10}\n" + kLoad, {}, "", 1, "key 'model.vocab': expected an integer <= 16777216"},
      {"ModelHiddenHuge", kOk, {}, "--set model.hidden=9223372036854775807", 1, "--set model.hidden=9223372036854775807: key 'model.hidden': expected an integer <= 1048576"},
      {"ModelParamsPastLimit", kHw + "model: {preset: llama-3-8b, num_layers: 10000, hidden: 1048576, ffn_hidden: 1048576}\n" + kLoad, {}, "", 1, "key 'model.hidden': the model has 3.31e+16 parameters, above the representable 1e15"},
      {"PeakBf16Huge", kOk, {}, "--set hardware.peak_bf16_tflops=1e300", 1, "--set hardware.peak_bf16_tflops=1e300: key 'hardware.peak_bf16_tflops': expected at most 1e+06, got 1e+300"},
      {"PeakFp32Huge", "hardware: {preset: h100-sxm, peak_fp32_tflops: 1e300}\n" + kModel + kLoad, {}, "", 1, "s.yaml:1:48: key 'hardware.peak_fp32_tflops': expected at most 1e+06"},
      {"MemoryBandwidthHuge", kOk, {}, "--set hardware.memory_bw_gbps=1e300", 1, "key 'hardware.memory_bw_gbps': expected at most 1e+06"},
      {"MemoryBandwidthTiny", kOk, {}, "--set hardware.memory_bw_gbps=1e-300", 1, "key 'hardware.memory_bw_gbps': expected 0 or at least 1e-06, got 1e-300"},
      {"KvBlocksBeyondDeviceMemory", kOk + "instance: {kv_blocks: 1e15}\n", {}, "", 1, "key 'instance.kv_blocks': 1000000000000000 blocks of 16 tokens need"},
      // --- smaller ones of issue 20 ---
      {"SecondYamlDocument", kOk + "---\nseed: 2\n", {}, "", 1, "s.yaml:4:1: a second YAML document ('---')"},
      {"FaultsFailingTooOften", kOk + "horizon_s: 100\nfaults: {mtbf_s: 1e-9, mttr_s: 1e-9}\n", {}, "", 1, "key 'faults.mtbf_s': about 5e+10 random failures expected"},
      {"OutEmpty", kOk, {}, "!run s.yaml --out '' -q", 2, "an empty directory name"},
      {"SetUnknownKeyNamesTheSet", kOk, {}, "--set cluster.bogus=1", 1, "--set cluster.bogus=1: key 'cluster.bogus': unknown key"},
      // --- echoed input is bounded and escaped ---
      {"TraceFieldWithEscape", trace_of("xpusim"), kXpHeader + "\x1b[31mred\r,10,5\n", "", 1, "t.trace:2: arrival_s '\\x1b[31mred' is not a valid arrival"},
      {"TraceFieldWithNul", trace_of("xpusim"), kXpHeader + std::string("1\0x,10,5\n", 9), "", 1, "arrival_s '1\\0x' is not a valid arrival"},
      {"TraceFieldHuge", trace_of("xpusim"), kXpHeader + std::string(100000, '7') + "x,10,5\n", "", 1, "arrival_s '7777777777"},
      {"TraceFieldNotUtf8", trace_of("azure"), kAzureHeader + "\xc3\x28,10,5\n", "", 1, "TIMESTAMP '\\xc3(' is not a valid timestamp"},
      {"ScenarioValueHuge", kOk + "horizon_s: " + std::string(5000, 'x') + "\n", {}, "", 1, "key 'horizon_s': expected a number in [0, 9e+09] (s), got 'xxxxxxxx"},
      // --- agent-flow traces (system: soc) ---
      {"AgentTraceHeaderOnly", kSocTrace, kAgentHeader, "", 1, "t.trace: no data rows after the header"},
      {"AgentTraceIsADirectory", kSocDir, {}, "", 1, "is a directory (expected a trace file)"},
      {"AgentArrivalHuge", kSocTrace, kAgentHeader + "0,reactive,1e300,180,48,0,0\n", "", 1, "t.trace:2: arrival_s '1e300' is too large (expected a finite number in [0, 9.2e+09])"},
      {"AgentThinkHuge", kSocTrace, kAgentHeader + "0,reactive,0.5,180,48,1e300,0\n", "", 1, "t.trace:2: think_s '1e300' is too large"},
      {"AgentToolWaitHuge", kSocTrace, kAgentHeader + "0,proactive,0.5,180,48,0,1e300\n", "", 1, "t.trace:2: tool_wait_s '1e300' is too large"},
      {"AgentFlowIdHuge", kSocTrace, kAgentHeader + "9223372036854775807,reactive,0.5,180,48,0,0\n", "", 1, "t.trace:2: flow_id '9223372036854775807' is out of range"},
      {"AgentPromptHuge", kSocTrace, kAgentHeader + "0,reactive,0.5,9223372036854775807,48,0,0\n", "", 1, "t.trace:2: prompt_tokens '9223372036854775807' is out of range"},
      {"AgentFlowSpanPastInt64Ns", kSocTrace, kAgentHeader + "0,reactive,0.5,180,48,5e9,0\n0,reactive,0.5,180,48,5e9,0\n", "", 1, "t.trace:3: flow 0 reaches 10000000000 s"},
      // --- MoE routing traces (system: moe; mixtral cut to 2 layers: 2 rows per micro-batch) ---
      {"RoutingTraceIsADirectory", kMoeDir, {}, "", 1, "is a directory (expected a trace file)"},
      {"RoutingTraceHeaderOnly", kMoe, kRoutingHeader, "", 1, "t.trace: no data rows after the header"},
      {"RoutingTraceEmpty", kMoe, "", "", 1, "t.trace: empty routing trace"},
      {"RoutingCountHuge", kMoe, kRoutingHeader + "0,0,1100000000000,0,0,0,0,0,0,4\n0,1,4,4,0,0,0,0,0,0\n", "", 1, "t.trace:2: e0 routes 1100000000000 tokens, more than the micro-batch's 4"},
      {"RoutingRowSumPastTopK", kMoe, kRoutingHeader + "0,0,4,4,4,0,0,0,0,0\n0,1,4,4,0,0,0,0,0,0\n", "", 1, "t.trace:2: the row routes 12 token-expert pairs, more than 4 tokens x top-2 = 8"},
      {"RoutingCountOverflows", kMoe, kRoutingHeader + "0,0,99999999999999999999,0,0,0,0,0,0,0\n", "", 1, "t.trace:2: e0 '99999999999999999999' overflows"},
      {"RoutingCountNegative", kMoe, kRoutingHeader + "0,0,-1,0,0,0,0,0,0,0\n", "", 1, "t.trace:2: e0 '-1' is out of range"},
      {"RoutingCountNotANumber", kMoe, kRoutingHeader + "0,0,\x1b[2J,0,0,0,0,0,0,0\n", "", 1, "t.trace:2: e0 '\\x1b[2J' is not an integer"},
      // --- run guards ---
      {"MaxEventsReached", kOk, {}, "--max-events 50", 4, "run stopped by --max-events: reached 50 events"},
  };
  return table;
}

class BadInputTable : public ::testing::TestWithParam<BadInput> {
 protected:
  fs::path dir = fs::temp_directory_path() /
                 ("xpusim_bad_" + std::to_string(::getpid()) + "_" + GetParam().name);
  void SetUp() override { fs::create_directories(dir); }
  void TearDown() override { fs::remove_all(dir); }
};

TEST_P(BadInputTable, FailsWithItsExitCodeAndOneClearMessage) {
  const BadInput& c = GetParam();
  std::ofstream(dir / "s.yaml", std::ios::binary) << c.scenario;
  if (c.trace) std::ofstream(dir / "t.trace", std::ios::binary) << *c.trace;
  if (c.name == std::string("PresetNamingAPreset"))
    std::ofstream(dir / "m.yaml") << "preset: ./m.yaml\n";
  const std::string args = !c.args.empty() && c.args[0] == '!'
                               ? c.args.substr(1)
                               : "run s.yaml --out out -q " + c.args;
  const auto o = run_xpusim("-q " + args, dir, dir);
  EXPECT_EQ(o.exit_code, c.exit_code) << o.err;
  const std::string first = o.err.substr(0, o.err.find('\n'));
  EXPECT_NE(first.find(c.fragment), std::string::npos) << "first line: " << first << "\nall: " << o.err;
  if (c.exit_code != 2) {
    // Every line is an error message: no internal error, no stack trace, no half sentence.
    std::istringstream lines(o.err);
    for (std::string line; std::getline(lines, line);)
      EXPECT_EQ(line.rfind("error: ", 0), 0U) << line;
  }
  EXPECT_EQ(o.err.find("internal error"), std::string::npos) << o.err;
  EXPECT_FALSE(fs::exists(dir / "out" / "summary.json"));
  EXPECT_TRUE(o.out.empty()) << o.out;
}

INSTANTIATE_TEST_SUITE_P(Cli, BadInputTable, ::testing::ValuesIn(cases()),
                         [](const auto& info) { return std::string(info.param.name); });

// Issue 20 item 1: chunked-prefill policies under KV pressure (256 blocks, 200 requests at 50/s)
// over-allocated the KV block pool (exit 3); admission now leaves the blocks this iteration's
// decodes need (issue 14).
TEST(BadInputKvPressure, ChunkedPrefillPoliciesNeverEndInAnInternalError) {
  const fs::path dir = fs::temp_directory_path() / ("xpusim_kv_pressure_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "s.yaml") << kOk;
  for (const char* policy : {"sarathi", "layered_prefill"}) {
    const auto o = run_xpusim(std::string("-q run s.yaml --out out --force --set batching.policy=") + policy +
                                  " --set instance.kv_blocks=256 --set workload.rate_per_s=50"
                                  " --set workload.num_requests=200",
                              dir, dir);
    EXPECT_TRUE(o.exit_code == 0 || o.exit_code == 1) << policy << ": " << o.exit_code << " " << o.err;
    EXPECT_EQ(o.err.find("internal error"), std::string::npos) << policy << ": " << o.err;
  }
  fs::remove_all(dir);
}

TEST(BadInputTableSize, CoversAtLeastSixtyInputs) { EXPECT_GE(cases().size(), 60U); }

}  // namespace
}  // namespace xpusim::cli
