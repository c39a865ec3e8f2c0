#include "entities.h"

#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "text_normalizer.h"

namespace postguard {
namespace {

using Texts = std::vector<std::string>;

Texts texts(std::string_view s, const std::vector<ByteRange>& rs) {
  Texts out;
  for (const ByteRange r : rs) {
    REQUIRE(r.begin < r.end);
    REQUIRE(r.end <= s.size());
    out.emplace_back(s.substr(r.begin, r.end - r.begin));
  }
  return out;
}

Texts hashtags(std::string_view s) { return texts(s, find_entities(s).hashtags); }
Texts mentions(std::string_view s) { return texts(s, find_entities(s).mentions); }
Texts urls(std::string_view s) { return texts(s, find_entities(s).urls); }
Texts emails(std::string_view s) { return texts(s, find_entities(s).emails); }

TEST_CASE("hashtags", "[entities][text]") {
  CHECK(hashtags("#openstandards rock") == Texts{"#openstandards"});
  CHECK(hashtags("a #b_c, #d1!") == Texts{"#b_c", "#d1"});
  CHECK(hashtags(fold("\uFF03Tag")) == Texts{"#tag"});  // fullwidth ＃, folded
  CHECK(hashtags(fold("#R\u00E9union")) == Texts{"#reunion"});
  CHECK(hashtags("#\u6771\u4EAC2020") == Texts{"#\u6771\u4EAC2020"});  // #東京2020
  CHECK(hashtags("(#tag)") == Texts{"#tag"});
  CHECK(hashtags("#1st") == Texts{"#1st"});
  CHECK(hashtags("#_") == Texts{"#_"});  // '_' is a non-digit
  // Not hashtags: only digits, preceded by a letter, digit or '&', or nothing after '#'.
  CHECK(hashtags("#123 #2024").empty());
  CHECK(hashtags("c#sharp a1#b").empty());
  CHECK(hashtags("&#39;").empty());
  CHECK(hashtags("# alone #").empty());
  // A fragment inside a link is part of the link.
  CHECK(hashtags("https://example.org/page#section").empty());
}

TEST_CASE("mentions", "[entities][text]") {
  CHECK(mentions("thanks @jane_doe.") == Texts{"@jane_doe"});
  CHECK(mentions("@a @b1 (@c)") == Texts{"@a", "@b1", "@c"});
  CHECK(mentions(fold("\uFF20Jane")) == Texts{"@jane"});  // fullwidth ＠
  CHECK(mentions(fold("@Jos\u00E9Garc\u00EDa")) == Texts{"@josegarcia"});
  CHECK(mentions("@\u00FCber") == Texts{"@\u00FCber"});  // page names may have letters
  // Not mentions: e-mail addresses, '@' after a letter, digit or '_', or nothing after it.
  CHECK(mentions("jo@example.org").empty());
  CHECK(mentions("a@b _@c 1@d").empty());
  CHECK(mentions("@ home, @!").empty());
  CHECK(mentions("medium.com/@writer").empty());  // inside a link
}

TEST_CASE("e-mail addresses", "[entities][text]") {
  CHECK(emails("mail jo.smith+x@example.org.") == Texts{"jo.smith+x@example.org"});
  CHECK(emails("<a_b@mail.example.co.uk>") == Texts{"a_b@mail.example.co.uk"});
  const Entities e = find_entities("write to info@iso.org today");
  CHECK(e.urls.empty());      // the domain of an address is not a link
  CHECK(e.mentions.empty());  // nor its '@' a mention
  CHECK(emails("a@b").empty());
  CHECK(emails("a@b.c1").empty());
  CHECK(emails("@user").empty());
}

TEST_CASE("links with a scheme", "[entities][text]") {
  CHECK(urls("see https://example.com/a?b=c&d=e#f now") ==
        Texts{"https://example.com/a?b=c&d=e#f"});
  CHECK(urls("http://x.y") == Texts{"http://x.y"});
  CHECK(urls("HTTPS://Example.COM/Path") == Texts{"HTTPS://Example.COM/Path"});
  CHECK(urls("https://localhost:8080/x") == Texts{"https://localhost:8080/x"});
  // Trailing punctuation is not part of the link.
  for (const char* tail : {".", ",", ";", ":", "!", "?", ")", "]", "'", "\"", "...", "!)."}) {
    INFO("tail " << tail);
    CHECK(urls(std::string("https://example.com/x") + tail) == Texts{"https://example.com/x"});
  }
  // Balanced brackets are kept.
  CHECK(urls("(see https://en.wikipedia.org/wiki/Foo_(bar))") ==
        Texts{"https://en.wikipedia.org/wiki/Foo_(bar)"});
  CHECK(urls("\"https://example.com/q\"") == Texts{"https://example.com/q"});
  CHECK(urls("https://example.com/\U0001F600") == Texts{"https://example.com/"});
  CHECK(urls("https:// nothing").empty());
  CHECK(urls("xhttps://example").empty());
}

TEST_CASE("www and bare-domain links", "[entities][text]") {
  CHECK(urls("www.iso.org, and") == Texts{"www.iso.org"});
  CHECK(urls("at www.example.museum/x.") == Texts{"www.example.museum/x"});  // any TLD after www.
  CHECK(urls("iso.org/standard/123; next") == Texts{"iso.org/standard/123"});
  CHECK(urls("example.org") == Texts{"example.org"});
  CHECK(urls("bit.ly/abc and t.co/x") == Texts{"bit.ly/abc", "t.co/x"});
  CHECK(urls("news.bbc.co.uk:80/path") == Texts{"news.bbc.co.uk:80/path"});
  CHECK(urls("(example.org)") == Texts{"example.org"});
  CHECK(urls("example.org's page") == Texts{"example.org"});
  // Not links: unknown TLDs, abbreviations, version numbers, a TLD that continues.
  CHECK(urls("e.g. i.e. a.m. U.S. etc.").empty());
  CHECK(urls("main.py readme.md v1.2.3 3.14").empty());
  CHECK(urls("example.community").empty());
  CHECK(urls("www.example").empty());
  CHECK(urls("x_example.com").empty());
}

TEST_CASE("pathological input stays linear", "[entities][text]") {
  CHECK(urls("https://x.org/" + std::string(50000, ')')) == Texts{"https://x.org/"});
  std::string many;
  for (int i = 0; i < 5000; ++i) many += "jo@x.org x.org/p @u #t ";
  const Entities e = find_entities(many);
  CHECK(e.emails.size() == 5000);
  CHECK(e.urls.size() == 5000);
  CHECK(e.mentions.size() == 5000);
  CHECK(e.hashtags.size() == 5000);
  CHECK(emails("a@b.org@c.org") == Texts{"a@b.org"});
}

TEST_CASE("entities come out in text order", "[entities][text]") {
  const std::string s = fold("Join @IET at #IETevents: https://theiet.org/events. #Engineering");
  const Entities e = find_entities(s);
  CHECK(texts(s, e.mentions) == Texts{"@iet"});
  CHECK(texts(s, e.hashtags) == Texts{"#ietevents", "#engineering"});
  CHECK(texts(s, e.urls) == Texts{"https://theiet.org/events"});
  CHECK(e.emails.empty());
}

TEST_CASE("find_entities tolerates anything", "[entities][text]") {
  for (const std::string& s :
       {std::string(""), std::string("#"), std::string("@"), std::string("http://"),
        std::string("www."), std::string(".com"), std::string("a@"), std::string("@\xFF"),
        std::string("#\xC3"), std::string("x.co\xE2\x82")}) {
    const Entities e = find_entities(s);
    for (const auto* v : {&e.hashtags, &e.mentions, &e.urls, &e.emails}) {
      for (const ByteRange r : *v) CHECK(r.end <= s.size());
    }
  }
}

TEST_CASE("hashtag_word_count", "[entities][text]") {
  CHECK(hashtag_word_count("#WorldRefugeeDay") == 3);
  CHECK(hashtag_word_count("#refugees") == 1);
  CHECK(hashtag_word_count("refugees") == 1);  // with or without the '#'
  CHECK(hashtag_word_count("#COVID19") == 2);  // letters then digits
  CHECK(hashtag_word_count("#ISO9001") == 2);  // an all-caps run is one word
  CHECK(hashtag_word_count("#NASAMission") == 2);
  CHECK(hashtag_word_count("#iPhone") == 2);
  CHECK(hashtag_word_count("#2024Goals") == 2);
  CHECK(hashtag_word_count("#world_refugee_day") == 3);
  CHECK(hashtag_word_count("#__a__b") == 2);
  CHECK(hashtag_word_count("#R\u00E9unionIsland") == 2);
  CHECK(hashtag_word_count("#Re\u0301unionIsland") == 2);  // a combining accent is no boundary
  CHECK(hashtag_word_count("\uFF03FullWidth") == 2);
  CHECK(hashtag_word_count("#\u6771\u4EAC2020") == 2);
  CHECK(hashtag_word_count("#") == 0);
  CHECK(hashtag_word_count("") == 0);
}

}  // namespace
}  // namespace postguard
