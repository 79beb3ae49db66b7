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
# 2. write the **negative-sampling** loss, its gradient, and **derive** the gradients of
#    the output vectors yourself, checked numerically;
# 3. explain **subsampling** of frequent words, the **0.75-power noise distribution** and
#    the **linearly decaying learning rate**, as word2vec.c and gensim implement them,
#    and what training in **batches** changes;
# 4. say what negative sampling saves over the **full softmax**, and how **hierarchical
#    softmax** and **NCE** solve the same problem;
# 5. train word2vec on a real corpus with `embedlab` (batched PyTorch, CPU or GPU),
#    compare it side by side with **gensim**, and see what it fits: **PMI** shifted by
#    $\log k$, the quantity of notebook 02.
#
# **Prerequisites.** Notebook 01 (cosine similarity), notebook 02 helps (co-occurrence,
# PMI); NumPy and a little PyTorch (tensors, `@`, indexing); the derivative of the sigmoid,
# $\sigma'(x) = \sigma(x)(1 - \sigma(x))$, and the chain rule.
#
# **Time.** About 90 minutes to read and do the five exercises. Running every cell takes
# about 40 s on the course's test machine (2 idle AMD EPYC cores; README's table),
# most of it training on a million words, under 1 GB of memory; no GPU, no internet.
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
from embedlab.gradcheck import numerical_gradient
from embedlab.word2vec import (build_vocab, encode_corpus, sample_negatives, skipgram_pairs,
                               train_word2vec)

notebook_started = time.perf_counter()
# word2vec works with many small tensor operations: on busy cores one CPU thread is much
# faster than two. This notebook's own loops use one; train_word2vec picks 1 or 2 itself.
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
# we train both in section 7.
#
# ## 2. Negative sampling: a cheap stand-in for the softmax
#
# "Predict the context word" literally means a softmax over the whole vocabulary,
# $P(o \mid w) = e^{w \cdot c_o} / \sum_{v=1}^{V} e^{w \cdot c_v}$: for every pair, $V$ dot
# products (17,000 here, millions in practice; section 6 times it). **Negative sampling**
# replaces it with $k + 1$ yes/no questions: is $o$ a real context of $w$ (yes), and are
# $k$ random "noise" words $n_1, \dots, n_k$ real contexts (no)? With
# $\sigma(x) = 1/(1 + e^{-x})$ the probability of "yes", the loss of one pair is
#
# $$\ell = -\log \sigma(w \cdot c_o) - \sum_{j=1}^{k} \log \sigma(-\,w \cdot c_{n_j}).$$
#
# Minimising it raises the score of the true pair and lowers the scores of the noise
# pairs. The cost per pair is $k + 1$ dot products (we use $k = 5$) whatever the
# vocabulary size.
#
# ### Exercise 03.sgns_loss
#
# Write this loss for a batch of B pairs at once, as the **mean** over the pairs. Scores
# far from 0 are common in training: the result must stay finite for a score of $-1000$,
# where $\sigma$ itself rounds to 0.

# %%
def sgns_loss(centre, pos, neg):
    """Skip-gram negative-sampling loss of a batch of B pairs.

    centre: (B, d) input vectors of the centre words. pos: (B, d) output vectors of their
    true context words. neg: (B, k, d) output vectors of k noise words per pair. Numpy
    arrays or torch tensors, float32 or float64.
    Returns a 0-d torch tensor: the mean over the B pairs of the loss ℓ above. It must be
    finite for any finite scores, however large.
    """
    ### BEGIN SOLUTION
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
# Training needs the gradient of the loss with respect to each of the three vectors. Here
# is the one for the centre vector $w$, worked out; the output vectors are your exercise
# after this one. Write $s = w \cdot c_o$ and $t_j = w \cdot c_{n_j}$. Two facts do all
# the work:
#
# * $\frac{d}{dx}\log\sigma(x) = \frac{\sigma'(x)}{\sigma(x)} = 1 - \sigma(x)$, and so
#   $\frac{d}{dx}\bigl[-\log\sigma(-x)\bigr] = 1 - \sigma(-x) = \sigma(x)$;
# * $\partial s / \partial w = c_o$ and $\partial t_j / \partial w = c_{n_j}$ (a dot
#   product's gradient with respect to one vector is the other vector).
#
# By the chain rule, $-\log\sigma(s)$ contributes $-(1 - \sigma(s))\,c_o$ and each
# $-\log\sigma(-t_j)$ contributes $\sigma(t_j)\,c_{n_j}$:
#
# $$\frac{\partial \ell}{\partial w} = -(1 - \sigma(s))\, c_o + \sum_j \sigma(t_j)\, c_{n_j}.$$
#
# Read it: the centre moves towards its true context, by how wrong the model still is
# ($1 - \sigma(s)$), and away from each noise word, by how likely the model wrongly finds
# it ($\sigma(t_j)$). A pair the model already gets right barely moves anything.
#
# Write `sgns_grad` for a whole batch. Mind which function it is the gradient of:
# `sgns_loss` is a **mean** over the B pairs.

# %%
def sgns_grad(centre, pos, neg):
    """Gradient of sgns_loss(centre, pos, neg) with respect to centre.

    Same inputs as sgns_loss. Returns a (B, d) torch tensor: row b is the derivative of
    the batch's mean loss with respect to centre[b].
    """
    ### BEGIN SOLUTION
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
#   loss, `embedlab.word2vec.sgns_loss`, so that this cell works whether or not yours has
#   passed yet; once it has, the two compute the same values;
# * **finite differences**: $\partial \ell / \partial w_i \approx (\ell(w + h e_i) - \ell(w - h e_i)) / 2h$,
#   no calculus at all, one entry at a time (in float64, with $h = 10^{-6}$:
#   `embedlab.gradcheck.numerical_gradient`). This is how `check` grades your next exercise.

# %%
sgns_grad = embedlab.yours_or_reference(sgns_grad)
course_loss = embedlab.word2vec.sgns_loss

g = torch.Generator().manual_seed(0)
B, k, d = 6, 5, 4
c0 = torch.randn(B, d, generator=g, dtype=torch.float64)
p0 = torch.randn(B, d, generator=g, dtype=torch.float64)
n0 = torch.randn(B, k, d, generator=g, dtype=torch.float64)

ours = torch.as_tensor(sgns_grad(c0, p0, n0), dtype=torch.float64)

