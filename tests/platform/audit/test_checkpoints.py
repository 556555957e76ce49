"""Signed checkpoints of the audit chain (cyberdelta.platform.audit.checkpoints), without a database.

The chain is modelled as the audit service builds it: each entry's hash is the SHA-256 of its
canonical JSON including the previous entry's hash. The attacks are the ones someone with write
access to the database can make, who can also re-hash everything after what they changed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import stat
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from cyberdelta.platform.audit.checkpoint_keys import (
    CheckpointKeyError,
    generate_key,
    key_id,
    load_public_key,
    load_signing_key,
    load_signing_key_file,
    signing_key_from,
)
from cyberdelta.platform.audit.checkpoints import (
    FORMAT,
    GENESIS_HASH,
    Checkpoint,
    CheckpointFormatError,
    append_checkpoint,
    checkpoint_lines,
    create_checkpoint,
    read_checkpoint_file,
    read_checkpoints,
    verify_checkpoints,
)

MOMENT = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)


class Chain:
    """Entries keyed by sequence number, hashed and linked like audit.service does."""

    def __init__(self, actions: int) -> None:
        self.entries: list[dict[str, object]] = []
        for number in range(actions):
            self.append(f"assessment.update {number}")

    @staticmethod
    def hashed(entry: dict[str, object]) -> str:
        fields = {name: value for name, value in entry.items() if name != "entry_hash"}
        canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()

    def append(self, action: str) -> None:
        previous = self.head_hash
        entry: dict[str, object] = {
            "sequence": len(self.entries) + 1,
            "action": action,
            "previous_hash": previous,
        }
        entry["entry_hash"] = self.hashed(entry)
        self.entries.append(entry)

    def rechain_from(self, index: int) -> None:
        """What an attacker does after editing entry ``index``: re-hash it and everything after."""
        for position in range(index, len(self.entries)):
            entry = self.entries[position]
            entry["previous_hash"] = self.entries[position - 1]["entry_hash"] if position else GENESIS_HASH
            entry["entry_hash"] = self.hashed(entry)

    def holds(self) -> bool:
        """The chain's own verification: every entry follows the one before and matches its hash."""
        previous = GENESIS_HASH
        for entry in self.entries:
            if entry["previous_hash"] != previous or entry["entry_hash"] != self.hashed(entry):
                return False
            previous = str(entry["entry_hash"])
        return True

    @property
    def head_hash(self) -> str:
        return str(self.entries[-1]["entry_hash"]) if self.entries else GENESIS_HASH

    def hash_at(self, sequence: int) -> str | None:
        found = [entry for entry in self.entries if entry["sequence"] == sequence]
        return str(found[0]["entry_hash"]) if found else None

    def checkpoint(self, key: Ed25519PrivateKey, moment: datetime = MOMENT) -> Checkpoint:
        return create_checkpoint(
            key,
            sequence=len(self.entries),
            head_hash=self.head_hash,
            entry_count=len(self.entries),
            now=moment,
        )

    def verify(self, checkpoints: list[Checkpoint], key: Ed25519PrivateKey) -> list[str]:
        result = verify_checkpoints(
            checkpoints, [key.public_key()], hash_at=self.hash_at, length=len(self.entries)
        )
        assert result.checked == len(checkpoints)
        assert result.ok == (not result.problems)
        return [problem.problem for problem in result.problems]


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


# --- signing and verifying -------------------------------------------------------------------------


def test_a_checkpoint_of_the_chain_as_it_is_verifies(key: Ed25519PrivateKey) -> None:
    chain = Chain(10)
    checkpoint = chain.checkpoint(key)
    assert (checkpoint.sequence, checkpoint.entry_count, checkpoint.head_hash) == (10, 10, chain.head_hash)
    assert checkpoint.created_at == "2026-04-01T09:30:00.000000Z"
    assert checkpoint.key_id == key_id(key.public_key())
    result = verify_checkpoints([checkpoint], [key.public_key()], hash_at=chain.hash_at, length=10)
    assert result.ok
    assert result.latest == checkpoint


