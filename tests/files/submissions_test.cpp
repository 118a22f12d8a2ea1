#include <catch2/catch.hpp>
#include <string>

#include "common/error.hpp"
#include "files/submissions.hpp"

using shadematch::InputError;
using shadematch::files::parse_submissions;

namespace {

std::string error_of(const std::string& text) {
  try {
    parse_submissions(text, "class.csv");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("submissions: rows parse with quoted blends, any column order, CRLF and extra columns", "[unit]") {
  const auto f = parse_submissions(
      "Student,session,case,blend,notes\r\n"
      "ana,1,c1,\"2 jet-black + 1 warm-brown @ 8:1\",\"first try, nervous\"\r\n"
      "\r\n"
      " bob , 2 , c2 , jet-black @ 4:1 ,\r\n",
      "class.csv");
  REQUIRE(f.errors.empty());
  REQUIRE(f.rows.size() == 2);
  CHECK(f.rows[0].line == 2);
  CHECK(f.rows[0].student == "ana");
  CHECK(f.rows[0].case_id == "c1");
  CHECK(f.rows[0].session == 1);
  CHECK(f.rows[0].blend == "2 jet-black + 1 warm-brown @ 8:1");
  CHECK(f.rows[1].line == 4);  // the blank line still counts
  CHECK(f.rows[1].student == "bob");
  CHECK(f.rows[1].session == 2);
  CHECK(f.rows[1].blend == "jet-black @ 4:1");
}

TEST_CASE("submissions: bad rows are reported with their line and the rest kept", "[unit]") {
  const auto f = parse_submissions(
      "student,case,session,blend\n"
      "ana,c1,1,jet-black\n"
      "bob,c1,1\n"                  // wrong column count
      "cid,c1,two,jet-black\n"      // session not a number
      ",c1,1,jet-black\n"           // no student
      "dee,,1,jet-black\n"          // no case
      "eve,c1,1,jet-black,extra\n"  // wrong column count
      "fay,c1,2,jet-black\n",
      "class.csv");
  REQUIRE(f.rows.size() == 2);
  CHECK(f.rows[0].student == "ana");
  CHECK(f.rows[1].student == "fay");
  CHECK(f.rows[1].line == 8);
  REQUIRE(f.errors.size() == 5);
  CHECK(f.errors[0].line == 3);
  CHECK(f.errors[0].message == "expected 4 fields (student,case,session,blend), found 3");
  CHECK(f.errors[1].line == 4);
  CHECK(f.errors[1].message == "session: expected a whole number, found 'two'");
  CHECK(f.errors[2].line == 5);
  CHECK(f.errors[2].message == "student: expected a name, found nothing");
  CHECK(f.errors[3].line == 6);
  CHECK(f.errors[3].message == "case: expected a case id, found nothing");
  CHECK(f.errors[4].line == 7);
  CHECK(f.errors[4].message == "expected 4 fields (student,case,session,blend), found 5");
}

TEST_CASE("submissions: an empty file, a wrong header or no rows refuse the whole file", "[unit]") {
  CHECK(error_of("") ==
        "class.csv: error: empty submissions file: expected a header row 'student,case,session,blend' and one row per "
        "submission");
  CHECK(error_of(" \n\n").rfind("class.csv: error: empty submissions file", 0) == 0);
  CHECK(
      error_of("name,case,session,blend\nana,c1,1,jet-black\n") ==
      "class.csv:1: error: header: expected the columns 'student,case,session,blend', found 'name,case,session,blend' "
      "(no 'student' column)");
  CHECK(error_of("ana,c1,1,jet-black\n") ==
        "class.csv:1: error: header: expected the columns 'student,case,session,blend', found 'ana,c1,1,jet-black' (no "
        "'student' column)");
  CHECK(error_of("student,case,session,blend\n") ==
        "class.csv: error: no submissions: the file holds only the header row");
  CHECK(error_of("student,case,session,blend\nana,c1,1,\"jet-black\n").rfind("class.csv:2:", 0) ==
        0);  // unterminated quote
}
