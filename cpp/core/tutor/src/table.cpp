#include "nntutor/table.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>

#include "nntutor/equations.hpp"
#include "nntutor/error.hpp"
#include "nntutor/io/common.hpp"
#include "json_text.hpp"

namespace nntutor {

namespace {

// ordered_json keeps the documented key order: {"step", "loss", "layers": [{"W", "b", …}]}.
using json = nlohmann::ordered_json;
using Kind = Column::Kind;

bool per_sample(Kind k) { return k == Kind::kZ || k == Kind::kY || k == Kind::kWinner; }
bool per_input(Kind k) { return k == Kind::kW || k == Kind::kDW; }

}  // namespace

int winning_piece(const Eigen::MatrixXd& z, int pieces, int unit, int sample) {
  return maxout_winner(&z(static_cast<Eigen::Index>(unit - 1) * pieces, sample - 1), pieces) + 1;
}

double column_value(const Column& c, const StepTrace& t) {
  const int s = c.sample - 1, l = c.layer - 1, i = c.input - 1;
  // A maxout layer's per-piece quantities: row j·k + p (k = rows of z per row of y).
  const int k = c.piece > 0 || c.kind == Kind::kWinner
                    ? static_cast<int>(t.layers[l].z.rows() / t.layers[l].y.rows())
                    : 1;
  const int j = c.piece > 0 ? (c.unit - 1) * k + c.piece - 1 : c.unit - 1;
  switch (c.kind) {
    case Kind::kWinner: return winning_piece(t.layers[l].z, k, c.unit, c.sample);
    case Kind::kStep: return t.step;
    case Kind::kLoss: return t.loss;
    case Kind::kW: return t.layers[l].W(j, i);
    case Kind::kB: return t.layers[l].b(j);
    case Kind::kZ: return t.layers[l].z(j, s);
    case Kind::kY: return t.layers[l].y(j, s);
    case Kind::kDW: return t.layers[l].dW(j, i);
    case Kind::kDB: return t.layers[l].db(j);
    case Kind::kState: {
      const auto k = static_cast<std::size_t>(c.slot_index);
      return c.input > 0 ? t.layers[l].state_W[k](j, i) : t.layers[l].state_b[k](j);
    }
    case Kind::kBatch:
      return t.batch.empty() || std::find(t.batch.begin(), t.batch.end(), c.sample) != t.batch.end()
                 ? 1
                 : 0;
  }
  return 0;
}

namespace {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char ch : s) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return q + "\"";
}

/// A column header in LaTeX math: w_{1}, \partial L/\partial w_{2}[1,3], z_{1}^{(s=2)}, L.
std::string latex_header(const Column& c, const Network& net, int samples) {
  if (c.kind == Kind::kStep) return "step";
  if (c.kind == Kind::kLoss) return "$L$";
  if (c.kind == Kind::kBatch) return "batch$^{(s=" + std::to_string(c.sample) + ")}$";
  if (c.kind == Kind::kState) {
    Column param = c;
    param.kind = c.input > 0 ? Kind::kW : Kind::kB;
    const std::string p = latex_header(param, net, samples);  // $w_{1}$
    return "$" + c.slot + "_{" + p.substr(1, p.size() - 2) + "}$";
  }
  const Layer& layer = net.layers[static_cast<std::size_t>(c.layer - 1)];
  const char* symbol = c.kind == Kind::kW || c.kind == Kind::kDW   ? "w"
                       : c.kind == Kind::kB || c.kind == Kind::kDB ? "b"
                       : c.kind == Kind::kZ                        ? "z"
                       : c.kind == Kind::kWinner                   ? "p^{*}"
                                                                   : "y";
  std::string s = std::string(symbol) + "_{" + std::to_string(c.layer) +
                  (c.piece > 0 ? ",p" + std::to_string(c.piece) : "") + "}";
  if (per_input(c.kind) && !(layer.units() == 1 && layer.inputs() == 1))
    s += "[" + std::to_string(c.unit) + "," + std::to_string(c.input) + "]";
  else if (!per_input(c.kind) && layer.units() > 1)
    s += "[" + std::to_string(c.unit) + "]";
  if (samples > 1 && c.sample > 0) s += "^{(s=" + std::to_string(c.sample) + ")}";
  if (c.kind == Kind::kDW || c.kind == Kind::kDB) s = "\\partial L/\\partial " + s;
  return "$" + s + "$";
}

