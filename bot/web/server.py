"""One aiohttp server for the school's web side: webhooks, `/healthz`, `/metrics`, the dashboard.

Every process serves the webhook of every school of the schools file under `/telegram/<key>`:
an update is stored in the database before the 200 (bot/web/webhook.py), and the process that
owns the school's bot hands it to the bot (bot/cluster/feeder.py). `ouderbrug run --webhook`
runs `serve_schools_webhook()`: a Coordinator (bot/cluster/coordinator.py) shares the schools
with the other processes on the same PostgreSQL database, and starts and stops the bots of the
schools this process owns (bot/web/runner.py); dashboard pages of a school owned by another
process are forwarded there (bot/cluster/proxy.py). On SIGTERM or Ctrl+C it gives its schools
back (each bot finishing what it had), then stops listening. `web_side()` is the same server for
bots that are all run here, without leases (the demo, tests, one school on its own).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import signal
import socket
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager

from aiohttp import web

from bot.app import BotApp
from bot.cluster.coordinator import Coordinator
from bot.cluster.feeder import Feeder
from bot.core.clock import SystemClock
from bot.core.settings import Settings
from bot.dashboard.views import setup_dashboard
from bot.runtime import process_id as new_process_id
from bot.shared import open_shared
from bot.web import metrics as prometheus
from bot.web.health import HealthChecker
from bot.web.metrics import Metrics
from bot.web.runner import LiveApps, WebhookRunner, drain, started
from bot.web.webhook import (
    Inbox,
    load_webhook_secret,
    school_secret,
    set_webhook,
    webhook_route,
)

log = logging.getLogger(__name__)
BOT_APPS = web.AppKey("bot_apps", dict[str, BotApp])  # school key -> its application (live)
METRICS = web.AppKey("metrics", Metrics)
HEALTH = web.AppKey("health", HealthChecker)
FEEDER = web.AppKey("feeder", Feeder)
INBOX = web.AppKey("inbox", Inbox)
COORDINATOR = web.AppKey("coordinator", Coordinator)
MONITOR_TOKEN = web.AppKey("monitor_token", str)
BODY_LIMIT = 1024 * 1024  # an update is a few KB; Telegram never sends files in the body
Setup = Callable[[web.Application, dict[str, BotApp]], None]


def make_web_app(
    secrets_by_key: dict[str, str],
    store: Inbox,
    metrics: Metrics,
    apps: dict[str, BotApp],
    *,
    monitor_token: str | None = None,
    coordinator: Coordinator | None = None,
) -> web.Application:
    """The aiohttp application: every school's webhook, the health check and the metrics.

    `secrets_by_key`: every school of the schools file (any process accepts any); `apps`: the
    bots running here (read at each request); `coordinator`: this process's share of the schools
    (/healthz and /metrics report it). With `monitor_token` (OUDERBRUG_METRICS_TOKEN),
    /healthz and /metrics answer only requests that carry `Authorization: Bearer <token>`.
    """
    web_app = web.Application(client_max_size=BODY_LIMIT)
    web_app[MONITOR_TOKEN] = monitor_token or ""
    web_app[BOT_APPS] = apps
    web_app[METRICS] = metrics
    web_app[HEALTH] = HealthChecker(apps, coordinator=coordinator)
    if coordinator is not None:
        web_app[COORDINATOR] = coordinator
    web_app[FEEDER] = store.feeder
    web_app[INBOX] = store
    web_app.add_routes(
        [
            webhook_route(secrets_by_key, store, metrics),
            web.get("/healthz", _healthz),
            web.get("/metrics", _metrics),
        ]
    )
    return web_app


def _monitor_refused(request: web.Request) -> web.Response | None:
    """401 unless the request carries the monitoring token (when one is configured)."""
    token = request.app[MONITOR_TOKEN]
    given = request.headers.get("Authorization", "")
    if not token or hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return None
    return web.Response(status=401, headers={"WWW-Authenticate": "Bearer"})


async def _healthz(request: web.Request) -> web.Response:
    """200 when every database and Telegram answer, else 503 saying which did not."""
    if (refused := _monitor_refused(request)) is not None:
        return refused
    healthy, report = await request.app[HEALTH].check()
    return web.json_response(report, status=200 if healthy else 503, dumps=json.dumps)


async def _metrics(request: web.Request) -> web.Response:
    """Prometheus' text format."""
    if (refused := _monitor_refused(request)) is not None:
        return refused
    coordinator = request.app.get(COORDINATOR)
    body = await prometheus.render(request.app[METRICS], request.app[BOT_APPS], coordinator)
    return web.Response(body=body.encode(), headers={"Content-Type": prometheus.CONTENT_TYPE})


class WebServer:
    """The listening side: an aiohttp runner on one host and port."""

    def __init__(self, web_app: web.Application, host: str, port: int) -> None:
        self.web_app = web_app
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        """Listen (port 0: a free port, read back into `port`)."""
        runner = web.AppRunner(
            self.web_app, handle_signals=False, access_log=None, shutdown_timeout=5.0
        )
        await runner.setup()
        await web.TCPSite(runner, self.host, self.port, backlog=1024).start()
        self._runner = runner
        self.port = int(runner.addresses[0][1])

    async def stop(self) -> None:
        """Stop listening and close open connections."""
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    @property
    def local_url(self) -> str:
        """This server's own address (for tests and a local try-out)."""
        return f"http://{self.host}:{self.port}"


