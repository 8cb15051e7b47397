"""Build the whole project on Spark (a local PySpark session) and compare the marts with DuckDB.

Runs in the separate venv ``.venv-spark`` (requirements-spark.txt: dbt-spark[session], pyspark,
duckdb); the DuckDB reference build and the generator run with the main ``.venv``::

    python3.11 -m venv .venv-spark && .venv-spark/bin/pip install -r requirements-spark.txt
    .venv-spark/bin/python -m plg.spark --accounts 1500 --seed 11            # generate, build both, compare
    .venv-spark/bin/python -m plg.spark --landing warehouse/test.duckdb      # an existing DuckDB landing

Steps: the landing (raw_* schemas of a DuckDB file) is exported to Parquet, loaded as Spark tables in
databases raw_* of a Hive (Derby) metastore under a scratch dir (PLG_SPARK_DIR); ``dbt build --target
spark`` (profiles.yml output ``spark``: method session) builds every model, data test and unit test;
then every public mart is compared row for row with ``dbt build`` on DuckDB of the same landing.
Figures (seconds per step, rows compared, differences) are printed and written as JSON (--report).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from plg.dbt_runner import PROJECT_DIR, dbt_env, run_dbt, run_results_summary
from plg.marts import load_manifest, public_marts
from plg.postgres import LANDING_SCHEMAS, compare_tables, mart_relations

MAIN_VENV = PROJECT_DIR / ".venv" / "bin"
SPARK_VENV = PROJECT_DIR / ".venv-spark" / "bin"


def spark_conf(spark_dir: Path) -> dict[str, str]:
    """The same settings as the profiles.yml `spark` output (so loader and dbt share the metastore)."""
    return {
        "spark.master": os.environ.get("PLG_SPARK_MASTER", "local[2]"),
        "spark.driver.memory": os.environ.get("PLG_SPARK_DRIVER_MEMORY", "4g"),
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.shuffle.partitions": os.environ.get("PLG_SPARK_SHUFFLE_PARTITIONS", "4"),
        "spark.sql.warehouse.dir": f"{spark_dir}/warehouse",
        "spark.hadoop.javax.jdo.option.ConnectionURL": f"jdbc:derby:;databaseName={spark_dir}/metastore_db;create=true",
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={spark_dir}",
        "spark.ui.enabled": "false",
        "spark.sql.ansi.enabled": "false",
    }


@contextlib.contextmanager
def spark_session(spark_dir: Path):
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("plg").enableHiveSupport()
    for k, v in spark_conf(spark_dir).items():
        builder = builder.config(k, v)
    spark = builder.getOrCreate()
    try:
        yield spark
    finally:
        spark.stop()


def export_landing_parquet(duckdb_path: Path, out_dir: Path) -> dict[str, int]:
    import duckdb

    counts = {}
    with contextlib.closing(duckdb.connect(str(duckdb_path), read_only=True)) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_type = 'BASE TABLE' and table_schema in (select unnest(?)) order by 1, 2",
            [list(LANDING_SCHEMAS)],
        ).fetchall()
        for schema, table in tables:
            d = out_dir / schema
            d.mkdir(parents=True, exist_ok=True)
            con.execute(f'copy "{schema}"."{table}" to \'{d / (table + ".parquet")}\' (format parquet)')
            counts[f"{schema}.{table}"] = con.execute(f'select count(*) from "{schema}"."{table}"').fetchone()[0]
    return counts


def load_landing_spark(spark, parquet_dir: Path) -> dict[str, int]:
    """Parquet -> managed Spark tables raw_*.<table>; TIMESTAMP_NTZ columns become TIMESTAMP (UTC session)."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import TimestampNTZType

    counts = {}
    for schema_dir in sorted(p for p in parquet_dir.iterdir() if p.is_dir()):
        schema = schema_dir.name
        spark.sql(f"drop database if exists {schema} cascade")
        spark.sql(f"create database {schema}")
        for f in sorted(schema_dir.glob("*.parquet")):
            df = spark.read.parquet(str(f))
            for field in df.schema.fields:
                if isinstance(field.dataType, TimestampNTZType):
                    df = df.withColumn(field.name, F.col(field.name).cast("timestamp"))
            df.write.format("parquet").mode("overwrite").saveAsTable(f"{schema}.{f.stem}")
            counts[f"{schema}.{f.stem}"] = spark.table(f"{schema}.{f.stem}").count()
    return counts


def _norm_spark(v):
    from decimal import Decimal

    if isinstance(v, Decimal):
        return float(v)
    return v


