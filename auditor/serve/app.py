"""The Flask app behind `auditor serve`: upload → scan → masked report page, fixed copy, JSON report,
and one review step recorded (`auditor sign`) with the updated record as a download. Both /scan and
/sign take the file's existing workflow record as an optional second upload (field ``record``).

Why Flask: small, well kept, Jinja autoescaping by default, a test client for
tests; templates and assets ship in the package, so nothing is built or fetched.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from io import BytesIO
from pathlib import Path, PurePath
from typing import Any, TypeVar

from flask import Flask, Response, jsonify, render_template, request, send_file
from werkzeug.exceptions import RequestEntityTooLarge

from auditor.engine import CRASH_MESSAGE, Scanner
from auditor.formatters.json_format import render as render_json
from auditor.rules import Rule
from auditor.serve import DEFAULT_MAX_MB, security
from auditor.serve.analysis import Analysis, analyse, clean_name, private_copy
from auditor.serve.isolation import ChildCrashed, in_child
from auditor.serve.records import Record
from auditor.serve.signing import Signed, SignRefused, sign_upload, step_options

HERE = Path(__file__).parent
T = TypeVar("T")


class ServeError(Exception):
    """A request we answer with a clear message (status, Chinese text) rather than a stack trace."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message

    def __reduce__(self) -> tuple[Any, tuple[int, str]]:
        return ServeError, (self.status, self.message)  # raised in the child that reads the upload


def create_app(
    scanner: Scanner | None = None,
    *,
    host: str = "127.0.0.1",
    token: str | None = None,
    max_mb: float = DEFAULT_MAX_MB,
) -> Flask:
    """Build the app; refuses (BindError) a non-localhost host without an access token."""
    security.check_bind(host, token)
    app = Flask("auditor.serve", template_folder=str(HERE / "templates"), static_folder=str(HERE / "static"))
    app.config.update(MAX_CONTENT_LENGTH=int(max_mb * 2**20), AUDITOR_TOKEN=token, AUDITOR_MAX_MB=max_mb)
    state: dict[str, Any] = {"scanner": scanner}
    lock = threading.Lock()  # one scan at a time: the detector is shared and a village PC is small

    def get_scanner() -> Scanner:
        if state["scanner"] is None:
            state["scanner"] = Scanner()
        return state["scanner"]

    _install_guards(app)
    _install_routes(app, get_scanner, lock)
    return app


