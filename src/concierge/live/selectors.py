"""The live app's reads, each scoped to a workspace."""

from concierge.live.models import LiveChange


def changes_after(
    workspace_id: int, audiences: list[str], after_id: int, *, limit: int = 1000
) -> list[LiveChange]:
    """What a stream of these audiences missed after the event `after_id`, oldest first."""
    return list(
        LiveChange.objects.filter(
            workspace_id=workspace_id, audience__in=audiences, id__gt=after_id
        ).order_by("id")[:limit]
    )


def changes_since(after_id: int, *, also_ids: list[int] = (), limit: int = 2000) -> list[LiveChange]:
    """Every workspace's changes after `after_id` (and any of `also_ids`), for one process's fan-out:
    the one query a server process runs, whatever the number of its open streams."""
    from django.db.models import Q

    condition = Q(id__gt=after_id)
    if also_ids:
        condition |= Q(id__in=list(also_ids))
    return list(
        LiveChange.objects.filter(condition)
        .order_by("id")
        .only("id", "workspace_id", "audience", "kind", "payload")[:limit]
    )


def last_change_id() -> int:
    last = LiveChange.objects.order_by("-id").values_list("id", flat=True).first()
    return last or 0
