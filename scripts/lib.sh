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
  libheif-dev                           # HEIC/HEIF (libheif1 brings its decoders: libde265 HEVC, dav1d/aom AV1)
  libsqlite3-dev                        # the client history (one SQLite file per clinic)
  nettle-dev                            # SHA-256 of recorded photos and palettes
  catch2                                # tests (Catch2 v2)
  libbenchmark-dev                      # bench/
  libcpp-httplib-dev                    # shadematch serve (HTTP server, multipart forms)
)
# Only the tests need a browser (the HTML report is rendered in headless Chromium; the
# technician's page is driven there by playwright-core from npm, which needs Node.js and npm).
SHADEMATCH_TEST_PACKAGES=(chromium nodejs)
# npm: Debian's `npm` package, unless an npm is already there (a Node.js build that bundles its
# own npm conflicts with Debian's package).
command -v npm >/dev/null 2>&1 || SHADEMATCH_TEST_PACKAGES+=(npm)
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

# step MESSAGE: says what the script is doing now, on stderr, with the time since it started.
step() { echo "==> [$(( SECONDS ))s] $*" >&2; }

# build_shadematch BUILD_DIR [cmake args…] [-- TARGET…]: configure, then build the named targets
# (everything when none is named); says how long the build took.
build_shadematch() {
  local build_dir=$1
  shift
  local root
  root=$(shadematch_root)
  local cmake_args=() targets=()
  while [ "$#" -gt 0 ]; do
    if [ "$1" = "--" ]; then
      shift
      targets=("$@")
      break
    fi
    cmake_args+=("$1")
    shift
  done
  step "Configuring $build_dir${cmake_args[*]:+ (${cmake_args[*]})}"
  cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "${cmake_args[@]}" >/dev/null
  local start=$SECONDS
  local target_args=()
  local t
  for t in "${targets[@]}"; do target_args+=(--target "$t"); done
  step "Building ${targets[*]:-everything} with $(nproc) jobs (a first build takes about 10 minutes on 2 cores)"
  # The compiler's progress goes to stderr: a script's stdout is its result (the demo's plan).
  cmake --build "$build_dir" -j "$(nproc)" "${target_args[@]}" >&2
  step "Build finished in $(( SECONDS - start )) s"
}
