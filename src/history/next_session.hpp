#pragma once
// `client next` (issue 15): the next session's ranked blends from the client's healed state.
//
// The state: the client's recorded sessions, each with the blend applied and (when followed up)
// the colour it healed to; the target is the hair (follicle) colour recorded with the sessions.
// The next session's target is one shade (palette plan.shade_step_dL) darker than the latest
// healed colour, with the target's a*, b*, and never darker than the target itself (DESIGN.md:
// "each later session a shade darker"; too dark cannot be undone).
//
// Where the new dots go (Placement):
//  * over (default) — into the healed dots, darkening them: the usual later session. The new ink
//    adds to the pigment the skin kept from the earlier sessions. In the Kubelka–Munk mixture the
//    absorption and scattering of pigments in one layer add (Duncan 1940), so the pigment term of
//    the dot becomes c·(Σₖ pₖ(K/S)ₖ + p(K/S)new), c = strength·retention and pₖ each dilution's
//    pigment fraction P/(W+P): the earlier inks at the retention they already healed with, the new
//    one at the retention it will heal with. The model is asked for that combined ink, which
//    keeps it exact for any model of the form "pigment term = c·p·(K/S)" (pigment/model.hpp).
//  * among — between the healed dots, into untouched skin: each new dot heals as a first one does
//    (pigment/model.hpp as in `mix`); the area reads darker through coverage, not through the dots.
// The earlier sessions' pigment comes from their recorded blends, predicted with the palette's
// (refitted) healing parameters: after `healing fit --write`, the model reproduces the clinic's
// healed colours, so it also stands for what pigment the skin kept.
#include <optional>
#include <string>
#include <vector>

#include "colour/types.hpp"
#include "history/clients.hpp"
#include "pigment/model.hpp"
#include "pigment/palette.hpp"
#include "plan/search.hpp"

namespace shadematch::history {

enum class Placement { over, among };
std::optional<Placement> parse_placement(std::string_view name);
std::string_view placement_name(Placement p);

// The DotPredictor for new dots placed over healed ones (see above).
class OverHealedPredictor final : public plan::DotPredictor {
 public:
  // retained_ks: Σₖ pₖ(K/S)ₖ of the earlier sessions' mixed inks; retained_fraction: Σₖ pₖ.
  OverHealedPredictor(const pigment::InkInSkinModel& model, const colour::Spectrum& retained_ks,
                      double retained_fraction)
      : model_(&model), retained_ks_(retained_ks), retained_fraction_(retained_fraction) {}
  const std::vector<colour::Spectrum>& ink_ks() const noexcept override { return model_->ink_ks(); }
  colour::Lab healed_dot_lab(const colour::Spectrum& mixed_ks, double pigment_fraction) const noexcept override;

 private:
  const pigment::InkInSkinModel* model_;
  colour::Spectrum retained_ks_;
  double retained_fraction_;
};

struct NextSessionPlan {
  std::string client_id;
  int session = 0;  // the next session's number
  Placement placement = Placement::over;
  colour::Lab skin;                  // of the latest session
  colour::Lab target;                // the hair colour the work aims at (latest session's)
  colour::Lab current;               // latest healed colour (or, without a follow-up, its prediction)
  bool current_measured = true;      // false: no follow-up yet, `current` is the model's prediction
  colour::Lab next_target;           // this session's target
  double current_de00 = 0;           // ΔE00(current, target)
  std::vector<std::string> earlier;  // recipes whose pigment is under the new dots (over)
  plan::PlanResult plan;
  std::vector<std::string> warnings;
};

// Throws InputError (naming the database) when the client has no recorded session, or an earlier
// blend names an ink the palette no longer has (over placement needs its pigment).
NextSessionPlan plan_next_session(const std::string& db_path, const std::string& client_id,
                                  const std::vector<SessionRecord>& sessions, const pigment::Palette& palette,
                                  Placement placement, const plan::SearchOptions& options);

}  // namespace shadematch::history
