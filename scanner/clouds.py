"""The Azure clouds a scan can target: one vocabulary for the command line, the config file,
authentication (scanner/auth.py: endpoints per cloud) and the retirement calendar (dates per cloud)."""

from __future__ import annotations

from enum import StrEnum


class Cloud(StrEnum):
    """An Azure cloud, by the name `--cloud` takes."""

    PUBLIC = "public"
    USGOV = "usgov"
    CHINA = "china"


#: The names, in the order help texts and error lines list them.
CLOUD_NAMES: tuple[str, ...] = tuple(cloud.value for cloud in Cloud)
