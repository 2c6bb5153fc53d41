"""The house's floors and rooms, checked from the source (docs/architecture.md).

Read with `ast`, nothing is imported or run. The test fails when:
- an app imports an app on a higher floor (a module-level import, one inside a function, one under
  TYPE_CHECKING, or a model named lazily as "app.Model");
- a module outside a `services` room writes (`.create(`, `.save(`, `.delete(`, `bulk_*`, a
  queryset's `.update(`, raw INSERT / UPDATE / DELETE);
- a module outside `core/db.py` branches on the database vendor;
- an app grows a module that is not in its room list.
Every exception is named below with its reason, and an exception the code no longer needs fails too,
so the list stays true.
"""

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parent.parent / "src" / "concierge"

# The floors, from the ground up. An app imports only apps on its own floor or below. Apps still to
# come are named in the order they will take, so the first one to arrive knows its place.
FLOORS: list[tuple[str, ...]] = [
    ("core",),  # the shared kit: db, queue, reactions, zones, errors, text, pagination, admin
    ("workspaces",),  # workspaces, teammates, teams, API keys, the audit trail
    ("contacts",),  # users and leads
    ("events",),  # the append-only support event log and its importer
    ("conversations",),  # conversations, parts, tags, assignment, ratings: the inbox
    ("meetings",),  # 1:1 support sessions (shows a contact's conversations beside a session)
    ("helpcenter",),  # collections, articles, the public help center
    ("mail",),  # the email channel (mailboxes, inbound, threading, sending)
    ("routing",),  # triage rules, assignment methods, office hours, the rotation
    ("replies",),  # saved replies and macros (they run routing's actions), the reply coach
    ("bot",),  # automated answers from articles, handover to routing
    ("live",),  # the live streams, typing and viewing, the teammates' notifications
    ("outbound",),  # proactive messages: chats, posts, banners, tooltips, email (through mail)
    ("messenger",),  # gathers conversations, articles, answers, sessions for the customer
    ("insights",),  # learning from users: the product stand-up, product issues, the weekly digest
    ("reports",),  # the support funnel report, derived from the log
    ("web", "demo"),  # the pages' shell; the demo workspace, seeded through everyone's services
]
FLOOR_OF = {app: level for level, apps in enumerate(FLOORS) for app in apps}
ROOF = len(FLOORS)  # the project's own modules: settings, urls, the API root, the command

