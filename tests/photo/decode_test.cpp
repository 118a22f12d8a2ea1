// Photo decoding (src/photo/decode.hpp): formats, bit depths, EXIF orientation, ICC profiles,
// greyscale/CMYK, and every kind of bad file DESIGN.md lists. Test images are generated here with
// OpenCV plus small byte-level builders (EXIF block, ICC APP2 segment, PNG chunks, baseline TIFF),
// so each test shows exactly what its file contains; the few files we cannot write this way are in
// tests/data/images (see its SOURCES.md).
#include <catch2/catch.hpp>

#include <lcms2.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "photo/decode.hpp"
#include "photo/icc.hpp"
#include "support/paths.hpp"

using namespace shadematch;
using photo::decode_image;
using photo::DecodedImage;
using photo::probe_image;

namespace {

using Bytes = std::vector<std::uint8_t>;

const std::string& temp_dir() {
  static const std::string dir = test::make_temp_dir("shadematch-decode-test");
  return dir;
}

std::string write_file(const std::string& name, const Bytes& bytes) {
  return test::write_file_bytes(temp_dir(), name, bytes);
}

std::string photo_path(const std::string& name) {
  return test::test_data_dir() + "/photos/" + name;
}
std::string image_path(const std::string& name) {
  return test::test_data_dir() + "/images/" + name;
}

Bytes read_bytes(const std::string& path) {
  return test::read_file_bytes(path);
}

Bytes encode(const std::string& ext, const cv::Mat& bgr, const std::vector<int>& params = {}) {
  std::vector<std::uint8_t> buf;
  REQUIRE(cv::imencode(ext, bgr, buf, params));
  return buf;
}

// An asymmetric BGR test pattern: smooth gradients (JPEG-friendly) plus a bright block near the
// top-left corner, so every flip and rotation gives a different image.
cv::Mat pattern(int w, int h, int depth = CV_8U) {
  cv::Mat m(h, w, CV_8UC3);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      m.at<cv::Vec3b>(y, x) =
          cv::Vec3b(static_cast<std::uint8_t>(40 + 150 * x / w), static_cast<std::uint8_t>(30 + 180 * y / h),
                    static_cast<std::uint8_t>(90 + (x + 2 * y) % 60));
    }
  }
  cv::rectangle(m, cv::Rect(w / 8, h / 8, w / 4, h / 6), cv::Scalar(250, 250, 250), cv::FILLED);
  if (depth == CV_16U) m.convertTo(m, CV_16U, 257.0);
  return m;
}

cv::Mat bgr_to_rgb(const cv::Mat& bgr) {
  cv::Mat rgb;
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  return rgb;
}

double max_abs_diff(const cv::Mat& a, const cv::Mat& b) {
  REQUIRE(a.size() == b.size());
  REQUIRE(a.type() == b.type());
  return cv::norm(a, b, cv::NORM_INF);
}

// ---- byte builders ----------------------------------------------------------------------------
void put_be32(Bytes& b, std::uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<std::uint8_t>(v >> s));
}
void put_le16(Bytes& b, std::uint32_t v) {
  b.push_back(static_cast<std::uint8_t>(v));
  b.push_back(static_cast<std::uint8_t>(v >> 8));
}
void put_le32(Bytes& b, std::uint32_t v) {
  put_le16(b, v & 0xFFFF);
  put_le16(b, v >> 16);
}

// One little-endian TIFF IFD entry list, written with its out-of-line data after the IFD.
struct IfdEntry {
  std::uint16_t tag;
  std::uint16_t type;  // 2 ASCII, 3 SHORT, 4 LONG, 7 UNDEFINED
  std::uint32_t count;
  Bytes data;  // little-endian values
};
IfdEntry short_entry(std::uint16_t tag, std::vector<std::uint16_t> values) {
  IfdEntry e{tag, 3, static_cast<std::uint32_t>(values.size()), {}};
  for (auto v : values) put_le16(e.data, v);
  return e;
}
IfdEntry long_entry(std::uint16_t tag, std::uint32_t value) {
  IfdEntry e{tag, 4, 1, {}};
  put_le32(e.data, value);
  return e;
}
IfdEntry ascii_entry(std::uint16_t tag, const std::string& s) {
  IfdEntry e{tag, 2, static_cast<std::uint32_t>(s.size() + 1), Bytes(s.begin(), s.end())};
  e.data.push_back(0);
  return e;
}

// "II*\0" header + one IFD at offset 8 (entries sorted by tag) + out-of-line data + `tail`.
// `tail_offset_tag`, when set, is a LONG entry patched to the tail's offset (StripOffsets).
Bytes tiff_structure(std::vector<IfdEntry> entries, const Bytes& tail = {}, std::uint16_t tail_offset_tag = 0) {
  std::sort(entries.begin(), entries.end(), [](const IfdEntry& a, const IfdEntry& b) { return a.tag < b.tag; });
  const std::uint32_t ifd_size = 2 + 12 * static_cast<std::uint32_t>(entries.size()) + 4;
  std::uint32_t data_at = 8 + ifd_size;
  Bytes extra;
  Bytes b = {'I', 'I', 42, 0};
  put_le32(b, 8);
  put_le16(b, static_cast<std::uint32_t>(entries.size()));
  std::uint32_t extra_size = 0;
  for (const auto& e : entries) {
    if (e.data.size() > 4) extra_size += static_cast<std::uint32_t>(e.data.size() + (e.data.size() & 1));
  }
  const std::uint32_t tail_at = data_at + extra_size;
  for (const auto& e : entries) {
    put_le16(b, e.tag);
    put_le16(b, e.type);
    put_le32(b, e.count);
    if (e.tag == tail_offset_tag && tail_offset_tag != 0) {
      put_le32(b, tail_at);
    } else if (e.data.size() <= 4) {
      Bytes v = e.data;
      v.resize(4, 0);
      b.insert(b.end(), v.begin(), v.end());
    } else {
      put_le32(b, data_at + static_cast<std::uint32_t>(extra.size()));
      extra.insert(extra.end(), e.data.begin(), e.data.end());
      if (e.data.size() & 1) extra.push_back(0);  // word alignment
    }
  }
  put_le32(b, 0);  // no next IFD
  b.insert(b.end(), extra.begin(), extra.end());
  b.insert(b.end(), tail.begin(), tail.end());
  return b;
}

// An EXIF block as in a JPEG APP1 segment: "Exif\0\0" + TIFF structure with IFD0 tags.
Bytes exif_block(int orientation, const std::string& make = "", const std::string& model = "") {
  std::vector<IfdEntry> entries{short_entry(0x0112, {static_cast<std::uint16_t>(orientation)})};
  if (!make.empty()) entries.push_back(ascii_entry(0x010F, make));
  if (!model.empty()) entries.push_back(ascii_entry(0x0110, model));
  Bytes b = {'E', 'x', 'i', 'f', 0, 0};
  const Bytes t = tiff_structure(entries);
  b.insert(b.end(), t.begin(), t.end());
  return b;
}

