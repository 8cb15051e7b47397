"""The DAG's shape (issue 15), read from the manifest of `dbt parse` (no build):

(a) the longest source -> mart path has at most LONGEST_PATH_LIMIT edges (models only, from a source);
(b) no intermediate model feeds (is a direct parent of) more than MARTS_PER_INTERMEDIATE_LIMIT marts;
(c) no macro outside macros/tests/ emits a CTE (a line starting with `<name> as (` in its body):
    macros return values and expressions, models hold the CTE chains;
(d) every model has a description, and every column of every mart is documented;
(e) the internal-workspace filter (`is_internal`) is read only by the account spine among the intermediate
    models and marts; (f) no base model reads a staging (stg_) model.
"""

from __future__ import annotations

import functools
import json
import re

import pytest

from plg.dbt_runner import dbt_env, run_dbt

LONGEST_PATH_LIMIT = 8
MARTS_PER_INTERMEDIATE_LIMIT = 5
MARTS_PREFIX = "models/marts/"
INTERMEDIATE_PREFIX = "models/intermediate/"
MACRO_TESTS_PREFIX = "macros/tests/"
# `<name> as (` at the start of a line; the name may be (or end in) a Jinja expression: `{{ prefix }}_rows as (`
CTE_LINE = re.compile(
    r"^[ \t]*(?:[a-z_][a-z0-9_]*|\{\{[^}]*\}\}[a-z0-9_]*)[ \t]+as[ \t]*\(", re.IGNORECASE | re.MULTILINE
)


@pytest.fixture(scope="module")
def manifest(tmp_path_factory) -> dict:
    work = tmp_path_factory.mktemp("architecture")
    run_dbt(
        ["parse", "--quiet"],
        env=dbt_env(warehouse=work / "parse.duckdb", temp_dir=work / "tmp"),
        target_path=work / "target",
        log_path=work / "logs",
        timeout=900,
        check=True,
    )
    return json.loads((work / "target" / "manifest.json").read_text())


def _project_models(manifest: dict) -> dict[str, dict]:
    project = manifest["metadata"].get("project_name")
    return {
        uid: node
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and (project is None or node["package_name"] == project)
    }


def _path(node: dict) -> str:
    return node["original_file_path"].replace("\\", "/")


def longest_source_to_mart_path(manifest: dict) -> tuple[int, tuple[str, ...]]:
    """(edges, node names) of the longest path from a source to a mart over model edges."""
    models = _project_models(manifest)
    parents = {
        uid: [p for p in node["depends_on"]["nodes"] if p in models or p.startswith("source.")]
        for uid, node in models.items()
    }

    @functools.cache
    def depth(uid: str) -> tuple[int, tuple[str, ...]]:
        if uid.startswith("source."):
            return 0, (uid,)
        reached = [depth(p) for p in parents[uid]]
        reached = [(d + 1, path + (uid,)) for d, path in reached if d >= 0]
        return max(reached) if reached else (-1, ())  # -1: no source upstream (seeds only)

    marts = [uid for uid, node in models.items() if _path(node).startswith(MARTS_PREFIX)]
    edges, path = max(depth(uid) for uid in marts)
    return edges, tuple(uid.split(".")[-1] for uid in path)


def marts_fed_by_intermediates(manifest: dict) -> dict[str, list[str]]:
    """intermediate model -> the marts it is a direct parent of."""
    models = _project_models(manifest)
    marts = {uid for uid, node in models.items() if _path(node).startswith(MARTS_PREFIX)}
    fed: dict[str, list[str]] = {}
    for uid in marts:
        for parent in models[uid]["depends_on"]["nodes"]:
            if parent in models and _path(models[parent]).startswith(INTERMEDIATE_PREFIX):
                fed.setdefault(models[parent]["name"], []).append(models[uid]["name"])
    return {name: sorted(children) for name, children in fed.items()}


def test_longest_source_to_mart_path(manifest):
    edges, path = longest_source_to_mart_path(manifest)
    assert edges <= LONGEST_PATH_LIMIT, f"{edges} edges (limit {LONGEST_PATH_LIMIT}): " + " -> ".join(path)


def test_no_intermediate_model_feeds_too_many_marts(manifest):
    fed = marts_fed_by_intermediates(manifest)
    too_many = {name: marts for name, marts in fed.items() if len(marts) > MARTS_PER_INTERMEDIATE_LIMIT}
    assert not too_many, f"intermediate models feeding more than {MARTS_PER_INTERMEDIATE_LIMIT} marts: " + "; ".join(
        f"{name} -> {len(marts)} ({', '.join(marts)})" for name, marts in sorted(too_many.items())
    )


