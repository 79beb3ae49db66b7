# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 03 · word2vec: learning word vectors by prediction
#
# "You shall know a word by the company it keeps" (Firth, 1957). Notebook 02 counted that
# company in a co-occurrence matrix and compressed it. **word2vec** (Mikolov et al., 2013)
# learns the vectors directly: it slides over the text and, for every word, nudges its
# vector so that it **predicts the words around it** better. It is fast, simple, and the
# idea behind most embeddings of this course (documents, graphs, users, images with text).
#
# **Goals.** By the end you can
#
# 1. explain the two word2vec models, **skip-gram** (a word predicts its context) and
#    **CBOW** (the context predicts the word), and build their training pairs;
# 2. write the **negative-sampling** loss and its gradient, and verify the gradient
#    numerically;
# 3. explain **subsampling** of frequent words, the **0.75-power noise distribution** and
#    the **linearly decaying learning rate**, as word2vec.c and gensim implement them;
# 4. train word2vec on a real corpus with `embedlab` (batched PyTorch, CPU or GPU) and
#    compare it side by side with **gensim**: speed, analogies, word similarity.
#
# **Prerequisites.** Notebook 01 (cosine similarity), notebook 02 helps (co-occurrence);
# NumPy and a little PyTorch (tensors, `@`, indexing); the derivative of the sigmoid,
# $\sigma'(x) = \sigma(x)(1 - \sigma(x))$.
#
# **Time.** About 90 minutes to read and do the four exercises. Running every cell takes
# about a minute on a 2-core laptop CPU (most of it training on a million words), under
# 1.5 GB of memory; no GPU, no internet.
#
# **Data.** The course corpus slice: 1.03 million words from a dictionary (GCIDE and
# WordNet definitions), the King James Bible, Jane Austen, fortune cookies and a little
# Wikipedia (`embedlab.corpus`, shipped with the course).

# %%
import time

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F
from IPython.display import Markdown, display

import embedlab
from embedlab import check, corpus
from embedlab import evaluate as ev
from embedlab.explore import analogy_explorer, neighbour_explorer
from embedlab.word2vec import (build_vocab, encode_corpus, sample_negatives, skipgram_pairs,
                               train_word2vec)

notebook_started = time.perf_counter()
# word2vec works with many small tensor operations: one CPU thread is about as fast as two,
# and much faster when other programs keep the cores busy (see train_word2vec's `threads`).
torch.set_num_threads(1)
np.set_printoptions(precision=3, suppress=True, linewidth=110)
torch.set_printoptions(precision=3, sci_mode=False)

# %% [markdown]
# ## 1. The idea: predict the neighbours
#
# Take the sentence *the cat sat on the mat* and a **window** of 2: each word's context is
# the 2 words on each side. **Skip-gram** turns the text into (centre, context) pairs and
# learns to predict the context word from the centre word:
#
# | centre | contexts (window 2) |
# |---|---|
# | cat | the, sat, on |
# | sat | the, cat, on, the |
# | on | cat, sat, the, mat |
#
# Words used in the same contexts (*cat* and *dog* both sit, eat, purr or bark near
# *the*) must predict the same context words, so training pushes their vectors together.
#
# Each word gets **two** vectors: an *input* vector $w$ (used when it is the centre: these
# are the word vectors we keep) and an *output* vector $c$ (used when it is a context).
# The model scores a pair by the dot product $w_{\text{cat}} \cdot c_{\text{sat}}$.
#
# `embedlab.word2vec.skipgram_pairs` builds every pair of a whole corpus with a few tensor
# operations (no Python loop over words). It takes word ids, the document of each word
# (pairs never cross a document boundary) and each position's window. On two tiny
# "documents":

# %%
tiny_docs = [["the", "cat", "sat", "on", "the", "mat"], ["a", "dog", "sat"]]
tiny_words = sorted({w for doc in tiny_docs for w in doc})
tiny_index = {w: i for i, w in enumerate(tiny_words)}
tiny_ids, tiny_doc_ids = encode_corpus(tiny_docs, tiny_index)
windows = torch.full_like(tiny_ids, 2)                 # every word uses the full window of 2
centres, contexts = skipgram_pairs(tiny_ids, tiny_doc_ids, windows, window=2)
print("word ids:", tiny_ids.tolist(), " documents:", tiny_doc_ids.tolist())
print(len(centres), "pairs:", [(tiny_words[a], tiny_words[b]) for a, b in zip(centres.tolist(), contexts.tolist())])

# %% tags=["expect"]
_tiny_pairs = [(tiny_words[a], tiny_words[b]) for a, b in zip(centres.tolist(), contexts.tolist())]
assert sorted(b for a, b in _tiny_pairs if a == "cat") == sorted(["the", "sat", "on"]), \
    f"the table says cat's contexts are the, sat, on; the notebook printed {_tiny_pairs}"
assert sorted(b for a, b in _tiny_pairs if a == "on") == sorted(["cat", "sat", "the", "mat"]), \
    f"the table says on's contexts are cat, sat, the, mat; the notebook printed {_tiny_pairs}"
assert sorted(b for a, b in _tiny_pairs if a == "sat") == sorted(["the", "cat", "on", "the", "a", "dog"]), \
    f"the text says sat has the, cat, on, the in document 1 (and a, dog only in document 2); the notebook printed {_tiny_pairs}"
assert _tiny_pairs.count(("sat", "a")) == 1 and _tiny_pairs.count(("sat", "dog")) == 1, \
    f"the text says only the second document's sat pairs with a and dog; the notebook printed {_tiny_pairs}"

# %% [markdown]
# Note that *sat* in the first document never pairs with *a* or *dog*: they are in another
# document. word2vec.c also draws each position's window at random between 1 and `window`
# (here we fixed it at 2), so that near neighbours count more than far ones: a word at
# distance 1 is always used, one at distance 5 only a fifth of the time.
#
# **CBOW** ("continuous bag of words") turns the prediction around: the **mean** of the
# context words' input vectors predicts the centre word, one example per position
# instead of one per pair. It is several times faster and does a bit worse on rare words;
# we train both in section 6.
#
# ## 2. Negative sampling: a cheap stand-in for the softmax
#
# "Predict the context word" literally means a softmax over the whole vocabulary,
# $P(o \mid w) = e^{w \cdot c_o} / \sum_{v=1}^{V} e^{w \cdot c_v}$: for every pair, $V$ dot
# products (17,000 here, millions in practice). **Negative sampling** replaces it with
# $k + 1$ yes/no questions: is $o$ a real context of $w$ (yes), and are $k$ random "noise"
# words $n_1, \dots, n_k$ real contexts (no)? With $\sigma(x) = 1/(1 + e^{-x})$ the
# probability of "yes", the loss of one pair is
#
# $$\ell = -\log \sigma(w \cdot c_o) - \sum_{j=1}^{k} \log \sigma(-\,w \cdot c_{n_j}).$$
#
# Minimising it raises the score of the true pair and lowers the scores of the noise
# pairs. The cost per pair is $k + 1$ dot products (we use $k = 5$) whatever the
# vocabulary size.
#
# ### Exercise 03.sgns_loss
#
# Write the mean loss over a batch of B pairs. Work with torch tensors (convert inputs
# with `torch.as_tensor`), and use `F.logsigmoid(x)` for $\log\sigma(x)$: `torch.log(torch.sigmoid(x))`
# returns `-inf` for a score of $-200$, because $\sigma(-200)$ rounds to 0.

