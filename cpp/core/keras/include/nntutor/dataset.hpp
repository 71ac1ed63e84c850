#pragma once
/// Data for the Keras-style model: the built-in astrophysical data set (an emulator of a
/// parametrised spectrum, 9 parameters → 54 flux bins), a CSV loader, the lecture's 70/20/10
/// split and standardisation with the training set's statistics. docs/model.md "Data".
#include <Eigen/Dense>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "nntutor/init.hpp"
#include "nntutor/loss.hpp"

namespace nntutor::keras {

/// Limits that keep a data set within a browser tab's memory.
struct DataLimits {
  static constexpr long long kMaxSamples = 1000000;
  static constexpr int kMaxColumns = 4096;
  static constexpr long long kMaxNumbers = 20000000;  ///< samples × (features + targets), 160 MB
  static constexpr long long kMaxCsvBytes = 64LL << 20;
  static constexpr int kMaxBuiltinSamples = 100000;
};

/// Samples as columns, as the model takes them: X is features × samples, Y targets × samples.
struct Dataset {
  std::vector<std::string> feature_names, target_names;
  Eigen::MatrixXd X, Y;
  /// The line of the text each sample came from (read_csv), for messages; empty for data
  /// without lines (the built-in spectra), whose samples messages number from 1.
  std::vector<long long> lines;
  Eigen::Index samples() const { return X.cols(); }
};

/// The platform-exact draws and Fisher–Yates shuffle are the math layer's (init.hpp).
using nntutor::shuffle;
using nntutor::uniform01;

/// The built-in data set (docs/model.md gives the formula): spectra of a source with a
/// blackbody and a power-law continuum and Hα and Hβ emission lines, redshifted.
struct SpectrumOptions {
  int samples = 10000;        ///< 1 … 100000
  std::uint64_t seed = 1;     ///< the draws of the parameters and the noise
  double noise = 0.01;        ///< relative Gaussian noise on each flux (0 … 1)
};

/// The 9 parameters (features, in this order): log10_temperature, log10_norm, pl_index,
/// pl_fraction, halpha_amp, halpha_width, hbeta_amp, hbeta_width, redshift; the 54 fluxes
/// (targets) flux_355 … flux_885 at the bin centres of spectrum_wavelengths().
Dataset spectrum_dataset(const SpectrumOptions& options = {});

/// The bin centres in nm: 355, 365, …, 885.
std::vector<double> spectrum_wavelengths();

/// Training, validation and test sets.
struct Split {
  Dataset train, validation, test;
};

/// The lecture's split: samples shuffled (shuffle() from `seed`), then the first ⌊0.7·n⌋ for
/// training, the next ⌊0.2·n⌋ for validation, the rest (≈ 10 %) for testing. Needs n ≥ 10.
Split split_dataset(const Dataset& data, std::uint64_t seed);

/// z = (x − mean)/scale per row (feature or target), with the training set's mean and
/// population standard deviation (a constant row gets scale 1), as scikit-learn's
/// StandardScaler.
struct Standardizer {
  Eigen::VectorXd mean, scale;
  /// The statistics of the rows of `M` (features × samples).
  static Standardizer fit(const Eigen::MatrixXd& M);
  void apply(Eigen::MatrixXd& M) const;   ///< M ← (M − mean)/scale
  void invert(Eigen::MatrixXd& M) const;  ///< M ← M·scale + mean
};

struct Scalers {
  Standardizer features, targets;
};

/// Fits the scalers on split.train and applies them to all three sets (targets only if
/// `targets`; otherwise the targets' scaler is the identity).
Scalers standardize(Split& split, bool targets = true);

/// Whether a model with `loss` trains on standardised targets: only for a regression loss (its
/// row's `regression`). Keras never standardises targets; z-scores of one-hot labels or of
/// probabilities are no targets for bce or cross_entropy (the loss would go negative).
bool standardises_targets(LossKind loss);

/// Refuses targets `loss` cannot take (its row's `targets`): kProbabilities each from 0 to 1,
/// kDistribution also a sample's adding up to 1 (within 1e-6). SessionError naming the sample's
/// line (or number) and the column, in the worked example's words, e.g.
/// "mine.csv line 7, column y: bce expects targets from 0 to 1 (probabilities), got 1.5" or
/// "mine.csv line 4, columns a, b, c: cross_entropy expects the targets of a sample to add up
/// to 1 (one class, or probabilities), got 0.5". `source` names the data ("the built-in data
/// sample 7, …" for data without lines).
void check_targets(const Dataset& data, LossKind loss, const std::string& source);

/// How read_csv picks its columns and names things in its messages.
struct CsvOptions {
  std::string source = "data";  ///< the name messages start with, e.g. the file's path
  /// Columns by name, by 1-based number or as a range of numbers "2-10", comma-separated.
  /// Neither given: the last column is the target and the others are features; one given: the
  /// other is every remaining column.
  std::string features, targets;
  std::string features_field = "features", targets_field = "targets";  ///< e.g. --features
};

/// Reads comma-separated text with a header row (names, optionally in double quotes); blank lines
/// are skipped; every other line must have one field per header column, and the chosen columns
/// finite numbers. SessionError with the line number and the reason, e.g.
/// "data line 7, column flux_355: expected a number, got \"abc\"".
Dataset read_csv(std::string_view text, const CsvOptions& options = {});

}  // namespace nntutor::keras
