#pragma once
/// The loop of a run, whatever the network's shape (layers: run in train.cpp; a graph of
/// neurons: graph_run in graph_train.cpp). Not part of train.hpp's API.
#include <cstddef>
#include <optional>
#include <utility>

#include "nntutor/train.hpp"

namespace nntutor {

/// Steps 1 to `steps`, each `step(k, row)` filling its row and returning the divergence that
/// stops the run, if any: the rows before it, and the divergence.
template <class Step>
Trace run_steps(int steps, Step&& step) {
  Trace trace;
  trace.steps.reserve(static_cast<std::size_t>(steps));
  for (int k = 1; k <= steps; ++k) {
    StepTrace row;
    if (std::optional<Divergence> d = step(k, row)) {
      trace.diverged = std::move(d);
      break;
    }
    trace.steps.push_back(std::move(row));
  }
  return trace;
}

}  // namespace nntutor
