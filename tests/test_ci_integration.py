"""CI integration (issue 8): pre-commit hooks, the docs' CI snippets, JUnit/SARIF, --quiet, --since.

The snippets in docs/ci.md are executed here: their shell lines run against a sample
repository (installing auditor is skipped: it is the package under test), and the reports
they write are validated. The pre-commit tests install the real .pre-commit-hooks.yaml
into a temporary git repository and commit through it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from synth import make_id
from typer.testing import CliRunner

from auditor.cli import app

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
BIN = Path(sys.executable).parent
KNOWN_ID, NEW_ID = make_id(seq="101"), make_id(seq="202")
KEY = "ci-test-key"
INSTALL = re.compile(r"^\s*python -m pip install ")


# --- helpers ---------------------------------------------------------------------------------------


def snippet(name: str) -> Any:
    """The YAML block that follows ``<!-- snippet: name -->`` in docs/ci.md."""
    text = (DOCS / "ci.md").read_text(encoding="utf-8")
    match = re.search(rf"<!-- snippet: {re.escape(name)} -->\n```yaml\n(.*?)```", text, re.S)
    assert match, f"docs/ci.md has no snippet {name!r}"
    return yaml.safe_load(match.group(1))


def environment(tmp: Path, **extra: str) -> dict[str, str]:
    """A clean environment: this venv's auditor first on PATH, git without user or system config."""
    gitconfig = tmp / "gitconfig"
    gitconfig.touch()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        GIT_CONFIG_GLOBAL=str(gitconfig),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="测试",
        GIT_AUTHOR_EMAIL="test@example.invalid",
        GIT_COMMITTER_NAME="测试",
        GIT_COMMITTER_EMAIL="test@example.invalid",
        AUDITOR_FINGERPRINT_KEY=KEY,
        PRE_COMMIT_HOME=str(tmp / "pre-commit-home"),
    )
    env.update(extra)
    return env


def run(cmd: list[str] | str, cwd: Path, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    shell = ["bash", "-e", "-c", cmd] if isinstance(cmd, str) else cmd
    return subprocess.run(shell, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)


def git(cwd: Path, env: dict[str, str], *args: str) -> str:
    done = run(["git", *args], cwd, env)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def sample_repo(tmp: Path, env: dict[str, str]) -> Path:
    """A documents repository with one reviewed leak recorded in .auditor-baseline.json."""
    repo = tmp / "documents"
    repo.mkdir()
    (repo / "known.csv").write_text(f"序号,身份证号码\n1,{KNOWN_ID}\n", encoding="utf-8")
    (repo / "notice.txt").write_text("本村2023年低保名单已公示完毕。监督电话：0878-1234567\n", encoding="utf-8")
    (repo / "auditor.toml").write_text('ignore = ["W"]\n', encoding="utf-8")
    done = run(["auditor", "baseline", ".", "--output", ".auditor-baseline.json"], repo, env)
    assert done.returncode == 0, done.stderr
    return repo


def add_leak(repo: Path) -> Path:
    leak = repo / "new.csv"
    leak.write_text(f"序号,身份证号码\n1,{NEW_ID}\n", encoding="utf-8")
    return leak


def validate_sarif(log: dict[str, Any]) -> None:
    schema_path = ROOT.parent / "shared" / "schemas" / "sarif-2.1.0.json"
    if schema_path.is_file():
        jsonschema.Draft4Validator(json.loads(schema_path.read_text(encoding="utf-8"))).validate(log)
    assert log["version"] == "2.1.0"


def junit_schema():
    xmlschema = pytest.importorskip("xmlschema")
    return xmlschema.XMLSchema(str(ROOT / "tests" / "data" / "junit.xsd"))


# --- docs snippets -----------------------------------------------------------------------------------


def test_github_actions_snippet_runs_and_uploads_valid_sarif(tmp_path: Path) -> None:
    workflow = snippet("github-actions")
    assert workflow["permissions"]["security-events"] == "write"
    steps = workflow["jobs"]["scan"]["steps"]
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif@"))
    assert upload["if"] == "always()"  # the report must be uploaded when the scan fails the job
    env_block = {k: str(v).replace("${{ secrets.AUDITOR_FINGERPRINT_KEY }}", KEY) for k, v in workflow["env"].items()}
    env = environment(tmp_path, **env_block)
    repo = sample_repo(tmp_path, env)
    runs = [s["run"] for s in steps if "run" in s]
    assert [r for r in runs if INSTALL.match(r)], "the workflow must install auditor"

    def run_steps() -> list[int]:
        return [run(r, repo, env).returncode for r in runs if not INSTALL.match(r)]

    assert run_steps() == [0]  # the known leak is in the baseline
    add_leak(repo)
    assert run_steps() == [1]
    log = json.loads((repo / upload["with"]["sarif_file"]).read_text(encoding="utf-8"))
    validate_sarif(log)
    results = log["runs"][0]["results"]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for r in results] == [
        ("P101", "new.csv")
    ]
    assert NEW_ID not in json.dumps(log, ensure_ascii=False)


