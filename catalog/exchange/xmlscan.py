"""Checks of an .xlsx package before openpyxl opens it: the zip's declared sizes and compression
ratios (nothing unpacked yet), then one constant-memory expat pass over every XML part.

Why the XML pass: within any size cap, XML can still be shaped to blow up openpyxl. It holds a
whole row (and every element of a part it reads whole, such as styles) as a tree of Python
objects, keeps a cleared shell of every row it has passed, and builds a text node in one piece.
Counting elements and text here, where the cost is a few bytes, bounds all of that."""

from __future__ import annotations

import zipfile
from typing import IO
from xml.parsers import expat

from catalog.exchange.errors import ImportRefused, RowError

MAX_UNPACKED_BYTES = 128 << 20
"""Unpacked size of the whole package. openpyxl writes each Chinese character as an 8-byte
character reference, so our own export of 20,000 organizations with long descriptions comes to
about 110 MB; Excel's shared strings make the same register several times smaller."""
MAX_RATIO = 200
"""Unpacked ÷ packed size of one part. Spreadsheet XML packs 5-65 to 1 (our repetitive exports
reach 65); a bomb is repeated data packed near deflate's limit of about 1,000 to 1."""
RATIO_FROM_BYTES = 1 << 20
"""Parts smaller than this are not ratio-checked: a tiny part can pack very well and harms none."""
MAX_PARTS = 1_000
"""Parts of the package; a workbook has about ten, plus one or two per sheet or image."""
MAX_XML_ELEMENTS = 2_000_000
"""Elements in all XML parts; 20,000 rows of 13 columns need about 800,000."""
MAX_UNIT_ELEMENTS = 65_536
"""Elements of one row or one shared string, which openpyxl parses at once (Excel's widest row
is 16,384 cells of up to 4 elements)."""
MAX_PART_ELEMENTS = 200_000
"""Elements of any other part (styles, workbook, relationships), which openpyxl reads whole
into objects; Excel itself stops at 64,000 cell formats."""
MAX_NODE_BYTES = 400_000
"""Bytes of one text node: 50,000 characters even as 8-byte character references. A cell may
hold 5,000 characters and the row check names the cell; this stops a text of any size before
openpyxl builds it in one piece."""
STREAMED_ROOTS = ("worksheet", "sst")
"""Parts openpyxl parses a piece at a time: a row (`row`) or a shared string (`si`); everything
after the last row (merged ranges, links) counts as part of that row's piece."""
UNIT_TAGS = ("row", "si")
READ_CHUNK = 1 << 16


def _refused(file: str, zh: str, en: str) -> ImportRefused:
    return ImportRefused([RowError(file, 0, "file", zh, en)])


def check_package(fh: IO[bytes], file: str) -> None:
    """Refuse a package over a limit; read nothing of a part before its sizes were checked."""
    try:
        archive = zipfile.ZipFile(fh)
    except zipfile.BadZipFile as exc:
        raise _refused(file, "不是有效的.xlsx文件", f"not a valid .xlsx file ({exc})") from exc
    with archive:
        parts = archive.infolist()
        if len(parts) > MAX_PARTS:
            raise _refused(
                file,
                f"文件内部部件超过{MAX_PARTS}个（上限）",
                f"more than {MAX_PARTS:,} parts inside the file (the limit)",
            )
        if sum(p.file_size for p in parts) > MAX_UNPACKED_BYTES:
            mb = MAX_UNPACKED_BYTES >> 20
            raise _refused(
                file,
                f"解压后超过{mb} MB（上限），可能是压缩炸弹",
                f"unpacks to more than {mb} MB (the limit); a possible zip bomb",
            )
        for p in parts:
            if p.file_size >= RATIO_FROM_BYTES and p.file_size > MAX_RATIO * p.compress_size:
                raise _refused(
                    file,
                    f"部件{p.filename}的压缩比超过{MAX_RATIO}:1（上限），可能是压缩炸弹",
                    f"part {p.filename} packs more than {MAX_RATIO}:1 (the limit); "
                    "a possible zip bomb",
                )
        scan = _Scan(file)
        for p in parts:
            with archive.open(p) as stream:
                scan.part(p.filename, stream)


class _Scan:
    """Counts the elements of XML parts with expat, keeping no tree and handling only start
    tags (this pass must stay cheap next to openpyxl's own). Text is measured as the bytes
    between two start tags, expat's byte index, so no text is ever built."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.total = 0

    def part(self, name: str, stream: IO[bytes]) -> None:
        head = stream.read(READ_CHUNK)
        if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") and not head.startswith(
            (b"\xff\xfe", b"\xfe\xff")
        ):
            return  # not XML (an image): openpyxl does not parse it
        self.name, self.unit, self.mark = name, 0, 0
        self.unit_tags: tuple[str, ...] | None = None  # known at the root
        self.limit = MAX_PART_ELEMENTS
        self.parser = parser = expat.ParserCreate()
        parser.StartElementHandler = self._start
        parser.StartDoctypeDeclHandler = self._doctype
        size, chunk = 0, head
        try:
            while chunk:
                size += len(chunk)
                parser.Parse(chunk, False)
                chunk = stream.read(READ_CHUNK)
            parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise _refused(
                self.file, f"部件{name}不是有效的XML", f"part {name} is not valid XML ({exc})"
            ) from exc
        if size - self.mark > MAX_NODE_BYTES:
            self._long_text()

    def _start(self, tag: str, _attrs: object) -> None:
        self.total += 1
        self.unit += 1
        if self.unit_tags is None:
            streamed = tag.rpartition(":")[2] in STREAMED_ROOTS
            self.unit_tags = UNIT_TAGS if streamed else ()
            self.limit = MAX_UNIT_ELEMENTS if streamed else MAX_PART_ELEMENTS
        elif self.unit_tags and tag.rpartition(":")[2] in self.unit_tags:
            self.unit = 1
        index = self.parser.CurrentByteIndex
        if index - self.mark > MAX_NODE_BYTES:
            self._long_text()
        self.mark = index
        if self.unit > self.limit or self.total > MAX_XML_ELEMENTS:
            self._too_many()

    def _long_text(self) -> None:
        raise _refused(
            self.file,
            f"一段文字超过{MAX_NODE_BYTES}字节（上限）：{self.name}",
            f"a text of more than {MAX_NODE_BYTES:,} bytes (the limit) in {self.name}",
        )

    def _too_many(self) -> None:
        n, zh, en = self.limit, "部件", "part"
        if self.limit == MAX_UNIT_ELEMENTS:
            zh, en = "一行", "one row of"
        if self.total > MAX_XML_ELEMENTS:
            n, zh, en = MAX_XML_ELEMENTS, "文件", "the file, at"
        raise _refused(
            self.file,
            f"{zh}的XML元素超过{n}个（上限）：{self.name}",
            f"more than {n:,} XML elements (the limit) in {en} {self.name}",
        )

    def _doctype(self, *_args: object) -> None:
        raise _refused(
            self.file,
            f"部件{self.name}含有DTD声明，正常的.xlsx没有",
            f"part {self.name} declares a DTD, which no .xlsx does",
        )
