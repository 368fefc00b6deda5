"""The Azure clouds a scan can target: one vocabulary for the command line, the config file,
authentication (scanner/auth.py: endpoints per cloud) and the retirement calendar (dates per cloud).
The enum lives in the model's vocabulary (reports read it too); this module names it for the stages."""

from __future__ import annotations

from scanner.model.vocabulary import CLOUD_NAMES, Cloud

__all__ = ["CLOUD_NAMES", "Cloud"]
