#include "ids.h"

#include <utility>

namespace postguard {
namespace {

template <class E, std::size_t N>
std::optional<E> parse_from(const std::array<std::pair<E, std::string_view>, N>& table,
                            std::string_view s) {
  for (const auto& [value, name] : table) {
    if (name == s) return value;
  }
  return std::nullopt;
}

template <class E, std::size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& table, E e) {
  for (const auto& [value, name] : table) {
    if (value == e) return name;
  }
  return "?";
}

constexpr std::array<std::pair<Category, std::string_view>, 9> kCategoryNames = {{
    {Category::confidentiality, "confidentiality"},
    {Category::endorsement, "endorsement"},
    {Category::copyright, "copyright"},
    {Category::minor_consent, "minor-consent"},
    {Category::disclaimer, "disclaimer"},
    {Category::privacy, "privacy"},
    {Category::security, "security"},
    {Category::conduct, "conduct"},
    {Category::format, "format"},
}};
constexpr std::array<std::pair<Severity, std::string_view>, 3> kSeverityNames = {
    {{Severity::info, "info"}, {Severity::warning, "warning"}, {Severity::error, "error"}}};
constexpr std::array<std::pair<Role, std::string_view>, 2> kRoleNames = {
    {{Role::personal, "personal"}, {Role::official, "official"}}};
constexpr std::array<std::pair<Platform, std::string_view>, 3> kPlatformNames = {
    {{Platform::twitter, "twitter"},
     {Platform::facebook, "facebook"},
     {Platform::linkedin, "linkedin"}}};

}  // namespace

std::string_view to_string(Category c) { return name_of(kCategoryNames, c); }
std::string_view to_string(Severity s) { return name_of(kSeverityNames, s); }
std::string_view to_string(Role r) { return name_of(kRoleNames, r); }
std::string_view to_string(Platform p) { return name_of(kPlatformNames, p); }

std::optional<Category> parse_category(std::string_view s) { return parse_from(kCategoryNames, s); }
std::optional<Severity> parse_severity(std::string_view s) { return parse_from(kSeverityNames, s); }
std::optional<Role> parse_role(std::string_view s) { return parse_from(kRoleNames, s); }
std::optional<Platform> parse_platform(std::string_view s) { return parse_from(kPlatformNames, s); }

}  // namespace postguard
