"""The sweep's progress bar (rich, on stderr): files, MB, findings and time remaining."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn, TimeRemainingColumn

MB = 1_000_000


class RichProgress:
    """Implements runner.Progress. ETA is by bytes: file sizes vary far more than file counts."""

    wants_totals = True

    def __init__(self, console: Console | None = None) -> None:
        self.bar = Progress(
            TextColumn("巡查 sweeping"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TextColumn("{task.fields[files]}/{task.fields[total_files]} 文件 files"),
            TextColumn("{task.fields[mb]:.1f}/{task.fields[total_mb]:.1f} MB"),
            TextColumn("发现 {task.fields[findings]} findings"),
            TimeElapsedColumn(),
            TextColumn("剩余 ETA"),
            TimeRemainingColumn(),
            console=console or Console(stderr=True),
            transient=False,
        )
        self.task: TaskID | None = None
        self.files = self.size = self.findings = 0

    def __enter__(self) -> RichProgress:
        self.bar.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.bar.stop()

    def totals(self, files: int, size: int) -> None:
        self.task = self.bar.add_task(
            "sweep", total=max(size, 1), files=0, total_files=files, mb=0.0, total_mb=size / MB, findings=0
        )

    def advance(self, files: int, size: int, findings: int) -> None:
        self.files += files
        self.size += size
        self.findings += findings
        if self.task is not None:
            self.bar.update(self.task, completed=self.size, files=self.files, mb=self.size / MB, findings=self.findings)
