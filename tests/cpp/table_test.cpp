// The lecture's table: column names, rows from a trace, the four text formats (golden text
// for the lecture's first two steps), run_result_json, and the `nntutor table` CLI end to end.
#include "nntutor/table.hpp"

#include "nntutor/equations.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "test_helpers.hpp"

namespace {

using nlohmann::json;
using nntutor::Column;
using nntutor::Format;
using nntutor::Session;
using nntutor::Trace;
using nntutor::View;
using Kind = nntutor::Column::Kind;
using nntutor_test::lecture_json;

std::vector<std::string> names(const std::vector<Column>& columns) {
  std::vector<std::string> out;
  for (const auto& c : columns) out.push_back(c.name);
  return out;
}

Session lecture_session(int steps) {
  Session s = nntutor::parse_session(lecture_json());
  nntutor::set_steps(s, steps);
  return s;
}

/// 1-1 linear, x = 1, y = 0, w = 2, η = 1.5e308: row 1 is all 2s (b1 = 0), then the update
/// overflows w1 to −inf.
const char* const kDivergingSession =
    R"({"inputs": [[1]], "targets": [[0]],
        "layers": [{"units": 1, "activation": "linear", "weights": [[2]], "biases": [0]}],
        "optimizer": {"name": "sgd", "learning_rate": 1.5e308}, "steps": 5})";

/// A 2-3-1 network with 2 samples.
const char* const k231Session =
    R"({"inputs": [[1, 2], [-0.5, 0.25]], "targets": [[1], [0]],
        "layers": [{"units": 3, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}],
        "steps": 3, "seed": 5})";

// ---- Columns ----

TEST(TableColumns, TheLectureNetworkHasTheLecturesColumns) {
  const Session s = lecture_session(5);
  const auto columns = nntutor::table_columns(s.network, 1);
  EXPECT_EQ(names(columns),
            (std::vector<std::string>{"step", "w1", "b1", "z1", "y1", "dL/dw1", "dL/db1", "w2", "b2",
                                      "z2", "y2", "dL/dw2", "dL/db2", "L"}));
  const std::vector<Kind> kinds = {Kind::kStep, Kind::kW, Kind::kB,  Kind::kZ, Kind::kY,
                                   Kind::kDW,   Kind::kDB, Kind::kW, Kind::kB, Kind::kZ,
                                   Kind::kY,    Kind::kDW, Kind::kDB, Kind::kLoss};
  ASSERT_EQ(columns.size(), kinds.size());
  for (std::size_t i = 0; i < kinds.size(); ++i) EXPECT_EQ(columns[i].kind, kinds[i]) << i;
  // Indices are 1-based, 0 where they do not apply.
  EXPECT_EQ(columns[0].layer, 0);
  EXPECT_EQ(columns[7].layer, 2);  // w2
  EXPECT_EQ(columns[7].unit, 1);
  EXPECT_EQ(columns[7].input, 1);
  EXPECT_EQ(columns[7].sample, 0);
  EXPECT_EQ(columns[9].sample, 1);  // z2 of the one sample
  EXPECT_EQ(columns[9].input, 0);
  EXPECT_EQ(columns[13].layer, 0);
}

TEST(TableColumns, NamesFollowTheDocumentedScheme) {
  const Session s = nntutor::parse_session(k231Session);
  const auto columns = nntutor::table_columns(s.network, 2);
  EXPECT_EQ(names(columns),
            (std::vector<std::string>{
                "step",
                "w1[1,1]", "w1[1,2]", "w1[2,1]", "w1[2,2]", "w1[3,1]", "w1[3,2]",
                "b1[1]", "b1[2]", "b1[3]",
                "z1[1]@1", "z1[1]@2", "z1[2]@1", "z1[2]@2", "z1[3]@1", "z1[3]@2",
                "y1[1]@1", "y1[1]@2", "y1[2]@1", "y1[2]@2", "y1[3]@1", "y1[3]@2",
                "dL/dw1[1,1]", "dL/dw1[1,2]", "dL/dw1[2,1]", "dL/dw1[2,2]", "dL/dw1[3,1]", "dL/dw1[3,2]",
                "dL/db1[1]", "dL/db1[2]", "dL/db1[3]",
                "w2[1,1]", "w2[1,2]", "w2[1,3]",
                "b2",
                "z2@1", "z2@2",
                "y2@1", "y2@2",
                "dL/dw2[1,1]", "dL/dw2[1,2]", "dL/dw2[1,3]",
                "dL/db2",
                "L"}));
  // w1[1,2]: the weight from input 2 into unit 1 of layer 1.
  const Column& w = columns[2];
  EXPECT_EQ(w.kind, Kind::kW);
  EXPECT_EQ(w.layer, 1);
  EXPECT_EQ(w.unit, 1);
  EXPECT_EQ(w.input, 2);
  EXPECT_EQ(w.sample, 0);
  const Column& z = columns[12];  // z1[2]@1
  EXPECT_EQ(z.kind, Kind::kZ);
  EXPECT_EQ(z.layer, 1);
  EXPECT_EQ(z.unit, 2);
  EXPECT_EQ(z.input, 0);
  EXPECT_EQ(z.sample, 1);
}

