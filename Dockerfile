# syntax=docker/dockerfile:1
# 百社百景 portal: one image for the web, worker and beat services (docker-compose.yml).

# --- front-end packages: served by the portal itself from node_modules (STATICFILES_DIRS) ---------
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# --- application ------------------------------------------------------------------------------------
FROM python:3.12-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=baiseshejing.settings \
    GUNICORN_BIND=0.0.0.0:8000 \
    GUNICORN_WORKER_TMP_DIR=/dev/shm \
    MEDIA_ROOT=/app/media

RUN useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin app
WORKDIR /app

# Pango and a CJK font: WeasyPrint renders the Chinese PDFs (code slips, 半年述职 reports).
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-wqy-microhei \
 && rm -rf /var/lib/apt/lists/*

COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY --from=assets /app/node_modules ./node_modules
COPY . .

# Static files are collected at build time (manifest + compressed) and served by WhiteNoise.
# The settings need a key to import; these dummies exist only for this step.
RUN DEBUG=False SECRET_KEY=collectstatic-only FIELD_ENCRYPTION_KEY=collectstatic-only EMAIL_URL=smtp://localhost:25 \
    python manage.py collectstatic --noinput -v 0 \
 && mkdir -p /app/media /app/beat \
 && chown app:app /app/media /app/beat

# Code stays owned by root and read-only for the service user; only media and beat are writable.
USER app
EXPOSE 8000
CMD ["gunicorn", "baiseshejing.wsgi"]
