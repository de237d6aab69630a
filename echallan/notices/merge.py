"""Concatenate the batch's part files into one PDF as they are finished, without holding them in memory.

reportlab keeps every page of a canvas until ``save``, and pypdf's ``PdfWriter`` keeps every object
until ``write``; either would grow with the batch. Parsing each part with pypdf to copy it costs
more than drawing it. Here the parts are known to be reportlab's own output (``render`` and
``summary`` write them), which is regular: a classic cross-reference table, objects written one after
another, a flat page tree, no strings in the dictionaries that reference other objects. So each
object is copied as bytes: its number and its references are shifted into the output's numbering
(never inside stream data, which is copied as is), page objects get the output's page tree as their
parent, and the part's catalog, page tree and document info are dropped. Only byte offsets and page
numbers are kept, so memory holds one part at a time.

Pages are output in the order added, except that ``add(..., front=True)`` puts a part's pages before
all others (the summary sheet, which is only known at the end): the page order is the page tree's,
not the order of the objects in the file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import IO

PAGES_ID, CATALOG_ID = 1, 2
_REF = re.compile(rb"(?<![\d.])(\d+) 0 R\b")
_PAGE = re.compile(rb"/Type /Page\b")  # not /Pages
_XREF_ENTRY = 20  # "0000012345 00000 n \n"


class PdfError(ValueError):
    """A part file is not in the form this merger copies (it only takes reportlab's output)."""


def _one(pattern: bytes, text: bytes, what: str) -> int:
    found = re.search(pattern, text)
    if found is None:
        raise PdfError(f"no {what} found")
    return int(found.group(1))


def _objects(data: bytes) -> dict[int, tuple[int, int]]:
    """Object number -> (start, end) of its ``N 0 obj ... endobj`` in ``data``, from the xref table."""
    start = data.rindex(b"startxref")
    xref = int(data[start + 9 :].split()[0])
    header = re.match(rb"xref\s+0 (\d+)\s*\n", data[xref:])
    if header is None:
        raise PdfError("no classic cross-reference table")
    table = xref + header.end()
    size = int(header.group(1))
    offsets: dict[int, int] = {}
    for num in range(1, size):
        entry = data[table + num * _XREF_ENTRY : table + (num + 1) * _XREF_ENTRY]
        if entry[17:18] == b"n":
            offsets[num] = int(entry[:10])
    ordered = sorted(offsets.items(), key=lambda item: item[1])
    ends = [offset for _, offset in ordered[1:]] + [xref]
    spans = {num: (offset, end) for (num, offset), end in zip(ordered, ends, strict=True)}
    for num, (offset, _) in spans.items():
        if not data.startswith(b"%d 0 obj" % num, offset):
            raise PdfError(f"object {num} is not where the cross-reference table says")
    return spans


class StreamingMerge:
    """Write parts into ``out`` one by one; ``finish`` writes the page tree, catalog and xref."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.offsets: list[int] = [0, 0, 0]  # by object number; 1 and 2 are written last
        self.front: list[int] = []
        self.pages: list[int] = []
        out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def add(self, path: Path, front: bool = False) -> int:
        """Copy every page of the part file ``path``; return how many."""
        data = path.read_bytes()
        spans = _objects(data)
        trailer = data[data.rindex(b"trailer") :]
        root = _one(rb"/Root (\d+) 0 R", trailer, "/Root")
        info = _one(rb"/Info (\d+) 0 R", trailer, "/Info") if b"/Info" in trailer else None
        tree = _one(rb"/Pages (\d+) 0 R", data[slice(*spans[root])], "page tree")
        kids = data[slice(*spans[tree])]
        kids = kids[kids.index(b"/Kids") : kids.index(b"]", kids.index(b"/Kids"))]
        pages = [int(ref.group(1)) for ref in _REF.finditer(kids)]
        kids_set = set(pages)
        base = len(self.offsets) - 1
        numbers = {num: num + base for num in spans}
        numbers[tree] = PAGES_ID

        def renumber(ref: re.Match[bytes]) -> bytes:
            return b"%d 0 R" % numbers[int(ref.group(1))]

        for num, (start, end) in spans.items():
            body = data[start:end]
            body = body[body.index(b"obj") + 3 :]
            if num in (root, tree, info):
                self.offsets.append(0)  # left free
                continue
            head, stream, raw = body.partition(b"\nstream\n")
            if num in kids_set and not _PAGE.search(head):
                raise PdfError(f"page tree of {path.name} is not flat")
            self.offsets.append(self.out.tell())
            self.out.write(b"%d 0 obj" % numbers[num])
            self.out.write(_REF.sub(renumber, head))
            self.out.write(stream)
            self.out.write(raw)
        (self.front if front else self.pages).extend(numbers[num] for num in pages)
        return len(pages)

    def finish(self) -> int:
        """Write the page tree (front pages first), catalog, xref and trailer; return the page count."""
        pages = self.front + self.pages
        kids = b" ".join(b"%d 0 R" % num for num in pages)
        self._write(PAGES_ID, b"<< /Type /Pages /Kids [ %s ] /Count %d >>" % (kids, len(pages)))
        self._write(CATALOG_ID, b"<< /Type /Catalog /Pages %d 0 R >>" % PAGES_ID)
        xref = self.out.tell()
        self.out.write(b"xref\n0 %d\n0000000000 65535 f \n" % len(self.offsets))
        self.out.writelines(
            b"%010d 00000 %s \n" % (offset, b"n" if offset else b"f") for offset in self.offsets[1:]
        )
        self.out.write(
            b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(self.offsets), CATALOG_ID, xref)
        )
        return len(pages)

    def _write(self, num: int, body: bytes) -> None:
        self.offsets[num] = self.out.tell()
        self.out.write(b"%d 0 obj\n%s\nendobj\n" % (num, body))
