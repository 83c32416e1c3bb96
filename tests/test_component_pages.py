"""The components step, one page per group: required documents first, then the optional
ones, at most three uploads a page; "next" skips parts already complete."""

from hypothesis import given
from hypothesis import strategies as st

from app.portal.logic import COMPONENTS_PER_PAGE, ComponentPage, component_pages, page_after


def components(*required: bool) -> list[dict]:
    return [{"id": i, "required": r} for i, r in enumerate(required, 1)]


def test_required_then_optional_each_on_its_own_page():
    assert component_pages(components(True, False, True)) == [
        ComponentPage(1, "Giấy tờ bắt buộc", (1, 3)),
        ComponentPage(2, "Giấy tờ kèm theo (nếu có)", (2,))]


def test_a_long_group_is_split_into_parts():
    pages = component_pages(components(*[True] * 5, False))
    assert [(p.title, p.component_ids) for p in pages] == [
        ("Giấy tờ bắt buộc (phần 1/2)", (1, 2, 3)),
        ("Giấy tờ bắt buộc (phần 2/2)", (4, 5)),
        ("Giấy tờ kèm theo (nếu có)", (6,))]


def test_only_optional_and_no_components():
    assert component_pages(components(False)) == [
        ComponentPage(1, "Giấy tờ kèm theo (nếu có)", (1,))]
    assert component_pages([]) == [ComponentPage(1, "Thành phần hồ sơ", ())]


def test_next_page_skips_parts_already_complete():
    pages = component_pages(components(*[True] * 4, False))  # (1,2,3) (4,) (5,)
    assert page_after(pages, 1, supplied={1, 2, 3}) == 2
    assert page_after(pages, 1, supplied={1, 2, 3, 4}) == 3  # optional still offered
    assert page_after(pages, 1, supplied={1, 2, 3, 4, 5}) is None
    assert page_after(pages, 3, supplied=set()) is None  # the last page goes to the check


@given(st.lists(st.booleans(), max_size=12))
def test_every_component_appears_once_in_order_within_its_group(flags):
    pages = component_pages(components(*flags))
    ids = [i for p in pages for i in p.component_ids]
    assert sorted(ids) == list(range(1, len(flags) + 1))
    required = [i for i, r in enumerate(flags, 1) if r]
    assert ids[:len(required)] == required
    assert all(len(p.component_ids) <= COMPONENTS_PER_PAGE for p in pages)
    assert [p.number for p in pages] == list(range(1, len(pages) + 1))
