"""Gunicorn settings for production (docker-compose `web`, `make smoke-prod`).

Gunicorn reads this file from the working directory; command-line flags override it.
"""

import multiprocessing
import os

# Docker sets GUNICORN_BIND=0.0.0.0:8000; natively the default stays on loopback.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Gunicorn's own advice, two per core and one more: a page spends a third of its time waiting
# on PostgreSQL and Redis, and another worker uses the core meanwhile.
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * multiprocessing.cpu_count() + 1)))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle a worker now and then so a slow leak never becomes an outage: rarely, not every few
# seconds under load (a fresh worker pays its imports and warm-up again).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "100000"))
max_requests_jitter = max_requests // 10
# GUNICORN_ACCESSLOG="" turns the access log off (make bench measures the app, not the log).
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
# X-Forwarded-Proto (HTTPS behind the proxy) is believed from the same proxies as the client's
# address (TRUSTED_PROXIES, read by core.middleware.ClientAddressMiddleware).
forwarded_allow_ips = os.environ.get("TRUSTED_PROXIES", "127.0.0.1") or "127.0.0.1"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# The Dockerfile points this at tmpfs (/dev/shm): heartbeat files on an overlay filesystem can
# stall workers. Natively the system temp directory is fine.
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR") or None
