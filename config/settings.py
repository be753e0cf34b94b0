"""Settings of the education-sector database system, read from the environment (one module, no per-env files).

Development defaults run on an embedded SQLite database; production sets ``EDUDB_ENV=production`` plus
``SECRET_KEY``, ``DATABASE_URL`` and ``ALLOWED_HOSTS``.
"""

from __future__ import annotations

import base64
import hashlib
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = os.environ.get("EDUDB_ENV", "development") == "production"
DEBUG = env_bool("DEBUG", not PRODUCTION)
SECRET_KEY = os.environ.get("SECRET_KEY") or (
    "" if PRODUCTION else "development-only-key-not-for-production-use-0123456789abcdef"
)
if PRODUCTION and len(SECRET_KEY) < 50:
    raise RuntimeError("SECRET_KEY must be set (50+ random characters) when EDUDB_ENV=production")
# The key sealing personal IDs at rest (R10.3; edudb/core/crypto.py): 64 random bytes, base64. Development derives
# one from SECRET_KEY; production must set its own and keep it with the backups (without it they cannot be read).
_data_key = os.environ.get("EDUDB_DATA_KEY", "")
if PRODUCTION and not _data_key:
    raise RuntimeError("EDUDB_DATA_KEY must be set (64 random bytes, base64) when EDUDB_ENV=production")
EDUDB_DATA_KEY = (
    base64.b64decode(_data_key)
    if _data_key
    else hashlib.sha512(b"edudb personal data key:" + SECRET_KEY.encode()).digest()
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks_db",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "edudb.core",
    "edudb.accounts",
    "edudb.quality",
    "edudb.reporting",
    "edudb.registry",
    "edudb.exchange",
    "edudb.stats",
    "edudb.sharing",
    "edudb.feedback",
    "edudb.incidents",
    "edudb.guide",
    "edudb.oversight",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "edudb.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "edudb.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "edudb.accounts.middleware.SessionPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "edudb.core.context_processors.site",
                "edudb.guide.context_processors.support",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'edudb.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE: a writer takes the lock at BEGIN, so the web server and the worker never deadlock on
    # a read-then-write upgrade; WAL lets readers go on while one writes.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- accounts and sign-in security (R10.1) --------------------------------------------------------
AUTH_USER_MODEL = "accounts.Account"
AUTHENTICATION_BACKENDS = ["edudb.accounts.backends.AccountBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "edudb.accounts.validators.CharacterClassValidator"},
    {"NAME": "edudb.accounts.validators.PasswordHistoryValidator"},
]
EDUDB_LOCKOUT_FAILURES = 5
EDUDB_LOCKOUT_WINDOW = timedelta(minutes=15)
EDUDB_SESSION_IDLE = timedelta(minutes=30)
EDUDB_SESSION_ABSOLUTE = timedelta(hours=10)
EDUDB_INACTIVE_DISABLE_AFTER = timedelta(days=45)
EDUDB_PASSWORD_HISTORY = 5
SESSION_ENGINE = "edudb.core.sessions"
SESSION_COOKIE_AGE = int(EDUDB_SESSION_IDLE.total_seconds())
SESSION_SAVE_EVERY_REQUEST = False  # the idle expiry moves on at most once a minute (accounts.middleware)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_HTTPONLY = True
OTP_TOTP_ISSUER = "CSDL Ngành GD Hải Phòng"

# --- HTTP security headers (R10.4) --------------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = 31536000 if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# --- language and time -----------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "media/"

# --- API ------------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "edudb.accounts.api_auth.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_RATES": {"token": "20/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CSDL Ngành Giáo dục Hải Phòng — API",
    "DESCRIPTION": "API của Hệ thống cơ sở dữ liệu ngành giáo dục thành phố Hải Phòng. "
    "Mọi truy vấn giới hạn trong phạm vi quản lý của tài khoản.",
    "VERSION": "1.0.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Several choice sets share the field name "kind": name their enums after what they are.
    "ENUM_NAME_OVERRIDES": {
        "AccountKindEnum": "edudb.accounts.models.AccountKind",
        "StaffTransferKindEnum": "edudb.registry.models.movements.StaffTransferKind",
        "StudentEventKindEnum": "edudb.registry.models.movements.StudentEventKind",
        "IncidentSeverityEnum": "edudb.incidents.models.IncidentSeverity",
        "QualitySeverityEnum": "edudb.quality.models.Severity",
    },
}

# --- the system's own facts (R9.1) -----------------------------------------------------------------
EDUDB_SYSTEM_ADDRESS = os.environ.get("EDUDB_SYSTEM_ADDRESS", "https://csdl.haiphong.edu.vn")
EDUDB_HOTLINE = os.environ.get("EDUDB_HOTLINE", "0225.3746220")
EDUDB_PROVINCE_CODE = os.environ.get("EDUDB_PROVINCE_CODE", "31")

# E-mail for notifications and reminders: sent only where an SMTP server is configured (in-app ones always are).
_email_host = os.environ.get("EMAIL_HOST", "")
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": _email_host or "localhost",
            "port": int(os.environ.get("EMAIL_PORT", "587")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", True),
            "timeout": 20,
        },
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "CSDL Ngành GD&ĐT Hải Phòng <no-reply@haiphong.edu.vn>")
EDUDB_EMAIL_NOTIFICATIONS = env_bool("EDUDB_EMAIL_NOTIFICATIONS", bool(_email_host))
# Reporting reminders: how many days before a deadline units that have not submitted are reminded (0 = the day).
EDUDB_REMINDER_DAYS = [int(d) for d in env_list("EDUDB_REMINDER_DAYS", "7,3,1,0")]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
