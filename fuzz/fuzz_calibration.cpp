// Saved calibration YAML (files/calibration_file.hpp). A calibration that parses is written back
// and parsed again: format_calibration must give text its own parser accepts (a broken round trip
// is a finding: `--save` would write a file `--calibration` refuses).
#include "files/calibration_file.hpp"
#include "fuzz_target.hpp"

using namespace shadematch;

SHADEMATCH_FUZZ_TARGET(calibration) {
  fuzz::expect_input_error([&] {
    const files::SavedCalibration c = files::parse_calibration(fuzz::as_text(data, size), "fuzz.calib.yaml");
    fuzz::require_printable({c.photo, c.card_id, c.camera, c.fit.model, c.fit.linearization});
    try {
      files::parse_calibration(files::format_calibration(c), "round-trip.calib.yaml");
    } catch (const InputError& e) {
      fuzz::finding(e.what());
    }
  });
}
