"""What a voice reads of a message: the words, not the emojis, links, markup or commands."""

from __future__ import annotations

from bot.read_aloud.speakable import speakable


def test_pictures_links_markup_and_commands_are_not_read() -> None:
    text = (
        "📣 Bericht van <b>Juf Lies</b> (1A):\n\n"
        "Morgen gaan we naar het **bos** 🌲🌲! Breng laarzen mee\n"
        "• Meer info: https://school.example/bos?x=1\n"
        "👍 Gezien? Tik /help of /voice\n"
        "🇳🇱🇧🇪 ✅"
    )
    assert speakable(text) == (
        "Bericht van Juf Lies (1A).\n"
        "Morgen gaan we naar het bos! Breng laarzen mee.\n"
        "Meer info.\n"
        "Gezien? Tik of."
    )


def test_scripts_keep_their_letters_and_direction_marks_go() -> None:
    arabic = "\u200f📣 رسالة من المعلمة: غدًا نذهب إلى الغابة\u200f"
    assert speakable(arabic) == "رسالة من المعلمة: غدًا نذهب إلى الغابة."
    persian = "می\u200cخواهم بیایم"  # the ZWNJ is part of Persian spelling: it stays
    assert speakable(persian) == "می\u200cخواهم بیایم."
    assert speakable("ትምህርቲ ጽቡቕ እዩ።") == "ትምህርቲ ጽቡቕ እዩ።"


def test_nothing_left_to_say_is_empty() -> None:
    assert speakable("👍 ✅ 🔊\n—\nhttps://t.me/x") == ""
