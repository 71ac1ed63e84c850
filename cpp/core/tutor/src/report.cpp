#include "nntutor/report.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "nntutor/error.hpp"

namespace nntutor {

namespace {

using json = nlohmann::ordered_json;

constexpr const char* kTitle = "Assignment 4 report";

/// Reads the code point at `i` and moves `i` past it; false on a byte sequence that is not
/// UTF-8 (overlong forms, surrogates and values past U+10FFFF included).
bool next_code_point(const std::string& s, std::size_t& i, char32_t& cp) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  int extra = 0;
  if (b0 < 0x80) { cp = b0; ++i; return true; }
  if (b0 >= 0xC2 && b0 <= 0xDF) { cp = b0 & 0x1F; extra = 1; }
  else if (b0 >= 0xE0 && b0 <= 0xEF) { cp = b0 & 0x0F; extra = 2; }
  else if (b0 >= 0xF0 && b0 <= 0xF4) { cp = b0 & 0x07; extra = 3; }
  else return false;
  if (i + static_cast<std::size_t>(extra) >= s.size()) return false;
  for (int k = 1; k <= extra; ++k) {
    const unsigned char b = byte(i + static_cast<std::size_t>(k));
    if ((b & 0xC0) != 0x80) return false;
    cp = (cp << 6) | (b & 0x3F);
  }
  static const char32_t kSmallest[] = {0, 0x80, 0x800, 0x10000};
  if (cp < kSmallest[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
  i += static_cast<std::size_t>(extra) + 1;
  return true;
}

std::string hex(char32_t cp) {
  char text[16];
  std::snprintf(text, sizeof text, "%04X", static_cast<unsigned>(cp));
  return text;
}

/// Characters beyond ASCII that LaTeX can write with amsmath alone (math in \ensuremath).
const std::map<char32_t, std::string>& latex_symbols() {
  static const std::map<char32_t, std::string> table = [] {
    std::map<char32_t, std::string> t;
    const auto math = [&](char32_t cp, const std::string& tex) { t[cp] = "\\ensuremath{" + tex + "}"; };
    // Greek: lower case α…ω, then the upper-case letters that differ from Latin ones.
    const char* lower[] = {"alpha", "beta", "gamma", "delta", "varepsilon", "zeta", "eta",
                           "theta", "iota", "kappa", "lambda", "mu", "nu", "xi", "",
                           "pi", "rho", "varsigma", "sigma", "tau", "upsilon", "varphi",
                           "chi", "psi", "omega"};
    for (char32_t k = 0; k < 25; ++k)
      if (*lower[k]) math(0x03B1 + k, std::string("\\") + lower[k]);
    t[0x03BF] = "o";
    const char* upper = "AB\0\0EZH\0IK\0MN\0OP\0\0\0T\0\0X";  // Latin look-alikes
    const std::map<char32_t, std::string> named = {
        {0x0393, "Gamma"}, {0x0394, "Delta"}, {0x0398, "Theta"}, {0x039B, "Lambda"},
        {0x039E, "Xi"},    {0x03A0, "Pi"},    {0x03A3, "Sigma"}, {0x03A5, "Upsilon"},
        {0x03A6, "Phi"},   {0x03A8, "Psi"},   {0x03A9, "Omega"}};
    for (char32_t k = 0; k < 23; ++k)
      if (upper[k]) t[0x0391 + k] = std::string(1, upper[k]);
    for (const auto& [cp, name] : named) math(cp, "\\" + name);
    math(0x03D1, "\\vartheta");
    math(0x03D5, "\\phi");
    math(0x03F5, "\\epsilon");
    // Mathematical symbols.
    const std::pair<char32_t, const char*> symbols[] = {
        {0x00AC, "\\neg"}, {0x00B0, "^{\\circ}"}, {0x00B1, "\\pm"}, {0x00B2, "^{2}"},
        {0x00B3, "^{3}"}, {0x00B5, "\\mu"}, {0x00B7, "\\cdot"}, {0x00B9, "^{1}"},
        {0x00BC, "\\tfrac{1}{4}"}, {0x00BD, "\\tfrac{1}{2}"}, {0x00BE, "\\tfrac{3}{4}"},
        {0x00D7, "\\times"}, {0x00F7, "\\div"}, {0x0176, "\\hat{Y}"}, {0x0177, "\\hat{y}"},
        {0x2032, "\\prime"}, {0x2113, "\\ell"}, {0x2190, "\\leftarrow"}, {0x2191, "\\uparrow"},
        {0x2192, "\\rightarrow"}, {0x2193, "\\downarrow"}, {0x2194, "\\leftrightarrow"},
        {0x21D0, "\\Leftarrow"}, {0x21D2, "\\Rightarrow"}, {0x21D4, "\\Leftrightarrow"},
        {0x2200, "\\forall"}, {0x2202, "\\partial"}, {0x2203, "\\exists"}, {0x2205, "\\emptyset"},
        {0x2207, "\\nabla"}, {0x2208, "\\in"}, {0x2209, "\\notin"}, {0x220F, "\\prod"},
        {0x2211, "\\sum"}, {0x2212, "-"}, {0x2217, "\\ast"}, {0x2218, "\\circ"},
        {0x221A, "\\surd"}, {0x221D, "\\propto"}, {0x221E, "\\infty"}, {0x2223, "\\mid"},
        {0x2227, "\\wedge"}, {0x2228, "\\vee"}, {0x2229, "\\cap"}, {0x222A, "\\cup"},
        {0x222B, "\\int"}, {0x223C, "\\sim"}, {0x2243, "\\simeq"}, {0x2245, "\\cong"},
        {0x2248, "\\approx"}, {0x2260, "\\neq"}, {0x2261, "\\equiv"}, {0x2264, "\\leq"},
        {0x2265, "\\geq"}, {0x226A, "\\ll"}, {0x226B, "\\gg"}, {0x2282, "\\subset"},
        {0x2286, "\\subseteq"}, {0x2295, "\\oplus"}, {0x2297, "\\otimes"}, {0x2299, "\\odot"},
        {0x22C5, "\\cdot"}, {0x207A, "^{+}"}, {0x207B, "^{-}"}, {0x2070, "^{0}"}};
    for (const auto& [cp, tex] : symbols) math(cp, tex);
    for (char32_t d = 4; d <= 9; ++d) math(0x2070 + d, "^{" + std::to_string(d) + "}");
    for (char32_t d = 0; d <= 9; ++d) math(0x2080 + d, "_{" + std::to_string(d) + "}");
    // Punctuation and spaces.
    const std::pair<char32_t, const char*> text[] = {
        {0x00A0, "~"}, {0x00A1, "\\textexclamdown{}"}, {0x00A7, "\\S{}"}, {0x00A9, "\\copyright{}"},
        {0x00A3, "\\pounds{}"}, {0x00B6, "\\P{}"}, {0x00BF, "\\textquestiondown{}"},
        {0x2002, " "}, {0x2003, " "}, {0x2009, "\\,"}, {0x200A, "\\,"}, {0x202F, "\\,"},
        {0x2013, "--"}, {0x2014, "---"}, {0x2018, "`"}, {0x2019, "'"}, {0x201C, "``"},
        {0x201D, "''"}, {0x2022, "\\textbullet{}"}, {0x2026, "\\ldots{}"}};
    for (const auto& [cp, tex] : text) t[cp] = tex;
    // Latin-1 and a few Latin Extended-A letters, by accent commands (OT1 has them all).
    const char* latin1[] = {
        "\\`{A}", "\\'{A}", "\\^{A}", "\\~{A}", "\\\"{A}", "\\AA{}", "\\AE{}", "\\c{C}",
        "\\`{E}", "\\'{E}", "\\^{E}", "\\\"{E}", "\\`{I}", "\\'{I}", "\\^{I}", "\\\"{I}",
        "",       "\\~{N}", "\\`{O}", "\\'{O}", "\\^{O}", "\\~{O}", "\\\"{O}", "",
        "\\O{}",  "\\`{U}", "\\'{U}", "\\^{U}", "\\\"{U}", "\\'{Y}", "",       "\\ss{}",
        "\\`{a}", "\\'{a}", "\\^{a}", "\\~{a}", "\\\"{a}", "\\aa{}", "\\ae{}", "\\c{c}",
        "\\`{e}", "\\'{e}", "\\^{e}", "\\\"{e}", "\\`{\\i}", "\\'{\\i}", "\\^{\\i}", "\\\"{\\i}",
        "",       "\\~{n}", "\\`{o}", "\\'{o}", "\\^{o}", "\\~{o}", "\\\"{o}", "",
        "\\o{}",  "\\`{u}", "\\'{u}", "\\^{u}", "\\\"{u}", "\\'{y}", "",       "\\\"{y}"};
    for (char32_t k = 0; k < 64; ++k)
      if (*latin1[k]) t[0x00C0 + k] = latin1[k];
    const std::pair<char32_t, const char*> extended[] = {
        {0x010C, "\\v{C}"}, {0x010D, "\\v{c}"}, {0x011A, "\\v{E}"}, {0x011B, "\\v{e}"},
        {0x0131, "\\i{}"},  {0x0141, "\\L{}"},  {0x0142, "\\l{}"},  {0x0150, "\\H{O}"},
        {0x0151, "\\H{o}"}, {0x0152, "\\OE{}"}, {0x0153, "\\oe{}"}, {0x0158, "\\v{R}"},
        {0x0159, "\\v{r}"}, {0x0160, "\\v{S}"}, {0x0161, "\\v{s}"}, {0x0170, "\\H{U}"},
        {0x0171, "\\H{u}"}, {0x017D, "\\v{Z}"}, {0x017E, "\\v{z}"}};
    for (const auto& [cp, tex] : extended) t[cp] = tex;
    return t;
  }();
  return table;
}

/// One line of text for LaTeX (no line breaks in it).
std::string latex_line(const std::string& line) {
  std::string out;
  for (std::size_t i = 0; i < line.size();) {
    char32_t cp = 0;
    const std::size_t start = i;
    if (!next_code_point(line, i, cp)) {
      out += "[U+FFFD]";  // not UTF-8: the report's own text never is; shown, not dropped
      i = start + 1;
      continue;
    }
    if (cp == '`') {
      // `code`, as Markdown writes it, in typewriter type; a lone backquote stays a quote.
      const std::size_t close = line.find('`', i);
      if (close != std::string::npos && close > i) {
        out += "\\texttt{" + latex_line(line.substr(i, close - i)) + "}";
        i = close + 1;
        continue;
      }
    }
    if (cp < 0x80) {
      const char c = static_cast<char>(cp);
      switch (c) {
        case '\\': out += "\\textbackslash{}"; break;
        case '{': out += "\\{"; break;
        case '}': out += "\\}"; break;
        case '$': out += "\\$"; break;
        case '&': out += "\\&"; break;
        case '#': out += "\\#"; break;
        case '^': out += "\\textasciicircum{}"; break;
        case '_': out += "\\_"; break;
        case '%': out += "\\%"; break;
        case '~': out += "\\textasciitilde{}"; break;
        case '<': out += "\\textless{}"; break;  // OT1 would print ¡ ¿ — for < > |
        case '>': out += "\\textgreater{}"; break;
        case '|': out += "\\textbar{}"; break;
        case '"': out += "''"; break;
        case '\t': out += ' '; break;
        // "--" would become a dash: keep each hyphen a hyphen.
        case '-': out += i < line.size() && line[i] == '-' ? "-{}" : "-"; break;
        default:
          if (cp >= 0x20 && cp < 0x7F) out += c;
          else out += "[U+" + hex(cp) + "]";
      }
      continue;
    }
    const auto& table = latex_symbols();
    const auto found = table.find(cp);
    out += found != table.end() ? found->second : "[U+" + hex(cp) + "]";
  }
  return out;
}

/// Strips spaces, tabs and line breaks at both ends.
std::string trimmed(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\n");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t\n") - first + 1);
}

/// A number to `digits` significant digits (%g), as the check's evidence writes losses.
std::string sig(double v, int digits) {
  char text[40];
  std::snprintf(text, sizeof text, "%.*g", digits, v);
  return text;
}

std::string plural(long long n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

const Requirement& requirement(const AssignmentReport& r, const std::string& id) {
  for (const auto& q : r.requirements)
    if (q.id == id) return q;
  throw SessionError("internal: no requirement " + id);
}

/// What a rising run shows, e.g. "the loss first rises at step 8 (0.00683 → 0.00702)".
std::string rise_sentence(const Trace& trace) {
  for (std::size_t k = 1; k < trace.steps.size(); ++k)
    if (trace.steps[k].loss > trace.steps[k - 1].loss)
      return "the loss first rises at step " + std::to_string(k + 1) + " (" +
             sig(trace.steps[k - 1].loss, 6) + " → " + sig(trace.steps[k].loss, 6) + ")";
  if (trace.diverged)
    return "the run diverges at step " + std::to_string(trace.diverged->at) + " (" + trace.diverged->reason + ")";
  return "the loss does not rise";
}

std::string activation_text(const Activation& f) {
  if (!f.has_alpha()) return f.name;
  return f.name + " (α = " + exact_text(f.alpha) + ")";
}

/// The loss as the report states it (the row's sentence), e.g. "Loss: mse, L = (1/K) Σ (ŷ − y)²
/// over the K = 2 outputs."
std::string loss_text(const Loss& loss, int outputs) { return loss.info().sentence(outputs); }

/// The optimizer as the report states it, e.g. "gradient descent, w ← w − η·∂L/∂w".
std::string optimizer_text(const OptimizerSettings& o, int samples) {
  std::string text;
  switch (o.kind) {
    case keras::OptimizerKind::kSgd:
      if (o.momentum == 0) {
        text = "gradient descent, w ← w − η·∂L/∂w";
      } else if (o.nesterov) {
        text = "sgd with Nesterov momentum (Keras), m ← μ·m − η·g, w ← w + μ·m − η·g, μ = " + exact_text(o.momentum);
      } else {
        text = "sgd with momentum (Keras), m ← μ·m − η·g, w ← w + m, μ = " + exact_text(o.momentum);
      }
      break;
    case keras::OptimizerKind::kAdagrad:
      text = "adagrad (Keras), a ← a + g², w ← w − η·g/√(a + ε), a₀ = " + exact_text(o.initial_accumulator_value) +
             ", ε = " + exact_text(o.epsilon);
      break;
    case keras::OptimizerKind::kRmsprop:
      text = "rmsprop (Keras), v ← ρ·v + (1 − ρ)·g², w ← w − η·g/√(v + ε), ρ = " + exact_text(o.rho) +
             ", ε = " + exact_text(o.epsilon);
      break;
    case keras::OptimizerKind::kAdam:
      text = "adam (Keras), m ← β₁·m + (1 − β₁)·g, v ← β₂·v + (1 − β₂)·g², w ← w − η·√(1 − β₂ᵗ)/(1 − β₁ᵗ)·m/(√v + ε), "
             "β₁ = " + exact_text(o.beta_1) + ", β₂ = " + exact_text(o.beta_2) + ", ε = " + exact_text(o.epsilon);
      break;
  }
  if (o.mini_batch(samples))
    text += ", on mini-batches of " + std::to_string(o.batch_size) + " samples (shuffled each epoch from seed " +
            std::to_string(o.shuffle_seed) + ")";
  return text;
}

void describe_network(Report& rep) {
  const Network& net = rep.session.network;
  const int n = static_cast<int>(net.layers.size());
  const int samples = rep.session.batch.samples();
  rep.structure = plural(net.inputs(), "input", "inputs");
  for (int l = 1; l <= n; ++l) {
    const Layer& layer = net.layers[static_cast<std::size_t>(l - 1)];
    rep.structure += " → " + std::to_string(layer.units()) + " " + layer.f.name;
  }
  rep.structure += " (output)";
  auto& f = rep.facts;
  f.push_back("Structure: " + rep.structure + ", fully connected: every unit takes every output of the layer before.");
  f.push_back("Inputs: " + plural(net.inputs(), "feature", "features") + " per sample; training data: " +
              plural(samples, "sample", "samples") +
              (rep.session.optimizer.mini_batch(samples)
                   ? ", of which each step uses a mini-batch of " + std::to_string(rep.session.optimizer.batch_size) +
                         " (the loss and the gradients are means over the batch)."
               : samples > 1 ? ", so the loss and every gradient are means over the " + std::to_string(samples) +
                                   (rep.session.optimizer.kind == keras::OptimizerKind::kSgd &&
                                            rep.session.optimizer.momentum == 0
                                        ? " samples (full-batch gradient descent)."
                                        : " samples (full batch).")
                             : "."));
  for (int l = 1; l <= n; ++l) {
    const Layer& layer = net.layers[static_cast<std::size_t>(l - 1)];
    f.push_back("Layer " + std::to_string(l) + (l == n ? " (output)" : " (hidden)") + ": " +
                plural(layer.units(), "unit", "units") + ", " + activation_text(layer.f) + ".");
  }
  f.push_back(loss_text(rep.session.loss, net.outputs()));
  f.push_back("Neurons: " + std::to_string(rep.check.neurons) +
              " (the units of the hidden and output layers; the inputs are not neurons).");
  f.push_back("Parameters: " + plural(net.parameters(), "weight or bias", "weights and biases") +
              "; their start values are row 1 of the tables (part 4).");
  f.push_back("Training: " + optimizer_text(rep.session.optimizer, samples) + ", for " +
              std::to_string(kAssignmentSteps) + " steps from the same start values at each learning rate.");
}

/// The tables' columns: every column, unless the page would leave some out (page_view.hpp).
void choose_columns(Report& rep) {
  const int n = static_cast<int>(rep.session.network.layers.size());
  const TableDecision d = choose_table(rep.session, {std::nullopt, rep.table_view.kinds, kAssignmentSteps});
  if (d.cut == TableDecision::Cut::kOutputLayer) {
    rep.table_view.layers = {n};
    rep.table_note = "This network's table would have " + std::to_string(d.all_columns) + " columns: as on the page, the tables show layer " +
                     std::to_string(n) + " (the output) only; `nntutor table SESSION --steps 10` prints every column.";
  }
  if (d.cut == TableDecision::Cut::kLossOnly) {
    rep.table_view.kinds = {Column::Kind::kLoss};
    rep.table_view.layers.clear();
    rep.table_note = "The tables would hold " + std::to_string(d.cells) + " numbers (the page draws at most " +
                     std::to_string(kReportMaxCells) + "): as on the page, they show the loss only; "
                     "`nntutor table SESSION --steps 10` prints every column.";
  }
}

void choose_equations(Report& rep) {
  const Session& s = rep.session;
  const int n = static_cast<int>(s.network.layers.size());
  const EquationsDecision d = nntutor::choose_equations(s);
  if (d.layer == 0) return;
  rep.equation_layers = {n};
  if (d.unit != 0) rep.equation_units = {1};
  rep.equations_note = "Writing every equation of this network with its numbers would take about " +
                       std::to_string(equation_cost(s, 0, 0)) + " products (the page writes at most " +
                       std::to_string(kReportEquationBudget) + " at once): these are the equations of " +
                       (d.unit == 0 ? "" : "unit 1 of ") + "layer " + std::to_string(n) +
                       " (the output); `nntutor equations SESSION --step 1` writes all of them.";
}

ReportRun traced_run(const Session& s, double eta) {
  ReportRun r;
  r.learning_rate = eta;
  OptimizerSettings opt = s.optimizer;
  opt.learning_rate = eta;
  r.trace = run(s.network, s.batch, s.loss, opt, kAssignmentSteps);
  return r;
}

/// The session with η and 10 steps: what `nntutor table` would be given for that table.
Session at(const Session& s, double eta) {
  Session out = s;
  out.optimizer.learning_rate = eta;
  out.steps = kAssignmentSteps;
  return out;
}

/// equations_latex's align* block with each sample's product on its own line, so that a network
/// with several samples still fits the page: symbols, then 1/S [product_1 + … + product_S],
/// then the value. With one sample it is equations_latex's text.
std::string report_equations_latex(const Report& rep) {
  const auto product = [](const std::vector<Factor>& fs) {
    std::string p;
    for (const auto& f : fs) p += (p.empty() ? "" : " \\cdot ") + f.substituted;
    return p.empty() ? std::string("1") : p;
  };
  std::string out = "\\begin{align*}\n";
  for (std::size_t n = 0; n < rep.equations.size(); ++n) {
    const Equation& e = rep.equations[n];
    out += e.lhs + " &= " + e.symbolic() + " \\\\\n";
    if (e.factors.size() == 1) {
      out += " &= " + product(e.factors[0]) + " \\\\\n";
    } else {
      for (std::size_t s = 0; s < e.factors.size(); ++s)
        out += (s == 0 ? " &= \\frac{1}{" + std::to_string(e.factors.size()) + "}\\Big[" : " &\\qquad + ") +
               product(e.factors[s]) + (s + 1 == e.factors.size() ? "\\Big]" : "") + " \\\\\n";
    }
    out += " &= " + fixed(e.value, rep.precision) + (n + 1 < rep.equations.size() ? " \\\\[6pt]\n" : "\n");
  }
  return out + "\\end{align*}\n";
}

std::string rate_title(const ReportRun& r) {
  return r.learning_rate ? "η = " + exact_text(*r.learning_rate)
                         : "No learning rate above 0.1 makes the loss rise";
}

std::string equations_intro(const Report& rep) {
  std::string text = "For every weight and bias: the chain rule in symbols, then the numbers of step 1 "
                     "at η = 0.1 (the start values) substituted factor by factor, then the gradient — "
                     "the value in row 1 of the η = 0.1 table.";
  const bool deltas = std::any_of(rep.equations.begin(), rep.equations.end(),
                                  [](const Equation& e) { return e.name.rfind("delta", 0) == 0; });
  if (deltas)
    text += " Where several paths lead from a parameter to the loss, the equations use δ = ∂ℓ/∂z of "
            "each unit, defined after them.";
  if (rep.session.batch.samples() > 1)
    text += " With " + std::to_string(rep.session.batch.samples()) +
            " samples each gradient is the mean (1/S)Σ of the samples' products.";
  return text;
}

std::string tables_intro(const Report& rep) {
  return "Each row holds the parameters before that step's update, z and y of every unit (per sample), "
         "the gradients and the loss L, with " + std::to_string(rep.precision) +
         " decimals: the table `nntutor table SESSION --steps 10` prints for the session with that "
         "learning rate (and the page's Download table).";
}

std::string graph_text(const Report& rep) {
  return rep.structure + ", fully connected: each unit of a layer takes every output of the layer "
         "before, so layer l has a weight w_l[j,i] from each input i to each unit j, and a bias b_l[j].";
}

std::string table_text(const Report& rep, const ReportRun& r, Format format) {
  return render(at(rep.session, *r.learning_rate), r.trace, format, rep.precision, rep.table_view);
}

json table_json(const Report& rep, const ReportRun& r) {
  json out = {{"learning_rate", r.learning_rate ? json(*r.learning_rate) : json(nullptr)},
              {"title", rate_title(r)},
              {"note", r.note}};
  if (!r.learning_rate) {
    out["diverged"] = nullptr;
    out["table"] = nullptr;
    return out;
  }
  View view = rep.table_view;
  view.steps = View::Steps::kNone;
  view.session = false;
  const json run = json::parse(run_result_json(at(rep.session, *r.learning_rate), r.trace, view));
  out["diverged"] = run["diverged"];
  out["table"] = run["table"];
  return out;
}

}  // namespace

ReportFormat parse_report_format(const std::string& text, const std::string& field) {
  if (text == "markdown" || text == "md") return ReportFormat::kMarkdown;
  if (text == "latex" || text == "tex") return ReportFormat::kLatex;
  if (text == "json") return ReportFormat::kJson;
  throw SessionError(field + ": expected markdown, latex or json, got \"" + text + "\"");
}

std::string check_description(const std::string& text, const std::string& field) {
  std::string out;
  out.reserve(text.size());
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t start = i;
    char32_t cp = 0;
    if (!next_code_point(text, i, cp))
      throw SessionError(field + ": not UTF-8 text (byte " + std::to_string(start + 1) + ")");
    ++count;
    if (cp == '\r') {
      out += '\n';
      if (i < text.size() && text[i] == '\n') ++i;
    } else if ((cp < 0x20 && cp != '\t' && cp != '\n') || (cp >= 0x7F && cp < 0xA0)) {
      throw SessionError(field + ": character " + std::to_string(count) + " is a control character (U+" +
                         hex(cp) + "); only tabs and line breaks may be used");
    } else {
      out.append(text, start, i - start);
    }
  }
  if (count > kMaxDescriptionChars)
    throw SessionError(field + ": at most " + std::to_string(kMaxDescriptionChars) + " characters, got " +
                       std::to_string(count));
  return out;
}

