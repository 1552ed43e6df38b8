"""Operations endpoints: liveness and Prometheus metrics (no station or user data in either)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from voltgate import __version__
from voltgate.api.auth import PUBLIC
from voltgate.metrics import CONTENT_TYPE_LATEST, Metrics

HealthCheck = Callable[[], Awaitable[bool]]


def operations_router(metrics: Metrics, storage_ok: HealthCheck) -> APIRouter:
    """`/health` and `/metrics`, open to everyone (load balancers and Prometheus scrape
    them without credentials)."""
    router = APIRouter(tags=["operations"], dependencies=[PUBLIC])

    @router.get(
        "/health",
        summary="Liveness and storage reachability",
        responses={
            200: {"description": "Serving, storage reachable."},
            503: {"description": "Serving, but the storage does not answer."},
        },
    )
    async def health() -> JSONResponse:
        ok = await storage_ok()
        body = {
            "status": "ok" if ok else "degraded",
            "storage": "ok" if ok else "unreachable",
            "version": __version__,
        }
        return JSONResponse(body, status_code=200 if ok else 503)

    @router.get(
        "/metrics",
        summary="Prometheus metrics",
        response_class=Response,
        responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
    )
    async def prometheus_metrics() -> Response:
        return Response(metrics.render(), media_type=CONTENT_TYPE_LATEST)

    return router
