"""Portable SQL by construction: find DuckDB-only (or otherwise engine-specific) SQL.

The models must run unchanged on DuckDB, PostgreSQL, Spark and the cloud
warehouses. Adapter differences may live only in dispatched macros named
``<adapter>__<name>`` (``duckdb__``, ``postgres__``, ``spark__`` ...) in ``macros/``;
``default__<name>`` is the ANSI/PostgreSQL implementation: it may use PostgreSQL
syntax but nothing that PostgreSQL rejects. Everything else (models, analyses,
singular tests, generic tests and plain macros) must use portable SQL or dbt's
cross-database macros.

The check strips Jinja (``{{ }}``, ``{% %}``, ``{# #}``), SQL comments and the
content of string literals, then matches a curated list of constructs.

    python -m plg.checks.portability            # scan the project, exit 1 on findings
    python -m plg.checks.portability some/file.sql other_dir
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
SCANNED_DIRS = ("models", "analyses", "tests", "snapshots", "macros")

# Macros named <adapter>__<name> hold adapter-specific SQL on purpose.
ADAPTER_PREFIXES = (
    "duckdb",
    "postgres",
    "redshift",
    "snowflake",
    "bigquery",
    "spark",
    "databricks",
    "trino",
    "athena",
    "fabric",
    "sqlserver",
    "synapse",
    "clickhouse",
    "oracle",
    "materialize",
)


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: str
    reason: str
    postgres_ok: bool = False  # valid PostgreSQL: allowed in default__ (ANSI/PostgreSQL) macros

    @property
    def regex(self) -> re.Pattern:
        return re.compile(self.pattern, re.IGNORECASE)


RULES: tuple[Rule, ...] = (
    # casts and types
    Rule(
        "double_colon_cast",
        r"::",
        "`x::type` is PostgreSQL/DuckDB only (not Spark 3, BigQuery): cast(x as type) or dbt.safe_cast",
        True,
    ),
    Rule(
        "try_cast", r"\btry_cast\s*\(", "try_cast is not in PostgreSQL: {{ dbt.safe_cast(...) }} or a dispatched macro"
    ),
    Rule(
        "engine_type_name",
        r"\bas\s+(string|hugeint|ubigint|uinteger|usmallint|utinyint|blob|datetime|int64|float64"
        r"|timestamp_ns|timestamp_ms|timestamp_s)\b",
        "engine-specific type name: use {{ dbt.type_string() }}, dbt.type_int(), dbt.type_bigint(),"
        " dbt.type_timestamp() ...",
    ),
    Rule(
        "postgres_type_name",
        r"\bas\s+(text|json|jsonb|uuid|timestamptz)\b",
        "type name not in every engine (Spark, BigQuery): {{ dbt.type_string() }} / a dispatched macro",
        True,
    ),
    Rule(
        "double_type", r"\bas\s+double\b(?!\s+precision)", "`double` is not a PostgreSQL type: {{ dbt.type_float() }}"
    ),
    # DuckDB-only clauses
    Rule("qualify", r"\bqualify\b", "QUALIFY is not in PostgreSQL: compute the window in a CTE and filter with where"),
    Rule(
        "star_exclude_replace",
        r"\*\s*(exclude|replace|rename)\b|\bexclude\s*\(",
        "SELECT * EXCLUDE/REPLACE is DuckDB/Snowflake only: list the columns",
    ),
    Rule(
        "group_by_all", r"\b(group|order)\s+by\s+all\b", "GROUP/ORDER BY ALL is DuckDB/Snowflake only: list the columns"
    ),
    Rule("columns_star", r"\bcolumns\s*\(", "COLUMNS(...) star expression is DuckDB only"),
    Rule(
        "filter_where",
        r"\bfilter\s*\(\s*where\b",
        "aggregate FILTER (WHERE) is not in BigQuery/Snowflake: sum(case when ... then 1 else 0 end)",
        True,
    ),
    Rule(
        "special_joins",
        r"\b(asof|positional|semi|anti)\s+join\b",
        "ASOF/POSITIONAL/SEMI/ANTI JOIN are not portable: use exists / a window",
    ),
    Rule("distinct_on", r"\bdistinct\s+on\b", "DISTINCT ON is PostgreSQL/DuckDB only: row_number() in a CTE", True),
    Rule("pivot", r"\b(un)?pivot\b", "PIVOT/UNPIVOT syntax differs by engine: use case when / union all"),
    Rule("integer_division", r"//", "`//` integer division is DuckDB only: floor(a / b)"),
    Rule("ilike", r"\bilike\b", "ILIKE is not in BigQuery/older Spark: lower(x) like lower(y)", True),
    # lambdas, lists, structs, JSON operators
    Rule(
        "arrow_operator",
        r"->",
        "`->` (list lambda in DuckDB, JSON operator in PostgreSQL) is not portable: a dispatched macro",
        True,
    ),
    Rule("lambda_keyword", r"\blambda\s+\w+\s*:", "DuckDB lambda syntax"),
    Rule(
        "list_functions",
        r"\b(list_\w+|list|array_\w+|string_split\w*|str_split\w*|struct_pack|struct_extract|map_\w+)\s*\(",
        "list/array/struct functions differ by engine: a dispatched macro",
    ),
    Rule("unnest", r"\bunnest\s*\(", "UNNEST differs by engine (Spark: explode): a dispatched macro"),
    Rule(
        "json_functions",
        r"\b(json_extract\w*|json_value|json_query|json_exists|json_valid|json_keys|get_json_object|json_object_field\w*)\s*\(",
        "JSON access differs by engine: a dispatched macro (e.g. json_extract_text)",
    ),
    # functions
    Rule(
        "epoch", r"\bepoch(_ms|_us|_ns)?\s*\(", "epoch() is DuckDB only: {{ dbt.datediff(...) }} or a dispatched macro"
    ),
    Rule("strftime_strptime", r"\b(strftime|strptime)\s*\(", "strftime/strptime are DuckDB only: a dispatched macro"),
    Rule(
        "date_diff_add",
        r"\b(date_diff|datediff|date_sub|date_add|dateadd|timestampdiff|timestampadd)\s*\(",
        "date arithmetic functions differ by engine: {{ dbt.datediff() }} / {{ dbt.dateadd() }}",
    ),
    Rule("interval_literal", r"\binterval\b", "interval literal syntax differs by engine: {{ dbt.dateadd() }}", True),
    Rule("last_day", r"\blast_day\s*\(", "last_day is not in PostgreSQL: {{ dbt.last_day() }}"),
    Rule(
        "median_quantile",
        r"\b(median|quantile\w*|mode)\s*\(",
        "median/quantile are not portable: a dispatched macro (percentile)",
    ),
    Rule(
        "arg_min_max",
        r"\b(arg_min|arg_max|argmin|argmax|min_by|max_by)\s*\(",
        "arg_min/arg_max are not in PostgreSQL: row_number() in a CTE",
    ),
    Rule(
        "count_if", r"\b(count_if|countif)\s*\(", "count_if is not in PostgreSQL: sum(case when ... then 1 else 0 end)"
    ),
    Rule(
        "regexp_duckdb",
        r"\b(regexp_matches|regexp_full_match|regexp_extract\w*|regexp_split\w*)\s*\(",
        "regexp functions differ by engine (PostgreSQL regexp_matches is set-returning): a dispatched macro",
    ),
    Rule(
        "if_function", r"\b(if|iff|iif)\s*\(", "IF()/IFF() are not in PostgreSQL: case when ... then ... else ... end"
    ),
    Rule("ifnull_nvl", r"\b(ifnull|nvl|nvl2)\s*\(", "IFNULL/NVL are not in PostgreSQL: coalesce()"),
    Rule("string_agg", r"\bstring_agg\s*\(", "string_agg is not in Spark/Snowflake: {{ dbt.listagg() }}", True),
    Rule(
        "list_aggregates",
        r"\b(listagg|group_concat|collect_list|collect_set)\s*\(",
        "list aggregation differs by engine: {{ dbt.listagg() }}",
    ),
    Rule("hash_function", r"\bhash\s*\(", "hash() is DuckDB/Spark only: {{ dbt.hash() }}"),
    Rule(
        "duckdb_string_functions",
        r"\b(starts_with|ends_with|prefix|suffix|contains|len|strlen|dayname|monthname)\s*\(",
        "DuckDB-only string/date function: like, length(), extract(), a dispatched macro",
    ),
    Rule(
        "generate_series",
        r"\bgenerate_series\s*\(",
        "generate_series is not in Spark/Snowflake: {{ dbt.generate_series() }} / dbt.date_spine()",
        True,
    ),
    Rule(
        "range_function",
        r"\brange\s*\(",
        "range() table function is DuckDB only: {{ dbt.generate_series() }} / dbt.date_spine()",
    ),
    Rule(
        "file_readers",
        r"\b(read_parquet|read_csv\w*|read_json\w*|parquet_scan|read_text)\s*\(",
        "DuckDB file readers: declare a source",
    ),
)

_JINJA = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)
_SQL_TOKENS = re.compile(r"'(?:[^']|'')*'|--[^\n]*|/\*.*?\*/", re.DOTALL)
_BLOCK = re.compile(r"\{%-?\s*(macro|test)\s+(\w+)\s*\(.*?%\}(.*?)\{%-?\s*end(?:macro|test)\s*-?%\}", re.DOTALL)


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    rule: str
    text: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: [{self.rule}] {self.text.strip()[:120]}  -> {self.reason}"


def _blank(m: re.Match) -> str:
    return re.sub(r"[^\n]", " ", m.group(0))


def _strip_sql_tokens(m: re.Match) -> str:
    s = m.group(0)
    if s.startswith("'"):
        return "'" + re.sub(r"[^\n]", " ", s[1:-1]) + "'"
    return _blank(m)


def strip_sql(text: str) -> str:
    """Remove Jinja, SQL comments and string contents; keep every newline (line numbers)."""
    text = _JINJA.sub(_blank, text)
    return _SQL_TOKENS.sub(_strip_sql_tokens, text)


def is_adapter_specific(macro_name: str) -> bool:
    prefix, sep, _ = macro_name.partition("__")
    return bool(sep) and prefix.lower() in ADAPTER_PREFIXES


def scan_sql(text: str, path: str = "<sql>", line_offset: int = 0, postgres_dialect: bool = False) -> list[Finding]:
    """Findings in one piece of SQL (a model, analysis or test body). postgres_dialect: the body of a
    default__ macro (the project's ANSI/PostgreSQL implementation): only rules PostgreSQL fails apply."""
    clean = strip_sql(text)
    raw_lines = text.splitlines()
    findings = []
    for lineno, line in enumerate(clean.splitlines(), start=1):
        for rule in RULES:
            if postgres_dialect and rule.postgres_ok:
                continue
            if rule.regex.search(line):
                src = raw_lines[lineno - 1] if lineno - 1 < len(raw_lines) else line
                findings.append(Finding(path, lineno + line_offset, rule.name, src, rule.reason))
    return findings


def scan_macro_file(text: str, path: str = "<macros>") -> list[Finding]:
    """Only the bodies of macros/tests that are not <adapter>__ specific are checked; default__
    macros (ANSI/PostgreSQL, the project's convention) may use PostgreSQL syntax but nothing DuckDB-only."""
    findings = []
    for m in _BLOCK.finditer(text):
        kind, name, body = m.group(1), m.group(2), m.group(3)
        if kind == "macro" and is_adapter_specific(name):
            continue
        offset = text.count("\n", 0, m.start(3))
        default = kind == "macro" and name.lower().startswith("default__")
        findings.extend(scan_sql(body, path, line_offset=offset, postgres_dialect=default))
    return findings


def scan_file(path: Path, root: Path | None = None) -> list[Finding]:
    text = path.read_text(encoding="utf-8", errors="replace")
    shown = str(path.relative_to(root)) if root and path.is_relative_to(root) else str(path)
    if "macro" in text and re.search(r"\{%-?\s*(macro|test)\s", text):
        return scan_macro_file(text, shown)
    return scan_sql(text, shown)


def scan_paths(paths: list[Path], root: Path | None = None) -> list[Finding]:
    findings: list[Finding] = []
    for p in paths:
        files = sorted(p.rglob("*.sql")) if p.is_dir() else [p]
        for f in files:
            if "dbt_packages" in f.parts or "target" in f.parts:
                continue
            findings.extend(scan_file(f, root))
    return findings


def scan_project(project_dir: Path = PROJECT_DIR) -> list[Finding]:
    return scan_paths([project_dir / d for d in SCANNED_DIRS if (project_dir / d).exists()], root=project_dir)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    findings = scan_paths([Path(a) for a in argv], root=Path.cwd()) if argv else scan_project()
    for f in findings:
        print(f)
    if findings:
        print(
            f"\n{len(findings)} non-portable construct(s). Move adapter-specific SQL into a dispatched "
            "macro (macros/cross_db/, <adapter>__name) or use dbt's cross-database macros."
        )
        return 1
    print("portability: no engine-specific SQL outside <adapter>__ macros")
    return 0


if __name__ == "__main__":
    sys.exit(main())
