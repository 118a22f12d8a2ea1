#include "history/next_session.hpp"

#include <algorithm>
#include <cstdio>

#include "colour/delta_e.hpp"
#include "common/error.hpp"
#include "plan/model_predictor.hpp"
#include "plan/targets.hpp"

namespace shadematch::history {

std::optional<Placement> parse_placement(std::string_view name) {
  if (name == "over") return Placement::over;
  if (name == "among") return Placement::among;
  return std::nullopt;
}

std::string_view placement_name(Placement p) {
  switch (p) {
    case Placement::over:
      return "over";
    case Placement::among:
      return "among";
  }
  return "?";
}

colour::Lab OverHealedPredictor::healed_dot_lab(const colour::Spectrum& mixed_ks,
                                                double pigment_fraction) const noexcept {
  const double total = pigment_fraction + retained_fraction_;
  if (!(total > 0.0)) return model_->healed_dot_lab(mixed_ks, pigment_fraction);
  colour::Spectrum combined;
  for (std::size_t i = 0; i < colour::kSpectrumBands; ++i) {
    combined[i] = (pigment_fraction * mixed_ks[i] + retained_ks_[i]) / total;
  }
  return model_->healed_dot_lab(combined, total);
}

NextSessionPlan plan_next_session(const std::string& db_path, const std::string& client_id,
                                  const std::vector<SessionRecord>& sessions, const pigment::Palette& palette,
                                  Placement placement, const plan::SearchOptions& options) {
  if (sessions.empty()) {
    throw InputError(db_path, "client '" + client_id +
                                  "' has no session recorded yet; plan the first one with "
                                  "'shadematch match' and record it with 'shadematch client record'");
  }
  NextSessionPlan out;
  out.client_id = client_id;
  out.placement = placement;
  const SessionRecord& last = sessions.back();
  out.session = last.session + 1;
  out.skin = last.skin;
  out.target = last.target;
  const pigment::InkInSkinModel model(palette, out.skin);

  // The pigment already in the skin: every earlier session's blend (over placement).
  colour::Spectrum retained;
  double retained_fraction = 0.0;
  for (const SessionRecord& s : sessions) {
    pigment::Blend blend;
    try {
      blend = pigment::parse_blend(s.recipe, palette, "session " + std::to_string(s.session));
    } catch (const InputError& e) {
      if (placement == Placement::among) continue;
      throw InputError(db_path, "session " + std::to_string(s.session) + " of client '" + client_id + "' used '" +
                                    s.recipe + "', which " + palette.source + " cannot predict (" + e.message() +
                                    "); give the palette it was recorded with (" + s.palette_path +
                                    ") or --placement among");
    }
    const double p = blend.dilution.pigment_fraction();
    const colour::Spectrum ks = model.mixed_ks(blend);
    for (std::size_t i = 0; i < colour::kSpectrumBands; ++i) retained[i] += p * ks[i];
    retained_fraction += p;
    out.earlier.push_back(s.recipe);
    if (s.skin.l != out.skin.l || s.skin.a != out.skin.a || s.skin.b != out.skin.b) {
      out.warnings.push_back("session " + std::to_string(s.session) +
                             " was recorded with another skin colour than session " + std::to_string(last.session) +
                             "; the latest one is used");
    }
  }
  if (const HealedRecord* h = last.latest_healed()) {
    out.current = h->healed;
  } else {
    out.current_measured = false;
    if (placement == Placement::over && retained_fraction > 0.0) {
      // Every session's pigment so far, in one dot (the same combination as OverHealedPredictor).
      colour::Spectrum mixed;
      for (std::size_t i = 0; i < colour::kSpectrumBands; ++i) mixed[i] = retained[i] / retained_fraction;
      out.current = model.healed_dot_lab(mixed, retained_fraction);
    } else {
      out.current =
          model.healed_dot_lab(pigment::parse_blend(last.recipe, palette, "session " + std::to_string(last.session)));
    }
    out.warnings.push_back(
        "session " + std::to_string(last.session) +
        " has no healed follow-up yet: planning from what the model predicts it heals to; record the "
        "follow-up with 'shadematch client healed' for a plan from what it did heal to");
  }
  out.current_de00 = colour::delta_e_2000(out.target, out.current);

  out.next_target = out.target;
  out.next_target.l = std::max(out.target.l, out.current.l - palette.shade_step_dl);
  if (out.current.l - out.target.l <= 0.5 * palette.shade_step_dl) {
    char de[32];
    std::snprintf(de, sizeof de, "%.2f", out.current_de00);
    out.warnings.push_back(
        std::string("the healed colour is already within half a shade of the target's lightness (ΔE00 ") + de +
        "): this session aims at the target itself (a touch-up)");
  }

  plan::PlanTargets targets;
  targets.goal = plan::Goal::follicle;
  targets.substrate = out.skin;
  targets.final_target = out.next_target;
  targets.sessions = {out.next_target};
  targets.appearance = plan::Appearance::dot;
  targets.shade_step_dl = palette.shade_step_dl;
  if (placement == Placement::over) {
    const OverHealedPredictor predictor(model, retained, retained_fraction);
    out.plan = plan::plan_blends(palette, predictor, targets, options);
  } else {
    const plan::InkInSkinPredictor predictor(model, palette.healing);
    out.plan = plan::plan_blends(palette, predictor, targets, options);
  }
  return out;
}

}  // namespace shadematch::history
