from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from pok.connections import check_connections
from pok.forms import PokForm
from pok.models import Pok, PokStaff


class PokStaffInline(admin.TabularInline):
    model = PokStaff
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Pok)
class PokAdmin(admin.ModelAdmin):
    form = PokForm
    list_display = [
        "id",
        "active",
        "name",
        "language",
        "imap_user",
        "smtp_user",
        "last_sync_at",
        "sync_error",
        "actions_column",
    ]
    list_display_links = ["name"]
    list_filter = ["active", "language"]
    search_fields = ["name", "imap_user", "smtp_user", "from_address"]
    inlines = [PokStaffInline]
    actions = ["test_connection"]
    readonly_fields = ["last_sync_at", "last_error", "last_error_at"]
    fieldsets = [
        (None, {"fields": ["active", "name", "language"]}),
        (
            _("Receiving (IMAP)"),
            {
                "fields": [
                    "imap_host",
                    "imap_port",
                    "imap_security",
                    "imap_verify_cert",
                    "imap_user",
                    "imap_password",
                    "imap_folder",
                    "keep_on_server",
                    "imap_sent_folder",
                    "max_message_bytes",
                ]
            },
        ),
        (
            _("Sending (SMTP)"),
            {
                "fields": [
                    "smtp_host",
                    "smtp_port",
                    "smtp_security",
                    "smtp_verify_cert",
                    "smtp_user",
                    "smtp_password",
                    "from_address",
                    "from_name",
                ]
            },
        ),
        (_("Inbox processing"), {"fields": ["last_sync_at", "last_error", "last_error_at"]}),
    ]

    @admin.display(description=_("last error"))
    def sync_error(self, pok):
        if not pok.last_error:
            return ""
        return format_html('<span title="{}">⚠ {}</span>', pok.last_error, pok.last_error_at or "")

    @admin.display(description=_("actions"))
    def actions_column(self, pok):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:pok_pok_change", args=[pok.pk]),
            _("edit"),
            reverse("admin:pok_pok_delete", args=[pok.pk]),
            _("delete"),
        )

    @admin.action(description=_("Test connection (log in to IMAP and SMTP)"))
    def test_connection(self, request, queryset):
        for pok in queryset:
            ok, line = check_connections(pok)
            level = messages.SUCCESS if ok else messages.ERROR
            self.message_user(request, line, level)


@admin.register(PokStaff)
class PokStaffAdmin(admin.ModelAdmin):
    list_display = ["id", "pok", "user"]
    list_filter = ["pok"]
    autocomplete_fields = ["user"]
