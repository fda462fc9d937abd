"""Which build is running: pure Python, or with the hot path compiled by mypyc.

The compiled build is opt-in (README, "编译版"): the same source, with the modules below
compiled to C extensions at wheel-build time, as black ships. The two builds differ only in
speed, so ``auditor --version`` and the benchmarks say which one they ran.
"""

from __future__ import annotations

from importlib.machinery import EXTENSION_SUFFIXES
from importlib.util import find_spec

# The mypyc hook's ``include`` list in pyproject.toml, as module names (a test keeps them equal).
# Detection, its pure functions, finding construction, the xlsx and HTML loaders' loops and the
# people checks (names, sensitive data, addresses, their records): where a scan spends its Python time.
# The two loaders' cell classes live apart, in pure modules (auditor/loaders/cells.py says why).
COMPILED_MODULES = (
    "auditor.normalize",
    "auditor.findings",
    "auditor.checks.privacy",
    "auditor.recognizers.bank",
    "auditor.recognizers.context",
    "auditor.recognizers.detect",
    "auditor.recognizers.idcard",
    "auditor.recognizers.phone",
    "auditor.recognizers.regions",
    "auditor.recognizers.uscc",
    "auditor.loaders.html",
    "auditor.loaders.xlsx",
    "auditor.checks.linkage",
    "auditor.recognizers.address",
    "auditor.recognizers.minority",
    "auditor.recognizers.names",
    "auditor.recognizers.otherid",
    "auditor.recognizers.segments",
    "auditor.recognizers.sensitive",
    "auditor.recognizers.surnames",
)


def compiled_modules() -> list[str]:
    """The modules of COMPILED_MODULES this installation loads as compiled extensions."""
    return [name for name in COMPILED_MODULES if _is_extension(name)]


def _is_extension(name: str) -> bool:
    spec = find_spec(name)
    origin = spec.origin if spec is not None else None
    return origin is not None and origin.endswith(tuple(EXTENSION_SUFFIXES))


def build_name() -> str:
    """A short label for the running build, Chinese first."""
    count = len(compiled_modules())
    if count == 0:
        return "纯 Python 版 (pure Python)"
    if count == len(COMPILED_MODULES):
        return "mypyc 编译版 (compiled)"
    return f"部分编译 {count}/{len(COMPILED_MODULES)} (partly compiled)"
