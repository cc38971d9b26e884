"""Solving: diffrax, batching over people, compilation cache (layer 5)."""

from insulinsim.solve._cells import simulate_cells
from insulinsim.solve._progress import PROGRESS_META, ProgressSettings, progress
from insulinsim.solve._simulate import (
    SolverSettings,
    StepGrid,
    enable_compilation_cache,
    simulate,
    stack_people,
)

__all__ = [
    "PROGRESS_META",
    "ProgressSettings",
    "SolverSettings",
    "StepGrid",
    "enable_compilation_cache",
    "progress",
    "simulate",
    "simulate_cells",
    "stack_people",
]
