from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from mailsync.demo import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Print the demo staff logins created by seed_demo."

    def handle(self, *args, **options):
        users = get_user_model().objects.filter(username__in=["demo", "anna", "john"]).order_by("username")
        if not users:
            raise CommandError("No demo users: run `manage.py seed_demo` first.")
        self.stdout.write("Open http://127.0.0.1:8000/ and log in as:")
        for user in users:
            role = "administrator, all POKs" if user.is_superuser else ", ".join(p.name for p in user.poks.all())
            self.stdout.write(f"  {user.username} / {DEMO_PASSWORD}   ({role})")
