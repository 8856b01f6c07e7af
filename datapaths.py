"""Where Followthrough's files live, in one place that both the ETL and the dashboard import.

It imports nothing of either, so the dashboard learns the published file's path without loading
the ETL, and a new location is set here once.
"""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent
DOTENV = PROJECT_ROOT / ".env"


def published_path() -> Path:
    """The file the dashboard reads; FOLLOWTHROUGH_DB overrides."""
    return Path(os.environ.get("FOLLOWTHROUGH_DB") or PROJECT_ROOT / "data" / "followthrough.duckdb")


def warehouse_path() -> Path:
    """The raw store; FOLLOWTHROUGH_WAREHOUSE overrides, else beside the published file."""
    explicit = os.environ.get("FOLLOWTHROUGH_WAREHOUSE")
    return Path(explicit) if explicit else published_path().with_name("warehouse.duckdb")


def default_config_path() -> Path:
    """The configuration when neither --config nor FOLLOWTHROUGH_CONFIG names one."""
    return PROJECT_ROOT / "followthrough.toml"
