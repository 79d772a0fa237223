// The formats loupe-index reads, one row each: the single source of their extensions, how their
// content is recognised, their reader and the type name hits and the type: filter use.
#pragma once

#include <filesystem>
#include <span>
#include <string_view>

#include "indexer/document_reader.h"

namespace loupe::indexer {

struct FormatInfo {
  std::string_view name;        // hits' type and the type: filter's value ("pdf")
  std::string_view extensions;  // lower case, space-separated (".htm .html"); "-" for none
  // How the content identifies the format whatever the file is called: it starts with `magic`
  // and holds `marker` in its first bytes (ODF and EPUB write their type at the start of the
  // zip). A format whose magic is not its own alone (DOCX is a zip like the others) and that has
  // no marker is known by its extension only.
  std::string_view magic;
  std::string_view marker;
  // Text formats get the file decoded to UTF-8 (binary content is skipped); the others its bytes.
  bool text;
  ExtractedDocument (*read)(std::string_view input);
  // Parsed in a loupe-extract process under CPU, memory and time limits: parsers of untrusted
  // binary formats crash and hang, and must not take the indexer with them.
  bool isolated;
  // Its files can hold documents of their own (ExtractedDocument::parts: an e-mail's
  // attachments, an mbox's messages), which are written and removed with the file.
  bool parts = false;
};

using Format = const FormatInfo*;

std::span<const FormatInfo> formats();

// The format a file name says, or nullptr when Loupe does not read files of that kind. Files
// without an extension are read as text (their content may say otherwise: detect_format).
Format format_for(const std::filesystem::path& path);

Format format_named(std::string_view name);

// The format to read a file as, from what its name says and how it starts (`head`: at least its
// first 512 bytes, when it has them). The content wins when it identifies another format: a PDF
// called notes.txt is read as a PDF, a text file called report.docx as text. nullptr: neither
// the name's format nor any other (a binary file that is no format Loupe reads).
Format detect_format(Format by_name, std::string_view head);

std::string_view format_name(Format format);

// Reads the input with the format's reader. Throws ExtractionError (binary formats).
ExtractedDocument read_document(Format format, std::string_view input);

}  // namespace loupe::indexer
