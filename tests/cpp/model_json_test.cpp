// The model format: the lecture's example, defaults, the save/load round trip, and every
// rejection with its exact message.
#include "nntutor/model_json.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "nntutor/fit.hpp"
#include "test_helpers.hpp"

namespace {

using namespace nntutor::keras;
using nlohmann::json;

std::string lecture_text() {
  return nntutor_test::read_text(nntutor_test::source_path("examples/keras-lecture.json"));
}

json small() {
  return json::parse(R"({"inputs": 3, "layers": [{"type": "dense", "units": 2, "activation": "tanh"},
                      {"type": "batch_normalization"}, {"type": "dense", "units": 1}], "loss": "mse"})");
}

ModelConfig parse(const json& j) { return parse_model(j.dump()); }

TEST(ModelJson, TheLectureExample) {
  const ModelConfig c = parse_model(lecture_text());
  EXPECT_EQ(c.inputs, 9);
  ASSERT_EQ(c.layers.size(), 10u);
  EXPECT_EQ(c.layers[0].name, "dense");
  EXPECT_EQ(c.layers[0].units, 64);
  EXPECT_EQ(c.layers[1].name, "batch_normalization");
  EXPECT_EQ(c.layers[1].momentum, 0.99);
  EXPECT_EQ(c.layers[1].epsilon, 0.001);
  EXPECT_EQ(c.layers[2].name, "activation");
  EXPECT_EQ(c.layers[2].activation, ActivationKind::kRelu);
  EXPECT_EQ(c.layers[9].name, "dense_3");
  EXPECT_EQ(c.layers[9].units, 54);
  EXPECT_EQ(c.loss, LossKind::kMse);
  EXPECT_EQ(c.optimizer.kind, OptimizerKind::kAdam);
  EXPECT_EQ(c.optimizer.learning_rate, 0.001);
  EXPECT_EQ(c.optimizer.epsilon, 1e-7);
  EXPECT_EQ(c.fit.batch_size, 64);
  EXPECT_EQ(c.fit.epochs, 300);
  ASSERT_TRUE(c.fit.reduce_lr_on_plateau.has_value());
  EXPECT_EQ(c.fit.reduce_lr_on_plateau->patience, 20);
  EXPECT_EQ(c.fit.reduce_lr_on_plateau->factor, 0.1);
  EXPECT_EQ(c.fit.reduce_lr_on_plateau->monitor, "val_loss");
  ASSERT_TRUE(c.fit.early_stopping.has_value());
  EXPECT_EQ(c.fit.early_stopping->patience, 50);
  EXPECT_FALSE(c.fit.early_stopping->restore_best_weights);
  const ParameterCounts counts = count_parameters(c);
  EXPECT_EQ(counts.total, 21750);
}

TEST(ModelJson, Defaults) {
  const ModelConfig c = parse_model(R"({"inputs": 1, "layers": [{"type": "dense", "units": 1}], "loss": "mae"})");
  EXPECT_EQ(c.name, "sequential");
  EXPECT_EQ(c.seed, 1u);
  EXPECT_EQ(c.layers[0].activation, ActivationKind::kLinear);
  EXPECT_TRUE(c.layers[0].use_bias);
  EXPECT_EQ(c.optimizer.kind, OptimizerKind::kRmsprop);  // Keras' compile() default
  EXPECT_EQ(c.optimizer.learning_rate, 0.001);
  EXPECT_EQ(c.fit.batch_size, 32);
  EXPECT_EQ(c.fit.epochs, 1);
  EXPECT_TRUE(c.fit.shuffle);
  EXPECT_FALSE(c.fit.reduce_lr_on_plateau || c.fit.early_stopping);
  // An optimizer by name gets Keras' defaults for it.
  EXPECT_EQ(parse_model(R"({"inputs": 1, "layers": [{"type": "dense", "units": 1}], "loss": "mse",
                            "optimizer": "sgd"})").optimizer.learning_rate, 0.01);
}

