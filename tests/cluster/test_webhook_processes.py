"""Stories of the webhook behind a load balancer: real `ouderbrug run --webhook` processes on one
PostgreSQL database, any of them accepting any school's updates, the owner handling each once.

The tests post as Telegram does (JSON, the school's secret token, one update after the other) to
whichever process they choose, as a load balancer would. A parent's message is kept for the
team (`inbox_message`, in the order handled), so what was handled, how often and in which order
is read from the database.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlmodel import col, select

from bot.models import InboxMessage, WebhookUpdate
from bot.web.webhook import SECRET_HEADER, school_secret
from tests.helpers.cluster import FIRST_PARENT, BotProcess, Cluster
from tests.helpers.web import metric_value

pytestmark = pytest.mark.postgres
SERVER_SECRET = "cluster-test-webhook-secret"  # what tests/helpers/cluster.py gives every process


@pytest.fixture
def db_url() -> str:
    """The PostgreSQL database every process shares."""
    return os.environ["TEST_DATABASE_URL"]


def parent_says(parent: int, update_id: int, text: str) -> dict[str, Any]:
    """Seeded parent number `parent` writes to the school's bot, as Telegram posts it."""
    person = FIRST_PARENT + parent
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_795_000_000,
            "chat": {"id": person, "type": "private", "first_name": f"P{parent}"},
            "from": {"id": person, "is_bot": False, "first_name": f"P{parent}"},
            "text": text,
        },
    }


async def post(process: BotProcess, key: str, update: dict[str, Any]) -> int:
    """POST an update to one process's webhook of school `key`; the HTTP status."""
    headers = {SECRET_HEADER: school_secret(SERVER_SECRET, key)}
    async with aiohttp.ClientSession() as http:
        async with http.post(
            f"{process.url}/telegram/{key}", json=update, headers=headers
        ) as response:
            return response.status


async def get(process: BotProcess, path: str) -> str:
    """GET a page of one process (200 expected): its text."""
    async with aiohttp.ClientSession() as http, http.get(process.url + path) as response:
        assert response.status == 200, path
        return await response.text()


async def kept(cluster: Cluster, school: int) -> list[str]:
    """The parents' messages kept for school `school`'s team, in the order they were handled."""
    async with cluster.sessions() as session:
        rows = await session.exec(
            select(InboxMessage.text)
            .where(col(InboxMessage.school_id) == school, col(InboxMessage.direction) == "in")
            .order_by(col(InboxMessage.id))
        )
        return list(rows.all())


async def inbox_rows(cluster: Cluster, key: str) -> list[WebhookUpdate]:
    """The school's rows in the webhook inbox."""
    async with cluster.sessions() as session:
        rows = await session.exec(
            select(WebhookUpdate)
            .where(col(WebhookUpdate.school_key) == key)
            .order_by(col(WebhookUpdate.update_id))
        )
        return list(rows.all())


async def all_handled(cluster: Cluster, key: str, count: int) -> bool:
    """Whether `count` updates of the school are stored and every one is handled."""
    rows = await inbox_rows(cluster, key)
    return len(rows) == count and all(r.handled_at is not None for r in rows)


async def two_processes(cluster: Cluster) -> tuple[BotProcess, BotProcess]:
    """Two webhook processes sharing the two schools, one each."""
    one = await cluster.start("one", webhook=True)
    two = await cluster.start("two", webhook=True)
    await cluster.wait(lambda: cluster.shares({one: 1, two: 1}), "one school each", timeout=60)
    return one, two


async def test_the_same_update_posted_to_two_processes_is_handled_once(
    tmp_path: Path, db_url: str
) -> None:
    """Telegram's retry lands on the other process, twice: the parent's question reaches the
    team once, and once handled nothing personal of it is left in the inbox."""
    async with Cluster(tmp_path, db_url, schools=2, parents=1) as cluster:
        one, two = await two_processes(cluster)
        question = parent_says(0, 1, "Is er morgen school?")
        assert await post(one, "s1", question) == 200
        assert await post(two, "s1", question) == 200
        assert await post(two, "s1", question) == 200
        assert await post(one, "s1", parent_says(0, 2, "Dank u")) == 200  # after the repeats
        await cluster.wait(lambda: all_handled(cluster, "s1", 2), "both updates handled")
        assert await kept(cluster, 1) == ["Is er morgen school?", "Dank u"]
        assert [r.payload for r in await inbox_rows(cluster, "s1")] == [None, None]
        for process, outcome, count in ((one, "accepted", 2), (two, "duplicate", 2)):
            text = await get(process, "/metrics")
            assert (
                metric_value(text, "ouderbrug_webhook_updates_total", school="s1", outcome=outcome)
                == count
            ), "each process counts what it was posted, whoever owns the school"
        health = json.loads(await get(one, "/healthz"))
        assert health["status"] == "ok" and health["processes"] == 2
        assert len(health["owned"]) == 1 and set(health["schools"]) == set(health["owned"])


