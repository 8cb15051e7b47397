"""A throwaway PostgreSQL 15 server, a landing loader and a mart comparison.

Used by ``pytests/test_postgres.py`` and runnable by hand::

    python -m plg.postgres --landing warehouse/test.duckdb            # start, load, dbt build, compare, stop
    python -m plg.postgres --landing warehouse/test.duckdb --keep     # ... and keep it running (prints the env)

The server is real (no mock): ``initdb`` into a temporary directory, listening
on 127.0.0.1 on a free port, unix socket inside the temporary directory.
When the caller is root (CI on a fresh machine) every server binary runs as
the unprivileged system user ``plgpg`` through ``runuser``; PostgreSQL refuses
to run as root. This module installs and creates nothing on the system:
``make system-deps`` (run by ``make test`` as root) creates that user and
installs postgresql-15 when its binaries are missing.

Roles (passwords are generated per run, never written to a file in the repo):
- ``postgres``      superuser, used by the harness, with its own generated password;
- ``plg_builder``   LOGIN, owns database ``plg``: loads the landing and runs dbt;
- reader role       (var ``reader_role``, default ``bi_reader``) LOGIN, no
                    privilege at all except what dbt ``grants`` give it.
Every connection needs a password (scram-sha-256), the superuser's included, on the
unix socket and on TCP alike (no ``trust``). The server listens on 127.0.0.1 only (loopback);
its socket directory is private to the server's user (mode 0700, socket 0700), so no other
local user can even reach the socket.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from plg.dbt_runner import dbt_env, run_dbt, run_results_summary
from plg.marts import load_manifest, public_marts

PG_MAJOR = "15"
SYSTEM_USER = "plgpg"
DATABASE = "plg"
BUILDER = "plg_builder"
DEFAULT_READER = "bi_reader"
LANDING_SCHEMAS = ("raw_product", "raw_crm", "raw_stripe", "raw_finance", "raw_surveys")

# The public marts and their grain come from the manifest (plg.marts), never from a list written here.


# --------------------------------------------------------------------------- binaries


def find_bindir() -> Path | None:
    """The PostgreSQL server binaries (initdb, pg_ctl, postgres), or None."""
    candidates: list[Path] = []
    if os.environ.get("PLG_PG_BINDIR"):
        candidates.append(Path(os.environ["PLG_PG_BINDIR"]))
    candidates.append(Path(f"/usr/lib/postgresql/{PG_MAJOR}/bin"))
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(Exception):
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=True)
            candidates.append(Path(out.stdout.strip()))
    pg_ctl = shutil.which("pg_ctl")
    if pg_ctl:
        candidates.append(Path(os.path.realpath(pg_ctl)).parent)
    for c in candidates:
        if (c / "initdb").exists() and (c / "pg_ctl").exists() and (c / "postgres").exists():
            return c
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _check_system_user() -> None:
    """Root runs the server as SYSTEM_USER, which the system setup creates (make system-deps)."""
    import pwd

    try:
        pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        raise RuntimeError(
            f"running as root, the server runs as the system user {SYSTEM_USER!r}, which does not "
            f"exist: run `make system-deps` (as root) first"
        ) from None


# --------------------------------------------------------------------------- server


@dataclass
class PostgresServer:
    """Start with ``with PostgresServer() as pg:``; everything is removed on exit."""

    reader_role: str = DEFAULT_READER
    bindir: Path | None = None
    port: int = 0
    host: str = "127.0.0.1"
    builder_password: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    reader_password: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    admin_password: str = field(default_factory=lambda: secrets.token_urlsafe(18), repr=False)
    workdir: Path | None = None
    _as_root: bool = False

    # -- process helpers
    def _cmd(self, name: str, *args: str) -> list[str]:
        exe = str(self.bindir / name)
        if self._as_root:
            return ["runuser", "-u", SYSTEM_USER, "--", exe, *args]
        return [exe, *args]

    def _run(self, name: str, *args: str) -> subprocess.CompletedProcess:
        res = subprocess.run(self._cmd(name, *args), capture_output=True, text=True, cwd="/")
        if res.returncode != 0:
            raise RuntimeError(f"{name} failed ({res.returncode}):\n{res.stdout}\n{res.stderr}\n{self._log_tail()}")
        return res

    def _log_tail(self) -> str:
        log = self.workdir / "server.log" if self.workdir else None
        if log and log.exists():
            return "server.log:\n" + "\n".join(log.read_text(errors="replace").splitlines()[-30:])
        return ""

    @property
    def datadir(self) -> Path:
        return self.workdir / "data"

    @property
    def sockdir(self) -> Path:
        return self.workdir / "sock"

    # -- lifecycle
    def start(self) -> PostgresServer:
        if self.host not in ("127.0.0.1", "::1", "localhost"):
            raise ValueError(f"the test server listens on the loopback only, not {self.host}")
        self.bindir = self.bindir or find_bindir()
        if self.bindir is None:
            raise RuntimeError(f"PostgreSQL {PG_MAJOR} server binaries not found (make system-deps installs them)")
        self._as_root = os.geteuid() == 0
        self.workdir = Path(tempfile.mkdtemp(prefix="plg_pg_"))
        self.datadir.mkdir()
        self.sockdir.mkdir()
        if self._as_root:
            _check_system_user()
            for p in (self.workdir, self.datadir, self.sockdir):
                shutil.chown(p, SYSTEM_USER, SYSTEM_USER)
        os.chmod(self.workdir, 0o700)  # private: data, socket and log are the server user's only
        os.chmod(self.datadir, 0o700)
        os.chmod(self.sockdir, 0o700)
        pwfile = self.workdir / "pw"
        pwfile.write_text(self.admin_password + "\n")  # the superuser's password (scram); removed after initdb
        os.chmod(pwfile, 0o600)
        if self._as_root:
            shutil.chown(pwfile, SYSTEM_USER, SYSTEM_USER)
        self._run(
            "initdb",
            "-D",
            str(self.datadir),
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C",
            "--auth-local=scram-sha-256",
            "--auth-host=scram-sha-256",
            f"--pwfile={pwfile}",
        )
        pwfile.unlink()
        self.port = self.port or _free_port()
        opts = (
            f"-c listen_addresses={self.host} -p {self.port} -k {self.sockdir} -c unix_socket_permissions=0700 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=30 -c shared_buffers=256MB -c timezone=UTC"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.datadir),
            "-l",
            str(self.workdir / "server.log"),
            "-o",
            opts,
            "-w",
            "-t",
            "60",
            "start",
        )
        self._bootstrap()
        return self

    def stop(self) -> None:
        if self.workdir is None:
            return
        if (self.datadir / "postmaster.pid").exists():
            with contextlib.suppress(Exception):
                subprocess.run(
                    self._cmd("pg_ctl", "-D", str(self.datadir), "-m", "fast", "-w", "stop"),
                    capture_output=True,
                    timeout=60,
                    cwd="/",
                )
        shutil.rmtree(self.workdir, ignore_errors=True)
        self.workdir = None

    def __enter__(self) -> PostgresServer:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- connections
    def connect_admin(self, dbname: str = "postgres"):
        import psycopg2

        conn = psycopg2.connect(
            host=str(self.sockdir), port=self.port, user="postgres", password=self.admin_password, dbname=dbname
        )
        conn.autocommit = True
        return conn

    def connect(self, user: str, password: str, dbname: str = DATABASE):
        import psycopg2

        return psycopg2.connect(host=self.host, port=self.port, user=user, password=password, dbname=dbname)

    def connect_builder(self):
        return self.connect(BUILDER, self.builder_password)

    def connect_reader(self):
        return self.connect(self.reader_role, self.reader_password)

    def _bootstrap(self) -> None:
        from psycopg2 import sql

        with contextlib.closing(self.connect_admin()) as conn, conn.cursor() as cur:
            cur.execute(
                sql.SQL("create role {} login password %s").format(sql.Identifier(BUILDER)), (self.builder_password,)
            )
            cur.execute(
                sql.SQL("create role {} login password %s").format(sql.Identifier(self.reader_role)),
                (self.reader_password,),
            )
            cur.execute(
                sql.SQL("create database {} owner {}").format(sql.Identifier(DATABASE), sql.Identifier(BUILDER))
            )
        with contextlib.closing(self.connect_admin(DATABASE)) as conn, conn.cursor() as cur:
            # PG15 default already: PUBLIC cannot create in schema public. Make it explicit,
            # and make the builder the only role that can create schemas in the database.
            cur.execute("revoke all on schema public from public")
            cur.execute(sql.SQL("revoke all on database {} from public").format(sql.Identifier(DATABASE)))
            cur.execute(
                sql.SQL("grant connect on database {} to {}").format(
                    sql.Identifier(DATABASE), sql.Identifier(self.reader_role)
                )
            )

    def dbt_env(self, base: dict | None = None) -> dict:
        """Environment for ``dbt --target postgres`` (profiles.yml reads PLG_PG_*)."""
        return dbt_env(
            base,
            target="postgres",
            PLG_PG_HOST=self.host,
            PLG_PG_PORT=str(self.port),
            PLG_PG_USER=BUILDER,
            PLG_PG_PASSWORD=self.builder_password,
            PLG_PG_DATABASE=DATABASE,
        )


# --------------------------------------------------------------------------- landing loader


def _pg_type(duck_type: str) -> str:
    t = duck_type.upper()
    if t.startswith("DECIMAL") or t.startswith("NUMERIC"):
        return t.replace("DECIMAL", "numeric").lower()
    mapping = {
        "VARCHAR": "text",
        "TEXT": "text",
        "STRING": "text",
        "JSON": "text",
        "UUID": "text",
        "BOOLEAN": "boolean",
        "TINYINT": "smallint",
        "SMALLINT": "smallint",
        "INTEGER": "integer",
        "BIGINT": "bigint",
        "HUGEINT": "numeric(38,0)",
        "UTINYINT": "smallint",
        "USMALLINT": "integer",
        "UINTEGER": "bigint",
        "UBIGINT": "numeric(20,0)",
        "FLOAT": "real",
        "DOUBLE": "double precision",
        "DATE": "date",
        "TIMESTAMP": "timestamp",
        "TIMESTAMP_NS": "timestamp",
        "TIMESTAMP_MS": "timestamp",
        "TIMESTAMP WITH TIME ZONE": "timestamptz",
        "TIME": "time",
    }
    if t not in mapping:
        raise ValueError(f"no PostgreSQL type for DuckDB type {duck_type}")
    return mapping[t]


def landing_tables(duckdb_path: str | Path, schemas=LANDING_SCHEMAS) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """(schema, table) -> [(column, duckdb type)] read from the landing's information_schema."""
    import duckdb

    with contextlib.closing(duckdb.connect(str(duckdb_path), read_only=True)) as con:
        rows = con.execute(
            """
            select c.table_schema, c.table_name, c.column_name, c.data_type
            from information_schema.columns as c
            inner join information_schema.tables as t
                on c.table_catalog = t.table_catalog
                and c.table_schema = t.table_schema and c.table_name = t.table_name
            where c.table_schema in (select unnest(?)) and t.table_type = 'BASE TABLE'
            order by c.table_schema, c.table_name, c.ordinal_position
            """,
            [list(schemas)],
        ).fetchall()
    out: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for schema, table, column, dtype in rows:
        out.setdefault((schema, table), []).append((column, dtype))
    return out


