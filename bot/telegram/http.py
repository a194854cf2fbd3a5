"""The bot's HTTP client for Bot API requests: aiohttp instead of PTB's default httpx.

Per request httpx/httpcore scan every pooled connection (each check a `poll` and a
`getpeername` system call through anyio) and look up the async library; at hundreds of button
presses a second that was the largest cost left in the bot's profile (docs/benchmarks.md).
aiohttp's client does the same job with much less work per request, long polling included.
Requests without files go as one JSON body (cheaper than a urlencoded form).
"""

from __future__ import annotations

import json

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

JSON_BODY = {"Content-Type": "application/json"}


class AiohttpRequest(BaseRequest):
    """Bot API requests over one aiohttp session with at most `connections` connections."""

    def __init__(self, *, connections: int, timeout: float) -> None:
        self.connections, self.timeout = connections, timeout
        self._session: aiohttp.ClientSession | None = None
        self._timeouts: dict[tuple[float | None, float | None], aiohttp.ClientTimeout] = {}

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout."""
        return self.timeout

    async def initialize(self) -> None:
        """Open the session (in the running event loop)."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self.connections, limit_per_host=0)
            self._session = aiohttp.ClientSession(
                connector=connector, headers={"User-Agent": self.USER_AGENT}
            )

    async def shutdown(self) -> None:
        """Close the session."""
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Send one request; Telegram's answer as (status, body)."""
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        read = self.timeout if isinstance(read_timeout, DefaultValue) else read_timeout
        write = self.timeout if isinstance(write_timeout, DefaultValue) else write_timeout
        connect = self.timeout if isinstance(connect_timeout, DefaultValue) else connect_timeout
        data: aiohttp.FormData | bytes | None = None
        headers = None
        if request_data is not None and request_data.contains_files:
            form = aiohttp.FormData()
            for name, value in request_data.json_parameters.items():
                form.add_field(name, value)
            for name, (filename, content, mime) in request_data.multipart_data.items():  # type: ignore[misc]
                form.add_field(name, content, filename=filename, content_type=mime)
            data = form
        elif request_data is not None:  # one JSON body: cheaper than a urlencoded form
            data, headers = json.dumps(request_data.parameters).encode(), JSON_BODY
        # aiohttp has no write timeout of its own: writing counts against the read budget.
        budget = None if read is None else read + (write or 0)
        timeout = self._timeouts.get((connect, budget))
        if timeout is None:
            timeout = self._timeouts[(connect, budget)] = aiohttp.ClientTimeout(
                total=None, sock_connect=connect, sock_read=budget
            )
        try:
            async with self._session.request(
                method, url, data=data, headers=headers, timeout=timeout
            ) as res:
                return res.status, await res.read()
        except TimeoutError as err:
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{err.__class__.__name__}: {err}") from err
