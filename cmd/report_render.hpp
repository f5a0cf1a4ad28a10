// Renderers of the report document (lib/report): text tables, tidy CSV, and one
// self-contained HTML file with SVG charts (no script, no network).
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace rma::cli {

std::string report_text(const nlohmann::json& r, bool color, std::size_t width);
std::string report_csv(const nlohmann::json& r);
std::string report_html(const nlohmann::json& r, const std::string& title);

}  // namespace rma::cli
