"""Refuses a request that carries a NUL character where a person's text arrives — the path, the query
string, a posted form's names and values, a JSON body — before any view sees it: 400 with the field
named on a page, 422 with `{"detail", "field"}` in the API (the status of its other invalid input).

Nothing a person types has a use for NUL, and PostgreSQL cannot store it in text (it refuses the
whole statement), so letting one through turns into a 500 on one database and not the other. One
guard at the door closes it for every page and every API operation, whichever field the text goes
to; core.text's cleaning and the API's `Text` type still refuse the other control characters where
they do not belong.
"""

import json

from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, JsonResponse
from django.utils.html import escape

NUL = "\x00"


def _field_in_json(value, path: str = "") -> str | None:
    """The path (a.b.0) of the first key or text holding NUL in a decoded JSON document, if any."""
    if isinstance(value, str):
        return (path or "body") if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            if NUL in str(key):
                return here
            found = _field_in_json(item, here)
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _field_in_json(item, f"{path}.{index}" if path else str(index))
            if found:
                return found
    return None


def field_holding_nul(request) -> str | None:
    """Where the request carries NUL ("path", a parameter's or field's name), or None."""
    if NUL in request.path:
        return "path"
    for name, values in request.GET.lists():
        if NUL in name or any(NUL in value for value in values):
            return name
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return None
    try:
        if request.content_type == "application/json":
            if b"\\u0000" not in request.body:
                return None
            try:
                return _field_in_json(json.loads(request.body))
            except ValueError:
                return None  # not JSON: the API answers that itself
        if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            for name, values in request.POST.lists():
                if NUL in name or any(NUL in value for value in values):
                    return name
    except RequestDataTooBig:
        return None  # the view answers that one (413 in the API)
    return None


class RefuseNulCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        field = field_holding_nul(request)
        if field is None:
            return self.get_response(request)
        message = f"{field}: must not contain NUL characters (U+0000); remove it and send it again."
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message, "field": field}, status=422)
        return HttpResponse(
            "<!doctype html><meta charset='utf-8'><title>Bad request</title>"
            f"<h1>Bad request</h1><p>{escape(message)}</p>",
            status=400,
        )
