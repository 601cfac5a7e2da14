from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ThreadsConfig(AppConfig):
    name = "threads"
    verbose_name = _("Threads")

    def ready(self):
        from django.db.backends.signals import connection_created

        from threads.filtering import register_sqlite_unaccent

        connection_created.connect(register_sqlite_unaccent)
