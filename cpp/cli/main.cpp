// nntutor: the command-line shell over the core. Argument parsing and printing only.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>  // isatty: a progress bar only on a terminal

#include "nntutor/assignment.hpp"
#include "nntutor/check.hpp"
#include "nntutor/equations.hpp"
#include "nntutor/error.hpp"
#include "nntutor/report.hpp"
#include "nntutor/session.hpp"
#include "nntutor/table.hpp"
#include "nntutor/trainer.hpp"
#include "nntutor/tutor.hpp"
#include "nntutor/dataset.hpp"
#include "nntutor/fit.hpp"
#include "nntutor/model_json.hpp"

namespace {

constexpr const char* kUsage =
    "usage: nntutor table SESSION.json [--steps N] [--format json|csv|markdown|latex] "
    "[--precision P]\n"
    "  Prints the per-step table of gradient descent on the session (SESSION.json, or - for\n"
    "  standard input). json: one JSON object per step at full precision (JSON Lines);\n"
    "  csv, markdown, latex: the lecture's table with P decimals (default 4).\n"
    "  Exit 0 on success (also when the run diverged: that is a result), 2 on bad input.\n"
    "usage: nntutor equations SESSION.json [--step K] [--format latex|json] [--precision P]\n"
    "  Prints the chain rule for every weight and bias at step K (default 1): the symbols,\n"
    "  the step's numbers substituted factor by factor, and their product (= the gradient).\n"
    "usage: nntutor check SESSION.json ANSWER [--mode start|step] [--format text|json]\n"
    "  Checks a student's table (ANSWER: CSV, tab-separated or Markdown, or - for standard\n"
    "  input; one row per step) against the session: each cell correct, rounding or wrong,\n"
    "  with the expected value, its formula and the slip that explains a wrong number.\n"
    "  start: every cell against the exact run; step: each row from your own previous row.\n"
    "  Exit 0 when no cell is wrong, 1 when one is, 2 on bad input.\n"
    "usage: nntutor assignment SESSION.json [--format text|json]\n"
    "  Checks Assignment 4 on the session's network: at least 5 neurons, ReLU or sigmoid used,\n"
    "  the loss falls monotonically over 10 steps at learning rate 0.1, and some rate > 0.1\n"
    "  makes it rise within 10 steps (the smallest such rate found), each with its evidence.\n"
    "  Exit 0 when every requirement passes, 1 when one fails, 2 on bad input.\n"
    "usage: nntutor assignment SESSION.json --report markdown|latex|json [--description FILE]\n"
    "       [--precision P]\n"
    "  Writes the assignment's report instead: the description (FILE, UTF-8, at most 5000\n"
    "  characters, or - for standard input), the network and the requirements checked, the\n"
    "  gradient equations at step 1, and the 10-step tables at 0.1 and at a rate that makes\n"
    "  the loss rise, with P decimals (default 4). latex: a document that compiles on its own.\n"
    "  The same exit codes.\n"
    "usage: nntutor tutor SESSION.json [--step K] [--decimals D] [--format text|json]\n"
    "  Tutor mode: asks for step K's numbers one at a time in the lecture's order (z1, y1, z2,\n"
    "  y2, L, the gradients from the last layer back, the updated parameters), reading one\n"
    "  answer per line from standard input; says right, rounding or wrong (with the slip and\n"
    "  the formula as a hint); ? reveals the value, q stops. json: prints the step's cells and\n"
    "  exact values instead. Exit 0 when the step is worked out, 1 when stopped, 2 on bad input.\n"
    "usage: nntutor summary MODEL.json [--line-length N]\n"
    "  Prints Keras' model.summary() of a Keras-style model (docs/model.md): layers, output\n"
    "  shapes, parameter counts and totals, N characters wide (default 88, Keras' 80-column\n"
    "  terminal: 76).\n"
    "usage: nntutor train MODEL.json DATA.csv|--builtin [--features COLS] [--targets COLS]\n"
    "       [--epochs N] [--samples N] [--data-seed S] [--split-seed S] [--history H.csv]\n"
    "       [--save OUT.json]\n"
    "  Trains the model as Keras' fit does: the data split 70/20/10 and standardised with the\n"
    "  training set's statistics, mini-batches, callbacks, a progress bar on standard error;\n"
    "  prints the last epoch, why training stopped and the test loss. DATA.csv: a header row,\n"
    "  COLS names, 1-based numbers or ranges (2-10), comma-separated (default: the last column\n"
    "  is the target). --builtin: the built-in spectra (9 parameters -> 54 fluxes, N samples,\n"
    "  default 10000, drawn from --data-seed, default 1). --split-seed (default 1) shuffles the\n"
    "  split; the trainer page uses the same seeds, so the numbers are the page's.\n"
    "  --epochs overrides fit.epochs. --history writes epoch,loss,val_loss,lr;\n"
    "  --save the trained model. Exit 0 on success (also when training diverged), 2 on bad input.\n";

std::string read_all(const std::string& path) {
  std::ostringstream text;
  if (path == "-") {
    text << std::cin.rdbuf();
    return text.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw nntutor::SessionError(path + ": cannot open the file");
  text << in.rdbuf();
  return text.str();
}

long long whole_number(const std::string& text, const std::string& option) {
  std::size_t used = 0;
  long long value = 0;
  try {
    value = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size())
    throw nntutor::SessionError(option + ": expected a whole number, got \"" + text + "\"");
  return value;
}

/// The options the commands share: the files named (one session, for check also an answer)
/// and --name value pairs.
struct Options {
  std::string path;
  std::vector<std::string> more;  ///< files after the first, for commands that take more
  std::vector<std::pair<std::string, std::string>> values;
  const std::string* find(const std::string& name) const {
    for (const auto& [k, v] : values)
      if (k == name) return &v;
    return nullptr;
  }
};

Options parse_options(const std::vector<std::string>& args, const std::vector<std::string>& names,
                      std::size_t files = 1) {
  Options o;
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    bool known = false;
    for (const auto& n : names) known = known || a == n;
    if (known) {
      if (i + 1 >= args.size()) throw nntutor::SessionError(a + ": expected a value after it");
      o.values.emplace_back(a, args[++i]);
    } else if (a.size() > 1 && a[0] == '-') {
      throw nntutor::SessionError(a + ": unknown option (expected " + list + ")");
    } else if (o.path.empty()) {
      o.path = a;
    } else if (o.more.size() + 1 < files) {
      o.more.push_back(a);
    } else if (files > 1) {
      throw nntutor::SessionError(a + ": unexpected argument (check reads one session and one answer)");
    } else {
      throw nntutor::SessionError(a + ": unexpected argument (only one session file is read)");
    }
  }
  if (o.path.empty()) throw nntutor::SessionError("SESSION.json: expected a session file or -");
  return o;
}

nntutor::Session load(const std::string& path) {
  const std::string text = read_all(path);  // its message names the path already
  try {
    return nntutor::parse_session(text);
  } catch (const nntutor::SessionError& e) {
    throw nntutor::SessionError(path + ": " + e.what());
  }
}

int precision_of(const Options& o) {
  const std::string* p = o.find("--precision");
  const long long precision = p ? whole_number(*p, "--precision") : 4;
  if (precision < 0 || precision > 17)
    throw nntutor::SessionError("--precision: expected a whole number from 0 to 17, got " +
                                std::to_string(precision));
  return static_cast<int>(precision);
}

int table(const std::vector<std::string>& args) {
  const Options o = parse_options(args, {"--steps", "--format", "--precision"});
  const std::string* f = o.find("--format");
  const nntutor::Format format = f ? nntutor::parse_format(*f, "--format") : nntutor::Format::kCsv;
  const int precision = precision_of(o);
  nntutor::Session session = load(o.path);
  if (const std::string* steps = o.find("--steps"))
    nntutor::set_steps(session, whole_number(*steps, "--steps"), "--steps");
  const nntutor::Trace trace = nntutor::run(session);
  std::cout << nntutor::render(session, trace, format, precision);
  if (trace.diverged)
    std::cerr << "nntutor: diverged at step " << trace.diverged->at << ": "
              << trace.diverged->reason << "\n";
  return 0;
}

int equations(const std::vector<std::string>& args) {
  const Options o = parse_options(args, {"--step", "--format", "--precision"});
  const std::string* f = o.find("--format");
  const std::string format = f ? *f : "latex";
  if (format != "latex" && format != "json")
    throw nntutor::SessionError("--format: expected latex or json, got \"" + format + "\"");
  const int precision = precision_of(o);
  const nntutor::Session session = load(o.path);
  const std::string* k = o.find("--step");
  const long long step = k ? whole_number(*k, "--step") : 1;
  std::string result;
  try {
    result = nntutor::equations_for_step(session, step, precision);
  } catch (const nntutor::SessionError& e) {
    const std::string what = e.what();  // name the option as the user typed it
    throw nntutor::SessionError(what.rfind("step:", 0) == 0 ? "--" + what : what);
  }
  const auto parsed = nlohmann::ordered_json::parse(result);
  std::cout << (format == "json" ? parsed["equations"].dump() + "\n"
                                 : parsed["latex"].get<std::string>());
  return 0;
}

int check(const std::vector<std::string>& args) {
  const Options o = parse_options(args, {"--mode", "--format"}, 2);
  if (o.more.empty()) throw nntutor::SessionError("ANSWER: expected an answer file or -");
  const std::string& answer_path = o.more[0];
  if (o.path == "-" && answer_path == "-")
    throw nntutor::SessionError("-: only one of SESSION.json and ANSWER can be standard input");
  const std::string* m = o.find("--mode");
  const nntutor::CheckMode mode = m ? nntutor::parse_check_mode(*m, "--mode") : nntutor::CheckMode::kStart;
  const std::string* f = o.find("--format");
  const std::string format = f ? *f : "text";
  if (format != "text" && format != "json")
    throw nntutor::SessionError("--format: expected text or json, got \"" + format + "\"");
  const nntutor::Session session = load(o.path);
  const std::string text = read_all(answer_path);
  nntutor::CheckReport report;
  try {
    report = nntutor::check_answer(session, nntutor::parse_answer(session, text), mode);
  } catch (const nntutor::SessionError& e) {
    throw nntutor::SessionError(answer_path + ": " + e.what());
  }
  std::cout << (format == "json" ? nntutor::check_report_json(report) + "\n"
                                 : nntutor::check_report_text(report));
  return report.wrong > 0 ? 1 : 0;
}

/// `assignment --report FORMAT [--description FILE] [--precision P]`: the report document.
int assignment_report(const Options& o, const std::string& report_format) {
  if (o.find("--format"))
    throw nntutor::SessionError("--format: not with --report (the report's format is its value)");
  const nntutor::ReportFormat format = nntutor::parse_report_format(report_format, "--report");
  const int precision = precision_of(o);
  const std::string* description_path = o.find("--description");
  if (description_path && *description_path == "-" && o.path == "-")
    throw nntutor::SessionError("-: only one of SESSION.json and --description can be standard input");
  const nntutor::Session session = load(o.path);
  std::string description;
  if (description_path) {
    description = read_all(*description_path);  // its message names the file already
    try {
      description = nntutor::check_description(description, "description");
    } catch (const nntutor::SessionError& e) {
      throw nntutor::SessionError(*description_path + ": " + e.what());
    }
  }
  nntutor::Report report;
  try {
    report = nntutor::make_report(session, description, precision);
  } catch (const nntutor::SessionError& e) {
    throw nntutor::SessionError(o.path + ": " + e.what());
  }
  switch (format) {
    case nntutor::ReportFormat::kMarkdown: std::cout << nntutor::report_markdown(report); break;
    case nntutor::ReportFormat::kLatex: std::cout << nntutor::report_latex(report); break;
    case nntutor::ReportFormat::kJson: std::cout << nntutor::report_json(report) << "\n"; break;
  }
  return report.check.passed ? 0 : 1;
}

int assignment(const std::vector<std::string>& args) {
  const Options o = parse_options(args, {"--format", "--report", "--description", "--precision"});
  if (const std::string* r = o.find("--report")) return assignment_report(o, *r);
  for (const char* only : {"--description", "--precision"})
    if (o.find(only)) throw nntutor::SessionError(std::string(only) + ": only with --report");
  const std::string* f = o.find("--format");
  const std::string format = f ? *f : "text";
  if (format != "text" && format != "json")
    throw nntutor::SessionError("--format: expected text or json, got \"" + format + "\"");
  const nntutor::Session session = load(o.path);
  nntutor::AssignmentReport report;
  try {
    report = nntutor::check_assignment(session);
  } catch (const nntutor::SessionError& e) {
    throw nntutor::SessionError(o.path + ": " + e.what());
  }
  std::cout << (format == "json" ? nntutor::assignment_json(report) + "\n"
                                 : nntutor::assignment_text(report));
  return report.passed ? 0 : 1;
}

/// One step worked out at the terminal: a prompt per cell, the core's verdict per answer.
int tutor(const std::vector<std::string>& args) {
  const Options o = parse_options(args, {"--step", "--decimals", "--format"});
  const std::string* f = o.find("--format");
  const std::string format = f ? *f : "text";
  if (format != "text" && format != "json")
    throw nntutor::SessionError("--format: expected text or json, got \"" + format + "\"");
  const std::string* d = o.find("--decimals");
  const long long decimals = d ? whole_number(*d, "--decimals") : 4;
  if (decimals < 0 || decimals > 12)
    throw nntutor::SessionError("--decimals: expected a whole number from 0 to 12, got " + std::to_string(decimals));
  const std::string* k = o.find("--step");
  const long long step = k ? whole_number(*k, "--step") : 1;
  if (step < 1 || step >= nntutor::Limits::kMaxSteps)
    throw nntutor::SessionError("--step: expected a whole number from 1 to " +
                                std::to_string(nntutor::Limits::kMaxSteps - 1) + ", got " + std::to_string(step));
  if (o.path == "-" && format == "text")
    throw nntutor::SessionError("-: the tutor reads your answers from standard input; give the session as a file");
  const nntutor::Session session = load(o.path);
  const int p = static_cast<int>(decimals), s = static_cast<int>(step);
  nntutor::TutorStep asked;
  try {
    asked = nntutor::tutor_step(session, s);
  } catch (const nntutor::SessionError& e) {
    throw nntutor::SessionError(o.path + ": " + e.what());
  }
  if (format == "json") {
    std::cout << nntutor::tutor_step_json(asked, p) << "\n";
    return 0;
  }
  std::cout << "Step " << s << ", from";
  for (std::size_t i = 0; i < asked.given.size(); ++i)
    std::cout << (i ? ", " : " ") << asked.given[i].first << " = " << nntutor::fixed(asked.given[i].second, p);
  std::cout << " (eta = " << nntutor::exact_text(session.optimizer.learning_rate) << "). Type each number with "
            << p << " decimals; ? reveals it, q stops.\n";
  if (!asked.note.empty()) std::cout << asked.note << "\n";
  int right = 0, rounding = 0, revealed = 0;
  for (const nntutor::TutorCell& cell : asked.cells) {
    const std::string name = cell.column + (cell.row == s ? "" : " for step " + std::to_string(cell.row));
    for (;;) {
      std::cout << name << " = " << std::flush;
      std::string line;
      if (!std::getline(std::cin, line) || line == "q") {
        std::cout << (std::cin ? "" : "\n") << "Stopped at " << name << ".\n";
        return 1;
      }
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line == "?") {
        std::cout << "  revealed: " << nntutor::fixed(cell.exact, p) << "\n";
        ++revealed;
        break;
      }
      try {
        const nntutor::TutorCheck c = nntutor::tutor_check(session, s, cell.column, cell.row, line, p);
        const nntutor::CellCheck& v = c.cell;
        if (c.decimals_missing) {
          std::cout << "  " << v.why << ".\n";
          continue;
        }
        if (v.verdict == nntutor::Verdict::kWrong) {
          std::cout << "  wrong: " << v.why << "." << (v.slip.empty() ? "" : " " + v.slip) << "\n"
                    << "  hint: " << v.formula << "\n";
          continue;
        }
        const bool exact = v.verdict == nntutor::Verdict::kCorrect;
        std::cout << "  " << (exact ? "right" : "right within rounding: " + v.why) << "\n";
        ++(exact ? right : rounding);
        break;
      } catch (const nntutor::SessionError& e) {
        std::cout << "  " << e.what() << "\n";
      }
    }
  }
  std::cout << "Step " << s << " is worked out: " << right << " right, " << rounding << " within rounding, "
            << revealed << " revealed.\n";
  return 0;
}

