#pragma once
// The colours `match` and `grade` plan from, taken from measured regions (issue 20). A region
// whose every pixel is clipped (or not finite) has no colour: photo::measure_region reports it
// with NaN Lab and the warning "no usable pixels", which `measure` prints as null. Planning cannot
// start from that, so these say which region it is and where it was given, as an InputError
// (exit 1), instead of letting a NaN reach the plan.
#include <optional>
#include <string>
#include <vector>

#include "colour/types.hpp"
#include "photo/measure.hpp"

namespace shadematch::session {

// `colour` is the region's colour to plan from (its Lab, or the hair's follicle Lab). Returns it
// when it is there and finite; otherwise throws InputError at the region's origin — the file,
// line and column it was given at (a case file, a regions sidecar), or the photo and the flag
// (`given` holds the regions the user gave; when none of them has this name, `regions_source`
// says where the measured one came from: a sidecar path or "proposed").
colour::Lab region_colour(const photo::RegionMeasurement& measured, const std::optional<colour::Lab>& colour,
                          const std::vector<photo::Region>& given, const std::string& regions_source,
                          const std::string& photo_path);

}  // namespace shadematch::session
