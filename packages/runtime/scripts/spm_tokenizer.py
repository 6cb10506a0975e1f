"""Build a SentencePiece tokenizer the way real XLM-R / multilingual-e5 tokenizers are made, for the parity test.

sentencepiece trains a Unigram model on the SpamAssassin emails of hf_fixtures.py, and transformers' own
XLMRobertaConverter turns it into tokenizer.json, so the normaliser is SentencePiece's `Precompiled` charsmap
(nmt_nfkc) followed by the space-run Replace, as in every converted SentencePiece tokenizer. The folder goes to
../test/fixtures/hf/spm-tokenizer/ and Python `tokenizers` encodings of parity/texts.json to
parity/unigram-precompiled.json.gz. Run from the repository root after hf_fixtures.py (same venv):
  /work/venv-hf/bin/python packages/runtime/scripts/spm_tokenizer.py
"""
import json
import os
import tempfile

import sentencepiece as spm
from transformers import XLMRobertaTokenizerFast
from transformers.convert_slow_tokenizer import XLMRobertaConverter

from hf_fixtures import OUT, MAX_LEN, VOCAB, load_emails, record_parity, clear_runtime_state


class SlowTokenizerStandIn:
    """What the converter reads from a slow tokenizer: the .model file and token ids."""

    def __init__(self, model_file):
        self.vocab_file = model_file
        self._sp = spm.SentencePieceProcessor(model_file=model_file)

    def convert_tokens_to_ids(self, token):
        # fairseq's layout: <s> <pad> </s> <unk> first, every piece shifted by one.
        fixed = {'<s>': 0, '<pad>': 1, '</s>': 2, '<unk>': 3}
        return fixed[token] if token in fixed else self._sp.piece_to_id(token) + 1


def main():
    emails = load_emails()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = os.path.join(tmp, 'corpus.txt')
        with open(corpus, 'w', encoding='utf8') as f:
            for e in emails[:3000]:
                f.write(e['text'] + '\n')
        prefix = os.path.join(tmp, 'spm')
        spm.SentencePieceTrainer.train(input=corpus, model_prefix=prefix, vocab_size=VOCAB, model_type='unigram',
                                       character_coverage=0.9995, normalization_rule_name='nmt_nfkc',
                                       bos_id=0, pad_id=1, eos_id=2, unk_id=3, minloglevel=2, seed_sentencepiece_size=200000)
        backend = XLMRobertaConverter(SlowTokenizerStandIn(prefix + '.model')).converted()
    tokenizer = XLMRobertaTokenizerFast(tokenizer_object=backend, model_max_length=MAX_LEN, bos_token='<s>', eos_token='</s>',
                                        sep_token='</s>', cls_token='<s>', unk_token='<unk>', pad_token='<pad>', mask_token='<mask>')
    folder = os.path.join(OUT, 'spm-tokenizer')
    os.makedirs(folder, exist_ok=True)
    tokenizer.save_pretrained(folder)
    clear_runtime_state(folder)
    normalizers = [n['type'] for n in json.load(open(os.path.join(folder, 'tokenizer.json'), encoding='utf8'))['normalizer']['normalizers']]
    assert 'Precompiled' in normalizers, normalizers
    with open(os.path.join(OUT, 'parity', 'texts.json'), encoding='utf8') as f:
        texts = json.load(f)
    record_parity('unigram-precompiled', tokenizer, texts)
    print('spm-tokenizer:', normalizers, len(texts), 'parity texts')


if __name__ == '__main__':
    main()