def _install_guards(app: Flask) -> None:
    @app.before_request
    def guard() -> Response | None:
        token = app.config["AUDITOR_TOKEN"]
        if token and not security.same(security.presented_token(request), token):
            return _message_page("需要访问口令：请使用启动时给出的带 token 的地址 (access token required)", 401)
        if request.method == "POST" and not security.csrf_ok(request):
            return _message_page("请求来源无法验证，请刷新页面后重试 (CSRF check failed)", 403)
        return None

    @app.after_request
    def cookies(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        if not request.cookies.get(security.CSRF_COOKIE):
            response.set_cookie(
                security.CSRF_COOKIE, _csrf_token(), httponly=True, samesite="Strict", secure=request.is_secure
            )
        token = app.config["AUDITOR_TOKEN"]
        if token and request.args.get("token") == token:
            response.set_cookie(security.TOKEN_COOKIE, token, httponly=True, samesite="Strict")
        return response

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(exc: RequestEntityTooLarge) -> Response:
        limit = app.config["AUDITOR_MAX_MB"]
        return _message_page(f"文件太大：上限为 {limit:g} MB，请拆分后再上传 (file too large; limit {limit:g} MB)", 413)

    @app.errorhandler(ServeError)
    def serve_error(exc: ServeError) -> Response:
        return _message_page(exc.message, exc.status)


def _csrf_token() -> str:
    """The CSRF value for this response: the browser's cookie if it has one, else a fresh one."""
    from flask import g

    if "csrf" not in g:
        g.csrf = request.cookies.get(security.CSRF_COOKIE) or security.new_token()
    return g.csrf


def _wants_json() -> bool:
    """Accept: application/json (and not HTML first) asks for the SPEC §5 report."""
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


def _message_page(message: str, status: int) -> Response:
    if _wants_json():
        response = jsonify({"error": message})
    else:
        response = Response(render_template("page.html", **_context(message=message)), mimetype="text/html")
    response.status_code = status
    return response


def _context(**extra: Any) -> dict[str, Any]:
    from flask import current_app

    return {
        "csrf_token": _csrf_token(),
        "max_mb": current_app.config["AUDITOR_MAX_MB"],
        "step_options": step_options(),
        **extra,
    }


def _upload(missing: str = "请选择要检查的文件") -> tuple[str, bytes]:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ServeError(400, f"{missing} (no file uploaded: use the multipart field 'file')")
    return clean_name(upload.filename), upload.read()


def _record_upload() -> Record | None:
    """The optional existing record (multipart field ``record``) for /scan and /sign; an empty input means none.

    Not validated here: the scanner reports a bad record as W202 and `auditor sign` refuses it, each in its words.
    """
    upload = request.files.get("record")
    if upload is None or not upload.filename:
        return None
    return clean_name(upload.filename), upload.read()


def _install_routes(app: Flask, get_scanner: Callable[[], Scanner], lock: threading.Lock) -> None:
    @app.get("/")
    def index() -> str:
        return render_template("page.html", **_context())

    @app.post("/scan")
    def scan() -> Response:
        name, data = _upload()
        record = _record_upload()
        with lock:
            scanner = get_scanner()
            analysis = _isolated(analyse, scanner, name, data, record=record, details=not _wants_json())
        if _wants_json():
            return Response(render_json(analysis.report, scanner.rules), mimetype="application/json")
        page = render_template("page.html", **_context(analysis=analysis, help=_help(analysis, scanner.rules)))
        return Response(page, status=422 if analysis.error else 200, mimetype="text/html")

    @app.post("/fix")
    def fix() -> Response:
        name, data = _upload()
        with lock:
            fixed = _isolated(_fixed_bytes, get_scanner(), name, data)
        path = PurePath(name)
        return send_file(
            BytesIO(fixed),
            as_attachment=True,
            download_name=f"{path.stem}_已修改{path.suffix}",
            mimetype="application/octet-stream",
        )

    @app.post("/sign")
    def sign_step() -> Response:
        name, data = _upload("请再次选择同一文件，再记录步骤")
        form = request.form
        with lock:
            try:
                signed = _isolated(
                    sign_upload,
                    get_scanner(),
                    name,
                    data,
                    _record_upload(),
                    form.get("step", ""),
                    form.get("by", ""),
                    form.get("note", ""),
                )
            except SignRefused as exc:
                raise ServeError(exc.status, exc.message) from exc
        return _signed_response(signed)


def _isolated(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``function`` reading the upload in a child process (auditor/serve/isolation.py says why)."""
    try:
        return in_child(function, *args, **kwargs)
    except ChildCrashed as exc:
        raise ServeError(422, CRASH_MESSAGE) from exc


def _signed_response(signed: Signed) -> Response:
    """The updated record as a download (same name `auditor sign` gives it), or as JSON with the new status."""
    if _wants_json():
        return jsonify(signed.as_json())
    yaml_record = not signed.record_name.endswith(".json")
    return send_file(
        BytesIO(signed.record),
        as_attachment=True,
        download_name=signed.record_name,
        mimetype="application/yaml" if yaml_record else "application/json",
    )


def _fixed_bytes(scanner: Scanner, name: str, data: bytes) -> bytes:
    """`auditor fix` for one upload, same format; refuses formats that cannot be rewritten."""
    from auditor.fix.base import FixError
    from auditor.fix.run import READ_ONLY, Fixer, fix_format
    from auditor.loaders import LoadError

    with private_copy(name, data) as path:
        fmt = fix_format(path)
        if fmt is None:
            raise ServeError(422, f"不支持改写此类文件 {path.suffix or '(无扩展名)'} (format cannot be rewritten)")
        if fmt in READ_ONLY:
            raise ServeError(422, READ_ONLY[fmt])
        try:
            fixed = Fixer(scanner).fix_bytes(path, fmt, data)
        except (LoadError, FixError) as exc:
            raise ServeError(422, f"文件无法改写 (cannot rewrite): {exc}") from exc
        except (ValueError, KeyError, RecursionError, OSError) as exc:
            raise ServeError(422, f"文件无法改写 (cannot rewrite): {type(exc).__name__}") from exc
    if any(not c.applied for c in fixed.changes):
        raise ServeError(422, "部分内容需人工修改，无法自动生成修改后的文件 (some values must be fixed by hand)")
    return fixed.data if fixed.data is not None else data


def _help(analysis: Analysis, rules: dict[str, Rule]) -> list[Rule]:
    """Help panels for the rules that fired, in code order."""
    return [rules[code] for code, _ in analysis.by_rule() if code in rules]
