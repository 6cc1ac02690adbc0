"""Demo accounts for trying the desk after `make run`: one person per role, with a fresh
password printed each time. Development only: refused unless DEBUG is on."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from articles.roles import CHIEF, DIRECTOR, EDITOR, REPORTER, ensure_roles

# (login, surname, given name, role)
ACCOUNTS = [
    ("reporter", "王", "红梅", REPORTER),
    ("editor", "赵", "磊", EDITOR),
    ("director", "孙", "丽", DIRECTOR),
    ("chief", "周", "强", CHIEF),
]


class Command(BaseCommand):
    help = "（仅开发环境）为每个角色创建演示账号，并打印新密码。"

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("demo accounts are for development only (DJANGO_DEBUG=1).")
        ensure_roles()
        User = get_user_model()
        self.stdout.write("演示账号（每次启动重设密码）：/admin/")
        for username, surname, given, role in ACCOUNTS:
            user, _created = User.objects.get_or_create(username=username)
            user.last_name, user.first_name = surname, given
            user.email = f"{username}@newsroom.invalid"
            user.is_staff, user.is_active = True, True
            password = secrets.token_urlsafe(9)
            user.set_password(password)
            user.save()
            user.groups.set([Group.objects.get(name=role)])
            self.stdout.write(f"  {role:<5} {surname}{given:<4} {username:<9} {password}")
