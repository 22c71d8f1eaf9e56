"""Source parsers: one module per raw source, each returning tidy tables."""
