// `shadematch serve` (issue 17): upload-to-plan time for a 12 MP photo against the CLI's `match`
// on the same file, in the same run (goal: the page ≤ 2× the CLI), and 20 uploads at once.
//
// The photo: samples/scalp/photo.jpg (1800×1200, a card and follicle dots) enlarged ×2.357 to
// 4243×2828 (12.0 MP) with INTER_CUBIC, JPEG quality 92, in the temporary directory; its regions
// (samples/scalp/photo.jpg.regions.yaml) scaled the same. Both sides are given the same regions and
// --today, and both answers are checked to be the same bytes before timing.
// The page asks with preview=1 and then fetches the PNG the answer names: the *_preview pair times
// that whole round (POST + GET) against `match --preview OUT.png --json`, which makes the same PNG.
//   build/bench/bench_serve
#include <signal.h>
#include <unistd.h>

#include <benchmark/benchmark.h>
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>
#include <thread>

#include "server/server_process.hpp"
#include "support/paths.hpp"

namespace {

using shadematch::test::FormPart;

constexpr double kScale = 4243.0 / 1800.0;
const std::string kToday = "2026-12-01";

std::string scaled(int x, int y, int w, int h) {
  const auto s = [](int v) { return std::to_string(static_cast<int>(v * kScale)); };
  return s(x) + "," + s(y) + "," + s(w) + "," + s(h);
}
const std::string& hair() {
  static const std::string r = scaled(952, 88, 760, 496);
  return r;
}
const std::string& scalp() {
  static const std::string r = scaled(952, 616, 760, 496);
  return r;
}

const std::string& photo_12mp() {
  static const std::string path = [] {
    const std::string p =
        (std::filesystem::temp_directory_path() / ("shadematch-bench-12mp-" + std::to_string(::getpid()) + ".jpg"))
            .string();
    const cv::Mat small = cv::imread(std::string(SHADEMATCH_SOURCE_DIR) + "/samples/scalp/photo.jpg", cv::IMREAD_COLOR);
    if (small.empty()) throw std::runtime_error("cannot read samples/scalp/photo.jpg");
    cv::Mat big;
    cv::resize(small, big, cv::Size(4243, 2828), 0, 0, cv::INTER_CUBIC);
    cv::imwrite(p, big, {cv::IMWRITE_JPEG_QUALITY, 92});
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove(photo_12mp(), ignored);
    });
    return p;
  }();
  return path;
}

shadematch::test::ServerProcess& server() {
  static shadematch::test::ServerProcess s({"--palette", std::string(SHADEMATCH_SOURCE_DIR) + "/palettes/house.yaml"});
  return s;
}

std::vector<FormPart> form(const std::string& bytes, const std::string& name, const std::string& h,
                           const std::string& s) {
  return {{"photo", bytes, name, "image/jpeg"}, {"hair", h}, {"scalp", s}, {"today", kToday}};
}

std::vector<std::string> cli_args() {
  return {"match",   photo_12mp(), "--palette", std::string(SHADEMATCH_SOURCE_DIR) + "/palettes/house.yaml",
          "--hair",  hair(),       "--scalp",   scalp(),
          "--today", kToday,       "--json"};
}

const std::string& preview_out() {
  static const std::string p =
      (std::filesystem::temp_directory_path() / ("shadematch-bench-preview-" + std::to_string(::getpid()) + ".png"))
          .string();
  return p;
}

std::vector<std::string> cli_preview_args() {
  std::vector<std::string> a = cli_args();
  a.push_back("--preview");
  a.push_back(preview_out());
  return a;
}

void bm_imread_12mp(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(cv::imread(photo_12mp(), cv::IMREAD_COLOR).data);
}

void bm_cli_match_12mp(benchmark::State& state) {
  const std::vector<std::string> args = cli_args();
  for (auto _ : state) {
    if (shadematch::test::run_cli(args).exit_code != 0) {
      state.SkipWithError("shadematch match failed");
      break;
    }
  }
}

