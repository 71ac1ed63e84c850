#include "nntutor/dataset.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <numeric>

#include "nntutor/error.hpp"
#include "nntutor/numbers.hpp"

namespace nntutor::keras {

using Eigen::Index;

namespace {

[[noreturn]] void fail(const std::string& field, const std::string& message) {
  throw SessionError(field + ": " + message);
}

std::string quoted(std::string_view s) {
  std::string text(s.substr(0, 40));
  if (s.size() > 40) {
    std::size_t n = 40;
    while (n > 0 && (static_cast<unsigned char>(text[n - 1]) & 0xC0) == 0x80) --n;  // UTF-8
    if (n > 0 && (static_cast<unsigned char>(text[n - 1]) & 0xC0) == 0xC0) --n;
    text = text.substr(0, n) + "…";
  }
  return "\"" + text + "\"";
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= line.size(); ++i)
    if (i == line.size() || line[i] == ',') {
      fields.push_back(trim(line.substr(start, i - start)));
      start = i + 1;
    }
  return fields;
}

// ---- The built-in spectrum ----

constexpr double kC2 = 1.438777e7;      // h·c/k in nm·K (second radiation constant)
constexpr double kReference = 550;      // nm: both continua are 1 here (at rest)
constexpr double kHalpha = 656.28;      // nm, rest wavelength
constexpr double kHbeta = 486.13;       // nm
constexpr double kPi = 3.14159265358979323846;

struct Range {
  const char* name;
  double lo, hi;
};

// The 9 parameters and the ranges they are drawn from, uniformly.
const Range kParameters[] = {
    {"log10_temperature", 3.5, 4.5},  // T from 3162 K to 31623 K
    {"log10_norm", -0.5, 0.5},        // overall normalisation A = 10^log10_norm
    {"pl_index", -3.0, 0.0},          // power law (λ/550 nm)^α
    {"pl_fraction", 0.0, 0.5},        // share f of the power law in the continuum
    {"halpha_amp", 0.0, 2.0},         // Hα line peak, in units of the continuum at 550 nm
    {"halpha_width", 2.0, 15.0},      // Hα Gaussian σ, nm
    {"hbeta_amp", 0.0, 1.0},
    {"hbeta_width", 2.0, 15.0},
    {"redshift", 0.0, 0.2},
};

/// Planck's B_λ(λ, T) divided by B_λ(550 nm, T).
double blackbody(double lambda, double T) {
  return std::pow(kReference / lambda, 5) * std::expm1(kC2 / (kReference * T)) /
         std::expm1(kC2 / (lambda * T));
}

}  // namespace

std::vector<double> spectrum_wavelengths() {
  std::vector<double> lambda;
  for (int i = 0; i < 54; ++i) lambda.push_back(355 + 10 * i);
  return lambda;
}

Dataset spectrum_dataset(const SpectrumOptions& options) {
  if (options.samples < 1 || options.samples > DataLimits::kMaxBuiltinSamples)
    fail("samples", "expected a whole number from 1 to " + std::to_string(DataLimits::kMaxBuiltinSamples) +
                        ", got " + std::to_string(options.samples));
  if (!(options.noise >= 0 && options.noise <= 1))
    fail("noise", "expected a number from 0 to 1");
  const std::vector<double> lambda = spectrum_wavelengths();
  const Index P = 9, K = static_cast<Index>(lambda.size()), n = options.samples;
  Dataset d;
  for (const auto& p : kParameters) d.feature_names.push_back(p.name);
  for (double l : lambda) d.target_names.push_back("flux_" + std::to_string(static_cast<int>(l)));
  d.X.resize(P, n);
  d.Y.resize(K, n);
  std::mt19937_64 engine(options.seed);
  for (Index s = 0; s < n; ++s) {
    // Per sample: 9 parameter draws, then (with noise) 2 draws per bin for Box–Muller.
    for (Index i = 0; i < P; ++i) {
      const Range& r = kParameters[i];
      d.X(i, s) = r.lo + (r.hi - r.lo) * uniform01(engine);
    }
    const double T = std::pow(10.0, d.X(0, s)), A = std::pow(10.0, d.X(1, s));
    const double alpha = d.X(2, s), f = d.X(3, s);
    const double a1 = d.X(4, s), s1 = d.X(5, s), a2 = d.X(6, s), s2 = d.X(7, s), z = d.X(8, s);
    for (Index k = 0; k < K; ++k) {
      const double rest = lambda[static_cast<std::size_t>(k)] / (1 + z);
      const double continuum = (1 - f) * blackbody(rest, T) + f * std::pow(rest / kReference, alpha);
      const double lines = a1 * std::exp(-0.5 * std::pow((rest - kHalpha) / s1, 2)) +
                           a2 * std::exp(-0.5 * std::pow((rest - kHbeta) / s2, 2));
      double flux = A * (continuum + lines);
      if (options.noise > 0) {
        const double u1 = uniform01(engine), u2 = uniform01(engine);
        const double gauss = std::sqrt(-2 * std::log(1 - u1)) * std::cos(2 * kPi * u2);
        flux *= 1 + options.noise * gauss;
      }
      d.Y(k, s) = flux;
    }
  }
  return d;
}

