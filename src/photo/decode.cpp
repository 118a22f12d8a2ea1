#include "photo/decode.hpp"

// libjpeg needs <cstdio> (FILE) before its header.
#include <jerror.h>
#include <jpeglib.h>
#include <libheif/heif.h>
#include <png.h>
#include <tiffio.h>
#include <cstdio>

#include <algorithm>
#include <cerrno>
#include <csetjmp>
#include <cstdarg>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <opencv2/imgproc.hpp>
#include <stdexcept>
#include <system_error>

#include "common/error.hpp"
#include "common/utf8.hpp"
#include "photo/exif.hpp"
#include "photo/icc.hpp"

namespace shadematch::photo {
namespace {

using Bytes = std::vector<std::uint8_t>;

[[noreturn]] void fail(const std::string& path, const std::string& message) {
  throw InputError(path, message);
}

// An empty in-memory image gets the same message as an empty file.
const Bytes& checked_bytes(const EncodedImage& file) {
  if (!file.bytes || file.bytes->empty()) fail(file.name, "empty file, not an image");
  return *file.bytes;
}

bool starts_with(const Bytes& b, std::size_t at, const char* s, std::size_t n) {
  return b.size() >= at + n && std::memcmp(b.data() + at, s, n) == 0;
}

std::uint32_t be32_at(const Bytes& b, std::size_t at) {
  return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) | (std::uint32_t{b[at + 2]} << 8) | b[at + 3];
}

// ISO/IEC 14496-12 4.3: a file starting with an 'ftyp' box whose major or compatible brands name
// a HEIF image (ISO/IEC 23008-12 Annex B heic/heix/heim/heis (HEVC images), hevc/hevx
// (sequences), mif1/msf1/mif2 (any HEIF), heif; AV1 Image File Format avif/avis). The brands
// are read from the bytes: a file name or extension is never consulted.
bool is_heif(const Bytes& b) {
  if (b.size() < 16 || !starts_with(b, 4, "ftyp", 4)) return false;
  const std::uint32_t box = be32_at(b, 0);
  const std::size_t end = std::min<std::size_t>(b.size(), box >= 16 ? box : 16);
  static const char* const kBrands[] = {"heic", "heix", "heim", "heis", "hevc", "hevx", "hevm",
                                        "hevs", "mif1", "msf1", "mif2", "heif", "avif", "avis"};
  const auto heif_brand = [&](std::size_t at) {
    for (const char* brand : kBrands) {
      if (starts_with(b, at, brand, 4)) return true;
    }
    return false;
  };
  if (heif_brand(8)) return true;                      // major brand
  for (std::size_t at = 16; at + 4 <= end; at += 4) {  // compatible brands
    if (heif_brand(at)) return true;
  }
  return false;
}

// "jpeg", "png", "tiff", "heif", or throws naming what the file is when we can tell.
std::string sniff_format(const std::string& path, const Bytes& b) {
  if (b.size() >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return "jpeg";
  if (starts_with(b, 0, "\x89PNG\r\n\x1a\n", 8)) return "png";
  if (starts_with(b, 0, "II*\0", 4) || starts_with(b, 0, "MM\0*", 4) || starts_with(b, 0, "II+\0", 4) ||
      starts_with(b, 0, "MM\0+", 4)) {
    return "tiff";
  }
  if (is_heif(b)) return "heif";
  std::string what;
  if (starts_with(b, 0, "RIFF", 4) && starts_with(b, 8, "WEBP", 4)) what = "WebP";
  if (starts_with(b, 0, "GIF8", 4)) what = "GIF";
  if (starts_with(b, 0, "BM", 2)) what = "BMP";
  if (b.size() >= 12 && starts_with(b, 4, "ftyp", 4)) {
    std::string brand(b.begin() + 8, b.begin() + 12);
    for (char& c : brand) {
      if (c < 0x20 || c > 0x7e) c = '?';
    }
    what = "ISO media (brand '" + brand + "')";
  }
  if (!what.empty()) fail(path, "unsupported image format " + what + " (use JPEG, PNG, TIFF or HEIC)");
  fail(path, "not an image (expected JPEG, PNG, TIFF or HEIC)");
}

void check_dimensions(const ImageInfo& info) {
  if (info.stored_width <= 0 || info.stored_height <= 0) {
    fail(info.path, "image has zero width or height");
  }
  const std::int64_t pixels = std::int64_t{info.stored_width} * info.stored_height;
  if (pixels > kMaxPixels) {
    fail(info.path, "image is " + std::to_string(info.stored_width) + "x" + std::to_string(info.stored_height) + " (" +
                        std::to_string(pixels) + " pixels), above the limit of " + std::to_string(kMaxPixels) +
                        " pixels; downscale it first");
  }
}

void set_display_size(ImageInfo& info) {
  const bool swap = info.exif_orientation >= 5;
  info.width = swap ? info.stored_height : info.stored_width;
  info.height = swap ? info.stored_width : info.stored_height;
}

void describe_profile(ImageInfo& info) {
  if (info.icc_profile.empty()) return;
  info.icc_description = summarize_icc(info.icc_profile).description;
}

// ---- JPEG (libjpeg-turbo) ---------------------------------------------------------------------
// libjpeg reports fatal errors through error_exit, which must not return: we longjmp back into
// `jpeg_guarded`, whose frame holds no C++ object, so no destructor is skipped.
struct JpegErrors {
  jpeg_error_mgr pub;
  std::jmp_buf jump;
  char fatal[JMSG_LENGTH_MAX];
  char first_corruption[JMSG_LENGTH_MAX];
  int corruptions;  // warnings that mean damaged or truncated data
  int eof;          // "premature end of JPEG file": the data ran out (see JpegReader::decode)
  int extraneous;   // "extraneous bytes before marker": harmless padding some cameras write
  int bad_icc;      // a damaged ICC marker: the profile is ignored
};

void jpeg_on_error(j_common_ptr c) {
  auto* e = reinterpret_cast<JpegErrors*>(c->err);
  (*c->err->format_message)(c, e->fatal);
  std::longjmp(e->jump, 1);
}

void jpeg_on_message(j_common_ptr c, int level) {
  if (level >= 0) return;  // trace messages
  auto* e = reinterpret_cast<JpegErrors*>(c->err);
  const int code = c->err->msg_code;
  if (code == JWRN_EXTRANEOUS_DATA) {
    ++e->extraneous;
  } else if (code == JWRN_JPEG_EOF) {
    ++e->eof;
  } else if (code == JWRN_BOGUS_ICC) {
    ++e->bad_icc;
  } else {
    if (e->corruptions++ == 0) (*c->err->format_message)(c, e->first_corruption);
  }
}

template <class F>
bool jpeg_guarded(JpegErrors& e, F&& f) {
  if (setjmp(e.jump)) return false;
  f();
  return true;
}

class JpegReader {
 public:
  JpegReader(const std::string& path, const Bytes& bytes) : path_(path) {
    std::memset(&errors_, 0, sizeof errors_);
    cinfo_.err = jpeg_std_error(&errors_.pub);
    errors_.pub.error_exit = jpeg_on_error;
    errors_.pub.emit_message = jpeg_on_message;
    if (!jpeg_guarded(errors_, [&] { jpeg_create_decompress(&cinfo_); })) {
      throw std::runtime_error("libjpeg: cannot create a decompressor");
    }
    created_ = true;
    // Every libjpeg call that may fail runs inside jpeg_guarded: an error outside one would
    // longjmp into a stale frame.
    if (!jpeg_guarded(errors_, [&] {
          jpeg_mem_src(&cinfo_, bytes.data(), static_cast<unsigned long>(bytes.size()));
          jpeg_save_markers(&cinfo_, JPEG_APP0 + 1, 0xFFFF);
          jpeg_save_markers(&cinfo_, JPEG_APP0 + 2, 0xFFFF);
          jpeg_read_header(&cinfo_, TRUE);
        })) {
      release();  // a throwing constructor gets no destructor call
      corrupt("cannot read the JPEG header: " + std::string(errors_.fatal));
    }
  }
  ~JpegReader() { release(); }
  JpegReader(const JpegReader&) = delete;
  JpegReader& operator=(const JpegReader&) = delete;

  ImageInfo info() {
    ImageInfo info;
    info.path = path_;
    info.format = "jpeg";
    info.stored_width = static_cast<int>(cinfo_.image_width);
    info.stored_height = static_cast<int>(cinfo_.image_height);
    info.channels = cinfo_.num_components;
    info.bit_depth = 8;
    info.greyscale = cinfo_.jpeg_color_space == JCS_GRAYSCALE;
    info.cmyk = cinfo_.jpeg_color_space == JCS_CMYK || cinfo_.jpeg_color_space == JCS_YCCK;
    JOCTET* icc = nullptr;
    unsigned int icc_len = 0;
    bool got_icc = false;
    if (!jpeg_guarded(errors_, [&] { got_icc = jpeg_read_icc_profile(&cinfo_, &icc, &icc_len); })) {
      got_icc = false;
    }
    if (got_icc && icc) info.icc_profile.assign(icc, icc + icc_len);
    std::free(icc);
    for (jpeg_saved_marker_ptr m = cinfo_.marker_list; m; m = m->next) {
      if (m->marker == JPEG_APP0 + 1 && m->data_length >= 6 && std::memcmp(m->data, "Exif\0\0", 6) == 0) {
        const ExifFacts exif = parse_exif(m->data, m->data_length);
        info.exif_orientation = exif.orientation;
        info.camera = exif.camera;
        break;
      }
    }
    set_display_size(info);
    describe_profile(info);
    return info;
  }

  bool bad_icc_marker() const { return errors_.bad_icc > 0; }
  bool adobe_inverted() const { return cinfo_.saw_Adobe_marker; }

  // Decodes at 1/reduce size in the DCT domain; 1 (grey), 3 (RGB) or 4 (CMYK) channels.
  cv::Mat decode(const ImageInfo& info, int reduce) {
    cinfo_.out_color_space = info.greyscale ? JCS_GRAYSCALE : info.cmyk ? JCS_CMYK : JCS_RGB;
    cinfo_.scale_num = 1;
    cinfo_.scale_denom = static_cast<unsigned int>(reduce);
    bool multiple_scans = false;  // libjpeg answers this only between start and finish
    if (!jpeg_guarded(errors_, [&] {
          jpeg_start_decompress(&cinfo_);
          multiple_scans = jpeg_has_multiple_scans(&cinfo_);
        })) {
      corrupt(std::string("cannot decode the JPEG: ") + errors_.fatal);
    }
    cv::Mat out(static_cast<int>(cinfo_.output_height), static_cast<int>(cinfo_.output_width),
                CV_8UC(cinfo_.output_components));
    const bool ok = jpeg_guarded(errors_, [&] {
      JSAMPROW rows[16];
      while (cinfo_.output_scanline < cinfo_.output_height) {
        const JDIMENSION first = cinfo_.output_scanline;
        const JDIMENSION n = std::min<JDIMENSION>(16, cinfo_.output_height - first);
        for (JDIMENSION i = 0; i < n; ++i) rows[i] = out.ptr(static_cast<int>(first + i));
        jpeg_read_scanlines(&cinfo_, rows, n);
      }
      jpeg_finish_decompress(&cinfo_);
    });
    if (!ok) corrupt(std::string("corrupt JPEG data: ") + errors_.fatal);
    if (errors_.corruptions > 0) {
      corrupt(std::string("corrupt or truncated JPEG data (") + errors_.first_corruption + ")");
    }
    // The data ran out. If no entropy-coded bits were missing (libjpeg then also warns "premature
    // end of data segment", counted above) and the file has a single scan, only the end marker
    // was lost: every pixel is there, as some cameras write it. A progressive file that ends
    // between scans would be a blurred image: refused.
    if (errors_.eof > 0) {
      if (multiple_scans) {
        corrupt("truncated JPEG file (premature end of a progressive JPEG)");
      }
      missing_eoi_ = true;
    }
    return out;
  }

  int extraneous_bytes_warnings() const { return errors_.extraneous; }
  bool missing_end_marker() const { return missing_eoi_; }

 private:
  void release() {
    if (created_) jpeg_destroy_decompress(&cinfo_);
    created_ = false;
  }
  [[noreturn]] void corrupt(const std::string& message) { fail(path_, message); }

  std::string path_;
  jpeg_decompress_struct cinfo_{};
  JpegErrors errors_{};
  bool created_ = false;
  bool missing_eoi_ = false;
};

// ---- PNG (libpng) -----------------------------------------------------------------------------
struct PngState {
  const Bytes* bytes = nullptr;
  std::size_t at = 0;
  char error[256] = {};
  char icc_warning[256] = {};
};

void png_on_error(png_structp png, png_const_charp msg) {
  auto* s = static_cast<PngState*>(png_get_error_ptr(png));
  std::snprintf(s->error, sizeof s->error, "%s", msg);
  png_longjmp(png, 1);
}

void png_on_warning(png_structp png, png_const_charp msg) {
  auto* s = static_cast<PngState*>(png_get_error_ptr(png));
  if (std::strstr(msg, "iCCP") || std::strstr(msg, "profile")) {
    if (!s->icc_warning[0]) std::snprintf(s->icc_warning, sizeof s->icc_warning, "%s", msg);
  }
}

void png_on_read(png_structp png, png_bytep out, png_size_t n) {
  auto* s = static_cast<PngState*>(png_get_io_ptr(png));
  if (s->bytes->size() - s->at < n) png_error(png, "file is truncated");
  std::memcpy(out, s->bytes->data() + s->at, n);
  s->at += n;
}

template <class F>
bool png_guarded(png_structp png, F&& f) {
  if (setjmp(png_jmpbuf(png))) return false;
  f();
  return true;
}

class PngReader {
 public:
  PngReader(const std::string& path, const Bytes& bytes) : path_(path) {
    state_.bytes = &bytes;
    png_ = png_create_read_struct(PNG_LIBPNG_VER_STRING, &state_, png_on_error, png_on_warning);
    if (png_) info_ = png_create_info_struct(png_);
    if (!png_ || !info_) {
      png_destroy_read_struct(&png_, &info_, nullptr);
      throw std::runtime_error("libpng: cannot create a reader");
    }
    png_set_read_fn(png_, &state_, png_on_read);
    if (!png_guarded(png_, [&] { png_read_info(png_, info_); })) {
      png_destroy_read_struct(&png_, &info_, nullptr);  // a throwing constructor gets no destructor call
      fail(path_, std::string("cannot read the PNG header: ") + state_.error);
    }
  }
  ~PngReader() { png_destroy_read_struct(&png_, &info_, nullptr); }
  PngReader(const PngReader&) = delete;
  PngReader& operator=(const PngReader&) = delete;

  ImageInfo info() {
    ImageInfo info;
    info.path = path_;
    info.format = "png";
    info.stored_width = static_cast<int>(png_get_image_width(png_, info_));
    info.stored_height = static_cast<int>(png_get_image_height(png_, info_));
    const int depth = png_get_bit_depth(png_, info_);
    const int type = png_get_color_type(png_, info_);
    info.bit_depth = depth == 16 ? 16 : 8;
    info.channels = png_get_channels(png_, info_);
    info.greyscale = (type & PNG_COLOR_MASK_COLOR) == 0;
    if (type == PNG_COLOR_TYPE_PALETTE) info.channels = 3;
    png_charp name = nullptr;
    int compression = 0;
    png_bytep profile = nullptr;
    png_uint_32 profile_len = 0;
    if (png_get_iCCP(png_, info_, &name, &compression, &profile, &profile_len) && profile) {
      info.icc_profile.assign(profile, profile + profile_len);
    }
    png_uint_32 exif_len = 0;
    png_bytep exif = nullptr;
    if (png_get_eXIf_1(png_, info_, &exif_len, &exif) && exif) {
      const ExifFacts facts = parse_exif(exif, exif_len);
      info.exif_orientation = facts.orientation;
      info.camera = facts.camera;
    }
    set_display_size(info);
    describe_profile(info);
    return info;
  }

  std::string icc_warning() const { return state_.icc_warning; }

  // 1 (grey) or 3 (RGB) channels, 8 or 16 bits; alpha dropped, palettes expanded.
  cv::Mat decode(const ImageInfo& info) {
    const int type = png_get_color_type(png_, info_);
    png_set_expand(png_);  // palette → RGB, grey < 8 bits → 8, tRNS → alpha
    if (type & PNG_COLOR_MASK_ALPHA || png_get_valid(png_, info_, PNG_INFO_tRNS)) {
      png_set_strip_alpha(png_);
    }
    if (info.bit_depth == 16) png_set_swap(png_);  // PNG is big-endian; cv::Mat is native
    png_set_interlace_handling(png_);
    if (!png_guarded(png_, [&] { png_read_update_info(png_, info_); })) {
      fail(path_, std::string("corrupt PNG header (") + state_.error + ")");
    }
    const int channels = png_get_channels(png_, info_);
    cv::Mat out(info.stored_height, info.stored_width, CV_MAKETYPE(info.bit_depth == 16 ? CV_16U : CV_8U, channels));
    std::vector<png_bytep> rows(static_cast<std::size_t>(out.rows));
    for (int y = 0; y < out.rows; ++y) rows[static_cast<std::size_t>(y)] = out.ptr(y);
    png_bytepp row_pointers = rows.data();
    const bool ok = png_guarded(png_, [&] {
      png_read_image(png_, row_pointers);
      png_read_end(png_, nullptr);
    });
    if (!ok) fail(path_, std::string("corrupt or truncated PNG data (") + state_.error + ")");
    return out;
  }

 private:
  std::string path_;
  PngState state_;
  png_structp png_ = nullptr;
  png_infop info_ = nullptr;
};

// The PNG IHDR holds the size in a fixed place (ISO/IEC 15948 11.2.2): check it before libpng
// reads anything else, so a huge claimed size is refused whatever follows it.
void check_png_ihdr(const std::string& path, const Bytes& b) {
  if (b.size() < 24 || std::memcmp(b.data() + 12, "IHDR", 4) != 0) return;  // libpng will complain
  const auto be32 = [&](std::size_t at) {
    return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) | (std::uint32_t{b[at + 2]} << 8) |
           b[at + 3];
  };
  ImageInfo info;
  info.path = path;
  info.stored_width = static_cast<int>(std::min<std::uint32_t>(be32(16), 0x7fffffff));
  info.stored_height = static_cast<int>(std::min<std::uint32_t>(be32(20), 0x7fffffff));
  check_dimensions(info);
}

// ---- TIFF (libtiff) ---------------------------------------------------------------------------
struct TiffMessages {
  std::string error;
};

int tiff_on_error(TIFF*, void* user, const char* module, const char* fmt, va_list ap) {
  auto* m = static_cast<TiffMessages*>(user);
  if (m->error.empty()) {
    char buf[512];
    std::vsnprintf(buf, sizeof buf, fmt, ap);
    m->error = (module ? std::string(module) + ": " : std::string()) + buf;
  }
  return 1;
}

int tiff_on_warning(TIFF*, void*, const char*, const char*, va_list) {
  return 1;
}

// libtiff reads the file's bytes through these (TIFFClientOpenExt): a read-only view of memory.
struct TiffMemory {
  const Bytes* bytes = nullptr;
  toff_t at = 0;
};

tmsize_t tiff_read(thandle_t handle, void* buffer, tmsize_t size) {
  auto* m = static_cast<TiffMemory*>(handle);
  const toff_t total = m->bytes->size();
  if (size <= 0 || m->at >= total) return 0;
  const toff_t n = std::min<toff_t>(static_cast<toff_t>(size), total - m->at);
  std::memcpy(buffer, m->bytes->data() + m->at, static_cast<std::size_t>(n));
  m->at += n;
  return static_cast<tmsize_t>(n);
}

tmsize_t tiff_write(thandle_t, void*, tmsize_t) {
  return 0;
}

toff_t tiff_seek(thandle_t handle, toff_t offset, int whence) {
  auto* m = static_cast<TiffMemory*>(handle);
  const toff_t total = m->bytes->size();
  // toff_t is unsigned: a negative SEEK_CUR/SEEK_END offset arrives as its two's complement and
  // wraps back, as libtiff's own file I/O expects.
  switch (whence) {
    case SEEK_SET:
      m->at = offset;
      break;
    case SEEK_CUR:
      m->at += offset;
      break;
    case SEEK_END:
      m->at = total + offset;
      break;
    default:
      return static_cast<toff_t>(-1);
  }
  return m->at;
}

int tiff_close(thandle_t) {
  return 0;
}

toff_t tiff_size(thandle_t handle) {
  return static_cast<TiffMemory*>(handle)->bytes->size();
}

class TiffReader {
 public:
  TiffReader(const std::string& path, const Bytes& bytes) : path_(path) {
    memory_.bytes = &bytes;
    TIFFOpenOptions* opts = TIFFOpenOptionsAlloc();
    TIFFOpenOptionsSetErrorHandlerExtR(opts, tiff_on_error, &messages_);
    TIFFOpenOptionsSetWarningHandlerExtR(opts, tiff_on_warning, nullptr);
    // "rm": read, and never memory-map (there is no file descriptor: the bytes are the file).
    tif_ = TIFFClientOpenExt(path.c_str(), "rm", &memory_, tiff_read, tiff_write, tiff_seek, tiff_close, tiff_size,
                             nullptr, nullptr, opts);
    TIFFOpenOptionsFree(opts);
    if (!tif_) fail(path_, "cannot read the TIFF header: " + messages_.error);
  }
  ~TiffReader() {
    if (tif_) TIFFClose(tif_);
  }
  TiffReader(const TiffReader&) = delete;
  TiffReader& operator=(const TiffReader&) = delete;

