#include <catch2/catch.hpp>

#include "common/error.hpp"
#include "pigment/model.hpp"

using namespace shadematch;
using namespace shadematch::pigment;

namespace {
Palette ids_only() {
  Palette p;
  p.source = "house.yaml";
  for (const char* id : {"jet-black", "warm-brown", "cool-grey"}) {
    Ink ink;
    ink.id = id;
    p.inks.push_back(ink);
  }
  return p;
}

// The InputError thrown by parse_blend, to check its message and column.
InputError blend_error(const std::string& text) {
  const Palette p = ids_only();
  try {
    (void)parse_blend(text, p);
  } catch (const InputError& e) {
    return e;
  }
  FAIL("expected an InputError for '" << text << "'");
  throw std::logic_error("unreachable");
}
}  // namespace

TEST_CASE("parse_blend: the clinic grammar", "[unit]") {
  const Palette p = ids_only();
  const Blend b = parse_blend("2 jet-black + 1 warm-brown @ 8:1", p);
  REQUIRE(b.parts.size() == 2);
  CHECK(b.parts[0] == BlendPart{"jet-black", 2});
  CHECK(b.parts[1] == BlendPart{"warm-brown", 1});
  CHECK(b.dilution == DilutionStep{8, 1});
  // A bare id is 1 part, no "@" is undiluted; spacing is free.
  const Blend bare = parse_blend("  cool-grey", p);
  CHECK(bare.parts == std::vector<BlendPart>{{"cool-grey", 1}});
  CHECK(bare.dilution == DilutionStep{0, 1});
  CHECK(parse_blend("3 jet-black+cool-grey@12:1", p) == Blend{{{"jet-black", 3}, {"cool-grey", 1}}, {12, 1}});
}

TEST_CASE("format_blend: round trips through parse_blend", "[property]") {
  const Palette p = ids_only();
  for (const Blend& b : {Blend{{{"jet-black", 2}, {"warm-brown", 1}}, {8, 1}}, Blend{{{"cool-grey", 1}}, {0, 1}},
                         Blend{{{"warm-brown", 5}, {"cool-grey", 1}, {"jet-black", 3}}, {20, 1}}}) {
    CHECK(parse_blend(format_blend(b), p) == b);
  }
  CHECK(format_blend(Blend{{{"jet-black", 2}, {"warm-brown", 1}}, {8, 1}}) == "2 jet-black + 1 warm-brown @ 8:1");
}

TEST_CASE("parse_blend: errors name the column and what was found", "[unit]") {
  InputError e = blend_error("2 jet-black + 1 wram-brown @ 8:1");
  CHECK(e.column() == 17);
  CHECK(e.file() == "--blend");
  CHECK(e.message() == "unknown ink 'wram-brown'; the palette house.yaml has: jet-black, warm-brown, cool-grey");
  e = blend_error("0 jet-black");
  CHECK(e.column() == 1);
  CHECK_THAT(e.message(), Catch::StartsWith("parts: expected a whole number from 1 to 1000, found '0'"));
  e = blend_error("-2 jet-black");
  CHECK(e.column() == 1);
  CHECK_THAT(e.message(), Catch::Contains("found '-2'"));
  e = blend_error("jet-black @ 8");
  CHECK(e.column() == 13);
  CHECK_THAT(e.message(), Catch::StartsWith("dilution: expected water:pigment") && Catch::EndsWith("found '8'"));
  e = blend_error("jet-black @ 8:0");
  CHECK_THAT(e.message(), Catch::Contains("found '8:0'"));
  e = blend_error("jet-black + jet-black");
  CHECK(e.column() == 13);
  CHECK_THAT(e.message(), Catch::Contains("appears twice"));
  e = blend_error("2 jet-black warm-brown");
  CHECK(e.column() == 13);
  CHECK_THAT(e.message(), Catch::Contains("found 'warm-brown'"));
  e = blend_error("2 jet-black +");
  CHECK(e.column() == 14);
  e = blend_error("   ");
  CHECK_THAT(e.message(), Catch::Contains("found nothing"));
  e = blend_error("2");
  CHECK_THAT(e.message(), Catch::Contains("expected an ink id after the parts"));
}
