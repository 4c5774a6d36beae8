"""Writes the awkward-return corpus in this folder. Run from the repository root:

    python tests/data/corpus/make_corpus.py

Each file is named for what is wrong or awkward with it; `expected.txt` holds the report each
must give (checked by tests/loaders/test_return_corpus.py). The files are committed (a rebuild changes the
workbooks' zip timestamps, not their cells), so this script
is only needed to add one or rebuild them. Every figure in them is made up.

The corpus is judged against a database holding Hackney's 2020-21 Q3 (three meetings of two
cases, BASE_Q3 below), so a Q4 file can be compared with the quarter before it.
"""

from __future__ import annotations

import csv
import io
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))  # the repository root, so `tests` imports when run as a script
from tests.helpers.returns import COLUMNS, HUMAN_HEADERS, meeting, workbook  # noqa: E402

#: Hackney 2020-21 Q3 as held before each corpus file is checked: 3 meetings x 2 cases
BASE_Q3 = [
    meeting(
        meeting_date=d,
        cases_discussed=2,
        repeat_cases=0,
        referrals_police=1,
        referrals_idva=1,
        referrals_childrens_social_care=0,
        children_in_household=1,
    )
    for d in ("15/10/2020", "12/11/2020", "10/12/2020")
]


def csv_text(rows: list[list[object]], headers: list[str] = COLUMNS) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue()


def save(book: openpyxl.Workbook, name: str) -> None:  # noqa: F821 (type only)
    from datetime import datetime

    book.properties.created = book.properties.modified = datetime(2021, 1, 1)
    book.save(HERE / name)


def write(name: str, text: str, encoding: str = "utf-8") -> None:
    (HERE / name).write_bytes(text.encode(encoding))


def main() -> None:
    base = [
        meeting(),
        meeting(
            meeting_date="11/02/2021",
            cases_discussed=3,
            repeat_cases=0,
            referrals_police=3,
            referrals_idva=0,
            referrals_childrens_social_care=0,
        ),
    ]

    # ---- awkward but readable: each loads
    save(
        workbook(
            {"Instructions": [["How to fill in this return"], ["One row per meeting."]], "Return": [COLUMNS, *base]}
        ),
        "extra-sheets.xlsx",
    )
    save(
        workbook(
            {"Return": [["Hackney MARAC quarterly return"], ["Referrals"], COLUMNS, *base]},
            {"Return": ["A1:Y1", "F2:S2"]},
        ),
        "merged-title-rows.xlsx",
    )
    save(workbook({"Return": [COLUMNS, [], base[0], [None] * len(COLUMNS), [], base[1], []]}), "blank-rows.xlsx")
    padded = [[f"  {c} " if isinstance(c, str) else c for c in row] for row in base]
    write("trailing-spaces.csv", csv_text(padded, [f"{h}  " for h in HUMAN_HEADERS]))
    write("thousands-separators.csv", csv_text([meeting(children_in_household="1,204")]))
    write(
        "utf16-excel-unicode-text.csv", csv_text(base).replace(",", "\t"), encoding="utf-16"
    )  # Excel's "Unicode text"
    write("utf8-bom.csv", "\ufeff" + csv_text(base))  # a BOM, commas: Excel's "CSV UTF-8"
    save(workbook({"Return": [COLUMNS, *[[*r[:1], _as_date(r[1]), *r[2:]] for r in base]]}), "real-date-cells.xlsx")

    write("semicolon-separated.csv", csv_text(base).replace(",", ";"))  # Excel where the decimal mark is a comma
    write("tab-separated.csv", csv_text(base).replace(",", "\t"))

    # ---- refused, with a reason
    save(
        workbook({"Return": [[*COLUMNS[:5], None, *COLUMNS[6:]], *base]}, {"Return": ["E1:F1"]}),
        "merged-header-cells.xlsx",
    )
    decimals = meeting(referrals_police="1,5", referrals_idva="1,5", referrals_childrens_social_care=1)
    write("semicolons-with-comma-decimals.csv", ";".join(COLUMNS) + "\n" + ";".join(str(c) for c in decimals) + "\n")
    write("empty-file.csv", "")
    save(workbook({"Return": [COLUMNS]}), "header-only.xlsx")
    save(workbook({"Q4 part 1": [COLUMNS, base[0]], "Q4 part 2": [COLUMNS, base[1]]}), "meetings-on-two-sheets.xlsx")
    save(workbook({"Return": [COLUMNS, [*base[0][:1], 44210, *base[0][2:]]]}), "date-as-number.xlsx")
    write("count-too-large.csv", csv_text([meeting(children_in_household=25000)]))
    write(
        "comma-as-decimal.csv",
        csv_text([meeting(referrals_police="1,5", referrals_idva="1,5", referrals_childrens_social_care=1)]),
    )
    write("lowercase-marac-code-unknown.csv", csv_text([meeting(marac_code="hackney")]))
    write("pdf-renamed.csv", "%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n")
    with zipfile.ZipFile(HERE / "word-document.xlsx", "w") as z:
        z.writestr(zipfile.ZipInfo("word/document.xml", (2021, 1, 1, 0, 0, 0)), "<w:document/>")
    good = io.BytesIO()
    workbook({"Return": [COLUMNS, *base]}).save(good)
    (HERE / "damaged-workbook.xlsx").write_bytes(good.getvalue()[: len(good.getvalue()) // 2])
    with zipfile.ZipFile(HERE / "macro-workbook.xlsm", "w") as z:
        with zipfile.ZipFile(io.BytesIO(good.getvalue())) as source:
            for item in source.infolist():
                z.writestr(zipfile.ZipInfo(item.filename, (2021, 1, 1, 0, 0, 0)), source.read(item.filename))
        z.writestr(zipfile.ZipInfo("xl/vbaProject.bin", (2021, 1, 1, 0, 0, 0)), b"\x00" * 64)
    compound = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    (HERE / "password-protected.xlsx").write_bytes(
        compound + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 32 + "EncryptedPackage".encode("utf-16-le")
    )

    # ---- load, but warn beside what is held (Hackney 2020-21 Q3: 3 meetings, 6 cases)
    write(
        "quarter-already-held.csv",
        csv_text(
            [
                *BASE_Q3[:2],
                meeting(
                    meeting_date="10/12/2020",
                    cases_discussed=3,
                    repeat_cases=0,
                    referrals_police=2,
                    referrals_childrens_social_care=0,
                ),
            ]
        ),
    )
    write(
        "cases-changed-sharply.csv",
        csv_text([meeting(), meeting(meeting_date="11/02/2021"), meeting(meeting_date="11/03/2021")]),
    )
    no_victims = {"victims_racially_minoritised": 0, "victims_male": 0}
    write(
        "demographics-not-recorded.csv",
        csv_text([meeting(**no_victims), meeting(meeting_date="11/02/2021", **no_victims)]),
    )
    write("hackney 2020-21 Q4 meeting-outside-quarter.csv", csv_text([meeting(), meeting(meeting_date="08/04/2021")]))


def _as_date(text: object):
    from datetime import datetime

    return datetime.strptime(str(text), "%d/%m/%Y")


if __name__ == "__main__":
    main()
