"""Static files (served by WhiteNoise) carry the same security headers as the pages."""

from django.test import Client


def test_a_static_file_has_the_security_headers(settings, tmp_path):
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "probe.css").write_text("body { color: black; }")
    settings.STATIC_ROOT = tmp_path
    settings.SECURE_HSTS_SECONDS = 31536000  # production value (tests run with DEBUG on)

    response = Client().get("/static/css/probe.css", secure=True)

    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" in response
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
