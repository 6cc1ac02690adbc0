"""Django's createsuperuser, with the password validators enforced, not offered for bypass.

Django checks an interactive password against AUTH_PASSWORD_VALIDATORS but then asks
"Bypass password validation and create user anyway?", and with --noinput it takes
DJANGO_SUPERUSER_PASSWORD unchecked. Here a refused password is asked for again
(interactive) or stops the command with the validators' message (--noinput), as
ensure_admin does for the entrypoint. (ops is listed before django.contrib.auth in
INSTALLED_APPS, so this command is the one manage.py finds.)
"""

import builtins
import os

from django.contrib.auth.management.commands import createsuperuser as django_command
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

BYPASS_QUESTION = "Bypass password validation"


class Command(django_command.Command):
    def handle(self, *args, **options):
        if not options["interactive"] and "DJANGO_SUPERUSER_PASSWORD" in os.environ:
            # The account as it will be made (username, e-mail…): the similarity rule
            # compares the password with each of them.
            fields = {}
            for field in [self.UserModel.USERNAME_FIELD, *self.UserModel.REQUIRED_FIELDS]:
                value = options.get(field) or os.environ.get(f"DJANGO_SUPERUSER_{field.upper()}")
                if value and not self.UserModel._meta.get_field(field).many_to_many:
                    fields[field] = value
            try:
                validate_password(os.environ["DJANGO_SUPERUSER_PASSWORD"], self.UserModel(**fields))
            except ValidationError as exc:
                raise CommandError(
                    "DJANGO_SUPERUSER_PASSWORD is refused: " + " ".join(exc.messages)
                ) from exc
        # Django's prompt reads the module's ``input``: the bypass question is answered
        # "no" (the password is asked for again); every other prompt reaches the terminal.
        django_command.input = self.refuse_bypass
        try:
            return super().handle(*args, **options)
        finally:
            del django_command.input

    def refuse_bypass(self, prompt=""):
        if prompt.startswith(BYPASS_QUESTION):
            self.stderr.write("密码不符合要求，请重新输入（不能跳过密码规则）。")
            return "n"
        return builtins.input(prompt)
