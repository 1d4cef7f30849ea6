"""A glimpse run's model in PyTorch, written by `glimpse export --format pytorch`.

The modules reproduce glimpse's recurrent encoder-decoder (state_dict names src_emb, encoder,
bridge, attn, decoder, W_c, out) and its recurrent language model (encoder, rnn, combine,
decoder, as PyTorch's word_language_model), so the weights move both ways unchanged:
`load_safetensors` reads glimpse's weights, `save_safetensors` writes what `glimpse import`
reads back. Attention (Luong et al. 2015; Bahdanau et al. 2015):
  luong-dot      e_tj = h_t . h_j
  luong-general  e_tj = h_t . W_a h_j
  luong-concat   e_tj = v . tanh(W [h_t; h_j])
  bahdanau       e_tj = v . tanh(W_q s_{t-1} + W_k h_j), queried before the cell
a_t = softmax(e_t) over the real source positions, c_t = sum_j a_tj h_j.
Only the Python standard library and torch are needed.
"""
import json
import os
import struct

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

SAFETENSORS_DTYPES = {
    'F64': torch.float64, 'F32': torch.float32, 'F16': torch.float16, 'BF16': torch.bfloat16,
    'I64': torch.int64, 'I32': torch.int32, 'I16': torch.int16, 'I8': torch.int8, 'U8': torch.uint8, 'BOOL': torch.bool,
}


def load_safetensors(path):
    """The tensors of a safetensors file by name; 16-bit floats are widened to float32."""
    with open(path, 'rb') as f:
        data = f.read()
    (n,) = struct.unpack('<Q', data[:8])
    header = json.loads(data[8:8 + n])
    base = 8 + n
    tensors = {}
    for name, entry in header.items():
        if name == '__metadata__':
            continue
        start, end = entry['data_offsets']
        t = torch.frombuffer(bytearray(data[base + start:base + end]), dtype=SAFETENSORS_DTYPES[entry['dtype']]).reshape(entry['shape'])
        tensors[name] = t.float() if t.is_floating_point() else t
    return tensors


