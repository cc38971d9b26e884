"""Model assemblies: organs wired into right-hand sides (layer 3)."""

from insulinsim.model._fast import (
    FLUX_META,
    AbstractSchedule,
    Basal,
    FastArgs,
    Fluxes,
    Inputs,
    State,
    basal_state,
    fluxes,
    initial_state,
    rhs,
)

__all__ = [
    "FLUX_META",
    "AbstractSchedule",
    "Basal",
    "FastArgs",
    "Fluxes",
    "Inputs",
    "State",
    "basal_state",
    "fluxes",
    "initial_state",
    "rhs",
]
