from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ThreadsConfig(AppConfig):
    name = "threads"
    verbose_name = _("Threads")

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.backends.signals import connection_created
        from django.db.models.signals import pre_delete

        from threads.filtering import register_sqlite_unaccent

        connection_created.connect(register_sqlite_unaccent)
        pre_delete.connect(_owner_leaving, sender=get_user_model(), dispatch_uid="threads_owner_leaving")


def _owner_leaving(sender, instance, **kwargs):
    """A deleted user's threads lose their owner in the same delete: their counts move with them."""
    from threads.services import owner_leaving

    owner_leaving(instance)
