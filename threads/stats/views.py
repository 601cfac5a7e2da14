"""The statistics page and its CSV exports; the figures come from threads.stats.figures."""

import csv

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from crm.permissions import staff_required
from threads.stats.export import TABLES, csv_labels
from threads.stats.forms import PeriodForm
from threads.stats.presenters import chart_data, day_totals, pok_row, times


@require_GET
@staff_required
def overview(request):
    form = PeriodForm(request.user, request.GET)
    context = {"form": form, "time_zone": settings.TIME_ZONE}
    if form.is_valid():
        report = form.report(request.user)
        context.update(
            report=report,
            pok_rows=[pok_row(figures) for figures in [*report.poks, report.total]],
            day_totals=day_totals(report),
            staff_rows=[
                {
                    "name": figures.name,
                    "replies": figures.replies,
                    "owned": figures.owned,
                    "first_response": times(figures.first_response),
                }
                for figures in report.staff
            ],
            charts=chart_data(report),
            csv_links=[
                (f"{reverse('stats:csv', args=[table])}?{form.query()}", label) for table, label in csv_labels()
            ],
        )
    return render(request, "threads/stats/overview.html", context)


@require_GET
@staff_required
def csv_export(request, table):
    if table not in TABLES:
        return HttpResponseBadRequest(_("Unknown table: %(table)s") % {"table": table}, content_type="text/plain")
    form = PeriodForm(request.user, request.GET)
    if not form.is_valid():
        problems = "; ".join(message for messages in form.errors.values() for message in messages)
        return HttpResponseBadRequest(problems, content_type="text/plain; charset=utf-8")
    report = form.report(request.user)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"statistics-{table}-{report.date_from.isoformat()}-{report.date_to.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # the BOM: Excel then reads UTF-8 (Polish letters) instead of the ANSI code page
    # Excel splits on the list separator of the region: a semicolon in Poland (decimal comma), a comma in English.
    delimiter = ";" if (get_language() or "").startswith("pl") else ","
    csv.writer(response, delimiter=delimiter).writerows(TABLES[table](report))
    return response
