#pragma once
// Shared by `client` and `healing` (cli/cmd_client.cpp, cli/cmd_healing.cpp): where the client
// database is, and how its values are printed.
#include <string>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "colour/types.hpp"
#include "history/clients.hpp"
#include "pigment/palette.hpp"

namespace shadematch::cli {

// --db F, else $SHADEMATCH_DB (when set and not empty), else ./shadematch.db.
std::string resolve_db_path(const boost::program_options::variables_map& vm, const std::string& db_option);
// Help text of --db.
inline constexpr const char* kDbHelp = "client database (default: $SHADEMATCH_DB, else ./shadematch.db)";

nlohmann::json lab_json(const colour::Lab& lab);  // rounded to 2 decimals
// The palette's healing values as {name: value}, in the model's table order.
nlohmann::json healing_json(const pigment::HealingParams& params);
// Whole days from `from` to `to` (both YYYY-MM-DD, valid).
int days_between(const std::string& from, const std::string& to);

}  // namespace shadematch::cli
