"""Runtime settings, read from ``CYBERDELTA_*`` environment variables (pydantic-settings).

Nothing here is created at import time: callers build a :class:`Settings` and hand it to
``create_app(settings)`` or to the CLI commands.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Language = Literal["ja", "en"]
SUPPORTED_LANGUAGES: tuple[Language, ...] = ("ja", "en")


class SettingsError(Exception):
    """The configuration cannot be used (for example a production deployment without a secret)."""


class Settings(BaseSettings):
    """Deployment configuration.

    ``database_url`` defaults to an SQLite file inside ``data_dir``; PostgreSQL is selected
    with a ``postgresql+psycopg://`` URL. In development a random secret key is generated once
    and kept in ``data_dir/secret_key`` (mode 0600); production requires ``CYBERDELTA_SECRET_KEY``.
    """

    model_config = SettingsConfigDict(env_prefix="CYBERDELTA_", extra="ignore")

    environment: Literal["development", "production"] = "development"
    data_dir: Path = Path("var")
    database_url: str = ""
    secret_key: SecretStr | None = None
    default_language: Language = "ja"
    max_upload_bytes: int = Field(default=50 * 1024 * 1024, gt=0)
    base_url: str = "http://127.0.0.1:8000"
    # Background jobs (reports, benchmark recomputation, feedback batches; cyberdelta.platform.jobs): "thread"
    # runs a huey worker thread inside each app process, all of them sharing one SqliteHuey queue in
    # data_dir (its dequeue is atomic, and job progress lives in the database); "external" leaves
    # the jobs to separate `cyberdelta worker` processes on the same data_dir; "immediate" runs them
    # in the request (huey's documented immediate mode).
    jobs_mode: Literal["thread", "external", "immediate"] = "thread"
    # Where the job queue lives: empty for the SQLite file data_dir/jobs.sqlite3 (one machine), or
    # redis://host:port/db when app processes and workers run on several machines.
    jobs_url: str = Field(default="", pattern=r"^(|rediss?://\S+)$")
    # Sessions and passkeys (docs/accounts.md). Secure cookies need https, except on a browser's localhost.
    cookie_secure: bool = True
    session_idle_minutes: int = Field(default=30, gt=0)
    session_absolute_hours: int = Field(default=12, gt=0)
    step_up_minutes: int = Field(default=5, gt=0)
    challenge_seconds: int = Field(default=300, gt=0)
    invitation_days: int = Field(default=7, gt=0)
    rp_id: str = ""
    rp_name: str = "CyberDelta"
    sign_in_max_failures: int = Field(default=5, gt=0)
    sign_in_max_failures_per_client: int = Field(default=25, gt=0)
    sign_in_lockout_minutes: int = Field(default=15, gt=0)
    # Signed checkpoints of the audit chain (docs/accounts.md, "Audit trail"): the Ed25519 private key
    # (PEM or base64 of its 32 bytes) or a file holding it, never stored in the database.
    audit_checkpoint_key: SecretStr | None = None
    audit_checkpoint_key_file: Path | None = None
    # Where `cyberdelta audit checkpoint` and the worker append checkpoints (default:
    # data_dir/audit-checkpoints.jsonl); copy the file off this host.
    audit_checkpoint_file: Path | None = None
    # Threat-led penetration tests (docs/tlpt.md, "Deliverables at rest"): the master key that wraps each
    # engagement's data key (base64 of 32 bytes) or a file holding it (mode 0600), never in the database.
    tlpt_master_key: SecretStr | None = None
    tlpt_master_key_file: Path | None = None
    # Largest deliverable accepted, in bytes.
    tlpt_max_deliverable_bytes: int = Field(default=20 * 1024 * 1024, gt=0)
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_sender: str = "cyberdelta@localhost"
    # Intelligence hub (docs/intel.md): every object gets the OASIS stix2-validator's verdict.
    intel_max_content_length: int = Field(default=16 * 1024 * 1024, gt=0)
    intel_page_limit: int = Field(default=1000, gt=0)
    # TAXII 2.1 §5.5: envelopes of more objects than this are answered at once with status "pending"
    # and stored by the background worker; smaller ones are stored before the answer ("complete").
    intel_pending_threshold: int = Field(default=1000, ge=0)
    # Processes that run stix2-validator over a pending envelope (0: one per CPU).
    intel_validation_workers: int = Field(default=0, ge=0)
    # Benchmarks (docs/benchmark.md, "Publications"): new submissions since the last publication
    # that make a new one; never fewer than the 5 firms a figure needs.
    benchmark_new_submissions: int = Field(default=5, ge=5)

    @model_validator(mode="after")
    def _production_needs_secret(self) -> Settings:
        if self.environment == "production" and self.secret_key is None:
            raise ValueError("CYBERDELTA_SECRET_KEY must be set when CYBERDELTA_ENVIRONMENT=production")
        if self.secret_key is not None and len(self.secret_key.get_secret_value()) < 32:
            raise ValueError("CYBERDELTA_SECRET_KEY must be at least 32 characters")
        return self

    @property
    def resolved_rp_id(self) -> str:
        """The WebAuthn relying party id (WebAuthn §5.1.2): the host of ``base_url`` unless set."""
        return self.rp_id or (urlsplit(self.base_url).hostname or "localhost")

    @property
    def origin(self) -> str:
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'cyberdelta.sqlite3').resolve()}"

    @property
    def jobs_queue(self) -> str:
        """Where the job queue is, for messages (the Redis URL without its password)."""
        if not self.jobs_url:
            return str(self.data_dir / "jobs.sqlite3")
        scheme, _, rest = self.jobs_url.partition("://")
        return f"{scheme}://{rest.rpartition('@')[2]}"

    @property
    def resolved_checkpoint_file(self) -> Path:
        return self.audit_checkpoint_file or self.data_dir / "audit-checkpoints.jsonl"

    @property
    def checkpoints_enabled(self) -> bool:
        return self.audit_checkpoint_key is not None or self.audit_checkpoint_key_file is not None

    def resolved_secret_key(self) -> str:
        """The configured secret, or in development a random one persisted in ``data_dir``."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        path = self.data_dir / "secret_key"
        if path.exists():
            return path.read_text().strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        value = secrets.token_urlsafe(48)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(value)
        return value
