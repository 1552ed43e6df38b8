"""Where OCPP meets the domain: one router per protocol version."""
