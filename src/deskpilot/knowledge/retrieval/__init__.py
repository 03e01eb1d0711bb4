"""Multilingual retrieval: the app's own tokens, heading-aware chunks, lexical full-text search,
exact vector search and reciprocal-rank fusion of the two."""
