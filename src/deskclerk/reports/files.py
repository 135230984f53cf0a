"""Writing report and export files: private (0600), whole or not at all."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from deskclerk.errors import DeskError


def explain(path: Path, exc: OSError) -> DeskError:
    """A failed write of `path` in plain words."""
    reason = (exc.strerror or str(exc)).lower()
    return DeskError(f"cannot write {path}: {reason}")


def temp_beside(path: Path) -> Path:
    """A new empty temporary file (0600) beside `path`, for a part of it; the caller removes it."""
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise DeskError(f"cannot write {path}: the folder {directory} does not exist")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=directory)
    except OSError as exc:
        raise explain(path, exc) from None
    try:
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)
    return Path(tmp_name)


class FileSet:
    """Several files written whole, then moved into place together (`export all`).

    `open` writes a temporary file (0600) beside its target, flushed and fsynced;
    nothing appears until `commit`, which runs only once every file is written;
    `discard` removes what was written.  On an error in `open` its file is removed.
    """

    def __init__(self) -> None:
        self._ready: list[tuple[Path, Path]] = []

    @contextmanager
    def open(self, path: Path | str, mode: str = "wb", **open_kwargs: object) -> Iterator[IO]:  # type: ignore[type-arg]
        path = Path(path).expanduser()
        tmp = temp_beside(path)
        try:
            with open(tmp, mode, **open_kwargs) as handle:  # type: ignore[call-overload]
                yield handle
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise explain(path, exc) from None
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        self._ready.append((tmp, path))

    def commit(self) -> None:
        """Move every written file into place."""
        while self._ready:
            tmp, path = self._ready[0]
            try:
                os.replace(tmp, path)
            except OSError as exc:
                self.discard()
                raise explain(path, exc) from None
            self._ready.pop(0)

    def discard(self) -> None:
        """Remove every written file not yet in place."""
        for tmp, _ in self._ready:
            tmp.unlink(missing_ok=True)
        self._ready.clear()


@contextmanager
def atomic_file(path: Path | str, mode: str = "wb", **open_kwargs: object) -> Iterator[IO]:  # type: ignore[type-arg]
    """Open a temporary file beside `path`; on success fsync it and move it into place.

    The file is created 0600.  On any error the temporary file is removed and the
    target is left as it was, so a failure never leaves half a file.
    """
    files = FileSet()
    try:
        with files.open(path, mode, **open_kwargs) as handle:
            yield handle
        files.commit()
    finally:
        files.discard()


def atomic_write_bytes(path: Path | str, data: bytes) -> Path:
    """Write `data` to `path` whole, 0600."""
    with atomic_file(path, "wb") as handle:
        handle.write(data)
    return Path(path)


def atomic_write_text(path: Path | str, text: str) -> Path:
    """Write `text` (UTF-8) to `path` whole, 0600."""
    return atomic_write_bytes(path, text.encode("utf-8"))