# %%
def sgns_loss(centre, pos, neg):
    """Skip-gram negative-sampling loss, averaged over a batch.

    centre: (B, d) input vectors of the centre words. pos: (B, d) output vectors of their
    true context words. neg: (B, k, d) output vectors of k noise words per pair.
    Returns a 0-d torch tensor: the mean over the B pairs of
    -log σ(centre·pos) - Σ_j log σ(-centre·neg_j).
    """
    ### BEGIN SOLUTION
    #> Convert the three inputs with torch.as_tensor. The B true scores are (centre * pos).sum(-1);
    #> the (B, k) noise scores are torch.einsum("bd,bkd->bk", centre, neg). Then F.logsigmoid, sum, mean.
    c, p, n = (torch.as_tensor(x) for x in (centre, pos, neg))
    true_score = (c * p).sum(-1)                                 # (B,)
    noise_score = torch.einsum("bd,bkd->bk", c, n)               # (B, k)
    loss = -F.logsigmoid(true_score) - F.logsigmoid(-noise_score).sum(-1)
    return loss.mean()
    ### END SOLUTION


# %%
check(sgns_loss)

# %% [markdown]
# A sanity check worth remembering: with all-zero vectors every score is 0 and
# $\sigma(0) = 1/2$, so the loss of a pair is $(k + 1)\log 2$, about 4.16 for $k = 5$.
# That is where training starts (the output vectors start at zero).

# %%
sgns_loss = embedlab.yours_or_reference(sgns_loss)
print(float(sgns_loss(torch.zeros(3, 4), torch.zeros(3, 4), torch.zeros(3, 5, 4))), "=", 6 * np.log(2))

# %% tags=["expect"]
assert round(float(sgns_loss(torch.zeros(3, 4), torch.zeros(3, 4), torch.zeros(3, 5, 4))), 2) == 4.16, \
    f"the text says the loss of all-zero vectors is about 4.16, the notebook printed {float(sgns_loss(torch.zeros(3, 4), torch.zeros(3, 4), torch.zeros(3, 5, 4)))}"

# %% [markdown]
# ### Exercise 03.sgns_grad
#
# Training needs the gradient of the loss with respect to the centre vector. With
# $s = w \cdot c_o$ and $t_j = w \cdot c_{n_j}$, and $\frac{d}{dx}\log\sigma(x) = 1 - \sigma(x)$:
#
# $$\frac{\partial \ell}{\partial w} = -(1 - \sigma(s))\, c_o + \sum_j \sigma(t_j)\, c_{n_j}.$$
#
# Read it: the centre moves towards its true context, by how wrong the model still is
# ($1 - \sigma(s)$), and away from each noise word, by how likely the model wrongly finds
# it ($\sigma(t_j)$). A pair the model already gets right barely moves anything.
# Because `sgns_loss` is a **mean** over B pairs, its gradient is this divided by B.

# %%
def sgns_grad(centre, pos, neg):
    """Gradient of sgns_loss(centre, pos, neg) with respect to centre.

    Same inputs as sgns_loss. Returns a (B, d) torch tensor, row i being
    (-(1 - σ(s_i)) pos_i + Σ_j σ(t_ij) neg_ij) / B.
    """
    ### BEGIN SOLUTION
    #> Compute the scores s (B,) and t (B, k) as in sgns_loss. The true part is
    #> -(1 - torch.sigmoid(s))[:, None] * pos; the noise part torch.einsum("bk,bkd->bd", torch.sigmoid(t), neg).
    #> Don't forget to divide by B.
    c, p, n = (torch.as_tensor(x) for x in (centre, pos, neg))
    s = (c * p).sum(-1)
    t = torch.einsum("bd,bkd->bk", c, n)
    grad = -(1 - torch.sigmoid(s))[:, None] * p + torch.einsum("bk,bkd->bd", torch.sigmoid(t), n)
    return grad / c.shape[0]
    ### END SOLUTION


# %%
check(sgns_grad)

# %% [markdown]
# `check` compares with the reference. A hand-derived gradient deserves an independent
# check too, by two other routes:
#
# * **autograd**: PyTorch differentiates the loss for us. We differentiate the course's
#   reference loss (`embedlab.reference("03.sgns_loss")`, the one `check` compared yours
#   with), so that this works even if you wrote `sgns_loss` with NumPy; once your loss
#   passed, the two compute the same values;
# * **finite differences**: $\partial \ell / \partial w_i \approx (\ell(w + h e_i) - \ell(w - h e_i)) / 2h$,
#   no calculus at all (in float64, with $h = 10^{-6}$).

# %%
sgns_grad = embedlab.yours_or_reference(sgns_grad)
reference_loss = embedlab.reference("03.sgns_loss")

g = torch.Generator().manual_seed(0)
B, k, d = 6, 5, 4
c0 = torch.randn(B, d, generator=g, dtype=torch.float64)
p0 = torch.randn(B, d, generator=g, dtype=torch.float64)
n0 = torch.randn(B, k, d, generator=g, dtype=torch.float64)

ours = torch.as_tensor(sgns_grad(c0, p0, n0), dtype=torch.float64)

c_autograd = c0.clone().requires_grad_(True)
reference_loss(c_autograd, p0, n0).backward()

h = 1e-6
finite = torch.zeros_like(c0)
for i in range(B):
    for j in range(d):
        step = torch.zeros_like(c0)
        step[i, j] = h
        finite[i, j] = (reference_loss(c0 + step, p0, n0) - reference_loss(c0 - step, p0, n0)) / (2 * h)

print("largest difference with autograd:          ", float((ours - c_autograd.grad).abs().max()))
print("largest difference with finite differences:", float((ours - finite).abs().max()))

