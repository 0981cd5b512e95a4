"""The closed codec: what travels worker -> judge, and everything it refuses."""

from __future__ import annotations

import json
import math
import pickle
import struct

import hypothesis.strategies as st
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis.extra import numpy as hnp

from harness import protocol
from harness.protocol import CodecError, HandleInfo


class Table:
    """Worker-side handle table stand-in."""

    def __init__(self) -> None:
        self.objects: list[object] = []

    def register(self, value: object) -> HandleInfo:
        self.objects.append(value)
        kind = (
            "module"
            if isinstance(value, torch.nn.Module)
            else ("callable" if callable(value) else "object")
        )
        return HandleInfo(len(self.objects), type(value).__qualname__, kind)


def round_trip(value: object) -> object:
    table = Table()
    payload = protocol.encode_reply({"ok": True, "value": value}, table.register)
    _, decoded = protocol.decode_reply(payload, lambda info: ("HANDLE", info.type_name, info.kind))
    return decoded


def same(a: object, b: object) -> bool:
    if isinstance(a, np.ndarray):
        return (
            isinstance(b, np.ndarray)
            and type(b) is np.ndarray
            and a.dtype == b.dtype
            and a.shape == b.shape
            and np.array_equal(a, b, equal_nan=True)
        )
    if isinstance(a, torch.Tensor):
        return (
            type(b) is torch.Tensor
            and a.dtype == b.dtype
            and a.shape == b.shape
            and torch.equal(a.detach(), b)
        )
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    if isinstance(a, list | tuple):
        return type(a) is type(b) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return type(b) is dict and list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.binary(max_size=20)
)
arrays = hnp.arrays(
    st.sampled_from(
        ["bool", "int8", "int64", "uint16", "float16", "float32", "float64", "complex128"]
    ).map(np.dtype),
    hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4),
)
values = st.recursive(
    scalars | arrays,
    lambda children: (
        st.lists(children, max_size=4)
        | st.lists(children, max_size=4).map(tuple)
        | st.dictionaries(st.text(max_size=5) | st.integers(-5, 5), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=150, derandomize=True, deadline=None)
@given(values)
def test_round_trip_of_plain_data(value: object) -> None:
    assert same(value, round_trip(value))


@pytest.mark.parametrize(
    "tensor",
    [
        torch.arange(6, dtype=torch.float32).reshape(2, 3),
        torch.zeros(0, 4, dtype=torch.int64),
        torch.tensor(3.5, dtype=torch.float64),
        torch.randn(3, 2).to(torch.bfloat16),
        torch.arange(12).reshape(3, 4).t(),  # non-contiguous
    ],
)
def test_tensors_round_trip(tensor: torch.Tensor) -> None:
    assert same(tensor, round_trip(tensor))


def test_parameter_and_grad_tensor_arrive_as_plain_detached_tensors() -> None:
    parameter = torch.nn.Parameter(torch.ones(2))
    decoded = round_trip([parameter, parameter * 2])
    assert all(type(t) is torch.Tensor and not t.requires_grad for t in decoded)


def test_numpy_scalars_keep_their_dtype_and_big_endian_arrays_arrive_native() -> None:
    decoded = round_trip([np.float32(1.5), np.int16(-3), np.arange(4, dtype=">i4")])
    assert type(decoded[0]) is np.float32 and decoded[0] == 1.5
    assert type(decoded[1]) is np.int16
    assert decoded[2].dtype == np.dtype("int32") and decoded[2].dtype.isnative
    assert decoded[2].tolist() == [0, 1, 2, 3]


def test_decoded_arrays_are_writable_copies() -> None:
    decoded = round_trip(np.zeros(3))
    decoded[0] = 1.0
    assert decoded.flags.owndata or decoded.base is not None


def test_subclasses_of_plain_types_arrive_as_the_plain_type() -> None:
    class Sneaky(float):
        def __eq__(self, other: object) -> bool:
            return True

    class SneakyArray(np.ndarray):
        def __eq__(self, other: object) -> bool:  # type: ignore[override]
            return True

    decoded = round_trip([Sneaky(2.0), np.arange(3.0).view(SneakyArray)])
    assert type(decoded[0]) is float and decoded[0] == 2.0
    assert type(decoded[1]) is np.ndarray and decoded[1].tolist() == [0.0, 1.0, 2.0]


def test_anything_else_becomes_a_handle() -> None:
    decoded = round_trip(
        {
            "model": torch.nn.Linear(2, 3),
            "objects": np.array([object()], dtype=object),
            "set": {1, 2},
        }
    )
    assert decoded["model"] == ("HANDLE", "Linear", "module")
    assert decoded["objects"][0] == "HANDLE" and decoded["set"][0] == "HANDLE"


def test_cycles_are_refused_by_the_encoder() -> None:
    loop: list[object] = []
    loop.append(loop)
    with pytest.raises(CodecError):
        protocol.encode_reply({"value": loop}, Table().register)


# -- refusals of the decoder (what a malicious worker might send) ---------------------------------


def frame(header: dict, buffers: list[bytes] = ()) -> bytes:  # type: ignore[assignment]
    raw = json.dumps(header).encode()
    parts = [struct.pack("<I", len(raw)), raw, struct.pack("<I", len(buffers))]
    for buf in buffers:
        parts += [struct.pack("<Q", len(buf)), buf]
    return b"".join(parts)


def decode(payload: bytes) -> object:
    return protocol.decode_reply(payload, lambda info: info)[1]


@pytest.mark.parametrize(
    "value, buffers",
    [
        ({"t": "ndarray", "dtype": "object", "shape": [1], "buf": 0}, [b"\0" * 8]),
        ({"t": "ndarray", "dtype": "float64", "shape": [3], "buf": 0}, [b"\0" * 16]),
        ({"t": "ndarray", "dtype": "float64", "shape": [-1], "buf": 0}, [b""]),
        ({"t": "ndarray", "dtype": "float64", "shape": [1], "buf": 4}, [b"\0" * 8]),
        ({"t": "tensor", "dtype": "qint8", "shape": [1], "buf": 0}, [b"\0"]),
        ({"t": "pickle", "v": "gASVAAAAAAAAAAA="}, []),
        ({"t": "dict", "k": [1.5], "v": [1]}, []),
        ({"t": "dict", "k": ["a", "b"], "v": [1]}, []),
        ({"t": "float", "v": "1e999"}, []),
        ({"t": "handle", "id": "1", "type": "x", "kind": "module"}, []),
        ({"t": "handle", "id": 1, "type": "x", "kind": "weapon"}, []),
        ({"t": "torch_dtype", "v": "Tensor"}, []),
        ({"t": "npscalar", "dtype": "float64", "buf": 0}, [b"\0" * 4]),
    ],
)
def test_decoder_refuses_malformed_nodes(value: dict, buffers: list[bytes]) -> None:
    with pytest.raises(CodecError):
        decode(frame({"ok": True, "value": value}, buffers))


def test_decoder_refuses_pickles_and_garbage() -> None:
    for payload in (pickle.dumps({"ok": True}), b"", b"\xff" * 12, frame({"ok": True}) + b"extra"):
        with pytest.raises(CodecError):
            decode(payload)


def test_decoder_refuses_non_standard_json_constants() -> None:
    raw = b'{"ok": true, "value": NaN}'
    payload = struct.pack("<I", len(raw)) + raw + struct.pack("<I", 0)
    with pytest.raises(CodecError):
        decode(payload)


def test_decoder_refuses_deep_nesting() -> None:
    value: object = 1
    for _ in range(protocol.MAX_DEPTH + 5):
        value = [value]
    with pytest.raises(CodecError):
        decode(frame({"ok": True, "value": value}))


def test_oversized_frames_are_refused_before_reading(tmp_path) -> None:
    import os

    read, write = os.pipe()
    os.write(write, struct.pack("<Q", protocol.MAX_FRAME_BYTES + 1))
    with pytest.raises(CodecError):
        protocol.read_frame(read)
    os.close(read)
    os.close(write)


def test_request_handles_travel_as_references_only() -> None:
    class Ref:
        __handle_ref__ = protocol.HandleRef(7)

    payload = protocol.dump_request({"op": "call", "args": (Ref(), np.ones(2))})
    resolved = protocol.load_request(payload, lambda handle_id: f"object {handle_id}")
    assert resolved["args"][0] == "object 7"
    assert resolved["args"][1].tolist() == [1.0, 1.0]
