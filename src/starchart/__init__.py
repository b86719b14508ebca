"""starchart: the open engine behind streaming Top 10 charts."""

__version__ = "0.1.0"