  ImageInfo info() {
    ImageInfo info;
    info.path = path_;
    info.format = "tiff";
    std::uint32_t w = 0;
    std::uint32_t h = 0;
    TIFFGetField(tif_, TIFFTAG_IMAGEWIDTH, &w);
    TIFFGetField(tif_, TIFFTAG_IMAGELENGTH, &h);
    info.stored_width = static_cast<int>(std::min<std::uint32_t>(w, 0x7fffffff));
    info.stored_height = static_cast<int>(std::min<std::uint32_t>(h, 0x7fffffff));
    std::uint16_t bps = 1, spp = 1, photometric = 0, planar = PLANARCONFIG_CONTIG, format = SAMPLEFORMAT_UINT;
    std::uint16_t orientation = ORIENTATION_TOPLEFT, compression = COMPRESSION_NONE;
    TIFFGetFieldDefaulted(tif_, TIFFTAG_BITSPERSAMPLE, &bps);
    TIFFGetFieldDefaulted(tif_, TIFFTAG_SAMPLESPERPIXEL, &spp);
    TIFFGetFieldDefaulted(tif_, TIFFTAG_PLANARCONFIG, &planar);
    TIFFGetFieldDefaulted(tif_, TIFFTAG_SAMPLEFORMAT, &format);
    TIFFGetFieldDefaulted(tif_, TIFFTAG_ORIENTATION, &orientation);
    TIFFGetFieldDefaulted(tif_, TIFFTAG_COMPRESSION, &compression);
    if (!TIFFGetField(tif_, TIFFTAG_PHOTOMETRIC, &photometric))
      photometric = spp >= 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK;
    if (photometric == PHOTOMETRIC_YCBCR && compression == COMPRESSION_JPEG) {
      // libtiff's JPEG codec converts YCbCr to RGB for us.
      TIFFSetField(tif_, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB);
      photometric = PHOTOMETRIC_RGB;
    }
    info.bit_depth = bps == 16 ? 16 : 8;
    info.channels = spp;
    info.greyscale = photometric == PHOTOMETRIC_MINISBLACK;
    info.cmyk = photometric == PHOTOMETRIC_SEPARATED;
    info.exif_orientation = orientation >= 1 && orientation <= 8 ? orientation : 1;
    std::uint32_t icc_len = 0;
    void* icc = nullptr;
    if (TIFFGetField(tif_, TIFFTAG_ICCPROFILE, &icc_len, &icc) && icc && icc_len > 0) {
      const auto* p = static_cast<const std::uint8_t*>(icc);
      info.icc_profile.assign(p, p + icc_len);
    }
    char* make = nullptr;
    char* model = nullptr;
    // Repaired, not refused, as EXIF's (photo/exif.cpp): the camera's bytes reach JSON.
    const std::string mk = utf8::repair(TIFFGetField(tif_, TIFFTAG_MAKE, &make) && make ? make : "");
    const std::string md = utf8::repair(TIFFGetField(tif_, TIFFTAG_MODEL, &model) && model ? model : "");
    info.camera = !mk.empty() && md.rfind(mk, 0) == 0 ? md : (mk.empty() || md.empty() ? mk + md : mk + " " + md);

    // What we read: unsigned 8/16-bit samples, interleaved, grey / RGB / CMYK (+ extra samples).
    const bool layout_ok =
        format == SAMPLEFORMAT_UINT && (bps == 8 || bps == 16) && planar == PLANARCONFIG_CONTIG &&
        ((photometric == PHOTOMETRIC_MINISBLACK && spp >= 1) || (photometric == PHOTOMETRIC_RGB && spp >= 3) ||
         (photometric == PHOTOMETRIC_SEPARATED && spp >= 4));
    if (!layout_ok) {
      unsupported_ = "unsupported TIFF layout (" + std::to_string(bps) + "-bit, " + std::to_string(spp) +
                     " samples, photometric " + std::to_string(photometric) +
                     (planar == PLANARCONFIG_CONTIG ? "" : ", planar") + "); save it as 8- or 16-bit interleaved RGB";
    }
    set_display_size(info);
    describe_profile(info);
    return info;
  }