Split split_dataset(const Dataset& data, std::uint64_t seed) {
  const Index n = data.samples();
  if (n < 10) fail("data", "expected at least 10 samples to split 70/20/10, got " + std::to_string(n));
  std::vector<Index> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), Index{0});
  std::mt19937_64 engine(seed);
  shuffle(order, engine);
  const Index n_train = n * 7 / 10, n_validation = n * 2 / 10;
  const auto take = [&](Index from, Index count) {
    Dataset part;
    part.feature_names = data.feature_names;
    part.target_names = data.target_names;
    part.X.resize(data.X.rows(), count);
    part.Y.resize(data.Y.rows(), count);
    for (Index i = 0; i < count; ++i) {
      part.X.col(i) = data.X.col(order[static_cast<std::size_t>(from + i)]);
      part.Y.col(i) = data.Y.col(order[static_cast<std::size_t>(from + i)]);
      if (!data.lines.empty()) part.lines.push_back(data.lines[static_cast<std::size_t>(order[static_cast<std::size_t>(from + i)])]);
    }
    return part;
  };
  Split split;
  split.train = take(0, n_train);
  split.validation = take(n_train, n_validation);
  split.test = take(n_train + n_validation, n - n_train - n_validation);
  return split;
}

Standardizer Standardizer::fit(const Eigen::MatrixXd& M) {
  Standardizer s;
  s.mean = M.rowwise().mean();
  s.scale = ((M.colwise() - s.mean).rowwise().squaredNorm() / static_cast<double>(M.cols()))
                .cwiseSqrt();
  for (Index i = 0; i < s.scale.size(); ++i)
    if (!(s.scale(i) > 0)) s.scale(i) = 1;
  return s;
}

void Standardizer::apply(Eigen::MatrixXd& M) const {
  M.colwise() -= mean;
  M.array().colwise() /= scale.array();
}

void Standardizer::invert(Eigen::MatrixXd& M) const {
  M.array().colwise() *= scale.array();
  M.colwise() += mean;
}

Scalers standardize(Split& split, bool targets) {
  Scalers s;
  s.features = Standardizer::fit(split.train.X);
  if (targets) {
    s.targets = Standardizer::fit(split.train.Y);
  } else {
    s.targets.mean = Eigen::VectorXd::Zero(split.train.Y.rows());
    s.targets.scale = Eigen::VectorXd::Ones(split.train.Y.rows());
  }
  for (Dataset* d : {&split.train, &split.validation, &split.test}) {
    s.features.apply(d->X);
    s.targets.apply(d->Y);
  }
  return s;
}

bool standardises_targets(LossKind loss) { return loss_info(loss).regression; }

void check_targets(const Dataset& data, LossKind loss, const std::string& source) {
  const LossInfo& row = loss_info(loss);
  if (row.targets == Targets::kAny) return;
  const Eigen::MatrixXd& Y = data.Y;  // targets × samples
  for (Index n = 0; n < Y.cols(); ++n) {
    const std::string at = data.lines.empty()
                               ? source + " sample " + std::to_string(n + 1)
                               : source + " line " + std::to_string(data.lines[static_cast<std::size_t>(n)]);
    for (Index k = 0; k < Y.rows(); ++k)
      if (!(Y(k, n) >= 0 && Y(k, n) <= 1))
        fail(at + ", column " + data.target_names[static_cast<std::size_t>(k)],
             std::string(row.name) + " expects targets from 0 to 1 (probabilities), got " + nntutor::shortest_number(Y(k, n)));
    if (row.targets == Targets::kDistribution && std::fabs(Y.col(n).sum() - 1) > 1e-6) {
      std::string names;
      for (std::size_t k = 0; k < data.target_names.size() && k < 4; ++k) names += (k ? ", " : "") + data.target_names[k];
      if (data.target_names.size() > 4) names += ", …";
      fail(at + (Y.rows() == 1 ? ", column " : ", columns ") + names,
           std::string(row.name) + " expects the targets of a sample to add up to 1 (one class, or probabilities), got " +
               nntutor::shortest_number(Y.col(n).sum()));
    }
  }
}

