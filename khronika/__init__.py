"""Khronika: news about people persecuted across borders -> sourced case chronicles."""

__version__ = "0.1.0"

import os as _os

# Natasha's models run on numpy; a multi-threaded BLAS gains nothing on these
# small matrices and makes pool workers fight over the cores (measured: 2
# processes at 0.36x instead of 1.8x of one). Set before numpy is imported.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    _os.environ.setdefault(_name, "1")
