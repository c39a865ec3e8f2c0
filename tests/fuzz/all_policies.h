// Every policy pack in the source tree, loaded once per fuzzer process: loading takes far
// longer than one input, so the targets share this instead of loading per input.
#pragma once

#include "policy_set.h"

namespace postguard::fuzz {

inline const PolicySet& all_policies() {
  static const PolicySet set = PolicySet::load({POSTGUARD_SOURCE_RULES_DIR});
  return set;
}

}  // namespace postguard::fuzz
