from django.apps import AppConfig
from django.conf import settings
from django.contrib.admin import apps as admin_apps
from django.core import checks
from django.utils.module_loading import import_string

# What the admin needs in front of it. Django's own checks look for them in MIDDLEWARE
# (admin.E408-E410, axes.W002, silenced in settings); here they run for staff only
# (newsroom.middleware.StaffOnlyMiddleware), and this check looks for them there.
STAFF_MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "axes.middleware.AxesMiddleware",
]
HOOKS = ("process_view", "process_exception", "process_template_response")


class DeskConfig(AppConfig):
    """The newsroom's desk: the admin for stories, photos, sections and the directory."""

    name = "desk"
    verbose_name = "编辑部"

    def ready(self):
        checks.register(staff_middleware)


def staff_middleware(app_configs, **kwargs):
    staff = getattr(settings, "NEWSROOM_STAFF_MIDDLEWARE", [])
    in_place = "newsroom.middleware.StaffOnlyMiddleware" in settings.MIDDLEWARE
    errors = [
        checks.Error(
            f"{path} is not in NEWSROOM_STAFF_MIDDLEWARE (or StaffOnlyMiddleware is not in "
            "MIDDLEWARE): the desk needs it.",
            id="desk.E001",
        )
        for path in STAFF_MIDDLEWARE
        if not (in_place and path in staff)
    ]
    # StaffOnlyMiddleware chains them by hand: a view, exception or template-response hook
    # would never be called (Django collects those from MIDDLEWARE only).
    for path in staff:
        hooks = [hook for hook in HOOKS if hasattr(import_string(path), hook)]
        if hooks:
            errors.append(
                checks.Error(
                    f"{path} has {', '.join(hooks)}, which StaffOnlyMiddleware never calls.",
                    hint="List it in MIDDLEWARE instead.",
                    id="desk.E002",
                )
            )
    return errors


class DeskAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the desk's site (desk.home.DeskSite) as ``admin.site``."""

    default = False  # named in INSTALLED_APPS; "desk" itself is DeskConfig

    default_site = "desk.home.DeskSite"
