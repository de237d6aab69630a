"""Concatenate PDFs page by page into one file without holding them all in memory.

reportlab keeps every page of a canvas until ``save``, and pypdf's ``PdfWriter`` keeps every object
until ``write``; either would grow with the batch. Here each input is opened in turn, the objects
its pages reach are renumbered and written straight to the output, and only their byte offsets are
kept. Objects shared between pages of one input (fonts, forms) are written once.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
)

PAGES_ID, CATALOG_ID = 1, 2


class _Writer:
    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.offsets: dict[int, int] = {}
        self.next_id = CATALOG_ID + 1
        self.pages: list[int] = []
        out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def write(self, obj_id: int, obj: PdfObject) -> None:
        self.offsets[obj_id] = self.out.tell()
        self.out.write(f"{obj_id} 0 obj\n".encode())
        obj.write_to_stream(self.out)
        self.out.write(b"\nendobj\n")

    def add(self, path: Path) -> int:
        """Copy every page of ``path``; return how many."""
        reader = PdfReader(str(path))
        ids: dict[int, int] = {}
        queue: list[tuple[int, Any]] = []

        def ref(old: IndirectObject) -> IndirectObject:
            if old.idnum not in ids:
                ids[old.idnum] = self.next_id
                self.next_id += 1
                queue.append((ids[old.idnum], old.get_object()))
            return IndirectObject(ids[old.idnum], 0, None)

        def remap(obj: Any) -> Any:
            if isinstance(obj, IndirectObject):
                return ref(obj)
            if isinstance(obj, DictionaryObject):  # StreamObject too: its data is written as read
                for key, value in list(obj.items()):
                    obj[NameObject(key)] = remap(value)
            elif isinstance(obj, ArrayObject):
                for i, value in enumerate(obj):
                    obj[i] = remap(value)
            return obj

        for page in reader.pages:
            page_id = self.next_id
            self.next_id += 1
            page[NameObject("/Parent")] = IndirectObject(PAGES_ID, 0, None)
            body = {k: v for k, v in page.items() if k != "/Parent"}
            for key, value in body.items():
                page[NameObject(key)] = remap(value)
            self.write(page_id, page)
            self.pages.append(page_id)
            while queue:
                new_id, obj = queue.pop()
                if isinstance(obj, DictionaryObject | ArrayObject):  # streams are dictionaries
                    remap(obj)
                self.write(new_id, obj)
        return len(reader.pages)

    def finish(self) -> None:
        kids = ArrayObject(IndirectObject(p, 0, None) for p in self.pages)
        pages = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Pages"),
                NameObject("/Kids"): kids,
                NameObject("/Count"): NumberObject(len(self.pages)),
            }
        )
        self.write(PAGES_ID, pages)
        catalog = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Catalog"),
                NameObject("/Pages"): IndirectObject(PAGES_ID, 0, None),
            }
        )
        self.write(CATALOG_ID, catalog)
        xref = self.out.tell()
        size = self.next_id
        self.out.write(f"xref\n0 {size}\n0000000000 65535 f \n".encode())
        for obj_id in range(1, size):
            kind = "n" if obj_id in self.offsets else "f"
            self.out.write(f"{self.offsets.get(obj_id, 0):010d} 00000 {kind} \n".encode())
        self.out.write(
            f"trailer\n<< /Size {size} /Root {CATALOG_ID} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
        )


def merge_pdfs(parts: Iterable[Path], out: Path) -> int:
    """Write the pages of ``parts``, in order, to ``out``; return the page count."""
    count = 0
    with open(out, "wb") as fh:
        writer = _Writer(fh)
        for part in parts:
            count += writer.add(part)
        writer.finish()
    return count
