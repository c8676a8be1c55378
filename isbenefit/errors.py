"""Errors isbenefit raises. Each names where the problem is and how to fix it.

Every class inherits a builtin and :class:`IsbenefitError`, so callers can catch
either. The CLI turns them into a message and a non-zero exit.
"""

from __future__ import annotations

import errno
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self, TypeGuard


class IsbenefitError(Exception):
    """Base class of every error isbenefit raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One problem in a user's file, located the way the user sees it.

    ``row`` is the row number as shown in a spreadsheet (the header is row 1),
    ``None`` when the problem concerns a whole sheet or column.
    """

    file: str
    message: str
    fix: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None

    def location(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        shown = f" (value: {self.value!r})" if self.value is not None else ""
        return f"{self.location()}: {self.message}{shown}. Fix: {self.fix}"


class InputError(ValueError, IsbenefitError):
    """One or more problems found in a user's input; nothing was computed or written."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(str(self))

    @classmethod
    def one(
        cls,
        file: str,
        message: str,
        fix: str,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: str | None = None,
    ) -> Self:
        """The error of a single problem, located as :class:`Problem` describes."""
        return cls([Problem(file, message, fix, sheet, row, column, value)])

    def __str__(self) -> str:
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the input:"
        return "\n".join([head, *(f"- {p}" for p in self.problems)])


class FactorSetError(InputError):
    """A factor-set folder that cannot be used as it is."""


class SettingsError(ValueError, IsbenefitError):
    """A setting (a command-line option or an API argument) outside its allowed range."""


class BrightwayError(RuntimeError, IsbenefitError):
    """Brightway could not build or compute the factor scores."""


class ClusterError(RuntimeError, IsbenefitError):
    """A Dask worker died while running part of the work (killed, out of memory), or the
    cluster lost that part; the message names the part and what to change."""


class ComputationError(ArithmeticError, IsbenefitError):
    """A computed figure is not finite: a factor or an input the checks did not catch."""


class WriteError(OSError, IsbenefitError):
    """A file or folder isbenefit had to write could not be: no permission, a read-only
    file system, a full disk or quota. Nothing partial is left behind; the message names
    the path and the fix.

    ``errno`` is that of the operating system's error (None for a database's own error).
    """

    def __init__(self, path: Path | str, reason: str, fix: str, code: int | None = None) -> None:
        super().__init__(code, reason, str(path))
        self.path = Path(path)
        self.reason = reason
        self.fix = fix

    def __reduce__(self) -> tuple[Any, ...]:  # batch workers send it back to their parent
        return (type(self), (self.path, self.reason, self.fix, self.errno))

    def __str__(self) -> str:
        return f"cannot write {self.path}: {self.reason}. Fix: {self.fix}"

    @staticmethod
    def covers(error: BaseException) -> TypeGuard[OSError]:
        """Whether ``error`` is a fault of where isbenefit writes, not of isbenefit."""
        return isinstance(error, OSError) and error.errno in WRITE_FAULTS

    @classmethod
    def of(
        cls, path: Path | str, error: OSError, elsewhere: str, folder: Path | str | None = None
    ) -> Self:
        """The error of writing ``path`` (in ``folder``, default its parent) that failed
        with ``error``; ``elsewhere`` is the other way out, e.g. "choose another
        --output"."""
        code = error.errno if error.errno is not None else 0
        reason, remedy = WRITE_FAULTS.get(code, (error.strerror or str(error), ""))
        remedy = remedy.format(folder=folder if folder is not None else Path(path).parent)
        return cls(path, reason, f"{remedy}, or {elsewhere}" if remedy else elsewhere, error.errno)


WRITE_FAULTS: dict[int, tuple[str, str]] = {
    errno.EACCES: ("permission denied", "make {folder} writable for you"),
    errno.EPERM: ("operation not permitted", "make {folder} writable for you"),
    errno.EROFS: ("the file system is read-only", ""),
    errno.ENOSPC: ("the disk is full", "free space on the disk holding {folder}"),
    errno.EDQUOT: ("your disk quota is used up", "free space within your quota"),
    errno.EFBIG: ("the file is too large for the file system", ""),
}