c_autograd = c0.clone().requires_grad_(True)
course_loss(c_autograd, p0, n0).backward()

finite = torch.as_tensor(numerical_gradient(lambda c: course_loss(c, p0, n0), c0))

print("largest difference with autograd:          ", float((ours - c_autograd.grad).abs().max()))
print("largest difference with finite differences:", float((ours - finite).abs().max()))

# %% tags=["expect"]
# (The printed differences are last-bit rounding: only their size is asserted.)
assert float((ours - c_autograd.grad).abs().max()) < 1e-15, \
    f"the text says about 1e-16 against autograd, the notebook printed {float((ours - c_autograd.grad).abs().max()):.1e}"
assert 1e-11 <= float((ours - finite).abs().max()) <= 1e-9, \
    f"the text says about 1e-9 to 1e-10 against finite differences, the notebook printed {float((ours - finite).abs().max()):.1e}"

# %% [markdown]
# You should see about $10^{-16}$ against autograd (the same formula, rounded differently:
# the last bit of a float64) and about $10^{-10}$ against finite differences (their own
# error, of order $h^2$ plus rounding divided by $h$). A sign error or a missing $1/B$
# would show up as differences of order 0.1.
#
# ### Exercise 03.sgns_output_grads: your derivation
#
# Training also moves the **output** vectors: the true context's $c_o$ and every noise
# word's $c_{n_j}$. Their gradients are not given here: derive
# $\partial \ell / \partial c_o$ and $\partial \ell / \partial c_{n_j}$ on paper, with the
# same two facts as above, then write them for a batch. `check` grades your function
# against finite differences of `embedlab.word2vec.sgns_loss` (the numerical gradient you
# just saw), not against a formula, and `embedlab.hint(sgns_output_grads)` gives a hint
# when you want one.

# %%
def sgns_output_grads(centre, pos, neg):
    """Gradients of sgns_loss(centre, pos, neg) with respect to pos and to neg.

    Same inputs as sgns_loss. Returns a tuple (grad_pos, grad_neg) of torch tensors
    shaped like pos (B, d) and neg (B, k, d): entry [b, i] of grad_pos is the derivative
    of the batch's mean loss with respect to pos[b, i], and likewise for neg.
    """
    ### BEGIN SOLUTION
    #> Derive one pair's gradients on paper first, then write them for the batch.
    c, p, n = (torch.as_tensor(x) for x in (centre, pos, neg))
    s = (c * p).sum(-1)                                          # (B,)
    t = torch.einsum("bd,bkd->bk", c, n)                         # (B, k)
    grad_pos = -(1 - torch.sigmoid(s))[:, None] * c              # (B, d)
    grad_neg = torch.sigmoid(t)[:, :, None] * c[:, None, :]      # (B, k, d)
    return grad_pos / c.shape[0], grad_neg / c.shape[0]
    ### END SOLUTION


# %%
check(sgns_output_grads)

# %% [markdown]
# <details><summary>What you should have found (open once your check passes)</summary>
#
# $\partial\ell/\partial c_o = -(1 - \sigma(s))\, w$ and
# $\partial\ell/\partial c_{n_j} = \sigma(t_j)\, w$ (each divided by B for the mean): the
# same error factors as for $w$, now times the **centre** vector, because $w$ is what
# $c_o$ and $c_{n_j}$ are multiplied with in their scores. So an output vector is pulled
# towards the centres it really appears next to and pushed away from the centres it was
# drawn as noise for, by how wrong the model was.
# </details>
#
# With these three gradients, one step of training is complete.

# %%
sgns_output_grads = embedlab.yours_or_reference(sgns_output_grads)

# %% [markdown]
# ## 3. Which noise words? The 0.75 power
#
# Noise words are drawn at random from the vocabulary, but not uniformly (rare words would
# be almost every noise word, and easy to reject) and not in proportion to their frequency
# either (a handful of function words would make up a large share of them: we count below
# how large). word2vec draws word $i$ with probability proportional to
# $\text{count}_i^{0.75}$, a compromise that the authors found to work best.
#
# ### Exercise 03.negative_distribution
#
# Write `negative_distribution(counts, power=0.75)`: the probability of drawing each word,
# proportional to its count raised to `power`. `check` runs every case with numpy arrays
# and again with torch tensors: accept both.

# %%
def negative_distribution(counts, power=0.75):
    """Probability of drawing each word as a noise word.

    counts: (V,) word counts (numpy or torch, integers). power: the exponent; 1 gives the
    word frequencies, 0 a uniform choice. Returns V float64 probabilities proportional
    to counts ** power and summing to 1: a torch tensor or a numpy array.
    """
    ### BEGIN SOLUTION
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
print("most frequent words:", ", ".join(words[:10]))
for top in (1, 3, 10):
    print(f"share of noise words from the {top:>2} most frequent: power 1 {unigram[:top].sum():.1%}, "
          f"power 0.75 {noise[:top].sum():.1%}")

# %% tags=["expect"]
assert round(sum(map(len, docs)) / 1e6, 2) == 1.03, \
    f"the text says 1.03 million words, the notebook printed {sum(map(len, docs)):,}"
assert len(words) == 16_675, f"the text says a vocabulary of 16,675 words, the notebook printed {len(words):,}"
assert round(len(words), -3) == 17_000, f"the text says V is 17,000 here, the notebook has {len(words):,}"
assert f"{unigram[key_to_index['the']]:.1%}" == "6.4%", \
    f"the text says the is 6.4 % of the words, the notebook printed {unigram[key_to_index['the']]:.1%}"
assert f"{noise[key_to_index['the']]:.1%}" == "1.7%", \
    f"the text says the is drawn 1.7 % of the time, the notebook printed {noise[key_to_index['the']]:.1%}"
assert words[:3] == ["the", "of", "to"], f"the text says the three most frequent words are the, of, to; they are {words[:3]}"
assert [f"{unigram[:t].sum():.0%}" for t in (3, 10)] == ["15%", "26%"], \
    f"the text says the top 3 words are 15 % and the top 10 are 26 % of the words, the notebook printed " \
    f"{unigram[:3].sum():.1%} and {unigram[:10].sum():.1%}"
assert [f"{noise[:t].sum():.0%}" for t in (3, 10)] == ["4%", "8%"], \
    f"the text says the 0.75 power draws them 4 % and 8 % of the time, the notebook printed " \
    f"{noise[:3].sum():.1%} and {noise[:10].sum():.1%}"