std::string latex_text(const std::string& text) {
  // Paragraphs are separated by blank lines; the lines of one paragraph by \newline, which
  // (unlike a double backslash) takes no optional argument, so a line may start with "[".
  std::string out, paragraph;
  std::size_t from = 0;
  const auto flush = [&] {
    if (paragraph.empty()) return;
    out += (out.empty() ? "" : "\n\n") + paragraph;
    paragraph.clear();
  };
  while (from <= text.size()) {
    std::size_t end = text.find('\n', from);
    if (end == std::string::npos) end = text.size();
    const std::string line = trimmed(text.substr(from, end - from));
    if (line.empty()) flush();
    else paragraph += (paragraph.empty() ? "" : "\\newline\n") + latex_line(line);
    from = end + 1;
  }
  flush();
  return out;
}

std::string markdown_text(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '<') {
      out += "&lt;";
    } else if (c == '&') {
      // &name; &#123; &#x1F; would be read as a character: keep the ampersand an ampersand.
      std::size_t k = i + 1;
      if (k < text.size() && text[k] == '#') ++k;
      if (k < text.size() && (text[k] == 'x' || text[k] == 'X') && text[i + 1] == '#') ++k;
      const std::size_t name = k;
      while (k < text.size() && std::isalnum(static_cast<unsigned char>(text[k]))) ++k;
      out += k > name && k < text.size() && text[k] == ';' ? "&amp;" : "&";
    } else {
      out += c;
    }
  }
  return out;
}