std::string divergence_sentence(const Divergence& d) {
  return "Diverged at step " + std::to_string(d.at) + ": " + d.reason + ".";
}

}  // namespace

namespace {

using json_text::number;

void append_matrix(std::string& out, const Eigen::MatrixXd& m) {
  out += '[';
  for (Eigen::Index r = 0; r < m.rows(); ++r) {
    out += r ? ",[" : "[";
    for (Eigen::Index c = 0; c < m.cols(); ++c) {
      if (c) out += ',';
      number(out, m(r, c));
    }
    out += ']';
  }
  out += ']';
}

void append_vector(std::string& out, const Eigen::VectorXd& v) {
  out += '[';
  for (Eigen::Index i = 0; i < v.size(); ++i) {
    if (i) out += ',';
    number(out, v(i));
  }
  out += ']';
}

}  // namespace

std::string step_json_text(const StepTrace& t, const std::vector<std::string>& slots) {
  std::string out = "{\"step\":" + std::to_string(t.step) + ",\"loss\":";
  number(out, t.loss);
  out += ",\"layers\":[";
  for (std::size_t l = 0; l < t.layers.size(); ++l) {
    const LayerTrace& layer = t.layers[l];
    out += l ? ",{\"W\":" : "{\"W\":";
    append_matrix(out, layer.W);
    out += ",\"b\":";
    append_vector(out, layer.b);
    out += ",\"z\":";
    append_matrix(out, layer.z);
    out += ",\"y\":";
    append_matrix(out, layer.y);
    out += ",\"dW\":";
    append_matrix(out, layer.dW);
    out += ",\"db\":";
    append_vector(out, layer.db);
    if (!layer.state_W.empty()) {
      out += ",\"state\":{";
      for (std::size_t k = 0; k < slots.size() && k < layer.state_W.size(); ++k) {
        out += (k ? ",\"" : "\"") + slots[k] + "\":{\"W\":";  // slot letters need no escaping
        append_matrix(out, layer.state_W[k]);
        out += ",\"b\":";
        append_vector(out, layer.state_b[k]);
        out += '}';
      }
      out += '}';
    }
    out += '}';
  }
  out += ']';
  if (!t.batch.empty()) {
    out += ",\"batch\":[";
    for (std::size_t i = 0; i < t.batch.size(); ++i)
      out += (i ? "," : "") + std::to_string(t.batch[i]);
    out += ']';
  }
  out += '}';
  return out;
}

json step_json(const StepTrace& t, const std::vector<std::string>& slots) {
  json layers = json::array();
  for (const auto& l : t.layers) {
    json layer = {{"W", common::matrix_json<json>(l.W)}, {"b", common::vector_json<json>(l.b)}, {"z", common::matrix_json<json>(l.z)},
                  {"y", common::matrix_json<json>(l.y)}, {"dW", common::matrix_json<json>(l.dW)}, {"db", common::vector_json<json>(l.db)}};
    if (!l.state_W.empty()) {
      json state = json::object();
      for (std::size_t k = 0; k < slots.size() && k < l.state_W.size(); ++k)
        state[slots[k]] = {{"W", common::matrix_json<json>(l.state_W[k])}, {"b", common::vector_json<json>(l.state_b[k])}};
      layer["state"] = std::move(state);
    }
    layers.push_back(std::move(layer));
  }
  json step = {{"step", t.step}, {"loss", t.loss}, {"layers", std::move(layers)}};
  if (!t.batch.empty()) step["batch"] = t.batch;
  return step;
}

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::kStep: return "step";
    case Kind::kW: return "w";
    case Kind::kB: return "b";
    case Kind::kZ: return "z";
    case Kind::kY: return "y";
    case Kind::kDW: return "dw";
    case Kind::kDB: return "db";
    case Kind::kLoss: return "loss";
    case Kind::kState: return "state";
    case Kind::kBatch: return "batch";
    case Kind::kWinner: return "winner";
  }
  return "";
}

