// calibrate on a ≥ 24 MP JPEG with a card, against cv::imread of the same file in the same run
// (issue 3: target ≤ 3× the decode time), and peak memory of `shadematch calibrate` in a child
// process against the decoded 8-bit image size (target ≤ 2×).
//
// The photo: tests/data/photos/pedrodiamel_hand_holding_classic.jpg (1024×768, Classic card)
// upscaled ×6 to 6144×4608 (28.3 MP) with INTER_CUBIC, JPEG quality 92, in /tmp.
//
//   cmake --build build --target bench_calibrate shadematch && build/bench/bench_calibrate
#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "files/card_file.hpp"
#include "photo/calibrate.hpp"

namespace {

const std::string& big_photo() {
  static const std::string path = [] {
    const std::string out = "/tmp/shadematch_bench_calibrate_28mp.jpg";
    if (!std::filesystem::exists(out)) {
      const cv::Mat src =
          cv::imread(std::string(SHADEMATCH_SOURCE_DIR) + "/tests/data/photos/pedrodiamel_hand_holding_classic.jpg");
      cv::Mat big;
      cv::resize(src, big, cv::Size(src.cols * 6, src.rows * 6), 0, 0, cv::INTER_CUBIC);
      cv::imwrite(out, big, {cv::IMWRITE_JPEG_QUALITY, 92});
    }
    return out;
  }();
  return path;
}

void BM_imread(benchmark::State& state) {
  const auto& path = big_photo();
  for (auto _ : state) {
    cv::Mat m = cv::imread(path, cv::IMREAD_COLOR);
    benchmark::DoNotOptimize(m.data);
  }
}

void BM_calibrate(benchmark::State& state) {
  const auto& path = big_photo();
  const auto card = *shadematch::files::builtin_card("colorchecker-classic-2014");
  double loo = 0;
  for (auto _ : state) {
    // calibrate_file reads the file and returns a result used below: nothing to keep alive.
    // (benchmark 1.7.1's DoNotOptimize(double&) used to be called on `loo` here; with GCC its
    // "+m,r" asm constraint let the compiler hand back an unrelated register, and the counter
    // printed 4.9e-324 / 9.9e-324 — the bit patterns of the integers 1 and 2 — instead of the mean.)
    const auto r = shadematch::photo::calibrate_file(path, card, {});
    loo = r.fit.loo_de00_mean;
  }
  state.counters["loo_de00_mean"] = loo;
}

// Peak RSS of a child running `shadematch calibrate` on the photo (getrusage RUSAGE_CHILDREN).
void report_peak_memory() {
  const auto& path = big_photo();
  const pid_t pid = fork();
  if (pid == 0) {
    const int devnull = ::open("/dev/null", O_WRONLY);
    if (devnull >= 0) dup2(devnull, 1);
    execl(SHADEMATCH_BINARY, SHADEMATCH_BINARY, "calibrate", path.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  rusage usage{};
  getrusage(RUSAGE_CHILDREN, &usage);
  const cv::Mat header = cv::imread(path, cv::IMREAD_REDUCED_COLOR_8);  // size only, cheaply
  const double decoded_mb = header.cols * 8.0 * header.rows * 8.0 * 3.0 / 1e6;
  const double peak_mb = static_cast<double>(usage.ru_maxrss) / 1e3;  // ru_maxrss is in KiB on Linux
  std::printf("peak RSS of `shadematch calibrate` (exit %d): %.1f MB; decoded 8-bit RGB image: %.1f MB; ratio %.2f\n",
              WIFEXITED(status) ? WEXITSTATUS(status) : -1, peak_mb, decoded_mb, peak_mb / decoded_mb);
}

}  // namespace

BENCHMARK(BM_imread)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_calibrate)->Unit(benchmark::kMillisecond)->Iterations(3);

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  big_photo();
  benchmark::RunSpecifiedBenchmarks();
  report_peak_memory();
  benchmark::Shutdown();
  return 0;
}
