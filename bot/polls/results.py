"""Poll results: totals per question for the school and per class, only for large enough groups.

A group (the school, a class, or small classes merged) is shown only with at least `min_group`
respondents; free-text answers only when the school has at least `min_text` respondents, and
their language only when `min_group` respondents wrote in it. While a poll is open these figures
change in steps of k respondents or more: answers are published in batches (bot/polls/batches.py). Classes
too small to show are merged; if the merged rest is still too small, the smallest shown class joins
it, so no small group can be worked out by subtracting the shown ones from the total.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.models import Poll, PollAnswer, PollResponse, School, SchoolClass
from bot.polls.flows import Flow, Question

FLOOR = 3  # no threshold may go below this


@dataclass
class QuestionTotals:
    """Counts for one question in one group."""

    question: Question
    answered: int  # respondents of the group who answered this question
    counts: dict[str, int]  # option id -> count ("" for "something else")

    def percent(self, option_id: str) -> int:
        """The share of those who answered, rounded."""
        return round(100 * self.counts.get(option_id, 0) / self.answered) if self.answered else 0


@dataclass
class Group:
    """The school, a class, or several small classes together."""

    name: str | None  # None: the whole school; "" : other classes together
    respondents: int
    questions: list[QuestionTotals]


@dataclass(frozen=True)
class FreeText:
    """A free-text answer with its Dutch translation."""

    question_id: str
    language: str
    text: str
    text_nl: str | None


@dataclass
class Results:
    """What may be shown of a poll."""

    poll: Poll
    flow: Flow
    respondents: int
    min_group: int
    min_text: int
    groups: list[Group] = field(default_factory=list)  # empty when too few respondents
    texts: list[FreeText] = field(default_factory=list)
    texts_total: int = 0

    @property
    def hidden(self) -> bool:
        """Too few respondents to show anything."""
        return self.respondents < self.min_group

    @property
    def texts_hidden(self) -> bool:
        """Too few respondents to show free-text answers."""
        return self.respondents < self.min_text


def named(pairs: list[tuple[str, str]], *, k: int) -> set[str]:
    """Of (response id, language) pairs of free texts, the languages of k or more respondents:
    only those are named beside a free text (the others read "other language")."""
    people: dict[str, set[str]] = defaultdict(set)
    for response_id, language in pairs:
        if language:
            people[language].add(response_id)
    return {lang for lang, ids in people.items() if len(ids) >= k}


def _totals(flow: Flow, responses: set[str], answers: list[PollAnswer]) -> list[QuestionTotals]:
    per_question: dict[str, Counter[str]] = defaultdict(Counter)
    answered: dict[str, set[str]] = defaultdict(set)
    for a in answers:
        if a.response_id in responses:
            per_question[a.question_id][a.option_id or ""] += 1
            answered[a.question_id].add(a.response_id)
    return [
        QuestionTotals(q, len(answered[q.id]), dict(per_question[q.id])) for q in flow.questions
    ]


def _class_groups(
    by_class: dict[int | None, set[str]], names: dict[int, str], minimum: int
) -> list[tuple[str, set[str]]]:
    shown = sorted(
        ((names.get(c or 0, "?"), ids) for c, ids in by_class.items() if c and len(ids) >= minimum),
        key=lambda item: len(item[1]),
    )
    rest: set[str] = set().union(
        *(ids for c, ids in by_class.items() if not c or len(ids) < minimum)
    )
    while rest and len(rest) < minimum and shown:
        rest |= shown.pop(0)[1]
    groups = sorted(shown, key=lambda item: item[0])
    if len(groups) == 0 or (len(groups) == 1 and not rest):
        return []  # one group is the school itself
    if rest and len(rest) >= minimum:
        groups.append(("", rest))
    return groups


async def tally(session: AsyncSession, *, poll: Poll, flow: Flow) -> Results:
    """The results of a poll as far as the thresholds allow."""
    school = await session.get(School, poll.school_id)
    min_group = max(FLOOR, school.min_group if school else 5)
    min_text = max(FLOOR, school.min_text_group if school else 10)
    responses = list(
        await session.exec(select(PollResponse).where(PollResponse.poll_id == poll.id))
    )
    results = Results(poll, flow, len(responses), min_group, min_text)
    if results.hidden:
        return results
    answers = list(
        await session.exec(
            select(PollAnswer).where(PollAnswer.poll_id == poll.id).order_by(col(PollAnswer.id))
        )
    )
    everyone = {r.id for r in responses}
    results.groups.append(Group(None, len(everyone), _totals(flow, everyone, answers)))
    by_class: dict[int | None, set[str]] = defaultdict(set)
    for r in responses:
        by_class[r.class_id].add(r.id)
    names = {
        c.id or 0: c.name
        for c in await session.exec(
            select(SchoolClass).where(SchoolClass.school_id == poll.school_id)
        )
    }
    for name, ids in _class_groups(by_class, names, min_group):
        results.groups.append(Group(name, len(ids), _totals(flow, ids, answers)))
    texts = [a for a in answers if a.text]
    results.texts_total = len(texts)
    if not results.texts_hidden:
        order = {q.id: n for n, q in enumerate(flow.questions)}
        langs = named([(a.response_id, a.language or "") for a in texts], k=min_group)
        results.texts = sorted(
            (
                FreeText(
                    a.question_id,
                    a.language if a.language in langs else "",
                    a.text or "",
                    a.text_nl,
                )
                for a in texts
            ),
            key=lambda t: (order.get(t.question_id, 99), t.text),
        )
    return results


def invited(poll: Poll) -> int:
    """The parents a poll went to, counted at launch: '5 of 12 answered' holds while invitations
    are still going out. Polls launched before that count was kept report what was sent."""
    return max(poll.audience_at_launch, poll.invited)
