#!/usr/bin/env python3
"""Makes the format fixtures at test time, with the tools that write each format, instead of
binary files kept in the repository:

    make_fixtures.py OUT_DIR

OUT_DIR/same/   one document as .txt, .md, .html, .docx, .odt, .epub, .pptx (pandoc) and .pdf
                (Chromium prints it: three pages, one section each)
OUT_DIR/sheets/ a workbook as .xlsx and .ods, and a presentation as .odp (written as the
                formats define them: zip parts of XML, with Python's zipfile)
OUT_DIR/mail/   e-mail messages (.eml) as Python's email package writes them
OUT_DIR/bad/    a truncated PDF, a 0-byte PDF, an encrypted PDF (qpdf), a DOCX whose document
                part inflates to 200 MB (a zip bomb), and text named .docx
"""
import os
import shutil
import subprocess
import tempfile
import sys
import zipfile

# Three sections, one per PDF page and per slide; each has words of its own.
SECTIONS = [
    ("Quokka habitat", "The quokka lives on Rottnest Island, where visitors photograph it."),
    ("Wombat burrows", "A wombat digs long burrows with strong claws and cube-shaped droppings."),
    ("Platypus venom", "The male platypus carries venomous spurs on its hind legs."),
]
TITLE = "Marsupials and Monotremes"
AUTHOR = "Ada Lovelace"

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-pdf-header-footer"]


def run(*argv, **kwargs):
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs)


def write(path, data, mode="w"):
    with open(path, mode) as f:
        f.write(data)


def make_same(out):
    os.makedirs(out, exist_ok=True)
    md = f"---\ntitle: {TITLE}\nauthor: {AUTHOR}\n---\n\n"
    md += "\n\n".join(f"# {h}\n\n{p}" for h, p in SECTIONS) + "\n"
    write(f"{out}/same.md", md)
    write(f"{out}/same.txt", TITLE + "\n\n" + "\n\n".join(f"{h}\n\n{p}" for h, p in SECTIONS) + "\n")
    for ext in ("docx", "odt", "epub", "pptx"):
        run("pandoc", f"{out}/same.md", "-o", f"{out}/same.{ext}")
    # Each section on a page of its own.
    body = "".join(f'<section style="break-after: page"><h1>{h}</h1><p>{p}</p></section>'
                   for h, p in SECTIONS)
    html = (f"<!doctype html><html><head><meta charset=utf-8><title>{TITLE}</title>"
            f'<meta name="author" content="{AUTHOR}"></head><body>{body}</body></html>')
    write(f"{out}/same.html", html)
    printed = f"{out}/../print.pdf"
    run(shutil.which("chromium") or "chromium", *CHROMIUM_FLAGS, f"--print-to-pdf={printed}",
        f"file://{os.path.abspath(out)}/same.html")
    shutil.move(printed, f"{out}/same.pdf")


def zip_parts(path, parts, mimetype=None):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        if mimetype:  # ODF and EPUB: first, stored, so that the type is in the file's first bytes
            z.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        for name, data in parts.items():
            z.writestr(name, data)


SHEETS = {"Budget": [["Item", "Cost"], ["Kangaroo fodder", "120"]],
          "Staff": [["Name", "Role"], ["Dingo Ranger", "Keeper"]]}


