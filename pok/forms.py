from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from pok.models import Pok

PASSWORD_FIELDS = ("imap_password", "smtp_password", "oauth_client_secret")


def url_with_https(field, **options):
    """Form fields as usual; URLs assume https (Django 6's default, without the deprecation warning)."""
    if isinstance(field, models.URLField):
        options["assume_scheme"] = "https"
    return field.formfield(**options)


class PokForm(forms.ModelForm):
    """POK form whose secrets (passwords, OAuth2 client secret) are write-only: never shown, kept when left blank."""

    imap_password = forms.CharField(
        label=_("IMAP password"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to keep the stored password."),
    )
    smtp_password = forms.CharField(
        label=_("SMTP password"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to keep the stored password."),
    )
    oauth_client_secret = forms.CharField(
        label=_("OAuth2 client secret"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to keep the stored secret; empty for Google and Microsoft: from the environment."),
    )

    class Meta:
        model = Pok
        formfield_callback = url_with_https
        exclude = PASSWORD_FIELDS  # noqa: DJ006 - every field but the write-only passwords, which have their own inputs
        # The admin's integer box is too narrow for 26214400: it read as 262144.
        widgets = {"max_message_bytes": forms.NumberInput(attrs={"class": "vTextField"})}
        help_texts = {
            "max_message_bytes": _(
                "In bytes: 26214400 is 25 MB. A larger message stays on the server; its headers are stored and "
                "the thread marks it as too large, left on the mail server."
            )
        }

    def save(self, commit=True):
        pok = super().save(commit=False)
        for name in PASSWORD_FIELDS:
            if self.cleaned_data.get(name):
                setattr(pok, name, self.cleaned_data[name])
        if commit:
            pok.save()
            self.save_m2m()
        return pok
