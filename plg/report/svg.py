"""Small hand-written SVG chart helpers (no JavaScript, no network): line charts with immature points,
grouped bars with a benchmark band and a legend, stacked movement bars with a net line, a bridge
(waterfall) scaled to its movements, a funnel and heatmaps. Every helper returns one self-contained
<svg> string; every data mark carries class ``mark`` (the browser test counts them) and a <title>
(hovering shows the exact value). Axes use round 1-2-5 ticks (``nice_ticks``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from html import escape
from itertools import count

PALETTE = [
    "#2563eb",
    "#db2777",
    "#16a34a",
    "#ea580c",
    "#7c3aed",
    "#0891b2",
    "#ca8a04",
    "#4b5563",
    "#dc2626",
    "#0d9488",
    "#9333ea",
    "#65a30d",
]
Fmt = Callable[[float | None], str]
_ids = count(1)
FADED = 'opacity="0.35"'
DASHED = ' stroke-dasharray="4 3" opacity="0.55"'
OPACITY_70 = ' opacity="0.7"'
OPACITY_45 = ' opacity="0.45"'  # unique ids for <pattern>/<linearGradient> within one page


# ---------------------------------------------------------------- numbers


def is_integral(v: float | int | None) -> bool:
    return v is not None and not isinstance(v, bool) and float(v).is_integer()


def integer(v: float | int | None) -> str:
    """A count: always printed without decimals (1 → "1", 1200.0 → "1,200")."""
    return "–" if v is None else f"{int(round(float(v))):,}".replace("-", "−")


def num(v: float | int | None, digits: int = 1) -> str:
    """A measure: integers (int values or integral floats) without decimals, others with ``digits``."""
    if v is None:
        return "–"
    if isinstance(v, int) or is_integral(v):
        return integer(v)
    return f"{v:,.{digits}f}".replace("-", "−")


def pct(v: float | None, digits: int = 1) -> str:
    return "–" if v is None else f"{100 * v:.{digits}f} %".replace("-", "−")


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


def nice_ticks(lo: float, hi: float, max_ticks: int = 6) -> list[float]:
    """Round axis ticks covering [lo, hi]: a step of 1, 2 or 5 × 10^k, the smallest that needs at most
    ``max_ticks`` ticks; the first tick ≤ lo and the last ≥ hi are multiples of the step."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError("nice_ticks needs finite bounds")
    if hi < lo:
        lo, hi = hi, lo
    if hi == lo:
        pad = abs(lo) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    intervals = max(max_ticks - 1, 1)
    mag = 10.0 ** math.floor(math.log10((hi - lo) / intervals))
    for m in (1, 2, 5, 10, 20):
        step = m * mag
        first = math.floor(lo / step + 1e-9)
        last = math.ceil(hi / step - 1e-9)
        if last - first <= intervals:
            break
    return [_clean(k * step) for k in range(first, last + 1)]


def _clean(v: float) -> float:
    r = round(v, 12)
    return 0.0 if r == 0 else r


def tick_step(ticks: Sequence[float]) -> float:
    return ticks[1] - ticks[0] if len(ticks) > 1 else 1.0


def _decimals(step: float) -> int:
    return max(0, math.ceil(-math.log10(step) - 1e-9)) if step > 0 else 0


def tick_label(kind: str, v: float, step: float) -> str:
    """A tick label with just the decimals the step needs: pct 0.05 → "5 %", money 20000 → "$20k"."""
    if kind == "pct":
        return f"{100 * v:.{_decimals(step * 100)}f} %".replace("-", "−")
    if kind == "money":
        sign, a = ("−" if v < 0 else ""), abs(v)
        for div, unit in ((1e6, "M"), (1e3, "k")):
            if step >= div / 10 and (a >= div or a == 0 and step >= div / 10):
                return f"{sign}${a / div:.{_decimals(step / div)}f}{unit}" if a else "$0"
        return f"{sign}${a:,.{_decimals(step)}f}"
    return f"{v:,.{_decimals(step)}f}".replace("-", "−")


