"""Story helpers for messages to families: a family on the roster (siblings too), its letter's
codes, and a guardian who scans one and says who they are."""

from __future__ import annotations

from pathlib import Path

from bot.core.codes import family_payload
from bot.demo.school import School
from bot.families import service as families
from bot.simulator import SimUser
from tests.helpers.argos_model import install_translation_models


def install_models(school: School, model_files: Path) -> None:
    """The marker translation models (nl>fr, nl>en>ar, ar>en>nl, ...)."""
    install_translation_models(school, model_files)


async def family(
    school: School, kids: list[tuple[str, str]], *, languages: str = "", guardians: int = 2
) -> tuple[int, list[str]]:
    """A family with its children (first name, class) on the roster, and its letter's start
    payloads (one per guardian)."""
    services = school.app.bot_data
    now = services.clock.now()
    async with services.sessions() as session:
        made = await families.new_family(session, school_id=services.school_id, now=now)
        for child, class_name in kids:
            await families.add_pupil(
                session, school_id=services.school_id, family_id=made.id or 0,
                class_id=(await school.class_row(class_name)).id, first_name=child,
                languages=languages, now=now,
            )  # fmt: skip
        codes = await families.issue_codes(
            session, school_id=services.school_id, family_id=made.id or 0, count=guardians, now=now
        )
        await session.commit()
    return made.id or 0, [family_payload(code) for code in codes]


async def scan(
    school: School, name: str, lang: str, payload: str, children: str, role: str, *,
    second: str | None = None,
) -> SimUser:  # fmt: skip
    """A guardian scans their personal letter, picks their language and says who they are."""
    user = school.person(name, lang)
    await user.send("/start " + payload)
    await school.pick_language(user, lang, second)
    await user.expect_text(school.t(lang, "families.joined", children=children))
    await user.press(school.t(lang, f"families.role_{role}"))
    await user.expect_text(
        school.t(lang, "families.role_saved", role=school.t(lang, f"families.role_{role}"))
    )
    return user
