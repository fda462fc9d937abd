"""Deterministic generator of the DOCX / PDF / XLS / hidden-content XLSX corpus and of hostile files.

    python corpora/formats/generate_formats.py            # writes samples/ and hostile/ beside this file

Content comes from corpora/generate.py (same synthetic people, IDs, cards,
hard negatives and masking styles); this script only lays it out in the other
formats and records where each value landed, in the label format of
corpora/samples (see README.md here). Values planted where a reader does not
look (comments, tracked deletions, hidden text, hidden and very hidden sheets,
hidden rows and columns, defined names, document properties) carry
``"hidden": <part>``: the scanner must add P161 there.

After writing, every file is re-read with the auditor's loaders and each
label is checked against the location the loader reports for its value; every
run of 8+ digits must carry a label. Exit status 1 if anything disagrees.

Needs (generation only, not the scanner): reportlab (PDF), xlwt (XLS),
openpyxl (XLSX), msoffcrypto-tool (the password-protected hostile samples).
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import json
import re
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SEED = 20230415
SAMPLES = HERE / "samples"
HOSTILE = HERE / "hostile"
LOCATION_ORDER = ("sheet", "cell", "page", "paragraph", "table", "row", "col", "line", "field", "part")

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from writers import CellSpec, DocxBuilder, PdfBuilder, Run, paragraph_xml, scanned_pdf, table_xml, zip_bytes  # noqa: E402


def _load_base() -> ModuleType:
    """corpora/generate.py, loaded by path (corpora/ is not a package)."""
    name = "corpus_generate"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "corpora" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


base = _load_base()
Val = base.Val
Doc = base.Doc


@dataclass(slots=True)
class Placed:
    val: Any
    location: dict[str, Any]
    hidden: str | None = None


@dataclass(slots=True)
class Written:
    rel: str
    fmt: str
    placed: list[Placed] = field(default_factory=list)


def labels_for(rel: str, fmt: str, item: Placed) -> list[dict[str, Any]]:
    """The value's label plus, as corpora/generate.py does, what else is expected there.

    A name's record-level rules (P131/P141/P151) go in its ``also`` list; any other
    value's extra rules (a 残疾人证号's P162) get labels of their own.
    """
    val = item.val
    location = {k: item.location[k] for k in LOCATION_ORDER if item.location.get(k) is not None}
    out: dict[str, Any] = {
        "path": rel,
        "format": fmt,
        "encoding": None,
        "entity": val.entity,
        "rule_id": val.rule_id,
        "expect": val.expect,
        "kind": val.kind,
        "location": location,
        "value": val.text[val.lead :],
    }
    if val.lead:
        out["prefix"] = val.text[: val.lead]
    if item.hidden:
        out["hidden"] = item.hidden
    also = tuple(getattr(val, "also", ()))
    if val.entity == "PERSON_NAME":
        if also:
            out["also"] = list(also)
        return [out]
    entities = getattr(base, "RULE_LABEL_ENTITY", {})
    return [out] + [dict(out, entity=entities.get(rule, val.entity), rule_id=rule, expect="finding") for rule in also]


def flat(parts: Sequence[Any]) -> str:
    return "".join(p if isinstance(p, str) else p.text for p in parts).replace("\n", " ")


def vals(parts: Sequence[Any]) -> list[Any]:
    return [p for p in parts if not isinstance(p, str)]


# ---------------------------------------------------------------------------
# DOCX
# ---------------------------------------------------------------------------


@dataclass(slots=True)
class DocxOptions:
    merge_column: str | None = None  # header whose cells are merged vertically
    total_row: bool = False  # a 合计 row with a horizontally merged label
    nested_row: int = 0  # body row (1-based) whose last cell holds a nested table with a card
    deleted_row: int = 0  # body row whose ID cell keeps a tracked deletion of an older ID
    comment: bool = False  # a reviewer's comment carrying an ID on the second paragraph
    hidden_text: bool = False  # a run formatted hidden, holding a mobile
    textbox: bool = False  # a text box with a contact mobile
    header_id: bool = False  # a page header with an ID (template residue)
    footer_phone: bool = False  # a footer with the preparer's mobile
    properties: bool = False  # core property 'description' with an ID


def write_docx(g: Any, doc: Any, opts: DocxOptions, rel: str) -> tuple[bytes, Written]:
    out = Written(rel, "docx")
    builder = DocxBuilder(landscape=doc.table is not None and len(doc.table.headers) > 6)
    paragraphs = 0

    def paragraph(parts: Sequence[Any], extra: Sequence[Run] = (), **style: bool) -> int:
        nonlocal paragraphs
        paragraphs += 1
        runs: list[Run | str] = [flat([p]) for p in parts]
        runs += list(extra)
        builder.body.append(paragraph_xml(runs, **style))
        out.placed += [Placed(v, {"paragraph": paragraphs}) for v in vals(parts)]
        return paragraphs

    paragraph([doc.title], bold=True, center=True)
    for index, parts in enumerate(doc.intro):
        extra: list[Run] = []
        if index == 0 and opts.comment:
            note = g.id_val("id_plain")
            extra.append(Run("（已核实）", "comment", comment_id=1))
            builder.comments.append((1, f"核对人备注：户主{g.name()}身份证号{note.text}，已入户核实。"))
            out.placed.append(Placed(note, {"paragraph": paragraphs + 1, "part": "comment"}, "comment"))
        if index == 0 and opts.hidden_text:
            phone = g.phone_val("phone_plain")
            extra.append(Run(f"（户主本人手机{phone.text}）", "hidden"))
            out.placed.append(Placed(phone, {"paragraph": paragraphs + 1, "part": "hidden-text"}, "hidden-text"))
        if index == 0 and opts.textbox:
            phone = g.phone_val("phone_plain")
            extra.append(Run(f"村协理员{g.name()}\n手机：{phone.text}", "textbox"))
            out.placed.append(Placed(phone, {"paragraph": paragraphs + 1, "part": "textbox"}))
        paragraph(parts, extra)
    if doc.table is not None:
        _docx_table(g, doc, opts, builder, out)
        paragraphs += 1  # the empty paragraph after the table
        builder.body.append("<w:p/>")
    for parts in doc.outro:
        paragraph(parts)
    if opts.header_id:
        value = g.id_val("id_plain")
        builder.headers.append([paragraph_xml([f"{doc.village}核对底稿　户主{g.name()} {value.text}"])])
        out.placed.append(Placed(value, {"paragraph": 1, "part": "header"}))
    if opts.footer_phone:
        value = g.phone_val("phone_plain")
        builder.footers.append([paragraph_xml(["第 1 页"]), paragraph_xml([f"制表人：{g.name()}　手机{value.text}"])])
        out.placed.append(Placed(value, {"paragraph": 2, "part": "footer"}))
    if opts.properties:
        value = g.id_val("id_plain")
        builder.properties["dc:description"] = f"原始名单，户主身份证{value.text}"
        out.placed.append(Placed(value, {"part": "properties", "field": "description"}, "properties"))
    builder.properties["dc:creator"] = "镇政府办"
    return builder.build(), out


def _docx_table(g: Any, doc: Any, opts: DocxOptions, builder: DocxBuilder, out: Written) -> None:
    headers = doc.table.headers
    width = len(headers)
    rows: list[list[CellSpec]] = [[CellSpec([h]) for h in headers]]
    merge = headers.index(opts.merge_column) if opts.merge_column in headers else -1
    id_col = next((i for i, h in enumerate(headers) if "身份证" in h), -1)
    for r, row in enumerate(doc.table.rows, start=1):
        cells = []
        for c, cell in enumerate(row):
            parts = base.parts_of(cell)
            spec = CellSpec([flat(parts)])
            location = {"table": 1, "row": r + 1, "col": c + 1, "field": headers[c]}
            if c == merge:
                spec.vmerge = "restart" if r == 1 else "continue"
                if r > 1:
                    spec.runs = []
                    parts = []
            if r == opts.deleted_row and c == id_col:
                old = g.id_val("id_plain")
                spec.runs = [Run(old.text, "deleted"), Run(flat(parts), "inserted")]
                out.placed.append(Placed(old, {**location, "part": "deleted"}, "deleted"))
            if r == opts.nested_row and c == width - 1:
                card = g.bank_val("card_plain")
                spec.nested = [["原卡号", card.text]]
                out.placed.append(Placed(card, dict(location)))
            out.placed += [Placed(v, dict(location)) for v in vals(parts)]
            cells.append(spec)
        rows.append(cells)
    if opts.total_row:
        total = g.negative("amount")
        rows.append([CellSpec(["合计"], span=width - 1), CellSpec([total.text])])
        location = {"table": 1, "row": len(rows), "col": width, "field": headers[-1]}
        out.placed.append(Placed(total, location))
    builder.body.append(table_xml(rows, [1200] * width))


# ---------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------


def wrap(pdf: PdfBuilder, parts: Sequence[Any], width: float) -> list[list[Any]]:
    """Lines of parts that fit ``width``; values are never split across lines."""
    lines: list[list[Any]] = [[]]
    used = 0.0
    for part in parts:
        if isinstance(part, str):
            for char in part.replace("\n", " "):
                w = pdf.string_width(char)
                if used + w > width and lines[-1]:
                    lines.append([])
                    used = 0.0
                lines[-1].append(char)
                used += w
        else:
            w = pdf.string_width(part.text)
            if used + w > width and lines[-1]:
                lines.append([])
                used = 0.0
            lines[-1].append(part)
            used += w
    return [line for line in lines if line]


def write_pdf(doc: Any, rel: str, size: float = 7.5) -> tuple[bytes, Written]:
    out = Written(rel, "pdf")
    landscape = doc.table is not None and len(doc.table.headers) > 6
    pdf = PdfBuilder(landscape=landscape, size=size)

    def text(parts: Sequence[Any]) -> None:
        for line in wrap(pdf, parts, pdf.usable):
            page, number = pdf.text(flat(line))
            out.placed += [Placed(v, {"page": page, "line": number}) for v in vals(line)]

    text([doc.title])
    for parts in doc.intro:
        text(parts)
    if doc.table is not None:
        headers = doc.table.headers
        rows = [[flat(base.parts_of(c)) for c in row] for row in doc.table.rows]
        xs = pdf.columns([headers, *rows])
        pdf.cells(headers, xs, header=True)
        for row, cells in zip(doc.table.rows, rows, strict=True):
            page, number = pdf.cells(cells, xs)
            for c, cell in enumerate(row):
                for v in vals(base.parts_of(cell)):
                    out.placed.append(Placed(v, {"page": page, "line": number, "field": headers[c]}))
        pdf.end_table()
    for parts in doc.outro:
        text(parts)
    return pdf.build(), out


# ---------------------------------------------------------------------------
# XLS (xlwt) and hidden-content XLSX (openpyxl)
# ---------------------------------------------------------------------------


def sheet_rows(doc: Any) -> list[tuple[int, list[Any]]]:
    """(0-based row, cells) as write_sheet lays a doc out: title, header, data, blank, footer lines."""
    headers = doc.table.headers
    rows: list[tuple[int, list[Any]]] = [(0, [doc.title]), (1, list(headers))]
    rows += [(2 + i, list(row)) for i, row in enumerate(doc.table.rows)]
    first_footer = 2 + len(doc.table.rows) + 1
    rows += [(first_footer + i, [list(p)]) for i, p in enumerate(doc.outro)]
    return rows


def write_xls(docs: Sequence[Any], sheets: Sequence[dict[str, Any]], rel: str) -> tuple[bytes, Written]:
    import xlwt

    out = Written(rel, "xls")
    book = xlwt.Workbook(encoding="utf-8")
    for doc, opts in zip(docs, sheets, strict=True):
        ws = book.add_sheet(opts["name"], cell_overwrite_ok=True)
        headers = doc.table.headers
        hidden_cols = {headers.index(h) for h in opts.get("hidden_columns", ())}
        hidden_rows = set(opts.get("hidden_rows", ()))  # 1-based
        for r, cells in sheet_rows(doc):
            for c, cell in enumerate(cells):
                value, val = base.cell_value(base.parts_of(cell))
                if r == 0:
                    ws.write_merge(0, 0, 0, len(headers) - 1, value)
                    continue
                ws.write(r, c, value)
                if val is None:
                    continue
                part = (
                    (opts.get("hidden") and "hidden-sheet")
                    or (r + 1 in hidden_rows and "hidden-row")
                    or (c in hidden_cols and "hidden-column")
                    or None
                )
                location = {"sheet": opts["name"], "cell": f"{base.column_letter(c + 1)}{r + 1}", "row": r + 1}
                location["field"] = headers[c]
                out.placed.append(Placed(val, location, part))
        if opts.get("hidden"):
            ws.visibility = 2 if opts.get("very") else 1
        for c in hidden_cols:
            ws.col(c).hidden = True
        for r in hidden_rows:
            ws.row(r - 1).hidden = True
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), out


def write_xlsx_hidden(g: Any, docs: Sequence[Any], sheets: Sequence[dict[str, Any]], rel: str) -> tuple[bytes, Written]:
    """openpyxl workbook: very hidden sheets, hidden rows/cols, comments, a defined name, properties."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.packaging.custom import StringProperty
    from openpyxl.workbook.defined_name import DefinedName

    out = Written(rel, "xlsx")
    wb = Workbook()
    wb.remove(wb.active)
    for doc, opts in zip(docs, sheets, strict=True):
        ws = wb.create_sheet(opts["name"])
        placed = base.write_sheet(ws, doc, opts)
        hidden_cols = {base.column_letter(doc.table.headers.index(h) + 1) for h in opts.get("hidden_columns", ())}
        for val, location in placed:
            col = re.sub(r"\d", "", location["cell"])
            part = (
                (opts.get("state") in ("hidden", "veryHidden") and "hidden-sheet")
                or (location["row"] in opts.get("hidden_rows", ()) and "hidden-row")
                or (col in hidden_cols and "hidden-column")
                or None
            )
            out.placed.append(Placed(val, location, part))
        if opts.get("state"):
            ws.sheet_state = opts["state"]
        for ref in opts.get("comments", ()):
            value = g.id_val("id_plain")
            ws[ref].comment = Comment(f"审核人:\n户主{g.name()}身份证{value.text}，材料已核。", "审核人")
            row = int(re.sub(r"\D", "", ref))
            out.placed.append(Placed(value, {"sheet": ws.title, "cell": ref, "row": row, "part": "comment"}, "comment"))
    if any(o.get("names") for o in sheets):
        value = g.id_val("id_plain")
        wb.defined_names["联系人身份证"] = DefinedName("联系人身份证", attr_text=f'"{value.text}"')
        out.placed.append(Placed(value, {"part": "defined-name", "field": "联系人身份证"}, "defined-name"))
    if any(o.get("properties") for o in sheets):
        value = g.id_val("id_plain")
        wb.properties.description = f"原始数据，户主身份证{value.text}"
        out.placed.append(Placed(value, {"part": "properties", "field": "description"}, "properties"))
        phone = g.phone_val("phone_plain")
        wb.custom_doc_props.append(StringProperty(name="经办人手机", value=phone.text))
        out.placed.append(Placed(phone, {"part": "properties", "field": "经办人手机"}, "properties"))
    wb.properties.creator = "镇政府办"
    wb.properties.created = base.FIXED_TIME
    buffer = io.BytesIO()
    wb.save(buffer)
    return base.normalise_zip(buffer.getvalue()), out


