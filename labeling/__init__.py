"""Labeling: corpus to sentences, Label Studio tasks and back to gold labels."""
