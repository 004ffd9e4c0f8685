"""Container health check for the web service: GET /healthz, exit 0 on 200 "ok".

Sends a Host header taken from ALLOWED_HOSTS, so the check passes Django's host validation
without adding 127.0.0.1 to the production ALLOWED_HOSTS. /healthz is exempt from the HTTPS
redirect (SECURE_REDIRECT_EXEMPT), so plain HTTP inside the container is enough.
"""

import os
import sys
import urllib.request

hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
host = next((h.lstrip(".") for h in hosts if h != "*"), "localhost")
port = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000").rsplit(":", 1)[-1]
request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz", headers={"Host": host})
try:
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (fixed http URL)
        ok = response.status == 200 and response.read().strip() == b"ok"
except OSError as exc:
    print(f"healthz failed: {exc}", file=sys.stderr)
    ok = False
sys.exit(0 if ok else 1)
