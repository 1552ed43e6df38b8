"""Prometheus metrics, one registry per running Voltgate (no global registry).

The gateway and the storage committer record; the HTTP API exposes `/metrics`.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

__all__ = ["CONTENT_TYPE_LATEST", "Metrics"]

# Response latency of an inbound OCPP CALL, from frame received to answer written.
_LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
_BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)


class Metrics:
    """The metric families Voltgate exports, bound to their own registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.stations_connected = Gauge(
            "voltgate_stations_connected",
            "Charging stations with an open OCPP WebSocket connection.",
            ["protocol"],
            registry=self.registry,
        )
        self.connections_refused = Counter(
            "voltgate_connections_refused_total",
            "WebSocket handshakes refused, by reason.",
            ["reason"],
            registry=self.registry,
        )
        self.messages = Counter(
            "voltgate_ocpp_messages_total",
            "Inbound OCPP CALLs by protocol, action and result (CALLRESULT or the CALLERROR code).",
            ["protocol", "action", "result"],
            registry=self.registry,
        )
        self.frames_rejected = Counter(
            "voltgate_ocpp_frames_rejected_total",
            "Inbound frames that were not valid OCPP-J, by error code.",
            ["protocol", "code"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "voltgate_ocpp_response_seconds",
            "Time from an inbound CALL to its answer, including durable storage.",
            ["protocol", "action"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.commit_batch = Histogram(
            "voltgate_storage_batch_size",
            "Units of work committed together in one storage transaction (group commit).",
            buckets=_BATCH_BUCKETS,
            registry=self.registry,
        )
        self.message_log_dropped = Counter(
            "voltgate_message_log_dropped_total",
            "OCPP frames left out of the message log: `overflow` when the writer could not "
            "keep up and the oldest queued frames made room, `error` when storing failed.",
            ["reason"],
            registry=self.registry,
        )
        for reason in ("overflow", "error"):  # shown as 0 before the first drop
            self.message_log_dropped.labels(reason)

    def render(self) -> bytes:
        """The registry in the Prometheus text exposition format."""
        return generate_latest(self.registry)
