"""Settings for Newsroom: one module, configured by environment variables.

Development defaults are safe and need nothing set; with DJANGO_DEBUG off the values
production needs must be given, or start-up stops with a clear message.
"""

import datetime
import importlib.util
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", default=False)

# Words that mark a key as a placeholder someone copied from an example (compose's old
# fallback among them): anyone could sign preview links and sessions with it.
PLACEHOLDER_WORDS = ("change-me", "changeme", "not-a-secret", "not-a-real-secret", "insecure",
                     "example", "placeholder", "your-secret", "secret-key")  # fmt: skip


def weak_secret_key(key):
    """Why ``key`` may not sign anything in production, or "" when it may."""
    if not key:
        return "DJANGO_SECRET_KEY is not set."
    if len(key) < 50 or len(set(key)) < 10:
        return "DJANGO_SECRET_KEY is too short or too simple (50+ random characters needed)."
    if any(word in key.lower() for word in PLACEHOLDER_WORDS):
        return "DJANGO_SECRET_KEY is a placeholder from an example, not a secret."
    return ""


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not DEBUG and (problem := weak_secret_key(SECRET_KEY)):
    raise ImproperlyConfigured(
        f"{problem} Generate one with: python -c 'import secrets; "
        "print(secrets.token_urlsafe(50))' (or set DJANGO_DEBUG=1 for development)."
    )
if not SECRET_KEY:
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS is not set (comma-separated host names).")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "desk.apps.DeskAdminConfig",  # django.contrib.admin, its home page the desk's
    # Before django.contrib.auth: its createsuperuser (validators enforced) is the one found.
    "ops",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "taggit",
    "simple_history",
    "ops.apps.LoginProtectionConfig",  # django-axes, named in Chinese
    # Two-step sign-in for the desk (TOTP), used when NEWSROOM_STAFF_TOTP is on.
    "django_otp",
    "ops.apps.TwoStepConfig",  # django_otp.plugins.otp_totp, named in Chinese
    # The content core, then one app per audience (see ARCHITECTURE.md).
    "agencies",
    "articles",
    "public",
    "desk",
    "ingest",
    # The benchmark's commands, where the checkout has them (the image leaves them out).
    *(["bench"] if importlib.util.find_spec("bench") else []),
]

MIDDLEWARE = [
    "newsroom.health.HealthCheckMiddleware",
    "public.cache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "newsroom.middleware.InputHygieneMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Sessions, accounts and the rest below: for the desk and staff's media only.
    "newsroom.middleware.StaffOnlyMiddleware",
]
# What StaffOnlyMiddleware runs for staff's requests, in this order; readers' pages skip it
# (a quarter of an uncached article's time went to it).
NEWSROOM_STAFF_MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks a session that has passed the second step (no query for one that has not).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: it answers a locked-out login before the view (and before any password hash).
    "axes.middleware.AxesMiddleware",
]

# Django's and django-axes' checks look for these in MIDDLEWARE; desk.apps checks them in
# NEWSROOM_STAFF_MIDDLEWARE instead.
SILENCED_SYSTEM_CHECKS = ["admin.E408", "admin.E409", "admin.E410", "axes.W002"]

# Failed logins are throttled (django-axes) per account and per address: past the limit,
# logins are refused for the cool-off time before any password is hashed, so a flood of
# guesses neither succeeds nor starves the workers that serve readers.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, with each account's permissions kept (articles/permissions.py).
    "articles.permissions.KeptPermissionsBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("NEWSROOM_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(
    minutes=int(os.environ.get("NEWSROOM_LOGIN_COOLOFF_MINUTES", "15"))
)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "axes_lockout.html"
AXES_CLIENT_IP_CALLABLE = "newsroom.proxy.client_ip"
# Two-step sign-in (desk/twostep.py): on, every staff account must also give a code from
# an authenticator app (enrolled at its first sign-in) before any page of the desk.
NEWSROOM_STAFF_TOTP = env_bool("NEWSROOM_STAFF_TOTP", default=False)
OTP_TOTP_ISSUER = os.environ.get("NEWSROOM_SITE_NAME", "北疆法治报")
# The load balancers whose X-Forwarded-For (and, in gunicorn, X-Forwarded-Proto) is believed.
FORWARDED_ALLOW_IPS = env_list("FORWARDED_ALLOW_IPS", "127.0.0.1")

