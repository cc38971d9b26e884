"""Analysis of results (layer 6): clinical indices, with their formulas and sources."""

from insulinsim.analysis._complications import COMPLICATIONS, complication_hazards, cumulative_risk
from insulinsim.analysis._indices import (
    AdaCategory,
    ada_category,
    auc,
    homa1_beta,
    homa1_ir,
    index_constant,
    insulinogenic_index,
    m_value,
    matsuda,
    ogtt_indices,
    oral_disposition_index,
    quicki,
    tg_hdl_ratio,
    tyg,
)
from insulinsim.analysis._organs import ORGAN_ROWS, organ_table, receptor_course
from insulinsim.analysis._staging import (
    STAGES,
    metabolic_syndrome,
    stage_trajectory,
    staging_constant,
    transitions,
)

__all__ = [
    "COMPLICATIONS",
    "ORGAN_ROWS",
    "STAGES",
    "AdaCategory",
    "ada_category",
    "auc",
    "complication_hazards",
    "cumulative_risk",
    "homa1_beta",
    "homa1_ir",
    "index_constant",
    "insulinogenic_index",
    "m_value",
    "matsuda",
    "metabolic_syndrome",
    "ogtt_indices",
    "oral_disposition_index",
    "organ_table",
    "quicki",
    "receptor_course",
    "stage_trajectory",
    "staging_constant",
    "tg_hdl_ratio",
    "transitions",
    "tyg",
]