def save_safetensors(path, tensors, metadata=None):
    """Writes float32 tensors (sorted by name) with a space-padded JSON header, atomically."""
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        raw = tensors[name].detach().to('cpu', torch.float32).contiguous().numpy().tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(tensors[name].shape), 'data_offsets': [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    if metadata:
        header['__metadata__'] = {k: str(v) for k, v in metadata.items()}
    text = json.dumps(header, separators=(',', ':')).encode()
    text += b' ' * (-len(text) % 8)
    tmp = f'{path}.tmp-{os.getpid()}'
    with open(tmp, 'wb') as f:
        f.write(struct.pack('<Q', len(text)) + text)
        for raw in blobs:
            f.write(raw)
    os.replace(tmp, path)


def read_examples(path):
    """Token-id pairs, one JSON object {"src": [...], "tgt": [... <eos>]} per line."""
    with open(path, encoding='utf-8') as f:
        return [json.loads(line) for line in f if line.strip()]


class SourceAttention(nn.Module):
    """Scores, weights and context of one attention kind; `query` is [B, D], `memory` [B, S, M]."""

    def __init__(self, kind, D, M, size, bias):
        super().__init__()
        self.kind = kind
        if kind == 'luong-general':
            self.W = nn.Linear(M, D, bias=False)
        elif kind == 'luong-concat':
            self.W = nn.Linear(D + M, size, bias=False)
            self.v = nn.Linear(size, 1, bias=False)
        elif kind == 'bahdanau':
            self.W_q = nn.Linear(D, size, bias=False)
            self.W_k = nn.Linear(M, size, bias=bias)
            self.v = nn.Linear(size, 1, bias=False)
        self.D = D

    def forward(self, query, memory, mask):
        if self.kind == 'luong-dot':
            scores = torch.bmm(memory, query.unsqueeze(2)).squeeze(2)
        elif self.kind == 'luong-general':
            scores = torch.bmm(memory, (query @ self.W.weight).unsqueeze(2)).squeeze(2)
        elif self.kind == 'luong-concat':
            W_q, W_k = self.W.weight[:, :self.D], self.W.weight[:, self.D:]
            scores = self.v(torch.tanh(F.linear(memory, W_k) + F.linear(query, W_q).unsqueeze(1))).squeeze(2)
        else:  # bahdanau
            scores = self.v(torch.tanh(self.W_k(memory) + self.W_q(query).unsqueeze(1))).squeeze(2)
        weights = torch.softmax(scores.masked_fill(~mask, float('-inf')), dim=-1)  # [B, S]
        return torch.bmm(weights.unsqueeze(1), memory).squeeze(1), weights


class Seq2SeqRNN(nn.Module):
    """glimpse's `Seq2Seq` (arch rnn): embeddings, a (bi)directional GRU/LSTM encoder, a bridge,
    a GRU/LSTM decoder cell with attention, teacher-forced by `forward`."""

    def __init__(self, c):
        super().__init__()
        self.c = c
        E, D, gru = c['embeddingSize'], c['decoderHidden'], c['cell'] == 'gru'
        dirs = 2 if c['bidirectional'] else 1
        M = c['encoderHidden'] * dirs
        self.src_emb = nn.Embedding(c['srcVocabSize'], E, padding_idx=c['padIndex'])
        self.tgt_emb = nn.Embedding(c['tgtVocabSize'], E, padding_idx=c['padIndex'])
        self.encoder = (nn.GRU if gru else nn.LSTM)(E, c['encoderHidden'], num_layers=c['encoderLayers'], bidirectional=c['bidirectional'], batch_first=True)
        if c['bridge'] == 'tanh-linear':
            self.bridge = nn.Linear(M, D)
        kind = c['attention']
        self.flow = 'none' if kind == 'none' else 'before-cell' if kind == 'bahdanau' else 'after-cell'
        if kind != 'none':
            self.attn = SourceAttention(kind, D, M, c['attentionSize'], c['attentionBias'])
        feeding = self.flow == 'after-cell' and c['inputFeeding']
        cell_in = E + M if self.flow == 'before-cell' else E + D if feeding else E
        self.decoder = (nn.GRUCell if gru else nn.LSTMCell)(cell_in, D)
        if self.flow == 'after-cell':
            self.W_c = nn.Linear(M + D, D)
        features = D + M + E if self.flow == 'before-cell' else D
        self.out = nn.Linear(features, c['tgtVocabSize'])
        if c['tieWeights']:
            self.out.weight = self.tgt_emb.weight
        self.drop = nn.Dropout(c['dropout'])
        self.gru, self.dirs, self.feeding = gru, dirs, feeding

    def encode(self, src, lengths):
        """src [B, S] ids, lengths [B] -> memory [B, S, M] (0 past each length), mask [B, S], s_0 [B, D]."""
        S = src.shape[1]
        x = self.drop(self.src_emb(src))
        packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
        out, final = self.encoder(packed)
        memory, _ = pad_packed_sequence(out, batch_first=True, total_length=S)
        h_n = final if self.gru else final[0]
        top = (self.c['encoderLayers'] - 1) * self.dirs
        last = torch.cat([h_n[top], h_n[top + 1]], -1) if self.dirs == 2 else h_n[top]
        if self.c['bridge'] == 'tanh-linear':
            s0 = torch.tanh(self.bridge(last))
        elif self.c['bridge'] == 'concat':
            s0 = last
        else:
            s0 = torch.zeros(last.shape[0], self.c['decoderHidden'], dtype=last.dtype, device=last.device)
        mask = torch.arange(S, device=src.device).unsqueeze(0) < lengths.to(src.device).unsqueeze(1)
        return memory, mask, s0

    def forward(self, src, lengths, tgt_in):
        """Teacher-forced logits [B, T, V] for decoder inputs tgt_in [B, T] (<bos> y_1 ...)."""
        memory, mask, h = self.encode(src, lengths)
        c = torch.zeros_like(h)
        feed = torch.zeros_like(h)
        emb = self.drop(self.tgt_emb(tgt_in))
        features = []
        for t in range(tgt_in.shape[1]):
            e = emb[:, t]
            if self.flow == 'before-cell':
                context, _ = self.attn(h, memory, mask)  # query s_{t-1}
                h, c = self.cell(torch.cat([e, context], -1), h, c)
                features.append(torch.cat([h, context, e], -1))
            elif self.flow == 'after-cell':
                h, c = self.cell(torch.cat([e, feed], -1) if self.feeding else e, h, c)
                context, _ = self.attn(h, memory, mask)  # query h_t
                feed = torch.tanh(self.W_c(torch.cat([context, h], -1)))
                features.append(feed)
            else:
                h, c = self.cell(e, h, c)
                features.append(h)
        return self.out(torch.stack(features, 1))

    def cell(self, x, h, c):
        if self.gru:
            return self.decoder(x, h), c
        return self.decoder(x, (h, c))


class LanguageModelRNN(nn.Module):
    """glimpse's `LanguageModel` (arch rnn): embedding, stacked LSTM/GRU over [T, B], optionally
    causal dot-product self-attention over the window combined as tanh(W [h_t; c_t]), linear."""

    def __init__(self, c):
        super().__init__()
        self.c = c
        E, H, L = c['embeddingSize'], c['hiddenSize'], c['numLayers']
        self.encoder = nn.Embedding(c['vocabSize'], E)
        self.rnn = (nn.GRU if c['cell'] == 'gru' else nn.LSTM)(E, H, num_layers=L, dropout=c['dropout'] if L > 1 else 0)
        if c['attention']:
            self.combine = nn.Linear(2 * H, H)
        self.decoder = nn.Linear(H, c['vocabSize'])
        if c['tieWeights']:
            self.decoder.weight = self.encoder.weight
        self.drop = nn.Dropout(c['dropout'])
        self.emb_drop = nn.Dropout(c['embeddingDropout'])

    def forward(self, ids, state=None):
        """ids [T, B] -> logits [T, B, V] and the final state (carried to the next window)."""
        out, state = self.rnn(self.emb_drop(self.encoder(ids)), state)
        if self.c['attention']:
            h = out.transpose(0, 1)  # [B, T, H]; attention reads the un-dropped output
            T = h.shape[1]
            scores = (h @ h.transpose(1, 2)) / h.shape[2] ** 0.5
            causal = torch.ones(T, T, dtype=torch.bool, device=h.device).triu(1)
            context = torch.softmax(scores.masked_fill(causal, float('-inf')), -1) @ h
            out = torch.tanh(self.combine(torch.cat([h, context], -1))).transpose(0, 1)
        return self.decoder(self.drop(out)), state


MODELS = {'seq2seq-rnn': Seq2SeqRNN, 'lm-rnn': LanguageModelRNN}


def build_model(spec):
    """The model that model.json describes."""
    if spec['kind'] not in MODELS:
        raise ValueError(f"model.json: kind {spec['kind']!r} is not one this file builds ({', '.join(MODELS)})")
    return MODELS[spec['kind']](spec['model'])


def lm_windows(ids, batch_size, bptt, device='cpu'):
    """As word_language_model: the stream cut into batch_size contiguous columns, read in windows
    of bptt tokens; yields (input [T, B], target [T, B])."""
    rows = len(ids) // batch_size
    data = torch.tensor(ids[:rows * batch_size], dtype=torch.long).view(batch_size, rows).t().contiguous().to(device)
    for start in range(0, rows - 1, bptt):
        T = min(bptt, rows - 1 - start)
        yield data[start:start + T], data[start + 1:start + 1 + T]


def lm_check_loss(model, check, device='cpu'):
    """Mean cross-entropy of the check window (data/check.json), from a zero state."""
    x = torch.tensor(check['input'], dtype=torch.long, device=device)
    y = torch.tensor(check['target'], dtype=torch.long, device=device)
    logits, _ = model(x)
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))


