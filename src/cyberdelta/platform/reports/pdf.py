"""HTML → PDF with WeasyPrint and the bundled Noto Sans JP subset (docs/assessment.md, "Reports").

The renderer fetches nothing from the network: the only resources it may load are the files in
``reports/fonts`` (a URL fetcher refuses everything else), so a report cannot be made to reach out
through an ``<img>`` or CSS URL in user-supplied text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

FONTS = Path(__file__).resolve().parent / "fonts"
FONT_FILE = FONTS / "NotoSansJP-Subset.otf"
FONT_FAMILY = "CyberDelta Noto Sans JP"
FONT_CSS = f"""
@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{FONT_FILE.as_uri()}"); }}
html {{ font-family: "{FONT_FAMILY}", sans-serif; }}
"""


class ResourceRefusedError(Exception):
    """The document asked for a resource outside the bundled fonts."""


class _FontsOnlyFetcher(URLFetcher):  # type: ignore[misc]
    """WeasyPrint's fetcher (weasyprint.urls.URLFetcher), limited to the bundled fonts."""

    def fetch(self, url: str, headers: Any = None) -> Any:
        if not url.startswith(FONTS.as_uri() + "/"):
            raise ResourceRefusedError(url)
        return super().fetch(url, headers)


def html_to_pdf(html: str) -> bytes:
    """Render an HTML document (with its own ``<style>``) to PDF bytes, fonts embedded."""
    fonts = FontConfiguration()
    _fetcher = _FontsOnlyFetcher(allowed_protocols=["file"])
    stylesheet = CSS(string=FONT_CSS, font_config=fonts, url_fetcher=_fetcher)
    document = HTML(string=html, url_fetcher=_fetcher, base_url=FONTS.as_uri() + "/")
    result: bytes = document.write_pdf(stylesheets=[stylesheet], font_config=fonts)
    return result
