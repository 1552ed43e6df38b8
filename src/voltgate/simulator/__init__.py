"""Simulated OCPP 1.6 and 2.0.1 charging stations over real WebSockets, for demos, tests and load.

    config = SimulationConfig(url="ws://127.0.0.1:9000/ocpp", stations=10, duration=60)
    stats = await run_simulation(config)

`version="2.0.1"` makes the stations speak OCPP 2.0.1. What is common to both versions
(connections, boot, heartbeats, the connector loop) lives in this package's top modules; what
differs lives in `v16/` and `v201/`, behind the `Dialect` interface (dialect.py).

`voltgate simulate` (cli.py) is the same thing from the command line. The package imports only
`voltgate.ocpp` from Voltgate, so it can drive any CSMS, not just ours.
"""

from voltgate.simulator.config import ConfigError, SimulationConfig
from voltgate.simulator.link import ConnectFailed
from voltgate.simulator.runner import Simulation, run_simulation
from voltgate.simulator.stats import Histogram, Stats

__all__ = [
    "ConfigError",
    "ConnectFailed",
    "Histogram",
    "Simulation",
    "SimulationConfig",
    "Stats",
    "run_simulation",
]
