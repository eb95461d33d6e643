"""The chart of a ``make bench`` result: per page, the throughput at each size as a share of ``/healthz`` in the
same run (one scale for pages of very different cost), the 25 % goal as a line, req/s as numbers beside the bars.
Plain SVG, no plotting library: the README shows it, and a browser or any image viewer opens it.

    python -m bench.chart bench/results/2026-12-04-postgresql.json   (writes the .svg beside it)
"""

import json
import math
import sys
from pathlib import Path
from xml.sax.saxutils import escape

LABEL_WIDTH, BAR_WIDTH, FIGURES_WIDTH = 190, 420, 150
BAR_HEIGHT, GAP, TOP = 9, 8, 56
GOAL = 0.25  # every main page at demo size reaches a quarter of /healthz
COLOURS = ("#1f5f99", "#e08a1e")  # dark blue and orange: apart also for red-green colour blindness


def chart(result: dict) -> str:
    runs = result["runs"]
    rows = list(zip(*(run["pages"] for run in runs), strict=True))
    ceiling, rows = rows[0], rows[1:]  # /healthz is the 100 % of its run
    row_height = BAR_HEIGHT * len(runs) + GAP
    height = TOP + row_height * len(rows) + 36
    width = LABEL_WIDTH + BAR_WIDTH + FIGURES_WIDTH
    highest = max(page["share_of_healthz"] for pages in rows for page in pages)
    axis = max(2, math.ceil(highest / GOAL)) * GOAL  # the axis ends at the next quarter above the best page
    scale = BAR_WIDTH / axis
    title = f"Netzwerk Landshut, make bench {result['date']}, {result['database']}, {result['cores']} Kerne"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="DejaVu Sans, sans-serif" font-size="11" role="img">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{width}" height="{height}" fill="#fff"/>',
        f'<text x="8" y="18" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    for n, run in enumerate(runs):
        x = LABEL_WIDTH + n * 250
        parts.append(f'<rect x="{x}" y="28" width="10" height="10" fill="{COLOURS[n % 2]}"/>')
        parts.append(
            f'<text x="{x + 14}" y="37">×{run["scale"]}: Anteil an /healthz ({ceiling[n]["rps"]:.0f} req/s)</text>'
        )
    bottom = TOP + row_height * len(rows)
    for tick in range(round(axis / GOAL) + 1):
        x = LABEL_WIDTH + tick * GOAL * scale
        parts.append(f'<line x1="{x:.1f}" y1="{TOP - 4}" x2="{x:.1f}" y2="{bottom}" stroke="#ddd"/>')
        parts.append(f'<text x="{x:.1f}" y="{bottom + 26}" text-anchor="middle" fill="#555">{tick * 25} %</text>')
    for index, pages in enumerate(rows):
        y = TOP + index * row_height
        label = escape(pages[0]["page"])
        parts.append(f'<text x="{LABEL_WIDTH - 6}" y="{y + BAR_HEIGHT + 3}" text-anchor="end">{label}</text>')
        for n, page in enumerate(pages):
            length = min(BAR_WIDTH, page["share_of_healthz"] * scale)
            bar_y = y + n * BAR_HEIGHT
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{bar_y}" width="{length:.1f}" height="{BAR_HEIGHT - 1}" '
                f'fill="{COLOURS[n % 2]}"><title>{escape(page["page"])} ×{runs[n]["scale"]}: '
                f"{page['rps']:.0f} req/s</title></rect>"
            )
        figures = " / ".join(f"{page['rps']:.0f}" for page in pages)
        parts.append(f'<text x="{LABEL_WIDTH + BAR_WIDTH + 8}" y="{y + BAR_HEIGHT + 3}">{figures} req/s</text>')
    goal_x = LABEL_WIDTH + GOAL * scale
    parts.append(
        f'<line x1="{goal_x:.1f}" y1="{TOP - 4}" x2="{goal_x:.1f}" y2="{bottom}" stroke="#b00" stroke-dasharray="4 3"/>'
    )
    parts.append(f'<text x="{goal_x + 4:.1f}" y="{bottom + 14}" fill="#b00">Ziel: 25 % von /healthz (×1)</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def write_chart(result_file: Path) -> Path:
    out = result_file.with_suffix(".svg")
    out.write_text(chart(json.loads(result_file.read_text())))
    return out


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(f"→ {write_chart(Path(name))}")
