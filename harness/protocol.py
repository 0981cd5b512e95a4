"""Wire format between the judge (trusted) and a worker (untrusted).

Two directions, two rules:

* judge -> worker: requests are pickled. The worker is the untrusted side, so unpickling data that
  the judge wrote costs nothing in trust, and it lets the judge pass any argument (a fitted sklearn
  PCA, a torch model built from a fixture). References to objects that live in the worker travel as
  persistent ids (``("handle", n)``).
* worker -> judge: replies use the *closed codec* below and nothing else. It knows None, bool,
  int, float, str, bytes, lists, tuples, dicts with str/int keys, numpy arrays and scalars and torch
  tensors (raw bytes + dtype + shape, never object dtype) and opaque handles. The judge's decoder
  (:func:`decode`) validates every node; it never calls pickle, never imports a class named by the
  worker and never builds anything but plain containers, ``numpy.ndarray`` and ``torch.Tensor``.

This module is imported by the worker, so it must stay free of anything secret and import only the
standard library at module level (numpy and torch are imported lazily where needed).
"""

from __future__ import annotations

import io
import json
import math
import os
import pickle
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# ---------------------------------------------------------------------------------------------
# Limits. A frame larger than this is refused before it is read, so a worker cannot make the judge
# allocate unbounded memory.
MAX_FRAME_BYTES = 768 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 2_000_000

NUMPY_DTYPES = frozenset(
    {
        "bool",
        "int8",
        "int16",
        "int32",
        "int64",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
        "float16",
        "float32",
        "float64",
        "complex64",
        "complex128",
    }
)
# bfloat16 has no numpy dtype: its bytes travel as uint16 and are reinterpreted on arrival.
TORCH_DTYPES = NUMPY_DTYPES | {"bfloat16"}


class CodecError(ValueError):
    """A reply that does not follow the closed codec (refused, never half-decoded)."""


@dataclass(frozen=True)
class HandleInfo:
    """What the judge learns about a worker-side object it cannot receive as data."""

    id: int
    type_name: str
    kind: str  # "module" (torch nn.Module), "figure", "callable", "object"


# ---------------------------------------------------------------------------------------------
# Framing: every message is  u64 length | payload.  Replies' payload is
# u32 header length | header JSON | u32 buffer count | (u64 length | bytes) * count.


def write_frame(fd: int, payload: bytes) -> None:
    """Write one length-prefixed frame to a file descriptor (handles short writes)."""
    data = struct.pack("<Q", len(payload)) + payload
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def read_exact(fd: int, n: int) -> bytes:
    """Read exactly n bytes; EOFError when the other side closed the pipe first."""
    chunks = []
    remaining = n
    while remaining:
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            raise EOFError("pipe closed")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def read_frame(fd: int, max_bytes: int = MAX_FRAME_BYTES) -> bytes:
    (length,) = struct.unpack("<Q", read_exact(fd, 8))
    if length > max_bytes:
        raise CodecError(f"frame of {length} bytes exceeds the limit of {max_bytes}")
    return read_exact(fd, length)


# ---------------------------------------------------------------------------------------------
# judge -> worker: pickled requests with handle references as persistent ids.


class HandleRef:
    """A judge-side reference to an object that lives in the worker."""

    __slots__ = ("id",)

    def __init__(self, handle_id: int) -> None:
        self.id = handle_id


def dump_request(request: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)

    def persistent_id(obj: Any) -> Any:
        ref = getattr(obj, "__handle_ref__", None)
        if isinstance(obj, HandleRef):
            return ("handle", obj.id)
        if isinstance(ref, HandleRef):
            return ("handle", ref.id)
        return None

    pickler.persistent_id = persistent_id  # type: ignore[method-assign]
    pickler.dump(request)
    return buffer.getvalue()


def load_request(payload: bytes, resolve: Callable[[int], Any]) -> dict[str, Any]:
    """Worker side: unpickle a request, turning handle references back into live objects."""
    unpickler = pickle.Unpickler(io.BytesIO(payload))

    def persistent_load(pid: Any) -> Any:
        tag, handle_id = pid
        if tag != "handle":
            raise pickle.UnpicklingError(f"unknown persistent id {tag!r}")
        return resolve(int(handle_id))

    unpickler.persistent_load = persistent_load  # type: ignore[method-assign]
    return unpickler.load()


