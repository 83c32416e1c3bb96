"""The app is declared in the framework's current style: building it raises no Litestar
deprecation warning (inferred query parameters, inferred dependencies and unmarked bodies stop
working in Litestar 3, so a new handler written the old way is caught here)."""

import warnings

from litestar.utils.deprecation import LitestarDeprecationWarning

from app.main import create_app


def test_building_the_app_raises_no_litestar_deprecation_warning(db):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        create_app()
    deprecated = [str(w.message) for w in caught
                  if issubclass(w.category, LitestarDeprecationWarning)]
    assert deprecated == []
