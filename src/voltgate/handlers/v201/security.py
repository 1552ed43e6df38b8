"""OCPP 2.0.1 security: certificates, security events."""

from __future__ import annotations