def load_landing(duckdb_path: str | Path, pg_conn, schemas=LANDING_SCHEMAS, workdir: Path | None = None) -> dict:
    """Copy every landing table of a DuckDB file into PostgreSQL (same schema, table, column names).

    DuckDB writes CSV (NULL as an unquoted ``\\N``, strings quoted when needed), PostgreSQL reads it
    with COPY ... CSV NULL '\\N': empty strings, NULLs, JSON with quotes and commas survive.
    Returns {"schema.table": rows}.
    """
    import duckdb
    from psycopg2 import sql

    tables = landing_tables(duckdb_path, schemas)
    if not tables:
        raise RuntimeError(f"no landing tables in {duckdb_path} (schemas {', '.join(schemas)})")
    tmp = Path(tempfile.mkdtemp(prefix="plg_landing_csv_", dir=workdir))
    counts: dict[str, int] = {}
    try:
        with contextlib.closing(duckdb.connect(str(duckdb_path), read_only=True)) as duck:
            with pg_conn.cursor() as cur:
                for schema in sorted({s for s, _ in tables}):
                    cur.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(schema)))
                    cur.execute(sql.SQL("create schema {}").format(sql.Identifier(schema)))
                for (schema, table), cols in tables.items():
                    ddl = sql.SQL("create table {}.{} ({})").format(
                        sql.Identifier(schema),
                        sql.Identifier(table),
                        sql.SQL(", ").join(
                            sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(_pg_type(t))) for c, t in cols
                        ),
                    )
                    cur.execute(ddl)
                    path = tmp / f"{schema}.{table}.csv"
                    col_list = ", ".join(f'"{c}"' for c, _ in cols)
                    duck.execute(
                        f'copy (select {col_list} from "{schema}"."{table}") to \'{path}\' '
                        "(format csv, header true, nullstr '\\N', dateformat '%Y-%m-%d', "
                        "timestampformat '%Y-%m-%d %H:%M:%S.%f')"
                    )
                    copy = sql.SQL("copy {}.{} ({}) from stdin with (format csv, header true, null '\\N')").format(
                        sql.Identifier(schema),
                        sql.Identifier(table),
                        sql.SQL(", ").join(sql.Identifier(c) for c, _ in cols),
                    )
                    with open(path, encoding="utf-8") as fh:
                        cur.copy_expert(copy.as_string(pg_conn), fh)
                    counts[f"{schema}.{table}"] = cur.rowcount
                    path.unlink()
            pg_conn.commit()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return counts


