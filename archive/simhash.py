"""64-bit simhash over word shingles, for finding the same report at another URL.

Charikar's simhash: every shingle (three consecutive words) votes on each bit of the
fingerprint with its own hash, so texts that share most shingles get fingerprints that differ
in few bits. Manku, Jain and Das Sarma (WWW 2007) found 3 bits of 64 the right threshold for
near-duplicate web pages; split into four 16-bit bands, two fingerprints within 3 bits agree
exactly on at least one band, which is what makes the lookup an index search.
"""

from __future__ import annotations

from collections.abc import Sequence
from hashlib import blake2b

BITS = 64
SHINGLE = 3
BAND_BITS = 16
BANDS = BITS // BAND_BITS
NEAR = 3  # bits; see the module docstring
_MASK = (1 << BITS) - 1


def shingles(tokens: Sequence[str], size: int = SHINGLE) -> set[str]:
    """Runs of `size` consecutive tokens (the whole text when it is shorter).

    >>> sorted(shingles(["a", "b", "c", "d"]))
    ['a\\x1fb\\x1fc', 'b\\x1fc\\x1fd']
    >>> shingles(["甲"])
    {'甲'}
    >>> shingles([])
    set()
    """
    if len(tokens) <= size:
        return {"\x1f".join(tokens)} if tokens else set()
    return {"\x1f".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


def simhash_of(tokens: Sequence[str]) -> int:
    """The simhash of a token sequence, an unsigned 64-bit integer (0 for no tokens).

    >>> words = "全年 累计 发放 城乡 低保金 3041.1 万元 保障 困难 群众 1237 人次".split()
    >>> simhash_of(words) == simhash_of(list(words))
    True
    >>> hamming(simhash_of(words), simhash_of(words[:-1] + ["1250"])) < 20
    True
    >>> simhash_of([])
    0
    """
    grams = shingles(tokens)
    if not grams:
        return 0
    # Count, per byte position of the shingle hashes, how often each byte value occurs;
    # the per-bit votes follow from those counts, with 8 list updates per shingle instead of
    # 64 bit tests.
    counts = [0] * (8 * 256)
    for gram in grams:
        digest = blake2b(gram.encode("utf-8"), digest_size=8).digest()
        for position, value in enumerate(digest):
            counts[position * 256 + value] += 1
    votes = [0] * BITS
    for position in range(8):
        row = counts[position * 256 : position * 256 + 256]
        for value, count in enumerate(row):
            if count:
                for bit in range(8):
                    if value >> bit & 1:
                        votes[position * 8 + bit] += count
    half = len(grams) / 2
    fingerprint = 0
    for bit, vote in enumerate(votes):
        if vote > half:
            fingerprint |= 1 << bit
    return fingerprint


def hamming(a: int, b: int) -> int:
    """Bits in which two fingerprints differ.

    >>> hamming(0b1011, 0b0001)
    2
    """
    return ((a ^ b) & _MASK).bit_count()


def bands(fingerprint: int) -> tuple[int, ...]:
    """The fingerprint's four 16-bit bands, lowest first.

    >>> bands(0x0001_0002_0003_0004)
    (4, 3, 2, 1)
    """
    mask = (1 << BAND_BITS) - 1
    return tuple(fingerprint >> (BAND_BITS * i) & mask for i in range(BANDS))


def to_signed(fingerprint: int) -> int:
    """The fingerprint as a signed 64-bit integer, which is what SQL BIGINT holds.

    >>> to_signed(2**64 - 1), to_signed(5)
    (-1, 5)
    """
    fingerprint &= _MASK
    return fingerprint - (1 << BITS) if fingerprint >= 1 << (BITS - 1) else fingerprint


def from_signed(value: int) -> int:
    """Inverse of to_signed().

    >>> from_signed(-1) == 2**64 - 1
    True
    """
    return value & _MASK