Report make_report(const Session& session, const std::string& description, int precision) {
  Report rep;
  rep.description = check_description(description);
  if (precision < 0 || precision > 17)
    throw SessionError("precision: expected a whole number from 0 to 17, got " + std::to_string(precision));
  rep.precision = precision;
  rep.session = session;
  rep.check = check_assignment(session);  // also checks that 10 steps fit the limits
  describe_network(rep);
  choose_columns(rep);

  rep.at_rate = traced_run(session, kAssignmentRate);
  rep.at_rate.note = requirement(rep.check, "monotone").evidence;
  if (!rep.check.sweep.empty() && rep.check.sweep.back().rises()) {
    // The sweep's first rising rate — a round number (1-2-5) that `nntutor table` reproduces
    // from the session, with a rise large enough to see in the table — rather than the
    // bisection's boundary, which the note gives.
    const double eta = rep.check.sweep.back().learning_rate;
    rep.rising = traced_run(session, eta);
    std::string tried;
    for (const auto& r : rep.check.sweep) tried += (tried.empty() ? "" : ", ") + exact_text(r.learning_rate);
    rep.rising.note = "The first rate of the sweep (" + tried + ") at which the loss rises within " +
                      std::to_string(kAssignmentSteps) + " steps: at η = " + exact_text(eta) + " " +
                      rise_sentence(rep.rising.trace) + ".";
    if (rep.check.refined && rep.check.smallest_rise && rep.check.below)
      rep.rising.note += " Bisection puts the smallest rising rate at η ≈ " + sig(rep.check.smallest_rise->learning_rate, 4) +
                         " (at η ≈ " + sig(*rep.check.below, 4) + " the loss does not rise).";
  } else {
    rep.rising.note = requirement(rep.check, "rises").evidence;
  }

  choose_equations(rep);
  if (!rep.at_rate.trace.steps.empty()) {
    rep.equations = gradient_equations(session, rep.at_rate.trace.steps.front(), precision,
                                       rep.equation_layers, rep.equation_units);
  } else {
    rep.equations_note = "The run at η = 0.1 diverges at step 1 (" + rep.at_rate.trace.diverged->reason +
                         "): there are no numbers to write the equations with.";
  }
  return rep;
}

