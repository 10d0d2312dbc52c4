"""QR codes as inline SVG (badges, the agenda, certificate verification), drawn by segno."""

import io

import segno
from django.utils.safestring import SafeString


def qr_svg(data: str, *, scale: int = 4, title: str = "") -> SafeString:
    """An SVG QR code of `data` (error correction M), without the XML declaration, safe to
    inline in a page or a PDF; `title` is read by screen readers. Its size is `scale` pixels a
    module, and it has a viewBox, so CSS may resize it whole (quiet zone included)."""
    out = io.BytesIO()
    segno.make(data, error="m", micro=False).save(
        out,
        kind="svg",
        scale=scale,
        xmldecl=False,
        svgns=True,
        title=title or None,
        nl=False,
        unit="px",  # with a unit, segno also writes the viewBox
    )
    # segno's own markup: the data is drawn as modules, the title is escaped by segno.
    return SafeString(out.getvalue().decode())  # nosec B703 B308


def qr_png(data: str, *, scale: int = 8) -> bytes:
    """A PNG QR code of `data` (for the fake camera in tests and for printing)."""
    out = io.BytesIO()
    segno.make(data, error="m", micro=False).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()
