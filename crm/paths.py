"""Where a form sends the browser back to: only a path of this site."""

from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def local_path_or_overview(request, path: str) -> str:
    """`path` when it is a path of this site, else the overview's: redirect() would take any other word for
    a view name, and another host's address would send staff away."""
    local = path.startswith("/") and url_has_allowed_host_and_scheme(path, allowed_hosts={request.get_host()})
    return path if local else reverse("overview")
