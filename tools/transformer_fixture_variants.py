"""Writes Transformer fixtures in the format of ../shared/fixtures/torch-transformer/ (same case
names) but with other sizes, seeds, layouts and masks than the public four, so the fixture runner
is tested on shapes nobody wrote it for:

  /usr/bin/python3 tools/transformer_fixture_variants.py OUT_DIR

Needs torch (Debian's python3-torch). Each case: params (state_dict names), inputs, outputs,
random loss_weights and the gradients of L = sum(output * loss_weights) over params and float
inputs, as ../shared/fixtures/torch/README.md describes.
"""
import json
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F


def tensor_json(t):
    t = t.detach()
    dtype = {torch.float32: 'float32', torch.int64: 'int64', torch.bool: 'bool'}[t.dtype]
    return {'shape': list(t.shape), 'dtype': dtype, 'data': t.flatten().tolist()}


def causal(n):
    return torch.ones(n, n, dtype=torch.bool).triu(1)


def padding(lengths, n):
    return torch.arange(n).unsqueeze(0) >= torch.tensor(lengths).unsqueeze(1)


def finish(name, case, description, config, module, inputs, outputs, out_dir):
    """Loss weights, backward, and the JSON file."""
    weights = {k: torch.randn(v.shape) for k, v in outputs.items()}
    loss = sum((v * weights[k]).sum() for k, v in outputs.items())
    loss.backward()
    params = dict(module.named_parameters())
    grads = {k: p.grad for k, p in params.items()}
    grads.update({k: v.grad for k, v in inputs.items() if v.requires_grad})
    fx = {
        'case': case, 'torch': torch.__version__, 'description': description, 'config': config,
        'params': {k: tensor_json(p) for k, p in params.items()},
        'inputs': {k: tensor_json(v) for k, v in inputs.items()},
        'outputs': {k: tensor_json(v) for k, v in outputs.items()},
        'loss_weights': {k: tensor_json(v) for k, v in weights.items()},
        'grads': {k: tensor_json(g) for k, g in grads.items()},
    }
    with open(os.path.join(out_dir, name + '.json'), 'w') as f:
        json.dump(fx, f)


def layer_kwargs(c):
    return dict(d_model=c['d_model'], nhead=c['nhead'], dim_feedforward=c['dim_feedforward'], dropout=0.0,
                activation=c['activation'], layer_norm_eps=c['layer_norm_eps'], batch_first=c['batch_first'],
                norm_first=c['norm_first'])


def encoder_layer(out_dir, name, case, seed, B, S, lengths, float_mask, **c):
    torch.manual_seed(seed)
    layer = nn.TransformerEncoderLayer(**layer_kwargs(c))
    with torch.no_grad():  # non-trivial norms
        for n, p in layer.named_parameters():
            if n.startswith('norm'):
                p.add_(0.1 * torch.randn(p.shape))
    x = torch.randn((B, S, c['d_model']) if c['batch_first'] else (S, B, c['d_model']), requires_grad=True)
    mask = nn.Transformer.generate_square_subsequent_mask(S) if float_mask else causal(S)
    inputs = {'x': x, 'src_mask': mask, 'src_key_padding_mask': padding(lengths, S)}
    y = layer(x, src_mask=mask, src_key_padding_mask=inputs['src_key_padding_mask'])
    config = dict(c, B=B, S=S, lengths=lengths, dropout=0.0, causal=True)
    finish(name, case, 'variant of ' + case, config, layer, inputs, {'y': y}, out_dir)


def decoder_layer(out_dir, name, seed, B, T, S, src_lengths, **c):
    torch.manual_seed(seed)
    layer = nn.TransformerDecoderLayer(**layer_kwargs(c))
    E = c['d_model']
    shape = (lambda n: (B, n, E)) if c['batch_first'] else (lambda n: (n, B, E))
    x = torch.randn(shape(T), requires_grad=True)
    memory = torch.randn(shape(S), requires_grad=True)
    memory_mask = torch.rand(T, S) < 0.3
    memory_mask[:, 0] = False  # every query keeps a key
    inputs = {'x': x, 'memory': memory, 'tgt_mask': causal(T), 'memory_mask': memory_mask,
              'memory_key_padding_mask': padding(src_lengths, S)}
    y = layer(x, memory, tgt_mask=inputs['tgt_mask'], memory_mask=memory_mask,
              memory_key_padding_mask=inputs['memory_key_padding_mask'])
    config = dict(c, B=B, T=T, S=S, src_lengths=src_lengths, dropout=0.0)
    finish(name, 'transformer_decoder_layer', 'variant with memory_mask', config, layer, inputs, {'y': y}, out_dir)


def sinusoids(n, d):
    pos = torch.arange(n, dtype=torch.float32).unsqueeze(1)
    div = torch.exp(torch.arange(0, d, 2, dtype=torch.float32) * (-math.log(10000.0) / d))
    pe = torch.zeros(n, d)
    pe[:, 0::2] = torch.sin(pos * div)
    pe[:, 1::2] = torch.cos(pos * div)
    return pe