TEST(TableColumns, CountIsTwoPlusEveryQuantity) {
  // step + L + per layer: w and dL/dw (units × inputs each), b and dL/db (units each),
  // z and y (units × samples each).
  for (const auto& [shape, samples] : std::vector<std::pair<std::vector<int>, int>>{
           {{3, 4, 2}, 3}, {{1, 1, 1}, 1}, {{2, 3, 3, 1}, 5}, {{5, 1}, 2}}) {
    nntutor::Network net;
    long expected = 2;
    for (std::size_t l = 1; l < shape.size(); ++l) {
      net.layers.push_back(nntutor_test::layer(Eigen::MatrixXd::Zero(shape[l], shape[l - 1]),
                                               Eigen::VectorXd::Zero(shape[l]), "relu"));
      expected += 2L * shape[l] * shape[l - 1] + 2L * shape[l] + 2L * shape[l] * samples;
    }
    EXPECT_EQ(static_cast<long>(nntutor::table_columns(net, samples).size()), expected);
  }
}

TEST(TableColumns, QuantityNameAndKindName) {
  const Session s = nntutor::parse_session(k231Session);
  EXPECT_EQ(nntutor::quantity_name(Kind::kDW, s.network, 2, 2, 1, 3), "dL/dw2[1,3]");
  EXPECT_EQ(nntutor::quantity_name(Kind::kY, s.network, 2, 2, 1, 0, 2), "y2@2");
  EXPECT_EQ(nntutor::quantity_name(Kind::kZ, s.network, 1, 1, 2, 0, 1), "z1[2]");
  EXPECT_EQ(nntutor::quantity_name(Kind::kDB, s.network, 2, 1, 3), "dL/db1[3]");
  EXPECT_EQ(nntutor::quantity_name(Kind::kLoss, s.network, 2, 0, 0), "L");
  EXPECT_EQ(nntutor::quantity_name(Kind::kStep, s.network, 2, 0, 0), "step");
  const std::vector<std::pair<Kind, std::string>> kinds = {
      {Kind::kStep, "step"}, {Kind::kW, "w"},   {Kind::kB, "b"},   {Kind::kZ, "z"},
      {Kind::kY, "y"},       {Kind::kDW, "dw"}, {Kind::kDB, "db"}, {Kind::kLoss, "loss"}};
  for (const auto& [kind, name] : kinds) EXPECT_EQ(nntutor::kind_name(kind), name);
}

// ---- Rows ----

TEST(MakeTable, RowsAreTheTraceValues) {
  const Session s = nntutor::parse_session(k231Session);
  const Trace trace = nntutor::run(s);
  ASSERT_EQ(trace.steps.size(), 3u);
  const auto table = nntutor::make_table(s.network, 2, trace);
  ASSERT_EQ(table.rows.size(), 3u);
  for (std::size_t r = 0; r < 3; ++r) {
    const auto& t = trace.steps[r];
    ASSERT_EQ(table.rows[r].size(), table.columns.size());
    for (std::size_t i = 0; i < table.columns.size(); ++i) {
      const Column& c = table.columns[i];
      const int l = c.layer - 1, j = c.unit - 1, in = c.input - 1, smp = c.sample - 1;
      double expected = 0;
      switch (c.kind) {
        case Kind::kStep: expected = static_cast<double>(r + 1); break;
        case Kind::kLoss: expected = t.loss; break;
        case Kind::kW: expected = t.layers[l].W(j, in); break;
        case Kind::kB: expected = t.layers[l].b(j); break;
        case Kind::kZ: expected = t.layers[l].z(j, smp); break;
        case Kind::kY: expected = t.layers[l].y(j, smp); break;
        case Kind::kDW: expected = t.layers[l].dW(j, in); break;
        case Kind::kDB: expected = t.layers[l].db(j); break;
      }
      EXPECT_EQ(table.rows[r][i], expected) << c.name << " in row " << r + 1;
    }
  }
}

// ---- Formats ----

const std::string kLectureCsv =
    "step,w1,b1,z1,y1,dL/dw1,dL/db1,w2,b2,z2,y2,dL/dw2,dL/db2,L\n"
    "1,0.5000,0.0000,0.5000,0.6225,-0.0167,-0.0167,0.8000,0.0000,0.4980,0.6220,-0.0553,-0.0889,0.0714\n"
    "2,0.5017,0.0017,0.5033,0.6232,-0.0166,-0.0166,0.8055,0.0089,0.5109,0.6250,-0.0548,-0.0879,0.0703\n";

const std::string kLectureMarkdown =
    "| step | w1 | b1 | z1 | y1 | dL/dw1 | dL/db1 | w2 | b2 | z2 | y2 | dL/dw2 | dL/db2 | L |\n"
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    "| 1 | 0.5000 | 0.0000 | 0.5000 | 0.6225 | -0.0167 | -0.0167 | 0.8000 | 0.0000 | 0.4980 | 0.6220 | -0.0553 | -0.0889 | 0.0714 |\n"
    "| 2 | 0.5017 | 0.0017 | 0.5033 | 0.6232 | -0.0166 | -0.0166 | 0.8055 | 0.0089 | 0.5109 | 0.6250 | -0.0548 | -0.0879 | 0.0703 |\n";

const std::string kLectureLatex =
    "\\begin{tabular}{rrrrrrrrrrrrrr}\n"
    "\\hline\n"
    "step & $w_{1}$ & $b_{1}$ & $z_{1}$ & $y_{1}$ & $\\partial L/\\partial w_{1}$ & "
    "$\\partial L/\\partial b_{1}$ & $w_{2}$ & $b_{2}$ & $z_{2}$ & $y_{2}$ & "
    "$\\partial L/\\partial w_{2}$ & $\\partial L/\\partial b_{2}$ & $L$ \\\\\n"
    "\\hline\n"
    "1 & $0.5000$ & $0.0000$ & $0.5000$ & $0.6225$ & $-0.0167$ & $-0.0167$ & $0.8000$ & $0.0000$ & "
    "$0.4980$ & $0.6220$ & $-0.0553$ & $-0.0889$ & $0.0714$ \\\\\n"
    "2 & $0.5017$ & $0.0017$ & $0.5033$ & $0.6232$ & $-0.0166$ & $-0.0166$ & $0.8055$ & $0.0089$ & "
    "$0.5109$ & $0.6250$ & $-0.0548$ & $-0.0879$ & $0.0703$ \\\\\n"
    "\\hline\n"
    "\\end{tabular}\n";