assert counts[key_to_index["zinc"]] == 19, \
    f"the text says zinc is seen 19 times, the notebook printed {counts[key_to_index['zinc']]}"
assert round(noise[key_to_index["zinc"]] / unigram[key_to_index["zinc"]]) == 2, \
    f"the text says zinc is drawn twice as often as its frequency, the notebook printed " \
    f"{noise[key_to_index['zinc']] / unigram[key_to_index['zinc']]:.2f}x"
assert noise[0] < unigram[0] and noise[-1] > unigram[-1], \
    "the text says the 0.75 power takes probability from the most frequent words and gives it to the rest, " \
    f"the notebook has {noise[0]:.5f} vs {unigram[0]:.5f} (most frequent), {noise[-1]:.2e} vs {unigram[-1]:.2e} (rarest)"

# %% [markdown]
# In proportion to frequency (power 1), *the* alone would be 6.4 % of the noise words,
# the three most frequent words (*the*, *of*, *to*) 15 % and the ten most frequent 26 %:
# a quarter of all the "this is noise" lessons would be about ten function words. The
# power 0.75 takes probability from the most frequent words and gives it to the rest:
# *the* is drawn only 1.7 % of the time, the top three 4 % and the top ten 8 %, while
# *zinc* (19 times in a million words) is drawn twice as often as its frequency. The plot
# shows it for the whole vocabulary, ranked by frequency:

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
# (This is the formula in word2vec.c and gensim, a convention rather than something to
# derive; the paper wrote $\sqrt{t/f}$ with a frequency $t$.) Words seen up to about
# $2.6\,t$ times are always kept (the formula reaches 1 at
# $f = t\,(3 + \sqrt5)/2 \approx 2.62\,t$). Dropping a word also brings the words on either
# side closer, so the windows reach further.
#
# ### Exercise 03.keep_probability
#
# Write `keep_probability(counts, sample=1e-3)`, the formula above for every word of the
# vocabulary. Like the previous exercise, it must accept numpy arrays and torch tensors.

# %%
def keep_probability(counts, sample=1e-3):
    """Probability of keeping each occurrence of each word (word2vec.c's subsampling).

    counts: (V,) word counts (numpy or torch, integers); sample: the fraction of the
    corpus that sets the threshold t. Returns V float64 probabilities in (0, 1], by the
    formula above. sample=0 switches subsampling off: every probability is then 1
    (not NaN).
    """
    ### BEGIN SOLUTION
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

# %% [markdown]
# ## 5. Training, one batch at a time
#
# Put together, one **epoch** is: subsample the corpus, draw each position's window, build
# every (centre, context) pair, draw $k$ noise words for each pair, and take steps of
# stochastic gradient descent. word2vec.c does that pair by pair, and each update sees the
# ones before it. Here a **batch** of pairs is one set of tensor operations:
#
# 1. gather the vectors of the batch: `W[centres]` (B, d), `C[contexts]` (B, d), `C[noise]` (B, k, d);
# 2. compute the three gradients with your functions, all from this one snapshot of the vectors;
# 3. move every vector against its gradient, times the **learning rate**, with `index_add_`,
#    which **adds up** the updates of a word that occurs several times in the batch.
#
# The learning rate starts at `alpha` and falls **linearly** to `min_alpha` over the whole
# training (0.025 to 0.0001 in gensim): big steps first, then smaller ones to settle. There is
# no optimizer such as Adam: plain SGD, as in word2vec.c. A noise word that happens to be
# the pair's own context is skipped, as word2vec.c does.
#
# Here is that loop. It is `embedlab.word2vec.sgd_on_pairs` word for word (a test keeps the
# two identical), except that here it calls your three functions:

# %%
def sgd_on_pairs(W, C, centres, contexts, negatives, lrs, batch_size=1024):
    """Plain SGD on the skip-gram negative-sampling loss, one batch of pairs at a time.

    W, C: (V, d) float tensors, the input and the output vectors, updated in place.
    centres, contexts: (n,) int64 word ids of n (centre, context) pairs; negatives:
    (n, k) int64 noise words of each pair; lrs: one learning rate per batch. A noise
    word that is the pair's own context is skipped, as in word2vec.c: it counts as a
    zero vector and gets no update (its term of the loss is then the constant log 2).
    Returns the mean loss of each batch, before its step, as a list of floats.

    All the gradients of a batch are computed from the same snapshot of W and C, and
    added up: unlike word2vec.c, which updates after every pair, a word's updates within
    one batch do not see each other (see ``row_update_scale``). ``train_word2vec`` makes
    these same updates, written out by hand for speed (``_SkipGramStep``).
    """
    losses = []
    for step, lo in enumerate(range(0, len(centres), batch_size)):
        cen, ctx, neg = (x[lo:lo + batch_size] for x in (centres, contexts, negatives))
        real = (neg != ctx[:, None]).to(W.dtype)[:, :, None]   # (B, k, 1); 0: skip it
        w, c_pos, c_neg = W[cen], C[ctx], C[neg] * real         # (B, d), (B, d), (B, k, d)
        losses.append(float(sgns_loss(w, c_pos, c_neg)))
        # The gradients of the MEAN loss, times B: each pair's own gradient.
        B, lr = len(cen), lrs[step]
        grad_w = torch.as_tensor(sgns_grad(w, c_pos, c_neg), dtype=W.dtype) * B
        grad_pos, grad_neg = (torch.as_tensor(g, dtype=W.dtype) * B
                              for g in sgns_output_grads(w, c_pos, c_neg))
        # index_add_ sums the updates of a word that occurs several times in the batch.
        W.index_add_(0, cen, -lr * grad_w)
        C.index_add_(0, ctx, -lr * grad_pos)
        C.index_add_(0, neg.reshape(-1), -lr * (grad_neg * real).reshape(-1, W.shape[1]))
    return losses


