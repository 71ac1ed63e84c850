/// Exercise variants (variant.hpp): the draws on a decimal grid, the readability rules checked on
/// the engine's own trace, and the files of a variant (sheet, key, index, share link).
#include "nntutor/variant.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <random>

#include "nntutor/assignment.hpp"
#include "nntutor/error.hpp"
#include "nntutor/init.hpp"
#include "nntutor/io/common.hpp"

namespace nntutor {

namespace {

using common::fail;
using Kind = Column::Kind;
using nlohmann::ordered_json;

/// SplitMix64's finaliser: spreads (seed, variant number) over the 64-bit seeds of
/// std::mt19937_64, whose raw output is the same on every platform.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

/// A whole number from lo to hi, each equally likely: lo + ⌊u·(hi − lo + 1)⌋ with u = uniform01.
int draw_int(std::mt19937_64& engine, int lo, int hi) {
  const double u = uniform01(engine);
  return lo + std::min(hi - lo, static_cast<int>(u * static_cast<double>(hi - lo + 1)));
}

/// k/10 as the JSON text "0.k" reads (a division, so 3/10.0 is the double nearest 0.3).
double tenths(int k) { return static_cast<double>(k) / 10.0; }

/// The learning rates a gradient-descent variant draws from (the lecture's 0.1 and 1 among them).
const std::vector<double> kSgdRates = {0.1, 0.2, 0.3, 0.5, 1, 2, 5};
/// Other optimizers: the template's η times one of these (exact in binary).
const std::vector<double> kRateFactors = {0.5, 1, 2};

/// The grid of targets of the last layer: its output range (and the loss's 0…1 for
/// probabilities) within −2…2, moved 0.1 in from each end, in tenths.
std::pair<int, int> target_grid(const Session& t) {
  const Range r = t.network.layers.back().f.info().output;
  double lo = std::max(r.lo, -2.0), hi = std::min(r.hi, 2.0);
  if (t.loss.info().targets != Targets::kAny) lo = std::max(lo, 0.0), hi = std::min(hi, 1.0);
  return {static_cast<int>(std::ceil(lo * 10 - 1e-9)) + 1, static_cast<int>(std::floor(hi * 10 + 1e-9)) - 1};
}

/// One draw of the numbers of a variant of `t` (its shape, activations, loss and optimizer kept).
Session draw(const Session& t, std::mt19937_64& e, bool assignment) {
  Session s = t;
  // x: 0.5 … 2.0 in tenths, with the sign of the template's number there.
  for (Eigen::Index n = 0; n < s.batch.X.cols(); ++n)
    for (Eigen::Index f = 0; f < s.batch.X.rows(); ++f)
      s.batch.X(f, n) = (t.batch.X(f, n) < 0 ? -1 : 1) * tenths(draw_int(e, 5, 20));
  // y: on the output's grid; one class per sample for a distribution (cross_entropy).
  if (t.loss.info().targets == Targets::kDistribution) {
    for (Eigen::Index n = 0; n < s.batch.Y.cols(); ++n) {
      s.batch.Y.col(n).setZero();
      s.batch.Y(draw_int(e, 0, static_cast<int>(s.batch.Y.rows()) - 1), n) = 1;
    }
  } else {
    const auto [lo, hi] = target_grid(t);
    for (Eigen::Index n = 0; n < s.batch.Y.cols(); ++n)
      for (Eigen::Index k = 0; k < s.batch.Y.rows(); ++k) s.batch.Y(k, n) = tenths(draw_int(e, lo, hi));
  }
  // w: ±0.1 … ±1.0 (never 0); b: −0.5 … 0.5; in tenths, layer by layer, row by row.
  for (auto& layer : s.network.layers) {
    for (Eigen::Index r = 0; r < layer.W.rows(); ++r)
      for (Eigen::Index c = 0; c < layer.W.cols(); ++c) {
        const int k = draw_int(e, 0, 19);
        layer.W(r, c) = tenths(k < 10 ? -(k + 1) : k - 9);
      }
    for (Eigen::Index r = 0; r < layer.b.size(); ++r) layer.b(r) = tenths(draw_int(e, -5, 5));
  }
  double& eta = s.optimizer.learning_rate;
  if (assignment) eta = kAssignmentRate;
  else if (t.optimizer.kind == keras::OptimizerKind::kSgd)
    eta = kSgdRates[static_cast<std::size_t>(draw_int(e, 0, static_cast<int>(kSgdRates.size()) - 1))];
  else
    eta = t.optimizer.learning_rate *
          kRateFactors[static_cast<std::size_t>(draw_int(e, 0, static_cast<int>(kRateFactors.size()) - 1))];
  return s;
}

/// Why the first `steps` rows of `trace` are not readable: a divergence, or a number of the
/// table of 100 or more in size; nullopt when they are.
std::optional<std::string> unreadable_table(const Session& s, const Trace& trace, int steps,
                                            const std::string& at) {
  if (trace.diverged && trace.diverged->at <= steps)
    return "the run" + at + " diverged at step " + std::to_string(trace.diverged->at) + " (" +
           trace.diverged->reason + ")";
  Trace rows;
  rows.steps.assign(trace.steps.begin(), trace.steps.begin() + std::min<std::size_t>(trace.steps.size(), steps));
  const Table table = make_table(s.network, s.batch.samples(), rows, s.optimizer);
  for (const auto& row : table.rows)
    for (std::size_t c = 0; c < row.size(); ++c)
      if (!(std::fabs(row[c]) < kMaxVariantCell))
        return table.columns[c].name + at + " reaches " + fixed(row[c], 2) + " at step " +
               std::to_string(static_cast<long>(row[0])) + " (at most 100 in size)";
  return std::nullopt;
}

/// The readability rules (docs/engine-api.md "Variants"), checked on the engine's trace of
/// `s`: nullopt when they hold (then `first_loss` and, for an assignment, `rising` are set),
/// else the first rule broken, as a sentence.
std::optional<std::string> unreadable(const Session& s, int steps, bool assignment,
                                      double& first_loss, std::optional<double>& rising) {
  const Trace trace = run(s.network, s.batch, s.loss, s.optimizer, std::max(steps, kVariantLossSteps));
  if (trace.steps.empty()) return "the run diverged at step 1 (" + trace.diverged->reason + ")";
  // No saturated neuron at step 1: every neuron has |f′(z)| ≥ 0.02 on at least one sample (else
  // its gradient vanishes and its weights stay put: a dead ReLU, a σ at 0 or 1). Softmax's
  // slope is folded into cross_entropy's ŷ − y.
  const StepTrace& first = trace.steps.front();
  for (std::size_t l = 0; l < s.network.layers.size(); ++l) {
    const Activation& f = s.network.layers[l].f;
    if (f.is_softmax()) continue;
    const LayerTrace& lt = first.layers[l];
    for (Eigen::Index j = 0; j < lt.z.rows(); ++j) {
      bool alive = false;
      for (Eigen::Index n = 0; n < lt.z.cols() && !alive; ++n)
        alive = std::fabs(f.derivative(lt.z(j, n), lt.y(j, n))) >= kMinVariantSlope;
      if (!alive)
        return quantity_name(Kind::kZ, s.network, 1, static_cast<int>(l) + 1, static_cast<int>(j) + 1) +
               " saturates " + f.name + " at step 1 (|f′(z)| below 0.02 on every sample; z = " +
               fixed(lt.z(j, 0), 4) + (lt.z.cols() > 1 ? " on sample 1" : "") + ")";
    }
  }
  if (static_cast<int>(trace.steps.size()) < kVariantLossSteps)
    return "the run diverged at step " + std::to_string(trace.diverged->at) + " (" + trace.diverged->reason + ")";
  const double change = std::fabs(trace.steps[kVariantLossSteps - 1].loss - first.loss);
  if (!(change >= kMinVariantLossChange))
    return "the loss changes by only " + fixed(change, 4) + " in 5 steps (at least 0.002)";
  if (auto why = unreadable_table(s, trace, steps, "")) return why;
  first_loss = first.loss;
  rising.reset();
  if (!assignment) return std::nullopt;
  const AssignmentReport report = check_assignment(s);
  for (const auto& q : report.requirements)
    if (!q.passed) return "it fails Assignment 4: " + q.title + " (" + q.evidence + ")";
  if (report.sweep.empty() || !report.sweep.back().rises())
    return "no rate of the assignment's sweep makes the loss rise";
  Session high = s;
  high.optimizer.learning_rate = report.sweep.back().learning_rate;
  if (auto why = unreadable_table(high, run(high.network, high.batch, high.loss, high.optimizer, steps), steps,
                                  " at η = " + exact_text(high.optimizer.learning_rate)))
    return why;
  rising = high.optimizer.learning_rate;
  return std::nullopt;
}

std::string variant_id(int number) {
  std::string digits = std::to_string(number);
  if (digits.size() < 3) digits.insert(0, 3 - digits.size(), '0');
  return "v" + digits;
}

// ---- The sheet -------------------------------------------------------------------------------

/// The parameter columns (w, then b) of `s`'s table, in table order.
std::vector<Column> parameter_columns(const Session& s) {
  std::vector<Column> out;
  for (const auto& c : table_columns(s.network, s.batch.samples(), s.optimizer))
    if (c.kind == Kind::kW || c.kind == Kind::kB) out.push_back(c);
  return out;
}

double parameter_value(const Session& s, const Column& c) {
  const Layer& layer = s.network.layers[static_cast<std::size_t>(c.layer - 1)];
  return c.kind == Kind::kW ? layer.W(c.unit - 1, c.input - 1) : layer.b(c.unit - 1);
}

/// "x", "x[2]" (several features); "y", "y[2]" (several outputs).
std::string data_name(const char* symbol, Eigen::Index count, Eigen::Index i) {
  return count == 1 ? symbol : std::string(symbol) + "[" + std::to_string(i + 1) + "]";
}

/// The session with its η replaced (the assignment's second table).
Session at_rate(const Session& s, double eta) {
  Session high = s;
  high.optimizer.learning_rate = eta;
  return high;
}

/// The optimizer as "sgd, learning_rate = 0.3" (every field session_to_json writes).
std::string optimizer_text(const Session& s) {
  const auto j = nlohmann::json::parse(session_to_json(s))["optimizer"];
  std::string out = std::string(keras::optimizer_info(s.optimizer.kind).title);
  for (const auto& [key, value] : j.items())
    if (key != "name") out += ", " + key + " = " + value.dump();
  return out;
}

/// The empty Markdown table of `s` (header of `nntutor table --format markdown`, a row per step).
std::string empty_markdown_table(const Session& s, int steps) {
  std::string out = render(s, Trace{}, Format::kMarkdown, kVariantPrecision);
  const std::size_t cells = table_columns(s.network, s.batch.samples(), s.optimizer).size();
  for (int k = 1; k <= steps; ++k) {
    out += "| " + std::to_string(k) + " |";
    for (std::size_t c = 1; c < cells; ++c) out += "   |";
    out += "\n";
  }
  return out;
}

/// The LaTeX headers of `s`'s table ($w_{1}$, $\partial L/\partial w_{1}$, …), as
/// `nntutor table --format latex` writes them.
std::vector<std::string> latex_headers(const Session& s) {
  const std::string tab = render(s, Trace{}, Format::kLatex, kVariantPrecision);
  const std::size_t from = tab.find("\\hline\n") + 7;
  const std::string line = tab.substr(from, tab.find(" \\\\\n", from) - from);
  std::vector<std::string> out;
  for (std::size_t p = 0;;) {
    const std::size_t q = line.find(" & ", p);
    out.push_back(line.substr(p, q == std::string::npos ? std::string::npos : q - p));
    if (q == std::string::npos) break;
    p = q + 3;
  }
  return out;
}

std::string tex_text(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '_' || c == '#' || c == '%' || c == '&' || c == '$' || c == '{' || c == '}') out += '\\';
    out += c;
  }
  return out;
}