namespace {

/// Columns chosen by `spec` ("name, 3, 5-9"), 0-based, in the order given.
std::vector<int> select_columns(const std::string& spec, const std::vector<std::string>& header,
                                const std::string& field) {
  std::map<std::string, int> by_name;
  for (std::size_t i = 0; i < header.size(); ++i) by_name.emplace(header[i], static_cast<int>(i));
  const auto number = [](std::string_view s, int& out) {
    if (s.empty() || s.size() > 9) return false;
    for (char ch : s)
      if (ch < '0' || ch > '9') return false;
    out = std::atoi(std::string(s).c_str());
    return true;
  };
  const int columns = static_cast<int>(header.size());
  const auto check = [&](int c, std::string_view item) {
    if (c < 1 || c > columns)
      fail(field, "column " + std::string(item) + " does not exist (the header has " +
                      std::to_string(columns) + " columns, numbered from 1)");
  };
  std::vector<int> chosen;
  for (std::string_view item : split_fields(spec)) {
    if (item.empty()) fail(field, "expected column names or numbers separated by commas, got an empty item");
    if (const auto it = by_name.find(std::string(item)); it != by_name.end()) {
      chosen.push_back(it->second);
      continue;
    }
    int a = 0, b = 0;
    if (number(item, a)) {
      check(a, item);
      chosen.push_back(a - 1);
      continue;
    }
    const std::size_t dash = item.find('-');
    if (dash != std::string_view::npos && number(trim(item.substr(0, dash)), a) &&
        number(trim(item.substr(dash + 1)), b)) {
      if (a > b) fail(field, "the range " + std::string(item) + " runs backwards");
      check(a, item.substr(0, dash));
      check(b, item.substr(dash + 1));
      for (int c = a; c <= b; ++c) chosen.push_back(c - 1);
      continue;
    }
    std::string names;
    for (std::size_t i = 0; i < header.size() && i < 8; ++i) names += (i ? ", " : "") + header[i];
    if (header.size() > 8) names += ", …";
    fail(field, "no column named " + quoted(item) + " (the header has " + names + ")");
  }
  std::vector<int> seen(static_cast<std::size_t>(columns), 0);
  for (int c : chosen)
    if (seen[static_cast<std::size_t>(c)]++)
      fail(field, "column " + quoted(header[static_cast<std::size_t>(c)]) + " is chosen twice");
  return chosen;
}

}  // namespace

