"""Importers of real, redistributable news sources, one module per source."""
