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

The rows kept and rejected are those `openness.read_corpus` keeps and rejects of the whole
frame (a missing or repeated id, a missing, non-text, empty or repeated text is rejected; the
first in partition order is kept); `table="rejects"` gives the rows left out, located as
`partition P row N`, with their reason:

    rejects = score_dataframe(articles, text="body", id="url", table="rejects").compute()

Repeats across partitions are found by a first pass that reads each partition's ids and
16-byte text digests (never texts); each partition is then told only the ids and digests
of earlier partitions it holds too. So the frame is read twice.
"""
from __future__ import annotations

from functools import lru_cache

import pandas as pd
from dask import delayed

from .corpus import earlier_claims, part_claims, read_part
from .scoring import Scorer, get_scorer

TABLES = ("documents", "sentences", "evidence", "mentions", "lab_frames", "rejects")


@lru_cache(maxsize=4)
def _scorer_for(rubric, labs) -> Scorer:
    return get_scorer(rubric, labs)


def _score_partition(partition: pd.DataFrame, text: str, id: str, table: str, rubric, labs, earlier: list,
                     partition_info: dict | None = None) -> pd.DataFrame:
    number = (partition_info or {}).get("number", 0)
    corpus = read_part(_records(partition, text, id), "text", "doc_id", earlier[number])
    if table == "rejects":
        return corpus.rejects.assign(location=f"partition {number} " + corpus.rejects["location"])
    scorer = _scorer_for(rubric, labs) if _hashable(rubric, labs) else get_scorer(rubric, labs)
    return getattr(scorer.score(corpus.docs[["doc_id", "text"]]), table).reset_index(drop=True)


def _records(partition: pd.DataFrame, text: str, id: str) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": partition[id].to_numpy(), "text": partition[text].to_numpy()})


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
    meta = _score_partition(empty, text, id, table, rubric, labs, earlier_claims([[]]))
    parts = ddf[list(dict.fromkeys((id, text)))].to_delayed()  # the first pass reads two columns only
    claims = [delayed(part_claims)(delayed(_records)(part, text, id), "text", "doc_id") for part in parts]
    return ddf.map_partitions(_score_partition, text, id, table, rubric, labs, delayed(earlier_claims)(claims), meta=meta)