# --------------------------------------------------------------------------- dbt + comparison


def mart_relations(target_path: Path) -> dict[str, tuple[str, str]]:
    """public mart name -> (schema, identifier) from a compiled manifest."""
    return {name: (m.schema, m.identifier) for name, m in public_marts(load_manifest(target_path)).items()}


def _norm(v):
    if isinstance(v, Decimal):
        return float(v)
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):  # numpy scalars
        with contextlib.suppress(Exception):
            return v.item()
    if isinstance(v, datetime) and v.tzinfo is not None:
        return v.replace(tzinfo=None)
    return v


def _sort_key(row, idx):
    return tuple(
        (row[i] is None, "" if row[i] is None else str(row[i]) if not isinstance(row[i], (int, float)) else row[i])
        for i in idx
    )


def _equal(a, b, rel_tol: float, abs_tol: float = 1e-9) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return bool(a) == bool(b) and type(a) is type(b) or a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if isinstance(a, float) and math.isnan(a):
            return isinstance(b, float) and math.isnan(b)
        return math.isclose(float(a), float(b), rel_tol=rel_tol, abs_tol=abs_tol)
    if isinstance(a, datetime) and isinstance(b, datetime):
        return a == b
    if isinstance(a, date) and isinstance(b, date):
        return a == b
    return a == b


