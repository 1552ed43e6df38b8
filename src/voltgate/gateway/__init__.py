"""The OCPP-J WebSocket gateway: handshake, connection pump, live-connection registry."""
