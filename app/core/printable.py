"""Showing file names and server text safely on a terminal or in a one-line label.

A file name may hold a line break, a terminal escape (``\\x1b[31m`` paints the terminal red or
worse), a right-to-left override that shows ``gpj.exe`` as ``exe.jpg``, or bytes that are not
UTF-8 (lone surrogates, which cannot even be printed). ``printable`` shows each such character
as a visible escape and leaves everything else (accents, CJK, emoji) as it is. JSON output needs
none of this: ``json.dumps`` escapes control characters itself.
"""

from __future__ import annotations

import re

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# C0 and C1 controls and DEL; line and paragraph separators; the bidirectional embeddings,
# overrides and isolates; lone surrogates (a name's bytes that are not UTF-8).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                     "\ud800-\udfff]")


def _escape(found: re.Match[str]) -> str:
    char = found.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape: the byte the file name really holds
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every control character, line separator, bidirectional override and lone
    surrogate shown as a visible escape (``\\n``, ``\\x1b``, ``\\u202e``, ``\\xe9``), so one name
    stays on one line and cannot restyle the terminal."""
    return _UNSAFE.sub(_escape, text)
