"""Django's ModelBackend with each account's permissions kept per process under the content
key, so a desk page does not read them again on every request.

Every desk page checks permissions, and Django reads an account's own and its groups'
permissions (two queries, each joining the content types) on every request: on the desk's
story list, kept whole, that was 1.7 of its 4 ms. Here the set is kept (articles.generation)
under the content key, the account and its superuser flag; every change that can alter a
set moves the key on (a group's permissions, an account's groups or own permissions, a
group or permission deleted: articles.signals), so a permission taken away is gone at once
in the worker that took it, and in the others as soon as they read the content key again
(NEWSROOM_GENERATION_RECHECK_SECONDS, a quarter of a second). ``is_active`` is read from
the account as loaded, as before. Sessions name the backend that signed them in: migration
0017 moved those signed in with Django's ModelBackend to this one.
"""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from . import generation

PATH = "articles.permissions.KeptPermissionsBackend"


def awaits_second_step(user):
    """A staff account signed in with its password only, while NEWSROOM_STAFF_TOTP asks for
    a code too (the desk's two-step sign-in, desk/twostep.py): its session is no staff
    session yet, for the desk or for anything staff may fetch. ``is_verified`` is set on
    the request's user by django-otp's middleware."""
    if not (settings.NEWSROOM_STAFF_TOTP and user.is_authenticated and user.is_active):
        return False
    if not user.is_staff:
        return False
    is_verified = getattr(user, "is_verified", None)
    return not (is_verified and is_verified())


class KeptPermissionsBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            name = f"permissions:{user_obj.pk}:{int(user_obj.is_superuser)}"
            read = super().get_all_permissions
            user_obj._perm_cache = generation.keep(name, lambda: frozenset(read(user_obj)))
        return user_obj._perm_cache
