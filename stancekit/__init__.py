"""stancekit: news articles to a sentence-level stance-and-entity dataset."""

__version__ = "0.1.0"
