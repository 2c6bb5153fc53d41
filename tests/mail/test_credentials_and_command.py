"""The IMAP password at rest, and `concierge mail listen`'s refusals."""

import socket

import pytest
from django.core.management import CommandError, call_command

from concierge.core.errors import InvalidInput
from concierge.mail.credentials import decrypt_password, encrypt_password


def test_a_password_is_encrypted_and_read_back_with_the_same_secret_key():
    token = encrypt_password("imap-secret")
    assert "imap-secret" not in token
    assert decrypt_password(token) == "imap-secret"
    assert encrypt_password("imap-secret") != token  # a fresh IV each time


def test_after_the_secret_key_changed_the_password_must_be_entered_again(settings):
    token = encrypt_password("imap-secret")
    settings.SECRET_KEY = "another-secret-key-entirely-" + "x" * 30
    with pytest.raises(InvalidInput, match="enter the password again"):
        decrypt_password(token)


@pytest.mark.parametrize("port", ["0", "70000"])
def test_listen_refuses_a_port_out_of_range(port):
    with pytest.raises(CommandError, match="--port must be a number from 1 to 65535"):
        call_command("mail", "listen", "--port", port)


def test_listen_says_when_the_port_is_taken():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(CommandError, match=f"Cannot listen on 127.0.0.1:{port}"):
            call_command("mail", "listen", "--port", str(port))