def make_xlsx(path):
    strings = sorted({cell for rows in SHEETS.values() for row in rows for cell in row
                      if not cell.isdigit()})
    index = {s: i for i, s in enumerate(strings)}
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel_ns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "xl/workbook.xml": f'<?xml version="1.0"?><workbook {ns} {rel_ns}><sheets>'
        + "".join(f'<sheet name="{name}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
                  for i, name in enumerate(SHEETS)) + "</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(f'<Relationship Id="rId{i + 1}" Target="worksheets/sheet{i + 1}.xml" Type="worksheet"/>'
                  for i in range(len(SHEETS))) + "</Relationships>",
        "xl/sharedStrings.xml": f'<?xml version="1.0"?><sst {ns}>'
        + "".join(f"<si><t>{s}</t></si>" for s in strings) + "</sst>",
        "docProps/core.xml": '<?xml version="1.0"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:title>Zoo accounts</dc:title><dc:creator>{AUTHOR}</dc:creator></cp:coreProperties>",
    }
    for i, rows in enumerate(SHEETS.values()):
        cells = ""
        for r, row in enumerate(rows):
            cells += f'<row r="{r + 1}">' + "".join(
                f'<c t="s"><v>{index[c]}</v></c>' if not c.isdigit() else f"<c><v>{c}</v></c>"
                for c in row) + "</row>"
        parts[f"xl/worksheets/sheet{i + 1}.xml"] = (
            f'<?xml version="1.0"?><worksheet {ns}><sheetData>{cells}</sheetData></worksheet>')
    zip_parts(path, parts)


ODF_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
          'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" '
          'xmlns:dc="http://purl.org/dc/elements/1.1/" '
          'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"')


def odf(path, mimetype, body, title):
    content = f'<?xml version="1.0"?><office:document-content {ODF_NS}><office:body>{body}</office:body></office:document-content>'
    meta = (f'<?xml version="1.0"?><office:document-meta {ODF_NS}><office:meta><dc:title>{title}</dc:title>'
            f"<meta:initial-creator>{AUTHOR}</meta:initial-creator>"
            "<meta:creation-date>2024-05-06T07:08:09</meta:creation-date></office:meta></office:document-meta>")
    zip_parts(path, {"content.xml": content, "meta.xml": meta}, mimetype)


def make_sheets(out):
    os.makedirs(out, exist_ok=True)
    make_xlsx(f"{out}/accounts.xlsx")
    tables = "".join(
        f'<table:table table:name="{name}">' + "".join(
            "<table:table-row>" + "".join(
                f"<table:table-cell><text:p>{c}</text:p></table:table-cell>" for c in row)
            + "</table:table-row>" for row in rows) + "</table:table>"
        for name, rows in SHEETS.items())
    odf(f"{out}/accounts.ods", "application/vnd.oasis.opendocument.spreadsheet",
        f"<office:spreadsheet>{tables}</office:spreadsheet>", "Zoo accounts")
    pages = "".join(
        f'<draw:page draw:name="page{i + 1}"><draw:frame presentation:class="title"><draw:text-box>'
        f"<text:p>{h}</text:p></draw:text-box></draw:frame><draw:frame><draw:text-box><text:p>{p}</text:p>"
        "</draw:text-box></draw:frame></draw:page>" for i, (h, p) in enumerate(SECTIONS))
    odf(f"{out}/talk.odp", "application/vnd.oasis.opendocument.presentation",
        f"<office:presentation>{pages}</office:presentation>", TITLE)