std::string latex_tabular(const std::vector<std::string>& header,
                          const std::vector<std::vector<std::string>>& rows) {
  std::string out = "\\begin{tabular}{" + std::string(header.size(), 'r') + "}\n\\hline\n";
  for (std::size_t i = 0; i < header.size(); ++i) out += (i ? " & " : "") + header[i];
  out += " \\\\\n\\hline\n";
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) out += (i ? " & " : "") + row[i];
    out += " \\\\[1.2ex]\n";
  }
  return out + "\\hline\n\\end{tabular}";
}

std::string empty_latex_table(const Session& s, int steps) {
  const std::vector<std::string> header = latex_headers(s);
  std::vector<std::vector<std::string>> rows;
  for (int k = 1; k <= steps; ++k) {
    std::vector<std::string> row(header.size(), "");
    row[0] = std::to_string(k);
    rows.push_back(row);
  }
  // A wide table is scaled to the text width.
  const std::string tab = latex_tabular(header, rows);
  return header.size() > 8 ? "\\resizebox{\\textwidth}{!}{%\n" + tab + "}\n" : tab + "\n";
}

std::string sheet_title(const Variant& v) { return "Exercise " + v.id + ": a network trained by hand"; }

std::string sheet_markdown(const VariantSet& set, const Variant& v) {
  const Session& s = v.session;
  const auto& X = s.batch.X;
  const auto& Y = s.batch.Y;
  std::string md = "# " + sheet_title(v) + "\n\n";
  md += "Variant " + v.id + " of the set drawn with seed " + std::to_string(set.seed) +
        " (`nntutor variant`). Fill the table by hand, " + std::to_string(kVariantPrecision) +
        " decimals, one row per step: the parameters before that step's update, z and y of every "
        "neuron, the gradients and the loss L.\n\n## The network\n\n";
  std::string features = X.rows() == 1 ? " x" : "";
  for (Eigen::Index f = 0; X.rows() > 1 && f < X.rows(); ++f)
    features += (f == 0 ? " " : ", ") + data_name("x", X.rows(), f);
  md += "- Input: " + common::plural(X.rows(), "feature") + features + ".\n";
  for (std::size_t l = 0; l < s.network.layers.size(); ++l) {
    const Layer& layer = s.network.layers[l];
    const ActivationInfo& f = layer.f.info();
    md += "- Layer " + std::to_string(l + 1) + ": " + common::plural(layer.units(), "neuron") + ", " +
          std::string(f.title) + ": z = W·a + b, " +
          f.text_function("y", "z", shortest_number(layer.f.alpha)) + ", with a = " +
          (l == 0 ? std::string("x") : "y" + std::to_string(l)) + ".\n";
  }
  md += "- Loss: " + std::string(s.loss.info().title) + ", the mean over " +
        common::plural(s.batch.samples(), "sample") + ".\n";
  md += "- Optimizer: " + optimizer_text(s) + (s.optimizer.kind == keras::OptimizerKind::kSgd
                                                    ? " (w ← w − η·∂L/∂w, b ← b − η·∂L/∂b)"
                                                    : "") + ".\n";
  md += "- Steps: " + std::to_string(s.steps) + ".\n\n## The numbers\n\n|";
  md += X.cols() > 1 ? " sample |" : "";
  for (Eigen::Index f = 0; f < X.rows(); ++f) md += " " + data_name("x", X.rows(), f) + " |";
  for (Eigen::Index k = 0; k < Y.rows(); ++k) md += " " + data_name("y", Y.rows(), k) + " |";
  md += "\n|" + std::string(X.cols() > 1 ? "---:|" : "");
  for (Eigen::Index i = 0; i < X.rows() + Y.rows(); ++i) md += "---:|";
  md += "\n";
  for (Eigen::Index n = 0; n < X.cols(); ++n) {
    md += "|" + (X.cols() > 1 ? " " + std::to_string(n + 1) + " |" : std::string());
    for (Eigen::Index f = 0; f < X.rows(); ++f) md += " " + shortest_number(X(f, n)) + " |";
    for (Eigen::Index k = 0; k < Y.rows(); ++k) md += " " + shortest_number(Y(k, n)) + " |";
    md += "\n";
  }
  md += "\nStart values:\n\n| parameter | value |\n|---|---:|\n";
  for (const auto& c : parameter_columns(s)) md += "| " + c.name + " | " + shortest_number(parameter_value(s, c)) + " |\n";
  const std::string eta = exact_text(s.optimizer.learning_rate);
  if (v.rising_rate) {
    md += "\n## Your table at η = " + eta + "\n\n" + empty_markdown_table(s, s.steps);
    md += "\n## Your table at η = " + exact_text(*v.rising_rate) +
          " (the same start; the loss rises within 10 steps)\n\n" +
          empty_markdown_table(at_rate(s, *v.rising_rate), s.steps);
  } else {
    md += "\n## Your table (η = " + eta + ")\n\n" + empty_markdown_table(s, s.steps);
  }
  md += "\nCheck it: save the table as CSV or Markdown and run `nntutor check " + v.id +
        ".session.json my-table.csv`, or open the variant's link and use \"Check my table\".\n";
  return md;
}