def read_marts_spark(spark, target: Path) -> dict[str, tuple[list[str], list[tuple]]]:
    out = {}
    for name, (schema, table) in mart_relations(target).items():
        if not spark.catalog.tableExists(f"{schema}.{table}"):
            continue  # not built (failed or skipped): reported as missing
        df = spark.table(f"{schema}.{table}")
        out[name] = (df.columns, [tuple(_norm_spark(v) for v in r) for r in df.collect()])
    return out


def read_marts_duckdb(warehouse: Path, target: Path) -> dict[str, tuple[list[str], list[tuple]]]:
    import duckdb

    from plg.postgres import fetch_rows

    out = {}
    with contextlib.closing(duckdb.connect(str(warehouse), read_only=True)) as con:
        cur = con.cursor()
        for name, (schema, table) in mart_relations(target).items():
            out[name] = fetch_rows(cur, schema, table)
    return out


def _spark_step(step: str, *args: str) -> None:
    """Run a Spark step in its own process: the embedded Derby metastore admits one JVM at a time,
    and dbt's session needs it after us."""
    res = subprocess.run(
        [sys.executable, "-m", "plg.spark", step, *args], cwd=PROJECT_DIR, capture_output=True, text=True
    )
    if res.returncode != 0:
        raise RuntimeError(f"spark step {step} failed:\n{res.stdout[-3000:]}\n{res.stderr[-5000:]}")