@asynccontextmanager
async def web_side(
    settings: Settings,
    apps: dict[str, BotApp],
    *,
    host: str | None = None,
    port: int | None = None,
    setup: Setup | None = None,
) -> AsyncIterator[WebServer]:
    """Start the applications (all run here, no leases) and the server, point Telegram's
    webhooks here; stop it all on exit (the server first, then each bot finishes its updates)."""
    metrics = Metrics()
    for key, app in apps.items():
        metrics.count_updates(app, key)
    server_secret = load_webhook_secret(settings)
    async with AsyncExitStack() as stack:
        for app in apps.values():
            await stack.enter_async_context(started(app))
        first = next(iter(apps.values())).bot_data
        assert first.shared is not None
        feeder = Feeder(sessions=first.shared.sessions, clock=first.clock)
        await feeder.start()
        stack.push_async_callback(feeder.stop)  # after every bot finished (below)
        for key, app in apps.items():
            await stack.enter_async_context(_fed(feeder, key, app))
        store = Inbox(first.shared.sessions, first.clock, feeder, first.shared.engine)
        secrets_by_key = {key: school_secret(server_secret, key) for key in apps}
        web_app = make_web_app(
            secrets_by_key, store, metrics, apps, monitor_token=settings.metrics_token
        )
        if setup is not None:
            setup(web_app, apps)
        server = WebServer(
            web_app,
            settings.listen_host if host is None else host,
            settings.listen_port if port is None else port,
        )
        await server.start()
        stack.push_async_callback(server.stop)  # runs first: no new updates while draining
        public_url = settings.public_url
        if public_url is None:
            public_url = server.local_url
            log.warning("OUDERBRUG_PUBLIC_URL is not set; telling Telegram %s", public_url)
        for key, app in apps.items():
            await set_webhook(app, key, secrets_by_key[key], public_url)
        log.info("listening on %s (webhooks, /healthz, /metrics)", server.local_url)
        yield server


@asynccontextmanager
async def _fed(feeder: Feeder, key: str, app: BotApp) -> AsyncIterator[None]:
    """The Feeder hands the school's updates to `app`; on exit the bot finishes what it has."""
    feeder.attach(key, app)
    try:
        yield
    finally:
        feeder.detach(key)
        await drain(app)
        await feeder.forget(key)


def mount_dashboard(web_app: web.Application, apps: dict[str, BotApp]) -> None:
    """The coordinator dashboard on the same server (every school's, each seeing only its own)."""
    setup_dashboard(web_app, LiveApps(apps))


async def serve_schools_webhook(settings: Settings, schools: Sequence[Settings]) -> int:
    """`ouderbrug run --webhook`: the schools this process gets a lease on, behind a server that
    accepts every school's updates; until SIGTERM or Ctrl+C."""
    from bot.cluster.proxy import Forwarder

    clock = SystemClock()
    shared = await open_shared(schools[0], clock)
    public_url = settings.public_url or f"http://127.0.0.1:{settings.listen_port}"
    server_secret = load_webhook_secret(settings)
    if not settings.webhook_secret:
        log.info("webhook secret from %s: every process behind %s must share it "
                 "(or set OUDERBRUG_WEBHOOK_SECRET)", settings.data_dir, public_url)  # fmt: skip
    metrics = Metrics()
    feeder = Feeder(sessions=shared.sessions, clock=clock)
    runner = WebhookRunner(
        clock=clock, shared=shared, feeder=feeder, metrics=metrics,
        server_secret=server_secret, public_url=public_url,
    )  # fmt: skip
    process_id = new_process_id()  # host:pid:random
    address = settings.internal_url or f"http://{socket.gethostname()}:{settings.listen_port}"
    coordinator = Coordinator(
        schools=schools, sessions=shared.sessions, runner=runner, clock=clock,
        process_id=process_id, address=address, lease_seconds=settings.lease_seconds,
        tick=settings.cluster_tick,
    )  # fmt: skip
    store = Inbox(shared.sessions, clock, feeder, shared.engine)
    secrets_by_key = {s.school_key: school_secret(server_secret, s.school_key) for s in schools}
    web_app = make_web_app(
        secrets_by_key, store, metrics, runner.apps, monitor_token=settings.metrics_token,
        coordinator=coordinator,
    )  # fmt: skip
    mount_dashboard(web_app, runner.apps)
    forwarder = Forwarder(sessions=shared.sessions, clock=clock, process_id=process_id,
                          owned=lambda: set(runner.apps))  # fmt: skip
    forwarder.install(web_app)
    server = WebServer(web_app, settings.listen_host, settings.listen_port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await server.start()
        await feeder.start()
        await coordinator.start()
        log.info("process %s listening on %s (webhooks, /healthz, /metrics, /dashboard)",
                 process_id, server.local_url)  # fmt: skip
        await stop.wait()
        log.info("stopping: giving the schools back; their updates stay in the database")
    finally:
        try:
            await coordinator.stop()  # every bot finishes what it has, then its lease is freed
            await runner.stop_all()
        finally:
            await server.stop()
            await feeder.stop()
            await forwarder.close()
            await shared.close()
            for sig in (signal.SIGTERM, signal.SIGINT):
                with contextlib.suppress(ValueError, RuntimeError):
                    loop.remove_signal_handler(sig)
    return 0
