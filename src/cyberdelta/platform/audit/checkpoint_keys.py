"""The Ed25519 keys that sign audit checkpoints (RFC 8032; the ``cryptography`` library): loading a
private key from settings or a key file (refused when others may read the file), public keys for
verifiers, and new key pairs (``cyberdelta audit keygen``). What checkpoints protect: see
``platform/audit/checkpoints.py`` and docs/accounts.md, "Signed checkpoints"."""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

KEY_ID_PREFIX = "ed25519:"


class CheckpointKeyError(ValueError):
    """A key could not be loaded, or its file is readable by others."""


# --- keys ----------------------------------------------------------------------------------------


def key_id(public_key: Ed25519PublicKey) -> str:
    """``ed25519:`` and the first 128 bits of the SHA-256 of the raw public key, in hex."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return KEY_ID_PREFIX + hashlib.sha256(raw).hexdigest()[:32]


def _base64(text: str) -> bytes:
    compact = "".join(text.split())
    try:
        if "-" in compact or "_" in compact:
            return base64.urlsafe_b64decode(compact + "=" * (-len(compact) % 4))
        return base64.b64decode(compact + "=" * (-len(compact) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise CheckpointKeyError("the key is neither PEM nor base64") from None


def load_signing_key(value: str | bytes) -> Ed25519PrivateKey:
    """An Ed25519 private key from PEM (unencrypted PKCS#8) or base64 of the 32-byte private key."""
    text = value.decode("ascii", "replace") if isinstance(value, bytes) else value
    if "-----BEGIN" in text:
        try:
            key = serialization.load_pem_private_key(text.strip().encode(), password=None)
        except (ValueError, TypeError) as error:
            raise CheckpointKeyError(f"the PEM private key cannot be loaded ({error})") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise CheckpointKeyError("the PEM private key is not an Ed25519 key")
        return key
    raw = _base64(text)
    if len(raw) != 32:
        raise CheckpointKeyError(f"a raw Ed25519 private key has 32 bytes, not {len(raw)}")
    return Ed25519PrivateKey.from_private_bytes(raw)


def load_signing_key_file(path: Path, *, allow_shared: bool = False) -> Ed25519PrivateKey:
    """The key in a file; refused when group or others may read or write it, unless ``allow_shared``."""
    try:
        mode = path.stat().st_mode
        if not allow_shared and os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise CheckpointKeyError(
                f"{path} may be read by other users (mode {stat.S_IMODE(mode):04o}); make it 0600 or 0400"
            )
        return load_signing_key(path.read_bytes())
    except OSError as error:
        raise CheckpointKeyError(f"the key file cannot be read ({error.strerror})") from None


def signing_key_from(value: str | None, path: Path | None) -> Ed25519PrivateKey:
    """The key from a settings value or a key file: exactly one of them must be set."""
    if value is not None and path is None:
        return load_signing_key(value)
    if path is not None and value is None:
        return load_signing_key_file(path)
    raise CheckpointKeyError("set either the checkpoint key or the checkpoint key file, not both or neither")


def load_public_key(value: str | bytes) -> Ed25519PublicKey:
    """An Ed25519 public key from PEM (SubjectPublicKeyInfo) or base64 of the 32 raw bytes."""
    text = value.decode("ascii", "replace") if isinstance(value, bytes) else value
    if "-----BEGIN" in text:
        try:
            key = serialization.load_pem_public_key(text.strip().encode())
        except (ValueError, TypeError) as error:
            raise CheckpointKeyError(f"the PEM public key cannot be loaded ({error})") from None
        if not isinstance(key, Ed25519PublicKey):
            raise CheckpointKeyError("the PEM public key is not an Ed25519 key")
        return key
    raw = _base64(text)
    if len(raw) != 32:
        raise CheckpointKeyError(f"a raw Ed25519 public key has 32 bytes, not {len(raw)}")
    return Ed25519PublicKey.from_public_bytes(raw)


@dataclass(frozen=True)
class NewKey:
    """A freshly generated key pair, in the forms the settings accept."""

    private_pem: str
    public_pem: str
    key_id: str

    def operator_text(self) -> str:
        """What to show the operator once: the private key goes to the secret store, never a log."""
        return (
            "# CyberDelta audit checkpoint key / 監査チェックポイント署名鍵\n"
            f"# key id / 鍵 ID: {self.key_id}\n"
            "# Private key: store it in CYBERDELTA_AUDIT_CHECKPOINT_KEY or a file of mode 0600, not in the\n"
            "# database, and keep an offline copy.\n"
            "# 秘密鍵：CYBERDELTA_AUDIT_CHECKPOINT_KEY またはモード 0600 のファイルに保存し、\n"
            "# データベースには置かず、オフラインの控えを保管してください。\n"
            f"{self.private_pem}"
            "# Public key: give it to whoever verifies the checkpoints (it may be published).\n"
            "# 公開鍵：チェックポイントを検証する者に渡してください（公開して構いません）。\n"
            f"{self.public_pem}"
        )


def generate_key() -> NewKey:
    private = Ed25519PrivateKey.generate()
    public = private.public_key()
    private_pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public_pem = public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    return NewKey(private_pem, public_pem, key_id(public))