TEST(ModelJson, SaveAndLoadBitForBit) {
  json j = small();
  j["layers"].push_back({{"type", "maxout"}, {"units", 2}, {"pieces", 3}});
  j["layers"].push_back({{"type", "activation"}, {"activation", "leaky_relu"}, {"alpha", 0.1}});
  j["layers"].push_back({{"type", "dense"}, {"units", 2}, {"use_bias", false}, {"activation", "elu"}});
  j["optimizer"] = {{"name", "sgd"}, {"learning_rate", 0.05}, {"momentum", 0.9}, {"nesterov", true}};
  j["fit"] = {{"batch_size", 4}, {"epochs", 3}, {"seed", 7},
              {"callbacks", {{{"name", "early_stopping"}, {"patience", 2}, {"baseline", 0.5}}}}};
  Sequential model(parse(j));
  Dataset d;
  d.X = Matrix::Random(3, 10);
  d.Y = Matrix::Random(2, 10);
  fit(model, d, &d);  // moving statistics and weights away from their start values
  const std::string saved = model_to_json(model);
  Sequential loaded(parse_model(saved));
  EXPECT_EQ(loaded.parameters(), model.parameters());
  EXPECT_EQ(loaded.layer(1).moving_mean, model.layer(1).moving_mean);
  EXPECT_EQ(loaded.layer(1).moving_variance, model.layer(1).moving_variance);
  EXPECT_EQ(loaded.predict(d.X), model.predict(d.X));
  EXPECT_EQ(model_to_json(loaded), saved);
  const json s = json::parse(saved);
  EXPECT_EQ(s["layers"][3]["weights"].size(), 2u);        // units
  EXPECT_EQ(s["layers"][3]["weights"][0].size(), 3u);     // pieces
  EXPECT_EQ(s["layers"][3]["weights"][0][0].size(), 1u);  // inputs (the units before it)
  EXPECT_FALSE(s["layers"][5].contains("biases"));
  EXPECT_EQ(s["fit"]["callbacks"][0]["baseline"], 0.5);
  EXPECT_EQ(s["optimizer"]["nesterov"], true);
}

TEST(ModelJson, GivenWeightsAreUsed) {
  const ModelConfig c = parse_model(R"({"inputs": 2, "layers": [
      {"type": "dense", "units": 1, "weights": [[0.5, -1]], "biases": [0.25]},
      {"type": "batch_normalization", "gamma": [2], "beta": [1], "moving_mean": [3], "moving_variance": [4]},
      {"type": "maxout", "units": 1, "pieces": 2, "weights": [[[1], [-1]]], "biases": [[0, 0.5]]}],
      "loss": "mse"})");
  Sequential m(c);
  EXPECT_EQ(m.weights(0), nntutor_test::matrix({{0.5, -1}}));
  EXPECT_EQ(m.biases(0)(0), 0.25);
  EXPECT_EQ(m.gamma(1)(0), 2);
  EXPECT_EQ(m.beta(1)(0), 1);
  EXPECT_EQ(m.layer(1).moving_mean(0), 3);
  EXPECT_EQ(m.layer(1).moving_variance(0), 4);
  EXPECT_EQ(m.weights(2), nntutor_test::matrix({{1}, {-1}}));
  EXPECT_EQ(m.biases(2)(1), 0.5);
  // x = (2, 0): z = 1.25; bn: 2·(1.25 − 3)/√4.001 + 1; maxout: max(z, −z + 0.5)
  const double bn = 2 * (1.25 - 3) / std::sqrt(4.001) + 1;
  EXPECT_NEAR(m.predict(nntutor_test::matrix({{2}, {0}}))(0, 0), std::max(bn, -bn + 0.5), 1e-15);
}

TEST(ModelJson, Limits) {
  const json limits = json::parse(model_limits_json());
  EXPECT_EQ(limits["units"], 4096);
  EXPECT_EQ(limits["layers"], 64);
  EXPECT_EQ(limits["parameters"], 2000000);
  EXPECT_EQ(limits["epochs"], 10000);
  EXPECT_EQ(limits["data"]["samples"], 1000000);
}

