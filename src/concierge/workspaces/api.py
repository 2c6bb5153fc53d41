from ninja import Router

router = Router(tags=["workspace"])


@router.get("/workspace", summary="The workspace this API key belongs to")
def current_workspace(request):
    workspace = request.workspace
    return {
        "id": workspace.pk,
        "name": workspace.name,
        "slug": workspace.slug,
        "timezone": workspace.timezone,
        "locale": workspace.locale,
    }
