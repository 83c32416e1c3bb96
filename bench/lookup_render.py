"""The lookup page's template render alone, in-process, over real contexts (issue #21).

The app is called in-process (ASGI, no sockets) for `--requests` lookups of the var dir's
dossiers (80 % found, 20 % wrong digits, as bench/load.py asks); every context the page's
template is rendered with is kept, then `Template.render` is timed over those contexts
alone, best of five rounds: CPU µs per render, the figure the template work changes. Run it
from two trees on the same `--var-dir` (migrated and seeded, see bench/page_cpu.py).

    .venv/bin/python bench/lookup_render.py --var-dir DIR [--requests 400]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import BROWSER, lookup_requests  # noqa: E402
from page_cpu import get_scope, status_of  # noqa: E402


async def call(app, url: str) -> int:
    path, _, query = url.partition("?")
    scope = get_scope(path, query, [(k.lower().encode(), v.encode()) for k, v in BROWSER.items()])
    return await status_of(app, scope)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--var-dir", type=Path, required=True)
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()
    os.environ.update({"MOTCUA_VAR_DIR": str(args.var_dir),
                       "MOTCUA_BENCH_EXEMPT_ADDRESSES": "127.0.0.1"})
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    import jinja2

    from app.main import create_app

    app = create_app()
    urls = [r.head.decode().split()[1] for r in
            lookup_requests(args.var_dir / "motcua.db", random.Random(1), args.requests)]
    kept: list[tuple[jinja2.Template, dict]] = []
    render = jinja2.Template.render

    def keeping(template, *a, **context):
        if template.name == "public/lookup.html":
            kept.append((template, context))
        return render(template, *a, **context)

    jinja2.Template.render = keeping
    loop = asyncio.new_event_loop()
    for url in urls:
        loop.run_until_complete(call(app, url))
    jinja2.Template.render = render
    sizes = [len(render(t, **c)) for t, c in kept]
    rounds = []
    for _ in range(6):
        started = time.process_time()
        for template, context in kept:
            render(template, **context)
        rounds.append(time.process_time() - started)
    best = min(rounds[1:])
    print(f"{len(kept)} renders of public/lookup.html, {sum(sizes) / len(sizes):,.0f} "
          f"characters on average: {best / len(kept) * 1e6:.1f} µs CPU per render "
          f"(best of 5; load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
