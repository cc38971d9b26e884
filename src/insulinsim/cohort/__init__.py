"""Virtual cohorts run in chunks, streamed to Parquet, on Dask (front-end layer)."""

from insulinsim.cohort._dask import default_workers, open_client
from insulinsim.cohort._run import CohortProgress, run_cohort
from insulinsim.cohort._simulate import LIMITS, CohortSpec, simulate_chunk, simulate_people
from insulinsim.cohort._store import CohortStore
from insulinsim.cohort._summary import (
    CohortSummary,
    cohort_summary,
    plot_cohort_summary,
    stage_course,
    survey_records,
)

__all__ = [
    "LIMITS",
    "CohortProgress",
    "CohortSpec",
    "CohortStore",
    "CohortSummary",
    "cohort_summary",
    "default_workers",
    "open_client",
    "plot_cohort_summary",
    "run_cohort",
    "simulate_chunk",
    "simulate_people",
    "stage_course",
    "survey_records",
]
