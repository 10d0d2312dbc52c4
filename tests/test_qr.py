"""QR codes carry exactly the data given, and the SVG is safe to inline."""

from core.qr import qr_png, qr_svg


def test_the_svg_escapes_its_title_and_has_no_script():
    svg = qr_svg("https://example.org/x?a=1&b=2", title='Badge <script>alert("x")</script>')
    assert svg.startswith("<svg")
    assert "<script" not in svg
    assert "&lt;script&gt;" in svg


def test_the_png_is_a_png():
    assert qr_png("token").startswith(b"\x89PNG")


def test_the_svg_scales_whole_with_css():
    # A viewBox: a badge page sizes the code to the phone's width without cropping it.
    svg = qr_svg("token", scale=10)
    assert 'viewBox="0 0 ' in svg
    assert 'width="' in svg
