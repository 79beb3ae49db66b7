"""Pretrain the course's tiny BERT with masked language modelling (notebook 07 loads it).

A notebook cannot afford to pretrain a BERT: this script does it once, seeded, on the
full course corpus, and writes one file that notebook 07 loads in a second::

    data/models/tiny_bert.safetensors     weights (BertForMaskedLM's names) + config,
                                          vocabulary and what this run measured, as metadata

Steps:

1. a WordPiece vocabulary learned from the corpus' word counts with notebook 05's BPE
   (``learn_bpe`` with the ``##`` continuation prefix), plus BERT's five special tokens;
2. the documents in one stream, separated by [SEP], cut into full sequences of
   ``--seq-len`` tokens (``pack_sequences``); the documents whose index is a multiple of
   100 are held out for evaluation;
3. ``embedlab.masked_lm.pretrain``: AdamW, warm-up then linear decay, 80/10/10 masking;
4. the held-out masked-token accuracy, and the losses, written into the file's metadata.

The run is deterministic on a CPU for a given number of threads (``--threads``, recorded):
``tests/test_masked_lm.py`` reruns the first steps from the same seed and compares the
losses with the recorded ones, so the file stays tied to the code that made it.

Usage::

    python tools/pretrain_tiny_bert.py                 # about 70 minutes on 2 free CPU cores
    python tools/pretrain_tiny_bert.py --steps 50 --out /tmp/t.safetensors   # a quick try

``--register`` then writes (or rewrites) the ``tiny-bert`` entry of ``data/manifest.json``
with the file's bytes, sha256 and what the run recorded.
"""
from __future__ import annotations

import argparse
import hashlib
import time
from collections import Counter
from pathlib import Path

import torch

from embedlab import bert, corpus
from embedlab import masked_lm as mlm
from embedlab.subword_tokenizers import WordPiece, learn_bpe

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "data" / "models" / "tiny_bert.safetensors"
RECORDED_STEPS = 20          # losses of the first steps, kept exactly for the reproduction test


def build_vocab(docs, num_merges: int) -> list[str]:
    """BERT's special tokens, then the WordPiece tokens learned from the corpus' word counts."""
    counts = Counter(w for doc in docs for w in doc)
    bpe = learn_bpe(counts, num_merges, end_of_word_suffix="", continuing_subword_prefix="##")
    return mlm.SPECIAL_TOKENS + sorted(bpe.vocab, key=bpe.vocab.get)


def tiny_config(vocab_size: int, seq_len: int) -> bert.BertConfig:
    # No dropout: a model this small, trained this briefly, underfits rather than overfits.
    return bert.BertConfig(vocab_size=vocab_size, hidden_size=128, num_hidden_layers=4, num_attention_heads=4,
                           intermediate_size=512, max_position_embeddings=seq_len, hidden_dropout_prob=0.0,
                           attention_probs_dropout_prob=0.0)


