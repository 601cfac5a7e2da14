"""Bad input stops at the door: a path or query string with a NUL byte, bytes that are not UTF-8
or an absurdly long value gets HTTP 400 before any view (or the database) sees it.

PostgreSQL refuses NUL in text (a 500 if it got that far), and no page of the CRM takes a
query value longer than a few hundred characters.
"""

from urllib.parse import unquote_to_bytes

from django.core.handlers.wsgi import get_bytes_from_wsgi
from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _

MAX_PATH_BYTES = 2048
MAX_QUERY_VALUE_CHARS = 4096


class BadInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = path_problem(_raw_path(request)) or query_problem(request.META.get("QUERY_STRING", ""))
        if problem:
            return _bad_request(problem)
        return self.get_response(request)

    def process_exception(self, request, exception):
        """The admin's date filters and date hierarchy (Django's own code) overflow on years like 1 or 10**30;
        the CRM's own views validate their input instead, which the URLconf walk test holds them to."""
        match = request.resolver_match
        if isinstance(exception, OverflowError) and match is not None and match.app_name == "admin":
            return _bad_request(_("a value is out of range"))
        return None


def _bad_request(problem: str) -> HttpResponseBadRequest:
    return HttpResponseBadRequest(f"{_('Bad request')}: {problem}\n", content_type="text/plain; charset=utf-8")


def _raw_path(request) -> bytes:
    """The path as the client sent it, percent-decoded but not yet decoded from UTF-8."""
    if "PATH_INFO" in request.META:
        return get_bytes_from_wsgi(request.META, "PATH_INFO", "/")
    return request.path_info.encode()


def path_problem(path: bytes) -> str:
    if len(path) > MAX_PATH_BYTES:
        return _("the address is too long")
    return _text_problem(path)


def query_problem(query_string: str) -> str:
    for field in query_string.split("&"):
        for part in field.split("=", 1):
            raw = unquote_to_bytes(part.replace("+", " "))
            problem = _text_problem(raw)
            if problem:
                return problem
            # bytes >= characters: decode only what may be too long
            if len(raw) > MAX_QUERY_VALUE_CHARS and len(raw.decode()) > MAX_QUERY_VALUE_CHARS:
                return _("a query value is too long")
    return ""


def _text_problem(raw: bytes) -> str:
    if b"\x00" in raw:
        return _("the address contains a NUL byte")
    try:
        raw.decode()
    except UnicodeDecodeError:
        return _("the address is not valid UTF-8")
    return ""
