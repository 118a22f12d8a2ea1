// Card definition YAML (files/card_file.hpp).
#include "files/card_file.hpp"
#include "fuzz_target.hpp"

using namespace shadematch;

SHADEMATCH_FUZZ_TARGET(card) {
  fuzz::expect_input_error([&] {
    const files::CardFile f = files::parse_card(fuzz::as_text(data, size), "fuzz.yaml");
    std::vector<std::string> texts{f.card.id, f.card.title, f.card.edition, f.card.source};
    texts.insert(texts.end(), f.aliases.begin(), f.aliases.end());
    for (const photo::CardPatch& patch : f.card.patches) texts.push_back(patch.name);
    fuzz::require_printable(texts);
  });
}
