"""Stories of visual announcements: an album and a voice note, to parents in four languages."""

from __future__ import annotations

from bot.demo.school import School
from bot.simulator import SimUser
from tests.helpers.announcements import announcement_class_1a

__all__ = ["announcement_class_1a"]  # the fixture class_1a, shared with the announcement stories
PHOTOS = [b"\x89PNG bos 1", b"\x89PNG bos 2", b"\x89PNG bos 3"]


def is_copy(message: object) -> bool:
    """A parent's copy of an announcement (it has the Seen button)."""
    return "ann:seen:" in str(getattr(message, "buttons", ""))


async def test_an_album_reaches_every_parent_with_a_translated_caption(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Three photos of the forest trip: the preview counts them; parents get the album, then the text."""
    lies = class_1a["lies"]
    await lies.send_album(PHOTOS, caption="Foto's van onze uitstap naar het bos.")
    album_line = school.t("nl", "announce.preview_album", count=3)
    preview = await lies.wait_for_message(lambda m: album_line in m.text, timeout=10)
    assert len([m for m in lies.messages if "ann:send:" in str(m.buttons)]) == 1  # one preview
    await lies.press(school.t("nl", "announce.send_now"), message=preview)
    for name, marker in (("Amina", "[en>ar]"), ("Mehmet", "[en>tr]"), ("Hodan", "[nl>en]")):
        parent = class_1a[name]
        copy = await parent.wait_for_message(is_copy, timeout=10)
        assert marker in copy.text, name
        photos = [m for m in parent.messages if m.kind == "photo"]
        assert [school.tg.file_bytes(m.file_id) for m in photos] == PHOTOS
        assert len({m.media_group_id for m in photos}) == 1 and photos[0].media_group_id
    tom = await class_1a["Tom"].wait_for_message(is_copy, timeout=10)
    assert "Foto's van onze uitstap naar het bos." in tom.text


async def test_a_voice_note_goes_out_as_it_was_spoken(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Juf Lies records a voice note: parents hear her voice, with the heading in their language."""
    lies = class_1a["lies"]
    await lies.send_voice(b"OggS juf lies", duration=12)
    await lies.press(school.t("nl", "announce.send_now"))
    for name, lang in (("Amina", "ar"), ("Tom", "nl")):
        parent = class_1a[name]
        copy = await parent.wait_for_message(is_copy, timeout=10)
        assert school.t(lang, "announce.from", sender="Juf Lies", classes="1A") in copy.text
        assert school.t(lang, "announce.machine_mark") not in copy.text  # nothing was translated
        voice = next(m for m in parent.messages if m.kind == "voice")
        assert school.tg.file_bytes(voice.file_id) == b"OggS juf lies"


async def test_what_cannot_be_passed_on_gets_a_clear_answer(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """A sticker and a spreadsheet are refused with the list of what works; nothing is drafted."""
    lies = class_1a["lies"]
    await lies.send_sticker()
    await lies.expect_text(school.t("nl", "announce.unsupported_file"))
    await lies.send_document(b"PK\x03\x04", "cijfers.xlsx", "application/vnd.ms-excel")
    await lies.expect_text(school.t("nl", "announce.unsupported_file"))
    assert not [m for m in lies.messages if "ann:send:" in str(m.buttons)]


async def test_a_caption_at_telegrams_limit_arrives_whole(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """A 1,024-character caption (Telegram's maximum) reaches Tom whole, as text under the photo."""
    lies, tom = class_1a["lies"], class_1a["Tom"]
    caption = ("Beste ouders, hier is alles over de uitstap van vrijdag. " * 20)[:1024]
    await lies.send_photo(b"\x89PNG lang", caption=caption)
    await lies.press(school.t("nl", "announce.send_now"))
    copy = await tom.wait_for_message(is_copy, timeout=10)
    assert caption.strip() in copy.text
    assert [m.kind for m in tom.messages][-2:] == ["photo", "text"]


async def test_a_pdf_letter_reaches_parents_in_four_languages(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Juf Lies sends the letter about the school trip as a PDF: the file unchanged, the note translated."""
    lies = class_1a["lies"]
    pdf = b"%PDF-1.4 brief uitstap"
    await lies.send_document(
        pdf, "brief-uitstap.pdf", "application/pdf", caption="De brief over de uitstap."
    )
    await lies.press(school.t("nl", "announce.send_now"))
    for name, marker in (
        ("Amina", "[en>ar]"),
        ("Mehmet", "[en>tr]"),
        ("Hodan", "[nl>en]"),
        ("Tom", "uitstap"),
    ):
        parent = class_1a[name]
        copy = await parent.wait_for_message(is_copy, timeout=10)
        assert marker in copy.text, name
        document = next(m for m in parent.messages if m.kind == "document")
        assert school.tg.file_bytes(document.file_id) == pdf
