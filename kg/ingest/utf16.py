"""UTF-16 without a byte-order mark, told from binary data by its zero bytes.

English text in UTF-16 has a zero byte in every code unit (its characters are below U+0100): the
second byte of each pair in little-endian order, the first in big-endian. A file whose first
kilobyte shows that pattern (nearly every byte of one parity zero, nearly none of the other) is
UTF-16 of that order; binary data has zeros at both parities or none.
"""

from __future__ import annotations

__all__ = ["bomless_utf16"]

SAMPLE = 1024  # bytes looked at
ZERO_SHARE = 0.9  # at least this share of the bytes of one parity are zero ...
OTHER_SHARE = 0.1  # ... and at most this share of the other parity


def bomless_utf16(raw: bytes) -> str | None:
    """ "utf-16-le" or "utf-16-be" when ``raw`` looks like UTF-16 text without a byte-order mark, else None."""
    sample = raw[: SAMPLE - SAMPLE % 2]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    low = sample[0::2][:pairs].count(0) / pairs  # first byte of each pair
    high = sample[1::2][:pairs].count(0) / pairs
    if high >= ZERO_SHARE and low <= OTHER_SHARE:
        return "utf-16-le"
    if low >= ZERO_SHARE and high <= OTHER_SHARE:
        return "utf-16-be"
    return None
