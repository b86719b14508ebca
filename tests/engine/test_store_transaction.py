"""store.transaction: the writes of a block land together or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from starchart import store


def count(con: object) -> int:
    row = con.execute("SELECT count(*) FROM t").fetchone()  # type: ignore[attr-defined]
    return int(row[0])


def add_title(con: object, title_id: str) -> None:
    con.execute(  # type: ignore[attr-defined]
        "CREATE TABLE IF NOT EXISTS t (title_id VARCHAR PRIMARY KEY)"
    )
    con.execute("INSERT INTO t VALUES (?)", [title_id])  # type: ignore[attr-defined]


def test_commits_the_block(tmp_db: Path) -> None:
    with store.opened(tmp_db) as con, store.transaction(con):
        add_title(con, "t1")
        add_title(con, "t2")
    with store.opened(tmp_db, read_only=True) as con:
        assert count(con) == 2


@pytest.mark.parametrize("error", [ValueError("boom"), KeyboardInterrupt()])
def test_rolls_back_on_any_error(tmp_db: Path, error: BaseException) -> None:
    with store.opened(tmp_db) as con:
        add_title(con, "kept")
        with pytest.raises(type(error)), store.transaction(con):
            add_title(con, "t1")
            raise error
        assert count(con) == 1
        with store.transaction(con):  # the connection is usable again
            add_title(con, "t2")
        assert count(con) == 2


def test_a_failed_statement_rolls_back_the_earlier_ones(tmp_db: Path) -> None:
    with store.opened(tmp_db) as con:
        add_title(con, "t0")
        with pytest.raises(Exception, match="(?i)duplicate key|constraint"), \
                store.transaction(con):
            add_title(con, "t1")
            add_title(con, "t1")
        assert count(con) == 1
