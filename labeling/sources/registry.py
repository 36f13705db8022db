"""The importers by format name, and what the dataset card says of each source."""

from __future__ import annotations

from stancekit.labeling.sources import current_events, state_department, wikinews
from stancekit.labeling.sources.documents import Reader

_MODULES = {"wikinews": wikinews, "current-events": current_events,
            "state-department": state_department}
READERS: dict[str, Reader] = {name: module.read for name, module in _MODULES.items()}
ATTRIBUTIONS: dict[str, str] = {m.SOURCE: m.ATTRIBUTION for m in _MODULES.values()}
FORMATS: dict[str, str] = {m.SOURCE: name for name, m in _MODULES.items()}
