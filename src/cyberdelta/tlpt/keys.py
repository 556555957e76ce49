"""Envelope encryption of an engagement's deliverables (docs/tlpt.md, "Deliverables at rest").

Each engagement has its own 256-bit data key, stored only wrapped by the master key with AES Key
Wrap (RFC 3394, NIST SP 800-38F KW); deliverables are encrypted under the data key with AES-256-GCM
(NIST SP 800-38D) and a fresh 96-bit nonce, the engagement and phase bound as associated data. The
master key comes from the settings (``CYBERDELTA_TLPT_MASTER_KEY``, base64 of 32 bytes) or a key file
(``CYBERDELTA_TLPT_MASTER_KEY_FILE``, refused when group or others may read it); in development,
with neither, a random one is made once in ``data_dir/tlpt_master_key`` (mode 0600). A production
deployment without one refuses to store or read deliverables. The master key is never in the
database, a log or the code.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap

from cyberdelta.platform.settings import Settings
from cyberdelta.tlpt.errors import TlptError, _

KEY_BYTES = 32
NONCE_BYTES = 12


class MasterKeyError(TlptError):
    """The master key is missing, malformed, or not the one the data keys were wrapped with."""

    def __init__(self, message: str) -> None:
        super().__init__(message, status=503, field="tlpt_master_key")


@dataclass(frozen=True, repr=False)
class MasterKey:
    """The key-encryption key; its ``repr`` shows nothing of it."""

    value: bytes

    def wrap(self, data_key: bytes) -> bytes:
        return aes_key_wrap(self.value, data_key)

    def unwrap(self, wrapped: bytes) -> bytes:
        try:
            return aes_key_unwrap(self.value, wrapped)
        except InvalidUnwrap as error:
            raise MasterKeyError(
                _("The engagement key does not unwrap with the configured master key.")
            ) from error


def _decode(text: str) -> bytes:
    try:
        value = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as error:
        raise MasterKeyError(_("The TLPT master key is not base64.")) from error
    if len(value) != KEY_BYTES:
        raise MasterKeyError(_("The TLPT master key must be 32 bytes (base64)."))
    return value


def _read_file(path: Path) -> bytes:
    if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise MasterKeyError(_("The TLPT master key file may be read by others; make it mode 0600."))
    return _decode(path.read_text())


def master_key(settings: Settings) -> MasterKey:
    """The configured master key (see the module docstring)."""
    if settings.tlpt_master_key is not None:
        return MasterKey(_decode(settings.tlpt_master_key.get_secret_value()))
    if settings.tlpt_master_key_file is not None:
        return MasterKey(_read_file(settings.tlpt_master_key_file))
    if settings.environment == "production":
        raise MasterKeyError(_("Set CYBERDELTA_TLPT_MASTER_KEY or CYBERDELTA_TLPT_MASTER_KEY_FILE first."))
    path = settings.data_dir / "tlpt_master_key"
    if not path.exists():
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode())
    return MasterKey(_read_file(path))


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def seal(data_key: bytes, plaintext: bytes, associated: bytes) -> tuple[bytes, bytes]:
    """``(nonce, ciphertext)`` of ``plaintext`` under the data key."""
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce, AESGCM(data_key).encrypt(nonce, plaintext, associated)


def open_sealed(data_key: bytes, nonce: bytes, ciphertext: bytes, associated: bytes) -> bytes:
    return AESGCM(data_key).decrypt(nonce, ciphertext, associated)
