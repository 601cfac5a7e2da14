from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_GET

from search.selectors import search_customers


@require_GET
@login_required
def customers(request):
    if not request.user.is_staff:
        raise PermissionDenied
    outcome = search_customers(request.GET.get("q", ""))
    # htmx swaps the fragment under the form; a plain GET (no JavaScript) gets a page.
    template = "search/results.html" if request.htmx else "search/page.html"
    return render(request, template, {"outcome": outcome})