def make_mail(out):
    """A message with a plain and an HTML body and an attachment, as a mail client saves it."""
    from email.message import EmailMessage
    from email.utils import format_datetime
    import datetime
    os.makedirs(out, exist_ok=True)
    msg = EmailMessage()
    msg["Subject"] = "Wallaby census results"
    msg["From"] = "Ada Lovelace <ada@example.org>"
    msg["To"] = "Charles Babbage <charles@example.org>"
    msg["Cc"] = "Mary Somerville <mary@example.org>"
    msg["Date"] = format_datetime(datetime.datetime(2023, 4, 5, 6, 7, 8, tzinfo=datetime.timezone.utc))
    msg.set_content("Dear Charles,\n\nThe wallaby count on the ridge came to forty-two.\n")
    msg.add_alternative("<p>Dear Charles,</p><p>The <b>wallaby</b> count on the ridge came to forty-two.</p>",
                        subtype="html")
    msg.add_attachment(b"%PDF-1.4 not really", maintype="application", subtype="pdf",
                       filename="census-tally.pdf")
    # Attachments Loupe reads are documents of their own: a Word file, a text file, a message.
    with tempfile.TemporaryDirectory() as scratch:
        write(f"{scratch}/survey.md",
              "# Bilby survey\n\nThe bilby dens on the ridge were counted twice.\n")
        run("pandoc", f"{scratch}/survey.md", "-o", f"{scratch}/survey.docx")
        survey = open(f"{scratch}/survey.docx", "rb").read()
    msg.add_attachment(survey, maintype="application",
                       subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
                       filename="survey.docx")
    msg.add_attachment("Kowari tally: nine on the ridge, four by the creek.\n", filename="tally.txt")
    forwarded = EmailMessage()
    forwarded["Subject"] = "Dunnart sighting"
    forwarded["From"] = "Grace Hopper <grace@example.org>"
    forwarded["To"] = "katherine@example.org"
    forwarded.set_content("A dunnart crossed the track at dusk.\n")
    msg.add_attachment(forwarded)
    msg.add_attachment(b"\x89PNG\r\n\x1a\n" + bytes(64), maintype="image", subtype="png",
                       filename="ridge.png")
    write(f"{out}/census.eml", msg.as_bytes(), "wb")
    # An mbox: each message a document; the second carries an attachment, the third no subject.
    import mailbox
    box = mailbox.mbox(f"{out}/archive.mbox")
    first = EmailMessage()
    first["Subject"] = "Potoroo feeding schedule"
    first["From"] = "Grace Hopper <grace@example.org>"
    first["To"] = "katherine@example.org"
    first["Date"] = format_datetime(datetime.datetime(2022, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc))
    first.set_content("The potoroo eats truffles at dawn.\n")
    second = EmailMessage()
    second["Subject"] = "Bandicoot photos from Alan"
    second["From"] = "Alan Turing <alan@example.org>"
    second["To"] = "katherine@example.org"
    second.set_content("Photos of the bandicoot are attached.\n")
    second.add_attachment("# Field notes\n\nThe bandicoot digs near the phascogale nest.\n",
                          filename="field-notes.md")
    third = EmailMessage()
    third["From"] = "katherine@example.org"
    third["To"] = "alan@example.org"
    third.set_content("A note about the antechinus.\n")
    for message in (first, second, third):
        box.add(message)
    box.close()
    # A message in Latin-1, base64-encoded: the text must come out as UTF-8.
    latin = EmailMessage()
    latin["Subject"] = "Caf\u00e9 notes"
    latin["From"] = "Ren\u00e9 <rene@example.org>"
    latin["To"] = "ada@example.org"
    latin.set_content("Le caf\u00e9 du marsupial est ferm\u00e9.\n", charset="latin-1", cte="base64")
    write(f"{out}/cafe.eml", latin.as_bytes(), "wb")


def make_bad(out, same):
    os.makedirs(out, exist_ok=True)
    pdf = open(f"{same}/same.pdf", "rb").read()
    write(f"{out}/truncated.pdf", pdf[: len(pdf) // 3], "wb")
    write(f"{out}/empty.pdf", b"", "wb")
    run("qpdf", "--encrypt", "user-secret", "owner-secret", "256", "--", f"{same}/same.pdf",
        f"{out}/encrypted.pdf")
    # 200 MB of XML that deflates to a fraction of a megabyte.
    with zipfile.ZipFile(f"{out}/bomb.docx", "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(b'<?xml version="1.0"?><w:document xmlns:w="w"><w:body><w:p><w:r><w:t>')
            block = b" " * (1 << 20)
            for _ in range(200):
                part.write(block)
            part.write(b"</w:t></w:r></w:p></w:body></w:document>")
    write(f"{out}/notes.docx", "Plain text about a numbat, named as if it were Word.\n")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_fixtures.py OUT_DIR")
    out = sys.argv[1]
    make_same(f"{out}/same")
    make_sheets(f"{out}/sheets")
    make_mail(f"{out}/mail")
    make_bad(f"{out}/bad", f"{out}/same")


if __name__ == "__main__":
    main()