def test_the_signature_covers_the_canonical_bytes_and_verifies_with_the_library_alone(
    key: Ed25519PrivateKey,
) -> None:
    checkpoint = Chain(2).checkpoint(key)
    expected = (
        f'{{"created_at":"2026-04-01T09:30:00.000000Z","entry_count":2,"format":"{FORMAT}",'
        f'"head_hash":"{checkpoint.head_hash}","key_id":"{checkpoint.key_id}","sequence":2}}'
    )
    assert checkpoint.payload() == expected.encode()
    key.public_key().verify(base64.b64decode(checkpoint.signature), expected.encode())


def test_an_empty_chain_can_be_checkpointed(key: Ed25519PrivateKey) -> None:
    chain = Chain(0)
    checkpoint = chain.checkpoint(key)
    assert checkpoint.head_hash == GENESIS_HASH
    assert chain.verify([checkpoint], key) == []


def test_times_are_recorded_in_utc(key: Ed25519PrivateKey) -> None:
    tokyo = timezone(timedelta(hours=9))
    checkpoint = Chain(1).checkpoint(key, datetime(2026, 4, 1, 18, 30, 0, 250, tzinfo=tokyo))
    assert checkpoint.created_at == "2026-04-01T09:30:00.000250Z"
    with pytest.raises(ValueError, match="timezone-aware"):
        Chain(1).checkpoint(key, datetime(2026, 4, 1, 18, 30))


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        ({"sequence": -1}, "sequence"),
        ({"entry_count": 2**53}, "entry_count"),
        ({"head_hash": "ABC"}, "head_hash"),
        ({"head_hash": "A" * 64}, "head_hash"),
    ],
)
def test_a_checkpoint_of_impossible_values_is_not_signed(
    key: Ed25519PrivateKey, arguments: dict[str, object], problem: str
) -> None:
    values: dict[str, object] = {"sequence": 1, "head_hash": "0" * 64, "entry_count": 1, **arguments}
    with pytest.raises(ValueError, match=problem):
        create_checkpoint(key, now=MOMENT, **values)  # type: ignore[arg-type]


# --- what it detects -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("sequence", 9),
        ("entry_count", 11),
        ("head_hash", "f" * 64),
        ("created_at", "2026-05-01T09:30:00.000000Z"),
    ],
)
def test_a_tampered_checkpoint_is_refused(key: Ed25519PrivateKey, field: str, value: object) -> None:
    chain = Chain(12)
    line = json.loads(chain.checkpoint(key).to_json())
    line[field] = value
    tampered = Checkpoint.from_json(json.dumps(line))
    assert chain.verify([tampered], key) == ["bad_signature"]


def test_a_damaged_signature_is_refused(key: Ed25519PrivateKey) -> None:
    chain = Chain(3)
    line = json.loads(chain.checkpoint(key).to_json())
    for signature in ("not base64!", base64.b64encode(b"short").decode(), line["signature"][:-4] + "AAAA"):
        damaged = Checkpoint.from_json(json.dumps({**line, "signature": signature}))
        assert chain.verify([damaged], key) == ["bad_signature"]


def test_an_edited_entry_is_detected_even_when_the_whole_chain_is_rehashed(key: Ed25519PrivateKey) -> None:
    chain = Chain(10)
    early = create_checkpoint(key, sequence=2, head_hash=str(chain.hash_at(2)), entry_count=2, now=MOMENT)
    late = chain.checkpoint(key, MOMENT + timedelta(hours=1))
    chain.entries[4]["action"] = "assessment.update (innocent)"
    chain.rechain_from(4)
    assert chain.holds()  # the chain alone no longer shows anything
    result = verify_checkpoints([early, late], [key.public_key()], hash_at=chain.hash_at, length=10)
    assert [problem.problem for problem in result.problems] == ["rewritten"]
    assert result.problems[0].checkpoint == late
    assert result.problems[0].message_en.startswith("entry 10 no longer has the hash its checkpoint signed")
    assert "チェーンが書き換えられています" in result.problems[0].message_ja
    assert result.latest == early  # what is still vouched for


