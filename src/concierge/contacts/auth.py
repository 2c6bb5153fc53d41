"""Authentication for the contact-facing (messenger) API: who is the customer on the other end."""

import hashlib
import hmac
import re
from datetime import timedelta

from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import APIKeyHeader

from concierge.contacts import selectors, services
from concierge.contacts.models import Contact
from concierge.core.errors import Conflict, InvalidInput, NotFound
from concierge.core.throttling import Throttle, client_address, longest_refusal, runs_of
from concierge.workspaces.models import Workspace
from concierge.workspaces.selectors import normalised_origin, origin_allowed, workspace_by_slug

WORKSPACE_HEADER = "X-Workspace"
VISITOR_HEADER = "X-Visitor-Id"
USER_HEADER = "X-User-Id"
USER_HASH_HEADER = "X-User-Hash"
# Ids as a browser or a customer's backend would send them: visible ASCII, bounded.
CONTACT_ID_PATTERN = re.compile(r"^[\x21-\x7e]{1,190}$")
SLUG_PATTERN = re.compile(r"^[a-z0-9-]{1,60}$")
SEEN_EVERY = timedelta(minutes=1)

# Guessing user hashes is throttled per user id and per client address (core.throttling): the first
# failures are free, then each next try waits twice as long, then a lock. The right hash ends the runs.
USER_HASH_USER = Throttle(
    scope="user-hash:user",
    wait_message=f"Too many wrong {USER_HASH_HEADER} values for this user. Wait {{wait}} and try again.",
    locked_message=(
        f"This user's messenger is paused for {{wait}} after {{failures}} wrong {USER_HASH_HEADER} values "
        "in a row. Check that your backend computes the hash with the workspace's identity secret."
    ),
    free_failures=5,
    lock_after=20,
    lock_for=timedelta(minutes=15),
)
USER_HASH_ADDRESS = Throttle(
    scope="user-hash:address",
    wait_message=f"Too many wrong {USER_HASH_HEADER} values from this address. Wait {{wait}} and try again.",
    locked_message=(
        f"Identified users are refused from this address for {{wait}} after {{failures}} wrong "
        f"{USER_HASH_HEADER} values in a row."
    ),
    free_failures=10,
    lock_after=50,
    lock_for=timedelta(hours=1),
)


def user_hash_for(workspace: Workspace, user_id: str) -> str:
    """The identity-verification hash a customer's backend computes for one of its users."""
    return hmac.new(workspace.identity_secret.encode(), user_id.encode(), hashlib.sha256).hexdigest()


def _refuse(message: str) -> HttpError:
    return HttpError(401, message)


