"""OCPP 2.0.1 transactions: TransactionEvent and MeterValues."""

from __future__ import annotations
