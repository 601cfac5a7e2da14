from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pok import oauth
from pok.connections import check_connections
from pok.forms import PokForm
from pok.models import Pok, PokStaff

PENDING_SIGN_INS = "pok_oauth2_pending"  # session key: state -> what the callback needs
MAX_PENDING_SIGN_INS = 5


class PokStaffInline(admin.TabularInline):
    model = PokStaff
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Pok)
class PokAdmin(admin.ModelAdmin):
    form = PokForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # Django 6's default, no warning
    list_display = [
        "id",
        "active",
        "name",
        "language",
        "imap_user",
        "smtp_user",
        "sign_in",
        "last_sync_at",
        "sync_error",
        "actions_column",
    ]
    list_display_links = ["name"]
    list_filter = ["active", "language"]
    search_fields = ["name", "imap_user", "smtp_user", "from_address"]
    inlines = [PokStaffInline]
    actions = ["test_connection"]
    readonly_fields = ["last_sync_at", "last_error_kind", "last_error", "last_error_at", "oauth_connection"]
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
                    "reply_to_all",
                    "acknowledge_new",
                ]
            },
        ),
        (
            _("Sign-in with OAuth2 (Google, Microsoft)"),
            {
                "fields": [
                    "imap_auth",
                    "smtp_auth",
                    "oauth_provider",
                    "oauth_tenant",
                    "oauth_client_id",
                    "oauth_client_secret",
                    "oauth_authorization_url",
                    "oauth_token_url",
                    "oauth_scope",
                    "oauth_connection",
                ],
                "description": _(
                    "Save the service point first, then press Connect and sign in at the provider. See docs/oauth2.md."
                ),
            },
        ),
        (_("Inbox processing"), {"fields": ["last_sync_at", "last_error_kind", "last_error", "last_error_at"]}),
    ]

    @admin.display(description=_("sign-in"))
    def sign_in(self, pok):
        if not pok.uses_oauth:
            return _("password")
        if pok.oauth_error:
            return format_html('<span class="oauth2-problem" title="{}">⚠ {}</span>', pok.oauth_error, pok.oauth_error)
        if not pok.oauth_refresh_token:
            return _("OAuth2: not connected")
        return format_html("OAuth2 · {}", pok.oauth_account)

    @admin.display(description=_("OAuth2 connection"))
    def oauth_connection(self, pok):
        if not pok.pk:
            return _("Save the service point first, then connect it.")
        connect = reverse("admin:pok_pok_oauth2_connect", args=[pok.pk])
        if not pok.oauth_refresh_token:
            return format_html(
                '{} <a class="button" id="oauth2-connect" href="{}">{}</a>', _("Not connected."), connect, _("Connect")
            )
        status = pok.oauth_error or gettext("Connected as %(account)s.") % {"account": pok.oauth_account or "?"}
        return format_html(
            '<span id="oauth2-status">{}</span> <a class="button" id="oauth2-reconnect" href="{}">{}</a> '
            '<a class="button" id="oauth2-disconnect" href="{}">{}</a>',
            status,
            connect,
            _("Reconnect"),
            reverse("admin:pok_pok_oauth2_disconnect", args=[pok.pk]),
            _("Disconnect"),
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("oauth2/callback/", view(self.oauth2_callback), name="pok_pok_oauth2_callback"),
            path("<int:pk>/oauth2/connect/", view(self.oauth2_connect), name="pok_pok_oauth2_connect"),
            path("<int:pk>/oauth2/disconnect/", view(self.oauth2_disconnect), name="pok_pok_oauth2_disconnect"),
        ] + super().get_urls()

    def _changeable(self, request, pk) -> Pok:
        pok = get_object_or_404(Pok, pk=pk)
        if not self.has_change_permission(request, pok):
            raise PermissionDenied
        return pok

    def _back_to(self, pok):
        return redirect("admin:pok_pok_change", pok.pk)

    def oauth2_connect(self, request, pk):
        """Off to the provider's consent screen; the state and PKCE verifier wait in the session."""
        pok = self._changeable(request, pk)
        try:
            url, pending = oauth.start_authorization(pok)
        except oauth.OAuthUnavailable as error:
            self.message_user(request, str(error), messages.ERROR)
            return self._back_to(pok)
        waiting = request.session.get(PENDING_SIGN_INS, {})
        waiting = dict(list(waiting.items())[-(MAX_PENDING_SIGN_INS - 1) :])
        waiting[pending["state"]] = pending
        request.session[PENDING_SIGN_INS] = waiting
        return HttpResponseRedirect(url)

    def oauth2_callback(self, request):
        """The provider sends the browser back here: only a state started in this session is accepted."""
        waiting = request.session.get(PENDING_SIGN_INS, {})
        pending = waiting.pop(request.GET.get("state", ""), None)
        request.session[PENDING_SIGN_INS] = waiting
        if pending is None:
            self.message_user(
                request,
                _("OAuth2: this answer does not belong to a sign-in started here (state check); press Connect again."),
                messages.ERROR,
            )
            return redirect("admin:pok_pok_changelist")
        pok = self._changeable(request, pending["pok"])
        if "error" in request.GET:
            refusal = " ".join(request.GET.get(name, "")[:200] for name in ("error", "error_description")).strip()
            self.message_user(
                request,
                gettext("OAuth2: the provider did not connect the mailbox (%(error)s)") % {"error": refusal},
                messages.ERROR,
            )
            return self._back_to(pok)
        try:
            account = oauth.finish_authorization(pok, pending, request.build_absolute_uri())
        except oauth.OAuthUnavailable as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(
                request,
                gettext("%(pok)s: connected as %(account)s.") % {"pok": pok.name, "account": account},
                messages.SUCCESS,
            )
        return self._back_to(pok)

    def oauth2_disconnect(self, request, pk):
        pok = self._changeable(request, pk)
        if request.method == "POST":
            oauth.disconnect(pok)
            self.message_user(request, gettext("%(pok)s: OAuth2 disconnected.") % {"pok": pok.name}, messages.SUCCESS)
            return self._back_to(pok)
        context = {**self.admin_site.each_context(request), "pok": pok, "opts": self.opts, "title": _("Disconnect")}
        return TemplateResponse(request, "admin/pok/pok/oauth2_disconnect.html", context)

    @admin.display(description=_("last error"))
    def sync_error(self, pok):
        if not pok.last_error:
            return ""
        human = pok.get_last_error_kind_display() or pok.last_error
        return format_html(
            '<span title="{}">⚠ {}</span> <small>{}</small>', pok.last_error, human, pok.last_error_at or ""
        )

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
