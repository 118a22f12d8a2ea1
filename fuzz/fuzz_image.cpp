// Image decoding from memory (photo::decode_image on an EncodedImage: JPEG, PNG, TIFF, and every format the
// decoder learns, HEIC included, since it is the one entry for bytes). The header is probed
// first; images above 4 MP are only probed, not decoded, to keep each run fast (the 100 MP limit
// itself is checked from the header by probe and decode alike, and tested in tests/photo). A
// decoded image is also linearized and its clipping mask taken, as calibration does.
#include <memory>
#include <vector>

#include "fuzz_target.hpp"
#include "photo/decode.hpp"

using namespace shadematch;

SHADEMATCH_FUZZ_TARGET(image) {
  const photo::EncodedImage file{"fuzz.img", std::make_shared<const std::vector<std::uint8_t>>(data, data + size)};
  fuzz::expect_input_error([&] {
    const photo::ImageInfo info = photo::probe_image(file);
    if (static_cast<long long>(info.stored_width) * info.stored_height > (1LL << 22)) return;
    // Reduce by 1, 2, 4 or 8 as the size's low bits say (every path of the DCT-scaled decoder).
    const int reduce = 1 << (size % 4);
    const photo::DecodedImage d = photo::decode_image(file, reduce);
    if (d.encoded.empty() || d.encoded.channels() != 3) fuzz::finding("decoded image is not 3-channel");
    const cv::Mat lin = d.linear();
    const cv::Mat sat = d.saturated();
    if (lin.size() != d.encoded.size() || sat.size() != d.encoded.size())
      fuzz::finding("linear/saturated size differs");
  });
}
