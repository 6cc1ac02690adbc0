from django.core.management.base import BaseCommand

from articles.roles import ROLES, ensure_roles


class Command(BaseCommand):
    help = "创建或更新编辑部角色（记者、编辑、部门主任、总编辑）及其权限。"

    def handle(self, *args, **options):
        ensure_roles()
        self.stdout.write(self.style.SUCCESS(f"角色已就绪：{'、'.join(ROLES)}"))
