"""Virtual cohorts (chunks streamed to Parquet, on Dask) and virtual trials (front-end layer)."""

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
from insulinsim.cohort._trial import TrialResult, TrialSpec, load_trial, run_trial

__all__ = [
    "LIMITS",
    "CohortProgress",
    "CohortSpec",
    "CohortStore",
    "CohortSummary",
    "TrialResult",
    "TrialSpec",
    "cohort_summary",
    "default_workers",
    "load_trial",
    "open_client",
    "plot_cohort_summary",
    "run_cohort",
    "run_trial",
    "simulate_chunk",
    "simulate_people",
    "stage_course",
    "survey_records",
]
