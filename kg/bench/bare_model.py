"""The bare spaCy model over a folder of texts: the baseline kg.bench compares ``kg build`` with.

    python kg/bench/bare_model.py DIR                       # the model and exclusions kg's extraction uses
    python kg/bench/bare_model.py DIR --model en_core_web_sm --exclude lemmatizer,attribute_ruler
    python kg/bench/bare_model.py DIR --processes 2         # two processes, each on half of the files

What it does is all a user would write to run the model: ``nlp = spacy.load(MODEL, exclude=UNUSED)``
and ``for doc in nlp.pipe(texts, batch_size=32): pass`` over the texts of the ``*.txt`` files below
DIR (not hidden, sorted, read as UTF-8, the `` date YYYY-MM-DD`` header line that kg reads off
removed). With ``--processes P`` the files are split into P shares of about the same number of
characters and each share is piped by its own process (forked from this one before spaCy is
imported, so each loads the model itself, as kg's worker processes do); nothing travels back
but a count. Prints one JSON line: documents, characters, processes, seconds (after start-up).

It imports nothing from kg unless --model or --exclude is left out (then it reads them from
``kg.extract.pipeline``), so that kg's own imports are not counted against the model.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import sys
import time

HEADER = re.compile(r"\s*date\s+\d{4}-\d{2}-\d{2}[ \t\n]?")
BATCH_SIZE = 32  # kg.extract.extract_documents' batch size


def text_files(folder: str) -> list[str]:
    """``*.txt`` files below ``folder``, not hidden, sorted (as ``kg build`` finds them)."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [os.path.join(root, f) for f in files if not f.startswith(".") and f.lower().endswith(".txt")]
    return sorted(found)


def read_text(path: str) -> str:
    with open(path, encoding="utf-8", errors="replace") as handle:
        text = handle.read()
    match = HEADER.match(text)
    return text[match.end() :] if match else text


def shares(paths: list[str], count: int) -> list[list[str]]:
    """``paths`` in ``count`` shares of about equal total size (largest files first, to the lightest share)."""
    buckets: list[list[str]] = [[] for _ in range(count)]
    loads = [0] * count
    for path in sorted(paths, key=lambda p: (-os.path.getsize(p), p)):
        lightest = loads.index(min(loads))
        buckets[lightest].append(path)
        loads[lightest] += os.path.getsize(path)
    return [sorted(b) for b in buckets if b]


def pipe_files(paths: list[str], model: str, exclude: list[str], batch_size: int) -> tuple[int, int]:
    """Load the model and pipe the files' texts through it; (documents, characters)."""
    import spacy

    nlp = spacy.load(model, exclude=exclude)
    texts = [read_text(p) for p in paths]
    documents = sum(1 for _ in nlp.pipe(texts, batch_size=batch_size))
    return documents, sum(len(t) for t in texts)


def _share_main(paths: list[str], model: str, exclude: list[str], batch_size: int, queue) -> None:  # noqa: ANN001
    queue.put(pipe_files(paths, model, exclude, batch_size))


def run(folder: str, model: str, exclude: list[str], processes: int = 1, batch_size: int = BATCH_SIZE) -> dict:
    """Pipe every text file of ``folder`` through the model on ``processes`` processes; the figures."""
    paths = text_files(folder)
    if not paths:
        raise SystemExit(f"bare_model: no .txt files below {folder}")
    started = time.perf_counter()
    if processes <= 1:
        documents, characters = pipe_files(paths, model, exclude, batch_size)
    else:
        context = multiprocessing.get_context("fork")  # this process has not imported spaCy: nothing to share
        queue = context.Queue()
        workers = [
            context.Process(target=_share_main, args=(share, model, exclude, batch_size, queue))
            for share in shares(paths, processes)
        ]
        for worker in workers:
            worker.start()
        results = [queue.get() for _ in workers]
        for worker in workers:
            worker.join()
            if worker.exitcode != 0:
                raise SystemExit(f"bare_model: a worker process failed (exit {worker.exitcode})")
        documents, characters = sum(r[0] for r in results), sum(r[1] for r in results)
    return {
        "documents": documents,
        "characters": characters,
        "processes": max(1, processes),
        "model": model,
        "exclude": exclude,
        "batch_size": batch_size,
        "seconds": round(time.perf_counter() - started, 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", help="folder of .txt files")
    parser.add_argument("--model", help="spaCy package (default: kg's, kg.extract.pipeline.model_package())")
    parser.add_argument("--exclude", help="comma-separated components (default: kg's UNUSED_COMPONENTS)")
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
    args = parser.parse_args(argv)
    model, exclude = args.model, args.exclude
    if model is None or exclude is None:
        from kg.extract.pipeline import UNUSED_COMPONENTS, model_package

        model = model or model_package()
        exclude = ",".join(UNUSED_COMPONENTS) if exclude is None else exclude
    names = [name for name in exclude.split(",") if name]
    print(json.dumps(run(args.folder, model, names, args.processes, args.batch_size)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
