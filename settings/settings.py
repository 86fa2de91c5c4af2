"""Settings for bcsync, read from the environment (see the table in README.md).

Defaults give a working development setup with no services: SQLite under var/ and an
embedded (filesystem) Celery broker. Setting DATABASE_URL / REDIS_URL switches to
PostgreSQL / Redis through the same code paths.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from .env import (
    BASE_DIR,
    check_fernet_keys,
    dev_secret,
    env,
    new_fernet_key,
    new_secret_key,
    var_dir,
)

VAR_DIR = var_dir()

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = dev_secret("SECRET_KEY", debug=DEBUG, generate=new_secret_key)
# Fernet key(s) for store access tokens at rest (bcsync.fields.SecretField), comma-separated
# for rotation: the first encrypts, all decrypt.
FIELD_ENCRYPTION_KEY = check_fernet_keys(
    dev_secret("FIELD_ENCRYPTION_KEY", debug=DEBUG, generate=new_fernet_key)
)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_celery_beat",
    "catalog",
    "orders",
    "localcopy",
    "grids",
    "bcsync",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "settings.middleware.RefuseNulParametersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "settings.urls"
WSGI_APPLICATION = "settings.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'bcsync.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server, worker and beat read while one of them writes; the busy
    # timeout makes a writer wait for the lock instead of failing at once. Checkpointing
    # every 20,000 pages (~80 MB of WAL) rather than SQLite's 1,000 copies a bulk write's
    # index pages into the database file once instead of at nearly every page of a Full
    # Reload (measured: ~8% less CPU for a 10k-product reload into an empty LC).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": ("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                         "PRAGMA wal_autocheckpoint=20000;"),
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
    # Tests use a file too, not Django's shared-cache in-memory database: there a writer
    # (a Celery worker thread) and a reader (the live server) fail at once with "table is
    # locked", where the app's own WAL file lets readers through and makes writers wait.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test_bcsync.sqlite3")}
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Front-end libraries installed from package-lock.json by `make venv` (npm ci); only
    # their built files are served, under a prefix of their own.
    ("vendor/tabulator", BASE_DIR / "node_modules" / "tabulator-tables" / "dist"),
    # The dashboard's chart (chart.umd.min.js: one file, no module loader).
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
STATICFILES_FINDERS = [
    "settings.staticfiles.FileSystemFinder",  # STATICFILES_DIRS, without unused npm builds
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

LOGIN_URL = "admin:login"

# --- Email (notifications: bcsync/notifications.py) ---------------------------------------
# A mail server is used only when EMAIL_HOST names one; without it mail goes to the console,
# and notifications are emailed only when NOTIFICATION_EMAIL says so (default: with a host).
EMAIL_HOST = env.str("EMAIL_HOST", default="")
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default=(
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="bcsync@localhost")
NOTIFICATION_EMAIL = env.bool("NOTIFICATION_EMAIL", default=bool(EMAIL_HOST))
# Error reports hide secrets with DEBUG on too (bcsync/error_reports.py).
DEFAULT_EXCEPTION_REPORTER_FILTER = "bcsync.error_reports.SecretsHiddenFilter"

# --- Local copy --------------------------------------------------------------------------
# A running pass records that it is alive at least this often (and at every page); one silent
# for longer than the client's longest request plus this is abandoned (localcopy.claims).
LC_PASS_HEARTBEAT_SECONDS = env.float("LC_PASS_HEARTBEAT_SECONDS", default=10.0)
# The LC run log keeps this many days (pruned daily by beat).
LC_RUN_KEEP_DAYS = env.int("LC_RUN_KEEP_DAYS", default=30)
# A Full Reload task's hard time limit; the longest any task runs.
LC_RELOAD_TIME_LIMIT = 2 * 60 * 60 + 5 * 60

# --- Redis and Celery -------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
BROKER_DIR = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    # The embedded broker: worker, beat and remote control (ping/inspect) all work on it,
    # which the SQLAlchemy transport cannot offer (it has no broadcast). In and out share
    # one folder, so whoever sends and whoever consumes meet there.
    for sub in ("queue", "processed", "control"):
        (BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    # kombu's transport with messages written whole before a consumer can see them.
    CELERY_BROKER_TRANSPORT = "settings.broker:Transport"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
        # An idle worker lists the folder this often: the cost of one broker hop (a webhook
        # refresh is one, an order import two). kombu's default is a second.
        "polling_interval": env.float("CELERY_BROKER_POLLING_INTERVAL", default=0.1),
    }
else:
    # A task is acknowledged when it ends (acks_late), so Redis hands a task whose worker
    # was killed to another one once this has passed. Longer than the longest task may run
    # (a Full Reload's hard limit, or a retry's countdown), else a second worker would get
    # a task that is still running; the sweeper re-queues lost work long before this.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": LC_RELOAD_TIME_LIMIT + 60 * 60}
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=30 * 60)
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ACKS_LATE = True
# A task whose worker process died is handed back to the broker, not dropped.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Two queues, a worker each (Procfile, docker-compose.yml): `realtime` carries what a person
# or a customer waits for, `bulk` the long passes, so a Full Reload of 100k products never
# delays a webhook refresh. Anything not routed goes to realtime.
QUEUE_BULK, QUEUE_REALTIME = "bulk", "realtime"
CELERY_TASK_DEFAULT_QUEUE = QUEUE_REALTIME
CELERY_TASK_ROUTES = {
    **{f"bcsync.tasks.{name}": {"queue": QUEUE_BULK} for name in (
        "lc_reload_task", "lc_sync_task", "lc_reconcile_task", "lc_delete_task",
        "lc_runs_prune_task", "upload_job_task", "push_pass_task", "import_job_task",
        "end_of_day_task", "orders_pass_task")},
    **{f"bcsync.tasks.{name}": {"queue": QUEUE_REALTIME} for name in (
        "lc_refresh_task", "lc_sweep_task", "record_heartbeat", "webhooks_register_task",
        "order_refunds_apply_task", "order_import_task")},
}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Beat entries live in one place; django-celery-beat copies them into the database on start,
# where staff can change their intervals or switch them off in the admin.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "worker-heartbeat": {
        "task": "bcsync.tasks.record_heartbeat",
        "schedule": timedelta(minutes=env.int("HEARTBEAT_MINUTES", default=5)),
    },
    # Incremental LC pull for every active store (a no-op while LC background pull is off).
    "lc-incremental-sync": {
        "task": "bcsync.tasks.lc_sync_task",
        "schedule": timedelta(minutes=env.int("LC_SYNC_MINUTES", default=5)),
        # A pass queued while the worker was down is dropped, not run late in a pile.
        "options": {"expires": 60 * env.int("LC_SYNC_MINUTES", default=5)},
    },
    # Drop LC rows whose records BigCommerce no longer has (deletes a webhook missed).
    "lc-reconcile-ids": {
        "task": "bcsync.tasks.lc_reconcile_task",
        "schedule": timedelta(hours=1),
        "options": {"expires": 60 * 60},
    },
    # Send again what a killed worker or a lost message left undone; abandon dead passes.
    "lc-sweep": {
        "task": "bcsync.tasks.lc_sweep_task",
        "schedule": timedelta(minutes=1),
        "options": {"expires": 60},
    },
    # The background push: drain the outbox of POS edits (a no-op while the Web switch is
    # off). Edits also send a pass a few seconds after they commit.
    "push-pass": {
        "task": "bcsync.tasks.push_pass_task",
        "schedule": timedelta(minutes=1),
        "options": {"expires": 60},
    },
    # Order import's background pass (Auto Import): each store's own interval decides
    # whether this run takes its orders; a no-op for stores with Auto Import off.
    "orders-auto-import": {
        "task": "bcsync.tasks.orders_pass_task",
        "schedule": timedelta(minutes=1),
        "options": {"expires": 60},
    },
    # End of Day: each store's stock snapshot, once a day after its configured time (the
    # task claims the day; running it more often only finds it done).
    "inventory-end-of-day": {
        "task": "bcsync.tasks.end_of_day_task",
        "schedule": timedelta(minutes=5),
        "options": {"expires": 5 * 60},
    },
    # Keep the LC run log to LC_RUN_KEEP_DAYS.
    "lc-prune-runs": {
        "task": "bcsync.tasks.lc_runs_prune_task",
        "schedule": timedelta(days=1),
        "options": {"expires": 24 * 60 * 60},
    },
}

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- BigCommerce ---------------------------------------------------------------------------
BIGCOMMERCE_API_URL = env.str("BIGCOMMERCE_API_URL", default="https://api.bigcommerce.com")
# How the workers' API clients wait and retry (bcsync.connections.client_for); how long a
# pass may stay silent before it counts as dead is derived from these (localcopy.claims).
BIGCOMMERCE_CLIENT = {
    "timeout": (env.float("BIGCOMMERCE_CONNECT_TIMEOUT", default=5.0),
                env.float("BIGCOMMERCE_READ_TIMEOUT", default=60.0)),
    "max_retries": env.int("BIGCOMMERCE_MAX_RETRIES", default=5),
    "max_retry_seconds": env.float("BIGCOMMERCE_MAX_RETRY_SECONDS", default=60.0),
}
# Where BigCommerce reaches this server: webhooks are registered for
# {BCSYNC_PUBLIC_URL}/webhooks/bigcommerce/<store_hash>/ (real stores want https on 443).
BCSYNC_PUBLIC_URL = env.str("BCSYNC_PUBLIC_URL", default="http://127.0.0.1:8000")

# --- Security (production) -----------------------------------------------------------------
# X-Forwarded-Proto is believed only when the deployment says a TLS-terminating proxy is in
# front and overwrites that header: otherwise any client could claim "https".
BCSYNC_BEHIND_TLS_PROXY = env.bool("BCSYNC_BEHIND_TLS_PROXY", default=False)
if BCSYNC_BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 30)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    # Preload needs an explicit opt-in; the deploy check's warning about it is expected
    # until a shop's operator decides.
    SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
