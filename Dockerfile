# Image of the Club degli Esportatori portal: one image for web (gunicorn), Celery worker and beat.
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_NO_CACHE=1
# Production by default (as the settings): a SECRET_KEY of 50+ characters is required.
ENV DEBUG=false

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them. No apt packages are needed:
# psycopg[binary] bundles libpq, and the compiled .mo files are committed (no gettext).
COPY pyproject.toml ./
RUN pip install uv && uv pip install --system -r pyproject.toml

# Code stays root-owned (read-only for the app); only var/ (media, beat schedule) is writable.
RUN useradd --create-home --uid 10001 app
COPY . .

# Settings refuse to import without DATABASE_URL, and need a SECRET_KEY once DEBUG is off; these
# throwaway values exist only for this step (collectstatic touches neither database nor key).
RUN DATABASE_URL=postgres://x@localhost/x SECRET_KEY=build-step-only-never-used-to-sign-anything-0123456789 \
        python manage.py collectstatic --no-input -v 0 \
    && mkdir -p var/media \
    && chown -R app:app var

USER app
EXPOSE 8000
CMD ["gunicorn", "club.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
