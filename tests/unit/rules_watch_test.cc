// Rules edited under a running host: what a reload takes, and the last good rules kept
// in force while the files are broken.
#include "rules_watch.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "test_support.h"

using postguard::PolicySet;
using postguard::RulesReload;
using postguard::RulesWatch;
using postguard::testing::kDemoPack;
using postguard::testing::pack_json;
using postguard::testing::rule_json;
using postguard::testing::TempDir;

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// The demo pack with other phrases, so which version answers is visible.
std::string demo_pack(const std::string& phrase) {
  std::string pack = kDemoPack;
  const std::string from = R"("phrases": ["top secret", "draft standard"])";
  pack.replace(pack.find(from), from.size(), R"("phrases": [")" + phrase + R"("])");
  const std::string ex = R"("trigger": ["top secret plan", "the draft standard says"])";
  pack.replace(pack.find(ex), ex.size(),
               R"("trigger": [")" + phrase + R"(", "a )" + phrase + R"( b"])");
  return pack;
}

// Rewrites a file and moves its modification time on, so the change is seen even when the
// file system's clock has not ticked since the last write.
void rewrite(const fs::path& p, const std::string& content) {
  static int bump = 0;
  std::ofstream(p, std::ios::binary | std::ios::trunc) << content;
  fs::last_write_time(p, fs::file_time_type::clock::now() + std::chrono::seconds(++bump));
}

// A watch over `dirs` on a clock the test moves.
struct Watched {
  std::chrono::steady_clock::time_point t{};
  RulesWatch watch;
  explicit Watched(std::vector<fs::path> dirs)
      : watch(std::move(dirs), 1000ms, [this] { return t; }) {}
  std::optional<RulesReload> later() {
    t += 1000ms;
    return watch.poll();
  }
  // The rule ids `text` triggers in policy `id`, or {"-"} when there is no such policy.
  std::vector<std::string> rules_hit(const std::string& id, const std::string& text) const {
    const postguard::Policy* p = watch.current().find(id);
    if (p == nullptr) return {"-"};
    std::vector<std::string> out;
    for (const postguard::Warning& w : p->check(text, {})) out.push_back(w.rule);
    return out;
  }
};

const std::vector<std::string> kSecret = {"demo.secret"};
const std::vector<std::string> kNone = {};

}  // namespace

TEST_CASE("rules watch: an edited pack is taken at the first look after the interval",
          "[rules-watch]") {
  TempDir dir;
  const fs::path demo = dir.write("demo.json", kDemoPack);
  Watched w({dir.path()});
  REQUIRE(w.watch.current().errors().empty());
  CHECK(w.rules_hit("demo", "top secret xyzzy") == kSecret);

  rewrite(demo, demo_pack("xyzzy"));
  w.t += 999ms;
  CHECK_FALSE(w.watch.poll().has_value());  // too soon: not even a look
  CHECK(w.rules_hit("demo", "top secret") == kSecret);

  std::optional<RulesReload> r = w.later();
  REQUIRE(r.has_value());
  CHECK(r->errors.empty());
  CHECK(r->kept.empty());
  CHECK(w.rules_hit("demo", "top secret") == kNone);
  CHECK(w.rules_hit("demo", "xyzzy") == kSecret);
  CHECK_FALSE(w.watch.current().stale("demo"));
}

TEST_CASE("rules watch: unchanged files are not reloaded", "[rules-watch]") {
  TempDir dir;
  dir.write("demo.json", kDemoPack);
  Watched w({dir.path(), dir.path() / "missing"});
  const postguard::Policy* before = w.watch.current().find("demo");
  CHECK_FALSE(w.later().has_value());
  CHECK_FALSE(w.later().has_value());
  CHECK(w.watch.current().find("demo") == before);  // the same compiled pack
}

