"""Regenerate hand-typed.xlsx: a prospect list as a person types it in Excel.

    python -m pip install XlsxWriter      # only this generator needs it
    python tests/data/lists/make_hand_typed.py

The file is committed too, so the tests never need XlsxWriter.  Running this
again writes the same bytes (fixed document dates; XlsxWriter's zip entries
carry a fixed timestamp).

Why XlsxWriter and not openpyxl: openpyxl writes a formula with no cached
result, so a reader that asks for values (openpyxl's data_only=True, pandas)
gets None.  Excel itself stores the last result next to the formula.
XlsxWriter's write_formula(row, col, formula, format, value) stores both,
which is what a file saved by Excel looks like.  For the one formula that
must have *no* cached result (as files written by openpyxl or some web apps
have), XlsxWriter writes an empty <v></v>; the post-processing step below
removes it so that cell has only <f>, byte for byte what openpyxl writes.

Quirks in the sheet "Targets" (see README.md in this folder for what an
importer must do with each):
  * row 1 is a title ("My target companies — Nov 2026") merged over A1:K1,
    row 2 is blank, row 3 is the header;
  * A5:A6 is one merged "Company" cell over two hiring managers;
  * K4, K5, K8, K9 are real date cells; K7 is the text "next week";
  * I4 is the zip 02134 typed into a General cell, so Excel stores 2134;
    I8 likewise 2139; I7 is the text "31-019";
  * B7 is =L7&" "&M7 with its cached result "Łukasz Żółw";
    B8 is =PROPER(L8&" "&M8) with no cached result;
  * columns L:M ("first", "last") are hidden helper columns;
  * D4 is a mailto: hyperlink (Excel turns a typed address into one);
    D10 has a trailing space; E8 is a phone typed as a number;
  * rows 11-40 are blank but carry borders (formatted trailing rows), so
    the sheet's used range ends at row 40, not row 10;
  * a second sheet "Ideas" holds free-form notes, not prospects.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import zipfile

import xlsxwriter

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "hand-typed.xlsx")

HEADER = [
    "Company",
    "Hiring Manager",
    "Title",
    "Email",
    "Phone",
    "Street",
    "City",
    "State",
    "Zip",
    "Priority",
    "Follow-up date",
]


def build(path: str) -> None:
    wb = xlsxwriter.Workbook(path)
    wb.set_properties(
        {
            "title": "Job search 2026",
            "author": "Pat Example",
            "created": dt.datetime(2026, 11, 6, 9, 30, 0, tzinfo=dt.UTC),
        }
    )
    # XlsxWriter stamps docProps/core.xml "modified" with the creation date
    # given above, so the output does not depend on when the script runs.

    title = wb.add_format({"bold": True, "font_size": 14})
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    cell = wb.add_format({"border": 1})
    top = wb.add_format({"border": 1, "valign": "top"})
    date = wb.add_format({"border": 1, "num_format": "d mmm yyyy"})
    link = wb.add_format({"border": 1, "font_color": "blue", "underline": 1})

    ws = wb.add_worksheet("Targets")
    ws.set_column("A:A", 26)
    ws.set_column("B:B", 20)
    ws.set_column("C:C", 30)
    ws.set_column("D:D", 32)
    ws.set_column("E:E", 18)
    ws.set_column("F:F", 28)
    ws.set_column("G:G", 14)
    ws.set_column("H:I", 7)
    ws.set_column("J:J", 9)
    ws.set_column("K:K", 15)
    ws.set_column("L:M", 12, None, {"hidden": True})

    # Row 1: title merged across the table; row 2: blank.
    ws.merge_range("A1:K1", "My target companies — Nov 2026", title)
    # Row 3: header (+ the hidden helper columns' own labels).
    for col, name in enumerate(HEADER):
        ws.write(2, col, name, head)
    ws.write(2, 11, "first")
    ws.write(2, 12, "last")

    # Row 4: Acme.  The address was typed as a hyperlink; the zip lost its 0.
    r = 3
    ws.write(r, 0, "Acme Corp", cell)
    ws.write(r, 1, "Ana Lima", cell)
    ws.write(r, 2, "VP Engineering", cell)
    ws.write_url(r, 3, "mailto:ana@acme.test", link, string="ana@acme.test")
    ws.write(r, 4, "(617) 555-0142", cell)
    ws.write(r, 5, "55 Harvard Ave, Suite 300", cell)
    ws.write(r, 6, "Boston", cell)
    ws.write(r, 7, "MA", cell)
    ws.write_number(r, 8, 2134, cell)  # typed 02134 in a General cell
    ws.write_number(r, 9, 1, cell)
    ws.write_datetime(r, 10, dt.date(2026, 12, 1), date)

    # Rows 5-6: one company merged over two people.
    ws.merge_range("A5:A6", "Rhein & Söhne GmbH", top)
    r = 4
    ws.write(r, 1, "Dr. Jürgen Müller", cell)
    ws.write(r, 2, "Leiter Personal", cell)
    ws.write(r, 3, "j.mueller@rhein-soehne.example", cell)
    ws.write(r, 4, "+49 30 555-0123", cell)
    ws.write(r, 5, "Friedrichstraße 12", cell)
    ws.write(r, 6, "Berlin", cell)
    ws.write_blank(r, 7, None, cell)
    ws.write_number(r, 8, 10117, cell)
    ws.write_number(r, 9, 2, cell)
    ws.write_datetime(r, 10, dt.date(2026, 12, 3), date)
    r = 5
    ws.write(r, 1, "Sabine Krause", cell)
    ws.write(r, 2, "Assistentin der Geschäftsführung", cell)
    ws.write(r, 3, "s.krause@rhein-soehne.example", cell)
    ws.write(r, 4, "+49 30 555-0124", cell)
    for c in range(5, 9):
        ws.write_blank(r, c, None, cell)
    ws.write_number(r, 9, 2, cell)
    ws.write_blank(r, 10, None, cell)

    # Row 7: the name is a formula over the hidden columns, cached result kept.
    r = 6
    ws.write(r, 0, "Wisła Logistyka Sp. z o.o.", cell)
    ws.write_formula(r, 1, '=L7&" "&M7', cell, "Łukasz Żółw")
    ws.write(r, 2, "Dyrektor Operacyjny", cell)
    ws.write(r, 3, "l.zolw@wisla-logistyka.example", cell)
    ws.write(r, 4, "+48 12 555 01 31", cell)
    ws.write(r, 5, "ul. Floriańska 15/4", cell)
    ws.write(r, 6, "Kraków", cell)
    ws.write_blank(r, 7, None, cell)
    ws.write_string(r, 8, "31-019", cell)
    ws.write(r, 9, "high", cell)
    ws.write(r, 10, "next week", cell)
    ws.write(r, 11, "Łukasz")
    ws.write(r, 12, "Żółw")

    # Row 8: a formula with no cached result (stripped below).
    r = 7
    ws.write(r, 0, "Brightwater & Co", cell)
    ws.write_formula(r, 1, '=PROPER(L8&" "&M8)', cell, "")
    ws.write(r, 2, "Head of Talent", cell)
    ws.write(r, 3, "hiring@brightwater.example", cell)
    ws.write_number(r, 4, 6175550187, cell)  # phone typed as a number
    ws.write(r, 5, "100 Main St, Floor 2", cell)
    ws.write(r, 6, "Cambridge", cell)
    ws.write(r, 7, "ma", cell)
    ws.write_number(r, 8, 2139, cell)
    ws.write_number(r, 9, 3, cell)
    ws.write_datetime(r, 10, dt.date(2026, 12, 10), date)
    ws.write(r, 11, "dana")
    ws.write(r, 12, "reyes")

    # Row 9.
    r = 8
    ws.write(r, 0, "Fjordlys AS", cell)
    ws.write(r, 1, "Zoë Ødegaard", cell)
    ws.write(r, 2, "Head of Engineering", cell)
    ws.write(r, 3, "zoe.odegaard@fjordlys.example", cell)
    ws.write(r, 4, "+47 555 01 107", cell)
    ws.write(r, 5, "Strandkaien 3", cell)
    ws.write(r, 6, "Bergen", cell)
    ws.write_blank(r, 7, None, cell)
    ws.write_number(r, 8, 5013, cell)
    ws.write_number(r, 9, 1, cell)
    ws.write_datetime(r, 10, dt.date(2026, 11, 30), date)

    # Row 10: trailing space in the address, no follow-up date.
    r = 9
    ws.write(r, 0, "Globex Industrial", cell)
    ws.write(r, 1, "Marcus Webb", cell)
    ws.write(r, 2, "Senior Manager", cell)
    ws.write(r, 3, "marcus.webb@globex.test ", cell)
    ws.write(r, 4, "(217) 555-0100", cell)
    ws.write(r, 5, "1 Globex Plaza", cell)
    ws.write(r, 6, "Springfield", cell)
    ws.write(r, 7, "IL", cell)
    ws.write_number(r, 8, 62701, cell)
    ws.write_number(r, 9, 2, cell)
    ws.write_blank(r, 10, None, cell)

    # Rows 11-40: blank but bordered, "ready for more".
    for r in range(10, 40):
        for c in range(len(HEADER)):
            ws.write_blank(r, c, None, cell)

    ws.freeze_panes(3, 0)

    ideas = wb.add_worksheet("Ideas")
    ideas.set_column("A:A", 70)
    ideas.write(0, 0, "Companies to research", title)
    for i, line in enumerate(
        [
            "Nordlicht Energie (Hamburg) – ask Jürgen for an intro",
            "Pacific Rim Imports – Mei Chen? met at the Oct meetup",
            "Lakeside Health – CMIO office, find the assistant's name",
            "maybe: Maison Lumière SARL again in January",
        ],
        start=2,
    ):
        ideas.write(i, 0, line)

    wb.close()


def strip_empty_cached_values(path: str) -> None:
    """Remove <v></v> after a formula: a cell with a formula and no result."""
    tmp = path + ".tmp"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb"(<f>[^<]*</f>)<v></v>", rb"\1", data)
            dst.writestr(info, data)
    os.replace(tmp, path)


if __name__ == "__main__":
    build(OUT)
    strip_empty_cached_values(OUT)
    print("wrote", OUT)
