"""Invitations to informal meetings: templates, the event, RSVPs, the calendar file, reminders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from icalendar import Calendar
from icalendar import Event as CalendarEvent
from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core import when_nl
from bot.core.datafiles import parse_yaml
from bot.core.when import MAX_AHEAD
from bot.models import Announcement, Event, Member, MemberStatus, Poll, PollStatus, Rsvp
from bot.polls.coarsen import at_launch
from bot.polls.flows import Flow, dump

ANSWERS = ("yes", "maybe", "no")
OWN = "own"  # an invitation written from scratch, not from a template
OWN_EMOJI = "📅"
THANK_YOU_FLOW = "thanks"  # flows/thank-you.yaml: "Was it worth coming?"
PICTURE_TYPES = (".png", ".jpg", ".jpeg")
MAX_PICTURE = 5 * 1024 * 1024
REFUSALS = {
    "unreadable": "event.bad_when",
    "past": "event.when_past",
    "end": "event.when_end",
    "weekday": "event.when_weekday",
}


class TemplateError(ValueError):
    """A template file with a mistake (the message names it)."""


@dataclass(frozen=True)
class Template:
    """An invitation template from flows/invitations/templates.yaml."""

    id: str
    emoji: str
    title: str  # Dutch, the school's language: what the event stores
    text: str
    minutes: int
    children: bool
    picture: Path | None = None  # shipped with the templates (flows/invitations/pictures/)
    titles: dict[str, str] = field(default_factory=dict)  # by language, written by people
    texts: dict[str, str] = field(default_factory=dict)

    def title_in(self, lang: str) -> str:
        """The title in `lang`, or the Dutch one."""
        return self.titles.get(lang) or self.title

    def words_in(self, event: Event, lang: str) -> tuple[str, str] | None:
        """The event's title and text in `lang` as people wrote them, if the event kept the
        template's own words and the template has them in `lang`."""
        if (event.title, event.description) != (self.title, self.text):
            return None
        if lang not in self.titles or lang not in self.texts:
            return None
        return self.titles[lang], self.texts[lang]


def _words(raw: object, what: str) -> dict[str, str]:
    """A template's title or text: Dutch only (a string) or by language (Dutch required)."""
    words = {"nl": raw} if isinstance(raw, str) else raw
    if not isinstance(words, dict) or not isinstance(words.get("nl"), str):
        raise KeyError(what)
    return {str(lang): str(text) for lang, text in words.items()}


def templates_path(flows: Path) -> Path:
    """The school's invitation templates, or the ones shipped with Ouderbrug if it has none."""
    own = flows / "invitations" / "templates.yaml"
    return (
        own
        if own.exists()
        else Path(__file__).resolve().parents[2] / "flows" / "invitations" / "templates.yaml"
    )


