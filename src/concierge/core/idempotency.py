"""`Idempotency-Key` for the API's creating calls: a repeat returns the first answer, runs nothing.

Put `@idempotent` under the route decorator of a POST operation. The view must return a response
schema instance, or `ninja.Status(code, instance)`. With the header, the key is claimed, the view
runs and its answer is stored, all in one transaction; a repeat (same workspace and caller, method,
path and key) gets the stored status and body back with `Idempotent-Replayed: true`. Only a call that
succeeds is remembered: one that fails changes nothing, so it may be corrected and sent again with
the same key.
"""

import hashlib
import json
import re
from functools import wraps

from django.db import transaction
from django.http import HttpResponse
from ninja import Status
from ninja.responses import NinjaJSONEncoder
from pydantic import BaseModel

from concierge.core.errors import Conflict, InvalidInput
from concierge.core.models import IdempotencyKey
from concierge.core.services import claim_idempotency_key, record_idempotent_answer

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")
JSON_CONTENT_TYPE = "application/json; charset=utf-8"


def idempotent(view):
    @wraps(view)
    def run_once(request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return view(request, *args, **kwargs)
        if not KEY_PATTERN.match(key):
            raise InvalidInput(
                f"{HEADER} must be 1 to 255 visible ASCII characters (a random UUID is a good choice).",
                field=HEADER,
            )
        request_hash = fingerprint_of_body(request.body)
        with transaction.atomic():
            record, claimed = claim_idempotency_key(
                request.workspace.pk,
                caller=caller_of(request),
                method=request.method,
                path=request.path,
                key=key,
                request_hash=request_hash,
            )
            if not claimed:
                return replay(record, request_hash)
            status_code, body = render_answer(view(request, *args, **kwargs))
            record_idempotent_answer(record, status_code=status_code, body=body)
        return HttpResponse(body, status=status_code, content_type=JSON_CONTENT_TYPE)

    return run_once


def caller_of(request) -> str:
    """Keys are per workspace for API keys, and per contact for the messenger."""
    contact = getattr(request, "contact", None)
    return f"contact:{contact.pk}" if contact is not None else "api"


def fingerprint_of_body(body: bytes) -> str:
    """SHA-256 of the body; JSON is compared by meaning, not by spacing or key order."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except (ValueError, UnicodeDecodeError):
        canonical = body
    return hashlib.sha256(canonical).hexdigest()


def render_answer(result) -> tuple[int, str]:
    status_code = 200
    if isinstance(result, Status):
        status_code, result = result.status_code, result.value
    if not isinstance(result, BaseModel):
        raise TypeError("an @idempotent view must return a response schema instance")
    # Rendered as ninja renders a plain answer, so a stored answer reads the same as a fresh one.
    return status_code, json.dumps(result.model_dump(by_alias=True), cls=NinjaJSONEncoder)


def replay(record: IdempotencyKey, request_hash: str) -> HttpResponse:
    if record.request_hash != request_hash:
        raise InvalidInput(
            f"This {HEADER} was already used for a different request body on this endpoint; "
            "send a new key for a new request.",
            field=HEADER,
        )
    if record.status_code is None:
        raise Conflict(f"A request with this {HEADER} is still being processed; retry shortly.")
    response = HttpResponse(record.response_body, status=record.status_code, content_type=JSON_CONTENT_TYPE)
    response[REPLAYED_HEADER] = "true"
    return response