std::string render_lecture(Format format, int precision = 4) {
  const Session s = lecture_session(2);
  return nntutor::render(s, nntutor::run(s), format, precision);
}

TEST(Render, LectureCsv) { EXPECT_EQ(render_lecture(Format::kCsv), kLectureCsv); }
TEST(Render, LectureMarkdown) { EXPECT_EQ(render_lecture(Format::kMarkdown), kLectureMarkdown); }
TEST(Render, LectureLatex) { EXPECT_EQ(render_lecture(Format::kLatex), kLectureLatex); }

TEST(Render, PrecisionZeroShowsNoMinusZero) {
  // 0.5 rounds to even (0); −0.0167 rounds to −0, shown as 0.
  const std::string csv = render_lecture(Format::kCsv, 0);
  EXPECT_EQ(csv.substr(csv.find('\n') + 1),
            "1,0,0,0,1,0,0,1,0,0,1,0,0,0\n"
            "2,1,0,1,1,0,0,1,0,1,1,0,0,0\n");
}

TEST(Render, CsvQuotesNamesWithCommas) {
  const Session s = nntutor::parse_session(k231Session);
  const std::string csv = nntutor::render(s, nntutor::run(s), Format::kCsv, 3);
  EXPECT_EQ(csv.rfind("step,\"w1[1,1]\",\"w1[1,2]\",\"w1[2,1]\",\"w1[2,2]\",\"w1[3,1]\",", 0), 0u);
  EXPECT_NE(csv.find(",b1[1],b1[2],b1[3],z1[1]@1,"), std::string::npos);
  EXPECT_NE(csv.find(",\"dL/dw2[1,3]\",dL/db2,L\n"), std::string::npos);
  // 1 header + 3 rows, each with 44 fields
  std::istringstream lines(csv);
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) ++n;
  EXPECT_EQ(n, 4);
}

TEST(Render, LatexHeadersForSeveralUnitsAndSamples) {
  const Session s = nntutor::parse_session(k231Session);
  const std::string tex = nntutor::render(s, nntutor::run(s), Format::kLatex, 2);
  EXPECT_EQ(tex.rfind("\\begin{tabular}{" + std::string(44, 'r') + "}\n\\hline\nstep & $w_{1}[1,1]$ & ", 0), 0u);
  EXPECT_NE(tex.find(" & $z_{1}[2]^{(s=1)}$ & "), std::string::npos);
  EXPECT_NE(tex.find(" & $y_{2}^{(s=2)}$ & "), std::string::npos);
  EXPECT_NE(tex.find(" & $\\partial L/\\partial w_{2}[1,3]$ & $\\partial L/\\partial b_{2}$ & $L$ \\\\\n"),
            std::string::npos);
}

TEST(Render, JsonLinesRoundTripToTheExactDoubles) {
  const Session s = nntutor::parse_session(k231Session);
  const Trace trace = nntutor::run(s);
  const std::string text = nntutor::render(s, trace, Format::kJson, 4);  // precision is ignored
  std::istringstream lines(text);
  std::string line;
  std::size_t k = 0;
  while (std::getline(lines, line)) {
    ASSERT_LT(k, trace.steps.size());
    const auto& t = trace.steps[k++];
    const json j = json::parse(line);
    EXPECT_EQ(j["step"], t.step);
    EXPECT_EQ(j["loss"].get<double>(), t.loss);
    ASSERT_EQ(j["layers"].size(), t.layers.size());
    for (std::size_t l = 0; l < t.layers.size(); ++l) {
      const auto& jl = j["layers"][l];
      const auto& tl = t.layers[l];
      const auto check_matrix = [&](const char* key, const Eigen::MatrixXd& m) {
        ASSERT_EQ(jl[key].size(), static_cast<std::size_t>(m.rows())) << key;
        for (Eigen::Index r = 0; r < m.rows(); ++r) {
          ASSERT_EQ(jl[key][r].size(), static_cast<std::size_t>(m.cols())) << key;
          for (Eigen::Index c = 0; c < m.cols(); ++c)
            EXPECT_EQ(jl[key][r][c].get<double>(), m(r, c)) << key;
        }
      };
      const auto check_vector = [&](const char* key, const Eigen::VectorXd& v) {
        ASSERT_EQ(jl[key].size(), static_cast<std::size_t>(v.size())) << key;
        for (Eigen::Index i = 0; i < v.size(); ++i) EXPECT_EQ(jl[key][i].get<double>(), v(i)) << key;
      };
      check_matrix("W", tl.W);
      check_vector("b", tl.b);
      check_matrix("z", tl.z);  // units × samples
      check_matrix("y", tl.y);
      check_matrix("dW", tl.dW);
      check_vector("db", tl.db);
    }
  }
  EXPECT_EQ(k, trace.steps.size());
  // The documented key order.
  EXPECT_EQ(text.rfind("{\"step\":1,\"loss\":", 0), 0u);
  EXPECT_NE(text.find("\"layers\":[{\"W\":[["), std::string::npos);
}

// The divergence line of each format.
const std::string kDivergedCsv =
    "step,w1,b1,z1,y1,dL/dw1,dL/db1,L\n"
    "1,2.00,0.00,2.00,2.00,2.00,2.00,2.00\n"
    "# Diverged at step 2: w1 overflowed to -inf in the update of step 1.\n";

