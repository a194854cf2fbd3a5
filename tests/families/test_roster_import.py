"""Stories of the roster import: a coordinator sends the administration's pupil list, reads what
it would do row by row, confirms, and sends it again (also as next school year's list)."""

from __future__ import annotations

import csv
import io

from sqlmodel import select

from bot.demo.school import School
from bot.models import Family
from tests.helpers.roster import (
    XLSX,
    class_names,
    csv_bytes,
    letter_for,
    pupils,
    send_list,
    xlsx_bytes,
)

HEADER = "Leerlingnummer;Voornaam;Naam;Geboortedatum;Klas;Thuistaal;Gezin;Adres;GSM"
LIST = [
    HEADER,
    "1001;Adam;Benali;2019-03-02;1A;Arabisch;G1;Kerkstraat 1;0470 11 22 33",
    "1002;Sara;Benali;2016-05-01;3B;ar + fr;G1;Kerkstraat 1;0470 11 22 33",
    "1003;Zoë;Peeters;2019-01-09;1A;Nederlands, zz;G2;Dorp 2;",
    "1004;Yusuf;Demir;2019-02-02;;Turks;G3;Markt 3;",
    "1003;Zoë;Peeters;2019-01-09;1A;Nederlands;G2;Dorp 2;",
    "1005;Lena;Jacobs;2019-07-07;1A;Berbers;G4;Veld 4;",
    "1006;;Claes;2019-08-08;1A;;G5;Plein 5;",
]


async def test_a_semicolon_list_with_bom_is_reported_row_by_row_then_imported(
    school: School,
) -> None:
    """Sofie sends the export (`;`, BOM): she reads what is new, which rows are refused and why,
    the unknown languages, the new class and the columns never stored; nothing is written
    before she taps Import; then the children are on the roster, siblings in one family."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    t = school.t
    report = await send_list(school, sofie, csv_bytes(LIST), "leerlingen.csv")
    assert t("nl", "roster.counts", add=4, change=0, same=0, refused=3) in report.text
    assert t("nl", "roster.new_classes", classes="3B") in report.text
    assert t("nl", "roster.ignored", columns="Geboortedatum, Adres, GSM") in report.text
    assert t("nl", "roster.file_removed") in report.text  # the export is not left in the chat
    assert not [m for m in sofie.sent.values() if "document" in m]  # deleteMessage: gone
    for line, child, reason in [
        (5, "Yusuf D.", t("nl", "roster.reason_no_class")),
        (6, "Zoë P. (1A)", t("nl", "roster.reason_twice", other=4)),
        (8, "C. (1A)", t("nl", "roster.reason_no_first_name")),
        (4, "Zoë P. (1A)", t("nl", "roster.warning_language", language="zz")),
        (7, "Lena J. (1A)", t("nl", "roster.warning_language", language="Berbers")),
    ]:
        assert t("nl", "roster.line", line=line, child=child, reason=reason) in report.text
    sheet = school.tg.file_bytes(
        next(
            m for m in sofie.messages if m.kind == "document" and m.file_name == "import-report.csv"
        ).file_id
    )
    assert sheet.startswith(b"\xef\xbb\xbf") and b"\r\n" in sheet
    rows = list(csv.reader(io.StringIO(sheet.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        t("nl", k)
        for k in ("roster.csv_line", "roster.csv_status", "roster.csv_child", "roster.csv_note")
    ]
    assert [r[0] for r in rows[1:]] == ["2", "3", "4", "4", "5", "6", "7", "7", "8"]
    assert await pupils(school) == {}  # nothing written before the confirmation

    await sofie.press(t("nl", "roster.button_import"), message=report)
    await sofie.expect_text(t("nl", "roster.imported", added=4, changed=0, archived=0))
    roster = await pupils(school)
    assert set(roster) == {"Adam B.", "Sara B.", "Zoë P.", "Lena J."}
    assert roster["Adam B."].family_id == roster["Sara B."].family_id
    assert roster["Sara B."].languages == "ar,fr" and roster["Zoë P."].languages == "nl"
    assert roster["Lena J."].languages == "" and roster["Adam B."].external_id == "1001"
    stored = " ".join(str(vars(p)) for p in roster.values())
    assert "Kerkstraat" not in stored and "2019-03-02" not in stored and "0470" not in stored
    assert "Benali" not in stored  # only the initial
    await school.class_row("3B")  # created on confirm


async def test_a_comma_list_again_updates_without_duplicates(school: School) -> None:
    """The same children sent again as a `,` CSV without BOM in Windows-1252: nothing is added;
    a changed language is reported as a change and stored."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    first = ["Voornaam;Familienaam;Klas;Taal", "Zoë;Peeters;1A;nl", "Adam;Benali;1A;ar"]
    report = await send_list(school, sofie, csv_bytes(first, sep=",", bom=False), "a.csv")
    await sofie.press(school.t("nl", "roster.button_import"), message=report)
    await sofie.expect_text(school.t("nl", "roster.imported", added=2, changed=0, archived=0))
    again = [
        "Prénom,Nom,Classe,Langue",
        "Zoë,Peeters,1A,néerlandais",
        "Adam,Benali,1A,arabe; français",
    ]
    data = csv_bytes(again, sep=",", bom=False, enc="cp1252").replace(b";", b",")
    data = data.replace(b"arabe, fran", b"arabe + fran")
    report = await send_list(school, sofie, data, "b.csv")
    assert school.t("nl", "roster.counts", add=0, change=1, same=1, refused=0) in report.text
    assert school.t("nl", "roster.no_family_key") in report.text
    await sofie.press(school.t("nl", "roster.button_import"), message=report)
    await sofie.expect_text(school.t("nl", "roster.imported", added=0, changed=1, archived=0))
    roster = await pupils(school)
    assert len(roster) == 2 and roster["Adam B."].languages == "ar,fr"
    assert roster["Adam B."].family_id != roster["Zoë P."].family_id  # no key: a family each