std::string quantity_name(Kind kind, const Network& net, int samples, int layer, int unit,
                          int input, int sample, int piece) {
  if (kind == Kind::kStep) return "step";
  if (kind == Kind::kLoss) return "L";
  if (kind == Kind::kBatch) return "batch@" + std::to_string(sample);
  const Layer& l = net.layers[static_cast<std::size_t>(layer - 1)];
  std::string name;
  switch (kind) {
    case Kind::kW: case Kind::kDW: name = "w"; break;
    case Kind::kB: case Kind::kDB: name = "b"; break;
    case Kind::kZ: name = "z"; break;
    case Kind::kWinner: name = "win"; break;
    default: name = "y"; break;
  }
  name += std::to_string(layer);
  if (piece > 0) name += "p" + std::to_string(piece);
  if (per_input(kind)) {
    if (!(l.units() == 1 && l.inputs() == 1))
      name += "[" + std::to_string(unit) + "," + std::to_string(input) + "]";
  } else if (l.units() > 1) {
    name += "[" + std::to_string(unit) + "]";
  }
  if (per_sample(kind) && samples > 1) name += "@" + std::to_string(sample);
  if (kind == Kind::kDW || kind == Kind::kDB) name = "dL/d" + name;
  return name;
}

std::string state_name(const std::string& slot, Kind parameter, const Network& net, int layer,
                       int unit, int input, int piece) {
  return slot + "_" + quantity_name(parameter, net, 1, layer, unit, input, 0, piece);
}

std::string row_name(Kind kind, const Network& net, int samples, int layer, int row, int input,
                     int sample) {
  const Layer& l = net.layers[static_cast<std::size_t>(layer - 1)];
  const int k = kind == Kind::kY ? 1 : l.pieces();
  return quantity_name(kind, net, samples, layer, row / k + 1, input, sample, k > 1 ? row % k + 1 : 0);
}

std::vector<Column> table_columns(const Network& net, int samples, const OptimizerSettings& opt) {
  std::vector<Column> cols;
  const auto add = [&](Kind kind, int layer, int unit, int input, int sample, int piece = 0) {
    cols.push_back({kind, layer, unit, input, sample,
                    quantity_name(kind, net, samples, layer, unit, input, sample, piece), "", 0, piece});
  };
  const std::vector<std::string> slots = opt.slots();
  add(Kind::kStep, 0, 0, 0, 0);
  if (opt.mini_batch(samples))
    for (int s = 1; s <= samples; ++s) add(Kind::kBatch, 0, 0, 0, s);
  for (std::size_t li = 0; li < net.layers.size(); ++li) {
    const int l = static_cast<int>(li) + 1;
    const Layer& layer = net.layers[li];
    // Pieces 1…k of a maxout layer (0 alone for the others): unit by unit, piece by piece.
    const int first = layer.pieces() > 1 ? 1 : 0, last = layer.pieces() > 1 ? layer.pieces() : 0;
    for (int j = 1; j <= layer.units(); ++j)
      for (int p = first; p <= last; ++p)
        for (int i = 1; i <= layer.inputs(); ++i) add(Kind::kW, l, j, i, 0, p);
    for (int j = 1; j <= layer.units(); ++j)
      for (int p = first; p <= last; ++p) add(Kind::kB, l, j, 0, 0, p);
    for (int j = 1; j <= layer.units(); ++j)
      for (int p = first; p <= last; ++p)
        for (int s = 1; s <= samples; ++s) add(Kind::kZ, l, j, 0, s, p);
    if (first > 0)  // maxout: the winning piece, then y = its z
      for (int j = 1; j <= layer.units(); ++j)
        for (int s = 1; s <= samples; ++s) add(Kind::kWinner, l, j, 0, s);
    for (int j = 1; j <= layer.units(); ++j)
      for (int s = 1; s <= samples; ++s) add(Kind::kY, l, j, 0, s);
    for (int j = 1; j <= layer.units(); ++j)
      for (int p = first; p <= last; ++p)
        for (int i = 1; i <= layer.inputs(); ++i) add(Kind::kDW, l, j, i, 0, p);
    for (int j = 1; j <= layer.units(); ++j)
      for (int p = first; p <= last; ++p) add(Kind::kDB, l, j, 0, 0, p);
    for (std::size_t k = 0; k < slots.size(); ++k) {
      const auto state = [&](Kind parameter, int unit, int input, int p) {
        cols.push_back({Kind::kState, l, unit, input, 0,
                        state_name(slots[k], parameter, net, l, unit, input, p), slots[k],
                        static_cast<int>(k), p});
      };
      for (int j = 1; j <= layer.units(); ++j)
        for (int p = first; p <= last; ++p)
          for (int i = 1; i <= layer.inputs(); ++i) state(Kind::kW, j, i, p);
      for (int j = 1; j <= layer.units(); ++j)
        for (int p = first; p <= last; ++p) state(Kind::kB, j, 0, p);
    }
  }
  add(Kind::kLoss, 0, 0, 0, 0);
  return cols;
}

