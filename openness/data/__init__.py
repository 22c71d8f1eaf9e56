"""The data pipeline: pinned sources -> the committed tables of data/processed. The registry
(data/sources.yaml: files, checksums, citations; fetching), one parser per source, the lab
reference and the build. Imports the core and the analysis, never presentation or the CLI."""
