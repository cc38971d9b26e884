"""insulinsim: a simulator of the human glucose-insulin system and insulin resistance.

A research and teaching tool, not a medical device.
"""

from insulinsim import protocols
from insulinsim.errors import InputError
from insulinsim.parameters import PRESETS, cite, parameter_info, person
from insulinsim.solve import SolverSettings, simulate

__version__ = "0.1.0"

__all__ = [
    "PRESETS",
    "InputError",
    "SolverSettings",
    "__version__",
    "cite",
    "parameter_info",
    "person",
    "protocols",
    "simulate",
]