// A baseline uncompressed TIFF of `pixels` (interleaved, native = little-endian 16-bit), one
// strip. `claimed` overrides the size written in the header (for the pixel-limit test).
Bytes tiff_file(const cv::Mat& pixels, int photometric, int orientation = 1, const Bytes& icc = {},
                cv::Size claimed = {}) {
  const auto w = static_cast<std::uint32_t>(claimed.width ? claimed.width : pixels.cols);
  const auto h = static_cast<std::uint32_t>(claimed.height ? claimed.height : pixels.rows);
  const auto spp = static_cast<std::uint16_t>(pixels.channels());
  const auto bps = static_cast<std::uint16_t>(pixels.depth() == CV_16U ? 16 : 8);
  Bytes data;
  for (int y = 0; y < pixels.rows; ++y) {
    const auto* row = pixels.ptr(y);
    data.insert(data.end(), row, row + pixels.cols * static_cast<int>(pixels.elemSize()));
  }
  std::vector<IfdEntry> e{long_entry(256, w),
                          long_entry(257, h),
                          short_entry(258, std::vector<std::uint16_t>(spp, bps)),
                          short_entry(259, {1}),
                          short_entry(262, {static_cast<std::uint16_t>(photometric)}),
                          long_entry(273, 0),
                          short_entry(274, {static_cast<std::uint16_t>(orientation)}),
                          short_entry(277, {spp}),
                          long_entry(278, h),
                          long_entry(279, static_cast<std::uint32_t>(data.size())),
                          short_entry(284, {1})};
  if (!icc.empty()) e.push_back(IfdEntry{34675, 7, static_cast<std::uint32_t>(icc.size()), icc});
  return tiff_structure(e, data, 273);
}

// The same TIFF stored as one `tile` x `tile` tile (TIFF 6.0 section 15), the image in its top-left
// corner and the overhang zero. `claimed_tile` overrides the tile size in the header only.
Bytes tiled_tiff_file(const cv::Mat& pixels, std::uint32_t tile, std::uint32_t claimed_tile = 0) {
  const auto spp = static_cast<std::uint16_t>(pixels.channels());
  const auto bps = static_cast<std::uint16_t>(pixels.depth() == CV_16U ? 16 : 8);
  const std::size_t px = pixels.elemSize();
  Bytes data(std::size_t{tile} * tile * px, 0);
  for (int y = 0; y < pixels.rows; ++y) {
    std::memcpy(data.data() + static_cast<std::size_t>(y) * tile * px, pixels.ptr(y),
                static_cast<std::size_t>(pixels.cols) * px);
  }
  const std::uint32_t t = claimed_tile ? claimed_tile : tile;
  std::vector<IfdEntry> e{long_entry(256, static_cast<std::uint32_t>(pixels.cols)),
                          long_entry(257, static_cast<std::uint32_t>(pixels.rows)),
                          short_entry(258, std::vector<std::uint16_t>(spp, bps)),
                          short_entry(259, {1}),
                          short_entry(262, {2}),
                          short_entry(277, {spp}),
                          short_entry(284, {1}),
                          long_entry(322, t),
                          long_entry(323, t),
                          long_entry(324, 0),
                          long_entry(325, static_cast<std::uint32_t>(data.size()))};
  return tiff_structure(e, data, 324);
}

// JPEG: insert a marker segment right after SOI.
Bytes jpeg_with_segment(const Bytes& jpeg, std::uint8_t marker, const Bytes& payload) {
  REQUIRE(payload.size() + 2 <= 0xFFFF);
  Bytes seg = {0xFF, marker, static_cast<std::uint8_t>((payload.size() + 2) >> 8),
               static_cast<std::uint8_t>(payload.size() + 2)};
  seg.insert(seg.end(), payload.begin(), payload.end());
  Bytes out(jpeg.begin(), jpeg.begin() + 2);
  out.insert(out.end(), seg.begin(), seg.end());
  out.insert(out.end(), jpeg.begin() + 2, jpeg.end());
  return out;
}

// ICC.1:2010 Annex B.4: a profile in APP2 segments "ICC_PROFILE\0", sequence number, count.
Bytes jpeg_with_icc(const Bytes& jpeg, const Bytes& profile) {
  REQUIRE(profile.size() < 65000);  // one segment is enough for the profiles used here
  Bytes payload = {'I', 'C', 'C', '_', 'P', 'R', 'O', 'F', 'I', 'L', 'E', 0, 1, 1};
  payload.insert(payload.end(), profile.begin(), profile.end());
  return jpeg_with_segment(jpeg, 0xE2, payload);
}

// PNG (ISO/IEC 15948 Annex D) CRC-32.
std::uint32_t crc32(const std::uint8_t* p, std::size_t n) {
  std::uint32_t c = 0xFFFFFFFFu;
  for (std::size_t i = 0; i < n; ++i) {
    c ^= p[i];
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
  }
  return c ^ 0xFFFFFFFFu;
}

Bytes png_chunk(const char* type, const Bytes& data) {
  Bytes b;
  put_be32(b, static_cast<std::uint32_t>(data.size()));
  Bytes body(type, type + 4);
  body.insert(body.end(), data.begin(), data.end());
  b.insert(b.end(), body.begin(), body.end());
  put_be32(b, crc32(body.data(), body.size()));
  return b;
}

// Insert a chunk right after IHDR (signature 8 bytes + IHDR 25 bytes).
Bytes png_with_chunk(const Bytes& png, const Bytes& chunk) {
  Bytes out(png.begin(), png.begin() + 33);
  out.insert(out.end(), chunk.begin(), chunk.end());
  out.insert(out.end(), png.begin() + 33, png.end());
  return out;
}

// RFC 1950/1951 zlib stream with "stored" (uncompressed) blocks: valid input for any inflater.
Bytes zlib_stored(const Bytes& data) {
  Bytes z = {0x78, 0x01};
  std::size_t at = 0;
  do {
    const std::size_t n = std::min<std::size_t>(65535, data.size() - at);
    z.push_back(at + n == data.size() ? 1 : 0);
    put_le16(z, static_cast<std::uint32_t>(n));
    put_le16(z, static_cast<std::uint32_t>(~n & 0xFFFF));
    z.insert(z.end(), data.begin() + static_cast<std::ptrdiff_t>(at),
             data.begin() + static_cast<std::ptrdiff_t>(at + n));
    at += n;
  } while (at < data.size());
  std::uint32_t a = 1, b = 0;  // Adler-32
  for (auto v : data) {
    a = (a + v) % 65521;
    b = (b + a) % 65521;
  }
  put_be32(z, (b << 16) | a);
  return z;
}

Bytes png_iccp_chunk(const Bytes& profile) {
  Bytes data = {'t', 'e', 's', 't', 0, 0};  // name, NUL, compression method 0
  const Bytes z = zlib_stored(profile);
  data.insert(data.end(), z.begin(), z.end());
  return png_chunk("iCCP", data);
}

// ---- colour references ------------------------------------------------------------------------
// IEC 61966-2-1 sRGB decoding (the definition of the standard's EOTF).
double srgb_to_linear(double v) {
  return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
}

// RGB → XYZ normalised primary matrix from chromaticities (SMPTE RP 177-1993, eq. 3.x): the
// columns are the primaries' XYZ scaled so that RGB = (1, 1, 1) gives the white with Y = 1.
cv::Matx33d npm(const std::array<double, 8>& xy) {
  auto col = [](double x, double y) { return cv::Vec3d(x / y, 1.0, (1 - x - y) / y); };
  const cv::Vec3d r = col(xy[0], xy[1]), g = col(xy[2], xy[3]), b = col(xy[4], xy[5]), w = col(xy[6], xy[7]);
  const cv::Matx33d p(r[0], g[0], b[0], r[1], g[1], b[1], r[2], g[2], b[2]);
  const cv::Vec3d s = p.inv() * w;
  return p * cv::Matx33d::diag(s);
}
// Defining chromaticities (x, y of R, G, B, white), not measured data:
// sRGB / ITU-R BT.709 primaries with D65 (IEC 61966-2-1:1999, Table 1);
// Display P3 = DCI-P3 primaries (SMPTE EG 432-1:2010) with D65 white.
constexpr std::array<double, 8> kSrgbXy = {0.64, 0.33, 0.30, 0.60, 0.15, 0.06, 0.3127, 0.3290};
constexpr std::array<double, 8> kP3Xy = {0.680, 0.320, 0.265, 0.690, 0.150, 0.060, 0.3127, 0.3290};