TEST(Render, DivergenceEndsEveryFormat) {
  const Session s = nntutor::parse_session(kDivergingSession);
  const Trace trace = nntutor::run(s);
  ASSERT_TRUE(trace.diverged);
  EXPECT_EQ(nntutor::render(s, trace, Format::kCsv, 2), kDivergedCsv);
  EXPECT_EQ(nntutor::render(s, trace, Format::kMarkdown, 2),
            "| step | w1 | b1 | z1 | y1 | dL/dw1 | dL/db1 | L |\n"
            "|---:|---:|---:|---:|---:|---:|---:|---:|\n"
            "| 1 | 2.00 | 0.00 | 2.00 | 2.00 | 2.00 | 2.00 | 2.00 |\n"
            "\n"
            "Diverged at step 2: w1 overflowed to -inf in the update of step 1.\n");
  EXPECT_EQ(nntutor::render(s, trace, Format::kLatex, 2),
            "\\begin{tabular}{rrrrrrrr}\n"
            "\\hline\n"
            "step & $w_{1}$ & $b_{1}$ & $z_{1}$ & $y_{1}$ & $\\partial L/\\partial w_{1}$ & "
            "$\\partial L/\\partial b_{1}$ & $L$ \\\\\n"
            "\\hline\n"
            "1 & $2.00$ & $0.00$ & $2.00$ & $2.00$ & $2.00$ & $2.00$ & $2.00$ \\\\\n"
            "\\hline\n"
            "\\end{tabular}\n"
            "\n"
            "\\emph{Diverged at step 2: w1 overflowed to -inf in the update of step 1.}\n");
  EXPECT_EQ(nntutor::render(s, trace, Format::kJson, 2),
            "{\"step\":1,\"loss\":2.0,\"layers\":[{\"W\":[[2.0]],\"b\":[0.0],\"z\":[[2.0]],"
            "\"y\":[[2.0]],\"dW\":[[2.0]],\"db\":[2.0]}]}\n"
            "{\"diverged_at\":2,\"reason\":\"w1 overflowed to -inf in the update of step 1\"}\n");
}

TEST(Render, DivergenceAtStepOneLeavesOnlyTheHeader) {
  json j = json::parse(lecture_json());
  j["inputs"] = {{1e200}};
  j["layers"][0]["weights"] = {{1e200}};
  const Session s = nntutor::parse_session(j.dump());
  const Trace trace = nntutor::run(s);
  EXPECT_EQ(nntutor::render(s, trace, Format::kCsv, 4),
            kLectureCsv.substr(0, kLectureCsv.find('\n') + 1) +
                "# Diverged at step 1: z1 overflowed to +inf.\n");
  EXPECT_EQ(nntutor::render(s, trace, Format::kJson, 4),
            "{\"diverged_at\":1,\"reason\":\"z1 overflowed to +inf\"}\n");
}

TEST(Render, PrecisionOutOfRange) {
  const Session s = lecture_session(1);
  const Trace trace = nntutor::run(s);
  EXPECT_SESSION_ERROR(nntutor::render(s, trace, Format::kCsv, -1),
                       "precision: expected a whole number from 0 to 17, got -1");
  EXPECT_SESSION_ERROR(nntutor::render(s, trace, Format::kMarkdown, 18),
                       "precision: expected a whole number from 0 to 17, got 18");
  EXPECT_NO_THROW(nntutor::render(s, trace, Format::kCsv, 0));
  EXPECT_NO_THROW(nntutor::render(s, trace, Format::kCsv, 17));
}

TEST(Fixed, DecimalsAndNoMinusZero) {
  EXPECT_EQ(nntutor::fixed(0.5, 4), "0.5000");
  EXPECT_EQ(nntutor::fixed(-0.01666, 4), "-0.0167");
  EXPECT_EQ(nntutor::fixed(123456.789, 2), "123456.79");
  EXPECT_EQ(nntutor::fixed(-1.5, 2), "-1.50");
  EXPECT_EQ(nntutor::fixed(0.0, 4), "0.0000");
  EXPECT_EQ(nntutor::fixed(-0.0, 4), "0.0000");
  EXPECT_EQ(nntutor::fixed(-0.00004, 4), "0.0000");
  EXPECT_EQ(nntutor::fixed(-1e-300, 4), "0.0000");
  EXPECT_EQ(nntutor::fixed(-1e-20, 17), "0.00000000000000000");
  EXPECT_EQ(nntutor::fixed(-0.4, 0), "0");
  EXPECT_EQ(nntutor::fixed(-0.6, 0), "-1");
  EXPECT_EQ(nntutor::fixed(2.5, 0), "2");  // printf rounds half to even
  // Scientific from 1e15 on, with the same number of decimals.
  EXPECT_EQ(nntutor::fixed(999999999999999.0, 1), "999999999999999.0");
  EXPECT_EQ(nntutor::fixed(1e15, 4), "1.0000e+15");
  EXPECT_EQ(nntutor::fixed(-2.5e20, 2), "-2.50e+20");
  EXPECT_EQ(nntutor::fixed(1.7e308, 3), "1.700e+308");
}

TEST(ParseFormat, NamesAndAliases) {
  EXPECT_EQ(nntutor::parse_format("json"), Format::kJson);
  EXPECT_EQ(nntutor::parse_format("csv"), Format::kCsv);
  EXPECT_EQ(nntutor::parse_format("markdown"), Format::kMarkdown);
  EXPECT_EQ(nntutor::parse_format("md"), Format::kMarkdown);
  EXPECT_EQ(nntutor::parse_format("latex"), Format::kLatex);
  EXPECT_EQ(nntutor::parse_format("tex"), Format::kLatex);
  EXPECT_SESSION_ERROR(nntutor::parse_format("xml"),
                       "--format: expected json, csv, markdown or latex, got \"xml\"");
  EXPECT_SESSION_ERROR(nntutor::parse_format("CSV", "format"),
                       "format: expected json, csv, markdown or latex, got \"CSV\"");
  EXPECT_SESSION_ERROR(nntutor::parse_format(""),
                       "--format: expected json, csv, markdown or latex, got \"\"");
}

