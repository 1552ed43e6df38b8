"""Charging planning: schedules from battery, power and deadline (pure functions over
domain values). `planning` computes the charge plan of one device."""