std::string sheet_latex(const VariantSet& set, const Variant& v) {
  const Session& s = v.session;
  const auto& X = s.batch.X;
  const auto& Y = s.batch.Y;
  std::string tex =
      "% " + sheet_title(v) + ", written by nntutor variant. It compiles on its own (pdflatex):\n"
      "% the article class with amsmath and graphicx.\n"
      "\\documentclass{article}\n\\usepackage{amsmath}\n\\usepackage{graphicx}\n"
      "\\setlength{\\textwidth}{17cm}\n\\setlength{\\oddsidemargin}{-0.46cm}\n"
      "\\setlength{\\evensidemargin}{-0.46cm}\n\\providecommand{\\mathbb}[1]{\\mathbf{#1}}\n"
      "\\begin{document}\n\n\\section*{Exercise " + v.id + ": a network trained by hand}\n\n"
      "Variant " + v.id + " of the set drawn with seed " + std::to_string(set.seed) +
      ". Fill the table by hand, " + std::to_string(kVariantPrecision) +
      " decimals, one row per step: the parameters before that step's update, $z$ and $y$ of "
      "every neuron, the gradients and the loss $L$.\n\n\\subsection*{The network}\n\n\\begin{itemize}\n";
  tex += "\\item Input: " + common::plural(X.rows(), "feature") + " $x$.\n";
  for (std::size_t l = 0; l < s.network.layers.size(); ++l) {
    const Layer& layer = s.network.layers[l];
    const ActivationInfo& f = layer.f.info();
    tex += "\\item Layer " + std::to_string(l + 1) + ": " + common::plural(layer.units(), "neuron") +
           ", \\texttt{" + tex_text(layer.f.name) + "}: $z = W a + b$, $y = f(z)$ with $" +
           std::string(f.latex_f) + "$" + (layer.f.has_alpha() ? ", $\\alpha = " + shortest_number(layer.f.alpha) + "$" : "") +
           ", $a = " + (l == 0 ? std::string("x") : "y_{" + std::to_string(l) + "}") + "$.\n";
  }
  tex += "\\item Loss: \\texttt{" + tex_text(s.loss.name) + "}, $\\ell = " + std::string(s.loss.info().latex) +
         "$, the mean over " + common::plural(s.batch.samples(), "sample") + ".\n";
  tex += "\\item Optimizer: " + tex_text(optimizer_text(s)) + ", $" +
         std::string(keras::optimizer_info(s.optimizer.kind).latex_update) + "$.\n";
  tex += "\\item Steps: " + std::to_string(s.steps) + ".\n\\end{itemize}\n\n\\subsection*{The numbers}\n\n";
  std::vector<std::string> header;
  if (X.cols() > 1) header.push_back("sample");
  for (Eigen::Index f = 0; f < X.rows(); ++f) header.push_back("$" + data_name("x", X.rows(), f) + "$");
  for (Eigen::Index k = 0; k < Y.rows(); ++k) header.push_back("$" + data_name("y", Y.rows(), k) + "$");
  std::vector<std::vector<std::string>> rows;
  for (Eigen::Index n = 0; n < X.cols(); ++n) {
    std::vector<std::string> row;
    if (X.cols() > 1) row.push_back(std::to_string(n + 1));
    for (Eigen::Index f = 0; f < X.rows(); ++f) row.push_back("$" + shortest_number(X(f, n)) + "$");
    for (Eigen::Index k = 0; k < Y.rows(); ++k) row.push_back("$" + shortest_number(Y(k, n)) + "$");
    rows.push_back(row);
  }
  tex += latex_tabular(header, rows) + "\n\n\\medskip\nStart values: ";
  const std::vector<std::string> names = latex_headers(s);
  const auto columns = table_columns(s.network, s.batch.samples(), s.optimizer);
  bool first = true;
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (columns[i].kind == Kind::kW || columns[i].kind == Kind::kB) {
      const std::string& n = names[i];  // $w_{1}$
      tex += std::string(first ? "" : ", ") + "$" + n.substr(1, n.size() - 2) + " = " +
             shortest_number(parameter_value(s, columns[i])) + "$";
      first = false;
    }
  tex += ".\n\n";
  const std::string eta = exact_text(s.optimizer.learning_rate);
  if (v.rising_rate) {
    tex += "\\subsection*{Your table at $\\eta = " + eta + "$}\n\n" + empty_latex_table(s, s.steps);
    tex += "\n\\subsection*{Your table at $\\eta = " + exact_text(*v.rising_rate) +
           "$ (the same start; the loss rises within 10 steps)}\n\n" +
           empty_latex_table(at_rate(s, *v.rising_rate), s.steps);
  } else {
    tex += "\\subsection*{Your table ($\\eta = " + eta + "$)}\n\n" + empty_latex_table(s, s.steps);
  }
  return tex + "\n\\end{document}\n";
}