TEST(RunResultJson, HoldsSessionStepsDivergenceAndTable) {
  const Session s = nntutor::parse_session(k231Session);
  const Trace trace = nntutor::run(s);
  const json j = json::parse(nntutor::run_result_json(s, trace));
  const auto ordered = nlohmann::ordered_json::parse(nntutor::run_result_json(s, trace));
  std::vector<std::string> keys;  // in the document's order
  for (const auto& item : ordered.items()) keys.push_back(item.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"session", "steps", "diverged", "table"}));
  EXPECT_EQ(j["session"], json::parse(nntutor::session_to_json(s)));
  EXPECT_EQ(j["steps"].size(), 3u);
  EXPECT_TRUE(j["diverged"].is_null());
  const auto table = nntutor::make_table(s.network, 2, trace);
  ASSERT_EQ(j["table"]["columns"].size(), table.columns.size());
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    const Column& c = table.columns[i];
    EXPECT_EQ(j["table"]["columns"][i],
              json({{"name", c.name}, {"kind", nntutor::kind_name(c.kind)}, {"layer", c.layer},
                    {"unit", c.unit}, {"input", c.input}, {"sample", c.sample}}));
  }
  EXPECT_EQ(j["table"]["rows"].get<std::vector<std::vector<double>>>(), table.rows);

  const Session d = nntutor::parse_session(kDivergingSession);
  const json jd = json::parse(nntutor::run_result_json(d, nntutor::run(d)));
  EXPECT_EQ(jd["diverged"],
            json({{"at", 2}, {"reason", "w1 overflowed to -inf in the update of step 1"}}));
  EXPECT_EQ(jd["steps"].size(), 1u);
  EXPECT_EQ(jd["table"]["rows"].size(), 1u);
}

TEST(View, LimitsOption) {
  EXPECT_FALSE(nntutor::parse_view("").page_limits);
  EXPECT_TRUE(nntutor::parse_view(R"({"limits": "page"})").page_limits);
  EXPECT_FALSE(nntutor::parse_view(R"({"limits": "engine"})").page_limits);
  EXPECT_SESSION_ERROR(nntutor::parse_view(R"({"limits": "tiny"})"),
                       "options.limits: expected \"page\" or \"engine\", got \"tiny\"");
  EXPECT_SESSION_ERROR(nntutor::parse_view(R"({"limit": "page"})"),
                       "options.limit: unknown field (expected columns, layers, units, trace_step, limits, "
                       "session or equations)");
}

