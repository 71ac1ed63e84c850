// The built-in spectra, the 70/20/10 split, standardisation and the CSV loader with every
// rejection and its exact message.
#include "nntutor/dataset.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "test_helpers.hpp"

namespace {

using namespace nntutor::keras;
using Matrix = Eigen::MatrixXd;
using nntutor::LossKind;

TEST(ModelDataset, SpectrumShapesNamesAndRanges) {
  SpectrumOptions options;
  options.samples = 500;
  const Dataset d = spectrum_dataset(options);
  ASSERT_EQ(d.X.rows(), 9);
  ASSERT_EQ(d.Y.rows(), 54);
  EXPECT_EQ(d.samples(), 500);
  EXPECT_EQ(d.feature_names.front(), "log10_temperature");
  EXPECT_EQ(d.feature_names.back(), "redshift");
  EXPECT_EQ(d.target_names.front(), "flux_355");
  EXPECT_EQ(d.target_names.back(), "flux_885");
  EXPECT_GE(d.X.row(0).minCoeff(), 3.5);
  EXPECT_LT(d.X.row(0).maxCoeff(), 4.5);
  EXPECT_GE(d.X.row(8).minCoeff(), 0.0);
  EXPECT_LT(d.X.row(8).maxCoeff(), 0.2);
  EXPECT_GT(d.Y.minCoeff(), 0.0);
  EXPECT_TRUE(d.Y.allFinite());
  const std::vector<double> lambda = spectrum_wavelengths();
  ASSERT_EQ(lambda.size(), 54u);
  EXPECT_EQ(lambda.front(), 355);
  EXPECT_EQ(lambda.back(), 885);
}

TEST(ModelDataset, SpectrumFormulaWithoutNoise) {
  SpectrumOptions options;
  options.samples = 3;
  options.noise = 0;
  const Dataset d = spectrum_dataset(options);
  for (int s = 0; s < 3; ++s) {
    const double T = std::pow(10.0, d.X(0, s)), A = std::pow(10.0, d.X(1, s));
    const double alpha = d.X(2, s), f = d.X(3, s), z = d.X(8, s);
    for (int k = 0; k < 54; k += 13) {
      const double rest = (355 + 10 * k) / (1 + z);
      // Planck B_λ ∝ λ⁻⁵/(e^(hc/λkT) − 1), normalised at 550 nm; hc/k = 1.438777e7 nm·K.
      const double planck = std::pow(550 / rest, 5) * (std::exp(1.438777e7 / (550 * T)) - 1) /
                            (std::exp(1.438777e7 / (rest * T)) - 1);
      const double power = std::pow(rest / 550, alpha);
      const double halpha = d.X(4, s) * std::exp(-std::pow(rest - 656.28, 2) / (2 * std::pow(d.X(5, s), 2)));
      const double hbeta = d.X(6, s) * std::exp(-std::pow(rest - 486.13, 2) / (2 * std::pow(d.X(7, s), 2)));
      EXPECT_NEAR(d.Y(k, s), A * ((1 - f) * planck + f * power + halpha + hbeta), 1e-12 * d.Y(k, s));
    }
  }
}

TEST(ModelDataset, SpectrumIsSeeded) {
  SpectrumOptions a;
  a.samples = 20;
  SpectrumOptions b = a;
  EXPECT_EQ(spectrum_dataset(a).Y, spectrum_dataset(b).Y);
  b.seed = 2;
  EXPECT_NE(spectrum_dataset(a).X, spectrum_dataset(b).X);
  a.samples = 0;
  EXPECT_SESSION_ERROR(spectrum_dataset(a), "samples: expected a whole number from 1 to 100000, got 0");
}

TEST(ModelDataset, SplitSeventyTwentyTen) {
  Dataset d;
  d.X.resize(1, 10000);
  d.Y.resize(1, 10000);
  for (int s = 0; s < 10000; ++s) d.X(0, s) = d.Y(0, s) = s;  // each sample its own id
  const Split split = split_dataset(d, 3);
  EXPECT_EQ(split.train.samples(), 7000);
  EXPECT_EQ(split.validation.samples(), 2000);
  EXPECT_EQ(split.test.samples(), 1000);
  std::set<double> ids;
  for (const Dataset* part : {&split.train, &split.validation, &split.test})
    for (Eigen::Index s = 0; s < part->samples(); ++s) {
      ids.insert(part->X(0, s));
      EXPECT_EQ(part->X(0, s), part->Y(0, s));  // features and targets stay together
    }
  EXPECT_EQ(ids.size(), 10000u);  // disjoint and complete
  EXPECT_EQ(split_dataset(d, 3).train.X, split.train.X);
  EXPECT_NE(split_dataset(d, 4).train.X, split.train.X);
  d.X.resize(1, 9);
  d.Y.resize(1, 9);
  EXPECT_SESSION_ERROR(split_dataset(d, 1), "data: expected at least 10 samples to split 70/20/10, got 9");
}

TEST(ModelDataset, StandardizeWithTheTrainingStatistics) {
  SpectrumOptions options;
  options.samples = 1000;
  const Dataset raw = spectrum_dataset(options);
  Split split = split_dataset(raw, 1);
  const Split original = split;
  const Scalers scalers = standardize(split);
  EXPECT_LT(split.train.X.rowwise().mean().cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_LT(split.train.Y.rowwise().mean().cwiseAbs().maxCoeff(), 1e-12);
  const Eigen::VectorXd variance = split.train.X.rowwise().squaredNorm() / 700;
  EXPECT_LT((variance.array() - 1).abs().maxCoeff(), 1e-12);
  // Validation and test use the training set's numbers.
  Matrix expected = original.validation.X;
  expected.colwise() -= scalers.features.mean;
  expected.array().colwise() /= scalers.features.scale.array();
  EXPECT_EQ(split.validation.X, expected);
  Matrix back = split.test.Y;
  scalers.targets.invert(back);
  EXPECT_LT((back - original.test.Y).cwiseAbs().maxCoeff(), 1e-12);
  // A constant row keeps scale 1.
  const Standardizer s = Standardizer::fit(nntutor_test::matrix({{2, 2, 2}}));
  EXPECT_EQ(s.mean(0), 2);
  EXPECT_EQ(s.scale(0), 1);
}

TEST(ModelCsv, ReadsColumnsWithDefaults) {
  const Dataset d = read_csv("\xEF\xBB\xBF\"a\", b ,c\r\n1,2,3\r\n\r\n4.5,-5e-1,6\r\n");
  EXPECT_EQ(d.feature_names, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(d.target_names, (std::vector<std::string>{"c"}));
  EXPECT_EQ(d.X, nntutor_test::matrix({{1, 4.5}, {2, -0.5}}));
  EXPECT_EQ(d.Y, nntutor_test::matrix({{3, 6}}));
}

TEST(ModelCsv, ChoosesColumnsByNameNumberAndRange) {
  const std::string text = "id,x1,x2,x3,y1,y2\nstar-1,1,2,3,4,5\nstar-2,6,7,8,9,10\n";
  CsvOptions o;
  o.features = "2-4";
  o.targets = "y2, 5";
  const Dataset d = read_csv(text, o);
  EXPECT_EQ(d.feature_names, (std::vector<std::string>{"x1", "x2", "x3"}));
  EXPECT_EQ(d.target_names, (std::vector<std::string>{"y2", "y1"}));
  EXPECT_EQ(d.Y, nntutor_test::matrix({{5, 10}, {4, 9}}));
  o.features = "";
  o.targets = "x3";  // the text column id is chosen too and fails
  EXPECT_SESSION_ERROR(read_csv(text, o), "data line 2, column id: expected a number, got \"star-1\"");
  o.features = "x1";
  o.targets = "";  // every remaining column, id included
  EXPECT_SESSION_ERROR(read_csv(text, o), "data line 2, column id: expected a number, got \"star-1\"");
}

TEST(ModelCsv, BadHeaders) {
  EXPECT_SESSION_ERROR(read_csv(""), "data: expected a header row of column names, got no text");
  EXPECT_SESSION_ERROR(read_csv("\n \n"), "data: expected a header row of column names, got no text");
  EXPECT_SESSION_ERROR(read_csv("a,,c\n1,2,3\n"),
                       "data line 1: column 2 has no name (expected a header row of column names)");
  EXPECT_SESSION_ERROR(read_csv("a,b,a\n1,2,3\n"), "data line 1: column 3 has the same name as column 1: \"a\"");
  EXPECT_SESSION_ERROR(read_csv("1.5,2\n3,4\n"),
                       "data line 1: expected a header row of column names, got a number (\"1.5\") in column 1");
  EXPECT_SESSION_ERROR(read_csv("a\n1\n"), "data line 1: expected at least 2 columns (features and a target), got 1");
  EXPECT_SESSION_ERROR(read_csv("a,b\n"), "data: expected at least 1 row of numbers after the header, got none");
  std::string wide;
  for (int i = 0; i < 4097; ++i) wide += (i ? ",c" : "c") + std::to_string(i);
  EXPECT_SESSION_ERROR(read_csv(wide + "\n"), "data line 1: expected at most 4096 columns, got 4097");
}

TEST(ModelCsv, BadRowsNameTheLine) {
  CsvOptions o;
  o.source = "stars.csv";
  EXPECT_SESSION_ERROR(read_csv("a,b,c\n1,2,3\n\n4,5\n", o),
                       "stars.csv line 4: expected 3 comma-separated fields (as the header has), got 2");
  EXPECT_SESSION_ERROR(read_csv("a,b,c\n1,2,3\n4,abc,6\n", o), "stars.csv line 3, column b: expected a number, got \"abc\"");
  EXPECT_SESSION_ERROR(read_csv("a,b,c\n,2,3\n", o), "stars.csv line 2, column a: expected a number, got an empty field");
  EXPECT_SESSION_ERROR(read_csv("a,b,c\n1,2,inf\n", o), "stars.csv line 2, column c: expected a finite number, got \"inf\"");
  EXPECT_SESSION_ERROR(read_csv("a,b,c\n1,1e999,3\n", o),
                       "stars.csv line 2, column b: expected a finite number, got \"1e999\"");
  EXPECT_SESSION_ERROR(read_csv("a,b,c\n1,2 3,3\n", o), "stars.csv line 2, column b: expected a number, got \"2 3\"");
}

TEST(ModelCsv, BadColumnChoices) {
  const std::string text = "a,b,c\n1,2,3\n";
  const auto with = [&](const std::string& features, const std::string& targets) {
    CsvOptions o;
    o.features = features;
    o.targets = targets;
    o.features_field = "--features";
    o.targets_field = "--targets";
    return read_csv(text, o);
  };
  EXPECT_SESSION_ERROR(with("z", ""), "--features: no column named \"z\" (the header has a, b, c)");
  EXPECT_SESSION_ERROR(with("", "5"), "--targets: column 5 does not exist (the header has 3 columns, numbered from 1)");
  EXPECT_SESSION_ERROR(with("0", ""), "--features: column 0 does not exist (the header has 3 columns, numbered from 1)");
  EXPECT_SESSION_ERROR(with("3-1", ""), "--features: the range 3-1 runs backwards");
  EXPECT_SESSION_ERROR(with("a,1", ""), "--features: column \"a\" is chosen twice");
  EXPECT_SESSION_ERROR(with("a,b", "b"), "--targets: column \"b\" is also a feature");
  EXPECT_SESSION_ERROR(with("a,,b", ""), "--features: expected column names or numbers separated by commas, got an empty item");
  EXPECT_SESSION_ERROR(with("", "1-3"), "--features: expected at least 1 feature column, got none");
}

TEST(ModelCsv, SizeLimit) {
  const std::string huge(static_cast<std::size_t>(DataLimits::kMaxCsvBytes) + 1, '1');
  EXPECT_SESSION_ERROR(read_csv(huge), "data: the text is 67108865 bytes, more than the limit of 67108864 (64 MB)");
}


TEST(ModelDataset, CheckTargetsByTheLossRow) {
  Dataset d;
  d.target_names = {"p", "q"};
  d.X = Matrix::Zero(1, 3);
  d.Y = nntutor_test::matrix({{1, 0.5, 0}, {0, 0.5, 1.25}});
  // Regression losses take any targets and are the ones standardised.
  check_targets(d, LossKind::kMse, "data");
  EXPECT_TRUE(standardises_targets(LossKind::kMse));
  EXPECT_TRUE(standardises_targets(LossKind::kHalfSse));
  EXPECT_FALSE(standardises_targets(LossKind::kBce));
  EXPECT_FALSE(standardises_targets(LossKind::kCrossEntropy));
  // Without lines (the built-in data) the samples are numbered from 1.
  EXPECT_SESSION_ERROR(check_targets(d, LossKind::kBce, "the built-in data"),
                       "the built-in data sample 3, column q: bce expects targets from 0 to 1 (probabilities), got 1.25");
  d.lines = {2, 4, 5};
  EXPECT_SESSION_ERROR(check_targets(d, LossKind::kCrossEntropy, "d.csv"),
                       "d.csv line 5, column q: cross_entropy expects targets from 0 to 1 (probabilities), got 1.25");
  d.Y(1, 2) = 0.75;
  EXPECT_SESSION_ERROR(check_targets(d, LossKind::kCrossEntropy, "d.csv"),
                       "d.csv line 5, columns p, q: cross_entropy expects the targets of a sample to add up to 1 (one "
                       "class, or probabilities), got 0.75");
  check_targets(d, LossKind::kBce, "d.csv");
}

TEST(ModelCsv, RemembersTheLineOfEachSample) {
  const Dataset d = read_csv("a,y\n\n1,2\n3,4\n\n5,6\n");
  EXPECT_EQ(d.lines, (std::vector<long long>{3, 4, 6}));
}
}  // namespace
