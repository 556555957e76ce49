"""Migration 0019_intel_ownership: ids stored before ownership existed get an owner (docs/intel.md,
"Ownership"), on both backends."""

from __future__ import annotations

import json

from sqlalchemy import Engine, text

from cyberdelta.intel.models import IntelObject, IntelObjectOwner
from cyberdelta.platform.db.migrate import upgrade
from tests.test_migrations import down_at

FIRST = "indicator--0b5b2b5e-a7d1-4b5c-9a56-0a6b1b8a1c21"
SECOND = "indicator--0b5b2b5e-a7d1-4b5c-9a56-0a6b1b8a1c22"


def test_each_stored_id_goes_to_the_publisher_of_its_earliest_version(engine: Engine) -> None:
    # (id, publisher, date_added): a later version of FIRST by another organisation does not win.
    rows = [(FIRST, 7, 10), (FIRST, 9, 20), (SECOND, 9, 15)]
    with down_at(engine, "0018_catalog_profiles", IntelObject, IntelObjectOwner):
        with engine.begin() as connection:
            for stix_id, publisher, added in rows:
                connection.execute(
                    text(
                        "INSERT INTO intel_object (collection_id, stix_id, stix_type, spec_version,"
                        " modified_us, version, date_added_us, is_latest, tlp, publisher_organisation_id,"
                        " recipients, search_text, body) VALUES ('c', :id, 'indicator', '2.1', :added, 'v',"
                        " :added, false, 'green', :publisher, '', '', :body)"
                    ),
                    {"id": stix_id, "added": added, "publisher": publisher,
                     "body": json.dumps({"type": "indicator", "id": stix_id})},
                )  # fmt: skip
        upgrade(engine)
        with engine.connect() as connection:
            found = connection.execute(text("SELECT stix_id, organisation_id FROM intel_object_owner")).all()
        assert {str(row[0]): row[1] for row in found} == {FIRST: 7, SECOND: 9}
