"""The period and POK choice of the statistics page and its CSV exports."""

from datetime import timedelta
from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.forms import DateField, ModelMultipleChoiceField
from pok.models import Pok
from pok.permissions import visible_poks
from threads.stats import figures

MAX_DAYS = 731
DEFAULT_DAYS = 30


class PeriodForm(forms.Form):
    date_from = DateField(label=gettext_lazy("From"), required=False)
    date_to = DateField(label=gettext_lazy("To"), required=False)
    poks = ModelMultipleChoiceField(
        label=gettext_lazy("Service points"),
        queryset=Pok.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("None ticked: all you can see."),
    )

    def __init__(self, user, data):
        if not data.get("date_from") and not data.get("date_to"):
            date_from, date_to = figures.last_days(DEFAULT_DAYS)
            data = data.copy()
            data["date_from"], data["date_to"] = date_from.isoformat(), date_to.isoformat()
        super().__init__(data)
        self.fields["poks"].queryset = visible_poks(user).order_by("name")

    def clean(self):
        cleaned = super().clean()
        date_to = cleaned.get("date_to") or figures.today()
        date_from = cleaned.get("date_from") or date_to - timedelta(days=DEFAULT_DAYS - 1)
        if date_from > date_to:
            raise forms.ValidationError(_("The start of the period is after its end."))
        if (date_to - date_from).days >= MAX_DAYS:
            raise forms.ValidationError(_("The period is too long: at most %(days)d days.") % {"days": MAX_DAYS})
        cleaned["date_from"], cleaned["date_to"] = date_from, date_to
        return cleaned

    def report(self, user) -> figures.Report:
        chosen = self.cleaned_data["poks"]
        pok_ids = [pok.pk for pok in chosen] if chosen else None
        return figures.report(user, self.cleaned_data["date_from"], self.cleaned_data["date_to"], pok_ids)

    def query(self) -> str:
        """The query string of the cleaned period, for the CSV links: they export what the page shows."""
        return urlencode(
            {
                "date_from": self.cleaned_data["date_from"].isoformat(),
                "date_to": self.cleaned_data["date_to"].isoformat(),
                "poks": [pok.pk for pok in self.cleaned_data["poks"]],
            },
            doseq=True,
        )