def make_batch(examples, ids, device='cpu'):
    """Pads a list of examples: src [B, S], lengths [B], tgt_in [B, T] (<bos> y...), tgt_out [B, T] (y... <eos>)."""
    pad, bos = ids['pad'], ids['bos']
    S = max(len(e['src']) for e in examples)
    T = max(len(e['tgt']) for e in examples)
    src = torch.full((len(examples), S), ids['srcPad'], dtype=torch.long)
    tgt_in = torch.full((len(examples), T), pad, dtype=torch.long)
    tgt_out = torch.full((len(examples), T), pad, dtype=torch.long)
    for b, e in enumerate(examples):
        src[b, :len(e['src'])] = torch.tensor(e['src'])
        tgt_out[b, :len(e['tgt'])] = torch.tensor(e['tgt'])
        tgt_in[b, :len(e['tgt'])] = torch.tensor([bos] + e['tgt'][:-1])
    lengths = torch.tensor([len(e['src']) for e in examples])
    return src.to(device), lengths, tgt_in.to(device), tgt_out.to(device)


def batch_loss(model, batch, ids, label_smoothing=0.0):
    """Mean cross-entropy over the real target tokens, as glimpse's Seq2Seq.loss."""
    src, lengths, tgt_in, tgt_out = batch
    logits = model(src, lengths, tgt_in)
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt_out.reshape(-1), ignore_index=ids['pad'], label_smoothing=label_smoothing)
