"""Charts are SVG that the pages' Content-Security-Policy lets render: no inline style at all."""

from __future__ import annotations

import re
from xml.etree import ElementTree

from cyberdelta.platform.reports.charts import CURRENT_COLOUR, heat_map, radar_chart


def test_radar_and_heat_map_use_presentation_attributes_not_inline_style() -> None:
    radar = radar_chart(["GV", "ID", "PR"], {"GV": 2.5, "ID": 3.0, "PR": None}, {"GV": 3, "ID": 4, "PR": 3})
    heat = heat_map(["GV", "ID"], {"GV": [1, 0, 2, 3, 0, 1], "ID": [0, 0, 1, 4, 2, 0]})
    for svg in (radar, heat):
        assert not re.search(r"\sstyle=", svg)
        assert "<style" not in svg
        ElementTree.fromstring(svg)  # noqa: S314 (our own chart, still well-formed XML)
    assert f'stroke="{CURRENT_COLOUR}"' in radar
