"""The OCPP 2.0.1 router, and the mappings every 2.0.1 functional block shares."""

from __future__ import annotations

from voltgate.handlers.router import Router
from voltgate.ocpp.errors import OcppVersion
from voltgate.ocpp.v201 import messages as m

router = Router(OcppVersion.V201, requests=m.REQUESTS, responses=m.RESPONSES)
