#include "photo/png_encode.hpp"

#include <png.h>

#include <csetjmp>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>

#include "common/atomic_file.hpp"
#include "common/error.hpp"

namespace shadematch::photo {
namespace {

struct PngOut {
  std::vector<std::uint8_t>* bytes = nullptr;
  char error[256] = {};
};

void on_error(png_structp png, png_const_charp msg) {
  auto* out = static_cast<PngOut*>(png_get_error_ptr(png));
  std::snprintf(out->error, sizeof out->error, "%s", msg);
  png_longjmp(png, 1);
}

void on_warning(png_structp, png_const_charp) {}

void on_write(png_structp png, png_bytep data, png_size_t length) {
  auto* out = static_cast<PngOut*>(png_get_io_ptr(png));
  out->bytes->insert(out->bytes->end(), data, data + length);
}

void on_flush(png_structp) {}

// The libpng calls, apart: nothing with a destructor lives between setjmp and a longjmp into it.
bool write_png(PngOut& out, const cv::Mat& image, const std::vector<png_bytep>& rows) {
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &out, on_error, on_warning);
  if (png == nullptr) return false;
  png_infop info = png_create_info_struct(png);
  if (info == nullptr || setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return false;
  }
  png_set_write_fn(png, &out, on_write, on_flush);
  png_set_IHDR(png, info, static_cast<png_uint_32>(image.cols), static_cast<png_uint_32>(image.rows), 8,
               image.channels() == 3 ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_set_compression_level(png, 6);
  png_write_info(png, info);
  if (image.channels() == 3) png_set_bgr(png);
  png_write_image(png, const_cast<png_bytepp>(rows.data()));
  png_write_end(png, info);
  png_destroy_write_struct(&png, &info);
  return true;
}

}  // namespace

std::vector<std::uint8_t> encode_png(const cv::Mat& image) {
  if (image.type() != CV_8UC3 && image.type() != CV_8UC1) {
    throw std::invalid_argument("encode_png: an 8-bit BGR or grey image is expected");
  }
  if (image.empty()) throw std::invalid_argument("encode_png: the image is empty");
  std::vector<png_bytep> rows(static_cast<std::size_t>(image.rows));
  for (int y = 0; y < image.rows; ++y) rows[static_cast<std::size_t>(y)] = const_cast<png_bytep>(image.ptr(y));
  std::vector<std::uint8_t> bytes;
  PngOut out;
  out.bytes = &bytes;
  if (!write_png(out, image, rows)) {
    throw std::runtime_error(std::string("cannot encode the PNG: ") + (out.error[0] ? out.error : "libpng failed"));
  }
  return bytes;
}

void write_png_file(const std::string& path, const cv::Mat& image) {
  std::vector<std::uint8_t> png;
  try {
    png = encode_png(image);
  } catch (const std::runtime_error& e) {
    throw InputError(path, e.what());
  }
  write_file_atomically(path, std::string_view(reinterpret_cast<const char*>(png.data()), png.size()));
}

}  // namespace shadematch::photo
