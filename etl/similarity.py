"""How alike two incident summaries are, for the recurrence model's `similar_summary` evidence.

SQL has no fuzzy matcher that holds up on real titles, so the build registers this one with the
connection (see `register`); it exists only while the models run.

rapidfuzz's token_set_ratio, after removing the service's own words, ticket keys and numbers:
titles on one service share its name and often a trigger ("after config change"), which made
every other scorer call unrelated symptoms alike, while token_set_ratio still matches a title
that only adds words ("elevated 5xx error rate" / "... after feature flag rollout"). docs/metrics.md
gives the examples behind the default threshold of 80.
"""
from __future__ import annotations

import re

import duckdb
import pyarrow as pa
from rapidfuzz import fuzz, process, utils

FUNCTIONS = ("summary_words", "summary_similarity")   # what `register` gives SQL
_TICKET_KEY = re.compile(r"\b[A-Z][A-Z0-9]+-\d+\b")
_DIGITS = re.compile(r"\d+")


def normalised(summary: str | None, service: str | None) -> str:
    """The words that say what happened; a summary that is nothing but the service's name keeps it."""
    whole = " ".join(_DIGITS.sub(" ", utils.default_process(_TICKET_KEY.sub(" ", summary or ""))).split())
    text = whole
    for word in utils.default_process(service or "").split():
        text = re.sub(rf"\b{re.escape(word)}\b", " ", text)
    return " ".join(text.split()) or whole


def similarity(a: str | None, b: str | None, service: str | None) -> float:
    return fuzz.token_set_ratio(normalised(a, service), normalised(b, service))


def _words_column(summary: pa.Array, service: pa.Array) -> pa.Array:
    return pa.array([normalised(s, v) for s, v in zip(summary.to_pylist(), service.to_pylist())], type=pa.string())


def _similarity_column(a: pa.Array, b: pa.Array) -> pa.Array:
    left, right = a.to_pylist(), b.to_pylist()
    return pa.array(process.cpdist(left, right, scorer=fuzz.token_set_ratio, dtype="float64") if left else [],
                    type=pa.float64())


def register(con: duckdb.DuckDBPyConnection) -> None:
    """`summary_words(summary, service)` once per incident, `summary_similarity(words, words)` per
    pair: the normalising is Python, the scoring rapidfuzz's C++, so pairs cost little."""
    con.create_function("summary_words", _words_column, ["VARCHAR", "VARCHAR"], "VARCHAR",
                        type="arrow", null_handling="special", side_effects=False)
    con.create_function("summary_similarity", _similarity_column, ["VARCHAR", "VARCHAR"], "DOUBLE",
                        type="arrow", null_handling="special", side_effects=False)
