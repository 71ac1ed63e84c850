/// The report: the formula beside each cell (plain text from the equations module), and the
/// JSON and text writers of a CheckReport (docs/check.md).
#include <nlohmann/json.hpp>
#include <string>

#include "nntutor/check.hpp"
#include "nntutor/check_detail.hpp"

namespace nntutor {

namespace check_detail {

namespace {

using Kind = Column::Kind;

/// The equations module's LaTeX in plain text: (y_{2} - y) \cdot w_{2} → (y2 − y)·w2.
std::string plain(std::string s) {
  replace_all(s, "\\frac{1}{S}\\sum_{s=1}^{S} ", "(1/S)Σ_s ");
  for (std::size_t p = s.find("\\frac{"); p != std::string::npos; p = s.find("\\frac{")) {
    const std::size_t a = s.find('}', p), b = a == std::string::npos ? a : s.find('}', a + 2);
    if (b == std::string::npos) break;
    s = s.substr(0, p) + s.substr(p + 6, a - p - 6) + "/" + s.substr(a + 2, b - a - 2) + s.substr(b + 1);
  }
  const std::pair<std::string_view, std::string_view> kReplace[] = {
      {" \\cdot ", "·"},     {"\\cdot ", "·"},          {"\\delta", "δ"},  {"\\left(", "("},
      {"\\right)", ")"},     {"\\,", "·"},               {"\\mathbb{1}[", "1["},
      {"\\mathrm{lrelu}'", "lrelu′"}, {"\\mathrm{elu}'", "elu′"}, {"\\sigma", "σ"}, {"^{2}", "²"},
      {" - ", " − "}, {",p", "p"}};  // a maxout piece: z_{1,p2} is the table's z1p2
  for (const auto& [from, to] : kReplace) replace_all(s, from, to);
  for (std::size_t p = s.find("_{"); p != std::string::npos; p = s.find("_{")) {
    const std::size_t close = s.find('}', p);
    if (close == std::string::npos) break;
    s = s.substr(0, p) + s.substr(p + 2, close - p - 2) + s.substr(close + 1);
  }
  return s;
}


}  // namespace

std::string parameter_formula(const std::string& name, int row, const OptimizerSettings& o) {
  const std::string dp = "dL/d" + name;
  if (row == 1) return name + " (step 1) = its start value in the session";
  const std::string k = std::to_string(row), before = std::to_string(row - 1);
  if (o.momentum != 0) {  // Keras 3's SGD: the row above's velocity m (after its update)
    const std::string m = "m_" + name + " (step " + before + ")";
    if (!o.nesterov) return name + " (step " + k + ") = " + name + " (step " + before + ") + " + m;
    return name + " (step " + k + ") = " + name + " (step " + before + ") + μ·" + m + " − η·" + dp +
           " (step " + before + "), μ = " + short_number(o.momentum) + ", η = " + short_number(o.learning_rate);
  }
  return name + " (step " + k + ") = " + name + " (step " + before + ") − η·" + dp +
         " (step " + before + "), η = " + short_number(o.learning_rate);
}

std::string velocity_formula(const std::string& name, const std::string& parameter, const OptimizerSettings& o) {
  return name + " = μ·" + name + " (the row above; 0 before step 1) − η·dL/d" + parameter + ", μ = " +
         short_number(o.momentum) + ", η = " + short_number(o.learning_rate);
}

Formulas::Formulas(const Session& session, const std::vector<Column>& columns)
    : s_(session), net_(session.network), samples_(session.batch.samples()),
      layers_(static_cast<int>(net_.layers.size())), columns_(columns) {}

std::string Formulas::of(std::size_t c, int row) {
  // A parameter's formula names the step; the others are the same in every row.
  const Kind kind = columns_[c].kind;
  if (kind == Kind::kW || kind == Kind::kB) return compute(c, row);
  auto found = cache_.find(c);
  if (found == cache_.end()) found = cache_.emplace(c, compute(c, row)).first;
  return found->second;
}

std::string Formulas::compute(std::size_t c, int row) {
  const Column& col = columns_[c];
  const int l = col.layer, j = col.unit, s = col.sample, p = col.piece;
  switch (col.kind) {
    case Kind::kWinner: {  // maxout: the piece whose z is the largest
      const int k = net_.layers[static_cast<std::size_t>(l - 1)].pieces();
      std::string zs;
      for (int q = 1; q <= k; ++q) zs += (q > 1 ? ", " : "") + quantity_name(Kind::kZ, net_, samples_, l, j, 0, s, q);
      return col.name + " = the piece with the largest of " + zs + " (the first of them on a tie)";
    }
    case Kind::kW:
    case Kind::kB: return parameter_formula(col.name, row, s_.optimizer);
    case Kind::kState:  // sgd's velocity after this step's update
      return velocity_formula(col.name, quantity_name(col.input > 0 ? Kind::kW : Kind::kB, net_, samples_, l, j, col.input),
                              s_.optimizer);
    case Kind::kZ: {
      const Layer& layer = net_.layers[static_cast<std::size_t>(l - 1)];
      std::string rhs;
      if (layer.inputs() <= 4) {
        for (int i = 1; i <= layer.inputs(); ++i)
          rhs += (i > 1 ? " + " : "") + quantity_name(Kind::kW, net_, samples_, l, j, i, 0, p) + "·" + y_name(net_, samples_, l - 1, i, s);
      } else {
        const std::string a = l == 1 ? "x" : "y" + std::to_string(l - 1);
        rhs = "Σ_i w" + std::to_string(l) + (p > 0 ? "p" + std::to_string(p) : "") + "[" + std::to_string(j) + ",i]·" + a + "[i]" +
              (samples_ > 1 ? "@" + std::to_string(s) : "");
      }
      return col.name + " = " + rhs + " + " + quantity_name(Kind::kB, net_, samples_, l, j, 0, 0, p);
    }
    case Kind::kY: {
      const Activation& f = net_.layers[static_cast<std::size_t>(l - 1)].f;
      std::string z = quantity_name(Kind::kZ, net_, samples_, l, j, 0, s);
      if (f.is_piecewise()) {  // maxout: y = max(z of each piece)
        z.clear();
        for (int q = 1; q <= f.pieces; ++q) z += (q > 1 ? ", " : "") + quantity_name(Kind::kZ, net_, samples_, l, j, 0, s, q);
      }
      return f.info().text_function(col.name, z, short_number(f.alpha));  // the row's y = f(z)
    }
    case Kind::kLoss: {
      const int K = net_.outputs();
      const std::string out = "y" + std::to_string(layers_) + (K > 1 ? "[k]" : "") + (samples_ > 1 ? "@s" : "");
      const std::string target = std::string("y") + (K > 1 ? "[k]" : "") + (samples_ > 1 ? "@s" : "");
      std::string one = "(" + out + " − " + target + ")²";
      if (K > 1) one = "Σ_k" + one;
      one = (s_.loss.kind == LossKind::kMse ? (K > 1 ? "(1/" + std::to_string(K) + ")" : "") : "½") + one;
      return "L = " + (samples_ > 1 ? "(1/" + std::to_string(samples_) + ")Σ_s " : std::string()) + one;
    }
    case Kind::kDW:
    case Kind::kDB: {
      const auto key = std::make_pair(l, j);
      auto found = equations_.find(key);
      if (found == equations_.end()) {
        StepTrace zero;  // the symbols do not depend on the numbers
        for (const auto& layer : net_.layers) {
          LayerTrace t;
          t.W = layer.W;
          t.b = layer.b;
          t.dW = Eigen::MatrixXd::Zero(layer.W.rows(), layer.inputs());
          t.db = Eigen::VectorXd::Zero(layer.W.rows());
          t.z = Eigen::MatrixXd::Zero(layer.W.rows(), samples_);  // every piece's z
          t.y = Eigen::MatrixXd::Zero(layer.units(), samples_);
          zero.layers.push_back(std::move(t));
        }
        found = equations_.emplace(key, gradient_equations(s_, zero, 4, {l}, {j})).first;
      }
      std::string text;
      const std::string delta = "delta" + std::to_string(l) +
                                (net_.layers[static_cast<std::size_t>(l - 1)].units() > 1 ? "[" + std::to_string(j) + "]" : "");
      for (const Equation& e : found->second)
        if (e.name == col.name) text = col.name + " = " + plain(e.symbolic());
      if (text.find("δ") != std::string::npos)
        for (const Equation& e : found->second)
          if (e.name == delta) text += ", where " + plain(e.lhs) + " = " + plain(e.symbolic());
      return text;
    }
    case Kind::kStep: case Kind::kBatch: break;
  }
  return "";
}

}  // namespace check_detail

namespace {

using json = nlohmann::ordered_json;

json cell_json(const CellCheck& c) {
  json j{{"row", c.row}, {"column", c.column}, {"given", c.given}};
  j["expected"] = c.expected.empty() ? json(nullptr) : json(c.expected);
  j["verdict"] = verdict_name(c.verdict);
  j["why"] = c.why;
  j["formula"] = c.formula;
  if (!c.slip.empty()) {
    j["slip"] = c.slip;
    j["slip_id"] = c.slip_id.empty() ? json(nullptr) : json(c.slip_id);
  }
  if (c.follows) j["follows"] = {{"row", c.follows->first}, {"column", c.follows->second}};
  j["header"] = c.header;
  j["line"] = c.line;
  return j;
}

}  // namespace

const char* verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::kCorrect: return "correct";
    case Verdict::kRounding: return "rounding";
    case Verdict::kWrong: return "wrong";
  }
  return "";
}