  const std::string& unsupported() const { return unsupported_; }

  // All samples per pixel as stored (8 or 16 bits); the caller picks the colour channels.
  cv::Mat decode(const ImageInfo& info) {
    if (!unsupported_.empty()) fail(path_, unsupported_);
    const int depth = info.bit_depth == 16 ? CV_16U : CV_8U;
    cv::Mat out(info.stored_height, info.stored_width, CV_MAKETYPE(depth, info.channels));
    if (TIFFIsTiled(tif_)) {
      std::uint32_t tw = 0, th = 0;
      TIFFGetField(tif_, TIFFTAG_TILEWIDTH, &tw);
      TIFFGetField(tif_, TIFFTAG_TILELENGTH, &th);
      const tmsize_t tile_size = TIFFTileSize(tif_);
      if (tw == 0 || th == 0 || tile_size <= 0) fail(path_, "corrupt TIFF tiles: " + messages_.error);
      // A tile may overhang the image (a 256 x 256 tile holding a 100 x 100 image is valid), so
      // one tile is bounded by the image's own bytes plus an overhang allowance; 64 MiB covers
      // a 4096 x 4096 tile of 8-bit RGBA, far above the 128-1024 pixel tiles writers use
      // (libtiff's tiffcp and libvips default to 256 and 128). A header asking for more (a
      // 65512-pixel tile of 2049 samples on a 16 x 32 image, found by fuzz_image) would
      // allocate gigabytes for nothing.
      const std::size_t pixel_bytes = out.elemSize();
      constexpr std::uint64_t kTileOverhangBytes = std::uint64_t{64} << 20U;
      if (static_cast<std::uint64_t>(tile_size) > std::uint64_t{out.total() * pixel_bytes} + kTileOverhangBytes) {
        fail(path_, "corrupt TIFF: tiles of " + std::to_string(tw) + " x " + std::to_string(th) +
                        " pixels are far larger than the image");
      }
      if (static_cast<std::uint64_t>(tile_size) < std::uint64_t{tw} * th * pixel_bytes) {
        fail(path_, "corrupt TIFF: tile size does not match its header");
      }
      std::vector<std::uint8_t> tile(static_cast<std::size_t>(tile_size));
      for (std::uint32_t ty = 0; ty < static_cast<std::uint32_t>(out.rows); ty += th) {
        for (std::uint32_t tx = 0; tx < static_cast<std::uint32_t>(out.cols); tx += tw) {
          if (TIFFReadTile(tif_, tile.data(), tx, ty, 0, 0) < 0) {
            fail(path_, "corrupt or truncated TIFF data (" + messages_.error + ")");
          }
          const std::uint32_t cols = std::min<std::uint32_t>(tw, static_cast<std::uint32_t>(out.cols) - tx);
          const std::uint32_t rows = std::min<std::uint32_t>(th, static_cast<std::uint32_t>(out.rows) - ty);
          for (std::uint32_t r = 0; r < rows; ++r) {
            std::memcpy(out.ptr(static_cast<int>(ty + r)) + tx * pixel_bytes, tile.data() + r * tw * pixel_bytes,
                        cols * pixel_bytes);
          }
        }
      }
    } else {
      if (TIFFScanlineSize(tif_) != static_cast<tmsize_t>(out.cols * out.elemSize())) {
        fail(path_, "corrupt TIFF: scanline size does not match its header");
      }
      for (int y = 0; y < out.rows; ++y) {
        if (TIFFReadScanline(tif_, out.ptr(y), static_cast<std::uint32_t>(y), 0) < 0) {
          fail(path_, "corrupt or truncated TIFF data (" + messages_.error + ")");
        }
      }
    }
    if (!messages_.error.empty()) fail(path_, "corrupt TIFF data (" + messages_.error + ")");
    return out;
  }

