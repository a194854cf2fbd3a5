"""City scale (issue 20), polling: real `ouderbrug run` processes on one PostgreSQL database share
the schools' bots, survive a SIGKILL mid-broadcast and make room for a process that joins.

The fake Telegram limits every bot like Telegram (30 messages/s, 1/s per chat) and answers 429
beyond. The processes pace each bot at 20/s (OUDERBRUG_SEND_RATE), so a second with more than 30
arrivals, and any 429, can only mean that two processes sent for one bot at the same time.
Leases are short (3 s, a tick of 0.3 s) so each story stays well under a minute.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.telegram.pacer import IN_FLIGHT
from tests.helpers.cluster import FIRST_PARENT, Cluster

pytestmark = pytest.mark.postgres
PACED = {"OUDERBRUG_SEND_RATE": "20"}


def no_bot_over_its_budget(cluster: Cluster) -> None:
    """No bot ever got more than 30 messages in one second, and no 429."""
    for key in cluster.keys:
        assert cluster.max_per_second(key) <= 30, (key, cluster.max_per_second(key))
        assert cluster.too_many(key) == 0, (key, cluster.too_many(key))


def every_parent_got_the_news(cluster: Cluster) -> None:
    """Every seeded parent of every school received the announcement (nothing lost)."""
    for key in cluster.keys:
        got = cluster.received(key)
        missing = [i for i in range(cluster.parents) if got[FIRST_PARENT + i] == 0]
        assert not missing, f"{key}: {len(missing)} parents got nothing"


async def test_two_processes_share_six_schools_and_each_bot_answers_once(
    tmp_path: Path, db_url: str
) -> None:
    """Two processes take three schools each; a parent writing to every school's bot is answered
    by each, never twice; on SIGTERM a process gives its schools back at once, to the other."""
    async with Cluster(tmp_path, db_url, schools=6, parents=1) as cluster:
        one, two = await cluster.start("one"), await cluster.start("two")
        await cluster.wait(lambda: cluster.shares({one: 3, two: 3}), "three schools each")

        parents = {key: bot.users[FIRST_PARENT] for key, bot in cluster.bots.items()}
        for parent in parents.values():
            await parent.send("/help")
        await cluster.wait(
            lambda: all(p.messages for p in parents.values()), "every school's bot answered"
        )

        assert await one.terminate() == 0
        await cluster.wait(lambda: cluster.shares({two: 6}), "two serves all six", timeout=10)
        assert await two.terminate() == 0
        assert set((await cluster.owners()).values()) == {None}  # given back, not left to expire
        for key, parent in parents.items():  # handled by one process: no answer came twice
            texts = [message.text for message in parent.messages]
            assert len(texts) == len(set(texts)), (key, texts)


async def test_a_process_killed_mid_broadcast_its_schools_finish_elsewhere_within_30_s(
    tmp_path: Path, db_url: str
) -> None:
    """Six schools broadcast to 150 parents each; one process is SIGKILLed while its bots are
    sending. The other takes its schools over and every copy is out within 30 s of the kill:
    nothing lost, duplicates at most the copies in flight, no bot above its budget."""
    async with Cluster(
        tmp_path, db_url, schools=6, parents=150, broadcast=True, env=PACED
    ) as cluster:
        one, two = await cluster.start("one"), await cluster.start("two")
        await cluster.wait(lambda: cluster.shares({one: 3, two: 3}), "three schools each")
        doomed = (await cluster.owned_by())[one]
        await cluster.wait(
            lambda: all(cluster.sent(key) >= 30 for key in doomed), "one's bots are sending"
        )
        await one.kill()
        killed = time.monotonic()

        await cluster.wait(lambda: cluster.shares({two: 6}), "two took over", timeout=30)
        took_over = time.monotonic() - killed
        await cluster.wait_all_sent(timeout=30 - took_over)
        assert time.monotonic() - killed < 30

        every_parent_got_the_news(cluster)
        for key in cluster.keys:  # at most what was on its way (or answered, not yet recorded)
            assert cluster.duplicates(key) <= IN_FLIGHT, (key, cluster.duplicates(key))
        no_bot_over_its_budget(cluster)
        assert took_over < 3 + 2, f"taken over after {took_over:.1f} s (lease 3 s)"
        assert await two.terminate() == 0


async def test_a_third_process_joins_and_takes_over_schools_without_losing_a_copy(
    tmp_path: Path, db_url: str
) -> None:
    """Two processes are broadcasting for six schools; a third joins: each ends with two
    schools, taken over mid-broadcast, the bots handed over stop before they start elsewhere
    (no copy lost, no 429) and their sending pauses only briefly."""
    async with Cluster(
        tmp_path, db_url, schools=6, parents=450, broadcast=True, env=PACED
    ) as cluster:
        one, two = await cluster.start("one"), await cluster.start("two")
        await cluster.wait(lambda: cluster.shares({one: 3, two: 3}), "three schools each")
        await cluster.wait(
            lambda: all(cluster.sent(key) >= 25 for key in cluster.keys), "every bot sending"
        )
        three = await cluster.start("three")
        await cluster.wait(
            lambda: cluster.shares({one: 2, two: 2, three: 2}), "two schools each", timeout=30
        )
        moved = (await cluster.owned_by())[three]
        assert any(cluster.sent(key) < cluster.parents for key in moved), "moved after the end"
        await cluster.wait_all_sent(timeout=30)

        every_parent_got_the_news(cluster)
        for key in cluster.keys:
            assert cluster.duplicates(key) <= IN_FLIGHT, key
        no_bot_over_its_budget(cluster)
        gaps = {key: round(cluster.longest_pause(key), 1) for key in moved}
        assert max(gaps.values()) < 5, f"sending paused too long at the handover: {gaps}"
        for process in (one, two, three):
            assert await process.terminate() == 0
