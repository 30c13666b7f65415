"""Headless Chromium for the view's benchmark and browser tests (Debian's chromium, driven by playwright).

Nothing is downloaded: playwright is told to use the system's browser (``KG_CHROMIUM``, else
``chromium`` / ``chromium-browser`` / ``google-chrome`` on the PATH); never run ``playwright install``.
"""

from __future__ import annotations

import os
import shutil

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
MISSING = (
    "headless Chromium is needed: install Debian's chromium (apt-get install -y chromium) "
    "or set KG_CHROMIUM to a Chromium binary; do not run 'playwright install'"
)


def chromium_path() -> str | None:
    """The Chromium binary to use, or None when there is none."""
    configured = os.environ.get("KG_CHROMIUM")
    if configured:
        return configured if os.path.isfile(configured) and os.access(configured, os.X_OK) else None
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def launch(playwright):
    """Launch headless Chromium; raises RuntimeError when there is none.

    playwright gives every launch a fresh temporary profile (its own ``--user-data-dir``).
    """
    path = chromium_path()
    if path is None:
        raise RuntimeError(MISSING)
    return playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
