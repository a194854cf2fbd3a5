"""Exports of a poll's results: CSV (totals and free texts) and XLSX (one sheet of each)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from openpyxl import Workbook

from bot.core.i18n import Catalogs
from bot.polls.results import Results

Row = list[str | int]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SEPARATOR = ";"  # what Excel expects with a Dutch (nl-BE, nl-NL) list separator


def safe(value: str | int) -> str | int:
    """A parent's text never becomes a spreadsheet formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


@dataclass(frozen=True)
class Tables:
    """The two tables of an export, with their headers and sheet names."""

    totals_header: list[str]
    totals: list[Row]
    texts_header: list[str]
    texts: list[Row]
    sheets: tuple[str, str]


def tables(results: Results, catalogs: Catalogs, lang: str) -> Tables:
    """Rows for the totals (per group, question, answer) and the free texts, in `lang`."""
    t = catalogs.t
    totals: list[Row] = []
    if results.hidden:
        few = catalogs.tn(lang, "poll.too_few", results.min_group, min=results.min_group)
        totals.append([few, "", "", "", ""])
    for group in results.groups:
        name = t(lang, "poll.whole_school") if group.name is None else group.name
        name = name or t(lang, "poll.other_classes")
        for q in group.questions:
            question = q.question.text.get(lang) or q.question.text["nl"]
            labels = [
                (o.id, f"{o.emoji} {o.text.get(lang) or o.text['nl']}") for o in q.question.options
            ]
            if q.question.other:
                labels.append(("", t(lang, "poll.other_label")))
            for option_id, label in labels:
                totals.append(
                    [name, question, label, q.counts.get(option_id, 0), q.percent(option_id)]
                )
    questions = {q.id: q.text.get(lang) or q.text["nl"] for q in results.flow.questions}
    texts: list[Row] = [
        [
            questions.get(x.question_id, x.question_id),
            catalogs.language_name(x.language, lang)
            if x.language
            else t(lang, "poll.other_language"),
            x.text,
            x.text_nl or (x.text if x.language == lang else ""),
        ]
        for x in results.texts
    ]
    if results.texts_hidden and results.texts_total:
        hidden = catalogs.tn(lang, "poll.texts_hidden", results.min_text, min=results.min_text)
        texts.append([hidden, "", "", ""])
    sheets = t(lang, "poll.export_sheets").split("|")
    return Tables(
        totals_header=t(lang, "poll.export_totals_header").split("|"),
        totals=totals,
        texts_header=t(lang, "poll.export_texts_header").split("|"),
        texts=texts,
        sheets=(sheets[0][:31], sheets[-1][:31]),
    )


def to_csv(header: list[str], rows: list[Row]) -> bytes:
    """A CSV file as Excel opens it in Flanders and the Netherlands: fields separated by `;` (the
    list separator of a Dutch or Belgian locale, where `,` is the decimal comma), UTF-8 with a BOM
    so accents and Arabic read right, lines ending in CRLF."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=SEPARATOR, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([safe(v) for v in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(data: Tables) -> bytes:
    """An XLSX workbook: the totals sheet and the free-text sheet."""
    return workbook(
        [
            (data.sheets[0], data.totals_header, data.totals),
            (data.sheets[1], data.texts_header, data.texts),
        ]
    )


def workbook(sheets: list[tuple[str, list[str], list[Row]]]) -> bytes:
    """An XLSX workbook with one sheet per (name, header, rows); texts never become formulas."""
    book = Workbook(write_only=True)
    for name, header, rows in sheets:
        sheet = book.create_sheet(name)
        sheet.append(header)
        for row in rows:
            sheet.append([safe(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
