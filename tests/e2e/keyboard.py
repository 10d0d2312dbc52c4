"""Keyboard-only helpers: walk a page with Tab, and move to a control with Tab / Shift+Tab.

`walk(page)` presses Tab from wherever focus is until it has gone once round the page and
records every stop: which interactive element it was, whether it showed a focus indicator
(an outline or a box-shadow) with at least 3:1 contrast against the colour behind it
(WCAG 1.4.11), whether it was on screen, and whether a fixed or sticky box (a sticky header)
covered it entirely (WCAG 2.2, 2.4.11 focus not obscured). `unreached` lists the visible, enabled
interactive elements that no Tab stop reached (a radio group counts once: Tab enters it,
arrows move within it).
"""

from dataclasses import dataclass

from playwright.sync_api import Locator, Page

# Installed with page.evaluate (a DevTools evaluation: the page's CSP does not apply).
PROBE = r"""() => {
  const SELECTOR = 'a[href], area[href], button, input:not([type="hidden"]), select, textarea, '
    + 'summary, iframe, [tabindex], [contenteditable=""], [contenteditable="true"]';
  const rendered = (el) => el.getClientRects().length > 0
    && getComputedStyle(el).visibility !== 'hidden';
  const NATIVE = 'a[href], area[href], button, input, select, textarea, summary';
  const interactive = (el) => {
    if (el.disabled || el.closest('[inert]')) return false;
    // tabindex="-1" takes a native control out of the Tab order: that is a failure to report,
    // so only other elements (made focusable for scripts) are left out for it.
    const tabindex = el.getAttribute('tabindex');
    if (!el.matches(NATIVE) && tabindex !== null && parseInt(tabindex, 10) < 0) return false;
    if (el.tagName === 'SUMMARY' && el.parentElement.querySelector(':scope > summary') !== el)
      return false;
    return rendered(el);
  };
  const candidates = [...document.querySelectorAll(SELECTOR)].filter(interactive);
  const keyOf = (el) => {
    if (el.type === 'radio' && el.name) {
      const scope = el.form ? [...document.forms].indexOf(el.form) : 'doc';
      return `radio:${scope}:${el.name}`;
    }
    const index = candidates.indexOf(el);
    return index >= 0 ? `el:${index}` : `other:${el.tagName}:${el.id}:${el.className}`;
  };
  const squash = (text) => (text || '').replace(/\s+/g, ' ').trim().slice(0, 60);
  const describe = (el) => {
    const label = el.getAttribute('aria-label')
      || (el.labels && el.labels.length ? el.labels[0].textContent : '')
      || el.textContent || el.value || el.getAttribute('title') || '';
    const id = el.id ? `#${el.id}` : '';
    const name = el.name ? `[name=${el.name}]` : '';
    const href = el.getAttribute('href') ? `[href=${el.getAttribute('href')}]` : '';
    return `<${el.tagName.toLowerCase()}${id}${name}${href}> "${squash(label)}"`;
  };
  const rgba = (colour) => {
    const match = /rgba?\(([^)]+)\)/.exec(colour || '');
    if (!match) return null;
    const parts = match[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
  };
  const luminance = ([r, g, b]) => {
    const channel = (v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const contrast = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const behind = (el) => {  // the colour the outline is drawn on: the first opaque ancestor
    for (let node = el.parentElement; node; node = node.parentElement) {
      const colour = rgba(getComputedStyle(node).backgroundColor);
      if (colour && colour[3] > 0) return colour;
    }
    return [255, 255, 255, 1];
  };
  const indicator = (el) => {
    const style = getComputedStyle(el);
    const width = parseFloat(style.outlineWidth) || 0;
    if (style.outlineStyle === 'auto') return { visible: true, contrast: null, how: 'auto' };
    if (style.outlineStyle !== 'none' && width > 0) {
      const colour = rgba(style.outlineColor);
      const ratio = colour ? contrast(colour, behind(el)) : null;
      return { visible: colour !== null && colour[3] > 0, contrast: ratio,
               how: `outline ${style.outlineWidth} ${style.outlineColor}` };
    }
    if (style.boxShadow && style.boxShadow !== 'none')
      return { visible: true, contrast: null, how: `box-shadow ${style.boxShadow}` };
    return { visible: false, contrast: null, how: 'none' };
  };
  // WCAG 2.2 SC 2.4.11 (focus not obscured, minimum): a fixed or sticky box (a sticky header,
  // a cookie bar) must not cover the focused element entirely. The boxes are found once; their
  // position is measured at every stop, since a sticky one moves with the scroll.
  const fixedBoxes = [...document.querySelectorAll('body *')].filter((el) => {
    const position = getComputedStyle(el).position;
    return position === 'fixed' || position === 'sticky';
  });
  const obscuredBy = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return null;
    for (const box of fixedBoxes) {
      if (box.contains(el) || el.contains(box) || !rendered(box)) continue;
      const c = box.getBoundingClientRect();
      if (c.left <= r.left && c.right >= r.right && c.top <= r.top && c.bottom >= r.bottom)
        return describe(box);
    }
    return null;
  };
  const onScreen = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0
      && r.left < innerWidth && r.top < innerHeight;
  };
  window.__kbd = {
    candidates: () => {
      const seen = new Map();
      for (const el of candidates) if (!seen.has(keyOf(el))) seen.set(keyOf(el), describe(el));
      return [...seen].map(([key, description]) => ({ key, description }));
    },
    focus: () => {
      const el = document.activeElement;
      if (!el || el === document.body || el === document.documentElement)
        return { key: null };
      return { key: keyOf(el), description: describe(el), indicator: indicator(el),
               onScreen: onScreen(el), obscuredBy: obscuredBy(el), inMain: !!el.closest('main') };
    },
  };
}"""

