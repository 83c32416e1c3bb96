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


def test_the_home_pages_count_is_kept_a_few_seconds_then_counted_again(db):
    from app.catalog.service import COUNT_SECONDS, count_procedures
    from tests import factories
    from tests.conftest import run

    async def scenario():
        agency = await factories.agency()
        await factories.procedure(agency, steps=())
        counts = [await count_procedures(clock=lambda: 1000.0)]
        await factories.procedure(agency, name="Thủ tục thứ hai", steps=())
        counts.append(await count_procedures(clock=lambda: 1000.0 + COUNT_SECONDS - 0.5))
        counts.append(await count_procedures(clock=lambda: 1000.0 + COUNT_SECONDS))
        return counts

    first, kept, fresh = run(scenario())
    assert (kept, fresh) == (first, first + 1)
