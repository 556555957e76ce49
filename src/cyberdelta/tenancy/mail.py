"""E-mails through SMTP (RFC 5321) when ``CYBERDELTA_SMTP_HOST`` is set: invitations, and the
deadline reminders of :mod:`cyberdelta.supervision.reminders` through :func:`send_messages`.

Without SMTP the invitation link is shown to whoever created the invitation (page or terminal),
who passes it on by other means; reminders say that nothing was sent.
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable, Sequence
from email.message import EmailMessage

from cyberdelta.platform.i18n import gettext as _
from cyberdelta.platform.i18n import language, parse_language, pick
from cyberdelta.platform.settings import SUPPORTED_LANGUAGES, Settings
from cyberdelta.tenancy.models import Organisation, User


def send_invitation(settings: Settings, user: User, url: str, organisation: Organisation) -> bool:
    """E-mail the invitation link in the person's e-mail language (Japanese and then English when
    none is set); False when no SMTP server is configured."""
    if not settings.smtp_host:
        return False

    def text() -> tuple[str, str]:
        name = pick(organisation.name_en, organisation.name_ja)
        return _("Your invitation to CyberDelta (%(organisation)s)", organisation=name), _(
            "You are invited to join %(organisation)s on CyberDelta.\n\n"
            "Open this link within %(days)s days to create your passkey (it works once):\n%(url)s\n",
            organisation=name,
            days=settings.invitation_days,
            url=url,
        )

    send_messages(settings, [compose(settings, user, text)])
    return True


def compose(settings: Settings, user: User, text: Callable[[], tuple[str, str]]) -> EmailMessage:
    """One e-mail to ``user`` carrying ``text()`` (subject, body) in each of the user's e-mail
    languages: the one chosen, or Japanese and then English (RFC 3282 Content-Language)."""
    chosen = parse_language(user.email_language)
    languages = (chosen,) if chosen else SUPPORTED_LANGUAGES
    subjects, bodies = [], []
    for code in languages:
        with language(code):
            subject, body = text()
        subjects.append(subject)
        bodies.append(body)
    message = EmailMessage()
    message["From"] = settings.smtp_sender
    message["To"] = user.email
    message["Subject"] = f"[CyberDelta] {' / '.join(subjects)}"
    message.set_content("\n----------------------------------------\n\n".join(bodies))
    message["Content-Language"] = ", ".join(languages)  # after set_content, which clears it
    return message


def send_messages(settings: Settings, messages: Sequence[EmailMessage]) -> None:
    """Send the messages over one SMTP connection; ``From`` is set to the configured sender.
    Raises :class:`smtplib.SMTPException` or :class:`OSError` when the server refuses or is away."""
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as client:
        for message in messages:
            if "From" not in message:
                message["From"] = settings.smtp_sender
            client.send_message(message)
