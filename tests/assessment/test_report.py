"""The PDF report in Japanese and English: cover, scores, radar chart, heat map, gaps, appendix."""

from __future__ import annotations

from io import BytesIO

from pypdf import PageObject, PdfReader
from pypdf.generic import DictionaryObject
from sqlalchemy.orm import Session, sessionmaker

from cyberdelta.assessment import evidence, report
from cyberdelta.assessment.models import Assessment
from cyberdelta.platform.actor import Actor
from cyberdelta.platform.db.engine import transaction
from tests.assessment.helpers import answer_all, reload


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def test_pdf_in_japanese_has_cover_scores_charts_gaps_and_appendix(
    session_factory: sessionmaker[Session], assessment: Assessment
) -> None:
    answer_all(session_factory, assessment, {"gv-1": 1, "gv-2": 4, "cx-1": 3, "cx-2": None})
    steps: list[int] = []
    with transaction(session_factory) as session:
        found = reload(session, assessment)
        link = evidence.add_link(
            session, found.organisation_id, url="https://x.example/p", title="規程集", actor=Actor.console()
        )
        evidence.attach(session, Actor.console(), found, link, ["gv-1"])
        pdf = report.render_pdf(session, found, "ja", steps.append)
    assert pdf.startswith(b"%PDF-")
    text = text_of(pdf)
    for expected in (
        "デルタ取引所",
        "サイバーセキュリティ管理態勢",
        "暗号資産特有",
        "ベースラインギャップ",
        "規程集",
    ):
        assert expected in text, expected
    assert steps[-1] == 100 and steps == sorted(steps)
    fonts = {name for page in PdfReader(BytesIO(pdf)).pages for name in font_names(page)}
    assert any("NotoSansCJKjp" in name or "Noto" in name for name in fonts), fonts


def test_the_html_report_carries_the_radar_chart_and_heat_map_in_english(
    session_factory: sessionmaker[Session], assessment: Assessment
) -> None:
    answer_all(session_factory, assessment, {"gv-1": 1, "gv-2": 4})
    with transaction(session_factory) as session:
        found = reload(session, assessment)
        from cyberdelta.platform.i18n import language

        with language("en"):
            html = report.render_report_html(session, found)
    assert '<svg id="radar-chart"' in html and '<svg id="heat-map"' in html
    assert "Delta Exchange" in html and "Baseline gaps" in html and "Crypto-asset specific" in html


def font_names(page: PageObject) -> set[str]:
    """The /BaseFont of every font a PDF page's resources declare."""
    resources = page["/Resources"].get_object()
    assert isinstance(resources, DictionaryObject)
    fonts = resources.get("/Font")
    if fonts is None:
        return set()
    declared = fonts.get_object()
    assert isinstance(declared, DictionaryObject)
    return {str(font.get_object().get("/BaseFont")) for font in declared.values()}