# %% tags=["expect"]
# (The text's 1.1e-16 and 8.6e-10 are last-bit rounding: only their size is asserted.)
assert float((ours - c_autograd.grad).abs().max()) < 1e-15, \
    f"the text says about 1e-16 against autograd, the notebook printed {float((ours - c_autograd.grad).abs().max()):.1e}"
assert 1e-10 <= float((ours - finite).abs().max()) <= 1e-9, \
    f"the text says about 1e-9 to 1e-10 against finite differences, the notebook printed {float((ours - finite).abs().max()):.1e}"

# %% [markdown]
# You should see about $10^{-16}$ against autograd (`1.1e-16` here: the same formula, rounded
# differently, so the last bit of a float64) and about $10^{-9}$ to $10^{-10}$ against finite
# differences (`8.6e-10` here: their own error, of order $h^2$ plus rounding divided by
# $h$). A sign error or a missing $1/B$ would show up as differences of order 0.1.
#
# The output vectors get the same treatment with the roles swapped:
# $\partial\ell/\partial c_o = -(1 - \sigma(s))\, w$ and $\partial\ell/\partial c_{n_j} = \sigma(t_j)\, w$.
#
# ## 3. Which noise words? The 0.75 power
#
# Noise words are drawn at random from the vocabulary, but not uniformly (rare words would
# be almost every noise word, and easy to reject) and not by frequency either (*the* would be
# a third of them). word2vec draws word $i$ with probability proportional to $\text{count}_i^{0.75}$,
# a compromise that the authors found to work best.
#
# ### Exercise 03.negative_distribution
#
# Write `negative_distribution(counts, power=0.75)`: raise the word counts to the power
# `power` (in float64), then divide by their sum, so that the V probabilities add up to 1.
# It must accept numpy arrays and torch tensors (`torch.as_tensor(counts)` handles both);
# `check` runs every case with each. Two lines are enough.

# %%
def negative_distribution(counts, power=0.75):
    """Probability of drawing each word as a noise word.

    counts: (V,) word counts (numpy or torch). Returns V float64 probabilities
    proportional to counts ** power, summing to 1: a torch tensor or a numpy array
    (check accepts both).
    """
    ### BEGIN SOLUTION
    #> Raise the counts (as float64) to the power `power` first, then divide by the sum.
    weights = torch.as_tensor(counts).to(torch.float64) ** power
    return weights / weights.sum()
    ### END SOLUTION


# %%
check(negative_distribution)

# %% [markdown]
# Now the real corpus. `build_vocab` keeps the words seen at least `min_count` = 5 times,
# most frequent first, and `encode_corpus` turns the corpus into one long tensor of word
# ids (unknown words dropped) plus the document of each word.

# %%
negative_distribution = embedlab.yours_or_reference(negative_distribution)

docs = corpus.load_corpus()                     # the slice: a list of token lists
words, counts = build_vocab(docs, min_count=5)
key_to_index = {w: i for i, w in enumerate(words)}
ids, doc_ids = encode_corpus(docs, key_to_index)
print(f"{len(docs):,} documents, {sum(map(len, docs)):,} words; vocabulary of {len(words):,} words "
      f"seen >= 5 times, covering {len(ids):,} words of the corpus")

noise = np.asarray(negative_distribution(counts))
unigram = counts / counts.sum()
for w in ["the", "god", "elizabeth", "zinc"]:
    i = key_to_index[w]
    print(f"{w:>10}: count {counts[i]:>6,}  frequency {unigram[i]:.5f}  noise probability {noise[i]:.5f}"
          f"  ({noise[i] / unigram[i]:.2f}x)")

# %% tags=["expect"]
assert round(sum(map(len, docs)) / 1e6, 2) == 1.03, \
    f"the text says 1.03 million words, the notebook printed {sum(map(len, docs)):,}"
assert len(words) == 16_675, f"the text says a vocabulary of 16,675 words, the notebook printed {len(words):,}"
assert round(len(words), -3) == 17_000, f"the text says V is 17,000 here, the notebook has {len(words):,}"
assert f"{unigram[key_to_index['the']]:.1%}" == "6.4%", \
    f"the text says the is 6.4 % of the words, the notebook printed {unigram[key_to_index['the']]:.1%}"
assert f"{noise[key_to_index['the']]:.1%}" == "1.7%", \
    f"the text says the is drawn 1.7 % of the time, the notebook printed {noise[key_to_index['the']]:.1%}"
assert counts[key_to_index["zinc"]] == 19, \
    f"the text says zinc is seen 19 times, the notebook printed {counts[key_to_index['zinc']]}"
assert round(noise[key_to_index["zinc"]] / unigram[key_to_index["zinc"]]) == 2, \
    f"the text says zinc is drawn twice as often as its frequency, the notebook printed " \
    f"{noise[key_to_index['zinc']] / unigram[key_to_index['zinc']]:.2f}x"
assert noise[0] < unigram[0] and noise[-1] > unigram[-1], \
    "the text says the 0.75 power takes probability from the most frequent words and gives it to the rest, " \
    f"the notebook has {noise[0]:.5f} vs {unigram[0]:.5f} (most frequent), {noise[-1]:.2e} vs {unigram[-1]:.2e} (rarest)"

# %% [markdown]
# The power 0.75 takes probability from the most frequent words and gives it to the rest:
# *the* (6.4 % of the words) is drawn only 1.7 % of the time, while *zinc* (19 times in a
# million words) is drawn twice as often as its frequency. The plot shows it for
# the whole vocabulary, ranked by frequency:

# %%
rank = np.arange(1, len(words) + 1)
fig, ax = plt.subplots(figsize=(7, 3.5))
ax.loglog(rank, unigram, label="word frequency (power 1)")
ax.loglog(rank, noise, label="noise distribution (power 0.75)")
ax.loglog(rank, np.full(len(words), 1 / len(words)), "--", label="uniform (power 0)")
ax.set_xlabel("frequency rank of the word")
ax.set_ylabel("probability")
ax.set_title("Drawing noise words: the 0.75 power flattens Zipf's law")
ax.legend()
plt.show()

