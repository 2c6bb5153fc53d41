"""The demo's product site: a small "Acme Analytics" page on its own port (DEMO_SITE_PORT, else the
demo's port + 1) with the messenger embedded through the install snippet, so a newcomer can be the
customer in one window and the teammate in another.

The page is made once, before serving: the signed-in user's `user_hash` is computed here, on the
"server" side, as a product's backend would; `?visitor` shows the page to an anonymous visitor. A
stdlib HTTP server in a thread serves it and stops with the demo; it reads no database.
"""

import html
import json
import os
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from concierge.contacts.auth import user_hash_for
from concierge.contacts.selectors import contact_by_external_id
from concierge.workspaces.models import Workspace
from concierge.workspaces.services import Actor, update_messenger_settings

# The seeded customer the page is signed in as (demo/seed.py makes usr_00001 … with a history).
DEMO_SITE_USER_ID = "usr_00001"
DEMO_SITE_ENV = "DEMO_SITE_PORT"


def demo_site_port(concierge_port: int) -> int:
    """DEMO_SITE_PORT, else the demo's port + 1; ValueError says what is wrong with a bad value."""
    value = os.environ.get(DEMO_SITE_ENV, "")
    if not value:
        port = concierge_port + 1
    elif value.isascii() and value.isdigit():
        port = int(value)
    else:
        raise ValueError(f"{DEMO_SITE_ENV} must be a number from 1 to 65535, not '{value[:20]}'.")
    if not 0 < port < 65536:
        raise ValueError(f"{DEMO_SITE_ENV} must be a number from 1 to 65535, not {port}.")
    if port == concierge_port:
        raise ValueError(f"{DEMO_SITE_ENV} must differ from the port Concierge serves on ({port}).")
    return port


def site_origin(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("", "0.0.0.0") else "[::1]" if host == "::" else host
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def allow_the_demo_site(workspace: Workspace, origin: str) -> Workspace:
    """The demo workspace lets the site's origin embed its messenger (added once, audited)."""
    origins = list(workspace.messenger_allowed_origins or [])
    if origin in origins:
        return workspace
    return update_messenger_settings(
        workspace, allowed_origins=[*origins, origin], actor=Actor.for_command("demo")
    )


@dataclass(frozen=True)
class DemoSitePages:
    signed_in: bytes
    visitor: bytes


def demo_site_pages(workspace: Workspace, concierge_address: str) -> DemoSitePages:
    """Both pages, with the snippet naming `concierge_address` ("http://127.0.0.1:8000/")."""
    contact = contact_by_external_id(workspace, DEMO_SITE_USER_ID)
    name = contact.name if contact is not None else "Demo User"
    email = contact.email if contact is not None else ""
    boot = {
        "user_id": DEMO_SITE_USER_ID,
        "user_hash": user_hash_for(workspace, DEMO_SITE_USER_ID),
        "name": name,
        "email": email,
    }
    return DemoSitePages(
        signed_in=_page(workspace, concierge_address, boot, person=name).encode(),
        visitor=_page(workspace, concierge_address, {}, person=None).encode(),
    )


def _script_json(value: dict) -> str:
    """JSON safe inside a <script> element."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _page(workspace: Workspace, address: str, boot: dict, *, person: str | None) -> str:
    loader = html.escape(address.rstrip("/") + "/messenger.js")
    slug = html.escape(workspace.slug)
    who = (
        f'Signed in as <strong>{html.escape(person)}</strong> · <a href="/?visitor">Be an anonymous visitor</a>'
        if person
        else 'Anonymous visitor · <a href="/">Sign in as a customer</a>'
    )
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Acme Analytics · Dashboard</title>
<style>
  body {{ margin: 0; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; background: #f4f6fa; color: #1d2433; }}
  header {{ display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; justify-content: space-between;
           padding: .9rem 1.5rem; background: #1d2433; color: #fff; }}
  header a {{ color: #b9cbff; }}
  .brand {{ font-weight: 700; font-size: 1.1rem; }}
  main {{ max-width: 72rem; margin: 0 auto; padding: 1.5rem; }}
  .cards {{ display: grid; grid-template-columns: repeat(auto-fit, minmax(13rem, 1fr)); gap: 1rem; }}
  .card {{ background: #fff; border-radius: 12px; padding: 1rem 1.25rem; box-shadow: 0 1px 3px rgba(0,0,0,.08); }}
  .figure {{ font-size: 1.8rem; font-weight: 700; margin: .25rem 0; }}
  .up {{ color: #1a7f4b; }} .down {{ color: #b42318; }}
  .chart {{ display: flex; align-items: flex-end; gap: 6px; height: 140px; margin-top: 1rem; }}
  .chart span {{ flex: 1; background: #2f5bd3; border-radius: 4px 4px 0 0; opacity: .85; }}
  .muted {{ color: #5b6475; font-size: .9rem; }}
</style>
</head>
<body>
<header><span class="brand">Acme Analytics</span><span class="who">{who}</span></header>
<main>
  <h1>Dashboard</h1>
  <p class="muted">A sample product page: the messenger in the corner is {html.escape(workspace.name)}'s support, served by Concierge.</p>
  <section class="cards" aria-label="This week">
    <div class="card"><div class="muted">Visitors</div><div class="figure">48,210</div><div class="up">+12.4% on last week</div></div>
    <div class="card"><div class="muted">Sign-ups</div><div class="figure">1,284</div><div class="up">+3.1%</div></div>
    <div class="card"><div class="muted">Conversion</div><div class="figure">2.66%</div><div class="down">−0.2 pt</div></div>
    <div class="card"><div class="muted">Revenue</div><div class="figure">$38,940</div><div class="up">+8.9%</div></div>
  </section>
  <section class="card" style="margin-top:1rem" aria-label="Visitors per day">
    <div class="muted">Visitors per day, last two weeks</div>
    <div class="chart" aria-hidden="true">{"".join(f'<span style="height:{h}%"></span>' for h in (42, 55, 48, 61, 70, 38, 33, 52, 64, 59, 73, 81, 44, 40))}</div>
  </section>
</main>
<script src="{loader}" data-workspace="{slug}" async></script>
<script>window.Concierge = window.Concierge || function(){{(Concierge.q = Concierge.q || []).push(arguments)}};
Concierge('boot', {_script_json(boot)});</script>
</body>
</html>
"""


class DemoSite:
    """The product site on its own port (bound when made, so port 0 picks a free one), served from a
    thread from `start(pages)` until `stop()`."""

    def __init__(self, *, host: str, port: int):
        self.pages = DemoSitePages(signed_in=b"", visitor=b"")
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the stdlib's name
                parts = urlsplit(self.path)
                if parts.path not in ("/", "/index.html"):
                    self._send(404, b"Not found\n", "text/plain; charset=utf-8")
                    return
                visitor = "visitor" in parts.query.split("&") or parts.query.startswith("visitor=")
                body = site.pages.visitor if visitor else site.pages.signed_in
                self._send(200, body, "text/html; charset=utf-8")

            def do_HEAD(self):  # noqa: N802
                self.do_GET()

            def _send(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def log_message(self, format, *args):  # noqa: A002 - quiet, like the demo's other servers
                pass

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name="demo-site", daemon=True)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def start(self, pages: DemoSitePages) -> "DemoSite":
        self.pages = pages
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
