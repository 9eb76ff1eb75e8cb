"""The steering-committee pack as PPTX (python-pptx), from ``services.steering.pack_content``.

Charts as PNG at 3x (PowerPoint has no SVG every viewer reads). One section a slide, in the
order of the HTML/PDF pack; a section too long for one slide continues on the next ("2/3"),
so no slide overflows. Text on slides is 14 pt or more (tables 12 pt or more). The slides'
own words are in the current Flask-Babel locale (issue 17). Pure: no Flask, no database.
"""

from __future__ import annotations

import io

from flask_babel import gettext as _

from healthcheck.charts import render
from healthcheck.exports import sentences

PNG_SCALE = 3


def _lines(text: str, size: int, width_in: float) -> int:
    """Lines a paragraph takes at ``size`` pt in a box ``width_in`` wide (an average glyph is
    taken as 0.5 em: Calibri and Carlito average less, so the estimate errs long)."""
    per_line = max(10, int(width_in * 72 / (size * 0.5)))
    words, lines, used = text.split(), 1, 0
    for word in words:
        while len(word) > per_line:  # a word longer than a line breaks anywhere
            lines, used, word = lines + (1 if used else 0) + 1, 0, word[per_line:]
        if used and used + 1 + len(word) > per_line:
            lines, used = lines + 1, len(word)
        else:
            used += len(word) + (1 if used else 0)
    return lines