TEST(ModelJsonError, NotJsonOrNotAnObject) {
  EXPECT_SESSION_ERROR(parse_model("[]"), "model: expected a JSON object, got an array of 0 items");
  EXPECT_SESSION_ERROR(parse_model("{\"inputs\": 1e999}"),
                       "model: number overflow parsing '1e999' (expected a finite number)");
  try {
    parse_model("{");
    ADD_FAILURE() << "did not throw";
  } catch (const nntutor::SessionError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("model: not valid JSON (", 0), 0u) << e.what();
  }
}

TEST(ModelJsonError, TopLevelFields) {
  json j = small();
  j["layer"] = 1;
  EXPECT_SESSION_ERROR(parse(j), "layer: unknown field (expected one of fit, inputs, layers, loss, name, optimizer, seed)");
  for (const char* required : {"inputs", "layers", "loss"}) {
    json k = small();
    k.erase(required);
    EXPECT_SESSION_ERROR(parse(k), std::string(required) + ": required field is missing");
  }
  j = small();
  j["inputs"] = 0;
  EXPECT_SESSION_ERROR(parse(j), "inputs: expected a whole number from 1 to 4096, got 0");
  j["inputs"] = 2.5;
  EXPECT_SESSION_ERROR(parse(j), "inputs: expected a whole number, got 2.5");
  j["inputs"] = "9";
  EXPECT_SESSION_ERROR(parse(j), "inputs: expected a whole number, got string \"9\"");
  j = small();
  j["loss"] = "hinge";
  EXPECT_SESSION_ERROR(parse(j), "loss: expected mse, mae, msle, bce or cross_entropy, got \"hinge\"");
  j["loss"] = 1;
  EXPECT_SESSION_ERROR(parse(j), "loss: expected a string, got number 1");
  j = small();
  j["seed"] = -1;
  EXPECT_SESSION_ERROR(parse(j), "seed: expected a whole number from 0 to 9007199254740992, got -1");
  j = small();
  j["name"] = "my model";
  EXPECT_SESSION_ERROR(parse(j), "name: expected letters, digits, _, - and . only, got \"my model\"");
}

TEST(ModelJsonError, Layers) {
  json j = small();
  j["layers"] = json::object();
  EXPECT_SESSION_ERROR(parse(j), "layers: expected an array of layers, got an object");
  j["layers"] = json::array();
  EXPECT_SESSION_ERROR(parse(j), "layers: expected at least 1 layer, got none");
  j["layers"] = json::array();
  for (int i = 0; i < 65; ++i) j["layers"].push_back({{"type", "activation"}, {"activation", "relu"}});
  EXPECT_SESSION_ERROR(parse(j), "layers: expected at most 64 layers, got 65");
  j = small();
  j["layers"][0] = 3;
  EXPECT_SESSION_ERROR(parse(j), "layers[0]: expected an object like {\"type\": \"dense\", \"units\": 64}, got number 3");
  j = small();
  j["layers"][0].erase("type");
  EXPECT_SESSION_ERROR(parse(j), "layers[0].type: required field is missing");
  j["layers"][0]["type"] = "conv2d";
  EXPECT_SESSION_ERROR(parse(j),
                       "layers[0].type: expected dense, batch_normalization, activation or maxout, got string \"conv2d\"");
  j = small();
  j["layers"][0]["pieces"] = 2;
  EXPECT_SESSION_ERROR(parse(j), "layers[0].pieces: unknown field (expected one of activation, alpha, biases, name, "
                                 "type, units, use_bias, weights)");
  j = small();
  j["layers"][1]["units"] = 2;
  EXPECT_SESSION_ERROR(parse(j), "layers[1].units: unknown field (expected one of beta, epsilon, gamma, momentum, "
                                 "moving_mean, moving_variance, name, type)");
  j = small();
  j["layers"][0].erase("units");
  EXPECT_SESSION_ERROR(parse(j), "layers[0].units: required field is missing");
  j = small();
  j["layers"][1]["name"] = "x";
  j["layers"][2]["name"] = "x";
  EXPECT_SESSION_ERROR(parse(j), "layers[2].name: \"x\" is already the name of layers[1]");
  j["layers"][1]["name"] = "";
  EXPECT_SESSION_ERROR(parse(j), "layers[1].name: expected 1 to 64 characters, got 0");
  j["layers"][1]["name"] = std::string(65, 'a');
  EXPECT_SESSION_ERROR(parse(j), "layers[1].name: expected 1 to 64 characters, got 65");
  // A name given to one layer is skipped by the automatic names (Keras would refuse the clash).
  j = small();
  j["layers"][1]["name"] = "dense";
  const ModelConfig c = parse(j);
  EXPECT_EQ(c.layers[0].name, "dense_1");
  EXPECT_EQ(c.layers[2].name, "dense_2");
}