Bytes profile_bytes(cmsHPROFILE h) {
  cmsUInt32Number n = 0;
  REQUIRE(cmsSaveProfileToMem(h, nullptr, &n));
  Bytes b(n);
  REQUIRE(cmsSaveProfileToMem(h, b.data(), &n));
  cmsCloseProfile(h);
  return b;
}

// Reference transform with Little CMS: profile → a linear-sRGB profile built from the sRGB
// chromaticities (not from the code under test's construction), float, relative colorimetric.
cv::Vec3f lcms_linear_srgb(const Bytes& profile, const cv::Vec3f& rgb01) {
  cmsCIExyY white{kSrgbXy[6], kSrgbXy[7], 1.0};
  cmsCIExyYTRIPLE prim{{kSrgbXy[0], kSrgbXy[1], 1.0}, {kSrgbXy[2], kSrgbXy[3], 1.0}, {kSrgbXy[4], kSrgbXy[5], 1.0}};
  cmsToneCurve* one = cmsBuildGamma(nullptr, 1.0);
  cmsToneCurve* curves[3] = {one, one, one};
  cmsHPROFILE dst = cmsCreateRGBProfile(&white, &prim, curves);
  cmsFreeToneCurve(one);
  cmsHPROFILE src = cmsOpenProfileFromMem(profile.data(), static_cast<cmsUInt32Number>(profile.size()));
  REQUIRE(src);
  cmsHTRANSFORM t = cmsCreateTransform(src, TYPE_RGB_FLT, dst, TYPE_RGB_FLT, INTENT_RELATIVE_COLORIMETRIC, 0);
  REQUIRE(t);
  cv::Vec3f out;
  cmsDoTransform(t, rgb01.val, out.val, 1);
  cmsDeleteTransform(t);
  cmsCloseProfile(src);
  cmsCloseProfile(dst);
  return out;
}

Bytes p3_profile() {
  // The Display P3 profile Apple embeds, taken from a real photo (tests/data/photos/SOURCES.md).
  const auto info = probe_image(photo_path("plantcv_colorchecker-classic-mini.jpg"));
  return info.icc_profile;
}

// Flat 8-bit RGB swatches, 8×8 each, in one row (given as RGB; returned BGR for OpenCV).
cv::Mat swatches_bgr(const std::vector<cv::Vec3b>& rgb) {
  cv::Mat m(8, 8 * static_cast<int>(rgb.size()), CV_8UC3);
  for (std::size_t i = 0; i < rgb.size(); ++i) {
    m(cv::Rect(8 * static_cast<int>(i), 0, 8, 8)).setTo(cv::Scalar(rgb[i][2], rgb[i][1], rgb[i][0]));
  }
  return m;
}

template <class F>
std::string input_error_message(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  FAIL("expected an InputError");
  return {};
}

}  // namespace

// ---- formats and bit depths -------------------------------------------------------------------

TEST_CASE("decode: 8-bit PNG decodes to exactly the pixels written, as RGB, untagged = sRGB", "[unit]") {
  const cv::Mat bgr = pattern(37, 23);
  const std::string path = write_file("rgb8.png", encode(".png", bgr));
  const auto info = probe_image(path);
  CHECK(info.format == "png");
  CHECK(info.width == 37);
  CHECK(info.height == 23);
  CHECK(info.bit_depth == 8);
  CHECK(info.channels == 3);
  CHECK_FALSE(info.greyscale);
  CHECK(info.icc_profile.empty());
  const DecodedImage d = decode_image(path);
  REQUIRE(d.encoded.type() == CV_8UC3);
  CHECK(max_abs_diff(d.encoded, bgr_to_rgb(bgr)) == 0);  // lossless format: exact
  CHECK(d.assumed_srgb);
  CHECK(d.scale == 1);
  CHECK(d.warnings.empty());
}

TEST_CASE("decode: untagged 8-bit linear() is the IEC 61966-2-1 sRGB decoding of each code", "[reference]") {
  std::vector<cv::Vec3b> codes;
  for (int v = 0; v < 256; v += 15)
    codes.push_back(cv::Vec3b(static_cast<std::uint8_t>(v), static_cast<std::uint8_t>(255 - v), 10));
  const std::string path = write_file("ramp.png", encode(".png", swatches_bgr(codes)));
  const DecodedImage d = decode_image(path);
  const cv::Mat lin = d.linear();
  REQUIRE(lin.type() == CV_32FC3);
  for (std::size_t i = 0; i < codes.size(); ++i) {
    const cv::Vec3f got = lin.at<cv::Vec3f>(4, 8 * static_cast<int>(i) + 4);
    for (int c = 0; c < 3; ++c) {
      // 3e-4: Little CMS's built-in sRGB colorants are s15Fixed16 and Bradford-adapted to D50,
      // so the sRGB→sRGB matrix is the identity only to ~1e-4.
      CHECK(got[c] == Approx(srgb_to_linear(codes[i][c] / 255.0)).margin(3e-4));
    }
  }
}

TEST_CASE("decode: 16-bit PNG keeps 16 bits through to linear()", "[unit]") {
  cv::Mat bgr(4, 4, CV_16UC3, cv::Scalar(30000, 20000, 10000));
  bgr.at<cv::Vec3w>(0, 1) = cv::Vec3w(30001, 20001, 10001);  // one 16-bit code apart
  const std::string path = write_file("rgb16.png", encode(".png", bgr));
  CHECK(probe_image(path).bit_depth == 16);
  const DecodedImage d = decode_image(path);
  REQUIRE(d.encoded.type() == CV_16UC3);
  CHECK(max_abs_diff(d.encoded, bgr_to_rgb(bgr)) == 0);
  const cv::Mat lin = d.linear();
  const cv::Vec3f a = lin.at<cv::Vec3f>(0, 0), b = lin.at<cv::Vec3f>(0, 1);
  for (int c = 0; c < 3; ++c) {
    CHECK(b[c] > a[c]);  // an 8-bit path would have merged the two codes
    CHECK(a[c] == Approx(srgb_to_linear(bgr.at<cv::Vec3w>(0, 0)[2 - c] / 65535.0)).margin(3e-4));
  }
}

TEST_CASE("decode: 8- and 16-bit TIFF (OpenCV-written, LZW) decode exactly", "[unit]") {
  for (int depth : {CV_8U, CV_16U}) {
    const cv::Mat bgr = pattern(19, 11, depth);
    const std::string path = write_file(depth == CV_8U ? "rgb8.tif" : "rgb16.tif", encode(".tiff", bgr));
    const DecodedImage d = decode_image(path);
    CHECK(d.info.format == "tiff");
    CHECK(d.info.bit_depth == (depth == CV_8U ? 8 : 16));
    CHECK(max_abs_diff(d.encoded, bgr_to_rgb(bgr)) == 0);
  }
}

