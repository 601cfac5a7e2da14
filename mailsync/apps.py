from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailsyncConfig(AppConfig):
    name = "mailsync"
    verbose_name = _("Inbox processing")
