"""The Spark session starchart uses: local by default, a cluster with ``master``."""

from __future__ import annotations

import os
import sys
from typing import Any


def get_spark(master: str | None = None, app_name: str = "starchart") -> Any:
    """A SparkSession with UTC session time (chart weeks are UTC) and a quiet log.

    Local mode runs two worker threads (``local[2]``; set ``STARCHART_SPARK_MASTER``, e.g.
    ``local[*]`` for every core); ``master`` (e.g. ``spark://host:7077``) points at a cluster.
    """
    # Workers must run the same interpreter (the project venv), not whatever python3 is.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    builder = (
        SparkSession.builder.appName(app_name)
        .master(master or os.environ.get("STARCHART_SPARK_MASTER", "local[2]"))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.ansi.enabled", "false")
        .config("spark.driver.memory", os.environ.get("STARCHART_SPARK_DRIVER_MEMORY", "2g"))
    )
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session