TEST(ModelJsonError, Units) {
  json j = small();
  j["layers"].push_back({{"type", "dense"}, {"units", 0}});
  EXPECT_SESSION_ERROR(parse(j), "layers[3].units: expected a whole number from 1 to 4096, got 0");
  j["layers"][3]["units"] = 4097;
  EXPECT_SESSION_ERROR(parse(j), "layers[3].units: expected a whole number from 1 to 4096, got 4097");
  j = small();
  j["inputs"] = 4096;
  j["layers"][0]["units"] = 4096;
  EXPECT_SESSION_ERROR(parse(j), "layers[0].units: the model would have more than 2000000 parameters up to this layer");
  j = small();
  j["layers"] = {{{"type", "dense"}, {"units", 1000}}, {{"type", "dense"}, {"units", 997}},
                 {{"type", "dense"}, {"units", 997}}, {{"type", "batch_normalization"}}};
  // 4000 + 997,997 + 995,006 + 3,988 (the moving statistics count too)
  EXPECT_SESSION_ERROR(parse(j), "layers[3].type: the model would have 2000991 parameters up to this layer, more than "
                                 "the limit of 2000000");
}

TEST(ModelJsonError, Activations) {
  json j = small();
  j["layers"][0]["activation"] = "gelu";
  EXPECT_SESSION_ERROR(parse(j), "layers[0].activation: expected sigmoid, tanh, relu, leaky_relu, elu, linear, "
                                 "softplus, swish or softmax, got \"gelu\"");
  j["layers"][0]["activation"] = "relu";
  j["layers"][0]["alpha"] = 0.1;
  EXPECT_SESSION_ERROR(parse(j), "layers[0].alpha: only leaky_relu and elu take alpha, not relu");
  j["layers"][0]["alpha"] = "0.1";
  EXPECT_SESSION_ERROR(parse(j), "layers[0].alpha: expected a number, got string \"0.1\"");
  j = small();
  j["layers"].push_back({{"type", "activation"}});
  EXPECT_SESSION_ERROR(parse(j), "layers[3].activation: required field is missing");
  j["layers"][3]["activation"] = "leaky_relu";
  j["layers"][3]["alpha"] = 0.3;
  EXPECT_EQ(parse(j).layers[3].alpha, 0.3);
}

TEST(ModelJsonError, DenseAndMaxoutWeights) {
  json j = small();
  j["layers"][0]["weights"] = {{1, 2, 3}};
  EXPECT_SESSION_ERROR(parse(j), "layers[0].weights: expected 2 rows of 3 numbers (one row per unit), got 1 row");
  j["layers"][0]["weights"] = {{1, 2, 3}, {1, 2}};
  EXPECT_SESSION_ERROR(parse(j), "layers[0].weights[1]: expected 3 numbers (one per input), got 2");
  j["layers"][0]["weights"] = {{1, "x", 3}, {1, 2, 3}};
  EXPECT_SESSION_ERROR(parse(j), "layers[0].weights[0][1]: expected a number, got string \"x\"");
  j["layers"][0]["weights"] = 1;
  EXPECT_SESSION_ERROR(parse(j), "layers[0].weights: expected 2 rows of 3 numbers (one row per unit), got number 1");
  j = small();
  j["layers"][0]["biases"] = {1};
  EXPECT_SESSION_ERROR(parse(j), "layers[0].biases: expected 2 numbers (one per unit), got 1");
  j["layers"][0]["use_bias"] = false;
  EXPECT_SESSION_ERROR(parse(j), "layers[0].biases: use_bias is false, so the layer has no biases");
  j["layers"][0]["use_bias"] = 1;
  EXPECT_SESSION_ERROR(parse(j), "layers[0].use_bias: expected true or false, got number 1");
  j = small();
  j["layers"][0] = {{"type", "maxout"}, {"units", 2}, {"pieces", 1}};
  EXPECT_SESSION_ERROR(parse(j), "layers[0].pieces: expected a whole number from 2 to 16, got 1");
  j["layers"][0] = {{"type", "maxout"}, {"units", 2}, {"activation", "relu"}};
  EXPECT_SESSION_ERROR(parse(j), "layers[0].activation: unknown field (expected one of biases, name, pieces, type, "
                                 "units, use_bias, weights)");
  j["layers"][0] = {{"type", "maxout"}, {"units", 2}, {"weights", {{{1, 2, 3}, {1, 2, 3}}}}};
  EXPECT_SESSION_ERROR(parse(j), "layers[0].weights: expected 2 units × 2 pieces × 3 numbers, got 1 unit");
  j["layers"][0]["weights"] = {{{1, 2, 3}, {1, 2, 3}}, {{1, 2, 3}}};
  EXPECT_SESSION_ERROR(parse(j), "layers[0].weights[1]: expected 2 rows of 3 numbers (one row per piece), got 1 row");
  j["layers"][0].erase("weights");
  j["layers"][0]["biases"] = {{1, 2}};
  EXPECT_SESSION_ERROR(parse(j), "layers[0].biases: expected 2 arrays of 2 numbers (one per unit and piece), got an "
                                 "array of 1 item");
}

