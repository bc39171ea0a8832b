"""A real SMTP server that refuses some recipients (tests/smtp.py's, with a RCPT hook): how a mail server answers
an address it does not know, for the digest's "one refused mail does not stop the others"."""

import pytest

from tests.smtp import Inbox, serving


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
    with serving(RefusingInbox(), settings) as inbox:
        yield inbox
