"""DRAFT tests for the shipped tiny BERT, to move into tests/test_masked_lm.py once
data/models/tiny_bert.safetensors is trained well enough to ship (see README.md here).
They need: import numpy as np; from embedlab import corpus, data; the imports of
tests/test_masked_lm.py."""


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
