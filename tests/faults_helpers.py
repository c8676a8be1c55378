"""Faults of the file system, injected for the tests of tests/cli/test_faults.py.

A fault concerns the files and folders under one folder and is injected by patching `os`:
in the test's own process with `inject` (undone by the monkeypatch), or in a subprocess
started with `fault_env`, whose sitecustomize (tests/fault_site) reads ISBENEFIT_TEST_FAULT.
Batch workers forked from either inherit the patch.

- ``enospc``: os.write of a file under the folder fails with ENOSPC ("No space left on
  device") once ``after`` files there have been written whole, as on a full disk.
- ``readonly``: creating a file (os.open with O_CREAT, builtins.open for writing) or a
  folder (os.mkdir) under the folder fails with EROFS, as on a read-only mount.
- ``hang``: os.write of a file under the folder blocks for ten minutes, so that a signal
  can be sent to a run while it writes.
"""

from __future__ import annotations

import builtins
import errno
import os
import time
from pathlib import Path
from typing import Any

ENV = "ISBENEFIT_TEST_FAULT"
SITE = Path(__file__).resolve().parent / "fault_site"


def fault_env(kind: str, folder: Path, after: int = 0) -> dict[str, str]:
    """Environment of a subprocess that injects the fault (``kind`` as in the docstring)."""
    path = os.pathsep.join(filter(None, [str(SITE), os.environ.get("PYTHONPATH")]))
    return {**os.environ, ENV: f"{kind}:{after}:{folder}", "PYTHONPATH": path}


def install_from_env() -> None:
    """Inject the fault ISBENEFIT_TEST_FAULT names, for the rest of this process."""
    spec = os.environ.get(ENV)
    if spec:
        kind, after, folder = spec.split(":", 2)
        for name, value in patched(kind, Path(folder), int(after)).items():
            setattr(_owner(name), name.rsplit(".", 1)[-1], value)


def inject(monkeypatch: Any, kind: str, folder: Path, after: int = 0) -> None:
    """Inject the fault in this process until the test ends."""
    for name, value in patched(kind, folder, after).items():
        monkeypatch.setattr(_owner(name), name.rsplit(".", 1)[-1], value)


def _owner(name: str) -> Any:
    return builtins if name.startswith("builtins.") else os


def patched(kind: str, folder: Path, after: int = 0) -> dict[str, Any]:
    """The replacements of `os` (and `builtins`) functions that make the fault."""
    fault = _Fault(kind, folder.resolve(), after)
    if kind in ("enospc", "hang"):
        return {"write": fault.write}
    if kind == "readonly":
        return {"open": fault.open, "mkdir": fault.mkdir, "builtins.open": fault.builtin_open}
    raise ValueError(f"unknown fault {kind!r}")


class _Fault:
    def __init__(self, kind: str, folder: Path, after: int) -> None:
        self.kind, self.folder, self.after = kind, folder, after
        self.real_write, self.real_open, self.real_mkdir = os.write, os.open, os.mkdir
        self.real_builtin_open = builtins.open
        self.written: set[str] = set()

    def under(self, path: Any) -> bool:
        try:
            resolved = Path(os.fsdecode(path)).resolve()
        except (TypeError, ValueError, OSError):
            return False
        return resolved == self.folder or self.folder in resolved.parents

    def refused(self, path: Any) -> OSError:
        return OSError(errno.EROFS, os.strerror(errno.EROFS), os.fsdecode(path))

    def write(self, fd: int, data: Any) -> int:
        try:
            path = str(Path(f"/proc/self/fd/{fd}").readlink())
        except OSError:
            path = ""
        if path and self.under(path):
            if self.kind == "hang":
                time.sleep(600)
            if path not in self.written and len(self.written) >= self.after:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            self.written.add(path)
        return self.real_write(fd, data)

    def open(self, path: Any, flags: int, mode: int = 0o777, *args: Any, **kwargs: Any) -> int:
        if flags & os.O_CREAT and self.under(path):
            raise self.refused(path)
        return self.real_open(path, flags, mode, *args, **kwargs)

    def mkdir(self, path: Any, mode: int = 0o777, *args: Any, **kwargs: Any) -> None:
        if self.under(path) and not Path(os.fsdecode(path)).is_dir():
            raise self.refused(path)
        self.real_mkdir(path, mode, *args, **kwargs)

    def builtin_open(self, file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        writing = isinstance(file, str | bytes | os.PathLike) and set(mode) & set("wax+")
        if writing and self.under(file):
            raise self.refused(file)
        return self.real_builtin_open(file, mode, *args, **kwargs)
