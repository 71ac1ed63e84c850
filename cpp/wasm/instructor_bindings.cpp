// The instructor page's module (nntutor_instructor_wasm.js): exercise variants, one per
// student, with their sheets, keys and links (variant.hpp). One-line adapters, no logic; the
// grading section of the page adds its functions here.
#include <emscripten/bind.h>

#include <string>

#include "nntutor/session.hpp"
#include "nntutor/variant.hpp"
#include "result.hpp"

namespace {

using nntutor_wasm::guarded;
using nntutor_wasm::Result;

Result variants(const std::string& template_json, const std::string& options_json) {
  return guarded([&] {
    std::string site;
    const nntutor::VariantOptions options = nntutor::parse_variant_options(options_json, &site);
    nntutor::Session templ;
    try {
      templ = nntutor::parse_session(template_json);
    } catch (const nntutor::SessionError& e) {
      throw nntutor::SessionError(std::string("template: ") + e.what());
    }
    return nntutor::variants_json(nntutor::make_variants(templ, options), site);
  });
}

std::string templates() { return nntutor::variant_templates_json(); }
std::string rules() { return nntutor::variant_rules_json(); }
std::string version() { return NNTUTOR_VERSION; }

}  // namespace

EMSCRIPTEN_BINDINGS(nntutor_instructor) {
  nntutor_wasm::register_result();
  emscripten::function("variants", &variants);
  emscripten::function("templates", &templates);
  emscripten::function("rules", &rules);
  emscripten::function("version", &version);
}
