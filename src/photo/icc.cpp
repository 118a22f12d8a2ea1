#include "photo/icc.hpp"

#include <lcms2.h>

#include <cmath>
#include <opencv2/core.hpp>

namespace shadematch::photo {
namespace {

struct ProfileCloser {
  void operator()(void* p) const {
    if (p) cmsCloseProfile(static_cast<cmsHPROFILE>(p));
  }
};
using Profile = std::unique_ptr<void, ProfileCloser>;

Profile open_profile(const std::vector<std::uint8_t>& bytes) {
  if (bytes.empty()) return Profile(cmsCreate_sRGBProfile());
  return Profile(cmsOpenProfileFromMem(bytes.data(), static_cast<cmsUInt32Number>(bytes.size())));
}

// Little CMS's sRGB with gamma-1 TRCs: linear sRGB (see icc.hpp).
Profile linear_srgb_profile() {
  Profile p(cmsCreate_sRGBProfile());
  if (!p) return p;
  cmsToneCurve* one = cmsBuildGamma(nullptr, 1.0);
  bool ok = one && cmsWriteTag(p.get(), cmsSigRedTRCTag, one) && cmsWriteTag(p.get(), cmsSigGreenTRCTag, one) &&
            cmsWriteTag(p.get(), cmsSigBlueTRCTag, one);
  if (one) cmsFreeToneCurve(one);
  if (!ok) p.reset();
  return p;
}

bool usable_device_class(cmsHPROFILE h) {
  const cmsProfileClassSignature c = cmsGetDeviceClass(h);
  return c == cmsSigInputClass || c == cmsSigDisplayClass || c == cmsSigOutputClass || c == cmsSigColorSpaceClass;
}

// The colorant matrix (columns rXYZ, gXYZ, bXYZ; PCS D50) of a matrix/TRC profile.
bool colorants(cmsHPROFILE h, cv::Matx33d& m) {
  const cmsTagSignature tags[3] = {cmsSigRedColorantTag, cmsSigGreenColorantTag, cmsSigBlueColorantTag};
  for (int i = 0; i < 3; ++i) {
    const auto* xyz = static_cast<const cmsCIEXYZ*>(cmsReadTag(h, tags[i]));
    if (!xyz || !std::isfinite(xyz->X) || !std::isfinite(xyz->Y) || !std::isfinite(xyz->Z)) {
      return false;
    }
    m(0, i) = xyz->X;
    m(1, i) = xyz->Y;
    m(2, i) = xyz->Z;
  }
  return true;
}

// Little CMS takes the matrix/TRC (shaper) route for the relative colorimetric intent only when
// the profile has no LUT-based tag for it; we take the LUT+matrix shortcut in exactly that case.
bool shaper_route(cmsHPROFILE h) {
  return cmsIsMatrixShaper(h) && !cmsIsCLUT(h, INTENT_RELATIVE_COLORIMETRIC, LCMS_USED_AS_INPUT) &&
         !cmsIsTag(h, cmsSigDToB0Tag) && !cmsIsTag(h, cmsSigDToB1Tag);
}

}  // namespace

IccSummary summarize_icc(const std::vector<std::uint8_t>& profile) {
  IccSummary s;
  if (profile.empty()) return s;
  Profile h = open_profile(profile);
  if (!h) return s;
  s.opened = true;
  const cmsColorSpaceSignature space = cmsGetColorSpace(h.get());
  s.rgb = space == cmsSigRgbData;
  s.cmyk = space == cmsSigCmykData;
  s.gray = space == cmsSigGrayData;
  s.usable_class = usable_device_class(h.get());
  char buf[256] = {};
  if (cmsGetProfileInfoASCII(h.get(), cmsInfoDescription, "en", "US", buf, sizeof buf) > 0) {
    s.description = buf;
  }
  return s;
}

std::shared_ptr<const DecodedImage::Transform> make_linear_transform(const std::vector<std::uint8_t>& profile, int bits,
                                                                     std::string& why) {
  Profile src = open_profile(profile);
  if (!src) {
    why = "Little CMS cannot read the embedded ICC profile";
    return nullptr;
  }
  if (cmsGetColorSpace(src.get()) != cmsSigRgbData || !usable_device_class(src.get())) {
    why = "the embedded ICC profile is not an RGB device profile";
    return nullptr;
  }
  auto t = std::make_shared<DecodedImage::Transform>();
  t->bits = bits;
  const std::size_t codes = std::size_t{1} << bits;
  const float max_code = static_cast<float>(codes - 1);

  cv::Matx33d c_src;
  cv::Matx33d c_srgb;
  Profile srgb(cmsCreate_sRGBProfile());
  if (shaper_route(src.get()) && colorants(src.get(), c_src) && srgb && colorants(srgb.get(), c_srgb)) {
    // Relative colorimetric between two matrix/TRC profiles: both colorant matrices map to the
    // D50 PCS, so linear sRGB = C_srgb⁻¹ · C_src · TRC(code). Tested against Little CMS.
    const cmsTagSignature trcs[3] = {cmsSigRedTRCTag, cmsSigGreenTRCTag, cmsSigBlueTRCTag};
    t->lut.resize(3 * codes);
    for (std::size_t ch = 0; ch < 3; ++ch) {
      const auto* curve = static_cast<const cmsToneCurve*>(cmsReadTag(src.get(), trcs[ch]));
      if (!curve) {
        why = "the embedded ICC profile lacks a tone curve";
        return nullptr;
      }
      for (std::size_t i = 0; i < codes; ++i) {
        t->lut[ch * codes + i] = cmsEvalToneCurveFloat(curve, static_cast<float>(i) / max_code);
      }
    }
    bool invertible = false;
    const cv::Matx33d m = c_srgb.inv(cv::DECOMP_LU, &invertible) * c_src;
    if (!invertible) {
      why = "Little CMS's sRGB colorants are singular";  // cannot happen; kept for safety
      return nullptr;
    }
    for (int r = 0; r < 3; ++r) {
      for (int c = 0; c < 3; ++c) t->matrix[static_cast<std::size_t>(r * 3 + c)] = static_cast<float>(m(r, c));
    }
    t->kind = DecodedImage::Transform::Kind::lut_matrix;
    return t;
  }

  Profile dst = linear_srgb_profile();
  cmsHTRANSFORM x = dst ? cmsCreateTransform(src.get(), TYPE_RGB_FLT, dst.get(), TYPE_RGB_FLT,
                                             INTENT_RELATIVE_COLORIMETRIC, cmsFLAGS_NOCACHE)
                        : nullptr;
  if (!x) {
    why = "Little CMS cannot build a transform from the embedded ICC profile";
    return nullptr;
  }
  t->kind = DecodedImage::Transform::Kind::lcms;
  t->lcms_transform = std::shared_ptr<void>(x, [](void* p) { cmsDeleteTransform(static_cast<cmsHTRANSFORM>(p)); });
  return t;
}

namespace {

// ITU-T H.273 Table 3 transfer characteristics, inverted (code value → linear light), as Little CMS
// parametric curves. Type 4 is Y = (aX + b)^g for X ≥ d, Y = cX below (ICC.1:2010 10.18 function 3).
// Returns nullptr for the codes we do not build (see icc.hpp).
cmsToneCurve* h273_inverse_transfer(int code, std::string& name) {
  const auto camera_curve = [](double alpha, double beta, double slope) {
    // V = α·L^0.45 − (α − 1) for L ≥ β, V = slope·L below: inverted, the break is at V = slope·β.
    const cmsFloat64Number p[5] = {1.0 / 0.45, 1.0 / alpha, (alpha - 1.0) / alpha, 1.0 / slope, slope * beta};
    return cmsBuildParametricToneCurve(nullptr, 4, p);
  };
  switch (code) {
    case 1:
    case 6:
    case 14:
    case 15:
      name = code == 1 ? "BT.709" : code == 6 ? "BT.601" : "BT.2020";
      return camera_curve(1.099296826809442, 0.018053968510807, 4.5);
    case 4:
      name = "gamma 2.2";
      return cmsBuildGamma(nullptr, 2.2);
    case 5:
      name = "gamma 2.8";
      return cmsBuildGamma(nullptr, 2.8);
    case 7:
      name = "SMPTE ST 240";
      return camera_curve(1.1115, 0.0228, 4.0);
    case 8:
      name = "linear";
      return cmsBuildGamma(nullptr, 1.0);
    case 13: {
      name = "sRGB";
      const cmsFloat64Number p[5] = {2.4, 1.0 / 1.055, 0.055 / 1.055, 1.0 / 12.92, 0.04045};
      return cmsBuildParametricToneCurve(nullptr, 4, p);
    }
    default:
      return nullptr;
  }
}

std::string primaries_name(int code) {
  switch (code) {
    case 1:
      return "BT.709/sRGB";
    case 5:
      return "BT.601 625-line";
    case 6:
      return "BT.601 525-line";
    case 9:
      return "BT.2020";
    case 11:
      return "DCI-P3";
    case 12:
      return "Display P3";
    default:
      return "code " + std::to_string(code);
  }
}

bool plausible_chromaticity(double x, double y) {
  return std::isfinite(x) && std::isfinite(y) && x >= 0 && y > 0 && x + y <= 1.0 + 1e-9;
}

}  // namespace

std::vector<std::uint8_t> make_nclx_profile(const NclxColour& nclx, std::string& description,
                                            std::vector<std::string>& warnings) {
  std::string transfer_name;
  cmsToneCurve* curve = h273_inverse_transfer(nclx.transfer_characteristics, transfer_name);
  if (!curve) {
    warnings.push_back("nclx transfer characteristics " + std::to_string(nclx.transfer_characteristics) +
                       (nclx.transfer_characteristics == 2 ? " (unspecified)" : " (not supported: HDR or log curve)") +
                       ": the sRGB curve is assumed");
    curve = h273_inverse_transfer(13, transfer_name);
    transfer_name += " (assumed)";
  }
  if (!curve) return {};
  std::unique_ptr<cmsToneCurve, void (*)(cmsToneCurve*)> curve_owner(curve, cmsFreeToneCurve);
  cmsToneCurve* curves[3] = {curve, curve, curve};

  const bool known = nclx.colour_primaries != 2 && plausible_chromaticity(nclx.red_x, nclx.red_y) &&
                     plausible_chromaticity(nclx.green_x, nclx.green_y) &&
                     plausible_chromaticity(nclx.blue_x, nclx.blue_y) &&
                     plausible_chromaticity(nclx.white_x, nclx.white_y);
  std::string primaries = primaries_name(nclx.colour_primaries);
  Profile h;
  if (known) {
    const cmsCIExyY white{nclx.white_x, nclx.white_y, 1.0};
    const cmsCIExyYTRIPLE prim{
        {nclx.red_x, nclx.red_y, 1.0}, {nclx.green_x, nclx.green_y, 1.0}, {nclx.blue_x, nclx.blue_y, 1.0}};
    h.reset(cmsCreateRGBProfile(&white, &prim, curves));
  }
  if (!h) {
    // Unspecified or unknown primaries (or ones Little CMS cannot invert): the sRGB colorants, as
    // the built-in sRGB profile has them, with the transfer curve of the file.
    warnings.push_back("nclx colour primaries " + std::to_string(nclx.colour_primaries) +
                       (nclx.colour_primaries == 2 ? " (unspecified)" : " (unknown)") +
                       ": the sRGB primaries are assumed");
    primaries = "sRGB primaries (assumed)";
    h.reset(cmsCreate_sRGBProfile());
    if (!h || !cmsWriteTag(h.get(), cmsSigRedTRCTag, curve) || !cmsWriteTag(h.get(), cmsSigGreenTRCTag, curve) ||
        !cmsWriteTag(h.get(), cmsSigBlueTRCTag, curve)) {
      return {};
    }
  }
  description = "nclx " + std::to_string(nclx.colour_primaries) + "/" + std::to_string(nclx.transfer_characteristics) +
                "/" + std::to_string(nclx.matrix_coefficients) + ": " + primaries + ", " + transfer_name + " transfer";
  cmsMLU* mlu = cmsMLUalloc(nullptr, 1);
  if (mlu) {
    cmsMLUsetASCII(mlu, "en", "US", description.c_str());
    cmsWriteTag(h.get(), cmsSigProfileDescriptionTag, mlu);
    cmsMLUfree(mlu);
  }
  cmsUInt32Number n = 0;
  if (!cmsSaveProfileToMem(h.get(), nullptr, &n) || n == 0) return {};
  std::vector<std::uint8_t> bytes(n);
  if (!cmsSaveProfileToMem(h.get(), bytes.data(), &n)) return {};
  bytes.resize(n);
  return bytes;
}

void lcms_rgb_float(const DecodedImage::Transform& t, const float* in, float* out, std::size_t pixels) {
  cmsDoTransform(static_cast<cmsHTRANSFORM>(t.lcms_transform.get()), in, out, static_cast<cmsUInt32Number>(pixels));
}

bool cmyk_to_srgb8(const std::vector<std::uint8_t>& profile, bool inverted, const cv::Mat& cmyk, cv::Mat& rgb,
                   std::string& why) {
  CV_Assert(cmyk.type() == CV_8UC4 || cmyk.type() == CV_16UC4);
  Profile src = open_profile(profile);
  if (!src || cmsGetColorSpace(src.get()) != cmsSigCmykData || !usable_device_class(src.get())) {
    why = src ? "the embedded ICC profile is not a CMYK device profile"
              : "Little CMS cannot read the embedded ICC profile";
    return false;
  }
  Profile dst(cmsCreate_sRGBProfile());
  const bool wide = cmyk.depth() == CV_16U;
  const cmsUInt32Number in_fmt =
      wide ? (inverted ? TYPE_CMYK_16_REV : TYPE_CMYK_16) : (inverted ? TYPE_CMYK_8_REV : TYPE_CMYK_8);
  cmsHTRANSFORM x = cmsCreateTransform(src.get(), in_fmt, dst.get(), wide ? TYPE_RGB_16 : TYPE_RGB_8,
                                       INTENT_RELATIVE_COLORIMETRIC, cmsFLAGS_NOCACHE);
  if (!x) {
    why = "Little CMS cannot build a transform from the embedded CMYK profile";
    return false;
  }
  rgb.create(cmyk.rows, cmyk.cols, wide ? CV_16UC3 : CV_8UC3);
  for (int y = 0; y < cmyk.rows; ++y) {
    cmsDoTransform(x, cmyk.ptr(y), rgb.ptr(y), static_cast<cmsUInt32Number>(cmyk.cols));
  }
  cmsDeleteTransform(x);
  return true;
}

}  // namespace shadematch::photo