class MessengerContact(APIKeyHeader):
    """Identifies the workspace and the contact of a messenger request; never takes an API key.

    Headers:
      X-Workspace: the workspace's slug (required).
      then either
      X-Visitor-Id: the anonymous visitor's id (the messenger makes one and keeps it). The contact is
                    the workspace's lead with that visitor id, created on first use.
      or
      X-User-Id:    the customer's own id for a signed-in user (the contact's external_id), with
      X-User-Hash:  hex HMAC-SHA256(workspace.identity_secret, user id), computed by the customer's
                    backend (never in the browser). The contact is the user with that external id,
                    created on first use. A missing or wrong hash is refused (compared in constant time).
    When both are sent the verified user wins. A visitor id that belongs to an identified user is
    refused: only the user id and its hash open a user's conversations.

    The workspace's messenger settings apply too (docs/messenger-setup.md): a request whose `Origin`
    header names a site the workspace does not allow is refused (403), and with "verified users only"
    an anonymous visitor is refused (403). A user id is never taken without its valid hash, whatever
    the settings.

    On success sets request.workspace and request.contact (and returns the contact); any failure is
    a 401 with a `detail` saying what to send. Use it as `Router(auth=MessengerContact())`.
    """

    param_name = WORKSPACE_HEADER
    openapi_description = (
        f"The workspace's slug in {WORKSPACE_HEADER}, and the contact: {VISITOR_HEADER} for an anonymous "
        f"visitor, or {USER_HEADER} with {USER_HASH_HEADER} = hex HMAC-SHA256(identity secret, user id) "
        "for a signed-in user."
    )

    def authenticate(self, request, key: str | None) -> Contact:
        workspace = self._workspace(key)
        self._check_origin(request, workspace)
        user_id = request.headers.get(USER_HEADER)
        if user_id is None and workspace.messenger_require_verified_identity:
            raise HttpError(
                403,
                "This workspace's messenger is for verified users only: send "
                f"{USER_HEADER} and {USER_HASH_HEADER} (anonymous visitors are turned off in its settings).",
            )
        if user_id is not None:
            contact = self._verified_user(
                workspace, user_id, request.headers.get(USER_HASH_HEADER), client_address(request)
            )
        else:
            contact = self._visitor(workspace, request.headers.get(VISITOR_HEADER))
        self._note_seen(contact)
        request.workspace = workspace
        request.contact = contact
        return contact

    @staticmethod
    def _check_origin(request, workspace: Workspace) -> None:
        """A browser names the page that sends a cross-site request in `Origin`: it must be one the
        workspace allows. Concierge's own pages (the messenger's frame) are always allowed; a request
        without the header (a server, a same-origin GET) is not a browser on another site."""
        origin = request.headers.get("Origin")
        if origin is None or origin_allowed(workspace, origin):
            return
        try:
            if normalised_origin(origin) == normalised_origin(f"{request.scheme}://{request.get_host()}"):
                return
        except InvalidInput:  # an unreadable origin or host is simply not ours
            pass
        raise HttpError(
            403,
            f"This workspace's messenger is not allowed on {origin[:100]!r}: add the origin to the "
            "workspace's allowed origins (Settings → Messenger).",
        )

    def _workspace(self, slug: str | None) -> Workspace:
        if not slug:
            raise _refuse(f"Send the workspace's slug in the {WORKSPACE_HEADER} header.")
        if not SLUG_PATTERN.match(slug):
            raise _refuse(
                f"{WORKSPACE_HEADER} must be a workspace slug (lowercase letters, digits, hyphens)."
            )
        try:
            return workspace_by_slug(slug)
        except NotFound:
            raise _refuse(f"No workspace with the slug given in {WORKSPACE_HEADER}.") from None

    def _verified_user(
        self, workspace: Workspace, user_id: str, user_hash: str | None, address: str
    ) -> Contact:
        if not CONTACT_ID_PATTERN.match(user_id):
            raise _refuse(f"{USER_HEADER} must be 1 to 190 visible ASCII characters.")
        if not user_hash:
            raise _refuse(
                f"{USER_HASH_HEADER} is required with {USER_HEADER}: hex HMAC-SHA256 of the user id, "
                "keyed with the workspace's identity secret."
            )
        user_key = f"{workspace.pk}:{user_id}"
        user_run, address_run = runs_of((USER_HASH_USER, user_key), (USER_HASH_ADDRESS, address))
        refusal = longest_refusal(
            USER_HASH_USER.refusal_for(user_run), USER_HASH_ADDRESS.refusal_for(address_run)
        )
        if refusal is not None:
            raise refusal
        if not hmac.compare_digest(
            user_hash.strip().lower().encode(), user_hash_for(workspace, user_id).encode()
        ):
            USER_HASH_USER.failed(user_key)
            USER_HASH_ADDRESS.failed(address)
            raise _refuse(f"{USER_HASH_HEADER} does not match {USER_HEADER}; identity not verified.")
        if user_run is not None:
            USER_HASH_USER.succeeded(user_key)
        if address_run is not None:
            USER_HASH_ADDRESS.succeeded(address)
        contact = selectors.contact_by_external_id(workspace, user_id)
        if contact is None:
            contact = self._created_once(
                lambda: services.contact_for_external_id(workspace, user_id),
                lambda: selectors.contact_by_external_id(workspace, user_id),
            )
        return contact

    def _visitor(self, workspace: Workspace, visitor_id: str | None) -> Contact:
        if visitor_id is None:
            raise _refuse(
                f"Send {VISITOR_HEADER} (an anonymous visitor) or {USER_HEADER} and {USER_HASH_HEADER}."
            )
        if not CONTACT_ID_PATTERN.match(visitor_id):
            raise _refuse(f"{VISITOR_HEADER} must be 1 to 190 visible ASCII characters.")
        contact = selectors.contact_by_visitor_id(workspace, visitor_id)
        if contact is None:
            contact = self._created_once(
                lambda: services.contact_for_visitor(workspace, visitor_id),
                lambda: selectors.contact_by_visitor_id(workspace, visitor_id),
            )
        # Only an anonymous lead is reached by its visitor id: a contact known by an external id (a
        # user), or merged into one, only ever with its verified identity.
        if contact.kind != Contact.Kind.LEAD or contact.external_id is not None or contact.merged_into_id:
            raise _refuse(
                f"This visitor was identified as a user: send {USER_HEADER} and {USER_HASH_HEADER} instead."
            )
        return contact

    @staticmethod
    def _created_once(create, find) -> Contact:
        """Two first requests of one new contact race to create it; the loser takes the winner's."""
        try:
            return create()
        except Conflict:
            contact = find()
            if contact is None:
                raise
            return contact

    @staticmethod
    def _note_seen(contact: Contact) -> None:
        now = timezone.now()
        if contact.last_seen_at is None or now - contact.last_seen_at > SEEN_EVERY:
            services.touch_contact(contact)
