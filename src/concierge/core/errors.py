"""The errors services raise. The API and pages turn them into 4xx answers with their message."""


class ServiceError(Exception):
    """Base for an error whose message is meant for the person who caused it."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(ServiceError):
    status_code = 422


class NotFound(ServiceError):
    status_code = 404


class Conflict(ServiceError):
    status_code = 409


class PermissionDenied(ServiceError):
    status_code = 403


class TooManyAttempts(ServiceError):
    """Too many attempts (failed guesses at a secret, bookings without credentials): wait
    `retry_after` seconds (sent as Retry-After)."""

    status_code = 429

    def __init__(self, message: str, *, retry_after: int, field: str | None = None):
        super().__init__(message, field=field)
        self.retry_after = retry_after
