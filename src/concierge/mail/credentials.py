"""IMAP passwords encrypted at rest: Fernet (AES-128-CBC + HMAC-SHA256) with a key derived from
SECRET_KEY by HKDF-SHA256, so the database alone does not give the mailbox away
(docs/decisions/imap-passwords-encrypted-with-fernet.md)."""

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from concierge.core.errors import InvalidInput

# Binds the derived key to this one use: another feature deriving from SECRET_KEY gets another key.
KEY_PURPOSE = b"concierge.mail.imap-password.v1"


def _fernet() -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=KEY_PURPOSE).derive(
        settings.SECRET_KEY.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt_password(password: str) -> str:
    return _fernet().encrypt(password.encode()).decode() if password else ""


def decrypt_password(token: str) -> str:
    """The IMAP password; a clear error when SECRET_KEY changed since it was stored."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise InvalidInput(
            "The stored IMAP password cannot be read with this SECRET_KEY; enter the password again.",
            field="imap_password",
        ) from exc
