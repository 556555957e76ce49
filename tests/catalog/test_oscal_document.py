"""Bad input is refused with the file name and the JSON path of the problem, and nothing is stored."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.catalog import service
from cyberdelta.catalog.errors import CatalogImportError
from cyberdelta.catalog.models import CatalogVersion, Control
from cyberdelta.catalog.oscal_document import inspect_catalog, read_catalog
from cyberdelta.platform.i18n import language
from tests.factories import as_bytes, small_catalog

LIMIT = 10 * 1024 * 1024


def problems_of(data: bytes, source: str = "input.json", limit: int = LIMIT) -> list[str]:
    with pytest.raises(CatalogImportError) as caught:
        read_catalog(data, source, limit)
    assert caught.value.source == source
    with language("en"):
        return [problem.render() for problem in caught.value.problems]


def test_a_valid_catalog_passes_unchanged() -> None:
    document = small_catalog()
    assert read_catalog(as_bytes(document), "small.json", LIMIT) == document


def test_malformed_json_names_line_and_column() -> None:
    (problem,) = problems_of(b'{"catalog": {\n  "uuid": }', "broken.json")
    assert problem.startswith("$: malformed JSON at line 2, column 11")


def test_malformed_yaml_names_line_and_column() -> None:
    (problem,) = problems_of(b"catalog:\n  uuid: [unclosed\n  metadata: {}\n", "broken.yaml")
    assert "malformed YAML at line" in problem


def test_yaml_is_read_like_json() -> None:
    import yaml

    document = small_catalog()
    assert read_catalog(yaml.safe_dump(document, allow_unicode=True).encode(), "c.yaml", LIMIT) == document


def test_not_a_catalog_document() -> None:
    (problem,) = problems_of(json.dumps({"profile": {}}).encode())
    assert "single top-level object 'catalog'" in problem


def test_schema_violation_points_at_the_field() -> None:
    document = small_catalog()
    del document["catalog"]["groups"][0]["controls"][1]["title"]
    document["catalog"]["groups"][0]["controls"][0]["id"] = "bad id!"
    problems = problems_of(as_bytes(document))
    assert any(
        p.startswith("$.catalog.groups[0].controls[1].title: schema: Field required") for p in problems
    )
    assert any(p.startswith("$.catalog.groups[0].controls[0].id: schema:") for p in problems)


def test_unknown_key_is_a_schema_violation() -> None:
    document = small_catalog()
    document["catalog"]["groups"][0]["colour"] = "blue"
    problems = problems_of(as_bytes(document))
    assert any(p.startswith("$.catalog.groups[0].colour: schema:") for p in problems)


def test_duplicate_control_ids_are_refused() -> None:
    document = small_catalog()
    document["catalog"]["groups"][0]["controls"][1]["id"] = "ac-1"
    problems = problems_of(as_bytes(document))
    assert (
        "$.catalog.groups[0].controls[1].id: duplicate id ac-1 (first at $.catalog.groups[0].controls[0].id)"
        in (problems)
    )


def test_links_to_missing_controls_are_warnings_and_kept() -> None:
    """OSCAL lets a link point outside the document; a resolved baseline's ``related`` links do."""
    document = small_catalog()
    document["catalog"]["groups"][0]["controls"][1]["links"] = [{"href": "#ac-99", "rel": "related"}]
    checked = inspect_catalog(as_bytes(document), "input.json", LIMIT)
    assert checked.document == document
    with language("en"):
        assert [problem.render() for problem in checked.warnings] == [
            "$.catalog.groups[0].controls[1].links[0].href: link to #ac-99, which is not in this document"
        ]


def test_a_file_over_the_size_limit_is_refused_before_parsing() -> None:
    (problem,) = problems_of(b"{" + b" " * 2000 + b"}", limit=1000)
    assert problem == "$: the file is 2002 bytes, over the limit of 1000 bytes"


def test_messages_are_in_japanese_too() -> None:
    with pytest.raises(CatalogImportError) as caught:
        read_catalog(b"{", "x.json", LIMIT)
    with language("ja"):
        assert "JSON の形式が不正です" in caught.value.render()
        assert "x.json は取り込まれませんでした" in caught.value.render()


