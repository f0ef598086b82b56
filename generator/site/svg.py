"""A few SVG primitives, written as text: no drawing library, no script, no font download."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif"
INK = "#263238"
MUTED = "#607d8b"


def attrs(**values: str | float | int) -> str:
    return "".join(f" {name.rstrip('_').replace('_', '-')}={quoteattr(str(value))}" for name, value in values.items())


def text(x: float, y: float, content: str, size: float = 13, anchor: str = "start", **extra: str | float) -> str:
    style = {"font_size": size, "text_anchor": anchor, "fill": INK, **extra}
    return f"<text{attrs(x=round(x, 1), y=round(y, 1), **style)}>{escape(content)}</text>"


def rect(x: float, y: float, width: float, height: float, fill: str, **extra: str | float) -> str:
    size = {"width": round(max(width, 0), 1), "height": round(height, 1)}
    return f"<rect{attrs(x=round(x, 1), y=round(y, 1), **size, fill=fill, **extra)}/>"


def line(x1: float, y1: float, x2: float, y2: float, stroke: str = MUTED, **extra: str | float) -> str:
    return f"<line{attrs(x1=round(x1, 1), y1=round(y1, 1), x2=round(x2, 1), y2=round(y2, 1), stroke=stroke, **extra)}/>"


def document(width: int, height: int, title: str, description: str, body: list[str]) -> str:
    """A standalone SVG with a title and description for screen readers."""
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}"'
        f' role="img" aria-labelledby="t d" font-family={quoteattr(FONT)}>'
    )
    return "\n".join(
        [
            head,
            f'<title id="t">{escape(title)}</title>',
            f'<desc id="d">{escape(description)}</desc>',
            rect(0, 0, width, height, "#ffffff", rx=8),
            *body,
            "</svg>",
            "",
        ]
    )
