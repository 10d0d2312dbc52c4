"""Side-by-side screenshots of the key pages, desktop and phone, for a reviewer.

The accessibility test saves `<page>-desktop.png` (1280 px) and `<page>-phone.png` (390 px) in
test-artifacts/screens/ (git-ignored) and rewrites index.html there: one row per page, the two
screenshots side by side, so a layout change is seen at a glance.
"""

import html
from pathlib import Path

SCREENS_DIR = Path(__file__).resolve().parents[2] / "test-artifacts" / "screens"
SIZES = {"desktop": "1280 px", "phone": "390 px"}


def save_screen(page, name: str, size: str) -> Path:
    SCREENS_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENS_DIR / f"{name}-{size}.png"
    page.screenshot(path=str(path), full_page=True)
    write_index()
    return path


def write_index() -> Path:
    names = sorted(
        {p.name.rsplit("-", 1)[0] for p in SCREENS_DIR.glob("*.png") if "-" in p.stem},
    )
    rows = []
    for name in names:
        cells = []
        for size in SIZES:
            file = f"{name}-{size}.png"
            if (SCREENS_DIR / file).exists():
                cells.append(
                    f'<td><a href="{file}"><img src="{file}" alt="{html.escape(name)}, {size}" '
                    f'loading="lazy"></a></td>'
                )
            else:
                cells.append("<td>—</td>")
        rows.append(
            f'<tr><th scope="row" id="{name}">{html.escape(name)}</th>{"".join(cells)}</tr>'
        )
    head = "".join(f'<th scope="col">{size} ({width})</th>' for size, width in SIZES.items())
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Key pages: desktop and phone</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 1rem; }}
table {{ border-collapse: collapse; }}
th, td {{ border: 1px solid #ccc; padding: .5rem; vertical-align: top; text-align: left; }}
td img {{ display: block; width: 100%; }}
td:nth-child(2) {{ width: 640px; }}
td:nth-child(3) {{ width: 260px; }}
</style></head>
<body><h1>Key pages: desktop and phone</h1>
<p>Saved by tests/e2e/test_accessibility.py. Click a picture for full size.</p>
<table><thead><tr><th scope="col">page</th>{head}</tr></thead>
<tbody>{"".join(rows)}</tbody></table></body></html>
"""
    index = SCREENS_DIR / "index.html"
    index.write_text(page, encoding="utf-8")
    return index
