// Blend search speed (issue 6): a generated 40-ink palette, ≤ 3 inks, 10 parts, 7 dilution steps
// (2 539 180 candidates per session), 3 sessions, the ink-in-skin model of src/pigment.
// Target: the whole plan under 0.5 s on 2 cores. Figures: candidates per second (per core with
// one thread), wall time of the plan with one thread and with all cores.
//   build-x/bench/bench_plan --benchmark_min_time=2
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "pigment/model.hpp"
#include "pigment/palette.hpp"
#include "plan/model_predictor.hpp"
#include "plan/search.hpp"
#include "plan/targets.hpp"

namespace {

using namespace shadematch;

// 40 inks over the range of SMP and hair inks: L* 14–62, hues from blue-grey through neutral to
// warm brown, chroma up to ~30, on a deterministic grid (no randomness: runs compare).
pigment::Palette make_palette_40() {
  pigment::Palette p;
  p.source = "generated 40-ink palette";
  p.name = "bench-40";
  for (int i = 0; i < 40; ++i) {
    pigment::Ink ink;
    ink.id = "ink-" + std::to_string(i + 1);
    ink.name = ink.id;
    const double l = 14.0 + 48.0 * static_cast<double>(i % 8) / 7.0;
    const double hue = (-140.0 + 45.0 * static_cast<double>(i / 8)) * 3.14159265358979 / 180.0;
    const double chroma = 3.0 + 3.0 * static_cast<double>(i % 5);
    ink.given_lab = colour::Lab{l, chroma * std::cos(hue), chroma * std::sin(hue)};
    if (!pigment::complete_ink_reflectance(ink)) throw std::runtime_error("cannot upsample " + ink.id);
    p.inks.push_back(ink);
  }
  p.dilution = {{0, 1}, {2, 1}, {4, 1}, {8, 1}, {12, 1}, {16, 1}, {20, 1}};
  p.max_inks = 3;
  p.parts_total = 10;
  return p;
}

const pigment::Palette& palette() {
  static const pigment::Palette p = make_palette_40();
  return p;
}

void bm_plan(benchmark::State& state) {
  const colour::Lab skin{62.0, 11.0, 17.0};
  const pigment::InkInSkinModel model(palette(), skin);
  const plan::InkInSkinPredictor predictor(model, palette().healing);
  const plan::PlanTargets targets =
      plan::plan_targets({plan::Goal::follicle, 3, 3.0}, {{50.0, 2.0, 3.0}, skin, std::nullopt, 0.3});
  plan::SearchOptions options;
  options.threads = static_cast<unsigned>(state.range(0));
  std::size_t candidates = 0;
  for (auto _ : state) {
    const plan::PlanResult r = plan::plan_blends(palette(), predictor, targets, options);
    candidates = r.candidates;
    benchmark::DoNotOptimize(r.sessions.back().blends.data());
  }
  state.counters["candidates_per_session"] = static_cast<double>(candidates);
  // Candidates predicted and ranked for all sessions, per second of wall time.
  state.counters["candidates_per_s"] = benchmark::Counter(
      static_cast<double>(candidates) * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["threads"] = static_cast<double>(options.threads);
}

// The model alone: one healed-dot prediction per candidate (the hot loop's core).
void bm_predict(benchmark::State& state) {
  const pigment::InkInSkinModel model(palette(), {62.0, 11.0, 17.0});
  colour::Spectrum mixed;
  for (std::size_t b = 0; b < colour::kSpectrumBands; ++b) {
    mixed[b] = (model.ink_ks()[0][b] + model.ink_ks()[9][b] + model.ink_ks()[17][b]) / 3.0;
  }
  double f = 0.25;
  for (auto _ : state) {
    benchmark::DoNotOptimize(model.healed_dot_lab(mixed, f));
    f = f < 0.9 ? f + 1e-7 : 0.25;
  }
  state.counters["predictions_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

// The search's form of it: one mixed ink at the 7 dilution steps at once (SIMD lanes).
void bm_predict_steps(benchmark::State& state) {
  const pigment::InkInSkinModel model(palette(), {62.0, 11.0, 17.0});
  const plan::InkInSkinPredictor predictor(model, palette().healing);
  if (!predictor.simd()) state.SkipWithError("the SIMD path is not in use");
  colour::Spectrum mixed;
  for (std::size_t b = 0; b < colour::kSpectrumBands; ++b) {
    mixed[b] = (model.ink_ks()[0][b] + model.ink_ks()[9][b] + model.ink_ks()[17][b]) / 3.0;
  }
  std::vector<double> fractions;
  for (const pigment::DilutionStep& d : palette().dilution) fractions.push_back(d.pigment_fraction());
  std::vector<colour::Lab> out(fractions.size());
  for (auto _ : state) {
    predictor.healed_dot_labs(mixed, fractions.data(), fractions.size(), out.data());
    benchmark::DoNotOptimize(out.data());
    mixed[0] += 1e-9;
  }
  state.counters["predictions_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(fractions.size()), benchmark::Counter::kIsRate);
}

// `match` end to end on a 24 MP photo (the demo photo enlarged to 6000×4000, JPEG quality 92)
// against cv::imread of the same file, in the same run.
const std::string& photo_24mp() {
  static const std::string path = [] {
    const std::string p =
        (std::filesystem::temp_directory_path() / ("shadematch-bench-24mp-" + std::to_string(::getpid()) + ".jpg"))
            .string();
    const cv::Mat small = cv::imread(std::string(SHADEMATCH_SOURCE_DIR) + "/samples/hand/photo.jpg", cv::IMREAD_COLOR);
    if (small.empty()) throw std::runtime_error("cannot read samples/hand/photo.jpg");
    cv::Mat big;
    cv::resize(small, big, cv::Size(6000, 4000), 0, 0, cv::INTER_CUBIC);
    cv::imwrite(p, big, {cv::IMWRITE_JPEG_QUALITY, 92});
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove(photo_24mp(), ignored);
    });
    return p;
  }();
  return path;
}

void bm_imread_24mp(benchmark::State& state) {
  for (auto _ : state) {
    const cv::Mat m = cv::imread(photo_24mp(), cv::IMREAD_COLOR);
    benchmark::DoNotOptimize(m.data);
  }
}

void bm_match_24mp(benchmark::State& state) {
  // The demo regions (hair 115,205,50,75; scalp 25,205,75,30 on 1024×768) scaled to 6000×4000.
  const std::string cmd = std::string(SHADEMATCH_BINARY) + " match " + photo_24mp() + " --palette " +
                          SHADEMATCH_SOURCE_DIR + "/samples/hand/palette.yaml --hair 674,1068,293,391" +
                          " --scalp 146,1068,439,156 --json >/dev/null 2>&1";
  for (auto _ : state) {
    if (std::system(cmd.c_str()) != 0) {
      state.SkipWithError("shadematch match failed");
      break;
    }
  }
}

}  // namespace

BENCHMARK(bm_imread_24mp)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(bm_match_24mp)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(bm_predict);
BENCHMARK(bm_predict_steps);
BENCHMARK(bm_plan)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_MAIN();
