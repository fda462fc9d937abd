"""Inline SVG charts: no library, no external asset, readable when the page is opened from disk.

Chinese labels are measured roughly (a CJK character is about one em wide, an
ASCII character about half) so bars start after the longest label.
"""

from __future__ import annotations

from html import escape

FONT = 12
BAR = 18
GAP = 6


def text_width(text: str, size: int = FONT) -> float:
    return sum(size if ord(ch) > 0x2E7F else size * 0.6 for ch in text)


def clip(text: str, limit: float) -> str:
    """Cut a label to ``limit`` pixels, ending with … when cut."""
    if text_width(text) <= limit:
        return text
    out = ""
    for ch in text:
        if text_width(out + ch + "…") > limit:
            break
        out += ch
    return out + "…"


def bar_chart(
    chart_id: str,
    title: str,
    rows: list[tuple[str, list[int]]],
    series: list[tuple[str, str]],
    width: int = 760,
) -> str:
    """Horizontal stacked bars: one row per label, one segment per series (name, colour)."""
    if not rows:
        return _empty(chart_id, title, width)
    label_w = min(260.0, max(text_width(label) for label, _ in rows) + 12)
    top = 28 + 22  # title and legend
    plot_w = width - label_w - 70
    peak = max(sum(values) for _, values in rows) or 1
    height = top + len(rows) * (BAR + GAP) + 10
    parts = [_open(chart_id, title, width, height), _legend(series, label_w)]
    for i, (label, values) in enumerate(rows):
        y = top + i * (BAR + GAP)
        parts.append(
            f'<text x="{label_w - 6:.0f}" y="{y + BAR - 5}" text-anchor="end" font-size="{FONT}">'
            f"<title>{escape(label)}</title>{escape(clip(label, label_w - 12))}</text>"
        )
        x = label_w
        for (name, colour), value in zip(series, values, strict=True):
            if value <= 0:
                continue
            w = max(1.0, plot_w * value / peak)
            parts.append(
                f'<rect class="bar" x="{x:.1f}" y="{y}" width="{w:.1f}" height="{BAR}" fill="{colour}">'
                f"<title>{escape(label)} · {escape(name)}: {value}</title></rect>"
            )
            x += w
        parts.append(f'<text x="{x + 4:.1f}" y="{y + BAR - 5}" font-size="{FONT}">{sum(values)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def line_chart(
    chart_id: str,
    title: str,
    labels: list[str],
    series: list[tuple[str, str, list[int]]],
    width: int = 760,
    height: int = 260,
) -> str:
    """One polyline per series (name, colour, values) over the labels (e.g. run dates)."""
    if not labels:
        return _empty(chart_id, title, width)
    left, right, top, bottom = 56, 20, 50, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((max(values) for _, _, values in series if values), default=0) or 1
    step = plot_w / max(1, len(labels) - 1)
    parts = [_open(chart_id, title, width, height), _legend([(n, c) for n, c, _ in series], left)]
    for k in range(5):
        value = peak * k / 4
        y = top + plot_h - plot_h * k / 4
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{value:.0f}</text>')
    every = max(1, len(labels) // 8)
    for i, label in enumerate(labels):
        if i % every == 0 or i == len(labels) - 1:
            x = left + (step * i if len(labels) > 1 else plot_w / 2)
            anchor = (
                "middle" if len(labels) == 1 else "start" if i == 0 else "end" if i == len(labels) - 1 else "middle"
            )
            parts.append(
                f'<text x="{x:.1f}" y="{height - bottom + 16}" text-anchor="{anchor}" font-size="11">'
                f"{escape(label)}</text>"
            )
    for name, colour, values in series:
        points = []
        for i, value in enumerate(values):
            x = left + (step * i if len(values) > 1 else plot_w / 2)
            y = top + plot_h - plot_h * value / peak
            points.append((x, y, value, labels[i]))
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in points)
        parts.append(f'<polyline class="line" points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for x, y, value, label in points:
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}">'
                f"<title>{escape(label)} · {escape(name)}: {value}</title></circle>"
            )
    parts.append("</svg>")
    return "".join(parts)


def _open(chart_id: str, title: str, width: int, height: int) -> str:
    return (
        f'<svg id="{chart_id}" class="chart" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" aria-label="{escape(title)}">'
        f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>'
    )


def _legend(series: list[tuple[str, str]], x0: float) -> str:
    parts = []
    x = x0
    for name, colour in series:
        parts.append(f'<rect x="{x:.0f}" y="28" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16:.0f}" y="38" font-size="{FONT}">{escape(name)}</text>')
        x += 16 + text_width(name) + 18
    return "".join(parts)


def _empty(chart_id: str, title: str, width: int) -> str:
    return (
        _open(chart_id, title, width, 60)
        + '<text x="0" y="44" font-size="12" fill="#555">暂无数据 (no data)</text></svg>'
    )
