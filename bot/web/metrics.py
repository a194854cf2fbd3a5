"""`/metrics` in Prometheus' text format: updates, webhook requests, the outbox, translation.

Counters live in one `Metrics` object per server; the outbox figures are read from the
database at every scrape (one grouped query per school), the translation figures from each
school's Translator. Every series has a `school` label (the key of the school's bot).

With a `Coordinator` (bot/cluster/) the per-school series cover the schools this process owns
(`bots` is the runner's live view), plus `ouderbrug_school_owned`, `ouderbrug_cluster_processes`
and `ouderbrug_lease_takeovers_total`.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable

from sqlalchemy import func
from sqlmodel import col, select
from telegram import Update
from telegram.ext import TypeHandler

from bot.app import BotApp
from bot.cluster.coordinator import Coordinator
from bot.models import Announcement, Delivery, DeliveryStatus
from bot.telegram.context import BotContext

log = logging.getLogger(__name__)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# Before the middleware (group -1): every update the application processes passes here.
COUNTING_GROUP = -2
WAITING = (DeliveryStatus.PENDING, DeliveryStatus.SENDING)


class Metrics:
    """The server's counters (monotonic, since start)."""

    def __init__(self) -> None:
        self.updates: Counter[str] = Counter()  # per school: processed by the application
        self.webhook: Counter[tuple[str, str]] = Counter()  # (school, accepted|duplicate)
        self.rejections: Counter[str] = Counter()  # per reason: secret, bad_json, unknown_path

    def accepted(self, school: str) -> None:
        """An update was put on the school's queue."""
        self.webhook[(school, "accepted")] += 1

    def duplicate(self, school: str) -> None:
        """An update arrived a second time and was dropped."""
        self.webhook[(school, "duplicate")] += 1

    def rejected(self, reason: str) -> None:
        """A webhook request was refused."""
        self.rejections[reason] += 1

    def count_updates(self, app: BotApp, school: str) -> None:
        """Count every update the school's application processes (a handler before all others)."""

        async def count(update: Update, context: BotContext) -> None:
            self.updates[school] += 1

        app.add_handler(TypeHandler(Update, count), group=COUNTING_GROUP)


def _line(name: str, value: float, **labels: str) -> str:
    if not labels:
        return f"{name} {value:g}"
    inner = ",".join(f'{k}="{_escape(v)}"' for k, v in labels.items())
    return f"{name}{{{inner}}} {value:g}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _family(name: str, kind: str, text: str, lines: Iterable[str]) -> list[str]:
    return [f"# HELP {name} {text}", f"# TYPE {name} {kind}", *lines]


async def delivery_counts(app: BotApp) -> Counter[str]:
    """How many copies of the school's announcements are in each status."""
    data = app.bot_data
    query = (
        select(Delivery.status, func.count())
        .join(Announcement, col(Announcement.id) == col(Delivery.announcement_id))
        .where(col(Announcement.school_id) == data.school_id)
        .group_by(Delivery.status)
    )
    async with data.sessions() as session:
        rows = (await session.exec(query)).all()
    return Counter({str(status): int(n) for status, n in rows})


async def render(
    metrics: Metrics, bots: dict[str, BotApp], coordinator: Coordinator | None = None
) -> str:
    """The whole exposition text (with this process's share of the schools, in a cluster)."""
    bots = dict(bots)  # a live view may change while the outbox is counted
    out: list[str] = [] if coordinator is None else _cluster(coordinator)
    out += _family(
        "ouderbrug_updates_handled_total", "counter", "Updates processed by the bot.",
        (_line("ouderbrug_updates_handled_total", metrics.updates[k], school=k) for k in bots),
    )  # fmt: skip
    out += _family(
        "ouderbrug_webhook_updates_total", "counter",
        "Webhook requests with a valid update, by outcome (accepted or duplicate); any process "
        "accepts any school's.",
        (
            _line("ouderbrug_webhook_updates_total", metrics.webhook[(k, o)], school=k, outcome=o)
            for k in sorted(set(bots) | {k for k, _ in metrics.webhook})
            for o in ("accepted", "duplicate")
        ),
    )  # fmt: skip
    out += _family(
        "ouderbrug_webhook_rejected_total", "counter",
        "Webhook requests refused, by reason (secret, bad_json, unknown_path).",
        (
            _line("ouderbrug_webhook_rejected_total", metrics.rejections[r], reason=r)
            for r in ("secret", "bad_json", "unknown_path")
        ),
    )  # fmt: skip
    deliveries: list[str] = []
    depth: list[str] = []
    up: list[str] = []
    for key, app in bots.items():
        try:
            counts = await delivery_counts(app)
        except Exception:
            log.warning("metrics: could not count the outbox of %s", key, exc_info=True)
            up.append(_line("ouderbrug_database_up", 0, school=key))
            continue
        up.append(_line("ouderbrug_database_up", 1, school=key))
        for status in DeliveryStatus:
            deliveries.append(
                _line("ouderbrug_deliveries", counts[status.value], school=key, status=status.value)
            )
        waiting = sum(counts[s.value] for s in WAITING)
        depth.append(_line("ouderbrug_outbox_depth", waiting, school=key))
    out += _family("ouderbrug_database_up", "gauge", "Whether the database answered.", up)
    out += _family(
        "ouderbrug_deliveries", "gauge", "Copies of announcements, by status.", deliveries
    )
    out += _family(
        "ouderbrug_outbox_depth", "gauge", "Copies waiting to be sent (pending or sending).", depth
    )
    out += _translation(bots)
    return "\n".join(out) + "\n"


def _translation(bots: dict[str, BotApp]) -> list[str]:
    hits: list[str] = []
    done: list[str] = []
    ratio: list[str] = []
    for key, app in bots.items():
        translator = app.bot_data.translator
        if translator is None:
            continue
        stats = translator.stats
        hits.append(_line("ouderbrug_translation_cache_hits_total", stats.cache_hits, school=key))
        done.append(_line("ouderbrug_translations_performed_total", stats.performed, school=key))
        asked = stats.cache_hits + stats.performed
        rate = stats.cache_hits / asked if asked else 0.0
        ratio.append(_line("ouderbrug_translation_cache_hit_ratio", rate, school=key))
    return [
        *_family(
            "ouderbrug_translation_cache_hits_total", "counter",
            "Translations answered from the cache.", hits,
        ),
        *_family(
            "ouderbrug_translations_performed_total", "counter",
            "Translations made by a model.", done,
        ),
        *_family(
            "ouderbrug_translation_cache_hit_ratio", "gauge",
            "Cache hits among all translations asked since start.", ratio,
        ),
    ]  # fmt: skip


def _cluster(coordinator: Coordinator) -> list[str]:
    owned = sorted(coordinator.owned())
    return [
        *_family(
            "ouderbrug_school_owned", "gauge", "Schools whose bot this process runs (lease held).",
            (_line("ouderbrug_school_owned", 1, school=key) for key in owned),
        ),
        *_family(
            "ouderbrug_cluster_processes", "gauge", "Processes alive at this one's last tick.",
            [_line("ouderbrug_cluster_processes", coordinator.live())],
        ),
        *_family(
            "ouderbrug_lease_takeovers_total", "counter",
            "Schools this process took over from a process whose lease ran out.",
            [_line("ouderbrug_lease_takeovers_total", coordinator.takeovers)],
        ),
    ]  # fmt: skip
