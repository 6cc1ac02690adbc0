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

from django.contrib.auth.backends import ModelBackend

from . import generation

PATH = "articles.permissions.KeptPermissionsBackend"


class KeptPermissionsBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            name = f"permissions:{user_obj.pk}:{int(user_obj.is_superuser)}"
            read = super().get_all_permissions
            user_obj._perm_cache = generation.keep(name, lambda: frozenset(read(user_obj)))
        return user_obj._perm_cache