TEST_CASE("decode: JPEG decodes as cv::imread does, and reduce uses libjpeg's DCT scaling", "[unit]") {
  const cv::Mat bgr = pattern(101, 67);
  const std::string path = write_file("rgb.jpg", encode(".jpg", bgr, {cv::IMWRITE_JPEG_QUALITY, 90}));
  const DecodedImage full = decode_image(path);
  CHECK(full.info.format == "jpeg");
  // Same library (libjpeg-turbo), same settings (islow DCT, fancy upsampling): identical pixels.
  CHECK(max_abs_diff(full.encoded, bgr_to_rgb(cv::imread(path, cv::IMREAD_COLOR))) == 0);
  const std::pair<int, int> reduced[] = {
      {2, cv::IMREAD_REDUCED_COLOR_2}, {4, cv::IMREAD_REDUCED_COLOR_4}, {8, cv::IMREAD_REDUCED_COLOR_8}};
  for (auto [r, flag] : reduced) {
    const DecodedImage d = decode_image(path, r);
    CHECK(d.encoded.cols == (101 + r - 1) / r);  // libjpeg rounds the scaled size up
    CHECK(d.encoded.rows == (67 + r - 1) / r);
    CHECK(d.scale == Approx(static_cast<double>(d.encoded.cols) / 101));
    CHECK(max_abs_diff(d.encoded, bgr_to_rgb(cv::imread(path, flag))) == 0);
  }
}

TEST_CASE("decode: PNG and TIFF reduce by area averaging to the rounded-up size", "[unit]") {
  const cv::Mat bgr = pattern(50, 30);
  const std::string path = write_file("reduce.png", encode(".png", bgr));
  const DecodedImage d = decode_image(path, 4);
  CHECK(d.encoded.cols == 13);
  CHECK(d.encoded.rows == 8);
  cv::Mat expected;
  cv::resize(bgr_to_rgb(bgr), expected, cv::Size(13, 8), 0, 0, cv::INTER_AREA);
  CHECK(max_abs_diff(d.encoded, expected) == 0);
  CHECK_THROWS_AS(decode_image(path, 3), std::invalid_argument);
}

// ---- EXIF orientation -------------------------------------------------------------------------

TEST_CASE("decode: EXIF orientations 1-8 in JPEG give the image OpenCV displays", "[unit]") {
  const cv::Mat bgr = pattern(48, 32);
  const Bytes plain = encode(".jpg", bgr, {cv::IMWRITE_JPEG_QUALITY, 95});
  for (int o = 1; o <= 8; ++o) {
    CAPTURE(o);
    const std::string path = write_file("orient" + std::to_string(o) + ".jpg",
                                        jpeg_with_segment(plain, 0xE1, exif_block(o, "Canon", "Canon EOS R5")));
    const auto info = probe_image(path);
    CHECK(info.exif_orientation == o);
    CHECK(info.stored_width == 48);
    CHECK(info.width == (o >= 5 ? 32 : 48));
    CHECK(info.camera == "Canon EOS R5");  // Model already names the maker: not repeated
    // cv::imread(IMREAD_COLOR) applies EXIF orientation itself: an independent implementation.
    const DecodedImage d = decode_image(path);
    CHECK(max_abs_diff(d.encoded, bgr_to_rgb(cv::imread(path, cv::IMREAD_COLOR))) == 0);
    const DecodedImage r2 = decode_image(path, 2);
    CHECK(max_abs_diff(r2.encoded, bgr_to_rgb(cv::imread(path, cv::IMREAD_REDUCED_COLOR_2))) == 0);
  }
}

TEST_CASE("decode: orientation 6 in a PNG eXIf chunk turns the image 90 degrees clockwise", "[unit]") {
  // TIFF 6.0 Orientation 6: row 0 is the visual right side, column 0 the visual top, i.e. the
  // stored image must be turned 90° clockwise to be displayed.
  const cv::Mat bgr = pattern(20, 12);
  const Bytes exif = exif_block(6, "Google", "Pixel 8");
  const Bytes tiff_part(exif.begin() + 6, exif.end());  // eXIf holds the TIFF structure only
  const std::string path = write_file("orient6.png", png_with_chunk(encode(".png", bgr), png_chunk("eXIf", tiff_part)));
  const DecodedImage d = decode_image(path);
  CHECK(d.info.exif_orientation == 6);
  CHECK(d.info.camera == "Google Pixel 8");
  CHECK(d.info.width == 12);
  CHECK(d.info.height == 20);
  cv::Mat expected;
  cv::rotate(bgr_to_rgb(bgr), expected, cv::ROTATE_90_CLOCKWISE);
  CHECK(max_abs_diff(d.encoded, expected) == 0);
  // The stored top-left pixel ends up top-right.
  CHECK(d.encoded.at<cv::Vec3b>(0, 11) == bgr_to_rgb(bgr).at<cv::Vec3b>(0, 0));
}

TEST_CASE("decode: TIFF Orientation tag 8 turns the image 90 degrees counter-clockwise", "[unit]") {
  const cv::Mat rgb = bgr_to_rgb(pattern(9, 5));
  const std::string path = write_file("orient8.tif", tiff_file(rgb, 2 /* RGB */, 8));
  const DecodedImage d = decode_image(path);
  CHECK(d.info.exif_orientation == 8);
  cv::Mat expected;
  cv::rotate(rgb, expected, cv::ROTATE_90_COUNTERCLOCKWISE);
  CHECK(max_abs_diff(d.encoded, expected) == 0);
}

// ---- greyscale and CMYK -----------------------------------------------------------------------

TEST_CASE("decode: greyscale PNG, JPEG and TIFF decode replicated to RGB and flagged greyscale", "[unit]") {
  cv::Mat grey;
  cv::cvtColor(pattern(16, 16), grey, cv::COLOR_BGR2GRAY);
  const std::string png = write_file("grey.png", encode(".png", grey));
  const std::string jpg = write_file("grey.jpg", encode(".jpg", grey));
  cv::Mat grey16;
  grey.convertTo(grey16, CV_16U, 257.0);
  const std::string tif = write_file("grey16.tif", tiff_file(grey16, 1 /* BlackIsZero */));
  for (const auto& path : {png, jpg, tif}) {
    CAPTURE(path);
    const DecodedImage d = decode_image(path);
    CHECK(d.info.greyscale);
    CHECK(d.info.channels == 1);
    REQUIRE(d.encoded.channels() == 3);
    std::vector<cv::Mat> ch;
    cv::split(d.encoded, ch);
    CHECK(cv::countNonZero(ch[0] != ch[1]) == 0);
    CHECK(cv::countNonZero(ch[0] != ch[2]) == 0);
  }
  CHECK(max_abs_diff(decode_image(png).encoded, [&] {
          cv::Mat rgb;
          cv::cvtColor(grey, rgb, cv::COLOR_GRAY2RGB);
          return rgb;
        }()) == 0);
  CHECK(decode_image(tif).encoded.depth() == CV_16U);
}

TEST_CASE("decode: RGBA PNG drops alpha; palette PNG expands to RGB", "[unit]") {
  cv::Mat bgra(6, 6, CV_8UC4, cv::Scalar(10, 20, 30, 128));
  const DecodedImage d = decode_image(write_file("rgba.png", encode(".png", bgra)));
  CHECK(d.info.channels == 4);
  CHECK_FALSE(d.info.cmyk);
  CHECK(d.encoded.type() == CV_8UC3);
  CHECK(d.encoded.at<cv::Vec3b>(2, 2) == cv::Vec3b(30, 20, 10));
}

TEST_CASE("decode: untagged CMYK TIFF uses the naive conversion and says so", "[unit]") {
  // Plain CMYK (0 = no ink): C only → (0, 255, 255); K 50 % → mid grey; no ink → white.
  cv::Mat cmyk(1, 3, CV_8UC4);
  cmyk.at<cv::Vec4b>(0, 0) = cv::Vec4b(255, 0, 0, 0);
  cmyk.at<cv::Vec4b>(0, 1) = cv::Vec4b(0, 0, 0, 128);
  cmyk.at<cv::Vec4b>(0, 2) = cv::Vec4b(0, 0, 0, 0);
  const DecodedImage d = decode_image(write_file("cmyk.tif", tiff_file(cmyk, 5 /* Separated */)));
  CHECK(d.info.cmyk);
  CHECK(d.info.channels == 4);
  CHECK(d.assumed_srgb);
  REQUIRE(d.warnings.size() == 1);
  CHECK_THAT(d.warnings[0], Catch::Contains("CMYK"));
  CHECK(d.encoded.at<cv::Vec3b>(0, 0) == cv::Vec3b(0, 255, 255));
  CHECK(d.encoded.at<cv::Vec3b>(0, 1) == cv::Vec3b(127, 127, 127));  // 255 · 127/255
  CHECK(d.encoded.at<cv::Vec3b>(0, 2) == cv::Vec3b(255, 255, 255));
}