 private:
  std::string path_;
  TIFF* tif_ = nullptr;
  TiffMemory memory_;
  TiffMessages messages_;
  std::string unsupported_;
};

// ---- HEIF (libheif) ----------------------------------------------------------------------------
// See decode.hpp "Decisions" for what is read and why. libheif reports every failure as a
// heif_error value (it never aborts or longjmps), so plain RAII wrappers suffice.

// The canvas size a derived primary image ('grid' or 'iovl', ISO/IEC 23008-12 6.6.2.3 / 6.6.2.2)
// declares in its item data. libheif 1.15 allocates that canvas when it decodes, whatever 'ispe'
// says, so it is read here from the bytes and checked before libheif decodes anything. Returns
// false when the primary image is not derived or the boxes cannot be read (libheif then reports
// the damage itself). ISOBMFF box layout: ISO/IEC 14496-12 4.2 (box), 8.11.3 (iloc), 8.11.4
// (pitm), 8.11.6 (iinf/infe), 8.11.11 (idat).
class BoxReader {
 public:
  BoxReader(const Bytes& b, std::size_t begin, std::size_t end) : b_(b), at_(begin), end_(std::min(end, b.size())) {}
  bool get(int bytes, std::uint64_t& v) {
    if (bytes < 0 || bytes > 8 || end_ - at_ < static_cast<std::size_t>(bytes)) return false;
    v = 0;
    for (int i = 0; i < bytes; ++i) v = (v << 8) | b_[at_++];
    return true;
  }
  bool skip(std::uint64_t n) {
    if (end_ - at_ < n) return false;
    at_ += static_cast<std::size_t>(n);
    return true;
  }
  // The next child box: its type, payload start and end. False at the end or on a bad size.
  bool next_box(std::string& type, std::size_t& body, std::size_t& box_end) {
    const std::size_t start = at_;
    std::uint64_t size = 0, fourcc = 0;
    if (!get(4, size) || !get(4, fourcc)) return false;
    std::size_t header = 8;
    if (size == 1) {
      if (!get(8, size)) return false;
      header = 16;
    } else if (size == 0) {
      size = end_ - start;
    }
    if (size < header || size > end_ - start) return false;
    type.assign({static_cast<char>(fourcc >> 24), static_cast<char>(fourcc >> 16), static_cast<char>(fourcc >> 8),
                 static_cast<char>(fourcc)});
    body = start + header;
    box_end = start + static_cast<std::size_t>(size);
    at_ = box_end;
    return true;
  }
  std::size_t at() const { return at_; }

