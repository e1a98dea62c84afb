"""PutRight settings, read from environment variables.

A fresh checkout runs with no configuration at all: SQLite (WAL) in ./var/. Production sets
DATABASE_URL (postgres://…), SECRET_KEY (or SECRET_KEY_FILE) and ALLOWED_HOSTS.
"""

import os
from pathlib import Path

import dj_database_url

from putright.environment import env_bool, env_int, env_secret

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PUTRIGHT_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


DEBUG = env_bool("DEBUG", False)
# The demo (public key, console email, plain-HTTP cookies) only when asked for: `putright demo`,
# `make run` and the tests (putright/settings_test.py) set PUTRIGHT_DEMO=1. Off by default.
PUTRIGHT_DEMO = env_bool("PUTRIGHT_DEMO", False)
SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    # A fixed key is only acceptable on a developer's machine or the demo: it is public.
    if not (DEBUG or PUTRIGHT_DEMO):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "PutRight needs a secret key: set SECRET_KEY or SECRET_KEY_FILE (see docs/deploying.md), "
            "or PUTRIGHT_DEMO=1 to try the demo."
        )
    SECRET_KEY = "putright-demo-key-not-secret-do-not-use-in-production"

ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "govuk_frontend_django",
    "axes",
    "putright.accounts",
    "putright.residents",
    "putright.cases",
    "putright.ombudsman",
    "putright.learning",
    "putright.reports",
    "putright.selfassessment",
    "putright.letters",
    "putright.portal",
    "putright.notifications",
    "putright.privacy",
    "putright.hazards",  # Awaab's Law: hazard reports and their legal clocks
    "putright.governance",  # named complaints roles (4.1, 9.4, 9.5) and the governing body's receipt of reports (8.2, 9.6)
    "ninja",  # the API's Swagger UI and Redoc from our own static files, no CDN
    "putright.api",
    "putright.housing",
    "putright.mailbox",
    "putright.webhooks",
    "putright.triage",
    "putright.performance",           # database statistics and kept counts (docs/performance.md)
    # --- security (issue 14) ---
    "django_otp",
    "django_otp.plugins.otp_totp",    # authenticator apps (TOTP)
    "django_otp.plugins.otp_static",  # recovery codes
    "putright.twofactor",
    "putright.audit",                 # the access log of reading (record_read)
    "putright.protect",               # throttling by address and account; upload checks; headers
    "csp",                            # django-csp: the Content-Security-Policy header
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "putright.operations.sessionguess.SessionCheckMiddleware",  # a queue page's session checked in its round trip (decision 0020)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "putright.accounts.middleware.AuthenticationMiddleware",  # Django's, the user read by compiled SQL (issue 19)
    # --- security (issue 14): the second factor, on every page after sign-in (putright/twofactor/) ---
    "putright.twofactor.middleware.KeptOTPMiddleware",  # django_otp's, its check kept a few seconds (issue 19)
    "putright.twofactor.middleware.RequireSecondFactorMiddleware",
    "csp.middleware.CSPMiddleware",  # security (issue 14): no inline script
    "putright.protect.headers.SecurityHeadersMiddleware",  # no-store, Permissions-Policy
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
    "putright.api.middleware.ApiUseStatusMiddleware",  # the status of each API request, on its use record
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # counts failed sign-ins and locks the account out
    "django.contrib.auth.backends.ModelBackend",
]
# Five failed sign-ins for a username lock it for 15 minutes; a success resets the count.
AXES_FAILURE_LIMIT = env_int("PUTRIGHT_SIGNIN_ATTEMPTS", 5)
AXES_COOLOFF_TIME = env_int("PUTRIGHT_LOCKOUT_MINUTES", 15) / 60
# Security (issue 14): a username *from one address*, so a stranger elsewhere cannot lock a member
# of staff out; putright/protect/throttle.py limits one address across usernames, and one
# username across addresses.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Lock by username, not by address: a housing office's staff share one address, and locking it
# would stop the whole team after one person's typos.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

