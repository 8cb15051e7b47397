"""CLI: python -m plg.generate --accounts N --seed S [--events N] [--warehouse PATH | --parquet DIR] ..."""

from __future__ import annotations

import argparse
import dataclasses
import sys
import typing

from plg.generate.config import GenConfig
from plg.generate.core import generate

HELP = {
    "accounts": "number of workspaces (default 2000)",
    "events": "alternative to --accounts: choose the account count that gives about N events",
    "seed": "random seed (same seed and arguments -> same landing)",
    "end_date": "latest landed day (the default as-of date), YYYY-MM-DD",
    "months": "months of signups ending at --end-date",
    "warehouse": "DuckDB file to write (landing tables are replaced)",
    "parquet": "write DIR/<schema>/<table>.parquet instead of DuckDB",
    "append_day": "append one more day of events to an existing landing (DuckDB or Parquet)",
    "landing_format": "landing shape(s), comma list: native, fivetran_stripe, segment, fivetran_hubspot",
    "connections": (
        "split the Stripe, product and CRM worlds over N connections"
        " (schemas raw_stripe_c1..cN, raw_product_c1..cN, raw_crm_c1..cN)"
    ),
    "report_calibration": "print ground-truth conversion rates (default: on under ~5M events)",
}


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m plg.generate", description=__doc__)
    hints = typing.get_type_hints(GenConfig)
    for f in dataclasses.fields(GenConfig):
        flag = "--" + f.name.replace("_", "-")
        tp = hints[f.name]
        h = HELP.get(f.name, f.name.replace("_", " ")) + f" (default {f.default})"
        if tp in (bool, bool | None):
            p.add_argument(flag, dest=f.name, action=argparse.BooleanOptionalAction, default=f.default, help=h)
        else:
            base = {int: int, float: float, str: str}
            conv = next((v for k, v in base.items() if tp in (k, k | None)), str)
            p.add_argument(flag, dest=f.name, type=conv, default=f.default, help=h)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    kw = vars(args)
    if kw.get("events"):
        kw["accounts"] = None
    if kw.get("parquet"):
        kw["warehouse"] = None
    generate(GenConfig(**kw))
    return 0


if __name__ == "__main__":
    sys.exit(main())
