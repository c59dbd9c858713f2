"""Attention: per-module statistics, the Figure-2 probe, measured cost, the search outcome
(docs/ATTENTION.md). `AttentionMethods` is a base of acla.Model; statistics describe the
model's last forward()."""
from __future__ import annotations

import ctypes
from typing import List, Optional, Sequence

from ._args import int32
from .errors import ERR_INVALID_ARGUMENT, ERR_SHAPE, OK, AclaError
from .loader import _lib, check, proto, status_t

__all__ = ["AttentionModule", "ProbedKey"]

_h = ctypes.c_void_p
_i32p = ctypes.POINTER(ctypes.c_int32)
_size_t = ctypes.c_size_t
proto("acla_model_attention_count", status_t, _h, _i32p)
proto("acla_model_attention_module", status_t, _h, ctypes.c_int32, _i32p, _i32p, _i32p)
proto("acla_model_attention_sources", status_t, _h, ctypes.c_int32, _i32p, ctypes.c_int32, _i32p)
proto("acla_model_attention_open_fraction", status_t, _h, ctypes.c_int32, ctypes.POINTER(ctypes.c_double))
proto("acla_model_attention_macs", status_t, _h, ctypes.c_int32, ctypes.POINTER(ctypes.c_uint64))
proto("acla_model_measured_macs", status_t, _h, ctypes.POINTER(ctypes.c_uint64))
proto("acla_model_set_probe", status_t, _h, ctypes.c_int32, ctypes.c_int32)
proto("acla_model_probe_keys", status_t, _h, ctypes.c_int32, _i32p, ctypes.POINTER(ctypes.c_float),
      ctypes.POINTER(ctypes.c_float), ctypes.POINTER(ctypes.c_float), ctypes.POINTER(ctypes.c_uint8),
      _size_t, ctypes.POINTER(_size_t))
proto("acla_model_set_attention_memory_limit", status_t, _h, ctypes.c_uint64)
proto("acla_model_search_positions", status_t, _h, _i32p, ctypes.c_int32, _i32p)
proto("acla_model_derive", status_t, _h, _i32p, ctypes.c_int32, ctypes.POINTER(_h))


class AttentionModule:
    """One attention module: `position` (it runs after that layer), `sources` (the layers it reads
    keys from, its own last) and `keys` (K; 0 for NL, CLNL, SE)."""

    def __init__(self, index: int, position: int, sources: List[int], keys: int):
        self.index, self.position, self.sources, self.keys = index, position, sources, keys

    def __repr__(self) -> str:
        return f"AttentionModule(index={self.index}, position={self.position}, sources={self.sources}, keys={self.keys})"


class ProbedKey:
    """A key of the probed query pixel: the source layer it was read from, its sampling location
    (y, x) in input pixels, its attention weight, and whether it was open."""

    def __init__(self, source_layer: int, y: float, x: float, weight: float, open: bool):
        self.source_layer, self.y, self.x, self.weight, self.open = source_layer, y, x, weight, open

    def __repr__(self) -> str:
        return (f"ProbedKey(source_layer={self.source_layer}, y={self.y:.3f}, x={self.x:.3f}, "
                f"weight={self.weight:.4f}, open={self.open})")


def _int32_list(fn, *args) -> List[int]:
    """Calls a function with the (buf, cap, count) protocol of acla_model_attention_sources."""
    count = ctypes.c_int32(0)
    status = fn(*args, None, 0, ctypes.byref(count))
    if status not in (OK, ERR_SHAPE):
        check(status)
    buf = (ctypes.c_int32 * max(count.value, 1))()
    check(fn(*args, buf, count.value, ctypes.byref(count)))
    return list(buf[:count.value])