BAD_INPUTS = {
    "malformed": b'{"catalog": ',
    "schema": as_bytes({"catalog": {"uuid": "not-a-uuid", "metadata": {}}}),
    "duplicate": (lambda d: (d["catalog"]["groups"][0]["controls"][1].update(id="ac-1"), as_bytes(d))[1])(
        small_catalog()
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_a_rejected_import_stores_nothing(case: str, session_factory: sessionmaker[Session]) -> None:
    with session_factory.begin() as session:
        service.import_catalog(session, as_bytes(small_catalog("0.9")), "ok.json", max_bytes=LIMIT)
    with pytest.raises(CatalogImportError), session_factory.begin() as session:
        service.import_catalog(session, BAD_INPUTS[case], f"{case}.json", max_bytes=LIMIT)
    with session_factory() as session:
        assert session.scalar(select(func.count(CatalogVersion.id))) == 1
        assert session.scalar(select(func.count(Control.id))) == 3


def test_an_error_midway_through_storing_rolls_back_everything(
    session_factory: sessionmaker[Session],
) -> None:
    """A failure after rows were written (here: the database's unique constraint on control ids)
    leaves no partial catalog behind."""
    with pytest.raises(IntegrityError), session_factory.begin() as session:
        service.import_catalog(session, as_bytes(small_catalog("1.0")), "a.json", max_bytes=LIMIT)
        session.add(Control(**{**_control_columns(session), "oscal_id": "ac-1"}))
        session.flush()
    with session_factory() as session:
        assert session.scalar(select(func.count(CatalogVersion.id))) == 0
        assert session.scalar(select(func.count(Control.id))) == 0


def _control_columns(session: Session) -> dict[str, object]:
    version_id = session.scalar(select(CatalogVersion.id))
    return {
        "version_id": version_id,
        "position": 99,
        "depth": 0,
        "title": "x",
        "search_text": "x",
        "body_json": {},
        "statement": "",
        "guidance": "",
        "weight": 1.0,
    }


def test_an_empty_control_list_in_a_nested_group_is_reported_where_it_is() -> None:
    """OSCAL requires a ``controls`` array to have at least one item. A group may hold groups or
    controls, so the model tries several shapes of group; the problem reported is the innermost
    one of the shape that fits, as compliance-trestle reports it, not an unknown key of another."""
    document = small_catalog()
    document["catalog"]["groups"].append(
        {"id": "au", "title": "Audit", "groups": [{"id": "au-a", "title": "Area", "controls": []}]}
    )
    assert problems_of(as_bytes(document)) == [
        "$.catalog.groups[1].groups[0].controls: schema: List should have at least 1 item after "
        "validation, not 0"
    ]


def test_a_missing_title_deep_in_nested_groups_is_reported_there() -> None:
    document = small_catalog()
    document["catalog"]["groups"].append(
        {
            "id": "au",
            "title": "Audit",
            "groups": [
                {
                    "id": "au-a",
                    "title": "Area",
                    "groups": [{"id": "au-a-1", "controls": [{"id": "au-1", "title": "Logging"}]}],
                }
            ],
        }
    )
    assert problems_of(as_bytes(document)) == [
        "$.catalog.groups[1].groups[0].groups[0].title: schema: Field required"
    ]


def test_yaml_is_parsed_by_libyaml_when_pyyaml_has_it() -> None:
    """PyYAML's C loader (libyaml) parses several times faster than the pure-Python one."""
    import yaml

    from cyberdelta.catalog import yaml_reading

    assert yaml.__with_libyaml__
    assert issubclass(yaml_reading.YAML_LOADER, yaml.CSafeLoader)


def test_the_yaml_loader_stays_safe() -> None:
    """A tag that would build a Python object is a malformed document, never executed."""
    (problem,) = problems_of(b"catalog: !!python/object/apply:os.system ['true']\n", "evil.yaml")
    assert "malformed YAML at line 1" in problem
