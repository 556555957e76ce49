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
from cyberdelta.i18n import language
from cyberdelta.settings import SUPPORTED_LANGUAGES, Language, Settings
from cyberdelta.tenancy.models import Organisation, User


def send_invitation(settings: Settings, user: User, url: str, organisation: Organisation) -> bool:
    """E-mail the invitation link in the person's e-mail language (Japanese and then English when
    none is set); False when no SMTP server is configured."""
    if not settings.smtp_host:
        return False
    languages = languages_of(user)
    subjects, bodies = [], []
    for code in languages:
        with language(code):
            name = organisation.name_ja if code == "ja" else organisation.name_en
            subjects.append(_("Your invitation to CyberDelta (%(organisation)s)", organisation=name))
            bodies.append(
                _(
                    "You are invited to join %(organisation)s on CyberDelta.\n\n"
                    "Open this link within %(days)s days to create your passkey (it works once):\n%(url)s\n",
                    organisation=name,
                    days=settings.invitation_days,
                    url=url,
                )
            )
    send_messages(settings, [compose(settings, user.email, subjects, bodies, languages)])
    return True


def languages_of(user: User) -> tuple[Language, ...]:
    """The languages of the e-mails to ``user``: the one chosen, or Japanese and then English."""
    chosen = next((code for code in SUPPORTED_LANGUAGES if code == user.email_language), None)
    return (chosen,) if chosen else SUPPORTED_LANGUAGES


def compose(
    settings: Settings, to: str, subjects: Sequence[str], bodies: Sequence[str], languages: Sequence[Language]
) -> EmailMessage:
    """One e-mail carrying the same message in each language, in order (RFC 3282 Content-Language)."""
    message = EmailMessage()
    message["From"] = settings.smtp_sender
    message["To"] = to
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
