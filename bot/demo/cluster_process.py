"""One `ouderbrug run` started as a process of its own, for a local cluster (bot/demo/cluster.py).

Used by `ouderbrug demo --city`, the city-scale tests and bench/bench_cluster.py.
"""

from __future__ import annotations

import asyncio
import signal
import socket
import sys
from pathlib import Path

import bot

ROOT = Path(bot.__file__).resolve().parents[1]
SENDS = {"sendMessage", "sendPhoto", "sendDocument", "sendMediaGroup", "sendVoice"}


def token(n: int) -> str:
    """School n's bot token (school keys are s1..sN)."""
    return f"{200000 + n}:CLUSTER-token-for-school-{n:03d}"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class BotProcess:
    """One `python -m bot run [--webhook]` subprocess of the cluster."""

    def __init__(self, name: str, env: dict[str, str], log: Path, webhook: bool) -> None:
        self.name = name
        self.env = env
        self.log = log
        self.webhook = webhook
        self.port = int(env["OUDERBRUG_LISTEN_PORT"])
        self.proc: asyncio.subprocess.Process | None = None
        self.terminated = False

    async def start(self) -> None:
        """Start the process (its output goes to its log file)."""
        args = [sys.executable, "-m", "bot", "run"] + (["--webhook"] if self.webhook else [])
        with self.log.open("ab") as out:
            self.proc = await asyncio.create_subprocess_exec(
                *args, cwd=ROOT, env=self.env, stdout=out, stderr=asyncio.subprocess.STDOUT
            )

    @property
    def pid(self) -> int:
        """The operating system's process id (part of the cluster's process id)."""
        assert self.proc is not None
        return self.proc.pid

    @property
    def url(self) -> str:
        """Its web server (webhook mode): http://127.0.0.1:<port>."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def alive(self) -> bool:
        """Started and not ended yet."""
        return self.proc is not None and self.proc.returncode is None

    def owns(self, owner: str | None) -> bool:
        """Whether a lease's owner (`host:pid:random`) is this process."""
        return owner is not None and owner.split(":")[1:2] == [str(self.pid)]

    async def kill(self) -> None:
        """SIGKILL: the process dies at once, leaving its leases and claims behind."""
        if self.alive:
            assert self.proc is not None
            self.proc.kill()
            await self.proc.wait()

    async def terminate(self, timeout: float = 30.0) -> int:
        """SIGTERM and wait until it ended (killed after `timeout`); its exit code."""
        assert self.proc is not None
        self.terminated = True  # its end is expected (Cluster.wait does not fail on it)
        if self.alive:
            self.proc.send_signal(signal.SIGTERM)
            try:
                async with asyncio.timeout(timeout):
                    await self.proc.wait()
            except TimeoutError:
                await self.kill()
                raise AssertionError(
                    f"{self.name} did not stop on SIGTERM\n{self.output()}"
                ) from None
        assert self.proc.returncode is not None
        return self.proc.returncode

    def output(self, tail: int = 6000) -> str:
        """The end of what the process printed."""
        data = self.log.read_text(errors="replace") if self.log.exists() else ""
        return f"--- {self.name} (pid {self.proc.pid if self.proc else '-'}) ---\n{data[-tail:]}"
