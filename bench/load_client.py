"""Keep-alive HTTP/1.1 load client over raw asyncio sockets, for bench/load.py.

It mirrors `load()` in bench/db_page.py (same raw-socket loop, so the client costs far less
per request than the server) and adds what a browser-like load needs: arbitrary request
headers, the cookie the first response sets sent back on the rest of the connection,
an expected status per request (a wrong-digit lookup must be a 404), response sizes, and a
bound on the number of requests as well as on time. Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import asyncio
import re
import socket
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

HOST = "127.0.0.1"
_LENGTH = re.compile(rb"(?i)\r\ncontent-length:\s*(\d+)")
_SET_COOKIE = re.compile(rb"(?i)\r\nset-cookie:\s*([^;\r\n]+)")


@dataclass(frozen=True)
class Req:
    """One prepared request: the head without its final blank line, so a cookie can be added."""

    head: bytes
    expect: int = 200


def build(path: str, query: dict[str, str] | None = None,
          headers: dict[str, str] | None = None, expect: int = 200) -> Req:
    target = path + ("?" + urlencode(query) if query else "")
    lines = [f"GET {target} HTTP/1.1", f"Host: {HOST}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return Req(("\r\n".join(lines) + "\r\n").encode("ascii"), expect)


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    ok: int = 0               # status as expected, 2xx
    expected_404: int = 0     # status as expected, 404
    errors: int = 0           # status other than expected
    body_bytes: int = 0
    elapsed: float = 0.0
    client_cpu: float = 0.0   # seconds of CPU this process used during the run

    @property
    def n(self) -> int:
        return len(self.latencies)

    def merge(self, other: Run) -> None:
        self.latencies += other.latencies
        self.statuses.update(other.statuses)
        self.ok += other.ok
        self.expected_404 += other.expected_404
        self.errors += other.errors
        self.body_bytes += other.body_bytes
        self.elapsed += other.elapsed
        self.client_cpu += other.client_cpu


async def load(port: int, requests: list[Req], concurrency: int, seconds: float,
               max_requests: int) -> Run:
    """`concurrency` connections, each sending its next request as soon as the previous
    answer is read, until `seconds` pass or `max_requests` have been sent in all."""
    run = Run()
    deadline = time.perf_counter() + seconds
    budget = [max_requests]

    async def worker(offset: int) -> None:
        reader, writer = await asyncio.open_connection(HOST, port)
        cookie = b""
        i = offset
        try:
            while budget[0] > 0 and (began := time.perf_counter()) < deadline:
                budget[0] -= 1
                req = requests[i % len(requests)]
                i += 1
                writer.write(req.head + cookie + b"\r\n")
                head = await reader.readuntil(b"\r\n\r\n")
                length = _LENGTH.search(head)
                if length is None:  # the pages send Content-Length; anything else is a bug here
                    raise RuntimeError(f"response without Content-Length: {head[:200]!r}")
                size = int(length[1])
                await reader.readexactly(size)
                run.latencies.append(time.perf_counter() - began)
                status = int(head[9:12])
                run.statuses[status] += 1
                run.body_bytes += size
                if status != req.expect:
                    run.errors += 1
                elif status == 404:
                    run.expected_404 += 1
                else:
                    run.ok += 1
                # A browser returns the CSRF cookie after its first visit; without it the
                # app would mint and sign a new one on every response.
                if not cookie and (match := _SET_COOKIE.search(head)):
                    cookie = b"Cookie: " + match[1] + b"\r\n"
        finally:
            writer.close()

    cpu = time.process_time()
    started = time.perf_counter()
    # Hard stop well after the deadline, should the server stall mid-response.
    await asyncio.wait_for(
        asyncio.gather(*(worker(n * 997) for n in range(concurrency))), seconds + 30)
    run.elapsed = time.perf_counter() - started
    run.client_cpu = time.process_time() - cpu
    return run


def fetch(port: int, req: Req, timeout: float = 10.0) -> tuple[int, dict[str, str], bytes]:
    """One request on its own connection: status, headers (lower-case names), raw body."""
    with socket.create_connection((HOST, port), timeout=timeout) as sock:
        sock.sendall(req.head + b"Connection: close\r\n\r\n")
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head, body = b"".join(chunks).split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(lines[0][9:12]), headers, body


def percentile(sorted_values: list[float], p: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(p * len(sorted_values)))]
