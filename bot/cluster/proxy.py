"""Dashboard pages of a school another process owns are forwarded to that process.

Behind the load balancer any process may get any coordinator's request; only the process that
owns the school's bot has it running (its sessions, catalogs, clock). So a request under
/dashboard whose school is owned elsewhere is sent on, as it came (method, path, query, headers,
body), to the owner's own address (`cluster_process.address`, registered by the Coordinator from
OUDERBRUG_INTERNAL_URL or http://<hostname>:<port>), and the owner's answer is streamed back.
The school comes from the signed cookie (`auth.cookie_school`) or, for a login link, from the
login row in the database (without using the link). A forwarded request carries
`X-Ouderbrug-Forwarded` and is never forwarded again: no loops, whatever the leases do meanwhile.
A request that names no school goes to any process that owns one when this one owns none (the
page needs a running bot's catalogs); if nobody can take it, it is answered here. A school whose
bot runs nowhere at this moment (being taken over) gets 503 with Retry-After, so that a login
link is not used up by a process that could not open the school's dashboard.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import aiohttp
from aiohttp import web
from multidict import CIMultiDict
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.cluster.leases import database_now
from bot.core.clock import Clock
from bot.core.db import SessionFactory
from bot.dashboard import auth
from bot.dashboard.views.visit import COOKIE
from bot.models import ClusterProcess, School, SchoolLease

log = logging.getLogger(__name__)
FORWARDED = "X-Ouderbrug-Forwarded"
LOGIN = "/dashboard/login/"
LOCAL_ONLY = ("/dashboard/style.css",)
NOBODY = ""  # `Forwarder.target`: the school's bot runs nowhere right now
TIMEOUT = 60.0  # seconds for the owner's whole answer (a PDF flyer takes a moment)
CHUNK = 64 * 1024
HOP_BY_HOP = {
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
    "trailers", "transfer-encoding", "upgrade", "host", "content-length",
}  # fmt: skip
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


async def school_key(session: AsyncSession, *, school_id: int) -> str | None:
    """A school's key (its lease and bot are named by it)."""
    return (await session.exec(select(School.key).where(col(School.id) == school_id))).first()


async def owner_address(
    session: AsyncSession, *, key: str | None, clock: Clock, exclude: str
) -> str | None:
    """The address of the live process that owns school `key` (None: any owner of a school),
    other than `exclude`; None when there is none."""
    now = await database_now(session, clock=clock)
    query = (
        select(ClusterProcess.address)
        .join(SchoolLease, col(SchoolLease.owner) == col(ClusterProcess.id))
        .where(
            col(SchoolLease.expires_at) > now,
            col(ClusterProcess.address).is_not(None),
            col(ClusterProcess.id) != exclude,
        )
        .order_by(col(SchoolLease.school_key))
    )
    if key is not None:
        query = query.where(col(SchoolLease.school_key) == key)
    return (await session.exec(query)).first()


class Forwarder:
    """The middleware that sends dashboard requests to the process owning their school."""

    def __init__(
        self,
        *,
        sessions: SessionFactory,
        clock: Clock,
        process_id: str,
        owned: Callable[[], set[str]],
        timeout: float = TIMEOUT,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.process_id = process_id
        self.owned = owned
        self.timeout = timeout
        self.forwarded = 0  # requests sent on (since start)
        self._http: aiohttp.ClientSession | None = None

    def install(self, web_app: web.Application) -> None:
        """Put the middleware in front of every route of `web_app` (before it is frozen)."""
        web_app.middlewares.append(self.middleware)

    async def close(self) -> None:
        """Close the HTTP client."""
        if self._http is not None:
            http, self._http = self._http, None
            await http.close()

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Forward a dashboard request whose school is owned elsewhere; else handle it here."""
        address = await self.target(request)
        if address is None:
            return await handler(request)
        if address == NOBODY:  # its bot is starting somewhere: a login link is not used up here
            return web.Response(status=503, text="Ouderbrug", headers={"Retry-After": "5"})
        return await self.forward(request, address)

    async def target(self, request: web.Request) -> str | None:
        """Where a request must go: the owner's address, None to handle it here, or NOBODY
        when its school's bot runs nowhere at this moment (taken over, starting)."""
        path = request.path
        if not path.startswith("/dashboard") or path in LOCAL_ONLY:
            return None
        if FORWARDED in request.headers:
            return None  # sent here by another process: never sent on again
        try:
            async with self.sessions() as session:
                school_id: int | None
                if path.startswith(LOGIN):
                    token = path.removeprefix(LOGIN)
                    school_id = await auth.login_school(session, token=token)
                else:
                    school_id = auth.cookie_school(request.cookies.get(COOKIE, ""))
                key = None
                if school_id is not None:
                    key = await school_key(session, school_id=school_id)
                owned = self.owned()
                if (key is not None and key in owned) or (key is None and owned):
                    return None
                address = await owner_address(
                    session, key=key, clock=self.clock, exclude=self.process_id
                )
                return NOBODY if address is None and key is not None else address
        except Exception:
            log.warning("dashboard: could not find the owner of %s; answering here", path,
                        exc_info=True)  # fmt: skip
            return None

    async def forward(self, request: web.Request, address: str) -> web.StreamResponse:
        """Send the request on as it came and stream the owner's answer back."""
        headers = CIMultiDict(
            (k, v) for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP
        )
        headers[FORWARDED] = self.process_id
        if request.remote:
            headers.add("X-Forwarded-For", request.remote)
        body = await request.read()
        url = address.rstrip("/") + str(request.rel_url)
        self.forwarded += 1
        response: web.StreamResponse | None = None
        try:
            async with self._client().request(
                request.method, url, headers=headers, data=body or None, allow_redirects=False
            ) as upstream:
                response = web.StreamResponse(status=upstream.status, reason=upstream.reason)
                for name, value in upstream.headers.items():
                    if name.lower() not in HOP_BY_HOP:
                        response.headers.add(name, value)
                await response.prepare(request)
                async for chunk in upstream.content.iter_chunked(CHUNK):
                    await response.write(chunk)
                await response.write_eof()
                return response
        except (aiohttp.ClientError, TimeoutError) as err:
            log.warning("dashboard: the owner at %s did not answer (%s)", address, err)
            if response is not None and response.prepared:
                return response  # cut short: the browser sees an incomplete page
            return web.Response(status=502, text="Ouderbrug")

    def _client(self) -> aiohttp.ClientSession:
        if self._http is None:
            self._http = aiohttp.ClientSession(
                auto_decompress=False, timeout=aiohttp.ClientTimeout(total=self.timeout)
            )
        return self._http