def fetch_rows(cursor, schema: str, table: str, quote: str = '"') -> tuple[list[str], list[tuple]]:
    cursor.execute(f"select * from {quote}{schema}{quote}.{quote}{table}{quote}")
    cols = [d[0] for d in cursor.description]
    return cols, [tuple(_norm(v) for v in r) for r in cursor.fetchall()]


def compare_tables(
    name: str,
    left: tuple[list[str], list[tuple]],
    right: tuple[list[str], list[tuple]],
    grain: tuple[str, ...],
    rel_tol: float = 1e-6,
    max_diffs: int = 10,
    abs_tol: float = 1e-9,
) -> dict:
    """Row-for-row comparison of two (columns, rows) on the columns both have, sorted by the grain."""
    lcols, lrows = left
    rcols, rrows = right
    cols = [c for c in lcols if c in rcols]
    li = [lcols.index(c) for c in cols]
    ri = [rcols.index(c) for c in cols]
    lrows = [tuple(r[i] for i in li) for r in lrows]
    rrows = [tuple(r[i] for i in ri) for r in rrows]
    gi = [cols.index(g) for g in grain if g in cols]
    lrows.sort(key=lambda r: _sort_key(r, gi or range(len(cols))))
    rrows.sort(key=lambda r: _sort_key(r, gi or range(len(cols))))
    diffs = []
    if len(lrows) != len(rrows):
        diffs.append(f"{name}: row count {len(lrows)} vs {len(rrows)}")
    for lr, rr in zip(lrows, rrows, strict=False):
        for c, a, b in zip(cols, lr, rr, strict=False):
            if not _equal(a, b, rel_tol, abs_tol):
                key = {g: lr[cols.index(g)] for g in grain if g in cols}
                diffs.append(f"{name} {key} {c}: {a!r} vs {b!r}")
                break
        if len(diffs) >= max_diffs:
            break
    return {
        "mart": name,
        "rows": len(lrows),
        "columns": len(cols),
        "missing_columns": sorted(set(lcols) ^ set(rcols)),
        "diffs": diffs,
    }


