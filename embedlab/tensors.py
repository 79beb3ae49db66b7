"""Small conversions the technique modules share: learners pass NumPy arrays or torch tensors.

    as_tensor(x)              # a torch tensor (tensors are kept as they are, not copied)
    float_tensors(a, b, c)    # all as one float dtype: float64 if any input is float64, else float32
"""
from __future__ import annotations

import numpy as np
import torch

__all__ = ["as_tensor", "float_tensors"]


def as_tensor(x) -> torch.Tensor:
    """``x`` as a torch tensor (NumPy arrays and lists are converted; tensors are kept)."""
    return x if isinstance(x, torch.Tensor) else torch.as_tensor(np.ascontiguousarray(x))


def float_tensors(*arrays) -> list[torch.Tensor]:
    """The arrays as torch tensors of one float dtype (float64 if any input is float64, so
    a float64 check case is computed in float64; float32 otherwise)."""
    tensors = [as_tensor(a) for a in arrays]
    dtype = torch.float32
    for t in tensors:
        dtype = torch.promote_types(dtype, t.dtype)
    return [t.to(dtype) for t in tensors]
