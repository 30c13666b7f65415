"""Atomic files and folders: every output kg writes, all or nothing.

Every output kg writes goes to a temporary file in the target's folder first, is fsync'ed, and
then ``os.replace``d onto the target, so readers see either the old file or the new one, never
half of one. ``atomic_outputs`` (a build's exports) renders all files to temporary files before
renaming any of them, so a failed, interrupted (Ctrl-C, SIGTERM) or killed (SIGKILL) build leaves the previous
exports as they were. The renames themselves take microseconds and run with SIGINT/SIGTERM held;
``build.json`` (the build record, with the SHA-256 of every export) is renamed last, so a record
that matches the files proves they come from one build.

Temporary files are named ``.{target}.{pid}.{random}.tmp``. An interrupted write removes its own;
the ones a killed process leaves behind are removed by the next write into the same folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path

from kg.errors import ExportError
from kg.signals import ignored

EXPORT_NAMES = {"trig": "graph.trig", "ttl": "graph.ttl", "nq": "graph.nq", "html": "graph.html"}
BUILD_RECORD = "build.json"
_TEMP_NAME = re.compile(r"^\.(?P<target>.+)\.(?P<pid>\d+)\.[0-9a-f]{8}\.tmp$")


def _temp_path(target: Path) -> Path:
    """Create (exclusively) an empty temp file next to ``target`` and return its path."""
    for _ in range(100):
        candidate = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        except OSError as exc:
            raise ExportError(f"{target}: cannot write: {exc.strerror or exc}") from None
        os.close(fd)
        return candidate
    raise ExportError(f"{target}: cannot create a temporary file")  # pragma: no cover


def fsync_file(path: Path) -> None:
    """Flush file ``path`` to disk (``atomic_outputs`` does it on exit; an early call overlaps it with other work)."""
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def _remove_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def remove_stale_temps(folder: str | Path, targets: set[str] | None = None) -> list[Path]:
    """Remove temp files in ``folder`` left by killed kg processes (their pid is gone); return them.

    Only names of the form ``.{target}.{pid}.{8 hex}.tmp`` are touched (and only for ``targets``,
    when given); temp files of live processes, including this one, are left alone.
    """
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMP_NAME.match(entry.name)
        target = match.group("target") if match else ""
        if not match or (targets is not None and not any(target == t or target.startswith(f".{t}.") for t in targets)):
            continue  # (a temp of a temp, ``..graph.html.1.ab12cd34.tmp.1.ef56ab78.tmp``, belongs to graph.html)
        pid = int(match.group("pid"))
        if pid != os.getpid() and not _alive(pid):
            if entry.is_file(follow_symlinks=False):
                _remove_quietly(Path(entry.path))
                removed.append(Path(entry.path))
            elif entry.is_dir(follow_symlinks=False):  # a temporary store or sort folder
                shutil.rmtree(entry.path, ignore_errors=True)
                removed.append(Path(entry.path))
    return removed


def _own_temps(target: Path) -> list[Path]:
    """This process's temp files for ``target`` (also one created but not yet handed out)."""
    prefix = f".{target.name}.{os.getpid()}."
    try:
        return [target.parent / n for n in os.listdir(target.parent) if n.startswith(prefix) and n.endswith(".tmp")]
    except OSError:
        return []


@contextlib.contextmanager
def atomic_outputs(targets: Mapping[str, str | Path]) -> Iterator[dict[str, Path]]:
    """Yield temp paths for several targets; on success replace all targets, else remove the temps.

    The temp files live in each target's folder. Nothing is renamed until the ``with`` body
    has finished without an exception (KeyboardInterrupt included).
    """
    temps: dict[str, Path] = {}
    folders: dict[Path, set[str]] = {}
    for target in targets.values():
        folders.setdefault(Path(target).parent, set()).add(Path(target).name)
    try:
        for folder, names in folders.items():
            remove_stale_temps(folder, names)
        for key, target in targets.items():
            temps[key] = _temp_path(Path(target))
        yield dict(temps)
        for temp in temps.values():
            fsync_file(temp)
        with ignored():
            for key, temp in temps.items():
                os.replace(temp, targets[key])
        for folder in folders:
            _fsync_dir(folder)
    except OSError as exc:
        raise ExportError(f"{exc.filename or 'output'}: cannot write: {exc.strerror or exc}") from None
    finally:
        with ignored():
            for target in targets.values():
                for temp in _own_temps(Path(target)):
                    _remove_quietly(temp)


@contextlib.contextmanager
def atomic_output(path: str | Path) -> Iterator[Path]:
    """Yield a temp path next to ``path``; it replaces ``path`` only if the body succeeds."""
    with atomic_outputs({"out": path}) as temps:
        yield temps["out"]


def temp_folder(target: str | Path, registry: list[Path] | None = None) -> Path:
    """Create an empty temporary folder ``.{name}.{pid}.{random}.tmp`` beside ``target``; return it.

    Folders of this form left by killed processes are removed (as temp files are). With a
    ``registry`` the folder is appended to it before it is made, so an interrupt cannot land between
    creating the folder and recording it for clean-up (a recorded folder that was never made is
    simply not there to remove).
    """
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"{target.parent}: cannot create the folder: {exc.strerror or exc}") from None
    remove_stale_temps(target.parent, {target.name})
    for _ in range(100):
        candidate = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        if registry is not None:  # recorded first: an interrupt at any moment leaves nothing unrecorded
            registry.append(candidate)
        try:
            candidate.mkdir()
        except FileExistsError:  # (a name of this process's own: never another's folder)
            if registry is not None:
                registry.remove(candidate)
            continue
        except OSError as exc:
            raise ExportError(f"{target}: cannot write: {exc.strerror or exc}") from None
        return candidate
    raise ExportError(f"{target}: cannot create a temporary folder")  # pragma: no cover


def remove_folder(path: str | Path) -> None:
    """Remove a (temporary) folder and everything in it, with Ctrl-C held; errors are ignored."""
    with ignored():
        shutil.rmtree(path, ignore_errors=True)


def replace_folder(temp: str | Path, target: str | Path) -> None:
    """Put the finished folder ``temp`` in place of ``target`` (the old one is removed).

    The old folder is first renamed aside, then ``temp`` renamed onto ``target``: readers see the
    old folder or the new one (and, for microseconds, none).
    """
    temp, target = Path(temp), Path(target)
    try:
        with ignored():
            old = None
            if target.exists() or target.is_symlink():
                old = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
                os.replace(target, old)
            os.replace(temp, target)
            _fsync_dir(target.parent)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True) if old.is_dir() else _remove_quietly(old)
    except OSError as exc:
        raise ExportError(f"{target}: cannot replace: {exc.strerror or exc}") from None


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_output(path) as temp:
        temp.write_bytes(data)


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write ``text`` (UTF-8, newlines as given) to ``path`` atomically."""
    atomic_write_bytes(path, text.encode("utf-8"))


def _file_info(path: Path, name: str) -> dict[str, object]:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return {"file": name, "bytes": path.stat().st_size, "sha256": digest.hexdigest()}
