"""The output folder of a build: never a folder of the user's own files, unless asked (``--force``).

A build writes graph.trig, graph.ttl, graph.nq, graph.html and build.json into its output folder,
replacing files of those names. A folder is safe to write into when it does not exist, holds a
previous build (its ``build.json``), or holds nothing but kg's own working folders (the
extraction cache of a build that stopped before its record was written) and hidden files (such as
``.gitkeep``). Anything else is refused, naming the files a build would replace.
"""

from __future__ import annotations

import os
from pathlib import Path

from kg.errors import InputError
from kg.ingest import display_path
from kg.store.files import BUILD_RECORD, EXPORT_NAMES

__all__ = ["check_out_folder"]

KG_FOLDERS = ("cache", "shards", "store", "work")  # what a build keeps or leaves in its folder besides the outputs
_SHOWN = 5  # entries named in the message at most


def check_out_folder(out: str | Path, *, force: bool = False) -> None:
    """Raise ``InputError`` if ``out`` is a non-empty folder that is not a kg build (unless ``force``)."""
    folder = Path(out)
    if force or not folder.is_dir() or (folder / BUILD_RECORD).exists():
        return
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return  # the build itself reports an unreadable folder
    foreign = [name for name in names if not name.startswith(".") and name not in KG_FOLDERS]
    if not foreign:
        return
    outputs = {*EXPORT_NAMES.values(), BUILD_RECORD}
    replaced = [name for name in foreign if name in outputs]
    if replaced:
        problem = f"it holds {_listed(replaced)}, which a build would replace"
    else:
        problem = f"it holds {_listed(foreign)}"
    raise InputError(
        f"{display_path(folder)}: not a kg build folder (no {BUILD_RECORD}) and {problem}; "
        "choose an empty or new folder, or pass --force to write there anyway"
    )


def _listed(names: list[str]) -> str:
    more = f" and {len(names) - _SHOWN} more" if len(names) > _SHOWN else ""
    return ", ".join(names[:_SHOWN]) + more