/// Positional files and --name value options (and flags without a value) of summary and train.
struct ModelOptions {
  std::vector<std::string> files;
  std::vector<std::pair<std::string, std::string>> values;
  std::vector<std::string> flags;
  const std::string* find(const std::string& name) const {
    for (const auto& [k, v] : values)
      if (k == name) return &v;
    return nullptr;
  }
  bool has(const std::string& flag) const {
    for (const auto& f : flags)
      if (f == flag) return true;
    return false;
  }
};

ModelOptions parse_model_options(const std::vector<std::string>& args, const std::vector<std::string>& names,
                                 const std::vector<std::string>& flags) {
  ModelOptions o;
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  for (const auto& f : flags) list += (list.empty() ? "" : ", ") + f;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    bool value = false, flag = false;
    for (const auto& n : names) value = value || a == n;
    for (const auto& f : flags) flag = flag || a == f;
    if (value) {
      if (i + 1 >= args.size()) throw nntutor::SessionError(a + ": expected a value after it");
      o.values.emplace_back(a, args[++i]);
    } else if (flag) {
      o.flags.push_back(a);
    } else if (a.size() > 1 && a[0] == '-') {
      throw nntutor::SessionError(a + ": unknown option (expected " + list + ")");
    } else {
      o.files.push_back(a);
    }
  }
  if (o.files.empty()) throw nntutor::SessionError("MODEL.json: expected a model file or -");
  return o;
}