def compare_marts_duckdb_postgres(
    duckdb_path, duck_target: Path, pg_conn, pg_target: Path, rel_tol: float = 1e-6
) -> list[dict]:
    import duckdb

    duck_rel = mart_relations(duck_target)
    pg_rel = mart_relations(pg_target)
    results = []
    with contextlib.closing(duckdb.connect(str(duckdb_path), read_only=True)) as duck:
        dcur = duck.cursor()
        with pg_conn.cursor() as pcur:
            for name, mart in public_marts(load_manifest(duck_target)).items():
                grain = mart.grain
                if name not in duck_rel or name not in pg_rel:
                    results.append(
                        {
                            "mart": name,
                            "rows": 0,
                            "columns": 0,
                            "missing_columns": [],
                            "diffs": [],
                            "skipped": "model not in the project yet",
                        }
                    )
                    continue
                left = fetch_rows(dcur, *duck_rel[name])
                right = fetch_rows(pcur, *pg_rel[name])
                results.append(compare_tables(name, left, right, grain, rel_tol))
    return results


# --------------------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--landing", required=True, help="DuckDB file holding the raw_* landing")
    ap.add_argument("--workdir", default=None, help="where dbt target/log dirs go (default: a temp dir)")
    ap.add_argument("--keep", action="store_true", help="keep the server running after the build (Ctrl-C stops)")
    ap.add_argument("--select", default=None, help="dbt --select for the postgres build")
    ap.add_argument("--exclude", default=None, help="dbt --exclude for the postgres build")
    ap.add_argument("--duck-warehouse", default=None, help="a DuckDB build of the same landing to compare marts with")
    ap.add_argument("--duck-target", default=None, help="the --target-path of that DuckDB build (its manifest)")
    args = ap.parse_args(argv)

    work = Path(args.workdir or tempfile.mkdtemp(prefix="plg_pg_run_"))
    work.mkdir(parents=True, exist_ok=True)
    with PostgresServer() as pg:
        with contextlib.closing(pg.connect_builder()) as conn:
            counts = load_landing(args.landing, conn)
        print(f"postgres on 127.0.0.1:{pg.port}; landing loaded: {sum(counts.values())} rows in {len(counts)} tables")
        build = (
            ["build"]
            + (["--select", args.select] if args.select else [])
            + (["--exclude", args.exclude] if args.exclude else [])
        )
        res = run_dbt(build, env=pg.dbt_env(), target_path=work / "target_pg", log_path=work / "logs_pg")
        print(res.stdout[-4000:])
        summary = run_results_summary(work / "target_pg")
        print(json.dumps(summary, indent=2, default=str))
        if args.duck_warehouse and args.duck_target and (work / "target_pg" / "manifest.json").exists():
            with contextlib.closing(pg.connect_builder()) as conn:
                results = compare_marts_duckdb_postgres(
                    args.duck_warehouse, Path(args.duck_target), conn, work / "target_pg"
                )
            for r in results:
                print(
                    f"  {r['mart']:32s} rows={r['rows']:>7} diffs={len(r['diffs'])} {r.get('skipped', '')}"
                    + (f" column gaps={r['missing_columns']}" if r["missing_columns"] else "")
                )
                for d in r["diffs"][:5]:
                    print("      ", d)
            print(
                f"rows compared: {sum(r['rows'] for r in results)}; "
                f"differences: {sum(len(r['diffs']) for r in results)}"
            )
        if args.keep:
            print(
                f"PLG_PG_HOST={pg.host} PLG_PG_PORT={pg.port} PLG_PG_USER={BUILDER} "
                f"PLG_PG_PASSWORD={pg.builder_password} PLG_PG_DATABASE={DATABASE}"
            )
            with contextlib.suppress(KeyboardInterrupt):
                while True:
                    time.sleep(3600)
        return res.returncode


if __name__ == "__main__":
    sys.exit(main())
