from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import render

from pok.models import Pok


@staff_member_required
def overview(request):
    return render(request, "crm/overview.html", {"poks": Pok.objects.filter(active=True)})
