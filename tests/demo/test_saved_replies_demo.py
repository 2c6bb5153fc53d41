"""The demo's saved replies: a dozen, some in Spanish, two or more macros, in folders, their usage
counted from the seeded conversations; the Spanish text goes to a Spanish-speaking contact."""

from django.db.models import Sum

from concierge.conversations.models import Conversation
from concierge.demo.seed import seed_demo_workspace
from concierge.replies.models import SavedReply, SavedReplyVersion
from concierge.replies.services.saved_replies import filled_text

SMALL = {"contacts": 25, "conversations": 60, "sessions": 0}


def test_the_demo_has_saved_replies_with_spanish_versions_macros_and_usage(db):
    workspace = seed_demo_workspace(**SMALL).workspace
    replies = SavedReply.objects.filter(workspace=workspace)
    assert replies.count() >= 12
    assert SavedReplyVersion.objects.filter(workspace=workspace, locale="es").count() >= 4
    assert replies.exclude(actions=[]).count() >= 2
    assert replies.filter(folder__isnull=True).count() == 0
    assert replies.filter(visibility="team").exists()
    assert replies.aggregate(uses=Sum("usage_count"))["uses"] > 0

    reply = replies.get(title="Duplicate charge refunded")
    conversation = Conversation.objects.filter(workspace=workspace).select_related("contact").first()
    conversation.contact.locale = "es-ES"  # as a Spanish speaker; not saved
    assert filled_text(reply, conversation, None).startswith("Hola")
