"""Callbacks that failed the signature: counted and sampled, never stored.

Anyone can post to the callback URL, so writing each forged body to the database let one
script fill it (issue #14). A real gateway signs every callback; what fails is noise or an
attack, and the IT team needs to know that it happens and roughly what it looks like, not
every byte: a count (shown at /healthz) and the last few in memory, each of those logged.
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass
from datetime import datetime

from app.formatting import now_utc
from app.web.ratelimit import limiter

log = logging.getLogger(__name__)

SAMPLE_SIZE = 20
SAMPLE_BYTES = 200
# Bad signatures per address: a gateway misconfigured with the wrong secret still shows up
# in the log within a minute; a script is slowed to a trickle.
BAD_SIGNATURES_PER_ADDRESS = limiter(10, 60)


@dataclass(frozen=True)
class Rejected:
    at: datetime
    address: str
    size: int
    head: str  # the first bytes, printable


class RejectedCallbacks:
    def __init__(self) -> None:
        self.count = 0
        self.sample: deque[Rejected] = deque(maxlen=SAMPLE_SIZE)

    def clear(self) -> None:
        self.__init__()

    def record(self, address: str, body: bytes) -> None:
        self.count += 1
        if len(self.sample) == SAMPLE_SIZE and self.count % 100:
            return  # a flood: keep the first ones, then one in a hundred
        entry = Rejected(now_utc(), address, len(body),
                         body[:SAMPLE_BYTES].decode("ascii", errors="replace"))
        self.sample.append(entry)
        log.warning("payment callback with a bad signature from %s (%d bytes, %d so far): %r",
                    address, entry.size, self.count, entry.head)


REJECTED = RejectedCallbacks()
