"""Training and the insert-position search (docs/TRAINING.md): acla.Trainer wraps acla_trainer."""
from __future__ import annotations

import ctypes
import json
import weakref

from ._args import encode_path, int32, numpy
from .errors import ERR_INVALID_ARGUMENT, ERR_SHAPE, ERR_STATE, AclaError
from .loader import _lib, check, cstr, proto, status_t
from .model import Model, _config_text, _sized_string

__all__ = ["Trainer"]

_h = ctypes.c_void_p
_f32p = ctypes.POINTER(ctypes.c_float)
_f64p = ctypes.POINTER(ctypes.c_double)
_i64p = ctypes.POINTER(ctypes.c_int64)
_size_t = ctypes.c_size_t
# int32_t (*)(void *user, int64_t done, int64_t total)
_PROGRESS = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_void_p, ctypes.c_int64, ctypes.c_int64)
proto("acla_trainer_create", status_t, _h, cstr, ctypes.POINTER(_h))
proto("acla_trainer_destroy", None, _h)
for _name in ("acla_trainer_step", "acla_trainer_alpha_step"):
    proto(_name, status_t, _h, _f32p, ctypes.c_int32, ctypes.c_int32, ctypes.c_int32, ctypes.c_int32, _f32p, _size_t, _f64p)
proto("acla_trainer_save", status_t, _h, cstr)
proto("acla_trainer_resume", status_t, _h, cstr)
proto("acla_trainer_set_learning_rate", status_t, _h, ctypes.c_double)
proto("acla_trainer_get_learning_rate", status_t, _h, _f64p)
proto("acla_trainer_get_step", status_t, _h, _i64p)
proto("acla_trainer_get_alpha_step", status_t, _h, _i64p)
proto("acla_trainer_set_gate_temperature", status_t, _h, ctypes.c_double, ctypes.c_double)
proto("acla_trainer_options", status_t, _h, ctypes.c_char_p, _size_t, ctypes.POINTER(_size_t))
proto("acla_trainer_run", status_t, _h, cstr, _PROGRESS, ctypes.c_void_p)
proto("acla_trainer_validation", status_t, _h, _f64p, _f64p)
# int32_t (*)(void *user, float *buffer, size_t count, double timeout_seconds)
_ALLREDUCE = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_void_p, _f32p, _size_t, ctypes.c_double)
proto("acla_trainer_set_communicator", status_t, _h, ctypes.c_int32, ctypes.c_int32, _ALLREDUCE, ctypes.c_void_p,
      _size_t, ctypes.c_double)