# %% [markdown]
# Drawing millions of noise words at once is **inverse-transform sampling**: take the
# cumulative sum of the probabilities, draw uniform numbers in $[0, 1)$, and find where each
# falls with `torch.searchsorted` (`embedlab.word2vec.sample_negatives`). word2vec.c fills a
# table of $10^8$ word ids instead.
#
# ## 4. Subsampling: drop some of the frequent words
#
# *the* appears next to every word, so the pairs (*cat*, *the*) teach little, and there are
# millions of them. word2vec randomly **drops** each occurrence of a frequent word, afresh
# in every epoch, before building the windows. With $t$ = `sample` (default $10^{-3}$) times
# the number of words in the corpus, a word seen $f$ times is kept with probability
#
# $$p_\text{keep} = \min\left(1,\ \left(\sqrt{f / t} + 1\right) \frac{t}{f}\right).$$
#
# (This is the formula in word2vec.c and gensim; the paper wrote $\sqrt{t/f}$ with a
# frequency $t$.) Words seen up to about $2.6\,t$ times are always kept (the formula
# reaches 1 at $f = t\,(3 + \sqrt5)/2 \approx 2.62\,t$). Dropping a word also brings
# the words on either side closer, so the windows reach further.
#
# ### Exercise 03.keep_probability
#
# Write `keep_probability(counts, sample=1e-3)`: the probability of keeping each word, from
# the formula above, with $t$ = `sample * counts.sum()` and $f$ = `counts`, capped at 1, as a
# float64 array. `sample=0` means "no subsampling": return 1 for every word (the formula
# would give 0 * inf = NaN there). Like the previous exercise, it must accept numpy arrays
# and torch tensors.

# %%
def keep_probability(counts, sample=1e-3):
    """Probability of keeping each occurrence of each word (word2vec.c's subsampling).

    counts: (V,) word counts. With threshold = sample * counts.sum(), returns the float64
    array min(1, (sqrt(counts / threshold) + 1) * threshold / counts).
    sample=0 switches subsampling off: every probability is 1.
    """
    ### BEGIN SOLUTION
    #> Work in float64. If sample <= 0, return ones. Otherwise compute the threshold from the
    #> TOTAL count, then the formula, and cap it at 1 (torch.clamp(..., max=1.0) or np.minimum).
    counts = torch.as_tensor(counts).to(torch.float64)
    if sample <= 0:
        return torch.ones_like(counts)
    threshold = sample * counts.sum()
    return (((counts / threshold).sqrt() + 1) * threshold / counts).clamp(max=1.0)
    ### END SOLUTION


# %%
check(keep_probability)

# %%
keep_probability = embedlab.yours_or_reference(keep_probability)

keep = np.asarray(keep_probability(counts, sample=1e-3))
for w in ["the", "of", "god", "elizabeth"]:
    print(f"{w:>10}: count {counts[key_to_index[w]]:>6,}  kept with probability {keep[key_to_index[w]]:.3f}")
expected_kept = (keep * counts).sum()
print(f"one epoch keeps about {expected_kept:,.0f} of {counts.sum():,} words ({expected_kept / counts.sum():.0%})")

# %% tags=["expect"]
assert f"{1 - expected_kept / counts.sum():.0%}" == "23%", \
    f"the text says about 23 % of the words are dropped, the notebook computed {1 - expected_kept / counts.sum():.1%}"
assert f"{keep[key_to_index['the']]:.0%}" == "14%", \
    f"the text says the is kept 14 % of the time, the notebook printed {keep[key_to_index['the']]:.3f}"
assert f"{keep[key_to_index['of']]:.0%}" == "16%", \
    f"the text says of is kept 16 % of the time, the notebook printed {keep[key_to_index['of']]:.3f}"
assert (keep[counts <= 2.6 * 1e-3 * counts.sum()] == 1).all() and (keep[counts > 2.62 * 1e-3 * counts.sum()] < 1).all(), \
    "the text says words seen up to about 2.6 t times are always kept, the others not; the notebook keeps all words " \
    f"up to {counts[keep >= 1].max():,} times, t = {1e-3 * counts.sum():,.0f}"

# %% [markdown]
# About 23 % of the words are dropped in each epoch, nearly all of them among the most
# frequent words: *the* is kept only 14 % of the time, *of* 16 %. Training gets faster and, in the
# paper's experiments, better vectors for rarer words.
#
# ## 5. Training, one batch at a time
#
# Put together, one **epoch** is: subsample the corpus, draw each position's window, build
# every (centre, context) pair, and for each pair draw $k$ noise words and take a step of
# stochastic gradient descent. word2vec.c does that pair by pair; here a **batch** of pairs
# is one set of tensor operations:
#
# 1. gather the vectors: `W[centres]` (B, d), `C[contexts]` (B, d), `C[noise]` (B, k, d);
# 2. compute the loss and the gradients (your two functions);
# 3. move every vector against its gradient, times the **learning rate**, with
#    `index_add_` so that a word that occurs several times in the batch gets the sum of
#    its updates. (`train_word2vec` caps that sum for the few words a batch updates more
#    than 64 times, such as *the*: all those updates are computed from the same old vectors,
#    without seeing each other, and their full sum would overshoot. See its
#    `max_row_updates` argument.)
#
# The learning rate starts at `alpha` and falls **linearly** to `min_alpha` over the whole
# training (0.025 to 0.0001 in gensim): big steps first, then smaller ones to settle. There is
# no optimizer such as Adam: plain SGD, as in word2vec.c. Here are the first 300,000 pairs of
# an epoch, written out in full:

# %%
window, k, dim, alpha, min_alpha, batch = 5, 5, 50, 0.05, 0.0001, 1024
gen = torch.Generator().manual_seed(0)

kept = torch.rand(len(ids), generator=gen, dtype=torch.float64) < torch.as_tensor(keep)[ids]
epoch_ids, epoch_docs = ids[kept], doc_ids[kept]                         # subsampled stream
reduced = torch.randint(1, window + 1, (len(epoch_ids),), generator=gen)  # each position's window
head = slice(0, 60_000)                                  # the first 60,000 positions are enough
centres, contexts = skipgram_pairs(epoch_ids[head], epoch_docs[head], reduced[head], window)
centres, contexts = centres[:300_000], contexts[:300_000]
print(f"{kept.sum():,} of {len(ids):,} words kept this epoch; first pairs:",
      [(words[a], words[b]) for a, b in zip(centres[:6].tolist(), contexts[:6].tolist())])

