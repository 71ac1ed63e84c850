#pragma once
/// Grading a whole class: each student's table (a submission file named by the student's id)
/// matched to that student's key (a session, `<id>.session.json` or `<id>.json`), checked by the
/// checker (check.hpp: never a second set of rules), scored by a rubric, and summed up as a grade
/// sheet and an item analysis (what the class got wrong). docs/grading.md states every rule.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nntutor/check.hpp"
#include "nntutor/session.hpp"

namespace nntutor {

/// How a table is scored (`--rubric FILE`, docs/grading.md "Rubric"). The expected cells are the
/// key's full table: every column of `table_columns` for `steps` rows (the key's own steps), so
/// a missing row or column scores nothing. A cell's credit: correct 1, rounding `rounding`, a
/// wrong number that only follows an earlier slip 1 (the slip is counted once, where it
/// happens; 0 with `follows_right` false), a slip or a missing cell 0.
struct Rubric {
  enum class Scheme {
    kCells,  ///< points × Σ weight·credit / Σ weight over the expected cells (the default)
    kRows,   ///< each row counts only when no cell of it has credit 0 (all or nothing per row)
  };
  Scheme scheme = Scheme::kCells;
  double points = 100;       ///< the score of a perfect table
  double rounding = 1;       ///< credit of a rounding-level difference (0…1)
  bool follows_right = true; ///< a number that only follows an earlier slip is not counted wrong again
  /// Weight of each column group: parameters (w, b), forward (z, y), loss (L), gradients
  /// (∂L/∂w, ∂L/∂b), other (any other column, e.g. an optimizer's state).
  std::map<std::string, double> weights{
      {"parameters", 1}, {"forward", 1}, {"loss", 1}, {"gradients", 1}, {"other", 1}};
};

/// The rubric in JSON, e.g. {"scheme": "rows", "points": 20, "rounding": 0.5, "follows": "wrong",
/// "weights": {"gradients": 2}}; every field optional. SessionError naming the field otherwise.
Rubric parse_rubric(std::string_view json_text);

/// The rubric as JSON with every field written out.
std::string rubric_json(const Rubric& rubric);

/// A score's points as text: a whole number without an exponent (10, 100), else the shortest
/// form (2.5).
std::string points_text(double points);

/// The column group of a table column's name: parameters, forward, loss, gradients or other.
std::string column_group(const std::string& column);

/// A problem with one file: it is listed, never skipped silently.
struct GradeProblem {
  std::string file;     ///< the file's name as given
  std::string id;       ///< the student id it stands for ("" if none)
  /// unreadable, no-key, duplicate, bad-key, duplicate-key, not-a-submission, no-submission
  std::string kind;
  int line = 0;         ///< the line of the text the message is about (0: the file as a whole)
  std::string message;  ///< a sentence naming what is wrong
};

/// One student's grade: the checker's counts, the first slip, the score, and what the item
/// analysis needs (per column and per slip).
struct StudentGrade {
  std::string id, file, key_file;
  int rows = 0;   ///< rows (steps) in the submission
  int steps = 0;  ///< rows the key asks for (its session's steps)
  int correct = 0, rounding = 0, wrong = 0, follows = 0;
  int slips = 0;    ///< wrong numbers that are slips of their own (not inherited)
  int missing = 0;  ///< expected cells with no number (an empty cell, a missing column or row)
  int expected = 0; ///< cells the key's table has (steps × columns)
  struct Slip {
    int row = 0;
    std::string column, given, expected, slip_id, slip;
  };
  std::optional<Slip> first_slip;
  std::vector<Slip> all_slips;  ///< every slip of its own, in table order
  /// Per column (engine name): wrong cells (slips and those that follow them).
  std::map<std::string, int> wrong_by_column;
  std::vector<std::string> columns;  ///< the key's columns, in table order
  double score = 0, points = 100;
  /// Whether it stopped before the key's last row.
  bool stopped_early() const { return rows < steps; }
};

/// Grades one submission against its key with the checker (`mode`) and scores it by `rubric`.
/// Throws SessionError (the reader's message, with its line) when the table cannot be read.
StudentGrade grade_submission(const Session& key, std::string_view answer, const Rubric& rubric,
                              CheckMode mode);

/// A file given to the class grader: its name (no folders needed) and its text.
struct GradeFile {
  std::string name, text;
};

/// The id of a file: its name after the last / or \ and before the first dot.
std::string file_id(const std::string& name);

/// One submission to grade: its id, its file and its key's file.
struct GradeTask {
  std::string id, submission, key;
};

/// Which submission goes with which key: keys are `<id>.session.json` or `<id>.json` (other
/// files among the keys, e.g. a variant's sheet or key table, are not keys), submissions
/// `<id>.csv`, `.md`, `.txt` or `.tsv`. Problems: a submission with no key, two submissions or
/// two keys for one id (none of them graded), a file that is not a submission, a key without a
/// submission. Tasks and problems in the order of ids.
struct GradePlan {
  std::vector<GradeTask> tasks;
  std::vector<GradeProblem> problems;
};
GradePlan plan_grading(const std::vector<std::string>& key_files,
                       const std::vector<std::string>& submission_files);

/// The class's result: one grade per graded student (by id), the problems (by id, then file).
struct ClassGrade {
  CheckMode mode = CheckMode::kStart;
  Rubric rubric;
  std::vector<StudentGrade> students;
  std::vector<GradeProblem> problems;
};

/// Grades a class step by step (the page grades in chunks with a progress bar; the CLI at once):
/// add the keys and the submissions, plan(), then grade(i) for each task, then result().
class ClassGrader {
 public:
  ClassGrader(Rubric rubric = {}, CheckMode mode = CheckMode::kStart) : rubric_(std::move(rubric)), mode_(mode) {}
  void add_key(GradeFile file);
  void add_submission(GradeFile file);
  /// A file that could not be read at all (e.g. the CLI could not open it, or a zip entry was
  /// broken): listed as unreadable.
  void add_unreadable(const std::string& name, const std::string& message);
  /// Matches submissions to keys; returns how many tasks there are.
  std::size_t plan();
  /// Grades task i (0-based): a bad key or an unreadable table becomes a problem, never a stop.
  void grade(std::size_t i);
  /// Everything graded so far, in the order of ids.
  ClassGrade result() const;

