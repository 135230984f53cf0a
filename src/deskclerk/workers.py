"""Worker processes: how to start one from wherever we are."""

from __future__ import annotations

import sys
import threading


def start_method() -> str:
    """fork on Linux when this process runs no other thread (cheap, shares its
    imports), else spawn (macOS's system libraries are not safe to fork)."""
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return "fork"
    return "spawn"
