#include "options.hpp"

#include "nntutor/error.hpp"

namespace nntutor::cli {

namespace {

[[noreturn]] void fail(const std::string& what, const std::string& message) {
  throw SessionError(what + ": " + message);
}

/// "a", "a or b", "a, b or c".
std::string one_of(const std::vector<std::string>& values) {
  std::string out;
  for (std::size_t i = 0; i < values.size(); ++i)
    out += (i == 0 ? "" : i + 1 == values.size() ? " or " : ", ") + values[i];
  return out;
}

}  // namespace

Option value(const std::string& name) {
  Option o;
  o.name = name;
  return o;
}

Option flag(const std::string& name) {
  Option o = value(name);
  o.takes_value = false;
  return o;
}

Option choice(const std::string& name, std::vector<std::string> allowed, const std::string& fallback) {
  Option o = value(name);
  o.allowed = std::move(allowed);
  o.fallback = fallback;
  return o;
}

Option whole(const std::string& name, long long lo, long long hi, const std::string& fallback) {
  Option o = value(name);
  o.whole = true;
  o.lo = lo;
  o.hi = hi;
  o.fallback = fallback;
  return o;
}

long long whole_number(const std::string& text, const std::string& option) {
  std::size_t used = 0;
  long long value = 0;
  try {
    value = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size()) fail(option, "expected a whole number, got \"" + text + "\"");
  return value;
}

const std::string& Args::positional(std::size_t i) const {
  static const std::string none;
  return i < positionals_.size() ? positionals_[i] : none;
}

const std::string* Args::given(const std::string& name) const {
  for (const auto& [k, v] : values_)
    if (k == name) return &v;
  return nullptr;
}

const Option& Args::declared(const std::string& name) const {
  for (const Option& o : options_)
    if (o.name == name) return o;
  throw std::logic_error("option " + name + " is not declared");  // a slip in a command's code
}

std::string Args::text(const std::string& name) const {
  const Option& o = declared(name);
  const std::string* v = given(name);
  const std::string value = v ? *v : o.fallback;
  if (!o.allowed.empty()) {
    bool ok = false;
    for (const auto& a : o.allowed) ok = ok || a == value;
    if (!ok) fail(name, "expected " + one_of(o.allowed) + ", got \"" + value + "\"");
  }
  return value;
}

std::optional<long long> Args::number(const std::string& name) const {
  const Option& o = declared(name);
  const std::string* v = given(name);
  if (!v && o.fallback.empty()) return std::nullopt;
  const long long n = whole_number(v ? *v : o.fallback, name);
  if (n < o.lo || n > o.hi)
    fail(name, "expected a whole number from " + std::to_string(o.lo) + " to " + std::to_string(o.hi) +
                   ", got " + std::to_string(n));
  return n;
}

Args parse(const std::vector<std::string>& args, const Command& command) {
  Args out;
  out.options_ = command.options;
  std::string list;
  for (const Option& o : command.options) list += (list.empty() ? "" : ", ") + o.name;
  std::vector<std::string> extra;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const Option* option = nullptr;
    for (const Option& o : command.options)
      if (o.name == a) option = &o;
    if (option) {
      if (out.given(a)) fail(a, "given twice");
      if (option->takes_value && i + 1 >= args.size()) fail(a, "expected a value after it");
      out.values_.emplace_back(a, option->takes_value ? args[++i] : "");
    } else if (a.size() > 1 && a[0] == '-') {
      fail(a, "unknown option (expected " + list + ")");
    } else if (out.positionals_.size() < command.positionals.size()) {
      out.positionals_.push_back(a);
    } else if (!command.extra_after_options) {
      fail(a, "unexpected argument (" + command.extra + ")");
    } else {
      extra.push_back(a);
    }
  }
  for (std::size_t i = out.positionals_.size(); i < command.positionals.size(); ++i)
    if (command.positionals[i].required) throw SessionError(command.positionals[i].missing);
  if (!extra.empty()) fail(extra[0], "unexpected argument (" + command.extra + ")");
  return out;
}

}  // namespace nntutor::cli
