"""One aiohttp server for the school's web side: webhooks, `/healthz`, `/metrics`.

It serves a list of school bots (one PTB Application per school token, each under
`/telegram/<key>`; one school today, with the key `default`). `ouderbrug run --webhook` runs
`serve()`: start every application without an updater, listen, call setWebhook, and on
SIGTERM or Ctrl+C stop listening first, then let the handlers finish what was accepted.
The coordinator dashboard joins the same aiohttp application (see `web_side(..., setup=...)`).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import signal
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager

from aiohttp import web
from telegram.error import TelegramError

from bot.app import BotApp, build_application
from bot.core.clock import SystemClock
from bot.core.settings import Settings
from bot.dashboard.views import setup_dashboard
from bot.runtime import build_applications
from bot.shared import open_shared
from bot.web import metrics as prometheus
from bot.web.health import HealthChecker
from bot.web.metrics import Metrics
from bot.web.webhook import SchoolBot, load_webhook_secret, school_bots, set_webhook, webhook_route

log = logging.getLogger(__name__)
BOT_APPS = web.AppKey("bot_apps", dict[str, BotApp])  # school key -> its application
METRICS = web.AppKey("metrics", Metrics)
HEALTH = web.AppKey("health", HealthChecker)
MONITOR_TOKEN = web.AppKey("monitor_token", str)
BODY_LIMIT = 1024 * 1024  # an update is a few KB; Telegram never sends files in the body
DRAIN_TIMEOUT = 20.0  # seconds the handlers get, at shutdown, for updates already accepted
Setup = Callable[[web.Application, dict[str, BotApp]], None]


def make_web_app(
    bots: list[SchoolBot], metrics: Metrics, *, monitor_token: str | None = None
) -> web.Application:
    """The aiohttp application: every school's webhook, the health check and the metrics.

    With `monitor_token` (OUDERBRUG_METRICS_TOKEN), /healthz and /metrics answer only requests
    that carry `Authorization: Bearer <token>`; others get 401.
    """
    apps = {bot.key: bot.app for bot in bots}
    web_app = web.Application(client_max_size=BODY_LIMIT)
    web_app[MONITOR_TOKEN] = monitor_token or ""
    web_app[BOT_APPS] = apps
    web_app[METRICS] = metrics
    web_app[HEALTH] = HealthChecker(apps)
    web_app.add_routes(
        [
            webhook_route(bots, metrics),
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
    body = await prometheus.render(request.app[METRICS], request.app[BOT_APPS])
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
async def started(app: BotApp) -> AsyncIterator[BotApp]:
    """Initialise, run post_init and start one application (no updater); undo it on exit."""
    await app.initialize()
    try:
        if app.post_init is not None:
            await app.post_init(app)
        await app.start()
        try:
            yield app
        finally:
            await _drain(app)
            if app.running:
                await app.stop()
    finally:
        if app.post_shutdown is not None:
            await app.post_shutdown(app)
        await app.shutdown()


async def _drain(app: BotApp) -> None:
    """Let the handlers finish the updates already accepted (Telegram will not send them again)."""
    waiting = app.update_queue.qsize()
    try:
        async with asyncio.timeout(DRAIN_TIMEOUT):
            await app.update_queue.join()
    except TimeoutError:
        log.error("stopping with %s updates not handled", app.update_queue.qsize())
    else:
        if waiting:
            log.info("handled the %s updates still waiting", waiting)


@asynccontextmanager
async def web_side(
    settings: Settings,
    apps: dict[str, BotApp],
    *,
    host: str | None = None,
    port: int | None = None,
    setup: Setup | None = None,
) -> AsyncIterator[WebServer]:
    """Start the applications and the server, point Telegram's webhooks here; stop it all on exit."""
    metrics = Metrics()
    for key, app in apps.items():
        metrics.count_updates(app, key)
    bots = school_bots(apps, load_webhook_secret(settings))
    web_app = make_web_app(bots, metrics, monitor_token=settings.metrics_token)
    if setup is not None:
        setup(web_app, apps)
    server = WebServer(
        web_app,
        settings.listen_host if host is None else host,
        settings.listen_port if port is None else port,
    )
    async with AsyncExitStack() as stack:
        for app in apps.values():
            await stack.enter_async_context(started(app))
        await server.start()
        stack.push_async_callback(server.stop)  # runs first: no new updates while draining
        public_url = settings.public_url
        if public_url is None:
            public_url = server.local_url
            log.warning("OUDERBRUG_PUBLIC_URL is not set; telling Telegram %s", public_url)
        for bot in bots:
            await set_webhook(bot, public_url)
        log.info("listening on %s (webhooks, /healthz, /metrics)", server.local_url)
        yield server


def mount_dashboard(web_app: web.Application, apps: dict[str, BotApp]) -> None:
    """The coordinator dashboard on the same server (every school's, each seeing only its own)."""
    setup_dashboard(web_app, list(apps.values()))


async def serve_schools_webhook(settings: Settings, schools: Sequence[Settings]) -> int:
    """`ouderbrug run --webhook`: every school's bot behind one server, on shared services."""
    clock = SystemClock()
    shared = await open_shared(schools[0], clock)
    try:
        built = build_applications(schools, clock=clock, shared=shared, webhook=True)
        apps = {app.bot_data.settings.school_key: app for app in built}
        return await serve(settings, apps)
    finally:
        await shared.close()


async def serve(settings: Settings, apps: dict[str, BotApp] | None = None) -> int:
    """`ouderbrug run --webhook`: run until SIGTERM or Ctrl+C."""
    if apps is None:
        apps = {"default": build_application(settings, webhook=True)}
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        async with web_side(settings, apps, setup=mount_dashboard):
            await stop.wait()
            log.info("stopping: no new updates; finishing the ones accepted")
    except TelegramError as err:
        log.error("Telegram did not accept the webhook at %s: %s", settings.public_url, err)
        return 1
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(ValueError, RuntimeError):
                loop.remove_signal_handler(sig)
    return 0
