"""E-mails through SMTP (RFC 5321) when ``CYBERDELTA_SMTP_HOST`` is set: invitations, and the
deadline reminders of :mod:`cyberdelta.supervision.reminders` through :func:`send_messages`.

Without SMTP the invitation link is shown to whoever created the invitation (page or terminal),
who passes it on by other means; reminders say that nothing was sent.
"""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from email.message import EmailMessage

from cyberdelta.i18n import gettext as _
from cyberdelta.settings import Settings


def send_invitation(settings: Settings, email: str, url: str, organisation_name: str) -> bool:
    """E-mail the invitation link; False when no SMTP server is configured."""
    if not settings.smtp_host:
        return False
    message = EmailMessage()
    message["From"] = settings.smtp_sender
    message["To"] = email
    message["Subject"] = _("Your invitation to CyberDelta (%(organisation)s)", organisation=organisation_name)
    message.set_content(
        _(
            "You are invited to join %(organisation)s on CyberDelta.\n\n"
            "Open this link within %(days)s days to create your passkey (it works once):\n%(url)s\n",
            organisation=organisation_name,
            days=settings.invitation_days,
            url=url,
        )
    )
    send_messages(settings, [message])
    return True


def send_messages(settings: Settings, messages: Sequence[EmailMessage]) -> None:
    """Send the messages over one SMTP connection; ``From`` is set to the configured sender.
    Raises :class:`smtplib.SMTPException` or :class:`OSError` when the server refuses or is away."""
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as client:
        for message in messages:
            if "From" not in message:
                message["From"] = settings.smtp_sender
            client.send_message(message)
