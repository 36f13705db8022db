"""The real-news corpus: a seeded, stratified selection of imported documents and its gold."""
