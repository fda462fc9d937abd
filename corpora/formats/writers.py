"""Small deterministic writers for the format corpus: DOCX as raw WordprocessingML, PDF through reportlab.

DOCX is written by hand (zip + XML) because python-docx cannot write text
boxes, tracked deletions or comments, and hand-written parts keep the bytes
stable. PDFs use reportlab's built-in CID font STSong-Light (Adobe-GB1), which
needs no font file: the PDF names the font and any reader (and pdfminer)
maps its codes back to Unicode, so no CJK TTF has to be on the machine.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

ZIP_TIME = (2023, 3, 1, 9, 0, 0)
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NAMESPACES = (
    f'xmlns:w="{W}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"'
)
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


# ---------------------------------------------------------------------------
# DOCX
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Run:
    """One run of a paragraph: plain, deleted (tracked), hidden (vanish), a text box or a comment anchor."""

    text: str
    kind: str = "plain"  # plain | deleted | hidden | inserted | textbox | comment
    comment_id: int = 0


def t(text: str) -> str:
    return f'<w:t xml:space="preserve">{escape(text)}</w:t>'


def run_xml(run: Run) -> str:
    if run.kind == "deleted":
        return (
            f'<w:del w:id="{900 + len(run.text)}" w:author="镇政府办" w:date="2023-03-01T09:00:00Z">'
            f'<w:r><w:delText xml:space="preserve">{escape(run.text)}</w:delText></w:r></w:del>'
        )
    if run.kind == "hidden":
        return f"<w:r><w:rPr><w:vanish/></w:rPr>{t(run.text)}</w:r>"
    if run.kind == "inserted":
        return f'<w:ins w:id="800" w:author="镇政府办" w:date="2023-03-01T09:00:00Z"><w:r>{t(run.text)}</w:r></w:ins>'
    if run.kind == "textbox":
        paragraphs = "".join(f"<w:p><w:r>{t(line)}</w:r></w:p>" for line in run.text.split("\n"))
        return (
            '<w:r><w:pict><v:shape id="TextBox1" o:spid="_x0000_s1026" type="#_x0000_t202" '
            'style="position:absolute;margin-left:300pt;width:180pt;height:60pt">'
            f"<v:textbox><w:txbxContent>{paragraphs}</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
        )
    if run.kind == "comment":
        cid = run.comment_id
        return (
            f'<w:commentRangeStart w:id="{cid}"/><w:r>{t(run.text)}</w:r><w:commentRangeEnd w:id="{cid}"/>'
            f'<w:r><w:commentReference w:id="{cid}"/></w:r>'
        )
    return f"<w:r>{t(run.text)}</w:r>"


def paragraph_xml(runs: Sequence[Run | str], bold: bool = False, center: bool = False) -> str:
    props = ""
    if center:
        props = '<w:pPr><w:jc w:val="center"/></w:pPr>'
    body = "".join(run_xml(Run(r) if isinstance(r, str) else r) for r in runs)
    if bold:
        body = body.replace("<w:r>", "<w:r><w:rPr><w:b/></w:rPr>")
    return f"<w:p>{props}{body}</w:p>"


@dataclass(slots=True)
class CellSpec:
    """A table cell: paragraphs of runs, spans, and an optional nested table (rows of cell texts)."""

    runs: list[Run | str] = field(default_factory=list)
    span: int = 1
    vmerge: str | None = None  # restart | continue
    nested: list[list[str]] | None = None


def table_xml(rows: Sequence[Sequence[CellSpec]], widths: Sequence[int]) -> str:
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    borders = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    out = [f'<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/><w:tblBorders>{borders}</w:tblBorders></w:tblPr>']
    out.append(f"<w:tblGrid>{grid}</w:tblGrid>")
    for row in rows:
        out.append("<w:tr>")
        for cell in row:
            props = ""
            if cell.span > 1:
                props += f'<w:gridSpan w:val="{cell.span}"/>'
            if cell.vmerge == "restart":
                props += '<w:vMerge w:val="restart"/>'
            elif cell.vmerge == "continue":
                props += "<w:vMerge/>"
            out.append(f"<w:tc><w:tcPr>{props}</w:tcPr>" if props else "<w:tc>")
            out.append(paragraph_xml(cell.runs))
            if cell.nested:
                inner = [[CellSpec([text]) for text in nested_row] for nested_row in cell.nested]
                out.append(table_xml(inner, [1500] * max(len(r) for r in cell.nested)))
                out.append("<w:p/>")
            out.append("</w:tc>")
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


@dataclass(slots=True)
class DocxBuilder:
    """Collects body XML, headers, footers, comments and core properties; writes a docx."""

    body: list[str] = field(default_factory=list)
    headers: list[list[str]] = field(default_factory=list)
    footers: list[list[str]] = field(default_factory=list)
    comments: list[tuple[int, str]] = field(default_factory=list)
    properties: dict[str, str] = field(default_factory=dict)
    landscape: bool = False

    def build(self) -> bytes:
        rels = []
        overrides = [
            ("/word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
            ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
        ]
        refs = []
        files: dict[str, str] = {}
        for kind, parts in (("header", self.headers), ("footer", self.footers)):
            for i, paragraphs in enumerate(parts, start=1):
                rid = f"rId{kind}{i}"
                name = f"{kind}{i}.xml"
                rels.append((rid, kind, name))
                overrides.append(
                    (f"/word/{name}", f"application/vnd.openxmlformats-officedocument.wordprocessingml.{kind}+xml")
                )
                tag = "hdr" if kind == "header" else "ftr"
                files[f"word/{name}"] = f"{XML_DECL}<w:{tag} {NAMESPACES}>{''.join(paragraphs)}</w:{tag}>"
                ref_type = "default" if i == 1 else "first" if i == 2 else "even"
                refs.append(f'<w:{kind}Reference w:type="{ref_type}" r:id="{rid}"/>')
        if self.comments:
            rels.append(("rIdComments", "comments", "comments.xml"))
            overrides.append(
                ("/word/comments.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml")
            )
            items = "".join(
                f'<w:comment w:id="{cid}" w:author="审核人" w:date="2023-03-01T09:00:00Z" w:initials="S">'
                + "".join(paragraph_xml([line]) for line in text.split("\n"))
                + "</w:comment>"
                for cid, text in self.comments
            )
            files["word/comments.xml"] = f"{XML_DECL}<w:comments {NAMESPACES}>{items}</w:comments>"
        size = '<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/>' if self.landscape else ""
        section = f"<w:sectPr>{''.join(refs)}{size}</w:sectPr>"
        files["word/document.xml"] = (
            f"{XML_DECL}<w:document {NAMESPACES}><w:body>{''.join(self.body)}{section}</w:body></w:document>"
        )
        rel_xml = "".join(
            f'<Relationship Id="{rid}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            f'{kind}" Target="{target}"/>'
            for rid, kind, target in rels
        )
        files["word/_rels/document.xml.rels"] = f"{XML_DECL}<Relationships {REL_XMLNS}>{rel_xml}</Relationships>"
        files["_rels/.rels"] = (
            f"{XML_DECL}<Relationships {REL_XMLNS}>"
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="word/document.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
            'core-properties" Target="docProps/core.xml"/></Relationships>'
        )
        props = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in sorted(self.properties.items()))
        files["docProps/core.xml"] = (
            f'{XML_DECL}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
            'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/">'
            f"{props}</cp:coreProperties>"
        )
        types = "".join(f'<Override PartName="{p}" ContentType="{c}"/>' for p, c in overrides)
        files["[Content_Types].xml"] = (
            f'{XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f'<Default Extension="xml" ContentType="application/xml"/>{types}</Types>'
        )
        order = ["[Content_Types].xml", "_rels/.rels", "docProps/core.xml", "word/document.xml"]
        order += sorted(k for k in files if k not in order)
        return zip_bytes([(name, files[name].encode("utf-8")) for name in order])


REL_XMLNS = 'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"'


def zip_bytes(members: Sequence[tuple[str, bytes]]) -> bytes:
    """A zip with fixed timestamps, so regenerating gives identical bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, payload in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, payload)
    return out.getvalue()


