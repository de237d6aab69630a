"""The notice's QR code: its modules, and the PDF operators that draw them as vector rectangles.

The payload is one 8-bit byte segment, error correction M, mask pattern 0 (always valid; searching
for the best mask would cost ~10x more). The ``qrcode`` package is slow per symbol (pure-Python
Reed-Solomon and module placement, ~20 ms), and a batch prints one symbol per notice, so here:

* the version's layout is taken from ``qrcode`` once: the symbol it draws when every codeword is
  0x00 (finder, timing and format patterns, mask 0) and, by comparing with all 0xFF, which modules
  carry data; the data modules' order is the standard two-column zigzag (ISO/IEC 18004, 7.7.3);
* per notice, only the codewords are computed (Reed-Solomon with the remainder kept in one Python
  integer, one shift and XOR per byte) and their bits XORed into that layout.

``tests/test_notices.py`` checks that the result is module for module what ``qrcode`` draws.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import qrcode
from qrcode.base import rs_blocks
from qrcode.constants import ERROR_CORRECT_M

BORDER = 2  # quiet zone in modules around the symbol
PAD = (0xEC, 0x11)  # filler codewords, alternating
BYTE_MODE = 0b0100


@functools.cache
def _gf() -> tuple[list[int], list[int]]:
    """Antilog and log tables of GF(256) with the QR polynomial x^8 + x^4 + x^3 + x^2 + 1."""
    exp, log = [0] * 510, [0] * 256
    x = 1
    for i in range(255):
        exp[i] = exp[i + 255] = x
        log[x] = i
        x = (x << 1) ^ (0x11D if x & 0x80 else 0)
    return exp, log


def _mul(a: int, b: int) -> int:
    exp, log = _gf()
    return 0 if a == 0 or b == 0 else exp[log[a] + log[b]]


@functools.cache
def _ecc_table(n: int) -> tuple[int, ...]:
    """For each byte f: f times the degree-n generator (without its leading 1), as an n-byte integer."""
    exp, _ = _gf()
    gen = [1]
    for i in range(n):  # multiply by (x - a^i)
        gen = [a ^ _mul(b, exp[i]) for a, b in zip([*gen, 0], [0, *gen], strict=True)]
    return tuple(int.from_bytes(bytes(_mul(f, g) for g in gen[1:]), "big") for f in range(256))


def _ecc(data: bytes, n: int) -> bytes:
    """The n Reed-Solomon error correction codewords of ``data`` (remainder of the division)."""
    table, top, mask = _ecc_table(n), 8 * (n - 1), (1 << 8 * n) - 1
    rem = 0
    for byte in data:
        rem = ((rem << 8) & mask) ^ table[byte ^ (rem >> top)]
    return rem.to_bytes(n, "big")


@dataclass(frozen=True)
class _Layout:
    version: int
    blocks: tuple[tuple[int, int], ...]  # (data, error correction) codewords per block
    base: np.ndarray  # the modules (bool, quiet zone included) when every codeword is 0x00
    rows: np.ndarray  # the data modules, in placement order
    cols: np.ndarray


def _blocks(version: int) -> tuple[tuple[int, int], ...]:
    return tuple((b.data_count, b.total_count - b.data_count) for b in rs_blocks(version, ERROR_CORRECT_M))


def _length_bits(version: int) -> int:
    return 8 if version < 10 else 16


def _reference(version: int, codewords: list[int]) -> np.ndarray:
    """What ``qrcode`` draws for these codewords with mask 0, quiet zone included."""
    code = qrcode.QRCode(version=version, error_correction=ERROR_CORRECT_M, border=BORDER, mask_pattern=0)
    code.data_cache = codewords
    code.makeImpl(False, 0)
    return np.array(code.get_matrix(), dtype=bool)


def _zigzag(is_data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The data modules in placement order: column pairs from the right, up then down, skipping col 6."""
    size = is_data.shape[0]
    rows: list[int] = []
    cols: list[int] = []
    col, upward = size - 1, True
    while col > 0:
        if col == 6:  # the vertical timing pattern
            col -= 1
        for r in range(size - 1, -1, -1) if upward else range(size):
            for c in (col, col - 1):
                if is_data[r, c]:
                    rows.append(r)
                    cols.append(c)
        upward = not upward
        col -= 2
    return np.array(rows) + BORDER, np.array(cols) + BORDER