std::string report_markdown(const Report& rep) {
  std::string md = "# " + std::string(kTitle) + "\n\n## 1. Description of the network\n\n";
  const std::string description = trimmed(rep.description);
  md += description.empty() ? "*(No description given.)*" : markdown_text(description);
  md += "\n\n### The network, as nntutor reads it\n\n";
  for (const auto& fact : rep.facts) md += "- " + fact + "\n";
  md += "\n### Assignment 4's requirements\n\n";
  int n = 0;
  for (const auto& q : rep.check.requirements)
    md += std::to_string(++n) + ". **" + (q.passed ? "PASS" : "FAIL") + "** " + q.title + ". " + q.evidence + "\n";
  md += "\n" + rep.check.summary + "\n";

  md += "\n## 2. Graph of the network structure\n\n" + graph_text(rep) +
        "\n\n![Graph of the network](network.svg)\n\n"
        "The page draws this graph: its Download graph (or the Graph panel's Export SVG) saves it as "
        "network.svg next to this file.\n";

  md += "\n## 3. Gradient equations\n\n" + equations_intro(rep) + "\n";
  if (!rep.equations_note.empty()) md += "\n" + rep.equations_note + "\n";
  if (!rep.equations.empty())
    md += "\n$$\n" + report_equations_latex(rep) + "$$\n";

  md += "\n## 4. Tables of " + std::to_string(kAssignmentSteps) + " steps\n\n" + tables_intro(rep) + "\n";
  if (!rep.table_note.empty()) md += "\n" + rep.table_note + "\n";
  for (const ReportRun* r : {&rep.at_rate, &rep.rising}) {
    md += "\n### " + (r->learning_rate ? "Learning rate " + rate_title(*r) : rate_title(*r)) + "\n\n" + r->note + "\n";
    if (r->learning_rate) md += "\n" + table_text(rep, *r, Format::kMarkdown);
  }
  return md;
}

