"""The pupil list read from the file (names of columns and languages, limits), and an import
that fails halfway leaves nothing behind (one transaction, on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from bot.core.db import create_engine, session_factory
from bot.core.settings import SettingsError, load_settings
from bot.families import roster
from bot.families.roster_apply import apply_import
from bot.families.roster_plan import Change
from bot.families.roster_service import plan_import, year_end_cutoff
from bot.models import Family, Pupil, School, SchoolClass
from tests.helpers.roster import csv_bytes

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "code"),
    [("Arabisch", "ar"), ("arabe", "ar"), ("Arabic", "ar"), ("AR", "ar"), ("Turks", "tr"),
     ("néerlandais", "nl"), ("Pashto", "ps"), ("Tigrinya", "ti"), ("Berbers", None), ("zz", None)],
)  # fmt: skip
def test_languages_are_known_by_code_or_by_name_in_dutch_french_english(
    typed: str, code: str | None
) -> None:
    """Babel's names in three languages; what no ISO 639-1 code matches is unknown."""
    assert roster.language_code(typed) == code


def test_french_headers_and_several_languages_in_one_cell() -> None:
    """'Prénom', 'Nom de famille', 'Classe', 'Langues', 'N° famille' map; 'ar + fr', 'tr/nl'."""
    table = roster.read_table(
        csv_bytes(["Prénom;Nom de famille;Classe;Langues;Numéro famille;Date de naissance",
                   "Inès;dupont;P3;ar + fr;F9;2018-01-01", "Emre;Kaya;P3;tr/nl;F8;2018-02-02"]),
        "eleves.csv",
    )  # fmt: skip
    parsed = roster.parse(table)
    assert [(r.first_name, r.last_initial, r.languages, r.family_key) for r in parsed.rows] == [
        ("Inès", "D.", ("ar", "fr"), "F9"),
        ("Emre", "K.", ("tr", "nl"), "F8"),
    ]
    assert parsed.ignored == ["Date de naissance"] and parsed.refused == []


def test_files_too_big_or_too_long_are_refused() -> None:
    """Over 2 MB, or over 5,000 pupils: a clear refusal, nothing read."""
    with pytest.raises(roster.RosterFileError) as big:
        roster.read_table(b"Voornaam;Klas\r\n" + b"x" * roster.MAX_BYTES, "big.csv")
    assert big.value.key == "roster.too_big"
    rows = ["Voornaam;Klas"] + [f"Kind{i};1A" for i in range(roster.MAX_ROWS + 1)]
    with pytest.raises(roster.RosterFileError) as long:
        roster.parse(roster.read_table(csv_bytes(rows), "long.csv"))
    assert long.value.key == "roster.too_many_rows"


async def test_an_import_that_fails_halfway_writes_nothing(fresh_db: str) -> None:
    """A new class, new families and pupils are written, then the import fails: after the
    rollback not one of them is there."""
    engine = create_engine(fresh_db)
    sessions = session_factory(engine)
    async with sessions() as session:
        session.add(School(id=1, name="School", created_at=NOW))
        await session.commit()
    parsed = roster.parse(
        roster.read_table(csv_bytes(["Voornaam;Naam;Klas;Gezin", "Adam;B;1A;G1"]), "a.csv")
    )
    async with sessions() as session:
        plan = await plan_import(session, school_id=1, parsed=parsed)
        plan.change.append(Change(parsed.rows[0], pupil_id=999, what=("class",)))  # no such pupil
        with pytest.raises(KeyError):
            await apply_import(session, school_id=1, plan=plan, next_year=False, now=NOW)
    async with sessions() as session:
        for table in (SchoolClass, Family, Pupil):
            assert list(await session.exec(select(table))) == [], table.__name__
    await engine.dispose()


def test_the_school_years_last_day_is_a_setting() -> None:
    """OUDERBRUG_SCHOOL_YEAR_END (default 31 August); what left is deleted from the next night on,
    in the school's time zone; a wrong date is one clear sentence."""
    assert load_settings(env_file=None).year_end == (8, 31)
    settings = load_settings(env_file=None, OUDERBRUG_SCHOOL_YEAR_END="6-30")
    assert settings.school_year_end == "06-30"
    brussels = settings.tz
    june_30_late = datetime(2027, 6, 30, 21, 59, tzinfo=UTC)  # 23:59 in Brussels
    assert year_end_cutoff(june_30_late, brussels, (6, 30)) == datetime(2026, 7, 1, tzinfo=brussels)
    july_1 = datetime(2027, 6, 30, 22, 0, tzinfo=UTC)  # midnight in Brussels
    assert year_end_cutoff(july_1, brussels, (6, 30)) == datetime(2027, 7, 1, tzinfo=brussels)
    with pytest.raises(SettingsError, match="OUDERBRUG_SCHOOL_YEAR_END"):
        load_settings(env_file=None, OUDERBRUG_SCHOOL_YEAR_END="31-08")