@functools.cache
def _layout(version: int) -> _Layout:
    blocks = _blocks(version)
    total = sum(d + e for d, e in blocks)
    zero, ones = (_reference(version, [v] * total) for v in (0x00, 0xFF))
    inner = slice(BORDER, -BORDER)
    rows, cols = _zigzag((zero != ones)[inner, inner])
    if len(rows) != 8 * total:
        raise RuntimeError(f"QR version {version}: {len(rows)} data modules for {total} codewords")
    return _Layout(version, blocks, zero, rows, cols)


@functools.cache
def _version(length: int) -> int:
    """The smallest version holding ``length`` bytes in one byte segment at level M."""
    for version in range(1, 41):
        if 4 + _length_bits(version) + 8 * length <= 8 * sum(d for d, _ in _blocks(version)):
            return version
    raise ValueError(f"QR payload too long: {length} bytes")


def _interleave(blocks: list[bytes]) -> list[int]:
    return [b[i] for i in range(max(map(len, blocks))) for b in blocks if i < len(b)]


def codewords(data: bytes, layout: _Layout) -> bytes:
    """Mode, length, data, terminator and filler, then error correction; blocks interleaved."""
    length_bits = _length_bits(layout.version)
    stream = (((BYTE_MODE << length_bits) | len(data)) << 8 * len(data) | int.from_bytes(data, "big")) << 4
    used = (8 + length_bits + 8 * len(data)) // 8  # the 4-bit terminator makes it whole bytes
    capacity = sum(d for d, _ in layout.blocks)
    body = stream.to_bytes(used, "big") + bytes(PAD[i % 2] for i in range(capacity - used))
    data_blocks: list[bytes] = []
    ecc_blocks: list[bytes] = []
    for d, e in layout.blocks:
        block, body = body[:d], body[d:]
        data_blocks.append(block)
        ecc_blocks.append(_ecc(block, e))
    return bytes(_interleave(data_blocks) + _interleave(ecc_blocks))


def qr_matrix(payload: str) -> np.ndarray:
    """The QR code's modules (``True`` is dark), with a ``BORDER``-module quiet zone."""
    data = payload.encode("utf-8")
    layout = _layout(_version(len(data)))
    modules = layout.base.copy()
    bits = np.unpackbits(np.frombuffer(codewords(data, layout), np.uint8)).astype(bool)
    modules[layout.rows, layout.cols] ^= bits
    return modules


def qr_operators(modules: np.ndarray, left: float, top: float, size: float) -> str:
    """PDF operators filling the dark modules with the current fill colour, one rectangle per run.

    ``left``/``top`` are the symbol's top-left corner and ``size`` its side, in points. The rectangles
    are written in module units under a scaling matrix, so their edges meet exactly.
    """
    height, width = modules.shape
    padded = np.zeros((height, width + 2), np.int8)
    padded[:, 1:-1] = modules
    edges = np.diff(padded.ravel())  # +1 where a run of dark modules starts, -1 after it ends
    starts, ends = np.flatnonzero(edges == 1) + 1, np.flatnonzero(edges == -1) + 1
    module = size / width
    ops = [f"q {module:.5f} 0 0 {module:.5f} {left:.3f} {top:.3f} cm"]
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        row, col = divmod(start, width + 2)
        ops.append(f"{col - 1} {-row - 1} {end - start} 1 re")
    ops.append("f Q")
    return "\n".join(ops)