cdf = torch.as_tensor(negative_distribution(counts), dtype=torch.float64).cumsum(0)
W = (torch.rand(len(words), dim, generator=gen) - 0.5) / dim   # input vectors: small random
C = torch.zeros(len(words), dim)                               # output vectors: zero
n_batches = len(centres) // batch
losses = []
for step in range(n_batches):
    lr = alpha - (alpha - min_alpha) * step / n_batches          # linear decay
    cen = centres[step * batch:(step + 1) * batch]
    ctx = contexts[step * batch:(step + 1) * batch]
    noise_ids = sample_negatives(cdf, (batch, k), gen)           # (B, k)
    w, c_pos, c_neg = W[cen], C[ctx], C[noise_ids]
    losses.append(float(sgns_loss(w, c_pos, c_neg)))
    # Gradients of each pair's loss (sgns_grad is the gradient of the MEAN, hence * batch).
    grad_w = torch.as_tensor(sgns_grad(w, c_pos, c_neg), dtype=torch.float32) * batch
    s = torch.sigmoid((w * c_pos).sum(-1))                        # (B,)
    t = torch.sigmoid(torch.einsum("bd,bkd->bk", w, c_neg))      # (B, k)
    grad_pos = -(1 - s)[:, None] * w                              # (B, d)
    grad_neg = t[:, :, None] * w[:, None, :]                      # (B, k, d)
    W.index_add_(0, cen, -lr * grad_w)
    C.index_add_(0, ctx, -lr * grad_pos)
    C.index_add_(0, noise_ids.reshape(-1), -lr * grad_neg.reshape(-1, dim))

fig, ax = plt.subplots(figsize=(7, 3.5))
ax.plot(losses, alpha=0.35, label="loss of each batch")
smooth = np.convolve(losses, np.ones(20) / 20, mode="valid")
ax.plot(np.arange(19, len(losses)), smooth, label="mean of 20 batches")
ax.axhline((k + 1) * np.log(2), ls="--", color="gray", label="(k+1) log 2: all scores 0")
ax.set_xlabel(f"batch ({batch} pairs)")
ax.set_ylabel("mean SGNS loss")
ax.set_title("The first 300,000 pairs of word2vec training")
ax.legend()
plt.show()
print(f"loss: first batch {losses[0]:.3f}, mean of the last 20 batches {np.mean(losses[-20:]):.3f}")

# %% tags=["expect"]
assert [(words[a], words[b]) for a, b in zip(centres[:2].tolist(), contexts[:2].tolist())] == [("th", "adj"), ("th", "coming")], \
    f"the text says the first pairs are (th, adj), (th, coming), the notebook printed " \
    f"{[(words[a], words[b]) for a, b in zip(centres[:6].tolist(), contexts[:6].tolist())]}"
assert docs[0] == "th adj coming next after the eleventh in series syn twelfth".split(), \
    f"the text quotes the first document as 'th adj coming next after the eleventh in series syn twelfth', it is {' '.join(docs[0])!r}"
assert max(abs(x - 6 * np.log(2)) for x in losses[:30]) < 0.01, \
    f"the text says the loss stays flat at 4.16 for about the first 30 batches, the notebook has {np.round(losses[:30], 3)}"
assert round(float(np.mean(losses[-20:])), 2) == 3.53, \
    f"the text says the loss levels off at about 3.53, the notebook printed {np.mean(losses[-20:]):.3f}"
assert np.mean(losses[200:220]) - np.mean(losses[-20:]) < 0.1 * (np.mean(losses[20:40]) - np.mean(losses[200:220])), \
    "the text says the loss falls until about batch 200 and then levels off; the notebook has means " \
    f"{np.mean(losses[20:40]):.3f} (batches 20-39), {np.mean(losses[200:220]):.3f} (200-219), {np.mean(losses[-20:]):.3f} (last 20)"
assert __import__("inspect").signature(train_word2vec).parameters["max_row_updates"].default == 64, \
    "the text says train_word2vec caps the updates of words a batch updates more than 64 times (max_row_updates), " \
    f"its default is {__import__('inspect').signature(train_word2vec).parameters['max_row_updates'].default}"

# %% [markdown]
# The first pairs, (*th*, *adj*), (*th*, *coming*), ..., come from the corpus's first
# document, the GCIDE dictionary entry for *12th*: "th adj coming next after the eleventh in
# series syn twelfth" (the tokenizer keeps letters only, so *12th* became *th*). Dictionary
# abbreviations such as *adj* (adjective), *syn* (synonyms) and *th* are among the frequent
# words of this corpus.
#
# You should see the loss stay **flat** at $6 \log 2 \approx 4.16$ for about the first 30
# batches, then fall roughly in a straight line until about batch 200, and level off at
# about 3.53 (the mean of the last 20 batches, printed above). Why flat at first: the input
# vectors start tiny (uniform in $\pm 0.01$) and the output vectors at zero, so every score
# $w \cdot c$ is about 0, and the output vectors' gradient, proportional to $w$, is tiny
# too: it takes a few dozen batches of small steps before the scores move away from 0. Then
# the model learns that real pairs score high and random words low. Why it levels off: the
# learning rate decays linearly to almost 0 over these batches (as it does over a whole
# training), so the last steps are small. Here the loss is not what we care about: we want
# the input vectors $W$, as a by-product of solving this task.
#
# `embedlab.word2vec.train_word2vec` is this loop over all pairs, epoch after epoch, with the
# details of word2vec.c: the noise words of a whole chunk drawn at once, a noise word equal
# to the true context skipped, and a random window per position. Read its source: in Jupyter,
# `embedlab.word2vec??` in a cell shows the whole module (`embedlab.word2vec._SkipGramStep??`
# only the update class); it is also the file `embedlab/word2vec.py` of the course repository
# (<https://github.com/embedlab/embedlab>). The update itself (`_SkipGramStep.update`) is
# eight lines. Because a batch is computed from one snapshot of the vectors, 1024 pairs at once
# behave like word2vec.c's lock-free threads; on a GPU the same code runs with
# `device="cuda"`.
#
# ## 6. Train on a million words, and compare with gensim
#
# The settings: 50 dimensions, window 5, 5 noise words, words seen at least 5 times,
# 3 epochs, and a starting learning rate `alpha` of 0.05 instead of the usual 0.025. With
# only 3 epochs the larger steps give clearly better vectors, for both implementations:
# gensim's WordSim-353 correlation is about 0.38 with `alpha=0.05` (the table below) against
# about 0.17 with the default `alpha=0.025` (measured with the same settings otherwise).
# gensim gets exactly the same settings, and `workers=2` threads.
# Both are scored with `embedlab.evaluate` (it gives the same numbers as gensim's own
# `evaluate_word_analogies` and `evaluate_word_pairs`):
#
# * **analogy accuracy**: "*a* is to *b* as *c* is to ?", answered with the word closest to
#   $b - a + c$ (Google's 19,544 questions). A question is skipped when one of its four
#   words is not in the vocabulary at all: our vocabulary has only 16,675 words (seen at
#   least 5 times), so 14,098 questions are skipped and 5,446 are asked. (The evaluation also
#   skips words outside the 30,000 most frequent, which here changes nothing.)
# * **WordSim-353** and **SimLex-999**: Spearman correlation between cosine similarity and
#   human judgements of word pairs (WordSim scores relatedness, *cup* ~ *coffee*; SimLex
#   only similarity, *cup* ~ *mug*).