# ---------------------------------------------------------------------------------------------
# worker -> judge: the closed codec, encoder side (runs in the worker; it is best effort, since
# the worker is untrusted anyway, and everything it produces is validated by `decode`).


class _Encoder:
    def __init__(self, register_handle: Callable[[Any], HandleInfo]) -> None:
        self.register_handle = register_handle
        self.buffers: list[bytes] = []
        self.nodes = 0
        self._np: Any = None
        self._torch: Any = None
        import sys

        self._np = sys.modules.get("numpy")
        self._torch = sys.modules.get("torch")

    def _buffer(self, data: bytes) -> int:
        self.buffers.append(data)
        return len(self.buffers) - 1

    def _handle(self, value: Any) -> dict[str, Any]:
        info = self.register_handle(value)
        return {"t": "handle", "id": info.id, "type": info.type_name, "kind": info.kind}

    def encode(self, value: Any, depth: int = 0, path: tuple[int, ...] = ()) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise CodecError("result too large to send (too many elements)")
        if depth > MAX_DEPTH:
            raise CodecError("result nested too deeply to send")
        np, torch = self._np, self._torch
        if value is None or type(value) is bool or type(value) is str:
            return value
        if type(value) is int:
            return value if abs(value) < 2**63 else {"t": "bigint", "v": str(value)}
        if type(value) is float:
            return value if math.isfinite(value) else {"t": "float", "v": repr(value)}
        if type(value) is bytes:
            return {"t": "bytes", "buf": self._buffer(value)}
        if np is not None and isinstance(value, np.generic):
            return self._numpy_scalar(value)
        if np is not None and isinstance(value, np.ndarray):
            return self._ndarray(value)
        if torch is not None and isinstance(value, torch.Tensor):
            return self._tensor(value)
        if torch is not None and isinstance(value, torch.dtype):
            return {"t": "torch_dtype", "v": str(value).removeprefix("torch.")}
        if torch is not None and isinstance(value, torch.device):
            return str(value)
        if isinstance(value, bool | int | float | str):  # subclasses: plain copies
            return self.encode(type(value).__mro__[-2](value), depth, path)
        if isinstance(value, list | tuple | dict):
            marker = id(value)
            if marker in path:
                raise CodecError("result contains a reference cycle")
            inner = (*path, marker)
            if isinstance(value, list):
                return [self.encode(v, depth + 1, inner) for v in value]
            if isinstance(value, tuple):
                return {"t": "tuple", "v": [self.encode(v, depth + 1, inner) for v in value]}
            keys = list(value.keys())
            if all(type(k) in (str, int) for k in keys):
                return {
                    "t": "dict",
                    "k": [k if type(k) is str else {"t": "int", "v": k} for k in keys],
                    "v": [self.encode(value[k], depth + 1, inner) for k in keys],
                }
        return self._handle(value)

    def _numpy_scalar(self, value: Any) -> Any:
        dtype = value.dtype.name
        if dtype not in NUMPY_DTYPES:
            return self._handle(value)
        return {"t": "npscalar", "dtype": dtype, "buf": self._buffer(value.tobytes())}

    def _ndarray(self, value: Any) -> Any:
        np = self._np
        dtype = value.dtype.name
        if dtype not in NUMPY_DTYPES or value.dtype.hasobject:
            return self._handle(value)
        # np.array (not ascontiguousarray, which turns 0-d arrays into 1-d ones)
        plain = np.array(value, dtype=value.dtype, copy=True, order="C", subok=False)
        little = plain.astype(plain.dtype.newbyteorder("<"), copy=False)
        return {
            "t": "ndarray",
            "dtype": dtype,
            "shape": list(plain.shape),
            "buf": self._buffer(little.tobytes()),
        }

    def _tensor(self, value: Any) -> Any:
        torch = self._torch
        if value.is_sparse or value.is_quantized or value.device.type == "meta":
            return self._handle(value)
        dtype = str(value.dtype).removeprefix("torch.")
        if dtype not in TORCH_DTYPES:
            return self._handle(value)
        plain = value.detach().to("cpu").contiguous()
        if isinstance(plain, torch.nn.Parameter) or type(plain) is not torch.Tensor:
            plain = plain.as_subclass(torch.Tensor)
        if dtype == "bfloat16":
            raw = plain.view(torch.int16).numpy().tobytes()
        else:
            raw = plain.numpy().tobytes()
        return {
            "t": "tensor",
            "dtype": dtype,
            "shape": list(plain.shape),
            "buf": self._buffer(raw),
            "requires_grad": bool(value.requires_grad),
            "device": str(value.device),
        }


