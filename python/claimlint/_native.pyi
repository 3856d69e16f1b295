"""The Rust half of claimlint (crate claimlint_py). Use the functions of :mod:`claimlint`."""

from typing import Dict, List, Optional, Tuple

Buffers = Tuple[str, int, Optional[bytes], Optional[bytes], bytes]
Columns = Dict[str, Buffers]

class ConfigError(ValueError):
    """A claimlint.toml that claimlint cannot use; the message is the CLI's."""

class Linter:
    """Settings resolved once from a config (its path, or its path and text), or the defaults."""

    def __init__(self, config: Optional[str] = None, text: Optional[str] = None) -> None: ...
    def check_json(self, data: bytes, path: str) -> str: ...
    def lint(self, paths: List[str], data: List[Optional[bytes]]) -> Columns: ...
    def audit(
        self, paths: List[str], data: List[Optional[bytes]]
    ) -> Tuple[Columns, Columns, Columns]: ...
    def cross_claim(self, files: List[Tuple[str, bytes, List[int]]]) -> Columns: ...
    def claims(self, data: bytes, path: str) -> Tuple[Columns, bytes, Columns]: ...
