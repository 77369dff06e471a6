#include "xpusim/policy/batching/equinox_batching.hpp"

#include <algorithm>

namespace xpusim::policy {

namespace {

SarathiBatching::Config stall_free_config(const EquinoxBatching::Config& c) {
  SarathiBatching::Config s;
  s.chunk_size = c.chunk_size;
  s.max_num_seqs = c.max_num_seqs;
  s.preemption_mode = c.preemption_mode;
  return s;
}

// The instance's view with the waiting queue cut after the first `limit` requests: the
// stall-free iteration then admits from the head as it would, but never past the KV target.
class CappedWaiting final : public BatchView {
 public:
  CappedWaiting(const BatchView& view, std::size_t limit) : v_(view), limit_(limit) {}
  std::int64_t total_blocks() const override { return v_.total_blocks(); }
  std::int64_t free_blocks() const override { return v_.free_blocks(); }
  std::int32_t block_size() const override { return v_.block_size(); }
  std::size_t running_count() const override { return v_.running_count(); }
  std::size_t decoding_count() const override { return v_.decoding_count(); }
  std::int64_t decode_blocks_needed() const override { return v_.decode_blocks_needed(); }
  std::int64_t pending_prefill_tokens() const override { return v_.pending_prefill_tokens(); }
  std::int64_t oldest_prefill_progress() const override { return v_.oldest_prefill_progress(); }
  std::int64_t running_final_tokens() const override { return v_.running_final_tokens(); }
  std::size_t waiting_count() const override { return std::min(limit_, v_.waiting_count()); }
  WaitingInfo waiting(std::size_t i) const override { return v_.waiting(i); }
  RunningInfo newest_running(std::size_t i) const override { return v_.newest_running(i); }
  std::size_t swapped_count() const override { return v_.swapped_count(); }
  std::int64_t swapped_blocks(std::size_t i) const override { return v_.swapped_blocks(i); }
  std::size_t arrived_count() const override { return v_.arrived_count(); }
  std::int64_t arrived_blocks(std::size_t i) const override { return v_.arrived_blocks(i); }

 private:
  const BatchView& v_;
  std::size_t limit_;
};

}  // namespace

const ParamBinding<EquinoxBatching::Config>& EquinoxBatching::binding() {
  static const auto b =
      ParamBinding<Config>()
          .real(XPUSIM_KEY(Config, kv_target), "",
                "fraction of KV the running batch may fill once every admitted request has "
                "generated its whole output (Equinox's adaptive batch bound)",
                {.min = 0, .max = 1, .min_exclusive = true})
          .integer(XPUSIM_KEY(Config, chunk_size), "tokens",
                   "token budget of one stall-free iteration: decode tokens plus prefill chunk "
                   "tokens",
                   {.min = 1})
          .integer(XPUSIM_KEY(Config, max_num_seqs), "", "most sequences running at once",
                   {.min = 1})
          .choice(XPUSIM_KEY(Config, preemption_mode),
                  {{"recompute", PreemptionMode::Recompute}, {"swap", PreemptionMode::Swap}},
                  "what preemption does with a victim's KV when the target was exceeded: drop "
                  "it and recompute the prefill later, or swap it to host memory")
          .choice("predictor", &Config::noisy_predictor,
                  {{"oracle", false}, {"noisy_oracle", true}},
                  "output lengths the KV target plans with: the truth, or the truth times a "
                  "log-normal error of mean 1 and CV noise_cv (stand-ins for Equinox's MoPE)")
          .real(XPUSIM_KEY(Config, noise_cv), "",
                "noisy_oracle: coefficient of variation of the per-request error factor",
                {.min = 0, .max = 10})
          .integer(XPUSIM_KEY(Config, noise_seed), "",
                   "noisy_oracle: seed of the per-request errors (one draw per request id)",
                   {.min = 0});
  return b;
}

EquinoxBatching::EquinoxBatching(Config config)
    : config_(config),
      predictor_(config.noisy_predictor ? config.noise_cv : 0.0,
                 static_cast<std::uint64_t>(config.noise_seed)),
      stall_free_(stall_free_config(config)) {}

std::int64_t EquinoxBatching::prediction_error(std::uint64_t request_id,
                                               std::int64_t output_tokens) const {
  return predictor_.predict(request_id, output_tokens) - output_tokens;
}

std::size_t EquinoxBatching::within_target(const BatchView& view) const {
  const double target = config_.kv_target * static_cast<double>(view.total_blocks()) *
                        static_cast<double>(view.block_size());
  double footprint = static_cast<double>(view.running_final_tokens());
  if (!predictor_.exact()) {
    // The running sequences' footprint as predicted when they were admitted.
    for (std::size_t i = 0; i < view.running_count(); ++i) {
      const RunningInfo r = view.newest_running(i);
      footprint += static_cast<double>(prediction_error(r.request_id, r.output_tokens));
    }
  }
  std::size_t n = 0;
  while (n < view.waiting_count()) {
    const WaitingInfo w = view.waiting(n);
    footprint += static_cast<double>(w.max_total_tokens);
    if (!predictor_.exact()) footprint += static_cast<double>(prediction_error(w.request_id, w.output_tokens));
    if (footprint > target) break;
    ++n;
  }
  // An empty batch always takes its head (a request longer than the target would otherwise
  // wait forever; the instance rejects what can never fit).
  return n == 0 && view.running_count() == 0 && view.waiting_count() > 0 ? 1 : n;
}

void EquinoxBatching::plan_iteration(const BatchView& view, IterationPlan& plan) {
  const CappedWaiting capped(view, within_target(view));
  stall_free_.plan_iteration(capped, plan);
}

}  // namespace xpusim::policy
