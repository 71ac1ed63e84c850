#include "nntutor/assignment.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>

#include "nntutor/error.hpp"
#include "nntutor/rates.hpp"

namespace nntutor {

namespace {

using json = nlohmann::ordered_json;

/// A rate found by bisection, to 4 significant digits (the tolerance is 0.1 %).
std::string rate4(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", v);
  return text;
}

/// A loss to 6 significant digits.
std::string loss6(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", v);
  return text;
}

std::string loss_list(const std::vector<double>& losses) {
  std::string out;
  for (std::size_t i = 0; i < losses.size(); ++i) out += (i ? ", " : "") + loss6(losses[i]);
  return out;
}

json run_json(const AssignmentRun& r) {
  return {{"learning_rate", r.learning_rate},
          {"losses", r.losses},
          {"first_rise", r.first_rise ? json(*r.first_rise) : json(nullptr)},
          {"diverged", r.diverged ? json{{"at", r.diverged->at}, {"reason", r.diverged->reason}}
                                  : json(nullptr)}};
}

/// What happened in a run that rises, e.g. "the loss first rises at step 3 (0.12 → 0.15)".
std::string rise_text(const AssignmentRun& r) {
  if (r.first_rise) {
    const int k = *r.first_rise;
    return "the loss first rises at step " + std::to_string(k) + " (" + loss6(r.losses[k - 2]) +
           " → " + loss6(r.losses[k - 1]) + ")";
  }
  return "the run diverges at step " + std::to_string(r.diverged->at) + " (" + r.diverged->reason + ")";
}

}  // namespace

const std::vector<double>& assignment_sweep_rates() {
  static const std::vector<double> rates = {0.2, 0.5, 1,   2,   5,   10,  20,
                                            50,  100, 200, 500, 1000};
  return rates;
}

AssignmentRun assignment_run(const Session& session, double learning_rate, int steps) {
  OptimizerSettings opt = session.optimizer;  // its optimizer, batches and all, at this η
  opt.learning_rate = learning_rate;
  const Trace trace = run(session.network, session.batch, session.loss, opt, steps);
  AssignmentRun r;
  r.learning_rate = learning_rate;
  r.diverged = trace.diverged;
  for (const auto& s : trace.steps) r.losses.push_back(s.loss);
  for (std::size_t k = 1; k < r.losses.size(); ++k) {
    const int step = static_cast<int>(k) + 1;
    if (!r.first_rise && r.losses[k] > r.losses[k - 1]) r.first_rise = step;
    if (!r.first_not_falling && !(r.losses[k] < r.losses[k - 1])) r.first_not_falling = step;
  }
  return r;
}

AssignmentReport check_assignment(const Session& session) {
  if (session.is_graph())
    throw SessionError("graph: Assignment 4 asks for a layered network (\"layers\"), and this session "
                       "is a graph of neurons; build the assignment's network in the Network panel");
  {
    Session limited = session;  // 10 steps must fit the engine's limits (work, trace size)
    set_steps(limited, kAssignmentSteps, "steps");
  }
  AssignmentReport rep;
  const Network& net = session.network;

  // 1. Neurons: the units of every layer (hidden and output); the inputs are not neurons.
  rep.inputs = net.inputs();
  std::string per_layer;
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    rep.units.push_back(net.layers[l].units());
    rep.neurons += net.layers[l].units();
    per_layer += (l ? " + " : "") + std::to_string(net.layers[l].units());
  }
  {
    Requirement q{"neurons", "At least 5 neurons", rep.neurons >= kAssignmentMinNeurons, ""};
    q.evidence = "The network has " + std::to_string(rep.neurons) + " neuron" +
                 (rep.neurons == 1 ? "" : "s") + " (" + per_layer + (rep.neurons == 1 ? " unit in " : " units in ") +
                 std::to_string(net.layers.size()) + " layer" + (net.layers.size() == 1 ? "" : "s") +
                 "; neurons = units of the hidden and output layers, the " +
                 std::to_string(rep.inputs) + " input" + (rep.inputs == 1 ? " is" : "s are") +
                 " not counted): " + std::to_string(rep.neurons) + (q.passed ? " ≥ " : " < ") +
                 std::to_string(kAssignmentMinNeurons) + ".";
    rep.requirements.push_back(std::move(q));
  }

