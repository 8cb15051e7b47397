"""Benchmark harness of the PLG analytics project (issue 5: scale).

``python -m plg.bench --sizes 1000000 10000000`` generates a landing of each
size, runs a full ``dbt build``, the DuckDB floor, ``dbt parse`` with partial
parsing, appends one more day of events and runs the incremental build, and
merges every figure into ``bench_results/results.json`` (plus a Markdown table
regenerated from it). See ``plg/bench/cli.py`` for the options.
"""
