"""OCPP 1.6 wire models, generated: see `messages.py`."""
