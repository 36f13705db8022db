"""Baselines: stance classifiers, an entity tagger and a dyad heuristic, with evaluation."""