# %%
settings = dict(dim=50, window=5, negative=5, min_count=5, sample=1e-3, epochs=3, alpha=0.05)

model = train_word2vec(docs, sg=True, seed=0, progress=False, **settings)
print("embedlab skip-gram:", model)
cbow = train_word2vec(docs, sg=False, seed=0, progress=False, **settings)
print("embedlab CBOW:     ", cbow)

# %%
import logging

from gensim.models import Word2Vec

logging.getLogger("gensim").setLevel(logging.ERROR)
gensim_model = Word2Vec(vector_size=settings["dim"], window=settings["window"],
                        negative=settings["negative"], min_count=settings["min_count"],
                        sample=settings["sample"], alpha=settings["alpha"], sg=1, hs=0, workers=2, seed=0)
gensim_model.build_vocab(docs)                      # not timed, as for embedlab
started = time.perf_counter()
gensim_words, _ = gensim_model.train(docs, total_examples=len(docs), epochs=settings["epochs"])
gensim_seconds = time.perf_counter() - started      # gensim_words: effective words, after subsampling
print(f"gensim skip-gram: {gensim_seconds:.1f} s, {gensim_words / gensim_seconds:,.0f} effective words/s")

# %%
rows = [("embedlab skip-gram", model.train_seconds, model.words_per_second, model),
        ("gensim skip-gram (2 threads)", gensim_seconds, gensim_words / gensim_seconds, gensim_model.wv),
        ("embedlab CBOW", cbow.train_seconds, cbow.words_per_second, cbow)]
table = ["| model | train s | words/s | analogy accuracy | WordSim-353 ρ | SimLex-999 ρ |",
         "|---|---:|---:|---:|---:|---:|"]
scores = {}
for name, seconds, speed, vectors in rows:
    scores[name] = ev.evaluate_all(vectors)
    s = scores[name]
    table.append(f"| {name} | {seconds:.1f} | {speed:,.0f} | {s['analogy'].accuracy:.3f} "
                 f"({s['analogy'].correct}/{s['analogy'].total}) | {s['wordsim353'].spearman:.3f} | "
                 f"{s['simlex999'].spearman:.3f} |")
display(Markdown("\n".join(table)))

# %% tags=["expect"]
_sg, _cbow = scores["embedlab skip-gram"], scores["embedlab CBOW"]
_stated = {"embedlab skip-gram": (0.028, 154, 0.413, 0.224), "embedlab CBOW": (0.019, 102, 0.242, 0.150)}
for _name, _claim in _stated.items():
    _s = scores[_name]
    _got = (round(_s["analogy"].accuracy, 3), _s["analogy"].correct, round(_s["wordsim353"].spearman, 3),
            round(_s["simlex999"].spearman, 3))
    assert _got == _claim and _s["analogy"].total == 5446, (
        f"the table says {_name}: analogy {_claim[0]} ({_claim[1]}/5446), WordSim-353 {_claim[2]}, "
        f"SimLex-999 {_claim[3]}; the notebook printed {_got} with {_s['analogy'].total} questions")
assert _sg["analogy"].skipped == 14_098 and _sg["analogy"].total + _sg["analogy"].skipped == 19_544, \
    f"the text says 14,098 of Google's 19,544 questions are skipped and 5,446 asked, the notebook has {_sg['analogy']}"
assert len(words) < 30_000, \
    f"the text says the 30,000-word limit changes nothing here, the vocabulary has {len(words):,} words"
assert all(_cbow[m].spearman < _sg[m].spearman for m in ("wordsim353", "simlex999")) \
    and _cbow["analogy"].accuracy < _sg["analogy"].accuracy, \
    f"the text says CBOW is worse than skip-gram here, the notebook has CBOW {_cbow} against skip-gram {_sg}"

# %% [markdown]
# What you should see (embedlab is seeded: on a CPU it gives these numbers, up to rounding
# differences between processors; gensim's threads make its numbers vary from run to run):
#
# | model | analogy accuracy | WordSim-353 ρ | SimLex-999 ρ |
# |---|---:|---:|---:|
# | embedlab skip-gram | 0.028 (154 of 5,446) | 0.413 | 0.224 |
# | gensim skip-gram | 0.03 to 0.04 | 0.37 to 0.39 | 0.23 to 0.25 |
# | embedlab CBOW | 0.019 (102 of 5,446) | 0.242 | 0.150 |
#
# * The **two skip-gram implementations agree** on quality: same algorithm, same settings.
#   gensim's own scores move by about ±0.02 to 0.03 from one run to the next (its threads
#   make it non-deterministic: over repeated runs we measured WordSim-353 from 0.366 to 0.390
#   and SimLex-999 from 0.235 to 0.253), so differences of that size between the two are
#   noise; rerun the gensim cell to see it.
# * **Speed: on a CPU, gensim is faster.** On the course's 2-core test machine, with other
#   jobs running, embedlab trained at 63,000 to 99,000 "effective" words/s (after
#   subsampling) on one thread, and gensim's optimised C code at 84,000 to 134,000 on two;
#   on the same machine when it was quiet, 160,000 against 454,000. So expect gensim to be
#   somewhat to about three times faster, depending on the load. embedlab's strength is
#   elsewhere: the same readable code runs on a GPU with `device="cuda"`, and on an H100 it
#   trains the full 7.7-million-word course corpus at about 2.8 million words/s with
#   gensim's quality (`docs/benchmarks.md`).
# * **CBOW** trains about 3 times faster (one update per position rather than one per pair)
#   and is worse here: averaging the context blurs it, and a million words is little data.
# * The **absolute numbers are low**. A million words, mostly dictionary definitions and
#   the Bible, hardly mention *Athens* or *Greece*: 14,098 of the 19,544 analogy questions
#   cannot even be asked, because one of their words is not among our 16,675. On the full
#   7.7-million-word course corpus with 100 dimensions and 5 epochs
#   (`benchmarks/word2vec_vs_gensim.py`) the scores are much higher; pretrained GloVe
#   (notebook 04), trained on 6 billion words, solves about half of the questions.
#
# ## 7. What did it learn?
#
# Nearest neighbours by cosine, in embedlab's vectors and in gensim's, side by side:

# %%
for word in ["god", "king", "silver", "daughter"]:
    ours = ", ".join(w for w, _ in ev.nearest_neighbours(model, query=word, k=6))
    theirs = ", ".join(w for w, _ in ev.nearest_neighbours(gensim_model.wv, query=word, k=6))
    print(f"{word:>9}  embedlab: {ours}\n{'':>9}  gensim:   {theirs}")