 private:
  Rubric rubric_;
  CheckMode mode_;
  std::map<std::string, std::string> keys_, submissions_;  // file name → text
  GradePlan plan_;
  std::vector<StudentGrade> students_;
  std::vector<GradeProblem> problems_, unreadable_;
  std::map<std::string, std::optional<Session>> sessions_;  // parsed keys, by file
};

/// Grades every submission of `submissions` against `keys` (ClassGrader in one go).
ClassGrade grade_class(const std::vector<GradeFile>& keys, const std::vector<GradeFile>& submissions,
                       const Rubric& rubric, CheckMode mode);

/// The grade sheet, one row per student and per problem: id, file, status, rows, steps,
/// correct, rounding, wrong, follows, slips, missing, first slip (row, column, id, sentence),
/// score, points, message.
std::string grade_sheet_csv(const ClassGrade& grades);
/// {"mode", "rubric", "students": [{…}], "problems": [{…}], "analysis": {…}}.
std::string grade_sheet_json(const ClassGrade& grades);
/// The grade sheet as a Markdown table, then the problems.
std::string grade_sheet_markdown(const ClassGrade& grades);

/// What the class got wrong (docs/grading.md "Item analysis").
struct ItemAnalysis {
  int students = 0;  ///< graded students
  struct ColumnItem {
    std::string column;
    int students_wrong = 0;  ///< students with a wrong number in this column (slip or inherited)
    int students_slip = 0;   ///< students whose own slip is in this column
    int first_slips = 0;     ///< students whose first slip is in this column
  };
  std::vector<ColumnItem> columns;  ///< in table order
  struct SlipItem {
    std::string slip_id;   ///< "" for a slip no known slip explains
    std::string sentence;  ///< an example of its sentence
    int students = 0, times = 0;
  };
  std::vector<SlipItem> slips;  ///< most students first, then by id
  std::vector<int> first_slip_rows;  ///< [k] = students whose first slip is in row k + 1
  int no_slip = 0;                   ///< students without a slip
  struct Stopped {
    std::string id;
    int rows = 0, steps = 0;
  };
  std::vector<Stopped> stopped_early;  ///< by id
  double mean_score = 0, median_score = 0;
};

ItemAnalysis item_analysis(const ClassGrade& grades);
std::string item_analysis_json(const ItemAnalysis& analysis);

/// The item analysis as Markdown with inline SVG bar charts (each with <title>, <desc> and text
/// labels; the numbers are in a table under each chart as well).
std::string item_analysis_markdown(const ClassGrade& grades, const ItemAnalysis& analysis);

/// The analysis's three bar charts (students wrong by column, students per slip, first slip by
/// row) as {title, svg} pairs: the Markdown report's and the page's.
std::vector<std::pair<std::string, std::string>> item_analysis_charts(const ItemAnalysis& analysis);

/// [{"title", "svg"}] of item_analysis_charts, for the page.
std::string item_analysis_charts_json(const ItemAnalysis& analysis);

/// A horizontal bar chart as SVG: one bar per label, its value as text at its end.
std::string bar_chart_svg(const std::string& title, const std::string& description,
                          const std::vector<std::pair<std::string, double>>& bars,
                          const std::string& unit);

}  // namespace nntutor
