"""The public marts, read from dbt's manifest (one list: models with ``access: public`` under models/marts).

Used by plg.publish (what the readers' file holds, with descriptions), plg.postgres and plg.spark
(what is compared, by which grain). Nothing in plg/ writes the list out by hand.

    public_marts(manifest)  -> {name: Mart(name, schema, identifier, description, columns, grain)}

The grain of a mart is its primary key as its tests declare it: a ``unique_combination_of_columns``
test on the model, else a column with a ``unique`` test (empty when none: compare on every column).
``load_manifest()`` reads <target>/manifest.json, running ``dbt parse`` into a scratch target first
when there is none (a fresh clone).
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from plg.dbt_runner import PROJECT_DIR, dbt_env, run_dbt

MARTS_PATH_PREFIX = "models/marts/"


@dataclass(frozen=True)
class Mart:
    unique_id: str
    name: str
    schema: str
    identifier: str
    description: str = ""
    columns: dict[str, str] = field(default_factory=dict)  # column -> description, in contract order
    grain: tuple[str, ...] = ()


def load_manifest(target_path: str | Path | None = None) -> dict:
    """The manifest of `target_path`; without one, the project's target/manifest.json, parsed (dbt parse
    into target/) when missing or when it predates the public marts (no model with access public)."""
    if target_path:
        return json.loads((Path(target_path) / "manifest.json").read_text())
    target = PROJECT_DIR / "target"
    manifest = target / "manifest.json"
    data = _read_public_manifest(manifest)
    if data is not None:
        return data
    # Several processes (pytest workers) can get here at once: one parses while the others wait on the lock,
    # and the manifest is parsed into a private directory then moved in whole, so nobody reads half a file.
    target.mkdir(parents=True, exist_ok=True)
    with open(target / ".manifest.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        data = _read_public_manifest(manifest)
        if data is not None:
            return data
        print("[marts] no manifest yet: running dbt parse (reads the project's YAML) ...", file=sys.stderr, flush=True)
        with tempfile.TemporaryDirectory(dir=target, prefix=".parse-") as scratch:
            env = dbt_env(target="duckdb")
            run_dbt(["parse", "--quiet"], env=env, target_path=scratch, log_path=scratch, check=True)
            os.replace(Path(scratch) / "manifest.json", manifest)
    return json.loads(manifest.read_text())


def _read_public_manifest(manifest: Path) -> dict | None:
    """The manifest when it exists, is whole and lists the public marts; else None."""
    try:
        data = json.loads(manifest.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    return data if public_marts(data) else None


def public_mart_names(target_path: str | Path | None = None) -> tuple[str, ...]:
    """The public mart names (sorted) of `target_path`'s manifest, else of the project's (see load_manifest)."""
    return tuple(public_marts(load_manifest(target_path)))


def public_marts(manifest: dict) -> dict[str, Mart]:
    """Every model with access public under models/marts, sorted by name."""
    grains: dict[str, tuple[str, ...]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test" or not node.get("test_metadata"):
            continue
        meta, attached = node["test_metadata"], node.get("attached_node")
        kwargs = meta.get("kwargs") or {}
        if not attached:
            continue
        if meta["name"] == "unique_combination_of_columns" and kwargs.get("combination_of_columns"):
            grains[attached] = tuple(kwargs["combination_of_columns"])
        elif meta["name"] == "unique" and kwargs.get("column_name") and attached not in grains:
            grains[attached] = (kwargs["column_name"],)
    out = {}
    for uid, node in manifest["nodes"].items():
        if node["resource_type"] != "model" or node.get("access") != "public":
            continue
        if not node["original_file_path"].replace(os.sep, "/").startswith(MARTS_PATH_PREFIX):
            continue
        out[node["name"]] = Mart(
            unique_id=uid,
            name=node["name"],
            schema=node["schema"],
            identifier=node.get("alias") or node["name"],
            description=(node.get("description") or "").strip(),
            columns={c: (v.get("description") or "").strip() for c, v in node.get("columns", {}).items()},
            grain=grains.get(uid, ()),
        )
    return dict(sorted(out.items()))
