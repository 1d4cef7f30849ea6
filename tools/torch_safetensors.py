#!/usr/bin/env python3
"""An independent safetensors reader/writer on PyTorch tensors (no `safetensors` package needed),
used to check that glimpse's files interoperate with PyTorch.

    torch_safetensors.py read FILE            print the tensors of FILE as JSON
    torch_safetensors.py write-sample FILE    write a sample of every dtype; print its values as JSON
    torch_safetensors.py lstm-sample FILE     write an nn.LSTM state dict (prefix lstm.), an input x
                                              and PyTorch's output y, h_n, c_n for it

The layout follows the format's reference writer: tensors sorted by decreasing dtype alignment
then name, compact JSON header padded with spaces to a multiple of 8 bytes.
"""
import json
import struct
import sys

import torch

# (safetensors name, torch dtype), in the format's order of increasing alignment.
DTYPES = [
    ("BOOL", torch.bool), ("U8", torch.uint8), ("I8", torch.int8), ("I16", torch.int16),
    ("F16", torch.float16), ("BF16", torch.bfloat16), ("I32", torch.int32), ("F32", torch.float32),
    ("F64", torch.float64), ("I64", torch.int64),
]
ORDER = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64"]
TO_NAME = {dt: name for name, dt in DTYPES}
TO_TORCH = {name: dt for name, dt in DTYPES}


def tensor_bytes(t):
    t = t.detach().contiguous().cpu()
    if t.dtype in (torch.float16, torch.bfloat16):
        t = t.view(torch.int16)  # numpy has no bfloat16; the bits are what we store
    return t.numpy().tobytes()


def write(path, tensors, metadata=None):
    items = sorted(tensors.items(), key=lambda kv: (-ORDER.index(TO_NAME[kv[1].dtype]), kv[0].encode()))
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    blobs, offset = [], 0
    for name, t in items:
        b = tensor_bytes(t)
        header[name] = {"dtype": TO_NAME[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def read(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode())
    metadata = header.pop("__metadata__", {})
    body = data[8 + n:]
    out = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        dtype = TO_TORCH[info["dtype"]]
        if end == begin:
            out[name] = torch.empty(info["shape"], dtype=dtype)
        else:
            out[name] = torch.frombuffer(bytearray(body[begin:end]), dtype=dtype).reshape(info["shape"])
    return out, metadata


def finite_or_text(v):
    # JSON has no Infinity/NaN: write them as the strings "inf", "-inf", "nan".
    return v if v == v and abs(v) != float("inf") else str(v)


def as_json(tensors, metadata):
    out = {"__metadata__": metadata}
    for name, t in tensors.items():
        values = [finite_or_text(v) for v in t.double().reshape(-1).tolist()] if t.dtype != torch.bool else [bool(v) for v in t.reshape(-1).tolist()]
        out[name] = {"dtype": TO_NAME[t.dtype], "shape": list(t.shape), "values": values}
    return out


def sample(seed):
    g = torch.Generator().manual_seed(seed)
    lin = torch.nn.Linear(3, 2)
    with torch.no_grad():
        lin.weight.copy_(torch.randn(2, 3, generator=g))
        lin.bias.copy_(torch.randn(2, generator=g))
    return {
        "f32": torch.randn(2, 3, generator=g),
        "f16": torch.tensor([1.0, -2.0, 65504.0, 2.0 ** -24, 0.333251953125, float("inf")], dtype=torch.float16),
        "bf16": (torch.randn(4, generator=g) * 100).to(torch.bfloat16),
        "f64": torch.randn(3, generator=g, dtype=torch.float64),
        "i64": torch.tensor([[0, -5, 2147483647], [-2147483648, 7, 1]], dtype=torch.int64),
        "i32": torch.arange(-3, 3, dtype=torch.int32),
        "mask": torch.tensor([True, False, True]),
        "scalar": torch.tensor(2.5),
        "empty": torch.zeros(0, 4),
        "linear.weight": lin.weight.detach().clone(),
        "linear.bias": lin.bias.detach().clone(),
    }


def lstm_sample(seed):
    torch.manual_seed(seed)
    lstm = torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True)
    x = torch.randn(2, 5, 3)
    with torch.no_grad():
        y, (h, c) = lstm(x)
    tensors = {f"lstm.{k}": v.detach().clone() for k, v in lstm.state_dict().items()}
    tensors.update({"x": x, "y": y, "h_n": h, "c_n": c})
    return tensors


def main(argv):
    if len(argv) == 2 and argv[0] == "read":
        print(json.dumps(as_json(*read(argv[1]))))
    elif len(argv) == 2 and argv[0] == "write-sample":
        tensors, metadata = sample(0), {"format": "pt", "written_by": "torch " + torch.__version__.split("+")[0]}
        write(argv[1], tensors, metadata)
        print(json.dumps(as_json(tensors, metadata), indent=1))
    elif len(argv) == 2 and argv[0] == "lstm-sample":
        write(argv[1], lstm_sample(0), {"format": "pt"})
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