def sequences_for(docs, vocab: list[str], seq_len: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(train, held_out) packed sequences; every 100th document is held out."""
    ids = {t: i for i, t in enumerate(vocab)}
    wordpiece = WordPiece(dict(ids))
    cache: dict[str, list[int]] = {}

    def encode_word(w):
        if w not in cache:
            cache[w] = wordpiece.encode_ids([w])
        return cache[w]

    pack = dict(encode_word=encode_word, seq_len=seq_len, cls_id=ids["[CLS]"], sep_id=ids["[SEP]"],
                pad_id=ids["[PAD]"], across_documents=True)
    train = mlm.pack_sequences((d for i, d in enumerate(docs) if i % 100), **pack)
    held = mlm.pack_sequences((d for i, d in enumerate(docs) if i % 100 == 0), **pack)
    return train, held


def build(vocab: list[str], seq_len: int, seed: int) -> tuple[bert.BertModel, mlm.MaskedLMHead]:
    torch.manual_seed(seed)
    config = tiny_config(len(vocab), seq_len)
    model = bert.BertModel(config, add_pooling_layer=False)
    mlm.init_like_bert(model)
    head = mlm.MaskedLMHead(config.hidden_size, config.vocab_size, config.layer_norm_eps)
    mlm.init_like_bert(head)
    return model, head


@torch.no_grad()
def held_out_accuracy(model, head, held: torch.Tensor, vocab: list[str], seed: int = 1) -> float:
    """Top-1 accuracy at the chosen positions of the held-out sequences (80/10/10 masking)."""
    ids = {t: i for i, t in enumerate(vocab)}
    gen = torch.Generator().manual_seed(seed)
    special = torch.isin(held, torch.tensor([ids[t] for t in mlm.SPECIAL_TOKENS]))
    inputs, labels = mlm.mask_tokens(held, special, vocab_size=len(vocab), mask_id=ids["[MASK]"], generator=gen)
    right = total = 0
    for lo in range(0, len(held), 256):
        x, y = inputs[lo:lo + 256], labels[lo:lo + 256]
        hidden = model(x, attention_mask=(x != ids["[PAD]"]).long(), output_hidden_states=False)[-1]
        chosen = y != mlm.IGNORE
        guess = head(hidden[chosen], model.embeddings.word_embeddings.weight).argmax(-1)
        right += int((guess == y[chosen]).sum())
        total += int(chosen.sum())
    return right / total


def register(path: Path) -> dict:
    """Write the manifest entry ``tiny-bert`` for the file at ``path`` (inside data/)."""
    import json

    from safetensors import safe_open

    data = path.read_bytes()
    with safe_open(str(path), "pt") as f:
        text = f.metadata()
    meta, config = json.loads(text["meta"]), json.loads(text["config"])
    entry = {
        "name": "tiny-bert", "kind": "shipped", "file": path.relative_to(REPO / "data").as_posix(),
        "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
        "source": (f"Trained by tools/pretrain_tiny_bert.py (seed {meta['seed']}, {meta['steps']} steps of "
                   f"{meta['batch_size']} sequences of {meta['seq_len']} tokens, lr {meta['lr']}, torch {meta['torch']}, "
                   f"{meta['threads']} CPU threads, {meta['train_seconds']:.0f} s) by masked language modelling on "
                   f"{meta['corpus']}, with a WordPiece vocabulary learned from the same corpus by "
                   "embedlab.subword_tokenizers.learn_bpe"),
        "licence": "MIT, like the course (weights trained for it); the training text's licences are listed per "
                   "source in data/corpus/README.md",
        "description": (f"A small BERT ({config['num_hidden_layers']} layers, {config['hidden_size']} dimensions, "
                        f"{config['num_attention_heads']} heads, {config['max_position_embeddings']} positions, a "
                        f"vocabulary of {len(text['vocab'].splitlines()):,}) with its masked-LM head, for notebook 07: "
                        "the weights under BertForMaskedLM's names, and the config, vocabulary and the run's "
                        f"measurements (held-out masked-token accuracy {meta['held_out_accuracy']:.3f}) as metadata. "
                        "Read with embedlab.masked_lm.load_tiny_bert()."),
    }
    manifest_path = REPO / "data" / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["assets"] = [a for a in manifest["assets"] if a["name"] != "tiny-bert"] + [entry]
    manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return entry


def train_settings(args) -> dict:
    return dict(steps=args.steps, batch_size=args.batch_size, lr=args.lr, warmup=args.warmup, seed=args.seed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default="course-corpus")
    parser.add_argument("--merges", type=int, default=6000, help="BPE merges for the WordPiece vocabulary")
    parser.add_argument("--seq-len", type=int, default=64)
    # 16,000 steps: the loss sits near 6 (guessing frequent words) for the first 5,000 or so,
    # and falls to 3.7 only after; 3,000-4,000 steps gave a model that always guessed "the".
    parser.add_argument("--steps", type=int, default=16000)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--warmup", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--register", action="store_true",
                        help="write the tiny-bert entry of data/manifest.json for --out (inside data/)")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)
    started = time.perf_counter()
    docs = corpus.load_corpus(args.corpus)
    vocab = build_vocab(docs, args.merges)
    train, held = sequences_for(docs, vocab, args.seq_len)
    print(f"vocabulary {len(vocab):,} tokens; {len(train):,} training and {len(held):,} held-out sequences "
          f"of {args.seq_len} ({time.perf_counter() - started:.0f} s)", flush=True)
    model, head = build(vocab, args.seq_len, args.seed)
    ids = {t: i for i, t in enumerate(vocab)}
    special_ids = [ids[t] for t in mlm.SPECIAL_TOKENS]
    train_started = time.perf_counter()
    losses = mlm.pretrain(model, head, train, special_ids=special_ids, mask_id=ids["[MASK]"],
                          pad_id=ids["[PAD]"], progress=True, **train_settings(args))
    train_seconds = time.perf_counter() - train_started
    accuracy = held_out_accuracy(model, head, held, vocab)
    meta = {
        "made_by": "tools/pretrain_tiny_bert.py", "corpus": args.corpus, "merges": args.merges,
        "seq_len": args.seq_len, **train_settings(args), "threads": args.threads,
        "torch": torch.__version__, "train_seconds": round(train_seconds, 1),
        "first_losses": losses[:RECORDED_STEPS],
        "loss_every_100": [round(sum(losses[i:i + 100]) / len(losses[i:i + 100]), 4)
                           for i in range(0, len(losses), 100)],
        "held_out_sequences": len(held), "held_out_accuracy": round(accuracy, 4),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    mlm.save_tiny_bert(args.out, model, head, vocab, meta)
    data = args.out.read_bytes()
    print(f"trained {args.steps} steps in {train_seconds:.0f} s; loss {meta['loss_every_100'][0]} -> "
          f"{meta['loss_every_100'][-1]}; held-out masked-token accuracy {accuracy:.3f}")
    print(f"wrote {args.out}: bytes {len(data)}, sha256 {hashlib.sha256(data).hexdigest()}")
    if args.register:
        register(args.out.resolve())
        print("updated data/manifest.json (tiny-bert)")


if __name__ == "__main__":
    main()
