"""Conversion on a pool of unoserver instances (``--pdf-servers HOST:PORT,...``).

unoserver (https://github.com/unoconv/unoserver) runs LibreOffice behind an XML-RPC
server; p2pdocs is its client and needs neither ``uno`` nor LibreOffice. Each document is
sent as bytes (the servers need not see p2pdocs' disk) with ``update_index`` on, so that a
table of contents gets its page numbers. A deal's documents go out at once, at most
``per_server`` of them to a server at a time (from each worker process); a request may take
``timeout`` seconds. A server that fails to answer (refused, reset, timed out, a fault
from a LibreOffice that died) is set aside for a while and the document goes to the next
one; a document fails only when every server has failed it.
"""

from __future__ import annotations

import http.client
import os
import threading
import time
import xmlrpc.client
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from p2pdocs.errors import ConverterUnreachable
from p2pdocs.pdf.libreoffice import Converted, _pages, default_timeout

#: how long a server that failed is left out before it is tried again
SET_ASIDE_SECONDS = 30.0
#: how long the check before a run waits for each server
CHECK_SECONDS = 10.0


def parse_servers(text: str) -> tuple[str, ...]:
    """``HOST:PORT,...`` as a tuple of ``HOST:PORT``; ValueError naming a bad one."""
    servers = tuple(part.strip() for part in text.split(",") if part.strip())
    if not servers:
        raise ValueError("expected HOST:PORT[,HOST:PORT...]")
    for server in servers:
        host, _, port = server.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"{server!r} is not HOST:PORT (a host name or address, a colon, a port number)")
    return servers


class _Transport(xmlrpc.client.Transport):
    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout

    def make_connection(self, host: object) -> http.client.HTTPConnection:
        connection = super().make_connection(host)  # type: ignore[arg-type]
        connection.timeout = self.timeout
        return connection


def _proxy(server: str, timeout: float) -> xmlrpc.client.ServerProxy:
    return xmlrpc.client.ServerProxy(f"http://{server}", transport=_Transport(timeout), allow_none=True)


def check_servers(servers: Sequence[str]) -> None:
    """Before a run: every server answers as a unoserver, else :class:`ConverterUnreachable`
    naming each one that does not and why."""
    problems = []
    for server in servers:
        try:
            info = _proxy(server, CHECK_SECONDS).info()
            if not isinstance(info, dict) or "unoserver" not in info:
                problems.append(f"{server}: answers, but not as a unoserver")
        except (OSError, xmlrpc.client.Error) as exc:
            problems.append(f"{server}: {_reason(exc)}")
    if problems:
        raise ConverterUnreachable(
            "--pdf-servers: no conversion server at "
            + "; ".join(problems)
            + " (start one with: unoserver --interface HOST --port PORT); nothing was generated"
        )


def _reason(exc: BaseException) -> str:
    if isinstance(exc, xmlrpc.client.Fault):
        return f"the server failed: {exc.faultString.strip().splitlines()[-1] if exc.faultString.strip() else ''}"
    if isinstance(exc, TimeoutError):
        return "no answer in time"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


class ServerPool:
    """Converts on unoserver instances (see the module's notes)."""

    def __init__(self, servers: Sequence[str], timeout: float | None = None, per_server: int = 1) -> None:
        self.servers = tuple(servers)
        self.timeout = default_timeout(1) if timeout is None else timeout
        self.per_server = max(1, per_server)
        self._slots = {s: threading.BoundedSemaphore(self.per_server) for s in self.servers}
        self._aside: dict[str, float] = {}
        self._lock = threading.Lock()
        self._next = os.getpid() % len(self.servers)  # workers start on different servers

    def close(self, wait: float = 0.0) -> None:
        """Nothing to stop: the servers are not p2pdocs'."""

    def convert(self, documents: Sequence[Path]) -> list[Converted]:
        width = min(len(documents), self.per_server * len(self.servers)) or 1
        with ThreadPoolExecutor(max_workers=width) as pool:
            return list(pool.map(self._convert_one, documents))

    def _order(self) -> list[str]:
        """The servers to try, in turn from the next one, those set aside last."""
        with self._lock:
            start = self._next
            self._next = (self._next + 1) % len(self.servers)
            now = time.monotonic()
            turn = [self.servers[(start + i) % len(self.servers)] for i in range(len(self.servers))]
            return sorted(turn, key=lambda s: self._aside.get(s, 0.0) > now)

    def _convert_one(self, document: Path) -> Converted:
        data = xmlrpc.client.Binary(document.read_bytes())
        failures = []
        for server in self._order():
            with self._slots[server]:
                try:
                    answer = _proxy(server, self.timeout).convert(None, data, None, "pdf", None, [], True)
                except (OSError, xmlrpc.client.Error) as exc:
                    with self._lock:
                        self._aside[server] = time.monotonic() + SET_ASIDE_SECONDS
                    failures.append(f"{server}: {_reason(exc)}")
                    continue
            pdf = answer.data if isinstance(answer, xmlrpc.client.Binary) else b""
            if pdf and _pages(pdf):
                with self._lock:
                    self._aside.pop(server, None)
                return Converted(document, pdf)
            failures.append(f"{server}: it sent no PDF with pages")
        return Converted(document, None, "no conversion server could convert it: " + "; ".join(failures))
