"""Voltgate: an open-source charging station management system (CSMS)."""

__version__ = "0.1.0"