// tests/data/images/cmyk_adobe.jpg (see its SOURCES.md): Adobe-style inverted CMYK, four 8×8
// swatches with inks (C, M, Y, K) = none; C 100 %; K 128/255; M+Y 100 %.
const std::vector<cv::Vec4d> kCmykSwatchInks = {{0, 0, 0, 0}, {1, 0, 0, 0}, {0, 0, 0, 128 / 255.0}, {0, 1, 1, 0}};

TEST_CASE("decode: untagged Adobe CMYK JPEG uses the naive conversion, as OpenCV does, and warns", "[unit]") {
  const std::string path = image_path("cmyk_adobe.jpg");
  const auto info = probe_image(path);
  CHECK(info.cmyk);
  CHECK(info.channels == 4);
  const DecodedImage d = decode_image(path);
  CHECK(d.assumed_srgb);
  REQUIRE(d.warnings.size() == 1);
  CHECK_THAT(d.warnings[0], Catch::Contains("CMYK") && Catch::Contains("naive"));
  // R = 255 (1 − C)(1 − K) …: white, cyan, mid grey, red. ±1: JPEG at quality 100 on flat swatches.
  const cv::Vec3b expected[] = {{255, 255, 255}, {0, 255, 255}, {127, 127, 127}, {255, 0, 0}};
  for (int i = 0; i < 4; ++i) {
    const cv::Vec3b got = d.encoded.at<cv::Vec3b>(4, 8 * i + 4);
    for (int c = 0; c < 3; ++c) CHECK(std::abs(got[c] - expected[i][c]) <= 1);
  }
  // OpenCV converts CMYK JPEGs with the same naive formula (assuming Adobe inversion).
  CHECK(max_abs_diff(d.encoded, bgr_to_rgb(cv::imread(path, cv::IMREAD_COLOR))) <= 1);
}

namespace {
// A CMYK input profile (A2B0 = identity A curves, 2-point CLUT, identity B curves; PCS XYZ) whose
// colours are, in *linear* light, sRGB primaries mixed as (1 − C)(1 − K), (1 − M)(1 − K),
// (1 − Y)(1 − K): simple enough to predict, and unlike the naive formula, which works on codes.
int cmyk_sampler(const cmsUInt16Number in[], cmsUInt16Number out[], void* cargo) {
  const auto* c_srgb = static_cast<const cv::Matx33d*>(cargo);
  const double k = 1 - in[3] / 65535.0;
  const cv::Vec3d rgb((1 - in[0] / 65535.0) * k, (1 - in[1] / 65535.0) * k, (1 - in[2] / 65535.0) * k);
  const cv::Vec3d xyz = (*c_srgb) * rgb;
  // Little CMS's 16-bit XYZ PCS encoding: 1.0 = 0x8000 (ICC.1:2010 6.3.4.3).
  for (int i = 0; i < 3; ++i)
    out[i] = static_cast<cmsUInt16Number>(std::lround(std::clamp(xyz[i], 0.0, 1.99) * 32768.0));
  return TRUE;
}

Bytes linear_cmyk_profile() {
  cmsHPROFILE srgb = cmsCreate_sRGBProfile();
  cv::Matx33d c_srgb;
  const cmsTagSignature tags[3] = {cmsSigRedColorantTag, cmsSigGreenColorantTag, cmsSigBlueColorantTag};
  for (int i = 0; i < 3; ++i) {
    const auto* xyz = static_cast<const cmsCIEXYZ*>(cmsReadTag(srgb, tags[i]));
    c_srgb(0, i) = xyz->X;
    c_srgb(1, i) = xyz->Y;
    c_srgb(2, i) = xyz->Z;
  }
  cmsCloseProfile(srgb);
  cmsHPROFILE h = cmsCreateProfilePlaceholder(nullptr);
  cmsSetProfileVersion(h, 4.3);
  cmsSetDeviceClass(h, cmsSigOutputClass);
  cmsSetColorSpace(h, cmsSigCmykData);
  cmsSetPCS(h, cmsSigXYZData);
  cmsWriteTag(h, cmsSigMediaWhitePointTag, cmsD50_XYZ());
  cmsPipeline* lut = cmsPipelineAlloc(nullptr, 4, 3);
  cmsStage* clut = cmsStageAllocCLut16bit(nullptr, 2, 4, 3, nullptr);
  REQUIRE(cmsStageSampleCLut16bit(clut, cmyk_sampler, &c_srgb, 0));
  cmsPipelineInsertStage(lut, cmsAT_END, cmsStageAllocToneCurves(nullptr, 4, nullptr));
  cmsPipelineInsertStage(lut, cmsAT_END, clut);
  cmsPipelineInsertStage(lut, cmsAT_END, cmsStageAllocToneCurves(nullptr, 3, nullptr));
  REQUIRE(cmsWriteTag(h, cmsSigAToB0Tag, lut));
  cmsPipelineFree(lut);
  return profile_bytes(h);
}

double linear_to_srgb(double v) {
  return v <= 0.0031308 ? 12.92 * v : 1.055 * std::pow(v, 1 / 2.4) - 0.055;
}
}  // namespace

TEST_CASE("decode: CMYK JPEG with a CMYK profile is converted through it to sRGB", "[unit]") {
  const Bytes profile = linear_cmyk_profile();
  const Bytes jpg = read_bytes(image_path("cmyk_adobe.jpg"));
  const std::string path = write_file("cmyk_tagged.jpg", jpeg_with_icc(jpg, profile));
  const DecodedImage d = decode_image(path);
  CHECK(d.info.cmyk);
  CHECK(d.info.icc_profile == profile);
  CHECK_FALSE(d.assumed_srgb);
  CHECK(d.warnings.empty());
  for (int i = 0; i < 4; ++i) {
    CAPTURE(i);
    const cv::Vec4d ink = kCmykSwatchInks[static_cast<std::size_t>(i)];
    const cv::Vec3b got = d.encoded.at<cv::Vec3b>(4, 8 * i + 4);
    for (int c = 0; c < 3; ++c) {
      const double lin = (1 - ink[c]) * (1 - ink[3]);
      // ±2 codes: JPEG at quality 100 on flat swatches (±1) plus the profile's 16-bit CLUT and
      // Little CMS's 8-bit output rounding.
      CHECK(std::abs(got[c] - 255 * linear_to_srgb(lin)) <= 2.0);
    }
  }
  // K 128/255 in linear light is code ~188, where the naive formula on codes gives 127: the
  // profile was applied, not bypassed.
  CHECK(d.encoded.at<cv::Vec3b>(4, 20)[0] > 180);
}

// ---- ICC profiles -----------------------------------------------------------------------------

