"""Static figures (front-end layer)."""

from insulinsim.plotting._assess import assessment_figures
from insulinsim.plotting._figures import (
    OKABE_ITO,
    ORGANS,
    plot_organ_table,
    plot_receptor_course,
    plot_result,
)
from insulinsim.plotting._progress import plot_progress
from insulinsim.plotting._trial import plot_trial
from insulinsim.plotting._validation import plot_validation_case, validation_figure

__all__ = [
    "OKABE_ITO",
    "ORGANS",
    "assessment_figures",
    "plot_organ_table",
    "plot_progress",
    "plot_receptor_course",
    "plot_result",
    "plot_trial",
    "plot_validation_case",
    "validation_figure",
]
