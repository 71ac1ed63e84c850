// The command line's option parser (cpp/cli/options.cpp): each mistake's exact message, as the
// CLI prints it after "nntutor: " with exit code 2.
#include "test_helpers.hpp"

// The parser is part of the `nntutor` executable, not of the core library: compile it here.
#include "../../cpp/cli/options.cpp"

namespace {

using nntutor::cli::Args;
using nntutor::cli::choice;
using nntutor::cli::Command;
using nntutor::cli::flag;
using nntutor::cli::parse;
using nntutor::cli::value;
using nntutor::cli::whole;
using nntutor_test::cli;
using nntutor_test::CliResult;

/// A command shaped like `table`: one session file, options read where they stand.
Command session_command() {
  return {{{"SESSION.json: expected a session file or -"}},
          "only one session file is read",
          false,
          {whole("--steps"), choice("--format", {"json", "csv", "markdown"}, "csv"), whole("--precision", 0, 17, "4"),
           flag("--quiet")}};
}

/// A command shaped like `train`: a model and an optional data file, extra files reported last.
Command model_command() {
  return {{{"MODEL.json: expected a model file or -"}, {"", false}},
          "train reads a model and a CSV file",
          true,
          {value("--save"), flag("--builtin")}};
}

TEST(CliOptions, ReadsPositionalsValuesFlagsAndDefaults) {
  const Args a = parse({"--steps", "3", "s.json", "--quiet"}, session_command());
  EXPECT_EQ(a.positionals(), 1u);
  EXPECT_EQ(a.positional(0), "s.json");
  EXPECT_EQ(*a.number("--steps"), 3);
  EXPECT_EQ(*a.number("--precision"), 4);  // the declared default
  EXPECT_EQ(a.text("--format"), "csv");
  EXPECT_TRUE(a.has("--quiet"));
  EXPECT_FALSE(a.has("--format"));
  EXPECT_EQ(a.given("--format"), nullptr);
  const Args b = parse({"-", "--format", "markdown"}, session_command());  // - is standard input
  EXPECT_EQ(b.positional(0), "-");
  EXPECT_EQ(b.text("--format"), "markdown");
  EXPECT_EQ(parse({"m.json"}, model_command()).given("--save"), nullptr);  // no default: absent
  EXPECT_EQ(parse({"m.json"}, model_command()).positional(1), "");
}

TEST(CliOptions, UnknownOption) {
  EXPECT_SESSION_ERROR(parse({"s.json", "--colour", "red"}, session_command()),
                       "--colour: unknown option (expected --steps, --format, --precision, --quiet)");
  EXPECT_SESSION_ERROR(parse({"-x"}, model_command()), "-x: unknown option (expected --save, --builtin)");
}

TEST(CliOptions, MissingValue) {
  EXPECT_SESSION_ERROR(parse({"s.json", "--steps"}, session_command()), "--steps: expected a value after it");
  // A flag takes no value: the next argument is the file.
  EXPECT_EQ(parse({"--quiet", "s.json"}, session_command()).positional(0), "s.json");
}

TEST(CliOptions, ValueNotAllowed) {
  const Args a = parse({"s.json", "--format", "xml", "--precision", "18", "--steps", "4.5"}, session_command());
  EXPECT_SESSION_ERROR(a.text("--format"), "--format: expected json, csv or markdown, got \"xml\"");
  EXPECT_SESSION_ERROR(a.number("--precision"), "--precision: expected a whole number from 0 to 17, got 18");
  EXPECT_SESSION_ERROR(a.number("--steps"), "--steps: expected a whole number, got \"4.5\"");
  const Args b = parse({"s.json", "--precision", "-1"}, session_command());
  EXPECT_SESSION_ERROR(b.number("--precision"), "--precision: expected a whole number from 0 to 17, got -1");
}

TEST(CliOptions, RepeatedOption) {
  EXPECT_SESSION_ERROR(parse({"s.json", "--format", "csv", "--format", "json"}, session_command()),
                       "--format: given twice");
  EXPECT_SESSION_ERROR(parse({"m.json", "--builtin", "--builtin"}, model_command()), "--builtin: given twice");
}

TEST(CliOptions, MissingPositional) {
  EXPECT_SESSION_ERROR(parse({"--steps", "2"}, session_command()), "SESSION.json: expected a session file or -");
  EXPECT_SESSION_ERROR(parse({}, model_command()), "MODEL.json: expected a model file or -");
  // Only required positionals: the data file of `train` may be absent.
  EXPECT_EQ(parse({"m.json"}, model_command()).positionals(), 1u);
}

TEST(CliOptions, ExtraPositional) {
  // Where it stands among the options...
  EXPECT_SESSION_ERROR(parse({"s.json", "other.json", "--colour"}, session_command()),
                       "other.json: unexpected argument (only one session file is read)");
  // ...or after every option was read.
  EXPECT_SESSION_ERROR(parse({"m.json", "d.csv", "e.csv", "--colour"}, model_command()),
                       "--colour: unknown option (expected --save, --builtin)");
  EXPECT_SESSION_ERROR(parse({"m.json", "d.csv", "e.csv"}, model_command()),
                       "e.csv: unexpected argument (train reads a model and a CSV file)");
}

TEST(CliOptions, TheCliReportsTheParsersMessagesWithExitCode2) {
  const std::string lecture = "'" + nntutor_test::source_path("examples/lecture.json") + "'";
  const auto expect = [](const std::string& args, const std::string& message) {
    const CliResult r = cli(args);
    EXPECT_EQ(r.status, 2) << args;
    EXPECT_EQ(r.out, "") << args;
    EXPECT_EQ(r.err, "nntutor: " + message + "\n") << args;
  };
  expect("table " + lecture + " --steps 2 --steps 3", "--steps: given twice");
  expect("equations " + lecture + " --format svg", "--format: expected latex or json, got \"svg\"");
  expect("tutor " + lecture + " --decimals", "--decimals: expected a value after it");
  expect("summary", "MODEL.json: expected a model file or -");
  expect("train " + lecture + " --builtin --builtin", "--builtin: given twice");
  // A range the core checks (the trainer page's data spec), named as the option is typed.
  const std::string model = "train '" + nntutor_test::source_path("examples/keras-lecture.json") + "' --builtin";
  expect(model + " --samples 5", "--samples: expected a whole number from 10 to 100000, got 5");
  expect(model + " --data-seed -1", "--data-seed: expected a whole number from 0 to 9007199254740992, got -1");
  expect(model + " --split-seed x", "--split-seed: expected a whole number, got \"x\"");
}

}  // namespace
