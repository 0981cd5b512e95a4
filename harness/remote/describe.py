"""Short, readable descriptions of values and calls for feedback messages."""

from __future__ import annotations

from typing import Any

import numpy as np

from harness import messages
from harness.i18n import Text


class Handle:
    """Marker base of every judge-side proxy of a worker object (kept here so that describing a
    value needs no import of the proxies themselves)."""

    type_name: str = "?"


SMALL_ARRAY_ELEMENTS = 24


def _array_text(array: np.ndarray) -> str:
    return np.array2string(
        array, precision=4, suppress_small=True, threshold=SMALL_ARRAY_ELEMENTS, max_line_width=120
    ).replace("\n", "")


def describe(value: Any, *, show_values: bool = True) -> Text:
    """'float64 array of shape (5, 3)' (plus the values when small), 'None', '3.5', ..."""
    try:
        import torch
    except ImportError:  # pragma: no cover
        torch = None  # type: ignore[assignment]
    if isinstance(value, np.ndarray):
        text = messages.ARRAY_DESCRIPTION.format(dtype=value.dtype.name, shape=tuple(value.shape))
        if show_values and value.size <= SMALL_ARRAY_ELEMENTS:
            text = text + f" {_array_text(value)}"
        return text
    if torch is not None and isinstance(value, torch.Tensor):
        dtype = str(value.dtype).removeprefix("torch.")
        text = messages.TENSOR_DESCRIPTION.format(dtype=dtype, shape=tuple(value.shape))
        if show_values and value.numel() <= SMALL_ARRAY_ELEMENTS:
            text = text + f" {_array_text(value.detach().to(torch.float64).cpu().numpy())}"
        return text
    if isinstance(value, Handle):
        return messages.HANDLE_DESCRIPTION.format(type=value.type_name)
    if isinstance(value, tuple | list):
        opening, closing = ("(", ")") if isinstance(value, tuple) else ("[", "]")
        if len(value) > 6:
            inner = [describe(v, show_values=False) for v in value[:6]] + [Text.same("...")]
        else:
            inner = [describe(v, show_values=show_values) for v in value]
        return Text.same(opening) + Text.join(inner, ", ") + Text.same(closing)
    if isinstance(value, dict):
        items = list(value.items())[:8]
        inner = [Text.same(f"{k!r}: ") + describe(v, show_values=False) for k, v in items]
        more = [Text.same("...")] if len(value) > 8 else []
        return Text.same("{") + Text.join(inner + more, ", ") + Text.same("}")
    if isinstance(value, float | np.floating):
        return Text.same(f"{float(value):.6g}")
    text = repr(value)
    if len(text) > 200:
        text = text[:200] + "..."
    return Text.same(text)


def short_argument(value: Any) -> str:
    """Compact argument rendering for a call line: shapes instead of values."""
    try:
        import torch
    except ImportError:  # pragma: no cover
        torch = None  # type: ignore[assignment]
    if isinstance(value, np.ndarray):
        if value.size <= 6:
            return _array_text(value)
        return f"<{value.dtype.name} array {tuple(value.shape)}>"
    if torch is not None and isinstance(value, torch.Tensor):
        return f"<{str(value.dtype).removeprefix('torch.')} tensor {tuple(value.shape)}>"
    if isinstance(value, Handle):
        return f"<{value.type_name.rsplit('.', 1)[-1]}>"
    if isinstance(value, torch.nn.Module if torch is not None else ()):
        return f"<{type(value).__name__} model>"
    if isinstance(value, list | tuple) and len(value) > 6:
        return f"<{type(value).__name__} of {len(value)} items>"
    text = repr(value)
    return text if len(text) <= 60 else f"<{type(value).__name__}>"


def call_repr(name: str, args: tuple, kwargs: dict) -> str:
    parts = [short_argument(a) for a in args]
    parts += [f"{k}={short_argument(v)}" for k, v in kwargs.items()]
    return f"`{name}({', '.join(parts)})`"
