"""What the tests share and are not tests themselves: one obvious place for each helper.

- `clients.login(user)`: a test client logged in as `user` (every test file uses this one).
- `html`: assertions on rendered pages (`main_of`, `cards`, `card_of`).
- `urls`: the portal's URL patterns for the security tests, and `assert_public_path` for the
  one test per app that pins its public paths.
- `browser`: the browser tests' helpers: controls by label, log-in, URL patterns (Playwright;
  imported by tests/e2e only).
- `smtp_sink`: a local SMTP server for the delivery tests and the notification benchmark.
- `zeal_admin`: test-only middleware of tests/settings.py (the N+1 detector and admin formsets).
- `n_plus_one_urls`: a URLconf with a deliberate N+1, to prove the detector works.

Fixed paths stay where they are: `tests/services.py` (a pytest plugin loaded by pyproject's
addopts), `tests/settings.py` (DJANGO_SETTINGS_MODULE), `tests/conftest.py` and
`tests/factories.py`. Nothing here imports Playwright at package import time.
"""
