"""The FastAPI app of the explorer: the static page, plotly.js from the installed plotly
package, Swagger UI and ReDoc from the installed fastapi-offline package (no CDN: the page,
``/docs`` and ``/redoc`` work offline) and the JSON API of :mod:`insulinsim.web._api`."""

from __future__ import annotations

import contextlib
import threading
from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException as StarletteHTTPException

from insulinsim import __version__
from insulinsim.web import _api

__all__ = ["DOCS_ASSETS", "create_app", "plotly_js_path"]

DOCS_ASSETS = "/vendor/docs"  # where fastapi-offline serves Swagger UI's and ReDoc's files

_STATIC = Path(str(resources.files("insulinsim.web") / "static"))


def plotly_js_path() -> Path:
    """plotly.min.js shipped inside the installed plotly Python package."""
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not path.is_file():  # pragma: no cover - a broken plotly install
        raise RuntimeError(f"plotly.js not found at {path}; reinstall plotly")
    return path


def _range_text(field: str) -> str:
    if field in _api.BOUNDS:
        lo, hi, unit = _api.BOUNDS[field]
        return f"; allowed range [{lo:g}, {hi:g}] {unit}"
    return ""


def _validation_message(errors) -> str:
    parts = []
    for e in errors[:3]:
        loc = [str(x) for x in e.get("loc", ()) if x != "body"]
        field = ".".join(loc) or "body"
        value = e.get("input")
        text = repr(value)
        if len(text) > 80:
            text = text[:77] + "..."
        last = next((x for x in reversed(loc) if not x.isdigit()), "")
        parts.append(f"{field} = {text}: {e.get('msg', 'invalid')}{_range_text(last)}")
    return "; ".join(parts)


class _BodyLimit:
    """Refuse request bodies over ``limit`` bytes (413) before they are read in full."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        too_big = False
        if length is not None:
            try:
                too_big = int(length) > self.limit
            except ValueError:
                too_big = True
        if too_big:
            await self._refuse(scope, receive, send, length.decode("latin-1"))
            return
        seen = 0

        async def limited():
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.limit:
                    raise _TooBig
            return msg

        try:
            await self.app(scope, limited, send)
        except _TooBig:
            await self._refuse(scope, receive, send, f"more than {seen}")

    async def _refuse(self, scope, receive, send, size):
        resp = JSONResponse(
            {
                "detail": {
                    "message": f"request body = {size} bytes: allowed range [0, {self.limit}] "
                    "bytes",
                    "field": "body",
                }
            },
            status_code=413,
        )
        await resp(scope, receive, send)


class _TooBig(Exception):
    pass


def create_app(*, warm: bool = False) -> FastAPI:
    """The explorer app.

    Parameters
    ----------
    warm : bool
        Compile (or load from the persistent cache) the simulations in a background thread at
        startup, so that the first requests are fast. Requests made before it finishes wait
        for the same compilation.
    """

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        if warm:
            threading.Thread(target=_sim_warm, name="explorer-warm-up", daemon=True).start()
        yield

    app = FastAPIOffline(
        static_url=DOCS_ASSETS,
        title="insulinsim explorer",
        version=__version__,
        description=(
            "JSON API of the offline explorer of the glucose-insulin system and insulin "
            "resistance. A research and teaching tool, not medical advice. Every bound is "
            "named in the schema; a request outside gets a 4xx naming the field, the value and "
            "the allowed range."
        ),
        lifespan=lifespan,
    )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        errors = exc.errors()
        return JSONResponse(
            {
                "detail": {
                    "message": _validation_message(errors),
                    "errors": jsonable_encoder(
                        [{k: e.get(k) for k in ("loc", "msg", "type")} for e in errors]
                    ),
                }
            },
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        detail = exc.detail
        if not isinstance(detail, dict):
            detail = {"message": f"{request.method} {request.url.path}: {detail}"}
        return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=exc.headers)

    app.include_router(_api.router)

    @app.get("/", include_in_schema=False)
    def index():
        return FileResponse(_STATIC / "index.html", media_type="text/html")

    @app.get("/vendor/plotly.min.js", include_in_schema=False)
    def plotly_js():
        return FileResponse(plotly_js_path(), media_type="text/javascript")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon():
        return Response(status_code=204)

    app.mount("/static", StaticFiles(directory=_STATIC), name="static")
    app.add_middleware(_BodyLimitMiddleware)
    return app


class _BodyLimitMiddleware(_BodyLimit):
    def __init__(self, app):
        super().__init__(app, _api.MAX_BODY_BYTES)


def _sim_warm() -> None:
    import logging

    from insulinsim.web import _sim

    log = logging.getLogger("uvicorn.error")
    try:
        _sim.warm_up(log.info)
    except Exception as e:  # pragma: no cover - warming is best effort
        log.warning("explorer: warm-up failed: %s", e)