print("\nfather : mother = son : ?", [w for w, _ in ev.analogy(model, a="father", b="mother", c="son", k=3)])
print("man : king = woman : ?", [w for w, _ in ev.analogy(model, a="man", b="king", c="woman", k=5)])
section = scores["embedlab skip-gram"]["analogy"].sections["family"]
print(f"family analogies (boy : girl = brother : sister ...): {section[0]} of {section[1]} right")

# %% tags=["expect"]
_ours = {w: [n for n, _ in ev.nearest_neighbours(model, query=w, k=6)] for w in ["god", "king", "silver", "daughter"]}
assert "lord" in _ours["god"], f"the text says lord is among god's neighbours, embedlab printed {_ours['god']}"
assert {"josiah", "zedekiah"} <= set(_ours["king"]), \
    f"the text says josiah and zedekiah are among king's neighbours, embedlab printed {_ours['king']}"
assert {"gold", "brass"} <= set(_ours["silver"]), \
    f"the text says gold and brass are among silver's neighbours, embedlab printed {_ours['silver']}"
assert {"sister", "wife", "uncle", "nahor"} <= set(_ours["daughter"]), \
    f"the text says sister, wife, uncle and nahor are among daughter's neighbours, embedlab printed {_ours['daughter']}"
assert [w for w, _ in ev.analogy(model, a="father", b="mother", c="son", k=3)][:2] == ["wife", "daughter"], \
    f"the text says father : mother = son : ? gives wife, then daughter; the notebook printed " \
    f"{[w for w, _ in ev.analogy(model, a='father', b='mother', c='son', k=3)]}"
assert [w for w, _ in ev.analogy(model, a="man", b="king", c="woman", k=5)] \
    == ["nebuchadnezzar", "jeremiah", "mary", "hera", "hagar"], \
    f"the text says man : king = woman : ? gives nebuchadnezzar, jeremiah, mary, hera, hagar (no queen); the notebook printed " \
    f"{[w for w, _ in ev.analogy(model, a='man', b='king', c='woman', k=5)]}"
assert tuple(section) == (42, 156), f"the text says 42 of 156 family analogies are right, the notebook printed {section}"
assert max(scores["embedlab skip-gram"]["analogy"].sections.items(), key=lambda kv: kv[1][0] / max(kv[1][1], 1))[0] \
    == "family", \
    f"the text says family is the best analogy section, the notebook has {scores['embedlab skip-gram']['analogy'].sections}"

# %% [markdown]
# You should see the Bible's vocabulary around *god* (**lord** among the neighbours) and
# around *king* (kings of Judah such as **josiah**, **zedekiah**), metals near *silver*
# (**gold**, **brass**), and in embedlab's list family words near *daughter* (*sister*,
# *wife*, *uncle*, with Biblical names such as *nahor*; gensim's list here is mostly names:
# *isaac*, *abraham*, *mary*). The corpus decides what
# "similar" means: *king* here is a biblical word, not a chess piece or a card.
# *father : mother = son : ?* gives *wife* first and **daughter** second, and the famous
# *man : king = woman : ?* does not find **queen** among its first five answers
# (*nebuchadnezzar*, *jeremiah*, *mary*, *hera*, *hagar*): in this Bible-heavy text a king's
# company is mostly prophets and kings. The family section is the analogy section this
# corpus does best (42 of 156 right).
#
# A picture: some words of six groups, projected from 50 dimensions onto the two directions
# along which they vary most (PCA).

# %%
groups = {
    "family": "father mother son daughter brother sister husband wife",
    "numbers": "two three four five six seven eight nine",
    "colours": "red green blue white black yellow purple",
    "animals": "horse sheep ox lion dog goat camel",
    "metals": "gold silver iron brass copper lead tin",
    "body": "hand eye head foot heart ear mouth",
}
group_words = [(g, w) for g, ws in groups.items() for w in ws.split()]
X = np.stack([model[w] for _, w in group_words])
X = X / np.linalg.norm(X, axis=1, keepdims=True)                  # cosine geometry
X = X - X.mean(0)
_, _, Vt = np.linalg.svd(X, full_matrices=False)                   # PCA by SVD
xy = X @ Vt[:2].T
fig, ax = plt.subplots(figsize=(8, 6))
for g in groups:
    sel = [i for i, (gg, _) in enumerate(group_words) if gg == g]
    ax.scatter(xy[sel, 0], xy[sel, 1], label=g)
    for i in sel:
        ax.annotate(group_words[i][1], xy[i], fontsize=8, xytext=(3, 3), textcoords="offset points")
ax.set_title("embedlab skip-gram vectors, 2-D PCA")
ax.legend()
plt.show()

labels = np.array([g for g, _ in group_words])
cos = np.stack([model[w] for _, w in group_words])
cos = cos / np.linalg.norm(cos, axis=1, keepdims=True)
cos = cos @ cos.T
same = (labels[:, None] == labels[None, :]) & ~np.eye(len(labels), dtype=bool)
other = labels[:, None] != labels[None, :]
print(f"mean cosine within a group {cos[same].mean():.2f}, between groups {cos[other].mean():.2f}")

# %% tags=["expect"]
assert round(float(cos[same].mean()), 2) == 0.74, \
    f"the text says a mean cosine of 0.74 within groups, the notebook printed {cos[same].mean():.2f}"
assert round(float(cos[other].mean()), 2) == 0.34, \
    f"the text says a mean cosine of 0.34 between groups, the notebook printed {cos[other].mean():.2f}"
_centre = {g: xy[labels == g].mean(0) for g in groups}
_nearest = {w: min(_centre, key=lambda g: np.linalg.norm(xy[i] - _centre[g])) for i, (_, w) in enumerate(group_words)}
assert all(_nearest[w] == g for g, w in group_words if g in ("numbers", "family", "colours")), \
    f"the text says numbers, family words and colours form tight clusters in the PCA plot; nearest group centre: {_nearest}"
_pos = {w: xy[i] for i, (_, w) in enumerate(group_words)}
_treasure, _materials = ["gold", "silver", "brass"], ["tin", "copper", "iron", "lead"]
_split = [(w, ws) for ws, others in ((_treasure, _materials), (_materials, _treasure)) for w in ws
          if np.linalg.norm(_pos[w] - np.mean([_pos[v] for v in ws], 0))
          >= np.linalg.norm(_pos[w] - np.mean([_pos[v] for v in others], 0))]
assert not _split, \
    f"the text says the metals split into gold, silver, brass and tin, copper, iron, lead in the PCA plot; not so for {_split}"

