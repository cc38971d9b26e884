"""Solving: diffrax, batching over people, compilation cache (layer 5)."""

from insulinsim.solve._cells import simulate_cells
from insulinsim.solve._simulate import (
    SolverSettings,
    StepGrid,
    enable_compilation_cache,
    simulate,
    stack_people,
)

__all__ = [
    "SolverSettings",
    "StepGrid",
    "enable_compilation_cache",
    "simulate",
    "simulate_cells",
    "stack_people",
]
