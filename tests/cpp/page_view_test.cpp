// What the page draws at once: the table's cut and the equations chosen, decided in the core.
#include "nntutor/page_view.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "test_helpers.hpp"

namespace {

using nntutor::DrawLimits;
using nntutor::Session;
using nntutor::TableDecision;
using Kind = nntutor::Column::Kind;

/// A network of `layers` layers of `units` units (tanh, weights from the seed) on `inputs`
/// inputs and `samples` samples.
Session wide(int layers, int units, int inputs = 4, int samples = 2) {
  nlohmann::json j;
  j["inputs"] = nlohmann::json::array();
  j["targets"] = nlohmann::json::array();
  for (int s = 0; s < samples; ++s) {
    j["inputs"].push_back(std::vector<double>(static_cast<std::size_t>(inputs), 0.5 * s));
    j["targets"].push_back({0.25});
  }
  j["layers"] = nlohmann::json::array();
  for (int l = 0; l < layers; ++l) j["layers"].push_back({{"units", l + 1 == layers ? 1 : units}, {"activation", "tanh"}});
  return nntutor::parse_session(j.dump());
}

const std::vector<Kind> kAll = {Kind::kW, Kind::kB, Kind::kZ, Kind::kY, Kind::kDW, Kind::kDB, Kind::kLoss,
                                Kind::kState, Kind::kBatch};

TEST(PageView, TheLectureTableIsShownWhole) {
  const Session s = nntutor::parse_session(nntutor_test::lecture_json());
  const TableDecision d = nntutor::choose_table(s, {std::nullopt, kAll, 5});
  EXPECT_EQ(d.cut, TableDecision::Cut::kNone);
  EXPECT_EQ(d.all_columns, 14u);  // step + w1 b1 z1 y1 dw1 db1 w2 b2 z2 y2 dw2 db2 + L
  EXPECT_EQ(d.layers, (std::vector<int>{1, 2}));
  // Gradient descent has no state and no mini-batches: those kinds are dropped.
  EXPECT_EQ(d.kinds, (std::vector<Kind>{Kind::kW, Kind::kB, Kind::kZ, Kind::kY, Kind::kDW, Kind::kDB, Kind::kLoss}));
  EXPECT_EQ(d.cells, 14 * 5);
  const auto e = nntutor::choose_equations(s);
  EXPECT_EQ(e.layer, 0);
  EXPECT_EQ(e.unit, 0);
}

TEST(PageView, AWideNetworkStartsWithItsOutputLayerThenTheLossOnly) {
  const Session s = wide(8, 32);
  const auto j = nlohmann::json::parse(nntutor::describe_json(s, R"({"columns": ["w","b","z","y","dw","db","loss"], "steps": 1})"));
  EXPECT_EQ(j["table"]["layers"], (nlohmann::json{8}));
  EXPECT_EQ(j["table"]["note"], "This network's table would have " + nntutor::grouped(j["table"]["all_columns"].get<long long>()) +
                                    " columns: it shows layer 8 (the output) only. Tick other layers to add them.");
  EXPECT_GT(j["table"]["all_columns"].get<long long>(), 300);
  // Every layer ticked, 1000 rows: over 200,000 numbers, so the loss only.
  const auto many = nlohmann::json::parse(nntutor::describe_json(
      s, R"({"layers": [1,2,3,4,5,6,7,8], "columns": ["w","b","z","y","dw","db","loss"], "steps": 1000})"));
  EXPECT_EQ(many["table"]["columns"], (nlohmann::json{"loss"}));
  EXPECT_EQ(many["table"]["note"].get<std::string>().rfind("The table would hold ", 0), 0u);
  EXPECT_NE(many["table"]["note"].get<std::string>().find("(the page draws at most 200,000): it shows the loss only."),
            std::string::npos);
  // The equations: too many for all, so the output layer's (it has one unit).
  EXPECT_EQ(j["equations"], (nlohmann::json{{"layer", 8}, {"unit", 0}, {"too_many", false},
                                            {"cost", nntutor::equation_cost(s, 8, 0)}}));
  EXPECT_EQ(j["limits"]["equation_budget"], DrawLimits::kEquationBudget);
}

TEST(PageView, TheStudentsChoiceOfEquationsIsKeptAndClamped) {
  const Session s = wide(3, 32, 32, 16);
  const auto all = nntutor::choose_equations(s, std::make_pair(0, 0));
  EXPECT_EQ(all.layer, 0);
  EXPECT_TRUE(all.too_many);  // 16 samples × thousands of products
  const auto unit = nntutor::choose_equations(s, std::make_pair(2, 40));  // unit 40 of 32: all units
  EXPECT_EQ(unit.layer, 2);
  EXPECT_EQ(unit.unit, 0);
  EXPECT_EQ(nntutor::choose_equations(s, std::make_pair(9, 1)).layer, 3);
  // One path to the loss: each parameter once; several: the δ sums too.
  const Session lecture = nntutor::parse_session(nntutor_test::lecture_json());
  EXPECT_EQ(nntutor::equation_cost(lecture, 0, 0), 4);
}

TEST(PageView, BadChoicesNameTheField) {
  const Session s = nntutor::parse_session(nntutor_test::lecture_json());
  EXPECT_SESSION_ERROR(nntutor::describe_json(s, "[]"), "view: expected an object like {\"columns\": [\"w\"], \"steps\": 1}");
  EXPECT_SESSION_ERROR(nntutor::describe_json(s, R"({"layers": [0]})"),
                       "view.layers[0]: expected a whole number from 1 to 16, got 0");
  EXPECT_SESSION_ERROR(nntutor::describe_json(s, R"({"columns": ["q"]})"),
                       "options.columns[0]: expected one of w, b, z, y, dw, db, loss, state, batch, got \"q\"");
  EXPECT_SESSION_ERROR(nntutor::describe_json(s, R"({"steps": -1})"),
                       "view.steps: expected a whole number from 0 to 10000, got -1");
  EXPECT_SESSION_ERROR(nntutor::describe_json(s, "{"), "view: not valid JSON (parse error at line 1, column 2: syntax error while parsing object key - unexpected end of input; expected string literal)");
}

TEST(PageView, TheCountsOfColumnsAreThoseOfTheTablesView) {
  // choose_table counts the columns a view keeps without listing them: the same counts as
  // view_columns, for every kind alone and all together, every layer and one, with an
  // optimizer that keeps state and mini-batches.
  nlohmann::json j = nlohmann::json::parse(nntutor_test::lecture_json());
  j["inputs"] = {{0.5}, {1.0}, {-0.25}};
  j["targets"] = {{0.1}, {0.4}, {0.9}};
  j["optimizer"] = {{"name", "adam"}, {"batch_size", 2}};
  for (const Session& s : {wide(3, 5, 4, 3), nntutor::parse_session(j.dump())}) {
    const auto columns = nntutor::table_columns(s.network, s.batch.samples(), s.optimizer);
    std::vector<std::vector<Kind>> choices = {kAll};
    for (Kind k : kAll) choices.push_back({k});
    for (const auto& kinds : choices) {
      for (const std::optional<std::vector<int>>& layers :
           {std::optional<std::vector<int>>{}, std::optional<std::vector<int>>{{2}}}) {
        const TableDecision d = nntutor::choose_table(s, columns, {layers, kinds, 3});
        nntutor::View every;
        every.kinds = d.kinds;
        every.layers = {};
        EXPECT_EQ(d.all_columns, nntutor::view_columns(columns, every).size());
        nntutor::View shown = every;
        shown.layers = d.layers;
        EXPECT_EQ(d.cells, 3 * static_cast<long long>(nntutor::view_columns(columns, shown).size()));
        const TableDecision built = nntutor::choose_table(s, {layers, kinds, 3});
        EXPECT_EQ(built.all_columns, d.all_columns);
        EXPECT_EQ(built.cells, d.cells);
        EXPECT_EQ(built.kinds, d.kinds);
        EXPECT_EQ(built.layers, d.layers);
      }
    }
  }
}

TEST(PageView, DescribeWithTheWorkbooksColumnsIsTheSameText) {
  const Session s = wide(8, 32, 8, 16);
  const auto columns = nntutor::table_columns(s.network, s.batch.samples(), s.optimizer);
  for (const char* choices :
       {R"({"columns": ["w","b","z","y","dw","db","loss"], "steps": 100})",
        R"({"layers": [1,2,3,4,5,6,7,8], "columns": ["w","b","z","y","dw","db","loss"], "steps": 1000})",
        R"({"layers": [2], "columns": ["z"], "steps": 3, "equations_of": {"layer": 2, "unit": 4}})"}) {
    EXPECT_EQ(nntutor::describe_json(s, columns, choices), nntutor::describe_json(s, choices)) << choices;
  }
}

TEST(PageView, Grouped) {
  EXPECT_EQ(nntutor::grouped(0), "0");
  EXPECT_EQ(nntutor::grouped(999), "999");
  EXPECT_EQ(nntutor::grouped(1000), "1,000");
  EXPECT_EQ(nntutor::grouped(200000), "200,000");
  EXPECT_EQ(nntutor::grouped(1234567), "1,234,567");
}

}  // namespace
