// Tests of the byte-preserving ink insertion of `palette add` (files/palette_edit.hpp).
#include <sys/stat.h>
#include <catch2/catch.hpp>

#include "common/error.hpp"
#include "files/palette_edit.hpp"
#include "files/palette_file.hpp"
#include "support/paths.hpp"

using namespace shadematch;

namespace {

const files::PaletteParser kParse = [](std::string_view text, const std::string& source) {
  return files::parse_palette(text, source);
};

files::NewInk mocha() {
  files::NewInk ink;
  ink.id = "mocha";
  ink.name = "Mocha";
  ink.lot = "MO-7";
  ink.lab = colour::Lab{30, 10, 15};
  return ink;
}

// The original text must be the new text with one contiguous run of lines taken out.
void check_only_added(const std::string& before, const std::string& after, const std::string& added) {
  REQUIRE(after.size() == before.size() + added.size());
  const std::size_t at = after.find(added);
  REQUIRE(at != std::string::npos);
  CHECK(after.substr(0, at) + after.substr(at + added.size()) == before);
}

const char* kPalette =
    "# house palette\n"
    "schema: shadematch-palette/1\n"
    "name: Test\n"
    "inks:\n"
    "    # carbon first\n"
    "    -   id: jet-black\n"
    "        name: Jet Black   # keep this comment\n"
    "        lab: [18, 0.3, -0.8]\n"
    "\n"
    "# steps as the clinic writes them\n"
    "dilution: {diluent: distilled water, steps: [\"0:1\", \"8:1\"]}\n";

}  // namespace

TEST_CASE("palette_edit: the ink is appended after the last ink, in the list's own indentation", "[unit]") {
  const std::string before = kPalette;
  const std::string after = files::add_ink_text(before, mocha(), "p.yaml", kParse);
  const std::string added =
      "    -   id: mocha\n"
      "        name: Mocha\n"
      "        lot: MO-7\n"
      "        lab: [30, 10, 15]\n";
  check_only_added(before, after, added);
  // Before the blank line and the comment that belong to `dilution:`.
  CHECK(after.find(added + "\n# steps") != std::string::npos);
  const pigment::Palette p = files::parse_palette(after, "p.yaml");
  REQUIRE(p.inks.size() == 2);
  CHECK(p.inks[1].id == "mocha");
  CHECK(p.inks[1].lot == "MO-7");
}

TEST_CASE("palette_edit: CRLF files and a missing final newline are kept as they are", "[unit]") {
  std::string crlf;
  for (char c : std::string(kPalette)) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  const std::string after = files::add_ink_text(crlf, mocha(), "p.yaml", kParse);
  check_only_added(crlf, after,
                   "    -   id: mocha\r\n        name: Mocha\r\n        lot: MO-7\r\n        lab: [30, 10, 15]\r\n");

  const std::string no_newline =
      "schema: shadematch-palette/1\nname: T\ndilution: {steps: [\"0:1\"]}\ninks:\n  - id: a\n    name: A\n    lab: "
      "[40, 5, 5]";
  const std::string after2 = files::add_ink_text(no_newline, mocha(), "p.yaml", kParse);
  CHECK(after2.rfind(no_newline, 0) == 0);  // the original is a prefix
  CHECK(after2.substr(no_newline.size(), 16) == "\n  - id: mocha\n ");
  CHECK(files::parse_palette(after2, "p.yaml").inks.size() == 2);
}

TEST_CASE("palette_edit: names that YAML would misread are quoted and read back unchanged", "[unit]") {
  files::NewInk ink = mocha();
  ink.name = "Mocha #2: \"dark\"";
  ink.maker = "yes";
  ink.expires = "2028-01-31";
  ink.in_stock = false;
  const pigment::Palette p = files::parse_palette(files::add_ink_text(kPalette, ink, "p.yaml", kParse), "p.yaml");
  const pigment::Ink* added = p.find("mocha");
  REQUIRE(added != nullptr);
  CHECK(added->name == ink.name);
  CHECK(added->maker == "yes");
  CHECK(added->expires == std::optional<std::string>("2028-01-31"));
  CHECK_FALSE(added->in_stock);
}

TEST_CASE("palette_edit: duplicate ids, invalid values and flow-style lists are refused", "[unit]") {
  files::NewInk dup = mocha();
  dup.id = "jet-black";
  try {
    (void)files::add_ink_text(kPalette, dup, "p.yaml", kParse);
    FAIL("a duplicate id was accepted");
  } catch (const InputError& e) {
    CHECK(e.line() == 6);  // the existing ink's line
    CHECK_THAT(e.message(), Catch::Contains("already exists"));
  }
  files::NewInk bad = mocha();
  bad.lab = colour::Lab{30, 10, 150};  // b* beyond ±128: refused by the re-parse
  CHECK_THROWS_AS(files::add_ink_text(kPalette, bad, "p.yaml", kParse), InputError);
  bad = mocha();
  bad.id = "Mocha";
  CHECK_THROWS_AS(files::add_ink_text(kPalette, bad, "p.yaml", kParse), InputError);
  const std::string flow = "schema: shadematch-palette/1\nname: T\ninks: [{id: a, name: A, lab: [40, 5, 5]}]\n";
  CHECK_THROWS_WITH(files::insert_ink_text(flow, mocha(), "p.yaml"), Catch::Contains("flow style"));
}

TEST_CASE("palette_edit: the file is replaced whole, the previous version kept, a failed write changes nothing",
          "[unit]") {
  const std::string dir = test::make_temp_dir("palette_edit");
  const std::string path = dir + "/p.yaml";
  files::write_file_with_backup(path, kPalette);
  (void)files::add_ink_to_file(path, mocha(), kParse);
  CHECK(test::read_text_file(path + ".bak") == kPalette);
  CHECK(files::parse_palette(test::read_text_file(path), path).find("mocha") != nullptr);

  // Simulated failure: the backup cannot be written (a directory is in its place), after the new
  // version was already written to its temporary file.
  const std::string now = test::read_text_file(path);
  const std::string path2 = dir + "/q.yaml";
  files::write_file_with_backup(path2, kPalette);
  REQUIRE(::mkdir((path2 + ".bak").c_str(), 0755) == 0);
  CHECK_THROWS_AS(files::add_ink_to_file(path2, mocha(), kParse), InputError);
  CHECK(test::read_text_file(path2) == kPalette);
}

TEST_CASE("palette_edit: a reflectance CSV in percent or fractions, regular steps only", "[unit]") {
  files::NewInk ink;
  files::read_reflectance_csv("wavelength_nm,reflectance\n400,4.0\n410,4.5\n420,5.0\n", "r.csv", ink);
  CHECK(ink.start_nm == 400);
  CHECK(ink.step_nm == 10);
  REQUIRE(ink.reflectance.size() == 3);
  CHECK(ink.reflectance[1] == Approx(0.045));
  CHECK_THROWS_AS(files::read_reflectance_csv("nm,r\n400,0.1\n410,0.1\n430,0.1\n", "r.csv", ink), InputError);
}