def test_truncation_is_detected(key: Ed25519PrivateKey) -> None:
    chain = Chain(10)
    checkpoint = chain.checkpoint(key)
    del chain.entries[7:]
    assert chain.holds()
    result = verify_checkpoints([checkpoint], [key.public_key()], hash_at=chain.hash_at, length=7)
    assert [problem.problem for problem in result.problems] == ["truncated"]
    assert result.problems[0].message_en.startswith("the chain has 7 entries but a checkpoint recorded 10")
    assert "7 件" in result.problems[0].message_ja
    assert result.latest is None


def test_a_rewound_head_that_grew_again_is_detected(key: Ed25519PrivateKey) -> None:
    chain = Chain(10)
    checkpoint = chain.checkpoint(key)
    del chain.entries[6:]
    for number in range(6):
        chain.append(f"replacement {number}")
    assert chain.holds()
    assert len(chain.entries) == 12
    assert chain.verify([checkpoint], key) == ["rewritten"]


def test_an_entry_missing_at_the_checkpoint_is_detected(key: Ed25519PrivateKey) -> None:
    chain = Chain(5)
    checkpoint = chain.checkpoint(key)
    hashes = {sequence: str(chain.hash_at(sequence)) for sequence in (1, 2, 3, 4, 6)}
    result = verify_checkpoints([checkpoint], [key.public_key()], hash_at=hashes, length=5)
    assert [problem.problem for problem in result.problems] == ["missing"]


def test_changes_after_the_newest_checkpoint_are_not_covered(key: Ed25519PrivateKey) -> None:
    """The documented limit: the window between checkpoints is only as safe as the chain."""
    chain = Chain(10)
    checkpoint = create_checkpoint(
        key, sequence=8, head_hash=str(chain.hash_at(8)), entry_count=8, now=MOMENT
    )
    chain.entries[9]["action"] = "edited after the checkpoint"
    chain.rechain_from(9)
    assert chain.verify([checkpoint], key) == []


# --- keys ------------------------------------------------------------------------------------------


def test_a_checkpoint_signed_with_another_key_is_refused(key: Ed25519PrivateKey) -> None:
    chain = Chain(4)
    other = Ed25519PrivateKey.generate()
    assert chain.verify([chain.checkpoint(other)], key) == ["unknown_key"]


def test_a_forger_cannot_borrow_the_trusted_key_id(key: Ed25519PrivateKey) -> None:
    chain = Chain(4)
    forged = json.loads(chain.checkpoint(Ed25519PrivateKey.generate()).to_json())
    forged["key_id"] = key_id(key.public_key())
    assert chain.verify([Checkpoint.from_json(json.dumps(forged))], key) == ["bad_signature"]


def test_an_old_key_stays_trusted_after_rotation(key: Ed25519PrivateKey) -> None:
    chain = Chain(3)
    old = chain.checkpoint(key)
    chain.append("after rotation")
    new_key = Ed25519PrivateKey.generate()
    new = chain.checkpoint(new_key)
    trusted = [key.public_key(), new_key.public_key()]
    result = verify_checkpoints([old, new], trusted, hash_at=chain.hash_at, length=4)
    assert result.ok
    assert result.latest == new


def test_the_base64_key_form_is_the_rfc_8032_private_key() -> None:
    """RFC 8032 §7.1, TEST 1: the secret key, its public key and the signature of the empty message."""
    secret = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
    public = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
    signature = (
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555"
        "fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
    )
    loaded = load_signing_key(base64.b64encode(secret).decode())
    raw_public = loaded.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert raw_public.hex() == public
    assert loaded.sign(b"").hex() == signature
    assert load_public_key(base64.urlsafe_b64encode(raw_public).decode().rstrip("=")).public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    ) == bytes.fromhex(public)


def test_a_generated_key_loads_from_its_pem_and_is_explained_to_the_operator() -> None:
    new = generate_key()
    private = load_signing_key(new.private_pem)
    assert key_id(private.public_key()) == new.key_id
    assert key_id(load_public_key(new.public_pem)) == new.key_id
    text = new.operator_text()
    assert new.private_pem in text
    assert new.public_pem in text
    assert new.key_id in text
    assert "監査チェックポイント署名鍵" in text


def test_two_generated_keys_differ() -> None:
    assert generate_key().key_id != generate_key().key_id


