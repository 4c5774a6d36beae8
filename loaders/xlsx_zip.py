"""A workbook's zip, opened with suspicion: its declared sizes checked before a byte is unpacked, and each part's XML
parsed by expat as it inflates, 64 KB at a time, so a "zip bomb" costs what its limit allows, not what it claims."""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from xml.parsers import expat

from loaders.problems import shorten
from loaders.raw_table import DAMAGED, RESAVE, Refusal

#: a workbook's limits, checked on the zip's declared sizes before unpacking and again while inflating
MAX_PART_BYTES = 100 * 1_048_576  # one sheet of 50,000 rows of 25 cells is about 40 MB of XML
MAX_WORKBOOK_BYTES = 200 * 1_048_576  # every part together
MAX_RATIO = 200  # sheet XML packs 5-50 times; a zip bomb packs about 1,000 times
RATIO_FROM_BYTES = 1_048_576  # a part smaller than this unpacked costs nothing whatever its ratio
MAX_PARTS = 2_000
MAX_SHEETS = 255  # Excel opens at most a few hundred; a return has one or two
MAX_SHARED_STRINGS = 200_000  # a return's distinct texts number in the hundreds
MAX_SHARED_STRINGS_BYTES = 20 * 1_048_576  # their XML, unpacked
MAX_MERGED_RANGES = 10_000
#: the stream name (UTF-16) inside the container Excel wraps an encrypted workbook in
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


# --------------------------------------------------------------------------- XLSX: the zip


def megabytes(size: int) -> str:
    return f"{size / 1_048_576:,.1f} MB"


def check_parts(infos: list[zipfile.ZipInfo]) -> None:
    """Refuse a workbook on what its zip declares, before a byte is unpacked (inflating also stops at these sizes)."""
    if len(infos) > MAX_PARTS:
        raise Refusal(
            "workbook-too-large",
            f"the workbook has {len(infos):,} parts inside it, past the limit of {MAX_PARTS:,}",
            "a workbook of one quarter's meetings (a few dozen parts)",
        )
    total = 0
    for info in infos:
        name = shorten(info.filename)
        if info.flag_bits & 0x1:
            raise Refusal(
                "password-protected",
                f'{DAMAGED}: its part "{name}" is encrypted with a zip password, so it cannot be read',
                "a workbook saved from Excel without a password",
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise Refusal(
                "unreadable-file",
                f'{DAMAGED}: its part "{name}" is packed with compression method {info.compress_type}, '
                "which Excel never uses",
                RESAVE,
            )
        if info.file_size > MAX_PART_BYTES:
            raise Refusal(
                "workbook-too-large",
                f'the workbook\'s part "{name}" unpacks to {megabytes(info.file_size)}, past the limit of '
                f"{megabytes(MAX_PART_BYTES)}",
                "a workbook of one quarter's meetings (well under 1 MB unpacked)",
            )
        if info.file_size > RATIO_FROM_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            raise Refusal(
                "workbook-too-large",
                f'the workbook\'s part "{name}" unpacks to {ratio:,.0f} times its packed size '
                f"({info.compress_size:,} bytes to {megabytes(info.file_size)}), past the limit of {MAX_RATIO} times: "
                "built to exhaust memory, not saved by a spreadsheet",
                "a workbook saved from Excel or LibreOffice",
            )
        total += info.file_size
    if total > MAX_WORKBOOK_BYTES:
        raise Refusal(
            "workbook-too-large",
            f"the workbook's parts unpack to {megabytes(total)} in all, past the limit of {megabytes(MAX_WORKBOOK_BYTES)}",
            "a workbook of one quarter's meetings (well under 1 MB unpacked)",
        )


def local_name(name: str) -> str:
    """An element's name without its namespace: 'http://…/main}row' -> 'row' (strict OOXML has other namespaces).

    Cached, as a sheet of 50,000 rows names a million elements; a file inventing names cannot grow the cache past 512.
    """
    local = _LOCAL_NAMES.get(name)
    if local is None:
        local = name.rpartition("}")[2]
        if len(_LOCAL_NAMES) < 512:
            _LOCAL_NAMES[name] = local
    return local


_LOCAL_NAMES: dict[str, str] = {}


def attribute(attrs: dict[str, str], local: str) -> str | None:
    for key, value in attrs.items():
        if local_name(key) == local:
            return value
    return None


class XmlHandler:
    """Callbacks for one part's XML; `rows` collects what is ready to hand on between chunks."""

    def start(self, name: str, attrs: dict[str, str]) -> None: ...

    def end(self, name: str) -> None: ...

    def text(self, data: str) -> None: ...


def _no_doctype(*_: object) -> None:
    raise Refusal(
        "unreadable-file",
        f"{DAMAGED}: a part of it declares a document type, which a spreadsheet never writes",
        RESAVE,
    )


def parse_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, handler: XmlHandler) -> Iterator[None]:
    """Inflate and parse one part chunk by chunk; yields after each chunk so rows can be handed on as they come."""
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.StartElementHandler = handler.start
    parser.EndElementHandler = handler.end
    parser.CharacterDataHandler = handler.text
    parser.StartDoctypeDeclHandler = _no_doctype
    parser.EntityDeclHandler = _no_doctype
    name = shorten(info.filename)
    with unpacking(name):
        stream = archive.open(info)
    with stream:
        read = 0
        while True:
            with unpacking(name):
                chunk = stream.read(1 << 16)
            read += len(chunk)
            if read > MAX_PART_BYTES:  # zipfile stops at the declared size; this is belt and braces
                raise Refusal(
                    "workbook-too-large",
                    f'the workbook\'s part "{name}" unpacks to more than {megabytes(MAX_PART_BYTES)}',
                    "a workbook of one quarter's meetings (well under 1 MB unpacked)",
                )
            try:  # only expat's own error is caught here: an exception from our handlers is a bug, and escapes
                parser.Parse(chunk, not chunk)
            except expat.ExpatError as exc:
                raise Refusal(
                    "unreadable-file",
                    f'{DAMAGED}: its part "{name}" is cut short or not well-formed '
                    f"(line {exc.lineno:,}, column {exc.offset + 1:,}: {expat.ErrorString(exc.code)})",
                    RESAVE,
                ) from None
            yield
            if not chunk:
                return


@contextmanager
def unpacking(name: str) -> Iterator[None]:
    """zipfile's errors while opening or inflating a part, as the refusal a coordinator can act on."""
    try:
        yield
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, struct.error) as exc:  # e.g. a negative seek
        raise Refusal(
            "unreadable-file",
            f'{DAMAGED}: its part "{name}" cannot be unpacked ({shorten(str(exc))}), '
            "perhaps an interrupted download or email attachment",
            RESAVE,
        ) from None
    except (RuntimeError, NotImplementedError) as exc:  # encrypted or unknown compression, if the checks missed it
        raise Refusal("unreadable-file", f'{DAMAGED}: its part "{name}" cannot be unpacked ({exc})', RESAVE) from None


def run_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, handler: XmlHandler) -> None:
    for _ in parse_part(archive, info, handler):
        pass
