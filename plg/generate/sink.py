"""Writes landing tables into DuckDB (Arrow in, explicit DDL from the landing contract)."""

from __future__ import annotations

import os
import shutil
import tempfile

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from plg.generate.events import EVENT_NAMES, FEATURES, PATHS
from plg.landing_schema import LANDING_TABLES, SOURCE_SCHEMAS


def ts(sec: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    """int64 seconds since epoch -> Arrow timestamp[us] (null where sec < 0 or null mask)."""
    sec = np.asarray(sec, dtype=np.int64)
    mask = sec < 0 if null is None else (null | (sec < 0))
    return pa.array(sec * 1_000_000, type=pa.timestamp("us"), mask=mask)


def _prefixed(prefix: str, nums: np.ndarray, width: int, null: np.ndarray) -> pa.Array:
    s = pc.utf8_lpad(pc.cast(pa.array(np.asarray(nums, dtype=np.int64)), pa.string()), width, "0")
    s = pc.binary_join_element_wise(pa.scalar(prefix), s, "")
    if null is not None and null.any():
        s = pc.if_else(pa.array(null), pa.scalar(None, pa.string()), s)
    return s


_DICTS: tuple | None = None


def _event_dictionaries() -> tuple[pa.Array, pa.Array]:
    """Event name variants (code*5 + variant) and property texts (see insert_events)."""
    global _DICTS
    if _DICTS is None:
        names = []
        for nm in EVENT_NAMES:
            names += [nm, nm.upper(), " " + nm, nm + "  ", " " + nm[:1].upper() + nm[1:] + " "]
        props = []
        for code in range(len(EVENT_NAMES)):
            if 1 <= code <= 9:
                props.append(f'{{"feature":"{FEATURES[code]}"}}')
            elif code in (12, 13):
                props.append('{"plan":"pro"}')
            elif code == 14:
                props.append('{"limit":"reports"}')
            elif code == 0:
                props.append('{"source":"web"}')
            else:
                props.append("{}")
        props += [f'{{"feature":"teammates","invitee_count":{k}}}' for k in (1, 2, 3)]
        props += [f'{{"path":"/{p}"}}' for p in PATHS]
        props.append('{"feature":')  # malformed JSON (cut off)
        _DICTS = (pa.array(names), pa.array(props))
    return _DICTS


def sql_list(values) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def fq(table: str) -> str:
    for source, t in LANDING_TABLES:
        if t == table:
            return f"{SOURCE_SCHEMAS[source]}.{t}"
    raise KeyError(table)


class Sink:
    """A DuckDB database the generator writes into (the warehouse, or a staging file for --parquet)."""

    def __init__(self, warehouse: str | None, parquet: str | None, memory_limit: str = "6GB", create: bool = True):
        self.parquet = parquet
        self.tmpdir = None
        if parquet:
            self.tmpdir = tempfile.mkdtemp(prefix="plg_gen_")
            path = os.path.join(self.tmpdir, "stage.duckdb")
        else:
            path = warehouse
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        self.path = path
        self.con = duckdb.connect(path)
        self.con.execute(f"set memory_limit='{memory_limit}'")
        self.con.execute("set preserve_insertion_order=true")
        self.con.execute("set enable_progress_bar=false")
        if create:
            for s in SOURCE_SCHEMAS.values():
                self.con.execute(f"create schema if not exists {s}")
            for (source, t), cols in LANDING_TABLES.items():
                name = f"{SOURCE_SCHEMAS[source]}.{t}"
                self.con.execute(f"drop table if exists {name}")
                self.con.execute(f"create table {name} ({', '.join(f'{c} {ty}' for c, ty in cols)})")

    def insert(self, table: str, data: pa.Table) -> int:
        """Insert an Arrow table whose columns are the landing columns, in order."""
        cols = [c for c, _ in next(v for (s, t), v in LANDING_TABLES.items() if t == table)]
        assert data.column_names == cols, (table, data.column_names, cols)
        self.con.register("_chunk", data)
        self.con.execute(f"insert into {fq(table)} select * from _chunk")
        self.con.unregister("_chunk")
        return data.num_rows

    def insert_events(self, ev: dict) -> int:
        """Events from code arrays: names and properties are dictionary-encoded (no per-row Python)."""
        n = len(ev["eid"])
        names_d, props_d = _event_dictionaries()
        code = ev["code"].astype(np.int64)
        name_idx = code * 5 + ev["variant"].astype(np.int64)
        path = ev["path"].astype(np.int64)
        inv = ev["inv"].astype(np.int64)
        # property index: 0..14 base per code; teammate_invited by invitee count; page_viewed by path
        pidx = np.where(code == 3, 15 + (inv - 1), np.where(code == 11, 18 + path, code))
        pidx = np.where(ev["pvar"] == 1, len(props_d) - 1, pidx)
        tbl = pa.table(
            {
                "event_id": _prefixed("evt_", ev["eid"], 12, ev["null_id"]),
                "event_name": pa.DictionaryArray.from_arrays(
                    pa.array(name_idx.astype(np.int32), mask=ev["null_name"]), names_d
                ),
                "user_id": _prefixed("usr_", ev["user"] + 1, 8, ev["user"] < 0),
                "account_id": _prefixed("acc_", ev["acc"] + 1, 7, ev["acc"] < 0),
                "occurred_at": ts(ev["occ"], ev["null_occ"]),
                "received_at": ts(ev["rec"]),
                "properties": pa.DictionaryArray.from_arrays(pa.array(pidx.astype(np.int32)), props_d),
            }
        )
        self.con.register("_ev", tbl)
        self.con.execute("insert into raw_product.events select * from _ev")
        self.con.unregister("_ev")
        return n

    def count(self, table: str) -> int:
        return self.con.execute(f"select count(*) from {fq(table)}").fetchall()[0][0]

    def finish(self) -> None:
        if self.parquet:
            for source, t in LANDING_TABLES:
                schema = SOURCE_SCHEMAS[source]
                d = os.path.join(self.parquet, schema)
                os.makedirs(d, exist_ok=True)
                out = os.path.join(d, f"{t}.parquet")
                if os.path.isdir(out):
                    shutil.rmtree(out)
                self.con.execute(f"copy {schema}.{t} to '{out}' (format parquet, compression zstd)")
        self.con.close()
        if self.tmpdir:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
