#pragma once
/// Grading an Assignment 4 report against the assignment's rubric (description 10, graph 10,
/// equations 30, table at η = 0.1 25, table at η > 0.1 25) and its four requirements, each part
/// with its evidence. The report is the project's own export (Markdown or LaTeX, report.hpp) or
/// a student's like it; with the student's network (a session) the tables and the equations are
/// checked by the checker and the engine, without it for their own consistency (docs/grading.md).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nntutor/assignment.hpp"
#include "nntutor/session.hpp"

namespace nntutor {

/// What a submitted report holds, read from its text (read_report) or given part by part.
struct SubmittedReport {
  std::string format;  ///< markdown, latex or parts
  std::optional<std::string> description;  ///< the student's text; nullopt: no description part
  bool graph_section = false;  ///< a part about the graph exists
  std::string graph_image;     ///< the image it shows (a file, "inline SVG"), "" if none
  std::string structure;       ///< the structure in words, e.g. "2 inputs → 4 relu → 1 sigmoid (output)"
  struct Equation {
    std::string column;  ///< e.g. dL/dw1[2,1]
    std::string value;   ///< the number it ends with, as written ("" if none)
  };
  bool equations_section = false;
  std::vector<Equation> equations;
  struct Table {
    double learning_rate = 0;
    std::string text;  ///< the table as Markdown rows (a LaTeX tabular is converted)
  };
  std::optional<Table> low, high;  ///< at η = 0.1 and at the first η > 0.1 found
};

/// Reads a Markdown or LaTeX report (LaTeX when it has \begin{document} or \section).
SubmittedReport read_report(std::string_view text);

/// One part of the rubric.
struct ReportPart {
  std::string id;     ///< description, graph, equations, table_low, table_high
  std::string title;
  double score = 0, points = 0;
  std::string evidence;
};

/// The report's grade.
struct ReportGrade {
  std::vector<ReportPart> parts;
  std::vector<Requirement> requirements;  ///< neurons, activation, monotone, rises
  bool checked_with_network = false;
  double score = 0, points = 100;
  std::string summary;
};

/// Grades `report`; `network`, when given, is the student's session: the requirements come from
/// check_assignment, the tables are checked by the checker (start mode) at their η for 10 steps
/// and the equations' values against the engine's step 1 at η = 0.1.
ReportGrade grade_report(const SubmittedReport& report, const std::optional<Session>& network);

/// {"parts": [{"id", "title", "score", "points", "evidence"}], "requirements": [{"id", "title",
/// "passed", "evidence"}], "checked_with_network", "score", "points", "summary"}.
std::string report_grade_json(const ReportGrade& grade);
/// One line per part (score of points: evidence), the requirements, the total.
std::string report_grade_text(const ReportGrade& grade);

}  // namespace nntutor
