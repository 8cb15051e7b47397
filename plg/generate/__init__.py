"""Synthetic landing generator: ``python -m plg.generate --accounts N --seed S``.

Public API: ``generate(GenConfig(...)) -> dict[str, int]`` (rows per landed table).
"""

from plg.generate.config import GenConfig
from plg.generate.core import generate

__all__ = ["GenConfig", "generate"]