json columns_json(const std::vector<Column>& columns, const std::vector<std::size_t>& keep) {
  json out = json::array();
  for (std::size_t i : keep) {
    const Column& c = columns[i];
    json j = {{"name", c.name}, {"kind", kind_name(c.kind)}, {"layer", c.layer},
              {"unit", c.unit}, {"input", c.input}, {"sample", c.sample}};
    if (c.kind == Kind::kState) j["slot"] = c.slot;
    if (c.piece > 0) j["piece"] = c.piece;
    out.push_back(std::move(j));
  }
  return out;
}

Table make_table(const Network& net, int samples, const Trace& trace, const OptimizerSettings& opt) {
  Table table{table_columns(net, samples, opt), {}};
  table.rows.reserve(trace.steps.size());
  for (const auto& t : trace.steps) {
    std::vector<double> row;
    row.reserve(table.columns.size());
    for (const auto& c : table.columns) row.push_back(column_value(c, t));
    table.rows.push_back(std::move(row));
  }
  return table;
}

Format parse_format(const std::string& text, const std::string& field) {
  if (text == "json") return Format::kJson;
  if (text == "csv") return Format::kCsv;
  if (text == "markdown" || text == "md") return Format::kMarkdown;
  if (text == "latex" || text == "tex") return Format::kLatex;
  throw SessionError(field + ": expected json, csv, markdown or latex, got \"" + text + "\"");
}

std::string render(const Session& session, const Trace& trace, Format format, int precision) {
  return render(session, trace, format, precision, View{});
}

std::string render(const Session& session, const Trace& trace, Format format, int precision,
                   const View& view) {
  if (precision < 0 || precision > 17)
    throw SessionError("precision: expected a whole number from 0 to 17, got " +
                       std::to_string(precision));
  const Network& net = session.network;
  std::string out;
  if (format == Format::kJson) {
    const std::vector<std::string> slots = session.optimizer.slots();
    for (const auto& t : trace.steps)
      out += (session.is_graph() ? graph_step_json_text(t, slots) : step_json(t, slots).dump()) + "\n";
    if (trace.diverged)
      out += json{{"diverged_at", trace.diverged->at}, {"reason", trace.diverged->reason}}.dump() + "\n";
    return out;
  }
  Table full;
  if (session.is_graph()) {  // graph sessions: docs/graph.md's columns, read the same way
    full.columns = session_columns(session);
    for (const auto& t : trace.steps) {
      std::vector<double> row;
      for (const auto& c : full.columns) row.push_back(column_value(c, t));
      full.rows.push_back(std::move(row));
    }
  } else {
    full = make_table(net, session.batch.samples(), trace, session.optimizer);
  }
  Table table;  // the columns `view` keeps
  const std::vector<std::size_t> keep = view_columns(full, view);
  for (std::size_t i : keep) table.columns.push_back(full.columns[i]);
  for (const auto& row : full.rows) {
    std::vector<double> kept;
    kept.reserve(keep.size());
    for (std::size_t i : keep) kept.push_back(row[i]);
    table.rows.push_back(std::move(kept));
  }
  const auto number = [&](const Column& c, double v) {
    return c.kind == Kind::kStep || c.kind == Kind::kBatch || c.kind == Kind::kWinner
               ? std::to_string(static_cast<long>(v))
                                                           : fixed(v, precision);
  };
  const std::size_t n = table.columns.size();
  if (format == Format::kCsv) {
    for (std::size_t i = 0; i < n; ++i) out += (i ? "," : "") + csv_field(table.columns[i].name);
    out += "\n";
    for (const auto& row : table.rows) {
      for (std::size_t i = 0; i < n; ++i) out += (i ? "," : "") + number(table.columns[i], row[i]);
      out += "\n";
    }
    if (trace.diverged) out += "# " + divergence_sentence(*trace.diverged) + "\n";
  } else if (format == Format::kMarkdown) {
    out += "|";
    for (const auto& c : table.columns) out += " " + c.name + " |";
    out += "\n|";
    for (std::size_t i = 0; i < n; ++i) out += "---:|";
    out += "\n";
    for (const auto& row : table.rows) {
      out += "|";
      for (std::size_t i = 0; i < n; ++i) out += " " + number(table.columns[i], row[i]) + " |";
      out += "\n";
    }
    if (trace.diverged) out += "\n" + divergence_sentence(*trace.diverged) + "\n";
  } else {
    out += "\\begin{tabular}{" + std::string(n, 'r') + "}\n\\hline\n";
    for (std::size_t i = 0; i < n; ++i)
      out += (i ? " & " : "") + (session.is_graph() ? "\\verb|" + table.columns[i].name + "|"
                                                    : latex_header(table.columns[i], net, session.batch.samples()));
    out += " \\\\\n\\hline\n";
    for (const auto& row : table.rows) {
      for (std::size_t i = 0; i < n; ++i)
        out += (i ? " & " : "") + (table.columns[i].kind == Kind::kStep ||
                                           table.columns[i].kind == Kind::kBatch ||
                                           table.columns[i].kind == Kind::kWinner
                                       ? number(table.columns[i], row[i])
                                       : "$" + number(table.columns[i], row[i]) + "$");
      out += " \\\\\n";
    }
    out += "\\hline\n\\end{tabular}\n";
    if (trace.diverged) out += "\n\\emph{" + divergence_sentence(*trace.diverged) + "}\n";
  }
  return out;
}

