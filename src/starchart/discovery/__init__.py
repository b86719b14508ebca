"""Discovery: "more like this", picks for a profile, from viewing or from co-charting.

Pure mathematics in :mod:`.models` and :mod:`.evaluate`, backend-neutral Ibis expressions in
:mod:`.feedback`, training on DuckDB or Spark in :mod:`.train`, answers from the store in
:mod:`.answers`. See docs/discovery.md.
"""
