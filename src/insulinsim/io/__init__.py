"""Reading and writing results (front-end layer)."""

from insulinsim.io._export import FORMATS, to_tidy, write_result

__all__ = ["FORMATS", "to_tidy", "write_result"]
