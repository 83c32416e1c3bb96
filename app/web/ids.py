"""Numbers in URLs are checked before any query: a number no 64-bit id can be is "not
found" (404), on every engine, instead of an overflow deep in the driver (a 500).

PostgreSQL ids are bigint (migration "bigint ids on PostgreSQL"), SQLite's INTEGER is 64
bits: so the one bound is the signed 64-bit range, for every `{name:int}` path parameter.
"""

from __future__ import annotations

from litestar import Request
from litestar.exceptions import NotFoundException

ID_MAX = 2**63 - 1


async def ids_in_range(request: Request) -> None:
    """Litestar `before_request` hook of the whole app: a coroutine, because Litestar runs a
    plain function hook in a worker thread, on every request."""
    for value in request.path_params.values():
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > ID_MAX:
            raise NotFoundException()