# %% [markdown]
# (If one of your functions has not passed yet, the course's version stands in for it,
# so the loop runs either way.) The first 300,000 pairs of an epoch, trained with it:

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
negatives = sample_negatives(cdf, (len(centres), k), gen)      # (n, k) noise words
W = (torch.rand(len(words), dim, generator=gen) * 2 - 1) / dim  # input vectors: small random
C = torch.zeros(len(words), dim)                               # output vectors: zero
n_batches = -(-len(centres) // batch)
lrs = [alpha - (alpha - min_alpha) * step / n_batches for step in range(n_batches)]   # linear decay
losses = sgd_on_pairs(W, C, centres, contexts, negatives, lrs, batch)

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
assert max(abs(x - 6 * np.log(2)) for x in losses[:25]) < 0.01, \
    f"the text says the loss stays flat at 4.16 for about the first 25 batches, the notebook has {np.round(losses[:25], 3)}"
assert round(float(np.mean(losses[-20:])), 2) == 3.51, \
    f"the text says the loss levels off at about 3.51, the notebook printed {np.mean(losses[-20:]):.3f}"
assert np.mean(losses[200:220]) - np.mean(losses[-20:]) < 0.1 * (np.mean(losses[20:40]) - np.mean(losses[200:220])), \
    "the text says the loss falls until about batch 200 and then levels off; the notebook has means " \
    f"{np.mean(losses[20:40]):.3f} (batches 20-39), {np.mean(losses[200:220]):.3f} (200-219), {np.mean(losses[-20:]):.3f} (last 20)"

# %% [markdown]
# The first pairs, (*th*, *adj*), (*th*, *coming*), ..., come from the corpus's first
# document, the GCIDE dictionary entry for *12th*: "th adj coming next after the eleventh in
# series syn twelfth" (the tokenizer keeps letters only, so *12th* became *th*). Dictionary
# abbreviations such as *adj* (adjective), *syn* (synonyms) and *th* are among the frequent
# words of this corpus.
#
# You should see the loss stay **flat** at $6 \log 2 \approx 4.16$ for about the first 25
# batches, then fall roughly in a straight line until about batch 200, and level off at
# about 3.51 (the mean of the last 20 batches, printed above). Why flat at first: the input
# vectors start tiny (uniform in $\pm 0.02$) and the output vectors at zero, so every score
# $w \cdot c$ is about 0, and the output vectors' gradient, proportional to $w$ (your
# derivation), is tiny too: it takes some batches of small steps before the scores move
# away from 0. Then the model learns that real pairs score high and random words low. Why
# it levels off: the learning rate decays linearly to almost 0 over these batches (as it
# does over a whole training), so the last steps are small. Here the loss is not what we
# care about: we want the input vectors $W$, as a by-product of solving this task.
#
# ### What batching changes
#
# A batch is **not** what word2vec.c does, not even with its many threads. word2vec.c's
# threads share the vectors without locks ("Hogwild"), but each of them still updates pair
# by pair, so an update misses at most the few that other threads make at the same
# moment. In a batch, all B updates are computed from the **same snapshot** and then
# summed: a word that occurs $m$ times in the batch moves by the sum of $m$ gradients that
# did not see each other. One at a time, each update would have met an error already
# shrunk by the ones before it; summed, they overshoot when $m$ is large. For most words
# $m$ is 0 or 1 and nothing changes. How large is it for the frequent ones?

# %%
full = len(centres) // batch * batch                    # the full batches
outputs_per_batch = torch.cat([contexts[:full, None], negatives[:full]], 1).reshape(-1, batch * (1 + k))
updates = torch.stack([torch.bincount(row, minlength=len(words)) for row in outputs_per_batch])   # (batches, V)
the_updates = updates[:, key_to_index["the"]].double()
over_64 = [words[i] for i in (updates > 64).any(0).nonzero().flatten().tolist()]
print(f"output vector of 'the': {the_updates.mean():.0f} updates per batch of {batch} pairs on average, "
      f"{the_updates.min():.0f} to {the_updates.max():.0f}")
print(f"words updated more than 64 times in some batch: {', '.join(over_64)}; "
      f"a typical word (the median of those updated at all): {updates[updates > 0].median():.0f}")

# %% tags=["expect"]
assert round(float(the_updates.mean()), -1) == 100, \
    f"the text says the output vector of the gets about 100 updates per batch, the notebook printed {the_updates.mean():.0f}"
assert len(over_64) == 39 and over_64[:4] == ["the", "of", "to", "and"] and {"basket", "bird", "bell"} <= set(over_64), \
    f"the text says 39 words are updated more than 64 times in some batch, the, of, to, and first, and basket, bird, bell " \
    f"among them; the notebook printed {over_64}"
assert float(updates[updates > 0].median()) == 1, \
    f"the text says a typical word is updated once in a batch, the notebook printed {updates[updates > 0].median()}"

# %% [markdown]
# In every batch of 1,024 pairs, the output vector of *the* gets about 100 updates (as a
# context, and mostly as a noise word); a typical word gets one. With batches of 1,024 pairs
# this loop still trains well (the curve above). With larger batches it does not: on the
# full course corpus, batches of 8,192 pairs, with hundreds of summed updates of *the*
# each, make training collapse (`docs/benchmarks.md`). `train_word2vec` therefore **caps**
# a word's updates per batch (`max_row_updates=64`): a word updated $m > 64$ times in a
# batch gets 64 times the **mean** of its updates instead of their sum. At 1,024 pairs per
# batch it touches the output vectors of 39 words in these 300,000 pairs: the function
# words (*the*, *of*, *to*, *and* ...) and words that a stretch of text keeps repeating,
# such as *basket*, *bird* and *bell* (consecutive dictionary entries define them with their
# own headword, and pairs are trained in the order of the text). All other words are
# updated exactly as here. With the cap, batches of 8,192 pairs train as well as batches of
# 1,024 (`docs/benchmarks.md`), which matters on a GPU, where a step costs about the same
# whatever its size.
#
# One more thing goes wrong with a snapshot per batch: in text order, a centre's
# 2 × `window` pairs sit in the same batch, and its input vector gets all their updates at
# once. With a wide window and many noise words that cost a third of the WordSim-353 score
# on this slice, so `train_word2vec` feeds the pairs **offset by offset** (every centre with
# the word 5 before it, then 4 before it, ...): a batch holds each centre about once.
#
# `embedlab.word2vec.train_word2vec` is this loop over all pairs, epoch after epoch, with the
# details of word2vec.c (the noise words of a whole chunk drawn at once, a random window per
# position), the cap, that order, and the same updates written out by hand for speed
# (`_SkipGramStep.update`, a few lines: one matrix of scores serves all three gradients; a
# test pins it to `sgd_on_pairs`). One shortcut makes it faster on a CPU: every 8
# neighbouring pairs of a batch share one set of noise words (`share_negatives=8`; Ji et
# al. 2016), so each noise vector is fetched and updated once per 8 pairs instead of once
# per pair. Its vectors score as well as with a set per pair (`share_negatives=1`, as in
# this loop and in word2vec.c; `docs/benchmarks.md`). Read its source: in Jupyter, `embedlab.word2vec??` in a
# cell shows the whole module; it is also the file `embedlab/word2vec.py` of the course
# repository (<https://github.com/embedlab/embedlab>). On a GPU the same code runs with
# `device="cuda"`.

# %% [markdown]
# ## 6. Why not the softmax? Its cost, and two other ways around it
#
# Section 2 replaced the softmax over the whole vocabulary by $k + 1$ yes/no questions. How
# much does that save? Here is one SGD step of the full softmax loss,
# $-\log P(o \mid w)$ summed over a batch: its gradient with respect to the scores is
# "probabilities minus the one-hot context", and it moves **every** output vector. We time
# it against one step of `sgd_on_pairs` on the same 1,024 pairs, on this vocabulary.

# %%
def softmax_step(W, C, cen, ctx, lr):
    """One SGD step on the full softmax loss -log P(ctx | cen), summed over the batch."""
    w = W[cen]                                          # (B, d)
    probs = torch.softmax(w @ C.T, dim=1)               # (B, V): every word scored for every pair
    probs[torch.arange(len(cen)), ctx] -= 1             # d loss / d scores: P - one-hot(context)
    W.index_add_(0, cen, -lr * (probs @ C))             # (B, d) centre updates
    C.sub_(lr * (probs.T @ w))                          # (V, d): every output vector moves


def seconds_per_call(step, repeats=5):
    step()                                              # a first call to warm up
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        step()
        times.append(time.perf_counter() - started)
    return float(np.median(times))


W_t, C_t = W.clone(), C.clone()
cen, ctx, neg = centres[:batch], contexts[:batch], negatives[:batch]
t_softmax = seconds_per_call(lambda: softmax_step(W_t, C_t, cen, ctx, 0.0))
t_negative = seconds_per_call(lambda: sgd_on_pairs(W_t, C_t, cen, ctx, neg, [0.0], batch))
print(f"one step on {batch} pairs, V = {len(words):,}: full softmax {1e3 * t_softmax:.1f} ms, "
      f"negative sampling {1e3 * t_negative:.2f} ms, {t_softmax / t_negative:.0f} times faster")
print(f"multiply-adds for the scores alone, per pair: softmax V*d = {len(words) * dim:,}, "
      f"negative sampling (k+1)*d = {(k + 1) * dim}")

# %% [markdown]
# The ratio depends on the machine (a fast matrix-multiply library narrows it, small
# tensor operations have a fixed cost per call), but it is large, and it grows with the
# vocabulary: the softmax does $V d$ multiply-adds per pair for the scores alone, and as
# many again for each gradient, where negative sampling does $(k + 1)\,d$ (and our readable
# loop is not even the fastest way to do that: it computes the scores three times, and the
# loss). With millions of words in the vocabulary, the full softmax is out of reach. Two
# other answers to the same problem are classics:
#
# * **Hierarchical softmax** (Morin and Bengio, 2005; word2vec's `-hs 1`). The words are
#   the leaves of a binary tree, and each of its $V - 1$ inner nodes has a vector $u$ (in
#   place of the output vectors). The probability of a context word is the product of the
#   left/right decisions on the path from the root to its leaf, each a logistic question
#   $\sigma(\pm\, w \cdot u_\text{node})$. It is still a proper distribution over all $V$
#   words (the two branches of every node sum to 1), but a pair costs one dot product per
#   node on its path, about $\log_2 V \approx 14$ here. word2vec builds a **Huffman tree**
#   from the counts, so that frequent words get short paths. gensim builds the same tree
#   when asked for `hs=1`:

# %%
from gensim.models import Word2Vec

huffman = Word2Vec(vector_size=dim, min_count=5, hs=1, negative=0, workers=1)
huffman.build_vocab(docs)                              # builds the tree; no training
depth = np.array([len(huffman.wv.get_vecattr(w, "code")) for w in words])
print(f"decisions per word: 'the' {depth[key_to_index['the']]}, 'zinc' {depth[key_to_index['zinc']]}, "
      f"the rarest words {depth.max()}; on average per token {np.average(depth, weights=counts):.1f} "
      f"(a balanced tree: {np.log2(len(words)):.1f})")

# %% tags=["expect"]
assert sorted(huffman.wv.index_to_key) == sorted(words), "gensim's vocabulary should be ours"
assert depth[key_to_index["the"]] == 4 and depth.max() == 18, \
    f"the text says the is 4 decisions deep and the rarest words 18, the notebook printed {depth[key_to_index['the']]} and {depth.max()}"
assert round(float(np.average(depth, weights=counts))) == 10, \
    f"the text says the average token is about 10 decisions deep, the notebook printed {np.average(depth, weights=counts):.1f}"
assert round(float(np.log2(len(words)))) == 14, f"the text says log2 V is about 14, it is {np.log2(len(words)):.1f}"

# %% [markdown]
# *the* is 4 decisions deep, the rarest words 18, and the average token about 10: the
# same order of dot products per pair as negative sampling's $k + 1 = 6$ (about 1.7 times
# as many), for an exact softmax.
#
# * **Noise-contrastive estimation** (NCE; Gutmann and Hyvärinen, 2010; for language
#   models Mnih and Teh, 2012) also asks "real pair or noise?", with $k$ noise words drawn
#   from a distribution $P_n$, but it corrects each score by how likely the noise
#   distribution was to propose that word: the classifier's logit is
#   $w \cdot c_o - \log\bigl(k\, P_n(o)\bigr)$. With that correction, the scores converge to
#   the log-probabilities of the full softmax: NCE learns a normalised model
#   $P(o \mid w)$ without ever summing over $V$.
# * **Negative sampling** (Mikolov et al., 2013) is NCE **without the correction term**:
#   the logit is $w \cdot c_o$ alone. It gives up the probabilities (nothing makes
#   $e^{w\cdot c}$ sum to 1 over the vocabulary) and keeps what matters for word vectors,
#   at the same cost. What its scores become instead is the subject of section 8.
#
# So gensim's `hs=0` in the next section means "no hierarchical softmax": with
# `negative=5` it is the negative sampling we implemented (gensim's default). Neither
# word2vec.c nor gensim implements NCE.

# %% [markdown]
# ## 7. Train on a million words, and compare with gensim
#
# The settings: 50 dimensions, window 5, 5 noise words, words seen at least 5 times,
# 3 epochs, and a starting learning rate `alpha` of 0.05 instead of the usual 0.025: with
# only 3 epochs the larger steps give clearly better vectors, for both implementations
# (`docs/benchmarks.md` has both). gensim gets exactly the same settings, and `workers=2`
# threads. Both are scored with `embedlab.evaluate` (it gives the same numbers as gensim's
# own `evaluate_word_analogies` and `evaluate_word_pairs`):
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

model = train_word2vec(docs, sg=True, seed=0, **settings)
print("embedlab skip-gram:", model)
cbow = train_word2vec(docs, sg=False, seed=0, **settings)
print("embedlab CBOW:     ", cbow)

# %%
import logging

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
_sg, _cbow, _gensim = scores["embedlab skip-gram"], scores["embedlab CBOW"], scores["gensim skip-gram (2 threads)"]
_stated = {"embedlab skip-gram": (0.039, 211, 0.427, 0.241), "embedlab CBOW": (0.022, 121, 0.233, 0.148)}
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
# gensim's threads make its run vary: the text gives a range, and only the range is asserted.
_gensim_range = {"analogy": (0.025, 0.045), "wordsim353": (0.35, 0.42), "simlex999": (0.22, 0.27)}
for _metric, (_lo, _hi) in _gensim_range.items():
    _value = _gensim[_metric].accuracy if _metric == "analogy" else _gensim[_metric].spearman
    assert _lo <= _value <= _hi, f"the text says gensim's {_metric} falls between {_lo} and {_hi}, this run gave {_value:.3f}"
assert all(_cbow[m].spearman < _sg[m].spearman for m in ("wordsim353", "simlex999")) \
    and _cbow["analogy"].accuracy < _sg["analogy"].accuracy, \
    f"the text says CBOW is worse than skip-gram here, the notebook has CBOW {_cbow} against skip-gram {_sg}"

# %% [markdown]
# What you should see (embedlab is seeded: on a CPU it gives these numbers, up to rounding
# differences between processors; gensim's threads make its numbers vary from run to run,
# so its row is the range a run falls in):
#
# | model | analogy accuracy | WordSim-353 ρ | SimLex-999 ρ |
# |---|---:|---:|---:|
# | embedlab skip-gram (seed 0) | 0.039 (211 of 5,446) | 0.427 | 0.241 |
# | gensim skip-gram (one run) | 0.025 to 0.045 | 0.35 to 0.42 | 0.22 to 0.27 |
# | embedlab CBOW (seed 0) | 0.022 (121 of 5,446) | 0.233 | 0.148 |
#
# One run of each says little: embedlab's scores move with the seed, gensim's from run to
# run. Over five seeds of each (`python benchmarks/word2vec_vs_gensim.py --notebook`, whose
# table is in `docs/benchmarks.md`), with "tie" meaning that the ranges overlap:
#
# * **Skip-gram: ahead on WordSim-353, ties on the other two.** WordSim-353 0.430 on
#   average (0.425 to 0.437) against gensim's 0.390 (0.377 to 0.408): every embedlab run
#   above every gensim run. Analogy accuracy 0.032 to 0.039 against 0.033 to 0.037;
#   SimLex-999 0.223 to 0.241 against 0.239 to 0.249 (gensim's mean is 0.016 higher, but the
#   ranges overlap).
# * **CBOW** ties gensim's CBOW on all three scores (analogies 0.022 to 0.024 against 0.018
#   to 0.024, WordSim-353 0.194 to 0.246 against 0.196 to 0.243, SimLex-999 0.108 to 0.148
#   against 0.091 to 0.140).
# * **Speed: on a CPU, gensim is faster**: on two cores about 1.1 to 2 times in our runs,
#   depending on the machine and its load (its optimised C code on two threads against
#   embedlab's PyTorch on one or two; `docs/benchmarks.md` in the course repository has the
#   measurements). embedlab's strength is elsewhere: the same readable code runs on a GPU
#   with `device="cuda"`.
# * **CBOW** trains several times faster (one update per position rather than one per pair)
#   and is worse here: averaging the context blurs it, and a million words is little data.
# * The **absolute numbers are low**. A million words, mostly dictionary definitions and
#   the Bible, hardly mention *Athens* or *Greece*: 14,098 of the 19,544 analogy questions
#   cannot even be asked, because one of their words is not among our 16,675. On the full
#   7.7-million-word course corpus with 100 dimensions and 5 epochs the scores are much
#   higher (`docs/benchmarks.md`); pretrained GloVe (notebook 04), trained on 6 billion
#   words, solves about half of the questions.

# %% [markdown]
# ## 8. What does skip-gram fit? PMI again
#
# Notebook 02 built word vectors by counting: the **pointwise mutual information**
# $\text{PMI}(w, c) = \log \frac{P(w, c)}{P(w)\,P(c)}$ of every pair, factorised with an SVD.
# word2vec never counts anything, yet Levy and Goldberg (2014) showed that skip-gram with
# negative sampling fits much the same matrix. Look at the loss of all the pairs together:
# the pair $(w, c)$ is seen $\#(w, c)$ times as a true pair, and, since every pair with
# centre $w$ draws $k$ noise words from $P_n$, about $k\, \#(w)\, P_n(c)$ times as a noise
# pair. Treat the score $x = w \cdot c$ of that cell as free (as if there were enough
# dimensions for every cell): the part of the total loss that depends on it is
#
# $$-\#(w, c) \log\sigma(x) - k\,\#(w)\,P_n(c) \log\sigma(-x),$$
#
# and setting its derivative to zero gives the best score
#
# $$x^* = \log\frac{\#(w, c)}{\#(w)\, P_n(c)} - \log k.$$
#
# With the plain unigram distribution as $P_n$ (the frequency $\#(c)/|D|$ of $c$ among the
# $|D|$ pairs), that is exactly $\text{PMI}(w, c) - \log k$:
# SGNS is an implicit factorisation of the **shifted PMI matrix**, $W C^\top$ with
# $d = 50$ columns standing in for a $V \times V$ table. Two details of word2vec move the
# optimum: the noise distribution has the **0.75 power**, which puts $P_n(c) \propto
# \#(c)^{0.75}$ in the denominator (the "context distribution smoothing" of notebook 02's
# PPMI), and **subsampling** and the random window change which pairs are counted in
# $\#(w, c)$ at all. So we count the pairs of the epoch that section 5 drew (subsampled,
# random windows), and compare the trained scores $w \cdot c$ of the skip-gram model with
# $x^*$ for the pairs seen at least 50 times. The model trained on three epochs of its
# own random draws, not on this one; but every epoch draws from the same probabilities,
# so for pairs seen 50 times or more one epoch's counts are a close estimate of the
# expected counts that the model's training saw:

# %%
all_centres, all_contexts = skipgram_pairs(epoch_ids, epoch_docs, reduced, window)   # one epoch's pairs
V = len(words)
cells, n_wc = np.unique((all_centres * V + all_contexts).numpy(), return_counts=True)
w_of, c_of = cells // V, cells % V
n_w = np.bincount(w_of, weights=n_wc, minlength=V)              # #(w): pairs with centre w
n_c = np.bincount(c_of, weights=n_wc, minlength=V)              # #(c): pairs with context c
frequent = n_wc >= 50
w_f, c_f, n_f = w_of[frequent], c_of[frequent], n_wc[frequent]
shifted_pmi = np.log(n_f * n_wc.sum() / (n_w[w_f] * n_c[c_f])) - np.log(k)     # unigram noise
optimum = np.log(n_f / (n_w[w_f] * noise[c_f])) - np.log(k)                     # the 0.75 noise we use
scores_wc = (model.vectors[w_f] * model.output_vectors[c_f]).sum(1)             # trained w . c
r_pmi, r_opt = np.corrcoef(shifted_pmi, scores_wc)[0, 1], np.corrcoef(optimum, scores_wc)[0, 1]
slope = np.polyfit(optimum, scores_wc, 1)[0]
print(f"{len(all_centres):,} pairs in one epoch, {len(cells):,} distinct; {frequent.sum():,} seen at least 50 times")
print(f"correlation of w.c with PMI - log k: {r_pmi:.2f}; with the optimum for the 0.75 noise: {r_opt:.2f}; "
      f"slope {slope:.2f}")

fig, ax = plt.subplots(figsize=(5.5, 5))
ax.scatter(optimum, scores_wc, s=4, alpha=0.4)
lims = [min(optimum.min(), scores_wc.min()), max(optimum.max(), scores_wc.max())]
ax.plot(lims, lims, "--", color="gray", label="w·c = optimum")
ax.set_xlabel("optimum: log #(w,c) / (#(w) Pn(c)) - log k")
ax.set_ylabel("trained score w·c (embedlab skip-gram)")
ax.set_title(f"{frequent.sum():,} frequent pairs: correlation {r_opt:.2f}")
ax.legend()
plt.show()
below = (scores_wc < optimum).mean()
print(f"{below:.0%} of the pairs lie below the diagonal; the highest and the lowest optimum:")
order = np.argsort(optimum)
for i in [*order[-3:][::-1], *order[:2]]:
    print(f"  ({words[w_f[i]]}, {words[c_f[i]]}): seen {n_f[i]:.0f} times, optimum {optimum[i]:+.2f}, "
          f"trained w.c {scores_wc[i]:+.2f}")

# %% tags=["expect"]
assert round(float(r_opt), 2) == 0.76 and round(float(r_pmi), 2) == 0.71, \
    f"the text says correlations of 0.76 (0.75 optimum) and 0.71 (PMI - log k), the notebook printed {r_opt:.2f} and {r_pmi:.2f}"
assert r_opt > r_pmi, "the text says the 0.75 optimum fits better than plain PMI - log k"
assert round(float(slope), 1) == 0.8, f"the text says a slope of about 0.8, the notebook printed {slope:.2f}"
assert f"{below:.0%}" == "69%", f"the text says 69 % of the pairs lie below the diagonal, the notebook printed {below:.0%}"
assert (w_f[order[-1]], c_f[order[-1]]) == (key_to_index["duke"], key_to_index["duke"]), \
    f"the text says (duke, duke) is the frequent pair of highest optimum, it is ({words[w_f[order[-1]]]}, {words[c_f[order[-1]]]})"
assert f"{frequent.sum():,}" == "3,057", f"the text says 3,057 pairs are seen at least 50 times, the notebook has {frequent.sum():,}"

# %% [markdown]
# The points follow the diagonal's direction, with a correlation of 0.76 (0.71 against
# plain PMI $- \log k$: the optimum with the 0.75 power fits slightly better, as the
# derivation predicts, though one model on 3,057 pairs is thin evidence for so small a gap). They
# do not sit on it: the cloud is flatter (a slope of about 0.8) and mostly below the
# diagonal (69 % of the pairs), and the pairs of highest PMI are fitted worst, such as a
# word next to itself in a list (*duke*, *duke*). 50 dimensions cannot give each of the
# 2 million cells seen its own score, and three epochs at a decaying learning rate stop
# short of the optimum; the derivation also treated each cell's score as free, which a
# rank-50 product $W C^\top$ is not.
#
# So word2vec's vectors are a low-rank fit of the same shifted PMI that notebook 02
# computed by counting and factorised with an SVD (with the negative cells clipped to 0:
# PPMI), found here by SGD on pairs, without ever building the matrix. Which is better is a
# matter of data and hyper-parameters more than of method (Levy, Goldberg and Dagan, 2015).
# **SWIVEL**, in notebook 04, makes the connection explicit: it fits $w \cdot c$ to the
# PMI of every cell directly, with a special loss for the pairs never seen.

# %% [markdown]
# ## 9. What did it learn?
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
assert {"solomon", "josiah", "zedekiah", "assyria"} <= set(_ours["king"]), \
    f"the text says solomon, josiah, zedekiah and assyria are among king's neighbours, embedlab printed {_ours['king']}"
assert {"gold", "brass", "shekels"} <= set(_ours["silver"]), \
    f"the text says gold, brass and shekels are among silver's neighbours, embedlab printed {_ours['silver']}"
assert {"eldest", "isaac", "bethuel"} <= set(_ours["daughter"]), \
    f"the text says eldest, isaac and bethuel are among daughter's neighbours, embedlab printed {_ours['daughter']}"
assert "daughter" not in [w for w, _ in ev.analogy(model, a="father", b="mother", c="son", k=3)], \
    f"the text says father : mother = son : ? misses daughter in its first three; the notebook printed " \
    f"{[w for w, _ in ev.analogy(model, a='father', b='mother', c='son', k=3)]}"
assert [w for w, _ in ev.analogy(model, a="man", b="king", c="woman", k=5)][0] == "queen", \
    f"the text says man : king = woman : ? answers queen first; the notebook printed " \
    f"{[w for w, _ in ev.analogy(model, a='man', b='king', c='woman', k=5)]}"
assert tuple(section) == (46, 156), f"the text says 46 of 156 family analogies are right, the notebook printed {section}"
assert max(scores["embedlab skip-gram"]["analogy"].sections.items(), key=lambda kv: kv[1][0] / max(kv[1][1], 1))[0] \
    == "family", \
    f"the text says family is the best analogy section, the notebook has {scores['embedlab skip-gram']['analogy'].sections}"

# %% [markdown]
# You should see the Bible's vocabulary around *god* (**lord** among the neighbours) and
# around *king* (kings such as **solomon**, **josiah** and **zedekiah**, and **assyria**),
# metals and money near *silver* (**gold**, **brass**, **shekels**), and near *daughter* the
# words of Genesis' family stories (*eldest*, and names such as **isaac** and **bethuel**;
# gensim's list changes from run to run). The corpus decides what "similar" means: *king*
# here is a biblical word, not a chess piece or a card. Single analogies are fragile on a
# million words: the famous *man : king = woman : ?* answers **queen** first, but
# *father : mother = son : ?* does not put **daughter** in its first three answers (names
# of Bible characters come first). Still, the family section is the analogy section this
# corpus does best (46 of 156 right).
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
assert round(float(cos[same].mean()), 2) == 0.72, \
    f"the text says a mean cosine of 0.72 within groups, the notebook printed {cos[same].mean():.2f}"
assert round(float(cos[other].mean()), 2) == 0.35, \
    f"the text says a mean cosine of 0.35 between groups, the notebook printed {cos[other].mean():.2f}"
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
# "*white* as snow"), and a mean cosine of 0.72 within groups against 0.35 between them.
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
# * **Negative sampling** turns the $V$-way softmax into $k + 1$ logistic questions. Its
#   gradients move the centre towards its context and away from noise words, and each
#   output vector towards or away from the centre, in proportion to the model's error; you
#   derived the second part and checked it numerically.
# * Noise words are drawn from **counts^0.75**; frequent words are **subsampled** (by
#   word2vec.c's formula); the **learning rate decays linearly**; each position's window is
#   drawn between 1 and `window`.
# * Trained in **batches of pairs** with `index_add_`, the whole algorithm is a few tensor
#   operations per batch, on a CPU or a GPU. A batch sums updates computed from one snapshot,
#   which word2vec.c never does: the most frequent words need a cap on their updates per batch.
# * The **full softmax** costs $V$ dot products per pair; **hierarchical softmax** about
#   $\log_2 V$ (a Huffman tree); **NCE** learns the softmax's probabilities from noise
#   samples; negative sampling is NCE without its correction term.
# * What SGNS fits is the **shifted PMI**, $\log\frac{\#(w,c)}{\#(w)P_n(c)} - \log k$, the
#   matrix of notebook 02, factorised implicitly by SGD on pairs.
# * The vectors reflect their corpus: on a million words of dictionary and Bible, *king* sits
#   with *josiah*; analogy scores need much more (and more varied) text.
#
# **Next:** notebook 04, GloVe and SWIVEL, fits the vectors to the co-occurrence counts
# directly (SWIVEL to the PMI itself, cell by cell), and uses pretrained GloVe vectors
# trained on 6 billion words.
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
# ($\partial\ell/\partial c_o = -(1-\sigma(s))\,w$, your derivation): if $W$ were zero too,
# both gradients would be zero and nothing would ever move. Small random input vectors
# break the symmetry: the output vectors move first, then the input vectors follow.
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
# With power 1, the ten most frequent words (*the*, *of*, *to*, *and* ...) would be 26 % of
# all noise words (*the* alone 6.4 %): a quarter of the training signal would be "these few
# words are noise", and rare words would almost never be pushed away from anything. With
# power 0, most noise words would be rare words that appear in no context, too easy to
# reject to teach much. 0.75 is in between: frequent words are drawn less often than their
# frequency (the top ten 8 %, *the* 1.7 %), rare ones more often (*zinc*: twice its
# frequency). It was chosen empirically, and it works well in practice; section 8 shows
# that it also changes what the scores fit (PMI with a smoothed context distribution).
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
# **5.** CBOW trained several times faster than skip-gram here on the same corpus (the
# `train s` column of section 7). Where
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
# **6.** Levy and Goldberg's result says the best score is $\text{PMI}(w, c) - \log k$. What
# happens to the trained scores with $k = 1$ noise word instead of 5, and with $k = 15$?
# Why can the fit of section 8 not be exact, even after many epochs?
#
# <details><summary>Answer</summary>
#
# The optimum moves down by $\log k$: with $k = 1$ the scores fit PMI itself, with $k = 15$
# they fit PMI $- \log 15 \approx$ PMI $- 2.7$ (more noise words per pair push every score
# lower). The fit cannot be exact because $W C^\top$ has rank at most $d = 50$ while the
# PMI matrix has $16{,}675^2$ cells, most of them never seen (their PMI is $-\infty$): SGD
# finds the low-rank matrix that fits the cells best, weighted by how often each pair and
# its noise occur, as an SVD of PPMI does with its own weighting.
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
# * Levy and Goldberg (2014), "Neural Word Embedding as Implicit Matrix Factorization"
#   (SGNS fits the shifted PMI matrix), NeurIPS 2014.
# * Levy, Goldberg and Dagan (2015), "Improving Distributional Similarity with Lessons Learned
#   from Word Embeddings" (the hyper-parameters matter as much as the algorithm).
# * Morin and Bengio (2005), "Hierarchical Probabilistic Neural Network Language Model";
#   Gutmann and Hyvärinen (2010), "Noise-contrastive estimation"; Mnih and Teh (2012), "A
#   fast and simple algorithm for training neural probabilistic language models" (NCE for
#   words).
# * Rong (2014), "word2vec Parameter Learning Explained" (every gradient, for the softmax,
#   hierarchical softmax and negative sampling): <https://arxiv.org/abs/1411.2738>
# * gensim's Word2Vec tutorial: <https://radimrehurek.com/gensim/auto_examples/tutorials/run_word2vec.html>

# %%
print(f"Notebook ran in {time.perf_counter() - notebook_started:.1f} s.")
