"""A throwaway Dovecot IMAP server on a loopback port: its own configuration, users, mail and logs
in a temporary folder, started in the foreground and stopped after the test."""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
INSTALL_HINT = "Debian's dovecot-imapd is not installed here; `make imap-server` installs it"


def dovecot_is_installed() -> bool:
    return os.path.exists(DOVECOT)


@dataclass
class ImapServer:
    host: str
    port: int
    user: str
    password: str
    folder: Path
    process: subprocess.Popen
    imaps_port: int = 0  # with TLS: the IMAPS port (the plain port offers STARTTLS)
    certificate: Path | None = None  # with TLS: the server's self-signed certificate, to trust


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _mail_owner() -> tuple[int, int]:
    """Whose mail files: the user running the tests, or Dovecot's own user when that is root (a
    mail user may not be root)."""
    if os.getuid() != 0:
        return os.getuid(), os.getgid()
    entry = pwd.getpwnam("dovecot")
    return entry.pw_uid, entry.pw_gid


def _self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, made with the openssl command for this server only."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def _config(
    folder: Path, port: int, *, imaps_port: int = 0, cert: Path | None = None, key: Path | None = None
) -> str:
    uid, gid = _mail_owner()
    as_root = os.getuid() == 0
    user = "dovecot" if as_root else pwd.getpwuid(os.getuid()).pw_name
    login_user = "dovenull" if as_root else user
    return f"""
protocols = imap
listen = 127.0.0.1
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
{f"ssl = yes{chr(10)}ssl_cert = <{cert}{chr(10)}ssl_key = <{key}" if cert else "ssl = no"}
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 0
default_internal_user = {user}
default_login_user = {login_user}
mail_location = maildir:{folder}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {folder}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={folder}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = 0
  }}
  inet_listener pop3s {{
    port = 0
  }}
}}
"""


def start_dovecot(*, tls: bool = False) -> ImapServer:
    """In a folder of its own that Dovecot's processes (its users, when run as root) can read. With
    `tls`, a self-signed certificate: IMAPS on a port of its own and STARTTLS on the plain one."""
    folder = Path(tempfile.mkdtemp(prefix="concierge-dovecot-"))
    os.chmod(folder, 0o755)
    port = _free_port()
    imaps_port = _free_port() if tls else 0
    cert, key = _self_signed_certificate(folder) if tls else (None, None)
    uid, gid = _mail_owner()
    for sub in ("run", "state", "mail", "home"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    for sub in ("mail", "home"):
        os.chown(folder / sub, uid, gid)
    (folder / "users").write_text("support@acme.test:{PLAIN}imap-secret\n")
    config = folder / "dovecot.conf"
    config.write_text(_config(folder, port, imaps_port=imaps_port, cert=cert, key=key))
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(config)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (folder / "dovecot.log").read_text() if (folder / "dovecot.log").exists() else ""
            raise RuntimeError(f"Dovecot stopped at start: {process.stdout.read().decode()} {log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                if sock.recv(100).startswith(b"* OK"):
                    return ImapServer(
                        "127.0.0.1",
                        port,
                        "support@acme.test",
                        "imap-secret",
                        folder,
                        process,
                        imaps_port,
                        cert,
                    )
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError("Dovecot did not answer on its port within 20 seconds")


def stop_dovecot(server: ImapServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
    shutil.rmtree(server.folder, ignore_errors=True)
