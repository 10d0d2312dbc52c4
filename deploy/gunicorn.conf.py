"""gunicorn settings (`gunicorn -c deploy/gunicorn.conf.py club.wsgi:application`).

Minimal placeholder: the full file (timeouts, access log format, ...) comes with `make test-deploy`.
"""

import os

bind = f"0.0.0.0:{os.environ.get('PORT') or '8000'}"
workers = int(os.environ.get("WEB_CONCURRENCY") or 3)
accesslog = "-"