TEST_CASE("decode: Display P3 is applied: linear sRGB = M(P3→sRGB) · sRGB-decoded codes", "[reference]") {
  const Bytes p3 = p3_profile();
  REQUIRE(p3.size() > 128);
  CHECK(std::memcmp(p3.data() + 36, "acsp", 4) == 0);  // ICC.1 header signature at offset 36
  const std::vector<cv::Vec3b> codes = {{255, 0, 0},     {0, 255, 0},    {0, 0, 255},
                                        {128, 128, 128}, {200, 100, 50}, {255, 255, 255}};
  const cv::Mat bgr = swatches_bgr(codes);
  const std::string png = write_file("p3.png", png_with_chunk(encode(".png", bgr), png_iccp_chunk(p3)));
  const std::string untagged = write_file("p3_untagged.png", encode(".png", bgr));
  const DecodedImage d = decode_image(png);
  CHECK_THAT(d.info.icc_description, Catch::Contains("P3"));
  CHECK_FALSE(d.assumed_srgb);
  CHECK(d.warnings.empty());
  const cv::Mat lin = d.linear();
  const cv::Mat lin_untagged = decode_image(untagged).linear();
  // Display P3 uses the sRGB tone curve and the D65 white, so both interpretations decode the
  // codes the same way and differ only by the primaries: lin_P3 = NPM_sRGB⁻¹ · NPM_P3 · lin_sRGB.
  const cv::Matx33d m = npm(kSrgbXy).inv() * npm(kP3Xy);
  for (std::size_t i = 0; i < codes.size(); ++i) {
    CAPTURE(i);
    const cv::Point at(8 * static_cast<int>(i) + 4, 4);
    cv::Vec3d enc;
    for (int c = 0; c < 3; ++c) enc[c] = srgb_to_linear(codes[i][c] / 255.0);
    const cv::Vec3d expected = m * enc;
    const cv::Vec3f got = lin.at<cv::Vec3f>(at);
    for (int c = 0; c < 3; ++c) {
      // 2e-3: Apple's profile stores Bradford-adapted D50 colorants as s15Fixed16 and its white
      // to 4–5 digits; the derivation here uses the exact chromaticities.
      CHECK(got[c] == Approx(expected[c]).margin(2e-3));
      CHECK(lin_untagged.at<cv::Vec3f>(at)[c] == Approx(enc[c]).margin(3e-4));
    }
  }
  // P3 red lies outside sRGB: unbounded linear values (R > 1, G and B < 0) are kept, not clipped.
  const cv::Vec3f red = lin.at<cv::Vec3f>(4, 4);
  CHECK(red[0] > 1.2f);
  CHECK(red[1] < -0.03f);
  CHECK(red[2] < -0.01f);
  // The same profile in a JPEG APP2 segment is read and gives the same transform.
  const std::string jpg = write_file("p3.jpg", jpeg_with_icc(encode(".jpg", bgr, {cv::IMWRITE_JPEG_QUALITY, 100}), p3));
  const DecodedImage dj = decode_image(jpg);
  CHECK(dj.info.icc_profile == p3);
  CHECK_FALSE(dj.assumed_srgb);
}

TEST_CASE("decode: linear() LUT+matrix agrees with a Little CMS transform for real photo profiles", "[reference]") {
  // Display P3 (Apple, phone photos) and Generic RGB (Apple, gamma 1.8) as embedded in the
  // development photos, over a grid of 8-bit codes.
  for (const char* photo : {"plantcv_colorchecker-classic-mini.jpg", "plantcv_nano.jpeg"}) {
    CAPTURE(photo);
    const Bytes profile = probe_image(photo_path(photo)).icc_profile;
    REQUIRE_FALSE(profile.empty());
    std::vector<cv::Vec3b> codes;
    for (int r = 0; r < 256; r += 51) {
      for (int g = 0; g < 256; g += 85) {
        for (int b = 0; b < 256; b += 127)
          codes.push_back(
              cv::Vec3b(static_cast<std::uint8_t>(r), static_cast<std::uint8_t>(g), static_cast<std::uint8_t>(b)));
      }
    }
    const cv::Mat bgr = swatches_bgr(codes);
    const DecodedImage d =
        decode_image(write_file("grid.png", png_with_chunk(encode(".png", bgr), png_iccp_chunk(profile))));
    REQUIRE(d.transform);
    CHECK(d.transform->kind == DecodedImage::Transform::Kind::lut_matrix);  // both are matrix/TRC
    const cv::Mat lin = d.linear();
    for (std::size_t i = 0; i < codes.size(); ++i) {
      const cv::Vec3f in(codes[i][0] / 255.f, codes[i][1] / 255.f, codes[i][2] / 255.f);
      const cv::Vec3f want = lcms_linear_srgb(profile, in);
      const cv::Vec3f got = lin.at<cv::Vec3f>(4, 8 * static_cast<int>(i) + 4);
      for (int c = 0; c < 3; ++c) {
        // 5e-4: Little CMS's built-in sRGB (our target) and the reference profile built from the
        // chromaticities differ by s15Fixed16 rounding of the adapted colorants (~1e-4 relative).
        CHECK(got[c] == Approx(want[c]).margin(5e-4));
      }
    }
  }
}

TEST_CASE("decode: Generic RGB profile is applied (gamma 1.8, not the sRGB curve)", "[reference]") {
  const Bytes generic = probe_image(photo_path("plantcv_nano.jpeg")).icc_profile;
  const auto info = probe_image(photo_path("plantcv_nano.jpeg"));
  CHECK_THAT(info.icc_description, Catch::Contains("Generic RGB"));
  const std::vector<cv::Vec3b> greys = {{64, 64, 64}, {128, 128, 128}, {192, 192, 192}};
  const DecodedImage d = decode_image(
      write_file("generic.png", png_with_chunk(encode(".png", swatches_bgr(greys)), png_iccp_chunk(generic))));
  const cv::Mat lin = d.linear();
  for (std::size_t i = 0; i < greys.size(); ++i) {
    const double v = greys[i][0] / 255.0;
    const cv::Vec3f got = lin.at<cv::Vec3f>(4, 8 * static_cast<int>(i) + 4);
    for (int c = 0; c < 3; ++c) {
      // Apple's Generic RGB TRC is a pure gamma of 1.8 (stored as u8Fixed8 1.80078) and its
      // colorants sum to the PCS white, so greys stay neutral: 2e-3 covers the gamma rounding
      // (v^1.8 vs v^1.80078 ≤ 4e-4) and colorant rounding.
      CHECK(got[c] == Approx(std::pow(v, 1.8)).margin(2e-3));
    }
    CHECK(std::abs(got[0] - srgb_to_linear(v)) > 0.01);  // visibly not the sRGB interpretation
  }
}

