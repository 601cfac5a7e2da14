"""Form fields shared by the apps."""

from datetime import date

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from crm.models import BrowserNotifications, Digest

# Dates the CRM can filter by and compute with (a day added, a time zone applied) on every database.
EARLIEST_DATE = date(1970, 1, 1)
LATEST_DATE = date(2100, 12, 31)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        limits = {"min": EARLIEST_DATE.isoformat(), "max": LATEST_DATE.isoformat()}
        super().__init__({**limits, **(attrs or {})}, format="%Y-%m-%d")


class DateField(forms.DateField):
    """A date between EARLIEST_DATE and LATEST_DATE: `9999-12-31` or `0001-01-01` is a form error, never a crash."""

    widget = DateInput

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators += [MinValueValidator(EARLIEST_DATE), MaxValueValidator(LATEST_DATE)]


# Ids are 64-bit (BigAutoField): a larger number finds nothing on PostgreSQL but overflows on SQLite.
LARGEST_ID = 2**63 - 1


def _beyond_ids(value) -> bool:
    try:
        return abs(int(value)) > LARGEST_ID
    except (TypeError, ValueError):
        return False


class ModelChoiceField(forms.ModelChoiceField):
    """One object by id; a number beyond any id is an invalid choice, never a crash."""

    def to_python(self, value):
        if _beyond_ids(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Objects by id; a number beyond any id is an invalid value, never a crash."""

    def clean(self, value):
        for pk in value if isinstance(value, (list, tuple)) else []:
            if _beyond_ids(pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super().clean(value)


class PreferencesForm(forms.Form):
    """The preferences page: language, browser notifications, e-mail digest."""

    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("The browser's language"))] + list(settings.LANGUAGES),
        required=False,
    )
    browser_notifications = forms.ChoiceField(
        label=_("Browser notifications"),
        choices=[
            (BrowserNotifications.ON, _("On: a notification when a customer answers a thread I own")),
            (BrowserNotifications.OFF, _("Off")),
        ],
        help_text=_("Shown while a CRM page is open in this browser, which asks you to allow them once."),
    )
    digest = forms.ChoiceField(
        label=_("E-mail digest"),
        choices=Digest.choices,
        help_text=_("The threads you own where a customer wrote since the previous digest."),
    )
