"""Rendering shared by every capability: SVG charts, HTML → PDF with the bundled Japanese font."""
