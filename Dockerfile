# Image of the Club degli Esportatori portal: one image for web (gunicorn), Celery worker and beat.
# Two stages: the builder resolves the Python dependencies into a virtualenv with uv; the runtime
# stage copies that virtualenv and adds only the system packages of deploy/apt-packages.txt (no
# compiler, no uv, no build caches). Both stages share the base, so the venv's interpreter path
# (/usr/local/bin/python3.12) is the same in each.

FROM python:3.12-slim-bookworm AS builder
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_NO_CACHE=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never
RUN pip install uv==0.13.9
# Only pyproject.toml: a code change does not reinstall the dependencies.
COPY pyproject.toml /build/pyproject.toml
RUN uv venv /opt/venv --python /usr/local/bin/python3.12 \
    && uv pip install --python /opt/venv/bin/python -r /build/pyproject.toml


FROM python:3.12-slim-bookworm AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    PORT=8000
# Production by default (as the settings): a SECRET_KEY of 50+ characters is required.
ENV DEBUG=false

# System packages: the one list (deploy/apt-packages.txt, also read by .ci/run and the README).
# Its `pgdg` packages (the PostgreSQL 18 client for manage.py backup) come from the PostgreSQL
# project's repository, which postgresql-common's script adds with the key it ships.
COPY deploy/apt-packages.txt /tmp/apt-packages.txt
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-common \
    && /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y \
    && sed -e 's/#.*//' /tmp/apt-packages.txt | xargs apt-get install -y --no-install-recommends \
    && rm -rf /var/lib/apt/lists/* /tmp/apt-packages.txt

COPY --from=builder /opt/venv /opt/venv

WORKDIR /app
# Code stays root-owned (read-only for the app); only var/ (media, beat schedule) is writable.
RUN useradd --create-home --uid 10001 app
COPY . .

# Settings refuse to import without DATABASE_URL, and need a SECRET_KEY and a mail relay (or an
# explicit EMAIL_BACKEND) once DEBUG is off; these throwaway values exist only for this step
# (collectstatic touches neither database, key nor mail).
RUN DATABASE_URL=postgres://x@localhost/x SECRET_KEY=build-step-only-never-used-to-sign-anything-0123456789 \
        EMAIL_BACKEND=console \
        python manage.py collectstatic --no-input -v 0 \
    && mkdir -p var/media \
    && chown -R app:app var

USER app
EXPOSE 8000
# One image, three roles: the probe finds what this container runs. Web: /health/live on the local
# port with a Host header from ALLOWED_HOSTS (anything else answers 400); worker: a Celery ping;
# beat: its schedule file is fresh. Python, since the slim image has no curl.
HEALTHCHECK --interval=30s --timeout=25s --start-period=30s --retries=3 \
    CMD ["python", "deploy/healthcheck.py"]
# Bind address, workers (WEB_CONCURRENCY), timeouts and access log: deploy/gunicorn.conf.py.
CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py", "club.wsgi:application"]
