"""Reading back the text of the PDFs the platform makes (`ronghe.core.pdf`), for assertions."""

from __future__ import annotations

import base64
import re
import zlib


def _unescape(literal: bytes) -> bytes:
    simple = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}

    def one(m: re.Match[bytes]) -> bytes:
        code = m.group(1)
        if code[:1].isdigit():
            return bytes([int(code, 8)])
        return simple.get(code, code)

    return re.sub(rb"\\([0-7]{1,3}|.)", one, literal, flags=re.S)


def pdf_text(data: bytes) -> str:
    """The text drawn on the pages, read back without a PDF library: reportlab writes each page as an
    ASCII85 + Flate stream, and STSong-Light text as UCS-2 literal strings shown with Tj."""
    out = []
    for raw in re.findall(rb"stream\r?\n(.*?)endstream", data, re.S):
        content = zlib.decompress(base64.a85decode(raw.strip(), adobe=True))
        for literal in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", content, re.S):
            out.append(_unescape(literal).decode("utf-16-be", errors="replace"))
    return "\n".join(out)
