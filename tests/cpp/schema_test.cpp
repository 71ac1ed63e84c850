// schema(): what the page builds its choosers, defaults and limits from — the math rows.
#include "nntutor/schema.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "nntutor/activation.hpp"
#include "nntutor/loss.hpp"

TEST(Schema, ListsEveryRowWithTheWorkedExamplesDefaults) {
  const auto j = nlohmann::json::parse(nntutor::schema_json());
  std::vector<std::string> activations, losses, optimizers;
  for (const auto& a : j["activations"]) activations.push_back(a["name"]);
  for (const auto& l : j["losses"]) losses.push_back(l["name"]);
  for (const auto& o : j["optimizers"]) optimizers.push_back(o["name"]);
  EXPECT_EQ(activations, nntutor::activation_names());
  EXPECT_EQ(losses, nntutor::loss_names());
  EXPECT_EQ(optimizers, (std::vector<std::string>{"sgd", "adagrad", "rmsprop", "adam"}));
  EXPECT_EQ(j["activations"][3]["name"], "leaky_relu");
  EXPECT_EQ(j["activations"][3]["alpha"], 0.1);        // the slide's slope
  EXPECT_EQ(j["activations"][3]["keras_alpha"], 0.2);  // Keras' default
  EXPECT_EQ(j["activations"][0]["output"]["lo"], 0);
  EXPECT_TRUE(j["activations"][2]["output"]["hi"].is_null());  // ReLU: unbounded above
  EXPECT_EQ(j["losses"][5]["requires_output"], "softmax");
  EXPECT_EQ(j["losses"][4]["targets"], "probabilities");
  EXPECT_EQ(j["optimizers"][0]["worked_example"]["learning_rate"], 0.1);  // the lecture's η
  EXPECT_EQ(j["optimizers"][0]["worked_example"]["state"], nlohmann::json::array());
  EXPECT_EQ(j["optimizers"][3]["worked_example"]["learning_rate"], 0.001);
  EXPECT_EQ(j["optimizers"][3]["worked_example"]["state"], (nlohmann::json{"m", "v"}));
  EXPECT_EQ(j["optimizers"][3]["hyperparameters"][1]["name"], "beta_2");
  EXPECT_EQ(j["optimizers"][3]["hyperparameters"][1]["default"], 0.999);
  EXPECT_EQ(j["limits"]["page"]["units"], 32);
  EXPECT_EQ(j["defaults"]["loss"], "half_sse");
  EXPECT_EQ(j["defaults"]["steps"], 5);
}

#include "nntutor/model_schema.hpp"

TEST(ModelSchema, TheTrainersRowsAreTheSameRows) {
  const auto model = nlohmann::json::parse(nntutor::keras::model_schema_json());
  const auto page = nlohmann::json::parse(nntutor::schema_json());
  EXPECT_EQ(model["activations"], page["activations"]);
  EXPECT_EQ(model["losses"], page["losses"]);
  EXPECT_EQ(model["limits"]["units"], 4096);
  std::vector<std::string> keras_losses;
  for (const auto& l : model["losses"])
    if (l["keras"].get<bool>()) keras_losses.push_back(l["name"]);
  EXPECT_EQ(keras_losses, (std::vector<std::string>{"mse", "mae", "msle", "bce", "cross_entropy"}));
}