TEST(View, LayersKeepTheirColumnsAndTheLoss) {
  const Session s = nntutor::parse_session(k231Session);
  const Trace trace = nntutor::run(s);
  const View view = nntutor::parse_view(R"({"columns": ["b", "loss"], "layers": [2]})");
  EXPECT_EQ(view.layers, std::vector<int>{2});
  const json j = json::parse(nntutor::run_result_json(s, trace, view));
  std::vector<std::string> names;
  for (const auto& c : j["table"]["columns"]) names.push_back(c["name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"step", "b2", "L"}));
  EXPECT_EQ(j["table"]["rows"][0].size(), 3u);
  EXPECT_SESSION_ERROR(nntutor::parse_view(R"({"layers": 2})"),
                       "options.layers: expected an array of layer numbers");
  const View unit = nntutor::parse_view(R"({"columns": ["b", "y"], "layers": [1], "units": [2]})");
  const json ju = json::parse(nntutor::run_result_json(s, trace, unit));
  names.clear();
  for (const auto& c : ju["table"]["columns"]) names.push_back(c["name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"step", "b1[2]", "y1[2]@1", "y1[2]@2"}));
  EXPECT_SESSION_ERROR(nntutor::parse_view(R"({"units": [0]})"),
                       "options.units[0]: expected a unit number from 1 to 256, got 0");
  EXPECT_SESSION_ERROR(nntutor::parse_view(R"({"layers": [1, 17]})"),
                       "options.layers[1]: expected a layer number from 1 to 16, got 17");
}

TEST(View, OneRunGivesTheStepsEquationsAndCanLeaveTheSessionOut) {
  const Session s = nntutor::parse_session(k231Session);
  const Trace trace = nntutor::run(s);
  const View view = nntutor::parse_view(
      R"({"columns": ["loss"], "trace_step": 2, "session": false,
          "equations": {"precision": 6, "layers": [1], "units": [3]}})");
  const json j = json::parse(nntutor::run_result_json(s, trace, view));
  EXPECT_FALSE(j.contains("session"));
  EXPECT_EQ(j["equations"], json::parse(nntutor::equations_for_step(s, 2, 6, {1}, {3})));
  EXPECT_EQ(j["equations"]["equations"][0]["name"], "dL/dw1[3,1]");
  // No traced step (none, or past a divergence): equations is null, not an error.
  const json none = json::parse(nntutor::run_result_json(
      s, trace, nntutor::parse_view(R"({"trace_step": "none", "equations": {"precision": 4}})")));
  EXPECT_TRUE(none["equations"].is_null());
  EXPECT_FALSE(json::parse(nntutor::run_result_json(s, trace)).contains("equations"));
  EXPECT_SESSION_ERROR(nntutor::parse_view(R"({"equations": {"precision": 18}})"),
                       "options.equations: expected {\"precision\": a whole number from 0 to 17, "
                       "\"layers\": […], \"units\": […]}");
  EXPECT_SESSION_ERROR(nntutor::parse_view(R"({"equations": {"precision": 4, "units": [0]}})"),
                       "options.equations.units[0]: expected a unit number from 1 to 256, got 0");
  EXPECT_SESSION_ERROR(nntutor::parse_view(R"({"session": 0})"), "options.session: expected true or false");
}

TEST(View, RenderKeepsTheViewsColumns) {
  const Session s = lecture_session(2);
  const Trace trace = nntutor::run(s);
  const View view = nntutor::parse_view(R"({"columns": ["z", "loss"], "layers": [1]})");
  EXPECT_EQ(nntutor::render(s, trace, Format::kMarkdown, 4, view),
            "| step | z1 | L |\n|---:|---:|---:|\n| 1 | 0.5000 | 0.0714 |\n| 2 | 0.5033 | 0.0703 |\n");
  EXPECT_EQ(nntutor::render(s, trace, Format::kCsv, 4, View{}), nntutor::render(s, trace, Format::kCsv, 4));
}

// ---- The CLI, end to end ----

using nntutor_test::CliResult;
using nntutor_test::cli;
using nntutor_test::temp_path;
using nntutor_test::write_temp;

const std::string kLecturePath = nntutor_test::source_path("examples/lecture.json");

TEST(Cli, LectureCsvIsTheDefault) {
  const CliResult r = cli("table '" + kLecturePath + "' --steps 2");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, kLectureCsv);
  EXPECT_EQ(r.err, "");
}

TEST(Cli, EveryFormatIsTheLibrarysText) {
  EXPECT_EQ(cli("table '" + kLecturePath + "' --steps 2 --format csv --precision 4").out, kLectureCsv);
  EXPECT_EQ(cli("table '" + kLecturePath + "' --format markdown --steps 2").out, kLectureMarkdown);
  EXPECT_EQ(cli("table '" + kLecturePath + "' --format latex --steps 2").out, kLectureLatex);
  const Session s = nntutor::parse_session(lecture_json());  // 5 steps, as the file says
  const Trace trace = nntutor::run(s);
  EXPECT_EQ(cli("table '" + kLecturePath + "' --format json").out,
            nntutor::render(s, trace, Format::kJson, 4));
  EXPECT_EQ(cli("table '" + kLecturePath + "' --precision 9 --format md").out,
            nntutor::render(s, trace, Format::kMarkdown, 9));
}

TEST(Cli, ReadsStandardInput) {
  const std::string text = lecture_json();
  const CliResult r = cli("table - --steps 2", &text);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, kLectureCsv);
}

TEST(Cli, DivergenceIsAResultNotAnError) {
  const std::string path = write_temp("diverging.json", kDivergingSession);
  const CliResult r = cli("table '" + path + "' --precision 2");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, kDivergedCsv);
  EXPECT_EQ(r.err, "nntutor: diverged at step 2: w1 overflowed to -inf in the update of step 1\n");
}

/// Bad input: exit 2 and exactly `message` on stderr, nothing on stdout.
void expect_bad_input(const std::string& args, const std::string& message,
                      const std::string* stdin_text = nullptr) {
  SCOPED_TRACE("nntutor " + args);
  const CliResult r = cli(args, stdin_text);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, message + "\n");
  EXPECT_EQ(r.out, "");
}

TEST(Cli, BadOptions) {
  const std::string lecture = "table '" + kLecturePath + "'";
  expect_bad_input(lecture + " --format xml",
                   "nntutor: --format: expected json, csv, markdown or latex, got \"xml\"");
  expect_bad_input(lecture + " --precision 18",
                   "nntutor: --precision: expected a whole number from 0 to 17, got 18");
  expect_bad_input(lecture + " --precision -1",
                   "nntutor: --precision: expected a whole number from 0 to 17, got -1");
  expect_bad_input(lecture + " --precision abc",
                   "nntutor: --precision: expected a whole number, got \"abc\"");
  expect_bad_input(lecture + " --precision 4.5",
                   "nntutor: --precision: expected a whole number, got \"4.5\"");
  expect_bad_input(lecture + " --steps 10001",
                   "nntutor: --steps: expected a whole number from 0 to 10000, got 10001");
  expect_bad_input(lecture + " --steps -3",
                   "nntutor: --steps: expected a whole number from 0 to 10000, got -3");
  expect_bad_input(lecture + " --steps", "nntutor: --steps: expected a value after it");
  expect_bad_input(lecture + " --colour red",
                   "nntutor: --colour: unknown option (expected --steps, --format, --precision)");
  expect_bad_input(lecture + " other.json",
                   "nntutor: other.json: unexpected argument (only one session file is read)");
  expect_bad_input("table --steps 2", "nntutor: SESSION.json: expected a session file or -");
  expect_bad_input("tabel x.json", "nntutor: \"tabel\": unknown command (expected table, equations, check, assignment, tutor, summary, train, predict, gradients, graph, variant, grade or grade-report)");
}

TEST(Cli, MissingFile) {
  const std::string path = temp_path("does-not-exist.json");
  expect_bad_input("table '" + path + "'", "nntutor: " + path + ": cannot open the file");
}

