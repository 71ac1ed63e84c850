#pragma once
/// The report Assignment 4 asks for, written from the student's network (a session) and their
/// description: the description with the network as the engine reads it and the requirements
/// checked (assignment.hpp), the graph's structure, the gradient equations of every weight and
/// bias at step 1 (equations.hpp), and the two 10-step tables — at η = 0.1 and at the sweep's
/// first rate that makes the loss rise (table.hpp's render, so each table is the text of
/// `nntutor table`). As Markdown, as a standalone LaTeX document, or as JSON for the page.
/// docs/assignment.md ("Report") gives the choices.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "nntutor/assignment.hpp"
#include "nntutor/equations.hpp"
#include "nntutor/page_view.hpp"
#include "nntutor/session.hpp"
#include "nntutor/table.hpp"

namespace nntutor {

/// The longest description a report takes, in characters (Unicode code points).
constexpr std::size_t kMaxDescriptionChars = 5000;
/// The page's rules for a large table and for the equations (page_view.hpp, docs/page.md),
/// applied to the report's tables and equations.
constexpr std::size_t kReportMaxColumns = DrawLimits::kAutoColumns;
constexpr std::size_t kReportMaxCells = DrawLimits::kMaxTableCells;
constexpr long long kReportEquationBudget = DrawLimits::kEquationBudget;

/// What the report is written as.
enum class ReportFormat { kMarkdown, kLatex, kJson };

/// Parses markdown, latex or json; throws SessionError naming `field` otherwise.
ReportFormat parse_report_format(const std::string& text, const std::string& field = "--report");

/// The description as the report uses it: valid UTF-8 of at most kMaxDescriptionChars
/// characters, no control characters but tabs and line breaks; CR LF and CR become LF.
/// Throws SessionError naming `field`, e.g. "description: at most 5000 characters, got 5001".
std::string check_description(const std::string& text, const std::string& field = "description");

/// UTF-8 text for LaTeX's text mode with no package beyond amsmath: \ { } $ & # ^ _ % ~ < > |
/// escaped, Greek letters and math symbols (η, σ, ŷ, →, ≥, −, ·, ½, ²) as \ensuremath{…}, Latin-1
/// letters with accent commands, any other character as [U+XXXX]. Paragraphs (blank lines)
/// stay paragraphs; a single line break becomes \\.
std::string latex_text(const std::string& text);

/// `text` (the student's description) for Markdown, where a renderer would run HTML: every `<`
/// becomes `&lt;` and an `&` that starts a character reference (`&lt;`, `&#60;`) becomes `&amp;`,
/// so `<img onerror=…>` or `<script>` is shown as text, never run (in a `code` span too: a
/// span a renderer might not see as one must not let HTML through). Everything else (Markdown's own *emphasis*, lists, $ & % #) stays as written.
std::string markdown_text(const std::string& text);

/// One of the two tables: a learning rate's 10-step run, or why there is none.
struct ReportRun {
  std::optional<double> learning_rate;  ///< none when no rate > 0.1 makes the loss rise
  Trace trace;
  std::string note;  ///< what the run shows (a sentence), or why there is no table
};

/// Everything the report shows, computed once; the three formats write it.
struct Report {
  std::string description;  ///< checked (check_description)
  Session session;          ///< the student's session; the runs use its start values and data
  AssignmentReport check;
  int precision = 4;        ///< decimals of the tables and the equations' numbers
  std::vector<std::string> facts;  ///< the network in sentences (inputs, layers, loss, counts)
  std::string structure;           ///< e.g. "2 inputs → 4 relu → 1 sigmoid (output)"
  View table_view;                 ///< the columns both tables keep (the page's rules)
  std::string table_note;          ///< why columns were left out, or ""
  ReportRun at_rate;               ///< η = 0.1
  ReportRun rising;                ///< the sweep's first rising rate, or none
  std::vector<int> equation_layers, equation_units;  ///< whose equations (empty = all)
  std::string equations_note;      ///< why some equations were left out, or ""
  std::vector<Equation> equations; ///< at step 1 of the η = 0.1 run
};

/// Checks the description and the precision (0…17), runs the assignment's check and the two
/// tables' runs. Throws SessionError naming the field, or if 10 steps exceed the limits.
Report make_report(const Session& session, const std::string& description, int precision = 4);

/// The report as Markdown: headings, the description as written, equations in $$ … $$ blocks,
/// the tables as `nntutor table --format markdown` prints them.
std::string report_markdown(const Report& report);

/// The report as a LaTeX document that compiles on its own: \documentclass{article} with
/// amsmath only; the equations in align*, the tables as `nntutor table --format latex`.
std::string report_latex(const Report& report);

/// The report as JSON for the page: {"title", "description", "precision", "network":
/// {"structure", "facts", …}, "assignment" (as assignment_json), "equations": {"step",
/// "learning_rate", "layers", "units", "note", "latex", "equations"}, "tables": {"note",
/// "runs": [{"learning_rate", "title", "note", "diverged", "table"}]}} — docs/assignment.md.
std::string report_json(const Report& report);

/// make_report, then the format asked for.
std::string assignment_report(const Session& session, const std::string& description,
                              ReportFormat format, int precision = 4);

}  // namespace nntutor