Dataset read_csv(std::string_view text, const CsvOptions& options) {
  const std::string& src = options.source;
  if (static_cast<long long>(text.size()) > DataLimits::kMaxCsvBytes)
    fail(src, "the text is " + std::to_string(text.size()) + " bytes, more than the limit of " +
                  std::to_string(DataLimits::kMaxCsvBytes) + " (64 MB)");
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // a UTF-8 byte order mark

  // Lines with their 1-based numbers; blank lines are skipped.
  std::vector<std::pair<long long, std::string_view>> lines;
  long long number = 0;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ++number;
    if (!trim(line).empty()) lines.emplace_back(number, line);
    start = end + 1;
  }
  if (lines.empty()) fail(src, "expected a header row of column names, got no text");

  std::vector<std::string> header;
  const std::string header_at = src + " line " + std::to_string(lines[0].first);
  for (std::string_view name : split_fields(lines[0].second)) {
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
    if (name.empty())
      fail(header_at, "column " + std::to_string(header.size() + 1) + " has no name (expected a header row of column names)");
    header.emplace_back(name);
  }
  if (header.size() > static_cast<std::size_t>(DataLimits::kMaxColumns))
    fail(header_at, "expected at most " + std::to_string(DataLimits::kMaxColumns) + " columns, got " +
                        std::to_string(header.size()));
  for (std::size_t i = 0; i < header.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (header[i] == header[j])
        fail(header_at, "column " + std::to_string(i + 1) + " has the same name as column " +
                            std::to_string(j + 1) + ": " + quoted(header[i]));
  if (header.size() < 2)
    fail(header_at, "expected at least 2 columns (features and a target), got 1");
  // A header of numbers is data without a header.
  {
    char* end = nullptr;
    const std::string first = header[0];
    std::strtod(first.c_str(), &end);
    if (end && *end == '\0')
      fail(header_at, "expected a header row of column names, got a number (" + quoted(header[0]) + ") in column 1");
  }

  std::vector<int> features, targets;
  const int columns = static_cast<int>(header.size());
  const auto rest = [&](const std::vector<int>& taken) {
    std::vector<int> out;
    for (int c = 0; c < columns; ++c)
      if (std::find(taken.begin(), taken.end(), c) == taken.end()) out.push_back(c);
    return out;
  };
  if (!options.features.empty()) features = select_columns(options.features, header, options.features_field);
  if (!options.targets.empty()) targets = select_columns(options.targets, header, options.targets_field);
  if (options.features.empty() && options.targets.empty()) {
    targets = {columns - 1};
    features = rest(targets);
  } else if (options.features.empty()) {
    features = rest(targets);
  } else if (options.targets.empty()) {
    targets = rest(features);
  }
  for (int c : targets)
    if (std::find(features.begin(), features.end(), c) != features.end())
      fail(options.targets_field, "column " + quoted(header[static_cast<std::size_t>(c)]) + " is also a feature");
  if (features.empty()) fail(options.features_field, "expected at least 1 feature column, got none");
  if (targets.empty()) fail(options.targets_field, "expected at least 1 target column, got none");

  const long long rows = static_cast<long long>(lines.size()) - 1;
  if (rows < 1) fail(src, "expected at least 1 row of numbers after the header, got none");
  if (rows > DataLimits::kMaxSamples)
    fail(src, "expected at most " + std::to_string(DataLimits::kMaxSamples) + " rows, got " + std::to_string(rows));
  const long long numbers = rows * static_cast<long long>(features.size() + targets.size());
  if (numbers > DataLimits::kMaxNumbers)
    fail(src, std::to_string(rows) + " rows × " + std::to_string(features.size() + targets.size()) +
                  " columns is more than the limit of " + std::to_string(DataLimits::kMaxNumbers) + " numbers");

  Dataset d;
  for (int c : features) d.feature_names.push_back(header[static_cast<std::size_t>(c)]);
  for (int c : targets) d.target_names.push_back(header[static_cast<std::size_t>(c)]);
  d.X.resize(static_cast<Index>(features.size()), rows);
  d.Y.resize(static_cast<Index>(targets.size()), rows);
  std::string cell;
  for (long long r = 0; r < rows; ++r) {
    const auto& [line_number, line] = lines[static_cast<std::size_t>(r + 1)];
    const std::string line_at = src + " line " + std::to_string(line_number);
    const std::vector<std::string_view> fields = split_fields(line);
    if (fields.size() != header.size())
      fail(line_at, "expected " + std::to_string(header.size()) + " comma-separated fields (as the header has), got " +
                        std::to_string(fields.size()));
    const auto read = [&](int c) {
      const std::string_view f = fields[static_cast<std::size_t>(c)];
      const std::string where = line_at + ", column " + header[static_cast<std::size_t>(c)];
      if (f.empty()) fail(where, "expected a number, got an empty field");
      cell.assign(f);
      char* end = nullptr;
      const double v = std::strtod(cell.c_str(), &end);
      if (end != cell.c_str() + cell.size()) fail(where, "expected a number, got " + quoted(f));
      if (!std::isfinite(v)) fail(where, "expected a finite number, got " + quoted(f));
      return v;
    };
    for (std::size_t i = 0; i < features.size(); ++i) d.X(static_cast<Index>(i), r) = read(features[i]);
    for (std::size_t i = 0; i < targets.size(); ++i) d.Y(static_cast<Index>(i), r) = read(targets[i]);
    d.lines.push_back(line_number);
  }
  return d;
}

}  // namespace nntutor::keras