View parse_view(const std::string& json_text) {
  View view;
  if (json_text.empty()) return view;
  json j;
  try {
    j = json::parse(json_text);
  } catch (const json::exception&) {
    throw SessionError("options: expected a JSON object like {\"columns\": [\"y\", \"loss\"]}");
  }
  if (!j.is_object()) throw SessionError("options: expected a JSON object like {\"columns\": [\"y\", \"loss\"]}");
  for (const auto& [key, value] : j.items())
    if (key != "columns" && key != "layers" && key != "units" && key != "trace_step" &&
        key != "limits" && key != "session" && key != "equations")
      throw SessionError("options." + key +
                         ": unknown field (expected columns, layers, units, trace_step, limits, "
                         "session or equations)");
  if (j.contains("columns")) {
    const json& c = j["columns"];
    if (!c.is_array()) throw SessionError("options.columns: expected an array of column kinds");
    view.kinds.clear();
    for (std::size_t i = 0; i < c.size(); ++i) {
      bool found = false;
      for (Kind k : {Kind::kW, Kind::kB, Kind::kZ, Kind::kY, Kind::kDW, Kind::kDB, Kind::kLoss,
                     Kind::kState, Kind::kBatch})
        if (c[i].is_string() && c[i].get<std::string>() == kind_name(k)) {
          view.kinds.push_back(k);
          found = true;
        }
      if (!found)
        throw SessionError("options.columns[" + std::to_string(i) +
                           "]: expected one of w, b, z, y, dw, db, loss, state, batch, got " +
                           c[i].dump());
    }
  }
  // "layers" and "units": arrays of 1-based numbers up to the engine's limits.
  const auto numbers_in = [](const json& parent, const std::string& prefix, const char* key,
                             const char* what, int max, std::vector<int>& out) {
    if (!parent.contains(key)) return;
    const json& l = parent[key];
    const std::string field = prefix + key;
    if (!l.is_array()) throw SessionError(field + ": expected an array of " + what + " numbers");
    for (std::size_t i = 0; i < l.size(); ++i) {
      if (!l[i].is_number_integer() || l[i].get<long long>() < 1 || l[i].get<long long>() > max)
        throw SessionError(field + "[" + std::to_string(i) + "]: expected a " + what +
                           " number from 1 to " + std::to_string(max) + ", got " + l[i].dump());
      out.push_back(l[i].get<int>());
    }
  };
  numbers_in(j, "options.", "layers", "layer", Limits::kMaxLayers, view.layers);
  numbers_in(j, "options.", "units", "unit", Limits::kMaxUnits, view.units);
  if (j.contains("session")) {
    if (!j["session"].is_boolean()) throw SessionError("options.session: expected true or false");
    view.session = j["session"].get<bool>();
  }
  if (j.contains("equations")) {
    const json& e = j["equations"];
    const std::string expected =
        "options.equations: expected {\"precision\": a whole number from 0 to 17, \"layers\": […], "
        "\"units\": […]}";
    if (!e.is_object() || !e.contains("precision") || !e["precision"].is_number_integer() ||
        e["precision"].get<long long>() < 0 || e["precision"].get<long long>() > 17)
      throw SessionError(expected);
    for (const auto& [key, value] : e.items())
      if (key != "precision" && key != "layers" && key != "units")
        throw SessionError("options.equations." + key + ": unknown field (expected precision, layers or units)");
    View::Equations eq;
    eq.precision = e["precision"].get<int>();
    numbers_in(e, "options.equations.", "layers", "layer", Limits::kMaxLayers, eq.layers);
    numbers_in(e, "options.equations.", "units", "unit", Limits::kMaxUnits, eq.units);
    view.equations = eq;
  }
  if (j.contains("limits")) {
    const json& l = j["limits"];
    if (l != "page" && l != "engine")
      throw SessionError("options.limits: expected \"page\" or \"engine\", got " + l.dump());
    view.page_limits = l == "page";
  }
  if (j.contains("trace_step")) {
    const json& t = j["trace_step"];
    if (t == "all") view.steps = View::Steps::kAll;
    else if (t == "none") view.steps = View::Steps::kNone;
    else if (t.is_number_integer() && t.get<long long>() >= 1 && t.get<long long>() <= Limits::kMaxSteps) {
      view.steps = View::Steps::kOne;
      view.trace_step = t.get<int>();
    } else {
      throw SessionError("options.trace_step: expected \"all\", \"none\" or a step from 1 to " +
                         std::to_string(Limits::kMaxSteps) + ", got " + t.dump());
    }
  }
  return view;
}

