"""Reading and writing: results, lab results (CSV, FHIR, flags) and SBML (front-end layer)."""

from insulinsim.io._export import (
    FORMATS,
    METADATA_KEY,
    PROVENANCE_KEYS,
    SIDECAR_SUFFIX,
    package_version,
    parameter_hash,
    provenance,
    read_result,
    sidecar_path,
    to_tidy,
    write_result,
)
from insulinsim.io._labs import (
    LAB_ANALYTES,
    LabDataError,
    LabResults,
    labs_from_flags,
    read_fhir,
    read_labs_csv,
    write_labs_csv,
)
from insulinsim.io._sbml import INSULIN_ACTIONS, SBML_IDS, export_sbml, write_sbml

__all__ = [
    "FORMATS",
    "INSULIN_ACTIONS",
    "LAB_ANALYTES",
    "METADATA_KEY",
    "PROVENANCE_KEYS",
    "SBML_IDS",
    "SIDECAR_SUFFIX",
    "LabDataError",
    "LabResults",
    "export_sbml",
    "labs_from_flags",
    "package_version",
    "parameter_hash",
    "provenance",
    "read_fhir",
    "read_labs_csv",
    "read_result",
    "sidecar_path",
    "to_tidy",
    "write_labs_csv",
    "write_result",
    "write_sbml",
]