std::string base64url(const std::string& bytes) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const auto n = (static_cast<unsigned char>(bytes[i]) << 16) |
                   (static_cast<unsigned char>(bytes[i + 1]) << 8) | static_cast<unsigned char>(bytes[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(n >> s) & 63];
  }
  if (i < bytes.size()) {  // 1 or 2 bytes left: 2 or 3 characters, no padding
    const bool two = i + 1 < bytes.size();
    const auto n = (static_cast<unsigned char>(bytes[i]) << 16) |
                   (two ? static_cast<unsigned char>(bytes[i + 1]) << 8 : 0);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    if (two) out += kAlphabet[(n >> 6) & 63];
  }
  return out;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

}  // namespace

VariantSet make_variants(const Session& template_session, const VariantOptions& options) {
  if (options.count < 1 || options.count > kMaxVariants)
    fail("count", "expected a whole number from 1 to " + std::to_string(kMaxVariants) + ", got " +
                      std::to_string(options.count));
  if (options.seed > (1ULL << 53))
    fail("seed", "expected a whole number from 0 to 9007199254740992, got " + std::to_string(options.seed));
  const int steps = options.steps.value_or(template_session.steps);
  if (steps < 1 || steps > kMaxVariantSteps) {
    if (options.steps)
      fail("steps", "a variant's sheet has 1 to " + std::to_string(kMaxVariantSteps) +
                        " rows (filled by hand), got " + std::to_string(steps));
    fail("template", "steps is " + std::to_string(steps) + ", but a variant's sheet has 1 to " +
                         std::to_string(kMaxVariantSteps) + " rows (filled by hand); give the number of steps");
  }
  Session t = template_session;
  t.id.clear();
  t.title.clear();
  try {
    check_page_limits(t);  // every variant opens in the lecture page
  } catch (const SessionError& e) {
    throw SessionError(std::string("template: ") + e.what());
  }
  if (target_grid(t).first > target_grid(t).second)
    fail("template", "the last layer's " + t.network.layers.back().f.name + " leaves no targets to draw");
  VariantSet set;
  set.seed = options.seed;
  set.steps = steps;
  set.assignment = t.network.layers.size() > 0 && check_assignment(t).passed;
  t.steps = steps;
  for (int k = 1; k <= options.count; ++k) {
    Variant v;
    v.number = k;
    v.id = variant_id(k);
    std::mt19937_64 engine(mix(options.seed ^ mix(static_cast<std::uint64_t>(k))));
    std::string why;
    for (v.attempts = 1; v.attempts <= kMaxVariantAttempts; ++v.attempts) {
      v.session = draw(t, engine, set.assignment);
      const auto broken = unreadable(v.session, steps, set.assignment, v.first_loss, v.rising_rate);
      if (!broken) break;
      why = *broken;
    }
    if (v.attempts > kMaxVariantAttempts)
      fail("template", "no readable variant in " + std::to_string(kMaxVariantAttempts) + " draws for " +
                           v.id + " (the last draw: " + why + ")");
    v.session.id = v.id;
    v.session.title = "Variant " + v.id + " (seed " + std::to_string(options.seed) + ")";
    set.variants.push_back(std::move(v));
  }
  return set;
}