def value_label(kind: str, v: float | None) -> str:
    if kind == "pct":
        return pct(v)
    if kind == "money":
        return money(v)
    if kind == "int":
        return integer(v)
    return num(v)


# ---------------------------------------------------------------- svg helpers


def _svg_open(width: int, height: int, label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="{escape(label)}" preserveAspectRatio="xMidYMid meet">'
    )


def _y_axis(
    out: list[str], ticks: Sequence[float], y: Callable[[float], float], left: float, right_x: float, kind: str
) -> None:
    step = tick_step(ticks)
    for t in ticks:
        cls = "grid zero" if t == 0 and ticks[0] < 0 else "grid"
        out.append(f'<line x1="{left}" x2="{right_x}" y1="{y(t):.1f}" y2="{y(t):.1f}" class="{cls}"/>')
        out.append(
            f'<text x="{left - 6}" y="{y(t) + 4:.1f}" text-anchor="end" class="axis">'
            f"{escape(tick_label(kind, t, step))}</text>"
        )


def _legend(out: list[str], items: Sequence[tuple[str, str, str]], x: float, y: float, width: float) -> None:
    """items: (label, colour, style 'box' | 'line' | 'dash' | 'hatch'); laid out left to right, wrapping."""
    cx, cy = x, y
    for name, color, style in items:
        w = 20 + 6.2 * len(name) + 12
        if cx + w > x + width and cx > x:
            cx, cy = x, cy + 16
        if style == "line":
            out.append(
                f'<line x1="{cx:.1f}" x2="{cx + 16:.1f}" y1="{cy - 4:.1f}" y2="{cy - 4:.1f}" stroke="{color}" '
                f'stroke-width="2"/>'
            )
        elif style == "dash":
            out.append(
                f'<line x1="{cx:.1f}" x2="{cx + 16:.1f}" y1="{cy - 4:.1f}" y2="{cy - 4:.1f}" stroke="{color}" '
                f'stroke-width="2" stroke-dasharray="4 3" opacity="0.6"/>'
            )
        else:
            out.append(
                f'<rect x="{cx:.1f}" y="{cy - 10:.1f}" width="12" height="12" fill="{color}" '
                f"{FADED if style == 'faded' else ''}/>"
            )
        out.append(f'<text x="{cx + 20:.1f}" y="{cy:.1f}" class="legend">{escape(name)}</text>')
        cx += w


def _x_labels(out: list[str], labels: Sequence[str], x: Callable[[int], float], y: float, max_labels: int) -> None:
    step = max(1, math.ceil(len(labels) / max_labels))
    last = len(labels) - 1
    for i, xl in enumerate(labels):
        if (last - i) % step == 0:  # always label the latest point
            out.append(f'<text x="{x(i):.1f}" y="{y}" text-anchor="middle" class="axis">{escape(xl)}</text>')


# ---------------------------------------------------------------- charts