def load_templates(path: Path) -> dict[str, Template]:
    """Read and check the templates; a mistake raises TemplateError with one clear sentence."""
    try:
        data = parse_yaml(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as err:
        raise TemplateError(f"{path}: cannot be read ({err})") from err
    templates: dict[str, Template] = {}
    for number, raw in enumerate(data.get("templates") or [], start=1):
        try:
            titles, texts = _words(raw["title"], "title"), _words(raw["text"], "text")
            template = Template(
                id=str(raw["id"]), emoji=str(raw["emoji"]), title=titles["nl"], text=texts["nl"],
                minutes=int(raw["minutes"]), children=bool(raw["children"]), titles=titles,
                texts=texts,
            )  # fmt: skip
        except (KeyError, TypeError, ValueError) as err:
            raise TemplateError(f"{path}: template {number} misses or has a wrong {err}") from err
        if raw.get("picture"):
            template = _with_picture(template, path.parent / str(raw["picture"]), path)
        if template.id in templates or len(template.id) > 20 or template.id == OWN:
            raise TemplateError(f"{path}: template id {template.id!r} is repeated or too long")
        templates[template.id] = template
    if not templates:
        raise TemplateError(f"{path}: no templates")
    return templates


def _with_picture(template: Template, picture: Path, source: Path) -> Template:
    """The template with its picture, checked: an existing PNG or JPEG Telegram accepts."""
    if picture.suffix.lower() not in PICTURE_TYPES or not picture.is_file():
        raise TemplateError(f"{source}: template {template.id}: picture {picture.name} is missing or not PNG/JPEG")  # fmt: skip
    if picture.stat().st_size > MAX_PICTURE:
        raise TemplateError(
            f"{source}: template {template.id}: picture {picture.name} is over 5 MB"
        )
    return Template(**{**template.__dict__, "picture": picture})


def parse_span(
    text: str, *, now: datetime, tz: ZoneInfo, minutes: int
) -> tuple[datetime, datetime] | str:
    """'vrijdag 8u30', '12/12 om 8u30 tot 10u' -> (start, end) in UTC (`minutes` long when no end
    is typed), or the catalog key of the line that says why not (bot/core/when_nl.py)."""
    found = when_nl.parse(text, now=now, tz=tz)
    if isinstance(found, when_nl.Refusal):
        return REFUSALS[found.reason]
    if found.start > now + MAX_AHEAD:
        return "event.when_far"
    return found.start, found.end or found.start + timedelta(minutes=minutes)


async def record_answer(
    session: AsyncSession,
    *,
    event: Event,
    member: Member,
    now: datetime,
    answer: str | None = None,
    people: int | None = None,
    interpreter: bool | None = None,
) -> Rsvp:
    """Create or change a guardian's answer (until the event starts)."""
    found = await session.exec(
        select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.member_id == member.id)
    )
    rsvp = found.first() or Rsvp(
        event_id=event.id or 0, member_id=member.id or 0, answer="yes", updated_at=now
    )
    if answer is not None:
        rsvp.answer = answer
    if people is not None:
        rsvp.people = max(1, min(10, people))
    if interpreter is not None:
        rsvp.interpreter = interpreter
    rsvp.updated_at = now
    session.add(rsvp)
    await session.commit()
    return rsvp


@dataclass(frozen=True)
class Counts:
    """The organiser's figures."""

    yes: int = 0
    maybe: int = 0
    no: int = 0
    people: int = 0
    interpreters: tuple[tuple[str, int], ...] = ()  # (language, requests)


async def counts(session: AsyncSession, *, event_id: int) -> Counts:
    """Yes, maybe, no, expected people and interpreter requests by language."""
    rows = await session.exec(
        select(Rsvp.answer, func.count(), func.sum(Rsvp.people))  # type: ignore[call-overload]
        .where(Rsvp.event_id == event_id)
        .group_by(col(Rsvp.answer))
    )
    by_answer = {answer: (int(n), int(people or 0)) for answer, n, people in rows}
    languages = await session.exec(
        select(Member.language, func.count())  # type: ignore[call-overload]
        .join(Rsvp, col(Rsvp.member_id) == col(Member.id))
        .where(Rsvp.event_id == event_id, col(Rsvp.interpreter).is_(True), Rsvp.answer != "no")
        .group_by(col(Member.language))
    )
    return Counts(
        yes=by_answer.get("yes", (0, 0))[0],
        maybe=by_answer.get("maybe", (0, 0))[0],
        no=by_answer.get("no", (0, 0))[0],
        people=by_answer.get("yes", (0, 0))[1],
        interpreters=tuple(sorted((lang or "nl", int(n)) for lang, n in languages)),
    )


async def coming(session: AsyncSession, *, event_id: int) -> list[Member]:
    """Guardians who said yes or maybe and can still be reached (for reminders)."""
    rows = await session.exec(
        select(Member)
        .join(Rsvp, col(Rsvp.member_id) == col(Member.id))
        .where(
            Rsvp.event_id == event_id,
            col(Rsvp.answer).in_(["yes", "maybe"]),
            Member.status == MemberStatus.ACTIVE,
        )
    )
    return list(rows)


def calendar_file(event: Event, *, description: str, tz: ZoneInfo, domain: str) -> bytes:
    """The event as an .ics file (Europe/Brussels times), so it lands in the phone's calendar."""
    calendar = Calendar()
    calendar.add("prodid", "-//Ouderbrug//invitation//NL")
    calendar.add("version", "2.0")
    entry = CalendarEvent()
    entry.add("uid", f"event-{event.id}@{domain}")
    entry.add("dtstamp", event.created_at)
    entry.add("dtstart", event.starts_at.astimezone(tz))
    entry.add("dtend", event.ends_at.astimezone(tz))
    entry.add("summary", event.title)
    entry.add("description", description)
    if event.place:
        entry.add("location", event.place)
    calendar.add_component(entry)
    return calendar.to_ical()


