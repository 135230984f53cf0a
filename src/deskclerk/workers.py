"""Worker processes: how to start one from wherever we are."""

from __future__ import annotations

import multiprocessing
import threading


def start_method() -> str:
    """fork when this process runs no other thread (cheap, shares its imports), else spawn."""
    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        return "fork"
    return "spawn"