ROOT_URLCONF = "putright.urls"
WSGI_APPLICATION = "putright.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "putright" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "putright.accounts.context.landlord",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Widgets render with the project's templates too (the GOV.UK date input in forms/).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Database: SQLite in ./var/ unless DATABASE_URL says otherwise (sqlite:///path or postgres://…).
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    # A connection kept from before a database restart is checked and replaced at the start of the
    # next request, instead of failing it (issue 13): on SQLite by Django's health checks (they
    # ask nothing of a file); on PostgreSQL without their SELECT 1 a request, by looking at the
    # socket (putright/operations/kept_connections.py, issue 19).
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
    if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "putright.sqlite3"}}
    # Each web worker keeps its connection (issue 19), instead of opening one, with the PRAGMAs
    # below, on every request.
    DATABASES["default"].update(CONN_MAX_AGE=60, CONN_HEALTH_CHECKS=True)

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while a command writes; IMMEDIATE makes a writing transaction
    # take the lock at BEGIN, so two writers queue instead of failing half way.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        # Issue 19: each connection keeps up to 64 MiB of pages (SQLite's default is 2 MiB: at a
        # million cases the queue page read its index pages from the file on every request), reads
        # the first 256 MiB of the file through memory mapping instead of a copy per page, and
        # sorts in memory. Only what is touched is used; a small landlord's database stays small.
        " PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456; PRAGMA temp_store=MEMORY;",
    }
    # Tests use a real SQLite file, not an in-memory database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-putright.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    # Kept so passwords hashed before Argon2 still work; they are rehashed at next sign-in.
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},  # ASVS 2.1.1 (issue 14)
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# putright/static/ holds the compiled stylesheet and GOV.UK Frontend's script and images
# (`npm run build`, run by `make install`).
STATICFILES_DIRS = [BASE_DIR / "putright" / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Serve straight from the app folders too, so a fresh checkout works before `collectstatic`.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(os.environ.get("PUTRIGHT_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- security (issue 14) -------------------------------------------------------------------------
# A second factor for password sign-in: administrators and managers always; everyone when this is set.
PUTRIGHT_TWO_FACTOR_FOR_EVERYONE = env_bool("PUTRIGHT_TWO_FACTOR_FOR_EVERYONE", False)
OTP_TOTP_ISSUER = "PutRight"
# Each web worker keeps the second-factor check (an authenticator? the session's device still
# valid?) this many seconds instead of asking on every request (putright/twofactor/kept.py).
PUTRIGHT_SECOND_FACTOR_RECHECK_SECONDS = env_int("PUTRIGHT_SECOND_FACTOR_RECHECK_SECONDS", 30)
# Behind a reverse proxy, the header with the visitor's address (e.g. "HTTP_X_FORWARDED_FOR"), for throttling.
PUTRIGHT_CLIENT_ADDRESS_HEADER = os.environ.get("PUTRIGHT_CLIENT_ADDRESS_HEADER", "")
# The most one unfinished online complaint may hold in files, in bytes.
PUTRIGHT_UPLOAD_JOURNEY_BYTES = env_int("PUTRIGHT_UPLOAD_JOURNEY_BYTES", 50 * 1024 * 1024)
# Content-Security-Policy (django-csp): scripts only from the site's own files, never inline.
# Styles may be inline: report documents and chart SVGs carry their own. A page that sets its
# own policy (the letter preview, published reports) keeps it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    },
}
# Files written by PutRight (uploads, letters, bundles) readable by its own user and group only.
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
# ---------------------------------------------------------------------------------------------------

LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "cases:queue"
LOGOUT_REDIRECT_URL = "accounts:sign-in"
SESSION_COOKIE_HTTPONLY = True

# Attachments: the largest file accepted, in bytes.
# The API: requests one key may make in a minute; events younger than this wait (docs/api.md).
PUTRIGHT_API_RATE_LIMIT = env_int("PUTRIGHT_API_RATE_LIMIT", 120)
PUTRIGHT_EVENTS_SETTLE_SECONDS = env_int("PUTRIGHT_EVENTS_SETTLE_SECONDS", 5)
# The complaints mailbox (docs/mailbox.md): IMAP over TLS by default; OAuth with an access token.
PUTRIGHT_MAILBOX_HOST = os.environ.get("PUTRIGHT_MAILBOX_HOST", "")
PUTRIGHT_MAILBOX_PORT = env_int("PUTRIGHT_MAILBOX_PORT", 993)
PUTRIGHT_MAILBOX_SSL = env_bool("PUTRIGHT_MAILBOX_SSL", True)
PUTRIGHT_MAILBOX_USER = os.environ.get("PUTRIGHT_MAILBOX_USER", "")
PUTRIGHT_MAILBOX_PASSWORD = env_secret("PUTRIGHT_MAILBOX_PASSWORD")
PUTRIGHT_MAILBOX_OAUTH_TOKEN = os.environ.get("PUTRIGHT_MAILBOX_OAUTH_TOKEN", "")
PUTRIGHT_MAILBOX_OAUTH_TOKEN_FILE = os.environ.get("PUTRIGHT_MAILBOX_OAUTH_TOKEN_FILE", "")  # read at each connection
PUTRIGHT_MAILBOX_FOLDER = os.environ.get("PUTRIGHT_MAILBOX_FOLDER", "INBOX")
# Webhooks: tries per delivery, and failures in a row that pause a hook (docs/api.md).
PUTRIGHT_WEBHOOK_MAX_ATTEMPTS = env_int("PUTRIGHT_WEBHOOK_MAX_ATTEMPTS", 10)
PUTRIGHT_WEBHOOK_PAUSE_AFTER = env_int("PUTRIGHT_WEBHOOK_PAUSE_AFTER", 20)
PUTRIGHT_MAX_ATTACHMENT_BYTES = env_int("PUTRIGHT_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024)

# Email: Django's SMTP backend, to localhost:25 unless EMAIL_HOST and friends say otherwise. The
# demo (PUTRIGHT_DEMO, as for SECRET_KEY above) prints messages to the
# console so `make run` works without a mail server, unless EMAIL_HOST is set: an operator who
# names a mail server wants it used. Messages are queued in the outbox table and delivered by
# `putright send_outbox --loop` (docs/portal.md).
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if PUTRIGHT_DEMO and not os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)  # seconds: a hung mail server must not hang a worker
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "complaints@localhost")
# The public address of the portal, for links in emails (no trailing slash).
PUTRIGHT_SITE_URL = os.environ.get("PUTRIGHT_SITE_URL", "http://127.0.0.1:8000").rstrip("/")


# --- Running for real (issue 13): HTTPS, sessions, logs, the worker. Kept together on purpose. ---
# Outside the demo and DEBUG everything is on by default; each variable is in docs/deploying.md.
_SECURE = not (PUTRIGHT_DEMO or DEBUG)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", _SECURE)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("PUTRIGHT_SSL_REDIRECT", _SECURE)
# A load balancer's health checks come over plain HTTP to the server's own address.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env_int("PUTRIGHT_HSTS_SECONDS", 365 * 24 * 3600 if _SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("PUTRIGHT_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("PUTRIGHT_HSTS_PRELOAD", False)
# Asking browsers to preload the domain is the domain owner's decision, not the application's.
SILENCED_SYSTEM_CHECKS += ["security.W021"]
# Behind a reverse proxy that ends HTTPS: PUTRIGHT_PROXY_HTTPS_HEADER=X-Forwarded-Proto says which
# header the proxy sets to "https". Only set it when the proxy always sets (or strips) that header.
if os.environ.get("PUTRIGHT_PROXY_HTTPS_HEADER"):
    _header = "HTTP_" + os.environ["PUTRIGHT_PROXY_HTTPS_HEADER"].strip().upper().replace("-", "_")
    SECURE_PROXY_SSL_HEADER = (_header, "https")
# Sign-in and every form post from the public address pass CSRF's origin check.
CSRF_TRUSTED_ORIGINS = [PUTRIGHT_SITE_URL] + [
    o.strip() for o in os.environ.get("PUTRIGHT_TRUSTED_ORIGINS", "").split(",") if o.strip()
]
if "ALLOWED_HOSTS" not in os.environ:
    from urllib.parse import urlsplit

    ALLOWED_HOSTS.append(urlsplit(PUTRIGHT_SITE_URL).hostname or "localhost")

# How many statements each PostgreSQL connection keeps prepared, the least recently used given up
# first (putright/performance/prepared.py; issue 19). psycopg keeps 100: the queue's filters and
# sorts alone are more, and past them each page was planned again (13 ms a page instead of 7.5 at
# a million cases, cycling through 192 pages). Each costs the server about 240 KB.
PUTRIGHT_PREPARED_STATEMENTS = env_int("PUTRIGHT_PREPARED_STATEMENTS", 300)

# Staff sessions end after PUTRIGHT_SESSION_IDLE_MINUTES without a request, and in any case
# PUTRIGHT_SESSION_MAX_HOURS after signing in (putright/operations/sessions.py).
PUTRIGHT_SESSION_IDLE_MINUTES = env_int("PUTRIGHT_SESSION_IDLE_MINUTES", 30)
PUTRIGHT_SESSION_MAX_HOURS = env_int("PUTRIGHT_SESSION_MAX_HOURS", 10)
SESSION_COOKIE_AGE = PUTRIGHT_SESSION_MAX_HOURS * 3600
# Django's database sessions in PutRight's own table, read with their user in one statement
# (putright/operations/sessions.py, decision 0015).
SESSION_ENGINE = "putright.operations.sessions"
# Each web worker keeps the landlord's name and contact details, shown on every page, this long
# (putright/accounts/context.py; issue 19). 0 reads them on every page.
PUTRIGHT_LANDLORD_CACHE_SECONDS = env_int("PUTRIGHT_LANDLORD_CACHE_SECONDS", 10)

INSTALLED_APPS += ["putright.operations"]
# Health checks answer before anything else (no host check, no log line); then each request gets
# an id and one log line; the session timeout needs the signed-in user and messages.
MIDDLEWARE.insert(0, "putright.operations.health.HealthMiddleware")
MIDDLEWARE.insert(1, "putright.operations.logs.RequestLogMiddleware")
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
    "putright.operations.sessions.StaffSessionTimeoutMiddleware",
)

