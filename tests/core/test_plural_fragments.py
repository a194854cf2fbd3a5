"""A plural message picks its form for one count; a second count inside it must not carry a noun
that only agrees with the first.

Romanian writes "de" between a number and its noun from 20 on (20 de părinți, 101 părinți,
120 de părinți). "👥 Au răspuns {count} din {invited} părinți." took its form from {count}, so
"din 25 părinți" was wrong whatever the form. Told by the real bot over the fake Telegram, and
checked for every Romanian plural message with every count the same.
"""

from __future__ import annotations

import re

import pytest

from bot.core.i18n import Catalogs, placeholders
from bot.core.settings import project_root
from bot.demo.school import School
from tests.helpers.polls import has_data, launch

CATALOGS = Catalogs.load(project_root() / "locales")
NUMBERS = {"count", "invited", "removed", "waiting", "yes", "no", "maybe", "people", "days"}
NUMBERS |= {"min", "max", "limit", "length", "minutes", "k"}
NUMBER_THEN_WORD = re.compile(r"(?<![\d/:.,])(\d+) ([^\W\d_]+)")
NOT_NOUNS = {"din", "dintre", "și", "sau", "ori", "la", "până", "în", "pe", "cu"}  # no "de" there
NOT_NOUNS |= {"min", "km", "m"}  # unit symbols take no "de" either ("120 min")


def romanian_slips(text: str) -> list[str]:
    """'25 părinți' (needs "de"), '101 de părinți' (must not have it): Romanian's rule."""
    slips = []
    for match in NUMBER_THEN_WORD.finditer(text):
        n, word = int(match.group(1)), match.group(2)
        if word in NOT_NOUNS:
            continue
        needs_de = n >= 20 and (n % 100 == 0 or n % 100 >= 20)
        if needs_de != (word == "de"):
            slips.append(match.group(0))
    return slips


async def test_a_romanian_coordinator_reads_how_many_of_25_parents_answered(
    school: School,
) -> None:
    """Ioana, coordinator, reads the results of a poll sent to 25 parents in Romanian: no number
    from 20 stands before a noun without "de"."""
    ioana = await school.coordinator("Ioana")
    await school.new_class(ioana, "1A")
    await school.crowd("1A", 25, ("nl",))
    poll_id = await launch(school, ioana, "barriers", 25)
    await ioana.send("/language")
    await school.pick_language(ioana, "ro")
    await ioana.send("/polls")
    listing = await ioana.wait_for_message(lambda m: has_data(m, f"pr:{poll_id}"))
    await ioana.press(f"pr:{poll_id}", message=listing)
    first = school.tn("ro", "poll.respondents", 0, count=0, invited=25).split("0")[0]
    results = await ioana.wait_for_message(lambda m: first in m.text)
    assert "25" in results.text and romanian_slips(results.text) == []


@pytest.mark.parametrize("n", [1, 2, 19, 20, 21, 25, 100, 101, 119, 120, 1000])
def test_every_romanian_plural_message_puts_de_where_it_belongs(n: int) -> None:
    """Every count in a Romanian plural message set to `n`, the form picked for `n`."""
    slips = {}
    for key in CATALOGS.plurals["ro"]:
        names = placeholders(CATALOGS.plurals["ro"][key][0])
        values = {name: (n if name in NUMBERS else "X") for name in names}
        found = romanian_slips(CATALOGS.tn("ro", key, n, **values))
        if found:
            slips[key] = found
    assert not slips, slips


def test_the_rule_knows_romanian() -> None:
    """The rule catches the old line and passes the right ones."""
    assert romanian_slips("👥 Au răspuns 20 din 20 părinți.") == ["20 părinți"]
    assert romanian_slips("20 de părinți, 101 părinți, 19 părinți, 14/12 18:00") == []
    assert romanian_slips("101 de părinți") == ["101 de"]
