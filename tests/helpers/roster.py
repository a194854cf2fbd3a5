"""Helpers of the roster stories: a coordinator sends a pupil list, the roster as stored."""

from __future__ import annotations

import io

from openpyxl import Workbook
from sqlmodel import col, select

from bot.core.codes import family_payload
from bot.demo.school import School
from bot.families import service as families
from bot.models import ClassMembership, Pupil, SchoolClass
from bot.simulator import SimUser
from bot.simulator.state import BotMessage

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_bytes(lines: list[str], *, sep: str = ";", bom: bool = True, enc: str = "utf-8") -> bytes:
    """A CSV export as the administration's software writes it (CRLF)."""
    data = "\r\n".join(line.replace(";", sep) for line in lines).encode(enc)
    return (b"\xef\xbb\xbf" if bom else b"") + data


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    """An XLSX workbook with one sheet."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def send_list(
    school: School, user: SimUser, data: bytes, name: str, mime: str = CSV
) -> BotMessage:
    """/import, the file, and the report (the message with the Import button)."""
    await user.send("/import")
    await user.expect_text(school.t("nl", "roster.send_file", max="2 MB", rows=5000))
    await user.send_document(data, name, mime)
    await user.wait_for_message(lambda m: m.kind == "document")
    return await user.expect_text(school.t("nl", "roster.confirm"))


async def pupils(school: School, *, archived: bool = False) -> dict[str, Pupil]:
    """The roster by 'First I.': pupils at school (or archived ones)."""
    async with school.app.bot_data.sessions() as session:
        query = select(Pupil).where(
            col(Pupil.left_at).is_not(None) if archived else col(Pupil.left_at).is_(None)
        )
        return {f"{p.first_name} {p.last_initial}".strip(): p for p in await session.exec(query)}


async def class_names(school: School, user: SimUser) -> set[str]:
    """The classes a member has a membership of."""
    member = await school.member(user)
    assert member is not None
    async with school.app.bot_data.sessions() as session:
        rows = await session.exec(
            select(SchoolClass.name)
            .join(ClassMembership, col(ClassMembership.class_id) == col(SchoolClass.id))
            .where(ClassMembership.member_id == member.id)
        )
        return set(rows)


async def letter_for(school: School, pupil: Pupil) -> str:
    """The school prints a personal letter for a pupil's family: one guardian's start payload."""
    services = school.app.bot_data
    async with services.sessions() as session:
        codes = await families.issue_codes(
            session, school_id=services.school_id, family_id=pupil.family_id, count=1,
            now=services.clock.now(),
        )  # fmt: skip
        await session.commit()
    return family_payload(codes[0])