VariantOptions parse_variant_options(const std::string& json_text, std::string* site) {
  const nlohmann::json j = common::parse_json(json_text, "options");
  if (!j.is_object()) fail("options", "expected a JSON object like {\"seed\": 1, \"count\": 30}");
  VariantOptions o;
  for (const auto& [key, value] : j.items())
    if (key != "seed" && key != "count" && key != "steps" && key != "site")
      fail("options." + key, "unknown field (expected one of count, seed, site, steps)");
  if (!j.contains("count")) fail("count", "required field is missing");
  o.count = static_cast<int>(common::whole_number(j["count"], "count", 1, kMaxVariants));
  if (j.contains("seed")) o.seed = static_cast<std::uint64_t>(common::whole_number(j["seed"], "seed", 0, 1LL << 53));
  if (j.contains("steps") && !j["steps"].is_null())
    o.steps = static_cast<int>(common::whole_number(j["steps"], "steps", 1, kMaxVariantSteps));
  if (site) *site = "index.html";
  if (j.contains("site")) {
    if (!j["site"].is_string() || j["site"].get<std::string>().size() > 2000)
      fail("site", "expected the lecture page's address as text, got " + common::describe(j["site"]));
    if (site) *site = j["site"].get<std::string>();
  }
  return o;
}

std::string variant_sheet(const VariantSet& set, const Variant& v, SheetFormat format) {
  return format == SheetFormat::kMarkdown ? sheet_markdown(set, v) : sheet_latex(set, v);
}

