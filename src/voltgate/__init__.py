"""Voltgate: an open-source charging station management system (CSMS)."""

from voltgate.compiled import use_fresh_modules

__version__ = "0.1.0"

use_fresh_modules()
