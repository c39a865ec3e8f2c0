// The public ids shared by the CLI, the protocol, the rule files and the extension.
// Changing a spelling here breaks every one of them: don't.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace postguard {

enum class Category {
  confidentiality,
  endorsement,
  copyright,
  minor_consent,
  disclaimer,
  privacy,
  security,
  conduct,
  format,
};
enum class Severity { info, warning, error };  // ordered: comparisons mean "at least"
enum class Role { personal, official };
enum class Platform { twitter, facebook, linkedin };

inline constexpr std::array<Category, 9> kAllCategories = {
    Category::confidentiality, Category::endorsement, Category::copyright,
    Category::minor_consent,   Category::disclaimer,  Category::privacy,
    Category::security,        Category::conduct,     Category::format};
inline constexpr std::array<Role, 2> kAllRoles = {Role::personal, Role::official};
inline constexpr std::array<Platform, 3> kAllPlatforms = {Platform::twitter, Platform::facebook,
                                                          Platform::linkedin};

std::string_view to_string(Category c);  // "minor-consent"
std::string_view to_string(Severity s);  // "warning"
std::string_view to_string(Role r);      // "official"
std::string_view to_string(Platform p);  // "linkedin"

std::optional<Category> parse_category(std::string_view s);
std::optional<Severity> parse_severity(std::string_view s);
std::optional<Role> parse_role(std::string_view s);
std::optional<Platform> parse_platform(std::string_view s);

}  // namespace postguard
