"""The rest of a request (issue #21): template set-up done once per app, not per request;
what is remembered answers what Litestar computes."""

from __future__ import annotations

import gc

from app.main import create_app


def test_remembered_urls_are_litestars(db):
    app = create_app()
    env = app.template_engine.engine
    url_for = env.globals["url_for"]
    request = type("Req", (), {"app": app})()
    context = {"request": request}
    cases = [("home", {}), ("catalog.procedure", {"procedure_id": 7}),
             ("catalog.procedure", {"procedure_id": 8}),
             ("catalog.form", {"procedure_id": 7, "component_id": 3}), ("lookup", {})]
    for _ in range(2):  # computed, then remembered
        for name, params in cases:
            assert url_for(context, name, **params) == app.route_reverse(name, **params)
    assert url_for(context, "catalog.procedure", procedure_id=8) == "/thu-tuc/8"


def test_templates_are_not_rechecked_on_disk_and_startup_objects_are_frozen(client):
    env = client.app.template_engine.engine
    assert env.auto_reload is False  # MOTCUA_DEBUG=1 turns it back on for template authors
    assert client.get("/").status_code == 200
    assert gc.get_freeze_count() > 0


def test_the_home_pages_count_and_the_filter_lists_are_kept_a_few_seconds(db):
    import functools

    from app.catalog.search import filter_options
    from app.catalog.service import CATALOGUE_SECONDS, count_procedures
    from tests import factories
    from tests.conftest import run

    async def scenario():
        agency = await factories.agency()
        await factories.procedure(agency, steps=())
        seen = []
        for moment in (0, CATALOGUE_SECONDS - 0.5, CATALOGUE_SECONDS):
            clock = functools.partial(float, 1000.0 + moment)
            options = await filter_options(clock=clock)
            seen.append((await count_procedures(clock=clock), len(options["agencies"])))
            if not moment:  # a new agency's first procedure: one more in both
                await factories.procedure(await factories.agency("Sở Y tế"), steps=())
        return seen

    first, kept, fresh = run(scenario())
    assert kept == first and fresh == (first[0] + 1, first[1] + 1)