def _internal(argv: list[str]) -> int:
    import pickle

    step, spark_dir = argv[0], Path(argv[1])
    with spark_session(spark_dir) as spark:
        spark.sparkContext.setLogLevel("ERROR")
        if step == "_load":
            counts = load_landing_spark(spark, Path(argv[2]))
            Path(argv[3]).write_text(json.dumps(counts))
        elif step == "_read":
            marts = read_marts_spark(spark, Path(argv[2]))
            with open(argv[3], "wb") as fh:
                pickle.dump(marts, fh)
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = ap.add_mutually_exclusive_group()
    src.add_argument("--landing", help="an existing DuckDB landing (raw_* schemas)")
    src.add_argument("--accounts", type=int, default=1500, help="generate a landing of this many accounts")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--workdir", default=None, help="scratch dir (default: a new temp dir, removed unless --keep)")
    ap.add_argument("--keep", action="store_true", help="keep the scratch dir (metastore, tables, targets)")
    ap.add_argument("--select", default=None, help="dbt --select for both builds")
    ap.add_argument("--exclude", default=None, help="dbt --exclude for the Spark build, e.g. 'resource_type:test'")
    ap.add_argument("--skip-load", action="store_true", help="reuse the Spark landing already in --workdir")
    ap.add_argument("--report", default=None, help="write the figures as JSON here")
    ap.add_argument("--rel-tol", type=float, default=1e-6)
    ap.add_argument(
        "--abs-tol",
        type=float,
        default=1e-6,
        help="absolute tolerance: Spark's decimal arithmetic rounds intermediate results to 6 decimal "
        "places (spark.sql.decimalOperations.allowPrecisionLoss), DuckDB/PostgreSQL compute in double",
    )
    ap.add_argument("--duck-warehouse", default=None, help="reuse this DuckDB build of the same landing")
    ap.add_argument("--duck-target", default=None, help="... and its --target-path (manifest)")
    args = ap.parse_args(argv)

    work = Path(args.workdir or tempfile.mkdtemp(prefix="plg_spark_")).resolve()
    work.mkdir(parents=True, exist_ok=True)
    spark_dir = work / "spark"
    spark_dir.mkdir(exist_ok=True)
    figures: dict = {"workdir": str(work), "seconds": {}}
    t0 = time.time()

    def lap(name):
        nonlocal t0
        figures["seconds"][name] = round(time.time() - t0, 1)
        print(f"[plg.spark] {name}: {figures['seconds'][name]} s", flush=True)
        t0 = time.time()

    try:
        # 1. landing
        landing = work / "landing.duckdb"
        if args.skip_load:
            pass
        elif args.landing:
            shutil.copyfile(args.landing, landing)
        else:
            res = subprocess.run(
                [
                    str(MAIN_VENV / "python"),
                    "-m",
                    "plg.generate",
                    "--accounts",
                    str(args.accounts),
                    "--seed",
                    str(args.seed),
                    "--warehouse",
                    str(landing),
                ],
                cwd=PROJECT_DIR,
                capture_output=True,
                text=True,
            )
            if res.returncode != 0:
                print(res.stdout[-3000:], res.stderr[-3000:])
                return 2
            figures["accounts"], figures["seed"] = args.accounts, args.seed
        lap("generate")

        # 2. DuckDB reference build
        sel = ["--select", args.select] if args.select else []
        if args.duck_warehouse and args.duck_target:
            duck, duck_target = Path(args.duck_warehouse), Path(args.duck_target)
        else:
            duck, duck_target = work / "duck.duckdb", work / "target_duck"
            shutil.copyfile(landing, duck)
            (work / "duck_tmp").mkdir(exist_ok=True)
            denv = dbt_env(
                warehouse=duck,
                temp_dir=work / "duck_tmp",
                memory_limit=os.environ.get("PLG_DUCKDB_MEMORY_LIMIT", "3GB"),
            )
            res = run_dbt(
                ["build", *sel], env=denv, target_path=duck_target, log_path=work / "logs_duck", venv_bin=MAIN_VENV
            )
            if res.returncode != 0:
                print("DuckDB build failed:\n", res.stdout[-4000:])
        figures["duckdb_build"] = run_results_summary(duck_target)
        lap("duckdb_build")

        # 3. landing -> Parquet -> Spark tables
        if args.skip_load:
            counts = loaded = json.loads((work / "loaded.json").read_text())
        else:
            counts = export_landing_parquet(landing, work / "parquet")
            _spark_step("_load", str(spark_dir), str(work / "parquet"), str(work / "loaded.json"))
            loaded = json.loads((work / "loaded.json").read_text())
        assert loaded == counts, f"landing rows differ after loading into Spark: {counts} vs {loaded}"
        figures["landing_rows"] = sum(counts.values())
        lap("spark_load")

        # 4. dbt build on Spark
        senv = dbt_env(target="spark", PLG_SPARK_DIR=str(spark_dir))
        exc = ["--exclude", *args.exclude.split()] if args.exclude else []
        figures["spark_dbt_args"] = ["build", *sel, *exc]
        res_spark = run_dbt(
            ["build", *sel, *exc],
            env=senv,
            target_path=work / "target_spark",
            log_path=work / "logs_spark",
            venv_bin=SPARK_VENV,
        )
        figures["spark_build"] = run_results_summary(work / "target_spark")
        lap("spark_build")
        print(res_spark.stdout[-5000:])

        # 5. compare
        duck_marts = read_marts_duckdb(duck, duck_target)
        _spark_step("_read", str(spark_dir), str(work / "target_spark"), str(work / "spark_marts.pkl"))
        import pickle

        with open(work / "spark_marts.pkl", "rb") as fh:
            spark_marts = pickle.load(fh)
        results = []
        for name, mart in public_marts(load_manifest(duck_target)).items():
            grain = mart.grain
            if name in duck_marts and name in spark_marts:
                results.append(
                    compare_tables(name, duck_marts[name], spark_marts[name], grain, args.rel_tol, abs_tol=args.abs_tol)
                )
            else:
                results.append(
                    {
                        "mart": name,
                        "rows": 0,
                        "diffs": [],
                        "missing_columns": [],
                        "skipped": f"not built (duckdb: {name in duck_marts}, spark: {name in spark_marts})",
                    }
                )
        lap("compare")
        figures["marts"] = results
        figures["rows_compared"] = sum(r["rows"] for r in results)
        figures["differences"] = sum(len(r["diffs"]) for r in results)
        for r in results:
            print(
                f"  {r['mart']:32s} rows={r['rows']:>7} diffs={len(r['diffs'])}"
                + (f" {r['skipped']}" if r.get("skipped") else "")
                + (f" column gaps={r['missing_columns']}" if r.get("missing_columns") else "")
            )
            for d in r["diffs"][:3]:
                print("      ", d)
        ok = (
            res_spark.returncode == 0
            and figures["differences"] == 0
            and not any(r.get("skipped") or r.get("missing_columns") for r in results)
        )
        figures["ok"] = ok
        print(
            f"[plg.spark] spark build: {figures['spark_build']['statuses']}; rows compared "
            f"{figures['rows_compared']}; differences {figures['differences']}; {'OK' if ok else 'FAILED'}"
        )
        return 0 if ok else 1
    finally:
        if args.report:
            Path(args.report).parent.mkdir(parents=True, exist_ok=True)  # reports/ is absent on a fresh clone
            Path(args.report).write_text(json.dumps(figures, indent=2, default=str))
        if not args.keep and not args.workdir:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in ("_load", "_read"):
        sys.exit(_internal(sys.argv[1:]))
    sys.exit(main())
