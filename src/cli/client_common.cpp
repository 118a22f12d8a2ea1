#include "cli/client_common.hpp"

#include <chrono>
#include <cmath>
#include <cstdlib>

#include "history/session_record.hpp"

namespace shadematch::cli {

std::string resolve_db_path(const boost::program_options::variables_map& vm, const std::string& db_option) {
  if (vm.count("db")) return db_option;
  if (const char* env = std::getenv("SHADEMATCH_DB"); env != nullptr && *env != '\0') return env;
  return "./shadematch.db";
}

nlohmann::json lab_json(const colour::Lab& lab) {
  auto r = [](double v) { return std::round(v * 100.0) / 100.0; };
  return nlohmann::json::array({r(lab.l), r(lab.a), r(lab.b)});
}

nlohmann::json healing_json(const pigment::HealingParams& params) {
  return history::model_parameters_json(params);
}

int days_between(const std::string& from, const std::string& to) {
  auto parse = [](const std::string& d) {
    const int y = std::atoi(d.substr(0, 4).c_str());
    const unsigned m = static_cast<unsigned>(std::atoi(d.substr(5, 2).c_str()));
    const unsigned day = static_cast<unsigned>(std::atoi(d.substr(8, 2).c_str()));
    return std::chrono::sys_days{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{day}};
  };
  return static_cast<int>((parse(to) - parse(from)).count());
}

}  // namespace shadematch::cli
