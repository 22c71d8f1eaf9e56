"""Dask and several processes give exactly the rows of the in-memory scorer."""
from __future__ import annotations

import pandas as pd
import pytest

from openness.core.corpus import read_corpus
from openness.paths import EXAMPLES
from openness.core.scoring import score
from openness.core.streaming import score_to_csv


@pytest.fixture(scope="module")
def docs() -> pd.DataFrame:
    examples = read_corpus(EXAMPLES).docs[["doc_id", "text"]]
    # repeat the examples under new ids so that partitions and chunks hold several documents
    copies = [examples.assign(doc_id=examples["doc_id"] + f"-{i}", text=examples["text"] + f"\n\nCopy {i}.") for i in range(6)]
    return pd.concat(copies, ignore_index=True)


@pytest.mark.parametrize("table", ["documents", "sentences", "evidence", "mentions", "lab_frames"])
def test_dask_local_cluster_matches_in_memory(docs, table, dask_client):
    import dask.dataframe as dd

    from openness.core.dask import score_dataframe

    expected = getattr(score(docs), table)
    frame = dd.from_pandas(docs, npartitions=4)
    got = score_dataframe(frame, table=table).compute().reset_index(drop=True)
    if table == "lab_frames":  # per-partition groups come back in partition order
        got = got.sort_values(["doc_id", "lab", "theme"]).reset_index(drop=True)
        expected = expected.sort_values(["doc_id", "lab", "theme"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    assert len(got) > 0


@pytest.fixture(scope="module")
def dask_client():
    from dask.distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with Client(cluster) as client:
            assert len(client.scheduler_info()["workers"]) == 2
            yield client


def test_dask_refuses_a_missing_column(docs):
    import dask.dataframe as dd

    from openness.core.dask import score_dataframe

    with pytest.raises(ValueError, match="body"):
        score_dataframe(dd.from_pandas(docs, npartitions=2), text="body")


@pytest.mark.parametrize("unit", ["document", "sentence"])
def test_two_processes_write_the_same_bytes(docs, tmp_path, unit):
    source = tmp_path / "docs.csv"
    docs.to_csv(source, index=False)
    outputs = []
    for n_jobs in (1, 2):
        out = tmp_path / f"{unit}-{n_jobs}.csv"
        evidence = tmp_path / f"{unit}-{n_jobs}-evidence.csv"
        score_to_csv(source, out, id="doc_id", unit=unit, evidence=evidence, chunksize=7, n_jobs=n_jobs, progress=False)
        outputs.append((out.read_bytes(), evidence.read_bytes()))
    assert outputs[0] == outputs[1]
    rows = outputs[0][0].count(b"\n") - 1
    assert rows == len(docs) if unit == "document" else rows > len(docs)


def test_a_worker_that_dies_is_an_error_not_a_hang():
    import multiprocessing
    import os

    from openness.core.streaming import _next_result

    context = multiprocessing.get_context("fork")
    results = context.Queue()
    worker = context.Process(target=os._exit, args=(9,))
    worker.start()
    worker.join()
    with pytest.raises(RuntimeError, match="exit code 9"):
        _next_result(results, worker)