def test_github_pull_request_snippet_scans_only_changed_files(tmp_path: Path) -> None:
    [step] = snippet("github-actions-pr")
    env = environment(tmp_path)
    repo = sample_repo(tmp_path, env)
    git(repo, env, "init", "-q", "-b", "main")
    git(repo, env, "add", "-A")
    git(repo, env, "commit", "-q", "-m", "published")
    git(repo, env, "update-ref", "refs/remotes/origin/main", "HEAD")
    git(repo, env, "checkout", "-q", "-b", "feature")
    command = step["run"].replace("${{ github.base_ref }}", "main")
    done = run(command, repo, env)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("auditor: 0 files, 0 findings")
    add_leak(repo)
    done = run(command, repo, env)
    assert done.returncode == 1
    assert "new.csv" in done.stdout and "known.csv" not in done.stdout
    assert done.stderr.strip().splitlines()[-1].startswith("auditor: 1 files, 1 findings")


def test_gitlab_snippet_runs_and_writes_valid_junit(tmp_path: Path) -> None:
    job = snippet("gitlab-ci")["auditor"]
    assert job["artifacts"]["when"] == "always"
    report = job["artifacts"]["reports"]["junit"]
    env = environment(tmp_path, **{k: str(v) for k, v in job["variables"].items()})
    repo = sample_repo(tmp_path, env)
    script = [line for line in job["script"] if not INSTALL.match(line)]
    assert len(script) == len(job["script"]) - 1
    add_leak(repo)
    assert [run(line, repo, env).returncode for line in script] == [1]
    xml = (repo / report).read_text(encoding="utf-8")
    junit_schema().validate(xml)
    assert 'failures="1"' in xml and "new.csv" in xml and NEW_ID not in xml


def test_docs_rule_pages_are_up_to_date() -> None:
    generate = subprocess.run(
        [sys.executable, str(DOCS / "generate.py"), "--check"], capture_output=True, text=True, check=False
    )
    assert generate.returncode == 0, generate.stderr + " (run: python docs/generate.py)"
    index = (DOCS / "rules" / "README.md").read_text(encoding="utf-8")
    for rule in sorted((ROOT / "rules").glob("[A-Z][0-9]*.yaml")):
        assert f"[{rule.stem}]({rule.stem}.md)" in index


# --- pre-commit ------------------------------------------------------------------------------------


