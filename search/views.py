from django.shortcuts import render
from django.views.decorators.http import require_GET

from crm.permissions import staff_required
from search.selectors import search_customers


@require_GET
@staff_required
def customers(request):
    outcome = search_customers(request.GET.get("q", ""))
    # htmx swaps the fragment under the form; a plain GET (no JavaScript) gets a page.
    template = "search/results.html" if request.htmx else "search/page.html"
    return render(request, template, {"outcome": outcome})


@require_GET
@staff_required
def recipients(request):
    """The new-thread form's recipient look-up, as the user types: the same search, each result a
    button that fills the address in (crm.js)."""
    outcome = search_customers(request.GET.get("recipient", ""))
    return render(request, "search/recipients.html", {"outcome": outcome})
