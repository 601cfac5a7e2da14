from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = _("CRM")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from crm.preferences import on_login

        user_logged_in.connect(on_login, dispatch_uid="crm-preferences-on-login")
