"""Settings read from the environment, then `.env` (DESIGN.md §4).

DEBUG defaults to False, and with DEBUG=False these are the production settings.
The embedded default (`make run`) sets DEBUG=True: SQLite, tasks in-process, mail to the console.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
BENCH = env.bool("BENCH", default=False)

SECRET_KEY = env.str(
    "SECRET_KEY",
    default="insecure-development-key-change-me" if DEBUG else environ.Env.NOTSET,
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The reverse proxies (addresses or networks) whose X-Forwarded-For names the client. Empty: the
# connection's own address is the client's, and the header is ignored (docs/deployment.md).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000")
# The hosts a street's WeCom group-robot webhook may point to (publications/wecom.py): a private
# 政务微信 deployment sets its own.
WECOM_WEBHOOK_HOSTS = env.list("WECOM_WEBHOOK_HOSTS", default=["qyapi.weixin.qq.com"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "crispy_forms",
    "crispy_bootstrap5",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    # base layer
    "core",
    "accounts",
    # steps 1 and 2
    "needs",
    "surveys",
    "outreach",
    "partners",
    # steps 3-7
    "projects",
    # 幸福家园圆桌会 on the 17th: topics, threads, resolutions (beside projects; a topic → a need)
    "roundtable",
    # the street's 研判 and field visits, above projects
    "streetwork",
    "training",
    # compound scenes and claimable micro-projects (幸福责任田), above projects and partners
    "scenes",
    # step 7 beyond the community's 复盘, and the district's side (above projects):
    # the 百社百景 library, residents' grades, judges' scores and 擂台, 半年述职 and assessments
    "library",
    "evaluation",
    "scoring",
    "reports",
    # the monthly rhythm: streets' 月初预告 / 月末总结 and the district's 红色专递 (reads them all)
    "publications",
    # read across everything
    "figures",
    "dashboards",
    "public",
    # residents' sign-ups for sessions (above projects, read by public)
    "signups",
    # the demo district (seed_demo)
    "demo",
]

MIDDLEWARE = [
    # Before anything reads the client's address (lockout, audit, rate limits).
    "core.middleware.ClientAddressMiddleware",
    "core.middleware.RequestSizeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionLimitsMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "accounts.middleware.PasswordAgeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.AuditContextMiddleware",
    # axes last: it turns lockouts into the lockout response
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "baiseshejing.urls"
WSGI_APPLICATION = "baiseshejing.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
                "dashboards.navigation.menu",
            ],
        },
    }
]

# --- database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A manage.py command beside the server must not hit "database is locked" (PITFALLS.md).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache, Celery ----------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "core.cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
# Without a broker, tasks run in-process (the embedded default).
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
# Longer than any task and any countdown, or Redis re-delivers (PITFALLS.md).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 6 * 3600}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE: dict = {
    # One-time form tokens (core/once.py) expire after 12 hours; their claims are kept 2 days.
    "form-submissions-purge": {
        "task": "core.tasks.form_submissions_purge",
        "schedule": crontab(hour=3, minute=17),
    },
    # Reviewers of proposals waiting past REVIEW_REMIND_AFTER_DAYS: one reminder a day.
    "review-reminders": {
        "task": "projects.tasks.remind_reviewers",
        "schedule": crontab(hour=8, minute=30),
    },
    # Series of sessions (projects/sessions.py): kept twelve months ahead, idempotently.
    "series-extend": {
        "task": "projects.tasks.extend_series",
        "schedule": crontab(hour=2, minute=41),
    },
    "user-sessions-purge": {
        "task": "accounts.tasks.purge_user_sessions",
        "schedule": crontab(hour=3, minute=23),
    },
    # 幸福家园圆桌会 (roundtable/schedule.py): each community's meetings of this month and the next
    # exist, the 16th's reminders and the resolutions falling due go out (each exactly once).
    "roundtable-daily": {
        "task": "roundtable.tasks_schedule.roundtable_daily",
        "schedule": crontab(hour=7, minute=50),
    },
    # The monthly rhythm (publications/schedule.py): from the date, the working-day calendar and
    # the database it decides what to compile, remind, publish or retry, and catches up. Hourly,
    # so that the district's auto-publish hour is kept; reminders go out once a day from 07:00.
    "publications-publish-due": {
        "task": "publications.tasks_schedule.publish_due",
        "schedule": crontab(minute=5),
    },
    # 头雁工程 (training/reminders.py): each secretary's one reminder the day before a class.
    "training-daily": {
        "task": "training.tasks.training_daily",
        "schedule": crontab(hour=8, minute=10),
    },
    # The one daily e-mail of those who chose a digest (core/preferences.py).
    "notification-email-digests": {
        "task": "core.tasks.send_email_digests",
        "schedule": crontab(hour=7, minute=35),
    },
}

# --- auth, sessions ---------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboards:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    # Passwords only: every permission comes from the rules, so an undeclared one is denied.
    "accounts.backends.PasswordBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.ComplexityValidator"},
    {"NAME": "accounts.validators.UsernameNotInPasswordValidator"},
]
# Sessions read from the cache, written through to the database (so a person's sessions can still
# be found and ended there); the cache is Redis in production.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_IDLE_TIMEOUT = timedelta(minutes=env.int("SESSION_IDLE_MINUTES", default=30))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=env.int("SESSION_ABSOLUTE_HOURS", default=12))
PASSWORD_MAX_AGE = timedelta(days=env.int("PASSWORD_MAX_AGE_DAYS", default=90))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Second factor (TOTP) at login for district and street staff and the three separated roles
# (accounts/roles.py TOTP_ROLES; TOTP_ROLES here, role values, replaces that list). Required in
# production; BENCH=1 and the embedded default leave it off unless TOTP_REQUIRED=True.
TOTP_REQUIRED = env.bool("TOTP_REQUIRED", default=not DEBUG and not BENCH)
TOTP_ROLES = env.list("TOTP_ROLES", default=[])

# Rate limits (core/ratelimit.py): POSTs per device cookie or household code, and a much higher cap
# per client address (a whole activity may share one Wi-Fi). count/[n]unit, unit s, m, h or d.
RATE_LIMITS_ENABLED = env.bool("RATE_LIMITS_ENABLED", default=not BENCH)
RATE_LIMITS = {
    "login": {"device": "10/10m", "ip": "300/10m"},
    "password_change": {"device": "10/10m", "ip": "300/10m"},
    # Every public form (surveys, suggestions, sign-up, grading, registration, round-table posts).
    "public_form": {"device": "30/h", "ip": "2000/h"},
    # Asking for and checking SMS codes (core/sms.py limits each number on its own as well).
    "sms": {"device": "10/h", "ip": "500/h"},
    # Residents' grades (evaluation/): per household code (or device when none is typed), on top
    # of public_form's per-device limit; a whole 百家宴 grades from one Wi-Fi.
    "grading": {"device": "20/h", "ip": "3000/h"},
    # Residents looking up a receipt code (needs/public_views.py): codes are unguessable, and this
    # keeps anybody from trying many.
    "receipt_lookup": {"device": "20/h", "ip": "600/h"},
    # Topics, supports and posts at the round table (roundtable/): an evening's lively thread from
    # one phone, and a whole community on one community-centre Wi-Fi on the 17th.
    "roundtable_post": {"device": "30/h", "ip": "3000/h"},
    # Residents reading a 幸福账单 (figures/public_views.py): a page is cached, its PDF is made
    # on demand (a second or two of the server's time), so the PDF has the tighter cap.
    "bill": {"device": "120/10m", "ip": "3000/10m"},
    "bill_pdf": {"device": "10/10m", "ip": "300/10m"},
}

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# --- i18n -------------------------------------------------------------------------------------
# One language: no LocaleMiddleware negotiating it on every request.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static, media ----------------------------------------------------------------------------
STATIC_URL = "/static/"
# collectstatic writes here (production, make smoke-prod); make bench points it at a temp folder.
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Front-end packages pinned by package-lock.json, served by the portal itself (never a CDN).
    ("vendor/bootstrap", BASE_DIR / "node_modules/bootstrap/dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules/bootstrap-icons/font"),
    ("vendor/chart.js", BASE_DIR / "node_modules/chart.js/dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "core.storage.StaticStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploads are never served by the web server directly: only through a permission-checking view.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
UPLOAD_IMAGE_MAX_BYTES = 10 * 1024 * 1024
UPLOAD_DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
# The largest request body the portal reads at all (the largest document plus the form around it);
# larger ones are refused from their Content-Length. The proxy's body limit is set to the same.
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=22 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- e-mail, SMS ------------------------------------------------------------------------------
# Production must say where mail goes; the embedded default prints it on the console.
_email = env.email_url("EMAIL_URL", **({"default": "consolemail://"} if DEBUG else {}))
MAILERS = {"default": {"BACKEND": _email["EMAIL_BACKEND"]}}
if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": _email.get("EMAIL_HOST") or "localhost",
        "port": _email.get("EMAIL_PORT") or 25,
        "username": _email.get("EMAIL_HOST_USER") or "",
        "password": _email.get("EMAIL_HOST_PASSWORD") or "",
        "use_tls": bool(_email.get("EMAIL_USE_TLS")),
        "use_ssl": bool(_email.get("EMAIL_USE_SSL")),
        "timeout": 10,
    }
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="百社百景 <noreply@baiseshejing.local>")
SMS_BACKEND = env.str("SMS_BACKEND", default="console")

# --- personal data ----------------------------------------------------------------------------
FIELD_ENCRYPTION_KEY = env.str(
    "FIELD_ENCRYPTION_KEY",
    default="development-field-key-not-for-production" if DEBUG else environ.Env.NOTSET,
)

# --- forms ------------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- security ---------------------------------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = not BENCH
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = not BENCH
    CSRF_COOKIE_SECURE = not BENCH
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- pages ------------------------------------------------------------------------------------
PAGE_SIZE = 25
# A proposal waiting this long at the street counts as overdue on the district dashboard.
REVIEW_OVERDUE_DAYS = env.int("REVIEW_OVERDUE_DAYS", default=14)
# A review round takes comments for this many days after the submission.
REVIEW_COMMENT_DAYS = env.int("REVIEW_COMMENT_DAYS", default=5)
# Reviewers are reminded once a day while a proposal has waited longer than this.
REVIEW_REMIND_AFTER_DAYS = env.int("REVIEW_REMIND_AFTER_DAYS", default=3)
# The dashboards' coverage: a partner category with fewer partners than this per 100 households
# of a community is thin there (figures/coverage.py).
FIGURES_THIN_PARTNERS = env.float("FIGURES_THIN_PARTNERS", default=1.0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
