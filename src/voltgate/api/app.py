"""The HTTP side: health and Prometheus metrics now; the authenticated REST API mounts here.

Until the REST API with keys and roles exists, this app serves no station or transaction
data: only `/health` (is the storage reachable) and `/metrics` (counters, no identities).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Response
from fastapi.responses import JSONResponse

from voltgate import __version__
from voltgate.metrics import CONTENT_TYPE_LATEST, Metrics

HealthCheck = Callable[[], Awaitable[bool]]


def create_api(*, metrics: Metrics, storage_ok: HealthCheck) -> FastAPI:
    """Build the HTTP application over the running services."""
    api = FastAPI(
        title="Voltgate",
        version=__version__,
        description="Charging station management system: OCPP gateway, REST API, smart charging.",
    )

    @api.get("/health", tags=["operations"], summary="Liveness and storage reachability")
    async def health() -> JSONResponse:
        ok = await storage_ok()
        body = {
            "status": "ok" if ok else "degraded",
            "storage": "ok" if ok else "unreachable",
            "version": __version__,
        }
        return JSONResponse(body, status_code=200 if ok else 503)

    @api.get("/metrics", tags=["operations"], summary="Prometheus metrics", response_class=Response)
    async def prometheus_metrics() -> Response:
        return Response(metrics.render(), media_type=CONTENT_TYPE_LATEST)

    return api