std::string variant_key(const VariantSet&, const Variant& v, Format format) {
  const Session& s = v.session;
  const std::string table = render(s, run(s), format, kVariantPrecision);
  if (format != Format::kMarkdown) return table;
  std::string md = "# Answer key " + v.id + "\n\n## η = " + exact_text(s.optimizer.learning_rate) + "\n\n" + table;
  if (v.rising_rate) {
    const Session high = at_rate(s, *v.rising_rate);
    md += "\n## η = " + exact_text(*v.rising_rate) + " (the loss rises)\n\n" +
          render(high, run(high), format, kVariantPrecision);
  }
  return md;
}

std::string share_fragment(const Session& session) { return "#session=" + base64url(session_to_json(session)); }

std::vector<VariantFile> variant_files(const VariantSet& set, const Variant& v) {
  return {{v.id + ".session.json", session_to_json(v.session) + "\n"},
          {v.id + ".sheet.md", variant_sheet(set, v, SheetFormat::kMarkdown)},
          {v.id + ".sheet.tex", variant_sheet(set, v, SheetFormat::kLatex)},
          {v.id + ".key.csv", variant_key(set, v, Format::kCsv)},
          {v.id + ".key.md", variant_key(set, v, Format::kMarkdown)}};
}

std::string variants_index_csv(const VariantSet& set, const std::string& site) {
  std::string out = "id,title,session,sheet_md,sheet_tex,key_csv,key_md,link\n";
  for (const auto& v : set.variants) {
    out += v.id + "," + csv_field(v.session.title);
    for (const auto& f : variant_files(set, v)) out += "," + csv_field(f.name);
    out += "," + csv_field(site + share_fragment(v.session)) + "\n";
  }
  return out;
}

