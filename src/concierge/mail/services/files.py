"""A message's raw text and its attachments, kept through Django's storage API. Files are written
before the rows that name them and removed again when those rows do not commit, so a failed message
leaves nothing behind."""

import contextlib
import uuid
from collections.abc import Iterator

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone


class FilesOfOneMessage:
    def __init__(self):
        self.names: list[str] = []

    def save(self, folder: str, suffix: str, content: bytes) -> str:
        now = timezone.now()
        name = default_storage.save(
            f"mail/{folder}/{now:%Y/%m}/{uuid.uuid4().hex}{suffix}", ContentFile(content)
        )
        self.names.append(name)
        return name

    def remove_all(self) -> None:
        for name in self.names:
            with contextlib.suppress(OSError):
                default_storage.delete(name)


@contextlib.contextmanager
def files_kept_only_on_success() -> Iterator[FilesOfOneMessage]:
    files = FilesOfOneMessage()
    try:
        yield files
    except BaseException:
        files.remove_all()
        raise


def read_stored(name: str) -> bytes:
    with default_storage.open(name, "rb") as stored:
        return stored.read()
