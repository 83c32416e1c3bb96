"""Reading a generated PDF back the way a reader sees it: page count (`pdfinfo`) and the
position of every word (`pdftotext -bbox`, poppler-utils), to check layout rules such as
"the national title is on one line" or "the signature is not alone on its page"."""

from __future__ import annotations

import html
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

_PAGE = re.compile(r"<page [^>]*>(.*?)</page>", re.S)
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                   r"(.*?)</word>")


@dataclass(frozen=True)
class Word:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


def _run(command: list[str], content: bytes, *after: str) -> str:
    """Run a poppler tool on the PDF (written to a scratch file); its standard output."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.pdf"
        path.write_bytes(content)
        return subprocess.run([*command, str(path), *after], capture_output=True, text=True,
                              timeout=60, check=True).stdout


def page_count(content: bytes) -> int:
    info = _run(["pdfinfo"], content)
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def pages_of_words(content: bytes) -> list[list[Word]]:
    """Every page's words in reading order, with their boxes (points, from the top)."""
    out = _run(["pdftotext", "-bbox"], content, "-")
    return [[Word(float(a), float(b), float(c), float(d), html.unescape(t))
             for a, b, c, d, t in _WORD.findall(page)] for page in _PAGE.findall(out)]


def find_phrase(words: list[Word], phrase: str) -> list[Word] | None:
    """The consecutive words spelling `phrase`, or None."""
    wanted = phrase.split()
    texts = [w.text for w in words]
    for start in range(len(texts) - len(wanted) + 1):
        if texts[start:start + len(wanted)] == wanted:
            return words[start:start + len(wanted)]
    return None


def on_one_line(words: list[Word]) -> bool:
    return max(w.y0 for w in words) - min(w.y0 for w in words) < 2
