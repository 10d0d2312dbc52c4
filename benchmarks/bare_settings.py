"""Settings of the page benchmark's bare Django app (benchmarks/bare_wsgi.py): the yardstick of
what Django itself costs per request on this machine.

The four standard middleware that need no session and no database, in the order of Django's
project template: SecurityMiddleware, CommonMiddleware, CsrfViewMiddleware and
XFrameOptionsMiddleware. The template's other three (sessions, authentication, messages) read the
session, so they belong to the portal's side of the comparison. No installed apps, no database,
no templates: the view returns a fixed body.
"""

import os

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "benchmarks.bare_wsgi"
INSTALLED_APPS: list[str] = []
DATABASES: dict = {}
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
USE_TZ = True
USE_I18N = False
LOGGING_CONFIG = None