@pytest.mark.parametrize(
    "value",
    [
        "",
        "not a key at all!",
        base64.b64encode(b"x" * 31).decode(),
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
    ],
)
def test_an_unusable_private_key_is_refused(value: str) -> None:
    with pytest.raises(CheckpointKeyError):
        load_signing_key(value)


def test_a_key_of_another_algorithm_is_refused() -> None:
    other = ec.generate_private_key(ec.SECP256R1())
    private_pem = other.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public_pem = (
        other.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    with pytest.raises(CheckpointKeyError, match="not an Ed25519 key"):
        load_signing_key(private_pem)
    with pytest.raises(CheckpointKeyError, match="not an Ed25519 key"):
        load_public_key(public_pem)


def test_the_key_file_must_be_private_to_the_service(tmp_path: Path) -> None:
    new = generate_key()
    path = tmp_path / "audit-checkpoint.pem"
    path.write_text(new.private_pem)
    path.chmod(0o644)
    with pytest.raises(CheckpointKeyError, match="0644"):
        load_signing_key_file(path)
    assert key_id(load_signing_key_file(path, allow_shared=True).public_key()) == new.key_id
    path.chmod(0o600)
    assert key_id(load_signing_key_file(path).public_key()) == new.key_id
    with pytest.raises(CheckpointKeyError, match="cannot be read"):
        load_signing_key_file(tmp_path / "absent.pem")


def test_the_key_comes_from_the_setting_or_the_file_but_not_both(tmp_path: Path) -> None:
    new = generate_key()
    path = tmp_path / "key.pem"
    path.write_text(new.private_pem)
    path.chmod(0o600)
    assert key_id(signing_key_from(new.private_pem, None).public_key()) == new.key_id
    assert key_id(signing_key_from(None, path).public_key()) == new.key_id
    for value, file in ((new.private_pem, path), (None, None)):
        with pytest.raises(CheckpointKeyError, match="either"):
            signing_key_from(value, file)


# --- the JSON-lines export -------------------------------------------------------------------------


def test_checkpoints_round_trip_through_a_json_lines_file(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    chain = Chain(3)
    path = tmp_path / "checkpoints.jsonl"
    written = []
    for hour in range(3):
        chain.append(f"hour {hour}")
        written.append(chain.checkpoint(key, MOMENT + timedelta(hours=hour)))
        append_checkpoint(path, written[-1])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 or os.name != "posix"
    lines = path.read_text().splitlines()
    assert len(lines) == 3
    assert all(json.loads(line)["format"] == FORMAT for line in lines)
    read = read_checkpoint_file(path)
    assert read == written
    assert read_checkpoints(checkpoint_lines(written).splitlines()) == written
    assert verify_checkpoints(read, [key.public_key()], hash_at=chain.hash_at, length=6).latest == written[-1]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda line: {**line, "extra": 1}, "exactly the fields"),
        (
            lambda line: {name: value for name, value in line.items() if name != "entry_count"},
            "exactly the fields",
        ),
        (lambda line: {**line, "sequence": True}, "sequence must be an integer"),
        (lambda line: {**line, "entry_count": 3.0}, "entry_count must be an integer"),
        (lambda line: {**line, "head_hash": None}, "head_hash"),
        (lambda line: {**line, "created_at": "2026-04-01 09:30"}, "created_at"),
        (lambda line: {**line, "key_id": "rsa:00"}, "key_id"),
        (lambda line: {**line, "format": "other/1"}, "unknown format"),
        (lambda line: {**line, "signature": 7}, "signature"),
    ],
)
def test_a_malformed_line_is_refused_with_its_number(
    key: Ed25519PrivateKey, change: object, message: str
) -> None:
    good = Chain(1).checkpoint(key).to_json()
    bad = json.dumps(change(json.loads(good)))  # type: ignore[operator]
    with pytest.raises(CheckpointFormatError, match=f"line 3: .*{message}"):
        read_checkpoints([good, "", bad])


def test_a_line_that_is_not_json_is_refused(key: Ed25519PrivateKey) -> None:
    with pytest.raises(CheckpointFormatError, match="line 1: not JSON"):
        read_checkpoints(["{" + Chain(1).checkpoint(key).to_json()])
