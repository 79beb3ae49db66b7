"""embedlab.masked_lm against transformers: the same masking draws, the same MLM head logits."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from transformers import BertConfig, BertForMaskedLM, DataCollatorForLanguageModeling

from embedlab import corpus, data
from embedlab import masked_lm as mlm
from embedlab.validate import InputError


@pytest.fixture(scope="module")
def tokenizer():
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(data.path("all-minilm-l6-v2")))


SENTENCES = [
    "In the beginning God created the heaven and the earth.",
    "The devil is a man of the world, a dictionary says.",
    "It is a truth universally acknowledged, that a single man in possession of a good fortune, "
    "must be in want of a wife.",
    "Zinc is a metal.",
] * 8


def batch(tokenizer):
    enc = tokenizer(SENTENCES, padding=True, return_tensors="pt", return_special_tokens_mask=True)
    special = enc["special_tokens_mask"].bool() | (enc["attention_mask"] == 0)
    return enc["input_ids"], special


def test_mask_tokens_makes_the_same_draws_as_transformers_collator(tokenizer):
    ids, special = batch(tokenizer)
    collator = DataCollatorForLanguageModeling(tokenizer, mlm_probability=0.15)
    for seed in range(5):
        collator.generator = torch.Generator().manual_seed(seed)
        theirs = collator.torch_mask_tokens(ids.clone(), special.clone())
        ours = mlm.mask_tokens(ids, special, vocab_size=len(tokenizer), mask_id=tokenizer.mask_token_id,
                               generator=torch.Generator().manual_seed(seed))
        assert torch.equal(ours[0], theirs[0]) and torch.equal(ours[1], theirs[1])
    # ... and changes nothing in place
    assert torch.equal(ids, batch(tokenizer)[0])


def test_mask_tokens_follows_the_80_10_10_rule():
    gen = torch.Generator().manual_seed(0)
    ids = torch.randint(5, 1000, (400, 128), generator=gen)
    special = torch.zeros_like(ids, dtype=torch.bool)
    special[:, 0] = special[:, -1] = True                       # [CLS] ... [SEP]
    inputs, labels = mlm.mask_tokens(ids, special, vocab_size=1000, mask_id=3, generator=gen)
    chosen = labels != mlm.IGNORE
    assert not chosen[special].any()                            # never a special token
    assert torch.equal(labels[chosen], ids[chosen])             # labels are the originals
    assert torch.equal(inputs[~chosen], ids[~chosen])           # only chosen positions change
    n = chosen.sum().item()
    assert abs(n / (~special).sum().item() - 0.15) < 0.005
    masked = (inputs == 3) & chosen
    kept = (inputs == ids) & chosen
    randomised = chosen & ~masked & ~kept
    assert abs(masked.sum().item() / n - 0.8) < 0.01
    assert abs(kept.sum().item() / n - 0.1) < 0.01             # (a random draw may hit the same id: 0.1 %)
    assert abs(randomised.sum().item() / n - 0.1) < 0.01


def test_mask_tokens_says_what_is_wrong():
    ids = torch.zeros(2, 5, dtype=torch.int64)
    special = torch.zeros(2, 5, dtype=torch.bool)
    with pytest.raises(InputError, match="int64"):
        mlm.mask_tokens(ids.float(), special, vocab_size=10, mask_id=1)
    with pytest.raises(InputError, match="same shape"):
        mlm.mask_tokens(ids, special[:, :3], vocab_size=10, mask_id=1)
    with pytest.raises(InputError, match="at most 1"):
        mlm.mask_tokens(ids, special, vocab_size=10, mask_id=1, prob=15)
    with pytest.raises(InputError, match="mask_frac \\+ random_frac"):
        mlm.mask_tokens(ids, special, vocab_size=10, mask_id=1, mask_frac=0.9, random_frac=0.2)


def test_head_gives_bert_for_masked_lm_logits():
    torch.manual_seed(0)
    config = BertConfig(vocab_size=97, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                        intermediate_size=64)
    model = BertForMaskedLM(config).eval()
    with torch.no_grad():                       # a trained-looking head, not the zero-bias init
        model.cls.predictions.bias.normal_()
        model.cls.predictions.transform.LayerNorm.weight.normal_()
    head = mlm.MaskedLMHead(config.hidden_size, config.vocab_size, config.layer_norm_eps)
    weights = {k.removeprefix("cls.predictions."): v for k, v in model.state_dict().items()
               if k.startswith("cls.predictions.") and ".decoder." not in k}
    head.load_state_dict(weights, strict=True)
    ids = torch.randint(0, 97, (3, 11))
    with torch.no_grad():
        out = model(ids, output_hidden_states=True)
        ours = head(out.hidden_states[-1], model.bert.embeddings.word_embeddings.weight)
    torch.testing.assert_close(ours, out.logits, rtol=1e-5, atol=1e-5)


def test_mlm_loss_counts_only_the_chosen_positions():
    gen = torch.Generator().manual_seed(0)
    logits = torch.randn(2, 4, 10, generator=gen)
    labels = torch.full((2, 4), mlm.IGNORE)
    labels[0, 1], labels[1, 3] = 7, 2
    expected = -(torch.log_softmax(logits[0, 1], -1)[7] + torch.log_softmax(logits[1, 3], -1)[2]) / 2
    torch.testing.assert_close(mlm.mlm_loss(logits, labels), expected)
    with pytest.raises(InputError, match="every label is -100"):
        mlm.mlm_loss(logits, torch.full((2, 4), mlm.IGNORE))
    with pytest.raises(InputError, match="must be"):
        mlm.mlm_loss(logits[:, :3], labels)



def test_pack_sequences_by_document_and_across_documents():
    pieces = {"in": [10], "the": [11], "beginning": [12, 13], "god": [14]}
    docs = [["in", "the", "beginning"], ["god"]]
    pack = dict(encode_word=pieces.__getitem__, seq_len=5, cls_id=2, sep_id=3, pad_id=0)
    by_doc = mlm.pack_sequences(docs, **pack)
    assert by_doc.tolist() == [[2, 10, 11, 12, 3], [2, 13, 3, 0, 0], [2, 14, 3, 0, 0]]
    across = mlm.pack_sequences(docs, **pack, across_documents=True)
    assert across.tolist() == [[2, 10, 11, 12, 3], [2, 13, 3, 14, 3], [2, 3, 3, 0, 0]]
    with pytest.raises(InputError, match="no document"):
        mlm.pack_sequences([[]], **pack)


def test_pretrain_lowers_the_loss_and_is_seeded():
    from embedlab import bert

    gen = torch.Generator().manual_seed(0)
    # A toy language with structure: every sequence counts up, so a token is its left neighbour + 1.
    starts = torch.randint(5, 40, (256, 1), generator=gen)
    seqs = torch.cat([torch.full((256, 1), 2), starts + torch.arange(14), torch.full((256, 1), 3)], dim=1)

    def run():
        torch.manual_seed(0)
        config = bert.BertConfig(vocab_size=60, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                                 intermediate_size=64, max_position_embeddings=16, hidden_dropout_prob=0.0,
                                 attention_probs_dropout_prob=0.0)
        model = mlm.init_like_bert(bert.BertModel(config, add_pooling_layer=False))
        head = mlm.init_like_bert(mlm.MaskedLMHead(32, 60))
        return mlm.pretrain(model, head, seqs, steps=300, batch_size=32, lr=1e-2, warmup=10, seed=1,
                            special_ids=[0, 1, 2, 3, 4], mask_id=4, pad_id=0, progress=False)

    losses = run()
    assert abs(losses[0] - torch.log(torch.tensor(60.0)).item()) < 0.3      # BERT's init: a uniform guess
    assert sum(losses[-20:]) / 20 < 1.5, losses[-20:]     # it learned to count (1.06; at the start 4.09)
    assert run() == losses                                                  # the same seed, the same run


# ---------------------------------------------------------------------------
# The shipped tiny BERT (tools/pretrain_tiny_bert.py)
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def tiny():
    return mlm.load_tiny_bert()


def test_tiny_bert_gives_bert_for_masked_lm_logits(tiny):
    config = tiny.model.config
    hf = BertForMaskedLM(BertConfig(vocab_size=config.vocab_size, hidden_size=config.hidden_size,
                                    num_hidden_layers=config.num_hidden_layers,
                                    num_attention_heads=config.num_attention_heads,
                                    intermediate_size=config.intermediate_size,
                                    max_position_embeddings=config.max_position_embeddings)).eval()
    from safetensors.torch import load_file

    missing, unexpected = hf.load_state_dict(load_file(str(data.path("tiny-bert"))), strict=False)
    assert not unexpected and set(missing) <= {"cls.predictions.decoder.weight", "cls.predictions.decoder.bias"}
    hf.tie_weights()
    ids = torch.tensor([tiny.encode("and god said let there be [MASK] and there was light")])
    with torch.no_grad():
        hidden = tiny.model(ids, output_hidden_states=False)[-1]
        ours = tiny.head(hidden, tiny.model.embeddings.word_embeddings.weight)
        theirs = hf(ids).logits
    torch.testing.assert_close(ours, theirs, rtol=1e-4, atol=1e-4)


def test_tiny_bert_learned_the_corpus(tiny):
    assert tiny.meta["held_out_accuracy"] > 0.25, tiny.meta["held_out_accuracy"]   # guessing 'the': about 0.06
    assert tiny.meta["loss_every_100"][-1] < tiny.meta["loss_every_100"][0] - 3
    assert tiny.fill_mask("and god said let there be [MASK] and there was light")[0][0][0] == "light"
    with pytest.raises(InputError, match="no \\[MASK\\]"):
        tiny.fill_mask("no mask here")


def test_tiny_bert_file_is_what_the_tool_makes(tiny):
    """The same vocabulary from the corpus, and the first recorded steps again from the same seed."""
    import pretrain_tiny_bert as tool      # tools/, on the path through conftest.py

    meta = tiny.meta
    docs = corpus.load_corpus(meta["corpus"])
    assert tool.build_vocab(docs, meta["merges"]) == tiny.vocab
    train, _ = tool.sequences_for(docs, tiny.vocab, meta["seq_len"])
    model, head = tool.build(tiny.vocab, meta["seq_len"], meta["seed"])
    ids = {t: i for i, t in enumerate(tiny.vocab)}
    steps = len(meta["first_losses"])
    # The schedule's first steps do not depend on the total (the warm-up is longer than them).
    assert steps < meta["warmup"]
    with torch.random.fork_rng():
        losses = mlm.pretrain(model, head, train, steps=steps, batch_size=meta["batch_size"], lr=meta["lr"],
                              warmup=meta["warmup"], seed=meta["seed"], special_ids=[ids[t] for t in mlm.SPECIAL_TOKENS],
                              mask_id=ids["[MASK]"], pad_id=ids["[PAD]"], progress=False)
    # Another number of threads sums in another order: equal up to float32 rounding.
    np.testing.assert_allclose(losses, meta["first_losses"], rtol=1e-4)
