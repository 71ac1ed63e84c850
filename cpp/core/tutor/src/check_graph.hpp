#pragma once
/// The checker on a graph session (docs/graph.md, docs/check.md "Graph sessions"): the table's
/// columns of a graph, the column ŷ stands for, and the check itself. check_answer,
/// parse_answer and the tutor dispatch here when Session::graph is set. Not part of check.hpp's
/// API.
#include <string>
#include <vector>

#include "nntutor/check.hpp"
#include "nntutor/session.hpp"
#include "nntutor/table.hpp"

namespace nntutor::check_detail {

/// The table columns the checker and the tutor read: the graph's (docs/graph.md "Table") for a
/// graph session, else table_columns of the layered network.
std::vector<Column> check_columns(const Session& session);

/// The column ŷ stands for in a header: y2 in a two-layer network, y[2] in a graph whose one
/// output is neuron 2; with several outputs ŷ stands for none (write y[o]).
std::string yhat_column(const Session& session);

/// The graph neurons in the order the tutor asks them: by level (the longest path from the
/// inputs), then by number; 0-based.
std::vector<int> graph_order(const GraphNetwork& g);

/// Checks a student's table of a graph session (Session::graph set).
CheckReport check_graph_answer(const Session& session, const Answer& answer, CheckMode mode);

}  // namespace nntutor::check_detail
