"""The mailbox settings form and the form a teammate writes a new email with."""

from django import forms

from concierge.mail.models import Mailbox
from concierge.workspaces.models import Team


class MailboxForm(forms.Form):
    address = forms.CharField(max_length=254, label="Support address")
    sender_name = forms.CharField(max_length=120, label="Replies are sent as")
    default_team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False, label="Default team")
    signature = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000)
    auto_ack_enabled = forms.BooleanField(required=False, label="Acknowledge new conversations automatically")
    auto_ack_text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000, label="Acknowledgement"
    )
    arrival = forms.ChoiceField(choices=Mailbox.Arrival.choices, label="How mail arrives")
    imap_host = forms.CharField(max_length=253, required=False, label="IMAP host")
    imap_port = forms.IntegerField(
        min_value=1, max_value=65535, initial=993, required=False, label="IMAP port"
    )
    imap_security = forms.ChoiceField(
        choices=Mailbox.Security.choices, initial=Mailbox.Security.SSL, required=False, label="IMAP security"
    )
    imap_user = forms.CharField(max_length=254, required=False, label="IMAP user")
    imap_password = forms.CharField(
        widget=forms.PasswordInput(render_value=False),
        required=False,
        max_length=500,
        label="IMAP password",
        help_text="Stored encrypted. Leave empty to keep the stored one.",
    )
    imap_folder = forms.CharField(max_length=200, required=False, initial="INBOX", label="IMAP folder")

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["default_team"].queryset = Team.objects.filter(workspace=workspace).order_by("name")

    def settings(self) -> dict:
        """The cleaned values as the mailbox services take them."""
        values = dict(self.cleaned_data)
        values["imap_port"] = values.get("imap_port") or 993
        values["imap_folder"] = values.get("imap_folder") or "INBOX"
        values["imap_security"] = values.get("imap_security") or Mailbox.Security.SSL
        if not values.get("imap_password"):
            values.pop("imap_password", None)
        return values


def initial_for(mailbox: Mailbox) -> dict:
    return {
        "address": mailbox.address,
        "sender_name": mailbox.sender_name,
        "default_team": mailbox.default_team_id,
        "signature": mailbox.signature,
        "auto_ack_enabled": mailbox.auto_ack_enabled,
        "auto_ack_text": mailbox.auto_ack_text,
        "arrival": mailbox.arrival,
        "imap_host": mailbox.imap_host,
        "imap_port": mailbox.imap_port,
        "imap_security": mailbox.imap_security,
        "imap_user": mailbox.imap_user,
        "imap_folder": mailbox.imap_folder,
    }


class NewEmailForm(forms.Form):
    mailbox = forms.ModelChoiceField(queryset=Mailbox.objects.none(), label="From")
    to = forms.CharField(max_length=254, label="To")
    subject = forms.CharField(max_length=200)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), max_length=20_000, label="Message")

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mailbox"].queryset = Mailbox.objects.filter(workspace=workspace)
