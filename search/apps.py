from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Customer search")

    def ready(self):
        from customers.signals import customers_changed
        from search.indexing import reindex_imported

        customers_changed.connect(reindex_imported, dispatch_uid="search.reindex_imported")
