// Document ids for clients: a file name that is not UTF-8 is percent-encoded, and read back.
#include "db/document_id.h"

#include <doctest/doctest.h>

#include <string>

using loupe::db::public_id;
using loupe::db::stored_id;

TEST_CASE("an id that is not UTF-8 is percent-encoded for clients, and read back") {
  struct Row {
    std::string stored;
    std::string shown;
  };
  const Row rows[] = {
      {"a/b.md", "a/b.md"},                    // UTF-8: as it is
      {"100% done.txt", "100% done.txt"},      // a '%' in a UTF-8 name stays
      {"caf\xC3\xA9.txt", "caf\xC3\xA9.txt"},  // café
      {"caf\xE9.txt", "caf%E9.txt"},           // Latin-1 é
      {"50% caf\xE9", "50%25 caf%E9"},         // '%' escaped too, so that it reads back
      {"\xC3\xA9-\xE9", "\xC3\xA9-%E9"},       // the well-formed characters of a mixed name stay
      {"\xE2\x82", "%E2%82"},                  // a character cut short
      {"\xED\xA0\x80.txt", "%ED%A0%80.txt"},   // an encoded surrogate
      {"a\xFF\xFE"
       "b",
       "a%FF%FEb"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.stored);
    CHECK(public_id(row.stored) == row.shown);
    if (row.shown == row.stored)
      CHECK_FALSE(stored_id(row.shown).has_value());
    else
      CHECK(stored_id(row.shown) == row.stored);
  }
}

TEST_CASE("only the form public_id writes reads back as a stored id") {
  const char* not_escaped[] = {
      "caf%C3%A9.txt",  // escapes a UTF-8 id never gets
      "%41.txt",        // an escaped ASCII letter
      "caf%e9.txt",     // lower-case hex
      "caf%E",          // cut short
      "caf%G9",        "plain.txt",
  };
  for (const char* id : not_escaped) {
    CAPTURE(id);
    CHECK_FALSE(stored_id(id).has_value());
  }
}

TEST_CASE("a part's id names its file and its own name") {
  struct Row {
    std::string_view id, file, name;
    bool part;
  };
  const Row rows[] = {
      {"notes.txt", "notes.txt", "notes.txt", false},
      {"a/b/c.md", "a/b/c.md", "a/b/c.md", false},
      {"mail/box.mbox//3", "mail/box.mbox", "3", true},
      {"mail.eml//report.pdf", "mail.eml", "report.pdf", true},
      {"box.mbox//3//report.pdf", "box.mbox", "report.pdf", true},
  };
  for (const Row& row : rows) {
    CAPTURE(row.id);
    CHECK(loupe::db::file_of(row.id) == row.file);
    CHECK(loupe::db::own_name(row.id) == row.name);
    CHECK(loupe::db::is_part(row.id) == row.part);
  }
  CHECK(loupe::db::part_id("mail.eml", "report.pdf") == "mail.eml//report.pdf");
  CHECK(loupe::db::part_id("box.mbox", "3//a.txt") == "box.mbox//3//a.txt");
}
