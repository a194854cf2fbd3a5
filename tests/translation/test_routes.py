"""Stories of better engines per language (issue 19): a many-to-many model reaches Somali
parents, a direct Dutch->Turkish model replaces the pivot through English, and the school sees
per language which route a text takes and under which licence."""

from __future__ import annotations

from pathlib import Path

from bot.demo.school import School
from bot.simulator import BotMessage, SimUser
from bot.translation.manage import install_from_dir
from bot.translation.routes import write_pin
from tests.helpers.argos_model import ct2_model_folders, direct_marker, many_marker

__all__ = ["ct2_model_folders"]  # the fixture ct2_folders
TEXT = "Beste ouders, morgen is er turnen. Breng de turnzak mee!"
PARTY = "Vrijdag is er een feest. Iedereen is welkom!"


def is_copy(message: BotMessage) -> bool:
    """A parent's copy of an announcement (it has the Seen button)."""
    return "ann:seen:" in str(message.buttons)


async def announce(school: School, teacher: SimUser, text: str = TEXT) -> BotMessage:
    """The teacher writes, reads the preview and presses Send now; returns the preview."""
    await teacher.send(text)
    preview = await teacher.wait_for_message(lambda m: "ann:send:" in str(m.buttons))
    await teacher.press(school.t("nl", "announce.send_now"), message=preview)
    return preview


async def test_a_somali_parent_is_reached_through_the_many_to_many_model(
    school: School, ct2_folders: dict[str, Path]
) -> None:
    """Hodan joins and reads Somali. The school installs the many-to-many model: refused
    without the licence opt-in, installed with it. The preview now counts Hodan among those who
    read it in their language and names the route; her copy is in Somali (with the school's
    Somali glossary, as for every engine), and her Somali answer reaches Juf Lies in Dutch."""
    services = school.app.bot_data
    translator = services.translator
    assert translator is not None
    sofie = await school.coordinator()
    await school.new_class(sofie, "3B")
    lies = await school.teacher(sofie, "Juf Lies", "3B")
    hodan = await school.parent("Hodan", "so", "3B")
    models = services.settings.models_data_dir

    done, errors = install_from_dir(models, ct2_folders["many"])
    assert done == [] and "--accept-licence cc-by-nc-4.0" in errors[0], errors
    translator.reload_models()
    assert not translator.can_translate("nl", "so")

    done, errors = install_from_dir(models, ct2_folders["many"], ["cc-by-nc-4.0"])
    assert errors == [] and done[0].startswith("many-to-many nllb-200-tiny"), done
    translator.reload_models()

    preview = await announce(school, lies)
    assert school.t("nl", "status.own", count=1, languages="Somalisch 1") in preview.text
    assert school.t("nl", "status.no_model", count=1, languages="Somalisch 1") not in preview.text
    many = school.t("nl", "status.route_many", language="Somalisch", model="nllb-200-tiny")
    assert school.t("nl", "status.routes", routes=many) in preview.text  # and which route
    copy = await hodan.wait_for_message(is_copy, timeout=10)
    body = copy.text.split("\n\n")[1]  # two sentences in Somali, the school's glossary kept
    assert body == f"{many_marker('so')} (jimicsi) {many_marker('so')} (bacda jimicsiga)"
    assert school.t("so", "status.note_dutch") not in copy.text

    await hodan.send("Berri wiilkaygu wuu xanuunsan yahay.")
    await hodan.expect_text(school.t("so", "conversation.received", who="Juf Lies"))
    note = await lies.wait_for_message(lambda m: "Berri wiilkaygu" in m.text)
    assert school.t("nl", "team.translated", text=many_marker("nl")) in note.text


async def test_a_direct_model_replaces_the_pivot_for_turkish_and_a_pin_brings_it_back(
    school: School, model_files: Path, ct2_folders: dict[str, Path]
) -> None:
    """With argostranslate only, Mehmet's Turkish goes nl>en>tr. The school installs a direct
    nl>tr model (Apache-2.0, no opt-in needed): the same announcement now reaches him through
    it. Pinned back to the pivot, the same text comes through English again: the cache never
    serves one engine's words for another's."""
    services = school.app.bot_data
    translator = services.translator
    assert translator is not None
    models = services.settings.models_data_dir
    install_from_dir(models, model_files)
    translator.reload_models()
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    lies = await school.teacher(sofie, "Juf Lies", "1A")
    mehmet = await school.parent("Mehmet", "tr", "1A")
    seen: list[BotMessage] = []

    async def next_copy(route: str, model: str) -> str:
        """Juf Lies sends PARTY; the preview names the route; Mehmet's copy, translated."""
        preview = await announce(school, lies, PARTY)
        line = school.t("nl", f"status.route_{route}", language="Turks", model=model)
        assert school.t("nl", "status.routes", routes=line) in preview.text
        copy = await mehmet.wait_for_message(lambda m: is_copy(m) and m not in seen, timeout=10)
        seen.append(copy)
        return copy.text.split("\n\n")[1]

    assert await next_copy("pivot", "argostranslate") == "[en>tr] [en>tr]"  # through English
    done, errors = install_from_dir(models, ct2_folders["direct"])
    assert errors == [] and done == ["direct opus-mt-nl-tr (nl>tr; licence APACHE-2.0)"]
    translator.reload_models()
    direct = direct_marker("nl", "tr")
    assert await next_copy("direct", "opus-mt-nl-tr") == f"{direct} {direct}"
    write_pin(models, "tr", "pivot")
    translator.reload_models()
    assert await next_copy("pivot", "argostranslate") == "[en>tr] [en>tr]"