async def test_an_xlsx_list_is_read_like_a_csv(school: School) -> None:
    """An Excel workbook with a title line above the header and numbers as numbers."""
    sofie = await school.coordinator()
    data = xlsx_bytes([
        ["Leerlingen 2026-2027"],
        ["Stamboeknummer", "Voornaam", "Achternaam", "Klas", "Home language", "Famille"],
        [2001, "Noor", "El Amrani", "2B", "Arabic / Dutch", 77],
        [2002, "Ilias", "El Amrani", "4A", "ar", 77],
    ])  # fmt: skip
    report = await send_list(school, sofie, data, "lijst.xlsx", XLSX)
    assert school.t("nl", "roster.counts", add=2, change=0, same=0, refused=0) in report.text
    await sofie.press(school.t("nl", "roster.button_import"), message=report)
    await sofie.expect_text(school.t("nl", "roster.imported", added=2, changed=0, archived=0))
    roster = await pupils(school)
    assert roster["Noor E."].languages == "ar,nl" and roster["Noor E."].external_id == "2001"
    assert roster["Noor E."].family_id == roster["Ilias E."].family_id
    async with school.app.bot_data.sessions() as session:
        keys = list(await session.exec(select(Family.key)))
    assert keys == ["77"]


async def test_other_files_and_other_people_are_refused(school: School) -> None:
    """A PDF, an old .xls, a file over 2 MB or without headers gets a clear answer; a teacher
    cannot import (neither with /import nor with it as a caption); Cancel writes nothing."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    await sofie.send("/import")
    await sofie.send_document(b"%PDF-1.4 nothing", "lijst.pdf", "application/pdf")
    await sofie.expect_text(school.t("nl", "roster.bad_type"))
    await sofie.send("/import")
    await sofie.send_document(b"\xd0\xcf\x11\xe0old excel", "lijst.xls", "application/vnd.ms-excel")
    await sofie.expect_text(school.t("nl", "roster.bad_type"))
    await sofie.send("/import")
    big = csv_bytes(["Voornaam;Klas"] + ["Kind;1A"] * 300_000)  # 2.4 MB
    await sofie.send_document(big, "alles.csv", "text/csv")
    await sofie.expect_text(school.t("nl", "roster.too_big", max="2 MB"))
    await sofie.send("/import")
    await sofie.send_document(csv_bytes(["Naam;Adres", "x;y"]), "x.csv", "text/csv")
    await sofie.expect_text(school.t("nl", "roster.no_header"))
    await sofie.send_document(csv_bytes(LIST), "leerlingen.csv", "text/csv", caption="/import")
    report = await sofie.expect_text(school.t("nl", "roster.confirm"))  # the caption is enough
    await sofie.press(school.t("nl", "roster.button_cancel"), message=report)
    await sofie.expect_text(school.t("nl", "common.cancelled"))
    assert await pupils(school) == {}
    lies = await school.teacher(sofie, "Lies", "1A")
    await lies.send("/import")
    await lies.expect_text(school.t("nl", "error.not_allowed"))
    await lies.send_document(csv_bytes(LIST), "leerlingen.csv", "text/csv", caption="/import")
    await lies.expect_text(school.t("nl", "error.not_allowed"))
    assert await pupils(school) == {}


async def test_next_school_year_moves_archives_and_memberships_follow(school: School) -> None:
    """Amina joined with her letter (Adam in 1A, Sara in 3B). Next year's list has Adam in 2A and
    no Sara: Adam moves, Sara is archived, Amina is in 2A only; the 1A teacher keeps 1A."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    lies = await school.teacher(sofie, "Lies", "1A")
    report = await send_list(school, sofie, csv_bytes(LIST[:3]), "juni.csv")
    await sofie.press(school.t("nl", "roster.button_import"), message=report)
    await sofie.expect_text(school.t("nl", "roster.imported", added=2, changed=0, archived=0))
    amina = school.person("Amina", language_code="ar")
    await amina.send("/start " + await letter_for(school, (await pupils(school))["Adam B."]))
    await school.pick_language(amina, "ar")
    await amina.expect_text(
        school.t("ar", "families.joined", children="Adam B. (1A), Sara B. (3B)")
    )
    assert await class_names(school, amina) == {"1A", "3B"}

    september = [HEADER, "1001;Adam;Benali;2019-03-02;2A;Arabisch;G1;Kerkstraat 1;"]
    report = await send_list(school, sofie, csv_bytes(september), "september.csv")
    assert school.t("nl", "roster.missing", count=1) in report.text
    assert school.t("nl", "roster.new_classes", classes="2A") in report.text
    await sofie.press(school.t("nl", "roster.button_next_year"), message=report)
    await sofie.expect_text(school.t("nl", "roster.imported", added=0, changed=1, archived=1))
    assert set(await pupils(school)) == {"Adam B."}
    assert set(await pupils(school, archived=True)) == {"Sara B."}
    assert await class_names(school, amina) == {"2A"}
    assert await class_names(school, lies) == {"1A"}


