"""What every endpoint of one app shares: its settings, platform, metrics, document and scheduler."""

from __future__ import annotations

import attrs

from feedcore import Settings

from .admission import Admission
from .metrics import Metrics
from .runtime import PlatformHolder

__all__ = ["AppContext"]


@attrs.frozen
class AppContext:
    settings: Settings
    holder: PlatformHolder
    metrics: Metrics
    document: bytes
    """The OpenAPI document, encoded."""
    admission: Admission
