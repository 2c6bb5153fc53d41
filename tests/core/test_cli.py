"""The workspace commands: createworkspace (including bad input and the password prompt) and createapikey."""

import io
import os
import pty
import select
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command

from concierge.workspaces.models import ApiKey, Workspace
from tests.conftest import PASSWORD

CONCIERGE = str(Path(sys.executable).with_name("concierge"))


def create_workspace_command(*extra: str, slug: str = "globex", timezone: str = "Europe/Belgrade") -> str:
    out = io.StringIO()
    call_command(
        "createworkspace",
        "--name",
        "Globex",
        "--slug",
        slug,
        "--timezone",
        timezone,
        "--owner-email",
        "boss@globex.test",
        *extra,
        stdout=out,
    )
    return out.getvalue()


def test_createworkspace_creates_the_workspace_and_an_owner_who_can_sign_in(db):
    output = create_workspace_command("--owner-password", PASSWORD, "--owner-name", "Gina Boss")

    workspace = Workspace.objects.get(slug="globex")
    assert workspace.name == "Globex"
    assert workspace.timezone == "Europe/Belgrade"
    owner = workspace.teammates.get()
    assert (owner.role, owner.name, owner.email) == ("owner", "Gina Boss", "boss@globex.test")
    assert authenticate(username="boss@globex.test", password=PASSWORD) == owner.user
    assert "Created workspace 'Globex' (globex, Europe/Belgrade)" in output


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"timezone": "Mars/Olympus_Mons"}, "is not a known IANA time zone"),
        ({"slug": "-bad slug-"}, "must be 1-60 lowercase letters"),
        ({"password": "123"}, "This password is too short"),
        ({"password": "password123"}, "This password is too common"),
    ],
)
def test_createworkspace_refuses_bad_input_and_writes_nothing(db, arguments, message):
    with pytest.raises(CommandError, match=message):
        create_workspace_command(
            "--owner-password",
            arguments.get("password", PASSWORD),
            slug=arguments.get("slug", "globex"),
            timezone=arguments.get("timezone", "Europe/Belgrade"),
        )
    assert not Workspace.objects.exists()
    assert not get_user_model().objects.filter(username="boss@globex.test").exists()


def test_createworkspace_refuses_a_slug_already_taken(workspace):
    with pytest.raises(CommandError, match="A workspace with slug 'acme' already exists"):
        create_workspace_command("--owner-password", PASSWORD, slug="acme")
    assert Workspace.objects.count() == 1
    assert not get_user_model().objects.filter(username="boss@globex.test").exists()


def test_createworkspace_without_a_password_or_a_terminal_says_what_to_do(db, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    with pytest.raises(CommandError, match="No --owner-password given and no terminal"):
        create_workspace_command()
    assert not Workspace.objects.exists()


def run_in_a_terminal(args: list[str], env: dict, prompt: bytes, answers: list[str]) -> tuple[int, str]:
    """Run the real `concierge` command on a pseudo-terminal, typing one answer at each prompt."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the pty is its controlling terminal, so getpass reads from it
        os.execve(CONCIERGE, [CONCIERGE, *args], env)
    screen, answered, timed_out = b"", 0, False
    try:
        while True:
            if not select.select([fd], [], [], 60)[0]:
                timed_out = True
                break
            try:
                chunk = os.read(fd, 1024)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            screen += chunk
            # Answer only once the prompt is on screen: getpass flushes what was typed before it.
            if answered < len(answers) and screen.count(prompt) > answered:
                os.write(fd, answers[answered].encode() + b"\n")
                answered += 1
    finally:
        os.close(fd)
    if timed_out:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), screen.decode(errors="replace")


def test_createworkspace_asks_for_the_password_on_a_terminal(tmp_path):
    env = {
        **os.environ,
        "CONCIERGE_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
    }
    subprocess.run([CONCIERGE, "migrate", "-v0"], env=env, check=True)
    args = ["createworkspace", "--name", "Initech", "--slug", "initech", "--timezone", "America/Chicago"]
    args += ["--owner-email", "bill@initech.test"]

    code, screen = run_in_a_terminal(args, env, b"password", [PASSWORD, PASSWORD])

    assert code == 0, screen
    assert "Owner password:" in screen
    assert PASSWORD not in screen  # typed without echo
    assert "Created workspace 'Initech'" in screen
    check = "from django.contrib.auth import authenticate; print(authenticate(username='bill@initech.test', password='%s'))"
    result = subprocess.run(
        [CONCIERGE, "shell", "-c", check % PASSWORD], env=env, check=True, capture_output=True, text=True
    )
    assert "bill@initech.test" in result.stdout


def test_createapikey_prints_a_key_that_opens_the_api_once(workspace, client):
    out, err = io.StringIO(), io.StringIO()
    call_command("createapikey", "--workspace", "acme", "--name", "CRM sync", stdout=out, stderr=err)

    raw_key = out.getvalue().strip()
    assert raw_key.startswith("ck_")
    assert "not shown again" in err.getvalue()
    key = ApiKey.objects.get(workspace=workspace)
    assert key.name == "CRM sync"
    assert raw_key not in (key.key_hash, key.prefix)
    response = client.get("/api/v1/workspace", headers={"Authorization": f"Bearer {raw_key}"})
    assert response.status_code == 200
    assert response.json()["slug"] == "acme"


def test_createapikey_for_an_unknown_workspace_creates_nothing(workspace):
    with pytest.raises(CommandError, match="No workspace with slug 'nope'"):
        call_command("createapikey", "--workspace", "nope")
    assert not ApiKey.objects.exists()


COMMAND_RECORDING_THE_URL_MAP = """
import sys
from concierge.cli import main
try:
    main()
finally:
    print("url map built:", "concierge.urls" in sys.modules, file=sys.stderr)
"""


def test_commands_that_need_no_url_map_skip_the_system_checks_that_build_it(tmp_path):
    env = {
        **os.environ,
        "CONCIERGE_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
    }
    subprocess.run([CONCIERGE, "migrate", "-v0"], env=env, check=True)

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-c", COMMAND_RECORDING_THE_URL_MAP, *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    created = run(
        "createworkspace", "--name", "Initech", "--slug", "initech", "--timezone", "UTC",
        "--owner-email", "bill@initech.test", "--owner-password", PASSWORD,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    assert "url map built: False" in created.stderr
    key = run("createapikey", "--workspace", "initech")
    assert key.returncode == 0 and "url map built: False" in key.stderr
    report = run("report", "support", "--workspace", "initech", "--from", "2026-01-01", "--to", "2026-01-31")
    assert report.returncode == 0, report.stderr
    assert "Initech" in report.stdout and "url map built: False" in report.stderr
    # A command that serves pages still checks them.
    checked = run("check")
    assert checked.returncode == 0 and "url map built: True" in checked.stderr
