"""Presentation: findings -> people. Charts (and the manifest of every figure saved), the
notebooks' findings sentences, the notebook set-up and the report page. Imports any layer
below, never the CLI."""
