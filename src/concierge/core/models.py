from django.db import models


class IdempotencyKey(models.Model):
    """The first answer to a creating API call sent with an `Idempotency-Key` header.

    A repeat of the call (same caller, method, path and key) gets this answer back instead of
    running again. The unique constraint is what makes two concurrent repeats safe: the second
    insert waits for the first transaction and then fails, so only one of them runs.
    """

    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="+")
    # Who sent it within the workspace: "api" (any API key) or "contact:<id>" (the messenger).
    caller = models.CharField(max_length=40)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    key = models.CharField(max_length=255)
    # SHA-256 of the request body (canonical JSON), to refuse the same key for a different request.
    request_hash = models.CharField(max_length=64)
    # Empty until the first call has its answer; both are written in that call's transaction.
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True, default="")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "caller", "method", "path", "key"],
                name="idempotency_key_unique_per_caller_and_route",
            )
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_key_created")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"


class ReactionRun(models.Model):
    """A task subscriber's run for one announcement (core.reactions), recorded in the transaction of
    the subscriber's own writes: a task that runs again (a restarted worker, a retry) finds it and
    does nothing."""

    announcement_id = models.CharField(max_length=32)
    subscriber = models.CharField(max_length=300)
    ran_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["announcement_id", "subscriber"], name="reaction_run_once_per_subscriber"
            )
        ]
        indexes = [models.Index(fields=["ran_at"], name="reaction_run_ran_at")]

    def __str__(self) -> str:
        return f"{self.subscriber} for {self.announcement_id}"


class FailedAttempts(models.Model):
    """A run of failed attempts at a secret (a password, an API key, a user hash) by one key: an
    account, or a client's address. What throttles and locks the next attempts (core.throttling).

    Kept in the database, so every server process sees the same count. A success or a password reset
    ends the run; a run with no failure for a day is forgotten. A rate limit (core.throttling.RateLimit)
    keeps its count of attempts in a window here too, under a key that names the window.
    """

    # Which policy counts it: "sign-in:account", "sign-in:address", "api-key:address", …
    scope = models.CharField(max_length=40)
    # SHA-256 of what is counted (the account's name, the address), never the text itself.
    key = models.CharField(max_length=64)
    failures = models.PositiveIntegerField(default=0)
    last_failed_at = models.DateTimeField()
    # No attempt is checked before this instant (the growing wait, or the lock).
    next_attempt_at = models.DateTimeField()
    locked = models.BooleanField(default=False)
    # For an account: a fingerprint of its password at the time. A changed password (a reset) voids
    # the run, and with it the lock.
    stamp = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="failed_attempts_one_run_per_key")
        ]
        indexes = [models.Index(fields=["last_failed_at"], name="failed_attempts_last")]

    def __str__(self) -> str:
        return f"{self.scope}: {self.failures} failed"


class SearchEntry(models.Model):
    """One searchable document of a workspace (core.search): an article's translation today; a
    conversation, a contact or a saved reply later. The text is kept as plain text, for the snippets.

    The full-text index beside it differs by database (migration 0004): an FTS5 table on SQLite, a
    weighted tsvector column with a GIN index on PostgreSQL."""

    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30)
    object_id = models.BigIntegerField()
    locale = models.CharField(max_length=16)
    audience = models.CharField(max_length=16)
    title = models.TextField()
    headings = models.TextField(blank=True, default="")
    body = models.TextField(blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_one_per_object")
        ]
        indexes = [models.Index(fields=["workspace", "kind", "locale"], name="search_entry_scope")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.title}"


class SearchTerm(models.Model):
    """A word of a workspace's searchable documents of one kind and locale (folded: lower case, no
    diacritics), with the number of documents holding it: the vocabulary that typo correction and
    search as you type pick words from."""

    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30)
    locale = models.CharField(max_length=16)
    term = models.CharField(max_length=64)
    documents = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "kind", "locale", "term"], name="search_term_one_per_scope"
            )
        ]
        indexes = [models.Index(fields=["workspace", "kind", "term"], name="search_term_lookup")]

    def __str__(self) -> str:
        return f"{self.term} ({self.documents})"