def _text_chunks(
    paragraphs: list[tuple[str, bool]], size: int, width_in: float = 12.1, height_in: float = 5.3
):
    """Split (text, bold) paragraphs into slides whose text fits a box of ``width_in`` ×
    ``height_in`` inches at ``size`` pt (line height 1.2 em, 6 pt after each paragraph); a
    paragraph too long for one slide is cut at a word."""
    capacity = height_in * 72
    line = size * 1.2
    max_lines = int((capacity - 6) // line)
    pages, page, used = [], [], 0.0
    for text, bold in paragraphs:
        words = text.split()
        while _lines(text, size, width_in) > max_lines:  # cut what fits on a slide of its own
            n = len(words)
            while n > 1 and _lines(" ".join(words[:n]) + " …", size, width_in) > max_lines:
                n -= 1
            if page:
                pages.append(page)
                page, used = [], 0.0
            pages.append([(" ".join(words[:n]) + " …", bold)])
            words = ["…", *words[n:]]
            text = " ".join(words)
        cost = _lines(text, size, width_in) * line + 6
        if page and used + cost > capacity:
            pages.append(page)
            page, used = [], 0.0
        page.append((text, bold))
        used += cost
    if page:
        pages.append(page)
    return pages or [[]]


def _row_height(row: list[str], widths: list[float], size: int) -> float:
    """Points a table row takes: its tallest cell (0.1 in margins each side, 0.05 in above/below)."""
    return max(_lines(str(v), size, w - 0.2) for v, w in zip(row, widths, strict=True)) * size * 1.2 + 7.2


def _table_pages(
    header: list[str], rows: list[list[str]], widths: list[float], size: int, height_in: float = 5.3
):
    """Rows split into slides whose table (with its header on each) fits ``height_in``."""
    capacity = height_in * 72 - _row_height(header, widths, size)
    pages, page, used = [], [], 0.0
    for row in rows:
        cost = _row_height(row, widths, size)
        if page and used + cost > capacity:
            pages.append(page)
            page, used = [], 0.0
        page.append(row)
        used += cost
    if page:
        pages.append(page)
    return pages or [[]]


class _Deck:
    """A 16:9 deck with a title on every slide."""

    def __init__(self, footer: str):
        from pptx import Presentation
        from pptx.util import Inches

        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = Inches(13.333), Inches(7.5)
        self.layout = self.prs.slide_layouts[5]  # "Title Only": a real title placeholder
        self.footer = footer

    def slide(self, title: str, part: tuple[int, int] | None = None):
        from pptx.dml.color import RGBColor
        from pptx.enum.text import PP_ALIGN
        from pptx.util import Inches, Pt

        slide = self.prs.slides.add_slide(self.layout)
        text = title if not part or part[1] == 1 else f"{title} ({part[0]}/{part[1]})"
        heading = slide.shapes.title
        heading.left, heading.top, heading.width, heading.height = (
            Inches(0.5),
            Inches(0.3),
            Inches(12.3),
            Inches(0.9),
        )
        heading.text = text
        para = heading.text_frame.paragraphs[0]
        para.alignment = PP_ALIGN.LEFT
        for run in para.runs:
            run.font.size, run.font.bold = Pt(28), True
            run.font.color.rgb = RGBColor(0x0B, 0x3D, 0x91)
        self.text(
            slide,
            [(self.footer, False)],
            Inches(0.5),
            Inches(6.95),
            Inches(12.3),
            Inches(0.4),
            size=12,
            grey=True,
        )
        return slide, Pt

    def text(self, slide, paragraphs, left, top, width, height, size=18, grey=False, bullets=False):
        from pptx.dml.color import RGBColor
        from pptx.util import Pt

        box = slide.shapes.add_textbox(left, top, width, height)
        frame = box.text_frame
        frame.word_wrap = True
        for i, (text, bold) in enumerate(paragraphs):
            para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            para.text = ("• " + text) if bullets else text
            para.space_after = Pt(6)
            for run in para.runs:
                run.font.size, run.font.bold = Pt(size), bold
                run.font.color.rgb = RGBColor(0x6C, 0x75, 0x7D) if grey else RGBColor(0x21, 0x25, 0x29)
        return box

    def table(self, slide, header: list[str], rows: list[list[str]], widths: list[float], top=1.35, size=14):
        from pptx.util import Inches, Pt

        height = int(sum(_row_height(r, widths, size) for r in [header, *rows]) * 12700)  # EMU a point
        shape = slide.shapes.add_table(
            len(rows) + 1, len(header), Inches(0.5), Inches(top), Inches(sum(widths)), height
        )
        table = shape.table
        for j, w in enumerate(widths):
            table.columns[j].width = Inches(w)
        for i, row in enumerate([header, *rows]):
            for j, value in enumerate(row):
                cell = table.cell(i, j)
                cell.text = str(value)
                for para in cell.text_frame.paragraphs:
                    for run in para.runs:
                        run.font.size, run.font.bold = Pt(size), i == 0
        return shape

    def picture(self, slide, chart, max_width=12.3, max_height=5.4, top=1.3):
        from PIL import Image
        from pptx.util import Inches

        data = render.render_png(chart, PNG_SCALE)
        with Image.open(io.BytesIO(data)) as img:
            w, h = img.size
        scale = min(max_width / w, max_height / h)
        width, height = w * scale, h * scale
        left = (13.333 - width) / 2
        slide.shapes.add_picture(io.BytesIO(data), Inches(left), Inches(top), Inches(width), Inches(height))

    def save(self) -> bytes:
        out = io.BytesIO()
        self.prs.save(out)
        return out.getvalue()


def _title_slide(deck: _Deck, c: dict) -> None:
    from pptx.util import Inches

    slide, _unit = deck.slide(c["alliance"]["name"])
    lines = [
        (_("Health check %(round)s — steering-committee pack", round=c["round"]["label"]), True),
        (f"{c['alliance']['side_a']} × {c['alliance']['side_b']}", False),
        (
            _(
                "Opened %(opened)s · closed %(closed)s",
                opened=c["round"]["opened_on"],
                closed=c["round"]["closed_on"],
            )
            + f" · {c['round']['questionnaire']}",
            False,
        ),
    ]
    if c["alliance"]["north_star"]:
        lines.append((_("North Star: %(text)s", text=c["alliance"]["north_star"]), False))
    review = c["review"]
    if review and review["status"] == "published":
        note = _(
            "Review published %(when)s · version %(version)s",
            when=review["published_at"],
            version=review["version"],
        )
        if review["changed_after_publication"]:
            note += " · " + _("changed after publication")
        lines.append((note, False))
    elif review:
        lines.append((_("In joint review until %(date)s — not final", date=review["ends_on"]), True))
    deck.text(slide, lines[:1], Inches(0.5), Inches(1.6), Inches(12.3), Inches(0.8), size=24)
    deck.text(slide, lines[1:], Inches(0.5), Inches(2.6), Inches(12.3), Inches(4.0), size=20)


def _talking_slides(deck: _Deck, c: dict) -> None:
    from pptx.util import Inches

    say = sentences.for_report(c.get("report"), c.get("questionnaire"))
    points = [(say.point(p), False) for p in c["talking_points"]]
    if not points:
        points = [(_("Nothing stands out in this round: no real gap, no shared concern, no warning."), False)]
    points += [(r, False) for r in say.hidden_reasons(c["hidden_reasons"])]
    pages = _text_chunks(points, 16)
    for i, page in enumerate(pages, 1):
        slide, _unit = deck.slide(_("What to talk about"), (i, len(pages)))
        deck.text(slide, page, Inches(0.5), Inches(1.3), Inches(12.3), Inches(5.5), size=16, bullets=True)


def _headline_slide(deck: _Deck, c: dict) -> None:
    from pptx.dml.color import RGBColor
    from pptx.util import Inches, Pt

    h = c["headline"]
    slide, _unit = deck.slide(_("Headline indices"))
    rows = [
        [_("Alliance health index"), h["health_index"], h["rag"]],
        [_("Alignment index"), h["alignment_index"], _("100 = both sides alike")],
    ]
    for s in h["sides"]:
        answered = (
            _("%(n)s answered of %(invited)s", n=s["answered"], invited=s["invited"])
            if s["invited"]
            else _("%(n)s answered", n=s["answered"])
        )
        rows.append(
            [_("Health index %(side)s", side=f"{s['name']} ({s['side']})"), s["health_index"], answered]
        )
    shape = deck.table(slide, [_("Index"), _("Value"), _("Note")], rows, [5.5, 2.0, 4.8], size=18)
    colours = {"GREEN": (0x19, 0x87, 0x54), "AMBER": (0xFF, 0xC1, 0x07), "RED": (0xDC, 0x35, 0x45)}
    if h["rag"] in colours:
        cell = shape.table.cell(1, 2)
        cell.fill.solid()
        cell.fill.fore_color.rgb = RGBColor(*colours[h["rag"]])
        for run in cell.text_frame.paragraphs[0].runs:
            run.font.bold, run.font.size = True, Pt(18)
    note = _(
        "Scale %(min)s–%(max)s. A side's figures are shown only when at least k = %(k)s of its people answered.",  # noqa: E501
        min=c["scale"]["min"],
        max=c["scale"]["max"],
        k=c["k"],
    )
    deck.text(slide, [(note, False)], Inches(0.5), Inches(5.2), Inches(12.3), Inches(1.0), size=14, grey=True)


def _chart_slide(deck: _Deck, title: str, chart, caption: str) -> None:
    from pptx.util import Inches

    slide, _unit = deck.slide(title)
    if chart is None:
        deck.text(slide, [(caption, False)], Inches(0.5), Inches(1.5), Inches(12.3), Inches(2), size=20)
        return
    deck.picture(slide, chart, max_height=5.0)
    deck.text(
        slide, [(caption, False)], Inches(0.5), Inches(6.35), Inches(12.3), Inches(0.6), size=14, grey=True
    )


def _review_slides(deck: _Deck, c: dict) -> None:
    from pptx.util import Inches

    review = c["review"]
    if review is None:
        slide, _unit = deck.slide(_("Review outcome"))
        deck.text(
            slide,
            [(_("This round had no joint review."), False)],
            Inches(0.5),
            Inches(1.5),
            Inches(12.3),
            Inches(1),
            size=20,
        )
        return
    names = (c["alliance"]["side_a"], c["alliance"]["side_b"])
    rows = [[f["title"], f["A"], f["B"], f["outcome"]] for f in review["findings"]]
    header, widths = [_("Finding"), names[0], names[1], _("Outcome")], [6.1, 2.2, 2.2, 1.8]
    _table_slides(deck, _("Review outcome"), header, rows, widths, 14, _("No finding was reviewed."))
    said = []
    for f in review["findings"]:
        for t in f["thread"]:
            stance = f" ({t['stance']})" if t["stance"] else ""
            said.append((f"{f['title']} — {t['organisation']}{stance}: {t['text']}", False))
    if said:
        pages = _text_chunks(said, 16)
        for i, page in enumerate(pages, 1):
            slide, _unit = deck.slide(_("What each side said in the review"), (i, len(pages)))
            deck.text(slide, page, Inches(0.5), Inches(1.3), Inches(12.3), Inches(5.5), size=16, bullets=True)


def _table_slides(deck: _Deck, title: str, header, rows, widths, per_page: int, empty: str, size: int = 14):
    """A table over as many numbered slides as its rows need; one slide saying ``empty``
    when it has none."""
    from pptx.util import Inches

    pages = _table_pages(header, rows, widths, per_page)
    for i, page in enumerate(pages, 1):
        slide, _unit = deck.slide(title, (i, len(pages)))
        if page:
            deck.table(slide, header, page, widths, size=size)
        else:
            deck.text(slide, [(empty, False)], Inches(0.5), Inches(1.5), Inches(12.3), Inches(1), size=20)


def _action_slides(deck: _Deck, c: dict) -> None:

    names = (c["alliance"]["side_a"], c["alliance"]["side_b"])
    rows = [
        [
            a["title"],
            a["dimension"],
            a["owner_a"],
            a["owner_b"],
            a["due_on"],
            (sentences.word("status", a["status"]) or "")
            + ("" if a["accepted"] else " (" + _("proposed") + ")"),
        ]
        for a in c["actions"]
    ]
    header = [
        _("Action"),
        _("Dimension"),
        _("Owner %(side)s", side=names[0]),
        _("Owner %(side)s", side=names[1]),
        _("Due"),
        _("Status"),
    ]
    widths = [3.9, 1.9, 1.9, 1.9, 1.3, 1.4]
    _table_slides(
        deck, _("Joint action plan"), header, rows, widths, 12, _("No joint action was agreed."), size=12
    )


def _comment_slides(deck: _Deck, c: dict) -> None:
    from pptx.util import Inches

    say = sentences.for_report(c.get("report"), c.get("questionnaire"))
    paragraphs = []
    for block in c["comments"]:
        title = say.title(block.get("key"), block["dimension"])
        for side in block["sides"]:
            paragraphs.append((f"{title} — {side['name']}", True))
            paragraphs += [(f"“{t}”", False) for t in side["texts"]]
    if not paragraphs:
        paragraphs = [
            (
                _(
                    "No comments to show (a side's comments appear only when at least k = %(k)s of its people answered).",  # noqa: E501
                    k=c["k"],
                ),
                False,
            )
        ]
    pages = _text_chunks(paragraphs, 16)
    for i, page in enumerate(pages, 1):
        slide, _unit = deck.slide(_("Comments"), (i, len(pages)))
        deck.text(slide, page, Inches(0.5), Inches(1.3), Inches(12.3), Inches(5.5), size=16)


def to_pptx(c: dict) -> bytes:
    deck = _Deck(
        _(
            "%(alliance)s · health check %(round)s · generated %(when)s",
            alliance=c["alliance"]["name"],
            round=c["round"]["label"],
            when=c["generated"],
        )
    )
    _title_slide(deck, c)
    _talking_slides(deck, c)
    _headline_slide(deck, c)
    _chart_slide(
        deck,
        _("Where the two sides agree and differ"),
        c["charts"]["radar"],
        _("Each side's mean per dimension (rings at scale values)."),
    )
    _chart_slide(
        deck,
        _("Perception gaps"),
        c["charts"]["gaps"],
        _(
            "Gap per dimension with its %(level)s interval (black line): real, possible (could be chance) or aligned.",  # noqa: E501
            level="95 %",
        ),
    )
    trend = c["charts"]["trend"]
    _chart_slide(
        deck,
        _("Trend"),
        trend,
        _("Indices across rounds %(rounds)s.", rounds=", ".join(c["trend_rounds"]))
        if trend
        else _("The first closed round of this alliance: no trend yet."),
    )
    _review_slides(deck, c)
    _action_slides(deck, c)
    _comment_slides(deck, c)
    return deck.save()