# The rooms every app may have (architecture.md's table), and each app's own further rooms.
COMMON_ROOMS = {
    "__init__",
    "apps",
    "models",
    "services",
    "selectors",
    "api",
    "schemas",
    "views",
    "urls",
    "forms",
    "tasks",
    "admin",
    "event_types",  # the support log's event types this app writes
    "announcements",  # what this app's services announce (core.reactions)
    "reactions",  # how this app reacts to other apps' announcements
    "migrations",
    "management",
    "templates",
    "static",
    "templatetags",
    "locale",
}
OWN_ROOMS: dict[str, dict[str, str]] = {
    "core": {
        "db": "the one place that knows the database vendor: bulk SQL, row locks, speed-ups",
        "queue": "background work enqueued with the change",
        "reactions": "announcing what happened and subscribing to it",
        "zones": "time zones and languages: how a time is said to a person, the customer pickers",
        "errors": "the errors services raise, answered as 4xx",
        "text": "cleaning text that people type",
        "pagination": "cursor pagination for the API",
        "idempotency": "Idempotency-Key for the API's creating calls",
        "dates": "dates and instants from people, kept within the calendar's bounds",
        "throttling": "slowing down, then locking, guesses at secrets",
        "request_guard": "refusing NUL in a request at the door",
        "security_headers": "the Content-Security-Policy and the other security headers",
        "database_busy": "a write that finds the database busy answered 503 with Retry-After, not 500",
        "embeddings": "static word embeddings loaded once per process for the bot and the coach",
        "search": "one search interface over FTS5 / tsvector: folding, typo correction, highlighting",
    },
    "workspaces": {
        "auth": "server-to-server authentication with a workspace API key",
        "access": "who may open a workspace's pages, and which of them by role",
        "display": "an audit entry as a person reads it",
        "emails": "the invitation email, with its link to set a password",
        "kept": "what a workspace's set-up decides, kept per process while its set-up version stays",
    },
    "contacts": {"auth": "the messenger API's authentication: which contact is on the other end"},
    "events": {
        "types": "the import format's event types (shared/spec/events.md)",
        "parsing": "reading the import format, line by line",
        "batches": "a batch of events on its way into the log",
        "followers": "what keeps itself in step with the log, registered by higher floors",
        "message_records": "who applies the log's outbound_message records, registered by outbound",
    },
    "helpcenter": {
        "public_urls": "the public help center's addresses, outside the workspace's pages",
        "public_views": "the public help center's pages, for readers without a sign-in",
        "figures_views": "the teammates' figures page: views, reactions, searches that found nothing",
    },
    "meetings": {
        "charts": "the reports' charts as data",
        "emails": "the emails about a booking, written in the customer's language",
        "errors": "the booking errors that carry a question back (night time, eligibility)",
        "invites": "calendar invitations (iCalendar)",
        "links": "signed links for managing a booking",
        "local_time": "how a session's time is said: city time, night time",
        "public_urls": "the customer's booking pages, outside the workspace's pages",
        "public_views": "the customer's booking pages",
    },
    "bot": {
        "engine": "the automated-answer engine: ranks a help center's sections for a question, or stays quiet",
        "languages": "each language's rules for the engine (stemmer, stop words, small talk, asking for a person)",
    },
    "outbound": {
        "personalisation": "a message's text filled in for a contact ({{first_name|there}}), no database",
        "schedule": "a schedule's occurrences and their instants in a zone, across DST, no database",
        "tracking": "a proactive email's signed links: open pixel, tracked links, unsubscribe (no database)",
        "public_urls": "what a proactive email links to, outside the workspace's pages",
        "public_views": "the open pixel, the tracked link's redirect and the unsubscribe page",
        "charts": "a message's figures over time as a chart's geometry, no database",
    },
    "replies": {
        "coach": "the reply coach's engine and its rules, one module per language",
        "variables": "a saved reply's variables ({{contact.first_name|there}}) filled in and checked, no database",
        "public_urls": "a saved reply's file, opened by the customer from a signed link",
        "public_views": "a saved reply's file, opened by the customer from a signed link",
    },
    "mail": {
        "credentials": "IMAP passwords encrypted at rest with a key derived from SECRET_KEY",
        "parsing": "the one parser every way in hands its raw message to (no database)",
        "composing": "the emails Concierge sends, composed with their threading headers (no database)",
        "listener": "the SMTP listener (aiosmtpd) behind `concierge mail listen`",
        "public_urls": "the conversation's page a customer opens from an email of unseen messenger replies",
        "public_views": "that page: the conversation of the link's signed token, marked seen, with a reply box",
    },
    "reports": {
        "funnel": "the funnel's definitions (shared/spec/support-report.md), without the database",
        "rollup_input": "what a batch of events changes in the rollups, gathered without the database",
        "charts": "the report's charts as data",
        "display": "the report's figures as a person reads them",
        "exports": "the report as CSV and JSON",
    },
    "live": {
        "hub": "one server process's fan-out of the recent changes to its open streams",
        "public_urls": "the customer's live stream, outside the workspace's pages",
    },
    "routing": {
        "feeds": "a teammate's support days as an iCalendar feed",
        "views_hours": "the pages of office hours, service levels and the rotation",
    },
    "web": {"sign_in": "the sign-in page and the admin's, with throttled guessing"},
    "demo": {
        "seed": "the demo workspace, seeded through the services",
        "emails": "the demo's email conversations, played through the mailbox as received and sent mail",
        "stories": "the demo conversations' stories",
        "people": "the demo's names and companies",
        "sessions": "the demo's 1:1 sessions",
        "articles": "the demo's help center: its articles imported, and two months of readers",
        "helpcenter": "the demo help center's articles, Markdown files with front matter (no code)",
        "routing": "the demo's routing rules by area and the teams' assignment methods",
        "site": "the demo's product site on its own port, with the messenger embedded by the snippet",
        "insights": "the demo's product feedback: more feature requests tagged, product issues linked",
        "saved_replies": "the demo's saved replies and macros, in English and some in Spanish",
        "outbound": "the demo's proactive messages and their history: an outage banner, onboarding posts, a chat when exports fail, a tooltip tour, a monthly email",
    },
}

