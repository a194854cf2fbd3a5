"""Poll stories (demo and tests): a coordinator launches a poll, parents answer with the buttons."""

from __future__ import annotations

from bot.demo.school import School
from bot.simulator import BotMessage, SimUser

Pick = str | list[str] | tuple[str, str] | None  # option | options | ("other", text) | skip


def has_data(message: BotMessage, prefix: str) -> bool:
    """Whether a message has a button whose callback data starts with `prefix`."""
    return any(b.value.startswith(prefix) for row in message.buttons for b in row)


async def launch(school: School, coordinator: SimUser, flow_id: str, parents: int | None) -> int:
    """/polls, pick the flow, Start; returns the poll id."""
    await coordinator.send("/polls")
    await coordinator.press(f"pn:{flow_id}")
    draft = await coordinator.wait_for_message(lambda m: has_data(m, "pl:"))
    data = next(b.value for row in draft.buttons for b in row if b.value.startswith("pl:"))
    await coordinator.press(school.t("nl", "poll.launch_button"), message=draft)
    if parents is None:
        await coordinator.wait_for(lambda u: draft.text.startswith("🚀"))
    else:
        launched = school.tn("nl", "poll.launched", parents, count=parents)
        await coordinator.wait_for(lambda u: launched in draft.text)
    return int(data[3:])


async def invitation(parent: SimUser, poll_id: int, timeout: float = 10) -> BotMessage:
    """The poll as it arrived (before it was answered)."""
    await parent.wait_for(lambda u: any(has_data(m, f"pg:{poll_id}") for m in u.messages), timeout)
    return next(m for m in parent.messages if has_data(m, f"pg:{poll_id}"))


async def answer(
    school: School, parent: SimUser, lang: str, poll_id: int, picks: list[Pick],
    *, stop_at: int | None = None,
) -> BotMessage:  # fmt: skip
    """Start the poll and answer question by question (a list ticks several, None skips)."""
    msg = await invitation(parent, poll_id)
    await parent.press(school.t(lang, "poll.start_button"), message=msg)
    total = len(picks)
    for n, pick in enumerate(picks):
        await parent.wait_for(lambda u: f"{n + 1}/{total}" in msg.text and has_data(msg, "pq:"))
        if stop_at == n:
            await parent.press(school.t(lang, "poll.stop_button"), message=msg)
            await parent.wait_for(lambda u: not has_data(msg, "ps:"))
            return msg
        first = next(b.value for row in msg.buttons for b in row if b.value.startswith("pq:"))
        qid = first.split(":")[2]
        if pick is None:
            await parent.press(f"ps:{poll_id}:{qid}", message=msg)
        elif isinstance(pick, tuple):
            await parent.press(f"po:{poll_id}:{qid}", message=msg)
            prompt = school.t(lang, "poll.write_other")
            await parent.wait_for(lambda u: prompt in msg.text)
            await parent.send(pick[1])
            if n + 1 < total:
                msg = await parent.wait_for_message(lambda m: f"{n + 2}/{total}" in m.text)
            else:
                await parent.wait_for_message(lambda m: m.text.startswith("🙏"))
            continue
        elif isinstance(pick, list):
            for option in pick:
                before = msg.touched
                await parent.press(f"pq:{poll_id}:{qid}:{option}", message=msg)
                await parent.wait_for(lambda u: msg.touched > before)  # the tick is shown
            await parent.press(f"pd:{poll_id}:{qid}", message=msg)
        else:
            await parent.press(f"pq:{poll_id}:{qid}:{pick}", message=msg)
        if n + 1 < total:
            await parent.wait_for(lambda u: f"{n + 2}/{total}" in msg.text)
    return msg


async def adapt(school: School, coordinator: SimUser, flow_id: str) -> tuple[int, BotMessage]:
    """/polls, ✏️ Adapt under a flow: the school's own copy as a list; returns its id and the list."""
    await coordinator.send("/polls")
    await coordinator.press(f"pa:new:{flow_id}")
    view = await coordinator.wait_for_message(lambda m: has_data(m, "pa:k:"))
    first = next(b.value for row in view.buttons for b in row if b.value.startswith("pa:k:"))
    return int(first.split(":")[2]), view


async def type_text(coordinator: SimUser, button: str, text: str) -> BotMessage:
    """Press a ✏️ or ➕ button of an own poll and type the Dutch text; returns the bot's reply."""
    await coordinator.press(button)
    await coordinator.wait_for_message(lambda m: "/cancel" in m.text)
    await coordinator.send(text)
    return await coordinator.next_message(timeout=15)


async def adapted_barriers(school: School, coordinator: SimUser) -> str:
    """The coordinator adapts the barriers poll (one more answer, a question reworded), previews it."""
    own_id, _view = await adapt(school, coordinator, "barriers")
    await coordinator.press(f"pa:q:{own_id}:hard")
    await type_text(coordinator, f"pa:ao:{own_id}:hard", "🚲 De school is te ver")
    await coordinator.press(f"pa:v:{own_id}")
    await coordinator.press(f"pa:q:{own_id}:help")
    await type_text(
        coordinator, f"pa:rq:{own_id}:help", "Wat zou jou helpen om naar school te komen?"
    )
    await coordinator.press(f"pa:v:{own_id}")
    await coordinator.press(f"pa:pv:{own_id}:ar")
    await coordinator.wait_for_message(lambda m: "🚲" in m.text and "🚧" in m.text)
    return f"own-{own_id}"


DEMO_PICKS: list[list[Pick]] = [
    [["language", "letters"], "sometimes", ["interpreter"]],
    [["hours"], "rarely", ["time", "kids"]],
    [["childcare", "hours"], "often", None],
    [["language", "whom"], "never", ["interpreter", "friend"]],
    [["nothing"], "often", ["personal"]],
]


async def barriers_poll(
    school: School, coordinator: SimUser, families: list[tuple[SimUser, str]]
) -> None:
    """The coordinator asks every parent what keeps them away; five answer; the chart."""
    if len(families) < len(DEMO_PICKS):
        return
    poll_id = await launch(school, coordinator, await adapted_barriers(school, coordinator), None)
    for (parent, lang), picks in zip(families, DEMO_PICKS, strict=False):
        done = await answer(school, parent, lang, poll_id, picks)
        await parent.wait_for(lambda u: done.text.startswith("🙏"))
    await coordinator.press_data(f"pr:{poll_id}")
    await coordinator.wait_for_message(lambda m: m.kind == "photo", timeout=15)