 private:
  const Bytes& b_;
  std::size_t at_;
  std::size_t end_;
};

bool heif_derived_canvas(const Bytes& b, std::uint64_t& width, std::uint64_t& height) {
  std::string type;
  std::size_t body = 0, end = 0;
  BoxReader top(b, 0, b.size());
  std::size_t meta = 0, meta_end = 0;
  while (top.next_box(type, body, end)) {
    if (type == "meta") {
      meta = body + 4;  // FullBox: version and flags
      meta_end = end;
      break;
    }
  }
  if (meta == 0 || meta > meta_end) return false;
  std::uint64_t primary = 0;
  bool have_primary = false;
  std::string primary_type;
  std::size_t iinf = 0, iinf_end = 0, iloc = 0, iloc_end = 0, idat = 0, idat_end = 0;
  BoxReader children(b, meta, meta_end);
  while (children.next_box(type, body, end)) {
    if (type == "pitm") {
      BoxReader r(b, body, end);
      std::uint64_t version = 0;
      if (!r.get(1, version) || !r.skip(3) || !r.get(version == 0 ? 2 : 4, primary)) return false;
      have_primary = true;
    } else if (type == "iinf") {
      iinf = body;
      iinf_end = end;
    } else if (type == "iloc") {
      iloc = body;
      iloc_end = end;
    } else if (type == "idat") {
      idat = body;
      idat_end = end;
    }
  }
  if (!have_primary || iinf == 0 || iloc == 0) return false;
  {  // the primary item's type
    BoxReader r(b, iinf, iinf_end);
    std::uint64_t version = 0, count = 0;
    if (!r.get(1, version) || !r.skip(3) || !r.get(version == 0 ? 2 : 4, count)) return false;
    while (primary_type.empty() && r.next_box(type, body, end)) {
      if (type != "infe") continue;
      BoxReader e(b, body, end);
      std::uint64_t v = 0, id = 0, protection = 0, item_type = 0;
      if (!e.get(1, v) || !e.skip(3) || v < 2) continue;  // versions 0/1 carry no item_type
      if (!e.get(v == 2 ? 2 : 4, id) || !e.get(2, protection) || !e.get(4, item_type)) return false;
      if (id == primary) {
        primary_type.assign({static_cast<char>(item_type >> 24), static_cast<char>(item_type >> 16),
                             static_cast<char>(item_type >> 8), static_cast<char>(item_type)});
      }
    }
  }
  if (primary_type != "grid" && primary_type != "iovl") return false;
  // Its data: the first bytes of its first extent are enough (the canvas size comes early).
  std::size_t data = 0, data_end = 0;
  {
    BoxReader r(b, iloc, iloc_end);
    std::uint64_t version = 0, sizes = 0, sizes2 = 0, items = 0;
    if (!r.get(1, version) || !r.skip(3) || !r.get(1, sizes) || !r.get(1, sizes2)) return false;
    const int offset_size = static_cast<int>(sizes >> 4), length_size = static_cast<int>(sizes & 15);
    const int base_size = static_cast<int>(sizes2 >> 4), index_size = version >= 1 ? static_cast<int>(sizes2 & 15) : 0;
    if (!r.get(version < 2 ? 2 : 4, items)) return false;
    for (std::uint64_t i = 0; i < items && data_end == 0; ++i) {
      std::uint64_t id = 0, method = 0, reference = 0, base = 0, extents = 0;
      if (!r.get(version < 2 ? 2 : 4, id)) return false;
      if (version >= 1 && !r.get(2, method)) return false;
      if (!r.get(2, reference) || !r.get(base_size, base) || !r.get(2, extents)) return false;
      for (std::uint64_t k = 0; k < extents; ++k) {
        std::uint64_t index = 0, offset = 0, length = 0;
        if (!r.get(index_size, index) || !r.get(offset_size, offset) || !r.get(length_size, length)) return false;
        if (id != primary || k > 0) continue;
        method &= 15;
        const std::size_t origin = method == 0 ? 0 : method == 1 ? idat : SIZE_MAX;
        const std::size_t limit = method == 0 ? b.size() : method == 1 ? idat_end : 0;
        if (origin == SIZE_MAX || (method == 1 && idat == 0)) return false;
        const std::uint64_t from = origin + base + offset;
        if (from < origin || from > limit) return false;
        data = static_cast<std::size_t>(from);
        data_end = length == 0 ? limit : static_cast<std::size_t>(std::min<std::uint64_t>(limit, from + length));
      }
    }
  }
  if (data_end == 0) return false;
  BoxReader r(b, data, data_end);
  std::uint64_t version = 0, flags = 0;
  if (!r.get(1, version) || !r.get(1, flags)) return false;
  const int field = (flags & 1) ? 4 : 2;
  if (primary_type == "grid") {
    if (!r.skip(2)) return false;  // rows_minus_one, columns_minus_one
  } else if (!r.skip(8)) {
    return false;  // canvas_fill_value: four 16-bit values
  }
  return r.get(field, width) && r.get(field, height);
}

// A grid or overlay canvas above the pixel limit is refused before libheif allocates it.
void check_heif_canvas(const std::string& path, const Bytes& b) {
  std::uint64_t w = 0, h = 0;
  if (!heif_derived_canvas(b, w, h)) return;
  if (w * h > static_cast<std::uint64_t>(kMaxPixels)) {
    fail(path, "image is " + std::to_string(w) + "x" + std::to_string(h) + " (" + std::to_string(w * h) +
                   " pixels, its grid canvas), above the limit of " + std::to_string(kMaxPixels) +
                   " pixels; downscale it first");
  }
}

void heif_once() {
  // heif_init is reference counted and registers the built-in decoders; called once, never undone
  // (the registry lives as long as the process, like libheif's own static state).
  static const bool initialised = [] {
    heif_init(nullptr);
    return true;
  }();
  (void)initialised;
}

struct HeifContextFree {
  void operator()(heif_context* c) const { heif_context_free(c); }
};
struct HeifHandleRelease {
  void operator()(heif_image_handle* h) const { heif_image_handle_release(h); }
};
struct HeifImageRelease {
  void operator()(heif_image* i) const { heif_image_release(i); }
};
struct HeifOptionsFree {
  void operator()(heif_decoding_options* o) const { heif_decoding_options_free(o); }
};
struct HeifNclxFree {
  void operator()(heif_color_profile_nclx* n) const { heif_nclx_color_profile_free(n); }
};

class HeifReader {
 public:
  // `bytes` must outlive the reader: libheif reads from it without a copy.
  HeifReader(const std::string& path, const Bytes& bytes) : path_(path) {
    heif_once();
    context_.reset(heif_context_alloc());
    if (!context_) throw std::runtime_error("libheif: cannot allocate a context");
    check(heif_context_read_from_memory_without_copy(context_.get(), bytes.data(), bytes.size(), nullptr),
          "cannot read the container");
    heif_image_handle* handle = nullptr;
    check(heif_context_get_primary_image_handle(context_.get(), &handle), "no primary image");
    handle_.reset(handle);
  }

