"""The core: a user's corpus -> scores with their evidence. Reads texts (readers: the file
formats; corpus: the keep/reject rules), splits sentences (text), matches cues and lab names
(matcher, rubric, labs) and scores (scoring, streaming, shards, dask), with strict YAML,
atomic writes (strict_yaml, io, outputs) and clean ends on Ctrl-C and SIGTERM (interrupts).
Imports only `openness.vocab` and `openness.paths` from outside this folder."""
