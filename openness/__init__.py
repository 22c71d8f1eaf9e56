"""openness: score how texts about AI labs frame transparency, safety and control.

    import openness
    corpus = openness.read_corpus("my_articles.csv", text="body", id="url")
    scores = openness.score(corpus)
    openness.with_model_stance(scores)  # the stance model's stance, as `openness score` gives it
    scores.documents, scores.sentences, scores.evidence, scores.explain(doc_id)
    scores.explore()          # in JupyterLab: counts, sentences and their evidence, linked
"""
from .core.corpus import Corpus, read_corpus
from .core.labs import load_labs
from .core.rubric import load_rubric
from .core.scoring import Scores, score
from .core.streaming import score_iter
from .present.notebook import notebook_setup


def explore(scores: Scores, **options):
    """An interactive explorer of `scores` in JupyterLab (`openness.present.explore.explore`);
    imported on first use, since widgets and statistics would slow every `import openness`."""
    from .present.explore import explore as explorer

    return explorer(scores, **options)


def with_model_stance(scores: Scores, model=None) -> Scores:
    """`scores` with the stance model's `stance`, as `openness score` gives it by default
    (`openness.core.stance_model.with_model_stance`); imported on first use, as the explorer is."""
    from .core.stance_model import with_model_stance as model_stance

    return model_stance(scores, model)


# The explorer lives in the presentation layer, which the core may not import: the facade,
# which sees every layer, gives Scores its `explore` method.
Scores.explore = explore

__all__ = ["Corpus", "Scores", "explore", "load_labs", "load_rubric", "notebook_setup", "read_corpus", "score", "score_iter",
           "with_model_stance"]
