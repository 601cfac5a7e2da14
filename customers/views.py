from django.http import Http404
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from crm.permissions import staff_required
from customers import selectors


@staff_required
def card(request):
    """Customer card for one e-mail (spec 8): its threads, the shop customers and BaseLinker search."""
    email = request.GET.get("email", "").strip()
    if not email:
        raise Http404(_("No e-mail address given."))
    threads = selectors.card_threads(request.user, email)
    context = {
        "email": email,
        "threads": threads[: selectors.THREADS_SHOWN],
        "more_threads": len(threads) > selectors.THREADS_SHOWN,
        "search_buttons": selectors.card_search_buttons(email, threads),
        **selectors.customer_panel([email], get_language(), all_orders=request.GET.get("all") == "1"),
    }
    return render(request, "customers/card.html", context)
