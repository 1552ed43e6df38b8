"""OCPP 2.0.1 actions a station sends -> domain service calls -> response models.

One router for the version (`base.router`), filled by one module per functional block of
the specification: provisioning, availability, authorization and the device model report
(`provisioning`), the notifications kept as station events (`notifications`), security and
certificates (`security`), transactions and meter values (`transactions`). Importing this
package registers them all.
"""

from __future__ import annotations

from voltgate.handlers.v201 import notifications, provisioning, security, transactions
from voltgate.handlers.v201.base import router

__all__ = ["notifications", "provisioning", "router", "security", "transactions"]