TEST(Cli, BadSessions) {
  json j = json::parse(lecture_json());
  j["layers"][1]["weights"] = {{0.8}, {0.1}};
  std::string path = write_temp("two-rows.json", j.dump());
  expect_bad_input("table '" + path + "'",
                   "nntutor: " + path + ": layers[1].weights: expected 1 row of 1 number, got 2 rows");

  path = write_temp("huge.json", R"({"inputs": [[1e999]], "targets": [[1]],
      "layers": [{"units": 1, "activation": "linear"}]})");
  expect_bad_input("table '" + path + "'",
                   "nntutor: " + path + ": session: number overflow parsing '1e999' (expected a finite number)");

  path = write_temp("empty.json", "");
  expect_bad_input("table '" + path + "'",
                   "nntutor: " + path + ": session: not valid JSON (parse error at line 1, column 1: "
                   "syntax error while parsing value - unexpected end of input; expected '[', '{', "
                   "or a literal)");

  const std::string three = "3";
  expect_bad_input("table -", "nntutor: -: session: expected a JSON object, got number 3", &three);
}

TEST(Cli, UsageAndHelp) {
  const CliResult none = cli("");
  EXPECT_EQ(none.status, 2);
  EXPECT_EQ(none.out.rfind("usage: nntutor table SESSION.json", 0), 0u);
  const CliResult help = cli("--help");
  EXPECT_EQ(help.status, 0);
  EXPECT_EQ(help.out, none.out);
}

// ---- The optimizer's state and the mini-batch ----

/// The lecture's network and start values, trained by `optimizer` (a JSON object).
Session lecture_with(const json& optimizer, int steps = 3) {
  json j = json::parse(lecture_json());
  j["optimizer"] = optimizer;
  j["steps"] = steps;
  return nntutor::parse_session(j.dump());
}

TEST(StateColumns, AdamHasMAndVOfEveryParameterAfterItsGradients) {
  const Session s = lecture_with({{"name", "adam"}, {"learning_rate", 0.1}});
  const auto columns = nntutor::table_columns(s.network, 1, s.optimizer);
  EXPECT_EQ(names(columns),
            (std::vector<std::string>{"step", "w1", "b1", "z1", "y1", "dL/dw1", "dL/db1", "m_w1", "m_b1",
                                      "v_w1", "v_b1", "w2", "b2", "z2", "y2", "dL/dw2", "dL/db2", "m_w2",
                                      "m_b2", "v_w2", "v_b2", "L"}));
  EXPECT_EQ(columns[7].kind, Kind::kState);
  EXPECT_EQ(columns[7].slot, "m");
  EXPECT_EQ(columns[7].input, 1);   // a weight
  EXPECT_EQ(columns[10].slot, "v");
  EXPECT_EQ(columns[10].input, 0);  // a bias
  EXPECT_EQ(std::string(nntutor::kind_name(Kind::kState)), "state");
  // rmsprop v, adagrad a, sgd nothing.
  EXPECT_EQ(names(nntutor::table_columns(s.network, 1, lecture_with({{"name", "rmsprop"}}).optimizer))[7], "v_w1");
  EXPECT_EQ(names(nntutor::table_columns(s.network, 1, lecture_with({{"name", "adagrad"}}).optimizer))[8], "a_b1");
  EXPECT_EQ(nntutor::table_columns(s.network, 1, lecture_with({{"name", "sgd"}}).optimizer).size(), 14u);
  // Larger layers: the parameter's name after the slot.
  const Session wide = nntutor::parse_session(R"({"inputs": [[1, 2]], "targets": [[1]],
      "layers": [{"units": 2, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}],
      "optimizer": {"name": "rmsprop"}})");
  const auto wide_names = names(nntutor::table_columns(wide.network, 1, wide.optimizer));
  EXPECT_NE(std::find(wide_names.begin(), wide_names.end(), "v_w1[2,1]"), wide_names.end());
  EXPECT_NE(std::find(wide_names.begin(), wide_names.end(), "v_b1[2]"), wide_names.end());
  EXPECT_NE(std::find(wide_names.begin(), wide_names.end(), "v_w2[1,2]"), wide_names.end());
}

TEST(StateColumns, RowsHoldTheStateAfterTheStepsUpdateAndRenderEverywhere) {
  const Session s = lecture_with({{"name", "adam"}, {"learning_rate", 0.1}});
  const Trace trace = nntutor::run(s);
  const auto table = nntutor::make_table(s.network, 1, trace, s.optimizer);
  ASSERT_EQ(table.rows.size(), 3u);
  // m after step 1 = (1 − β₁)·g, v = (1 − β₂)·g², g = the row's ∂L/∂w1.
  EXPECT_NEAR(table.rows[0][7], 0.1 * table.rows[0][5], 1e-17);
  EXPECT_NEAR(table.rows[0][9], 0.001 * table.rows[0][5] * table.rows[0][5], 1e-20);
  // Step 2's m builds on step 1's: β₁·m + (1 − β₁)·g.
  EXPECT_NEAR(table.rows[1][7], 0.9 * table.rows[0][7] + 0.1 * table.rows[1][5], 1e-17);
  const std::string csv = nntutor::render(s, trace, Format::kCsv, 6);
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "step,w1,b1,z1,y1,dL/dw1,dL/db1,m_w1,m_b1,v_w1,v_b1,w2,b2,z2,y2,dL/dw2,dL/db2,m_w2,m_b2,v_w2,v_b2,L");
  EXPECT_NE(csv.find("\n1,0.500000,0.000000,0.500000,0.622459,-0.016710,-0.016710,-0.001671,-0.001671,0.000000,"),
            std::string::npos)
      << csv;
  const std::string md = nntutor::render(s, trace, Format::kMarkdown, 4);
  EXPECT_NE(md.find("| m_w1 | m_b1 | v_w1 | v_b1 |"), std::string::npos) << md;
  const std::string tex = nntutor::render(s, trace, Format::kLatex, 4);
  EXPECT_NE(tex.find("$m_{w_{1}}$ & $m_{b_{1}}$ & $v_{w_{1}}$ & $v_{b_{1}}$"), std::string::npos) << tex;
  const std::string lines = nntutor::render(s, trace, Format::kJson, 4);
  const json line = json::parse(lines.substr(0, lines.find('\n')));
  EXPECT_EQ(line["layers"][0]["state"]["m"]["W"][0][0].get<double>(), trace.steps[0].layers[0].state_W[0](0, 0));
  EXPECT_EQ(line["layers"][1]["state"]["v"]["b"][0].get<double>(), trace.steps[0].layers[1].state_b[1](0));
  // The view: "state" keeps or drops them; run_result_json describes them with their slot.
  View no_state;
  no_state.kinds = {Kind::kW, Kind::kLoss};
  EXPECT_EQ(nntutor::render(s, trace, Format::kCsv, 2, no_state).substr(0, 13), "step,w1,w2,L\n");
  const View state_only = nntutor::parse_view(R"({"columns": ["state"], "layers": [2]})");
  const json result = json::parse(nntutor::run_result_json(s, trace, state_only));
  ASSERT_EQ(result["table"]["columns"].size(), 5u);
  EXPECT_EQ(result["table"]["columns"][1],
            json::parse(R"({"name": "m_w2", "kind": "state", "layer": 2, "unit": 1, "input": 1, "sample": 0, "slot": "m"})"));
  EXPECT_EQ(result["steps"][0]["layers"][0]["state"]["v"]["W"][0][0].get<double>(),
            trace.steps[0].layers[0].state_W[1](0, 0));
  EXPECT_EQ(result["session"]["optimizer"]["name"], "adam");
}