TEST_CASE("rules watch: a pack edited into invalid JSON keeps its last good rules until fixed",
          "[rules-watch]") {
  TempDir dir;
  const fs::path demo = dir.write("demo.json", kDemoPack);
  Watched w({dir.path()});

  rewrite(demo, "{\"format\": 1,\n  \"id\": ");
  std::optional<RulesReload> r = w.later();
  REQUIRE(r.has_value());
  const std::string error = demo.string() +
                            ":2:9: invalid JSON: syntax error while parsing value - unexpected "
                            "end of input; expected '[', '{', or a literal";
  CHECK(r->errors == std::vector<std::string>{error});
  CHECK(r->kept == std::vector<std::string>{"demo"});
  const PolicySet& now = w.watch.current();
  CHECK(now.stale("demo"));
  CHECK(now.errors_for("demo") == std::vector<std::string>{error});
  CHECK(w.rules_hit("demo", "top secret") == kSecret);  // the old rules still answer

  // Broken again, differently: still the last good rules, the new problem reported.
  rewrite(demo, "[]");
  r = w.later();
  REQUIRE(r.has_value());
  CHECK(r->errors.size() == 1);
  CHECK(r->errors[0].rfind(demo.string() + ":1:", 0) == 0);
  CHECK(w.rules_hit("demo", "top secret") == kSecret);

  rewrite(demo, demo_pack("xyzzy"));
  r = w.later();
  REQUIRE(r.has_value());
  CHECK(r->errors.empty());
  CHECK(r->kept.empty());
  CHECK(w.watch.current().errors_for("demo").empty());
  CHECK_FALSE(w.watch.current().stale("demo"));
  CHECK(w.rules_hit("demo", "xyzzy top secret") == kSecret);
  CHECK(w.rules_hit("demo", "top secret") == kNone);
}

TEST_CASE("rules watch: a pack that fails validation keeps its last good rules; others reload",
          "[rules-watch]") {
  TempDir dir;
  const fs::path demo = dir.write("demo.json", kDemoPack);
  const fs::path t = dir.write("t.json", pack_json(rule_json("a", R"({"phrases": ["alpha"]})")));
  Watched w({dir.path()});
  REQUIRE(w.watch.current().errors().empty());

  std::string broken = kDemoPack;
  broken.replace(broken.find(R"("severity": "error")"), 19, R"("severity": "fatal")");
  rewrite(demo, broken);
  rewrite(t, pack_json(rule_json("b", R"({"phrases": ["beta"]})")));
  std::optional<RulesReload> r = w.later();
  REQUIRE(r.has_value());
  REQUIRE(r->errors.size() == 1);
  CHECK(r->errors[0] ==
        demo.string() + ":3: rule 'demo.secret': unknown severity 'fatal' (info, warning, error)");
  CHECK(r->kept == std::vector<std::string>{"demo"});
  CHECK(w.rules_hit("demo", "top secret") == kSecret);
  CHECK(w.rules_hit("t", "alpha beta") == std::vector<std::string>{"t.b"});  // taken
  CHECK(w.watch.current().errors_for("t").empty());
  CHECK_FALSE(w.watch.current().stale("t"));
}

TEST_CASE("rules watch: a removed rules directory keeps every policy it held", "[rules-watch]") {
  TempDir root;
  const fs::path dir = root.path() / "rules";
  root.write("rules/demo.json", kDemoPack);
  root.write("rules/t.json", pack_json(rule_json("a", R"({"phrases": ["alpha"]})")));
  Watched w({dir});
  REQUIRE(w.watch.current().policies().size() == 2);

  fs::remove_all(dir);
  std::optional<RulesReload> r = w.later();
  REQUIRE(r.has_value());
  CHECK(r->errors == std::vector<std::string>{
                         dir.string() + ": cannot read the directory: No such file or directory"});
  CHECK(r->kept == std::vector<std::string>{"demo", "t"});
  CHECK(w.rules_hit("demo", "top secret") == kSecret);
  CHECK(w.rules_hit("t", "alpha") == std::vector<std::string>{"t.a"});
  CHECK(w.watch.current().errors_for("t") == r->errors);

  // A file where the directory was: the same, worded for it.
  root.write("rules", "not a directory");
  r = w.later();
  REQUIRE(r.has_value());
  CHECK(r->errors ==
        std::vector<std::string>{dir.string() + ": cannot read the directory: Not a directory"});
  CHECK(r->kept.size() == 2);

  // The directory is back, with one pack: that one loads, the other was removed on purpose.
  fs::remove(dir);
  root.write("rules/demo.json", demo_pack("xyzzy"));
  r = w.later();
  REQUIRE(r.has_value());
  CHECK(r->errors.empty());
  CHECK(r->kept.empty());
  CHECK(w.rules_hit("demo", "xyzzy") == kSecret);
  CHECK(w.rules_hit("t", "alpha") == std::vector<std::string>{"-"});
}

