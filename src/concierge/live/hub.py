"""One server process's fan-out: a thread reads the new changes once for every open stream of the
process (woken by PostgreSQL's NOTIFY, or polling SQLite every 100 ms) and hands each to the queues
of the streams whose workspace and audience it is for. Never one query per connection.

A change's event text is made once and shared by all the streams it goes to. A stream whose queue
is full (a client that stopped reading) is ended; its browser comes back with Last-Event-ID and
reads what it missed from the table.
"""

import asyncio
import contextlib
import logging
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field

import orjson
from django.db import close_old_connections, connection

from concierge.core.db import change_listener
from concierge.live.selectors import changes_since, last_change_id
from concierge.live.services import CHANNEL

logger = logging.getLogger("concierge.live")

POLL_EVERY = 0.1  # seconds, SQLite (and PostgreSQL's fallback when a NOTIFY is lost: every second)
WAKE_CHECK_EVERY = 1.0
GAP_WAIT = 5.0  # seconds an id skipped by a transaction still open is looked for again
QUEUE_SIZE = 1000


def event_frame(change_id: int, kind: str, payload: dict) -> bytes:
    """One server-sent event."""
    return b"id: %d\nevent: %s\ndata: %s\n\n" % (change_id, kind.encode(), orjson.dumps(payload))


@dataclass(eq=False)
class Stream:
    """One open connection: its audiences and the queue its events wait in."""

    workspace_id: int
    audiences: tuple[str, ...]
    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue = field(default_factory=lambda: asyncio.Queue(QUEUE_SIZE))
    ended: bool = False

    def deliver(self, change_id: int, frame: bytes) -> None:
        """From the fan-out thread."""
        try:
            self.loop.call_soon_threadsafe(self._put, change_id, frame)
        except RuntimeError:  # its event loop is gone
            self.ended = True

    def _put(self, change_id: int, frame: bytes | None) -> None:
        if self.ended:
            return
        try:
            self.queue.put_nowait((change_id, frame))
        except asyncio.QueueFull:
            self.ended = True
            self.queue.get_nowait()
            self.queue.put_nowait((0, None))  # tells the stream to end

    def end(self) -> None:
        self.deliver(0, None)


class Hub:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._streams: dict[tuple[int, str], set[Stream]] = defaultdict(set)
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self.delivered = 0

    @property
    def open_streams(self) -> int:
        with self._lock:
            return len({s for streams in self._streams.values() for s in streams})

    def open(self, workspace_id: int, audiences: tuple[str, ...]) -> Stream:
        """Register a stream (in its event loop's thread). Its events are the changes written after this
        returns: the first stream of the process waits until the fan-out knows where the log stands."""
        stream = Stream(workspace_id, tuple(audiences), asyncio.get_running_loop())
        with self._lock:
            for audience in stream.audiences:
                self._streams[(workspace_id, audience)].add(stream)
            if self._thread is None or not self._thread.is_alive():
                self._stopping.clear()
                ready = threading.Event()
                self._thread = threading.Thread(
                    target=self._run, args=(ready,), name="concierge-live", daemon=True
                )
                self._thread.start()
                ready.wait(10)
        return stream

    def close(self, stream: Stream) -> None:
        stream.ended = True
        with self._lock:
            for audience in stream.audiences:
                key = (stream.workspace_id, audience)
                self._streams[key].discard(stream)
                if not self._streams[key]:
                    del self._streams[key]

    def stop(self) -> None:
        """End the fan-out thread (tests; a server process simply exits)."""
        with self._lock:
            thread, self._thread = self._thread, None
            streams = {s for streams in self._streams.values() for s in streams}
            self._streams.clear()
        for stream in streams:
            stream.end()
        self._stopping.set()
        if thread is not None:
            thread.join(10)

    # The fan-out thread.

    def _run(self, ready: threading.Event) -> None:
        listener = None
        listening = False
        last = None
        gaps: dict[int, float] = {}
        try:
            while not self._stopping.is_set():
                try:
                    if last is None:
                        last = last_change_id()
                    if not listening:
                        listener = change_listener(CHANNEL)
                        listening = True
                    ready.set()
                    if listener is not None:
                        listener(WAKE_CHECK_EVERY)
                    else:
                        self._stopping.wait(POLL_EVERY)
                    if self._stopping.is_set():
                        break
                    last = self._read_and_deliver(last, gaps)
                except Exception:
                    logger.exception("The live fan-out failed; trying again")
                    listener, listening = self._close(listener), False
                    connection.close()
                    # Until the thread knows where the log stands, the stream that started it waits
                    # (a change written meanwhile must not fall before the starting point).
                    self._stopping.wait(POLL_EVERY if last is None else 1.0)
        finally:
            self._close(listener)
            close_old_connections()
            connection.close()

    @staticmethod
    def _close(listener):
        if listener is not None:
            with contextlib.suppress(Exception):  # already broken
                listener.close()
        return None

    def _read_and_deliver(self, last: int, gaps: dict[int, float]) -> int:
        while True:
            changes = changes_since(last, also_ids=sorted(gaps))
            if not changes:
                break
            now = time.monotonic()
            seen = {change.id for change in changes}
            top = max(last, max(seen))
            for missing in range(last + 1, top):
                if missing not in seen and missing not in gaps and top - missing < 10_000:
                    gaps[missing] = now  # a transaction that took the id may still commit
            for change in changes:
                gaps.pop(change.id, None)
                self._deliver(change)
            last = top
            if len(changes) < 2000:
                break
        now = time.monotonic()
        for gap, since in list(gaps.items()):
            if now - since > GAP_WAIT:
                del gaps[gap]
        return last

    def _deliver(self, change) -> None:
        with self._lock:
            streams = list(self._streams.get((change.workspace_id, change.audience), ()))
        if not streams:
            return
        frame = event_frame(change.id, change.kind, change.payload)
        for stream in streams:
            if stream.ended:  # fell behind, or its answer never started (the client left first)
                self.close(stream)
                continue
            stream.deliver(change.id, frame)
            self.delivered += 1


hub = Hub()
