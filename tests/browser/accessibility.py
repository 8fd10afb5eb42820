"""axe-core in the browser tests: a page must have no serious or critical accessibility violation.

axe-core is vendored from npm (tests/browser/vendor/axe-core-*/, MPL-2.0, with its licence files)
and used only by the tests: it never reaches static/ or a user's browser, and nothing is fetched
while the tests run.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
FAILING_IMPACTS = ("serious", "critical")


@cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def violations(page: Any, *, include: str | None = None) -> list[dict[str, Any]]:
    """The serious and critical violations axe finds on the page as it is now (or inside the
    element matching the CSS selector ``include``), each as axe reports it."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Playwright evaluates through the DevTools protocol, which the page's
        # Content-Security-Policy does not govern: no <script> element is added to the page.
        page.evaluate(_axe_source())
    found = page.evaluate(
        """async (include) => {
            const result = await window.axe.run(include ? document.querySelector(include) : document,
                                                {resultTypes: ["violations"]});
            return result.violations;
        }""",
        include,
    )
    return [violation for violation in found if violation.get("impact") in FAILING_IMPACTS]


def describe(found: list[dict[str, Any]]) -> str:
    """One line per violation and per offending element (at most five each), for a failure message."""
    lines = []
    for violation in found:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node.get('failureSummary', '').splitlines()[-1:]}")
    return "\n".join(lines)


def assert_accessible(page: Any, *, include: str | None = None) -> None:
    """Fails listing every serious or critical axe-core violation on the current page."""
    found = violations(page, include=include)
    assert found == [], f"axe-core found on {page.url}:\n{describe(found)}"