class AttentionMethods:
    """The attention part of acla.Model (a base class; `_live()` is the model's handle)."""

    def _live(self) -> ctypes.c_void_p:  # provided by Model
        raise NotImplementedError

    @property
    def attention_modules(self) -> List[AttentionModule]:
        """The attention modules, in insert-position order (empty for attention "none")."""
        h = self._live()
        count = ctypes.c_int32(0)
        check(_lib.acla_model_attention_count(h, ctypes.byref(count)))
        modules = []
        for i in range(count.value):
            p, r, k = ctypes.c_int32(), ctypes.c_int32(), ctypes.c_int32()
            check(_lib.acla_model_attention_module(h, i, ctypes.byref(p), ctypes.byref(r), ctypes.byref(k)))
            modules.append(AttentionModule(i, p.value, _int32_list(_lib.acla_model_attention_sources, h, i), k.value))
        return modules

    def open_fraction(self, index: int) -> float:
        """Fraction of keys module `index` gathered in the last forward pass."""
        f = ctypes.c_double()
        check(_lib.acla_model_attention_open_fraction(self._live(), int32(index, "index"), ctypes.byref(f)))
        return f.value

    def attention_macs(self, index: int) -> int:
        """MACs module `index` executed in the last forward pass, per image (gathered keys only)."""
        n = ctypes.c_uint64()
        check(_lib.acla_model_attention_macs(self._live(), int32(index, "index"), ctypes.byref(n)))
        return n.value

    @property
    def measured_macs(self) -> int:
        """MACs of the last forward pass per image: backbone plus the attention actually executed."""
        n = ctypes.c_uint64()
        check(_lib.acla_model_measured_macs(self._live(), ctypes.byref(n)))
        return n.value

    def set_probe(self, y: Optional[int], x: Optional[int]) -> None:
        """Records the keys of input pixel (y, x) in the following forward passes; None switches off."""
        if y is None and x is None:
            y = x = -1
        check(_lib.acla_model_set_probe(self._live(), int32(y, "y"), int32(x, "x")))

    def probe_keys(self, index: int) -> List[ProbedKey]:
        """The probed pixel's keys in module `index` from the last forward pass (Figure 2 data)."""
        h, i = self._live(), int32(index, "index")
        count = _size_t(0)
        status = _lib.acla_model_probe_keys(h, i, None, None, None, None, None, 0, ctypes.byref(count))
        if status not in (OK, ERR_SHAPE):
            check(status)
        n = count.value
        layers, ys, xs = (ctypes.c_int32 * max(n, 1))(), (ctypes.c_float * max(n, 1))(), (ctypes.c_float * max(n, 1))()
        weights, opens = (ctypes.c_float * max(n, 1))(), (ctypes.c_uint8 * max(n, 1))()
        check(_lib.acla_model_probe_keys(h, i, layers, ys, xs, weights, opens, n, ctypes.byref(count)))
        return [ProbedKey(layers[j], ys[j], xs[j], weights[j], bool(opens[j])) for j in range(count.value)]

    def set_attention_memory_limit(self, nbytes: int) -> None:
        """Largest NL/CLNL attention matrix in bytes (default 1 GiB); larger inputs raise ERR_OUT_OF_MEMORY."""
        if isinstance(nbytes, bool) or not isinstance(nbytes, int) or not 1 <= nbytes < (1 << 64):
            raise AclaError(ERR_INVALID_ARGUMENT, f"memory limit must be an integer in 1..2**64-1, got {nbytes!r}")
        check(_lib.acla_model_set_attention_memory_limit(self._live(), nbytes))

    @property
    def search_positions(self) -> List[int]:
        """A search supernet's current insert positions {j : alpha_j >= 0}."""
        return _int32_list(_lib.acla_model_search_positions, self._live())

    def derive(self, positions: Optional[Sequence[int]] = None):
        """The derived network of a search supernet, at `positions` (default: search_positions),
        re-using the trained weights. A new Model."""
        out = _h()
        if positions is None:
            check(_lib.acla_model_derive(self._live(), None, 0, ctypes.byref(out)))
        else:
            values = [int32(p, "position") for p in positions]
            arr = (ctypes.c_int32 * max(len(values), 1))(*values)
            check(_lib.acla_model_derive(self._live(), arr, len(values), ctypes.byref(out)))
        return type(self)(out)
