"""The live API's shapes."""

from ninja import Field, Schema


class StreamTokenOut(Schema):
    token: str = Field(description="Signed: the workspace and the contact, for about an hour.")
    url: str = Field(description="Open it with an EventSource: the contact's live events (docs/live.md).")
    expires_in: int = Field(description="Seconds the token is good for; ask for a new one after.")