TEST(BatchColumns, OneColumnPerSampleSaysWhetherTheStepUsedIt) {
  const Session s = nntutor::parse_session(R"({"inputs": [[1], [0.5], [-1]], "targets": [[1], [0], [0.5]],
      "layers": [{"units": 1, "activation": "sigmoid", "weights": [[0.5]]}],
      "optimizer": {"name": "sgd", "batch_size": 2, "shuffle_seed": 3}, "steps": 4})");
  const Trace trace = nntutor::run(s);
  const auto table = nntutor::make_table(s.network, 3, trace, s.optimizer);
  const auto all = names(table.columns);
  EXPECT_EQ(std::vector<std::string>(all.begin(), all.begin() + 5),
            (std::vector<std::string>{"step", "batch@1", "batch@2", "batch@3", "w1"}));
  EXPECT_EQ(table.columns[2].kind, Kind::kBatch);
  EXPECT_EQ(table.columns[2].sample, 2);
  for (std::size_t k = 0; k < table.rows.size(); ++k) {
    double used = 0;
    for (int c = 1; c <= 3; ++c) {
      const bool in = std::find(trace.steps[k].batch.begin(), trace.steps[k].batch.end(), c) !=
                      trace.steps[k].batch.end();
      EXPECT_EQ(table.rows[k][static_cast<std::size_t>(c)], in ? 1.0 : 0.0);
      used += table.rows[k][static_cast<std::size_t>(c)];
    }
    EXPECT_EQ(used, k % 2 == 0 ? 2 : 1);  // 3 samples in batches of 2: 2, 1, 2, 1
  }
  const std::string csv = nntutor::render(s, trace, Format::kCsv, 2);
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "step,batch@1,batch@2,batch@3,w1,b1,z1@1,z1@2,z1@3,y1@1,y1@2,y1@3,dL/dw1,dL/db1,L");
  std::string row1 = "1";  // the batch columns are whole numbers, like the step
  for (int c = 1; c <= 3; ++c) row1 += table.rows[0][static_cast<std::size_t>(c)] == 1 ? ",1" : ",0";
  EXPECT_EQ(csv.substr(csv.find('\n') + 1, 7), row1) << csv;
  EXPECT_NE(nntutor::render(s, trace, Format::kLatex, 2).find("batch$^{(s=1)}$"), std::string::npos);
  const std::string lines = nntutor::render(s, trace, Format::kJson, 2);
  EXPECT_EQ(json::parse(lines.substr(0, lines.find('\n')))["batch"], json(trace.steps[0].batch));
  EXPECT_SESSION_ERROR(nntutor::parse_view(R"({"columns": ["q"]})"),
                       "options.columns[0]: expected one of w, b, z, y, dw, db, loss, state, batch, got \"q\"");
}

}  // namespace

namespace {

// softplus and swish are rows of the activation table: the command line takes them as any other.
TEST(Cli, SoftplusAndSwishSessions) {
  const std::string path = write_temp("softplus.json", R"({"inputs": [[1]], "targets": [[1]],
      "layers": [{"units": 1, "activation": "softplus", "weights": [[0.5]], "biases": [0]},
                 {"units": 1, "activation": "swish", "weights": [[0.8]], "biases": [0]}]})");
  const CliResult table = cli("table '" + path + "' --steps 1");
  EXPECT_EQ(table.status, 0) << table.err;
  // z1 = 0.5, y1 = ln(1 + e^0.5) = 0.9741, w2 = 0.8, z2 = 0.8·0.9741 = 0.7793, y2 = z2·σ(z2) = 0.5342
  EXPECT_NE(table.out.find("\n1,0.5000,0.0000,0.5000,0.9741,"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find(",0.8000,0.0000,0.7793,0.5342,"), std::string::npos) << table.out;
  const CliResult equations = cli("equations '" + path + "'");
  EXPECT_EQ(equations.status, 0) << equations.err;
  EXPECT_NE(equations.out.find("\\sigma(z_{1})"), std::string::npos) << equations.out;  // softplus′ = σ
}

}  // namespace
