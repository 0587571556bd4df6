# syntax=docker/dockerfile:1
# Multi-stage: wheels are built once, the runtime images carry no compilers.
# Targets: `web` (daphne; also runs the Celery worker and beat) and `ml` (the ML service).

FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN apt-get update && apt-get install -y --no-install-recommends build-essential libpq-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY requirements.txt ./
RUN python -m venv /venv && /venv/bin/pip install -r requirements.txt
COPY ml/requirements.txt ml/requirements-argos.txt ./ml/
RUN python -m venv /venv-ml && /venv-ml/bin/pip install -r ml/requirements.txt \
    && /venv-ml/bin/pip install --no-deps -r ml/requirements-argos.txt

# The design system (docs/design.md): Tailwind scans the templates, so they are copied in.
# Not built in this project's CI (no Docker there); `make frontend` runs the same script.
FROM node:20-bookworm-slim AS frontend
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY scripts/build-frontend.mjs ./scripts/
COPY frontend ./frontend
COPY static ./static
COPY templates ./templates
COPY platform ./platform
COPY cms ./cms
RUN node scripts/build-frontend.mjs

FROM python:3.11-slim-bookworm AS web
RUN apt-get update && apt-get install -y --no-install-recommends libmagic1 curl ffmpeg gettext \
    && rm -rf /var/lib/apt/lists/* && useradd --create-home --uid 1000 toto
COPY --from=build /venv /venv
WORKDIR /app
COPY --chown=toto:toto . .
COPY --from=frontend --chown=toto:toto /build/static/dist ./static/dist
# platform/ is a source root, not a package (see pyproject.toml).
ENV PATH=/venv/bin:$PATH PYTHONPATH=/app/platform:/app PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=toto.settings.production
RUN SECRET_KEY=build DATABASE_URL=sqlite:////tmp/build.sqlite3 REDIS_URL=redis://build:6379/0 \
    HEADLESS_JWT_PRIVATE_KEY="-----BEGIN PRIVATE KEY----- (not used to collect static files)" \
    sh -c "python manage.py collectstatic --noinput -v0 --ignore '*.gz' --ignore '*.br' && python manage.py compilemessages -v0"
USER toto
EXPOSE 8000
HEALTHCHECK CMD curl -fsS http://127.0.0.1:8000/api/v1/health/ || exit 1
# No --proxy-headers: daphne would take the leftmost X-Forwarded-For entry, which the
# client writes, as REMOTE_ADDR. TRUSTED_PROXY_COUNT reads the proxy's own entry instead.
CMD ["daphne", "--bind", "0.0.0.0", "--port", "8000", "toto.asgi:application"]

FROM python:3.11-slim-bookworm AS ml
RUN apt-get update && apt-get install -y --no-install-recommends espeak-ng apertium \
        apertium-eng-spa apertium-fr-es curl \
    && rm -rf /var/lib/apt/lists/* && useradd --create-home --uid 1000 toto
COPY --from=build /venv-ml /venv-ml
WORKDIR /app
COPY --chown=toto:toto ml ./ml
ENV PATH=/venv-ml/bin:$PATH PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1
USER toto
EXPOSE 8001
HEALTHCHECK CMD curl -fsS http://127.0.0.1:8001/health || exit 1
CMD ["uvicorn", "ml.main:app", "--host", "0.0.0.0", "--port", "8001", "--proxy-headers", \
     "--ws-ping-timeout", "60"]
