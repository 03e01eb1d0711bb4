"""The knowledge base: categories, versioned articles, imports, and the search index."""
