"""The reference FIT decoder: fitparse, for the files the fast decoder leaves to it.

:func:`read_with_fitparse` runs fitparse over a file and keeps every message read before a
fault, in the same :class:`~loadwatch.ingest.readers._fitcontent.FitContent` shape as
:mod:`~loadwatch.ingest.readers.fitfast`, so that :mod:`~loadwatch.ingest.readers.fit` builds
activities the same way from either.
"""

from __future__ import annotations

import dataclasses
import io
import math
from typing import Any

import fitparse
import numpy as np
from fitparse.utils import FitCRCError

from loadwatch.errors import CorruptFileError
from loadwatch.ingest.readers._fitcontent import Decoded, FitContent, number, word
from loadwatch.ingest.readers._fitlayout import RECORD_FIELDS


class _RawValues:
    """A fitparse data processor that leaves values alone.

    fitparse's default turns times into naive datetimes (but leaves device-relative ones as
    ints) and costs a third of the parse time; we want the raw seconds and convert them once.
    """

    def run_type_processor(self, field_data: object) -> None:
        """Keep the raw value."""

    def run_field_processor(self, field_data: object) -> None:
        """Keep the raw value."""

    def run_unit_processor(self, field_data: object) -> None:
        """Keep the raw value."""

    def run_message_processor(self, data_message: object) -> None:
        """Keep the raw message."""


class _FitparseContent:
    """Collects fitparse's messages into a :class:`FitContent`, records as growing lists."""

    def __init__(self) -> None:
        self.content = FitContent()
        self.columns: dict[str, list[float]] = {name: [] for name in RECORD_FIELDS}

    def add(self, message: Any) -> None:
        """Keep what we need of one fitparse data message."""
        content = self.content
        content.messages += 1
        if message.name != "record":
            content.add(message)
            return
        content.records += 1
        values = message.get_values()
        if math.isnan(number(values.get("timestamp"))):
            return  # a sample we cannot place in time
        for name, column in self.columns.items():
            column.append(number(values.get(name)))
        if content.record_sport is None:
            content.record_sport = word(values.get("activity_type"))

    def finish(self) -> FitContent:
        """The content, record columns as arrays."""
        self.content.columns = {
            name: np.asarray(values, dtype="float64") for name, values in self.columns.items()
        }
        return self.content


def _parse(data: bytes, source: str, *, check_crc: bool) -> tuple[Decoded, int]:
    """Run fitparse over ``data``, keeping every message read before any fault.

    Returns:
        What was read, and how many bytes were left unread after a checksum mismatch.
    """
    stream = io.BytesIO(data)  # ours, so that we can tell where fitparse stopped
    collected = _FitparseContent()
    # fitparse keeps developer field descriptions in a module-level table that outlives the
    # file: start each file afresh, so that no file is decoded with another one's fields.
    fitparse.records.DEV_TYPES.clear()
    try:
        fit = fitparse.FitFile(stream, check_crc=check_crc, data_processor=_RawValues())
    except FitCRCError:
        return Decoded(collected.finish(), crc_mismatch=True), len(data)
    except Exception as e:  # fitparse raises struct.error, KeyError... as well as its own
        raise unreadable_header(e, source) from e
    messages = fit.get_messages()
    while True:
        try:
            message = next(messages)
        except StopIteration:
            return Decoded(collected.finish()), 0
        except FitCRCError:
            left = len(data) - _tell(stream, len(data))
            return Decoded(collected.finish(), crc_mismatch=True), left
        except Exception as e:  # any fault mid-stream: keep what came before it
            return Decoded(collected.finish(), stop=e, stop_offset=_tell(stream, len(data))), 0
        collected.add(message)


def unreadable_header(error: Exception, source: str) -> CorruptFileError:
    return CorruptFileError(
        f"not a readable FIT file: its header is damaged or missing ({error}); "
        "export the activity again from the watch or its app",
        path=source,
        offset=0,
    )


def _tell(stream: io.BytesIO, size: int) -> int:
    """Where fitparse got to in the stream (it closes the stream once it has read it all)."""
    return size if stream.closed else stream.tell()


def read_with_fitparse(data: bytes, source: str) -> Decoded:
    """Parse the file with fitparse, tolerating a bad checksum."""
    parse, left = _parse(data, source, check_crc=True)
    if parse.crc_mismatch and left > 0:  # a bad header CRC, or more chained files after a bad one
        parse = dataclasses.replace(_parse(data, source, check_crc=False)[0], crc_mismatch=True)
    return parse