std::string variants_json(const VariantSet& set, const std::string& site) {
  ordered_json out;
  out["seed"] = set.seed;
  out["steps"] = set.steps;
  out["assignment"] = set.assignment;
  out["rules"] = ordered_json::parse(variant_rules_json());
  auto list = ordered_json::array();
  for (const auto& v : set.variants) {
    ordered_json j;
    j["id"] = v.id;
    j["title"] = v.session.title;
    j["session"] = ordered_json::parse(session_to_json(v.session));
    j["link"] = site + share_fragment(v.session);
    j["inputs"] = j["session"]["inputs"];
    j["targets"] = j["session"]["targets"];
    j["learning_rate"] = v.session.optimizer.learning_rate;
    j["first_loss"] = v.first_loss;
    j["rising_rate"] = v.rising_rate ? ordered_json(*v.rising_rate) : ordered_json(nullptr);
    j["attempts"] = v.attempts;
    auto files = ordered_json::array();
    for (const auto& f : variant_files(set, v)) files.push_back({{"name", f.name}, {"text", f.text}});
    j["files"] = std::move(files);
    list.push_back(std::move(j));
  }
  out["variants"] = std::move(list);
  out["index"] = {{"name", "index.csv"}, {"text", variants_index_csv(set, site)}};
  return out.dump();
}

