"""OCPP 2.0.1 provisioning, availability, authorization, reporting and other notifications."""

from __future__ import annotations
