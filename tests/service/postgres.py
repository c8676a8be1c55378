"""A throwaway PostgreSQL server for the service tests and the benchmark.

``initdb`` into a new temporary directory, ``pg_ctl start`` listening only on a unix
socket in the same directory (no TCP port), trust authentication for the ``postgres``
role; stopped (fast) and removed on leaving, also after a failure. PostgreSQL refuses to
run as root, so as root (CI) the server runs as the ``postgres`` system user Debian's
package makes (``runuser -u postgres --``), owning the temporary directory.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Speed over durability: a test server that is thrown away.
FAST = "-F -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"


def binaries() -> Path | None:
    """The folder of initdb and pg_ctl (the newest Debian version, else the PATH's)."""
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    found = shutil.which("initdb")
    return Path(found).parent if found else None


@contextmanager
def throwaway_server(database: str = "isbenefit") -> Iterator[str]:
    """A running server; yields its URL ``postgresql://postgres@/NAME?host=SOCKET_FOLDER``."""
    folder_bin = binaries()
    if folder_bin is None:
        raise RuntimeError("PostgreSQL is not installed (Debian: apt-get install postgresql)")
    folder = Path(tempfile.mkdtemp(prefix="isbenefit-pg-"))
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    if as_root:
        shutil.chown(folder, "postgres", "postgres")
    data = folder / "data"

    def run(*command: str) -> None:
        result = subprocess.run(
            [*prefix, *command], capture_output=True, text=True, timeout=120, check=False
        )
        if result.returncode:
            log = folder / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{command[0]} failed: {result.stdout}{result.stderr}{tail}")

    try:
        run(
            str(folder_bin / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        # No TCP port: the server listens only on a Unix socket in its own folder, so no
        # port is picked and released before the server binds it.
        options = f"-k {folder} -c listen_addresses='' {FAST}"
        pg_ctl = str(folder_bin / "pg_ctl")
        run(pg_ctl, "-D", str(data), "-l", str(folder / "server.log"), "-w", "-o", options, "start")
        try:
            yield f"postgresql://postgres@/{database}?host={folder}"
        finally:
            run(pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
