"""Form fields shared by the apps."""

from datetime import date

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

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