nntutor::keras::ModelConfig load_model(const std::string& path) {
  const std::string text = read_all(path);  // its message names the path already
  try {
    return nntutor::keras::parse_model(text);
  } catch (const nntutor::SessionError& e) {
    throw nntutor::SessionError(path + ": " + e.what());
  }
}

long long ranged(const ModelOptions& o, const std::string& name, long long fallback, long long lo, long long hi) {
  const std::string* v = o.find(name);
  if (!v) return fallback;
  const long long n = whole_number(*v, name);
  if (n < lo || n > hi)
    throw nntutor::SessionError(name + ": expected a whole number from " + std::to_string(lo) + " to " +
                                std::to_string(hi) + ", got " + std::to_string(n));
  return n;
}

/// An output file opened before the work, so that a wrong path costs no training run.
std::ofstream open_output(const std::string* path, const std::string& option) {
  std::ofstream out;
  if (!path) return out;
  out.open(*path, std::ios::binary);
  if (!out) throw nntutor::SessionError(option + ": cannot write " + *path);
  return out;
}

std::string number(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", v);
  return buffer;
}

int summary(const std::vector<std::string>& args) {
  const ModelOptions o = parse_model_options(args, {"--line-length"}, {});
  if (o.files.size() > 1) throw nntutor::SessionError(o.files[1] + ": unexpected argument (summary reads one model)");
  const long long width = ranged(o, "--line-length", 88, 40, 200);
  std::cout << nntutor::keras::summary(load_model(o.files[0]), static_cast<int>(width));
  return 0;
}

