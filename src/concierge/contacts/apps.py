from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "concierge.contacts"
    label = "contacts"
