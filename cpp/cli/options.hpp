#pragma once
/// The command line's one option parser: each command declares its positional arguments and its
/// options once (a Command), parse() reads argv against it, and Args hands the values back,
/// checking a value against its declaration when the command reads it (so the command decides
/// which mistake is reported first). Every mistake is a SessionError whose text main() prints
/// after "nntutor: " with exit code 2.
#include <climits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace nntutor::cli {

/// One option: `--name VALUE`, or a flag without a value.
struct Option {
  std::string name;                  ///< as typed, e.g. "--format"
  bool takes_value = true;           ///< false: a flag such as --builtin
  std::vector<std::string> allowed;  ///< the values accepted (empty: any), in the order messages list them
  std::string fallback;              ///< the value when the option is not given ("": none)
  bool whole = false;                ///< the value is a whole number from lo to hi
  long long lo = LLONG_MIN, hi = LLONG_MAX;
};

/// `--name VALUE`, any text, no default.
Option value(const std::string& name);
/// A flag without a value.
Option flag(const std::string& name);
/// `--name VALUE` where VALUE is one of `allowed`; `fallback` when not given.
Option choice(const std::string& name, std::vector<std::string> allowed, const std::string& fallback);
/// `--name N`, a whole number from lo to hi; `fallback` ("" for none) when not given.
Option whole(const std::string& name, long long lo = LLONG_MIN, long long hi = LLONG_MAX,
             const std::string& fallback = "");

/// A positional argument and the message when it is missing, e.g. "SESSION.json: expected a
/// session file or -".
struct Positional {
  std::string missing;
  bool required = true;
};

/// What a command accepts.
struct Command {
  std::vector<Positional> positionals;
  /// Why one more positional is refused, e.g. "only one session file is read": the message
  /// is "ARG: unexpected argument (WHY)".
  std::string extra;
  /// true: an extra positional is reported after every option was read (summary, train);
  /// false: where it stands among the options (table, equations, check, assignment, tutor).
  bool extra_after_options = false;
  std::vector<Option> options;
};

/// The arguments of one run, read against a Command.
class Args {
 public:
  /// The i-th positional argument ("" if not given; only optional ones can be absent).
  const std::string& positional(std::size_t i) const;
  /// How many positional arguments were given.
  std::size_t positionals() const { return positionals_.size(); }
  /// Whether the option (or flag) was given.
  bool has(const std::string& name) const { return given(name) != nullptr; }
  /// The value as typed, or nullptr if the option was not given.
  const std::string* given(const std::string& name) const;
  /// The value, or the declared fallback; SessionError "NAME: expected A or B, got \"V\"" if the
  /// declaration lists the allowed values and this is not one of them.
  std::string text(const std::string& name) const;
  /// The whole number given, or the declared fallback's (nullopt if neither); SessionError
  /// "NAME: expected a whole number, got \"V\"" or "NAME: expected a whole number from LO to
  /// HI, got N".
  std::optional<long long> number(const std::string& name) const;

 private:
  friend Args parse(const std::vector<std::string>& args, const Command& command);
  const Option& declared(const std::string& name) const;
  std::vector<Option> options_;  ///< the declarations (a copy: the Command may be a temporary)
  std::vector<std::string> positionals_;
  std::vector<std::pair<std::string, std::string>> values_;
};

/// Reads `args` (argv after the command's name) against `command`. SessionError, in this order:
/// while reading left to right, "NAME: given twice", "NAME: expected a value after it",
/// "ARG: unknown option (expected LIST)" for an argument that starts with - and is not declared
/// (a lone - is a positional: standard input) and, unless extra_after_options, "ARG:
/// unexpected argument (EXTRA)"; then the first required positional missing (its message);
/// then, if extra_after_options, the first extra positional.
Args parse(const std::vector<std::string>& args, const Command& command);

/// The whole number in `text`; SessionError "OPTION: expected a whole number, got \"TEXT\"".
long long whole_number(const std::string& text, const std::string& option);

}  // namespace nntutor::cli