std::string report_latex(const Report& rep) {
  std::string tex =
      "% " + std::string(kTitle) + ", written by nntutor (nntutor assignment SESSION --report latex).\n"
      "% It compiles on its own (pdflatex, twice not needed): the article class and the amsmath\n"
      "% package only, nothing else.\n"
      "\\documentclass{article}\n"
      "\\usepackage{amsmath}\n"
      "% Wider text for the tables, without the geometry package: about 2 cm margins on A4 and letter.\n"
      "\\setlength{\\textwidth}{17cm}\n"
      "\\setlength{\\oddsidemargin}{-0.46cm}\n"
      "\\setlength{\\evensidemargin}{-0.46cm}\n"
      "% ReLU's derivative is written \\mathbb{1}[z > 0]; without amssymb that is a bold 1.\n"
      "\\providecommand{\\mathbb}[1]{\\mathbf{#1}}\n"
      "\\allowdisplaybreaks\n"
      "\\begin{document}\n\n"
      "\\section*{" + std::string(kTitle) + "}\n\n"
      "\\subsection*{1. Description of the network}\n\n";
  const std::string description = latex_text(rep.description);
  tex += description.empty() ? "\\emph{(No description given.)}" : description;
  tex += "\n\n\\subsubsection*{The network, as nntutor reads it}\n\n\\begin{itemize}\n";
  for (const auto& fact : rep.facts) tex += "\\item " + latex_text(fact) + "\n";
  tex += "\\end{itemize}\n\n\\subsubsection*{Assignment 4's requirements}\n\n\\begin{enumerate}\n";
  for (const auto& q : rep.check.requirements)
    tex += "\\item \\textbf{" + std::string(q.passed ? "PASS" : "FAIL") + "} " + latex_text(q.title) + ". " +
           latex_text(q.evidence) + "\n";
  tex += "\\end{enumerate}\n\n" + latex_text(rep.check.summary) + "\n\n";

  tex += "\\subsection*{2. Graph of the network structure}\n\n" + latex_text(graph_text(rep)) + "\n\n"
         "% The page draws the graph: save it with Export PNG (Graph panel), then add\n"
         "% \\usepackage{graphicx} above and here \\includegraphics[width=\\textwidth]{network}.\n\n";

  tex += "\\subsection*{3. Gradient equations}\n\n" + latex_text(equations_intro(rep)) + "\n\n";
  if (!rep.equations_note.empty()) tex += latex_text(rep.equations_note) + "\n\n";
  if (!rep.equations.empty()) tex += report_equations_latex(rep) + "\n";

  tex += "\\subsection*{4. Tables of " + std::to_string(kAssignmentSteps) + " steps}\n\n" +
         latex_text(tables_intro(rep)) + "\n\n";
  if (!rep.table_note.empty()) tex += latex_text(rep.table_note) + "\n\n";
  for (const ReportRun* r : {&rep.at_rate, &rep.rising}) {
    tex += "\\subsubsection*{" + latex_text(r->learning_rate ? "Learning rate " + rate_title(*r) : rate_title(*r)) +
           "}\n\n" + latex_text(r->note) + "\n\n";
    if (!r->learning_rate) continue;
    const std::string table = table_text(rep, *r, Format::kLatex);
    const std::size_t columns = table.substr(0, table.find('\n')).size() - std::string("\\begin{tabular}{}").size();
    if (columns > 16)
      tex += "% This table has " + std::to_string(columns) + " columns and runs past the right margin: add\n"
             "% \\usepackage{graphicx} and wrap the tabular in \\resizebox{\\textwidth}{!}{...}.\n";
    tex += "\\par\\noindent{\\scriptsize\\setlength{\\tabcolsep}{2pt}%\n" + table + "}\n\n";
  }
  return tex + "\\end{document}\n";
}