# ---------------------------------------------------------------------------
# The plan
# ---------------------------------------------------------------------------


def plan(g: Any, towns: list[Any]) -> list[tuple[Callable[[], tuple[bytes, Written]], str]]:
    """(writer, relative path) for every sample; built in a fixed order so the seed decides all."""
    t = towns
    items: list[tuple[Callable[[], tuple[bytes, Written]], str]] = []

    def doc(town: Any, kind: str, style: str, rows: int) -> Any:
        return base.build_doc(g, town, kind, style, rows, 2023, 4)

    docx_plan = [
        ("dibao", "exposed", 22, DocxOptions(merge_column="所属村（社区）", header_id=True, footer_phone=True)),
        ("gengdi", "mixed", 18, DocxOptions(total_row=True, deleted_row=3, comment=True)),
        ("canji", "exposed", 16, DocxOptions(nested_row=2, hidden_text=True, properties=True)),
        ("notice", "exposed", 12, DocxOptions(textbox=True, comment=True)),
        ("jiaoyu", "weak", 14, DocxOptions(deleted_row=5, footer_phone=True)),
        ("linshi", "masked", 12, DocxOptions(hidden_text=True, header_id=True)),
        ("dibao", "mixed", 20, DocxOptions(textbox=True, properties=True, total_row=True)),
    ]
    for i, (kind, style, rows, opts) in enumerate(docx_plan):
        town = t[i % len(t)]
        d = doc(town, kind, style, rows)
        rel = f"docx/{town.slug}_{base.KIND_NAMES[kind]}_{i:02d}.docx"
        items.append(((lambda d=d, o=opts, r=rel: write_docx(g, d, o, r)), rel))
    pdf_plan = [
        ("dibao", "exposed", 60),
        ("gengdi", "exposed", 45),
        ("canji", "mixed", 30),
        ("notice", "exposed", 14),
        ("jiaoyu", "weak", 24),
        ("linshi", "mixed", 20),
        ("gengdi", "mixed", 50),
    ]
    for i, (kind, style, rows) in enumerate(pdf_plan):
        town = t[(i + 2) % len(t)]
        d = doc(town, kind, style, rows)
        rel = f"pdf/{town.slug}_{base.KIND_NAMES[kind]}_{i:02d}.pdf"
        items.append(((lambda d=d, r=rel: write_pdf(d, r)), rel))
    # XLS: hidden and very hidden sheets, hidden rows and columns, numeric IDs.
    xls_plan = [
        (
            [("gengdi", "masked", 16), ("gengdi", "exposed", 30)],
            [{"name": "公示"}, {"name": "原始数据", "hidden": True}],
        ),
        (
            [("dibao", "exposed", 28), ("linshi", "weak", 12)],
            [{"name": "低保", "hidden_columns": ["联系电话"], "hidden_rows": [6, 11]}, {"name": "临时救助"}],
        ),
        (
            [("canji", "masked", 14), ("canji", "exposed", 20)],
            [{"name": "两项补贴"}, {"name": "底稿", "hidden": True, "very": True}],
        ),
        ([("dibao", "exposed", 24), ("jiaoyu", "mixed", 16)], [{"name": "导出"}, {"name": "学生资助"}]),
    ]
    for i, (docs_spec, sheets) in enumerate(xls_plan):
        town = t[(i + 1) % len(t)]
        docs = [doc(town, kind, style, rows) for kind, style, rows in docs_spec]
        if i == 3:
            base.to_numbers(g, docs[0])
        rel = f"xls/{town.slug}_{base.KIND_NAMES[docs_spec[0][0]]}_{i:02d}.xls"
        items.append(((lambda d=docs, s=sheets, r=rel: write_xls(d, s, r)), rel))
    xlsx_plan = [
        (
            [("dibao", "masked", 18), ("dibao", "exposed", 26)],
            [
                {"name": "公示", "comments": ["C4", "C9"], "names": True, "properties": True},
                {"name": "系统导出", "state": "veryHidden"},
            ],
        ),
        (
            [("jiaoyu", "exposed", 30)],
            [{"name": "资助名单", "hidden_columns": ["身份证号", "银行卡号"], "hidden_rows": [4, 5, 20]}],
        ),
        (
            [("gengdi", "mixed", 20), ("canji", "exposed", 12)],
            [{"name": "耕地补贴", "comments": ["B6"]}, {"name": "残疾人", "state": "hidden", "hidden_rows": [7]}],
        ),
    ]
    for i, (docs_spec, sheets) in enumerate(xlsx_plan):
        town = t[(i + 3) % len(t)]
        docs = [doc(town, kind, style, rows) for kind, style, rows in docs_spec]
        rel = f"xlsx/{town.slug}_隐藏内容_{i:02d}.xlsx"
        items.append(((lambda d=docs, s=sheets, r=rel: write_xlsx_hidden(g, d, s, r)), rel))
    return items


