"""acla: Cross-Layer Attention for image restoration, the Python binding of libacla.so (ctypes).

Modules: ``acla.errors`` (status codes, AclaError), ``acla.loader`` (how libacla.so is found:
$ACLA_LIBRARY, pkg-config, the installed prefix, the build tree), ``acla.core`` (version,
threads), ``acla.model`` (Model), ``acla.attention`` (attention statistics, probe, search),
``acla.image`` (image files, degradations, metrics), ``acla.restore`` (Model.restore: tiled
restoration of 8-bit images, restore_file). Every public name is also here, at the
top level. Every failing call raises AclaError carrying the status code and the library's message.

    >>> import acla
    >>> m = acla.Model.create("examples/configs/edsr_baseline_x2.json")   # doctest: +SKIP
"""
from __future__ import annotations

from . import errors as _errors, loader as _loader, core as _core, model as _model, attention as _attention
from . import image as _image, restore as _restore
from .attention import *  # noqa: F401,F403
from .core import *  # noqa: F401,F403
from .errors import *  # noqa: F401,F403
from .image import *  # noqa: F401,F403
from .loader import library, library_path  # noqa: F401
from .model import *  # noqa: F401,F403
from . import training as _training
from .training import *  # noqa: F401,F403
from .restore import *  # noqa: F401,F403

__version__ = "0.1.0"

__all__ = (list(_errors.__all__) + ["library", "library_path"] + list(_core.__all__) + list(_model.__all__)
           + list(_attention.__all__) + list(_training.__all__) + [n for n in _image.__all__ if n != "AclaWarning"]
           + list(_restore.__all__))
