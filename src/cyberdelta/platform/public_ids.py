"""Opaque public ids: what a URL shows instead of a row's sequential integer id.

A sequential id in a URL tells anyone who sees it how many assessments, evidence files or cycles
the whole platform holds, and invites walking the neighbours (OWASP ASVS 5.0 V8, "insecure direct
object reference" and enumeration). Access is still decided by the permission table and the
organisation scope; the public id only stops the URL from leaking counts and guessable neighbours.

The id is a keyed pseudo-random permutation of one 16-byte block: AES-128 applied to a single
block is a PRP (NIST SP 800-38A §6.1, the ECB mode of one block) — distinct ids never collide,
consecutive ids give unrelated-looking tokens, and only the key holder can go back. The block is

    8 bytes   the row id, big-endian (unsigned)
    4 bytes   a tag for the kind of object: the first 4 bytes of SHA-256(kind) (FIPS 180-4)
    4 bytes   zero

so a token of one kind never decodes as another, and a forged or altered token decodes to
nothing, except with probability 2⁻⁶⁴. The ciphertext is written base64url without padding
(RFC 4648 §5): 22 URL-safe characters. The AES key comes from the application secret through
HKDF-SHA256 (RFC 5869), so changing the secret changes every public id.
"""

from __future__ import annotations

import base64
import binascii
import hashlib

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

HKDF_INFO = b"cyberdelta public ids"
TOKEN_LENGTH = 22  # base64url of 16 bytes, without the two "=" of padding
MAX_ID = 2**64 - 1
_ZERO = bytes(4)


def kind_tag(kind: str) -> bytes:
    """The 4 bytes that say which kind of object a block holds."""
    return hashlib.sha256(kind.encode()).digest()[:4]


class PublicIds:
    """Turns (kind, row id) into an opaque URL-safe token and back, under a key from ``secret``."""

    def __init__(self, secret: bytes) -> None:
        key = HKDF(algorithm=hashes.SHA256(), length=16, salt=None, info=HKDF_INFO).derive(secret)
        # One block at a time, no chaining: ECB over a single block is the raw AES permutation.
        self._cipher = Cipher(algorithms.AES128(key), modes.ECB())  # noqa: S305 (single-block PRP)

    def encode(self, kind: str, row_id: int) -> str:
        """The public id of row ``row_id`` of ``kind`` (0 ≤ row_id < 2⁶⁴)."""
        if not 0 <= row_id <= MAX_ID:
            raise ValueError(f"a row id is an unsigned 64-bit integer, not {row_id}")
        encryptor = self._cipher.encryptor()
        block = encryptor.update(row_id.to_bytes(8, "big") + kind_tag(kind) + _ZERO) + encryptor.finalize()
        return base64.urlsafe_b64encode(block).rstrip(b"=").decode("ascii")

    def decode(self, kind: str, token: str) -> int | None:
        """The row id that ``token`` stands for, or None if it is not a public id of ``kind``."""
        if len(token) != TOKEN_LENGTH or not token.isascii():
            return None
        try:
            block = base64.urlsafe_b64decode(token + "==")
        except (binascii.Error, ValueError):
            return None
        # Only the canonical spelling: the last character carries 2 unused bits that must be zero.
        if len(block) != 16 or base64.urlsafe_b64encode(block).rstrip(b"=").decode("ascii") != token:
            return None
        decryptor = self._cipher.decryptor()
        plain = decryptor.update(block) + decryptor.finalize()
        if plain[8:12] != kind_tag(kind) or plain[12:] != _ZERO:
            return None
        return int.from_bytes(plain[:8], "big")


def public_ids_for(secret_key: str) -> PublicIds:
    """The codec of an application whose secret is ``secret_key`` (settings' ``secret_key``)."""
    return PublicIds(secret_key.encode())
