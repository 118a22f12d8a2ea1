// shadematch healing fit --palette F [--json] [--write] [--db F]
// Refits the palette's healing parameters from the clinic's healed follow-ups (issue 15;
// history/healing_fit.hpp has the method) and, with --write, puts them into the palette file.
#include <cmath>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/client_common.hpp"
#include "cli/command.hpp"
#include "cli/options.hpp"
#include "common/error.hpp"
#include "files/palette_file.hpp"
#include "files/palette_healing_edit.hpp"
#include "history/clients.hpp"
#include "history/healing_fit.hpp"
#include "report/terminal.hpp"

namespace shadematch::cli {
namespace {

// Follow-ups younger than this are not healed (cmd_client.cpp warns when they are recorded).
constexpr int kMinHealingDays = 21;

double round4(double v) {
  return std::round(v * 10000.0) / 10000.0;
}

int healing_fit(const std::vector<std::string>& args) {
  po::options_description visible("Options");
  std::string db, palette_path;
  int folds = history::kDefaultFolds;
  visible.add_options()("palette", po::value(&palette_path),
                        "the palette whose healing values are refitted (required)")(
      "write", "write the refitted values into the palette's healing section (previous file kept as F.bak)")(
      "folds", po::value(&folds)->default_value(history::kDefaultFolds), "k of the k-fold cross-validation, 2–20")(
      "db", po::value(&db), kDbHelp)("json", "print one JSON object");
  po::variables_map vm;
  if (parse_command_line(
          "healing fit",
          "--palette F [--write] [--folds K] [--db F] [--json]\n\n"
          "Refits the palette's healing parameters from every healed follow-up recorded with this palette (by\n"
          "name): bounded least squares on ΔE00 with a Gaussian prior toward the model's defaults; reports the\n"
          "k-fold cross-validated ΔE00 before and after and each parameter with its uncertainty. --write needs\n"
          "at least max(8, 2 × parameters) records and a refit that predicts held-out records better.",
          args, visible, vm)) {
    return 0;
  }
  if (!vm.count("palette")) throw UsageError("healing fit: --palette F is required");
  if (folds < 2 || folds > 20)
    throw UsageError("healing fit: --folds: expected 2 to 20, found " + std::to_string(folds));
  const pigment::Palette palette = files::load_palette(palette_path);
  history::ClientHistory history(history::Database::open(resolve_db_path(vm, db), history::Database::Mode::existing));
  const std::vector<history::SessionRecord> sessions = history.healed_sessions_for_palette(palette.name);

  std::vector<history::HealedObservation> observations;
  nlohmann::json skipped = nlohmann::json::array();
  std::vector<std::string> warnings;
  for (const history::SessionRecord& s : sessions) {
    const std::string label = s.client_id + " session " + std::to_string(s.session);
    const history::HealedRecord* h = s.latest_healed();
    const int days = days_between(s.date, h->date);
    if (days < kMinHealingDays) {
      skipped.push_back(
          {{"record", label}, {"reason", "followed up after " + std::to_string(days) + " days: not healed yet"}});
      continue;
    }
    try {
      observations.push_back({label, pigment::parse_blend(s.recipe, palette, label), s.skin, h->healed});
    } catch (const InputError& e) {
      skipped.push_back({{"record", label}, {"reason", e.message()}});
    }
  }
  history::FitOptions options;
  options.folds = folds;
  const history::HealingFit fit = history::fit_healing(palette, observations, options);
  const int minimum = history::minimum_records_to_write(fit.parameters.size());
  if (!fit.converged)
    warnings.push_back("the fit stopped after " + std::to_string(fit.iterations) + " iterations without converging");
  for (const auto& p : fit.parameters) {
    if (p.at_bound) {
      warnings.push_back(p.name + " stopped at its bound (" + report::fixed(p.lower, 3) + " – " +
                         report::fixed(p.upper, 3) + "): the records pull it further than the model allows");
    }
  }

  bool written = false;
  if (vm.count("write")) {
    if (static_cast<int>(observations.size()) < minimum) {
      throw InputError(palette_path, "healing fit --write needs at least " + std::to_string(minimum) +
                                         " healed records made with palette '" + palette.name + "', found " +
                                         std::to_string(observations.size()) + "; the palette was not changed");
    }
    if (!(fit.cv_de00_after < fit.cv_de00_before)) {
      throw InputError(palette_path,
                       "the refit predicts held-out records no better than the palette's values "
                       "(cross-validated ΔE00 " +
                           report::fixed(fit.cv_de00_after, 2) + " vs " + report::fixed(fit.cv_de00_before, 2) +
                           "); the palette was not changed");
    }
    files::HealingValues values;
    for (const auto& p : fit.parameters) values.emplace_back(p.name, p.value);
    (void)files::write_healing_values(palette_path, values, [](std::string_view text, const std::string& source) {
      return files::parse_palette(text, source);
    });
    written = true;
    nlohmann::json before = nlohmann::json::object(), after = nlohmann::json::object();
    for (const auto& p : fit.parameters) {
      before[p.name] = p.before;
      after[p.name] = std::stod(files::format_healing_value(p.value));
    }
    // The palette is written first: a failure to log leaves a correct palette and says so.
    history.log_fit(palette.name, palette_path, static_cast<int>(observations.size()), fit.cv_de00_before,
                    fit.cv_de00_after, before, after);
  }

  if (vm.count("json")) {
    nlohmann::json params = nlohmann::json::object(), uncertainty = nlohmann::json::object(),
                   before = nlohmann::json::object(), detail = nlohmann::json::array();
    for (const auto& p : fit.parameters) {
      params[p.name] = round4(p.value);
      uncertainty[p.name] = round4(p.uncertainty);
      before[p.name] = p.before;
      detail.push_back({{"name", p.name},
                        {"before", p.before},
                        {"value", round4(p.value)},
                        {"uncertainty", round4(p.uncertainty)},
                        {"default", p.default_value},
                        {"lower", p.lower},
                        {"upper", p.upper},
                        {"prior_width", p.prior_width},
                        {"at_bound", p.at_bound}});
    }
    std::cout << nlohmann::json{{"palette", palette_path},
                                {"palette_name", palette.name},
                                {"db", history.database().path()},
                                {"records", observations.size()},
                                {"skipped", skipped},
                                {"minimum_records", minimum},
                                {"folds", fit.folds},
                                {"cv_de00_before", round4(fit.cv_de00_before)},
                                {"cv_de00_after", round4(fit.cv_de00_after)},
                                {"de00_after", round4(fit.de00_after)},
                                {"max_de00_before", round4(fit.max_de00_before)},
                                {"max_cv_de00_after", round4(fit.max_cv_de00_after)},
                                {"parameters", params},
                                {"uncertainty", uncertainty},
                                {"parameters_before", before},
                                {"parameter_details", detail},
                                {"iterations", fit.iterations},
                                {"converged", fit.converged},
                                {"written", written},
                                {"backup", written ? nlohmann::json(palette_path + ".bak") : nlohmann::json(nullptr)},
                                {"warnings", warnings}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << "healing fit: palette " << palette.name << " (" << palette_path << "), " << observations.size()
              << " healed records in " << history.database().path();
    if (!skipped.empty()) std::cout << " (" << skipped.size() << " left out)";
    std::cout << "\n";
    if (fit.folds < 2) std::cout << "(too few records to cross-validate: 'after' is the defaults' ΔE00)\n";
    std::cout << "Cross-validated ΔE00 (" << fit.folds << "-fold, predicted vs healed): before "
              << report::fixed(fit.cv_de00_before, 2) << ", after " << report::fixed(fit.cv_de00_after, 2)
              << " (in-sample after " << report::fixed(fit.de00_after, 2) << ")\n\n";
    report::TextTable table({"Parameter", "Before", "Fitted", "±", "Default", "Range"},
                            {report::Align::left, report::Align::right, report::Align::right, report::Align::right,
                             report::Align::right, report::Align::left});
    for (const auto& p : fit.parameters) {
      table.add_row({p.name, report::fixed(p.before, 4), report::fixed(p.value, 4), report::fixed(p.uncertainty, 4),
                     report::fixed(p.default_value, 4),
                     report::fixed(p.lower, 2) + "–" + report::fixed(p.upper, 2) + (p.at_bound ? " (at bound)" : "")});
    }
    std::cout << table.render();
    for (const auto& s : skipped)
      std::cout << "left out: " << s["record"].get<std::string>() << ": " << s["reason"].get<std::string>() << "\n";
    if (written) {
      std::cout << "\nWrote the fitted values into " << palette_path << " (previous file: " << palette_path
                << ".bak)\n";
    } else if (static_cast<int>(observations.size()) < minimum) {
      std::cout << "\n--write needs at least " << minimum << " healed records (" << observations.size()
                << " so far).\n";
    } else {
      std::cout << "\nNothing written (give --write to put the fitted values into " << palette_path << ").\n";
    }
  }
  for (const std::string& w : warnings) std::cerr << "shadematch: warning: " << w << "\n";
  return 0;
}

int run_healing(const std::vector<std::string>& args) {
  if (args.empty()) throw UsageError("healing: expected a subcommand: fit (see 'shadematch healing --help')");
  if (args.front() == "--help" || args.front() == "-h") {
    std::cout << "Usage: shadematch healing fit --palette F [--write] [--folds K] [--db F] [--json]\n"
                 "'shadematch healing fit --help' explains it.\n";
    return 0;
  }
  if (args.front() == "fit") return healing_fit(std::vector<std::string>(args.begin() + 1, args.end()));
  throw UsageError("healing: unknown subcommand '" + args.front() + "': expected fit");
}

const Registration registration{
    {"healing", "refit the palette's healing parameters from the clinic's healed follow-ups", run_healing}};

}  // namespace
}  // namespace shadematch::cli