  // 2. ReLU (max(0, z)) or sigmoid in some layer; leaky_relu and elu are not ReLU.
  std::string used, all;
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const std::string& name = net.layers[l].f.name;
    rep.activations.push_back(name);
    all += (l ? ", " : "") + std::string("layer ") + std::to_string(l + 1) + " " + name;
    const ActivationKind kind = net.layers[l].f.kind;
    if (kind == ActivationKind::kRelu || kind == ActivationKind::kSigmoid) {
      rep.relu_sigmoid_layers.push_back(static_cast<int>(l) + 1);
      used += (used.empty() ? "" : ", ") + std::string("layer ") + std::to_string(l + 1) + " (" + name + ")";
    }
  }
  {
    Requirement q{"activation", "ReLU or sigmoid used", !rep.relu_sigmoid_layers.empty(), ""};
    q.evidence = q.passed ? "ReLU or sigmoid is used in " + used + "."
                          : "No layer uses relu or sigmoid (" + all +
                                "); leaky_relu and elu do not count as ReLU = max(0, z).";
    rep.requirements.push_back(std::move(q));
  }

  // 3. At η = 0.1 every one of the 10 losses is below the one before.
  rep.at_rate = assignment_run(session, kAssignmentRate);
  {
    const AssignmentRun& r = rep.at_rate;
    Requirement q{"monotone", "The loss falls monotonically over 10 steps at η = 0.1", r.monotone(), ""};
    if (q.passed) {
      q.evidence = "At η = 0.1 the loss falls at every one of the 10 steps: " + loss_list(r.losses) + ".";
    } else if (r.first_not_falling) {
      const int k = *r.first_not_falling;
      q.evidence = "At η = 0.1 the loss does not fall at step " + std::to_string(k) + " (" +
                   loss6(r.losses[k - 2]) + " → " + loss6(r.losses[k - 1]) + "); losses: " +
                   loss_list(r.losses) + ".";
    } else {
      q.evidence = "At η = 0.1 the run diverges at step " + std::to_string(r.diverged->at) + " (" +
                   r.diverged->reason + ")" + (r.losses.empty() ? "" : "; losses before: " + loss_list(r.losses)) + ".";
    }
    rep.requirements.push_back(std::move(q));
  }

  // 4. Some η > 0.1 makes the loss rise within 10 steps: the sweep, then bisection.
  for (double eta : assignment_sweep_rates()) {
    rep.sweep.push_back(assignment_run(session, eta));
    if (rep.sweep.back().rises()) break;
  }
  Requirement rises{"rises", "Some learning rate > 0.1 makes the loss rise within 10 steps", false, ""};
  if (rep.sweep.back().rises()) {
    AssignmentRun hi = rep.sweep.back();
    const bool base_rises = rep.at_rate.rises();
    double lo = rep.sweep.size() > 1 ? rep.sweep[rep.sweep.size() - 2].learning_rate : kAssignmentRate;
    if (!base_rises || rep.sweep.size() > 1) {
      rep.refined = true;
      while (hi.learning_rate / lo > 1 + kAssignmentTolerance && rep.bisections < kAssignmentMaxBisections) {
        const double mid = std::sqrt(lo * hi.learning_rate);
        AssignmentRun m = assignment_run(session, mid);
        ++rep.bisections;
        if (m.rises()) hi = std::move(m);
        else lo = mid;
      }
      rep.below = lo;
    }
    rep.smallest_rise = hi;
    rises.passed = true;
    rises.evidence = "At η = " + rate4(hi.learning_rate) + " " + rise_text(hi) + "; losses: " +
                     loss_list(hi.losses) + ".";
    if (rep.refined)
      rises.evidence += " It is the smallest rising rate found: the sweep rose first at η = " +
                        exact_text(rep.sweep.back().learning_rate) + ", and bisection narrowed it to within " +
                        "0.1 % of η = " + rate4(lo) + ", where the loss does not rise.";
    else
      rises.evidence += " (η = 0.1 already rises, so the first rate of the sweep is reported.)";
  } else {
    Session ten = session;
    ten.steps = kAssignmentSteps;
    const double top = assignment_sweep_rates().back();
    const std::string said = compare_rates(ten, {top}).explanation;
    const std::string tried = "(η = " + exact_text(top) + "). ";
    const std::size_t at = said.find(tried);
    std::string why = at == std::string::npos ? "" : said.substr(at + tried.size());
    if (why.rfind("A larger rate", 0) == 0)
      why = "The loss only moves slowly or settles: try other start weights, a target that the "
            "output can overshoot (e.g. inside (0, 1) for a sigmoid output, such as 0.5) or a "
            "linear output.";
    rep.explanation = why;
    rises.evidence = "No learning rate from " + exact_text(assignment_sweep_rates().front()) + " to " +
                     exact_text(top) + " (" + std::to_string(rep.sweep.size()) +
                     " rates tried) makes the loss rise within 10 steps. " + why;
  }
  rep.requirements.push_back(std::move(rises));

  int failed = 0;
  std::string failed_ids;
  for (const auto& q : rep.requirements)
    if (!q.passed) failed_ids += (failed++ ? ", " : "") + q.id;
  rep.passed = failed == 0;
  rep.summary = rep.passed ? "All 4 requirements of Assignment 4 pass."
                           : std::to_string(failed) + " of 4 requirements of Assignment 4 " +
                                 (failed == 1 ? "fails" : "fail") + ": " + failed_ids + ".";
  return rep;
}

