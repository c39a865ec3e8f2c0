#pragma once

#include "ids.h"

namespace postguard {

// Who is posting where. Rules declare the roles and platforms they apply to.
struct CheckOptions {
  Platform platform = Platform::twitter;
  Role role = Role::personal;
  // The account's bio already says views are the author's own, so a post-level
  // "views are my own" requirement is met (rules opt in with satisfiedByProfile).
  bool bio_disclaimer = false;
};

}  // namespace postguard
