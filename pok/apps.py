from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PokConfig(AppConfig):
    name = "pok"
    verbose_name = _("Customer service points")
