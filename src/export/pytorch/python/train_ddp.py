"""Trains an exported glimpse run with PyTorch DistributedDataParallel.

    torchrun --nproc_per_node 2 train_ddp.py [--epochs N] [--max-steps N] [--batch-size N] [--lr X]

One process per CPU slot (gloo) or GPU (NCCL, chosen when CUDA is available); torchrun sets the
rank and world size. Each step every process takes --batch-size examples of its shard
(DistributedSampler), so the global batch is world_size x --batch-size; DDP averages the
gradients. A language model reads its shard of the token stream (data/train.json) in windows
of --bptt tokens, carrying the hidden state from window to window. Rank 0 logs, then writes
out/model.safetensors (glimpse's parameter names) and out/check.json (the loss on the check
batch, data/check.jsonl or data/check.json, in eval mode), which `glimpse import` reads.
Defaults come from model.json (the run's own recipe).
"""
import argparse
import json
import math
import os
import time

import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DistributedSampler

from glimpse_model import batch_loss, build_model, lm_check_loss, lm_windows, load_safetensors, make_batch, read_examples, save_safetensors

HERE = os.path.dirname(os.path.abspath(__file__))


def parse_args(recipe):
    p = argparse.ArgumentParser(description='Train an exported glimpse run with DistributedDataParallel (run it under torchrun).')
    p.add_argument('--data', default=os.path.join(HERE, 'data'), help='folder with the training data and the check batch')
    p.add_argument('--out', default=os.path.join(HERE, 'out'), help='where rank 0 writes model.safetensors and check.json')
    p.add_argument('--weights', default=os.path.join(HERE, 'weights.safetensors'), help='starting weights')
    p.add_argument('--epochs', type=int, default=recipe['epochs'])
    p.add_argument('--max-steps', type=int, default=0, help='stop after this many steps (0: no limit)')
    p.add_argument('--batch-size', type=int, default=recipe['batchSize'], help='examples (language models: streams) per process per step')
    p.add_argument('--bptt', type=int, default=recipe.get('bptt', 35), help='language models: tokens per window')
    p.add_argument('--lr', type=float, default=recipe['lr'])
    p.add_argument('--clip', type=float, default=recipe['clip'], help='max gradient norm (0: none)')
    p.add_argument('--seed', type=int, default=recipe['seed'])
    p.add_argument('--log-every', type=int, default=50)
    args = p.parse_args()
    for name in ('epochs', 'batch_size', 'bptt'):
        if getattr(args, name) < 1:
            p.error(f'--{name.replace("_", "-")} must be at least 1')
    return args


def seq2seq_batches(args, rank, world, ids, device):
    """Each epoch: this process's shard of the training pairs, shuffled, in batches."""
    train = read_examples(os.path.join(args.data, 'train.jsonl'))
    sampler = DistributedSampler(range(len(train)), num_replicas=world, rank=rank, shuffle=True, seed=args.seed)
    if rank == 0:
        print(f'train_ddp: {world} processes ({dist.get_backend()}), {len(train)} examples, '
              f'{math.ceil(len(sampler) / args.batch_size)} steps per epoch of {world} x {args.batch_size} examples', flush=True)

    def epoch_batches(epoch):
        sampler.set_epoch(epoch)
        order = list(sampler)
        for i in range(0, len(order), args.batch_size):
            yield make_batch([train[j] for j in order[i:i + args.batch_size]], ids, device)
    return epoch_batches


def lm_batches(args, rank, world, device):
    """Each epoch: this process's contiguous 1/world of the token stream, in windows (the same count on every process)."""
    with open(os.path.join(args.data, 'train.json'), encoding='utf-8') as f:
        stream = json.load(f)['ids']
    share = len(stream) // world
    mine = stream[rank * share:(rank + 1) * share]
    steps = math.ceil((share // args.batch_size - 1) / args.bptt)
    if rank == 0:
        print(f'train_ddp: {world} processes ({dist.get_backend()}), {len(stream)} tokens, '
              f'{steps} steps per epoch of {world} x {args.batch_size} streams x {args.bptt} tokens', flush=True)
    return lambda epoch: lm_windows(mine, args.batch_size, args.bptt, device)


def main():
    with open(os.path.join(HERE, 'model.json'), encoding='utf-8') as f:
        spec = json.load(f)
    args = parse_args(spec['train'])
    cuda = torch.cuda.is_available()
    dist.init_process_group('nccl' if cuda else 'gloo')
    rank, world = dist.get_rank(), dist.get_world_size()
    local = int(os.environ.get('LOCAL_RANK', 0))
    device = torch.device('cuda', local) if cuda else torch.device('cpu')
    if cuda:
        torch.cuda.set_device(device)
    torch.manual_seed(args.seed + rank)  # dropout differs per process; the starting weights do not

    ids = spec.get('ids', {})
    model = build_model(spec)
    model.load_state_dict(load_safetensors(args.weights))
    model.to(device)
    ddp = DistributedDataParallel(model, device_ids=[local] if cuda else None)
    recipe = spec['train']
    opt = torch.optim.Adam(model.parameters(), lr=args.lr, betas=tuple(recipe['betas']), eps=recipe['eps'], weight_decay=recipe['weightDecay'])
    lm = spec['kind'] == 'lm-rnn'
    batches = lm_batches(args, rank, world, device) if lm else seq2seq_batches(args, rank, world, ids, device)
    step, start = 0, time.time()
    model.train()
    for epoch in range(args.epochs):
        state = None  # a language model's hidden state, carried between windows of an epoch
        for batch in batches(epoch):
            if lm:
                x, y = batch
                logits, state = ddp(x, state)
                state = tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()
                target = y
            else:
                src, lengths, tgt_in, target = batch
                logits = ddp(src, lengths, tgt_in)
            loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), target.reshape(-1),
                                                     ignore_index=-100 if lm else ids['pad'], label_smoothing=recipe['labelSmoothing'])
            opt.zero_grad()
            loss.backward()
            if args.clip > 0:
                torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip)
            opt.step()
            step += 1
            if rank == 0 and step % args.log_every == 0:
                print(f'step {step} (epoch {epoch + 1}): loss {loss.item():.4f}, {time.time() - start:.1f} s', flush=True)
            if args.max_steps and step >= args.max_steps:
                break
        if args.max_steps and step >= args.max_steps:
            break

    if rank == 0:
        os.makedirs(args.out, exist_ok=True)
        save_safetensors(os.path.join(args.out, 'model.safetensors'), model.state_dict(),
                         {'format': 'pt', 'trained_by': 'train_ddp.py', 'steps': step, 'world_size': world})
        model.eval()
        with torch.no_grad():
            if lm:
                with open(os.path.join(args.data, 'check.json'), encoding='utf-8') as f:
                    check = json.load(f)
                check_loss, size = lm_check_loss(model, check, device).item(), len(check['input']) * len(check['input'][0])
            else:
                check = read_examples(os.path.join(args.data, 'check.jsonl'))
                check_loss, size = batch_loss(model, make_batch(check, ids, device), ids).item(), len(check)
        with open(os.path.join(args.out, 'check.json'), 'w', encoding='utf-8') as f:
            json.dump({'loss': check_loss, 'examples': size, 'steps': step, 'world_size': world,
                       'backend': 'nccl' if cuda else 'gloo', 'torch': torch.__version__}, f, indent=2)
        print(f'train_ddp: {step} steps in {time.time() - start:.1f} s; loss on the check batch {check_loss:.6f}; '
              f'wrote {os.path.join(args.out, "model.safetensors")}', flush=True)
    dist.barrier()
    dist.destroy_process_group()


if __name__ == '__main__':
    main()
