"""Catalog diff: added, removed and changed controls between versions (matched by OSCAL id)."""

from __future__ import annotations

import copy

from cyberdelta.catalog.diff import diff_catalogs
from tests.factories import small_catalog


def test_identical_catalogs_have_no_differences() -> None:
    document = small_catalog()["catalog"]
    assert diff_catalogs(document, copy.deepcopy(document)).unchanged


def test_added_removed_and_changed_controls() -> None:
    old = small_catalog("1.0")["catalog"]
    new = copy.deepcopy(old)
    controls = new["groups"][0]["controls"]
    controls[0]["title"] = "Policies, procedures and their review"
    controls[0]["props"].append({"name": "weight", "ns": "https://cyberdelta.dev/ns/oscal", "value": "3"})
    del controls[1]
    controls.append({"id": "ac-3", "title": "Access enforcement"})
    result = diff_catalogs(old, new)
    assert [row.oscal_id for row in result.added] == ["ac-3"]
    assert [row.oscal_id for row in result.removed] == ["ac-2"]
    (change,) = result.changed
    assert change.oscal_id == "ac-1"
    assert change.fields == ("title", "weight", "props")


def test_moving_a_control_to_another_group_is_a_change_of_placement() -> None:
    old = small_catalog()["catalog"]
    new = copy.deepcopy(old)
    moved = new["groups"][0]["controls"].pop()
    new["groups"].append({"id": "ia", "title": "Identification", "controls": [moved]})
    (change,) = diff_catalogs(old, new).changed
    assert (change.oscal_id, change.fields) == ("ac-2", ("placement",))


def test_changed_enhancement_text_is_reported_on_the_enhancement() -> None:
    old = small_catalog()["catalog"]
    new = copy.deepcopy(old)
    new["groups"][0]["controls"][0]["controls"][0]["parts"] = [
        {"id": "ac-1.1_smt", "name": "statement", "prose": "Review the policy every year."}
    ]
    (change,) = diff_catalogs(old, new).changed
    assert change.oscal_id == "ac-1.1"
    assert change.fields == ("statement", "parts")
