#include "photo/exif.hpp"

#include <libexif/exif-data.h>

#include <cstring>
#include <memory>
#include <vector>

#include "common/utf8.hpp"

namespace shadematch::photo {
namespace {

std::string trimmed(std::string s) {
  const auto last = s.find_last_not_of(" \t\r\n");
  s.erase(last == std::string::npos ? 0 : last + 1);
  const auto first = s.find_first_not_of(" \t\r\n");
  return first == std::string::npos ? std::string{} : s.substr(first);
}

std::string text_entry(ExifData* ed, ExifTag tag) {
  ExifEntry* e = exif_content_get_entry(ed->ifd[EXIF_IFD_0], tag);
  if (!e) return {};
  char buf[256] = {};
  exif_entry_get_value(e, buf, sizeof buf);
  // A camera's own bytes, not the user's text: repaired (U+FFFD) rather than refused, so that
  // reports and JSON can show it (issue 20).
  return utf8::repair(trimmed(buf));
}

}  // namespace

ExifFacts parse_exif(const std::uint8_t* data, std::size_t size) {
  ExifFacts facts;
  if (!data || size < 8) return facts;
  // libexif wants the "Exif\0\0" header in front of the TIFF structure.
  static constexpr std::uint8_t kHeader[6] = {'E', 'x', 'i', 'f', 0, 0};
  std::vector<std::uint8_t> block;
  if (std::memcmp(data, kHeader, sizeof kHeader) != 0) {
    block.assign(kHeader, kHeader + sizeof kHeader);
    block.insert(block.end(), data, data + size);
    data = block.data();
    size = block.size();
  }
  std::unique_ptr<ExifData, void (*)(ExifData*)> ed(exif_data_new(), exif_data_unref);
  if (!ed) return facts;
  // Read what is there; do not let libexif add or "fix" entries.
  exif_data_unset_option(ed.get(), EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
  exif_data_load_data(ed.get(), data, static_cast<unsigned int>(size));

  if (ExifEntry* e = exif_content_get_entry(ed->ifd[EXIF_IFD_0], EXIF_TAG_ORIENTATION);
      e && e->format == EXIF_FORMAT_SHORT && e->components >= 1 && e->size >= 2) {
    const int v = exif_get_short(e->data, exif_data_get_byte_order(ed.get()));
    if (v >= 1 && v <= 8) facts.orientation = v;
  }
  const std::string make = text_entry(ed.get(), EXIF_TAG_MAKE);
  const std::string model = text_entry(ed.get(), EXIF_TAG_MODEL);
  if (!make.empty() && model.rfind(make, 0) == 0) {
    facts.camera = model;
  } else if (!make.empty() && !model.empty()) {
    facts.camera = make + " " + model;
  } else {
    facts.camera = make.empty() ? model : make;
  }
  return facts;
}

}  // namespace shadematch::photo
