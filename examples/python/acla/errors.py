"""Status codes (pinned, as in include/acla.h) and the exception every failing call raises."""
from __future__ import annotations

__all__ = ["OK", "ERR_INVALID_ARGUMENT", "ERR_SHAPE", "ERR_IO", "ERR_FORMAT", "ERR_UNSUPPORTED",
           "ERR_OUT_OF_MEMORY", "ERR_CANCELLED", "ERR_STATE", "ERR_INTERNAL", "AclaError", "AclaWarning"]

OK = 0
ERR_INVALID_ARGUMENT = 1
ERR_SHAPE = 2
ERR_IO = 3
ERR_FORMAT = 4
ERR_UNSUPPORTED = 5
ERR_OUT_OF_MEMORY = 6
ERR_CANCELLED = 7
ERR_STATE = 8
ERR_INTERNAL = 9


class AclaError(Exception):
    """A failed library call: `status` is the acla_status code, `message` the library's text."""

    def __init__(self, status: int, message: str):
        self.status = status
        self.message = message
        super().__init__(f"[{status}] {message}")


class AclaWarning(UserWarning):
    """Something a read dropped or reduced (alpha, 16-bit precision)."""
