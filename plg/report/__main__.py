"""python -m plg.report --warehouse warehouse/plg_marts.duckdb --out reports/plg_report.html"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from plg.report import ReportError, write_report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Render the self-contained HTML KPI report from the public marts.")
    parser.add_argument(
        "--warehouse",
        default="warehouse/plg_marts.duckdb",
        help="the readers' file (plg.publish) or the build's working file",
    )
    parser.add_argument("--out", default="reports/plg_report.html")
    parser.add_argument("--schema", default=None, help="schema of the marts (default: marts, else analytics_marts)")
    args = parser.parse_args(argv)
    try:
        path = write_report(Path(args.warehouse), Path(args.out), args.schema)
    except ReportError as exc:
        print(f"[report] ERROR: {exc}", file=sys.stderr)
        return 2
    print(f"KPI report: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