TEST_CASE("decode: a LUT-based (non matrix/TRC) RGB profile goes through Little CMS", "[unit]") {
  // A v4 display profile whose A2B0 is curves (gamma 2.2) then the sRGB colorant matrix (D50):
  // linear sRGB must come out as code^2.2 per channel.
  cmsHPROFILE srgb = cmsCreate_sRGBProfile();
  const auto* rx = static_cast<const cmsCIEXYZ*>(cmsReadTag(srgb, cmsSigRedColorantTag));
  const auto* gx = static_cast<const cmsCIEXYZ*>(cmsReadTag(srgb, cmsSigGreenColorantTag));
  const auto* bx = static_cast<const cmsCIEXYZ*>(cmsReadTag(srgb, cmsSigBlueColorantTag));
  // Little CMS pipelines carry XYZ as XYZ / (1 + 32767/32768) (its float PCS encoding).
  const double k = 1.0 / (1.0 + 32767.0 / 32768.0);
  const cmsFloat64Number mat[9] = {rx->X * k, gx->X * k, bx->X * k, rx->Y * k, gx->Y * k,
                                   bx->Y * k, rx->Z * k, gx->Z * k, bx->Z * k};
  cmsCloseProfile(srgb);
  cmsHPROFILE h = cmsCreateProfilePlaceholder(nullptr);
  cmsSetProfileVersion(h, 4.3);
  cmsSetDeviceClass(h, cmsSigDisplayClass);
  cmsSetColorSpace(h, cmsSigRgbData);
  cmsSetPCS(h, cmsSigXYZData);
  cmsWriteTag(h, cmsSigMediaWhitePointTag, cmsD50_XYZ());
  cmsToneCurve* g22 = cmsBuildGamma(nullptr, 2.2);
  cmsToneCurve* curves[3] = {g22, g22, g22};
  cmsPipeline* lut = cmsPipelineAlloc(nullptr, 3, 3);
  cmsPipelineInsertStage(lut, cmsAT_END, cmsStageAllocToneCurves(nullptr, 3, curves));
  cmsPipelineInsertStage(lut, cmsAT_END, cmsStageAllocMatrix(nullptr, 3, 3, mat, nullptr));
  // lutAtoBType stores "M curves, matrix, B curves" (ICC.1:2010 10.10): B curves are identity.
  cmsPipelineInsertStage(lut, cmsAT_END, cmsStageAllocToneCurves(nullptr, 3, nullptr));
  REQUIRE(cmsWriteTag(h, cmsSigAToB0Tag, lut));
  cmsPipelineFree(lut);
  cmsFreeToneCurve(g22);
  const Bytes profile = profile_bytes(h);

  const std::vector<cv::Vec3b> codes = {{255, 0, 0}, {64, 128, 192}, {255, 255, 255}};
  const DecodedImage d =
      decode_image(write_file("lut.png", png_with_chunk(encode(".png", swatches_bgr(codes)), png_iccp_chunk(profile))));
  REQUIRE(d.transform);
  CHECK(d.transform->kind == DecodedImage::Transform::Kind::lcms);
  CHECK(d.warnings.empty());
  const cv::Mat lin = d.linear();
  for (std::size_t i = 0; i < codes.size(); ++i) {
    const cv::Vec3f got = lin.at<cv::Vec3f>(4, 8 * static_cast<int>(i) + 4);
    for (int c = 0; c < 3; ++c) {
      // 2e-3: the matrix passes through Little CMS's 16-bit profile storage and PCS encoding.
      CHECK(got[c] == Approx(std::pow(codes[i][c] / 255.0, 2.2)).margin(2e-3));
    }
  }
}

TEST_CASE("decode: an unreadable or non-RGB ICC profile warns and falls back to sRGB", "[unit]") {
  const cv::Mat bgr = swatches_bgr({{200, 100, 50}});
  const Bytes plain = encode(".jpg", bgr, {cv::IMWRITE_JPEG_QUALITY, 100});
  const cv::Mat untagged_linear = decode_image(write_file("plain.jpg", plain)).linear();
  const Bytes garbage(300, 'x');
  const Bytes lab = profile_bytes(cmsCreateLab4Profile(nullptr));  // Lab colour space, not RGB
  for (const Bytes* profile : {&garbage, &lab}) {
    const std::string path = write_file("badicc.jpg", jpeg_with_icc(plain, *profile));
    const DecodedImage d = decode_image(path);
    CHECK(d.assumed_srgb);
    REQUIRE(d.warnings.size() == 1);
    CHECK_THAT(d.warnings[0], Catch::Contains("ICC profile ignored"));
    CHECK(max_abs_diff(d.linear(), untagged_linear) == 0);
  }
}

// ---- linear() and saturated() details ---------------------------------------------------------

TEST_CASE("decode: linear(roi) equals the roi of linear(); saturated() flags codes at the top", "[unit]") {
  cv::Mat bgr = pattern(24, 16);
  bgr.at<cv::Vec3b>(3, 5) = cv::Vec3b(10, 254, 10);    // one channel at 254: clipped
  bgr.at<cv::Vec3b>(3, 6) = cv::Vec3b(253, 253, 253);  // just below: not clipped
  const DecodedImage d = decode_image(write_file("roi.png", encode(".png", bgr)));
  const cv::Rect roi(2, 1, 10, 7);
  CHECK(max_abs_diff(d.linear(roi), d.linear()(roi)) == 0);
  const cv::Mat sat = d.saturated();
  REQUIRE(sat.type() == CV_8UC1);
  CHECK(sat.at<std::uint8_t>(3, 5) == 255);
  CHECK(sat.at<std::uint8_t>(3, 6) == 0);
  // the pattern's 250-white block is below 254: not clipped
  CHECK(sat.at<std::uint8_t>(16 / 8 + 1, 24 / 8 + 1) == 0);
  CHECK(max_abs_diff(d.saturated(roi), sat(roi)) == 0);

  cv::Mat bgr16(2, 2, CV_16UC3, cv::Scalar(65279, 100, 100));
  bgr16.at<cv::Vec3w>(1, 1) = cv::Vec3w(65280, 100, 100);
  const cv::Mat sat16 = decode_image(write_file("sat16.png", encode(".png", bgr16))).saturated();
  CHECK(sat16.at<std::uint8_t>(0, 0) == 0);
  CHECK(sat16.at<std::uint8_t>(1, 1) == 255);
}

TEST_CASE("decode: reduce_for picks the largest reduction that keeps the long side", "[unit]") {
  photo::ImageInfo info;
  info.width = 6000;
  info.height = 4000;
  CHECK(photo::reduce_for(info, 1500) == 4);  // 6000/4 = 1500 ≥ 1500; 6000/8 = 750 < 1500
  CHECK(photo::reduce_for(info, 1501) == 2);
  CHECK(photo::reduce_for(info, 700) == 8);
  CHECK(photo::reduce_for(info, 7000) == 1);
  info.width = 400;
  info.height = 3001;  // portrait: the long side is the height; 3001/2 rounds up to 1501
  CHECK(photo::reduce_for(info, 1501) == 2);
}

// ---- bad files --------------------------------------------------------------------------------

TEST_CASE("decode: missing, empty, directory and not-an-image files are InputErrors naming the file", "[unit]") {
  const std::string missing = temp_dir() + "/no-such.jpg";
  CHECK_THAT(input_error_message([&] { probe_image(missing); }),
             Catch::Contains("no-such.jpg") && Catch::Contains("cannot open"));
  const std::string empty = write_file("empty.jpg", {});
  CHECK_THAT(input_error_message([&] { decode_image(empty); }), Catch::Contains("empty file"));
  CHECK_THAT(input_error_message([&] { decode_image(temp_dir()); }), Catch::Contains("directory"));
  const std::string text = write_file("notes.jpg", Bytes{'h', 'e', 'l', 'l', 'o', '\n'});
  CHECK_THAT(input_error_message([&] { decode_image(text); }), Catch::Contains("not an image"));
  const std::string gif = write_file("anim.gif", Bytes{'G', 'I', 'F', '8', '9', 'a', 0, 0});
  CHECK_THAT(input_error_message([&] { probe_image(gif); }), Catch::Contains("unsupported image format GIF"));
}

