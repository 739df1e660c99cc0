"""The notebook prose's two kinds of reference, resolved at build time so nothing is typed by hand; and its
Chinese lines joined where the source wraps them.

* ``{{fig:name}}`` / ``{{fig:name:fmt}}``: a figure measured by the lecture's reference code and kept in its
  ``measured.json`` (written by ``crmlab course measure``, see :mod:`autograde.measure`). Formats: ``range``
  (min–max over the seeds, two decimals), ``pct_range`` (the same in per cent), ``median``, ``pct`` (median in
  per cent), ``int_range`` and ``seeds`` (how many seeds were measured).
* ``{ref}`label``` (or ``{ref}`text <label>```): a section labelled ``(label)=`` on the line before its
  heading (MyST's syntax). JupyterLab does not render MyST roles, so the build turns each into a Markdown link
  to the heading's anchor; a section number typed by hand ("第 3 节") goes stale when sections move and is
  refused by the tests (:func:`hand_typed_refs`).
* The sources wrap long lines at 120 columns; Markdown renders a soft line break as a space, which shows between
  two Chinese characters, so the build joins such lines (:func:`join_cjk_lines`).
"""

from __future__ import annotations

import re
import statistics
from urllib.parse import quote

FIG_RE = re.compile(r"\{\{\s*fig:(?P<name>[A-Za-z0-9_]+)(?::(?P<fmt>[a-z_]+))?\s*\}\}")
LABEL_RE = re.compile(r"^\((?P<label>[A-Za-z0-9][A-Za-z0-9_-]*)\)=[ \t]*$", re.M)
REF_RE = re.compile(r"\{ref\}`(?:(?P<text>[^`<]*?)\s*<(?P<inner>[A-Za-z0-9_-]+)>|(?P<label>[A-Za-z0-9_-]+))`")
HAND_REF_RE = re.compile(r"第\s*[0-9一二三四五六七八九十]+(?:\.[0-9]+)?\s*(?:节|部分)")
HEADING_RE = re.compile(r"^(#{1,6})\s+(?P<text>.+?)\s*$", re.M)
CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"  # CJK punctuation, ideographs, full-width forms
CJK_END_RE = re.compile(f"[{CJK}]$")
CJK_START_RE = re.compile(f"^[ \t]*[{CJK}]")


class ProseError(ValueError):
    """A figure or reference in a notebook's prose that cannot be resolved; the message names it."""


def format_figure(values: list[float], fmt: str | None) -> str:
    """The text of one figure from its per-seed ``values`` (see the module docstring for ``fmt``)."""
    lo, hi, mid = min(values), max(values), statistics.median(values)
    formats = {
        "range": lambda: f"{lo:.2f}–{hi:.2f}",
        "pct_range": lambda: f"{100 * lo:.0f}–{100 * hi:.0f} %",
        "median": lambda: f"{mid:.2f}",
        "pct": lambda: f"{100 * mid:.0f} %",
        "int_range": lambda: f"{lo:,.0f}–{hi:,.0f}",
        "seeds": lambda: f"{len(values)}",
    }
    fmt = fmt or "range"
    if fmt not in formats:
        raise ProseError(f"unknown figure format {fmt!r}; use one of {', '.join(formats)}")
    return formats[fmt]()


def render_figures(text: str, figures: dict) -> str:
    """``text`` with every ``{{fig:…}}`` replaced from ``figures`` (``measured.json``'s ``figures``)."""
    def one(match: re.Match) -> str:
        name = match["name"]
        if name not in figures:
            raise ProseError(f"figure {name!r} is not in measured.json (run: crmlab course measure)")
        return format_figure(figures[name]["values"], match["fmt"])

    return FIG_RE.sub(one, text)


def heading_anchor(heading: str) -> str:
    """JupyterLab's anchor of a rendered heading: its text with spaces as hyphens (Markdown marks removed)."""
    plain = re.sub(r"[`*_]", "", heading).strip()
    plain = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", plain)
    return plain.replace(" ", "-")


def labels(sources: list[str]) -> dict[str, str]:
    """``{label: heading text}`` of the markdown ``sources``; a label must stand right before its heading."""
    out: dict[str, str] = {}
    for source in sources:
        for match in LABEL_RE.finditer(source):
            rest = source[match.end():].lstrip("\n")
            heading = HEADING_RE.match(rest)
            if heading is None:
                raise ProseError(f"label ({match['label']})= must stand on the line before a heading")
            if match["label"] in out:
                raise ProseError(f"label ({match['label']})= is declared twice")
            out[match["label"]] = heading["text"]
    return out


def resolve_refs(source: str, known: dict[str, str]) -> str:
    """``source`` with its labels removed and every ``{ref}`` turned into a link to the labelled heading."""
    def one(match: re.Match) -> str:
        label = match["inner"] or match["label"]
        if label not in known:
            raise ProseError(f"{{ref}}`{label}` names no label; labels: {', '.join(sorted(known)) or 'none'}")
        text = match["text"] or re.sub(r"[`*]", "", known[label])
        return f"[{text}](#{quote(heading_anchor(known[label]), safe='-_.~')})"

    return REF_RE.sub(one, LABEL_RE.sub("", source)).replace("\n\n\n", "\n\n")


def hand_typed_refs(text: str) -> list[str]:
    """Section numbers typed by hand ("第 3 节", "第四部分") in ``text``: a stale reference waiting to happen."""
    return [m.group(0) for m in HAND_REF_RE.finditer(text)]


def join_cjk_lines(text: str) -> str:
    """Join each line that starts with a Chinese character onto the previous one when that ends with one (the
    continuation of a wrapped paragraph or list item); headings, table rows and fenced code keep their lines."""
    out: list[str] = []
    fenced = False
    for line in text.split("\n"):
        opens_fence = line.lstrip().startswith(("```", "~~~"))
        prev = out[-1] if out else ""
        if (not fenced and not opens_fence and CJK_START_RE.match(line) and CJK_END_RE.search(prev)
                and not prev.lstrip().startswith(("#", "|"))):
            out[-1] = prev + line.lstrip(" \t")
        else:
            out.append(line)
        fenced ^= opens_fence
    return "\n".join(out)


def render_notebook(nb, figures: dict) -> None:
    """Resolve figures (every cell: a code comment may quote one too) and references (markdown) in place."""
    known = labels([cell.source for cell in nb.cells if cell.cell_type == "markdown"])
    for cell in nb.cells:
        cell.source = render_figures(cell.source, figures)
        if cell.cell_type == "markdown":
            cell.source = join_cjk_lines(resolve_refs(cell.source, known).strip("\n"))
