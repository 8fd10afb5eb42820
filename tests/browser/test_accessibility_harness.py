"""The axe-core check itself: it fails on a page with a serious violation and passes a clean one."""

from __future__ import annotations

import pytest

from tests.browser.accessibility import violations

pytestmark = [pytest.mark.browser]


def test_it_lists_serious_violations(desktop_page, assert_accessible):
    desktop_page.set_content(
        '<!doctype html><html lang="th"><head><title>t</title></head><body><main>'
        '<img src="x.png"><button></button></main></body></html>'
    )
    with pytest.raises(AssertionError) as failure:
        assert_accessible(desktop_page)
    assert "image-alt" in str(failure.value)
    assert "button-name" in str(failure.value)


def test_it_passes_a_clean_page_and_ignores_minor_ones(page, assert_accessible):
    # a missing <h1> is a "moderate" finding: reported by axe, not a failure here
    page.set_content(
        '<!doctype html><html lang="th"><head><title>t</title></head><body><main>'
        '<img src="x.png" alt="โลโก้"><button>บันทึก</button></main></body></html>'
    )
    assert_accessible(page)
    assert violations(page) == []