def line_chart(
    series: Sequence[tuple[str, Sequence[float | None], Sequence[bool] | None]],
    x_labels: Sequence[str],
    kind: str,
    label: str,
    width: int = 640,
    height: int = 260,
    legend: bool = True,
    zero: bool = True,
    max_x_labels: int = 8,
    colors: Sequence[str] | None = None,
    faded_name: str = "immature",
) -> str:
    """One line per series over shared x positions; None breaks the line. A series may carry a flag per
    point (True = immature / incomplete): such points are hollow and faded, joined by a dashed line, and
    carry class ``immature``. ``zero``: the value axis includes 0 (rates, counts)."""
    legend_rows = 0
    if legend:
        legend_rows = 1 + int((sum(32 + 6.2 * len(s[0]) for s in series) + 200) // (width - 90))
    left, right, top, bottom = 62, 28, 10 + 16 * legend_rows, 30
    values = [v for _, ys, _ in series for v in ys if v is not None]
    lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
    if zero:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    ticks = nice_ticks(lo, hi, 5)
    lo, hi = ticks[0], ticks[-1]
    pw, ph = width - left - right, height - top - bottom
    n = max(len(x_labels), 2)

    def x(i: int) -> float:
        return left + pw * i / (n - 1)

    def y(v: float) -> float:
        return top + ph * (1 - (v - lo) / (hi - lo))

    out = [_svg_open(width, height, label)]
    _y_axis(out, ticks, y, left, width - right, kind)
    _x_labels(out, x_labels, x, height - 10, max_x_labels)
    any_faded = False
    for k, (name, ys, flags) in enumerate(series):
        color = (colors or PALETTE)[k % len(colors or PALETTE)]
        fl = list(flags) if flags is not None else [False] * len(ys)
        any_faded |= any(f for f, v in zip(fl, ys, strict=False) if v is not None)
        out.append(f'<g class="series" data-name="{escape(name)}">')
        if len(ys) > 40:  # a long curve: runs of complete / incomplete points, each run one mark
            runs: list[tuple[bool, list[int]]] = []
            for i, v in enumerate(ys):
                if v is None:
                    runs.append((False, []))
                    continue
                if not runs or runs[-1][0] != fl[i] or not runs[-1][1]:
                    start = [runs[-1][1][-1]] if runs and runs[-1][1] and runs[-1][0] != fl[i] else []
                    runs.append((fl[i], start))
                runs[-1][1].append(i)
            for faded, idx in runs:
                if not idx:
                    continue
                pts = " ".join(f"{x(i):.1f},{y(ys[i]):.1f}" for i in idx)  # type: ignore[arg-type]
                last = idx[-1]
                out.append(
                    f'<polyline points="{pts}" fill="none" stroke="{color}" stroke-width="2"'
                    f'{DASHED if faded else ""} class="mark{" immature" if faded else ""}"><title>{escape(name)} '
                    f"to {escape(x_labels[last])}: {escape(value_label(kind, ys[last]))}"
                    f"{' (' + faded_name + ')' if faded else ''}</title></polyline>"
                )
            out.append("</g>")
            continue
        prev: tuple[int, float] | None = None
        for i, v in enumerate(ys):
            if v is None:
                prev = None
                continue
            if prev is not None:
                j, pv = prev
                dashed = fl[i] or fl[j]
                out.append(
                    f'<line x1="{x(j):.1f}" y1="{y(pv):.1f}" x2="{x(i):.1f}" y2="{y(v):.1f}" stroke="{color}" '
                    f'stroke-width="2"{DASHED if dashed else ""}/>'
                )
            prev = (i, v)
        for i, v in enumerate(ys):
            if v is None:
                continue
            faded = fl[i]
            fill = "#fff" if faded else color
            out.append(
                f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{fill}" '
                f'stroke="{color}" class="mark{" immature" if faded else ""}"{OPACITY_70 if faded else ""}>'
                f"<title>{escape(name)} {escape(x_labels[i])}: {escape(value_label(kind, v))}"
                f"{' (' + faded_name + ')' if faded else ''}</title></circle>"
            )
        out.append("</g>")
    if legend:
        items = [
            (name, (colors or PALETTE)[k % len(colors or PALETTE)], "line") for k, (name, _, _) in enumerate(series)
        ]
        if any_faded:
            items.append((faded_name, "#64748b", "dash"))
        _legend(out, items, left, 14, width - left - right)
    out.append("</svg>")
    return "".join(out)


def band_bars(
    groups: Sequence[tuple[str, Sequence[tuple[str, float | None]], float | None, float | None, str]],
    label: str,
    width: int = 1000,
    height: int = 320,
) -> str:
    """Grouped bars (the 30/60/90-day rates of a dashboard row) against a shaded benchmark band, with a
    legend. groups: (group label, [(bar label, value)], band low, band high, status text)."""
    left, right, top, bottom = 56, 10, 30, 46
    values = [v for _, bars, lo, hi, _ in groups for v in [*(b for _, b in bars), lo, hi] if v is not None]
    ticks = nice_ticks(0.0, max(values) if values else 0.01, 6)
    vmax = ticks[-1]
    pw, ph = width - left - right, height - top - bottom
    gw = pw / max(len(groups), 1)

    def y(v: float) -> float:
        return top + ph * (1 - v / vmax)

    out = [_svg_open(width, height, label)]
    _y_axis(out, ticks, y, left, width - right, "pct")
    bar_names: list[str] = []
    for g, (gname, bars, lo, hi, status) in enumerate(groups):
        gx = left + g * gw
        if lo is not None and hi is not None:
            out.append(
                f'<rect x="{gx + 6:.1f}" y="{y(hi):.1f}" width="{gw - 12:.1f}" height="{max(y(lo) - y(hi), 1):.1f}" '
                f'class="band"><title>{escape(gname)} benchmark {pct(lo, 0)}–{pct(hi, 0)}</title></rect>'
            )
        bw = (gw - 30) / max(len(bars), 1)
        for b, (bname, v) in enumerate(bars):
            if bname not in bar_names:
                bar_names.append(bname)
            if v is None:
                continue
            bx = gx + 15 + b * bw
            out.append(
                f'<rect x="{bx:.1f}" y="{y(v):.1f}" width="{bw - 4:.1f}" height="{max(y(0) - y(v), 0.5):.1f}" '
                f'fill="{PALETTE[b % len(PALETTE)]}" class="mark"><title>{escape(gname)} {escape(bname)}: '
                f"{pct(v)}</title></rect>"
            )
            out.append(
                f'<text x="{bx + (bw - 4) / 2:.1f}" y="{y(v) - 3:.1f}" text-anchor="middle" class="value">'
                f"{pct(v)}</text>"
            )
        out.append(
            f'<text x="{gx + gw / 2:.1f}" y="{height - 24}" text-anchor="middle" class="axis strong">'
            f"{escape(gname)}</text>"
        )
        out.append(
            f'<text x="{gx + gw / 2:.1f}" y="{height - 8}" text-anchor="middle" class="axis status-{escape(status)}">'
            f"{escape(status)}</text>"
        )
    items = [(f"converted within {n}", PALETTE[i % len(PALETTE)], "box") for i, n in enumerate(bar_names)]
    items.append(("benchmark band", "#bbf7d0", "box"))
    _legend(out, items, left, 16, pw)
    out.append("</svg>")
    return "".join(out)


def stacked_movements(
    months: Sequence[str],
    components: Sequence[tuple[str, str, Sequence[float], int]],
    net: Sequence[float | None],
    label: str,
    flags: Sequence[bool] | None = None,
    width: int = 1000,
    height: int = 320,
) -> str:
    """Stacked bars by month: components (name, colour, values ≥ 0, sign +1 up / −1 down); a net line.
    Each non-zero segment is a mark (class ``mark seg``); net points class ``mark net``."""
    left, right, top, bottom = 66, 12, 30, 30
    ups = [sum(vals[i] for _, _, vals, s in components if s > 0) for i in range(len(months))]
    downs = [-sum(vals[i] for _, _, vals, s in components if s < 0) for i in range(len(months))]
    nets = [v for v in net if v is not None]
    ticks = nice_ticks(min(downs + nets + [0.0]), max(ups + nets + [0.0]), 7)
    lo, hi = ticks[0], ticks[-1]
    pw, ph = width - left - right, height - top - bottom
    bw = pw / max(len(months), 1)

    def y(v: float) -> float:
        return top + ph * (1 - (v - lo) / (hi - lo))

    def xc(i: int) -> float:
        return left + bw * (i + 0.5)

    out = [_svg_open(width, height, label)]
    _y_axis(out, ticks, y, left, width - right, "money")
    fl = list(flags) if flags is not None else [False] * len(months)
    for i, m in enumerate(months):
        up, down = 0.0, 0.0
        for name, color, vals, sign in components:
            v = vals[i] or 0.0
            if v <= 0:
                continue
            a, b = (up, up + v) if sign > 0 else (down - v, down)
            if sign > 0:
                up += v
            else:
                down -= v
            out.append(
                f'<rect x="{left + bw * i + bw * 0.15:.1f}" y="{y(b):.1f}" width="{bw * 0.7:.1f}" '
                f'height="{max(y(a) - y(b), 0.5):.1f}" fill="{color}" class="mark seg"'
                f"{OPACITY_45 if fl[i] else ''}><title>{escape(m)} {escape(name)}: "
                f"{'−' if sign < 0 else '+'}{money(v)}</title></rect>"
            )
    pts = [(xc(i), y(v), i, v) for i, v in enumerate(net) if v is not None]
    if len(pts) > 1:
        out.append(
            f'<polyline points="{" ".join(f"{px:.1f},{py:.1f}" for px, py, _, _ in pts)}" fill="none" '
            f'stroke="#0f172a" stroke-width="1.5"/>'
        )
    for px, py, i, v in pts:
        out.append(
            f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="#0f172a" class="mark net"><title>{escape(months[i])} '
            f"net new MRR: {money(v)}</title></circle>"
        )
    _x_labels(out, months, xc, height - 10, 12)
    items = [(name, color, "box") for name, color, _, _ in components] + [("net new MRR", "#0f172a", "line")]
    _legend(out, items, left, 16, pw)
    out.append("</svg>")
    return "".join(out)


def waterfall(
    steps: Sequence[tuple[str, float, str]], label: str, width: int = 1000, height: int = 320
) -> tuple[str, float]:
    """steps: (label, value, kind) with kind 'total' (a level) or 'delta' (a change from the running level).
    The value axis is scaled to the running levels (not from $0 when that would make the movements
    slivers); total bars then start at the axis floor, which is drawn with a break mark.
    Returns (svg, axis floor)."""
    left, right, top, bottom = 70, 10, 16, 40
    level, spans = 0.0, []
    for name, v, kind in steps:
        if kind == "total":
            spans.append((name, None, v, kind, v))
            level = v
        else:
            spans.append((name, level, level + v, kind, v))
            level += v
    levels = [b for _, _, b, _, _ in spans] + [a for _, a, _, _, _ in spans if a is not None]
    lo_v, hi_v = min(levels), max(levels)
    moves = max((abs(v) for _, _, _, k, v in spans if k == "delta"), default=0.0)
    if lo_v > 0 and (hi_v - lo_v) < 0.5 * hi_v:
        pad = max(hi_v - lo_v, moves) * 0.6 or hi_v * 0.05
        ticks = nice_ticks(max(lo_v - pad, 0.0), hi_v + pad * 0.3, 6)
    else:
        ticks = nice_ticks(min(lo_v, 0.0), hi_v, 6)
    lo, hi = ticks[0], ticks[-1]
    pw, ph = width - left - right, height - top - bottom
    bw = pw / max(len(spans), 1)

    def y(v: float) -> float:
        return top + ph * (1 - (v - lo) / (hi - lo))

    out = [_svg_open(width, height, label)]
    _y_axis(out, ticks, y, left, width - right, "money")
    for i, (name, a, b, kind, v) in enumerate(spans):
        color = "#475569" if kind == "total" else ("#16a34a" if v >= 0 else "#dc2626")
        x0 = left + i * bw + 8
        a = lo if a is None else a
        top_y, h = y(max(a, b)), max(abs(y(a) - y(b)), 1.0)
        out.append(
            f'<rect x="{x0:.1f}" y="{top_y:.1f}" width="{bw - 16:.1f}" height="{h:.1f}" fill="{color}" class="mark">'
            f"<title>{escape(name)}: {money(v)}</title></rect>"
        )
        if kind == "total" and lo > 0:  # the bar is cut: a zig-zag at its foot
            zx, zy = x0, y(lo) - 6
            out.append(
                f'<polyline points="{zx:.1f},{zy:.1f} {zx + (bw - 16) / 4:.1f},{zy - 4:.1f} '
                f"{zx + (bw - 16) / 2:.1f},{zy:.1f} {zx + 3 * (bw - 16) / 4:.1f},{zy - 4:.1f} "
                f'{zx + bw - 16:.1f},{zy:.1f}" fill="none" stroke="#fff" stroke-width="2.5"/>'
            )
        sign = "+" if kind == "delta" and v > 0 else ""
        out.append(
            f'<text x="{x0 + (bw - 16) / 2:.1f}" y="{top_y - 4:.1f}" text-anchor="middle" class="value">'
            f"{sign}{money(v)}</text>"
        )
        words = name.split(" ") if len(name) * 6 > bw else [name]
        for li, word in enumerate(words):
            out.append(
                f'<text x="{x0 + (bw - 16) / 2:.1f}" y="{height - 24 + 12 * li}" text-anchor="middle" '
                f'class="axis">{escape(word)}</text>'
            )
        if i + 1 < len(spans):
            out.append(
                f'<line x1="{x0 + bw - 16:.1f}" x2="{x0 + bw:.1f}" y1="{y(b):.1f}" y2="{y(b):.1f}" class="connector"/>'
            )
    out.append("</svg>")
    return "".join(out), lo


def funnel(
    steps: Sequence[tuple[str, int, float | None, float | None]], label: str, width: int = 1000, height: int = 200
) -> str:
    """steps: (name, accounts, step rate, rate from signup); horizontal bars scaled to the first step.
    Labels sit in fixed columns wide enough for their text (nothing is clipped)."""
    name_w = max(7.2 * max((len(s[0]) for s in steps), default=8) + 16, 110)
    info = [f"{integer(n)} accounts · step {pct(sr)} · from signup {pct(fs)}" for _, n, sr, fs in steps]
    info_w = 6.4 * max((len(t) for t in info), default=20) + 20
    left, right, top = name_w, info_w, 6
    row_h = (height - top * 2) / max(len(steps), 1)
    first = max((s[1] for s in steps), default=1) or 1
    pw = width - left - right
    out = [_svg_open(width, height, label)]
    for i, (name, n, _, _) in enumerate(steps):
        yy = top + i * row_h
        w = max(pw * (n or 0) / first, 1.0)
        out.append(
            f'<text x="{left - 8:.1f}" y="{yy + row_h / 2 + 4:.1f}" text-anchor="end" class="axis strong">'
            f"{escape(name)}</text>"
        )
        out.append(
            f'<rect x="{left + (pw - w) / 2:.1f}" y="{yy + 4:.1f}" width="{w:.1f}" height="{row_h - 8:.1f}" '
            f'fill="{PALETTE[i % len(PALETTE)]}" class="mark">'
            f"<title>{escape(name)}: {integer(n)} accounts</title></rect>"
        )
        out.append(
            f'<text x="{left + pw + 10:.1f}" y="{yy + row_h / 2 + 4:.1f}" class="value">{escape(info[i])}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def _blend(t: float) -> str:
    """White → deep blue for t in [0, 1]."""
    t = min(max(t, 0.0), 1.0)
    a, b = (248, 250, 252), (30, 64, 175)
    return "#" + "".join(f"{round(a[k] + (b[k] - a[k]) * t):02x}" for k in range(3))


def heatmap(
    rows: Sequence[str],
    cols: Sequence[str],
    values: Sequence[Sequence[float | None]],
    flags: Sequence[Sequence[bool]],
    kind: str,
    label: str,
    width: int = 1000,
    col_title: str = "",
    faded_name: str = "incomplete",
    centre: float | None = None,
) -> str:
    """A cell per (row, column) with a value (None: no cell). Colour from the lowest to the highest value
    (a diverging scale around ``centre`` when given). Flagged cells (incomplete) are hatched and carry
    class ``incomplete``; every cell is class ``mark cell``."""
    pid = f"hatch{next(_ids)}"
    left, right, top = 78, 10, 40
    cell_h = 22
    height = int(top + cell_h * len(rows) + 14)
    cw = (width - left - right) / max(len(cols), 1)
    vals = [v for r in values for v in r if v is not None]
    vlo, vhi = (min(vals), max(vals)) if vals else (0.0, 1.0)
    out = [
        _svg_open(width, height, label),
        f'<defs><pattern id="{pid}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="#94a3b8" stroke-width="2"/></pattern></defs>',
    ]
    if col_title:
        out.append(f'<text x="{left}" y="12" class="axis strong">{escape(col_title)}</text>')
    for j, c in enumerate(cols):
        out.append(
            f'<text x="{left + cw * (j + 0.5):.1f}" y="{top - 6}" text-anchor="middle" class="axis">{escape(c)}</text>'
        )
    show_text = cw >= 44
    for i, r in enumerate(rows):
        yy = top + i * cell_h
        out.append(
            f'<text x="{left - 6}" y="{yy + cell_h / 2 + 4:.1f}" text-anchor="end" class="axis">{escape(r)}</text>'
        )
        for j, v in enumerate(values[i]):
            if v is None:
                continue
            if centre is not None:
                span = max(abs(vhi - centre), abs(centre - vlo)) or 1.0
                t = (v - centre) / span
                fill = (
                    _blend(t)
                    if t >= 0
                    else "#"
                    + "".join(
                        f"{round(c1 + (c2 - c1) * min(-t, 1)):02x}"
                        for c1, c2 in zip((248, 250, 252), (185, 28, 28), strict=False)
                    )
                )
                dark = abs(t) > 0.55
            else:
                t = (v - vlo) / (vhi - vlo) if vhi > vlo else 0.5
                fill, dark = _blend(t), t > 0.55
            inc = flags[i][j]
            x0 = left + cw * j
            out.append(
                f'<rect x="{x0 + 1:.1f}" y="{yy + 1:.1f}" width="{cw - 2:.1f}" height="{cell_h - 2}" fill="{fill}" '
                f'class="mark cell{" incomplete" if inc else ""}"><title>{escape(r)} · {escape(cols[j])}: '
                f"{escape(value_label(kind, v))}{' (' + faded_name + ')' if inc else ''}</title></rect>"
            )
            if inc:
                out.append(
                    f'<rect x="{x0 + 1:.1f}" y="{yy + 1:.1f}" width="{cw - 2:.1f}" height="{cell_h - 2}" '
                    f'fill="url(#{pid})" opacity="0.6" pointer-events="none"/>'
                )
            if show_text:
                txt = pct(v, 0 if kind == "pct" and cw < 56 else 1) if kind == "pct" else value_label(kind, v)
                out.append(
                    f'<text x="{x0 + cw / 2:.1f}" y="{yy + cell_h / 2 + 4:.1f}" text-anchor="middle" '
                    f'class="cellv{" light" if dark else ""}">{escape(txt)}</text>'
                )
    # legend: scale ends and the hatch
    lx = width - right - 262 - 6.5 * len(faded_name) - 6.5 * len(value_label(kind, vhi))
    out.append(f'<text x="{lx}" y="12" class="legend">{escape(value_label(kind, vlo))}</text>')
    for k in range(10):
        if centre is None:
            fill = _blend(k / 9)
        elif k >= 5:
            fill = _blend((k - 4.5) / 4.5)
        else:
            low = zip((248, 250, 252), (185, 28, 28), strict=False)
            fill = "#" + "".join(f"{round(c1 + (c2 - c1) * (4.5 - k) / 4.5):02x}" for c1, c2 in low)
        out.append(f'<rect x="{lx + 52 + k * 12}" y="3" width="12" height="11" fill="{fill}"/>')
    hx = lx + 178 + 6.5 * len(value_label(kind, vhi)) + 20
    out.append(f'<text x="{lx + 178}" y="12" class="legend">{escape(value_label(kind, vhi))}</text>')
    out.append(
        f'<rect x="{hx:.1f}" y="3" width="14" height="11" fill="url(#{pid})" stroke="#94a3b8"/>'
        f'<text x="{hx + 18:.1f}" y="12" class="legend">{escape(faded_name)}</text>'
    )
    out.append("</svg>")
    return "".join(out)