  ImageInfo info() {
    ImageInfo info;
    info.path = path_;
    info.format = "heif";
    const heif_image_handle* h = handle_.get();
    // The coded size ('ispe'), and the size after clap/irot/imir: both declared by the container.
    info.stored_width = heif_image_handle_get_ispe_width(h);
    info.stored_height = heif_image_handle_get_ispe_height(h);
    info.width = heif_image_handle_get_width(h);
    info.height = heif_image_handle_get_height(h);
    if (info.stored_width <= 0 || info.stored_height <= 0) {
      // No 'ispe' (required by ISO/IEC 23008-12 6.5.3, but be lenient): the transformed size.
      info.stored_width = info.width;
      info.stored_height = info.height;
    }
    if (info.width <= 0 || info.height <= 0) fail(path_, "corrupt HEIF file: the primary image has no size");
    const int luma_bits = heif_image_handle_get_luma_bits_per_pixel(h);
    if (luma_bits < 1 || luma_bits > 16) {
      fail(path_, "corrupt HEIF file: the primary image declares " + std::to_string(luma_bits) + " bits per sample");
    }
    info.bit_depth = luma_bits;
    info.channels = heif_image_handle_has_alpha_channel(h) ? 4 : 3;
    info.exif_orientation = 1;  // the container's transforms are the orientation (decode.hpp)

    const heif_color_profile_type type = heif_image_handle_get_color_profile_type(h);
    if (type == heif_color_profile_type_prof || type == heif_color_profile_type_rICC) {
      const std::size_t n = heif_image_handle_get_raw_color_profile_size(h);
      if (n > 0) {
        info.icc_profile.resize(n);
        if (heif_image_handle_get_raw_color_profile(h, info.icc_profile.data()).code != heif_error_Ok) {
          info.icc_profile.clear();
        }
      }
    }
    heif_color_profile_nclx* raw_nclx = nullptr;
    if (heif_image_handle_get_nclx_color_profile(h, &raw_nclx).code == heif_error_Ok && raw_nclx) {
      const std::unique_ptr<heif_color_profile_nclx, HeifNclxFree> nclx(raw_nclx);
      NclxColour& c = info.nclx;
      c.present = true;
      c.colour_primaries = static_cast<int>(nclx->color_primaries);
      c.transfer_characteristics = static_cast<int>(nclx->transfer_characteristics);
      c.matrix_coefficients = static_cast<int>(nclx->matrix_coefficients);
      c.full_range = nclx->full_range_flag != 0;
      c.red_x = nclx->color_primary_red_x;
      c.red_y = nclx->color_primary_red_y;
      c.green_x = nclx->color_primary_green_x;
      c.green_y = nclx->color_primary_green_y;
      c.blue_x = nclx->color_primary_blue_x;
      c.blue_y = nclx->color_primary_blue_y;
      c.white_x = nclx->color_primary_white_x;
      c.white_y = nclx->color_primary_white_y;
    }
    if (info.icc_profile.empty()) {
      info.icc_description.clear();
      const NclxColour& c = info.nclx;
      // Both "unspecified" (H.273 code 2) says no more than no colour box at all: untagged.
      if (c.present && !(c.colour_primaries == 2 && c.transfer_characteristics == 2)) {
        info.icc_profile = make_nclx_profile(c, info.icc_description, colour_warnings_);
        info.icc_from_nclx = !info.icc_profile.empty();
      }
    } else {
      describe_profile(info);
    }

    // EXIF (ISO/IEC 23008-12 A.2.1): a 4-byte offset to the TIFF header, then the block. Only the
    // camera is taken from it; its Orientation tag is ignored (decode.hpp).
    heif_item_id exif_id = 0;
    if (heif_image_handle_get_list_of_metadata_block_IDs(h, "Exif", &exif_id, 1) == 1) {
      const std::size_t n = heif_image_handle_get_metadata_size(h, exif_id);
      Bytes exif(n);
      if (n > 4 && heif_image_handle_get_metadata(h, exif_id, exif.data()).code == heif_error_Ok) {
        const std::size_t offset = be32_at(exif, 0);
        if (offset < n - 4) info.camera = parse_exif(exif.data() + 4 + offset, n - 4 - offset).camera;
      }
    }
    return info;
  }

  // Warnings about the colour description (parts of an nclx box that had to be assumed).
  const std::vector<std::string>& colour_warnings() const { return colour_warnings_; }

  // The primary image as displayed (transforms applied), RGB: CV_8UC3 for 8-bit files, CV_16UC3
  // (rescaled to 0..65535) for deeper ones. Alpha is dropped.
  cv::Mat decode(const ImageInfo& info) {
    const bool deep = info.bit_depth > 8;
    const std::unique_ptr<heif_decoding_options, HeifOptionsFree> options(heif_decoding_options_alloc());
    if (!options) throw std::runtime_error("libheif: cannot allocate decoding options");
    options->ignore_transformations = 0;
    options->convert_hdr_to_8bit = 0;
    options->strict_decoding = 1;  // an error, not a best-effort image, for invalid input
    heif_image* raw = nullptr;
    check(heif_decode_image(handle_.get(), &raw, heif_colorspace_RGB,
                            deep ? heif_chroma_interleaved_RRGGBB_LE : heif_chroma_interleaved_RGB, options.get()),
          "cannot decode the image");
    const std::unique_ptr<heif_image, HeifImageRelease> image(raw);
    heif_error warning{};
    if (heif_image_get_decoding_warnings(image.get(), 0, &warning, 1) > 0) {
      fail(path_,
           "corrupt HEIF image data (" + std::string(warning.message ? warning.message : "decoding warning") + ")");
    }
    const int w = heif_image_get_width(image.get(), heif_channel_interleaved);
    const int h = heif_image_get_height(image.get(), heif_channel_interleaved);
    if (w != info.width || h != info.height) {
      fail(path_, "corrupt HEIF file: the image decodes to " + std::to_string(w) + "x" + std::to_string(h) +
                      ", its container declares " + std::to_string(info.width) + "x" + std::to_string(info.height));
    }
    int stride = 0;
    const std::uint8_t* data = heif_image_get_plane_readonly(image.get(), heif_channel_interleaved, &stride);
    if (!data || stride <= 0) fail(path_, "corrupt HEIF file: no pixel data");
    if (!deep) {
      cv::Mat out(h, w, CV_8UC3);
      for (int y = 0; y < h; ++y)
        std::memcpy(out.ptr(y), data + static_cast<std::size_t>(y) * stride, 3 * std::size_t(w));
      return out;
    }
    const int bits = heif_image_get_bits_per_pixel_range(image.get(), heif_channel_interleaved);
    if (bits <= 8 || bits > 16) fail(path_, "corrupt HEIF image data (" + std::to_string(bits) + "-bit samples)");
    // Code v of `bits` bits → round(v · 65535 / (2^bits − 1)): 0 and the top code map to 0 and 65535.
    const std::uint32_t top = (1u << bits) - 1;
    cv::Mat out(h, w, CV_16UC3);
    for (int y = 0; y < h; ++y) {
      const std::uint8_t* row = data + static_cast<std::size_t>(y) * stride;
      std::uint16_t* o = out.ptr<std::uint16_t>(y);
      for (int i = 0; i < 3 * w; ++i) {
        const std::uint32_t v = std::min<std::uint32_t>(row[2 * i] | (std::uint32_t{row[2 * i + 1]} << 8), top);
        o[i] = static_cast<std::uint16_t>((v * 65535u + top / 2) / top);
      }
    }
    return out;
  }

