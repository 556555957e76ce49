"""Every error a user can cause derives from ``DomainError`` with a client-error status, and those
that translate their message when shown do so in both languages (docs/architecture.md, "Decisions",
"Errors")."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable

import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient

import cyberdelta
from cyberdelta.assessment.errors import AssessmentError, ConflictError, NotFoundError
from cyberdelta.assessment.spreadsheet import WorkbookError
from cyberdelta.assessment.workflow import TransitionError
from cyberdelta.auth.challenges import CeremonyError
from cyberdelta.benchmark.feedback_jobs import FeedbackRunError
from cyberdelta.catalog.errors import (
    CatalogImportError,
    CatalogNotFoundError,
    MappingExistsError,
    MappingNotFoundError,
    Problem,
    VersionExistsError,
)
from cyberdelta.exercise.errors import ExerciseNotFoundError, ScenarioError
from cyberdelta.intel.forms import FormError
from cyberdelta.intel.imports import ImportFormatError
from cyberdelta.intel.query import FilterError
from cyberdelta.intel.service import CollectionError
from cyberdelta.intel.store import MissingCollectionError
from cyberdelta.intel.timestamps import TimestampError
from cyberdelta.intel.wallet import WalletAddressError
from cyberdelta.platform.errors import DomainError
from cyberdelta.platform.i18n import language
from cyberdelta.platform.web.access import public
from cyberdelta.screening.addresses import AddressError, Invalid, UnknownChainError
from cyberdelta.screening.errors import ListAlreadyImportedError, ListImportError, UnknownSourceError
from cyberdelta.screening.sources.common import Problem as ListProblem
from cyberdelta.signing.errors import SigningInputError, SigningRefusedError
from cyberdelta.signing.text import bilingual
from cyberdelta.supervision.service import SupervisionError
from cyberdelta.tenancy.service import TenancyError
from cyberdelta.tlpt.errors import TlptError

# Modules that do something when imported: the CLI entry point and Alembic's migration scripts.
SKIPPED = ("cyberdelta.__main__", "cyberdelta.platform.db.migrations")

# Classes whose render() translates a message id when shown, with an example of each.
TRANSLATED: dict[type[DomainError], Callable[[], DomainError]] = {
    AssessmentError: lambda: AssessmentError("file", "choose a file or give a link"),
    NotFoundError: lambda: NotFoundError(7),
    CatalogNotFoundError: lambda: CatalogNotFoundError("crypto@9.9"),
    VersionExistsError: lambda: VersionExistsError("crypto", "1.0"),
    CatalogImportError: lambda: CatalogImportError("catalog.json", [Problem("$.catalog", "x")]),
    AddressError: lambda: AddressError("bc1qxyz", Invalid("bitcoin", "checksum")),
    UnknownChainError: lambda: UnknownChainError("dogecoin", ("bitcoin", "ethereum")),
    ListImportError: lambda: ListImportError(
        "sdn.csv", [ListProblem("line 1", "not an Excel workbook (.xlsx)")]
    ),
    UnknownSourceError: lambda: UnknownSourceError("eu", ("ofac-sdn-xml", "lines")),
    ListAlreadyImportedError: lambda: ListAlreadyImportedError("sdn.csv", 3),
    SigningInputError: lambda: SigningInputError("$.to", bilingual("the field is missing")),
    SigningRefusedError: lambda: SigningRefusedError(bilingual("No such wallet."), status=404),
    MappingExistsError: lambda: MappingExistsError("crypto@1.0", "5b0c8f39-2f1c-4a8e-9d7e-0a1b2c3d4e5f"),
    MappingNotFoundError: lambda: MappingNotFoundError("5b0c8f39-2f1c-4a8e-9d7e-0a1b2c3d4e5f"),
    TlptError: lambda: TlptError("No such engagement.", status=404),
}
# Classes whose render() shows a text already translated when the error was raised.
PASSED_THROUGH: set[type[DomainError]] = {ConflictError, ScenarioError}


def _subclasses(base: type[DomainError]) -> set[type[DomainError]]:
    found: set[type[DomainError]] = set()
    for child in base.__subclasses__():
        found |= {child, *_subclasses(child)}
    return found


@pytest.fixture(scope="module")
def domain_errors() -> set[type[DomainError]]:
    for module in pkgutil.walk_packages(cyberdelta.__path__, "cyberdelta."):
        if not module.name.startswith(SKIPPED):
            importlib.import_module(module.name)
    return {error for error in _subclasses(DomainError) if error.__module__.startswith("cyberdelta.")}


def test_every_user_error_is_a_domain_error_with_a_client_error_status(
    domain_errors: set[type[DomainError]],
) -> None:
    expected: dict[type[DomainError], int] = {
        AssessmentError: 422,
        NotFoundError: 404,
        ConflictError: 409,
        TransitionError: 409,
        WorkbookError: 422,
        SupervisionError: 422,
        FeedbackRunError: 409,
        CeremonyError: 400,
        TenancyError: 422,
        CatalogNotFoundError: 404,
        VersionExistsError: 409,
        CatalogImportError: 422,
        FormError: 422,
        CollectionError: 422,
        ImportFormatError: 422,
        WalletAddressError: 422,
        FilterError: 400,
        TimestampError: 400,
        MissingCollectionError: 404,
        AddressError: 422,
        UnknownChainError: 422,
        ListImportError: 422,
        UnknownSourceError: 422,
        ListAlreadyImportedError: 409,
        SigningInputError: 422,
        SigningRefusedError: 409,
        ScenarioError: 422,
        ExerciseNotFoundError: 404,
        MappingExistsError: 409,
        MappingNotFoundError: 404,
        TlptError: 422,
    }
    assert set(expected) <= domain_errors
    assert {error: error.status for error in expected} == expected
    for error in domain_errors:
        assert 400 <= error.status <= 499, error


def test_errors_that_translate_when_shown_render_in_both_languages(
    domain_errors: set[type[DomainError]],
) -> None:
    overriding = {error for error in domain_errors if "render" in vars(error)}
    assert overriding == set(TRANSLATED) | PASSED_THROUGH  # a new render() needs an example here
    for error_type, example in TRANSLATED.items():
        error = example()
        with language("en"):
            english = error.render()
        with language("ja"):
            japanese = error.render()
        assert english and japanese and english != japanese, error_type


def test_a_field_error_names_its_field_in_the_language_in_force() -> None:
    error = AssessmentError("file", "choose a file or give a link")
    with language("ja"):
        assert error.render() == "ファイル: choose a file or give a link"
    assert str(error) == "file: choose a file or give a link"
    assert error.field == "file"


def test_one_handler_answers_json_the_error_page_and_taxii_error_messages(app: FastAPI) -> None:
    """A domain error no route answers: JSON with its field, the page, a TAXII error message."""

    def refuse() -> None:
        raise SupervisionError("closes_on", "the close date must be after the open date")

    for path in ("/api/v1/refuse", "/refuse", "/taxii2/intel/refusal/"):
        app.add_api_route(path, refuse, dependencies=[Depends(public)])
    with TestClient(app) as client:
        api = client.get("/api/v1/refuse", headers={"accept": "text/html"})
        assert api.status_code == 422
        assert api.json() == {
            "detail": "closes_on: the close date must be after the open date",
            "field": "closes_on",
        }
        page = client.get("/refuse", headers={"accept": "text/html"})
        assert page.status_code == 422 and "text/html" in page.headers["content-type"]
        assert "closes_on: the close date must be after the open date" in page.text
        taxii = client.get("/taxii2/intel/refusal/")
        assert taxii.status_code == 422 and taxii.headers["content-type"].startswith("application/taxii+json")
        assert taxii.json()["title"] == "closes_on: the close date must be after the open date"
        assert taxii.json()["http_status"] == "422"
