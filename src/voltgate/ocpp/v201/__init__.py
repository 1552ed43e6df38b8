"""OCPP 2.0.1 wire models, generated: see `messages.py`."""