class Seq2Seq(nn.Module):
    def __init__(self, c):
        super().__init__()
        E = c['d_model']
        self.c = c
        self.src_emb = nn.Embedding(c['src_vocab'], E, padding_idx=c['pad'])
        self.tgt_emb = nn.Embedding(c['tgt_vocab'], E, padding_idx=c['pad'])
        self.transformer = nn.Transformer(E, c['nhead'], c['num_encoder_layers'], c['num_decoder_layers'],
                                          c['dim_feedforward'], 0.0, c['activation'], layer_norm_eps=c['layer_norm_eps'],
                                          batch_first=c['batch_first'], norm_first=c['norm_first'])
        self.generator = nn.Linear(E, c['tgt_vocab'])

    def forward(self, src, src_lengths, tgt_in):
        c, E = self.c, self.c['d_model']
        bf = c['batch_first']
        S, T = src.shape[1 if bf else 0], tgt_in.shape[1 if bf else 0]
        pe = sinusoids(max(S, T), E)
        add_pe = (lambda x, n: x + pe[:n]) if bf else (lambda x, n: x + pe[:n].unsqueeze(1))
        xs = add_pe(self.src_emb(src) * math.sqrt(E), S)
        xt = add_pe(self.tgt_emb(tgt_in) * math.sqrt(E), T)
        src_pad = padding(src_lengths.tolist(), S)
        tgt_pad = (tgt_in == c['pad']) if bf else (tgt_in == c['pad']).t()
        h = self.transformer(xs, xt, tgt_mask=causal(T), src_key_padding_mask=src_pad, tgt_key_padding_mask=tgt_pad,
                             memory_key_padding_mask=src_pad)
        return self.generator(h)


def seq2seq(out_dir, name, seed, src_lengths, tgt_lengths, **c):
    torch.manual_seed(seed)
    model = Seq2Seq(c)
    B, S, T = len(src_lengths), max(src_lengths), max(tgt_lengths)
    pad, bos, eos = c['pad'], c['bos'], c['eos']
    first = max(pad, bos, eos) + 1
    src = torch.full((B, S), pad)
    tgt_in = torch.full((B, T), pad)
    tgt_out = torch.full((B, T), pad)
    for b, (ls, lt) in enumerate(zip(src_lengths, tgt_lengths)):
        src[b, :ls - 1] = torch.randint(first, c['src_vocab'], (ls - 1,))
        src[b, ls - 1] = eos
        y = torch.randint(first, c['tgt_vocab'], (lt - 1,))
        tgt_in[b, 0] = bos
        tgt_in[b, 1:lt] = y
        tgt_out[b, :lt - 1] = y
        tgt_out[b, lt - 1] = eos
    if not c['batch_first']:
        src, tgt_in, tgt_out = src.t().contiguous(), tgt_in.t().contiguous(), tgt_out.t().contiguous()
    lengths = torch.tensor(src_lengths)
    logits = model(src, lengths, tgt_in)
    V = c['tgt_vocab']
    loss = F.cross_entropy(logits.reshape(-1, V), tgt_out.reshape(-1), ignore_index=pad, label_smoothing=c['label_smoothing'])
    inputs = {'src': src, 'src_lengths': lengths, 'tgt_in': tgt_in, 'tgt_out': tgt_out}
    config = dict(c, src_lengths=src_lengths, tgt_lengths=tgt_lengths, dropout=0.0, positional='sinusoidal',
                  embedding_scale='sqrt(d_model)')
    finish(name, 'transformer_seq2seq', 'variant', config, model, inputs, {'logits': logits, 'loss': loss}, out_dir)


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    base = dict(layer_norm_eps=1e-5)
    encoder_layer(out_dir, 'enc_seq_first_gelu_floatmask', 'transformer_encoder_layer', 11, B=3, S=7, lengths=[7, 4, 1],
                  float_mask=True, d_model=16, nhead=4, dim_feedforward=24, activation='gelu', batch_first=False,
                  norm_first=False, layer_norm_eps=1e-6)
    encoder_layer(out_dir, 'enc_prenorm_relu_odd_heads', 'transformer_encoder_layer_prenorm', 12, B=1, S=9, lengths=[9],
                  float_mask=False, d_model=12, nhead=3, dim_feedforward=10, activation='relu', batch_first=True,
                  norm_first=True, **base)
    decoder_layer(out_dir, 'dec_prenorm_gelu_seq_first', 13, B=2, T=5, S=3, src_lengths=[3, 2], d_model=8, nhead=4,
                  dim_feedforward=12, activation='gelu', batch_first=False, norm_first=True, **base)
    common = dict(nhead=3, num_encoder_layers=3, num_decoder_layers=1, dim_feedforward=20, activation='relu', norm_first=False,
                  label_smoothing=0.2, unk=1, **base)
    seq2seq(out_dir, 's2s_batch_first_3_1', 14, src_lengths=[7, 3, 5, 2], tgt_lengths=[2, 6, 4, 6], src_vocab=17,
            tgt_vocab=9, d_model=12, pad=0, bos=2, eos=3, batch_first=True, **common)
    seq2seq(out_dir, 's2s_seq_first_prenorm_gelu', 15, src_lengths=[4, 6], tgt_lengths=[5, 3], src_vocab=10, tgt_vocab=14,
            d_model=12, pad=1, bos=2, eos=3, batch_first=False,
            **dict(common, norm_first=True, activation='gelu', num_decoder_layers=2, unk=0))


if __name__ == '__main__':
    main(sys.argv[1])