async def event_of(session: AsyncSession, *, announcement_id: int) -> Event | None:
    """The event an invitation announcement carries."""
    found = await session.exec(select(Event).where(Event.announcement_id == announcement_id))
    return found.first()


async def upcoming(session: AsyncSession, *, school_id: int, now: datetime) -> list[Event]:
    """A school's open events not over before `now` (their jobs are armed again at start-up)."""
    rows = await session.exec(
        select(Event).where(
            Event.school_id == school_id, Event.status == "open", col(Event.ends_at) > now
        )
    )
    return list(rows)


def reminder_moment(
    starts: datetime, before: timedelta, *, tz: ZoneInfo, quiet_start: str, quiet_end: str
) -> datetime:
    """`before` the start, moved out of the quiet hours (to just before they begin)."""
    from bot.school.quiet import quiet_until

    moment = starts - before
    if quiet_until(moment, tz, quiet_start, quiet_end) is None:
        return moment
    hours, minutes = (int(x) for x in quiet_start.split(":"))
    local = moment.astimezone(tz)
    begin = local.replace(hour=hours, minute=minutes, second=0, microsecond=0)
    if begin > local:
        begin -= timedelta(days=1)
    return (begin - timedelta(minutes=1)).astimezone(starts.tzinfo)


async def answered(session: AsyncSession, *, event_id: int) -> list[Member]:
    """Everyone who answered the invitation (yes, maybe or no) and can still be reached."""
    rows = await session.exec(
        select(Member)
        .join(Rsvp, col(Rsvp.member_id) == col(Member.id))
        .where(Rsvp.event_id == event_id, Member.status == MemberStatus.ACTIVE)
    )
    return list(rows)


async def attendance(
    session: AsyncSession, *, event_id: int
) -> list[tuple[str, str, str, int, bool]]:
    """Who answered what (not anonymous: parents were told): name, language, answer, people, interpreter."""
    rows = await session.exec(
        select(  # type: ignore[call-overload]
            Member.first_name, Member.language, Rsvp.answer, Rsvp.people, Rsvp.interpreter
        )
        .join(Member, col(Member.id) == col(Rsvp.member_id))
        .where(Rsvp.event_id == event_id)
        .order_by(col(Rsvp.answer).desc(), col(Member.first_name))
    )
    return [(n, lang or "nl", a, int(p), bool(i)) for n, lang, a, p, i in rows]


async def open_thank_you_poll(
    session: AsyncSession, *, event: Event, flow: Flow, now: datetime, days: int = 7
) -> Poll | None:
    """After the meeting: the one-question anonymous poll for those who said they would come (once)."""
    found = await session.exec(select(Poll).where(Poll.event_id == event.id))
    announcement = await session.get(Announcement, event.announcement_id)
    if found.first() is not None or announcement is None:
        return None
    poll = Poll(
        school_id=event.school_id, flow_id=flow.id, definition=dump(flow),
        author_id=announcement.author_id,
        author_chat_id=announcement.author_chat_id, class_ids=announcement.class_ids,
        status=PollStatus.OPEN, created_at=now, opened_at=now, invite_at=now,
        closes_at=now + timedelta(days=days), event_id=event.id,
    )  # fmt: skip
    people = await coming(session, event_id=event.id or 0)  # counted at launch (k, what is kept)
    await at_launch(session, poll=poll, people=people, class_ids=[])
    session.add(poll)
    await session.commit()
    await session.refresh(poll)
    return poll


async def said_coming(session: AsyncSession, *, event_id: int, member_id: int) -> bool:
    """Whether this guardian said yes or maybe (the thank-you poll is for them)."""
    found = await session.exec(
        select(Rsvp.id).where(
            Rsvp.event_id == event_id,
            Rsvp.member_id == member_id,
            col(Rsvp.answer).in_(["yes", "maybe"]),
        )
    )
    return found.first() is not None