# One JSON object a line on standard error: requests, errors with tracebacks, the worker.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "putright.operations.logs.ContextFilter"}},
    "formatters": {"json": {"()": "putright.operations.logs.JsonFormatter"}},
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["context"]},
    },
    "root": {"handlers": ["stderr"], "level": os.environ.get("PUTRIGHT_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's development server logs full URLs (tokens included): not in production.
        "django.server": {"level": "WARNING"},
    },
}

# The worker (`putright worker`): /readyz fails when no worker was seen for this long.
PUTRIGHT_WORKER_STALE_SECONDS = env_int("PUTRIGHT_WORKER_STALE_SECONDS", 120)
# A message claimed by a worker that died is tried again after this long.
PUTRIGHT_OUTBOX_LEASE_SECONDS = env_int("PUTRIGHT_OUTBOX_LEASE_SECONDS", 300)
# After a failed attempt an email is tried again after this long, doubling each time (at most 6 hours).
PUTRIGHT_OUTBOX_RETRY_SECONDS = env_int("PUTRIGHT_OUTBOX_RETRY_SECONDS", 60)
# The worker delivers email for at most this many seconds before its other jobs get a turn.
PUTRIGHT_OUTBOX_BATCH_SECONDS = env_int("PUTRIGHT_OUTBOX_BATCH_SECONDS", 20)
# Retention (putright/privacy/retention.py): the worker anonymises for at most this many seconds
# before its other jobs get a turn, then carries on; each batch of cases is one transaction.
PUTRIGHT_RETENTION_SECONDS = env_int("PUTRIGHT_RETENTION_SECONDS", 30)
PUTRIGHT_RETENTION_BATCH = env_int("PUTRIGHT_RETENTION_BATCH", 200)

