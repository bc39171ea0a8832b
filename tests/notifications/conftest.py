"""A real SMTP server that refuses some recipients (tests/smtp.py's, with a RCPT hook): how a mail server answers
an address it does not know, for the digest's "one refused mail does not stop the others"."""

import pytest
from aiosmtpd.controller import Controller

from tests.smtp import Inbox, _free_port


class RefusingInbox(Inbox):
    """Refuses, while ``refusing`` is true, every recipient whose address starts with "refuse"."""

    refusing = True

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refusing and address.startswith("refuse"):
            return "550 5.1.1 Mailbox unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def refusing_inbox(settings):
    inbox = RefusingInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield inbox
    finally:
        controller.stop()