std::string check_report_json(const CheckReport& report) {
  // Cell by cell, so a large report never holds a second copy of itself as a JSON tree.
  std::string out = "{\"cells\":[";
  for (std::size_t n = 0; n < report.cells.size(); ++n) out += (n ? "," : "") + cell_json(report.cells[n]).dump();
  json first = nullptr;
  if (report.first_wrong) {
    const CellCheck& f = report.cells[*report.first_wrong];
    first = {{"row", f.row}, {"column", f.column}};
  }
  json summary{{"correct", report.correct}, {"rounding", report.rounding}, {"wrong", report.wrong},
               {"first_wrong", first}, {"text", report.summary},
               {"mode", report.mode == CheckMode::kStart ? "start" : "step"},
               {"follows", report.follows}, {"notes", report.notes}};
  return out + "],\"summary\":" + summary.dump() + "}";
}

std::string check_report_text(const CheckReport& report) {
  std::string out = report.summary + "\n";
  for (const auto& note : report.notes) out += "Note: " + note + "\n";
  const auto section = [&](const char* title, auto&& keep) {
    std::string lines;
    std::size_t shown = 0, total = 0;
    for (const auto& c : report.cells) {
      if (!keep(c)) continue;
      if (++total > 50) continue;
      ++shown;
      lines += "  row " + std::to_string(c.row) + ", " + c.column + ": " + c.given +
               (c.expected.empty() ? "" : " (expected " + c.expected + ")") + " - " + c.why + ".\n";
      if (c.verdict == Verdict::kWrong) {
        if (!c.slip.empty()) lines += "    " + c.slip + "\n";
        lines += "    " + c.formula + "\n";
      }
    }
    if (total == 0) return;
    out += std::string("\n") + title + ":\n" + lines;
    if (total > shown) out += "  … and " + std::to_string(total - shown) + " more\n";
  };
  section("Wrong", [](const CellCheck& c) { return c.verdict == Verdict::kWrong; });
  section("Following an earlier slip",
          [](const CellCheck& c) { return c.verdict != Verdict::kWrong && c.follows.has_value(); });
  section("Rounding", [](const CellCheck& c) { return c.verdict == Verdict::kRounding && !c.follows; });
  return out;
}

}  // namespace nntutor
