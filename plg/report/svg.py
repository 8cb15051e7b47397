"""Tiny hand-written SVG chart helpers (no JavaScript, no network): line charts, bars with bands,
a waterfall and a funnel. Every helper returns one self-contained <svg> string; every mark carries
a <title> so hovering shows the exact value."""

from __future__ import annotations

import math
from html import escape
from typing import Callable, Sequence

PALETTE = ["#2563eb", "#db2777", "#16a34a", "#ea580c", "#7c3aed", "#0891b2", "#ca8a04", "#4b5563",
           "#dc2626", "#0d9488", "#9333ea", "#65a30d"]
Fmt = Callable[[float | None], str]


def pct(v: float | None, digits: int = 1) -> str:
    return "–" if v is None else f"{100 * v:.{digits}f} %"


def money(v: float | None) -> str:
    if v is None:
        return "–"
    sign = "−" if v < 0 else ""
    v = abs(v)
    if v >= 1e6:
        return f"{sign}${v / 1e6:.2f}M"
    if v >= 1e4:
        return f"{sign}${v / 1e3:.1f}k"
    return f"{sign}${v:,.0f}"


def num(v: float | None, digits: int = 1) -> str:
    if v is None:
        return "–"
    if float(v).is_integer() and abs(v) >= 10:
        return f"{int(v):,}"
    return f"{v:,.{digits}f}"


def _nice_max(v: float) -> float:
    if v <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(v))
    for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if m * exp >= v:
            return m * exp
    return 10 * exp


def _ticks(lo: float, hi: float, n: int = 4) -> list[float]:
    return [lo + (hi - lo) * i / n for i in range(n + 1)]


def _svg_open(width: int, height: int, label: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
            f'role="img" aria-label="{escape(label)}" preserveAspectRatio="xMidYMid meet">')


def line_chart(
    series: Sequence[tuple[str, Sequence[float | None]]],
    x_labels: Sequence[str],
    y_fmt: Fmt,
    label: str,
    width: int = 640,
    height: int = 260,
    y_min: float | None = None,
    legend: bool = True,
) -> str:
    """One line per series over shared x positions; None values break the line."""
    left, right, top, bottom = 64, 12 + (120 if legend and len(series) > 1 else 0), 12, 34
    values = [v for _, ys in series for v in ys if v is not None]
    lo = min(values + [0.0]) if y_min is None else y_min
    hi = _nice_max(max(values)) if values and max(values) > 0 else 1.0
    if lo < 0:
        lo = -_nice_max(-lo)
    pw, ph = width - left - right, height - top - bottom
    n = max(len(x_labels), 2)

    def x(i: int) -> float:
        return left + pw * i / (n - 1)

    def y(v: float) -> float:
        return top + ph * (1 - (v - lo) / (hi - lo if hi != lo else 1))

    out = [_svg_open(width, height, label)]
    for t in _ticks(lo, hi):
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{y(t):.1f}" y2="{y(t):.1f}" class="grid"/>')
        out.append(f'<text x="{left - 6}" y="{y(t) + 4:.1f}" text-anchor="end" class="axis">{escape(y_fmt(t))}</text>')
    step = max(1, math.ceil(len(x_labels) / 8))
    for i, xl in enumerate(x_labels):
        if i % step == 0 or (i == len(x_labels) - 1 and i % step > step / 2):
            out.append(f'<text x="{x(i):.1f}" y="{height - 12}" text-anchor="middle" class="axis">{escape(xl)}</text>')
    for k, (name, ys) in enumerate(series):
        color = PALETTE[k % len(PALETTE)]
        segments, cur = [], []
        for i, v in enumerate(ys):
            if v is None:
                if cur:
                    segments.append(cur)
                cur = []
            else:
                cur.append((x(i), y(v)))
        if cur:
            segments.append(cur)
        for seg in segments:
            pts = " ".join(f"{px:.1f},{py:.1f}" for px, py in seg)
            out.append(f'<polyline points="{pts}" fill="none" stroke="{color}" stroke-width="2" class="mark">'
                       f'<title>{escape(name)}</title></polyline>')
        if len(ys) <= 40:
            for i, v in enumerate(ys):
                if v is not None:
                    out.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="2.5" fill="{color}" class="mark">'
                               f'<title>{escape(name)} {escape(x_labels[i])}: {escape(y_fmt(v))}</title></circle>')
        if legend and len(series) > 1:
            ly = top + 14 * k + 6
            out.append(f'<rect x="{width - right + 10}" y="{ly - 8}" width="10" height="10" fill="{color}"/>'
                       f'<text x="{width - right + 24}" y="{ly + 1}" class="legend">{escape(name)}</text>')
    out.append("</svg>")
    return "".join(out)