def generate(out: Path = SAMPLES, seed: int = SEED) -> list[dict[str, Any]]:
    base.prepare_out(out)
    g = base.Gen(seed, base.load_regions())
    towns = base.make_towns(g)
    labels: list[dict[str, Any]] = []
    for writer, rel in plan(g, towns):
        data, written = writer()
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        labels += [lab for p in written.placed for lab in labels_for(rel, written.fmt, p)]
    labels.sort(key=sort_key)
    with (out / "labels.jsonl").open("w", encoding="utf-8", newline="\n") as fh:
        for item in labels:
            fh.write(json.dumps(item, ensure_ascii=False) + "\n")
    return labels


def sort_key(item: dict[str, Any]) -> tuple[Any, ...]:
    loc = item["location"]
    return (
        item["path"],
        str(loc.get("part", "")),
        str(loc.get("sheet", "")),
        *(loc.get(k) or 0 for k in ("page", "paragraph", "table", "row", "line", "col")),
        str(loc.get("cell", "")),
    )


# ---------------------------------------------------------------------------
# Hostile files
# ---------------------------------------------------------------------------

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10))
    + "]>\n"
)


def hostile_files(samples: Path) -> dict[str, tuple[bytes, str]]:
    """name -> (bytes, what the E001 message must mention)."""
    docx = (samples / "docx").glob("*.docx")
    good_docx = next(iter(sorted(docx))).read_bytes()
    good_xlsx = next(iter(sorted((samples / "xlsx").glob("*.xlsx")))).read_bytes()
    good_pdf = next(iter(sorted((samples / "pdf").glob("*.pdf")))).read_bytes()
    files: dict[str, tuple[bytes, str]] = {
        "空文件.docx": (b"", "0 字节"),
        "空文件.pdf": (b"", "0 字节"),
        "空文件.xls": (b"", "0 字节"),
        "截断.docx": (good_docx[: len(good_docx) // 2], "截断"),
        "截断.xlsx": (good_xlsx[: len(good_xlsx) // 2], "截断"),
        "截断.pdf": (good_pdf[: len(good_pdf) // 3], "PDF"),
        "扩展名错误_实为PDF.docx": (good_pdf, "扩展名不符"),
        "扩展名错误_实为docx.xlsx": (good_docx, "扩展名不符"),
        "扩展名错误_实为xlsx.pdf": (good_xlsx, "扩展名不符"),
        "扩展名错误_实为文本.xls": ("序号,姓名\n1,张三\n".encode("gbk"), "扩展名不符"),
        "压缩炸弹_声明超大.xlsx": (_declared_bomb(good_xlsx), "压缩炸弹"),
        "压缩炸弹_压缩比.docx": (_ratio_bomb(good_docx), "压缩炸弹"),
        "压缩炸弹_谎报大小.xlsx": (_lying_bomb(good_xlsx), "压缩炸弹"),
        "实体炸弹.docx": (_entity_bomb(good_docx, "word/document.xml"), "实体"),
        "实体炸弹.xlsx": (_entity_bomb(good_xlsx, "xl/workbook.xml"), "实体"),
        "页面树循环.pdf": (_looping_pdf(), "循环"),
        "扫描件.pdf": (scanned_pdf(["Scanned notice", "ID 5323 2819 ..."]), "OCR"),
        "加密.pdf": (_encrypted_pdf(), "密码"),
        "压缩炸弹.pdf": (_stream_bomb_pdf(), "压缩炸弹"),
        "数据流截断.pdf": (_truncated_stream_pdf(), "文本层"),
    }
    encrypted = _encrypted_ooxml(good_docx), _encrypted_ooxml(good_xlsx)
    if encrypted[0] is not None and encrypted[1] is not None:
        files["加密.docx"] = (encrypted[0], "密码")
        files["加密.xlsx"] = (encrypted[1], "密码")
    return files


def _rewrite(data: bytes, change: Callable[[str, bytes], bytes]) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    return zip_bytes([(i.filename, change(i.filename, src.read(i.filename))) for i in src.infolist()])


def _declared_bomb(good: bytes) -> bytes:
    """A real workbook whose central directory claims a 3 GB sheet: rejected before inflating."""
    data = bytearray(good)
    pos = data.find(b"PK\x01\x02")
    while pos != -1:
        name_len = struct.unpack_from("<H", data, pos + 28)[0]
        name = bytes(data[pos + 46 : pos + 46 + name_len])
        if name.startswith(b"xl/worksheets/"):
            struct.pack_into("<I", data, pos + 24, 3_000_000_000)
        pos = data.find(b"PK\x01\x02", pos + 4)
    return bytes(data)


def _ratio_bomb(good: bytes) -> bytes:
    """An extra 300 MB member of zeros (about 300 KB compressed): ratio ~1000:1."""
    src = zipfile.ZipFile(io.BytesIO(good))
    members = [(i.filename, src.read(i.filename)) for i in src.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, payload in members:
            info = zipfile.ZipInfo(name, date_time=(2023, 3, 1, 9, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, payload)
        info = zipfile.ZipInfo("word/media/padding.bin", date_time=(2023, 3, 1, 9, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as fh:
            block = bytes(1 << 20)
            for _ in range(300):
                fh.write(block)
    return out.getvalue()


def _lying_bomb(good: bytes) -> bytes:
    """A member whose headers declare 2 KB but which inflates to 40 MB of zeros."""
    payload = zlib.compressobj(9, zlib.DEFLATED, -15)
    compressed = payload.compress(bytes(40 << 20)) + payload.flush()
    crc = zlib.crc32(bytes(2048))
    name = b"xl/media/image1.bin"
    src = zipfile.ZipFile(io.BytesIO(good))
    members = [(i.filename, src.read(i.filename)) for i in src.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members:
            info = zipfile.ZipInfo(member, date_time=(2023, 3, 1, 9, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    body = out.getvalue()
    cd_start = body.find(b"PK\x01\x02")
    eocd = body.rfind(b"PK\x05\x06")
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(compressed), 2048, len(name), 0)
    central = struct.pack(
        "<IHHHHHHIIIHHHHHII",
        0x02014B50,
        20,
        20,
        0,
        8,
        0,
        0,
        crc,
        len(compressed),
        2048,
        len(name),
        0,
        0,
        0,
        0,
        0,
        cd_start,
    )
    entries, _size, _ = struct.unpack_from("<HIi", body, eocd + 10)
    new_cd_start = cd_start + len(local) + len(name) + len(compressed)
    cd = body[cd_start:eocd] + central + name
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, entries + 1, entries + 1, len(cd), new_cd_start, 0)
    return body[:cd_start] + local + name + compressed + cd + end


def _entity_bomb(good: bytes, part: str) -> bytes:
    def change(name: str, payload: bytes) -> bytes:
        if name != part:
            return payload
        text = payload.decode("utf-8")
        text = re.sub(r"^<\?xml[^>]*\?>\s*", "", text)
        return (BILLION_LAUGHS + text.replace("<w:t ", "<w:t ", 1)).replace("镇", "&lol9;", 1).encode("utf-8")

    return _rewrite(good, change)


def _looping_pdf() -> bytes:
    """Pages node 2 lists itself among its kids, next to a real page."""
    stream = b"BT ET"
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
            b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        ]
    )


def _pdf(objects: Sequence[bytes]) -> bytes:
    """A minimal PDF with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _stream_bomb_pdf() -> bytes:
    """One page whose content stream inflates to 200 MB of spaces (about 200 KB on disk)."""
    packer = zlib.compressobj(9)
    stream = packer.compress(b"BT ET " + b" " * (200 << 20)) + packer.flush()
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        ]
    )


def _truncated_stream_pdf() -> bytes:
    """A content stream cut short: 32 KB on disk that inflates to 32 MB of spaces.

    pdfminer retries a broken stream one byte at a time, quadratically (minutes for this
    file) unless the loader replaces that retry; the page has no text, so E001 follows.
    """
    packer = zlib.compressobj(9)
    whole = packer.compress(b"BT ET " + b" " * (48 << 20)) + packer.flush()
    stream = whole[: len(whole) * 2 // 3]
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        ]
    )


def _encrypted_pdf() -> bytes:
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, invariant=1, encrypt=StandardEncryption("user-secret", "owner-secret"))
    pdf.drawString(72, 720, "confidential list")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _encrypted_ooxml(good: bytes) -> bytes | None:
    """The file encrypted with a password (Agile encryption) as Office does; None without msoffcrypto."""
    try:
        from msoffcrypto.format.ooxml import OOXMLFile
    except ImportError:
        return None
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(good)).encrypt("secret", out)
    return out.getvalue()


def write_hostile(samples: Path = SAMPLES, out: Path = HOSTILE) -> dict[str, str]:
    out.mkdir(parents=True, exist_ok=True)
    for old in out.iterdir():
        if old.is_file():
            old.unlink()
    expected = {}
    for name, (data, reason) in sorted(hostile_files(samples).items()):
        (out / name).write_bytes(data)
        expected[name] = reason
    manifest = "".join(json.dumps({"path": k, "mentions": v}, ensure_ascii=False) + "\n" for k, v in expected.items())
    (out / "expected.jsonl").write_text(manifest, encoding="utf-8")
    return expected


# ---------------------------------------------------------------------------
# Verification through the auditor's loaders
# ---------------------------------------------------------------------------

LONG_DIGITS = re.compile(r"[0-9０-９]{8,}")


def same_place(label_loc: dict[str, Any], found: dict[str, Any]) -> bool:
    keys = set(label_loc) | {k for k in found if k in LOCATION_ORDER}
    return all(label_loc.get(k) == found.get(k) for k in keys)


def verify(root: Path = SAMPLES) -> list[str]:
    from auditor.loaders import format_of, loader_for

    labels = [json.loads(line) for line in (root / "labels.jsonl").read_text(encoding="utf-8").splitlines()]
    by_path: dict[str, list[dict[str, Any]]] = {}
    for item in labels:
        by_path.setdefault(item["path"], []).append(item)
    problems: list[str] = []
    for file in sorted(p for p in root.rglob("*") if p.is_file() and p.name != "labels.jsonl"):
        rel = file.relative_to(root).as_posix()
        fmt = format_of(file)
        document = loader_for(fmt)(file, fmt, file.read_bytes())
        todo = by_path.pop(rel, [])
        found = [False] * len(todo)
        for block in document.blocks:
            covered: list[tuple[int, int]] = []
            for i, item in enumerate(todo):
                shown = item.get("prefix", "") + item["value"]
                start = block.text.find(shown)
                while start != -1:
                    at = start + len(item.get("prefix", ""))
                    covered.append((start, at + len(item["value"])))
                    where = block.locator.locate(at, at + len(item["value"])).location
                    hidden = block.part if block.hidden else None
                    if same_place(item["location"], where) and hidden == item.get("hidden"):
                        found[i] = True
                    start = block.text.find(shown, start + 1)
            for match in LONG_DIGITS.finditer(block.text):
                if not any(a <= match.start() < b for a, b in covered):
                    where = block.locator.locate(match.start(), match.end()).location
                    problems.append(f"{rel} {where}: unlabelled long number")
        problems += [
            f"{rel} {item['location']}: label not found ({item['kind']})" for i, item in enumerate(todo) if not found[i]
        ]
    problems += [f"labels for a missing file: {path}" for path in by_path]
    return problems


def check(committed: Path, seed: int) -> int:
    """Exit 1 when regenerating would change the committed labels or DOCX/PDF/XLS bytes."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "samples"
        generate(fresh, seed)
        changed = [
            p.relative_to(fresh).as_posix()
            for p in sorted(fresh.rglob("*"))
            if p.is_file()
            and p.suffix in (".jsonl", ".docx", ".pdf", ".xls")
            and (
                not (committed / p.relative_to(fresh)).exists()
                or (committed / p.relative_to(fresh)).read_bytes() != p.read_bytes()
            )
        ]
    for name in changed:
        print("differs:", name)
    print("committed corpus is up to date" if not changed else f"{len(changed)} files differ: regenerate")
    return 1 if changed else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=SAMPLES)
    parser.add_argument("--hostile", type=Path, default=HOSTILE)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--check", action="store_true", help="regenerate in a temporary folder and diff")
    args = parser.parse_args(argv)
    if args.check:
        return check(args.out, args.seed)
    labels = generate(args.out, args.seed)
    expected = write_hostile(args.out, args.hostile)
    files = [p for p in args.out.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    print(f"samples: {len(files)} files, {size / 1e6:.2f} MB, {len(labels)} labels in {args.out}")
    for axis, counts in base.summarise(labels).items():
        if axis in ("format", "expect", "rule_id"):
            print(f"  {axis}: " + ", ".join(f"{k}={v}" for k, v in counts.items()))
    print(f"  hidden: {sum(1 for item in labels if item.get('hidden'))}")
    hostile_size = sum(p.stat().st_size for p in args.hostile.iterdir())
    print(f"hostile: {len(expected)} files, {hostile_size / 1e6:.2f} MB in {args.hostile}")
    problems = verify(args.out)
    for problem in problems[:60]:
        print("VERIFY:", problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
