#pragma once
/// The one exception type of the core: bad input, named by field, rule and value.
#include <stdexcept>
#include <string>

namespace nntutor {

/// Thrown when a session, an option or a table cannot be accepted; `what()` is a sentence for
/// the user, e.g. `layers[1].weights: expected 1 row of 1 number, got 2 rows`.
class SessionError : public std::runtime_error {
 public:
  explicit SessionError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace nntutor
