#include "report/grade_report.hpp"

#include <cmath>

#include "colour/srgb.hpp"
#include "report/html.hpp"
#include "report/terminal.hpp"

namespace shadematch::report {
namespace {

double r4(double v) {
  return std::isfinite(v) ? std::round(v * 1e4) / 1e4 : 0.0;
}

nlohmann::json lab_json(const colour::Lab& lab) {
  return {r4(lab.l), r4(lab.a), r4(lab.b)};
}

std::string hex(const colour::Lab& lab) {
  return colour::lab_d50_to_srgb8(lab).hex();
}

nlohmann::json blend_json(const plan::RankedBlend& b) {
  return {{"rank", b.rank},
          {"recipe", b.recipe},
          {"predicted_lab", lab_json(b.predicted)},
          {"predicted_hex", hex(b.predicted)},
          {"de00", r4(b.de00)},
          {"direction", b.direction}};
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string title_of(const GradeReport& report, const std::string& id) {
  for (const GradeCaseInfo& c : report.cases) {
    if (c.id == id) return c.title;
  }
  return "";
}

}  // namespace

nlohmann::json grade_json(const GradeReport& report) {
  const plan::GradeResult& g = report.result;
  nlohmann::json j;
  j["submissions_file"] = report.submissions;
  j["tolerance"] = r4(g.tolerance);
  j["results"] = nlohmann::json::array();
  for (const plan::GradedSubmission& r : g.results) {
    nlohmann::json x;
    x["line"] = r.submission.line;
    x["student"] = r.submission.student;
    x["case"] = r.submission.case_id;
    x["session"] = r.submission.session;
    x["blend"] = r.submission.blend;
    x["recipe"] = r.recipe;
    x["target_lab"] = lab_json(r.grade.target);
    x["target_hex"] = hex(r.grade.target);
    x["predicted_lab"] = lab_json(r.grade.predicted);
    x["predicted_hex"] = hex(r.grade.predicted);
    x["de00"] = r4(r.grade.de00);
    x["dL"] = r4(r.grade.diff.dl);
    x["dC"] = r4(r.grade.diff.dc);
    x["dH"] = r4(r.grade.diff.dh);
    x["direction"] = r.grade.direction.text();
    x["rank"] = r.grade.rank;
    x["candidates"] = r.grade.candidates;
    x["on_grid"] = r.grade.on_grid;
    x["allowed"] = r.grade.allowed;
    x["leaves_room"] = r.grade.leaves_room;
    x["pass"] = r.pass;
    x["advice"] = r.advice;
    x["first_choice"] = r.grade.first_choice ? blend_json(*r.grade.first_choice) : nlohmann::json(nullptr);
    j["results"].push_back(std::move(x));
  }
  const plan::ClassSummary& s = g.summary;
  nlohmann::json sum{{"submissions", s.submissions},   {"passed", s.passed},     {"mean_de00", r4(s.mean_de00)},
                     {"worst_de00", r4(s.worst_de00)}, {"bad_rows", s.bad_rows}, {"tolerance", r4(g.tolerance)}};
  sum["cases"] = nlohmann::json::array();
  for (const plan::CaseSummary& c : s.cases) {
    sum["cases"].push_back(
        {{"case", c.case_id},
         {"submissions", c.submissions},
         {"passed", c.passed},
         {"mean_de00", r4(c.mean_de00)},
         {"worst_de00", r4(c.worst_de00)},
         {"common_error", c.common_error.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.common_error)},
         {"common_error_count", c.common_error_count}});
  }
  j["summary"] = sum;
  j["errors"] = nlohmann::json::array();
  for (const plan::RowError& e : g.errors) j["errors"].push_back({{"line", e.line}, {"message", e.message}});
  return j;
}

std::string grade_text(const GradeReport& report, bool swatches) {
  const plan::GradeResult& g = report.result;
  std::string out;
  std::vector<std::string> head{"student", "case", "s", "blend", "ΔE00", "rank", "result", "direction"};
  std::vector<Align> align{Align::left,  Align::left,  Align::right, Align::left,
                           Align::right, Align::right, Align::left,  Align::left};
  if (swatches) {
    head.insert(head.begin() + 4, "target|yours");
    align.insert(align.begin() + 4, Align::left);
  }
  TextTable table(head, align);
  for (const plan::GradedSubmission& r : g.results) {
    std::vector<std::string> row{r.submission.student,
                                 r.submission.case_id,
                                 std::to_string(r.submission.session),
                                 r.recipe,
                                 fixed(r.grade.de00, 2),
                                 std::to_string(r.grade.rank) + "/" + std::to_string(r.grade.candidates),
                                 r.pass ? "pass" : "FAIL",
                                 r.grade.direction.text()};
    if (swatches) row.insert(row.begin() + 4, swatch(r.grade.target, 3) + swatch(r.grade.predicted, 3));
    table.add_row(std::move(row));
  }
  out += "Grades (tolerance ΔE00 " + fixed(g.tolerance, 1) + "; rank among the session's candidates)\n";
  out += table.render(2);
  out += "\nBy case\n";
  TextTable cases({"case", "submissions", "passed", "mean ΔE00", "worst ΔE00", "most common error"},
                  {Align::left, Align::right, Align::right, Align::right, Align::right, Align::left});
  for (const plan::CaseSummary& c : g.summary.cases) {
    cases.add_row({c.case_id, std::to_string(c.submissions), std::to_string(c.passed), fixed(c.mean_de00, 2),
                   fixed(c.worst_de00, 2),
                   c.common_error.empty() ? "—" : c.common_error + " (" + std::to_string(c.common_error_count) + ")"});
  }
  out += cases.render(2);
  const plan::ClassSummary& s = g.summary;
  out += "\nClass: " + std::to_string(s.passed) + " of " + std::to_string(s.submissions) + " passed, mean ΔE00 " +
         fixed(s.mean_de00, 2) + ", worst " + fixed(s.worst_de00, 2);
  if (s.bad_rows > 0)
    out += "; " + std::to_string(s.bad_rows) + " bad row" + (s.bad_rows == 1 ? "" : "s") + " not graded";
  out += "\n";
  // Advice for those who failed: what to change.
  bool any = false;
  for (const plan::GradedSubmission& r : g.results) {
    if (r.pass) continue;
    if (!any) out += "\nAdvice\n";
    any = true;
    out += "  " + r.submission.student + " (" + r.submission.case_id + ", session " +
           std::to_string(r.submission.session) + "): " + r.advice + "\n";
  }
  return out;
}

std::string grade_csv(const GradeReport& report) {
  std::string out =
      "line,student,case,session,blend,target_L,target_a,target_b,predicted_L,predicted_a,predicted_b,de00,rank,"
      "candidates,pass,direction,first_choice,first_choice_de00,advice\n";
  for (const plan::GradedSubmission& r : report.result.results) {
    const auto& gr = r.grade;
    std::vector<std::string> f{std::to_string(r.submission.line),
                               r.submission.student,
                               r.submission.case_id,
                               std::to_string(r.submission.session),
                               r.recipe,
                               fixed(gr.target.l, 2),
                               fixed(gr.target.a, 2),
                               fixed(gr.target.b, 2),
                               fixed(gr.predicted.l, 2),
                               fixed(gr.predicted.a, 2),
                               fixed(gr.predicted.b, 2),
                               fixed(gr.de00, 4),
                               std::to_string(gr.rank),
                               std::to_string(gr.candidates),
                               r.pass ? "pass" : "fail",
                               gr.direction.text(),
                               gr.first_choice ? gr.first_choice->recipe : "",
                               gr.first_choice ? fixed(gr.first_choice->de00, 4) : "",
                               r.advice};
    std::string line;
    for (const std::string& x : f) line += (line.empty() ? "" : ",") + csv_field(x);
    out += line + "\n";
  }
  return out;
}

std::string grade_html(const GradeReport& report) {
  const plan::GradeResult& g = report.result;
  const plan::ClassSummary& s = g.summary;
  std::string b;
  b += "<h1>Grades</h1>\n<p>" + html_escape(report.submissions) + ": " + std::to_string(s.passed) + " of " +
       std::to_string(s.submissions) + " passed (tolerance ΔE00 " + fixed(g.tolerance, 1) + "), mean ΔE00 " +
       fixed(s.mean_de00, 2) + ", worst " + fixed(s.worst_de00, 2) +
       (s.bad_rows > 0 ? "; " + std::to_string(s.bad_rows) + " bad rows not graded" : "") + ".</p>\n";
  b += "<h2>By case</h2>\n<table><tr><th>case</th><th>submissions</th><th>passed</th><th>mean ΔE00</th><th>worst "
       "ΔE00</th><th>most common error</th></tr>\n";
  for (const plan::CaseSummary& c : s.cases) {
    const std::string title = title_of(report, c.case_id);
    b +=
        "<tr><td>" + html_escape(c.case_id) + (title.empty() ? "" : "<br><small>" + html_escape(title) + "</small>") +
        "</td><td>" + std::to_string(c.submissions) + "</td><td>" + std::to_string(c.passed) + "</td><td>" +
        fixed(c.mean_de00, 2) + "</td><td>" + fixed(c.worst_de00, 2) + "</td><td>" +
        html_escape(c.common_error.empty() ? "—" : c.common_error + " (" + std::to_string(c.common_error_count) + ")") +
        "</td></tr>\n";
  }
  b += "</table>\n<h2>Submissions</h2>\n<table><tr><th>student</th><th>case</th><th>session</th><th>target | "
       "blend</th><th>blend</th><th>ΔE00</th><th>rank</th><th>result</th><th>advice</th></tr>\n";
  for (const plan::GradedSubmission& r : g.results) {
    b += "<tr><td>" + html_escape(r.submission.student) + "</td><td>" + html_escape(r.submission.case_id) +
         "</td><td>" + std::to_string(r.submission.session) + "</td><td>" + html_swatch(r.grade.target, "target", 40) +
         html_swatch(r.grade.predicted, "blend", 40) + "</td><td>" + html_escape(r.recipe) + "</td><td>" +
         fixed(r.grade.de00, 2) + "</td><td>" + std::to_string(r.grade.rank) + " of " +
         std::to_string(r.grade.candidates) + "</td><td>" + (r.pass ? "pass" : "<strong>fail</strong>") + "</td><td>" +
         html_escape(r.advice) + "</td></tr>\n";
  }
  b += "</table>\n";
  if (!g.errors.empty()) {
    b += "<h2>Rows not graded</h2>\n<ul>\n";
    for (const plan::RowError& e : g.errors) {
      b += "<li>line " + std::to_string(e.line) + ": " + html_escape(e.message) + "</li>\n";
    }
    b += "</ul>\n";
  }
  return html_page("shadematch grades", b);
}

std::string answer_key_text(const std::vector<GradeCaseInfo>& cases, bool swatches) {
  std::string out;
  for (const GradeCaseInfo& c : cases) {
    out += "Case " + c.id + (c.title.empty() ? "" : " — " + c.title) + " (palette " + c.palette + ")\n";
    if (c.plan == nullptr) continue;
    for (const plan::SessionBlends& s : c.plan->sessions) {
      out += "  Session " + std::to_string(s.session) + ": target " + lab_text(s.target) +
             (swatches ? "  " + swatch(s.target) : "") + "\n";
      TextTable t(swatches ? std::vector<std::string>{"rank", "blend", "", "predicted", "ΔE00", "direction"}
                           : std::vector<std::string>{"rank", "blend", "predicted", "ΔE00", "direction"},
                  {});
      for (const plan::RankedBlend& b : s.blends) {
        std::vector<std::string> row{std::to_string(b.rank), b.recipe, lab_text(b.predicted), fixed(b.de00, 2),
                                     b.direction};
        if (swatches) row.insert(row.begin() + 2, swatch(b.predicted));
        t.add_row(std::move(row));
      }
      if (s.blends.empty())
        out += "    no blend (" + s.shortfall.value_or("the palette lacks an ink") + ")\n";
      else
        out += t.render(4);
    }
    for (const std::string& w : c.plan->warnings) out += "  warning: " + w + "\n";
  }
  return out;
}

nlohmann::json answer_key_json(const std::vector<GradeCaseInfo>& cases) {
  nlohmann::json j;
  j["cases"] = nlohmann::json::array();
  for (const GradeCaseInfo& c : cases) {
    nlohmann::json x{{"case", c.id}, {"title", c.title}, {"palette", c.palette}};
    x["sessions"] = nlohmann::json::array();
    x["warnings"] = nlohmann::json::array();
    if (c.plan != nullptr) {
      x["candidates"] = c.plan->candidates;
      for (const plan::SessionBlends& s : c.plan->sessions) {
        nlohmann::json sj{{"session", s.session}, {"target_lab", lab_json(s.target)}, {"target_hex", hex(s.target)}};
        sj["blends"] = nlohmann::json::array();
        for (const plan::RankedBlend& b : s.blends) sj["blends"].push_back(blend_json(b));
        x["sessions"].push_back(std::move(sj));
      }
      for (const std::string& w : c.plan->warnings) x["warnings"].push_back(w);
    }
    j["cases"].push_back(std::move(x));
  }
  return j;
}

}  // namespace shadematch::report
