"""A saved reply's file, opened by the customer from the link under the message it was sent in
(replies.services.saved_replies.send_files_with_reply): the signed link is the key."""

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from concierge.replies.selectors.saved_replies import attachment_of_file_link
from concierge.replies.services.saved_replies import FILE_LINK_SALT

MAX_TOKEN_LENGTH = 300


@require_GET
def saved_reply_file(request, token: str):
    found = attachment_of_file_link(token, FILE_LINK_SALT) if len(token) <= MAX_TOKEN_LENGTH else None
    if found is None:
        raise Http404("This file link is not valid, or the file is no longer shared.")
    response = FileResponse(
        default_storage.open(found.file.name, "rb"),
        as_attachment=True,
        filename=found.name,
        content_type="application/octet-stream",
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
