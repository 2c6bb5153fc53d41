"""The support event log's 1:1 session events (written with the change they describe)."""

MEETING_BOOKED = "meeting.booked"
MEETING_RESCHEDULED = "meeting.rescheduled"
MEETING_CANCELLED = "meeting.cancelled"
MEETING_DECLINED = "meeting.declined"
MEETING_REMINDED = "meeting.reminded"
MEETING_HELD = "meeting.held"
MEETING_NO_SHOW = "meeting.no_show"
MEETING_FOLLOWED_UP = "meeting.followed_up"
MEETING_FEEDBACK_RECORDED = "meeting.feedback_recorded"

MEETING_EVENT_TYPES = (
    MEETING_BOOKED,
    MEETING_RESCHEDULED,
    MEETING_CANCELLED,
    MEETING_DECLINED,
    MEETING_REMINDED,
    MEETING_HELD,
    MEETING_NO_SHOW,
    MEETING_FOLLOWED_UP,
    MEETING_FEEDBACK_RECORDED,
)