TEST_CASE("rules watch: a pack deleted from a readable directory is gone; a new one is taken",
          "[rules-watch]") {
  TempDir dir;
  const fs::path t = dir.write("t.json", pack_json(rule_json("a", R"({"phrases": ["alpha"]})")));
  Watched w({dir.path()});
  fs::remove(t);
  dir.write("demo.json", kDemoPack);
  std::optional<RulesReload> r = w.later();
  REQUIRE(r.has_value());
  CHECK(r->errors.empty());
  CHECK(w.rules_hit("t", "alpha") == std::vector<std::string>{"-"});
  CHECK(w.rules_hit("demo", "top secret") == kSecret);
}

TEST_CASE("rules watch: a broken shared pack keeps the policies that extend it", "[rules-watch]") {
  TempDir dir;
  const std::string shared = R"({"format": 1, "id": "common", "kind": "shared", "name": "Common",
    "rules": [{"id": "conduct.rude", "category": "conduct", "severity": "warning",
      "message": "m", "suggestion": "s", "match": {"phrases": ["idiot"]},
      "examples": {"trigger": ["idiot", "you idiot"], "clean": ["idiom", "idle"]}}]})";
  const fs::path common = dir.write("shared/common.json", shared);
  dir.write("t.json", pack_json("", R"( "extends": [{"pack": "common", "clause": "T, 4"}],)"));
  Watched w({dir.path()});
  REQUIRE(w.watch.current().errors().empty());
  REQUIRE(w.rules_hit("t", "idiot") == std::vector<std::string>{"t.conduct.rude"});

  rewrite(common, "{");
  std::optional<RulesReload> r = w.later();
  REQUIRE(r.has_value());
  CHECK(r->kept == std::vector<std::string>{"t"});
  CHECK_FALSE(w.watch.current().errors_for("t").empty());
  CHECK(w.rules_hit("t", "idiot") == std::vector<std::string>{"t.conduct.rude"});
}

TEST_CASE("rules watch: a later directory's broken pack keeps its own last good rules",
          "[rules-watch]") {
  TempDir installed, user;
  installed.write("t.json", pack_json(rule_json("a", R"({"phrases": ["alpha"]})")));
  const fs::path mine = user.write("t.json", pack_json(rule_json("b", R"({"phrases": ["beta"]})")));
  Watched w({installed.path(), user.path()});
  REQUIRE(w.rules_hit("t", "alpha beta") == std::vector<std::string>{"t.b"});

  rewrite(mine, "{");
  REQUIRE(w.later().has_value());
  // Not the installed pack it replaced at start-up: the rules the user last had.
  CHECK(w.rules_hit("t", "alpha beta") == std::vector<std::string>{"t.b"});
  CHECK(w.watch.current().stale("t"));
}

TEST_CASE("rules watch: a pack broken since start-up is not made stale by other edits",
          "[rules-watch]") {
  TempDir installed, user;
  const fs::path theirs =
      installed.write("t.json", pack_json(rule_json("a", R"({"phrases": ["alpha"]})")));
  user.write("t.json", "{");
  Watched w({installed.path(), user.path()});
  REQUIRE(w.rules_hit("t", "alpha") == std::vector<std::string>{"t.a"});
  REQUIRE(w.watch.current().errors_for("t").size() == 1);
  CHECK_FALSE(w.watch.current().stale("t"));

  // The installed pack is upgraded while the user's copy is still broken: the upgrade is
  // taken, and the problem is still reported, but nothing is "kept".
  rewrite(theirs, pack_json(rule_json("a2", R"({"phrases": ["alpha"]})")));
  std::optional<RulesReload> r = w.later();
  REQUIRE(r.has_value());
  CHECK(r->kept.empty());
  CHECK(w.rules_hit("t", "alpha") == std::vector<std::string>{"t.a2"});
  CHECK(w.watch.current().errors_for("t").size() == 1);
  CHECK_FALSE(w.watch.current().stale("t"));
}

TEST_CASE("policy set: errors_for names the problems of each policy", "[rules-watch]") {
  TempDir dir;
  dir.write("demo.json", kDemoPack);
  const fs::path bad = dir.write("bad.json", "{");
  PolicySet set = PolicySet::load({dir.path()});
  CHECK(set.errors_for("demo").empty());
  CHECK(set.errors_for("bad") == set.errors());
  CHECK(set.errors_for("nope").empty());
  CHECK_FALSE(set.stale("demo"));
  CHECK(set.errors().at(0).rfind(bad.string() + ":1:2: invalid JSON", 0) == 0);
}