# --- Single sign-on with OpenID Connect (issue 14; putright/sso, docs/security.md) ---------------
# Off unless PUTRIGHT_OIDC_ISSUER is set (Entra ID, Google Workspace, Keycloak: docs/deploying.md).
PUTRIGHT_OIDC_ISSUER = os.environ.get("PUTRIGHT_OIDC_ISSUER", "").rstrip("/")
PUTRIGHT_OIDC_CLIENT_ID = os.environ.get("PUTRIGHT_OIDC_CLIENT_ID", "")
PUTRIGHT_OIDC_CLIENT_SECRET = env_secret("PUTRIGHT_OIDC_CLIENT_SECRET")
PUTRIGHT_OIDC_SCOPES = os.environ.get("PUTRIGHT_OIDC_SCOPES", "openid email profile")
PUTRIGHT_OIDC_NAME = os.environ.get("PUTRIGHT_OIDC_NAME", "")  # "Sign in with …" on the sign-in page
PUTRIGHT_OIDC_USERNAME_CLAIM = os.environ.get("PUTRIGHT_OIDC_USERNAME_CLAIM", "preferred_username")
PUTRIGHT_OIDC_GROUPS_CLAIM = os.environ.get("PUTRIGHT_OIDC_GROUPS_CLAIM", "groups")
PUTRIGHT_OIDC_ROLE_MAP = os.environ.get("PUTRIGHT_OIDC_ROLE_MAP", "")  # group=role,group=role; empty: roles set in PutRight
PUTRIGHT_OIDC_MFA_AMR = os.environ.get("PUTRIGHT_OIDC_MFA_AMR", "mfa")  # amr values that show a second factor
PUTRIGHT_OIDC_MFA_ACR = os.environ.get("PUTRIGHT_OIDC_MFA_ACR", "")    # acr values that do
PUTRIGHT_OIDC_ACR_VALUES = os.environ.get("PUTRIGHT_OIDC_ACR_VALUES", "")  # asked for at sign-in
PUTRIGHT_OIDC_SIGN_ALGO = os.environ.get("PUTRIGHT_OIDC_SIGN_ALGO", "RS256")
PUTRIGHT_OIDC_LINK_EXISTING = env_bool("PUTRIGHT_OIDC_LINK_EXISTING", False)
# With single sign-on on, PUTRIGHT_PASSWORD_SIGN_IN=0 turns password sign-in off for staff.
PUTRIGHT_PASSWORD_SIGN_IN = env_bool("PUTRIGHT_PASSWORD_SIGN_IN", True)
INSTALLED_APPS += ["putright.sso"]
AUTHENTICATION_BACKENDS += ["putright.sso.backend.SsoBackend"]  # acts only in the callback
AXES_WHITELIST_CALLABLE = "putright.sso.axes.is_single_sign_on"  # throttled by address instead (putright/sso/axes.py)
# The sign-out form may lead on to the provider's sign-out (CSP form-action): after django-csp's.
MIDDLEWARE.insert(MIDDLEWARE.index("csp.middleware.CSPMiddleware") + 1, "putright.sso.middleware.ProviderSignOutMiddleware")
# mozilla-django-oidc's own settings; the endpoints come from discovery (putright/sso/config.py).
OIDC_RP_SCOPES = PUTRIGHT_OIDC_SCOPES
OIDC_AUTHENTICATION_CALLBACK_URL = "sso:callback"
OIDC_USE_PKCE = True
OIDC_TOKEN_USE_BASIC_AUTH = True
OIDC_STORE_ID_TOKEN = True  # for signing out of the provider too (id_token_hint)
OIDC_TIMEOUT = env_int("PUTRIGHT_OIDC_TIMEOUT", 10)
