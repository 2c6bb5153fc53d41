"""Writes of the email channel, one module per concern: mailboxes (configuration, audited), mail
coming in, mail going out, and the files a message keeps."""
