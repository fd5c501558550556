"""DMN: the model (:mod:`service.dmn.model`), XML reading (DMN 1.1-1.5), writing (DMN 1.5)
and structural validation.

``read_dmn(path_or_bytes)`` -> Definitions (raises DmnReadError listing every problem),
``write_dmn(defs)`` -> deterministic DMN 1.5 XML bytes, ``validate(defs)`` -> diagnostics.
"""

from service.dmn.diagnostics import Diagnostic, DmnReadError
from service.dmn.reader import read_dmn, read_dmn_with_warnings
from service.dmn.validate import validate
from service.dmn.writer import write_dmn

__all__ = [
    "Diagnostic",
    "DmnReadError",
    "read_dmn",
    "read_dmn_with_warnings",
    "validate",
    "write_dmn",
]
