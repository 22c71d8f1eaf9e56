"""openness: score how texts about AI labs frame transparency, safety and control.

    import openness
    corpus = openness.read_corpus("my_articles.csv", text="body", id="url")
    scores = openness.score(corpus)
    scores.documents, scores.sentences, scores.evidence, scores.explain(doc_id)
"""
from .core.corpus import Corpus, read_corpus
from .core.labs import load_labs
from .core.rubric import load_rubric
from .core.scoring import Scores, score
from .core.streaming import score_iter
from .present.notebook import notebook_setup

__all__ = ["Corpus", "Scores", "load_labs", "load_rubric", "notebook_setup", "read_corpus", "score", "score_iter"]
