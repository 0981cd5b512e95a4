"""What a check can use: the student, the reference, seeded randomness, attachments.

The context of the running check is also kept in a context variable, so that the kit's helpers
can say by default which student call a message is about (the last one).
"""

from __future__ import annotations

import base64
import contextvars
import io
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from harness.i18n import Text
from harness.records import Artifact, Localized
from harness.remote.errors import ReferenceUnavailable
from harness.remote.handles import RemoteModule

_CURRENT: contextvars.ContextVar[CheckContext | None] = contextvars.ContextVar(
    "current_check", default=None
)


def current() -> CheckContext | None:
    """The context of the check running now (None outside a check)."""
    return _CURRENT.get()


@contextmanager
def running(ctx: CheckContext) -> Iterator[CheckContext]:
    token = _CURRENT.set(ctx)
    try:
        yield ctx
    finally:
        _CURRENT.reset(token)


def last_student_call() -> str:
    """How the student's code was last called in the running check ('' when it was not)."""
    ctx = current()
    return ctx.student.last_function_call if ctx is not None else ""


def stable_seed(*parts: str) -> int:
    """A seed that depends only on names (never on Python's hash randomisation)."""
    return zlib.crc32("/".join(parts).encode()) & 0x7FFFFFFF


class CheckContext:
    """What a check can use: the student, the reference, seeded randomness, attachments."""

    def __init__(
        self,
        *,
        student: RemoteModule,
        reference: RemoteModule | None,
        seed: int,
        device: str = "cpu",
        assignment: str = "",
    ) -> None:
        self.student = student
        self._reference = reference
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.device = device
        self.assignment = assignment
        self.artifacts: list[Artifact] = []

    @property
    def reference(self) -> RemoteModule:
        if self._reference is None:
            raise ReferenceUnavailable("public checks cannot use the reference solution")
        return self._reference

    @property
    def has_reference(self) -> bool:
        return self._reference is not None

    def on_device(self, value: Any) -> Any:
        """A judge-side tensor or model moved to the run's device (``grade all --device cuda``)."""
        return value.to(self.device) if hasattr(value, "to") else value

    def torch_generator(self) -> Any:
        import torch

        return torch.Generator().manual_seed(self.seed)

    def attach_png(self, title: Text | str, png: bytes) -> None:
        if not png.startswith(b"\x89PNG\r\n\x1a\n"):
            raise ValueError("attach_png expects PNG bytes")
        title = Text.coerce(title)
        self.artifacts.append(
            Artifact(
                kind="image/png",
                title=Localized(**{"pt-BR": title.pt, "en": title.en}),
                data_base64=base64.b64encode(png).decode(),
            )
        )

    def attach_figure(self, title: Text | str, figure: Any) -> None:
        """Attach a judge-side matplotlib figure (rendered to PNG, then closed)."""
        import matplotlib.pyplot as plt

        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=80, bbox_inches="tight")
        plt.close(figure)
        self.attach_png(title, buffer.getvalue())

    def attach_table(self, title: Text | str, columns: list[str], rows: list[list[Any]]) -> None:
        title = Text.coerce(title)
        self.artifacts.append(
            Artifact(
                kind="table",
                title=Localized(**{"pt-BR": title.pt, "en": title.en}),
                columns=columns,
                rows=[[_cell(v) for v in row] for row in rows],
            )
        )


def _cell(value: Any) -> str | float | int | None:
    if value is None or isinstance(value, str | int | float):
        return value
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return str(value)
