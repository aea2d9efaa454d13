"""axe-core accessibility checks for browser tests (vendored tests/browser/vendor/axe.min.js,
npm axe-core 4.14.1; never served by Alur).

Use ``assert_no_violations(page)`` after a page has loaded; ``violations(page)`` returns
them for a custom check. WCAG 2.0/2.1 A and AA rules plus axe's best practices run, as an
audit of the whole document; a failure lists each rule with the first offending nodes.
"""

from pathlib import Path
from typing import Any

AXE = Path(__file__).with_name("vendor") / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}


def violations(page: Any, disabled: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """axe's violations on ``page`` (a Playwright page), after injecting axe once."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated by the browser's test driver, not as a <script>: Alur's CSP allows only
        # its own scripts, and the check must see the page as served.
        page.evaluate(AXE.read_text(encoding="utf-8"))
    options = {"runOnly": {"type": "tag", "values": TAGS},
               "rules": {rule: {"enabled": False} for rule in disabled}}
    return page.evaluate("async (options) => (await window.axe.run(document, options))"
                         ".violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
                         " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))", options)


def assert_no_violations(page: Any, disabled: tuple[str, ...] = ()) -> None:
    """Fail naming every axe rule ``page`` breaks (rule id, impact, help, nodes)."""
    found = violations(page, disabled)
    assert not found, "axe: " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(v['nodes'])}" for v in found)
