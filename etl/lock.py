"""One ETL process at a time: the raw store allows a single writer, and two syncs would race."""
from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

from etl.errors import UserError
from etl.rawstore import make_folder


class EtlBusy(UserError):
    pass


@contextmanager
def etl_lock(warehouse: Path):
    """Hold an exclusive advisory lock beside the warehouse; the kernel drops it if we die."""
    lock_path = warehouse.with_name(warehouse.name + ".lock")
    make_folder(lock_path)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "another process"
            raise EtlBusy(f"another Followthrough ETL run (pid {holder}) is using {warehouse}; "
                          "wait for it to finish") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)