std::string variant_templates_json() {
  const char* lecture =
      R"({"inputs": [[1]], "targets": [[1]],
 "layers": [{"units": 1, "activation": "sigmoid", "weights": [[0.5]], "biases": [0]},
            {"units": 1, "activation": "sigmoid", "weights": [[0.8]], "biases": [0]}],
 "loss": "half_sse", "optimizer": {"name": "sgd", "learning_rate": 0.1}, "steps": 5})";
  const char* assignment =
      R"({"inputs": [[0.2, 0.4], [0.6, 0.1], [0.9, 0.7]], "targets": [[0.3], [0.5], [0.8]],
 "layers": [{"units": 4, "activation": "relu",
             "weights": [[0.5, -0.3], [0.2, 0.8], [-0.4, 0.6], [0.7, 0.1]], "biases": [0.1, 0, 0.2, -0.1]},
            {"units": 1, "activation": "sigmoid", "weights": [[0.6, -0.5, 0.4, 0.3]], "biases": [0]}],
 "loss": "half_sse", "optimizer": {"name": "sgd", "learning_rate": 0.1}, "steps": 10})";
  ordered_json out = ordered_json::array();
  out.push_back({{"name", "lecture"},
                 {"title", "the lecture's worked example (1 → 1 sigmoid → 1 sigmoid, 5 steps)"},
                 {"session", ordered_json::parse(lecture)}});
  out.push_back({{"name", "assignment"},
                 {"title", "an Assignment 4 network (2 → 4 ReLU → 1 sigmoid, 3 samples, 10 steps)"},
                 {"session", ordered_json::parse(assignment)}});
  return out.dump();
}

std::string variant_rules_json() {
  return ordered_json{{"max_count", kMaxVariants},
                      {"max_steps", kMaxVariantSteps},
                      {"max_attempts", kMaxVariantAttempts},
                      {"min_slope", kMinVariantSlope},
                      {"loss_steps", kVariantLossSteps},
                      {"min_loss_change", kMinVariantLossChange},
                      {"max_cell", kMaxVariantCell},
                      {"precision", kVariantPrecision}}
      .dump();
}

}  // namespace nntutor
