"""The project's look of a pygal chart, drawn as self-contained SVG (shipped font, no script, no external file).

One home for the charts of every layer: the report's (reporting/charts.py) and the client page's (plans).
"""

from __future__ import annotations

import base64

from pygal.etree import etree
from pygal.graph.graph import Graph
from pygal.style import Style

# The shipped font (static/fonts) is declared by the PDF's @font-face under this name.
FONT = "DejaVu Sans"
COLOURS = ("#1f4e79", "#e07b39", "#3a9a8f", "#b8860b", "#7a5195", "#8c8c8c", "#c23b4e", "#5f8fc4")
TARGET_COLOUR = "#c23b4e"

_STYLE_SETTINGS: dict[str, object] = {
    "font_family": FONT,
    "background": "#ffffff",
    "plot_background": "#ffffff",
    "foreground": "#222222",
    "foreground_strong": "#111111",
    "foreground_subtle": "#d0d4da",
    "opacity": "1",
    "opacity_hover": "1",
    "transition": "0s",
    "label_font_size": 13,
    "major_label_font_size": 13,
    "value_font_size": 12,
    "value_label_font_size": 12,
    "legend_font_size": 13,
    "title_font_size": 15,
    "tooltip_font_size": 12,
    "no_data_font_size": 16,
    # Values printed on dark bars and slices read in white.
    "value_colors": ("#ffffff",) * len(COLOURS),
    "guide_stroke_color": "#e3e7eb",
    "major_guide_stroke_color": "#c9d0d7",
    "guide_stroke_dasharray": "0",
    "major_guide_stroke_dasharray": "0",
}


def chart_style(colours: tuple[str, ...] = COLOURS, **larger: object) -> Style:
    return Style(colors=colours, **{**_STYLE_SETTINGS, **larger})


def chart_config(**extra: object) -> dict[str, object]:
    config: dict[str, object] = {
        "style": chart_style(),
        # No <script>, no external stylesheet or font, no XML prolog: the SVG is embedded in HTML/PDF.
        "js": [],
        "disable_xml_declaration": True,
        "explicit_size": True,
        "width": 720,
        "height": 340,
        "show_y_guides": True,
        "print_values": True,
        "print_zeroes": False,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 4,
        "margin": 12,
        "margin_bottom": 30,
        "truncate_label": 40,
        "truncate_legend": 40,
    }
    config.update(extra)
    return config


def svg(chart: Graph) -> str:
    """The chart's SVG without pygal's inline config script (nothing in a report runs code)."""
    tree = chart.render_tree()
    for parent in list(tree.iter()):
        for child in list(parent):
            if child.tag in ("script", "{http://www.w3.org/2000/svg}script"):
                parent.remove(child)
    return etree.tostring(tree, encoding="unicode")


def data_uri(drawing: str) -> str:
    """The SVG as an <img> source that needs no fetch."""
    return "data:image/svg+xml;base64," + base64.b64encode(drawing.encode()).decode("ascii")
