"""The translation status service: what a reader will get before sending, and what they got."""

from __future__ import annotations

import shutil

from bot.translation import Translator
from bot.translation.status import FAILED, NO_MODEL, OWN, SECOND, Outcome, plan, render, tally


def test_the_plan_names_each_reader_s_language_and_why(translator: Translator) -> None:
    """Arabic through English, Somali without a model, Somali reading English, Dutch as is."""
    assert plan(translator, source="nl", own="ar") == Outcome("ar", "ar", OWN, machine=True)
    assert plan(translator, source="nl", own="so") == Outcome("so", "nl", NO_MODEL)
    assert plan(translator, source="nl", own="so", second="en") == Outcome(
        "so", "en", SECOND, machine=True
    )
    assert plan(translator, source="nl", own="so", second="nl") == Outcome("so", "nl", SECOND)
    assert plan(translator, source="nl", own="nl") == Outcome("nl", "nl", OWN)
    assert plan(None, source="nl", own="ar") == Outcome("ar", "nl", NO_MODEL)
    assert plan(translator, source="nl", own="so", text="  ") == Outcome("so", "so", OWN)


async def test_rendering_tells_a_failure_at_send_time_apart_from_a_missing_model(
    translator: Translator,
) -> None:
    """The Arabic model's folder disappears after the plan: the copy is the original, `failed`."""
    text = "Morgen is er turnen."
    assert plan(translator, source="nl", own="ar").via == OWN
    shutil.rmtree(translator.engine.pairs()[("en", "ar")].path)
    body, outcome = await render(translator, text, source="nl", own="ar")
    assert (body, outcome) == (text, Outcome("ar", "nl", FAILED))
    body, outcome = await render(translator, text, source="nl", own="ar", second="en")
    assert body.startswith("[nl>en]") and outcome == Outcome("ar", "en", SECOND, machine=True)
    body, outcome = await render(translator, text, source="nl", own="so")
    assert (body, outcome) == (text, Outcome("so", "nl", NO_MODEL))
    counted = tally(
        [Outcome("ar", "nl", FAILED), Outcome("so", "nl", NO_MODEL), Outcome("nl", "nl", OWN)]
    )
    assert (counted.total, counted.dutch, dict(counted.failed)) == (3, 2, {"ar": 1})
