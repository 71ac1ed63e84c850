#pragma once
/// Exercise variants: one session per student drawn from a template's network (its shape,
/// activations, loss and optimizer kept; x, y, start weights and η drawn on a decimal grid), each
/// accepted only when the engine's own trace shows it readable, with its exercise sheet (Markdown
/// and LaTeX: the network, the numbers, the empty table) and its answer key (the exact table).
/// The draws are platform-exact (init.hpp), so a seed gives the same variants natively and in
/// WebAssembly. docs/engine-api.md ("Variants") states every range and rule.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nntutor/session.hpp"
#include "nntutor/table.hpp"

namespace nntutor {

/// The bounds and rules of a set of variants.
constexpr int kMaxVariants = 1000;          ///< variants in one set (count 1…1000)
constexpr int kMaxVariantSteps = 50;        ///< rows of a sheet's table (filled by hand)
constexpr int kMaxVariantAttempts = 200;    ///< draws per variant before the template is refused
/// |f′(z)| of every neuron at step 1, on at least one sample (σ: |z| < 3.87, tanh: |z| < 2.64).
constexpr double kMinVariantSlope = 0.02;
constexpr int kVariantLossSteps = 5;        ///< the loss must change visibly within these steps
constexpr double kMinVariantLossChange = 0.002;  ///< |L₅ − L₁| (20 units of the 4th decimal)
constexpr double kMaxVariantCell = 100;     ///< every number of the key below this in size
constexpr int kVariantPrecision = 4;        ///< decimals of the answer key

/// What to generate: `count` variants from `seed`; `steps` rows per table (default: the
/// template's steps).
struct VariantOptions {
  std::uint64_t seed = 1;
  int count = 1;
  std::optional<int> steps;
};

/// One student's variant.
struct Variant {
  int number = 0;       ///< 1-based
  std::string id;       ///< v001 … v999, v1000
  Session session;      ///< the exercise (its id and title set)
  int attempts = 0;     ///< draws until every rule held
  double first_loss = 0;  ///< L at step 1
  /// Assignment-4 style only: a rate of the assignment's sweep (1-2-5 per decade) that makes
  /// the loss rise within 10 steps — the sheet's second table.
  std::optional<double> rising_rate;
};

/// A set of variants and how it was made.
struct VariantSet {
  std::uint64_t seed = 1;
  int steps = 5;
  /// True when the template passes Assignment 4 (check_assignment): then every variant has
  /// η = 0.1, passes Assignment 4 too, and has a rising rate.
  bool assignment = false;
  std::vector<Variant> variants;
};

/// Draws `options.count` variants of `template_session`. Variant k is drawn from its own
/// stream (seed, k), so it is the same whatever the count. Throws SessionError naming the
/// field: count, steps, seed, the template's page limits ("template: layers[0].units: …"), or
/// "template: no readable variant in 200 draws for v003 (the last draw: …)".
VariantSet make_variants(const Session& template_session, const VariantOptions& options);

/// Parses the page's options {"seed", "count", "steps"?, "site"?} (steps null or absent = the
/// template's); SessionError naming the field. `site` (returned through `site`) is the lecture
/// page's address the links start with (default "index.html").
VariantOptions parse_variant_options(const std::string& json_text, std::string* site = nullptr);

/// The exercise sheet: Markdown, or a LaTeX document that compiles on its own.
enum class SheetFormat { kMarkdown, kLatex };
std::string variant_sheet(const VariantSet& set, const Variant& v, SheetFormat format);

/// The answer key: the exact table as `nntutor table` writes it (csv or markdown, 4
/// decimals); markdown adds, for an Assignment-4 variant, the table at the rising rate.
std::string variant_key(const VariantSet& set, const Variant& v, Format format);

/// The lecture page's share fragment of `session`: "#session=" + base64url of
/// session_to_json (web/js/persist.js reads it).
std::string share_fragment(const Session& session);

/// One file of a variant: <id>.session.json, <id>.sheet.md, <id>.sheet.tex, <id>.key.csv,
/// <id>.key.md, in this order.
struct VariantFile {
  std::string name, text;
};
std::vector<VariantFile> variant_files(const VariantSet& set, const Variant& v);

/// index.csv: id,title,session,sheet_md,sheet_tex,key_csv,key_md,link — link = `site` + the
/// share fragment.
std::string variants_index_csv(const VariantSet& set, const std::string& site);

/// The set for the page: {"seed", "steps", "assignment", "rules": {…}, "variants": [{"id",
/// "title", "session" (object), "link", "inputs", "targets", "learning_rate", "first_loss",
/// "rising_rate", "attempts", "files": [{"name", "text"}]}], "index": {"name", "text"}}.
std::string variants_json(const VariantSet& set, const std::string& site);

/// The templates offered by default: [{"name", "title", "session"}] — the lecture's worked
/// example and an Assignment-4 network (examples/lecture.json, examples/assignment-pass.json).
std::string variant_templates_json();

/// The rules above as JSON {"max_count", "max_steps", "max_attempts", "min_slope",
/// "loss_steps", "min_loss_change", "max_cell", "precision"} for the page to state.
std::string variant_rules_json();

}  // namespace nntutor
