"""A plausible electric vehicle on an AC connector, producing the meter readings a station reports.

The numbers follow how real AC charging looks, so that dashboards and smart-charging code see
realistic data: a car draws close to its on-board charger's limit (7.4, 11 or 22 kW), the power
tapers off above 80 % state of charge, the three phase currents are P / (3 x 230 V) with a little
imbalance, and the energy register only ever rises. Everything random comes from the `rng` passed
in, and time is passed in as elapsed seconds, so a session can be replayed exactly.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

VOLTAGE_V = 230.0  # phase-to-neutral voltage of a European AC grid
PHASES = 3
# On-board charger limits seen in the field (the simulator spreads every one over 3 phases).
ONBOARD_CHARGERS_W = (7_400.0, 11_000.0, 22_000.0)
BATTERIES_WH = (40_000.0, 58_000.0, 77_000.0, 100_000.0)
TAPER_FROM_SOC = 80.0  # above this state of charge the EV lowers its power linearly
MIN_TAPER = 0.1  # at 100 % the EV still draws 10 % of its maximum (balancing)


@dataclass(frozen=True, slots=True)
class MeterSample:
    """One reading of the connector's meter, in the units the station reports."""

    energy_wh: int  # Energy.Active.Import.Register, lifetime register of the connector
    power_w: float  # Power.Active.Import
    currents_a: tuple[float, float, float]  # Current.Import on L1, L2, L3
    soc_percent: int | None  # SoC of the EV battery; None when no EV is plugged in


class EvSession:
    """The energy flow of one charging session on one connector.

    Args:
        rng: source of every random choice (EV type, start SoC, noise).
        register_wh: the connector's energy register when the session starts.
    """

    def __init__(self, rng: random.Random, register_wh: int) -> None:
        self._rng = rng
        self.max_power_w = rng.choice(ONBOARD_CHARGERS_W)
        self.capacity_wh = rng.choice(BATTERIES_WH)
        self.start_register_wh = register_wh
        self._soc = rng.uniform(10.0, 60.0)
        self._delivered_wh = 0.0
        self._elapsed_s = 0.0
        self._power_w = 0.0

    @property
    def register_wh(self) -> int:
        """The energy register now: the start value plus what this session delivered."""
        return self.start_register_wh + int(self._delivered_wh)

    def power_at(self, soc: float) -> float:
        """What the EV draws at `soc` percent, before measurement noise."""
        if soc <= TAPER_FROM_SOC:
            return self.max_power_w
        share = (100.0 - soc) / (100.0 - TAPER_FROM_SOC)
        return self.max_power_w * max(MIN_TAPER, share)

    def advance(self, elapsed_s: float, limit_w: float | None = None) -> MeterSample:
        """Move the session to `elapsed_s` seconds after its start and read the meter; the EV
        drew at most `limit_w` (the station's charging profiles) since the last reading."""
        step = max(0.0, elapsed_s - self._elapsed_s)
        self._elapsed_s = max(self._elapsed_s, elapsed_s)
        if step > 0.0:
            # Charging and meter noise: a few percent below the nominal limit, never above it.
            drawn = self.power_at(self._soc) * self._rng.uniform(0.95, 1.0)
            self._power_w = drawn if limit_w is None else max(0.0, min(drawn, limit_w))
            energy = self._power_w * step / 3600.0
            self._delivered_wh += energy
            self._soc = min(100.0, self._soc + 100.0 * energy / self.capacity_wh)
        return self.sample()

    def sample(self) -> MeterSample:
        """The meter reading at the current point of the session, without moving time."""
        per_phase = self._power_w / (VOLTAGE_V * PHASES)
        currents = tuple(
            round(per_phase * self._rng.uniform(0.97, 1.03), 1) if per_phase else 0.0
            for _ in range(PHASES)
        )
        return MeterSample(
            energy_wh=self.register_wh,
            power_w=round(self._power_w, 1),
            currents_a=(currents[0], currents[1], currents[2]),
            soc_percent=int(self._soc),
        )


def idle_sample(register_wh: int) -> MeterSample:
    """The meter of a connector without an EV: the register, and nothing flowing."""
    return MeterSample(register_wh, 0.0, (0.0, 0.0, 0.0), None)


def initial_register(rng: random.Random) -> int:
    """A connector's lifetime energy register when the simulator starts: 0.1 to 20 MWh."""
    return rng.randrange(100_000, 20_000_000)
