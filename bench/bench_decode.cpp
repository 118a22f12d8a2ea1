// Decoding speed and memory against cv::imread on the same 24 MP JPEG, in the same run
// (issue 3's budget: calibrate ≤ 3× cv::imread, peak memory ≤ 2× the decoded 8-bit image).
//
// The photo: $SHADEMATCH_BENCH_PHOTO if set (any JPEG), otherwise a development photo with a
// card (tests/data/photos/pedrodiamel_hand_holding_classic.jpg) upscaled to 6000×4000 with mild
// sensor-like noise (so the JPEG carries photo-like entropy, ~1 bit/pixel), written to /tmp.
//
// Before the timings it prints each scenario's peak resident memory, measured in a forked child
// (ru_maxrss of that child alone), next to the size of the decoded 8-bit image.
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>

#include "photo/decode.hpp"

namespace {

std::string make_photo() {
  if (const char* p = std::getenv("SHADEMATCH_BENCH_PHOTO")) return p;
  const std::string out = "/tmp/shadematch_bench_24mp.jpg";
  cv::Mat src =
      cv::imread(std::string(SHADEMATCH_SOURCE_DIR) + "/tests/data/photos/pedrodiamel_hand_holding_classic.jpg");
  if (src.empty()) {
    std::fprintf(stderr, "bench_decode: cannot read the development photo\n");
    std::exit(1);
  }
  cv::Mat big;
  cv::resize(src, big, cv::Size(6000, 4000), 0, 0, cv::INTER_CUBIC);
  cv::Mat noise(big.size(), CV_16SC3);
  cv::randn(noise, 0, 3);  // σ = 3 codes: a clean phone photo's noise level
  cv::Mat noisy;
  big.convertTo(noisy, CV_16SC3);
  noisy += noise;
  noisy.convertTo(big, CV_8UC3);
  cv::imwrite(out, big, {cv::IMWRITE_JPEG_QUALITY, 92});
  return out;
}

const std::string& photo() {
  static const std::string p = make_photo();
  return p;
}

// Peak RSS (MiB) of running `work` in a fresh child process.
double child_peak_mib(const std::function<void()>& work) {
  const pid_t pid = fork();
  if (pid == 0) {
    work();
    _exit(0);
  }
  int status = 0;
  rusage usage{};
  if (wait4(pid, &status, 0, &usage) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return -1;
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux: KiB
}

void report_memory() {
  const auto info = shadematch::photo::probe_image(photo());
  const double decoded_mib = static_cast<double>(info.width) * info.height * 3 / (1024.0 * 1024.0);
  const double baseline = child_peak_mib([] {});
  std::printf("photo: %s (%dx%d), decoded 8-bit image %.1f MiB; process baseline %.1f MiB\n", photo().c_str(),
              info.width, info.height, decoded_mib, baseline);
  const std::pair<const char*, std::function<void()>> scenarios[] = {
      {"cv::imread", [] { benchmark::DoNotOptimize(cv::imread(photo(), cv::IMREAD_COLOR).data); }},
      {"decode_image reduce=1",
       [] { benchmark::DoNotOptimize(shadematch::photo::decode_image(photo(), 1).encoded.data); }},
      {"decode_image reduce=4 + linear()",
       [] {
         const auto d = shadematch::photo::decode_image(photo(), 4);
         benchmark::DoNotOptimize(d.linear().data);
       }},
  };
  for (const auto& [name, work] : scenarios) {
    const double peak = child_peak_mib(work);
    std::printf("peak RSS %-34s %7.1f MiB (%.2f x decoded image, %.1f MiB above baseline)\n", name, peak,
                peak / decoded_mib, peak - baseline);
  }
  std::fflush(stdout);
}

void BM_imread(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(cv::imread(photo(), cv::IMREAD_COLOR).data);
}
BENCHMARK(BM_imread)->Unit(benchmark::kMillisecond);

void BM_imread_reduced4(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(cv::imread(photo(), cv::IMREAD_REDUCED_COLOR_4).data);
}
BENCHMARK(BM_imread_reduced4)->Unit(benchmark::kMillisecond);

void BM_probe(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(shadematch::photo::probe_image(photo()).width);
}
BENCHMARK(BM_probe)->Unit(benchmark::kMillisecond);

void BM_decode(benchmark::State& state) {
  const int reduce = static_cast<int>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(shadematch::photo::decode_image(photo(), reduce).encoded.data);
}
BENCHMARK(BM_decode)->Arg(1)->Arg(2)->Arg(4)->Arg(8)->Unit(benchmark::kMillisecond);

void BM_linear(benchmark::State& state) {
  const auto d = shadematch::photo::decode_image(photo(), static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(d.linear().data);
  state.counters["Mpix/s"] =
      benchmark::Counter(static_cast<double>(d.encoded.total()) * 1e-6, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_linear)->Arg(1)->Arg(4)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  report_memory();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