# ---------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------

FONT = "STSong-Light"
# STSong-Light's UniGB-UCS2-H encoding has no code for U+00B7 (the dot in 扎西·平措); the katakana
# middle dot maps to the Adobe-GB1 glyph that readers (and pdfminer) report as U+00B7.
DRAWABLE = str.maketrans({"·": "・"})


class PdfBuilder:
    """Draws numbered visual lines: one call, one line at its own baseline; pages break by themselves.

    ``text`` draws a left-aligned line; ``cells`` draws a table row with each
    cell at its column's x (gaps wide enough to read as column breaks).
    """

    def __init__(self, landscape: bool = False, size: float = 8.0) -> None:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont
        from reportlab.pdfgen import canvas

        if FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        self.width, self.height = (842.0, 595.0) if landscape else (595.0, 842.0)
        self.buffer = io.BytesIO()
        self.canvas = canvas.Canvas(self.buffer, pagesize=(self.width, self.height), invariant=1)
        self.canvas.setTitle("公示")
        self.size = size
        self.leading = size * 2.0
        self.margin = 36.0
        self.page = 1
        self.line = 0
        self.y = self.height - self.margin
        self.repeat: list[tuple[list[str], list[float]]] = []
        self.canvas.setFont(FONT, size)

    def string_width(self, text: str) -> float:
        from reportlab.pdfbase import pdfmetrics

        return pdfmetrics.stringWidth(text, FONT, self.size)

    @property
    def usable(self) -> float:
        return self.width - 2 * self.margin

    def _room(self) -> None:
        """Start a new page when the next line would not fit; repeat the table header there."""
        if self.y - self.leading >= self.margin:
            return
        self.canvas.showPage()
        self.canvas.setFont(FONT, self.size)
        self.page += 1
        self.line = 0
        self.y = self.height - self.margin
        for cells, xs in self.repeat:
            self._draw_cells(cells, xs)

    def _next(self) -> tuple[int, int]:
        self.y -= self.leading
        self.line += 1
        return self.page, self.line

    def text(self, text: str) -> tuple[int, int]:
        self._room()
        where = self._next()
        self.canvas.drawString(self.margin, self.y, text.translate(DRAWABLE))
        return where

    def _draw_cells(self, cells: Sequence[str], xs: Sequence[float]) -> tuple[int, int]:
        where = self._next()
        for text, x in zip(cells, xs, strict=False):
            if text:
                self.canvas.drawString(x, self.y, text.translate(DRAWABLE))
        self.canvas.line(self.margin, self.y - 4, self.width - self.margin, self.y - 4)
        return where

    def cells(self, cells: Sequence[str], xs: Sequence[float], header: bool = False) -> tuple[int, int]:
        self._room()
        where = self._draw_cells(cells, xs)
        if header:
            self.repeat = [(list(cells), list(xs))]
        return where

    def end_table(self) -> None:
        self.repeat = []

    def columns(self, rows: Sequence[Sequence[str]], gap: float = 14.0) -> list[float]:
        """x of each column: widest text plus a gap that a reader sees as a column break."""
        widths = [0.0] * max(len(r) for r in rows)
        for row in rows:
            for i, text in enumerate(row):
                widths[i] = max(widths[i], self.string_width(text))
        xs, x = [], self.margin
        for w in widths:
            xs.append(x)
            x += w + gap
        return xs

    def build(self) -> bytes:
        self.canvas.showPage()
        self.canvas.save()
        return self.buffer.getvalue()


def scanned_pdf(lines: Sequence[str]) -> bytes:
    """A 'scan': the page is one raster image of text, with no text layer at all."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("L", (620, 877), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((40, 40 + 24 * i), line.encode("ascii", "replace").decode(), fill=0)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(595, 842), invariant=1)
    pdf.drawImage(ImageReader(image), 0, 0, 595, 842)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