def test_no_macro_emits_a_cte(manifest):
    project = manifest["metadata"].get("project_name")
    emitting = []
    for macro in manifest["macros"].values():
        path = macro["original_file_path"].replace("\\", "/")
        if macro["package_name"] != project or not path.startswith("macros/") or path.startswith(MACRO_TESTS_PREFIX):
            continue
        lines = [m.group(0).strip() for m in CTE_LINE.finditer(macro["macro_sql"])]
        if lines:
            emitting.append(f"{macro['name']} ({path}): {lines[0]}")
    assert not emitting, "macros emitting CTEs:\n" + "\n".join(sorted(emitting))


def test_every_model_described_and_every_mart_column_documented(manifest):
    undescribed, undocumented = [], []
    for node in _project_models(manifest).values():
        if not (node.get("description") or "").strip():
            undescribed.append(_path(node))
        if _path(node).startswith(MARTS_PREFIX):
            if not node.get("columns"):
                undocumented.append(f"{node['name']}: no column documented")
            undocumented += [
                f"{node['name']}.{col}"
                for col, spec in node.get("columns", {}).items()
                if not (spec.get("description") or "").strip()
            ]
    assert not undescribed, f"models without a description: {undescribed}"
    assert not undocumented, f"mart columns without a description: {undocumented}"


SPINE = "int_accounts_scoped"
IS_INTERNAL = re.compile(r"\bis_internal\b")


def models_reading_is_internal(manifest: dict) -> list[str]:
    """Intermediate models and marts whose SQL names is_internal (comments included: say 'internal' there)."""
    return sorted(
        node["name"]
        for node in _project_models(manifest).values()
        if _path(node).startswith((INTERMEDIATE_PREFIX, MARTS_PREFIX)) and IS_INTERNAL.search(node.get("raw_code", ""))
    )


def base_models_reading_staging(manifest: dict) -> list[str]:
    models = _project_models(manifest)
    return sorted(
        f"{node['name']} -> {models[parent]['name']}"
        for node in models.values()
        if node["name"].startswith("base_")
        for parent in node["depends_on"]["nodes"]
        if parent in models and models[parent]["name"].startswith("stg_")
    )


def test_internal_filter_only_in_the_spine(manifest):
    assert models_reading_is_internal(manifest) == [SPINE]


def test_base_models_read_no_staging_model(manifest):
    assert base_models_reading_staging(manifest) == []


def test_the_checks_can_fail():
    """The helpers above are not vacuous: a hand-made manifest with a long path and a wide parent."""

    def model(name: str, folder: str, parents: list[str]) -> tuple[str, dict]:
        uid = f"model.p.{name}"
        node = {
            "resource_type": "model",
            "package_name": "p",
            "name": name,
            "original_file_path": f"models/{folder}/{name}.sql",
            "depends_on": {"nodes": parents},
            "raw_code": "select is_internal from x" if name.endswith("_internal") else "select 1",
        }
        return uid, node

    nodes = dict(
        [
            model("stg_a", "staging", ["source.p.raw.a"]),
            model("int_b", "intermediate", ["model.p.stg_a"]),
            model("int_c", "intermediate", ["model.p.int_b"]),
            model("int_d_internal", "intermediate", ["model.p.stg_a"]),
            model("base_e", "staging/base", ["model.p.stg_a"]),
        ]
        + [model(f"fct_{i}", "marts", ["model.p.int_c"]) for i in range(7)]
    )
    fake = {"metadata": {"project_name": "p"}, "nodes": nodes}
    edges, path = longest_source_to_mart_path(fake)
    assert (edges, path[:4]) == (4, ("a", "stg_a", "int_b", "int_c"))
    assert len(marts_fed_by_intermediates(fake)["int_c"]) == 7
    assert "int_b" not in marts_fed_by_intermediates(fake)
    assert models_reading_is_internal(fake) == ["int_d_internal"]
    assert base_models_reading_staging(fake) == ["base_e -> stg_a"]
    assert CTE_LINE.search("with\nordered as (\n  select 1\n)")
    assert CTE_LINE.search("select 1\n    {{ name }}_x as (\n")
    assert CTE_LINE.search("cast(x as varchar) as y,\n  count(*) as n") is None
