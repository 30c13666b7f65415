"""The validation modes of ``kg build`` and ``kg remove`` (``--validate``): the whole graph, or nothing.

``auto`` (the default) and ``full`` validate every quad of the build's store against the shapes
(``kg.store.validate.validate_store``: SPARQL on Oxigraph, cheap enough for millions of quads); ``off``
skips validation. The ``sample`` mode of earlier versions (every k-th part of a large build) is
gone: there is nothing left to sample, and asking for it is an error that lists these modes.
"""

from __future__ import annotations

from kg.errors import InputError

VALIDATION_MODES = ("auto", "full", "off")


def validation_mode(validate: bool | str) -> str:
    """``True`` -> "auto", ``False`` -> "off", a mode name as is; ``InputError`` listing the modes otherwise."""
    mode = {True: "auto", False: "off"}[validate] if isinstance(validate, bool) else validate
    if mode not in VALIDATION_MODES:
        gone = " (sampling was removed: the whole graph is always validated)" if mode == "sample" else ""
        raise InputError(f"unknown validation mode {mode!r}{gone}; use one of {', '.join(VALIDATION_MODES)}")
    return mode


def validate_build(store: object, mode: str) -> dict[str, object]:
    """Validate the build's ``store`` as ``mode`` says; return the mode asked for and what was checked
    (for build.json).

    Raises ``ValidationError`` (with the readable report) when a shape is violated.
    """
    mode = validation_mode(mode)
    if mode == "off":
        return {"mode": "off"}
    from kg.store.validate import validate_store  # looked up at call time (tests may replace kg.store.validate)

    return {"mode": mode, **{key: value for key, value in validate_store(store).items() if key != "mode"}}