int train(const std::vector<std::string>& args) {
  namespace k = nntutor::keras;
  const ModelOptions o = parse_model_options(
      args, {"--features", "--targets", "--epochs", "--samples", "--data-seed", "--split-seed", "--history", "--save"},
      {"--builtin"});
  const bool builtin = o.has("--builtin");
  if (o.files.size() > 2) throw nntutor::SessionError(o.files[2] + ": unexpected argument (train reads a model and a CSV file)");
  if (builtin && o.files.size() == 2)
    throw nntutor::SessionError(o.files[1] + ": not with --builtin (train on a CSV file or on the built-in data)");
  if (!builtin && o.files.size() < 2) throw nntutor::SessionError("DATA.csv: expected a CSV file or --builtin");
  if (o.files[0] == "-" && o.files.size() == 2 && o.files[1] == "-")
    throw nntutor::SessionError("-: only one of MODEL.json and DATA.csv can be standard input");
  for (const char* csv_only : {"--features", "--targets"})
    if (builtin && o.find(csv_only)) throw nntutor::SessionError(std::string(csv_only) + ": only with a CSV file");
  for (const char* builtin_only : {"--samples", "--data-seed"})
    if (!builtin && o.find(builtin_only)) throw nntutor::SessionError(std::string(builtin_only) + ": only with --builtin");

  k::ModelConfig config = load_model(o.files[0]);
  config.fit.epochs = static_cast<int>(ranged(o, "--epochs", config.fit.epochs, 1, k::ModelLimits::kMaxEpochs));
  k::Dataset data;
  std::string source = "the built-in data";
  if (builtin) {
    k::SpectrumOptions spectra;
    spectra.samples = static_cast<int>(ranged(o, "--samples", spectra.samples, 10, k::DataLimits::kMaxBuiltinSamples));
    spectra.seed = static_cast<std::uint64_t>(ranged(o, "--data-seed", 1, 0, 9007199254740992LL));
    data = k::spectrum_dataset(spectra);
  } else {
    source = o.files[1];
    k::CsvOptions csv;
    csv.source = source;
    csv.features_field = "--features";
    csv.targets_field = "--targets";
    if (const std::string* f = o.find("--features")) csv.features = *f;
    if (const std::string* t = o.find("--targets")) csv.targets = *t;
    data = k::read_csv(read_all(source), csv);
  }
  const auto names = [](const std::vector<std::string>& list) {
    std::string out;
    for (std::size_t i = 0; i < list.size() && i < 4; ++i) out += (i ? ", " : "") + list[i];
    return out + (list.size() > 4 ? ", …" : "");
  };
  const auto columns = [](Eigen::Index n, const std::string& kind) {
    return std::to_string(n) + " " + kind + (n == 1 ? " column" : " columns");
  };
  if (data.X.rows() != config.inputs)
    throw nntutor::SessionError(source + ": " + columns(data.X.rows(), "feature") + " (" +
                                names(data.feature_names) + "), but the model takes " +
                                std::to_string(config.inputs) + " inputs");
  k::Sequential model(config);
  if (data.Y.rows() != model.outputs())
    throw nntutor::SessionError(source + ": " + columns(data.Y.rows(), "target") + " (" +
                                names(data.target_names) + "), but the model's last layer has " +
                                std::to_string(model.outputs()) + " units");
  // The page's trainer prepares its data with the same call: the same seeds give the same numbers.
  const auto split_seed = static_cast<std::uint64_t>(ranged(o, "--split-seed", 1, 0, 9007199254740992LL));
  k::PreparedData prepared;
  try {
    prepared = k::prepare_dataset(data, split_seed);
  } catch (const nntutor::SessionError& e) {
    throw nntutor::SessionError(source + ": " + e.what());
  }
  const k::Split& split = prepared.split;
  std::ofstream history = open_output(o.find("--history"), "--history");
  std::ofstream saved = open_output(o.find("--save"), "--save");

  // The progress bar: one updating line on a terminal, a line per epoch otherwise.
  const bool terminal = isatty(STDERR_FILENO) != 0;
  auto last = std::chrono::steady_clock::now();
  const auto progress = [&](const k::EpochLogs& logs) {
    const auto now = std::chrono::steady_clock::now();
    const double ms = std::chrono::duration<double, std::milli>(now - last).count();
    last = now;
    std::string line = "Epoch " + std::to_string(logs.epoch) + "/" + std::to_string(config.fit.epochs);
    if (terminal) {
      const int filled = static_cast<int>(20.0 * logs.epoch / config.fit.epochs);
      line += " [" + std::string(static_cast<std::size_t>(filled), '=') +
              std::string(static_cast<std::size_t>(20 - filled), ' ') + "]";
    }
    line += " - loss: " + number(logs.loss);
    if (logs.val_loss) line += " - val_loss: " + number(*logs.val_loss);
    line += " - lr: " + number(logs.lr) + " - " + std::to_string(static_cast<long long>(ms + 0.5)) + " ms";
    std::cerr << (terminal ? "\r\033[K" : "") << line << (terminal ? "" : "\n") << std::flush;
    return true;
  };
  const k::FitResult result = k::fit(model, split.train, &split.validation, config.fit, progress);
  if (terminal) std::cerr << "\n";
  for (const auto& w : result.warnings) std::cerr << "nntutor: warning: " << w << "\n";

  const k::EpochLogs& end = result.history.back();
  std::cout << "Trained " << config.name << " on " << split.train.samples() << " samples (validation "
            << split.validation.samples() << ", test " << split.test.samples() << "): " << result.history.size()
            << (result.history.size() == 1 ? " epoch" : " epochs");
  switch (result.stop) {
    case k::StopReason::kCompleted: std::cout << ", completed\n"; break;
    case k::StopReason::kEarlyStopping: std::cout << ", stopped early by EarlyStopping\n"; break;
    case k::StopReason::kRequested: std::cout << ", stopped\n"; break;
    case k::StopReason::kDiverged: std::cout << ", diverged: " << result.divergence << "\n"; break;
  }
  if (result.restored_epoch) std::cout << "Restored the weights of epoch " << *result.restored_epoch << "\n";
  std::cout << "Epoch " << end.epoch << ": loss " << number(end.loss);
  if (end.val_loss) std::cout << " - val_loss " << number(*end.val_loss);
  std::cout << " - lr " << number(end.lr) << "\n";
  if (result.stop != k::StopReason::kDiverged)
    std::cout << "Test loss: " << number(model.evaluate(split.test.X, split.test.Y))
              << " (standardised targets)\n";
  if (history.is_open() && !(history << k::history_csv(result) << std::flush))
    throw nntutor::SessionError("--history: cannot write " + *o.find("--history"));
  if (saved.is_open() && result.stop == k::StopReason::kDiverged)
    std::cerr << "nntutor: " << *o.find("--save") << " is left empty: the weights are not finite numbers\n";
  else if (saved.is_open() && !(saved << k::model_to_json(model) << "\n" << std::flush))
    throw nntutor::SessionError("--save: cannot write " + *o.find("--save"));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
      std::cout << kUsage;
      return args.empty() ? 2 : 0;
    }
    if (args[0] == "table") return table({args.begin() + 1, args.end()});
    if (args[0] == "equations") return equations({args.begin() + 1, args.end()});
    if (args[0] == "check") return check({args.begin() + 1, args.end()});
    if (args[0] == "assignment") return assignment({args.begin() + 1, args.end()});
    if (args[0] == "tutor") return tutor({args.begin() + 1, args.end()});
    if (args[0] == "summary") return summary({args.begin() + 1, args.end()});
    if (args[0] == "train") return train({args.begin() + 1, args.end()});
    throw nntutor::SessionError("\"" + args[0] + "\": unknown command (expected table, equations, check, assignment, tutor, summary or train)");
  } catch (const nntutor::SessionError& e) {
    std::cerr << "nntutor: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "nntutor: internal error: " << e.what() << "\n";
    return 3;
  }
}
