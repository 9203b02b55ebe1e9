"""The start of a file, as the format registry's sniff tests read it: an XML file's root element.

Formats are told by their first :data:`SNIFF_BYTES` bytes, never their names. XML formats (GPX,
TCX, Suunto SML, Apple Health) are told by their root element's local name, whether the file is
plain, UTF-8 with a byte-order mark or UTF-16, and whatever comments, processing instructions or
DOCTYPE come first.
"""

from __future__ import annotations

import re

#: How many of a file's first bytes the sniff tests see.
SNIFF_BYTES = 4096

_XML_ROOT = re.compile(
    rb"^(?:\s|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)",
    re.DOTALL,
)
#: A DOCTYPE with an internal subset (``<!DOCTYPE gpx [ ... ]>``), which :data:`_XML_ROOT` does
#: not pass over: its name is the root element's, so the reader is the one to refuse the DTD
#: with its reason, rather than the file passing as "XML of no format loadwatch reads".
_XML_DOCTYPE = re.compile(
    rb"^(?:\s|<\?.*?\?>|<!--.*?-->)*<!DOCTYPE\s+([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)",
    re.DOTALL,
)


def xml_root(head: bytes) -> bytes | None:
    """The local name of an XML document's root element (``b"gpx"``), or None if not XML.

    Args:
        head: The file's first bytes: plain, UTF-8 with a byte-order mark, or UTF-16.
    """
    text = ascii_xml(head[:SNIFF_BYTES])
    match = _XML_ROOT.match(text) or _XML_DOCTYPE.match(text)
    return None if match is None else match.group(2)


def ascii_xml(head: bytes) -> bytes:
    """Bring the start of a possibly BOM-prefixed or UTF-16 XML file to plain bytes."""
    if head.startswith(b"\xef\xbb\xbf"):
        return head[3:]
    for bom, encoding in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            usable = head[2 : 2 + (len(head) - 2) // 2 * 2]
            return usable.decode(encoding, errors="replace").encode("utf-8", errors="replace")
    return head
