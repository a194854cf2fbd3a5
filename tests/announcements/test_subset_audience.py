"""Stories of announcements to some families of a class: a swimming group picked by child (siblings
get one copy per guardian), and the families who did not tap Seen on the previous message."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.core.limits import cut
from bot.demo.school import School
from bot.simulator import SimUser
from tests.helpers.family_messages import family, install_models, scan

SWIMMING = "Zwemmen: donderdag vertrekken we om 9 uur. Breng een handdoek mee."


@dataclass
class Class1A:
    """1A's roster: the twins Adam and Lina (mother Fatima, Arabic; father Youssef, French), Bram
    (Tom, Dutch), Sara (Hodan, Somali) and Ilias (Mehmet, Turkish). Noor (Ana) is in 2B."""

    lies: SimUser
    people: dict[str, SimUser]


@pytest.fixture
async def class_1a(school: School, model_files: Path) -> Class1A:
    """Five children in four families in 1A, one family in 2B, every guardian joined by letter."""
    install_models(school, model_files)
    sofie = await school.coordinator()
    for name in ("1A", "2B"):
        await school.new_class(sofie, name)
    lies = await school.teacher(sofie, "Juf Lies", "1A")
    people: dict[str, SimUser] = {}
    _, codes = await family(school, [("Adam", "1A"), ("Lina", "1A")], languages="ar")
    twins = "Adam (1A), Lina (1A)"
    people["Fatima"] = await scan(school, "Fatima", "ar", codes[0], twins, "mother")
    people["Youssef"] = await scan(school, "Youssef", "fr", codes[1], twins, "father")
    for parent, lang, child, class_name in [
        ("Tom", "nl", "Bram", "1A"),
        ("Hodan", "so", "Sara", "1A"),
        ("Mehmet", "tr", "Ilias", "1A"),
        ("Ana", "ro", "Noor", "2B"),
    ]:
        _, codes = await family(school, [(child, class_name)], languages=lang, guardians=1)
        people[parent] = await scan(
            school, parent, lang, codes[0], f"{child} ({class_name})", "other"
        )
    return Class1A(lies, people)


def copies(people: dict[str, SimUser]) -> dict[str, int]:
    """How many announcement copies (with 👍 Seen) each person received from the fake server."""
    found = {
        name: sum(1 for m in user.messages if "ann:seen:" in str(m.buttons) and not m.deleted)
        for name, user in people.items()
    }
    return {name: n for name, n in found.items() if n}


def has(data: str) -> object:
    """A predicate: a message with a button whose callback data starts with `data`."""
    return lambda m: any(d.startswith(data) for row in m.buttons for _, d in row)


async def pick(school: School, lies: SimUser, picker: object, *names: str) -> None:
    """Tap children in the picker; each tap shows ✅ in place."""
    from bot.simulator.state import BotMessage

    assert isinstance(picker, BotMessage)
    for name in names:
        await lies.press(f"◻️ {name} (1A)", message=picker)
        await lies.wait_for(lambda u, n=name: f"✅ {n} (1A)" in str(picker.buttons))


async def test_a_swimming_group_of_three_children(school: School, class_1a: Class1A) -> None:
    """Juf Lies sends the swimming news only to Adam, Lina and Bram: their families' three
    guardians get one copy each (the twins' parents once), nobody else; then she withdraws it."""
    lies, people = class_1a.lies, class_1a.people
    await lies.send(SWIMMING)
    preview = await lies.wait_for_message(has("ann:send:"))
    assert school.tn("nl", "count.parents", 5, count=5) in preview.text
    await lies.press(school.t("nl", "announce.some_families_button"), message=preview)
    await lies.wait_for(lambda u: "◻️ Adam (1A)" in str(preview.buttons))
    assert school.tn("nl", "announce.pick_children", 0, count=0) in preview.text
    assert [label for label in preview.labels if "(1A)" in label] == [
        "◻️ Adam (1A)", "◻️ Bram (1A)", "◻️ Ilias (1A)", "◻️ Lina (1A)", "◻️ Sara (1A)",
    ]  # fmt: skip
    await pick(school, lies, preview, "Adam", "Lina", "Bram")
    assert school.tn("nl", "announce.pick_children", 3, count=3) in preview.text
    assert all(len(data.encode()) <= 64 for row in preview.buttons for _, data in row)
    await lies.press(school.t("nl", "announce.done_button"), message=preview)
    only = school.tn("nl", "announce.only_families", 3, classes="1A", count=3)
    await lies.wait_for(lambda u: only in preview.text)
    assert school.tn("nl", "count.parents", 3, count=3) in preview.text
    await lies.press(school.t("nl", "announce.send_now"), message=preview)

    await lies.wait_for(lambda u: copies(people) == {"Fatima": 1, "Youssef": 1, "Tom": 1})
    report = school.t(
        "nl", "announce.report", classes=only, sent=3, total=3, seen=0, failed=0
    )  # the report names the families, not the whole class
    await lies.wait_for(lambda u: preview.text.startswith(report))
    await lies.press(school.t("nl", "announce.button_withdraw"), message=preview)
    await lies.press(school.t("nl", "announce.withdraw_yes"))
    await lies.expect_text(school.t("nl", "announce.withdrawing", count=3))
    await lies.wait_for(lambda u: copies(people) == {})


async def test_the_families_who_did_not_see_the_last_message(
    school: School, class_1a: Class1A
) -> None:
    """After a message to all of 1A, Fatima and Tom tap Seen; the reminder goes only to the
    families where nobody did: Sara's and Ilias's (Youssef's family saw it through Fatima)."""
    lies, people = class_1a.lies, class_1a.people
    await lies.send("Morgen is er een uitstap naar het bos.")
    first = await lies.wait_for_message(has("ann:send:"))
    await lies.press(school.t("nl", "announce.send_now"), message=first)
    await lies.wait_for(lambda u: len(copies(people)) == 5)
    for name, lang in (("Fatima", "ar"), ("Tom", "nl")):
        copy = next(m for m in people[name].messages if "ann:seen:" in str(m.buttons))
        pressed = await people[name].press(school.t(lang, "announce.button_seen"), message=copy)
        answer = await people[name].wait_callback_answer(pressed)
        assert answer.text == school.t(lang, "announce.seen_thanks")
    seen = school.t("nl", "announce.report", classes="1A", sent=5, total=5, seen=2, failed=0)
    await lies.wait_for(lambda u: first.text.startswith(seen))

    await lies.send("Vergeet de laarzen niet voor de uitstap!")
    second = await lies.wait_for_message(has("ann:send:"))
    await lies.press(school.t("nl", "announce.some_families_button"), message=second)
    excerpt = cut("Morgen is er een uitstap naar het bos.", 24)  # as the button shows it
    label = school.t("nl", "announce.not_seen_button", text=excerpt)
    await lies.press(label, message=second)
    await lies.wait_for(lambda u: "✅ Sara (1A)" in str(second.buttons))
    chosen = [label for label in second.labels if label.startswith("✅") and "(1A)" in label]
    assert chosen == ["✅ Ilias (1A)", "✅ Sara (1A)"]
    await lies.press(school.t("nl", "announce.done_button"), message=second)
    only = school.tn("nl", "announce.only_families", 2, classes="1A", count=2)
    await lies.wait_for(lambda u: only in second.text)
    await lies.press(school.t("nl", "announce.send_now"), message=second)
    await lies.wait_for(lambda u: copies(people) == {
        "Fatima": 1, "Youssef": 1, "Tom": 1, "Hodan": 2, "Mehmet": 2,
    })  # fmt: skip


async def test_a_long_class_list_comes_in_pages(school: School, model_files: Path) -> None:
    """A class of twelve: ten children a page, ▶️ to the next; a child picked on page two keeps
    page two, and only that child's family gets the message."""
    install_models(school, model_files)
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    lies = await school.teacher(sofie, "Juf Lies", "1A")
    crowd = await school.crowd("1A", 12, ("nl",))
    await lies.send("Wie zijn zwemzak vergat: hij ligt in de klas.")
    preview = await lies.wait_for_message(has("ann:send:"))
    await lies.press(school.t("nl", "announce.some_families_button"), message=preview)
    await lies.wait_for(lambda u: "▶️" in preview.labels)
    children = sorted(f"Kind Ouder {i + 1}" for i in range(12))  # as the list sorts them
    assert [x for x in preview.labels if x.startswith("◻️")] == [
        f"◻️ {c} (1A)" for c in children[:10]
    ]
    await lies.press("▶️", message=preview)
    await lies.wait_for(lambda u: "◀️" in preview.labels and "▶️" not in preview.labels)
    assert [x for x in preview.labels if x.startswith("◻️")] == [
        f"◻️ {c} (1A)" for c in children[10:]
    ]
    await lies.press(f"◻️ {children[11]} (1A)", message=preview)
    await lies.wait_for(lambda u: f"✅ {children[11]} (1A)" in preview.labels)
    assert "◀️" in preview.labels  # still on page two
    await lies.press(school.t("nl", "announce.done_button"), message=preview)
    await lies.wait_for(lambda u: "ann:send:" in str(preview.buttons))
    await lies.press(school.t("nl", "announce.send_now"), message=preview)
    chosen = next(u for u in crowd if f"Kind {u.first_name}" == children[11])
    everyone = {u.first_name: u for u in crowd}
    await lies.wait_for(lambda u: copies(everyone) == {chosen.first_name: 1})
    report = school.t(
        "nl", "announce.report", classes=school.tn("nl", "announce.only_families", 1, classes="1A", count=1),
        sent=1, total=1, seen=0, failed=0,
    )  # fmt: skip
    await lies.wait_for(lambda u: preview.text.startswith(report))
