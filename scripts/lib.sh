# Shared by scripts/demo, scripts/test and .ci/run: the Debian packages shadematch needs, an
# installer that runs only when something is missing, and the configure/build step.
# shellcheck shell=bash

SHADEMATCH_PACKAGES=(
  cmake g++ make pkg-config
  libopencv-dev libopencv-contrib-dev   # imgcodecs, imgproc, mcc (ColorChecker candidates)
  liblcms2-dev                          # ICC transforms, Lab, ΔE
  libyaml-cpp-dev                       # palette, card, calibration and case files
  libboost-program-options-dev          # command line
  nlohmann-json3-dev                    # JSON output
  libexif-dev                           # EXIF orientation and camera
  libjpeg-dev libpng-dev libtiff-dev    # ICC profiles, DCT-scaled JPEG decoding, 16-bit files
  catch2                                # tests (Catch2 v2)
  libbenchmark-dev                      # bench/
)
# Only the tests need a browser (the HTML report is rendered in headless Chromium).
SHADEMATCH_TEST_PACKAGES=(chromium)
# scripts/fuzz (libFuzzer is clang's) and scripts/lint (clang-format, clang-tidy).
SHADEMATCH_FUZZ_PACKAGES=(clang-14 libclang-rt-14-dev)
SHADEMATCH_LINT_PACKAGES=(clang-format-14 clang-tidy-14)

shadematch_root() { cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd; }

# ensure_packages PKG…: installs what is missing (as root), or prints the exact command and fails.
ensure_packages() {
  local missing=()
  local pkg
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$pkg")
    fi
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "shadematch: missing Debian packages. Install them with:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    return 1
  fi
  echo "==> Installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# build_shadematch BUILD_DIR [cmake args…]: configure (once) and build everything.
build_shadematch() {
  local build_dir=$1
  shift
  local root
  root=$(shadematch_root)
  cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
  cmake --build "$build_dir" -j "$(nproc)"
}
