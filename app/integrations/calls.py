"""Every call to a partner goes through `call`: a timeout, the partner's circuit breaker
and one redacted row in `partner_call`. HTTP providers send with `http_call`; sandbox
providers answer in-process through the same `call`, so both are timed out, broken and
logged alike. Inbound webhooks are logged with `log_inbound`.

The breaker lives in the process (one web and one worker process per VM): when a partner
is down the page or task fails at once with `PartnerUnavailable` instead of waiting for
every timeout.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

import httpx

from app.db import write_transaction
from app.formatting import now_utc
from app.integrations.config import call_settings
from app.integrations.logic import Breaker, CallOutcome
from app.integrations.redact import redact_body, redact_url
from app.integrations.tables import PartnerCall

log = logging.getLogger(__name__)

NAMES = {"dvcqg": "Cổng Dịch vụ công quốc gia", "vneid": "Hệ thống định danh VNeID",
         "ioffice": "Hệ thống quản lý văn bản", "zalo": "Zalo OA"}


class PartnerUnavailable(Exception):
    """No usable answer: timeout, no connection, circuit open. The message is Vietnamese."""

    def __init__(self, message: str, outcome: CallOutcome = CallOutcome.FAILED):
        super().__init__(message)
        self.outcome = outcome


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    def json(self):
        return json.loads(self.body or b"null")

    @classmethod
    def of(cls, status: int, data, headers: dict[str, str] | None = None) -> Answer:
        """An answer with a JSON body, as sandboxes give."""
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":"),
                          sort_keys=True).encode()
        return cls(status, body, {"content-type": "application/json", **(headers or {})})


_BREAKERS: dict[str, Breaker] = {}


def breaker(partner: str) -> Breaker:
    settings = call_settings()
    found = _BREAKERS.get(partner)
    if found is None:
        found = _BREAKERS[partner] = Breaker(settings.breaker_failures,
                                             settings.breaker_seconds)
    found.threshold, found.cool_off = settings.breaker_failures, settings.breaker_seconds
    return found


def reset_breakers() -> None:
    _BREAKERS.clear()


def _row(partner: str, operation: str, target: str, request: str, outcome: CallOutcome,
         started: float, answer: Answer | None = None, error: str = "",
         secrets: Iterable[str] = (), direction: str = "out") -> PartnerCall:
    return PartnerCall(
        partner=partner, operation=operation[:60], direction=direction,
        target=redact_url(target), request=request,
        status=answer.status if answer else None,
        answer=redact_body(answer.body, secrets) if answer else "", outcome=outcome.value,
        error=error[:500], duration_ms=int((time.monotonic() - started) * 1000),
        at=now_utc())


async def save_log(rows: list[PartnerCall]) -> None:
    """Write collected call rows (inside the caller's transaction if one is open)."""
    if rows:
        async with write_transaction():
            await PartnerCall.insert(*rows)


async def call(partner: str, operation: str, send: Callable[[], Awaitable[Answer]], *,
               target: str, request=None, secrets: Iterable[str] = (),
               timeout: float | None = None, collect: list | None = None) -> Answer:
    """Run `send` under the partner's breaker and timeout; log the call. A 5xx answer
    counts as a failure for the breaker but is returned (the caller decides). Raises
    PartnerUnavailable without an answer. `collect`: append the log row there instead of
    writing it now (a batch writes its rows with its outcomes, in one transaction)."""
    secrets = tuple(secrets)
    name = NAMES.get(partner, partner)
    state, started = breaker(partner), time.monotonic()
    summary = redact_body(request, secrets)
    rows: list[PartnerCall] = []
    try:
        if not state.allow(started):
            wait = state.seconds_left(started)
            rows.append(_row(partner, operation, target, summary, CallOutcome.CIRCUIT_OPEN,
                             started, error=f"circuit open {wait}s"))
            raise PartnerUnavailable(f"{name} đang gián đoạn (tạm ngừng gọi {wait} giây).",
                                     CallOutcome.CIRCUIT_OPEN)
        limit = timeout or call_settings().timeout
        try:
            answer = await asyncio.wait_for(send(), limit)
        except (TimeoutError, httpx.TimeoutException):
            state.failed(time.monotonic())
            rows.append(_row(partner, operation, target, summary, CallOutcome.TIMEOUT,
                             started, error=f"no answer within {limit:g}s"))
            raise PartnerUnavailable(f"{name} không trả lời trong {limit:g} giây.",
                                     CallOutcome.TIMEOUT) from None
        except (httpx.HTTPError, OSError, ValueError) as exc:
            state.failed(time.monotonic())
            rows.append(_row(partner, operation, target, summary, CallOutcome.FAILED,
                             started, error=f"{type(exc).__name__}: {exc}"))
            raise PartnerUnavailable(f"Không kết nối được tới {name}.") from None
        if answer.status >= 500:
            state.failed(time.monotonic())
        else:
            state.succeeded()
        rows.append(_row(partner, operation, target, summary, CallOutcome.OK, started,
                         answer, secrets=secrets))
        return answer
    finally:
        if collect is not None:
            collect.extend(rows)
        else:
            try:
                await save_log(rows)
            except Exception:  # the log must never turn an answer into an error
                log.exception("could not log a %s call", partner)


async def http_call(partner: str, operation: str, method: str, url: str, *,
                    content: bytes | None = None, json_body=None,
                    form: dict[str, str] | None = None, headers: dict[str, str] | None = None,
                    secrets: Iterable[str] = (), timeout: float | None = None,
                    collect: list | None = None) -> Answer:
    """One HTTP request through `call`."""
    limit = timeout or call_settings().timeout

    async def send() -> Answer:
        async with httpx.AsyncClient(timeout=limit) as client:
            response = await client.request(method, url, content=content, json=json_body,
                                            data=form, headers=headers)
        return Answer(response.status_code, response.content, dict(response.headers))

    request = json_body if json_body is not None else form if form is not None else content
    return await call(partner, operation, send, target=url, request=request,
                      secrets=secrets, timeout=limit, collect=collect)


async def log_inbound(partner: str, operation: str, body: bytes, *, accepted: bool,
                      status: int, error: str = "", secrets: Iterable[str] = ()) -> None:
    """A call a partner made to us (a webhook), with what we answered."""
    outcome = CallOutcome.OK if accepted else CallOutcome.REFUSED
    row = _row(partner, operation, "", redact_body(body, secrets), outcome, time.monotonic(),
               Answer(status), error=error, direction="in")
    await save_log([row])
