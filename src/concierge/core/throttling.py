"""Throttling guesses at secrets — passwords, API keys, the messenger's user hashes — and rate
limits on what anyone may try without credentials (booking from a public link).

A `Throttle` counts a run of failed attempts per key (an account, a client's address) in the
database (`FailedAttempts`), so every server process sees the same count. The first `free_failures`
cost nothing; after that each failure makes the next attempt wait twice as long as the one before
(1 s, 2 s, 4 s … up to `longest_wait`); at `lock_after` failures the key is locked for `lock_for`,
and every failure after a lock locks it again. An attempt made before its time is refused without
being checked (a 429, or a form error, saying how long to wait and how to get out). A success ends
the run (`succeeded`); for an account, so does a password reset: the run carries a fingerprint of the
password it was counted against (`stamp`), and a changed password voids it.

The attempts are refused, not slowed down in the server: a sleeping worker would be the attacker's
gain. Checking and counting are two steps, so a burst of attempts sent at the same instant may all be
checked before the first is counted; a sequence of attempts, however fast, cannot.

A `RateLimit` is the throttles' small sibling for attempts that are not guesses: at most `limit`
attempts per key in each window of `per` (fixed windows: the hour from 10:00 to 11:00, then the next),
counted in the same table under a key that names the window, so every process shares the count and
the hourly clean-up forgets old windows. Counting is one locked row update, so a burst sent at the
same instant is counted exactly; at most twice the limit fits across a window's boundary.
"""

import hashlib
import ipaddress
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from concierge.core.errors import TooManyAttempts
from concierge.core.models import FailedAttempts
from concierge.core.services import forget_failed_attempts, record_failed_attempt


def now() -> datetime:
    """The clock the throttles read (tests move it)."""
    return timezone.now()


def duration_in_words(seconds: float) -> str:
    seconds = max(1, math.ceil(seconds))
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = math.ceil(minutes / 60)
    return f"{hours} hour{'s' if hours != 1 else ''}"


@dataclass(frozen=True)
class Throttle:
    scope: str
    # The messages, with {wait} (e.g. "8 seconds"), {failures} and {lock} (how long a lock lasts).
    wait_message: str
    locked_message: str
    free_failures: int
    lock_after: int
    lock_for: timedelta
    longest_wait: timedelta = timedelta(minutes=1)

    def wait_after(self, failures: int) -> tuple[timedelta, bool]:
        """How long the attempt after this many failures waits, and whether that is a lock."""
        if failures >= self.lock_after:
            return self.lock_for, True
        if failures <= self.free_failures:
            return timedelta(0), False
        return min(timedelta(seconds=2 ** (failures - self.free_failures - 1)), self.longest_wait), False

    def run(self, key: str) -> FailedAttempts | None:
        """The key's stored run of failures, if any."""
        return self.runs(key).first()

    def runs(self, key: str) -> QuerySet[FailedAttempts]:
        """The key's stored run as a query, to ask within another one (`Exists`): a caller that
        usually finds none learns it without a query of its own."""
        return FailedAttempts.objects.filter(scope=self.scope, key=_digest(key))

    def refusal(self, key: str, *, stamp: str = "") -> TooManyAttempts | None:
        """Why an attempt by `key` may not be checked now, or None when it may."""
        return self.refusal_for(self.run(key), stamp=stamp)

    def refusal_for(self, run: FailedAttempts | None, *, stamp: str = "") -> TooManyAttempts | None:
        at = now()
        if run is None or run.stamp != stamp or run.next_attempt_at <= at:
            return None
        seconds = (run.next_attempt_at - at).total_seconds()
        template = self.locked_message if run.locked else self.wait_message
        message = template.format(
            wait=duration_in_words(seconds),
            failures=run.failures,
            lock=duration_in_words(self.lock_for.total_seconds()),
        )
        return TooManyAttempts(message, retry_after=max(1, math.ceil(seconds)))

    def failed(self, key: str, *, stamp: str = "") -> None:
        record_failed_attempt(scope=self.scope, key=_digest(key), at=now(), wait=self.wait_after, stamp=stamp)

    def succeeded(self, key: str) -> None:
        forget_failed_attempts(scope=self.scope, key=_digest(key))


@dataclass(frozen=True)
class RateLimit:
    scope: str
    # The refusal, with {limit} (the attempts a window allows) and {wait} (e.g. "12 minutes").
    message: str
    per: timedelta = timedelta(hours=1)

    def _window(self, at: datetime) -> tuple[int, datetime]:
        """The window `at` falls in (its number) and the instant it ends."""
        seconds = self.per.total_seconds()
        number = int(at.timestamp() // seconds)
        return number, datetime.fromtimestamp((number + 1) * seconds, tz=UTC)

    def take(self, key: str, *, limit: int) -> None:
        """Count one attempt by `key`, or raise TooManyAttempts when the key already made `limit`
        attempts in this window (nothing more is counted) or a concurrent attempt took the last one."""
        at = now()
        number, ends = self._window(at)
        stored_key = _digest(f"{number}:{key}")
        run = FailedAttempts.objects.filter(scope=self.scope, key=stored_key).first()
        if run is None or run.failures < limit:
            run = record_failed_attempt(
                scope=self.scope, key=stored_key, at=at, wait=lambda _attempts: (timedelta(0), False)
            )
            if run.failures <= limit:
                return
        seconds = (ends - at).total_seconds()
        raise TooManyAttempts(
            self.message.format(limit=limit, wait=duration_in_words(seconds)),
            retry_after=max(1, math.ceil(seconds)),
        )


def runs_of(*checks: tuple[Throttle, str]) -> list[FailedAttempts | None]:
    """The stored runs of several (throttle, key) pairs, in one query, in the order asked."""
    wanted = [(throttle.scope, _digest(key)) for throttle, key in checks]
    condition = Q()
    for scope, digest in wanted:
        condition |= Q(scope=scope, key=digest)
    found = {(run.scope, run.key): run for run in FailedAttempts.objects.filter(condition)}
    return [found.get(pair) for pair in wanted]


def longest_refusal(*refusals: TooManyAttempts | None) -> TooManyAttempts | None:
    """Of several throttles' refusals (None where one allows the attempt), the one that waits longest."""
    found = [refusal for refusal in refusals if refusal is not None]
    return max(found, key=lambda refusal: refusal.retry_after) if found else None


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or behind TRUSTED_PROXIES proxies the address the first
    of them saw (X-Forwarded-For, that many hops from the right). An IPv6 address counts as its /64,
    the block one subscriber usually holds."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXIES
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if hops:
            address = hops[-proxies] if len(hops) >= proxies else hops[0]
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address[:100] or "unknown"
    if parsed.version == 6:
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)