TEST(ModelJsonError, BatchNormalization) {
  json j = small();
  j["layers"][1]["momentum"] = 1.5;
  EXPECT_SESSION_ERROR(parse(j), "layers[1].momentum: expected a number from 0 to 1, got 1.5");
  j = small();
  j["layers"][1]["epsilon"] = 0;
  EXPECT_SESSION_ERROR(parse(j), "layers[1].epsilon: expected a number greater than 0, got 0");
  j = small();
  j["layers"][1]["gamma"] = {1, 2, 3};
  EXPECT_SESSION_ERROR(parse(j), "layers[1].gamma: expected 2 numbers (one per feature), got 3");
  j = small();
  j["layers"][1]["moving_variance"] = {1, -2};
  EXPECT_SESSION_ERROR(parse(j), "layers[1].moving_variance[1]: expected a number of at least 0 (a variance), got -2");
}

TEST(ModelJsonError, Optimizer) {
  json j = small();
  j["optimizer"] = "adamw";
  EXPECT_SESSION_ERROR(parse(j), "optimizer: expected sgd, adagrad, rmsprop or adam, got \"adamw\"");
  j["optimizer"] = 1;
  EXPECT_SESSION_ERROR(parse(j), "optimizer: expected a name like \"adam\" or an object like {\"name\": \"adam\", "
                                 "\"learning_rate\": 0.001}, got number 1");
  j["optimizer"] = {{"learning_rate", 0.1}};
  EXPECT_SESSION_ERROR(parse(j), "optimizer.name: required field is missing");
  j["optimizer"] = {{"name", "sgd"}, {"beta_1", 0.9}};
  EXPECT_SESSION_ERROR(parse(j), "optimizer.beta_1: unknown field (expected one of learning_rate, momentum, name, "
                                 "nesterov)");
  j["optimizer"] = {{"name", "adam"}, {"learning_rate", 0}};
  EXPECT_SESSION_ERROR(parse(j), "optimizer.learning_rate: expected a number greater than 0, got 0");
  j["optimizer"] = {{"name", "rmsprop"}, {"rho", 1.1}};
  EXPECT_SESSION_ERROR(parse(j), "optimizer.rho: expected a number from 0 to 1, got 1.1");
  j["optimizer"] = {{"name", "sgd"}, {"nesterov", "yes"}};
  EXPECT_SESSION_ERROR(parse(j), "optimizer.nesterov: expected true or false, got string \"yes\"");
}