def band_bars(
    groups: Sequence[tuple[str, Sequence[tuple[str, float | None]], float | None, float | None, str]],
    label: str,
    width: int = 900,
    height: int = 300,
) -> str:
    """Grouped bars (e.g. the 30/60/90-day rates of a dashboard row) against a shaded benchmark band.

    groups: (group label, [(bar label, value)], band low, band high, status text).
    """
    left, right, top, bottom = 56, 10, 18, 54
    values = [v for _, bars, lo, hi, _ in groups for v in [*(b for _, b in bars), lo, hi] if v is not None]
    vmax = _nice_max(max(values) if values else 0.01)
    pw, ph = width - left - right, height - top - bottom
    gw = pw / max(len(groups), 1)

    def y(v: float) -> float:
        return top + ph * (1 - v / vmax)

    out = [_svg_open(width, height, label)]
    for t in _ticks(0, vmax):
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{y(t):.1f}" y2="{y(t):.1f}" class="grid"/>')
        out.append(f'<text x="{left - 6}" y="{y(t) + 4:.1f}" text-anchor="end" class="axis">{pct(t, 0)}</text>')
    for g, (gname, bars, lo, hi, status) in enumerate(groups):
        gx = left + g * gw
        if lo is not None and hi is not None:
            out.append(f'<rect x="{gx + 6:.1f}" y="{y(hi):.1f}" width="{gw - 12:.1f}" height="{max(y(lo) - y(hi), 1):.1f}" '
                       f'class="band"><title>{escape(gname)} benchmark {pct(lo, 0)}–{pct(hi, 0)}</title></rect>')
        bw = (gw - 30) / max(len(bars), 1)
        for b, (bname, v) in enumerate(bars):
            if v is None:
                continue
            bx = gx + 15 + b * bw
            out.append(f'<rect x="{bx:.1f}" y="{y(v):.1f}" width="{bw - 4:.1f}" height="{max(y(0) - y(v), 0.5):.1f}" '
                       f'fill="{PALETTE[b % len(PALETTE)]}" class="mark"><title>{escape(gname)} {escape(bname)}: '
                       f'{pct(v)}</title></rect>')
            out.append(f'<text x="{bx + (bw - 4) / 2:.1f}" y="{y(v) - 3:.1f}" text-anchor="middle" class="value">'
                       f'{pct(v)}</text>')
        out.append(f'<text x="{gx + gw / 2:.1f}" y="{height - 30}" text-anchor="middle" class="axis strong">'
                   f'{escape(gname)}</text>')
        out.append(f'<text x="{gx + gw / 2:.1f}" y="{height - 14}" text-anchor="middle" class="axis status-{escape(status)}">'
                   f'{escape(status)}</text>')
    out.append("</svg>")
    return "".join(out)


def waterfall(steps: Sequence[tuple[str, float, str]], label: str, width: int = 900, height: int = 300) -> str:
    """steps: (label, value, kind) with kind 'total' (a level from 0) or 'delta' (a change from the running level)."""
    left, right, top, bottom = 70, 10, 16, 40
    level, spans = 0.0, []
    for name, v, kind in steps:
        if kind == "total":
            spans.append((name, 0.0, v, kind, v))
            level = v
        else:
            spans.append((name, level, level + v, kind, v))
            level += v
    lo = min(0.0, *(min(a, b) for _, a, b, _, _ in spans))
    hi = _nice_max(max(max(a, b) for _, a, b, _, _ in spans))
    pw, ph = width - left - right, height - top - bottom
    bw = pw / max(len(spans), 1)

    def y(v: float) -> float:
        return top + ph * (1 - (v - lo) / (hi - lo if hi != lo else 1))

    out = [_svg_open(width, height, label)]
    for t in _ticks(lo, hi):
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{y(t):.1f}" y2="{y(t):.1f}" class="grid"/>')
        out.append(f'<text x="{left - 6}" y="{y(t) + 4:.1f}" text-anchor="end" class="axis">{money(t)}</text>')
    for i, (name, a, b, kind, v) in enumerate(spans):
        color = "#475569" if kind == "total" else ("#16a34a" if v >= 0 else "#dc2626")
        x0 = left + i * bw + 8
        top_y, h = y(max(a, b)), max(abs(y(a) - y(b)), 1.0)
        out.append(f'<rect x="{x0:.1f}" y="{top_y:.1f}" width="{bw - 16:.1f}" height="{h:.1f}" fill="{color}" class="mark">'
                   f'<title>{escape(name)}: {money(v)}</title></rect>')
        sign = "+" if kind == "delta" and v > 0 else ""
        out.append(f'<text x="{x0 + (bw - 16) / 2:.1f}" y="{top_y - 4:.1f}" text-anchor="middle" class="value">'
                   f'{sign}{money(v)}</text>')
        out.append(f'<text x="{x0 + (bw - 16) / 2:.1f}" y="{height - 18}" text-anchor="middle" class="axis">'
                   f'{escape(name)}</text>')
        if i + 1 < len(spans):
            out.append(f'<line x1="{x0 + bw - 16:.1f}" x2="{x0 + bw:.1f}" y1="{y(b):.1f}" y2="{y(b):.1f}" class="connector"/>')
    out.append("</svg>")
    return "".join(out)


def funnel(steps: Sequence[tuple[str, int, float | None, float | None]], label: str, width: int = 900,
           height: int = 220) -> str:
    """steps: (name, accounts, step rate, rate from signup); horizontal bars scaled to the first step."""
    left, right, top = 170, 220, 10
    row_h = (height - top * 2) / max(len(steps), 1)
    first = max((s[1] for s in steps), default=1) or 1
    pw = width - left - right
    out = [_svg_open(width, height, label)]
    for i, (name, n, step_rate, from_signup) in enumerate(steps):
        yy = top + i * row_h
        w = max(pw * (n or 0) / first, 1.0)
        out.append(f'<text x="{left - 8}" y="{yy + row_h / 2 + 4:.1f}" text-anchor="end" class="axis strong">{escape(name)}</text>')
        out.append(f'<rect x="{left + (pw - w) / 2:.1f}" y="{yy + 4:.1f}" width="{w:.1f}" height="{row_h - 8:.1f}" '
                   f'fill="{PALETTE[i % len(PALETTE)]}" class="mark"><title>{escape(name)}: {n:,} accounts</title></rect>')
        out.append(f'<text x="{left + pw + 10}" y="{yy + row_h / 2 + 4:.1f}" class="value">{n:,} · step {pct(step_rate)}'
                   f' · from signup {pct(from_signup)}</text>')
    out.append("</svg>")
    return "".join(out)