MIN_FOCUS_CONTRAST = 3.0  # WCAG 2.1 SC 1.4.11, non-text contrast of the focus indicator


@dataclass
class Walk:
    stops: list[dict]
    candidates: list[dict]
    completed: bool  # went once round the page (no keyboard trap)

    @property
    def unreached(self) -> list[str]:
        reached = {stop["key"] for stop in self.stops}
        return [c["description"] for c in self.candidates if c["key"] not in reached]

    @property
    def without_indicator(self) -> list[str]:
        return [
            f"{s['description']}: {s['indicator']['how']}"
            for s in self.stops
            if not s["indicator"]["visible"]
            or (
                s["indicator"]["contrast"] is not None
                and s["indicator"]["contrast"] < MIN_FOCUS_CONTRAST
            )
        ]

    @property
    def off_screen(self) -> list[str]:
        return [s["description"] for s in self.stops if not s["onScreen"]]

    @property
    def obscured(self) -> list[str]:
        return [
            f"{s['description']} under {s['obscuredBy']}" for s in self.stops if s["obscuredBy"]
        ]

    def problems(self) -> str:
        parts = []
        if not self.completed:
            parts.append("Tab did not come back round the page (a keyboard trap?)")
        for title, items in [
            ("never reached with Tab", self.unreached),
            (
                "focused without a visible focus indicator (or under 3:1 contrast)",
                self.without_indicator,
            ),
            ("focused but off screen", self.off_screen),
            ("focused but hidden under a fixed or sticky box (WCAG 2.4.11)", self.obscured),
        ]:
            if items:
                parts.append(f"{title}:\n" + "\n".join(f"  - {item}" for item in items))
        return "\n".join(parts)


def install_probe(page: Page) -> list[dict]:
    page.evaluate(PROBE)
    return page.evaluate("() => window.__kbd.candidates()")


def walk(page: Page) -> Walk:
    """Tab once round the page from the current focus and record every stop."""
    candidates = install_probe(page)
    stops: list[dict] = []
    first = previous = None
    left_document = 0
    limit = 4 * len(candidates) + 10  # date inputs take one Tab per part (day, month, year)
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate("() => window.__kbd.focus()")
        if stop["key"] is None:  # past the last element focus leaves the page, then wraps
            left_document += 1
            if left_document > 1:
                break
            previous = None
            continue
        if stop["key"] == previous:  # still inside the same control (a part of a date input)
            continue
        if first is None:
            first = stop["key"]
        elif stop["key"] == first:
            return Walk(stops, candidates, completed=True)
        stops.append(stop)
        previous = stop["key"]
    return Walk(stops, candidates, completed=False)


def is_focused(target: Locator) -> bool:
    return target.evaluate("el => el === document.activeElement")


def tab_to(page: Page, target: Locator, *, backwards: bool = False, limit: int = 150) -> None:
    """Press Tab (or Shift+Tab) until `target` has the focus, as a keyboard user would."""
    target.wait_for(state="visible")
    key = "Shift+Tab" if backwards else "Tab"
    visited = []
    for _ in range(limit):
        page.keyboard.press(key)
        if is_focused(target):
            return
        visited.append(page.evaluate("() => document.activeElement?.outerHTML.slice(0, 80)"))
    raise AssertionError(f"{target} not reached with {key}; stops were:\n" + "\n".join(visited))


def choose_option(page: Page, select: Locator, label: str, *, limit: int = 40) -> None:
    """With the <select> focused, arrow down (from the top) until `label` is selected."""
    assert is_focused(select)
    page.keyboard.press("Home")
    for _ in range(limit):
        if select.evaluate("s => s.selectedOptions[0]?.text.trim()") == label:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"option {label!r} not found in {select}")
