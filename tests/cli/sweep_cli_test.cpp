// Issue 20: every subcommand and option of the real binary, with malformed values, must end with
// the documented exit code (DESIGN.md "Command line": 1 bad input, 2 usage error, 3 no usable
// card), never 70 (internal error) and never a signal, and with exactly one line on stderr,
// "shadematch: …error: …". When a file is at fault the line names it, and when the fault lies
// inside a text file (YAML, CSV) it also gives the line (and column) of the fault.
//
// The cases are generated from two tables: every file-taking slot × every way a file can be bad
// (missing, empty, a directory, binary garbage, bad UTF-8, YAML syntax, wrong types, …), and
// every option × malformed values (NaN, inf, negative, huge, wrong type, bad UTF-8, out of range).
// Only inputs that fail before the slow part (detection, the blend search) are used, on a 128×64
// photo with a hand-written calibration, so the sweep stays within seconds in the release build.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "support/paths.hpp"

using shadematch::test::read_text_file;
using shadematch::test::run_cli;
using shadematch::test::source_dir;
using shadematch::test::test_data_dir;

namespace {

// What stderr must name: nothing in particular, the file, or the file with a line (and column).
enum class Where { anywhere, file, file_line };

struct SweepCase {
  std::vector<std::string> args;
  int exit_code;
  Where where;
  std::string file;  // for Where::file / file_line
};

std::string write(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

std::string join(const std::vector<std::string>& args) {
  std::string out;
  for (const std::string& a : args) out += (out.empty() ? "" : " ") + ("'" + a + "'");
  return out;
}

// "shadematch: …error: TEXT\n" and nothing more: one line, an error, a message. (Plain string
// checks rather than <regex>: GCC 12 warns maybe-uninitialized inside libstdc++'s regex under the
// sanitizer build, which builds with -Werror.)
bool one_error_line(const std::string& err) {
  const std::string prefix = "shadematch: ";
  if (err.rfind(prefix, 0) != 0 || err.empty() || err.back() != '\n') return false;
  if (err.find('\n') != err.size() - 1) return false;
  const std::size_t e = err.find("error: ");
  return e != std::string::npos && e + 7 < err.size() - 1;
}

// Digits from `pos`: how many (0 when none).
std::size_t digits_at(const std::string& s, std::size_t pos) {
  std::size_t n = 0;
  while (pos + n < s.size() && s[pos + n] >= '0' && s[pos + n] <= '9') ++n;
  return n;
}

// Does `err` start "shadematch: FILE[:LINE[:COL]]: error: "? `need_line`: LINE is required.
bool names_file(const std::string& err, const std::string& file, bool need_line) {
  const std::string head = "shadematch: " + file;
  if (err.rfind(head, 0) != 0) return false;
  std::size_t pos = head.size();
  int numbers = 0;
  while (numbers < 2 && pos < err.size() && err[pos] == ':' && digits_at(err, pos + 1) > 0) {
    pos += 1 + digits_at(err, pos + 1);
    ++numbers;
  }
  if (need_line && numbers == 0) return false;
  return err.compare(pos, 9, ": error: ") == 0;
}

}  // namespace

TEST_CASE("cli sweep: malformed input to every subcommand and option ends with its documented exit code", "[cli]") {
  const std::string dir = shadematch::test::make_temp_dir("sweep");
  const std::string data = test_data_dir();
  // Good inputs, to hold everything but the one bad value constant.
  const std::string palette = write(dir + "/palette.yaml", read_text_file(source_dir() + "/palettes/minimal.yaml"));
  const std::string cases = data + "/grade/cases.yaml";
  const std::string class_csv = data + "/grade/class_ok.csv";
  const std::string photo = data + "/images/clipped_scalp.png";  // 128×64, no card
  const std::string calib = write(dir + "/id.calib.yaml",
                                  "schema: shadematch-calibration/1\ncard: colorchecker-classic-2014\nmodel: linear\n"
                                  "coefficients: [1, 0, 0, 0, 1, 0, 0, 0, 1]\nlinearization: {}\n");
  const std::string out_dir = dir + "/no-such-dir";  // outputs into a folder that does not exist

  // ---- ways a text file can be bad, and what the error must name ------------------------------
  struct BadFile {
    std::string name;
    std::string bytes;  // empty name of a missing file: not written
    bool written;
    Where where;
  };
  std::string binary;
  for (int i = 0; i < 256; ++i) binary += static_cast<char>((i * 97 + 13) % 256);  // every byte value, NUL included
  const std::vector<BadFile> bad_text_files = {
      {"missing.yaml", "", false, Where::file},
      {"empty.yaml", "", true, Where::file},
      {"blank.yaml", "  \n\n", true, Where::file},
      {"binary.yaml", binary, true, Where::file_line},
      {"latin1.yaml", "name: Caf\xE9\n", true, Where::file_line},
      {"utf16.yaml",
       std::string("\xFF\xFE"
                   "n\0a\0",
                   6),
       true, Where::file_line},
      {"unclosed.yaml", "schema: [a, b\nname: x\n", true, Where::file_line},
      {"list.yaml", "- 1\n- 2\n", true, Where::file_line},
      {"scalar.yaml", "just text\n", true, Where::file_line},
      {"list-key.yaml", "[a, b]: 1\n", true, Where::file_line},
      {"map-key.yaml", "? {x: 1}\n: 2\n", true, Where::file_line},
      {"deep.yaml", std::string(3000, '[') + std::string(3000, ']') + "\n", true, Where::file_line},
      {"tab.yaml", "schema:\n\t- x\n", true, Where::file_line},
      {"alias.yaml", "a: *nowhere\n", true, Where::file_line},
  };
  std::vector<std::string> bad_paths;
  for (const BadFile& f : bad_text_files) {
    const std::string path = dir + "/" + f.name;
    if (f.written) write(path, f.bytes);
    bad_paths.push_back(path);
  }
  const std::string a_directory = dir;

  // Every slot that reads a YAML file, as a function of the path given to it.
  const std::vector<std::function<std::vector<std::string>(const std::string&)>> yaml_slots = {
      [](const std::string& f) {
        return std::vector<std::string>{"palette", "validate", f};
      },
      [](const std::string& f) {
        return std::vector<std::string>{"palette", "show", f, "--json"};
      },
      [](const std::string& f) {
        return std::vector<std::string>{"palette", "lint", f, "--today", "2025-01-01"};
      },
      [&](const std::string& f) {
        return std::vector<std::string>{"palette", "swatches", f, "--out", dir + "/s.html"};
      },
      [](const std::string& f) {
        return std::vector<std::string>{"palette", "add", f, "--id", "new-ink", "--name", "New", "--lab", "30,0,0"};
      },
      [](const std::string& f) {
        return std::vector<std::string>{"mix", "--palette", f, "--blend", "carbon-black", "--skin", "65,12,16"};
      },
      [](const std::string& f) {
        return std::vector<std::string>{"match", "--target", "30,2,3", "--skin", "65,12,16", "--palette", f};
      },
      [](const std::string& f) {
        return std::vector<std::string>{"grade", "--answer-key", "--case", f};
      },
      [&](const std::string& f) {
        return std::vector<std::string>{"grade", "--case", f, "--submissions", class_csv};
      },
      [&](const std::string& f) {
        return std::vector<std::string>{"calibrate", photo, "--card", f};
      },
      [&](const std::string& f) {
        return std::vector<std::string>{"measure", photo, "--calibration", f};
      },
      [&](const std::string& f) {
        return std::vector<std::string>{"palette", "measure", photo, "--roi", "0,0,8,8", "--calibration", f};
      },
  };
  // Every slot that reads a CSV file.
  const std::vector<std::function<std::vector<std::string>(const std::string&)>> csv_slots = {
      [&](const std::string& f) {
        return std::vector<std::string>{"grade", "--case", cases, "--submissions", f};
      },
      [&](const std::string& f) {
        return std::vector<std::string>{"palette", "add", palette,         "--id", "new-ink",
                                        "--name",  "New", "--reflectance", f};
      },
  };
  std::vector<BadFile> bad_csv_files = {
      {"missing.csv", "", false, Where::file},
      {"empty.csv", "", true, Where::file},
      {"binary.csv", binary, true, Where::file_line},
      {"latin1.csv", "student,case,session,blend\nCaf\xE9,dark-brown,1,carbon-black\n", true, Where::file_line},
      {"unterminated.csv", "student,case,session,blend\nana,\"dark-brown,1,x\n", true, Where::file_line},
      {"header-only.csv", "student,case,session,blend\n", true, Where::file},
      {"wrong-columns.csv", "wavelength;value\n400;0.1\n", true, Where::file_line},
  };
  std::vector<std::string> bad_csv_paths;
  for (const BadFile& f : bad_csv_files) {
    const std::string path = dir + "/" + f.name;
    if (f.written) write(path, f.bytes);
    bad_csv_paths.push_back(path);
  }

  // Every slot that reads a photo, and the ways a photo can be bad (all: exit 1, naming the file).
  const std::vector<std::function<std::vector<std::string>(const std::string&)>> photo_slots = {
      [](const std::string& f) {
        return std::vector<std::string>{"calibrate", f};
      },
      [&](const std::string& f) {
        return std::vector<std::string>{"measure", f, "--calibration", calib};
      },
      [&](const std::string& f) {
        return std::vector<std::string>{"match", f, "--palette", palette, "--calibration", calib};
      },
      [&](const std::string& f) {
        return std::vector<std::string>{"palette", "measure", f, "--roi", "0,0,8,8", "--calibration", calib};
      },
      [&](const std::string& f) {
        return std::vector<std::string>{"palette", "add", palette, "--id",    "new-ink",       "--name", "New",
                                        "--photo", f,     "--roi", "0,0,8,8", "--calibration", calib};
      },
  };
  const std::string jpeg = read_text_file(source_dir() + "/samples/hand/photo.jpg");
  std::string huge_png = read_text_file(photo);
  // IHDR width and height (bytes 16..23) set to 20000 × 20000 = 4e8 pixels, above the 1e8 limit.
  for (int k : {16, 20}) {
    huge_png[static_cast<std::size_t>(k)] = 0;
    huge_png[static_cast<std::size_t>(k) + 1] = 0;
    huge_png[static_cast<std::size_t>(k) + 2] = static_cast<char>(0x4E);
    huge_png[static_cast<std::size_t>(k) + 3] = static_cast<char>(0x20);
  }
  std::vector<std::string> bad_photos = {
      dir + "/missing.jpg",
      write(dir + "/empty.jpg", ""),
      write(dir + "/binary.jpg", binary),
      write(dir + "/text.jpg", "this is not an image\n"),
      write(dir + "/truncated.jpg", jpeg.substr(0, 2000)),
      write(dir + "/header-only.jpg", jpeg.substr(0, 3)),
      write(dir + "/huge.png", huge_png),
      write(dir + "/gif.gif", "GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
      a_directory,
  };

  std::vector<SweepCase> sweep;
  for (const auto& slot : yaml_slots) {
    for (std::size_t i = 0; i < bad_text_files.size(); ++i) {
      sweep.push_back({slot(bad_paths[i]), 1, bad_text_files[i].where, bad_paths[i]});
    }
    sweep.push_back({slot(a_directory), 1, Where::file, a_directory});
  }
  for (const auto& slot : csv_slots) {
    for (std::size_t i = 0; i < bad_csv_files.size(); ++i) {
      sweep.push_back({slot(bad_csv_paths[i]), 1, bad_csv_files[i].where, bad_csv_paths[i]});
    }
    sweep.push_back({slot(a_directory), 1, Where::file, a_directory});
  }
  for (const auto& slot : photo_slots) {
    for (const std::string& p : bad_photos) sweep.push_back({slot(p), 1, Where::file, p});
  }

  // ---- malformed option values: usage errors (exit 2) ----------------------------------------
  const std::vector<std::string> bad_numbers = {
      "", "abc", "nan", "NaN", "inf", "-inf", "1e999", "0x10", "1,5", "99999999999999999999", "\xE9"};
  const std::vector<std::string> bad_labs = {"",        "1,2",      "1,2,3,4", "a,b,c",   "nan,0,0",
                                             "0,inf,0", "0,0,-inf", "101,0,0", "-1,0,0",  "1e400,0,0",
                                             "50;0;0",  "50,,0",    "50,0,0,", "\xE9,0,0"};
  const std::vector<std::string> bad_rects = {"",          "1,2,3",     "1,2,3,4,5", "a,b,c,d", "1.5,2,3,4",
                                              "nan,0,1,1", "1e3,0,1,1", "0x1,0,1,1", "1,,2,3",  "99999999999,0,1,1",
                                              "\xE9"};
  const auto usage = [&](std::vector<std::string> args) { sweep.push_back({std::move(args), 2, Where::anywhere, ""}); };
  const auto bad_input = [&](std::vector<std::string> args) {
    sweep.push_back({std::move(args), 1, Where::anywhere, ""});
  };
  for (const std::string& v : bad_labs) {
    usage({"delta-e", v, "50,0,0"});
    usage({"delta-e", "50,0,0", v});
    usage({"mix", "--palette", palette, "--blend", "carbon-black", "--skin", v});
    usage({"match", "--target", v, "--skin", "65,12,16", "--palette", palette});
    usage({"match", "--target", "30,2,3", "--skin", v, "--palette", palette});
    usage({"match", "--target", "30,2,3", "--skin", "65,12,16", "--goal", "scar", "--scar", v, "--palette", palette});
    usage({"palette", "add", palette, "--id", "new-ink", "--name", "New", "--lab", v});
    usage({"palette", "swatches", palette, "--out", dir + "/s.html", "--skin", v});
  }
  for (const std::string& v : bad_numbers) {
    usage({"match", "--target", "30,2,3", "--skin", "65,12,16", "--palette", palette, "--sessions", v});
    usage({"match", "--target", "30,2,3", "--skin", "65,12,16", "--palette", palette, "--top", v});
    usage({"match", "--target", "30,2,3", "--skin", "65,12,16", "--palette", palette, "--coverage", v});
    usage({"mix", "--palette", palette, "--blend", "carbon-black", "--skin", "65,12,16", "--coverage", v});
    usage({"grade", "--case", cases, "--submissions", class_csv, "--tolerance", v});
  }
  for (const char* v : {"0", "-1", "11", "2147483648"}) {
    usage({"match", "--target", "30,2,3", "--skin", "65,12,16", "--palette", palette, "--sessions", v});
  }
  for (const char* v : {"0", "-3", "51"}) {
    usage({"match", "--target", "30,2,3", "--skin", "65,12,16", "--palette", palette, "--top", v});
  }
  for (const char* v : {"-0.1", "1.5", "1e300"}) {
    usage({"match", "--target", "30,2,3", "--skin", "65,12,16", "--palette", palette, "--coverage", v});
  }
  for (const char* v : {"0", "-1", "1e308", "100.5"}) {
    usage({"grade", "--case", cases, "--submissions", class_csv, "--tolerance", v});
  }
  for (const char* v : {"", "2025-13-01", "2025-02-30", "25-01-01", "today", "2025-1-1"}) {
    usage({"match", "--target", "30,2,3", "--skin", "65,12,16", "--palette", palette, "--today", v});
    usage({"palette", "lint", palette, "--today", v});
  }
  for (const std::string& v : bad_rects) {
    usage({"measure", photo, "--calibration", calib, "--hair", v});
    usage({"measure", photo, "--calibration", calib, "--scalp", v});
    usage({"measure", photo, "--calibration", calib, "--scar", v});
    usage({"measure", photo, "--calibration", calib, "--region", "crown=" + v});
    usage({"match", photo, "--palette", palette, "--calibration", calib, "--hair", v});
    usage({"palette", "measure", photo, "--roi", v, "--calibration", calib});
  }
  for (const char* v : {"", "crown", "=1,2,3,4", "a b=1,2,3,4", "cr\xE9=1,2,3,4", "x/y=1,2,3,4"}) {
    usage({"measure", photo, "--calibration", calib, "--region", v});
  }
  for (const char* v :
       {"", "1,2", "1,2 3,4 5,6", "1,2 3,4 5,6 7,8 9,10", "a,b c,d e,f g,h", "nan,0 1,1 2,2 3,3", "inf,0 1,1 2,2 3,3",
        "-1,0 1,1 2,2 3,3", "1e7,0 1,1 2,2 3,3", "1,2,3 4,5 6,7 8,9", "0x10,0 1,1 2,2 3,3"}) {
    usage({"calibrate", photo, "--corners", v});
  }
  for (const char* v : {"", "cubic", "LINEAR", "\xE9"}) usage({"calibrate", photo, "--model", v});
  for (const char* v : {"", "2001", "cie", "nan"}) usage({"delta-e", "50,0,0", "50,1,0", "--formula", v});
  for (const char* v : {"", "hair", "follicles", "\xE9"}) {
    usage({"match", "--target", "30,2,3", "--skin", "65,12,16", "--palette", palette, "--goal", v});
  }
  for (const char* v : {"", "maybe", "1", "\xE9"}) {
    usage({"palette", "add", palette, "--id", "new-ink", "--name", "New", "--lab", "30,0,0", "--in-stock", v});
  }
  // The command line itself.
  usage({"no-such-command"});
  usage({"\xE9"});
  usage({"delta-e"});
  usage({"delta-e", "50,0,0"});
  usage({"delta-e", "50,0,0", "50,0,0", "50,0,0"});
  usage({"calibrate"});
  usage({"calibrate", photo, photo});
  usage({"calibrate", photo, "--no-such-option"});
  usage({"calibrate", photo, "--corners"});
  usage({"measure"});
  usage({"match", "--target", "30,2,3", "--palette", palette});
  usage({"match", photo, "--target", "30,2,3", "--skin", "65,12,16", "--palette", palette});
  usage({"match", photo});
  usage({"mix", "--palette", palette, "--skin", "65,12,16"});
  usage({"mix", "--palette", palette, "--blend", "carbon-black"});
  usage({"palette"});
  usage({"palette", "no-such-action", palette});
  usage({"palette", "show"});
  usage({"palette", "add", palette, "--id", "new-ink", "--name", "New"});
  usage({"palette", "add", palette, "--id", "new-ink", "--name", "New", "--lab", "30,0,0", "--photo", photo});
  usage({"palette", "swatches", palette});
  usage({"palette", "measure", photo});
  usage({"grade"});
  usage({"grade", "--case", cases});
  usage({"measure", photo, "--hair", "0,0,8,8", "--hair", "0,0,8,8"});

  // ---- values that parse but are bad input (exit 1) --------------------------------------------
  // Blends: unknown inks, zero parts, bad dilution, repeated inks (pigment::parse_blend).
  for (const char* v :
       {"", "no-such-ink", "0 carbon-black", "-1 carbon-black", "2 carbon-black @ 8", "carbon-black @ 1:0",
        "carbon-black @ -1:1", "carbon-black + carbon-black", "99999999999 carbon-black", "2 carbon-black + ",
        "carbon-black @ 9999999:1", "carbon-black @ nan:1", "Carbon-Black", "carbon-black\xE9"}) {
    // A bad UTF-8 argument is refused before the blend is read (usage, exit 2).
    const bool not_utf8 = std::string(v).find('\xE9') != std::string::npos;
    sweep.push_back(
        {{"mix", "--palette", palette, "--blend", v, "--skin", "65,12,16"}, not_utf8 ? 2 : 1, Where::anywhere, ""});
  }
  // Regions that are well-formed but empty or outside the 128×64 photo (photo::validate_regions).
  for (const char* v : {"0,0,0,8", "0,0,8,0", "200,0,8,8", "0,100,8,8", "120,0,16,8", "-5,0,8,8", "2147483647,0,1,1",
                        "0,0,2147483647,2147483647", "-2147483648,0,8,8"}) {
    bad_input({"measure", photo, "--calibration", calib, "--hair", v});
    bad_input({"measure", photo, "--calibration", calib, "--region", std::string("crown=") + v});
    bad_input({"match", photo, "--palette", palette, "--calibration", calib, "--hair", v, "--scalp", "64,0,8,8"});
    bad_input({"palette", "measure", photo, "--roi", v, "--calibration", calib});
  }
  // Corners inside the number range but outside this photo, or all in one point.
  for (const char* v : {"500,0 600,0 600,100 500,100", "10,10 10,10 10,10 10,10"}) {
    sweep.push_back({{"calibrate", photo, "--corners", v}, 3, Where::anywhere, ""});
  }
  bad_input({"calibrate", photo, "--card", "no-such-card"});
  // A fully clipped region (every pixel of x ≥ 64 is white): no colour to plan from.
  bad_input(
      {"match", photo, "--palette", palette, "--calibration", calib, "--hair", "0,0,64,64", "--scalp", "64,0,64,64"});
  // New ink values the palette refuses.
  for (const std::vector<std::string>& extra :
       std::vector<std::vector<std::string>>{{"--id", "Bad Id", "--name", "X"},
                                             {"--id", "carbon-black", "--name", "X"},
                                             {"--id", "new-ink", "--name", ""},
                                             {"--id", "new-ink", "--name", "X", "--expires", "2025-02-30"}}) {
    std::vector<std::string> args{"palette", "add", palette};
    args.insert(args.end(), extra.begin(), extra.end());
    args.insert(args.end(), {"--lab", "30,0,0"});
    bad_input(args);
  }
  // Output files that cannot be written: nothing partial, exit 1 naming the file.
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"match", "--target", "30,2,3", "--skin", "65,12,16", "--palette", palette, "--html", out_dir + "/r.html"},
           {"grade", "--case", cases, "--submissions", class_csv, "--html", out_dir + "/r.html"},
           {"grade", "--case", cases, "--submissions", class_csv, "--csv", out_dir + "/r.csv"},
           {"palette", "swatches", palette, "--out", out_dir + "/s.png"},
           {"measure", photo, "--calibration", calib, "--hair", "0,0,64,64", "--overlay", out_dir + "/o.png"}}) {
    sweep.push_back({args, 1, Where::file, args.back()});
  }

  // ---- run ------------------------------------------------------------------------------------
  int failures = 0;
  std::string report;
  for (const SweepCase& c : sweep) {
    const auto r = run_cli(c.args);
    bool ok = r.exit_code == c.exit_code && one_error_line(r.err);
    if (ok && c.where != Where::anywhere) ok = names_file(r.err, c.file, c.where == Where::file_line);
    if (!ok) {
      ++failures;
      report += "args: " + join(c.args) + "\n  expected exit " + std::to_string(c.exit_code) + ", got " +
                std::to_string(r.exit_code) + "\n  stderr: " + r.err + "\n";
    }
    // Never an internal error, never a signal, whatever else is wrong.
    CHECK(r.exit_code != 70);
    CHECK(r.exit_code < 128);
  }
  // No command at all: the one place where stderr holds more than a line, the general help
  // (main.cpp), with the usage exit code.
  const auto bare = run_cli({});
  CHECK(bare.exit_code == 2);
  CHECK(bare.err.rfind("shadematch ", 0) == 0);
  CHECK(bare.err.find("Usage: shadematch COMMAND [OPTIONS]\n") != std::string::npos);
  // The count of cases, for the record (issue 20's evidence).
  WARN("cli sweep: " << sweep.size() << " cases");
  INFO(report);
  CHECK(failures == 0);
  // Nothing was written into the palette the file slots used, and no output file appeared.
  CHECK(read_text_file(palette) == read_text_file(source_dir() + "/palettes/minimal.yaml"));
  CHECK_FALSE(std::filesystem::exists(out_dir));
}
