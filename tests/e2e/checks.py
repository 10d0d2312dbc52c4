"""Checks that run inside the browser: Content-Security-Policy violations and axe-core.

CSP: `CspMonitor.attach(context)` gives every page of a context an init script that records
`securitypolicyviolation` events (in `window.__cspViolations`, and forwarded to Python through a
binding so that violations of pages navigated away from are not lost), and collects the console
messages Chromium prints for a refused load. `new_page` (conftest) attaches one to every context
and fails the test at teardown if anything was recorded; `csp.check(page)` asserts it now.

axe: `run_axe(page)` injects the vendored axe-core with `page.evaluate` (a DevTools evaluation,
which the page's CSP does not govern: no `bypass_csp`, no inline <script>) and returns its
violations; `assert_no_serious_violations` fails on impact serious or critical and lists rule,
impact, help and target selectors.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

E2E_DIR = Path(__file__).resolve().parent
AXE_PATH = E2E_DIR / "vendor" / "axe.min.js"
AXE_VERSION = "4.14.1"  # tests/e2e/vendor/README.md says how to update it
# WCAG 2.2 AA: axe's wcag22aa rules (target-size: 24 x 24 px targets, SC 2.5.8) come on top.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_TAGS = [*WCAG_TAGS, "best-practice"]  # best-practice is reported; it fails only if serious+
FAILING_IMPACTS = ("serious", "critical")

# Runs before any script of the page (CDP's addScriptToEvaluateOnNewDocument, outside the CSP).
CSP_INIT_SCRIPT = """
(() => {
  if (window.__cspViolations) return;
  const seen = [];
  Object.defineProperty(window, "__cspViolations", { value: seen });
  document.addEventListener("securitypolicyviolation", (event) => {
    const violation = {
      directive: event.effectiveDirective || event.violatedDirective,
      blockedURI: event.blockedURI,
      documentURI: event.documentURI,
      sourceFile: event.sourceFile,
      line: event.lineNumber,
      sample: event.sample,
      disposition: event.disposition,
    };
    seen.push(violation);
    if (typeof window.__cspReport === "function") window.__cspReport(violation);
  }, true);
})();
"""

CONSOLE_MARKERS = ("Content Security Policy", "Refused to")


@dataclass
class CspMonitor:
    """CSP violations and CSP console messages of every page in the attached contexts."""

    events: list[dict] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    reported: int = 0  # how many of events + console a check() has already failed on

    def attach(self, context) -> None:
        context.expose_binding("__cspReport", self._on_binding)
        context.add_init_script(CSP_INIT_SCRIPT)
        context.on("console", self._on_console)

    def _on_binding(self, source, violation: dict) -> None:
        if violation not in self.events:
            self.events.append(violation)

    def _on_console(self, message) -> None:
        text = message.text
        if any(marker in text for marker in CONSOLE_MARKERS):
            page = message.page
            self.console.append(f"{text} (page {page.url if page else '?'})")

    def collect(self, page) -> None:
        """Take the violations the current document of `page` has recorded so far."""
        try:
            for violation in page.evaluate("() => window.__cspViolations || []"):
                self._on_binding(None, violation)
        except Exception:  # noqa: BLE001, S110 - a closed or crashed page has nothing to add
            pass

    def report(self, start: int = 0) -> str:
        lines = [
            f"- {v['directive']} blocked {v['blockedURI'] or '(inline)'} on {v['documentURI']}"
            + (f" ({v['sourceFile']}:{v['line']})" if v.get("sourceFile") else "")
            + (f" sample: {v['sample']!r}" if v.get("sample") else "")
            for v in self.events
        ]
        lines += [f"- console: {text}" for text in self.console]
        return "\n".join(lines[start:])

    @property
    def count(self) -> int:
        return len(self.events) + len(self.console)

    def check(self, *pages) -> None:
        """Fail on CSP violations not failed on before (including those of `pages` right now)."""
        for page in pages:
            self.collect(page)
        start, self.reported = self.reported, self.count
        if self.count > start:
            raise AssertionError("Content-Security-Policy violations:\n" + self.report(start))


# --- axe-core ------------------------------------------------------------------------------------

_axe_source: str | None = None


def axe_source() -> str:
    global _axe_source
    if _axe_source is None:
        _axe_source = AXE_PATH.read_text(encoding="utf-8")
    return _axe_source


def inject_axe(page) -> None:
    """Load axe into the current document (once per document)."""
    if page.evaluate("() => typeof window.axe === 'object'"):
        return
    # A DevTools evaluation, not a <script>: the page's CSP (no inline scripts) does not apply.
    page.evaluate(axe_source() + "\n;undefined")
    version = page.evaluate("() => window.axe.version")
    assert version == AXE_VERSION, f"vendored axe reports {version}, expected {AXE_VERSION}"


AXE_RUN = """async (options) => {
  const results = await axe.run(document, options);
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    tags: v.tags,
    nodes: v.nodes.map((n) => ({
      target: n.target.map(String),
      html: n.html.slice(0, 200),
      summary: n.failureSummary,
    })),
  }));
}"""


def run_axe(page, tags=AXE_TAGS) -> list[dict]:
    """axe's violations on the page as it is now (rule, impact, help, nodes with selectors)."""
    inject_axe(page)
    options = {"runOnly": {"type": "tag", "values": list(tags)}, "resultTypes": ["violations"]}
    return page.evaluate(AXE_RUN, options)


def serious(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in FAILING_IMPACTS]


def describe(violations: list[dict], url: str = "") -> str:
    """One readable block per rule: id, impact, help, then each target selector."""
    lines = [f"axe on {url}:"] if url else []
    for v in violations:
        lines.append(f"- {v['id']} [{v['impact']}] {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:10]:
            lines.append(f"    {' > '.join(node['target'])}: {node['html']}")
        if len(v["nodes"]) > 10:
            lines.append(f"    … and {len(v['nodes']) - 10} more")
    return "\n".join(lines)


def save_report(path: Path, url: str, violations: list[dict]) -> None:
    report = {"url": url, "violations": violations}
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")


def assert_no_serious_violations(violations: list[dict], url: str) -> None:
    failing = serious(violations)
    assert not failing, "serious/critical accessibility violations\n" + describe(failing, url)
