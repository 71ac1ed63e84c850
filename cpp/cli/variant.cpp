// `nntutor variant --seed S --count N [--template SESSION.json] [--steps K] [--out DIR]
//  [--site URL]`: one exercise per student (variant.hpp), written as files into DIR.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "nntutor/variant.hpp"
#include "options.hpp"

namespace nntutor::cli {

namespace {

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  if (!(out << text) || !(out.flush()))
    throw SessionError("--out: cannot write " + path.string());
}

}  // namespace

int variant(const std::vector<std::string>& args) {
  const Args a = parse(args, {{},
                              "variant reads no file argument (give the template with --template)",
                              false,
                              {whole("--seed", 0, 1LL << 53, "1"), whole("--count", 1, kMaxVariants),
                               value("--template"), whole("--steps", 1, kMaxVariantSteps),
                               value("--out"), value("--site")}});
  VariantOptions options;
  options.seed = static_cast<std::uint64_t>(*a.number("--seed"));
  const auto count = a.number("--count");
  if (!count)
    throw SessionError("--count: required (how many variants, a whole number from 1 to " +
                       std::to_string(kMaxVariants) + ")");
  options.count = static_cast<int>(*count);
  if (const auto steps = a.number("--steps")) options.steps = static_cast<int>(*steps);
  Session templ;
  if (a.has("--template")) {
    templ = prefixed("--template", [&] { return load_session(a.text("--template")); });
  } else {
    const auto presets = nlohmann::json::parse(variant_templates_json());
    templ = parse_session(presets[0]["session"].dump());  // the lecture's worked example
  }
  const std::string site = a.has("--site") ? a.text("--site") : "index.html";
  const VariantSet set = [&] {
    try {
      return make_variants(templ, options);
    } catch (const SessionError& e) {
      // The core names its options (steps, template); the command line's are --steps, --template.
      const std::string m = e.what();
      for (const char* o : {"steps:", "template:"})
        if (m.rfind(o, 0) == 0) throw SessionError("--" + m);
      throw;
    }
  }();
  const std::filesystem::path dir = a.has("--out") ? a.text("--out") : "variants";
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error || !std::filesystem::is_directory(dir))
    throw SessionError("--out: cannot make the folder " + dir.string());
  std::size_t files = 0;
  for (const auto& v : set.variants)
    for (const auto& f : variant_files(set, v)) {
      write_file(dir / f.name, f.text);
      ++files;
    }
  write_file(dir / "index.csv", variants_index_csv(set, site));
  std::cout << "wrote " << set.variants.size() << " variant" << (set.variants.size() == 1 ? "" : "s")
            << " (" << files + 1 << " files) to " << dir.string() << "/"
            << (set.assignment ? " (Assignment 4 style: each passes Assignment 4 and has a rising rate)" : "")
            << "\n";
  for (const auto& v : set.variants) {
    std::cout << v.id << "  eta = " << exact_text(v.session.optimizer.learning_rate)
              << "  L(step 1) = " << fixed(v.first_loss, 4);
    if (v.rising_rate) std::cout << "  rising eta = " << exact_text(*v.rising_rate);
    std::cout << "\n";
  }
  return 0;
}

}  // namespace nntutor::cli
