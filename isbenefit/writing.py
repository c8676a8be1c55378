"""One atomic writer for every output file: readers see the old file or the whole new one.

A file is written beside its target under a hidden temporary name and renamed into place;
a set of files (`write_files_atomic`) is written into a hidden temporary folder first, so a
failure leaves none of the new ones. Temporaries in flight are remembered, so that a process
stopped by a signal can remove them before it exits (`remove_temporaries`: the command line
and the batch workers do). A write refused by the system (no permission, read-only file
system, disk full or over quota) is a :class:`~isbenefit.errors.WriteError` naming the path.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import threading
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from types import FrameType

from isbenefit.errors import WriteError

ELSEWHERE = "choose another place to write it"
# Temporary files and folders being written now. Only set.add/discard/copy touch it, each
# atomic, and no lock: a signal handler reads it on the thread it interrupted.
_PENDING: set[Path] = set()
_HELD_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def write_atomic(path: Path, data: bytes | Iterable[bytes], elsewhere: str = ELSEWHERE) -> None:
    """Write ``data`` beside ``path`` under a unique name, then rename it into place.

    ``data`` may come in pieces (an iterable of bytes, such as a large results JSON made
    block by block), written as they come.

    The file is created with mode 0666 less the process umask, as any file a user's
    tools write (the kernel applies the umask; nothing process-wide is changed).
    ``elsewhere`` ends the fix of a :class:`WriteError`.
    """
    make_folder(path.parent, elsewhere)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    _PENDING.add(temporary)
    try:
        _write_file(temporary, data)
        temporary.replace(path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        if WriteError.covers(error):
            raise WriteError.of(path, error, elsewhere) from error
        raise
    finally:
        _PENDING.discard(temporary)


def write_files_atomic(
    folder: Path,
    files: Mapping[str, bytes],
    elsewhere: str = ELSEWHERE,
    set_members: Iterable[str] = (),
) -> list[Path]:
    """Write ``files`` (name -> bytes) into ``folder`` as a set: all of them or none.

    They are written into a hidden temporary folder inside ``folder`` and renamed into
    place only once every one is complete, with SIGINT and SIGTERM held for the renames;
    a failure (a full disk, say) leaves the folder as it was. ``set_members`` names the
    files that belong to the set when present (an optional table): one this write does
    not give is removed with the renames, so no earlier run's file stays beside the set.
    """
    make_folder(folder, elsewhere)
    staging = folder / f".isbenefit-{secrets.token_hex(6)}.tmp"
    _PENDING.add(staging)
    targets = [folder / name for name in files]
    current = folder
    try:
        staging.mkdir()
        for target, data in zip(targets, files.values(), strict=True):
            current = target
            _write_file(staging / target.name, data)
        current = folder
        with _signals_held():
            for target in targets:
                (staging / target.name).replace(target)
            for name in set(set_members) - set(files):
                (folder / name).unlink(missing_ok=True)
            staging.rmdir()
    except BaseException as error:
        shutil.rmtree(staging, ignore_errors=True)
        if WriteError.covers(error):
            raise WriteError.of(current, error, elsewhere, folder) from error
        raise
    finally:
        _PENDING.discard(staging)
    return targets


def make_folder(folder: Path, elsewhere: str = ELSEWHERE) -> None:
    """Create ``folder`` and its parents when missing; a refusal is a WriteError."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        if WriteError.covers(error):
            raise WriteError.of(folder, error, elsewhere, _existing_parent(folder)) from error
        raise


def temporaries_of(path: Path) -> list[Path]:
    """The temporary files `write_atomic` may have left for ``path`` (a killed writer)."""
    return sorted(path.parent.glob(f".{path.name}.*.tmp"))


def remove_temporaries() -> None:
    """Remove every temporary file and folder this process is writing now.

    For a process about to exit on a signal, without unwinding: safe to call from a
    signal handler (no lock is taken).
    """
    for temporary in set(_PENDING):
        if temporary.is_dir():
            shutil.rmtree(temporary, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)


def _write_file(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Create ``path`` (it must not exist) and write all of ``data`` with os.write."""
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        for piece in [data] if isinstance(data, bytes) else data:
            view = memoryview(piece)
            while view:
                view = view[os.write(handle, view) :]
    finally:
        os.close(handle)


def _existing_parent(folder: Path) -> Path:
    """The nearest folder above ``folder`` that exists: the one that refused a mkdir."""
    for parent in folder.parents:
        if parent.is_dir():
            return parent
    return folder


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM wait until the block ends, then are delivered as they would have.

    Only the main thread can change signal handlers; elsewhere the block runs as it is.
    """
    if threading.current_thread() is not threading.main_thread() or None in map(
        signal.getsignal, _HELD_SIGNALS
    ):  # not the main thread, or a handler not set from Python, which could not be restored
        yield
        return
    received: list[int] = []

    def hold(signum: int, _frame: FrameType | None) -> None:
        received.append(signum)

    before = {signum: signal.signal(signum, hold) for signum in _HELD_SIGNALS}
    try:
        yield
    finally:
        for held, handler in before.items():
            signal.signal(held, handler or signal.SIG_DFL)
        for signum in dict.fromkeys(received):
            signal.raise_signal(signum)
