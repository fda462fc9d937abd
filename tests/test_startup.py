"""What a one-file scan pays before it reads the file: checked by what is imported or loaded, not by timing.

`auditor scan one.txt` runs once per pre-commit hook call; jsonschema (~50 ms to import, ~30 ms
to validate the catalogue) and the name tables are loaded only when something needs them.
"""

from __future__ import annotations

import subprocess
import sys


def _run(code: str, *args: str) -> str:
    command = [sys.executable, "-c", code, *args]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()


def test_loading_the_shipped_rules_does_not_import_jsonschema() -> None:
    code = "import sys, auditor.rules; auditor.rules.load_rules(); print('jsonschema' in sys.modules)"
    assert _run(code) == "False"


def test_validating_a_rules_directory_still_uses_jsonschema() -> None:
    code = (
        "import sys, auditor.rules; auditor.rules.validate_dir(auditor.rules.default_rules_dir()); "
        "print('jsonschema' in sys.modules)"
    )
    assert _run(code) == "True"


def test_the_cli_does_not_load_the_name_tables_to_start() -> None:
    code = "import auditor.cli, auditor.recognizers.surnames as s; print(s.name_data.cache_info().currsize)"
    assert _run(code) == "0"


def test_the_cli_does_not_import_jsonschema_to_start() -> None:
    assert _run("import sys, auditor.cli; print('jsonschema' in sys.modules)") == "False"


def test_only_a_scan_with_report_rules_imports_the_annual_report_parsers(tmp_path) -> None:
    """Every scan worker would pay 26 ms for them: a scan without an R rule never imports them."""
    notice = tmp_path / "notice.txt"
    notice.write_text("关于2023年度低保对象的公示\n", encoding="utf-8")
    code = (
        "import sys; from auditor.engine import scan_paths; from auditor.config import Config; "
        f"scan_paths([{str(notice)!r}], Config(select=[sys.argv[1]])); "
        "print('auditor.checks.annual_report' in sys.modules)"
    )
    assert _run(code, "P1") == "False"
    assert _run(code, "R") == "True"