def test_pre_commit_hooks_manifest_is_valid(tmp_path: Path) -> None:
    pytest.importorskip("pre_commit")
    done = run(
        [str(BIN / "pre-commit"), "validate-manifest", str(ROOT / ".pre-commit-hooks.yaml")],
        ROOT,
        environment(tmp_path),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert set(hooks) == {"auditor", "auditor-system"}
    files = re.compile(hooks["auditor"]["files"])
    for name in ("a.csv", "b/c.XLSX", "d.docx", "e.pdf", "f.html", "g.md"):
        assert files.search(name), name
    assert not files.search("h.py") and re.search(hooks["auditor"]["exclude"], "x/.auditor-baseline.json")


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The project's working tree (uncommitted changes included) as a git repository pre-commit can use."""
    repo = tmp_path_factory.mktemp("auditor-hook-repo")
    env = environment(repo)
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(ROOT / name, repo / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("auditor", "rules"):
        shutil.copytree(ROOT / name, repo / name, ignore=ignore)
    git(repo, env, "init", "-q")
    git(repo, env, "add", "-A")
    git(repo, env, "commit", "-q", "-m", "auditor under test")
    return repo, git(repo, env, "rev-parse", "HEAD")


@pytest.mark.parametrize("hook", ["auditor-system", "auditor"])
def test_pre_commit_blocks_a_commit_that_exposes_an_id(tmp_path: Path, hook_repo: tuple[Path, str], hook: str) -> None:
    """`auditor-system` runs the installed auditor (offline, fast); `auditor` builds pre-commit's own
    virtualenv from the repository (pip needs PyPI or a wheel mirror; about 40 s here, once)."""
    pytest.importorskip("pre_commit")
    pre_commit = str(BIN / "pre-commit")
    env = environment(tmp_path)
    repo = sample_repo(tmp_path, env)
    config = snippet("pre-commit")
    config["repos"][0].update(repo=str(hook_repo[0]), rev=hook_repo[1])
    config["repos"][0]["hooks"][0]["id"] = hook
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    git(repo, env, "init", "-q")
    done = run([pre_commit, "install"], repo, env)
    assert done.returncode == 0, done.stdout + done.stderr
    if hook == "auditor":
        done = run([pre_commit, "install-hooks"], repo, env, timeout=1200)
        if done.returncode != 0:
            tail = (done.stdout + done.stderr).strip().splitlines()[-5:]
            pytest.skip(f"pre-commit could not install the hook environment (no PyPI access?): {' | '.join(tail)}")

    def commit(message: str) -> subprocess.CompletedProcess:
        git(repo, env, "add", "-A")
        return run(["git", "commit", "-q", "-m", message], repo, env, timeout=600)

    first = commit("reviewed list (its known leak is in the baseline)")
    assert first.returncode == 0, first.stdout + first.stderr
    (repo / "notice2.txt").write_text("第二季度补贴已发放完毕。\n", encoding="utf-8")
    clean = commit("clean notice")
    assert clean.returncode == 0, clean.stdout + clean.stderr

    add_leak(repo)
    blocked = commit("list with an exposed ID")
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0
    assert "P101" in output and "new.csv" in output and NEW_ID[:6] + "********" in output
    assert NEW_ID not in output
    assert git(repo, env, "log", "--format=%s").splitlines() == [
        "clean notice",
        "reviewed list (its known leak is in the baseline)",
    ]


# --- formats and logs ----------------------------------------------------------------------------------


def test_junit_validates_for_findings_errors_and_skipped_files(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "leak.csv").write_text(f"序号,身份证号码,电话\n1,{NEW_ID},13912345678\n", encoding="utf-8")
    (tmp_path / "clean.txt").write_text("无个人信息。\n", encoding="utf-8")
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    (tmp_path / "notes.bin").write_bytes(b"\x00\x01")
    (tmp_path / "ctrl\x01.txt").write_text(f"身份证号 {KNOWN_ID}\n", encoding="utf-8")
    result = runner.invoke(app, ["scan", str(tmp_path), "--format", "junit", "--select", "P,E"])
    assert result.exit_code == 2
    xml = result.stdout
    junit_schema().validate(xml)
    assert NEW_ID not in xml and KNOWN_ID not in xml
    import xml.etree.ElementTree as ET

    root = ET.fromstring(xml)
    cases = root.findall("./testsuite/testcase")
    assert int(root.get("tests")) == len(cases)
    assert int(root.get("failures")) == len(root.findall("./testsuite/testcase/failure")) == 3
    assert int(root.get("errors")) == len(root.findall("./testsuite/testcase/error")) == 1
    assert len(root.findall("./testsuite/testcase/skipped")) == 1


def test_sarif_still_validates_after_baseline_and_suppression(
    runner: CliRunner, tmp_path: Path, shared_dir: Path
) -> None:
    leak = tmp_path / "list.csv"
    leak.write_text(f"序号,身份证号码,备注\n1,{KNOWN_ID},auditor: ignore P101\n2,{NEW_ID},\n", encoding="utf-8")
    baseline = tmp_path / "b.json"
    runner.invoke(app, ["baseline", str(leak), "--output", str(baseline)])
    (tmp_path / "more.txt").write_text(f"身份证号 {make_id(seq='303')}\n", encoding="utf-8")
    result = runner.invoke(
        app, ["scan", str(tmp_path), "--baseline", str(baseline), "--format", "sarif", "--select", "P"]
    )
    assert result.exit_code == 1
    log = json.loads(result.stdout)
    schema = json.loads((shared_dir / "schemas" / "sarif-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(log)
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["P101"]


def test_quiet_prints_exactly_one_summary_line(runner: CliRunner, tmp_path: Path) -> None:
    leak = tmp_path / "list.csv"
    leak.write_text(f"序号,身份证号码\n1,{NEW_ID}\n", encoding="utf-8")
    out = tmp_path / "report.json"
    result = runner.invoke(app, ["scan", str(leak), "--select", "P", "--quiet", "--format", "json", "-o", str(out)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == ["auditor: 1 files, 1 findings (1 error); exit 1"]
    result = runner.invoke(app, ["scan", str(leak), "--select", "P", "--format", "json", "-o", str(out)])
    assert result.stderr.splitlines() == ["auditor: 1 files, 1 findings (1 error); exit 1"]  # a file report: log line


# --- --since ---------------------------------------------------------------------------------------


@pytest.fixture
def git_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, dict[str, str]]:
    env = environment(tmp_path)
    repo = tmp_path / "repo"
    (repo / "docs").mkdir(parents=True)
    (repo / "docs" / "a.csv").write_text(f"序号,身份证号码\n1,{KNOWN_ID}\n", encoding="utf-8")
    (repo / "docs" / "b.txt").write_text("无个人信息。\n", encoding="utf-8")
    (repo / "docs" / "gone.txt").write_text("将被删除。\n", encoding="utf-8")
    (repo / ".gitignore").write_text("ignored.csv\n", encoding="utf-8")
    git(repo, env, "init", "-q", "-b", "main")
    git(repo, env, "add", "-A")
    git(repo, env, "commit", "-q", "-m", "first")
    monkeypatch.chdir(repo)
    for key in ("GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM"):
        monkeypatch.setenv(key, env[key])
    return repo, env


def _scan_json(runner: CliRunner, *args: str) -> tuple[int, dict, str]:
    result = runner.invoke(app, ["scan", *args, "--select", "P,E", "--format", "json"])
    return result.exit_code, json.loads(result.stdout) if result.stdout.startswith("{") else {}, result.stderr


def test_since_scans_changed_staged_and_untracked_files_only(runner: CliRunner, git_repo) -> None:
    repo, env = git_repo
    first = git(repo, env, "rev-parse", "HEAD")
    assert _scan_json(runner, ".", "--since", "HEAD")[1]["files"] == []

    (repo / "docs" / "b.txt").write_text(f"身份证号 {NEW_ID}\n", encoding="utf-8")  # modified, unstaged
    (repo / "docs" / "c.csv").write_text(f"序号,身份证号码\n1,{NEW_ID}\n", encoding="utf-8")  # untracked
    (repo / "docs" / "tool.py").write_text("print(1)\n", encoding="utf-8")  # not a document
    (repo / "ignored.csv").write_text(f"{NEW_ID}\n", encoding="utf-8")  # git-ignored
    (repo / "docs" / "gone.txt").unlink()
    code, report, _ = _scan_json(runner, ".", "--since", first)
    assert code == 1
    assert [f["path"] for f in report["files"]] == [str(Path("docs/b.txt")), str(Path("docs/c.csv"))]

    git(repo, env, "add", "-A")
    git(repo, env, "commit", "-q", "-m", "second")
    code, report, _ = _scan_json(runner, "docs", "--since", first)  # committed since REV, PATH a subdirectory
    assert [f["path"] for f in report["files"]] == [str(Path("docs/b.txt")), str(Path("docs/c.csv"))]
    full = _scan_json(runner, "docs")[1]
    changed = {f["fingerprint"] for f in report["findings"]}
    assert changed and changed <= {f["fingerprint"] for f in full["findings"]}  # same paths, same fingerprints
    assert _scan_json(runner, "docs/a.csv", "--since", first)[1]["files"] == []


def test_since_errors_exit_2(runner: CliRunner, git_repo, tmp_path_factory: pytest.TempPathFactory) -> None:
    code, _, stderr = _scan_json(runner, ".", "--since", "no-such-rev")
    assert code == 2 and "unknown revision" in stderr
    assert _scan_json(runner, "-", "--since", "HEAD")[0] == 2
    outside = tmp_path_factory.mktemp("not-a-repo")
    (outside / "a.txt").write_text("无\n", encoding="utf-8")
    code, _, stderr = _scan_json(runner, str(outside), "--since", "HEAD")
    assert code == 2 and "git work tree" in stderr


def test_since_rechecks_a_document_whose_workflow_record_changed(runner: CliRunner, git_repo) -> None:
    repo, _ = git_repo
    (repo / "docs" / "a.csv.workflow.json").write_text("{}\n", encoding="utf-8")
    _, report, _ = _scan_json(runner, "docs", "--since", "HEAD")
    assert str(Path("docs/a.csv")) in [f["path"] for f in report["files"]]
