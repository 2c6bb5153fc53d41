from ninja import Schema


class InboundOut(Schema):
    """What became of a message posted to the HTTP hook."""

    id: int  # the kept email
    outcome: str  # placed, auto_reply, bounce or unplaced
    reason: str
    conversation: int | None
    duplicate: bool  # the same Message-ID was taken before; nothing new was written


class InboundRefusedOut(Schema):
    detail: str
    kept_as: int | None = None  # the kept email, for a teammate to look at
