"""The master key and the engagement keys (docs/tlpt.md, "Deliverables at rest"): from the settings or a
key file that others cannot read, made once in development, refused when missing in production; an
engagement key wrapped by one master key does not open with another; an altered ciphertext does not
decrypt. And ``cyberdelta tlpt rules`` prints the rules with no database."""

from __future__ import annotations

import base64
import secrets
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from pydantic import SecretStr

from cyberdelta.platform.settings import Settings
from cyberdelta.tlpt.keys import MasterKeyError, master_key, new_data_key, open_sealed, seal
from tests.test_cli import run_cli


def _key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def test_the_master_key_comes_from_the_settings_or_a_private_file(tmp_path: Path) -> None:
    value = _key()
    assert master_key(
        Settings(data_dir=tmp_path, tlpt_master_key=SecretStr(value))
    ).value == base64.b64decode(value)
    path = tmp_path / "master.key"
    path.write_text(value)
    path.chmod(0o644)
    with pytest.raises(MasterKeyError) as shared:
        master_key(Settings(data_dir=tmp_path, tlpt_master_key_file=path))
    assert shared.value.field == "tlpt_master_key"
    path.chmod(0o600)
    assert master_key(Settings(data_dir=tmp_path, tlpt_master_key_file=path)).value == base64.b64decode(value)
    with pytest.raises(MasterKeyError):
        master_key(Settings(data_dir=tmp_path, tlpt_master_key=SecretStr("c2hvcnQ=")))
    assert value not in repr(master_key(Settings(data_dir=tmp_path, tlpt_master_key=SecretStr(value))))


def test_development_makes_one_key_and_production_refuses_without_one(tmp_path: Path) -> None:
    first = master_key(Settings(data_dir=tmp_path))
    assert (tmp_path / "tlpt_master_key").stat().st_mode & 0o777 == 0o600
    assert master_key(Settings(data_dir=tmp_path)).value == first.value
    production = Settings(
        data_dir=tmp_path / "prod", environment="production", secret_key=SecretStr("s" * 40)
    )
    with pytest.raises(MasterKeyError):
        master_key(production)
    assert not (tmp_path / "prod" / "tlpt_master_key").exists()


def test_an_engagement_key_opens_only_with_its_master_key_and_only_unaltered_ciphertext(
    tmp_path: Path,
) -> None:
    one = master_key(Settings(data_dir=tmp_path, tlpt_master_key=SecretStr(_key())))
    other = master_key(Settings(data_dir=tmp_path, tlpt_master_key=SecretStr(_key())))
    data_key = new_data_key()
    wrapped = one.wrap(data_key)
    assert one.unwrap(wrapped) == data_key
    with pytest.raises(MasterKeyError):
        other.unwrap(wrapped)
    nonce, ciphertext = seal(data_key, b"red-team report", b"tlpt:1:red_team_report:content")
    with pytest.raises(InvalidTag):
        open_sealed(data_key, nonce, ciphertext, b"tlpt:2:red_team_report:content")
    altered = bytes([ciphertext[0] ^ 1]) + ciphertext[1:]
    with pytest.raises(InvalidTag):
        open_sealed(data_key, nonce, altered, b"tlpt:1:red_team_report:content")


def test_the_rules_command_prints_the_rts_deadlines(settings: Settings) -> None:
    done = run_cli(settings, "tlpt", "rules", "--framework", "rts", "--notified-on", "2026-01-05")
    assert done.returncode == 0, done.stderr
    assert "active_minimum_weeks = 12" in done.stdout
    assert "2026-04-05  Scoping" in done.stdout and "RTS 2025/1190 Art. 12(2)" in done.stdout
    refused = run_cli(settings, "tlpt", "rules", "--framework", "nope")
    assert refused.returncode == 2 and "framework" in refused.stderr