async def test_a_parents_messages_posted_to_either_process_are_handled_in_order(
    tmp_path: Path, db_url: str
) -> None:
    """The load balancer sends a parent's six messages to one process, then the other: the
    school's owner handles them in the order the parent wrote them."""
    async with Cluster(tmp_path, db_url, schools=2, parents=1) as cluster:
        one, two = await two_processes(cluster)
        words = [f"Bericht {n}" for n in range(1, 7)]
        for n, text in enumerate(words, start=1):
            assert await post(one if n % 2 else two, "s2", parent_says(0, n, text)) == 200
        await cluster.wait(lambda: all_handled(cluster, "s2", 6), "six updates handled")
        assert await kept(cluster, 2) == words
        assert await kept(cluster, 1) == [], "the other school's bot heard nothing"


async def test_the_owner_is_killed_and_the_other_process_handles_what_it_accepted(
    tmp_path: Path, db_url: str
) -> None:
    """SIGKILL on the process that owns school 1; Telegram's next updates land on the other one,
    which accepts them at once and handles each once, in order, within 30 s."""
    async with Cluster(tmp_path, db_url, schools=2, parents=2) as cluster:
        one, two = await two_processes(cluster)
        owner = next(p for p, keys in (await cluster.owned_by()).items() if keys == ["s1"])
        other = two if owner is one else one
        assert owner is not None
        assert await post(owner, "s1", parent_says(0, 1, "Goedemorgen")) == 200
        await cluster.wait(lambda: all_handled(cluster, "s1", 1), "the first handled")
        await owner.kill()
        words = ["Mijn zoon is ziek", "Hij komt morgen terug", "Groetjes"]
        for n, text in enumerate(words, start=2):
            assert await post(other, "s1", parent_says(n % 2, n, text)) == 200
        took = await cluster.wait(
            lambda: all_handled(cluster, "s1", 4), "taken over and handled", timeout=30
        )
        assert await kept(cluster, 1) == ["Goedemorgen", *words]
        assert await cluster.shares({other: 2}), "the other process owns both schools now"
        assert took <= 30


async def test_updates_stay_deduplicated_after_every_process_restarted(
    tmp_path: Path, db_url: str
) -> None:
    """Both processes are restarted (SIGTERM, then new ones); Telegram posts an old update
    again to each of the new ones: it is answered 200 and not handled a second time."""
    async with Cluster(tmp_path, db_url, schools=2, parents=1) as cluster:
        one, two = await two_processes(cluster)
        first = parent_says(0, 41, "Wanneer is het oudercontact?")
        assert await post(one, "s1", first) == 200
        await cluster.wait(lambda: all_handled(cluster, "s1", 1), "the first handled")
        assert await one.terminate() == 0 and await two.terminate() == 0
        three = await cluster.start("three", webhook=True)
        four = await cluster.start("four", webhook=True)
        await cluster.wait(lambda: cluster.shares({three: 1, four: 1}), "restarted", timeout=60)
        assert await post(three, "s1", first) == 200
        assert await post(four, "s1", first) == 200
        assert await post(four, "s1", parent_says(0, 42, "Bedankt")) == 200
        await cluster.wait(lambda: all_handled(cluster, "s1", 2), "the new one handled")
        assert await kept(cluster, 1) == ["Wanneer is het oudercontact?", "Bedankt"]


async def test_a_process_joins_while_updates_arrive_and_none_is_lost_or_doubled(
    tmp_path: Path, db_url: str
) -> None:
    """One process owns both schools; a second joins while parents keep writing (all posted to
    the first, as the load balancer has not seen the new one yet): one school moves over, and
    every message reaches its school's team once, in the order written."""
    async with Cluster(tmp_path, db_url, schools=2, parents=50, limited=False) as cluster:
        one = await cluster.start("one", webhook=True)
        await cluster.wait(lambda: cluster.shares({one: 2}), "one owns both", timeout=60)
        sent: dict[str, list[str]] = {"s1": [], "s2": []}

        async def write(process: BotProcess) -> None:
            for key, words in sent.items():
                n = len(sent["s1"]) + len(sent["s2"]) + 1
                text = f"{key}: bericht {n}"
                assert await post(process, key, parent_says(n % 50, n, text)) == 200
                words.append(text)

        for _ in range(3):
            await write(one)
        two = await cluster.start("two", webhook=True)
        while not await cluster.shares({one: 1, two: 1}) and len(sent["s1"]) < 60:
            await write(one)  # the schools move while these arrive
        await cluster.wait(lambda: cluster.shares({one: 1, two: 1}), "shared", timeout=60)
        for _ in range(3):
            await write(two)
        for n, key in enumerate(("s1", "s2"), start=1):
            await cluster.wait(
                lambda key=key: all_handled(cluster, key, len(sent[key])), f"{key} handled"
            )
            assert await kept(cluster, n) == sent[key]
