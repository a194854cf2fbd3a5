"""Which updates may be handled at the same time, and in which order.

PTB handles updates one at a time unless `concurrent_updates` is set, and then makes no promise
about order. The rules here:
1. **Each person's updates, and each chat's, run one after the other in the order they arrived.**
   That is all a person's own conversation with the bot needs (an answer to a question the bot
   asked, a draft and its buttons, a poll's questions), and a group's commands keep their order.
2. **Between people the order of arrival is kept too, "in line"**: an update waits until every
   update of other people that arrived before it has run, or has stepped out of line (rule 3).
   A parent writes, then a teacher opens /inbox and sees it; two teachers answer one parent, who
   reads the answers in the order they were sent. Across people the order only matters where
   one acts on what another did, mostly through the bot (which stores before it tells anyone, so
   that order holds anyway), but the bot cannot tell those updates apart, so it keeps the order
   wherever that costs little.
3. **A busy person (or chat) steps out of line.** When an update arrives while its person or chat
   already has `SHARE` updates waiting or running, all of these step out of line: nobody else
   waits for them any more (only for what *they* were waiting for, and through a chat they share,
   rule 1), and the person's further updates are served aside, until everything they sent has
   been handled. Their own order
   (rule 1) holds throughout. So a flood holds up other people only while its first `SHARE`
   updates arrive (at 10 messages/s: 0.3 s), however slow its handlers are. Updates served aside
   run beside other people's (the database takes turns for writes, `bot/core/db.py`): a service
   that reads a row and writes it back later cannot count on another person's update not running
   in between.
4. **Self-contained updates** that `alongside(update)` accepts (a parent's press on a poll button,
   chatter in a class group that no handler answers: `group_chatter`) run side by side with each
   other, each person's in order, after the in-line updates that arrived before them; an in-line
   update that arrives later waits for them.
5. **Flood control** (`bot/telegram/flood.py`): what a person sends beyond their limits is refused
   as it arrives; it skips every queue and goes straight to the middleware, which tells them to
   slow down or drops it.
At most `limit` updates run at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.telegram.flood import FloodGate, Verdict

CONCURRENT_UPDATES = 64  # updates handled at once; SQLite writes take turns (bot/core/db.py)
SHARE = 3  # a person (or chat) with this many updates waiting, and one more, is busy (rule 3)
Line = tuple[str, int]  # ("person", user id) or ("chat", chat id)


def person_of(update: object) -> int | None:
    """Whose update this is: the user, else the chat; None for updates of nobody in particular."""
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    return update.effective_chat.id if update.effective_chat is not None else None


def group_chatter(update: object) -> bool:
    """A text message in a group chat that is not a command.

    No handler answers it or writes anything for it (the middleware stops it: nothing happens
    outside private chats, bot/telegram/middleware.py): it may run beside others, the sender's
    own updates still in order. Parents chatting in a class group can send hundreds a minute.
    """
    msg = update.message if isinstance(update, Update) else None
    if msg is None or msg.chat.type not in ("group", "supergroup") or not msg.text:
        return False
    return not msg.text.startswith("/")


def either(*rules: Callable[[object], bool]) -> Callable[[object], bool]:
    """An `alongside` rule that accepts what any of `rules` accepts."""
    return lambda update: any(rule(update) for rule in rules)


def lines_of(update: object, alongside: bool) -> list[Line]:
    """The queues an update keeps its order in: its person's, and (unless alongside) its chat's."""
    person = person_of(update)
    if person is None:
        return []
    lines: list[Line] = [("person", person)]
    chat = update.effective_chat if isinstance(update, Update) else None
    if not alongside and chat is not None:
        lines.append(("chat", chat.id))
    return lines


@dataclass(eq=False)
class _Turn:
    """One update's place. `done`: its handlers have run (its own queues wait for that).
    `passed`: other people in line may go (done, or out of line and all before it passed)."""

    lines: list[Line]
    before: list[_Turn]  # in-line turns it waits for to pass: the latest ordinary, presses
    done: asyncio.Future[None]
    passed: asyncio.Future[None]
    aside: bool = False


@dataclass
class _Queue:
    """A person's or chat's turns that are not done yet, oldest first."""

    turns: list[_Turn]
    aside: bool = False  # out of line (rule 3) until it is empty


class OrderedUpdateProcessor(BaseUpdateProcessor):
    """Each person's and chat's updates in order; between people in line unless busy (above)."""

    def __init__(
        self,
        alongside: Callable[[object], bool],
        limit: int = CONCURRENT_UPDATES,
        *,
        share: int = SHARE,
        gate: FloodGate | None = None,
    ) -> None:
        super().__init__(limit)
        self.alongside = alongside
        self.share = share
        self.gate = gate
        self._barrier: _Turn | None = None  # the latest in-line ordinary update
        self._side: set[_Turn] = set()  # in-line alongside ones since then, not yet passed
        self._queues: dict[Line, _Queue] = {}
        self._refused: dict[int, Verdict] = {}  # refused updates being answered, by update_id
        # Called with each update its handlers have finished (not one cancelled before its turn):
        # the webhook's inbox marks it handled (bot/cluster/feeder.py).
        self.finished: Callable[[object], None] | None = None

    def refusal(self, update: object) -> Verdict:
        """PASS, or why the flood control refused this update (asked by the middleware)."""
        if not isinstance(update, Update):
            return Verdict.PASS
        return self._refused.get(update.update_id, Verdict.PASS)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the handlers (the update's turn was taken in `process_update`)."""
        await coroutine

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def process_update(self, update: object, coroutine: Awaitable[Any]) -> None:  # type: ignore[misc]
        """Judge the update, take its turn, wait for what must come first, then run.

        PTB starts one task per update, in the order they arrived, and each calls this first
        thing: the flood control counts and the turns are taken in arrival order, before the
        first `await`.
        """
        verdict = self.gate.judge(update) if self.gate is not None else Verdict.PASS
        if verdict is not Verdict.PASS and isinstance(update, Update):
            self._refused[update.update_id] = verdict
            try:
                await super().process_update(update, coroutine)  # only the middleware runs
            finally:
                del self._refused[update.update_id]
            self._done(update)
            return
        alongside = self.alongside(update)
        own, turn = self._take_turn(lines_of(update, alongside), alongside)
        try:
            for earlier in own + [t.passed for t in turn.before]:
                try:
                    await asyncio.shield(earlier)
                except asyncio.CancelledError:
                    if asyncio.iscoroutine(coroutine):
                        coroutine.close()  # shutting down before its turn: never started
                    raise
            turn.before = []  # all passed
            await super().process_update(update, coroutine)
        finally:
            self._finish(turn)
        self._done(update)

    def _done(self, update: object) -> None:
        """Tell `finished` (if set) that the update's handlers have run."""
        if self.finished is not None:
            self.finished(update)

    def _take_turn(
        self, lines: list[Line], alongside: bool
    ) -> tuple[list[asyncio.Future[None]], _Turn]:
        """Enter a new turn in its queues, in line or aside: its own queues' latest (to wait
        for), and the turn (with the in-line turns of others it waits for)."""
        queues = [q for line in lines if (q := self._queues.get(line)) is not None]
        busy = [q for q in queues if q.aside or len(q.turns) >= self.share]  # rule 3
        for queue in busy:
            self._step_aside(queue)
        own = [q.turns[-1].done for q in queues]
        before = [self._barrier] if self._barrier and not self._barrier.passed.done() else []
        if not alongside:
            before += self._side
        loop = asyncio.get_running_loop()
        turn = _Turn(lines, before, loop.create_future(), loop.create_future(), aside=bool(busy))
        if turn.aside:
            pass  # it waits as if in line, but nobody waits for it
        elif alongside:
            self._side.add(turn)
            turn.passed.add_done_callback(lambda _: self._side.discard(turn))
        else:
            self._barrier, self._side = turn, set()
        for line in lines:
            queue = self._queues.setdefault(line, _Queue([]))
            queue.turns.append(turn)
            queue.aside = queue.aside or turn.aside
        return own, turn

    def _step_aside(self, queue: _Queue) -> None:
        """Rule 3: the queue's turns leave the line; others stop waiting for them once what
        they waited for has passed."""
        queue.aside = True
        for turn in queue.turns:
            if turn.aside:
                continue
            turn.aside = True
            for line in turn.lines:  # its other queue (person or chat) is out of line too
                self._queues[line].aside = True
            _pass_when_passed(turn)

    def _finish(self, turn: _Turn) -> None:
        """The turn is over (handled, or cancelled before its turn came)."""
        _settle(turn.done)
        _settle(turn.passed)
        turn.before = []
        for line in turn.lines:
            queue = self._queues[line]
            queue.turns.remove(turn)
            if not queue.turns:
                del self._queues[line]


def _pass_when_passed(turn: _Turn) -> None:
    """An out-of-line turn lets others go once every turn it waits for in line has passed."""
    waiting = [t.passed for t in turn.before if not t.passed.done()]
    left = len(waiting)

    def one_passed(_: object) -> None:
        nonlocal left
        left -= 1
        if left == 0:
            _settle(turn.passed)

    for future in waiting:
        future.add_done_callback(one_passed)
    if not waiting:
        _settle(turn.passed)


def _settle(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
