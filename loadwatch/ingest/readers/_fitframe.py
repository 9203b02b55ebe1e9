"""The frame of a FIT file: its header, checksums and definition messages, and how fitparse
stops reading one.

:mod:`~loadwatch.ingest.readers.fitfast` stops where fitparse stops, with the same error and
byte offset; :class:`Stop` carries them, and :func:`eof` makes fitparse's error for a file that
ends too soon.
"""

from __future__ import annotations

import struct

from fitparse.utils import FitEOFError, FitHeaderError

from loadwatch.ingest.readers import _fitprofile as profile

_HEADER = struct.Struct("<2BHI4s")
_CRC = struct.Struct("<H")


class Stop(Exception):
    """Reading stops here: ``fault`` as fitparse raises it, ``offset`` where fitparse was."""

    def __init__(self, fault: Exception, offset: int) -> None:
        super().__init__(str(fault))
        self.fault = fault
        self.offset = offset


def eof(wanted: int, start: int, size: int) -> Stop:
    """fitparse's error for reading ``wanted`` bytes at ``start`` of a ``size``-byte file."""
    got = max(0, size - start)
    return Stop(FitEOFError(f"Tried to read {wanted} bytes from .FIT file but got {got}"), size)


def read_header(data: bytes, pos: int, *, first: bool, check_crc: bool) -> tuple[int, int, bool]:
    """Read a file header at ``pos``.

    Args:
        data: The file.
        pos: Where the header starts.
        first: The file's first header (fitparse raises its faults from its constructor).
        check_crc: Check the header's checksum (not once a checksum has failed).

    Returns:
        Where the header's messages start and end, and False when its checksum fails.

    Raises:
        Stop: The header is broken or cut off (FitHeaderError or FitEOFError itself for the
            first header).
    """
    size = len(data)
    crc_ok = True
    try:
        if size - pos < 12:
            raise eof(12, pos, size)
        header_size, _, _, data_size, magic = _HEADER.unpack_from(data, pos)
        if magic != b".FIT":
            raise Stop(FitHeaderError("Invalid .FIT File Header"), pos + 12)
        body = pos + 12
        extra = header_size - 12
        if extra > 0:
            if extra < 2:
                raise Stop(FitHeaderError("Irregular File Header Size"), body)
            if size - body < 2:
                raise eof(2, body, size)
            (header_crc,) = _CRC.unpack_from(data, body)
            if header_crc and check_crc and header_crc != profile.crc16(data, pos, body):
                crc_ok = False
            body += 2
            if extra > 2:
                if size - body < extra - 2:
                    raise eof(extra - 2, body, size)
                body += extra - 2
    except Stop as fault:
        if first:
            raise fault.fault from None
        raise
    return body, body + data_size, crc_ok


def read_file_crc(data: bytes, start: int, pos: int, *, check_crc: bool) -> tuple[int, bool]:
    """Check the checksum at ``pos`` of the file that starts at ``start``.

    Returns:
        Where the next chained file starts, and False when the checksum fails.

    Raises:
        Stop: The file ends before its checksum.
    """
    if len(data) - pos < 2:
        raise eof(2, pos, len(data))
    crc_ok = True
    if check_crc:
        (stored,) = _CRC.unpack_from(data, pos)
        crc_ok = stored == profile.crc16(data, start, pos)
    return pos + 2, crc_ok


def read_definition(data: bytes, pos: int, header: int) -> tuple[int, str, bytes, bytes, int]:
    """Read the definition message at ``pos`` (its header byte is ``header``).

    Returns:
        Its global message number, byte order (``"<"`` or ``">"``), field definitions and
        developer field definitions (three bytes each), and where the message ends.

    Raises:
        Stop: The file ends inside the message (fitparse's error and offset).
    """
    size = len(data)
    if pos + 3 > size:
        raise eof(2, pos + 1, size)
    endian = ">" if data[pos + 2] else "<"
    if pos + 6 > size:
        raise eof(3, pos + 3, size)
    global_num: int
    count: int
    global_num, count = struct.unpack_from(endian + "HB", data, pos + 3)
    at = pos + 6
    if at + 3 * count > size:
        raise eof(3, at + (size - at) // 3 * 3, size)
    raw = data[at : at + 3 * count]
    at += 3 * count
    dev = b""
    if header & 0x20:
        if at + 1 > size:
            raise eof(1, at, size)
        dev_count = data[at]
        at += 1
        if at + 3 * dev_count > size:
            raise eof(3, at + (size - at) // 3 * 3, size)
        dev = data[at : at + 3 * dev_count]
        at += 3 * dev_count
    return global_num, endian, raw, dev, at