 private:
  void check(const heif_error& e, const char* what) const {
    if (e.code == heif_error_Ok) return;
    // libheif's messages may end in a newline or hold several lines: one line for the user.
    std::string detail = e.message && *e.message ? e.message : "unknown libheif error";
    std::replace(detail.begin(), detail.end(), '\n', ' ');
    detail.erase(detail.find_last_not_of(' ') + 1);
    if (e.code == heif_error_Memory_allocation_error && e.subcode == heif_suberror_Security_limit_exceeded) {
      fail(path_,
           "image too large (" + detail + "); images above " + std::to_string(kMaxPixels) + " pixels are refused");
    }
    if (e.code == heif_error_Unsupported_feature || e.code == heif_error_Unsupported_filetype) {
      fail(path_, std::string("unsupported HEIF content: ") + what + " (" + detail + ")");
    }
    const bool truncated =
        e.subcode == heif_suberror_End_of_data || detail.find("outside of file bounds") != std::string::npos;
    fail(path_, std::string(truncated ? "truncated HEIF file: " : "corrupt HEIF file: ") + what + " (" + detail + ")");
  }

  std::string path_;
  std::unique_ptr<heif_context, HeifContextFree> context_;
  std::unique_ptr<heif_image_handle, HeifHandleRelease> handle_;
  std::vector<std::string> colour_warnings_;
};

// ---- shared steps -----------------------------------------------------------------------------

// EXIF orientation → the image as displayed (TIFF 6.0 Orientation semantics).
cv::Mat apply_orientation(const cv::Mat& in, int orientation) {
  cv::Mat out;
  switch (orientation) {
    case 2:  // mirrored left-right
      cv::flip(in, out, 1);
      break;
    case 3:  // upside down
      cv::rotate(in, out, cv::ROTATE_180);
      break;
    case 4:  // mirrored top-bottom
      cv::flip(in, out, 0);
      break;
    case 5:  // transposed
      cv::transpose(in, out);
      break;
    case 6:  // the top is on the right: turn clockwise
      cv::rotate(in, out, cv::ROTATE_90_CLOCKWISE);
      break;
    case 7:  // transverse
      cv::transpose(in, out);
      cv::rotate(out, out, cv::ROTATE_180);
      break;
    case 8:  // the top is on the left: turn counter-clockwise
      cv::rotate(in, out, cv::ROTATE_90_COUNTERCLOCKWISE);
      break;
    default:
      out = in;
      break;
  }
  return out;
}

cv::Mat reduce_area(const cv::Mat& in, int reduce) {
  if (reduce == 1) return in;
  cv::Mat out;
  cv::resize(in, out, cv::Size((in.cols + reduce - 1) / reduce, (in.rows + reduce - 1) / reduce), 0, 0, cv::INTER_AREA);
  return out;
}

// Naive CMYK → RGB for untagged CMYK: R = (1 − C)(1 − K), … `inverted` as Adobe writes it.
cv::Mat naive_cmyk_to_rgb(const cv::Mat& cmyk, bool inverted) {
  const bool wide = cmyk.depth() == CV_16U;
  const double max = wide ? 65535.0 : 255.0;
  cv::Mat out(cmyk.rows, cmyk.cols, wide ? CV_16UC3 : CV_8UC3);
  for (int y = 0; y < cmyk.rows; ++y) {
    for (int x = 0; x < cmyk.cols; ++x) {
      double v[4];
      for (int c = 0; c < 4; ++c) {
        const double s = wide ? cmyk.ptr<std::uint16_t>(y)[4 * x + c] : cmyk.ptr<std::uint8_t>(y)[4 * x + c];
        v[c] = inverted ? s / max : 1.0 - s / max;  // fraction of paper left uncovered
      }
      for (int c = 0; c < 3; ++c) {
        const double r = v[c] * v[3] * max + 0.5;
        if (wide) {
          out.ptr<std::uint16_t>(y)[3 * x + c] = static_cast<std::uint16_t>(r);
        } else {
          out.ptr<std::uint8_t>(y)[3 * x + c] = static_cast<std::uint8_t>(r);
        }
      }
    }
  }
  return out;
}

// Grey, RGB(+extra), CMYK(+extra) as read → 3-channel RGB code values; sets up the colour
// transform and warnings. `cmyk_inverted`: Adobe-style CMYK (JPEG with an APP14 marker).
void finish(DecodedImage& d, cv::Mat raw, bool cmyk_inverted, int reduce_after) {
  const ImageInfo& info = d.info;
  const int bits = raw.depth() == CV_16U ? 16 : 8;
  std::vector<std::uint8_t> rgb_profile = info.icc_profile;  // what linear() will apply
  cv::Mat rgb;
  if (info.cmyk) {
    if (raw.channels() > 4) {
      std::vector<cv::Mat> planes;
      cv::split(raw, planes);
      planes.resize(4);
      cv::merge(planes, raw);
    }
    std::string why = "the image has no embedded ICC profile";
    if (info.icc_profile.empty() || !cmyk_to_srgb8(info.icc_profile, cmyk_inverted, raw, rgb, why)) {
      rgb = naive_cmyk_to_rgb(raw, cmyk_inverted);
      d.warnings.push_back("CMYK image converted to RGB with the naive formula (" + why + "); colours are approximate");
      d.assumed_srgb = true;
    }
    rgb_profile.clear();  // rgb now holds sRGB code values
  } else if (info.greyscale) {
    cv::Mat grey;
    cv::extractChannel(raw, grey, 0);  // drop alpha
    cv::cvtColor(grey, rgb, cv::COLOR_GRAY2RGB);
    if (!info.icc_profile.empty()) {
      d.warnings.push_back("greyscale image: its grey ICC profile is not applied");
    }
    d.assumed_srgb = true;
    rgb_profile.clear();
  } else if (raw.channels() == 3) {
    rgb = raw;
  } else {
    std::vector<cv::Mat> planes;
    cv::split(raw, planes);
    planes.resize(3);
    cv::merge(planes, rgb);
  }
  raw.release();

  rgb = apply_orientation(reduce_area(rgb, reduce_after), info.exif_orientation);
  d.encoded = rgb;
  d.scale = static_cast<double>(d.encoded.cols) / info.width;

  if (rgb_profile.empty() && !info.cmyk && !info.greyscale) d.assumed_srgb = true;
  std::string why;
  d.transform = make_linear_transform(rgb_profile, bits, why);
  if (!d.transform) {
    d.warnings.push_back("embedded ICC profile ignored (" + why + "); the image is treated as sRGB");
    d.assumed_srgb = true;
    d.transform = make_linear_transform({}, bits, why);
    if (!d.transform) throw std::runtime_error("Little CMS cannot build the sRGB transform");
  }
}

void check_reduce(int reduce) {
  if (reduce != 1 && reduce != 2 && reduce != 4 && reduce != 8) {
    throw std::invalid_argument("decode_image: reduce must be 1, 2, 4 or 8");
  }
}

}  // namespace

