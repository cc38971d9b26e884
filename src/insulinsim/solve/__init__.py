"""Solving: diffrax, batching over people, compilation cache (layer 5)."""

from insulinsim.solve._cells import simulate_cells
from insulinsim.solve._progress import (
    PROGRESS_META,
    ProgressSettings,
    day_parameters_at,
    in_model_range,
    progress,
    progress_reference,
)
from insulinsim.solve._simulate import (
    SolverSettings,
    StepGrid,
    enable_compilation_cache,
    fixed_grid,
    simulate,
    solve_on_grid,
    stack_people,
)

__all__ = [
    "PROGRESS_META",
    "ProgressSettings",
    "SolverSettings",
    "StepGrid",
    "day_parameters_at",
    "enable_compilation_cache",
    "fixed_grid",
    "in_model_range",
    "progress",
    "progress_reference",
    "simulate",
    "simulate_cells",
    "solve_on_grid",
    "stack_people",
]
