"""An invitation as one parent reads it, in their language (bot/announcements/views.py asks).

The fixed lines come from the catalogs, the date from Babel, a template's title and text from
the people who translated flows/invitations/templates.yaml; only the organiser's own words (an
own title and text, the place) are machine-translated.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.invitations import service as inv
from bot.invitations import wording
from bot.models import Announcement, Event, Member
from bot.translation.status import NO_MODEL, OWN, Outcome, plan, render

if TYPE_CHECKING:
    from bot.telegram.context import BotData


def loaded_templates(services: BotData) -> dict[str, inv.Template]:
    """The invitation templates (the school's flows/ folder, else the shipped ones), read once."""
    if services.templates is None:
        services.templates = inv.load_templates(inv.templates_path(services.settings.flows_path))
    return services.templates


async def title_for(services: BotData, event: Event, member: Member, *, source: str) -> str:
    """The event's title for one reader: the template's own words in their language, else the
    organiser's title machine-translated (else as written)."""
    lang = services.catalogs.pick(member.language)
    template = loaded_templates(services).get(event.template)
    human = template.words_in(event, lang) if template else None
    if human is not None:
        return human[0]
    title, _ = await render(
        services.translator, event.title, source=source, own=member.language,
        second=member.second_language,
    )  # fmt: skip
    return title


async def _translated(
    services: BotData, words: list[str], member: Member, source: str
) -> tuple[list[str], list[Outcome]]:
    """The organiser's words for this parent, each with what its translation gave."""
    done = [
        await render(
            services.translator,
            text,
            source=source,
            own=member.language,
            second=member.second_language,
        )
        for text in words
    ]
    return [text for text, _ in done], [outcome for _, outcome in done]


async def invitation_copy(
    services: BotData, announcement: Announcement, member: Member
) -> tuple[str, Outcome] | None:
    """The invitation for this parent and what its translation gave (None: no event).

    The outcome is the parent's own language unless the organiser's words could not be put in
    it (then it says which language they are in, and why)."""
    async with services.sessions() as session:
        event = await inv.event_of(session, announcement_id=announcement.id or 0)
    if event is None:
        return None
    lang = services.catalogs.pick(member.language)
    template = loaded_templates(services).get(event.template)
    human = template.words_in(event, lang) if template else None
    own = [event.place] if human else [event.title, event.description, event.place]
    translated, outcomes = await _translated(services, own, member, announcement.language)
    title, text = human or (translated[0], translated[1])
    place = translated[-1]
    if place.strip() != event.place.strip():  # the place as written helps to find it
        place = f"{place} ({event.place})"
    if outcomes[-1].via != OWN and wording.is_sentence(event.place):  # a name needs no note
        name = services.catalogs.native_name(outcomes[-1].language)
        place += "\n" + services.catalogs.t(lang, "event.place_not_translated", language=name)
    body = wording.invitation_text(
        event, emoji=template.emoji if template else inv.OWN_EMOJI, words=(title, text, place),
        t=services.catalogs.t, lang=lang, tz=services.settings.tz,
    )  # fmt: skip
    if event.status == "cancelled":
        body = services.catalogs.t(lang, "event.cancelled_banner") + "\n\n" + body
    machine = any(o.machine for o in outcomes)
    # A place without a translation stays as written (a name, an address): the message is still
    # in the parent's language; only an own title and text left in Dutch make it otherwise.
    short = next((o for o in outcomes[:-1] if o.via != OWN), None)
    wanted = member.language or announcement.language
    if short is not None:
        return body, Outcome(wanted, short.language, short.via, machine=machine)
    return body, Outcome(wanted, lang, OWN if lang == wanted else NO_MODEL, machine=machine)


def planned(services: BotData, event: Event, member: Member, *, source: str) -> Outcome:
    """Before sending: what this parent will read, as `invitation_copy` will make it (nothing is
    translated here). A template's people-written words are in their language whatever the
    place does; an own title and text need a model like any announcement."""
    lang = services.catalogs.pick(member.language)
    template = loaded_templates(services).get(event.template)
    if template is None or template.words_in(event, lang) is None:
        own = f"{event.title}\n{event.description}"
        return plan(services.translator, source=source, own=member.language,
                    second=member.second_language, text=own)  # fmt: skip
    place = plan(services.translator, source=source, own=member.language, text=event.place)
    wanted = member.language or source
    machine = place.machine and place.via == OWN
    return Outcome(wanted, lang, OWN if lang == wanted else NO_MODEL, machine=machine)