std::string assignment_json(const AssignmentReport& rep) {
  json reqs = json::array();
  for (const auto& q : rep.requirements) {
    json j = {{"id", q.id}, {"title", q.title}, {"passed", q.passed}, {"evidence", q.evidence}};
    if (q.id == "neurons") {
      j["neurons"] = rep.neurons;
      j["inputs"] = rep.inputs;
      j["units"] = rep.units;
      j["minimum"] = kAssignmentMinNeurons;
      j["counted"] = "units of the hidden and output layers; inputs are not neurons";
    } else if (q.id == "activation") {
      json layers = json::array();
      for (int l : rep.relu_sigmoid_layers)
        layers.push_back({{"layer", l}, {"activation", rep.activations[static_cast<std::size_t>(l - 1)]}});
      j["layers"] = std::move(layers);
      j["activations"] = rep.activations;
    } else if (q.id == "monotone") {
      json r = run_json(rep.at_rate);
      for (auto& [k, v] : r.items()) j[k] = v;
      j["steps"] = kAssignmentSteps;
      j["first_not_falling"] = rep.at_rate.first_not_falling ? json(*rep.at_rate.first_not_falling) : json(nullptr);
    } else if (q.id == "rises") {
      json sweep = json::array();
      for (const auto& r : rep.sweep)
        sweep.push_back({{"learning_rate", r.learning_rate},
                         {"first_rise", r.first_rise ? json(*r.first_rise) : json(nullptr)},
                         {"diverged", r.diverged.has_value()}});
      j["steps"] = kAssignmentSteps;
      j["sweep"] = std::move(sweep);
      if (rep.smallest_rise) {
        json r = run_json(*rep.smallest_rise);
        for (auto& [k, v] : r.items()) j[k] = v;
      } else {
        j["learning_rate"] = nullptr;
        j["losses"] = json::array();
        j["first_rise"] = nullptr;
        j["diverged"] = nullptr;
      }
      j["below"] = rep.below ? json(*rep.below) : json(nullptr);
      j["tolerance"] = kAssignmentTolerance;
      j["bisections"] = rep.bisections;
      j["explanation"] = rep.explanation;
    }
    reqs.push_back(std::move(j));
  }
  return json{{"requirements", std::move(reqs)}, {"passed", rep.passed}, {"summary", rep.summary}}.dump();
}

std::string assignment_text(const AssignmentReport& rep) {
  std::string out = "Assignment 4\n";
  int n = 0;
  for (const auto& q : rep.requirements) {
    out += std::to_string(++n) + ". [" + (q.passed ? "PASS" : "FAIL") + "] " + q.title + "\n   " +
           q.evidence + "\n";
  }
  out += rep.summary + "\n";
  return out;
}

}  // namespace nntutor
