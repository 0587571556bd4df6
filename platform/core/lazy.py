"""Heavy third-party modules loaded on first use, not when a Django process starts.

Every Django process (``migrate``, ``runserver``, a Celery worker, a management command) loads
the URLconf and every app's views; a module imported at the top of one of them is paid for at
every start, used or not. The openai SDK (~0.6 s), wordfreq (~1.1 s: it inspects the stack to
find its data) and fpdf (~0.35 s) were a third of a start. ``lazy_module`` is the standard
library's :class:`importlib.util.LazyLoader` recipe: the name is bound at import time and the
module executes on the first attribute access.

Use it only for leaf libraries the process may never need; type-check against the real module
with ``if TYPE_CHECKING: import x``.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy_module(name: str) -> ModuleType:
    """``name``'s module, executed on first attribute access (already imported: returned as is)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module
