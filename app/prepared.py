"""Queries built once: a Piccolo query's compiled SQL kept for the pages people hit most.

Building a Piccolo select with two foreign-key joins and compiling it to SQL costs several
hundred microseconds, ten times what SQLite needs to answer it (bench/RESULTS.md). A hot
query is therefore written once as a function of its parameters that returns an ordinary
Piccolo query, and decorated with `@prepared`:

    @prepared
    def dossier_by_code(code):
        return Dossier.select(Dossier.id, ...).where(Dossier.code == code).first()

    row = await dossier_by_code(code="000.00.17.H55-260213-0001")

The first call builds the query with placeholders (`Param`) in place of the values and
compiles it for the process's engine; every later call of the same shape (the same lengths
of list values, for `is_in`; the same values left None; the same inlined values such as a
LIMIT) fills the values into the kept SQL and runs it through the engine's own
`run_querystring`, then through the built query's own result processing (JSON columns,
`.first()`, `count()`), so the answer is what Piccolo itself returns.
`uncached(...)` builds and runs the query as Piccolo always does: tests compare the two.
The SQL stays Piccolo's, placeholders included, so it is as portable as the query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from typing import Any

from piccolo.columns.m2m import M2MSelect
from piccolo.query.base import Query
from piccolo.query.methods.select import First, Select
from piccolo.querystring import QueryString

MAX_SHAPES = 256  # compiled SQL kept per query function


class Param:
    """Stands in for one value while the query is built; found again in the compiled args."""

    __slots__ = ("name", "item")

    def __init__(self, name: str, item: int | None = None):
        self.name, self.item = name, item

    def __repr__(self) -> str:
        return f"Param({self.name!r}{'' if self.item is None else f', {self.item}'})"


@dataclass(frozen=True)
class _Compiled:
    query: Query                 # what processes the rows, as Piccolo's run() would
    first: bool                  # built with .first(): one dict or None
    sql: str
    constants: tuple[Any, ...]   # compiled args; the Params' places are refilled per call
    slots: tuple[tuple[int, str, int | None], ...]
    query_type: str
    passthrough: bool = False  # Piccolo's result processing would hand the rows back as is


def _shape(values: dict[str, Any], inline: frozenset[str]) -> tuple:
    """What changes the SQL: which values are lists (`is_in`) and their lengths, which
    are None (the build function leaves their condition out, or writes IS NULL), and the
    values Piccolo writes into the SQL itself (`limit`)."""
    if len(values) == 1 and not inline:  # most kept queries: one id or code, ~0.4 µs less
        ((name, value),) = values.items()
        return ((name, ("list", len(value)) if isinstance(value, (list, tuple))
                 else ("none",) if value is None else ("value",)),)

    def kind(name: str, value: Any) -> tuple:
        if name in inline:
            return ("inline", value)
        if isinstance(value, (list, tuple)):
            return ("list", len(value))
        return ("none",) if value is None else ("value",)

    return tuple(sorted((name, kind(name, v)) for name, v in values.items()))


def _placeholders(values: dict[str, Any], inline: frozenset[str]) -> dict[str, Any]:
    return {name: v if name in inline or v is None
            else [Param(name, i) for i in range(len(v))] if isinstance(v, (list, tuple))
            else Param(name) for name, v in values.items()}


def padded_ids(ids: list[int]) -> list[int]:
    """Row ids for `is_in`, padded with -1 (no row's id) to the next power of two, so a
    list of any length shares the SQL of a few shapes instead of one per length."""
    size = 1
    while size < len(ids):
        size *= 2
    return list(ids) + [-1] * (size - len(ids))


def _sql_value(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value  # as Piccolo's where() does


class prepared:  # noqa: N801 (used as a decorator, like functools.cache)
    """A query function whose compiled SQL is kept per shape. `@prepared.inlining("limit")`
    names the arguments Piccolo writes into the SQL (LIMIT, OFFSET): each of their values
    gets SQL of its own, so keep them to a few values."""

    def __init__(self, build: Callable[..., Query | First], inline: tuple[str, ...] = ()):
        self.build = build
        self.inline = frozenset(inline)
        self.__doc__ = build.__doc__
        self.__name__ = getattr(build, "__name__", "prepared")
        self._compiled: dict[tuple, _Compiled] = {}

    # Tests set this (see `bypassed_everywhere`) to render whole pages the uncached way.
    bypassed = False

    @classmethod
    def inlining(cls, *names: str) -> Callable[[Callable[..., Query | First]], prepared]:
        return lambda build: cls(build, names)

    def _compile(self, values: dict[str, Any]) -> _Compiled:
        built = self.build(**_placeholders(values, self.inline))
        first = isinstance(built, First)
        query = built.query if first else built
        if not isinstance(query, Query):
            raise TypeError(f"{self.__name__}: build a Piccolo query, .first() or count()")
        (querystring,) = query.querystrings  # one statement (no M2M follow-up queries)
        sql, args = querystring.compile_string(engine_type=query.engine_type)
        slots = tuple((i, arg.name, arg.item) for i, arg in enumerate(args)
                      if isinstance(arg, Param))
        # Every value must reach the SQL as a parameter (once or more: a list of agencies
        # may serve two conditions).
        expected = {(p.name, p.item) for v in _placeholders(values, self.inline).values()
                    for p in (v if isinstance(v, list) else [v]) if isinstance(p, Param)}
        missing = expected - {(name, item) for _, name, item in slots}
        if missing:
            # A value Piccolo converted or inlined (a JSON column, a Table instance) would
            # be kept as a constant: refuse rather than answer for the first caller's value.
            raise TypeError(f"{self.__name__}: parameters not passed through as values: "
                            f"{sorted({name for name, _ in missing})}")
        return _Compiled(query=query, first=first, sql=sql,
                         constants=tuple(None if isinstance(a, Param) else a for a in args),
                         slots=slots, query_type=querystring.query_type,
                         passthrough=_rows_pass_through(query))

    def compiled(self, **values: Any) -> _Compiled:
        # One engine per process (piccolo_conf), so the shape alone names the SQL.
        key = _shape(values, self.inline)
        compiled = self._compiled.get(key)
        if compiled is None:
            # Shapes come from what users choose (the queue's filters): keep a bounded
            # number, dropping the oldest, so no sequence of requests grows memory.
            if len(self._compiled) >= MAX_SHAPES:
                del self._compiled[next(iter(self._compiled))]
            compiled = self._compiled[key] = self._compile(values)
        return compiled

    async def __call__(self, **values: Any) -> Any:
        if prepared.bypassed:
            return await self.uncached(**values)
        compiled = self.compiled(**values)
        args = list(compiled.constants)
        for index, name, item in compiled.slots:
            value = values[name] if item is None else values[name][item]
            args[index] = _sql_value(value)
        querystring = QueryString("", query_type=compiled.query_type,
                                  table=compiled.query.table)
        # Piccolo's own freeze(): compile_string() answers with these, unchanged.
        querystring._frozen_compiled_strings = (compiled.sql, args)
        engine = compiled.query.table._meta.db
        results = await engine.run_querystring(querystring)
        if compiled.passthrough:  # what Piccolo's processing below returns for it (~2 µs)
            rows = engine.transform_response_to_dicts(results) if results else []
        else:
            rows = await compiled.query._process_results(results)
        if compiled.first:
            return rows[0] if rows else None
        return rows

    async def uncached(self, **values: Any) -> Any:
        """Built, compiled and run by Piccolo as usual: the reference the tests compare."""
        return await self.build(**values)


def _rows_pass_through(query: Query) -> bool:
    """Whether Piccolo's `_process_results` gives this query's rows back as the engine's
    dicts: a plain Select (no many-to-many column, no JSON to load, no objects, nothing
    nested, no raw-response callback). tests/test_prepared.py holds this to every kept
    query of the app."""
    if type(query) is not Select:
        return False
    output = query.output_delegate._output
    return (not hasattr(query, "_raw_response_callback")
            and not (output.load_json or output.as_objects or output.nested)
            and not any(isinstance(c, M2MSelect)
                        for c in query.columns_delegate.selected_columns))


@contextmanager
def bypassed_everywhere() -> Iterator[None]:
    """Every prepared query built and compiled anew, as before (tests compare pages)."""
    prepared.bypassed = True
    try:
        yield
    finally:
        prepared.bypassed = False
