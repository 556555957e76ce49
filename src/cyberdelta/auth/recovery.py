"""One-time recovery codes for a user who lost every passkey (NIST SP 800-63B §5.1.2 look-up secrets).

Ten codes of 80 random bits each, shown once, stored as SHA-256; a new set replaces the old one.
A recovery sign-in starts a session without step-up: the user should enrol a new passkey.
"""

from __future__ import annotations

import secrets

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from cyberdelta.auth.models import RecoveryCode
from cyberdelta.platform.db.base import utcnow
from cyberdelta.platform.secrets import digest

CODE_COUNT = 10
ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L: codes are typed by hand


def _normalise(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def new_codes(session: Session, user_id: int) -> list[str]:
    """Replace the user's codes with a fresh set; returns the codes (the only time they are seen)."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    codes = []
    for _index in range(CODE_COUNT):
        raw = "".join(secrets.choice(ALPHABET) for _char in range(16))
        session.add(RecoveryCode(user_id=user_id, code_hash=digest(raw)))
        codes.append("-".join(raw[i : i + 4] for i in range(0, 16, 4)))
    session.flush()
    return codes


def remaining(session: Session, user_id: int) -> int:
    return len(
        list(
            session.scalars(
                select(RecoveryCode.id).where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
            )
        )
    )


def use_code(session: Session, user_id: int, code: str) -> bool:
    """Spend one code of the user; False when it is wrong or already used."""
    claimed = session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user_id,
            RecoveryCode.code_hash == digest(_normalise(code)),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
    )
    return bool(getattr(claimed, "rowcount", 0))