TEST_CASE("decode: truncated JPEG, PNG and TIFF are refused, never returned half-decoded", "[unit]") {
  const cv::Mat bgr = pattern(64, 64);
  const Bytes jpg = encode(".jpg", bgr);
  const Bytes png = encode(".png", bgr);
  const Bytes tif = tiff_file(bgr_to_rgb(bgr), 2);
  const auto cut = [](const Bytes& b, std::size_t n) {
    return Bytes(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(n));
  };
  // libjpeg alone would pad the missing rows with grey and only warn.
  const std::string tj = write_file("trunc.jpg", cut(jpg, jpg.size() * 2 / 3));
  CHECK_NOTHROW(probe_image(tj));  // the header is intact
  CHECK_THAT(input_error_message([&] { decode_image(tj); }), Catch::Contains("truncated"));
  CHECK_THAT(input_error_message([&] { decode_image(tj, 8); }), Catch::Contains("truncated"));
  CHECK_THAT(input_error_message([&] { decode_image(write_file("trunc-head.jpg", cut(jpg, 40))); }),
             Catch::Contains("trunc-head.jpg"));
  CHECK_THAT(input_error_message([&] { decode_image(write_file("trunc.png", cut(png, png.size() / 2))); }),
             Catch::Contains("truncated"));
  CHECK_THAT(input_error_message([&] { decode_image(write_file("trunc.tif", cut(tif, tif.size() / 2))); }),
             Catch::Contains("trunc.tif"));
}

TEST_CASE("decode: a baseline JPEG missing only its end marker decodes whole, with a warning", "[unit]") {
  const cv::Mat bgr = pattern(64, 48);
  const Bytes jpg = encode(".jpg", bgr);
  REQUIRE(jpg[jpg.size() - 2] == 0xFF);
  REQUIRE(jpg[jpg.size() - 1] == 0xD9);  // EOI
  const std::string whole = write_file("whole.jpg", jpg);
  const std::string no_eoi = write_file("no-eoi.jpg", Bytes(jpg.begin(), jpg.end() - 2));
  const DecodedImage d = decode_image(no_eoi);
  REQUIRE(d.warnings.size() == 1);
  CHECK_THAT(d.warnings[0], Catch::Contains("end marker"));
  CHECK(max_abs_diff(d.encoded, decode_image(whole).encoded) == 0);
  // One byte of scan data less and pixels are missing: refused.
  CHECK_THAT(input_error_message([&] { decode_image(write_file("no-eoi-1.jpg", Bytes(jpg.begin(), jpg.end() - 3))); }),
             Catch::Contains("truncated"));
  // A progressive JPEG cut between scans would decode blurred: refused.
  const Bytes prog = encode(".jpg", bgr, {cv::IMWRITE_JPEG_PROGRESSIVE, 1});
  CHECK_THAT(
      input_error_message([&] {
        decode_image(write_file("prog-cut.jpg",
                                Bytes(prog.begin(), prog.begin() + static_cast<std::ptrdiff_t>(prog.size() * 3 / 4))));
      }),
      Catch::Contains("truncated"));
}

TEST_CASE("decode: corrupt JPEG entropy data and a PNG CRC error are refused", "[unit]") {
  const cv::Mat bgr = pattern(64, 64);
  Bytes jpg = encode(".jpg", bgr);
  // An EOI marker in the middle of the scan: libjpeg warns "premature end of data segment".
  const std::size_t mid = jpg.size() / 2;
  jpg[mid] = 0xFF;
  jpg[mid + 1] = 0xD9;
  CHECK_THAT(input_error_message([&] { decode_image(write_file("corrupt.jpg", jpg)); }), Catch::Contains("corrupt"));
  Bytes png = encode(".png", bgr);
  png[png.size() - 20] ^= 0x5A;  // inside the last IDAT: its CRC no longer matches
  CHECK_THAT(input_error_message([&] { decode_image(write_file("corrupt.png", png)); }), Catch::Contains("corrupt"));
}

TEST_CASE("decode: dimensions above kMaxPixels are refused from the header, before decoding", "[unit]") {
  // A PNG header claiming 20000 × 20000 (400 MP) is 33 bytes plus an IEND; no pixel data exists.
  Bytes ihdr;
  put_be32(ihdr, 20000);
  put_be32(ihdr, 20000);
  ihdr.insert(ihdr.end(), {8, 2, 0, 0, 0});  // 8-bit RGB, deflate, no filter, no interlace
  Bytes png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  for (const Bytes& c : {png_chunk("IHDR", ihdr), png_chunk("IEND", {})}) png.insert(png.end(), c.begin(), c.end());
  const std::string p = write_file("huge.png", png);
  CHECK_THAT(input_error_message([&] { probe_image(p); }), Catch::Contains("above the limit of 100000000 pixels"));
  CHECK_THAT(input_error_message([&] { decode_image(p); }), Catch::Contains("above the limit"));
  // The same for a TIFF whose header claims 20000 × 20000 but holds one pixel.
  const std::string t =
      write_file("huge.tif", tiff_file(cv::Mat(1, 1, CV_8UC3, cv::Scalar(1, 2, 3)), 2, 1, {}, cv::Size(20000, 20000)));
  CHECK_THAT(input_error_message([&] { decode_image(t); }), Catch::Contains("above the limit"));
  // Exactly at the limit is allowed by the rule (refuse *above*): 10000 × 10000 passes the check
  // and then fails only because the data is missing.
  Bytes ihdr_ok;
  put_be32(ihdr_ok, 10000);
  put_be32(ihdr_ok, 10000);
  ihdr_ok.insert(ihdr_ok.end(), {8, 2, 0, 0, 0});
  Bytes png_ok = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  for (const Bytes& c : {png_chunk("IHDR", ihdr_ok), png_chunk("IEND", {})})
    png_ok.insert(png_ok.end(), c.begin(), c.end());
  const std::string ok = write_file("limit.png", png_ok);
  CHECK_THAT(input_error_message([&] { decode_image(ok); }), !Catch::Contains("above the limit"));
}

TEST_CASE("decode: a tile may overhang the image, but a header asking for giant tiles is refused before allocating",
          "[unit]") {
  // 20 x 12 RGB in one 32 x 32 tile (tile sizes are multiples of 16, TIFF 6.0 section 15): valid.
  cv::Mat rgb(12, 20, CV_8UC3);
  cv::randu(rgb, 0, 256);
  const DecodedImage d = decode_image(write_file("tiled.tif", tiled_tiff_file(rgb, 32)));
  CHECK(d.encoded.size() == rgb.size());
  CHECK(max_abs_diff(d.encoded, rgb) == 0);  // decoded images are RGB, as written
  // The same header claiming 8192 x 8192 tiles: 201 MB per tile for a 720-byte image. Refused
  // from the header (fuzz_image found a 65512-pixel, 2049-sample tile that took 2 GB).
  CHECK_THAT(input_error_message([&] { decode_image(write_file("giant-tile.tif", tiled_tiff_file(rgb, 32, 8192))); }),
             Catch::Contains("tiles of 8192 x 8192 pixels are far larger than the image"));
}

// ---- the development photos -------------------------------------------------------------------

TEST_CASE("decode: every development photo decodes with its profile and size", "[reference]") {
  struct Row {
    const char* file;
    int width, height;
    bool tagged;
  };
  // Sizes from tests/data/photos/SOURCES.md.
  const Row rows[] = {{"pedrodiamel_hand_holding_classic.jpg", 1024, 768, false},
                      {"macduff_fishbox1_passport_foot.jpg", 2879, 1294, false},
                      {"plantcv_classic.png", 300, 396, true},
                      {"plantcv_colorchecker-classic-mini.jpg", 300, 465, true},
                      {"plantcv_nano.jpeg", 400, 400, true},
                      {"plantcv_source1_img.png", 400, 335, false},
                      {"argylldoc_colorchecker_thumb.jpg", 200, 141, false}};
  for (const Row& r : rows) {
    CAPTURE(r.file);
    const DecodedImage d = decode_image(photo_path(r.file));
    CHECK(d.info.width == r.width);
    CHECK(d.info.height == r.height);
    CHECK(d.encoded.cols == r.width);
    CHECK(d.assumed_srgb == !r.tagged);
    CHECK_FALSE(d.info.greyscale);
  }
}
