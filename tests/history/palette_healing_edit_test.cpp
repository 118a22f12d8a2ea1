// `healing fit --write`'s palette edit: only the healing values change, every other byte stays.
#include <catch2/catch.hpp>
#include <filesystem>

#include "common/error.hpp"
#include "files/palette_file.hpp"
#include "files/palette_healing_edit.hpp"
#include "support/paths.hpp"

using namespace shadematch;

namespace {
pigment::Palette parse(std::string_view text, const std::string& source) {
  return files::parse_palette(text, source);
}

const files::HealingValues kValues{
    {"strength", 1.0}, {"retention", 0.4512345}, {"dermis_above_um", 60.25}, {"pigment_layer_um", 120.5}};

// `after` equals `before` with each of `replacements` (old substring → new) applied once.
void expect_only(const std::string& before, const std::string& after,
                 const std::vector<std::pair<std::string, std::string>>& replacements) {
  std::string expected = before;
  for (const auto& [from, to] : replacements) {
    const auto pos = expected.find(from);
    REQUIRE(pos != std::string::npos);
    expected.replace(pos, from.size(), to);
  }
  CHECK(after == expected);
}

constexpr std::string_view kHead =
    "# house palette\nschema: shadematch-palette/1   # schema\nname: T\ninks:\n  - id: k\n    name: K\n    lab: [30, "
    "0, 0]\n";
// kHead followed by `tail` (appended into reserved storage: GCC 12 reports a false -Warray-bounds
// on `std::string(literal) + literal` at -O2).
std::string head_with(std::string_view tail) {
  std::string s;
  s.reserve(kHead.size() + tail.size());
  s.append(kHead);
  s.append(tail);
  return s;
}
}  // namespace

TEST_CASE("palette healing edit: flow style values replaced in place, comments kept", "[unit]") {
  const std::string text = head_with(
      "# healing as measured\nhealing: {strength: 1.0, retention: 0.7, dermis_above_um: 0, "
      "pigment_layer_um: 200}  # tuned\nplan: {shade_step_dL: 5.0}\n");
  const std::string out = files::set_healing_values_text(text, kValues, "t.yaml", parse);
  // 4 significant digits (palette_healing_edit.hpp): 0.4512345 → 0.4512.
  expect_only(text, out,
              {{"strength: 1.0,", "strength: 1,"},
               {"retention: 0.7,", "retention: 0.4512,"},
               {"dermis_above_um: 0,", "dermis_above_um: 60.25,"},
               {"pigment_layer_um: 200}", "pigment_layer_um: 120.5}"}});
  const pigment::Palette p = parse(out, "t.yaml");
  CHECK(p.healing.retention == 0.4512);
  CHECK(p.healing.pigment_layer_um == 120.5);
}

TEST_CASE("palette healing edit: block style, a missing key added at the keys' indentation, CRLF kept", "[unit]") {
  std::string text =
      head_with("healing:\n  strength: 1.0   # drawdown strength\n  retention: 0.7\nplan:\n  shade_step_dL: 5.0\n");
  const std::string out = files::set_healing_values_text(text, kValues, "t.yaml", parse);
  CHECK(out ==
        head_with("healing:\n  strength: 1   # drawdown strength\n  retention: 0.4512\n  dermis_above_um: 60.25\n"
                  "  pigment_layer_um: 120.5\nplan:\n  shade_step_dL: 5.0\n"));
  // CRLF file: inserted lines end in CRLF too.
  std::string crlf;
  for (char c : text) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  const std::string out2 = files::set_healing_values_text(crlf, kValues, "t.yaml", parse);
  CHECK(out2.find("  dermis_above_um: 60.25\r\n  pigment_layer_um: 120.5\r\nplan:") != std::string::npos);
  CHECK(out2.find("\n\n") == std::string::npos);
}

TEST_CASE("palette healing edit: flow section missing keys, and no section at all", "[unit]") {
  const std::string partial = head_with("healing: {retention: 0.7}\n");
  CHECK(files::set_healing_values_text(partial, kValues, "t.yaml", parse) ==
        head_with("healing: {retention: 0.4512, strength: 1, dermis_above_um: 60.25, pigment_layer_um: 120.5}\n"));
  const std::string none = head_with("");
  CHECK(files::set_healing_values_text(none, kValues, "t.yaml", parse) ==
        head_with("healing: {strength: 1, retention: 0.4512, dermis_above_um: 60.25, pigment_layer_um: 120.5}\n"));
  const std::string unterminated = head_with("plan: {shade_step_dL: 5.0}");
  CHECK(files::set_healing_values_text(unterminated, kValues, "t.yaml", parse) ==
        head_with("plan: {shade_step_dL: 5.0}\nhealing: {strength: 1, retention: 0.4512, dermis_above_um: 60.25, "
                  "pigment_layer_um: 120.5}\n"));
}

TEST_CASE("palette healing edit: invalid palettes and values outside the parser's range are refused", "[unit]") {
  CHECK_THROWS_AS(files::set_healing_values_text("name: [", kValues, "t.yaml", parse), InputError);
  const std::string text = head_with("healing: {retention: 0.7}\n");
  CHECK_THROWS_WITH(files::set_healing_values_text(text, {{"retention", 1.7}}, "t.yaml", parse),
                    Catch::Contains("healing.retention") && Catch::Contains("the palette was not changed"));
}

TEST_CASE("palette healing edit: the house palette keeps every byte but the four values, F.bak holds the old file",
          "[unit]") {
  const std::string dir = test::make_temp_dir("healing-edit");
  const std::string path = dir + "/house.yaml";
  std::filesystem::copy_file(test::source_dir() + "/palettes/house.yaml", path);
  const std::string before = test::read_text_file(path);
  (void)files::write_healing_values(path, kValues, parse);
  const std::string after = test::read_text_file(path);
  expect_only(before, after,
              {{"healing: {strength: 1.0, retention: 0.6}",
                "healing: {strength: 1, retention: 0.4512, dermis_above_um: 60.25, pigment_layer_um: 120.5}"}});
  CHECK(test::read_text_file(path + ".bak") == before);
  std::filesystem::remove_all(dir);
}
