"""One call in a notebook's first cell instead of boilerplate: seeds, table display and
chart style, so every notebook shows the same numbers and pictures on every re-run."""
from __future__ import annotations

import random

import numpy as np
import pandas as pd

from openness.vocab import SEED

INLINE_DPI = 100
DISPLAY_OPTIONS = {
    "display.max_columns": 30,
    "display.max_rows": 60,
    "display.width": 120,
    "display.max_colwidth": 60,
    "display.float_format": "{:.3f}".format,
}


def notebook_setup(seed: int = SEED) -> None:
    """Seed `random` and numpy's global generator, set pandas display options, apply the
    house chart style and, inside IPython, fix the inline figure format. Prints nothing."""
    random.seed(seed)
    np.random.seed(seed)
    for option, value in DISPLAY_OPTIONS.items():
        pd.set_option(option, value)
    from openness.present import charts  # matplotlib only when a notebook asks for it

    charts.use_style()
    _configure_inline_backend()


def _configure_inline_backend() -> None:
    """PNG at a fixed dpi and uncropped (as `charts.save` exports it); the house style as the
    inline rc, so a later `%matplotlib inline` re-applies it instead of other defaults."""
    try:
        from IPython import get_ipython
        from matplotlib_inline.config import InlineBackend
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    from openness.present import charts

    config = InlineBackend.instance(parent=shell)
    config.shell = shell
    config.rc = dict(charts.STYLE, **{"figure.dpi": INLINE_DPI})
    config.print_figure_kwargs = {"bbox_inches": None, "dpi": INLINE_DPI}
    config.figure_formats = {"png"}