ROOT_URLCONF = "newsroom.urls"

TEMPLATES = [
    {
        # Readers' pages (see public/jinja2.py); looked up first.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "public.jinja2.environment",
            "context_processors": ["public.context_processors.page_shell"],
            "trim_blocks": True,
            "lstrip_blocks": True,
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "public.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "newsroom.wsgi.application"

# DATABASE_URL selects the database; without it, a SQLite file in the checkout.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# One language, so no LocaleMiddleware: every request is answered in Chinese without
# negotiating it (and public pages do not vary on Accept-Language).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
# Chinese for the few strings Django ships untranslated ("- Select an option -", "Filter by
# …"): locale/zh_Hans/LC_MESSAGES/django.po, compiled to django.mo beside it (msgfmt).
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Photos: the largest upload taken, in bytes and in pixels (a decompression bomb is refused
# before it is decoded).
NEWSROOM_PHOTO_MAX_BYTES = int(os.environ.get("NEWSROOM_PHOTO_MAX_BYTES", 20 << 20))
NEWSROOM_PHOTO_MAX_PIXELS = int(os.environ.get("NEWSROOM_PHOTO_MAX_PIXELS", 50_000_000))
# A printed page's PDF (数字报), in bytes.
NEWSROOM_EPAPER_PDF_MAX_BYTES = int(os.environ.get("NEWSROOM_EPAPER_PDF_MAX_BYTES", 50 << 20))
# Media files are answered by the app, which decides who may have them (public.media): with
# this set (the deploy's nginx: "/_media/"), it answers with X-Accel-Redirect and the web
# server sends the bytes; without it (development, tests), the app sends them itself.
NEWSROOM_MEDIA_ACCEL_REDIRECT = os.environ.get("NEWSROOM_MEDIA_ACCEL_REDIRECT", "")
# How long browsers and proxies may keep a published photo: a withdrawn story's pictures
# are gone from every cache within this.
NEWSROOM_MEDIA_PUBLIC_SECONDS = int(os.environ.get("NEWSROOM_MEDIA_PUBLIC_SECONDS", "60"))

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

TAGGIT_CASE_INSENSITIVE = True
# Tags split on , ， 、 ; ； (a Chinese input method types the full-width ones).
TAGGIT_TAGS_FROM_STRING = "chinese.tags.split_tags"
TAGGIT_STRING_FROM_TAGS = "chinese.tags.join_tags"

# The page cache: Redis when REDIS_URL is set (shared by every worker), local memory otherwise.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {
            "BACKEND": "newsroom.cache.RedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that stops answering costs a request at most this long (then it is
            # skipped for a few seconds: newsroom.cache._Outage).
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    ),
    # Rendered fragments and the rows lists are chosen from, per process (see
    # newsroom/cache.py): no network round trip and no unpickling on the way out.
    "fragments": {
        "BACKEND": "newsroom.cache.ProcessMemoryCache",
        "OPTIONS": {"MAX_BYTES": int(os.environ.get("NEWSROOM_FRAGMENT_CACHE_BYTES", 32 << 20))},
    },
}
# How long the server keeps a public page (0: no page cache); it is never served once content
# changes or a scheduled story is due (the content key moves on, articles.generation).
NEWSROOM_PAGE_CACHE_SECONDS = int(os.environ.get("NEWSROOM_PAGE_CACHE_SECONDS", "300"))
# How long past its freshness a cached page is kept, to be served if the database is down.
NEWSROOM_STALE_SECONDS = int(os.environ.get("NEWSROOM_STALE_SECONDS", "3600"))
# How long a process trusts the content generation it read before reading it again: a change
# committed by another worker shows within this long (one by the same process at once).
# 0: read it on every request.
NEWSROOM_GENERATION_RECHECK_SECONDS = float(
    os.environ.get("NEWSROOM_GENERATION_RECHECK_SECONDS", "0.25")
)
# Keep rendered fragments (a story's own part of its page, its related stories, list items,
# a list's ids) per process under the content key. Off: render everything on every request.
NEWSROOM_FRAGMENT_CACHE = env_bool("NEWSROOM_FRAGMENT_CACHE", default=True)
# How long browsers and proxies may reuse a public page without asking again; 0 (the default)
# means they revalidate every time (a 304 when nothing changed), so a withdrawn story is
# gone at once.
NEWSROOM_BROWSER_CACHE_SECONDS = int(os.environ.get("NEWSROOM_BROWSER_CACHE_SECONDS", "0"))

# The site's name, shown in the header, feeds and the admin.
NEWSROOM_SITE_NAME = os.environ.get("NEWSROOM_SITE_NAME", "北疆法治报")
# What a Chinese news site must show at the foot of every page, each only when set: the ICP
# record number (ICP备案号, linked to the MIIT's register), the public security record
# number (公安备案号) and where to report illegal or harmful content (违法和不良信息举报).
NEWSROOM_ICP_NUMBER = os.environ.get("NEWSROOM_ICP_NUMBER", "")
NEWSROOM_PSB_NUMBER = os.environ.get("NEWSROOM_PSB_NUMBER", "")
NEWSROOM_REPORT_PHONE = os.environ.get("NEWSROOM_REPORT_PHONE", "")
NEWSROOM_REPORT_EMAIL = os.environ.get("NEWSROOM_REPORT_EMAIL", "")
# Number of review stages (三审: 初审, 复审, 终审).
NEWSROOM_REVIEW_STAGES = int(os.environ.get("NEWSROOM_REVIEW_STAGES", "3"))
if NEWSROOM_REVIEW_STAGES < 1:
    raise ImproperlyConfigured("NEWSROOM_REVIEW_STAGES must be 1 or more.")
# The review stage at which a pending revision of a live story (修改稿) starts: by default
# the last (终审), so a chief signs every change readers will see; 1 sends it through all.
NEWSROOM_REVISION_STAGE = int(
    os.environ.get("NEWSROOM_REVISION_STAGE", str(NEWSROOM_REVIEW_STAGES))
)
if not 1 <= NEWSROOM_REVISION_STAGE <= NEWSROOM_REVIEW_STAGES:
    raise ImproperlyConfigured("NEWSROOM_REVISION_STAGE must be 1 to NEWSROOM_REVIEW_STAGES.")

# How long a shared preview link works, in hours.
NEWSROOM_PREVIEW_HOURS = int(os.environ.get("NEWSROOM_PREVIEW_HOURS", "72"))
# How long "X is editing this story" lasts without a sign of life, in seconds.
NEWSROOM_EDIT_SESSION_SECONDS = int(os.environ.get("NEWSROOM_EDIT_SESSION_SECONDS", "120"))
# Words 校对 flags wherever they appear, separated by commas or 、 ("截止=截至" also
# suggests the word to use instead).
NEWSROOM_PROOFREAD_WORDS = [
    word.strip()
    for part in env_list("NEWSROOM_PROOFREAD_WORDS")
    for word in part.replace("，", "、").split("、")
    if word.strip()
]

# Mail: the console in development; SMTP from EMAIL_* otherwise.
if os.environ.get("EMAIL_HOST") or not DEBUG:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": int(os.environ.get("EMAIL_PORT", "25")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS"),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "newsroom@localhost")
# The site's address as the newsroom reaches it, for the links in the workflow's e-mails.
NEWSROOM_SITE_URL = os.environ.get("NEWSROOM_SITE_URL", "http://127.0.0.1:8000" if DEBUG else "")

# Security. Behind a TLS-terminating proxy that sets X-Forwarded-Proto: gunicorn believes
# it only from FORWARDED_ALLOW_IPS (gunicorn.conf.py) and sets the request's scheme, so
# Django does not read the header itself (SECURE_PROXY_SSL_HEADER would trust any client).
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Nothing is loaded from elsewhere: no CDN, web fonts or analytics.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],  # the admin sets style attributes
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        # One line per event, to stdout, for the container's log collector.
        "line": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "line",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}
