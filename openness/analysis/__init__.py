"""Analysis: tables -> findings. Group statistics and keyness, agreement with one bootstrap,
claims about openness, open-washing gaps, the supervised classifier, validation and the
small tables the notebooks show. Imports the core, never the data pipeline or presentation."""
