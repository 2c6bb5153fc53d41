"""The reports API (API-key auth: request.workspace)."""

from ninja import Query, Router

from concierge.reports.schemas import SupportReportOut, SupportReportQuery
from concierge.reports.selectors import parse_report_date, support_report

router = Router(tags=["reports"])


@router.get("/reports/support", response=SupportReportOut, summary="The support funnel report")
def get_support_report(request, query: Query[SupportReportQuery]):
    """The period `from`..`to` (days in the workspace's zone, both included) and the same number of
    days before it, in the JSON shape of the support report spec. The proactive figures can be
    narrowed by the message's tag, content type and sender."""
    return support_report(
        request.workspace,
        parse_report_date(query.date_from, field="from"),
        parse_report_date(query.date_to, field="to"),
        tag=query.tag,
        content_type=query.content_type,
        sender=query.sender,
    )