std::vector<std::size_t> view_columns(const Table& table, const View& view) {
  return view_columns(table.columns, view);
}

std::vector<std::size_t> view_columns(const std::vector<Column>& columns, const View& view) {
  std::vector<std::size_t> keep;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const Column& c = columns[i];
    // A maxout unit's winning piece goes with its y (y is the winner's z).
    const Kind as = c.kind == Kind::kWinner ? Kind::kY : c.kind;
    const bool kind = std::find(view.kinds.begin(), view.kinds.end(), as) != view.kinds.end();
    const bool layer = c.layer == 0 || view.layers.empty() ||
                       std::find(view.layers.begin(), view.layers.end(), c.layer) != view.layers.end();
    const bool unit = c.unit == 0 || view.units.empty() ||
                      std::find(view.units.begin(), view.units.end(), c.unit) != view.units.end();
    if (c.kind == Kind::kStep || (kind && layer && unit)) keep.push_back(i);
  }
  return keep;
}

json table_json(const std::vector<Column>& columns, const Trace& trace, const View& view,
                std::size_t from, bool with_columns) {
  const std::vector<std::size_t> keep = view_columns(columns, view);
  json table = json::object();
  if (with_columns) table["columns"] = columns_json(columns, keep);
  json rows = json::array();
  for (std::size_t k = from; k < trace.steps.size(); ++k) {
    json r = json::array();
    for (std::size_t i : keep) r.push_back(column_value(columns[i], trace.steps[k]));
    rows.push_back(std::move(r));
  }
  table["rows"] = std::move(rows);
  return table;
}

std::string run_result_json(const Session& session, const Trace& trace, const View& view) {
  const std::vector<Column> columns = session_columns(session);
  json steps = json::array();
  const std::vector<std::string> slots = session.optimizer.slots();
  for (const auto& t : trace.steps)
    if (view.steps == View::Steps::kAll || (view.steps == View::Steps::kOne && t.step == view.trace_step))
      steps.push_back(session.is_graph() ? json::parse(graph_step_json_text(t, slots)) : step_json(t, slots));
  json result;
  if (view.session) result["session"] = json::parse(session_to_json(session));
  json equations;
  if (view.equations && view.steps == View::Steps::kOne)
    for (std::size_t k = 0; k < trace.steps.size(); ++k)
      if (trace.steps[k].step == view.trace_step)
        equations = step_equations(session, trace.steps[k], view.equations->precision,
                                   view.equations->layers, view.equations->units,
                                   k > 0 ? &trace.steps[k - 1] : nullptr);
  result["steps"] = std::move(steps);
  result["diverged"] = trace.diverged
                           ? json{{"at", trace.diverged->at}, {"reason", trace.diverged->reason}}
                           : json(nullptr);
  result["table"] = table_json(columns, trace, view);
  if (view.equations) result["equations"] = std::move(equations);
  return result.dump();
}

}  // namespace nntutor