async def test_a_family_the_bot_made_takes_the_key_of_the_list(school: School) -> None:
    """Amina joined before the import (her son Adam on the roster without a family key). The
    list brings Adam with key G1 and his sister Sara in 3B: Adam's family takes the key, Amina
    keeps him and gets Sara's class too."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    amina = await school.parent("Amina", "ar", "1A", child="Adam")
    lines = [
        "Leerlingnummer;Voornaam;Klas;Thuistaal;Gezin",
        "1001;Adam;1A;ar;G1",
        "1002;Sara;3B;ar;G1",
    ]
    report = await send_list(school, sofie, csv_bytes(lines), "lijst.csv")
    assert school.t("nl", "roster.counts", add=1, change=1, same=0, refused=0) in report.text
    await sofie.press(school.t("nl", "roster.button_import"), message=report)
    await sofie.expect_text(school.t("nl", "roster.imported", added=1, changed=1, archived=0))
    roster = await pupils(school)
    assert roster["Adam"].family_id == roster["Sara"].family_id
    assert roster["Adam"].external_id == "1001"
    assert await class_names(school, amina) == {"1A", "3B"}


async def test_a_long_report_is_cut_and_the_file_has_every_row(school: School) -> None:
    """600 rows without a class: the message stays within Telegram's 4,096 characters, the
    CSV report names every one of them."""
    sofie = await school.coordinator()
    lines = ["Voornaam;Naam;Klas"] + [f"Kind{i};Achternaam;" for i in range(600)]
    report = await send_list(school, sofie, csv_bytes(lines), "lang.csv")
    assert len(report.text.encode("utf-16-le")) // 2 <= 4096
    assert school.t("nl", "roster.counts", add=0, change=0, same=0, refused=600) in report.text
    sheet = next(m for m in reversed(sofie.messages) if m.file_name == "import-report.csv")
    rows = list(
        csv.reader(
            io.StringIO(school.tg.file_bytes(sheet.file_id).decode("utf-8-sig")), delimiter=";"
        )
    )
    assert len(rows) == 601 and rows[-1][:3] == [
        "601",
        school.t("nl", "roster.status_refused"),
        "Kind599 A.",
    ]