TEST(ModelJsonError, Fit) {
  json j = small();
  j["fit"] = 3;
  EXPECT_SESSION_ERROR(parse(j), "fit: expected an object like {\"batch_size\": 64, \"epochs\": 300}, got number 3");
  j["fit"] = {{"steps", 3}};
  EXPECT_SESSION_ERROR(parse(j), "fit.steps: unknown field (expected one of batch_size, callbacks, epochs, seed, shuffle)");
  j["fit"] = {{"batch_size", 0}};
  EXPECT_SESSION_ERROR(parse(j), "fit.batch_size: expected a whole number from 1 to 8192, got 0");
  j["fit"] = {{"epochs", 10001}};
  EXPECT_SESSION_ERROR(parse(j), "fit.epochs: expected a whole number from 1 to 10000, got 10001");
  j["fit"] = {{"shuffle", "yes"}};
  EXPECT_SESSION_ERROR(parse(j), "fit.shuffle: expected true or false, got string \"yes\"");
  j["fit"] = json::parse(R"({"callbacks": [["name", "early_stopping"]]})");
  EXPECT_SESSION_ERROR(parse(j), "fit.callbacks[0]: expected an object like {\"name\": \"early_stopping\"}, got an "
                                 "array of 2 items");
  j["fit"] = {{"callbacks", "early_stopping"}};
  EXPECT_SESSION_ERROR(parse(j), "fit.callbacks: expected an array like [{\"name\": \"early_stopping\", \"patience\": "
                                 "50}], got string \"early_stopping\"");
  j["fit"] = {{"callbacks", {{{"patience", 5}}}}};
  EXPECT_SESSION_ERROR(parse(j), "fit.callbacks[0].name: required field is missing");
  j["fit"] = {{"callbacks", {{{"name", "model_checkpoint"}}}}};
  EXPECT_SESSION_ERROR(parse(j), "fit.callbacks[0].name: expected reduce_lr_on_plateau or early_stopping, got string "
                                 "\"model_checkpoint\"");
  j["fit"] = {{"callbacks", {{{"name", "early_stopping"}}, {{"name", "early_stopping"}}}}};
  EXPECT_SESSION_ERROR(parse(j), "fit.callbacks[1].name: early_stopping is already fit.callbacks[0]");
  j["fit"] = {{"callbacks", {{{"name", "early_stopping"}, {"factor", 0.5}}}}};
  EXPECT_SESSION_ERROR(parse(j), "fit.callbacks[0].factor: unknown field (expected one of baseline, min_delta, mode, "
                                 "monitor, name, patience, restore_best_weights, start_from_epoch)");
  j["fit"] = {{"callbacks", {{{"name", "reduce_lr_on_plateau"}, {"factor", 1}}}}};
  EXPECT_SESSION_ERROR(parse(j), "fit.callbacks[0].factor: expected a number from 0 up to (not including) 1, got 1");
  j["fit"] = {{"callbacks", {{{"name", "reduce_lr_on_plateau"}, {"monitor", "val_acc"}}}}};
  EXPECT_SESSION_ERROR(parse(j), "fit.callbacks[0].monitor: expected val_loss or loss, got \"val_acc\"");
  j["fit"] = {{"callbacks", {{{"name", "reduce_lr_on_plateau"}, {"mode", "max"}}}}};
  EXPECT_SESSION_ERROR(parse(j), "fit.callbacks[0].mode: expected auto or min (the monitored loss is minimised), got "
                                 "string \"max\"");
  j["fit"] = {{"callbacks", {{{"name", "early_stopping"}, {"patience", 1.5}}}}};
  EXPECT_SESSION_ERROR(parse(j), "fit.callbacks[0].patience: expected a whole number, got 1.5");
  j["fit"] = {{"callbacks", {{{"name", "early_stopping"}, {"restore_best_weights", 1}}}}};
  EXPECT_SESSION_ERROR(parse(j), "fit.callbacks[0].restore_best_weights: expected true or false, got number 1");
  j["fit"] = {{"callbacks", {{{"name", "reduce_lr_on_plateau"}, {"min_lr", -1}}}}};
  EXPECT_SESSION_ERROR(parse(j), "fit.callbacks[0].min_lr: expected a number of at least 0, got -1");
  j["fit"] = {{"callbacks", {{{"name", "early_stopping"}, {"mode", "min"}}}}};
  EXPECT_TRUE(parse(j).fit.early_stopping.has_value());
}

}  // namespace
