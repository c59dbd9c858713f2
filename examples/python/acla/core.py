"""Library version, status texts and the thread count."""
from __future__ import annotations

from ._args import int32, uint64
from .loader import _lib, check

__all__ = ["version", "version_number", "status_string", "set_num_threads", "get_num_threads", "get_max_threads",
           "set_memory_limit", "get_memory_limit"]


def version() -> str:
    """The library version, e.g. "0.1.0"."""
    return _lib.acla_version_string().decode()


def version_number() -> int:
    """The version as major * 10000 + minor * 100 + patch."""
    return _lib.acla_version_number()


def status_string(status: int) -> str:
    """The fixed English text of a status code ("unknown status code" for others)."""
    return _lib.acla_status_string(int32(status, "status")).decode()


def set_num_threads(n: int) -> None:
    """Threads of OpenMP and OpenBLAS together, for every later call (1..get_max_threads()).
    A count the process cannot start raises AclaError(ERR_OUT_OF_MEMORY); the count is unchanged."""
    check(_lib.acla_set_num_threads(int32(n, "n")))


def get_num_threads() -> int:
    """The current thread count (the number of cores by default)."""
    return _lib.acla_get_num_threads()


def get_max_threads() -> int:
    """The largest count set_num_threads accepts (min(256, OpenBLAS's GEMM buffer table))."""
    return _lib.acla_get_max_threads()


def set_memory_limit(nbytes: int) -> None:
    """The most memory one forward, restore or training step may plan to use (its estimated
    working set; larger requests raise AclaError(ERR_OUT_OF_MEMORY) before allocating); 0
    restores the default, the physical memory."""
    check(_lib.acla_set_memory_limit(uint64(nbytes, "memory limit")))


def get_memory_limit() -> int:
    """The memory limit in force, in bytes."""
    return _lib.acla_get_memory_limit()
