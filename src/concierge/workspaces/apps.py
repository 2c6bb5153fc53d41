from django.apps import AppConfig


class WorkspacesConfig(AppConfig):
    name = "concierge.workspaces"
    label = "workspaces"
