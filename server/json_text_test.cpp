// Table-driven tests of the JSON writer, against the text nlohmann's own dump gives.
#include "server/json_text.h"

#include <doctest/doctest.h>

#include <iterator>
#include <random>
#include <string>

#include "analysis/utf8.h"

using loupe::server::to_json_text;
using nlohmann::json;

namespace {

std::string nlohmann_text(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

TEST_CASE("strings are escaped as JSON requires, UTF-8 kept as it is") {
  struct Row {
    std::string input;
    std::string expected;
  };
  const Row rows[] = {
      {"", R"("")"},
      {"plain", R"("plain")"},
      {"say \"hi\"", R"("say \"hi\"")"},
      {"back\\slash", R"("back\\slash")"},
      {"tab\there\nline\r\f\b", R"("tab\there\nline\r\f\b")"},
      {std::string("nul\0end", 7), R"("nul\u0000end")"},
      {"\x01\x1f\x7f", "\"\\u0001\\u001f\x7f\""},
      {"caf\xC3\xA9 \xE2\x80\xA6 \xF0\x9F\x9A\x80",
       "\"caf\xC3\xA9 \xE2\x80\xA6 \xF0\x9F\x9A\x80\""},
      {"<mark>x</mark> &amp; '", R"("<mark>x</mark> &amp; '")"},
      {"latin1 caf\xE9", "\"latin1 caf\xEF\xBF\xBD\""},
      {"cut \xE2\x82", "\"cut \xEF\xBF\xBD\xEF\xBF\xBD\""},
  };
  for (const Row& row : rows) {
    CAPTURE(row.input);
    CHECK(to_json_text(row.input) == row.expected);
    if (loupe::analysis::is_valid_utf8(row.input))
      CHECK(to_json_text(row.input) == nlohmann_text(row.input));
    CHECK(loupe::analysis::is_valid_utf8(json::parse(to_json_text(row.input)).get<std::string>()));
  }
}

TEST_CASE("documents are written as nlohmann's dump writes them") {
  const json rows[] = {
      json::object(),
      json::array(),
      nullptr,
      true,
      json{{"b", 1}, {"a", -2}, {"c", 18446744073709551615ULL}},
      json{{"score", 0.4915}, {"took_ms", 12.0}, {"tiny", 1e-7}, {"big", 1.5e300}},
      json{{"hits", json::array({json{{"id", "a/b.md"}, {"snippet", "\xE2\x80\xA6 <mark>x</mark>"}},
                                 json{{"id", "c \"q\".txt"}, {"title", "t\n"}}})},
           {"total", 2},
           {"query", "x"}},
      json{{"error", {{"code", "not_found"}, {"message", "no document with id \\x"}}}},
      json::array({1, "two", 3.5, false, nullptr, json::array({json::object()})}),
  };
  for (const json& row : rows) {
    CAPTURE(nlohmann_text(row));
    CHECK(to_json_text(row) == nlohmann_text(row));
  }
}

TEST_CASE("escapes are found wherever they fall in a long string") {
  // Pieces that need an escape or not, in every alignment the eight-byte scan can meet them.
  const std::string pieces[] = {"a", "\"",   "\\",       "\n",           "\x1f", " ",
                                "~", "\x7f", "\xC3\xA9", "\xE2\x80\xA6", "\x01", "<mark>"};
  std::mt19937 random(20261203);
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    size_t length = random() % 40;
    for (size_t k = 0; k < length; ++k) text += pieces[random() % std::size(pieces)];
    CAPTURE(text);
    REQUIRE(to_json_text(text) == nlohmann_text(text));
  }
}

TEST_CASE("the writer places commas and keys as JSON needs") {
  using loupe::server::JsonWriter;
  struct Row {
    std::string text;
    std::string expected;
  };
  const Row rows[] = {
      {JsonWriter().begin_object().end_object().take(), "{}"},
      {JsonWriter().begin_array().end_array().take(), "[]"},
      {JsonWriter().begin_object().field("a", 1).field("b", "x").end_object().take(),
       R"({"a":1,"b":"x"})"},
      {JsonWriter()
           .begin_object()
           .field("score", 0.4915)
           .key("hits")
           .begin_array()
           .begin_object()
           .field("id", std::string("a\"b"))
           .end_object()
           .begin_object()
           .end_object()
           .end_array()
           .field("ok", true)
           .end_object()
           .take(),
       R"({"score":0.4915,"hits":[{"id":"a\"b"},{}],"ok":true})"},
      {JsonWriter().begin_array().value("x").value(2u).value(json()).end_array().take(),
       R"(["x",2,null])"},
  };
  for (const Row& row : rows) {
    CHECK(row.text == row.expected);
    CHECK_NOTHROW(json::parse(row.text));
  }
}
