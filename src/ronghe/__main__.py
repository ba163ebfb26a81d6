"""The `ronghe` console command: the project's manage command."""

from __future__ import annotations

import os
import resource
import sys

# The task worker's address-space limit (RLIMIT_AS), in MB: a file that makes a reader allocate
# gigabytes fails its task with MemoryError (the job is marked failed with a message) instead of
# taking the machine down. 0 switches it off; systemd's MemoryMax= is the second fence.
WORKER_MEMORY_MB = 2048


def limit_worker_memory(environ: dict[str, str] | os._Environ[str] = os.environ) -> int:
    """Apply RONGHE_WORKER_MEMORY_MB to this process as RLIMIT_AS; returns the limit in bytes (0: none)."""
    raw = environ.get("RONGHE_WORKER_MEMORY_MB", "").strip()
    try:
        megabytes = int(raw) if raw else WORKER_MEMORY_MB
    except ValueError:
        raise SystemExit(f"RONGHE_WORKER_MEMORY_MB must be an integer, got {raw!r}") from None
    if megabytes <= 0:
        return 0
    limit = megabytes * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    return limit


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ronghe.settings")
    if sys.argv[1:2] == ["db_worker"]:
        limit_worker_memory()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["ronghe", *sys.argv[1:]])


if __name__ == "__main__":
    main()
