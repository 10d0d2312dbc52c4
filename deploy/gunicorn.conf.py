"""gunicorn settings of a web node: `gunicorn -c deploy/gunicorn.conf.py` (no other argument).

Configured by environment variables:
- GUNICORN_BIND: address:port to listen on (default 0.0.0.0:$PORT, PORT defaulting to 8000 as
  the image's health probe expects; behind nginx on the same host use 127.0.0.1:PORT);
- WEB_CONCURRENCY: worker processes (default 2 × cores + 1, at most 8);
- GUNICORN_TIMEOUT: seconds before a stuck worker is restarted (default 60);
- FORWARDED_ALLOW_IPS: proxies whose X-Forwarded-Proto gunicorn trusts (default 127.0.0.1).

Access and error logs go to stdout/stderr (the process manager or the container keeps them). The
access log carries the X-Request-ID the portal answers with (nginx's $request_id, passed on), so
a line of nginx's log, of this log and of the application's logs can be matched.
"""

import multiprocessing
import os

wsgi_app = "club.wsgi:application"
bind = [os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{os.environ.get('PORT') or 8000}"]
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * multiprocessing.cpu_count() + 1, 8))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# A worker is replaced now and then, so a slow leak cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Workers' heartbeat files in memory where there is some (a container's /tmp may be a disk).
_SHM = "/dev/shm"  # noqa: S108 - gunicorn's documented place for the heartbeat files
if os.path.isdir(_SHM):
    worker_tmp_dir = _SHM

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Client (the address nginx saw: X-Real-IP, which nginx overwrites; not X-Forwarded-For, whose
# leading entries the client writes), request line, status, bytes, duration, the request id.
access_log_format = (
    '%({x-real-ip}i)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s" request_id=%({x-request-id}o)s'
)