EncodedImage read_image_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) fail(path, "is a directory, not an image");
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, std::string("cannot open image: ") + std::strerror(errno));
  auto bytes = std::make_shared<Bytes>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) fail(path, "cannot read image");
  if (bytes->empty()) fail(path, "empty file, not an image");
  return {path, std::move(bytes)};
}

ImageInfo probe_image(const std::string& path) {
  return probe_image(read_image_file(path));
}

ImageInfo probe_image(const EncodedImage& file) {
  const std::string& path = file.name;
  const Bytes& bytes = checked_bytes(file);
  const std::string format = sniff_format(path, bytes);
  ImageInfo info;
  if (format == "jpeg") {
    JpegReader r(path, bytes);
    info = r.info();
  } else if (format == "png") {
    check_png_ihdr(path, bytes);
    PngReader r(path, bytes);
    info = r.info();
  } else if (format == "heif") {
    HeifReader r(path, bytes);
    info = r.info();
    check_dimensions(info);
    check_heif_canvas(path, bytes);
  } else {
    TiffReader r(path, bytes);
    info = r.info();
    check_dimensions(info);
    if (!r.unsupported().empty()) fail(path, r.unsupported());
    return info;
  }
  check_dimensions(info);
  return info;
}

DecodedImage decode_image(const std::string& path, int reduce) {
  check_reduce(reduce);
  return decode_image(read_image_file(path), reduce);
}

DecodedImage decode_image(const EncodedImage& file, int reduce) {
  check_reduce(reduce);
  const std::string& path = file.name;
  const Bytes& bytes = checked_bytes(file);
  const std::string format = sniff_format(path, bytes);
  DecodedImage d;
  if (format == "jpeg") {
    JpegReader r(path, bytes);
    d.info = r.info();
    check_dimensions(d.info);
    if (r.bad_icc_marker()) {
      d.warnings.push_back("the JPEG's ICC profile markers are damaged; the profile is ignored");
      d.info.icc_profile.clear();
      d.info.icc_description.clear();
    }
    const bool inverted = r.adobe_inverted();
    cv::Mat raw = r.decode(d.info, reduce);
    if (r.missing_end_marker()) d.warnings.push_back("the JPEG file lacks its end marker (all image data present)");
    finish(d, std::move(raw), inverted, 1);
  } else if (format == "png") {
    check_png_ihdr(path, bytes);
    PngReader r(path, bytes);
    d.info = r.info();
    check_dimensions(d.info);
    cv::Mat raw = r.decode(d.info);
    if (!r.icc_warning().empty() && d.info.icc_profile.empty()) {
      d.warnings.push_back("the PNG's ICC profile was rejected (" + r.icc_warning() + "); treated as sRGB");
    }
    finish(d, std::move(raw), false, reduce);
  } else if (format == "heif") {
    HeifReader r(path, bytes);
    d.info = r.info();
    check_dimensions(d.info);  // from the container's declared size, before any pixel is decoded
    check_heif_canvas(path, bytes);
    d.warnings = r.colour_warnings();
    cv::Mat raw = r.decode(d.info);
    finish(d, std::move(raw), false, reduce);
  } else {
    TiffReader r(path, bytes);
    d.info = r.info();
    check_dimensions(d.info);
    cv::Mat raw = r.decode(d.info);
    finish(d, std::move(raw), false, reduce);
  }
  return d;
}

int reduce_for(const ImageInfo& info, int min_long_side) {
  const int long_side = std::max(info.width, info.height);
  for (int r : {8, 4, 2}) {
    if ((long_side + r - 1) / r >= min_long_side) return r;
  }
  return 1;
}

cv::Mat DecodedImage::linear(cv::Rect roi) const {
  const cv::Rect full(0, 0, encoded.cols, encoded.rows);
  if (roi.empty()) roi = full;
  CV_Assert((roi & full) == roi);
  CV_Assert(transform && (encoded.type() == CV_8UC3 || encoded.type() == CV_16UC3));
  const Transform& t = *transform;
  const cv::Mat src = encoded(roi);
  cv::Mat out(roi.size(), CV_32FC3);
  const bool wide = src.depth() == CV_16U;
  CV_Assert(t.bits == (wide ? 16 : 8));
  if (t.kind == Transform::Kind::lut_matrix) {
    const std::size_t codes = std::size_t{1} << t.bits;
    const float* lr = t.lut.data();
    const float* lg = lr + codes;
    const float* lb = lg + codes;
    const auto& m = t.matrix;
    for (int y = 0; y < src.rows; ++y) {
      float* o = out.ptr<float>(y);
      for (int x = 0; x < src.cols; ++x) {
        float r, g, b;
        if (wide) {
          const std::uint16_t* p = src.ptr<std::uint16_t>(y) + 3 * x;
          r = lr[p[0]];
          g = lg[p[1]];
          b = lb[p[2]];
        } else {
          const std::uint8_t* p = src.ptr<std::uint8_t>(y) + 3 * x;
          r = lr[p[0]];
          g = lg[p[1]];
          b = lb[p[2]];
        }
        o[3 * x + 0] = m[0] * r + m[1] * g + m[2] * b;
        o[3 * x + 1] = m[3] * r + m[4] * g + m[5] * b;
        o[3 * x + 2] = m[6] * r + m[7] * g + m[8] * b;
      }
    }
  } else {
    const double max = wide ? 65535.0 : 255.0;
    for (int y = 0; y < src.rows; ++y) {
      cv::Mat row_in = src.row(y);
      cv::Mat row_f;
      row_in.convertTo(row_f, CV_32F, 1.0 / max);
      lcms_rgb_float(t, row_f.ptr<float>(), out.ptr<float>(y), static_cast<std::size_t>(src.cols));
    }
  }
  return out;
}

cv::Mat DecodedImage::saturated(cv::Rect roi) const {
  const cv::Rect full(0, 0, encoded.cols, encoded.rows);
  if (roi.empty()) roi = full;
  CV_Assert((roi & full) == roi);
  CV_Assert(encoded.type() == CV_8UC3 || encoded.type() == CV_16UC3);
  const cv::Mat src = encoded(roi);
  cv::Mat mask(roi.size(), CV_8UC1);
  const bool wide = src.depth() == CV_16U;
  for (int y = 0; y < src.rows; ++y) {
    std::uint8_t* m = mask.ptr<std::uint8_t>(y);
    for (int x = 0; x < src.cols; ++x) {
      bool clipped = false;
      if (wide) {
        const std::uint16_t* p = src.ptr<std::uint16_t>(y) + 3 * x;
        clipped = p[0] >= 65280 || p[1] >= 65280 || p[2] >= 65280;  // 255 · 256: 8-bit 255 as 16-bit
      } else {
        const std::uint8_t* p = src.ptr<std::uint8_t>(y) + 3 * x;
        clipped = p[0] >= 254 || p[1] >= 254 || p[2] >= 254;  // 254: JPEG ringing keeps clipped at 254
      }
      m[x] = clipped ? 255 : 0;
    }
  }
  return mask;
}

}  // namespace shadematch::photo
