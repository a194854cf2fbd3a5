"""Small HTML building blocks for the dashboard: escaping, the page frame, tables, the style sheet.

Every value that comes from the database or a person goes through `esc`; the markup here is ours.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from html import escape

from bot.core.i18n import RTL

CSS = """
:root { --ink:#19233c; --muted:#5f6675; --accent:#e66e28; --soft:#fff4e6; --line:#e4e0da; }
* { box-sizing: border-box; }
body { margin:0; font: 16px/1.5 system-ui, "Segoe UI", Roboto, "Noto Sans", sans-serif;
  color:var(--ink); background:#faf8f5; }
header { background:var(--soft); border-bottom:4px solid var(--accent); padding:.6rem 1rem; }
header .school { font-weight:700; font-size:1.1rem; }
nav { display:flex; flex-wrap:wrap; gap:.3rem .5rem; margin-top:.4rem; align-items:center; }
nav a { color:var(--ink); text-decoration:none; padding:.25rem .6rem; border-radius:1rem;
  background:#fff; border:1px solid var(--line); font-size:.95rem; }
nav a.here { background:var(--accent); color:#fff; border-color:var(--accent); }
nav form { margin:0; margin-inline-start:auto; }
main { max-width:60rem; margin:0 auto; padding:1rem; }
h1 { font-size:1.4rem; margin:.5rem 0 1rem; }
h2 { font-size:1.15rem; margin:1.5rem 0 .5rem; }
.cards { display:grid; grid-template-columns:repeat(auto-fill, minmax(9rem, 1fr)); gap:.7rem; }
.card { background:#fff; border:1px solid var(--line); border-radius:.6rem; padding:.7rem;
  text-decoration:none; color:var(--ink); display:block; }
.card b { display:block; font-size:1.6rem; }
.scroll { overflow-x:auto; }
table { border-collapse:collapse; width:100%; background:#fff; }
th, td { text-align:start; padding:.4rem .5rem; border-bottom:1px solid var(--line);
  vertical-align:top; }
th { font-size:.85rem; color:var(--muted); font-weight:600; }
td.n { font-variant-numeric: tabular-nums; white-space:nowrap; }
meter { width:4.5rem; height:.8rem; vertical-align:middle; }
.muted { color:var(--muted); font-size:.9rem; }
.note { background:var(--soft); border-inline-start:4px solid var(--accent); padding:.6rem .8rem;
  border-radius:.3rem; }
.error { color:#a11; font-weight:600; }
.ok { color:#176d2c; font-weight:600; }
img.chart { max-width:100%; height:auto; border:1px solid var(--line); border-radius:.4rem; }
.buttons { display:flex; flex-wrap:wrap; gap:.5rem; margin:.6rem 0; }
.button, button { display:inline-block; background:var(--accent); color:#fff; border:0;
  border-radius:.4rem; padding:.45rem .9rem; font:inherit; text-decoration:none; cursor:pointer; }
.button.light, button.light { background:#fff; color:var(--ink); border:1px solid var(--line); }
form.settings label { display:block; margin:.8rem 0 .2rem; font-weight:600; }
form.settings input { font:inherit; padding:.35rem .5rem; width:8rem; border:1px solid #bbb;
  border-radius:.3rem; }
.msg { background:#fff; border:1px solid var(--line); border-radius:.6rem; padding:.7rem;
  margin:.7rem 0; }
.msg p { margin:.2rem 0; }
code, .link { word-break:break-all; font-size:.9rem; direction:ltr; unicode-bidi:isolate; }
bdi, [dir=auto] { unicode-bidi:isolate; }
.msg p[dir=auto] { text-align:start; }
@media (max-width: 40rem) {
  main { padding:.6rem; }
  th, td { padding:.3rem; }
  table.stack tr:first-child { display:none; }
  table.stack, table.stack tbody, table.stack tr, table.stack td { display:block; width:100%; }
  table.stack tr { border-bottom:1px solid var(--line); padding:.4rem 0; }
  table.stack td { border:0; padding:.1rem .5rem; }
  table.stack td::before { content: attr(data-label) " · "; color:var(--muted); font-size:.85rem; }
}
"""


def esc(value: object) -> str:
    """Text made safe for HTML (quotes too, for attributes)."""
    return escape(str(value), quote=True)


COMMAND = re.compile(r"(/[a-z]+)")


def user(text: object) -> str:
    """What a person wrote (a name, a message, a title, a class): isolated with its own direction,
    so Dutch inside an Arabic page keeps its punctuation where it belongs (and the other way)."""
    return f"<bdi>{esc(text)}</bdi>"


def ltr(text: object) -> str:
    """A date, a time or a number, kept left to right (day before time) on any page."""
    return f'<bdi dir="ltr">{esc(text)}</bdi>'


def prose(text: str) -> str:
    """Escaped text whose /commands stay left to right inside Arabic, Persian or Pashto."""
    return COMMAND.sub(r'<bdi dir="ltr">\1</bdi>', esc(text))


def page(
    *,
    lang: str,
    title: str,
    body: str,
    school: str = "",
    nav: str = "",
) -> str:
    """A whole page: right-to-left for Arabic, Persian and Pashto."""
    direction = "rtl" if lang in RTL else "ltr"
    return (
        f'<!doctype html><html lang="{esc(lang)}" dir="{direction}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="referrer" content="no-referrer"><title>{esc(title)}</title>'
        '<link rel="stylesheet" href="/dashboard/style.css"></head><body>'
        + (
            f'<header><div class="school" dir="auto">{esc(school)}</div>{nav}</header>'
            if nav
            else ""
        )
        + f'<main><h1 dir="auto">{esc(title)}</h1>{body}</main></body></html>'
    )


def table(header: Sequence[str], rows: Iterable[Sequence[str]], numeric: set[int]) -> str:
    """A table; cells are HTML already (escape before); `numeric` columns are aligned as numbers."""
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    labels = [esc(h) for h in header]
    body = "".join(
        "<tr>"
        + "".join(
            f'<td{" class=n" if i in numeric else ""} data-label="{labels[i]}">{cell}</td>'
            for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    stack = ' class="stack"' if len(header) > 3 else ""  # one card per row on a phone
    return f'<div class="scroll"><table{stack}><tr>{head}</tr>{body}</table></div>'


def meter(percent: int) -> str:
    """A percentage with a small bar."""
    return f'<meter min="0" max="100" value="{int(percent)}"></meter> {int(percent)}%'


def hidden_csrf(token: str) -> str:
    """The CSRF field every POST form carries."""
    return f'<input type="hidden" name="csrf" value="{esc(token)}">'


def post_button(action: str, label: str, csrf: str, *, light: bool = False) -> str:
    """A one-button POST form."""
    cls = ' class="light"' if light else ""
    return (
        f'<form method="post" action="{esc(action)}">{hidden_csrf(csrf)}'
        f"<button{cls}>{esc(label)}</button></form>"
    )
