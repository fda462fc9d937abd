"""Peak memory and wall time of scanning one ≥100 MB xlsx and one ≥100 MB csv (issue 4; not a test).

    python bench/bench_memory.py [--dir /tmp/auditor-bench-memory] [--size-mb 100] [--exposed 0.02]

Writes the two files once (kept for reruns): a subsidy list of synthetic rows,
most of them de-identified and a share ``--exposed`` with a readable ID, mobile
and card, as a real sweep sees. The xlsx is streamed straight into the zip as
sheet XML (sheets of 500,000 rows; inline strings) so generation itself stays
small. Each file is then scanned by ``python -m auditor scan`` in its own child
process, and the peak RSS of that child (resource.getrusage(RUSAGE_CHILDREN),
read by a fresh wrapper process per file) and the wall time are printed.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
HEADERS = [
    "序号",
    "户主姓名",
    "身份证号码",
    "家庭人口",
    "保障类别",
    "月保障金额（元）",
    "所属村（社区）",
    "联系电话",
    "银行账号",
]
ROWS_PER_SHEET = 500_000
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚"
VILLAGES = ("龙泉村", "石桥村", "新庄村", "河口村", "大坪村")


def resident_id(rng: random.Random) -> str:
    born = f"{rng.randrange(1940, 2010)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
    body = f"532328{born}{rng.randrange(1000):03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, WEIGHTS, strict=True)) % 11]


def card(rng: random.Random) -> str:
    digits = "622848" + "".join(rng.choice("0123456789") for _ in range(12))
    for check in "0123456789":
        total = 0
        for i, ch in enumerate(reversed(digits + check)):
            d = int(ch) * (2 if i % 2 else 1)
            total += d - 9 if d > 9 else d
        if total % 10 == 0:
            return digits + check
    raise AssertionError


def rows(seed: int, exposed: float) -> Iterator[list[str]]:
    """Endless synthetic rows: masked values, and fully readable ones in a share ``exposed`` of rows."""
    rng = random.Random(seed)
    number = 0
    while True:
        number += 1
        full = rng.random() < exposed
        rid, phone, account = resident_id(rng), f"1{rng.choice('3578')}{rng.randrange(10**9):09d}", card(rng)
        if not full:
            rid, phone, account = (
                rid[:6] + "********" + rid[14:],
                phone[:3] + "****" + phone[7:],
                "*" * 15 + account[-4:],
            )
        yield [
            str(number),
            rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
            rid,
            str(rng.randrange(1, 7)),
            rng.choice(("A类", "B类", "C类")),
            f"{rng.randrange(180, 800)}.00",
            rng.choice(VILLAGES),
            phone,
            account,
        ]


def write_csv(path: Path, size: int, exposed: float) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("2023年城乡最低生活保障对象名单" + "," * (len(HEADERS) - 1) + "\n")
        fh.write(",".join(HEADERS) + "\n")
        for row in rows(1, exposed):
            fh.write(",".join(row) + "\n")
            if fh.tell() >= size:
                return


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>{sheets}</Types>'
)
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def write_xlsx(path: Path, size: int, exposed: float) -> None:
    """Sheets of ROWS_PER_SHEET rows until the zip reaches ``size`` bytes."""
    source = rows(2, exposed)
    sheets = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        while path.stat().st_size < size or sheets == 0:
            sheets += 1
            with archive.open(f"xl/worksheets/sheet{sheets}.xml", "w", force_zip64=True) as fh:
                fh.write(
                    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet '
                    b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                )
                fh.write(_row(1, ["2023年城乡最低生活保障对象名单"]) + _row(2, HEADERS))
                batch: list[bytes] = []
                for r in range(3, ROWS_PER_SHEET + 3):
                    batch.append(_row(r, next(source)))
                    if len(batch) == 2000:
                        fh.write(b"".join(batch))
                        batch = []
                fh.write(b"".join(batch) + b"</sheetData></worksheet>")
        names = "".join(f'<sheet name="名单{i}" sheetId="{i}" r:id="rId{i}"/>' for i in range(1, sheets + 1))
        archive.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook '
            f'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="{REL}">'
            f"<sheets>{names}</sheets></workbook>",
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, sheets + 1)
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{SHEET_TYPE}"/>'
            for i in range(1, sheets + 1)
        )
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.format(sheets=overrides))


def _row(number: int, cells: list[str]) -> bytes:
    out = [f'<row r="{number}">']
    for c, value in enumerate(cells):
        ref = f"{chr(65 + c)}{number}"
        if value.isdigit() and len(value) < 6:
            out.append(f'<c r="{ref}"><v>{value}</v></c>')
        else:
            out.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>')
    out.append("</row>")
    return "".join(out).encode("utf-8")


WRAPPER = """
import resource, subprocess, sys, time
started = time.monotonic()
proc = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.monotonic() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(peak, wall, proc.returncode)
print(proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "", file=sys.stderr)
"""


def measure(path: Path) -> tuple[float, float, int, str]:
    """(peak RSS MB, wall s, exit code, last stderr line) of one scan in a fresh child process."""
    command = [sys.executable, "-m", "auditor", "scan", str(path), "--format", "json", "--output", "/dev/null"]
    out = subprocess.run([sys.executable, "-c", WRAPPER, *command], capture_output=True, text=True, cwd=ROOT)
    peak_kb, wall, code = out.stdout.split()
    return int(peak_kb) / 1024, float(wall), int(code), out.stderr.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=Path("/tmp/auditor-bench-memory"))
    parser.add_argument("--size-mb", type=float, default=100.0)
    parser.add_argument("--exposed", type=float, default=0.02, help="share of rows with readable identifiers")
    parser.add_argument("--only", choices=("xlsx", "csv"))
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    size = int(args.size_mb * 1_000_000)
    for kind, writer in (("xlsx", write_xlsx), ("csv", write_csv)):
        if args.only and kind != args.only:
            continue
        path = args.dir / f"bench_{int(args.size_mb)}mb.{kind}"
        if not path.exists() or path.stat().st_size < size:
            started = time.monotonic()
            writer(path, size, args.exposed)
            print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB) in {time.monotonic() - started:.0f}s")
        peak, wall, code, last = measure(path)
        print(
            f"{kind}: {path.stat().st_size / 1e6:.1f} MB  peak RSS {peak:.0f} MB  "
            f"({peak * 2**20 / path.stat().st_size:.1f}x file)  wall {wall:.1f}s  exit {code}  {last}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
