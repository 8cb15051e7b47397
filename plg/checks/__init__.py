"""Independent recomputations of the metrics (pandas, from the staged tables and seeds).

Written from ../shared/spec/METRICS.md only, never from the SQL models: the second pair of eyes that
pytests/test_recompute_*.py compare the marts against.
"""
