from concierge.contacts.services import create_contact
from concierge.events.models import Event
from concierge.outbound.models import Delivery
from concierge.outbound.selectors import audience_size, figures_of
from concierge.outbound.services import deliver, set_state


def test_a_message_goes_live_and_reaches_its_audience(workspace, make_message, run_tasks):
    for number in range(5):
        create_contact(
            workspace, external_id=f"u{number}", attributes={"plan": "pro" if number % 2 else "free"}
        )
    audience = {"match": "all", "rules": [{"attribute": "plan", "op": "is", "value": "pro"}]}
    assert audience_size(workspace, audience) == 2
    message = make_message(audience=audience)
    set_state(message, "live")
    run_tasks()
    assert figures_of(message)["sent"] == 2
    assert Event.objects.filter(type="outbound.sent", message_ref=message.ref).count() == 2
    contact = create_contact(workspace, external_id="late", attributes={"plan": "pro"})
    assert deliver(message, contact) is not None
    assert Delivery.objects.filter(message=message).count() == 3