# Imports from a lower floor to a higher one that are there on purpose: (importer, imported) -> why.
UPWARD_EXCEPTIONS: dict[tuple[str, str], str] = {
    ("concierge.core.models", "workspaces.Workspace"): (
        "every table of a workspace's data names its workspace (rule 2), the kit's idempotency keys "
        "too; by Django's lazy reference, without importing workspaces"
    ),
}
# Modules that write outside a services room, and why.
WRITE_EXCEPTIONS: dict[str, str] = {
    "concierge.core.db": "the database kit runs the statements that services ask of it",
}
# Modules that branch on the database vendor outside core/db.py, and why.
VENDOR_EXCEPTIONS: dict[str, str] = {
    "concierge.settings": "the connection's options per database (SQLite's WAL, busy timeout)",
}
# Migrations are history: they state the schema as it was decided, per database where it differs
# (meetings 0002: an exclusion constraint on PostgreSQL, triggers on SQLite). They are not checked
# for writes or vendor branches; their imports are.

WRITE_METHODS = {
    "create",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
    "save",
    "delete",
}
QUERYSET_METHODS = {"objects", "filter", "exclude", "all", "select_for_update", "select_related", "order_by"}
RAW_WRITE = re.compile(r"^\s*(INSERT\s+INTO|UPDATE\s+\S+\s+SET|DELETE\s+FROM)\s")  # as SQL is written here
VENDOR_WORDS = re.compile(r"postgres|sqlite|mysql|oracle", re.IGNORECASE)


@dataclass(frozen=True)
class Module:
    name: str  # concierge.conversations.services.states
    path: Path
    tree: ast.Module

    @property
    def app(self) -> str | None:
        parts = self.name.split(".")
        return parts[1] if len(parts) > 2 or (self.path.name == "__init__.py" and len(parts) > 1) else None

    @property
    def floor(self) -> int:
        return FLOOR_OF.get(self.app, ROOF) if self.app else ROOF

    @property
    def is_migration(self) -> bool:
        return ".migrations." in self.name

    @property
    def is_service(self) -> bool:
        return ".services." in self.name + "." and self.name.split(".")[2:3] == ["services"]


def read_modules(root: Path = SOURCE) -> list[Module]:
    modules = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root.parent).with_suffix("")
        parts = list(relative.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules.append(Module(".".join(parts), path, ast.parse(path.read_text(), str(path))))
    return modules


def imported_names(module: Module) -> list[str]:
    """Every module this one imports, wherever the import stands, and every model it names lazily."""
    names = []
    package = module.name if module.path.name == "__init__.py" else module.name.rsplit(".", 1)[0]
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names.append(base)
            names.extend(f"{base}.{alias.name}" for alias in node.names)
        elif (
            isinstance(node, ast.Call)
            and _callee(node) in {"ForeignKey", "OneToOneField", "ManyToManyField"}
            and not module.is_migration  # a migration repeats its models' references
        ):
            target = (
                node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "to"), None)
            )
            if isinstance(target, ast.Constant) and isinstance(target.value, str) and "." in target.value:
                names.append(target.value)  # "app_label.Model"
    return names


def floor_of_name(name: str) -> tuple[str | None, int | None]:
    """The app a dotted name belongs to and its floor: concierge.<app>.… or a lazy "<app>.Model"."""
    parts = name.split(".")
    if parts[0] == "concierge":
        if len(parts) < 2:
            return None, None
        app = parts[1]
        return (app, FLOOR_OF[app]) if app in FLOOR_OF else (app, ROOF)
    if len(parts) == 2 and parts[0] in FLOOR_OF:
        return parts[0], FLOOR_OF[parts[0]]
    return None, None