void bm_serve_upload_to_plan_12mp(benchmark::State& state) {
  const std::string bytes = shadematch::test::read_binary_file(photo_12mp());
  const std::string expected = shadematch::test::run_cli(cli_args()).out;
  for (auto _ : state) {
    const auto r =
        shadematch::test::http_post_form(server().port(), "/api/match", form(bytes, photo_12mp(), hair(), scalp()));
    if (r.status != 200 || r.body != expected) {
      state.SkipWithError("POST /api/match did not answer what match --json prints");
      break;
    }
  }
}

void bm_cli_match_preview_12mp(benchmark::State& state) {
  const std::vector<std::string> args = cli_preview_args();
  for (auto _ : state) {
    if (shadematch::test::run_cli(args).exit_code != 0) {
      state.SkipWithError("shadematch match --preview failed");
      break;
    }
  }
  std::error_code ignored;
  std::filesystem::remove(preview_out(), ignored);
}

void bm_serve_upload_to_plan_preview_12mp(benchmark::State& state) {
  const std::string bytes = shadematch::test::read_binary_file(photo_12mp());
  const std::string expected = shadematch::test::run_cli(cli_preview_args()).out;
  const std::string expected_png = shadematch::test::read_binary_file(preview_out());
  std::error_code ignored;
  std::filesystem::remove(preview_out(), ignored);
  std::vector<FormPart> parts = form(bytes, photo_12mp(), hair(), scalp());
  parts.emplace_back("preview", "1");
  for (auto _ : state) {
    const auto r = shadematch::test::http_post_form(server().port(), "/api/match", parts);
    const auto header = r.headers.find("x-shadematch-preview");
    if (r.status != 200 || r.body != expected || header == r.headers.end()) {
      state.SkipWithError("POST /api/match with preview=1 did not answer what match --json prints");
      break;
    }
    const auto png = shadematch::test::http_get(server().port(), header->second);
    if (png.status != 200 || png.body != expected_png) {
      state.SkipWithError("the preview fetched is not the PNG match --preview writes");
      break;
    }
  }
}

// 20 uploads of the sample photo at once; the figures are each upload's own latency.
void bm_serve_20_parallel(benchmark::State& state) {
  const std::string sample = std::string(SHADEMATCH_SOURCE_DIR) + "/samples/scalp/photo.jpg";
  const std::string bytes = shadematch::test::read_binary_file(sample);
  const std::string expected =
      shadematch::test::run_cli({"match", sample, "--palette",
                                 std::string(SHADEMATCH_SOURCE_DIR) + "/palettes/house.yaml", "--hair",
                                 "952,88,760,496", "--scalp", "952,616,760,496", "--today", kToday, "--json"})
          .out;
  std::vector<double> seconds(20);
  for (auto _ : state) {
    std::vector<std::thread> clients;
    bool all_right = true;
    for (std::size_t i = 0; i < seconds.size(); ++i) {
      clients.emplace_back([&, i] {
        const auto start = std::chrono::steady_clock::now();
        const auto r = shadematch::test::http_post_form(server().port(), "/api/match",
                                                        form(bytes, sample, "952,88,760,496", "952,616,760,496"));
        seconds[i] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (r.status != 200 || r.body != expected) all_right = false;
      });
    }
    for (std::thread& t : clients) t.join();
    if (!all_right) {
      state.SkipWithError("an upload was not answered with its plan");
      break;
    }
  }
  std::sort(seconds.begin(), seconds.end());
  state.counters["fastest_s"] = seconds.front();
  state.counters["median_s"] = seconds[seconds.size() / 2];
  state.counters["slowest_s"] = seconds.back();
}

}  // namespace

BENCHMARK(bm_imread_12mp)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);
BENCHMARK(bm_cli_match_12mp)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);
BENCHMARK(bm_serve_upload_to_plan_12mp)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);
BENCHMARK(bm_cli_match_preview_12mp)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);
BENCHMARK(bm_serve_upload_to_plan_preview_12mp)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);
BENCHMARK(bm_serve_20_parallel)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);
BENCHMARK_MAIN();