# %% [markdown]
# Words of a group land together, though nobody told the model about groups: you should see
# tight clusters of numbers, family words and colours ("*seven* years", "his *brother*",
# "*white* as snow"), and a mean cosine of 0.74 within groups against 0.34 between them.
# Animals and body parts overlap in these two dimensions (two directions keep only part of
# 50), and the metals split in two: *gold*, *silver* and *brass*, the Bible's treasure, apart
# from *tin*, *copper*, *iron* and *lead*, which the dictionary defines next to colours and
# other materials.
#
# ### Explore it yourself
#
# Type a word and press <kbd>Enter</kbd>: its neighbours in embedlab's and gensim's vectors.
# The second widget answers analogies. (In a static view of this notebook the boxes do not
# appear: run the notebook.) Try *lord*, *love*, *elizabeth*, *sword*; for analogies,
# *he : she = his : ?*, then something the corpus rarely talks about, such as
# *good : better = bad : ?*.

# %%
display(neighbour_explorer({"embedlab": model, "gensim": gensim_model.wv}, default="love", k=8))

# %%
display(analogy_explorer(model, default=("father", "mother", "son")))

# %% [markdown]
# ## Summary
#
# * **word2vec** learns word vectors by prediction: **skip-gram** predicts each context word
#   from the centre word, **CBOW** the centre word from the mean of its context.
# * **Negative sampling** turns the $V$-way softmax into $k + 1$ logistic questions:
#   $-\log\sigma(w\cdot c_o) - \sum_j \log\sigma(-w\cdot c_{n_j})$. Its gradient moves the centre
#   towards its context and away from noise words, in proportion to the model's error.
# * Noise words are drawn from **counts^0.75**; frequent words are **subsampled**
#   (kept with probability $(\sqrt{f/t} + 1)\,t/f$); the **learning rate decays linearly**;
#   each position's window is drawn between 1 and `window`.
# * Trained in **batches of pairs** with `index_add_`, the whole algorithm is a few tensor
#   operations per batch, on a CPU or a GPU; embedlab matches gensim's quality with the same
#   settings.
# * The vectors reflect their corpus: on a million words of dictionary and Bible, *king* sits
#   with *josiah*; analogy scores need much more (and more varied) text.
#
# **Next:** notebook 04, GloVe and SWIVEL, fits the vectors to the co-occurrence counts
# directly, and uses pretrained GloVe vectors trained on 6 billion words.
#
# ## Check your understanding
#
# **1.** At the start of training the output vectors are all zero. What is the loss of every
# pair then, and why must the *input* vectors not start at zero too?
#
# <details><summary>Answer</summary>
#
# With $C = 0$ every score is 0, $\sigma(0) = 1/2$, so every pair's loss is $(k+1)\log 2
# \approx 4.16$. The gradient for an output vector is proportional to the input vector $w$
# ($\partial\ell/\partial c_o = -(1-\sigma(s))\,w$): if $W$ were zero too, both gradients would
# be zero and nothing would ever move. Small random input vectors break the symmetry: the
# output vectors move first, then the input vectors follow.
# </details>
#
# **2.** A learner's `sgns_grad` returns the gradient with the opposite sign, and training
# uses `W -= lr * grad`. What happens to the loss and to the vectors?
#
# <details><summary>Answer</summary>
#
# Every step then goes **up** the loss: true pairs get lower scores and noise pairs higher
# ones, so the loss grows instead of falling, and the dot products grow without bound
# (the vectors blow up, possibly to NaN). Checking the gradient numerically, as in section 2,
# catches this before any training: the difference would be twice the gradient, not $10^{-10}$.
# </details>
#
# **3.** Why the power 0.75 for noise words, rather than the word frequencies themselves
# (power 1) or a uniform choice (power 0)?
#
# <details><summary>Answer</summary>
#
# With power 1, a third of the noise words would be *the*, *of*, *and*: the model would learn
# mostly "these few words are noise", and rare words would almost never be pushed away from
# anything. With power 0, most noise words would be rare words that appear in no context,
# too easy to reject to teach much. 0.75 is in between: frequent words are drawn less often
# than their frequency (*the*: 1.7 % instead of 6.4 %), rare ones more often (*zinc*: twice
# its frequency). It was chosen empirically, and it works well in practice.
# </details>
#
# **4.** Subsampling drops about 23 % of the words of each epoch. Why does that make the
# vectors of rare words *better*, not just training faster?
#
# <details><summary>Answer</summary>
#
# The dropped words are almost all very frequent ones (*the* is kept 14 % of the time, rare
# words always). Pairs with *the* carry little information, yet they would make up a large
# share of all updates. Removing them also brings the remaining words closer together, so a
# window of 5 reaches more informative neighbours; and it makes the vectors less dominated
# by the most frequent words. In the paper this improved accuracy on rare words while
# training 2 to 10 times faster.
# </details>
#
# **5.** CBOW trained about 3 times faster than skip-gram here on the same corpus. Where
# does the difference come from, and why are its vectors worse on this corpus?
#
# <details><summary>Answer</summary>
#
# Skip-gram makes one training example per (centre, context) pair, about 5.35 per position
# with a window of 5 (random windows of 1 to 5 on each side: 6 on average, fewer at the
# edges of a document), each with $k + 1$ dot products.
# CBOW makes one example per position: the mean of the context vectors predicts the centre
# word. Fewer, cheaper updates. But the mean blurs the context, and each word's input
# vector receives fewer, averaged updates, which hurts most when data are scarce, as with a
# million words: skip-gram's many pairs make better use of little text.
# </details>
#
# ## Further reading
#
# * Mikolov, Chen, Corrado and Dean (2013), "Efficient Estimation of Word Representations in
#   Vector Space" (skip-gram, CBOW, the analogy test set): <https://arxiv.org/abs/1301.3781>
# * Mikolov, Sutskever, Chen, Corrado and Dean (2013), "Distributed Representations of Words
#   and Phrases and their Compositionality" (negative sampling, subsampling):
#   <https://arxiv.org/abs/1310.4546>
# * Goldberg and Levy (2014), "word2vec Explained: deriving Mikolov et al.'s negative-sampling
#   word-embedding method": <https://arxiv.org/abs/1402.3722>
# * Levy, Goldberg and Dagan (2015), "Improving Distributional Similarity with Lessons Learned
#   from Word Embeddings" (the hyper-parameters matter as much as the algorithm).
# * gensim's Word2Vec tutorial: <https://radimrehurek.com/gensim/auto_examples/tutorials/run_word2vec.html>

# %%
print(f"Notebook ran in {time.perf_counter() - notebook_started:.1f} s.")
