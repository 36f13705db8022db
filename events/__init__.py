"""Canonical actors for entity mentions and a dyadic events table, as event coders make them."""

from stancekit.events.coverage import coverage
from stancekit.events.dictionary import Actors, load_actors
from stancekit.events.normalise import Actor, normalise
from stancekit.events.table import events_table, record_events

__all__ = ["Actor", "Actors", "coverage", "events_table", "load_actors", "normalise",
           "record_events"]