class Trainer:
    """Trains an acla.Model in place: Adam (torch semantics), L1/MSE, schedules, clipping, the
    search's alpha steps, checkpoints that resume bit for bit (one acla_trainer handle).

    `options` is a dict or JSON text (include/acla.h lists the keys). Use step() from your own
    data loader (numpy NCHW float arrays, 0..255), or run() on folders of images.
    """

    def __init__(self, model: "Model", options=None):
        if not isinstance(model, Model):
            raise AclaError(ERR_INVALID_ARGUMENT, f"model must be an acla.Model, got {type(model).__name__}")
        h = _h()
        opts = None if options is None else _config_text(options)
        check(_lib.acla_trainer_create(model._live(), opts, ctypes.byref(h)))
        self.model = model
        self._h = h
        self._finalizer = weakref.finalize(self, _lib.acla_trainer_destroy, h.value)

    def _live(self):
        if not self._finalizer.alive:
            raise AclaError(ERR_STATE, "trainer is closed")
        return self._h

    def close(self) -> None:
        self._finalizer()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _batch(self, fn, x, target):
        np = numpy("acla.Trainer")
        a = np.ascontiguousarray(x, dtype=np.float32)
        t = np.ascontiguousarray(target, dtype=np.float32)
        if a.ndim != 4:
            raise AclaError(ERR_SHAPE, f"input must be NCHW, got shape {a.shape}")
        n, c, h, w = (int32(int(d), "input dimension") for d in a.shape)
        loss = ctypes.c_double()
        self._checked(fn(self._live(), a.ctypes.data_as(_f32p), n, c, h, w, t.ctypes.data_as(_f32p), t.size,
                         ctypes.byref(loss)))
        return loss.value

    def _checked(self, status):
        """check(), re-raising what a Python all-reduce callback raised during the call."""
        errors = getattr(self, "_allreduce_errors", None)
        try:
            check(status)
        except AclaError as e:
            if errors:
                raise errors.pop(0) from e
            raise
        finally:
            if errors:
                errors.clear()

    def step(self, x, target) -> float:
        """One optimiser step on a batch; returns the reconstruction loss."""
        return self._batch(_lib.acla_trainer_step, x, target)

    def alpha_step(self, x, target) -> float:
        """Search stage 2: one step of search.alpha on a validation batch; returns the total loss."""
        return self._batch(_lib.acla_trainer_alpha_step, x, target)

    def save(self, path) -> None:
        check(_lib.acla_trainer_save(self._live(), encode_path(path)))

    def resume(self, path) -> None:
        check(_lib.acla_trainer_resume(self._live(), encode_path(path)))

    @property
    def learning_rate(self) -> float:
        """The rate the next step uses; setting it sets the schedule's base rate."""
        v = ctypes.c_double()
        check(_lib.acla_trainer_get_learning_rate(self._live(), ctypes.byref(v)))
        return v.value

    @learning_rate.setter
    def learning_rate(self, lr: float) -> None:
        check(_lib.acla_trainer_set_learning_rate(self._live(), float(lr)))

    @property
    def step_count(self) -> int:
        v = ctypes.c_int64()
        check(_lib.acla_trainer_get_step(self._live(), ctypes.byref(v)))
        return v.value

    @property
    def alpha_step_count(self) -> int:
        v = ctypes.c_int64()
        check(_lib.acla_trainer_get_alpha_step(self._live(), ctypes.byref(v)))
        return v.value

    def set_gate_temperature(self, key: float, layer: float = float("nan")) -> None:
        """tau of the ACLA key gates and (for a supernet) a fixed layer-gate tau (NaN keeps the decay)."""
        check(_lib.acla_trainer_set_gate_temperature(self._live(), float(key), float(layer)))

    @property
    def options(self) -> dict:
        return json.loads(_sized_string(_lib.acla_trainer_options, self._live()))

    def run(self, run_options, progress=None) -> None:
        """Trains on image folders (run_options: dict or JSON, keys in include/acla.h). `progress`
        (step, steps) -> bool is called after every step; returning False saves the checkpoint
        and raises AclaError(ERR_CANCELLED)."""
        errors = []

        def call(_user, done, total):
            try:
                return 0 if progress(done, total) is not False else 1
            except BaseException as e:  # an exception in the callback cancels the run
                errors.append(e)
                return 1

        cb = _PROGRESS(call) if progress is not None else _PROGRESS()
        try:
            self._checked(_lib.acla_trainer_run(self._live(), _config_text(run_options), cb, None))
        except AclaError:
            if errors:
                raise errors[0]
            raise

    def set_communicator(self, rank: int, world_size: int, allreduce, bucket_floats: int = 0,
                         timeout: float = 0.0) -> None:
        """Data-parallel training (docs/DISTRIBUTED.md): `allreduce(buffer, timeout)` must sum the
        float32 numpy array `buffer` over every rank in place within `timeout` seconds (raise on
        failure; the trainer call then fails and the error is re-raised). Each rank then steps on
        its shard of the global batch, or run()s with "batch" as the global batch. None detaches."""
        np = numpy("acla.Trainer.set_communicator")
        if allreduce is None:
            check(_lib.acla_trainer_set_communicator(self._live(), 0, 1, _ALLREDUCE(), None, 0, 0.0))
            self._allreduce = None
            return
        errors = self._allreduce_errors = []

        def call(_user, buf, count, timeout_seconds):
            try:
                view = np.ctypeslib.as_array(buf, shape=(count,)) if count else np.zeros(0, np.float32)
                allreduce(view, timeout_seconds)
                return 0
            except BaseException as e:  # reported as a failed all-reduce; re-raised by the call
                errors.append(e)
                return 1

        cb = _ALLREDUCE(call)
        check(_lib.acla_trainer_set_communicator(self._live(), int32(rank, "rank"), int32(world_size, "world_size"), cb,
                                                 None, int(bucket_floats), float(timeout)))
        self._allreduce = cb   # the library keeps the pointer: keep the function alive

    @property
    def validation(self) -> tuple:
        """(mean PSNR, mean SSIM) of the last validation run() did."""
        p, s = ctypes.c_double(), ctypes.c_double()
        check(_lib.acla_trainer_validation(self._live(), ctypes.byref(p), ctypes.byref(s)))
        return p.value, s.value

    def __repr__(self):
        if not self._finalizer.alive:
            return "<acla.Trainer (closed)>"
        return f"<acla.Trainer step {self.step_count}>"
