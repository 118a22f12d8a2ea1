// Writes the small image seeds of fuzz/corpus/image (see fuzz/corpus/SOURCES.md):
//   g++ -std=c++20 make_image_seeds.cpp $(pkg-config --cflags --libs opencv4) -o /tmp/seeds && /tmp/seeds DIR
// A 16×12 colour ramp (so each format's colour path is taken) in the layouts the decoder reads:
// JPEG (baseline, progressive, grey, and one with an EXIF APP1 block: orientation 6 and a camera
// make), PNG 8/16-bit RGB and grey, TIFF 8-bit RGB uncompressed, 16-bit RGB LZW, 8-bit grey.
#include <cstdint>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <string>
#include <vector>

namespace {

void save(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

std::vector<std::uint8_t> encode(const std::string& ext, const cv::Mat& m, const std::vector<int>& params = {}) {
  std::vector<std::uint8_t> out;
  cv::imencode(ext, m, out, params);
  return out;
}

// A big-endian EXIF block: IFD0 with Orientation = 6 (rotate 90° CW) and Make = "Cam".
std::vector<std::uint8_t> exif_app1() {
  std::vector<std::uint8_t> tiff = {'M',  'M',  0, 42, 0, 0, 0, 8,                    // header, IFD0 at 8
                                    0,    2,                                          // two entries
                                    0x01, 0x0F, 0, 2,  0, 0, 0, 4, 'C', 'a', 'm', 0,  // Make, ASCII[4]
                                    0x01, 0x12, 0, 3,  0, 0, 0, 1, 0,   6,   0,   0,  // Orientation, SHORT
                                    0,    0,    0, 0};                                // no next IFD
  std::vector<std::uint8_t> app1 = {0xFF, 0xE1, 0, 0, 'E', 'x', 'i', 'f', 0, 0};
  app1.insert(app1.end(), tiff.begin(), tiff.end());
  const std::size_t len = app1.size() - 2;
  app1[2] = static_cast<std::uint8_t>(len >> 8);
  app1[3] = static_cast<std::uint8_t>(len & 0xFF);
  return app1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : ".";
  cv::Mat bgr(12, 16, CV_8UC3);
  for (int y = 0; y < bgr.rows; ++y) {
    for (int x = 0; x < bgr.cols; ++x) {
      bgr.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<std::uint8_t>(x * 16), static_cast<std::uint8_t>(y * 20),
                                          static_cast<std::uint8_t>(255 - x * 8 - y * 4));
    }
  }
  cv::Mat bgr16;
  bgr.convertTo(bgr16, CV_16UC3, 257.0);
  cv::Mat grey;
  cv::extractChannel(bgr, grey, 1);

  save(dir + "/ramp.jpg", encode(".jpg", bgr, {cv::IMWRITE_JPEG_QUALITY, 90}));
  save(dir + "/ramp_progressive.jpg", encode(".jpg", bgr, {cv::IMWRITE_JPEG_PROGRESSIVE, 1}));
  save(dir + "/grey.jpg", encode(".jpg", grey));
  std::vector<std::uint8_t> exif = encode(".jpg", bgr, {cv::IMWRITE_JPEG_QUALITY, 80});
  const std::vector<std::uint8_t> app1 = exif_app1();
  exif.insert(exif.begin() + 2, app1.begin(), app1.end());  // right after SOI
  save(dir + "/exif_orientation6.jpg", exif);
  save(dir + "/ramp8.png", encode(".png", bgr));
  save(dir + "/ramp16.png", encode(".png", bgr16));
  save(dir + "/grey.png", encode(".png", grey));
  save(dir + "/ramp8.tif", encode(".tif", bgr, {cv::IMWRITE_TIFF_COMPRESSION, 1}));
  save(dir + "/ramp16_lzw.tif", encode(".tif", bgr16, {cv::IMWRITE_TIFF_COMPRESSION, 5}));
  save(dir + "/grey.tif", encode(".tif", grey));
  return 0;
}
