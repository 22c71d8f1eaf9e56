"""Score a dask.dataframe partition by partition, on a local or a remote Dask cluster.

    from dask.distributed import Client
    import dask.dataframe as dd
    from openness.core.dask import score_dataframe

    client = Client("tcp://scheduler-host:8786")       # or Client() for a local cluster
    articles = dd.read_parquet("s3://bucket/news/*.parquet")
    documents = score_dataframe(articles, text="body", id="url").compute()

Every worker needs `openness` installed (`pip install openness[dask]`); rubric and lab
files given by path must be readable on the workers, or pass loaded `Rubric` /
`LabRegistry` objects, which travel with the tasks. The rows are the ones
`openness.score` gives on the same documents, in partition order.

Each partition is read with the rules of `openness.read_corpus` (a missing or repeated id, a
missing, non-text, empty or repeated text is rejected); `table="rejects"` gives the rows
left out, located as `partition P row N`, with their reason:

    rejects = score_dataframe(articles, text="body", id="url", table="rejects").compute()

An id or a text repeated in two different partitions is not seen as repeated: every
partition is checked on its own worker (partition by id, e.g. `set_index`, to have them met).
"""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from .corpus import read_corpus
from .scoring import Scorer, get_scorer

TABLES = ("documents", "sentences", "evidence", "mentions", "lab_frames", "rejects")


@lru_cache(maxsize=4)
def _scorer_for(rubric, labs) -> Scorer:
    return get_scorer(rubric, labs)


def _score_partition(partition: pd.DataFrame, text: str, id: str, table: str, rubric, labs,
                     partition_info: dict | None = None) -> pd.DataFrame:
    corpus = read_corpus(pd.DataFrame({"doc_id": partition[id].to_numpy(), "text": partition[text].to_numpy()}),
                         id="doc_id")
    if table == "rejects":
        number = (partition_info or {}).get("number", 0)
        return corpus.rejects.assign(location=f"partition {number} " + corpus.rejects["location"])
    scorer = _scorer_for(rubric, labs) if _hashable(rubric, labs) else get_scorer(rubric, labs)
    return getattr(scorer.score(corpus.docs[["doc_id", "text"]]), table).reset_index(drop=True)


def _hashable(*values) -> bool:
    try:
        hash(values)
    except TypeError:
        return False
    return True


def score_dataframe(ddf, text: str = "text", id: str = "doc_id", table: str = "documents", rubric=None, labs=None):
    """One of the score tables (`documents`, `sentences`, `evidence`, `mentions`,
    `lab_frames`), or the `rejects`, as a lazy dask DataFrame; `.compute()` runs it on the cluster."""
    if table not in TABLES:
        raise ValueError(f"table must be one of {', '.join(TABLES)}, not {table!r}")
    for column in (text, id):
        if column not in ddf.columns:
            raise ValueError(f"column {column!r} not in the dask DataFrame; it has {', '.join(map(str, ddf.columns))}")
    empty = pd.DataFrame({id: pd.Series(["x"], dtype=object), text: pd.Series(["x"], dtype=object)}).iloc[:0]
    meta = _score_partition(empty, text, id, table, rubric, labs)
    return ddf.map_partitions(_score_partition, text, id, table, rubric, labs, meta=meta)