std::string report_json(const Report& rep) {
  json layers = json::array();
  for (const auto& l : rep.session.network.layers)
    layers.push_back({{"units", l.units()}, {"activation", l.f.name}});
  json network = {{"structure", rep.structure},
                  {"facts", rep.facts},
                  {"inputs", rep.session.network.inputs()},
                  {"samples", rep.session.batch.samples()},
                  {"layers", std::move(layers)},
                  {"loss", rep.session.loss.name},
                  {"neurons", rep.check.neurons},
                  {"parameters", rep.session.network.parameters()}};
  json equations = {{"step", 1},
                    {"learning_rate", kAssignmentRate},
                    {"intro", equations_intro(rep)},
                    {"layers", rep.equation_layers},
                    {"units", rep.equation_units},
                    {"note", rep.equations_note},
                    {"latex", rep.equations.empty() ? "" : report_equations_latex(rep)},
                    {"equations", equations_to_json(rep.equations, rep.precision)}};
  json tables = {{"intro", tables_intro(rep)},
                 {"note", rep.table_note},
                 {"runs", json::array({table_json(rep, rep.at_rate), table_json(rep, rep.rising)})}};
  return json{{"title", kTitle},
              {"description", rep.description},
              {"precision", rep.precision},
              {"network", std::move(network)},
              {"graph", graph_text(rep)},
              {"assignment", json::parse(assignment_json(rep.check))},
              {"equations", std::move(equations)},
              {"tables", std::move(tables)}}
      .dump();
}

std::string assignment_report(const Session& session, const std::string& description,
                              ReportFormat format, int precision) {
  const Report rep = make_report(session, description, precision);
  switch (format) {
    case ReportFormat::kMarkdown: return report_markdown(rep);
    case ReportFormat::kLatex: return report_latex(rep);
    case ReportFormat::kJson: return report_json(rep) + "\n";
  }
  return "";
}

}  // namespace nntutor
