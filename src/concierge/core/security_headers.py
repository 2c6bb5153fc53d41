"""The security headers every response carries, the Content-Security-Policy first.

The policy is strict: everything from this site only ('self'), no inline script or style, no
plugins, no framing. It is written once, as the CONTENT_SECURITY_POLICY setting (directive -> list
of sources, the shape Django 6's own SECURE_CSP takes), and a view that needs more for one response
says so with `widen_content_security_policy(response, frame_ancestors=[...])` — e.g. the messenger's
iframe, framed by the origins a workspace allows. Nothing else writes the header.

Beside it: Permissions-Policy (no camera, microphone, geolocation, …) and Cross-Origin-Resource-Policy.
Django's SecurityMiddleware sends the others a scanner looks for, as configured in settings:
Referrer-Policy, X-Content-Type-Options, Cross-Origin-Opener-Policy, and HSTS on HTTPS requests.
"""

from collections.abc import Iterable

from django.conf import settings

SELF = "'self'"
NONE = "'none'"

CSP_HEADER = "Content-Security-Policy"
WIDENED_ATTRIBUTE = "_concierge_csp_widened"


def widen_content_security_policy(response, **directives: Iterable[str]):
    """Add sources to directives of this one response; keyword names use _ for - (frame_ancestors).

    A directive that was 'none' gets exactly the sources added. Widening frame-ancestors also lifts
    X-Frame-Options for this response, since the policy then says who may frame it. Returns the
    response."""
    widened = getattr(response, WIDENED_ATTRIBUTE, {})
    for name, sources in directives.items():
        directive = name.replace("_", "-")
        widened.setdefault(directive, [])
        widened[directive].extend(source for source in sources if source not in widened[directive])
        if directive == "frame-ancestors":
            response.xframe_options_exempt = True
    setattr(response, WIDENED_ATTRIBUTE, widened)
    return response


def content_security_policy(widened: dict[str, list[str]] | None = None) -> str:
    """The header's value: the setting's policy with this response's additions."""
    policy = {directive: list(sources) for directive, sources in settings.CONTENT_SECURITY_POLICY.items()}
    for directive, sources in (widened or {}).items():
        current = [source for source in policy.get(directive, []) if source != NONE]
        policy[directive] = current + [source for source in sources if source not in current]
    return "; ".join(
        " ".join([directive, *sources]) if sources else directive for directive, sources in policy.items()
    )


class SecurityHeadersMiddleware:
    """Sets Content-Security-Policy, Permissions-Policy and Cross-Origin-Resource-Policy on every
    response that does not carry its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if CSP_HEADER not in response:
            response[CSP_HEADER] = content_security_policy(getattr(response, WIDENED_ATTRIBUTE, None))
        if settings.PERMISSIONS_POLICY and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = settings.PERMISSIONS_POLICY
        if settings.CROSS_ORIGIN_RESOURCE_POLICY and "Cross-Origin-Resource-Policy" not in response:
            response["Cross-Origin-Resource-Policy"] = settings.CROSS_ORIGIN_RESOURCE_POLICY
        return response
