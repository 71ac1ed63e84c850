// Keras 3's model.summary() as plain text: the rich table (keras/src/utils/summary_utils.py,
// rendered by rich.table with show_lines=True and the HEAVY_HEAD box) and the totals.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "nntutor/error.hpp"
#include "nntutor/model.hpp"
#include "nntutor/numbers.hpp"

namespace nntutor::keras {

namespace {

using nntutor::grouped;  // numbers.hpp: 21750 → "21,750", as Python's f"{n:,}"

/// Keras' readable_memory_size: bytes in B, KB, MB, … (1024 each) with two decimals.
std::string memory_size(double bytes) {
  static const char* units[] = {"B", "KB", "MB", "GB", "TB", "PB"};
  char buffer[64];
  for (const char* unit : units) {
    if (bytes / 1024 < 1) {
      std::snprintf(buffer, sizeof buffer, "%.2f %s", bytes, unit);
      return buffer;
    }
    bytes /= 1024;
  }
  std::snprintf(buffer, sizeof buffer, "%.2f PB", bytes);
  return buffer;
}

/// Display width of UTF-8 text whose characters are all one cell wide (ASCII and "…" here).
std::size_t cells(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
  return n;
}

std::string repeat(const std::string& piece, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += piece;
  return out;
}

/// rich's word wrap with overflow "ellipsis": words go on the current line while they fit; a
/// word wider than the line gets a line of its own, cut to width − 1 characters and "…".
std::vector<std::string> wrap(const std::string& text, std::size_t width) {
  std::vector<std::string> words, lines;
  std::string word;
  for (char ch : text) {
    if (ch == ' ') {
      if (!word.empty()) words.push_back(word);
      word.clear();
    } else {
      word += ch;
    }
  }
  if (!word.empty()) words.push_back(word);
  std::string line;
  for (const auto& w : words) {
    if (line.empty()) line = w;
    else if (cells(line) + 1 + cells(w) <= width) line += " " + w;
    else {
      lines.push_back(line);
      line = w;
    }
  }
  lines.push_back(line);
  for (auto& l : lines)
    if (cells(l) > width) l = l.substr(0, width - 1) + "…";  // ASCII before the cut
  return lines;
}

/// Python's round(): halves go to the even neighbour.
long long round_half_even(double x) {
  const double r = std::floor(x);
  const double diff = x - r;
  if (diff > 0.5) return static_cast<long long>(r) + 1;
  if (diff < 0.5) return static_cast<long long>(r);
  return static_cast<long long>(r) % 2 == 0 ? static_cast<long long>(r) : static_cast<long long>(r) + 1;
}

/// The cell widths (padding included) that rich gives three fixed-width columns in a table of
/// `line_length` characters: each column asks for its width + 2 (padding); what exceeds
/// line_length − 4 (the borders) is taken back by rich's ratio_reduce in equal shares.
std::vector<long long> column_widths(int line_length) {
  const double positions[] = {0.45, 0.80, 1.0};
  std::vector<long long> widths;
  long long current = 0;
  for (double p : positions) {
    const long long w = static_cast<long long>(p * line_length) - current;  // Keras
    widths.push_back(w + 2);
    current += w;
  }
  long long excess = widths[0] + widths[1] + widths[2] - (line_length - 4);
  if (excess > 0) {
    double total_ratio = 3;
    for (auto& w : widths) {
      const long long distributed =
          std::min(w, round_half_even(static_cast<double>(excess) / total_ratio));
      w -= distributed;
      excess -= distributed;
      total_ratio -= 1;
    }
  }
  return widths;
}

}  // namespace

std::string summary(const ModelConfig& config, int line_length) {
  if (line_length < 40 || line_length > 200)
    throw SessionError("line_length: expected a whole number from 40 to 200, got " +
                       std::to_string(line_length));
  const ParameterCounts counts = count_parameters(config);
  const std::vector<long long> widths = column_widths(line_length);
  const auto rule = [&](const char* left, const char* fill, const char* mid, const char* right) {
    std::string line = left;
    for (std::size_t c = 0; c < widths.size(); ++c) {
      line += repeat(fill, static_cast<std::size_t>(widths[c]));
      line += c + 1 < widths.size() ? mid : right;
    }
    return line + "\n";
  };
  // One table row: each cell wrapped to its width less the padding, aligned, top to bottom.
  const auto row = [&](const char* bar, const std::vector<std::string>& texts) {
    std::vector<std::vector<std::string>> cell_lines;
    std::size_t height = 0;
    for (std::size_t c = 0; c < texts.size(); ++c) {
      cell_lines.push_back(wrap(texts[c], static_cast<std::size_t>(widths[c] - 2)));
      height = std::max(height, cell_lines.back().size());
    }
    std::string out;
    for (std::size_t i = 0; i < height; ++i) {
      out += bar;
      for (std::size_t c = 0; c < texts.size(); ++c) {
        const std::string text = i < cell_lines[c].size() ? cell_lines[c][i] : "";
        const std::string pad(static_cast<std::size_t>(widths[c] - 2) - cells(text), ' ');
        out += " " + (c == 2 ? pad + text : text + pad) + " " + bar;  // Param # is right-aligned
      }
      out += "\n";
    }
    return out;
  };

  std::string text = "Model: \"" + (config.name.empty() ? std::string("sequential") : config.name) + "\"\n";
  text += rule("┏", "━", "┳", "┓");
  text += row("┃", {"Layer (type)", "Output Shape", "Param #"});
  text += rule("┡", "━", "╇", "┩");
  for (std::size_t l = 0; l < counts.layers.size(); ++l) {
    const LayerCount& layer = counts.layers[l];
    if (l > 0) text += rule("├", "─", "┼", "┤");
    text += row("│", {layer.name + " (" + layer.class_name + ")",
                      "(None, " + std::to_string(layer.outputs) + ")", grouped(layer.parameters)});
  }
  text += rule("└", "─", "┴", "┘");
  // Keras' weights are float32: 4 bytes each.
  text += " Total params: " + grouped(counts.total) + " (" + memory_size(4.0 * counts.total) + ")\n";
  text += " Trainable params: " + grouped(counts.trainable) + " (" +
          memory_size(4.0 * counts.trainable) + ")\n";
  text += " Non-trainable params: " + grouped(counts.non_trainable) + " (" +
          memory_size(4.0 * counts.non_trainable) + ")\n";
  return text;
}

}  // namespace nntutor::keras
