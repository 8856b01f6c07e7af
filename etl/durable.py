"""What publishing and exporting need to replace files safely: a write made durable before the
rename that publishes it, and whether the process that left a half-written file behind still runs."""
from __future__ import annotations

import os
from pathlib import Path


def fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