def encode_reply(envelope: dict[str, Any], register_handle: Callable[[Any], HandleInfo]) -> bytes:
    """Worker side: encode ``envelope["value"]`` with the closed codec and frame the whole reply.

    Every other envelope field must already be plain JSON (str, int, float, bool, lists, dicts).
    """
    encoder = _Encoder(register_handle)
    body = dict(envelope)
    if "value" in body:
        body["value"] = encoder.encode(body["value"])
    header = json.dumps(body, allow_nan=False, separators=(",", ":")).encode()
    parts = [struct.pack("<I", len(header)), header, struct.pack("<I", len(encoder.buffers))]
    for buf in encoder.buffers:
        parts.append(struct.pack("<Q", len(buf)))
        parts.append(buf)
    return b"".join(parts)


# ---------------------------------------------------------------------------------------------
# Decoder (runs in the judge): strict validation, plain results only.


def _reject_constant(token: str) -> Any:
    raise CodecError(f"non-standard JSON constant {token!r}")


def split_reply(payload: bytes) -> tuple[dict[str, Any], list[bytes]]:
    """Parse a framed reply into its JSON header and raw buffers, validating the layout."""
    try:
        (header_len,) = struct.unpack_from("<I", payload, 0)
        offset = 4
        header = json.loads(
            payload[offset : offset + header_len].decode("utf-8"),
            parse_constant=_reject_constant,
        )
        offset += header_len
        (count,) = struct.unpack_from("<I", payload, offset)
        offset += 4
        buffers = []
        for _ in range(count):
            (size,) = struct.unpack_from("<Q", payload, offset)
            offset += 8
            if offset + size > len(payload):
                raise CodecError("buffer runs past the end of the frame")
            buffers.append(payload[offset : offset + size])
            offset += size
    except (struct.error, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CodecError(f"malformed reply: {exc}") from None
    if offset != len(payload):
        raise CodecError("trailing bytes after the last buffer")
    if not isinstance(header, dict):
        raise CodecError("reply header is not an object")
    return header, buffers


class Decoder:
    """Turns codec trees back into Python values; ``make_handle`` builds the judge's proxies."""

    def __init__(self, buffers: list[bytes], make_handle: Callable[[HandleInfo], Any]) -> None:
        self.buffers = buffers
        self.make_handle = make_handle
        self.nodes = 0

    def _buffer(self, node: dict[str, Any]) -> bytes:
        index = node.get("buf")
        if type(index) is not int or not 0 <= index < len(self.buffers):
            raise CodecError("reference to a missing buffer")
        return self.buffers[index]

    def decode(self, node: Any, depth: int = 0) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES or depth > MAX_DEPTH:
            raise CodecError("reply too large or nested too deeply")
        if node is None or type(node) in (bool, int, float, str):
            return node
        if type(node) is list:
            return [self.decode(item, depth + 1) for item in node]
        if type(node) is not dict:
            raise CodecError(f"unexpected JSON value of type {type(node).__name__}")
        tag = node.get("t")
        if tag == "tuple":
            items = node.get("v")
            if type(items) is not list:
                raise CodecError("tuple without items")
            return tuple(self.decode(item, depth + 1) for item in items)
        if tag == "dict":
            keys, values = node.get("k"), node.get("v")
            if type(keys) is not list or type(values) is not list or len(keys) != len(values):
                raise CodecError("dict with mismatched keys and values")
            result: dict[Any, Any] = {}
            for key, value in zip(keys, values):
                result[self._key(key)] = self.decode(value, depth + 1)
            return result
        if tag == "float":
            text = node.get("v")
            if text not in ("nan", "inf", "-inf"):
                raise CodecError("bad special float")
            return float(text)
        if tag == "bigint":
            text = node.get("v")
            if type(text) is not str or not text.lstrip("-").isdigit() or len(text) > 4300:
                raise CodecError("bad big integer")
            return int(text)
        if tag == "bytes":
            return bytes(self._buffer(node))
        if tag == "npscalar":
            return self._array(node, scalar=True)
        if tag == "ndarray":
            return self._array(node, scalar=False)
        if tag == "tensor":
            return self._tensor(node)
        if tag == "torch_dtype":
            import torch

            name = node.get("v")
            if name not in TORCH_DTYPES:
                raise CodecError(f"dtype {name!r} is not allowed")
            return getattr(torch, name)
        if tag == "handle":
            handle_id, type_name, kind = node.get("id"), node.get("type"), node.get("kind")
            if type(handle_id) is not int or type(type_name) is not str or type(kind) is not str:
                raise CodecError("malformed handle")
            if kind not in ("module", "figure", "callable", "object"):
                raise CodecError(f"unknown handle kind {kind!r}")
            return self.make_handle(HandleInfo(handle_id, type_name[:200], kind))
        raise CodecError(f"unknown tag {tag!r}")

    def _key(self, key: Any) -> str | int:
        if type(key) is str:
            return key
        if type(key) is dict and key.get("t") == "int" and type(key.get("v")) is int:
            return key["v"]
        raise CodecError("dict keys must be str or int")

    def _array(self, node: dict[str, Any], scalar: bool) -> Any:
        import numpy as np

        dtype_name = node.get("dtype")
        if dtype_name not in NUMPY_DTYPES:
            raise CodecError(f"array dtype {dtype_name!r} is not allowed")
        dtype = np.dtype(dtype_name).newbyteorder("<")
        raw = self._buffer(node)
        if scalar:
            if len(raw) != dtype.itemsize:
                raise CodecError("scalar with the wrong number of bytes")
            return np.frombuffer(raw, dtype=dtype)[0].astype(dtype.newbyteorder("="))
        shape = self._shape(node)
        if math.prod(shape) * dtype.itemsize != len(raw):
            raise CodecError("array bytes do not match its shape and dtype")
        array = np.frombuffer(raw, dtype=dtype).reshape(shape)
        return array.astype(dtype.newbyteorder("="), copy=True)

    def _shape(self, node: dict[str, Any]) -> tuple[int, ...]:
        shape = node.get("shape")
        if type(shape) is not list or len(shape) > 32:
            raise CodecError("bad shape")
        if not all(type(d) is int and d >= 0 for d in shape):
            raise CodecError("bad shape")
        return tuple(shape)

    def _tensor(self, node: dict[str, Any]) -> Any:
        import numpy as np
        import torch

        dtype_name = node.get("dtype")
        if dtype_name not in TORCH_DTYPES:
            raise CodecError(f"tensor dtype {dtype_name!r} is not allowed")
        shape = self._shape(node)
        raw = self._buffer(node)
        wire = "uint16" if dtype_name == "bfloat16" else dtype_name
        np_dtype = np.dtype(wire).newbyteorder("<")
        if math.prod(shape) * np_dtype.itemsize != len(raw):
            raise CodecError("tensor bytes do not match its shape and dtype")
        array = np.frombuffer(raw, dtype=np_dtype).reshape(shape).astype(np_dtype.newbyteorder("="))
        tensor = torch.from_numpy(array.copy())
        if dtype_name == "bfloat16":
            tensor = tensor.view(torch.bfloat16)
        return tensor  # a plain leaf: autograd state does not cross processes


def decode_reply(
    payload: bytes, make_handle: Callable[[HandleInfo], Any]
) -> tuple[dict[str, Any], Any]:
    """Judge side: validate a reply; return its envelope and the decoded ``value`` (if any)."""
    header, buffers = split_reply(payload)
    decoder = Decoder(buffers, make_handle)
    value = decoder.decode(header.pop("value")) if "value" in header else None
    return header, value