def upward_imports(modules: list[Module]) -> dict[tuple[str, str], int]:
    found = {}
    for module in modules:
        if module.app is None:
            continue
        for name in imported_names(module):
            app, floor = floor_of_name(name)
            if app is not None and app != module.app and floor > module.floor:
                if name.startswith("concierge."):
                    name = ".".join(name.split(".")[:3])
                found[(module.name, name)] = module.floor
    return found


def _callee(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    if isinstance(call.func, ast.Name):
        return call.func.id
    return None


def _receiver_names(node: ast.AST) -> set[str]:
    """The attribute and method names along a receiver chain: Conversation.objects.filter(...)."""
    names = set()
    while isinstance(node, ast.Attribute | ast.Call):
        if isinstance(node, ast.Call):
            node = node.func
            continue
        names.add(node.attr)
        node = node.value
    return names


def _strings(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
        return [str(node.values[0].value)]
    return []


def writes(module: Module) -> list[str]:
    found = []
    decorators = {
        id(decorator)
        for node in ast.walk(module.tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        for decorator in node.decorator_list
    }  # @router.delete(...) declares a route, it deletes nothing
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and id(node) not in decorators:
            method = node.func.attr
            if method in WRITE_METHODS or (
                method == "update" and _receiver_names(node.func.value) & QUERYSET_METHODS
            ):
                found.append(f"line {node.lineno}: .{method}(")
        for text in _strings(node):
            if RAW_WRITE.match(text):
                found.append(f"line {node.lineno}: raw {text.split()[0].upper()}")
    return found


def vendor_branches(module: Module) -> list[str]:
    found = []
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Attribute) and node.attr == "vendor":
            found.append(f"line {node.lineno}: .vendor")
        elif isinstance(node, ast.Call) and _callee(node) in {"is_postgresql", "is_sqlite"}:
            found.append(f"line {node.lineno}: {_callee(node)}()")
        elif isinstance(node, ast.FunctionDef) and re.match(
            r"as_(postgresql|sqlite|mysql|oracle)$", node.name
        ):
            found.append(f"line {node.lineno}: def {node.name}")
        elif isinstance(node, ast.Compare):
            for side in [node.left, *node.comparators]:
                if any(VENDOR_WORDS.search(text) for text in _strings(side)):
                    found.append(f"line {node.lineno}: compares with a database's name")
    return found


def rooms_outside_the_list(root: Path = SOURCE) -> list[str]:
    found = []
    for app in sorted(FLOOR_OF):
        folder = root / app
        if not folder.is_dir():
            continue
        allowed = COMMON_ROOMS | set(OWN_ROOMS.get(app, {}))
        for entry in sorted(folder.iterdir()):
            if entry.name == "__pycache__" or (entry.is_file() and entry.suffix != ".py"):
                continue
            if entry.stem not in allowed:
                found.append(f"{app}/{entry.name}")
    return found


@pytest.fixture(scope="module")
def modules() -> list[Module]:
    return read_modules()


def test_every_app_of_the_project_has_a_floor():
    apps = {p.name for p in SOURCE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert apps - set(FLOOR_OF) == set(), "an app without a floor: add it to FLOORS and docs/architecture.md"


def test_no_app_imports_an_app_on_a_higher_floor(modules):
    found = upward_imports(modules)
    unexplained = sorted(
        f"{importer} -> {imported}"
        for importer, imported in found
        if (importer, imported) not in UPWARD_EXCEPTIONS
    )
    assert unexplained == []
    stale = sorted(f"{a} -> {b}" for a, b in UPWARD_EXCEPTIONS if (a, b) not in found)
    assert stale == [], "an exception the code no longer needs: remove it"


def test_only_services_write(modules):
    found = {
        module.name: hits
        for module in modules
        if not (module.is_service or module.is_migration)
        and module.name not in WRITE_EXCEPTIONS
        and (hits := writes(module))
    }
    assert found == {}
    stale = [name for name in WRITE_EXCEPTIONS if not writes(next(m for m in modules if m.name == name))]
    assert stale == []


def test_only_core_db_branches_on_the_database_vendor(modules):
    found = {
        module.name: hits
        for module in modules
        if module.name != "concierge.core.db"
        and not module.is_migration
        and module.name not in VENDOR_EXCEPTIONS
        and (hits := vendor_branches(module))
    }
    assert found == {}
    stale = [
        name for name in VENDOR_EXCEPTIONS if not vendor_branches(next(m for m in modules if m.name == name))
    ]
    assert stale == []


def test_every_module_of_an_app_is_one_of_its_rooms():
    assert rooms_outside_the_list() == []


# The checker itself: each rule catches what it is for (an upward import must fail the test).


def _tree(tmp_path: Path, files: dict[str, str]) -> list[Module]:
    root = tmp_path / "concierge"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        for folder in [path.parent, *path.parent.parents]:
            if folder == root.parent:
                break
            (folder / "__init__.py").touch()
        path.write_text(text)
    return read_modules(root)


@pytest.mark.parametrize(
    "source",
    [
        "from concierge.reports.models import SupportSession\n",
        "import concierge.reports.selectors\n",
        "def later():\n    from concierge.reports import selectors\n",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from concierge.reports.models import X\n",
        "from django.db import models\nclass A(models.Model):\n    s = models.ForeignKey('reports.SupportSession', on_delete=models.CASCADE)\n",
    ],
)
def test_an_upward_import_is_caught_however_it_is_written(tmp_path, source):
    modules = _tree(tmp_path, {"contacts/services.py": source, "reports/models.py": ""})
    assert list(upward_imports(modules)) != []


def test_a_downward_or_relative_import_is_not_caught(tmp_path):
    modules = _tree(
        tmp_path,
        {
            "reports/selectors.py": "from concierge.contacts.models import Contact\nfrom . import models\n",
            "reports/models.py": "",
            "contacts/models.py": "",
        },
    )
    assert upward_imports(modules) == {}


@pytest.mark.parametrize(
    "source",
    [
        "Tag.objects.create(name='x')\n",
        "tag.save()\n",
        "Tag.objects.filter(pk=1).update(name='x')\n",
        "Tag.objects.bulk_create([])\n",
        "tag.delete()\n",
        "cursor.execute('DELETE FROM tags')\n",
        "cursor.execute(f'INSERT INTO {table} VALUES (1)')\n",
        "cursor.execute('UPDATE tags SET name = 1')\n",
    ],
)
def test_a_write_outside_services_is_caught(tmp_path, source):
    modules = _tree(tmp_path, {"conversations/views.py": source, "conversations/services/tags.py": source})
    by_name = {m.name: m for m in modules}
    assert writes(by_name["concierge.conversations.views"]) != []
    assert by_name["concierge.conversations.services.tags"].is_service


@pytest.mark.parametrize(
    "source",
    [
        "found = {}\nfound.update(a=1)\n",
        "@router.delete('/tags/{tag_id}', summary='Delete a tag')\ndef delete_tag(request, tag_id):\n    pass\n",
        'def update_contact():\n    """Update the contact, DELETE nothing."""\n',
    ],
)
def test_what_only_looks_like_a_write_is_not_caught(tmp_path, source):
    (module,) = _tree(tmp_path, {"reports/views.py": source})[-1:]
    assert writes(module) == []


@pytest.mark.parametrize(
    "source",
    [
        "if connection.vendor == 'postgresql':\n    pass\n",
        "if is_postgresql():\n    pass\n",
        "class F(Func):\n    def as_sqlite(self, compiler, connection):\n        pass\n",
        "engine = 'x'\nif engine == 'django.db.backends.sqlite3':\n    pass\n",
    ],
)
def test_a_vendor_branch_is_caught(tmp_path, source):
    (module,) = _tree(tmp_path, {"meetings/selectors.py": source})[-1:]
    assert vendor_branches(module) != []


def test_a_module_outside_the_room_list_is_caught(tmp_path):
    _tree(tmp_path, {"contacts/utils.py": "", "contacts/services.py": ""})
    assert rooms_outside_the_list(tmp_path / "concierge") == ["contacts/utils.py"]
