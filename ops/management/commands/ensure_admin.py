"""The first admin, from DJANGO_SUPERUSER_USERNAME / _PASSWORD / _EMAIL (the entrypoint)."""

import os

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "按环境变量 DJANGO_SUPERUSER_USERNAME/_PASSWORD/_EMAIL 创建第一个管理员（已存在则保留）。"
    )

    def handle(self, *args, **options):
        username = os.environ.get("DJANGO_SUPERUSER_USERNAME", "").strip()
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD", "")
        email = os.environ.get("DJANGO_SUPERUSER_EMAIL", "").strip()
        if not username or not password:
            raise CommandError(
                "DJANGO_SUPERUSER_USERNAME and DJANGO_SUPERUSER_PASSWORD are needed."
            )
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            self.stdout.write(f"admin user {username} already exists (kept as it is)")
            return
        user = User(username=username, email=email, is_staff=True, is_superuser=True)
        try:
            # The same rules as every other password (createsuperuser --noinput skips them).
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(
                "DJANGO_SUPERUSER_PASSWORD is refused: " + " ".join(exc.messages)
            ) from exc
        user.set_password(password)
        user.save()
        self.stdout.write(self.style.SUCCESS(f"admin user {username} created"))
