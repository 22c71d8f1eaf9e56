"""openness: score how texts about AI labs frame transparency, safety and control.

    import openness
    corpus = openness.read_corpus("my_articles.csv", text="body", id="url")
    scores = openness.score(corpus)
    scores.documents, scores.sentences, scores.evidence, scores.explain(doc_id)
"""
from .corpus import Corpus, read_corpus
from .labs import load_labs
from .notebook import notebook_setup
from .rubric import load_rubric
from .scoring import Scores, score
from .streaming import score_iter

__all__ = ["Corpus", "Scores", "load_labs", "load_rubric", "notebook_setup", "read_corpus", "score", "score_iter"]
