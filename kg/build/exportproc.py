"""The exports of an on-disk build, written by a second process while the build loads and validates its store.

The mapping serialises every part of the graph as N-Quads text to a file (``raw.nq``) as it goes;
an ``ExportProcess`` (``python -m kg.build.exportproc``, a new interpreter: it shares neither memory
nor the store with the build) sorts those lines into ``graph.nq``, ``graph.trig`` and ``graph.ttl``
(``kg.rdf.dump.write_exports_from_lines``) while the build bulk-loads and validates the store: the
two use both cores, and the store is never dumped. The build tells it how far the file is complete
by writing byte offsets (one per line) to its standard input, then ``end``; the process answers one
line of JSON on its standard output. Closing its input without ``end`` (the build failed or was
interrupted) makes it stop without an answer; the build removes its temporary files either way.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

from kg.errors import ExportError
from kg.signals import hold, release, unblock

# -P: the current folder stays off its sys.path (a kg/ folder there is not this kg). (Tests replace it.)
COMMAND = (sys.executable, "-P", "-m", "kg.build.exportproc")
_END = "end"
_STOPPED = "the build stopped before the end of its graph"
MEMORY = 128 << 20  # bytes of lines sorted in memory at once (the build itself holds the corpus and the store)
READ_BYTES = 16 << 20  # the raw file is read in blocks of at most this many bytes


class ExportProcess:
    """A running export process (see the module's docstring): ``written(offset)``, ``finish()``, ``result()``,
    ``stop()``."""

    def __init__(
        self, raw: Path, targets: dict[str, Path], work: Path, *, skip_graph: str, large_graphs: Sequence[str]
    ):
        job = {
            "raw": os.fspath(raw),
            "targets": {key: os.fspath(path) for key, path in targets.items()},
            "work": os.fspath(work),
            "skip_graph": skip_graph,
            "large_graphs": list(large_graphs),
        }
        # Ctrl-C and SIGTERM wait until the process is started and known here, so that stop() can end it.
        # (A thread of the store may still take the signal and Python raise it inside Popen: the process,
        # unknown here, then finds its input closed before any offset and leaves without writing.)
        held = hold()
        try:
            self._proc = subprocess.Popen(  # noqa: S603 - our own module, run by this interpreter
                [*COMMAND, json.dumps(job)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        except BaseException:
            release(held)
            raise
        self._done = False
        try:
            release(held)  # (a signal held meanwhile is raised here)
        except BaseException:
            self.stop()
            raise

    def written(self, offset: int) -> None:
        """The raw file is complete (whole lines) up to byte ``offset``."""
        if self._proc.stdin is None:
            raise ValueError("the export process was told the file is complete")
        try:
            self._proc.stdin.write(f"{offset}\n")  # type: ignore[union-attr]
            self._proc.stdin.flush()  # type: ignore[union-attr]
        except OSError:  # (the process is gone: result() says why)
            pass

    def finish(self) -> None:
        """The raw file is complete: the process can finish the exports."""
        stdin, self._proc.stdin = self._proc.stdin, None  # (communicate() then leaves it alone)
        try:
            stdin.write(f"{_END}\n")  # type: ignore[union-attr]
            stdin.close()  # type: ignore[union-attr]
        except OSError:  # (the process is gone: result() says why)
            pass

    def result(self) -> tuple[int, dict[str, dict[str, object]]]:
        """Wait for the process; return (the quads written, each export's file record) or raise its error."""
        if self._proc.stdin is not None:
            self.finish()
        out, err = self._proc.communicate()
        self._done = True
        try:
            answer = json.loads(out)
        except ValueError:
            last = (err.strip().splitlines() or [f"exit status {self._proc.returncode}"])[-1]
            raise ExportError(f"the process writing the exports failed: {last}") from None
        if "error" in answer:
            raise ExportError(answer["error"])
        return answer["quads"], answer["outputs"]

    def stop(self) -> None:
        """Kill the process if it still runs (after a failure or an interrupt)."""
        if self._done:
            return
        self._done = True
        try:
            self._proc.kill()
            self._proc.communicate()
        except OSError:
            pass


def _lines(raw: Path, control: IO[str]) -> Iterator[bytes]:
    """The lines of ``raw`` as ``control`` announces them; ``ExportError`` if it closes without ``end``."""
    rest = b""  # (the build announces whole lines; a line cut by a block waits for the next one)
    with open(raw, "rb") as handle:
        for message in control:
            if message.strip() == _END:
                if rest:
                    yield rest + b"\n"
                return
            end = int(message)
            while handle.tell() < end:  # (in blocks: an offset may be far ahead)
                data = rest + handle.read(min(READ_BYTES, end - handle.tell()))
                cut = data.rfind(b"\n") + 1
                rest = data[cut:]
                yield from data[:cut].splitlines(keepends=True)
    raise ExportError(_STOPPED)


def run(job: dict[str, object], control: IO[str]) -> dict[str, object]:
    """Write the exports ``job`` names from its raw file as ``control`` announces it; return the answer."""
    from kg.rdf.dump import write_exports_from_lines
    from kg.store.files import EXPORT_NAMES, _file_info, fsync_file

    targets = {key: Path(path) for key, path in job["targets"].items()}  # type: ignore[union-attr]
    first = control.readline()  # nothing is created before the build says it goes on: a process it lost
    if not first:  # (interrupted inside Popen, which then closes the pipes) ends here and leaves no file
        return {"error": _STOPPED}
    try:
        quads = write_exports_from_lines(
            _lines(Path(job["raw"]), itertools.chain([first], control)),  # type: ignore[arg-type]
            targets["nq"], targets.get("trig"), targets.get("ttl"), skip_graph=job["skip_graph"],  # type: ignore[arg-type]
            work=Path(job["work"]), large_graphs=job["large_graphs"], memory=MEMORY,  # type: ignore[arg-type]
        )  # fmt: skip
        for path in targets.values():
            fsync_file(path)  # (here, while the build validates: its own fsync on publishing is then quick)
        return {"quads": quads, "outputs": {key: _file_info(path, EXPORT_NAMES[key]) for key, path in targets.items()}}
    except ExportError as exc:
        return {"error": str(exc)}
    except OSError as exc:
        return {"error": f"{exc.filename or 'export'}: cannot write: {exc.strerror or exc}"}


def main(argv: Sequence[str] | None = None) -> int:  # pragma: no cover - runs in the export process
    """``python -m kg.build.exportproc JOB``: run the job (JSON), answer on standard output."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends it at once; the build reports the interrupt
    unblock()  # (started while the build held them: see ExportProcess)
    args = sys.argv[1:] if argv is None else argv
    answer = run(json.loads(args[0]), sys.stdin)
    sys.stdout.write(json.dumps(answer) + "\n")
    return 0 if "error" not in answer else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
